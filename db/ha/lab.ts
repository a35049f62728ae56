/**
 * The Patroni lab's processes: an etcd and three Patroni members (each
 * running its PostgreSQL), started detached on loopback so that they outlive
 * the command that started them, and found again through lab.json. Run as
 * root, Patroni and PostgreSQL run as the `postgres` user (PostgreSQL refuses
 * root).
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, openSync, readdirSync, readFileSync } from "node:fs";
import { chown, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePorts } from "@platform/processes/free-port";
import postgres from "postgres";
import {
  DATABASE,
  etcdArgs,
  type LabLayout,
  type MemberLayout,
  memberUrl,
  patroniConfig,
  pgbackrestConfig,
  STANZA,
} from "./lab-config.ts";

export const DEFAULT_LAB_DIR = process.env.HA_LAB_DIR ?? join(tmpdir(), "platform-ha-lab");

export interface LabState {
  layout: LabLayout;
  etcdPid: number;
  /** Patroni's pid per member name. */
  patroniPids: Record<string, number>;
}

export interface MemberStatus {
  name: string;
  role: string;
  state: string;
  timeline?: number;
  lag?: number | string;
}

type Log = (line: string) => void;

export function readState(dir = DEFAULT_LAB_DIR): LabState | undefined {
  const file = join(dir, "lab.json");
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as LabState) : undefined;
}

async function saveState(state: LabState): Promise<void> {
  await writeFile(join(state.layout.dir, "lab.json"), JSON.stringify(state, null, 2));
}

/** Starts the lab, or finds it running; resolves once a leader, a synchronous standby and a replica are up. */
export async function up(log: Log, dir = DEFAULT_LAB_DIR): Promise<LabState> {
  const running = readState(dir);
  if (running && isAlive(running.etcdPid)) {
    log(`the lab is already running in ${dir}`);
    return running;
  }
  await rm(dir, { recursive: true, force: true });
  const names = ["member-1", "member-2", "member-3"];
  // Chosen together, so that no two are the same (one of CI's runs gave a member one port for both).
  const [clientPort, peerPort, ...memberPorts] = (await freePorts(2 + 2 * names.length)) as [
    number,
    number,
    ...number[],
  ];
  const layout: LabLayout = {
    dir,
    binDir: postgresBinDir(),
    etcd: { clientPort, peerPort, dir: join(dir, "etcd") },
    members: names.map((name, i) => ({
      name,
      pgPort: memberPorts[2 * i] as number,
      restPort: memberPorts[2 * i + 1] as number,
      dir: join(dir, name),
    })),
  };
  await mkdir(layout.etcd.dir, { recursive: true });
  for (const sub of ["backups", "pgbackrest/log", "pgbackrest/lock", "pgbackrest/spool"]) {
    await mkdir(join(dir, sub), { recursive: true });
  }
  for (const member of layout.members) {
    await mkdir(member.dir, { recursive: true, mode: 0o700 });
    await writeFile(join(member.dir, "patroni.yml"), patroniConfig(layout, member));
    await writeFile(join(member.dir, "pgbackrest.conf"), pgbackrestConfig(layout, member));
  }
  await handToPostgresUser(dir, layout);

  log(`starting etcd on 127.0.0.1:${layout.etcd.clientPort}`);
  const etcdPid = startDetached("etcd", etcdArgs(layout), join(dir, "etcd.log"));
  await until(() => fetchOk(`http://127.0.0.1:${layout.etcd.clientPort}/health`), 20_000, "etcd to answer");

  const state: LabState = { layout, etcdPid, patroniPids: {} };
  for (const member of layout.members) {
    log(`starting ${member.name}: PostgreSQL on 127.0.0.1:${member.pgPort}, Patroni API on ${member.restPort}`);
    state.patroniPids[member.name] = startPatroni(member);
    // The first member bootstraps the cluster; the others copy it.
    if (member === layout.members[0])
      await until(async () => (await leaderOf(layout)) !== undefined, 60_000, "a leader");
  }
  await saveState(state);
  await waitHealthy(layout, log);
  await createAppDatabase(layout);
  const leader = await leaderOf(layout);
  if (leader) {
    pgbackrest(leader, "stanza-create");
    log(`WAL archived to pgBackRest in ${join(dir, "backups")} (stanza ${STANZA})`);
  }
  return state;
}

/** Runs a program as the postgres user (as root), in `home`; fails with its output when it fails. */
export function runAsPostgres(command: string, args: string[], home: string): string {
  const user = postgresUser();
  const result = spawnSync(command, args, {
    encoding: "utf8",
    env: { ...process.env, HOME: home },
    ...(user ? { uid: user.uid, gid: user.gid } : {}),
  });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} failed (${result.status}): ${result.stderr || result.stdout}`);
  }
  return result.stdout;
}

/** pgBackRest with `member`'s configuration (its PostgreSQL as pg1, the lab's repository). */
export function pgbackrest(member: MemberLayout, ...args: string[]): string {
  return runAsPostgres(
    "pgbackrest",
    [`--config=${join(member.dir, "pgbackrest.conf")}`, `--stanza=${STANZA}`, ...args],
    member.dir,
  );
}

/** Stops every process of the lab and removes its folder. */
export async function down(log: Log, dir = DEFAULT_LAB_DIR): Promise<void> {
  const state = readState(dir);
  if (!state) {
    log("no lab is running here");
    await rm(dir, { recursive: true, force: true });
    return;
  }
  for (const member of state.layout.members) await crash(state, member, log);
  kill(state.etcdPid);
  await until(async () => !isAlive(state.etcdPid), 10_000, "etcd to stop");
  await rm(dir, { recursive: true, force: true });
  log("the lab is stopped and removed");
}

/** Each member's role and state as the cluster sees it (Patroni's /cluster). */
export async function clusterStatus(layout: LabLayout): Promise<MemberStatus[]> {
  for (const member of layout.members) {
    const res = await fetch(`http://127.0.0.1:${member.restPort}/cluster`).catch(() => undefined);
    if (!res?.ok) continue;
    const body = (await res.json()) as { members: MemberStatus[] };
    return body.members.map(({ name, role, state, timeline, lag }) => ({ name, role, state, timeline, lag }));
  }
  return [];
}

/** The member that holds the leader lock and whose PostgreSQL is out of recovery. */
export async function leaderOf(layout: LabLayout): Promise<MemberLayout | undefined> {
  for (const member of layout.members) {
    if (!(await fetchOk(`http://127.0.0.1:${member.restPort}/primary`))) continue;
    // /primary can answer 200 for a moment after PostgreSQL died: ask PostgreSQL itself.
    if (await isPrimary(member)) return member;
  }
  return undefined;
}

/** A node crash: SIGKILL to the member's Patroni and PostgreSQL. */
export async function crash(state: LabState, member: MemberLayout, log: Log): Promise<void> {
  const postmaster = postmasterPid(member);
  kill(state.patroniPids[member.name]);
  if (postmaster) kill(postmaster);
  await until(
    async () => !isAlive(state.patroniPids[member.name]) && !isAlive(postmaster),
    10_000,
    `${member.name} to die`,
  );
  log(`${member.name}: Patroni and PostgreSQL killed (SIGKILL)`);
}

/** Starts a member's Patroni again; it rejoins as a replica (pg_rewind when it was the leader). */
export async function restart(state: LabState, member: MemberLayout, log: Log): Promise<void> {
  state.patroniPids[member.name] = startPatroni(member);
  await saveState(state);
  log(`${member.name}: Patroni started again`);
}

/** A planned switchover through Patroni's API: the leader hands over to a synchronous standby. */
export async function switchover(layout: LabLayout, log: Log): Promise<string> {
  const leader = await leaderOf(layout);
  if (!leader) throw new Error("no leader to switch over from");
  const res = await fetch(`http://127.0.0.1:${leader.restPort}/switchover`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ leader: leader.name }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`switchover refused (${res.status}): ${text}`);
  log(`switchover from ${leader.name}: ${text.trim()}`);
  return leader.name;
}

/** Until the cluster has a leader, a synchronous standby and a streaming replica. */
export async function waitHealthy(layout: LabLayout, log: Log, timeoutMs = 120_000): Promise<void> {
  let last = "";
  await until(
    async () => {
      const members = await clusterStatus(layout);
      const summary = members.map((m) => `${m.name} ${m.role} ${m.state}`).join(", ");
      if (summary !== last) log(`  ${summary || "no member answers yet"}`);
      last = summary;
      const running = (role: string) => members.some((m) => m.role === role && /running|streaming/.test(m.state));
      return (
        running("leader") &&
        running("sync_standby") &&
        members.filter((m) => /running|streaming/.test(m.state)).length === 3
      );
    },
    timeoutMs,
    "a leader, a synchronous standby and a replica",
  );
}

function startPatroni(member: MemberLayout): number {
  return startDetached("patroni", [join(member.dir, "patroni.yml")], join(member.dir, "patroni.log"), {
    HOME: member.dir,
  });
}

function startDetached(command: string, args: string[], logFile: string, env: Record<string, string> = {}): number {
  const out = openSync(logFile, "a");
  const user = postgresUser();
  const child = spawn(command, args, {
    detached: true,
    stdio: ["ignore", out, out],
    env: { ...process.env, ...env },
    ...(user ? { uid: user.uid, gid: user.gid } : {}),
  });
  child.unref();
  if (!child.pid) throw new Error(`${command} did not start: is it installed? (npm run setup installs it)`);
  return child.pid;
}

async function createAppDatabase(layout: LabLayout): Promise<void> {
  const leader = await leaderOf(layout);
  if (!leader) throw new Error("no leader");
  const sql = postgres(memberUrl(leader, "postgres"), { max: 1, onnotice: () => {} });
  try {
    const [exists] = await sql`select 1 from pg_database where datname = ${DATABASE}`;
    if (!exists) await sql.unsafe(`create database ${DATABASE}`);
  } finally {
    await sql.end();
  }
}

async function isPrimary(member: MemberLayout): Promise<boolean> {
  const sql = postgres(memberUrl(member, "postgres"), { max: 1, connect_timeout: 1, onnotice: () => {} });
  try {
    const [row] = await sql<{ recovering: boolean }[]>`select pg_is_in_recovery() as recovering`;
    return row?.recovering === false;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

export function postmasterPid(member: MemberLayout): number | undefined {
  const file = join(member.dir, "data", "postmaster.pid");
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, "utf8").split("\n")[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function postgresBinDir(): string {
  const root = "/usr/lib/postgresql";
  const majors = existsSync(root) ? readdirSync(root).filter((d) => /^\d+$/.test(d)) : [];
  const major = majors.sort((a, b) => Number(b) - Number(a))[0];
  if (!major) throw new Error("no PostgreSQL server under /usr/lib/postgresql: npm run setup installs it (apt-get)");
  return join(root, major, "bin");
}

/** As root: the postgres user owns the lab's folders and runs its processes. */
export function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
  const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
  return { uid, gid };
}

async function handToPostgresUser(dir: string, layout: LabLayout): Promise<void> {
  const user = postgresUser();
  if (!user) return;
  const paths = [
    dir,
    layout.etcd.dir,
    ...["backups", "pgbackrest", "pgbackrest/log", "pgbackrest/lock", "pgbackrest/spool"].map((sub) => join(dir, sub)),
    ...layout.members.flatMap((m) => [m.dir, join(m.dir, "patroni.yml"), join(m.dir, "pgbackrest.conf")]),
  ];
  for (const path of paths) await chown(path, user.uid, user.gid);
}

function kill(pid: number | undefined): void {
  if (!pid) return;
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // already gone
  }
}

function isAlive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    // A killed child of ours stays a zombie until reaped; the lab's processes are detached, so ask ps.
    const stat = execFileSync("ps", ["-o", "stat=", "-p", String(pid)], { encoding: "utf8" }).trim();
    return stat !== "" && !stat.startsWith("Z");
  } catch {
    return false;
  }
}

async function fetchOk(url: string): Promise<boolean> {
  return fetch(url, { signal: AbortSignal.timeout(1000) }).then(
    (r) => r.ok,
    () => false,
  );
}

export async function until(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
