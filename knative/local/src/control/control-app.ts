/**
 * The local platform's own endpoints, on their own port: a JSON status of
 * services, revisions and routes, and /metrics with Knative's metric names.
 */
import { Hono } from "hono";
import type { LocalServing } from "../serving-control/local-serving.ts";
import { knativeMetricsText, requestMetricsText } from "./knative-metrics.ts";

export interface ControlOptions {
  /** The manifests as they are now (kubectl kustomize of the local overlay). */
  render: () => string;
}

export function createControlApp(serving: LocalServing, options?: ControlOptions): Hono {
  const app = new Hono();
  app.get("/status", (c) => {
    const routes = Object.fromEntries(
      [...serving.ingress.currentRoutes].map(([host, split]) => [host, Object.fromEntries(split)]),
    );
    return c.json({ revisions: serving.status(), routes });
  });
  app.get("/metrics", (c) =>
    c.body(knativeMetricsText(serving.status()) + requestMetricsText(serving.requestTotals()), 200, {
      "content-type": "text/plain; version=0.0.4; charset=utf-8",
    }),
  );
  if (options) {
    // npm run deploy -- <service>: a new revision of the working tree's code, released like any other.
    app.post("/deploy/:service", async (c) => {
      const service = c.req.param("service");
      try {
        await serving.apply(options.render(), { redeploy: service });
      } catch (error) {
        return c.json({ error: error instanceof Error ? error.message : String(error) }, 400);
      }
      const latest = serving
        .status()
        .filter((r) => r.service === service)
        .map((r) => r.revision)
        .sort()
        .at(-1);
      return c.json({ service, revision: latest, canary: serving.canaryStatus()[service] ?? null });
    });
  }
  return app;
}
