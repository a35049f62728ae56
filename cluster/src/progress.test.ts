import { describe, expect, it } from "vitest";
import { SilenceWatch } from "./progress.ts";

describe("SilenceWatch", () => {
  it("says which task is still running once it has been silent, then again each interval", () => {
    const watch = new SilenceWatch(60_000, 0);
    watch.output("\nTASK [kubernetes : Build Kubernetes v1.36.3 (cached)] ****\n", 1_000);
    expect(watch.noteAt(30_000)).toBeUndefined();
    expect(watch.noteAt(61_000)).toBe(
      "  ... still running: kubernetes : Build Kubernetes v1.36.3 (cached) (1 min 00 s)",
    );
    expect(watch.noteAt(90_000)).toBeUndefined();
    expect(watch.noteAt(121_000)).toBe(
      "  ... still running: kubernetes : Build Kubernetes v1.36.3 (cached) (2 min 00 s)",
    );
  });

  it("stays quiet while output flows, and before any task", () => {
    const watch = new SilenceWatch(60_000, 0);
    expect(watch.noteAt(120_000)).toBeUndefined();
    watch.output("TASK [a : one] ***", 120_000);
    watch.output("ok: [localhost]", 170_000);
    expect(watch.noteAt(200_000)).toBeUndefined();
    watch.output("TASK [a : two] ***\nTASK [a : three] ***", 200_000);
    expect(watch.noteAt(265_000)).toBe("  ... still running: a : three (1 min 05 s)");
  });
});
