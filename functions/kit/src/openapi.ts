/** OpenAPI pieces every function's API shares, built with @hono/zod-openapi. */
import { type OpenAPIHono, z } from "@hono/zod-openapi";
import { PROBLEM_CONTENT_TYPE } from "./problem.ts";

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    requestId: z.string().optional(),
    errors: z.array(z.object({ in: z.string(), pointer: z.string(), detail: z.string() })).optional(),
  })
  .openapi("Problem");

/** A response documented as application/problem+json. */
export const problemContent = (description: string) => ({
  description,
  content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } },
});

/** A path parameter that is a positive bigint id (within 2^53). */
export function idParam<N extends string>(name: N) {
  const id = z
    .string()
    .regex(/^[1-9][0-9]{0,15}$/, "must be a positive whole number")
    .transform(Number)
    .openapi({ param: { name, in: "path" }, example: "42" });
  return z.object({ [name]: id } as Record<N, typeof id>);
}

/** The UTC instants a date input may name: four-digit years, which PostgreSQL, JavaScript and RFC 3339 all handle. */
export const EARLIEST_INSTANT_MS = Date.parse("0001-01-01T00:00:00Z");
export const LATEST_INSTANT_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** Why an RFC 3339 date-time is refused, or undefined: the offset may move it out of the four-digit years. */
export function instantProblem(value: string): string | undefined {
  const ms = Date.parse(value);
  if (Number.isNaN(ms) || ms < EARLIEST_INSTANT_MS || ms > LATEST_INSTANT_MS) {
    return "must fall, in UTC, between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z";
  }
  return undefined;
}

/**
 * An RFC 3339 date-time with an offset (OpenAPI `format: date-time`) whose UTC
 * instant PostgreSQL and JavaScript can both hold; parsed to epoch milliseconds.
 */
export function dateTimeInput() {
  return z.iso
    .datetime({ offset: true, message: "must be an ISO 8601 date-time, e.g. 2030-01-01T00:00:00Z", abort: true })
    .superRefine((value, ctx) => {
      const problem = instantProblem(value);
      if (problem) ctx.addIssue({ code: "custom", message: problem, continue: false });
    });
}

/** Declares the `apiKey` security scheme that routes list under `security`. */
export function registerApiKeyScheme(app: Pick<OpenAPIHono, "openAPIRegistry">): void {
  app.openAPIRegistry.registerComponent("securitySchemes", "apiKey", {
    type: "http",
    scheme: "bearer",
    description: "A tenant's API key: `Authorization: Bearer lsk_...`",
  });
}
