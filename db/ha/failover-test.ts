/**
 * npm run test:ha — writes through the links function while the Patroni
 * lab's leader is killed (SIGKILL to its Patroni and PostgreSQL: a node
 * crash), then while the leader hands over in a planned switchover. For each
 * it measures the longest time no write was acknowledged and checks that
 * every write acknowledged to a client is on the new leader. Ends with
 * `write outage <s> s` (the crash) and `lost <n>` (both); exits 1 if any
 * acknowledged write was lost or writes never resumed.
 */
import { join } from "node:path";
import { createApiKey, createTenant, runMigrations, schema } from "@platform/db";
import { bundleFunction } from "@platform/processes/bundle";
import { freePort } from "@platform/processes/free-port";
import { Replica } from "@platform/processes/replica";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { crash, down, type LabState, leaderOf, restart, switchover, until, up, waitHealthy } from "./lab.ts";
import { databaseUrl, memberUrl } from "./lab-config.ts";
import { lostWrites, type WriteAttempt, writeOutageSeconds } from "./write-outage.ts";

const WORKERS = 4;
const LAB_DIR = join(process.env.TMPDIR ?? "/tmp", "platform-ha-test");
const say = (line: string) => process.stdout.write(`${line}\n`);

interface Writer {
  attempts: WriteAttempt[];
  stop(): Promise<void>;
}

/** WORKERS loops creating links through the function; each answer recorded as acknowledged (201) or not. */
function startWriting(baseUrl: string, apiKey: string, prefix: string): Writer {
  const attempts: WriteAttempt[] = [];
  let running = true;
  let n = 0;
  const loops = Array.from({ length: WORKERS }, async () => {
    while (running) {
      const code = `${prefix}${n++}`;
      const acknowledged = await fetch(`${baseUrl}/links`, {
        method: "POST",
        headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
        body: JSON.stringify({ targetUrl: `https://example.com/${code}`, code }),
        signal: AbortSignal.timeout(5000),
      }).then(
        (r) => r.status === 201,
        () => false,
      );
      attempts.push({ at: Date.now(), acknowledged, code });
      if (!acknowledged) await new Promise((r) => setTimeout(r, 50));
    }
  });
  return {
    attempts,
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

/** The links function as a revision runs it: its bundle in a Replica, ready once its readiness probe passes. */
async function startLinksFunction(url: string): Promise<{ baseUrl: string; replica: Replica }> {
  const replica = new Replica({
    id: "links-ha-1",
    service: "links",
    revision: "links-ha",
    entry: await bundleFunction("links", join(LAB_DIR, "links-bundle")),
    port: await freePort(),
    env: { DATABASE_URL: url, LOG_LEVEL: "error" },
    readinessPath: "/health/readiness",
  });
  await until(() => replica.phase === "ready", 30_000, "the links function");
  return { baseUrl: replica.url, replica };
}

async function codesOnLeader(state: LabState, prefix: string): Promise<Set<string>> {
  const leader = await leaderOf(state.layout);
  if (!leader) throw new Error("no leader to read from");
  const sql = postgres(memberUrl(leader), { max: 1, onnotice: () => {} });
  try {
    const rows = await sql<{ code: string }[]>`select code from links where code like ${`${prefix}%`}`;
    return new Set(rows.map((r) => r.code));
  } finally {
    await sql.end();
  }
}

/** Load, the event, load until the cluster is healthy and writes flow again; the figures. */
async function drill(
  name: string,
  state: LabState,
  fn: { baseUrl: string },
  apiKey: string,
  event: () => Promise<void>,
): Promise<{ outage: number; lost: number; acknowledged: number }> {
  const prefix = `${name}-`;
  say(`\n${name}: writing through the links function (${WORKERS} writers)`);
  const writer = startWriting(fn.baseUrl, apiKey, prefix);
  await new Promise((r) => setTimeout(r, 3000));
  const since = Date.now();
  await event();
  await waitHealthy(state.layout, say);
  const resumed = () => writer.attempts.some((a) => a.acknowledged && a.at > since);
  await until(resumed, 30_000, "writes to be acknowledged again");
  await new Promise((r) => setTimeout(r, 2000));
  await writer.stop();
  const present = await codesOnLeader(state, prefix);
  const lost = lostWrites(writer.attempts, present);
  const outage = writeOutageSeconds(writer.attempts, since);
  const acknowledged = writer.attempts.filter((a) => a.acknowledged).length;
  const failed = writer.attempts.length - acknowledged;
  say(
    `${name}: ${acknowledged} writes acknowledged, ${failed} refused; longest time without a write ${outage.toFixed(1)} s; acknowledged but missing ${lost.length}`,
  );
  return { outage, lost: lost.length, acknowledged };
}

let fn: { baseUrl: string; replica: Replica } | undefined;
let code = 1;
try {
  await down(() => {}, LAB_DIR);
  say("starting the Patroni lab (etcd, three PostgreSQL members, synchronous replication)");
  const state = await up(say, LAB_DIR);
  const url = databaseUrl(state.layout);
  await runMigrations(url);
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  const db = drizzle(admin, { schema });
  const tenant = await createTenant(db, "ha-test");
  const { key } = await createApiKey(db, tenant.id, { rateLimitPerMinute: 1_000_000 });
  await admin.end();
  fn = await startLinksFunction(url);

  const crashed = await drill("crash", state, fn, key, async () => {
    const leader = await leaderOf(state.layout);
    if (!leader) throw new Error("no leader");
    await crash(state, leader, say);
    await until(async () => (await leaderOf(state.layout)) !== undefined, 60_000, "a new leader");
    say(`new leader: ${(await leaderOf(state.layout))?.name}`);
    await restart(state, leader, say);
  });
  const planned = await drill("switchover", state, fn, key, async () => {
    await switchover(state.layout, say);
  });

  const lost = crashed.lost + planned.lost;
  say(`\nswitchover write outage ${planned.outage.toFixed(1)} s`);
  say(`write outage ${crashed.outage.toFixed(1)} s`);
  say(`lost ${lost}`);
  code = lost === 0 && crashed.acknowledged > 0 && planned.acknowledged > 0 ? 0 : 1;
} catch (error) {
  say(`test:ha failed: ${error instanceof Error ? error.message : error}`);
} finally {
  await fn?.replica.stop();
  await down(() => {}, LAB_DIR).catch(() => {});
  process.exit(code);
}
