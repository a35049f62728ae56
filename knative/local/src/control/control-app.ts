/**
 * The local platform's own endpoints, on their own port: a JSON status of
 * services, revisions and routes, and /metrics with Knative's metric names.
 */
import { Hono } from "hono";
import type { LocalServing } from "../serving-control/local-serving.ts";
import { knativeMetricsText } from "./knative-metrics.ts";

export function createControlApp(serving: LocalServing): Hono {
  const app = new Hono();
  app.get("/status", (c) => {
    const routes = Object.fromEntries(
      [...serving.ingress.currentRoutes].map(([host, split]) => [host, Object.fromEntries(split)]),
    );
    return c.json({ revisions: serving.status(), routes });
  });
  app.get("/metrics", (c) =>
    c.body(knativeMetricsText(serving.status()), 200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" }),
  );
  return app;
}
