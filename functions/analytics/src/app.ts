import { timingSafeEqual } from "node:crypto";
import { createRoute, z } from "@hono/zod-openapi";
import {
  type AuthEnv,
  apiKeyAuth,
  type BaseConfig,
  createFunctionApp,
  dateTimeInput,
  type FunctionApp,
  type FunctionContext,
  idParam,
  ProblemError,
  problemContent,
  problems,
  registerApiKeyScheme,
  retryRead,
} from "@platform/kit";
import { hourlyClicks, linkBreakdown, linkExists, rollUp, topLinks } from "./queries.ts";
import {
  ceilTo,
  fillSeries,
  floorTo,
  type Range,
  ROLLUP_GRACE_MS,
  resolveRange,
  rollupWindow,
} from "./time-buckets.ts";

export interface AnalyticsOptions {
  /** Bearer token a scheduler sends to POST /rollups; unset turns the endpoint off. */
  rollupToken?: string;
  now?: () => number;
}

const dateTime = dateTimeInput().transform((value) => Date.parse(value));
const RangeQuery = z.strictObject({
  from: dateTime.optional().openapi({ param: { name: "from", in: "query" }, example: "2030-01-01T00:00:00Z" }),
  to: dateTime.optional().openapi({ param: { name: "to", in: "query" }, example: "2030-01-08T00:00:00Z" }),
  granularity: z
    .enum(["hour", "day"], { message: "must be hour or day" })
    .optional()
    .openapi({ param: { name: "granularity", in: "query" } }),
});
const Series = z.array(z.object({ start: z.string(), clicks: z.number().int() }));
const LinkStats = z
  .object({
    linkId: z.number().int(),
    from: z.string(),
    to: z.string(),
    granularity: z.string(),
    total: z.number().int(),
    series: Series,
    topCountries: z
      .array(z.object({ country: z.string(), clicks: z.number().int() }))
      .openapi({ description: "ISO 3166 alpha-2 codes, ZZ when unknown; at most 10, most clicks first" }),
    topReferrers: z.array(z.object({ host: z.string().nullable(), clicks: z.number().int() })).openapi({
      description: "Referring hosts, null for clicks without a referrer; at most 10, most clicks first",
    }),
  })
  .openapi("LinkStats");
const TenantStats = z
  .object({
    from: z.string(),
    to: z.string(),
    granularity: z.string(),
    total: z.number().int(),
    series: Series,
    topLinks: z.array(z.object({ linkId: z.number().int(), code: z.string(), clicks: z.number().int() })),
  })
  .openapi("TenantStats");
const RollupRequest = z.strictObject({ from: dateTime.optional(), to: dateTime.optional() }).openapi("RollupRequest");
const RollupResult = z
  .object({ from: z.string().nullable(), to: z.string().nullable(), rows: z.number().int() })
  .openapi("RollupResult");
const problem = problemContent;
const errors = {
  400: problem(
    "A field is invalid, `from` is not before `to`, or the range holds more than 1100 buckets of the granularity; `errors` names the field",
  ),
  401: problem("Missing or unknown key"),
  503: problem("Database unreachable"),
};

const linkStatsRoute = createRoute({
  method: "get",
  path: "/stats/links/{id}",
  operationId: "linkStats",
  summary: "Clicks of one link over time, with its top countries and referring hosts",
  security: [{ apiKey: [] }],
  request: {
    params: idParam("id"),
    query: RangeQuery,
  },
  responses: {
    200: { description: "Clicks per bucket", content: { "application/json": { schema: LinkStats } } },
    404: problem("No such link for this tenant"),
    ...errors,
  },
});
const tenantStatsRoute = createRoute({
  method: "get",
  path: "/stats",
  operationId: "tenantStats",
  summary: "Clicks of all your links over time, and the top links",
  security: [{ apiKey: [] }],
  request: { query: RangeQuery },
  responses: {
    200: { description: "Clicks per bucket", content: { "application/json": { schema: TenantStats } } },
    ...errors,
  },
});
const rollupRoute = createRoute({
  method: "post",
  path: "/rollups",
  operationId: "rollUp",
  summary: "Roll raw clicks up into hourly counts (idempotent; for a scheduler)",
  security: [{ rollupToken: [] }],
  request: { body: { required: false, content: { "application/json": { schema: RollupRequest } } } },
  responses: {
    200: { description: "What was rolled up", content: { "application/json": { schema: RollupResult } } },
    400: problem("A field is invalid, or `from` is not before `to`"),
    401: problem("Wrong token"),
    403: problem("Rollups are off: ROLLUP_TOKEN is not set"),
    413: problem("The body is larger than 16 KiB"),
    415: problem("The body is not application/json"),
    503: problem("Database unreachable"),
  },
});

export function createAnalyticsApp(
  context: FunctionContext<BaseConfig>,
  options: AnalyticsOptions = {},
): FunctionApp<AuthEnv> {
  const { database, cache, redis, metrics } = context;
  const sql = database.sql;
  const now = options.now ?? Date.now;
  const app = createFunctionApp<AuthEnv>(context);
  app.use("/stats/*", apiKeyAuth({ db: database.db, cache, metrics, ...(redis ? { redis } : {}) }));

  const range = (query: z.infer<typeof RangeQuery>): Range => {
    const resolved = resolveRange(query, now());
    if ("problem" in resolved) {
      throw problems.validation([{ in: "query", pointer: `#/${resolved.field}`, detail: resolved.problem }]);
    }
    return resolved;
  };
  const iso = (ms: number) => new Date(ms).toISOString();
  const present = (r: Range, hourly: { hour: number; clicks: number }[]) => {
    const series = fillSeries(r, hourly);
    return {
      from: iso(r.from),
      to: iso(r.to),
      granularity: r.granularity,
      total: series.reduce((sum, b) => sum + b.clicks, 0),
      series: series.map((b) => ({ start: iso(b.start), clicks: b.clicks })),
    };
  };

  app.openapi(linkStatsRoute, async (c) => {
    const { tenantId } = c.var.caller;
    const linkId = c.req.valid("param").id;
    const r = range(c.req.valid("query"));
    if (!(await retryRead(() => linkExists(sql, tenantId, linkId)))) throw problems.notFound("No link with this id.");
    const [hourly, breakdown] = await Promise.all([
      retryRead(() => hourlyClicks(sql, tenantId, r, linkId)),
      retryRead(() => linkBreakdown(sql, tenantId, linkId, r, 10)),
    ]);
    return c.json(
      { linkId, ...present(r, hourly), topCountries: breakdown.countries, topReferrers: breakdown.referrers },
      200,
    );
  });

  app.openapi(tenantStatsRoute, async (c) => {
    const { tenantId } = c.var.caller;
    const r = range(c.req.valid("query"));
    const [hourly, top] = await Promise.all([
      retryRead(() => hourlyClicks(sql, tenantId, r)),
      retryRead(() => topLinks(sql, tenantId, r, 10)),
    ]);
    return c.json({ ...present(r, hourly), topLinks: top }, 200);
  });

  app.openapi(rollupRoute, async (c) => {
    if (!options.rollupToken) throw new ProblemError(403, "Rollups are off: set ROLLUP_TOKEN to enable this endpoint.");
    const sent = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1] ?? "";
    if (!sameSecret(sent, options.rollupToken)) throw problems.unauthorized("Send the rollup token as a Bearer token.");
    const body = c.req.valid("json") ?? {};
    const latest = floorTo(now() - ROLLUP_GRACE_MS, "hour");
    if (body.from !== undefined && body.to !== undefined && body.from >= body.to) {
      throw problems.validation([{ in: "body", pointer: "#/from", detail: "must be before `to`" }]);
    }
    const result = await rollUp(sql, (state) => {
      if (body.from === undefined && body.to === undefined) return rollupWindow(state, now());
      const from = floorTo(body.from ?? state.rolledUpTo ?? state.firstClickAt ?? latest, "hour");
      const to = Math.min(ceilTo(body.to ?? latest, "hour"), latest);
      return from < to ? { from, to } : null;
    });
    return c.json(
      result ? { from: iso(result.from), to: iso(result.to), rows: result.rows } : { from: null, to: null, rows: 0 },
      200,
    );
  });

  registerApiKeyScheme(app);
  app.openAPIRegistry.registerComponent("securitySchemes", "rollupToken", {
    type: "http",
    scheme: "bearer",
    description: "The function's ROLLUP_TOKEN, which the scheduler sends: `Authorization: Bearer <token>`",
  });
  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "Analytics API",
      version: "1.0.0",
      description: "Click statistics per link and per tenant, in UTC buckets.",
    },
  });
  return app;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
