/**
 * One scenario, start to end: wait until the platform is as the scenario
 * needs it, run k6, and every second sample the platform and k6, note what
 * changed, make the releases that are due, and decide when the run is over.
 */
import { join } from "node:path";
import { describeEvent, type PlatformEvent, type RunEvent, serviceEvents } from "./events.ts";
import { startK6 } from "./k6.ts";
import type { Platform, PlatformState } from "./platform.ts";
import { type ScenarioPlan, TAIL_SECONDS } from "./scenarios.ts";
import { type Row, rowsOf, type Tick } from "./timeline.ts";

export interface RunResult {
  ticks: Tick[];
  rows: Row[];
  events: RunEvent[];
  startedAt: number;
  firstState: PlatformState | undefined;
  k6Exit: number;
  /** k6 was stopped by the runner once the scenario was over (its exit code is then 103, or 105 after SIGINT). */
  stoppedByRunner: boolean;
}

export interface RunIo {
  dir: string;
  scenariosDir: string;
  k6Env: Record<string, string>;
  apiPort: number;
  show: (line: string, row?: Row) => void;
  note: (line: string) => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runScenario(plan: ScenarioPlan, platform: Platform, io: RunIo): Promise<RunResult> {
  await waitUntilReady(plan, platform, io);
  const firstState = await platform.state();
  const k6 = startK6({
    script: join(io.scenariosDir, plan.script),
    env: io.k6Env,
    apiPort: io.apiPort,
    summaryPath: join(io.dir, "k6-summary.json"),
    logPath: join(io.dir, "k6.log"),
  });
  let k6Exit: number | undefined;
  void k6.exited.then((code) => {
    k6Exit = code;
  });

  const startedAt = Date.now();
  const ticks: Tick[] = [];
  const events: RunEvent[] = [];
  const rows: Row[] = [];
  let previous = firstState;
  const pending = [...plan.actions];
  let doneAt: number | undefined;
  let stoppedByRunner = false;
  const secondsNow = () => Math.round((Date.now() - startedAt) / 100) / 10;
  const note = (entry: RunEvent) => {
    events.push(entry);
    io.note(`[${plan.name}] ${entry.t} s: ${entry.text}`);
  };
  const event = (text: string, action = false, t = secondsNow()) => note({ t, text, ...(action ? { action } : {}) });
  const platformEvent = (platform: PlatformEvent) => note({ t: secondsNow(), text: describeEvent(platform), platform });

  // Sample every second while k6 runs, then while the platform settles. A slow answer (a busy
  // machine) stretches that second rather than being dropped: rates are taken over the real span,
  // and the next sample waits a full second (k6 updates its counters once a second).
  let settleUntil: number | undefined;
  for (let previousAt = 0; ; ) {
    await sleep(Math.max(0, previousAt + 1000 - Date.now()));
    previousAt = Date.now();
    const [state, client] = await Promise.all([platform.state(), k6Exit === undefined ? k6.counters() : undefined]);
    const at = Date.now();
    ticks.push({ at, platform: state?.sample ?? { at, revisions: [] }, ...(client ? { client } : {}) });
    // A row depends on its tick and the one before: only the newest is computed.
    rows.push(...rowsOf(plan.service, ticks.slice(-2), startedAt));
    if (state && previous) {
      const names = (s: PlatformState) =>
        s.sample.revisions.filter((r) => r.service === plan.service).map((r) => r.revision);
      const find = (s: PlatformState) => s.services.find((x) => x.name === plan.service);
      for (const e of serviceEvents(find(previous), find(state), names(previous), names(state))) platformEvent(e);
    }
    if (state) previous = state;
    const t = (at - startedAt) / 1000;

    for (const action of [...pending]) {
      if (!action.due(t, events)) continue;
      pending.splice(pending.indexOf(action), 1);
      // Marked when it began: a release takes seconds (a bundle, a replica starting).
      const began = secondsNow();
      action.run(platform).then(
        (how) => event(`${action.label}: ${how}`, true, began),
        (error: Error) => event(`${action.label} failed: ${error.message}`, true, began),
      );
    }
    if (doneAt === undefined && plan.doneWhen?.(events)) doneAt = at;
    if (k6Exit === undefined && doneAt !== undefined && at - doneAt >= TAIL_SECONDS * 1000) {
      stoppedByRunner = true;
      await k6.stop();
      await k6.exited;
    }

    if (k6Exit === undefined) {
      io.show(`running k6${doneAt ? ", done: tail" : ""}`, rows.at(-1));
      continue;
    }
    if (!plan.settledWhen) break;
    settleUntil ??= at + (plan.settleSeconds ?? 120) * 1000;
    if (plan.settledWhen(rows) || at >= settleUntil) break;
    io.show("k6 done; waiting for the platform to settle", rows.at(-1));
  }
  events.sort((a, b) => a.t - b.t);
  return { ticks, rows, events, startedAt, firstState, k6Exit: k6Exit ?? (await k6.exited), stoppedByRunner };
}

async function waitUntilReady(plan: ScenarioPlan, platform: Platform, io: RunIo): Promise<void> {
  if (!plan.waitBefore) return;
  const deadline = Date.now() + 300_000;
  for (;;) {
    const state = await platform.state();
    const waiting = state ? plan.waitBefore(state) : "the platform's metrics";
    if (!waiting) return;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${waiting}`);
    io.show(`waiting for ${waiting}`);
    await sleep(1000);
  }
}
