import { baseConfigSchema, runFunction } from "@platform/kit";
import { z } from "zod";
import { createLinksApp } from "./app.ts";

const configSchema = baseConfigSchema.extend({
  SHORT_URL_BASE: z.url({ message: "must be the URL short links are served from, e.g. https://sho.rt" }).optional(),
});

void runFunction({
  configSchema,
  build: (context) => createLinksApp(context, { shortUrlBase: context.config.SHORT_URL_BASE }),
});
