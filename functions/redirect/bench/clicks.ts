/**
 * npm run bench:clicks — click ingestion: the redirect's click buffer and
 * writer (ClickBuffer, writeBatch, COPY) against a real PostgreSQL on this
 * machine, in the redirect's own process shape (clicks are made on the same
 * event loop that writes them).
 *
 * 1. Capacity, side by side with its anchor: a backlog of clicks written as
 *    fast as the database takes them, by this writer (through the buffer:
 *    COPY, 5 000 a statement, two at once) and by the previous one (INSERT ...
 *    SELECT FROM unnest(sql.array(...)), 500 a statement, one at a time), for
 *    clicks that all differ (nothing merges) and for a mix. Prints clicks/s of
 *    each and `ratio <this/previous>`.
 * 2. Sustained load: clicks offered at BENCH_RATE per second for BENCH_SECONDS,
 *    a CHECKPOINT forced halfway, then the buffer closed as on SIGTERM. Prints
 *    sent, written (counted in the database), dropped, the largest backlog and
 *    `clicks/s` (written over the time from the first click to the last landed).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runMigrations } from "@platform/db";
import { startEmbeddedPostgres } from "@platform/db/embedded";
import { freePort } from "@platform/processes/free-port";
import postgres from "postgres";
import { writeBatch } from "../src/click-batch.ts";
import { ClickBuffer, DEFAULT_CLICK_BUFFER } from "../src/click-buffer.ts";
import type { Click } from "../src/click-record.ts";
import { clickWriterIo } from "../src/click-writer.ts";
import { previousClickInsert } from "../src/testing/previous-click-insert.ts";

const RATE = Number(process.env.BENCH_RATE ?? 50_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const BACKLOG = Number(process.env.BENCH_BACKLOG ?? 200_000);
const LINKS = 1000;
const log = (line: string) => process.stdout.write(`${line}\n`);
const fmt = (n: number) => Math.round(n).toLocaleString("en-US").replace(/,/g, " ");

const AGENTS = Array.from(
  { length: 12 },
  (_, i) =>
    `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${120 + i}.0.0.0 Safari/537.36`,
);
const COUNTRIES = ["DE", "FR", "US", "GB", "NL", "IN", "BR", "ZZ"];

/** A deterministic pseudo-random stream (LCG), so runs compare. */
function random(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

type Mix = "distinct" | "mixed";

/**
 * `distinct`: every click differs from every other (a unique referrer), so
 * nothing merges: the floor. `mixed`: links by a Zipf-like popularity over
 * 1000 links, 40 % without a referrer, 50 % from 20 referrers, 10 % unique
 * ones, 12 user agents, 8 countries.
 */
function clickMaker(tenantId: number, linkIds: number[], mix: Mix) {
  const next = random(42);
  let i = 0;
  return (at: number): Click => {
    i++;
    if (mix === "distinct") {
      return {
        tenantId,
        linkId: linkIds[i % linkIds.length] as number,
        clickedAt: at,
        referrer: `https://ref.example/?click=${i}`,
        userAgent: AGENTS[i % AGENTS.length] as string,
        country: COUNTRIES[i % COUNTRIES.length] as string,
      };
    }
    const r = next();
    return {
      tenantId,
      linkId: linkIds[Math.min(linkIds.length - 1, Math.floor(linkIds.length * r ** 3))] as number,
      clickedAt: at,
      referrer:
        r < 0.4
          ? null
          : r < 0.9
            ? `https://site${Math.floor(next() * 20)}.example/`
            : `https://ref.example/?click=${i}`,
      userAgent: AGENTS[Math.floor(next() * AGENTS.length)] as string,
      country: COUNTRIES[Math.floor(next() * COUNTRIES.length)] as string,
    };
  };
}

/** A backlog as `RATE` clicks a second would make it. */
function backlogOf(make: (at: number) => Click): Click[] {
  const start = Date.now();
  return Array.from({ length: BACKLOG }, (_, i) => make(start + Math.floor((i / RATE) * 1000)));
}

async function timed(sql: postgres.Sql, backlog: Click[], write: (clicks: Click[]) => Promise<void>, step: number) {
  await sql`truncate clicks`;
  await sql`checkpoint`;
  const started = performance.now();
  for (let i = 0; i < backlog.length; i += step) await write(backlog.slice(i, i + step));
  const seconds = (performance.now() - started) / 1000;
  const [row] = await sql<
    { clicks: string; rows: string }[]
  >`select sum(count) as clicks, count(*) as rows from clicks`;
  if (Number(row?.clicks) !== backlog.length) throw new Error(`wrote ${row?.clicks} of ${backlog.length} clicks`);
  return { clicksPerSecond: backlog.length / seconds, rows: Number(row?.rows) };
}

async function capacity(sql: postgres.Sql, tenantId: number, linkIds: number[]) {
  const mixed = backlogOf(clickMaker(tenantId, linkIds, "mixed"));
  const distinct = backlogOf(clickMaker(tenantId, linkIds, "distinct"));
  const io = clickWriterIo(sql);
  // The whole backlog through the redirect's buffer (its batches, its concurrent writes), as after an outage.
  const buffered = async (clicks: Click[]) => {
    const buffer = new ClickBuffer({
      ...DEFAULT_CLICK_BUFFER,
      maxBytes: 2 ** 31,
      write: (batch) => writeBatch(batch, io),
    });
    for (const click of clicks) buffer.add(click);
    await buffer.close(600_000);
    if (buffer.stats.written !== clicks.length) throw new Error("not all written");
  };
  return {
    previous: await timed(sql, mixed, (clicks) => previousClickInsert(sql, clicks), 500),
    distinct: await timed(sql, distinct, buffered, distinct.length),
    mixed: await timed(sql, mixed, buffered, mixed.length),
  };
}

async function sustained(sql: postgres.Sql, make: (at: number) => Click) {
  await sql`truncate clicks`;
  await sql`checkpoint`;
  const io = clickWriterIo(sql);
  const drops: string[] = [];
  const buffer = new ClickBuffer({
    ...DEFAULT_CLICK_BUFFER,
    write: (batch) => writeBatch(batch, io),
    onDrop: (reason, n) => drops.push(`${n} ${reason}`),
  });
  let sent = 0;
  let maxBacklog = 0;
  let maxBacklogBytes = 0;
  let checkpointMs = 0;
  let checkpoint: Promise<void> | undefined;
  const started = Date.now();
  const end = started + SECONDS * 1000;
  // Every millisecond, as many clicks as the rate owes by now (bounded by SECONDS).
  while (Date.now() < end) {
    const at = Date.now();
    const owed = Math.floor(((at - started) / 1000) * RATE) - sent;
    for (let i = 0; i < owed; i++) buffer.add(make(at));
    sent += Math.max(0, owed);
    maxBacklog = Math.max(maxBacklog, buffer.stats.buffered);
    maxBacklogBytes = Math.max(maxBacklogBytes, buffer.stats.bufferedBytes);
    if (!checkpoint && at - started >= (SECONDS * 1000) / 2) {
      checkpoint = sql`checkpoint`.then(() => {
        checkpointMs = Date.now() - at;
      });
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  const offeredSeconds = (Date.now() - started) / 1000;
  await buffer.close(60_000); // what SIGTERM does, with a deadline long enough to see the backlog land
  const landedSeconds = (Date.now() - started) / 1000;
  await checkpoint;
  const [row] = await sql<{ clicks: string; rows: string }[]>`
    select coalesce(sum(count), 0) as clicks, count(*) as rows from clicks`;
  const written = Number(row?.clicks);
  return {
    sent,
    written,
    rows: Number(row?.rows),
    stats: buffer.stats,
    maxBacklog,
    maxBacklogBytes,
    offeredSeconds,
    landedSeconds,
    checkpointMs,
    drops,
  };
}

async function main() {
  const mix: Mix = process.env.BENCH_MIX === "distinct" ? "distinct" : "mixed";
  const dataDir = await mkdtemp(join(tmpdir(), "bench-clicks-pg-"));
  const pg = await startEmbeddedPostgres({ dataDir, port: await freePort(), persistent: false });
  try {
    await runMigrations(pg.url());
    const sql = postgres(pg.url(), { max: 4, onnotice: () => {} });
    const [tenant] = await sql<{ id: string }[]>`insert into tenants (name) values ('bench') returning id`;
    const tenantId = Number(tenant?.id);
    const links = await sql<{ id: string }[]>`
      insert into links (tenant_id, code, target_url)
      select ${tenantId}, 'bench' || g, 'https://example.com/' || g from generate_series(1, ${LINKS}) g returning id`;
    const linkIds = links.map((l) => Number(l.id));

    log(
      `capacity: a backlog of ${fmt(BACKLOG)} clicks (${fmt(BACKLOG / RATE)} s at ${fmt(RATE)}/s), written as fast as the database takes it`,
    );
    const cap = await capacity(sql, tenantId, linkIds);
    const line = (name: string, r: { clicksPerSecond: number; rows: number }) =>
      log(`  ${name.padEnd(70)} ${fmt(r.clicksPerSecond).padStart(8)} clicks/s  ${fmt(r.rows).padStart(8)} rows`);
    const copy = `COPY, ${fmt(DEFAULT_CLICK_BUFFER.batchSize)} a statement, ${DEFAULT_CLICK_BUFFER.concurrency} at once`;
    line("previous writer: INSERT ... unnest, 500 a statement, one at a time, mixed", cap.previous);
    line(`this writer: ${copy}, distinct (nothing merges)`, cap.distinct);
    line(`this writer: ${copy}, mixed`, cap.mixed);
    log(`  ratio distinct ${(cap.distinct.clicksPerSecond / cap.previous.clicksPerSecond).toFixed(2)}`);
    log(`  ratio mixed ${(cap.mixed.clicksPerSecond / cap.previous.clicksPerSecond).toFixed(2)}`);

    log("");
    log(
      `sustained: ${fmt(RATE)} ${mix} clicks/s offered for ${SECONDS} s, a CHECKPOINT halfway, then closed as on SIGTERM`,
    );
    const run = await sustained(sql, clickMaker(tenantId, linkIds, mix));
    log(
      `  sent ${fmt(run.sent)} in ${run.offeredSeconds.toFixed(1)} s, the last landed at ${run.landedSeconds.toFixed(1)} s`,
    );
    log(
      `  largest backlog ${fmt(run.maxBacklog)} clicks, ${(run.maxBacklogBytes / 2 ** 20).toFixed(1)} MiB of a ${(DEFAULT_CLICK_BUFFER.maxBytes / 2 ** 20).toFixed(0)} MiB budget`,
    );
    log(`  the checkpoint took ${run.checkpointMs} ms; write retries ${run.stats.failedWrites}; rows ${fmt(run.rows)}`);
    log(
      `  dropped ${fmt(run.stats.dropped)}${run.drops.length ? ` (${run.drops.slice(0, 5).join(", ")}${run.drops.length > 5 ? ", ..." : ""})` : ""}`,
    );
    log(`  written ${fmt(run.written)} of sent ${fmt(run.sent)}`);
    log(`clicks/s ${fmt(run.written / run.landedSeconds)}`);
    await sql.end();
    if (run.written !== run.sent) process.exitCode = 1;
  } finally {
    await pg.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
