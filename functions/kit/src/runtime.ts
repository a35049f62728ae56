import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import type { z } from "zod";
import { Cache } from "./cache.ts";
import { type BaseConfig, baseConfigSchema, ConfigError, loadConfig } from "./config.ts";
import { createDatabase, type DatabaseClient } from "./database.ts";
import { Lifecycle } from "./lifecycle.ts";
import { createLogger, type Logger } from "./logger.ts";
import { Metrics } from "./metrics.ts";
import { createRedis, type Redis } from "./redis.ts";

/** What the server needs of an app: Hono apps of any env are one. */
export interface FetchApp {
  fetch(request: Request, env?: unknown, ctx?: never): Response | Promise<Response>;
  /** /metrics and the health endpoints, served on METRICS_PORT (createFunctionApp makes one). */
  admin?: FetchApp;
}

/** Everything a function's app is built from; made once per process. */
export interface FunctionContext<C extends BaseConfig = BaseConfig> {
  config: C;
  logger: Logger;
  metrics: Metrics;
  lifecycle: Lifecycle;
  database: DatabaseClient;
  cache: Cache;
  /** Commands; undefined when REDIS_URL is unset. */
  redis?: Redis;
  /** A second connection in subscriber mode (pub/sub), when Redis is configured. */
  subscriber?: Redis;
  /** Run at shutdown after in-flight requests finished, last registered first. */
  onShutdown(hook: () => Promise<void> | void): void;
  /** Hooks, then the pools; for a process that ends or a test that is done. */
  close(): Promise<void>;
}

export interface ContextOptions {
  /** An in-process cache layer in front of Redis, for hot reads. */
  nearCache?: { maxEntries: number; ttlMs: number };
  logDestination?: Parameters<typeof createLogger>[0]["destination"];
}

export function createFunctionContext<C extends BaseConfig>(
  config: C,
  options: ContextOptions = {},
): FunctionContext<C> {
  const logger = createLogger({
    service: config.K_SERVICE,
    revision: config.K_REVISION,
    level: config.LOG_LEVEL,
    ...(options.logDestination ? { destination: options.logDestination } : {}),
  });
  const metrics = new Metrics(config.K_SERVICE, config.K_REVISION);
  const database = createDatabase({ url: config.DATABASE_URL, max: config.DATABASE_POOL_MAX });
  const redis = config.REDIS_URL ? createRedis(config.REDIS_URL) : undefined;
  const subscriber = config.REDIS_URL ? createRedis(config.REDIS_URL, { subscriber: true }) : undefined;
  for (const client of [redis, subscriber]) client?.on("error", () => {}); // counted where used
  const cache = new Cache({
    metrics,
    logger,
    ...(redis ? { redis } : {}),
    ...(subscriber ? { subscriber } : {}),
    ...(options.nearCache ? { near: options.nearCache } : {}),
  });
  const hooks: (() => Promise<void> | void)[] = [];
  let closed: Promise<void> | undefined;
  return {
    config,
    logger,
    metrics,
    lifecycle: new Lifecycle(),
    database,
    cache,
    ...(redis ? { redis } : {}),
    ...(subscriber ? { subscriber } : {}),
    onShutdown: (hook) => hooks.push(hook),
    close: () => {
      closed ??= (async () => {
        for (const hook of hooks.reverse()) {
          try {
            await hook();
          } catch (error) {
            logger.error({ err: error }, "shutdown hook failed");
          }
        }
        await database.close();
        redis?.disconnect();
        subscriber?.disconnect();
        logger.flush();
      })();
      return closed;
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface RunningFunction {
  port: number;
  url: string;
  /** The admin server (/metrics, /health/*) when the app has one. */
  adminUrl?: string;
  /** Drain (readiness fails, no new connections, in-flight requests finish within the bound), then close. */
  shutdown(): Promise<void>;
}

/** Serves `app` on the configured port; SIGTERM is the caller's to wire. */
export async function serveFunction<C extends BaseConfig>(
  app: FetchApp,
  context: FunctionContext<C>,
  port = context.config.PORT,
): Promise<RunningFunction> {
  const listen = (fetchApp: FetchApp, listenPort: number, hostname: string) =>
    new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: (request, env) => fetchApp.fetch(request, env), port: listenPort, hostname }, () =>
        resolve(s),
      );
    });
  const server = await listen(app, port, context.config.HOST);
  const actualPort = (server.address() as AddressInfo).port;
  const { lifecycle, logger, config } = context;
  // Prometheus and probes only: a port of its own, so no public host reaches it and no scrape counts as a request.
  const adminServer = app.admin ? await listen(app.admin, config.METRICS_PORT, config.METRICS_HOST) : undefined;
  const adminPort = adminServer ? (adminServer.address() as AddressInfo).port : undefined;
  if (adminPort !== undefined)
    logger.info({ host: config.METRICS_HOST, port: adminPort }, "metrics and health listening");
  let done: Promise<void> | undefined;
  return {
    port: actualPort,
    url: `http://127.0.0.1:${actualPort}`,
    ...(adminPort !== undefined ? { adminUrl: `http://127.0.0.1:${adminPort}` } : {}),
    shutdown: () => {
      done ??= (async () => {
        lifecycle.startDraining();
        logger.info({ inFlight: lifecycle.inFlight }, "draining");
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        const idle = await lifecycle.waitForIdle(config.SHUTDOWN_TIMEOUT_MS);
        if (!idle) logger.warn({ inFlight: lifecycle.inFlight }, "shutdown timeout: closing busy connections");
        // Idle: the last responses are still being written; give the sockets a moment to close themselves.
        const settled = idle ? await Promise.race([closed.then(() => true), sleep(1000).then(() => false)]) : false;
        if (!settled && "closeAllConnections" in server) server.closeAllConnections();
        await closed;
        if (adminServer) {
          const adminClosed = new Promise<void>((resolve) => adminServer.close(() => resolve()));
          if ("closeAllConnections" in adminServer) adminServer.closeAllConnections();
          await adminClosed;
        }
        await context.close();
        logger.info("stopped");
      })();
      return done;
    },
  };
}

export interface RunOptions<C extends BaseConfig> extends ContextOptions {
  /** The function's own variables: the base schema, extended. */
  configSchema?: z.ZodType<C>;
  build(context: FunctionContext<C>): FetchApp | Promise<FetchApp>;
}

/** The whole of a function's main: config, dependencies, app, server, signals. */
export async function runFunction<C extends BaseConfig = BaseConfig>(options: RunOptions<C>): Promise<RunningFunction> {
  let config: C;
  try {
    config = loadConfig((options.configSchema ?? baseConfigSchema) as z.ZodObject, process.env) as C;
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const context = createFunctionContext(config, options);
  const app = await options.build(context);
  const running = await serveFunction(app, context);
  context.logger.info({ port: running.port }, "listening");
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      context.logger.info({ signal }, "shutting down");
      running.shutdown().then(
        () => process.exit(0),
        (error: unknown) => {
          context.logger.error({ err: error }, "shutdown failed");
          process.exit(1);
        },
      );
    });
  }
  return running;
}
