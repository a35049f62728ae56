import { baseConfigSchema, runFunction } from "@platform/kit";
import { z } from "zod";
import { createRedirectApp } from "./app.ts";

const configSchema = baseConfigSchema.extend({
  // The hot path: one log line per redirect would cost a sixth of its throughput
  // (npm run bench:redirect); requests are counted in /metrics and errors are logged anyway.
  ACCESS_LOG: z.stringbool({ error: "must be true or false" }).default(false),
});

void runFunction({
  configSchema,
  // The hottest codes stay in process for 2 s; updates reach every replica sooner through pub/sub.
  nearCache: { maxEntries: 10_000, ttlMs: 2000 },
  build: (context) => createRedirectApp(context),
});
