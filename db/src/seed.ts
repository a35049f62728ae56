import { createHash, randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import type { PostgresJsDatabase } from "drizzle-orm/postgres-js";
import * as schema from "./schema.ts";

export type Database = PostgresJsDatabase<typeof schema>;
/** A database or a transaction on it. */
type Queryable = Pick<Database, "insert" | "select">;

const KEY_PREFIX = "lsk_";

/** API keys are 192 random bits, so one fast hash is enough (no password stretching). */
export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

export function generateApiKey(): string {
  return KEY_PREFIX + randomBytes(24).toString("base64url");
}

export async function createTenant(db: Queryable, name: string): Promise<{ id: number; name: string }> {
  const [tenant] = await db.insert(schema.tenants).values({ name }).returning();
  if (!tenant) throw new Error("tenant insert returned nothing");
  return { id: tenant.id, name: tenant.name };
}

/** The shape generateApiKey makes: the prefix and 24 random bytes in base64url. */
export function isApiKey(key: string): boolean {
  return /^lsk_[A-Za-z0-9_-]{32}$/.test(key);
}

/** Creates a key (or stores the one given) and returns it in clear: the only time anyone sees it. */
export async function createApiKey(
  db: Queryable,
  tenantId: number,
  options: { name?: string; rateLimitPerMinute?: number; key?: string } = {},
): Promise<{ id: number; key: string }> {
  if (options.key !== undefined && !isApiKey(options.key))
    throw new Error("an API key is lsk_ and 32 base64url characters");
  const key = options.key ?? generateApiKey();
  const [row] = await db
    .insert(schema.apiKeys)
    .values({
      tenantId,
      name: options.name ?? "default",
      keyHash: hashApiKey(key),
      prefix: key.slice(0, KEY_PREFIX.length + 6),
      ...(options.rateLimitPerMinute ? { rateLimitPerMinute: options.rateLimitPerMinute } : {}),
    })
    .returning({ id: schema.apiKeys.id });
  if (!row) throw new Error("api key insert returned nothing");
  return { id: row.id, key };
}

export const DEMO_TENANT = "demo";

/**
 * Creates the demo tenant and its key on first run; returns the key only then.
 * A deployment may give the key (a cluster generates one per cluster into a
 * Secret, so its tests and users can read it back); by default it is random.
 */
export async function seedDemoTenant(
  db: Database,
  options: { apiKey?: string } = {},
): Promise<{ tenantId: number; apiKey?: string }> {
  return db.transaction(async (tx) => {
    await tx.execute("select pg_advisory_xact_lock(727002)");
    const [existing] = await tx.select().from(schema.tenants).where(eq(schema.tenants.name, DEMO_TENANT));
    if (existing) return { tenantId: existing.id };
    const tenant = await createTenant(tx, DEMO_TENANT);
    const { key } = await createApiKey(tx, tenant.id, { name: "demo", key: options.apiKey });
    return { tenantId: tenant.id, apiKey: key };
  });
}
