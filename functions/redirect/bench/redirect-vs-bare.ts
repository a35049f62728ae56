/**
 * npm run bench:redirect — the redirect hot path (a cache hit) against a bare
 * Hono hello world, on this machine, with the same load generator
 * (autocannon), alternating rounds in one run. Prints requests per second and
 * p99 latency of both and ends with `ratio <redirect/bare>`.
 *
 * Both servers are separate Node processes started the way a replica is
 * (the redirect with its real config: PostgreSQL, Redis, click recording).
 * The redirect is also measured with click recording switched off by its
 * feature flag, to show what the batched inserts cost on a shared machine.
 *
 * Each round also reads the CPU time the server process and PostgreSQL used
 * (/proc) and prints CPU per request and `cpu ratio <bare/redirect>`: on a
 * machine shared with other work, throughput follows the neighbours, the CPU
 * a request costs much less.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createApiKey, createTenant, runMigrations, schema } from "@platform/db";
import { startEmbeddedPostgres } from "@platform/db/embedded";
import { bundleFunction } from "@platform/processes/bundle";
import { freePort } from "@platform/processes/free-port";
import { startRedisServer } from "@platform/processes/redis-server";
import { Replica } from "@platform/processes/replica";
import autocannon from "autocannon";
import { drizzle } from "drizzle-orm/postgres-js";
import { Redis } from "ioredis";
import postgres from "postgres";
import { cpuSecondsOf } from "./process-cpu.ts";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const log = (line: string) => process.stdout.write(`${line}\n`);

interface Result {
  rps: number;
  /** CPU microseconds per answered request: the server's, and PostgreSQL's. */
  serverCpuUs: number;
  postgresCpuUs: number;
  p50: number;
  p99: number;
  errors: number;
  unexpected: number;
}

/** Command-line markers of the processes whose CPU is counted: the server under load, and PostgreSQL. */
interface CpuMarkers {
  server: string;
  postgres: string;
}

async function load(
  url: string,
  expectStatus: number,
  seconds: number,
  cpu: CpuMarkers,
  settle: () => Promise<void> = async () => {},
): Promise<Result> {
  const [serverBefore, postgresBefore] = await Promise.all([cpuSecondsOf(cpu.server), cpuSecondsOf(cpu.postgres)]);
  const result = await autocannon({ url, connections: CONNECTIONS, duration: seconds, expectBody: undefined });
  await settle(); // the clicks of this round written, so their CPU counts here
  const [serverAfter, postgresAfter] = await Promise.all([cpuSecondsOf(cpu.server), cpuSecondsOf(cpu.postgres)]);
  const statusCount =
    (result as unknown as { statusCodeStats?: Record<string, { count: number }> }).statusCodeStats ?? {};
  const expected = statusCount[String(expectStatus)]?.count ?? 0;
  const answered = Math.max(1, result.requests.total);
  return {
    rps: result.requests.average,
    serverCpuUs: ((serverAfter - serverBefore) * 1e6) / answered,
    postgresCpuUs: ((postgresAfter - postgresBefore) * 1e6) / answered,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    unexpected: result.requests.total - expected,
  };
}

async function main() {
  const dataDir = await mkdtemp(join(tmpdir(), "bench-pg-"));
  const pg = await startEmbeddedPostgres({ dataDir, port: await freePort(), persistent: false });
  const redis = await startRedisServer();
  const stops: (() => Promise<void>)[] = [
    () => redis.stop(),
    () => pg.stop(),
    () => rm(dataDir, { recursive: true, force: true }),
  ];
  try {
    await runMigrations(pg.url());
    const sql = postgres(pg.url(), { max: 1, onnotice: () => {} });
    const db = drizzle(sql, { schema });
    const tenant = await createTenant(db, "bench");
    await createApiKey(db, tenant.id);
    await sql`insert into links (tenant_id, code, target_url) values (${tenant.id}, 'bench', 'https://example.com/target')`;
    await sql`insert into link_routes (code, tenant_id, link_id, target_url, redirect_type, enabled)
              select code, tenant_id, id, target_url, redirect_type, enabled from links where code = 'bench'`;
    await sql.end();

    // The redirect runs as a revision does: its own bundle, as a replica process.
    const bundleDir = await mkdtemp(join(tmpdir(), "bench-bundle-"));
    stops.push(() => rm(bundleDir, { recursive: true, force: true }));
    const redirect = new Replica({
      id: "redirect-bench-1",
      service: "redirect",
      revision: "redirect-bench",
      entry: await bundleFunction("redirect", bundleDir),
      port: await freePort(),
      env: { DATABASE_URL: pg.url(), REDIS_URL: redis.url, LOG_LEVEL: "warn" },
      readinessPath: "/health/readiness",
    });
    const ready = new Promise((resolve) => redirect.once("ready", resolve));
    const barePort = await freePort();
    const bare = spawn(
      process.execPath,
      ["--import", "tsx", fileURLToPath(new URL("./bare-hono.ts", import.meta.url))],
      {
        env: { ...process.env, PORT: String(barePort) },
        stdio: "ignore",
      },
    );
    stops.unshift(async () => {
      bare.kill("SIGTERM");
      await redirect.stop();
    });
    await ready;
    const bareUrl = `http://127.0.0.1:${barePort}/`;
    const redirectUrl = `${redirect.url}/bench`;
    for (
      let i = 0;
      i < 50 &&
      !(await fetch(bareUrl)
        .then((r) => r.ok)
        .catch(() => false));
      i++
    ) {
      await new Promise((r) => setTimeout(r, 100));
    }

    const flags = new Redis(redis.url);
    const recordClicks = async (on: boolean) => {
      await flags
        .multi()
        .hset("flags", "redirect.recordClicks", JSON.stringify(on))
        .publish("flags:changed", "x")
        .exec();
      await new Promise((r) => setTimeout(r, 200));
    };
    stops.unshift(async () => flags.disconnect());

    const counter = postgres(pg.url(), { max: 1, onnotice: () => {} });
    stops.unshift(() => counter.end());
    const clicksWritten = async () =>
      Number((await counter<{ n: string }[]>`select coalesce(sum(count), 0) as n from clicks`)[0]?.n);
    // Until the count of clicks stays the same across a flush interval (bounded: 60 polls).
    const clicksSettled = async () => {
      let last = -1;
      for (let i = 0; i < 60; i++) {
        const now = await clicksWritten();
        if (now === last) return;
        last = now;
        await new Promise((r) => setTimeout(r, 700));
      }
    };
    const bareCpu = { server: "bare-hono.ts", postgres: dataDir };
    const redirectCpu = { server: bundleDir, postgres: dataDir };

    log(`warming up (2 s each), then ${ROUNDS} rounds of ${SECONDS} s per server, ${CONNECTIONS} connections`);
    await load(bareUrl, 200, 2, bareCpu);
    await load(redirectUrl, 302, 2, redirectCpu, clicksSettled);
    const runs = { bare: [] as Result[], redirect: [] as Result[], noClicks: [] as Result[] };
    for (let round = 1; round <= ROUNDS; round++) {
      runs.bare.push(await load(bareUrl, 200, SECONDS, bareCpu));
      runs.redirect.push(await load(redirectUrl, 302, SECONDS, redirectCpu, clicksSettled));
      await recordClicks(false);
      runs.noClicks.push(await load(redirectUrl, 302, SECONDS, redirectCpu));
      await recordClicks(true);
      const last = (r: Result[]) => (r.at(-1) as Result).rps.toFixed(0);
      log(
        `round ${round}/${ROUNDS}: bare ${last(runs.bare)} req/s, redirect ${last(runs.redirect)} req/s, ` +
          `redirect without click recording ${last(runs.noClicks)} req/s`,
      );
    }
    const mean = (r: Result[], key: keyof Result) => r.reduce((s, x) => s + x[key], 0) / r.length;
    const row = (name: string, r: Result[]) =>
      `${name.padEnd(34)} ${mean(r, "rps").toFixed(0).padStart(7)} req/s   p50 ${mean(r, "p50").toFixed(1)} ms   ` +
      `p99 ${mean(r, "p99").toFixed(1)} ms   errors ${mean(r, "errors")}   wrong status ${mean(r, "unexpected")}`;
    log("");
    log(row("bare Hono hello world", runs.bare));
    log(row("redirect (cache hit, clicks on)", runs.redirect));
    log(row("redirect (cache hit, clicks off)", runs.noClicks));
    for (const r of [runs.redirect, runs.noClicks]) {
      if (mean(r, "unexpected") > 0 || mean(r, "errors") > 0) {
        throw new Error("the redirect answered something other than 302: the measurement is not of the hot path");
      }
    }
    const cpu = (r: Result[]) => mean(r, "serverCpuUs") + mean(r, "postgresCpuUs");
    const cpuRow = (name: string, r: Result[]) =>
      `${name.padEnd(34)} ${cpu(r).toFixed(1).padStart(7)} µs CPU a request (server ${mean(r, "serverCpuUs").toFixed(1)}, ` +
      `PostgreSQL ${mean(r, "postgresCpuUs").toFixed(1)})`;
    log("");
    log(cpuRow("bare Hono hello world", runs.bare));
    log(cpuRow("redirect (cache hit, clicks on)", runs.redirect));
    log(cpuRow("redirect (cache hit, clicks off)", runs.noClicks));
    log(`cpu ratio without click recording ${(cpu(runs.bare) / cpu(runs.noClicks)).toFixed(2)}`);
    log(`cpu ratio ${(cpu(runs.bare) / cpu(runs.redirect)).toFixed(2)}`);
    log(`ratio without click recording ${(mean(runs.noClicks, "rps") / mean(runs.bare, "rps")).toFixed(2)}`);
    log(`ratio ${(mean(runs.redirect, "rps") / mean(runs.bare, "rps")).toFixed(2)}`);
  } finally {
    for (const stop of stops) await stop().catch(() => undefined);
  }
}

await main();
