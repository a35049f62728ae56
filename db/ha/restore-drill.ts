/**
 * npm run db:restore-drill — a point-in-time restore from pgBackRest, shown
 * on real servers (D6): on the Patroni lab, whose members archive their WAL
 * to one pgBackRest repository, it takes a full backup, writes 100 rows,
 * notes the time, writes 100 more, restores the backup to that time into a
 * new data directory, starts it, and checks that exactly the rows written
 * before that time are there. Prints its figures; exits 1 on any mismatch.
 */
import { chown, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { freePort } from "@platform/processes/free-port";
import postgres from "postgres";
import { down, leaderOf, pgbackrest, postgresUser, runAsPostgres, until, up } from "./lab.ts";
import { type LabLayout, type MemberLayout, memberUrl } from "./lab-config.ts";

const LAB_DIR = join(process.env.TMPDIR ?? "/tmp", "platform-restore-drill");
const say = (line: string) => process.stdout.write(`${line}\n`);

async function timed<T>(what: string, work: () => Promise<T> | T): Promise<T> {
  const started = Date.now();
  const result = await work();
  say(`${what}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return result;
}

async function restoreAndCount(
  layout: LabLayout,
  leader: MemberLayout,
  target: string,
): Promise<{ rows: number; max: number }> {
  const dir = join(layout.dir, "restored");
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const user = postgresUser();
  if (user) await chown(dir, user.uid, user.gid);
  await timed("restore to the noted time", () =>
    pgbackrest(leader, `--pg1-path=${dir}`, "--type=time", `--target=${target}`, "--target-action=promote", "restore"),
  );
  const port = await freePort();
  // The restored copy must not archive into the lab's repository, nor wait for a synchronous standby.
  const options = [
    `-p ${port}`,
    "-c listen_addresses=127.0.0.1",
    `-c unix_socket_directories=${dir}`,
    "-c archive_mode=off",
    "-c synchronous_standby_names=",
    `-c hba_file=${join(dir, "pg_hba.conf")}`,
    `-c ident_file=${join(dir, "pg_ident.conf")}`,
  ].join(" ");
  const pgCtl = join(layout.binDir, "pg_ctl");
  await timed("start it and replay the WAL to that time", () =>
    runAsPostgres(pgCtl, ["-D", dir, "-o", options, "-l", join(dir, "restore.log"), "-w", "-t", "120", "start"], dir),
  );
  const restored = { ...leader, pgPort: port, dir };
  const sql = postgres(memberUrl(restored), { max: 1, onnotice: () => {} });
  try {
    await until(
      async () => ((await sql`select pg_is_in_recovery() as r`)[0]?.r as boolean) === false,
      60_000,
      "the restored copy to finish recovery",
    );
    const [row] = await sql<
      { rows: number; max: number }[]
    >`select count(*)::int as rows, coalesce(max(n), 0)::int as max from drill`;
    return { rows: row?.rows ?? 0, max: row?.max ?? 0 };
  } finally {
    await sql.end();
    runAsPostgres(pgCtl, ["-D", dir, "-m", "fast", "stop"], dir);
  }
}

let code = 1;
try {
  await down(() => {}, LAB_DIR);
  say("starting the Patroni lab (its members archive WAL to pgBackRest)");
  const state = await up(say, LAB_DIR);
  const leader = await leaderOf(state.layout);
  if (!leader) throw new Error("no leader");
  pgbackrest(leader, "check");
  const sql = postgres(memberUrl(leader), { max: 1, onnotice: () => {} });
  let target: string;
  try {
    await sql`create table drill (n int primary key, at timestamptz not null default clock_timestamp())`;
    await sql`insert into drill (n) select generate_series(1, 100)`;
    await timed("full backup", () => pgbackrest(leader, "--type=full", "backup"));
    await sql`insert into drill (n) select generate_series(101, 200)`;
    await new Promise((r) => setTimeout(r, 1000));
    const [now] = await sql<{ t: string }[]>`select to_char(clock_timestamp(), 'YYYY-MM-DD HH24:MI:SS.USOF') as t`;
    target = now?.t ?? "";
    await new Promise((r) => setTimeout(r, 1000));
    await sql`insert into drill (n) select generate_series(201, 300)`;
    // The WAL after the target time must reach the repository, or recovery could not know it got there.
    await sql`select pg_switch_wal()`;
    pgbackrest(leader, "check");
  } finally {
    await sql.end();
  }
  say(`rows written: 1-100 before the backup, 101-200 before ${target}, 201-300 after it`);
  say(pgbackrest(leader, "info").trim());
  const restored = await restoreAndCount(state.layout, leader, target);
  say(`restored ${restored.rows} rows (up to n = ${restored.max}); expected 200 (up to n = 200)`);
  code = restored.rows === 200 && restored.max === 200 ? 0 : 1;
} catch (error) {
  say(`db:restore-drill failed: ${error instanceof Error ? error.message : error}`);
} finally {
  await down(() => {}, LAB_DIR).catch(() => {});
  process.exit(code);
}
