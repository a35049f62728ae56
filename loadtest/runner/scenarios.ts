/**
 * What the runner does around each k6 script: what must be true before the
 * load starts, the releases it makes during the load and when, when the run
 * is over, and what the platform must have shown by then. The request-side
 * rules (no failed request, ...) are the scripts' own k6 thresholds.
 */
import type { PlatformEvent, RunEvent } from "./events.ts";
import type { Platform, PlatformState, ReleaseKind } from "./platform.ts";
import { type RunSummary, underLoad } from "./summary.ts";
import type { Row } from "./timeline.ts";

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export interface RunView {
  rows: readonly Row[];
  events: readonly RunEvent[];
  summary: RunSummary;
  /** The revision serving the most traffic when the load started. */
  primaryAtStart: string | undefined;
}

export interface Action {
  label: string;
  /** Checked every second once the load has started; each action runs once. */
  due: (t: number, events: readonly RunEvent[]) => boolean;
  run: (platform: Platform) => Promise<string>;
}

export interface ScenarioPlan {
  name: string;
  /** Under loadtest/scenarios/. */
  script: string;
  /** The function the chart and the checks are about. */
  service: string;
  title: string;
  /** k6 variables and their defaults; the same names in the environment override them. */
  k6Env: Record<string, string>;
  /** Before k6 starts: undefined when ready, else what is awaited. */
  waitBefore?: (state: PlatformState) => string | undefined;
  actions: Action[];
  /** The releases the actions make (on a cluster each needs its command). */
  releases: ReleaseKind[];
  /** The run is over: k6 is stopped (if still running) TAIL_SECONDS later. */
  doneWhen?: (events: readonly RunEvent[]) => boolean;
  /** After k6 ends, sampling goes on until this holds, for at most `settleSeconds`. */
  settledWhen?: (rows: readonly Row[]) => boolean;
  settleSeconds?: number;
  checks: (view: RunView) => Check[];
}

const SERVICE = "redirect";
/** How long the load goes on after a scenario is over (the promotion), for the chart's sake. */
export const TAIL_SECONDS = 10;

const readyOf = (state: PlatformState, service: string) =>
  state.sample.revisions.filter((r) => r.service === service).reduce((sum, r) => sum + r.ready, 0);
type EventKind = PlatformEvent["kind"];
/** The first event the platform reported of one of `kinds`. */
const first = (events: readonly RunEvent[], ...kinds: EventKind[]) =>
  events.find((e) => e.platform && kinds.includes(e.platform.kind));
const has = (events: readonly RunEvent[], ...kinds: EventKind[]) => first(events, ...kinds) !== undefined;
const numberFrom = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

/** The revision that served 100 % at the end, and that it is not the one that served at the start. */
function newRevisionServesAll(view: RunView): Check {
  const last = view.rows.at(-1);
  const serving = Object.entries(last?.revisions ?? {})
    .filter(([, p]) => p.percent === 100)
    .map(([r]) => r)[0];
  return {
    name: "a new revision serves all traffic at the end",
    ok: serving !== undefined && serving !== view.primaryAtStart,
    detail: `at the start ${view.primaryAtStart ?? "none"}, at the end ${serving ?? "no revision at 100 %"}`,
  };
}

function eventCheck(view: RunView, name: string, ...kinds: EventKind[]): Check {
  const event = first(view.events, ...kinds);
  return { name, ok: Boolean(event), detail: event ? `${event.t} s: ${event.text}` : "not seen" };
}

const RELEASE = "release";
/** The release action's event, once it has ended (it is marked with the time it began). */
const releaseEnded = (events: readonly RunEvent[]) =>
  events.find((e) => e.action && (e.text.startsWith(`${RELEASE}: `) || e.text.startsWith(`${RELEASE} failed: `)));
const releaseFailed = (events: readonly RunEvent[]) =>
  releaseEnded(events)?.text.startsWith(`${RELEASE} failed: `) ?? false;

export const scenarios: Record<string, ScenarioPlan> = {
  smoke: {
    name: "smoke",
    script: "smoke.js",
    service: SERVICE,
    title: "smoke: every function answers",
    k6Env: {},
    actions: [],
    releases: [],
    checks: () => [],
  },

  autoscale: {
    name: "autoscale",
    script: "autoscale.js",
    service: SERVICE,
    title: "autoscale: the redirect from zero replicas to many and back",
    k6Env: { PEAK_VUS: "700", IDLE: "10s", RAMP: "1s", HOLD: "60s" },
    waitBefore: (state) => {
      const ready = readyOf(state, SERVICE);
      return ready === 0 ? undefined : `the redirect to scale to zero (idle): ${ready} ready now`;
    },
    actions: [],
    releases: [],
    settledWhen: (rows) => {
      const lastLoaded = rows.findLastIndex(underLoad);
      return lastLoaded >= 0 && rows.slice(lastLoaded + 1).some((r) => r.ready === 0);
    },
    settleSeconds: 150,
    checks: ({ summary }) => {
      const minPeak = numberFrom("MIN_PEAK_REPLICAS", 5);
      return [
        {
          name: "starts from zero replicas",
          ok: summary.readyAtLoadStart === 0,
          detail: `${summary.readyAtLoadStart ?? "-"} ready when the load started`,
        },
        {
          name: `scales to at least ${minPeak} replicas`,
          ok: summary.peakReady >= minPeak,
          detail: `peak ${summary.peakReady} ready (${summary.peakDesired} desired)`,
        },
        {
          name: "scales back to zero",
          ok: summary.secondsBackToZero !== null,
          detail:
            summary.secondsBackToZero === null ? "not seen" : `${summary.secondsBackToZero} s after the load ended`,
        },
      ];
    },
  },

  rollout: {
    name: "rollout",
    script: "rollout.js",
    service: SERVICE,
    title: "rollout: a new revision of the redirect under steady load",
    k6Env: { RATE: "200", DURATION: "3m" },
    actions: [
      {
        label: "release a new revision",
        due: (t) => t >= numberFrom("RELEASE_AT", 10),
        run: (platform) => platform.release(SERVICE, "new"),
      },
    ],
    releases: ["new"],
    doneWhen: (events) => has(events, "promoted", "rolled-out"),
    checks: (view) => [
      eventCheck(view, "the new revision is promoted", "promoted", "rolled-out"),
      newRevisionServesAll(view),
    ],
  },

  web: {
    name: "web",
    script: "web.js",
    service: "web",
    title: "web: visitors on the sign-in page and a tenant browsing its links",
    k6Env: { RATE: "20", TENANT_RATE: "2", DURATION: "60s" },
    actions: [],
    releases: [],
    checks: ({ summary }) => [
      {
        name: "the web function served the load",
        ok: summary.peakReady >= 1,
        detail: `peak ${summary.peakReady} ready (${summary.peakDesired} desired)`,
      },
    ],
  },

  release: {
    name: "release",
    script: "release.js",
    service: SERVICE,
    title: "release: a release goes out while every function takes steady traffic, not one request failing",
    k6Env: { RATE: "20", DURATION: "20m" },
    actions: [
      {
        label: RELEASE,
        due: (t) => t >= numberFrom("RELEASE_AT", 10),
        run: (platform) => platform.release(SERVICE, "new"),
      },
    ],
    releases: ["new"],
    // On a cluster the release command returns once the release is out; locally once it is made.
    doneWhen: (events) =>
      releaseEnded(events) !== undefined &&
      (releaseFailed(events) || has(events, "promoted", "rolled-out", "rolled-back")),
    checks: (view) => {
      const ended = releaseEnded(view.events);
      return [
        {
          name: "the release command succeeded",
          ok: ended !== undefined && !releaseFailed(view.events),
          detail: ended ? `${ended.t} s: ${ended.text}` : "it did not end",
        },
        eventCheck(view, "the redirect's new revision is promoted", "promoted", "rolled-out"),
        newRevisionServesAll(view),
      ];
    },
  },

  canary: {
    name: "canary",
    script: "canary.js",
    service: SERVICE,
    title: "canary: a faulty release rolled back, a healthy one promoted",
    k6Env: { RATE: "200", DURATION: "5m" },
    actions: [
      {
        label: "release a faulty revision (FAIL_RATE)",
        due: (t) => t >= numberFrom("RELEASE_AT", 10),
        run: (platform) => platform.release(SERVICE, "faulty"),
      },
      {
        label: "release a healthy revision",
        due: (_, events) => has(events, "rolled-back"),
        run: (platform) => platform.release(SERVICE, "healthy"),
      },
    ],
    releases: ["faulty", "healthy"],
    doneWhen: (events) => has(events, "promoted"),
    checks: (view) => {
      const rollback = first(view.events, "rolled-back");
      const afterRollback = view.rows.filter((r) => rollback && r.t > rollback.t + 2);
      const failuresAfter = afterRollback.reduce((sum, r) => sum + r.clientFailedPerS, 0);
      return [
        eventCheck(view, "the faulty revision is rolled back", "rolled-back"),
        eventCheck(view, "the healthy revision is promoted", "promoted"),
        newRevisionServesAll(view),
        {
          name: "no request fails once the faulty revision is rolled back",
          ok: rollback !== undefined && failuresAfter === 0,
          detail: rollback ? `${Math.round(failuresAfter)} failed after ${rollback.t + 2} s` : "no rollback seen",
        },
      ];
    },
  },
};
