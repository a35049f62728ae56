/**
 * npm run test:api — schemathesis against every function's OpenAPI document.
 * Starts an embedded PostgreSQL (migrated) and a redis-server on free ports,
 * serves links, analytics and redirect on loopback with a tenant's API key,
 * then runs schemathesis (all checks, every phase, stateful links) on each
 * document twice: with a fixed seed and with a random one, both printed.
 * Prints schemathesis' case counts per run; exits 1 on any failure.
 */
import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLinksApp } from "@functions/links/app";
import { createApiKey, createTenant, runMigrations } from "@platform/db";
import { startEmbeddedPostgres } from "@platform/db/embedded";
import { type FetchApp, type FunctionContext, type RunningFunction, serveFunction } from "@platform/kit";
import { createTestContext } from "@platform/kit/testing";
import { freePort } from "@platform/processes/free-port";
import { startRedisServer } from "@platform/processes/redis-server";
import { createAnalyticsApp } from "../../functions/analytics/src/app.ts";
import { createRedirectApp } from "../../functions/redirect/src/app.ts";
import { EXAMPLE_CODE } from "../../functions/redirect/src/openapi.ts";
import { caseCounts, FIXED_SEED, findSchemathesis, type RunSummary, schemathesisArgs } from "./schemathesis.ts";

const say = (line: string) => process.stdout.write(`${line}\n`);
/** Per run; the whole script does 6 runs. */
const RUN_TIME_LIMIT_S = Number(process.env.API_TEST_RUN_SECONDS ?? 60);
const MAX_EXAMPLES = Number(process.env.API_TEST_MAX_EXAMPLES ?? 50);
const ROLLUP_TOKEN = "api-test-rollup-token-0123456789";

async function main(): Promise<number> {
  const st = findSchemathesis();
  if (!st) {
    say("schemathesis is not installed: npm run setup installs it (pip install --user schemathesis)");
    return 1;
  }
  const work = mkdtempSync(join(tmpdir(), "api-test-"));
  chmodSync(work, 0o755); // as root, PostgreSQL runs as `postgres`, which must enter it
  const postgres = await startEmbeddedPostgres({
    dataDir: join(work, "pg"),
    port: await freePort(),
    persistent: false,
    fast: true,
  });
  const redis = await startRedisServer();
  const contexts: FunctionContext[] = [];
  const servers: RunningFunction[] = [];
  try {
    await postgres.createDatabase("api_test");
    const databaseUrl = postgres.url("api_test");
    await runMigrations(databaseUrl);
    const serve = async (service: string, build: (context: FunctionContext) => FetchApp) => {
      const context = createTestContext({ service, databaseUrl, redisUrl: redis.url });
      contexts.push(context);
      const running = await serveFunction(build(context), context, 0);
      servers.push(running);
      return running.url;
    };
    const targets = [
      { name: "links", url: await serve("links", (c) => createLinksApp(c, { shortUrlBase: "http://sho.rt" })) },
      { name: "analytics", url: await serve("analytics", (c) => createAnalyticsApp(c, { rollupToken: ROLLUP_TOKEN })) },
      { name: "redirect", url: await serve("redirect", (c) => createRedirectApp(c)) },
    ];
    const db = contexts[0]?.database.db;
    if (!db) throw new Error("no database client");
    const tenant = await createTenant(db, "schemathesis");
    // Far above what schemathesis sends, so every case reaches the handler instead of a 429.
    const { key } = await createApiKey(db, tenant.id, { rateLimitPerMinute: 1_000_000 });

    // The redirect document's example code, so that its runs see redirects and not only 404s.
    const created = await fetch(`${targets[0]?.url}/links`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ code: EXAMPLE_CODE, targetUrl: "https://knative.dev/docs/" }),
    });
    if (created.status !== 201) throw new Error(`could not create the example link: ${created.status}`);

    const randomSeed = Math.floor(Math.random() * 2 ** 31);
    say(`seeds: fixed ${FIXED_SEED}, random ${randomSeed} (rerun one: API_TEST_SEED=<seed> npm run test:api)`);
    const seeds = process.env.API_TEST_SEED ? [Number(process.env.API_TEST_SEED)] : [FIXED_SEED, randomSeed];
    const summaries: RunSummary[] = [];
    for (const target of targets) {
      for (const seed of seeds) {
        const args = schemathesisArgs({
          schemaUrl: `${target.url}/openapi.json`,
          seed,
          maxExamples: MAX_EXAMPLES,
          maxTimeSeconds: RUN_TIME_LIMIT_S,
        });
        say(`\n== ${target.name}, seed ${seed}: st ${args.join(" ")}`);
        const env = { ...process.env, API_TEST_KEY: key, API_TEST_ROLLUP_TOKEN: ROLLUP_TOKEN };
        const { exitCode, output } = await run(st, args, env, RUN_TIME_LIMIT_S + 60);
        summaries.push({ name: target.name, seed, exitCode, ...caseCounts(output) });
      }
    }
    say("\nschemathesis case counts:");
    for (const s of summaries) {
      const verdict = s.exitCode === 0 ? "ok" : `FAILED (exit ${s.exitCode})`;
      say(`  ${s.name.padEnd(10)} seed ${String(s.seed).padEnd(11)} ${s.counts}  ${verdict}`);
    }
    const total = summaries.reduce((sum, s) => sum + s.generated, 0);
    const failed = summaries.filter((s) => s.exitCode !== 0);
    say(`${total} cases generated in ${summaries.length} runs; ${failed.length} runs failed`);
    return failed.length === 0 ? 0 : 1;
  } finally {
    for (const server of servers) await server.shutdown();
    await redis.stop();
    await postgres.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Runs schemathesis with its output shown and kept (for the counts); killed
 * past `limitSeconds` (exit code 124, as timeout(1)).
 */
function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  limitSeconds: number,
): Promise<{ exitCode: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "inherit"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      process.stdout.write(chunk);
      output += chunk.toString();
    });
    const timer = setTimeout(() => {
      say(`schemathesis still running after ${limitSeconds} s: stopped`);
      child.kill("SIGKILL");
    }, limitSeconds * 1000);
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ exitCode: signal ? 124 : (code ?? 1), output });
    });
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
