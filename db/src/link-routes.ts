/**
 * The contract between the links function (which writes routes) and the
 * redirect function (which reads them): the row, its cache key, its lookup.
 */
import { eq } from "drizzle-orm";
import type { PostgresJsDatabase } from "drizzle-orm/postgres-js";
import * as schema from "./schema.ts";

export interface LinkRoute {
  tenantId: number;
  linkId: number;
  targetUrl: string;
  redirectType: number;
  enabled: boolean;
  /** Milliseconds since the epoch, or null: kept as a number so it survives JSON in the cache. */
  expiresAt: number | null;
}

export function routeCacheKey(code: string): string {
  return `route:${code}`;
}

export async function findRoute(db: PostgresJsDatabase<typeof schema>, code: string): Promise<LinkRoute | null> {
  const [row] = await db.select().from(schema.linkRoutes).where(eq(schema.linkRoutes.code, code));
  if (!row) return null;
  return {
    tenantId: row.tenantId,
    linkId: row.linkId,
    targetUrl: row.targetUrl,
    redirectType: row.redirectType,
    enabled: row.enabled,
    expiresAt: row.expiresAt ? row.expiresAt.getTime() : null,
  };
}
