/**
 * The runner's Prometheus sampler against a real Prometheus (Debian's, from
 * npm run setup) scraping the local platform's /metrics every second: what it
 * reads back must be what the platform itself reports (Prometheus sends the
 * control token as a bearer, from a file). On a cluster the same
 * queries go to the cluster's Prometheus (PROMETHEUS_URL).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eventually } from "@platform/kit/testing";
import {
  type ControlUnderTest,
  isCanary,
  localOverlayWithout,
  requestWithHost,
  type ServingUnderTest,
  serveControlForTest,
  startServingForTest,
} from "@platform/local/testing";
import { freePort } from "@platform/processes/free-port";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prometheusSampler } from "./prometheus.ts";

let under: ServingUnderTest;
let control: ControlUnderTest;
let prometheus: ChildProcess;
let prometheusUrl: string;
let dir: string;

beforeAll(async () => {
  under = await startServingForTest({ start: true });
  await under.serving.apply(localOverlayWithout(isCanary));
  control = await serveControlForTest(under.serving);
  dir = await mkdtemp(join(tmpdir(), "prometheus-"));
  await writeFile(join(dir, "control-token"), control.endpoint.token, { mode: 0o600 });
  await writeFile(
    join(dir, "prometheus.yml"),
    [
      "global: { scrape_interval: 1s }",
      "scrape_configs:",
      "  - job_name: local-platform",
      `    authorization: { credentials_file: ${join(dir, "control-token")} }`,
      `    static_configs: [{ targets: ["127.0.0.1:${control.port}"] }]`,
      "",
    ].join("\n"),
  );
  const port = await freePort();
  prometheusUrl = `http://127.0.0.1:${port}`;
  prometheus = spawn(
    "prometheus",
    [
      `--config.file=${join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: "ignore" },
  );
  prometheus.once("error", (error) => {
    throw new Error(`prometheus could not start (npm run setup installs it): ${error.message}`);
  });
}, 60_000);

afterAll(async () => {
  prometheus?.kill();
  control?.close();
  await under?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("the Prometheus sampler", () => {
  it("reads each revision's replicas and answers as the platform reports them", async () => {
    const answer = async (n: number) => {
      for (let i = 0; i < n; i++) {
        expect((await requestWithHost(under.port, "redirect.default.localhost", "/lt-no-such-code")).status).toBe(404);
      }
    };
    // The sampler reads answers as rates and integrates them (the arithmetic is
    // prometheus.test.ts'); here: the rates come back, under the revision's labels.
    const sample = prometheusSampler(prometheusUrl, "default");
    await eventually(async () => {
      await answer(5); // traffic across scrapes: a rate needs an increase between two of them
      const state = await sample();
      const redirect = state?.sample.revisions.find((r) => r.revision === "redirect-00001");
      const truth = under.serving.status().find((r) => r.revision === "redirect-00001");
      expect(redirect).toMatchObject({ service: "redirect", ready: truth?.ready, desired: truth?.desired });
      expect(redirect?.percent).toBe(100);
      expect(redirect?.requests).toBeGreaterThan(0);
      expect(redirect?.errors).toBe(0);
      expect(redirect?.buckets.at(-1)).toBeGreaterThan(0);
      expect(state?.sample.revisions.map((r) => r.service).sort()).toEqual(["analytics", "links", "redirect", "web"]);
    }, 30_000);
  });

  it("gives nothing rather than throwing when Prometheus cannot be reached", async () => {
    expect(await prometheusSampler("http://127.0.0.1:1", "default")()).toBeUndefined();
  });
});
