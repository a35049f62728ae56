/** The stand-in's own Go tests (main_test.go: the series it exports for Flux objects, and none without them). */
import { execFileSync } from "node:child_process";
import { expect, it } from "vitest";

it("exports gotk_resource_info as Flux's kube-state-metrics configuration does (go test)", () => {
  const out = execFileSync("go", ["test", "-count=1", "./..."], { cwd: import.meta.dirname, encoding: "utf8" });
  expect(out).toMatch(/^ok\s+platform\.local\/flux-resource-metrics-standin\s/m);
}, 300_000);
