import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { clusterPlatform, missingReleaseCommands } from "./cluster-platform.ts";

describe("a cluster as the runner's platform (its release commands run here; no cluster is needed for that)", () => {
  const env = { BASE_URL: "http://203.0.113.10", DOMAIN: "example.com", NAMESPACE: "test", API_KEY: "k" };

  it("sends k6 to the ingress with Knative's host names", () => {
    expect(clusterPlatform(env).target).toEqual({
      baseUrl: "http://203.0.113.10",
      namespace: "test",
      domain: "example.com",
      apiKey: "k",
    });
  });

  it("names the release commands a scenario needs that are not set", () => {
    expect(missingReleaseCommands(["faulty", "healthy"], { FAULTY_RELEASE_COMMAND: "x" })).toEqual([
      "HEALTHY_RELEASE_COMMAND",
    ]);
    expect(missingReleaseCommands([], {})).toEqual([]);
  });

  it("releases by running the command for that kind of release, with SERVICE set", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "release-")), "released");
    const platform = clusterPlatform({ ...env, FAULTY_RELEASE_COMMAND: `echo "$SERVICE faulty" > ${out}` });
    expect(await platform.release("redirect", "faulty")).toContain("echo");
    expect(readFileSync(out, "utf8")).toBe("redirect faulty\n");
    await expect(platform.release("redirect", "new")).rejects.toThrow("set RELEASE_COMMAND");
  });

  it("has no platform state without PROMETHEUS_URL (k6's side only)", async () => {
    expect(await clusterPlatform(env).state()).toBeUndefined();
    expect(clusterPlatform(env).description).toContain("no PROMETHEUS_URL");
  });
});
