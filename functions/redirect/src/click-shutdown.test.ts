/**
 * SIGTERM, as Knative sends it to a replica it scales down: the redirect
 * process, run from its sources as `npm start` does, writes every click it
 * holds before it exits.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { createTenant } from "@platform/db";
import { eventually, freshDatabase } from "@platform/kit/testing";
import { freePort } from "@platform/processes/free-port";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { afterAll, beforeAll, expect, it } from "vitest";

const CLICKS = 300;
let sql: postgres.Sql;
let url: string;
let child: ChildProcess | undefined;

beforeAll(async () => {
  url = await freshDatabase();
  sql = postgres(url, { max: 1, onnotice: () => {} });
});
afterAll(async () => {
  if (child && child.exitCode === null) child.kill("SIGKILL");
  await sql.end();
});

it("writes every click it holds when it gets SIGTERM, then exits 0", { timeout: 60_000 }, async () => {
  const tenantId = (await createTenant(drizzle(sql), "acme")).id;
  const [link] = await sql<{ id: string }[]>`
    insert into links (tenant_id, code, target_url) values (${tenantId}, 'term', 'https://example.com') returning id`;
  await sql`insert into link_routes (code, tenant_id, link_id, target_url, redirect_type, enabled)
            values ('term', ${tenantId}, ${link?.id ?? 0}, 'https://example.com', 302, true)`;
  const port = await freePort();
  child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(new URL("./main.ts", import.meta.url))], {
    env: {
      ...process.env,
      DATABASE_URL: url,
      PORT: String(port),
      LOG_LEVEL: "warn",
      REDIS_URL: "",
      // Nothing is written before the signal: the clicks wait for a full batch or a minute.
      CLICK_FLUSH_INTERVAL_MS: "60000",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const base = `http://127.0.0.1:${port}`;
  // Ready when it redirects (that first redirect is a click too).
  await eventually(async () => expect((await fetch(`${base}/term`, { redirect: "manual" })).status).toBe(302), 30_000);
  for (let i = 1; i < CLICKS; i++) {
    const res = await fetch(`${base}/term`, { redirect: "manual" });
    expect(res.status).toBe(302);
  }
  const count = async () => Number((await sql<{ n: string }[]>`select coalesce(sum(count), 0) as n from clicks`)[0]?.n);
  expect(await count()).toBe(0);

  const exited = once(child, "exit");
  child.kill("SIGTERM");
  const [code] = await exited;
  expect(code).toBe(0);
  expect(await count()).toBe(CLICKS);
});
