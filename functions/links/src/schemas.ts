import { z } from "@hono/zod-openapi";
import { idParam } from "@platform/kit";
import { customCodeProblem } from "./codes.ts";
import { targetUrlProblem } from "./target-url.ts";

const targetUrl = z
  .string()
  .superRefine((value, ctx) => {
    const problem = targetUrlProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  })
  .openapi({ example: "https://example.com/a/long/page", format: "uri", maxLength: 2048 });

const redirectType = z
  .union([z.literal(301), z.literal(302)])
  .openapi({ description: "301 (permanent, browsers may cache it) or 302 (default)", example: 302 });

const expiresAt = z.iso
  .datetime({ offset: true, message: "must be an ISO 8601 date-time, e.g. 2030-01-01T00:00:00Z" })
  .refine((value) => Date.parse(value) > Date.now(), "must be in the future")
  .openapi({ example: "2030-01-01T00:00:00Z" });

export const LinkCreate = z
  .strictObject({
    targetUrl,
    code: z
      .string()
      .superRefine((value, ctx) => {
        const problem = customCodeProblem(value);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      })
      .optional()
      .openapi({ description: "Custom code; omit it to get a generated one", example: "spring-sale" }),
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
  .refine((value) => Object.keys(value).length > 0, "send at least one field to change")
  .openapi("LinkUpdate");

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

export const ListQuery = z.strictObject({
  limit: z
    .string()
    .regex(/^[0-9]{1,3}$/, "must be a whole number from 1 to 100")
    .transform(Number)
    .refine((n) => n >= 1 && n <= 100, "must be a whole number from 1 to 100")
    .optional()
    .openapi({ param: { name: "limit", in: "query" }, example: "20" }),
  cursor: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,24}$/, "must be a nextCursor value from a previous page")
    .optional()
    .openapi({ param: { name: "cursor", in: "query" } }),
});

/** Cursors are opaque to clients: the last id of the page, base64url. */
export function encodeCursor(lastId: number): string {
  return Buffer.from(String(lastId)).toString("base64url");
}

export function decodeCursor(cursor: string): number | undefined {
  const text = Buffer.from(cursor, "base64url").toString();
  return /^[1-9][0-9]{0,15}$/.test(text) ? Number(text) : undefined;
}
