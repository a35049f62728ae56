/**
 * The local platform's own endpoints, on their own port: the console page, a
 * JSON status of services and revisions, the history the console charts, a
 * sample of every revision's counters, /metrics with Knative's and Flagger's
 * metric names, the changes `kn service update` makes (traffic, tags, min/max
 * scale and window, environment), deploys, and each revision's logs.
 * Every request passes the access rules first (./access-rules.ts).
 */
import { readFileSync } from "node:fs";
import { ProblemError, problemResponse, problems } from "@platform/kit";
import { type Context, Hono, type MiddlewareHandler } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { streamText } from "hono/streaming";
import { z } from "zod";
import { ConflictError, type LocalServing, UnknownServiceError } from "../controllers/local-serving.ts";
import { InvalidManifestError } from "../desired/desired-state.ts";
import { type AccessRequest, judgeAccess, sameSecret } from "./access-rules.ts";
import { ConsoleSessions, LOGIN_CODE_TTL_MS, SESSION_COOKIE } from "./console-sessions.ts";
import type {
  ConsoleCodeDocument,
  DeployDocument,
  SampleDocument,
  ServiceDocument,
  StatusDocument,
} from "./contract.ts";
import type { History } from "./history.ts";
import { serviceSeries } from "./history.ts";
import { platformRegistry } from "./knative-metrics.ts";
import { sampleOf } from "./sampler.ts";

/** Who may call the API: the control token's holders and the console's signed-in browsers. */
export interface ControlAccess {
  token: string;
  /** The port it listens on at 127.0.0.1: the only Host and Origin it answers to. */
  port: number;
  /** Made here when not given; `npm start` passes its own to print a sign-in link. */
  sessions?: ConsoleSessions;
}

export interface ControlOptions {
  access: ControlAccess;
  /** The manifests as they are now (kubectl kustomize of the local overlay); enables deploys. */
  render?: () => Promise<string> | string;
  /** Sampled every second (startSampling); enables the console's charts. */
  history?: History;
}

const consolePage = readFileSync(new URL("./console.html", import.meta.url), "utf8");

const TrafficTargetSchema = z.strictObject({
  revisionName: z.string().min(1).optional(),
  latestRevision: z.boolean().optional(),
  percent: z.number().int().optional(),
  tag: z.string().optional(),
});
const TrafficBody = z.strictObject({ traffic: z.array(TrafficTargetSchema).min(1) });
const ScaleBody = z
  .strictObject({
    minScale: z.number().int().min(0).optional(),
    maxScale: z.number().int().min(0).optional(),
    /** A Go duration; Knative checks its bounds (6s to 1h). */
    window: z.string().min(1).optional(),
  })
  .refine(
    (b) => b.minScale !== undefined || b.maxScale !== undefined || b.window !== undefined,
    "give minScale, maxScale, window or some of them",
  );
/** Kubernetes' rule for a variable name (C identifier, plus . and -); null removes the variable. */
const EnvBody = z.strictObject({
  env: z
    .record(
      z
        .string()
        .regex(
          /^[-._a-zA-Z][-._a-zA-Z0-9]*$/,
          "a variable name is letters, digits, _ . and -, not starting with a digit",
        ),
      z.string().nullable(),
    )
    .refine((env) => Object.keys(env).length > 0, "give at least one variable"),
});
/** Knative tags become part of a host name: a DNS label. */
const TagBody = z.strictObject({
  tag: z
    .string()
    .regex(/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/, "a tag is a DNS label: a-z, 0-9 and -, starting with a letter"),
  revision: z.string().min(1).optional(),
});

export function createControlApp(serving: LocalServing, options: ControlOptions): Hono {
  const app = new Hono();
  const sessions = options.access.sessions ?? new ConsoleSessions();
  app.onError((error, c) => problemResponse(c, asProblem(error)));
  app.notFound((c) => problemResponse(c, problems.notFound()));
  app.use(accessGuard(options.access, sessions));

  app.get("/", (c) => c.html(consolePage));
  // The link `npm start` and `npm run platform -- console` print: a one-time code for a session cookie.
  app.get("/login", (c) => {
    const secret = sessions.redeem(c.req.query("code") ?? "");
    if (!secret) {
      throw problems.unauthorized(
        "This console link has been used or is more than 10 minutes old; `npm run platform -- console` prints a new one.",
      );
    }
    setCookie(c, SESSION_COOKIE, secret, { httpOnly: true, sameSite: "Strict", path: "/" });
    return c.redirect("/", 303);
  });
  app.post("/console-codes", (c) => {
    const code = sessions.newLoginCode();
    return c.json({
      url: `${new URL(c.req.url).origin}/login?code=${code}`,
      expiresInSeconds: LOGIN_CODE_TTL_MS / 1000,
    } satisfies ConsoleCodeDocument);
  });
  app.get("/status", (c) => {
    const routes = Object.fromEntries(
      [...serving.ingress.currentRoutes].map(([host, split]) => [host, Object.fromEntries(split)]),
    );
    return c.json({ services: serving.services(), revisions: serving.status(), routes } satisfies StatusDocument);
  });
  // What the load-test runner records each second: every revision's counters and gauges, and each service's state.
  app.get("/sample", (c) =>
    c.json({ sample: sampleOf(serving, Date.now()), services: serving.services() } satisfies SampleDocument),
  );
  app.get("/history", (c) => c.json({ series: options.history ? serviceSeries(options.history.all()) : {} }));
  const metrics = platformRegistry({
    status: () => serving.status(),
    requestTotals: () => serving.requestTotals(),
    canaries: () => canariesOf(serving),
  });
  app.get("/metrics", async (c) => c.body(await metrics.metrics(), 200, { "content-type": metrics.contentType }));

  app.post("/services/:service/traffic", async (c) => {
    const { traffic } = await bodyOf(c, TrafficBody);
    await serving.change(c.req.param("service"), { traffic });
    return c.json(serviceStatus(serving, c.req.param("service")));
  });
  app.post("/services/:service/scale", async (c) => {
    const body = await bodyOf(c, ScaleBody);
    await serving.change(c.req.param("service"), body);
    return c.json(serviceStatus(serving, c.req.param("service")));
  });
  app.post("/services/:service/env", async (c) => {
    const body = await bodyOf(c, EnvBody);
    await serving.change(c.req.param("service"), body);
    return c.json(serviceStatus(serving, c.req.param("service")));
  });
  app.post("/services/:service/tags", async (c) => {
    const { tag, revision } = await bodyOf(c, TagBody);
    await serving.tag(c.req.param("service"), tag, revision);
    return c.json(serviceStatus(serving, c.req.param("service")));
  });
  app.delete("/services/:service/live-changes", async (c) => {
    serviceStatus(serving, c.req.param("service"));
    await serving.resetLiveChanges(c.req.param("service"));
    return c.json(serviceStatus(serving, c.req.param("service")));
  });

  app.get("/revisions/:revision/logs", (c) => {
    const logs = serving.logsOf(c.req.param("revision"));
    if (!logs) throw problems.notFound(`no revision named "${c.req.param("revision")}"`);
    const tail = Number(c.req.query("tail") ?? 100);
    const lines = logs.tail(Number.isInteger(tail) && tail > 0 ? tail : 100);
    if (c.req.query("follow") === undefined) return c.text(lines.map((l) => `${l}\n`).join(""));
    return streamText(c, async (stream) => {
      for (const line of lines) await stream.writeln(line);
      const stop = logs.follow((line) => void stream.writeln(line));
      await new Promise<void>((resolve) => stream.onAbort(resolve));
      stop();
    });
  });

  const { render } = options;
  if (render) {
    // npm run deploy -- <service>: a new revision of the working tree's code, released like any other.
    app.post("/deploy/:service", async (c) => {
      const service = c.req.param("service");
      await serving.apply(await render(), { redeploy: service });
      const latest = serving
        .status()
        .filter((r) => r.service === service)
        .map((r) => r.revision)
        .sort()
        .at(-1);
      return c.json({
        service,
        revision: latest,
        canary: serving.canaryStatus()[service] ?? null,
      } satisfies DeployDocument);
    });
  }
  return app;
}

/** Each Service's canary analysis, running or ended, with the Service's namespace. */
function accessGuard(access: ControlAccess, sessions: ConsoleSessions): MiddlewareHandler {
  const secrets = {
    port: access.port,
    isToken: (candidate: string) => sameSecret(candidate, access.token),
    isSession: (candidate: string) => sessions.isSession(candidate),
  };
  return async (c, next) => {
    // Never framed by another page (the console's buttons under someone else's), never cached, no Referer out.
    c.header("x-frame-options", "DENY");
    c.header("content-security-policy", "frame-ancestors 'none'");
    c.header("referrer-policy", "no-referrer");
    c.header("cache-control", "no-store");
    const length = c.req.header("content-length");
    const request: AccessRequest = {
      method: c.req.method,
      path: c.req.path,
      host: c.req.header("host"),
      targetHost: new URL(c.req.url).host,
      origin: c.req.header("origin"),
      authorization: c.req.header("authorization"),
      sessionCookie: getCookie(c, SESSION_COOKIE),
      contentType: c.req.header("content-type"),
      hasBody: (length !== undefined && length !== "0") || c.req.header("transfer-encoding") !== undefined,
    };
    const verdict = judgeAccess(request, secrets);
    if (!verdict.allowed) {
      const headers: Record<string, string> = verdict.challenge
        ? { "www-authenticate": 'Bearer realm="local platform control API"' }
        : {};
      throw new ProblemError(verdict.status, verdict.detail, { headers });
    }
    await next();
  };
}

function canariesOf(serving: LocalServing) {
  return serving
    .services()
    .flatMap((s) => (s.canary ? [{ service: s.name, namespace: s.namespace, state: s.canary }] : []));
}

function serviceStatus(serving: LocalServing, name: string): ServiceDocument {
  const service = serving.services().find((s) => s.name === name);
  if (!service) throw problems.notFound(`no Service named "${name}" in the manifests`);
  return { ...service, revisions: serving.status().filter((r) => r.service === name) };
}

async function bodyOf<T>(c: Context, schema: z.ZodType<T>): Promise<T> {
  const json = await c.req.json().catch(() => {
    throw new ProblemError(400, "The body must be JSON.");
  });
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  throw problems.validation(
    parsed.error.issues.map((issue) => ({
      in: "body",
      pointer: `#/${issue.path.join("/")}`,
      detail: issue.message,
    })),
  );
}

/** Knative's validation messages answer 400; a running canary 409; an unknown service 404. */
function asProblem(error: Error): ProblemError {
  if (error instanceof ProblemError) return error;
  if (error instanceof InvalidManifestError)
    return new ProblemError(400, error.message, { title: "Knative would refuse this" });
  if (error instanceof UnknownServiceError) return problems.notFound(error.message);
  if (error instanceof ConflictError) return problems.conflict(error.message);
  return new ProblemError(500, error.message);
}
