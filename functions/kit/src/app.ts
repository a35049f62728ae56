import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { OpenAPIHono } from "@hono/zod-openapi";
import { type Context, Hono, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { routePath } from "hono/route";
import { isDatabaseUnavailable } from "./database.ts";
import type { Logger } from "./logger.ts";
import { type FieldError, ProblemError, problemResponse, problems } from "./problem.ts";
import type { FunctionContext } from "./runtime.ts";

export interface AppVariables {
  requestId: string;
  log: Logger;
}

export interface AppEnv {
  Variables: AppVariables;
}

export type ReadinessCheck = () => Promise<void>;

export interface FunctionAppOptions {
  /**
   * What must answer for /health/readiness to be 200; by default the database.
   * A function that serves without it (the redirect, from its cache) passes {}.
   */
  readiness?: Record<string, ReadinessCheck>;
  /** Largest request body accepted, in bytes. */
  maxBodyBytes?: number;
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** A function's public app, and its admin app that serveFunction puts on METRICS_PORT. */
export type FunctionApp<E extends AppEnv = AppEnv> = OpenAPIHono<E> & { readonly admin: Hono };

/**
 * Knative's probes: the kubelet's carry `User-Agent: kube-probe/<version>`,
 * and queue-proxy adds `K-Kubelet-Probe: queue` when it probes the user
 * container. queue-proxy answers such requests itself when they come from
 * outside, so on the public port the health endpoints answer only these.
 */
export function isProbe(c: Context): boolean {
  return (
    requestHeader(c, "k-kubelet-probe") !== undefined ||
    (requestHeader(c, "user-agent") ?? "").startsWith("kube-probe/")
  );
}

/**
 * A Hono app with what every function needs: request ids and logs, metrics,
 * health endpoints, body limits and errors as problem+json. Functions add
 * their routes to it; nothing here opens a socket. /metrics and unguarded
 * health endpoints are on `app.admin`, served on their own port.
 */
export function createFunctionApp<E extends AppEnv = AppEnv>(
  context: FunctionContext,
  options: FunctionAppOptions = {},
): FunctionApp<E> {
  const { logger, metrics } = context;
  const readiness = options.readiness ?? { database: context.database.ping };
  const app = new OpenAPIHono<E>({ defaultHook: validationHook });
  const health = healthHandlers(context, readiness);

  // Probes are the platform's, not the app's: neither counted nor logged as requests.
  app.use("/health/*", async (c, next) => {
    if (!isProbe(c)) return next();
    if (c.req.path === "/health/liveness") return health.liveness(c);
    if (c.req.path === "/health/readiness") return health.readiness(c);
    return next();
  });
  app.use(observe(context));
  const maxBodyBytes = options.maxBodyBytes ?? 16 * 1024;
  const limitBody = bodyLimit({
    maxSize: maxBodyBytes,
    onError: () => {
      throw problems.tooLarge(maxBodyBytes);
    },
  });
  // Only where a body is expected: asking a GET for its body makes the Node
  // adapter build a full Request, which costs the hot path a third of its speed.
  app.use((c, next) => (c.req.method === "GET" || c.req.method === "HEAD" ? next() : limitBody(c, next)));

  if (context.config.FAIL_RATE > 0) {
    const rate = context.config.FAIL_RATE;
    app.use(async (_c, next) => {
      if (Math.random() >= rate) return next();
      throw new ProblemError(500, "Failed on purpose (FAIL_RATE).");
    });
  }

  if (context.config.DELAY_MS > 0) {
    const ms = context.config.DELAY_MS;
    app.use(async (_c, next) => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return next();
    });
  }

  const admin = new Hono();
  admin.get("/health/liveness", health.liveness);
  admin.get("/health/readiness", health.readiness);
  admin.get("/metrics", async (c) => c.body(await metrics.text(), 200, { "content-type": metrics.contentType }));

  app.notFound((c) => {
    const allowed = allowedMethods(app.routes, c.req.path);
    if (allowed.length === 0)
      return problemResponse(c, problems.notFound(`No route for ${c.req.method} ${c.req.path}.`));
    const problem = new ProblemError(405, `${c.req.path} answers ${allowed.join(", ")}, not ${c.req.method}.`);
    c.header("allow", allowed.join(", "));
    return problemResponse(c, problem);
  });
  app.onError((error, c) => {
    const problem = toProblem(error);
    const log = (c.get("log" as never) as Logger | undefined) ?? logger;
    if (problem.status >= 500 && problem.status !== 503) log.error({ err: error }, "request failed");
    else if (problem.status === 503) log.warn({ err: error }, problem.message);
    return problemResponse(c, problem);
  });
  return Object.assign(app, { admin });
}

function healthHandlers(context: FunctionContext, readiness: Record<string, ReadinessCheck>) {
  const revision = context.config.K_REVISION;
  return {
    liveness: (c: Context) => c.json({ status: "ok", revision }),
    readiness: async (c: Context) => {
      if (context.lifecycle.draining) return c.json({ status: "draining", revision }, 503);
      const results = await Promise.all(
        Object.entries(readiness).map(async ([name, check]) => {
          try {
            await check();
            return [name, "ok"] as const;
          } catch (error) {
            return [name, error instanceof Error ? error.message : String(error)] as const;
          }
        }),
      );
      const checks = Object.fromEntries(results);
      const ready = results.every(([, result]) => result === "ok");
      return c.json({ status: ready ? "ok" : "unavailable", revision, checks }, ready ? 200 : 503);
    },
  };
}

/** Request id, in-flight count, one log line and the HTTP metrics for every request. */
function observe(context: FunctionContext): MiddlewareHandler<AppEnv> {
  const { logger, metrics, lifecycle } = context;
  const accessLog = context.config.ACCESS_LOG;
  return async (c, next) => {
    const start = performance.now();
    const incoming = requestHeader(c, "x-request-id");
    const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    const log = logger.child({ requestId });
    c.set("requestId", requestId);
    c.set("log", log);
    lifecycle.requestStarted();
    try {
      await next();
    } finally {
      lifecycle.requestFinished();
      const seconds = (performance.now() - start) / 1000;
      const status = c.res.status;
      const matched = routePath(c, -1);
      const route = status === 404 && matched === "/*" ? "(unmatched)" : matched;
      metrics.observeRequest({ route, method: c.req.method, status }, seconds);
      if (accessLog || status >= 500) {
        log[status >= 500 ? "error" : "info"](
          { method: c.req.method, path: c.req.path, status, ms: Math.round(seconds * 10000) / 10 },
          "request",
        );
      }
    }
  };
}

/**
 * A request header by its lower-case name. Served by @hono/node-server, it is
 * read from Node's own parsed headers: asking the Request for a header it
 * lacks makes the adapter build a full Headers object, a cost the hot path
 * feels. In app.request() (tests) there is no Node request, so ask the Request.
 */
export function requestHeader(c: Context, name: string): string | undefined {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (!incoming) return c.req.header(name);
  const value = incoming.headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
}

/**
 * The methods some route answers on `path` (GET brings HEAD, as Hono serves
 * HEAD with the GET handler); empty when no route has that path at all.
 * Middleware (method ALL) and catch-all patterns do not count.
 */
export function allowedMethods(routes: readonly { method: string; path: string }[], path: string): string[] {
  const methods = new Set<string>();
  for (const route of routes) {
    if (route.method === "ALL" || route.path.includes("*")) continue;
    if (!routePattern(route.path).test(path)) continue;
    methods.add(route.method);
    if (route.method === "GET") methods.add("HEAD");
  }
  return [...methods].sort();
}

const patterns = new Map<string, RegExp>();
function routePattern(path: string): RegExp {
  let pattern = patterns.get(path);
  if (!pattern) {
    const source = path
      .split("/")
      .map((part) => (part.startsWith(":") ? "[^/]+" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
      .join("/");
    pattern = new RegExp(`^${source}/?$`);
    patterns.set(path, pattern);
  }
  return pattern;
}

export function toProblem(error: unknown): ProblemError {
  if (error instanceof ProblemError) return error;
  if (isDatabaseUnavailable(error)) return problems.databaseUnavailable();
  if (error instanceof HTTPException) {
    const status = error.status >= 400 && error.status < 600 ? error.status : 500;
    return new ProblemError(status as ProblemError["status"], error.message || undefined);
  }
  return new ProblemError(500, "Something went wrong on our side; it has been logged.");
}

/** zod-openapi's hook: a failed validation becomes a 400 that names every failing field. */
function validationHook(
  result: { success: boolean; target: string; error?: { issues: { path: PropertyKey[]; message: string }[] } },
  c: Context,
) {
  if (result.success || !result.error) return;
  return problemResponse(c, problems.validation(fieldErrors(result.target, result.error.issues)));
}

export function fieldErrors(target: string, issues: { path: PropertyKey[]; message: string }[]): FieldError[] {
  const where = target === "json" ? "body" : target;
  return issues.map((issue) => ({
    in: where,
    pointer: `#/${issue.path.map((p) => String(p).replaceAll("~", "~0").replaceAll("/", "~1")).join("/")}`,
    detail: issue.message,
  }));
}
