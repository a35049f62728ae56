import { baseConfigSchema, runFunction } from "@platform/kit";
import { z } from "zod";
import { createAnalyticsApp } from "./app.ts";

const configSchema = baseConfigSchema.extend({
  ROLLUP_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
});

void runFunction({
  configSchema,
  build: (context) => createAnalyticsApp(context, { rollupToken: context.config.ROLLUP_TOKEN }),
});
