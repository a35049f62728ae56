import { z } from "@hono/zod-openapi";
import { dateTimeInput, idParam } from "@platform/kit";
import { CUSTOM_CODE_PATTERN } from "./codes.ts";
import { MAX_TARGET_URL_LENGTH, normaliseTargetUrl, TARGET_URL_PATTERN } from "./target-url.ts";

/** Checked, then stored in the WHATWG URL serialisation: exactly what the redirect sends as Location. */
const targetUrl = z
  .string()
  .transform((value, ctx) => {
    const result = normaliseTargetUrl(value);
    if ("problem" in result) {
      ctx.addIssue({ code: "custom", message: result.problem });
      return z.NEVER;
    }
    return result.url;
  })
  .openapi({
    description:
      "An absolute http or https URL with a host and without user name or password; stored, and sent as Location, in its WHATWG URL serialisation (`new URL(x).href`), which may be longer once percent-encoded",
    example: "https://example.com/a/long/page",
    pattern: TARGET_URL_PATTERN.source,
    maxLength: MAX_TARGET_URL_LENGTH,
  });

const redirectType = z
  .union([z.literal(301), z.literal(302)])
  .openapi({ description: "301 (permanent, browsers may cache it) or 302 (default)", example: 302 });

const expiresAt = dateTimeInput().openapi({
  description:
    "When the link stops redirecting (410 after it). A past instant makes it expired at once; one before 1970 is stored as 1970-01-01T00:00:00Z",
  example: "2030-01-01T00:00:00Z",
});

export const LinkCreate = z
  .strictObject({
    targetUrl,
    code: z
      .string()
      .regex(CUSTOM_CODE_PATTERN, "must be 3 to 64 letters, digits, '-' or '_', starting with a letter or digit")
      .optional()
      .openapi({
        description:
          "Custom code; omit it to get a generated one. Paths the redirect answers itself (e.g. `health`) are taken: 409",
        example: "spring-sale",
      }),
    redirectType: redirectType.optional(),
    enabled: z.boolean().optional(),
    expiresAt: expiresAt.optional(),
  })
  .openapi("LinkCreate");

export const LinkUpdate = z
  .strictObject({
    targetUrl: targetUrl.optional(),
    redirectType: redirectType.optional(),
    enabled: z.boolean().optional(),
    expiresAt: expiresAt.nullable().optional(),
  })
  .openapi("LinkUpdate", { description: "The fields to change; `{}` changes nothing and answers the link" });

export const Link = z
  .object({
    id: z.number().int(),
    code: z.string(),
    shortUrl: z.string().optional(),
    targetUrl: z.string(),
    redirectType: z.number().int(),
    enabled: z.boolean(),
    expiresAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Link");

export const LinkPage = z
  .object({
    items: z.array(Link),
    nextCursor: z.string().nullable().openapi({ description: "Pass as `cursor` for the next page; null at the end" }),
  })
  .openapi("LinkPage");

export const LinkIdParam = idParam("id");

/**
 * A cursor is the id the next page starts after. Any such number is a valid
 * cursor (past the end it gives an empty page), so what the document says is
 * exactly what the server takes.
 */
const CURSOR_PATTERN = /^[1-9][0-9]{0,15}$/;

export function encodeCursor(lastId: number): string {
  return String(lastId);
}

export const ListQuery = z.strictObject({
  limit: z
    .string()
    .regex(/^(100|[1-9][0-9]?)$/, "must be a whole number from 1 to 100")
    .transform(Number)
    .optional()
    .openapi({ param: { name: "limit", in: "query" }, type: "integer", minimum: 1, maximum: 100, example: 20 }),
  cursor: z
    .string()
    .regex(CURSOR_PATTERN, "must be a nextCursor value from a previous page")
    .transform(Number)
    .optional()
    .openapi({
      param: { name: "cursor", in: "query" },
      description: "`nextCursor` of the previous page: the page starts after it",
    }),
});
