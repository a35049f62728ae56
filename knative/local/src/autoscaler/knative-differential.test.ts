/**
 * Knative Serving v0.51.0's own Go beside ours: the same seeded random traces
 * go through Knative's TimedFloat64Buckets and max.TimeWindow (compiled from
 * the module, knative/local/differential) and through windowed-average.ts and
 * the decider's scale-down delay window; every answer must be the same, to the
 * last bit. Needs Go (npm run setup installs it and the module).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { type DeciderState, recordMax } from "./decider.ts";
import { WindowedAverage } from "./windowed-average.ts";

const source = fileURLToPath(new URL("../../differential", import.meta.url));
let knative: string;

beforeAll(() => {
  knative = join(mkdtempSync(join(tmpdir(), "knative-differential-")), "knative");
  execFileSync("go", ["build", "-o", knative, "."], { cwd: source, stdio: "pipe", timeout: 180_000 });
}, 200_000);

/** Knative's answers to a trace of operations, one line each. */
const runKnative = (ops: string[]) =>
  execFileSync(knative, { input: `${ops.join("\n")}\n`, encoding: "utf8" })
    .trim()
    .split("\n");

/** The first answer that differs, with the operations up to it: undefined when all agree. */
function firstDifference(ops: string[], ours: { op: number; answer: string }[]) {
  // Go's math.Round keeps the sign of a tiny negative sum (-0); as a number it is 0, as ours is.
  const theirs = runKnative(ops).map((line) => line.replace(/^-0( |$)/, "0$1"));
  expect(theirs).toHaveLength(ours.length);
  const i = ours.findIndex((o, k) => o.answer !== theirs[k]);
  if (i < 0) return undefined;
  const at = ours[i]?.op as number;
  return { ours: ours[i]?.answer, knative: theirs[i], trace: ops.slice(Math.max(0, at - 12), at + 1) };
}

/** A small seeded generator (mulberry32), so a failing trace can be run again. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const T0 = 1_700_000_000_000;

describe("the windows against Knative's own Go", () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])("TimedFloat64Buckets, trace %i", (seed) => {
    const rand = random(seed);
    const windowMs = [1000, 2000, 6000, 7000, 60_000][seed % 5] as number;
    const ops = [`buckets ${windowMs}`];
    const ours = new WindowedAverage(windowMs);
    const answers: { op: number; answer: string }[] = [];
    let t = T0 + Math.floor(rand() * 1000);
    for (let i = 0; i < 400; i++) {
      const r = rand();
      // Mostly a second on, sometimes the same second, a gap, a long gap, or a write from the past.
      t += r < 0.6 ? 1000 : r < 0.75 ? 150 : r < 0.9 ? 3000 : r < 0.95 ? windowMs + 2000 : -4000;
      const value = rand() < 0.2 ? 0 : Math.round(rand() * 50_000) / 1000;
      ops.push(`record ${t} ${value}`);
      ours.record(t, value);
      for (const ahead of [0, Math.floor(rand() * 3000), -700]) {
        ops.push(`average ${t + ahead}`);
        answers.push({ op: ops.length - 1, answer: `${ours.average(t + ahead)} ${ours.isEmpty(t + ahead)}` });
      }
    }
    expect(firstDifference(ops, answers)).toBeUndefined();
  });

  it.each([1, 2, 3, 4])("max.TimeWindow (scale-down delay), trace %i", (seed) => {
    const rand = random(100 + seed);
    const delayMs = [4000, 10_000, 60_000, 300_000][seed - 1] as number;
    const ops = [`delay ${delayMs}`];
    let recent: DeciderState["recent"] = [];
    const answers: { op: number; answer: string }[] = [];
    let t = T0;
    for (let i = 0; i < 400; i++) {
      t += rand() < 0.8 ? 2000 : rand() < 0.5 ? 0 : 6000;
      const pods = Math.floor(rand() * 20);
      ops.push(`delayed ${t} ${pods}`);
      recent = recordMax(recent, delayMs, t, pods);
      answers.push({ op: ops.length - 1, answer: String(Math.max(...recent.map((r) => r.pods))) });
    }
    expect(firstDifference(ops, answers)).toBeUndefined();
  });
});
