/**
 * Zero downtime (F5): a new revision of redirect rolled out while requests
 * keep coming; not one may fail. Real bundles, processes and ingress.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freshDatabase, freshRedisUrl } from "@platform/kit/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderKustomization } from "../desired/render.ts";
import { LocalServing } from "./local-serving.ts";

let serving: LocalServing;
let port: number;
let dataDir: string;
// Without the Canaries: Knative's own rollout, all traffic to the new revision once it is Ready.
// (With a Canary, traffic moves step by step: canary.test.ts.)
const rendered = renderKustomization("knative/overlays/local")
  .split(/^---\n/m)
  .filter((doc) => !/^kind: Canary$/m.test(doc))
  .join("---\n");
const agent = new Agent({ keepAlive: true, maxSockets: 8 });

function get(host: string, path: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port, path, headers: { host }, agent }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", () => resolve(0));
    req.end();
  });
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "rollout-"));
  const secrets = new Map([
    [
      "platform-secrets",
      { DATABASE_URL: await freshDatabase(), REDIS_URL: await freshRedisUrl(), ROLLUP_TOKEN: "r".repeat(24) },
    ],
  ]);
  serving = new LocalServing({
    dataDir,
    domain: "localhost",
    secrets,
    log: () => {},
    envOverrides: { LOG_LEVEL: "warn" },
  });
  port = await serving.ingress.listen(0);
  await serving.apply(rendered);
  serving.start();
}, 120_000);

afterAll(async () => {
  agent.destroy();
  await serving.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe("a rollout under steady load", () => {
  it("moves traffic to the new revision without one failed request", async () => {
    let running = true;
    const statuses: number[] = [];
    const workers = Array.from({ length: 4 }, async () => {
      while (running) statuses.push(await get("redirect.default.localhost", "/health/readiness"));
    });
    await new Promise((r) => setTimeout(r, 500));
    await serving.apply(
      rendered.replace('autoscaling.knative.dev/max-scale: "20"', 'autoscaling.knative.dev/max-scale: "21"'),
    );
    await new Promise((r) => setTimeout(r, 1000));
    running = false;
    await Promise.all(workers);

    const redirects = serving.status().filter((s) => s.service === "redirect");
    expect(redirects.map((r) => [r.revision, r.routed])).toEqual([
      ["redirect-00001", false],
      ["redirect-00002", true],
    ]);
    expect(statuses.length).toBeGreaterThan(100);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
  });
});
