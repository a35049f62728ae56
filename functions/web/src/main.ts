import { baseConfigSchema, runFunction } from "@platform/kit";
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
      // biome-ignore lint/style/noNonNullAssertion: REDIS_URL is required above, so the kit made the client
      sessions: new SessionStore(context.redis!, { idleSeconds: context.config.SESSION_IDLE_SECONDS }),
    }),
});
