import { baseConfigSchema, createRedis, runFunction } from "@platform/kit";
import { z } from "zod";
import { createWebApp } from "./app.ts";
import { Backend } from "./backend.ts";
import { loopbackAwareFetch } from "./loopback-names.ts";
import { SessionStore } from "./sessions.ts";

const apiUrl = (name: string) => z.url({ message: `must be the ${name} function's URL, e.g. http://${name}` });

const configSchema = baseConfigSchema.extend({
  // The web function never opens a database connection (the kit's pool is lazy and stays unused).
  DATABASE_URL: baseConfigSchema.shape.DATABASE_URL.default("postgres://unused.invalid/web-has-no-database"),
  REDIS_URL: z
    .string({ error: "is required: the sessions live in Redis, e.g. redis://127.0.0.1:6379" })
    .pipe(baseConfigSchema.shape.REDIS_URL.unwrap()),
  LINKS_URL: apiUrl("links"),
  ANALYTICS_URL: apiUrl("analytics"),
  SESSION_IDLE_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .max(7 * 86_400)
    .default(8 * 3600),
});

void runFunction({
  configSchema,
  build: (context) =>
    createWebApp(context, {
      backend: new Backend({
        linksUrl: context.config.LINKS_URL,
        analyticsUrl: context.config.ANALYTICS_URL,
        fetch: loopbackAwareFetch(),
      }),
      sessions: new SessionStore(sessionRedis(context.config.REDIS_URL, context.onShutdown), {
        idleSeconds: context.config.SESSION_IDLE_SECONDS,
      }),
    }),
});

/**
 * The sessions' own client: the kit's gives up on a command after 250 ms, right
 * for a cache that may be skipped, but a session is needed for every page, so
 * a busy moment must not turn one into a 503.
 */
function sessionRedis(url: string, onShutdown: (hook: () => void) => void) {
  const redis = createRedis(url);
  redis.options.commandTimeout = 2000;
  redis.on("error", () => {}); // a failed command answers the page with 503; reconnects are ioredis' own
  onShutdown(() => redis.disconnect());
  return redis;
}
