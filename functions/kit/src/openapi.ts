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

/** Declares the `apiKey` security scheme that routes list under `security`. */
export function registerApiKeyScheme(app: Pick<OpenAPIHono, "openAPIRegistry">): void {
  app.openAPIRegistry.registerComponent("securitySchemes", "apiKey", {
    type: "http",
    scheme: "bearer",
    description: "A tenant's API key: `Authorization: Bearer lsk_...`",
  });
}
