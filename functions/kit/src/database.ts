import { schema } from "@platform/db";
import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import postgres from "postgres";

export type Db = PostgresJsDatabase<typeof schema>;

export interface DatabaseClient {
  sql: postgres.Sql;
  db: Db;
  /** A cheap round trip, for readiness. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  url: string;
  max?: number;
  /** Seconds. Low, so that a dead first host of a multi-host URL is passed quickly. */
  connectTimeout?: number;
}

/**
 * postgres.js with drizzle. A multi-host URL (`postgres://h1:5432,h2:5432/db`)
 * is tried host by host; `target_session_attrs=primary` (not `read-write`,
 * which can accept a standby) makes it settle on the Patroni leader.
 */
export function createDatabase(options: DatabaseOptions): DatabaseClient {
  const url = withPrimaryTarget(options.url);
  const sql = postgres(url, {
    max: options.max ?? 10,
    connect_timeout: options.connectTimeout ?? 2,
    idle_timeout: 60,
    max_lifetime: 30 * 60,
    onnotice: () => {},
    connection: { application_name: process.env.K_REVISION ?? "function" },
  });
  return {
    sql,
    db: drizzle(sql, { schema }),
    ping: async () => {
      await sql`select 1`;
    },
    close: () => sql.end({ timeout: 5 }),
  };
}

/** Adds `target_session_attrs=primary` to a multi-host URL unless it says otherwise. */
export function withPrimaryTarget(url: string): string {
  const authority = url.replace(/^postgres(ql)?:\/\//, "").split(/[/?]/)[0] ?? "";
  const hostPart = authority.slice(authority.lastIndexOf("@") + 1); // a password may hold a comma
  if (!hostPart.includes(",") || /[?&]target_session_attrs=/.test(url)) return url;
  return `${url}${url.includes("?") ? "&" : "?"}target_session_attrs=primary`;
}

/** SQLSTATEs and client codes that mean "the database is not there right now". */
const UNAVAILABLE_CODES = new Set([
  "57P01", // admin_shutdown: the server is going down (failover, restart)
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now: starting up or in recovery
  "08000",
  "08001",
  "08003",
  "08004",
  "08006",
  "53300", // too_many_connections
  "25006", // read_only_sql_transaction: reached a standby after a failover
  "CONNECTION_CLOSED",
  "CONNECTION_DESTROYED",
  "CONNECTION_ENDED",
  "CONNECT_TIMEOUT",
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "EPIPE",
]);

/** True when `error` (or one of its causes, as drizzle wraps errors) is a lost or refused connection. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e = error, depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && UNAVAILABLE_CODES.has(code)) return true;
    const errors = (e as { errors?: unknown }).errors; // AggregateError from a multi-address connect
    if (Array.isArray(errors) && errors.some(isDatabaseUnavailable)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** The SQLSTATE of a database error, looking through drizzle's wrapper. */
export function sqlState(error: unknown): string | undefined {
  for (let e = error, depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Runs an idempotent read again when the connection was lost (a failover):
 * postgres.js reconnects on the next query but retries nothing by itself.
 */
export async function retryRead<T>(read: () => Promise<T>, attempts = 3, backoffMs = 100): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await read();
    } catch (error) {
      if (attempt >= attempts || !isDatabaseUnavailable(error)) throw error;
      await new Promise((r) => setTimeout(r, backoffMs * attempt));
    }
  }
}
