import { baseConfigSchema, runFunction } from "@platform/kit";
import { z } from "zod";
import { createRedirectApp } from "./app.ts";
import { DEFAULT_CLICK_BUFFER } from "./click-buffer.ts";

const configSchema = baseConfigSchema.extend({
  // The hot path: one log line per redirect would cost a sixth of its throughput
  // (npm run bench:redirect); requests are counted in /metrics and errors are logged anyway.
  ACCESS_LOG: z.stringbool({ error: "must be true or false" }).default(false),
  // The edge's geo header with the client's country (Cloudflare's in front of the cluster).
  COUNTRY_HEADER: z.string().min(1).default("cf-ipcountry"),
  // The click buffer's memory budget (see DEFAULT_CLICK_BUFFER): past it, new clicks are dropped and counted.
  CLICK_BUFFER_BYTES: z.coerce.number().int().min(1024).default(DEFAULT_CLICK_BUFFER.maxBytes),
  // The longest a click waits before its batch is written.
  CLICK_FLUSH_INTERVAL_MS: z.coerce.number().int().min(10).max(600_000).default(DEFAULT_CLICK_BUFFER.flushIntervalMs),
});

void runFunction({
  configSchema,
  // The hottest codes stay in process for 2 s; updates reach every replica sooner through pub/sub.
  nearCache: { maxEntries: 10_000, ttlMs: 2000 },
  build: (context) =>
    createRedirectApp(context, {
      countryHeader: context.config.COUNTRY_HEADER,
      buffer: {
        ...DEFAULT_CLICK_BUFFER,
        maxBytes: context.config.CLICK_BUFFER_BYTES,
        flushIntervalMs: context.config.CLICK_FLUSH_INTERVAL_MS,
      },
    }),
});
