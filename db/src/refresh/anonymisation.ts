/**
 * What the test copy keeps of each column (D5): every column of every table
 * is declared here, so a new column cannot reach test unclassified (the
 * refresh refuses to run). `fake` builds a value from the row's own
 * non-personal columns, so references between tables stay consistent.
 */

export type ColumnRule =
  | { kind: "keep" }
  | { kind: "null" }
  /** SHA-256 of a per-run secret and the value: distinct values stay distinct, nothing maps back. */
  | { kind: "hash" }
  /** A SQL expression over the source row's kept columns. */
  | { kind: "fake"; sql: string };

const keep: ColumnRule = { kind: "keep" };
const nulled: ColumnRule = { kind: "null" };
const hash: ColumnRule = { kind: "hash" };
const fake = (sql: string): ColumnRule => ({ kind: "fake", sql });

/** Tables in the order they load (parents first), each column with its rule. */
export const ANONYMISATION: Record<string, Record<string, ColumnRule>> = {
  tenants: { id: keep, name: fake("'tenant ' || id"), created_at: keep },
  api_keys: {
    id: keep,
    tenant_id: keep,
    name: fake("'key ' || id"),
    // Production keys must not work against test: the stored hash is hashed again.
    key_hash: hash,
    prefix: fake("'lsk_' || substr(md5(id::text), 1, 6)"),
    rate_limit_per_minute: keep,
    created_at: keep,
    revoked_at: keep,
  },
  links: {
    tenant_id: keep,
    id: keep,
    code: keep,
    // Targets can carry people's data (emails, tokens in query strings).
    target_url: fake("'https://example.com/' || tenant_id || '/' || id"),
    redirect_type: keep,
    enabled: keep,
    expires_at: keep,
    created_at: keep,
    updated_at: keep,
  },
  link_routes: {
    code: keep,
    tenant_id: keep,
    link_id: keep,
    target_url: fake("'https://example.com/' || tenant_id || '/' || link_id"),
    redirect_type: keep,
    enabled: keep,
    expires_at: keep,
  },
  clicks: {
    tenant_id: keep,
    id: keep,
    link_id: keep,
    clicked_at: keep,
    referrer: nulled,
    user_agent: hash,
    country: keep,
    count: keep,
  },
  click_rollups: { tenant_id: keep, link_id: keep, hour: keep, clicks: keep },
  rollup_state: { name: keep, rolled_up_to: keep },
};
