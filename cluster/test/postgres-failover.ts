/**
 * On the cluster: the PostgreSQL leader pod is deleted while writers create
 * links through the links function (through Kourier, by Host, on 127.0.0.1).
 * Patroni hands the leader lock to the synchronous standby; the Service
 * `postgres` follows Patroni's role label; the deleted member comes back as a
 * replica. Every write the function acknowledged (201) must be on the new
 * leader afterwards. Prints the longest time without an acknowledged write
 * (`write outage <s> s`) and `lost <n>`; exits 1 if any acknowledged write was
 * lost or writes never resumed.
 *
 * With --direct the writers insert into the database through the Service
 * `postgres` instead (a cluster without the functions yet).
 *
 * env: KUBECONFIG (default the cluster's admin kubeconfig), CLUSTER_NAMESPACE
 * (dev), CLUSTER_INGRESS_URL (Kourier's loopback listener, http://127.0.0.1:31080).
 */
import { execFile } from "node:child_process";
import { Agent, request } from "node:http";
import { promisify } from "node:util";
import { createApiKey, createTenant, schema } from "@platform/db";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { lostWrites, type WriteAttempt, writeOutageSeconds } from "../../db/ha/write-outage.ts";
import { leaderOf, MEMBERS_JSONPATH, type Member, parseMembers } from "./patroni-members.ts";

const NAMESPACE = process.env.CLUSTER_NAMESPACE ?? "dev";
const INGRESS = new URL(process.env.CLUSTER_INGRESS_URL ?? "http://127.0.0.1:31080");
const KUBECONFIG = process.env.KUBECONFIG ?? "/etc/platform-cluster/admin.kubeconfig";
const WORKERS = 4;
const MEMBERS = "cluster-name=postgres";
const say = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)("kubectl", ["--kubeconfig", KUBECONFIG, "-n", NAMESPACE, ...args], {
    timeout: 30_000,
    encoding: "utf8",
  });
  return stdout.trim();
}

/** Polls `check` every 500 ms until it returns something truthy; throws after `ms`. */
async function until<T>(check: () => Promise<T | undefined | false>, ms: number, what: string): Promise<T> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const value = await check().catch(() => undefined);
    if (value) return value;
    await sleep(500);
  }
  throw new Error(`gave up after ${ms / 1000} s waiting for ${what}`);
}

async function members(): Promise<Member[]> {
  return parseMembers(await kubectl("get", "pods", "-l", MEMBERS, "-o", MEMBERS_JSONPATH));
}

const syncStandby = () =>
  kubectl("get", "configmap", "postgres-sync", "-o", "jsonpath={.metadata.annotations.sync_standby}");

/** The functions' DATABASE_URL from the cluster's Secret, its Service name replaced by the Service's address. */
async function databaseUrl(): Promise<string> {
  const encoded = await kubectl("get", "secret", "platform-secrets", "-o", "jsonpath={.data.DATABASE_URL}");
  const url = new URL(Buffer.from(encoded, "base64").toString("utf8"));
  url.hostname = await kubectl("get", "service", url.hostname, "-o", "jsonpath={.spec.clusterIP}");
  return url.toString();
}

const agent = new Agent({ keepAlive: true, maxSockets: WORKERS });

/** POST through the ingress with the function's host name; resolves to the status (0 when no answer). */
function post(host: string, path: string, apiKey: string, body: unknown): Promise<number> {
  const payload = JSON.stringify(body);
  return new Promise((resolve) => {
    const req = request(
      {
        agent,
        host: INGRESS.hostname,
        port: INGRESS.port || 80,
        path,
        method: "POST",
        timeout: 5000,
        headers: {
          host,
          authorization: `Bearer ${apiKey}`,
          "content-type": "application/json",
          "content-length": Buffer.byteLength(payload),
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", () => resolve(0));
      },
    );
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(0));
    req.end(payload);
  });
}

interface Writer {
  attempts: WriteAttempt[];
  stop(): Promise<void>;
}

/** WORKERS loops, each writing one link after the other; `write` says whether the write was acknowledged. */
function startWriting(write: (code: string) => Promise<boolean>, prefix: string): Writer {
  const attempts: WriteAttempt[] = [];
  let running = true;
  let n = 0;
  const loops = Array.from({ length: WORKERS }, async () => {
    while (running) {
      const code = `${prefix}${n++}`;
      const acknowledged = await write(code);
      attempts.push({ at: Date.now(), acknowledged, code });
      if (!acknowledged) await sleep(50);
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

async function codesOnLeader(url: string, prefix: string): Promise<Set<string>> {
  const sql = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 5 });
  try {
    const rows = await sql<{ code: string }[]>`select code from links where code like ${`${prefix}%`}`;
    return new Set(rows.map((r) => r.code));
  } finally {
    await sql.end();
  }
}

// --direct: the writers insert into the links table through the Service `postgres` themselves,
// for a cluster without the functions yet.
const direct = process.argv.includes("--direct");
let code = 1;
let writer: Writer | undefined;
let pool: postgres.Sql | undefined;
try {
  const before = await members();
  const leader = leaderOf(before);
  if (!leader) throw new Error(`no ready leader among ${JSON.stringify(before)}`);
  say(`members: ${before.map((m) => `${m.name} ${m.role}`).join(", ")}; synchronous standby ${await syncStandby()}`);

  const url = await databaseUrl();
  const admin = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 5 });
  const db = drizzle(admin, { schema });
  const tenant = await createTenant(db, `failover-${Date.now()}`);
  const { key } = await createApiKey(db, tenant.id, { rateLimitPerMinute: 1_000_000 });
  await admin.end();

  const prefix = `fo${Date.now().toString(36)}-`;
  if (direct) {
    const sql = postgres(url, { max: WORKERS, onnotice: () => {}, connect_timeout: 2 });
    pool = sql;
    say(`writing into the database through the Service postgres (${new URL(url).host}) with ${WORKERS} writers`);
    writer = startWriting(
      (code) =>
        sql`insert into links (tenant_id, code, target_url) values (${tenant.id}, ${code}, ${`https://example.com/${code}`})`.then(
          () => true,
          () => false,
        ),
      prefix,
    );
  } else {
    const host = new URL(await kubectl("get", "ksvc", "links", "-o", "jsonpath={.status.url}")).host;
    say(`writing through http://${host} (via ${INGRESS.host}) with ${WORKERS} writers`);
    writer = startWriting(
      async (code) => (await post(host, "/links", key, { targetUrl: `https://example.com/${code}`, code })) === 201,
      prefix,
    );
  }
  const started = writer;
  await until(async () => started.attempts.some((a) => a.acknowledged), 120_000, "the first acknowledged write");
  await sleep(3000);

  const since = Date.now();
  say(`deleting the leader pod ${leader}`);
  await kubectl("delete", "pod", leader, "--wait=false");
  const newLeader = await until(
    async () => {
      const now = leaderOf(await members());
      return now && now !== leader ? now : undefined;
    },
    90_000,
    "a new leader",
  );
  say(`new leader ${newLeader} after ${((Date.now() - since) / 1000).toFixed(1)} s`);
  await until(async () => started.attempts.some((a) => a.acknowledged && a.at > since), 90_000, "writes to resume");
  await until(
    async () => {
      const all = await members();
      return all.length === 3 && all.every((m) => m.ready) && (await syncStandby());
    },
    180_000,
    `${leader} to rejoin and a synchronous standby`,
  );
  say(`${leader} rejoined as a replica; synchronous standby ${await syncStandby()}`);
  await sleep(2000);
  await writer.stop();

  const present = await codesOnLeader(url, prefix);
  const lost = lostWrites(writer.attempts, present);
  const outage = writeOutageSeconds(writer.attempts, since);
  const acknowledged = writer.attempts.filter((a) => a.acknowledged).length;
  say(
    `${acknowledged} writes acknowledged, ${writer.attempts.length - acknowledged} refused; ${present.size} on the leader`,
  );
  say(`write outage ${outage.toFixed(1)} s`);
  say(`lost ${lost.length}${lost.length ? `: ${lost.slice(0, 10).join(", ")}` : ""}`);
  code = lost.length === 0 && acknowledged > 0 ? 0 : 1;
} catch (error) {
  say(`postgres failover test failed: ${error instanceof Error ? error.message : error}`);
} finally {
  await writer?.stop();
  await pool?.end({ timeout: 5 });
  agent.destroy();
  process.exit(code);
}
