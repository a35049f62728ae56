/**
 * The application's schema, written for Citus from the first migration:
 * - reference tables (copied to every node): tenants, api_keys, rollup_state;
 * - distributed by tenant_id and co-located: links, clicks, click_rollups;
 * - distributed by code: link_routes, so that a redirect touches one shard.
 * Every primary key and unique constraint of a distributed table includes its
 * distribution column; ids of distributed tables are bigserial, because Citus
 * refuses to distribute a table with an identity column.
 */
import {
  bigint,
  bigserial,
  boolean,
  foreignKey,
  index,
  integer,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  unique,
} from "drizzle-orm/pg-core";

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });
const id = (name: string) => bigint(name, { mode: "number" });

export const tenants = pgTable("tenants", {
  id: id("id").primaryKey().generatedAlwaysAsIdentity(),
  name: text("name").notNull(),
  createdAt: timestamptz("created_at").notNull().defaultNow(),
});

export const apiKeys = pgTable("api_keys", {
  id: id("id").primaryKey().generatedAlwaysAsIdentity(),
  tenantId: id("tenant_id")
    .notNull()
    .references(() => tenants.id, { onDelete: "cascade" }),
  name: text("name").notNull(),
  /** SHA-256 of the key, hex. The key itself is shown once and never stored. */
  keyHash: text("key_hash").notNull().unique("api_keys_key_hash_key"),
  /** The first characters of the key, so people can tell their keys apart. */
  prefix: text("prefix").notNull(),
  rateLimitPerMinute: integer("rate_limit_per_minute").notNull().default(600),
  createdAt: timestamptz("created_at").notNull().defaultNow(),
  revokedAt: timestamptz("revoked_at"),
});

export const links = pgTable(
  "links",
  {
    tenantId: id("tenant_id")
      .notNull()
      .references(() => tenants.id),
    id: bigserial("id", { mode: "number" }).notNull(),
    code: text("code").notNull(),
    targetUrl: text("target_url").notNull(),
    redirectType: smallint("redirect_type").notNull().default(302),
    enabled: boolean("enabled").notNull().default(true),
    expiresAt: timestamptz("expires_at"),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: "links_pkey", columns: [t.tenantId, t.id] }),
    unique("links_tenant_id_code_key").on(t.tenantId, t.code),
  ],
);

/** code -> link, denormalised so that the redirect reads one row on one shard. */
export const linkRoutes = pgTable("link_routes", {
  code: text("code").primaryKey(),
  tenantId: id("tenant_id").notNull(),
  linkId: id("link_id").notNull(),
  targetUrl: text("target_url").notNull(),
  redirectType: smallint("redirect_type").notNull(),
  enabled: boolean("enabled").notNull(),
  expiresAt: timestamptz("expires_at"),
});

export const clicks = pgTable(
  "clicks",
  {
    tenantId: id("tenant_id").notNull(),
    id: bigserial("id", { mode: "number" }).notNull(),
    linkId: id("link_id").notNull(),
    clickedAt: timestamptz("clicked_at").notNull(),
    referrer: text("referrer"),
    userAgent: text("user_agent"),
    /** ISO 3166 alpha-2 from the edge's geo header; ZZ when unknown (added by expand/contract: 0003, 0004). */
    country: text("country").notNull().default("ZZ"),
    /**
     * How many identical clicks the row stands for: the redirect writes one row
     * per link, second, referrer, user agent and country of a batch (0005).
     * Count clicks with sum(count), never count(*).
     */
    count: integer("count").notNull().default(1),
  },
  (t) => [
    primaryKey({ name: "clicks_pkey", columns: [t.tenantId, t.id] }),
    index("clicks_tenant_id_link_id_clicked_at_idx").on(t.tenantId, t.linkId, t.clickedAt),
    index("clicks_tenant_id_clicked_at_idx").on(t.tenantId, t.clickedAt),
    foreignKey({
      name: "clicks_link_fkey",
      columns: [t.tenantId, t.linkId],
      foreignColumns: [links.tenantId, links.id],
    }).onDelete("cascade"),
  ],
);

/** Clicks per link and hour, written by the analytics rollup. */
export const clickRollups = pgTable(
  "click_rollups",
  {
    tenantId: id("tenant_id").notNull(),
    linkId: id("link_id").notNull(),
    hour: timestamptz("hour").notNull(),
    clicks: bigint("clicks", { mode: "number" }).notNull(),
  },
  (t) => [
    primaryKey({ name: "click_rollups_pkey", columns: [t.tenantId, t.linkId, t.hour] }),
    index("click_rollups_tenant_id_hour_idx").on(t.tenantId, t.hour),
    foreignKey({
      name: "click_rollups_link_fkey",
      columns: [t.tenantId, t.linkId],
      foreignColumns: [links.tenantId, links.id],
    }).onDelete("cascade"),
  ],
);

/** How far the hourly rollup has gone: clicks before `rolledUpTo` are in click_rollups. */
export const rollupState = pgTable("rollup_state", {
  name: text("name").primaryKey(),
  rolledUpTo: timestamptz("rolled_up_to").notNull(),
});
