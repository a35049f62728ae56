/**
 * The local Knative Serving running the real local overlay: real bundles of
 * the three functions, real processes, the real ingress, a real PostgreSQL
 * and redis-server from the test set-up.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../cli/main.ts";
import { controlRequest } from "../control-api/control-client.ts";
import { renderKustomizationSync } from "../desired/render.ts";
import { serveControlForTest } from "../testing/control-under-test.ts";
import { requestWithHost } from "../testing/http-with-host.ts";
import { type ServingUnderTest, startServingForTest } from "../testing/serving-under-test.ts";
import type { LocalServing } from "./local-serving.ts";

let under: ServingUnderTest;
let serving: LocalServing;
const rendered = renderKustomizationSync("knative/overlays/local");
const get = (host: string, path: string) => requestWithHost(under.port, host, path);
/** As Knative's queue-proxy probes a container: the kit answers health only to its probes (the local ingress passes them on). */
const probe = (host: string, path: string) =>
  requestWithHost(under.port, host, path, { headers: { "k-kubelet-probe": "queue" } });

beforeAll(async () => {
  under = await startServingForTest();
  serving = under.serving;
  await serving.apply(rendered);
}, 120_000);

afterAll(() => under.close());

describe("the local Knative Serving", () => {
  it("runs a first revision of every function and routes their hosts to them", async () => {
    expect(
      serving
        .status()
        .map((s) => s.revision)
        .sort(),
    ).toEqual(["analytics-00001", "links-00001", "redirect-00001", "web-00001"]);
    expect((await probe("links.default.localhost:8080", "/health/readiness")).status).toBe(200);
    expect((await probe("analytics.default.localhost", "/health/liveness")).status).toBe(200);
    // No public host answers a function's health or metrics to anyone else.
    expect((await get("links.default.localhost", "/health/readiness")).status).toBe(404);
    expect((await get("links.default.localhost", "/metrics")).status).toBe(404);
    const redirect = await get("redirect.default.localhost", "/no-such-code");
    expect(redirect.status).toBe(404);
    expect(redirect.body).toContain("Link not found");
  });

  it("serves the redirect on the mapped bare domain", async () => {
    expect((await get("localhost:8080", "/no-such-code")).body).toContain("Link not found");
  });

  it("reports revisions and routes on its status API, and Knative's metrics", async () => {
    const control = await serveControlForTest(serving);
    const get = (path: string) => controlRequest(control.endpoint, "GET", path);
    const status = (await (await get("/status")).json()) as {
      revisions: { revision: string; ready: number; desired: number }[];
      routes: Record<string, Record<string, number>>;
    };
    expect(status.routes["links.default.localhost"]).toEqual({ "links-00001": 100 });
    expect(status.routes.localhost).toEqual({ "redirect-00001": 100 });
    expect(status.revisions.find((r) => r.revision === "redirect-00001")).toMatchObject({ ready: 1, desired: 1 });
    const metrics = await (await get("/metrics")).text();
    const labels = 'kn_service_name="redirect",kn_revision_name="redirect-00001",k8s_namespace_name="default"';
    expect(metrics).toContain(`kn_revision_pods_count{${labels}} 1`);
    // The earlier tests sent the redirect 404s (unknown codes) through the ingress.
    const main = `${labels},kn_route_tag=""`;
    expect(metrics).toMatch(new RegExp(`kn_revision_requests_total\\{${main},response_code_class="4xx"\\} [1-9]`));
    expect(metrics).toMatch(new RegExp(`kn_revision_request_duration_seconds_count\\{${main}\\} [1-9]`));
    control.close();
  });

  it("makes no revision when nothing changed, and a new one when the template did", async () => {
    await serving.apply(rendered);
    expect(serving.status()).toHaveLength(4);
    const changed = rendered.replace(
      'autoscaling.knative.dev/max-scale: "20"',
      'autoscaling.knative.dev/max-scale: "19"',
    );
    await serving.apply(changed);
    const redirects = serving.status().filter((s) => s.service === "redirect");
    expect(redirects.map((r) => r.revision)).toEqual(["redirect-00001", "redirect-00002"]);
    // The local overlay has a Canary: the new revision starts at stepWeight, reachable on its tag's host.
    expect(serving.canaryStatus().redirect).toMatchObject({
      phase: "Progressing",
      weight: 20,
      canary: "redirect-00002",
    });
    const liveness = await probe("canary-redirect.default.localhost", "/health/liveness");
    expect(JSON.parse(liveness.body)).toMatchObject({ revision: "redirect-00002" });
  });

  it("refuses a manifest whose Secret lacks a key, changing nothing", async () => {
    const missing = rendered.replace("key: ROLLUP_TOKEN", "key: NO_SUCH_KEY");
    await expect(serving.apply(missing)).rejects.toThrow(
      'Service/analytics: ROLLUP_TOKEN: key "NO_SUCH_KEY" not found',
    );
    expect(serving.status()).toHaveLength(5);
  });

  it("refuses a manifest Knative would reject, and keeps running what it ran", async () => {
    const invalid = rendered.replace(
      'autoscaling.knative.dev/max-scale: "20"',
      'autoscaling.knative.dev/max-scale: "-3"',
    );
    await expect(serving.apply(invalid)).rejects.toThrow("expected 0 <= -3 <= 2147483647");
    expect(serving.status()).toHaveLength(5);
    expect((await probe("redirect.default.localhost", "/health/liveness")).status).toBe(200);
  });

  it("answers the CLI: status, and deploy of a new revision from the working tree", async () => {
    const control = await serveControlForTest(serving, { render: () => rendered });
    let out = "";
    const io = { endpoint: control.endpoint, out: (text: string) => (out += text) };
    try {
      expect(await runCli(["status"], io)).toBe(0);
      expect(out).toMatch(/^SERVICE\s+REVISION\s+TRAFFIC\s+TAGS\s+READY/);
      expect(out).toMatch(/^redirect\s+redirect-00002\s+20%\s+canary\s+1\s+1/m);
      expect(out).toContain("redirect: canary redirect-00002 at 20%");
      expect(out).toContain("links.default.localhost -> links-00001 100%");
      out = "";
      expect(await runCli(["deploy", "links"], io)).toBe(0);
      expect(out).toBe("links-00002 is ready; the canary gives it 20% and more at each passing check\n");
      out = "";
      expect(await runCli(["deploy", "nope"], io)).toBe(1);
      expect(out).toContain('refused (404): no Service named "nope" in the manifests');
      expect(await runCli(["dance"], io)).toBe(2);
    } finally {
      control.close();
    }
  });
});
