/**
 * Changing a running Service through the control API and the CLI, as
 * `kn service update` does on a cluster: traffic split, tags, min/max scale,
 * environment, reset; refusals answer problem+json with Knative's message and change
 * nothing. Real bundles, processes and ingress.
 */
import { eventually } from "@platform/kit/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments, stringify } from "yaml";
import { runCli } from "../cli/main.ts";
import { type ControlEndpoint, controlRequest } from "../control-api/control-client.ts";
import { requestWithHost } from "../testing/http-with-host.ts";
import {
  type ControlUnderTest,
  isCanary,
  localOverlayWithout,
  type ServingUnderTest,
  serveControlForTest,
  startServingForTest,
} from "../testing/index.ts";

let under: ServingUnderTest;
let control: ControlUnderTest;
let endpoint: ControlEndpoint;
/** The headers of Knative's queue-proxy probing a container: the kit answers health only to them. */
const PROBE = { "k-kubelet-probe": "queue" };
const rendered = localOverlayWithout(isCanary);
const v2 = rendered.replace('autoscaling.knative.dev/max-scale: "20"', 'autoscaling.knative.dev/max-scale: "21"');

async function send(method: string, path: string, body?: unknown) {
  const res = await controlRequest(endpoint, method, path, { body });
  // biome-ignore lint/suspicious/noExplicitAny: answers are read field by field in the assertions
  return { status: res.status, type: res.headers.get("content-type"), body: (await res.json()) as Record<string, any> };
}

/**
 * Which revision answered each of `n` requests on `host`: the kit's health
 * endpoints name it, to Knative's probes only (the local ingress passes the
 * probe header on; in a cluster queue-proxy would answer it itself).
 */
async function revisionsServing(host: string, n: number): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const { body } = await requestWithHost(under.port, host, "/health/liveness", { headers: PROBE });
    const revision = /"revision":"([^"]+)"/.exec(body)?.[1] ?? "none";
    seen.set(revision, (seen.get(revision) ?? 0) + 1);
  }
  return seen;
}

beforeAll(async () => {
  under = await startServingForTest({ start: true, logLevel: "info" });
  await under.serving.apply(rendered);
  await under.serving.apply(v2); // redirect-00002 takes the traffic; redirect-00001 stays, unrouted
  control = await serveControlForTest(under.serving, { render: () => v2 });
  endpoint = control.endpoint;
}, 120_000);

afterAll(async () => {
  control?.close();
  await under.close();
});

describe("changing a running Service", () => {
  it("splits traffic between revisions by the percents given", async () => {
    const res = await send("POST", "/services/redirect/traffic", {
      traffic: [
        { revisionName: "redirect-00001", percent: 50 },
        { latestRevision: true, percent: 50 },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.revisions.map((r: { revision: string; percent: number }) => [r.revision, r.percent])).toEqual([
      ["redirect-00001", 50],
      ["redirect-00002", 50],
    ]);
    const seen = await revisionsServing("redirect.default.localhost", 200);
    // 200 fair coin flips: 50 % +- 4 standard deviations (7 %).
    expect(seen.get("redirect-00001")).toBeGreaterThan(72);
    expect(seen.get("redirect-00002")).toBeGreaterThan(72);
    expect(res.body.liveChange.traffic).toHaveLength(2);
  });

  it("refuses a split Knative would refuse, with its message, and keeps the one it had", async () => {
    const res = await send("POST", "/services/redirect/traffic", {
      traffic: [{ revisionName: "redirect-00001", percent: 90 }],
    });
    expect(res.status).toBe(400);
    expect(res.type).toBe("application/problem+json");
    expect(res.body.detail).toBe(
      "Service/redirect: validation failed: Traffic targets sum to 90, want 100: spec.traffic",
    );
    const status = await send("GET", "/status");
    expect(status.body.routes["redirect.default.localhost"]).toEqual({ "redirect-00001": 50, "redirect-00002": 50 });
  });

  it.each([
    ["/services/redirect/traffic", { traffic: [{ revisionName: "x", percent: "all" }] }, "#/traffic/0/percent"],
    ["/services/redirect/traffic", { split: [] }, "#/"],
    ["/services/redirect/scale", {}, "#/"],
    ["/services/redirect/scale", { minScale: -1 }, "#/minScale"],
    ["/services/redirect/tags", { tag: "Not A Label", revision: "redirect-00001" }, "#/tag"],
  ])("answers 400 problem+json naming the field for %s %j", async (path, body, pointer) => {
    const res = await send("POST", path, body);
    expect(res.status).toBe(400);
    expect(res.type).toBe("application/problem+json");
    expect(res.body.errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
  });

  it("refuses a split naming a revision that does not exist, as Knative's route does", async () => {
    const res = await send("POST", "/services/redirect/traffic", {
      traffic: [{ revisionName: "redirect-00009", percent: 100 }],
    });
    expect(res.status).toBe(400);
    expect(res.body.detail).toBe('Service/redirect: Revision "redirect-00009" referenced in traffic not found.');
    const status = await send("GET", "/status");
    expect(status.body.routes["redirect.default.localhost"]).toEqual({ "redirect-00001": 50, "redirect-00002": 50 });
  });

  it("answers 404 for a Service the manifests do not have", async () => {
    const res = await send("POST", "/services/nope/traffic", { traffic: [{ latestRevision: true, percent: 100 }] });
    expect(res.status).toBe(404);
    expect(res.body.detail).toBe('no Service named "nope" in the manifests');
  });

  it("gives what the load-test runner samples: every revision's counters, each service's scaling (GET /sample)", async () => {
    const { status, body } = await send("GET", "/sample");
    expect(status).toBe(200);
    expect(body.sample.revisions.map((r: { revision: string }) => r.revision)).toContain("redirect-00002");
    expect(body.sample.revisions[0]).toHaveProperty("requests");
    expect(body.services.find((s: { name: string }) => s.name === "redirect").autoscaling).toMatchObject({
      minScale: 0,
      stableWindowMs: 6000,
      targetValue: 70,
    });
  });

  it("tags a revision so its own host reaches it, and untags it (CLI)", async () => {
    let out = "";
    const io = { endpoint, out: (text: string) => (out += text) };
    expect(await runCli(["tag", "redirect", "redirect-00001=previous"], io)).toBe(0);
    expect(out).toContain("redirect: tagged previous; now redirect-00001 50% (previous), redirect-00002 50%");
    expect(await revisionsServing("previous-redirect.default.localhost", 5)).toEqual(new Map([["redirect-00001", 5]]));
    // The platform's metrics count those requests under the tag they came by.
    const metrics = await (await controlRequest(endpoint, "GET", "/metrics")).text();
    expect(metrics).toMatch(
      /kn_revision_requests_total\{[^}]*kn_revision_name="redirect-00001"[^}]*kn_route_tag="previous",response_code_class="2xx"\} 5/,
    );
    out = "";
    expect(await runCli(["untag", "redirect", "previous"], io)).toBe(0);
    expect((await requestWithHost(under.port, "previous-redirect.default.localhost", "/metrics")).status).toBe(404);
  });

  it("sets the split from the CLI, and shows Knative's refusal", async () => {
    let out = "";
    const io = { endpoint, out: (text: string) => (out += text) };
    expect(await runCli(["traffic", "redirect", "redirect-00001=100"], io)).toBe(0);
    expect(out).toBe("redirect: traffic set; now redirect-00001 100%\n");
    out = "";
    expect(await runCli(["traffic", "redirect", "redirect-00001=60", "@latest=60"], io)).toBe(1);
    expect(out).toContain("refused (400): Service/redirect: validation failed: Traffic targets sum to 120, want 100");
  });

  it("makes a new revision for a new min/max scale, and refuses max below min with Knative's message", async () => {
    const refused = await send("POST", "/services/links/scale", { minScale: 5, maxScale: 2 });
    expect(refused.status).toBe(400);
    expect(refused.body.detail).toContain("max-scale=2 is less than min-scale=5");
    const res = await send("POST", "/services/links/scale", { minScale: 2, maxScale: 4 });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ minScale: 2, maxScale: 4 });
    const links = under.serving.status().filter((r) => r.service === "links");
    expect(links.map((r) => [r.revision, r.percent])).toEqual([
      ["links-00001", 0],
      ["links-00002", 100],
    ]);
    // Ready at initial-scale (1), then the autoscaler holds min-scale.
    await eventually(() => {
      const ready = under.serving.status().find((r) => r.revision === "links-00002")?.ready ?? 0;
      expect(ready).toBeGreaterThanOrEqual(2);
    }, 20_000);
  });

  it("shows what each revision's replicas wrote (CLI logs)", async () => {
    let out = "";
    expect(await runCli(["logs", "links-00002", "--tail", "50"], { endpoint, out: (t) => (out += t) })).toBe(0);
    expect(out).toMatch(/^\[links-00002-1\] \{.*"msg":"listening/m);
    expect((await send("GET", "/revisions/links-00009/logs")).status).toBe(404);
  });

  it("sets a variable from the CLI as a new revision (env links FAIL_RATE=1), and removes it (FAIL_RATE-)", async () => {
    let out = "";
    const io = { endpoint, out: (text: string) => (out += text) };
    expect(await runCli(["env", "links", "FAIL_RATE=1"], io)).toBe(0);
    expect(out).toContain("links: environment set");
    expect(under.serving.services().find((s) => s.name === "links")?.liveChange).toMatchObject({
      env: { FAIL_RATE: "1" },
    });
    expect((await requestWithHost(under.port, "links.default.localhost", "/openapi.json")).status).toBe(500);
    expect(await runCli(["env", "links", "FAIL_RATE-"], io)).toBe(0);
    expect((await requestWithHost(under.port, "links.default.localhost", "/openapi.json")).status).toBe(200);
    const links = under.serving.status().filter((r) => r.service === "links" && r.percent > 0);
    expect(links.map((r) => r.revision)).toEqual(["links-00004"]);
    const refused = await send("POST", "/services/links/env", { env: { "1BAD": "x" } });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].pointer).toBe("#/env/1BAD");
  });

  it("resets a Service's live changes to what the manifests say", async () => {
    const res = await send("DELETE", "/services/redirect/live-changes");
    expect(res.status).toBe(200);
    expect(res.body.liveChange).toBeUndefined();
    const status = await send("GET", "/status");
    expect(status.body.routes["redirect.default.localhost"]).toEqual({ "redirect-00002": 100 });
  });

  it("keeps serving what it served when the manifests name a revision that does not exist", async () => {
    // biome-ignore lint/suspicious/noExplicitAny: manifests edited as plain data
    const docs: any[] = parseAllDocuments(v2).map((d) => d.toJS());
    const redirect = docs.find((d) => d.kind === "Service" && d.metadata.name === "redirect");
    redirect.spec.traffic = [{ revisionName: "redirect-00009", percent: 100 }];
    await under.serving.apply(docs.map((d) => stringify(d)).join("---\n"));
    const status = await send("GET", "/status");
    expect(status.body.routes["redirect.default.localhost"]).toEqual({ "redirect-00002": 100 });
    const readiness = await requestWithHost(under.port, "redirect.default.localhost", "/health/readiness", {
      headers: PROBE,
    });
    expect(readiness.status).toBe(200);
  });
});
