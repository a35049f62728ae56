/**
 * Runs the platform's images from the registry, as containers of the image
 * builder (`buildah run`, chroot isolation: the host's network, so they listen
 * on 127.0.0.1:8080 one at a time, or a free port given as PORT where 8080 is
 * taken), against a real PostgreSQL and redis-server:
 * the migrations image migrates an empty database and seeds it, then each function's
 * container must answer queue-proxy's probe of /health/readiness with 200 on
 * 8080 (the kit answers health there only to probes), and its V8 code cache
 * must be one its node accepts. Prints one line per image; exits 1 on any failure.
 *   npx tsx cluster/images/check-images.ts    (after cluster/images/platform-images.sh)
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { chmod, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmbeddedPostgres } from "@platform/db/embedded";
import { freePort } from "@platform/processes/free-port";
import { startRedisServer } from "@platform/processes/redis-server";

const REGISTRY = process.env.PLATFORM_REGISTRY ?? "127.0.0.1:5000";
const PREFIX = `${REGISTRY}/knative-functions-platform`;
const TAG = "0.1.0";
const FUNCTIONS = ["links", "redirect", "analytics", "web"] as const;
const READY_TIMEOUT_MS = 30_000;
const CACHE_DIR = process.env.PLATFORM_CLUSTER_CACHE ?? join(process.env.HOME ?? "/root", ".cache/platform-cluster");
const BUILDAH = [
  "--root",
  join(CACHE_DIR, "buildah/storage"),
  "--runroot",
  "/run/platform-cluster/buildah",
  "--storage-driver",
  "overlay",
];
const AUTH = [
  "--tls-verify=false",
  "--authfile",
  process.env.PLATFORM_REGISTRY_AUTH ?? "/etc/platform-cluster/registry/auth.json",
];

function buildah(...args: string[]): string {
  return execFileSync("buildah", [...BUILDAH, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

/** A working container of the image as the registry holds it now. */
function containerOf(image: string): string {
  buildah("pull", "--quiet", ...AUTH, image);
  return buildah("from", "--pull=false", image);
}

/** Whether nothing listens on `port` (the containers share the host's network). */
function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
      .once("error", () => resolve(false))
      .listen(port, "0.0.0.0", () => server.close(() => resolve(true)));
  });
}

/** The image's own command and user, from the working container's configuration. */
function configOf(container: string): { cmd: string[]; user: string; env: string[] } {
  const info = JSON.parse(buildah("inspect", container)) as {
    OCIv1: { config: { Cmd?: string[]; User?: string; Env?: string[] } };
  };
  const { config } = info.OCIv1;
  return { cmd: config.Cmd ?? [], user: config.User ?? "root", env: config.Env ?? [] };
}

function runIn(container: string, env: Record<string, string>, command: string[]): ChildProcess {
  const envFlags = Object.entries(env).flatMap(([k, v]) => ["--env", `${k}=${v}`]);
  return spawn("buildah", [...BUILDAH, "run", "--isolation", "chroot", ...envFlags, container, "--", ...command], {
    stdio: ["ignore", "pipe", "pipe"],
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  return child.exitCode !== null ? Promise.resolve(child.exitCode) : new Promise((r) => child.once("exit", r));
}

function output(child: ChildProcess): () => string {
  let text = "";
  child.stdout?.on("data", (d) => (text += d));
  child.stderr?.on("data", (d) => (text += d));
  return () => text;
}

/** The headers of queue-proxy's probe: on the public port the kit answers health only to probes. */
const PROBE_HEADERS = { "k-kubelet-probe": "queue", "user-agent": "kube-probe/1.36" };

async function readyWithin(url: string, child: ChildProcess, timeoutMs: number): Promise<number | undefined> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs && child.exitCode === null) {
    const status = await fetch(url, { headers: PROBE_HEADERS, signal: AbortSignal.timeout(2000) }).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 100));
  }
  return undefined;
}

/** Whether the node in the container takes the image's code cache for its bundle (false: V8 rejects it). */
const CACHE_ACCEPTED = `const fs = require("fs"), { Script } = require("vm"), { wrap } = require("module");
const s = new Script(wrap(fs.readFileSync("/app/bundle.cjs", "utf8")), { filename: "/app/bundle.cjs",
  cachedData: fs.readFileSync("/app/bundle.cjs.v8-cache") });
console.log(s.cachedDataRejected ? "rejected" : "accepted");`;

async function main(): Promise<boolean> {
  const dataDir = mkdtempSync(join(tmpdir(), "check-images-pg-"));
  await chmod(dataDir, 0o755);
  const pg = await startEmbeddedPostgres({
    dataDir: join(dataDir, "data"),
    port: await freePort(),
    persistent: false,
    fast: true,
  });
  const redis = await startRedisServer();
  const containers: string[] = [];
  let ok = true;
  try {
    await pg.createDatabase("platform");
    const env = {
      DATABASE_URL: pg.url("platform"),
      REDIS_URL: redis.url,
      LINKS_URL: "http://127.0.0.1:1",
      ANALYTICS_URL: "http://127.0.0.1:1",
      SHORT_URL_BASE: "https://s.example.com",
      ROLLUP_TOKEN: "check-images-rollup-token",
      K_SERVICE: "check",
      K_REVISION: "check-00001",
      K_CONFIGURATION: "check",
    };

    const migrations = containerOf(`${PREFIX}/migrations:${TAG}`);
    containers.push(migrations);
    // As the cluster's Job: the migrate CLI (the image's command), then the seed CLI.
    for (const command of [configOf(migrations).cmd, ["node", "/app/bin/seed.mjs"]]) {
      const job = runIn(migrations, { DATABASE_URL: env.DATABASE_URL }, command);
      const jobOutput = output(job);
      const code = await exited(job);
      ok &&= code === 0;
      console.log(`migrations, ${command.join(" ")}: exit ${code}: ${jobOutput().trim().split("\n")[0]}`);
    }

    for (const fn of FUNCTIONS) {
      const container = containerOf(`${PREFIX}/${fn}:${TAG}`);
      containers.push(container);
      const config = configOf(container);
      // The image listens on 8080 (its PORT); where this machine has 8080 taken, on a free port instead.
      const port = (await portIsFree(8080)) ? 8080 : await freePort();
      const replica = runIn(container, port === 8080 ? env : { ...env, PORT: String(port) }, config.cmd);
      const replicaOutput = output(replica);
      const readyMs = await readyWithin(`http://127.0.0.1:${port}/health/readiness`, replica, READY_TIMEOUT_MS);
      replica.kill("SIGTERM");
      await exited(replica);
      const check = runIn(container, {}, ["node", "-e", CACHE_ACCEPTED]);
      const checkOutput = output(check);
      await exited(check);
      const cache = checkOutput().trim();
      const imagePort = config.env.includes("PORT=8080");
      const passed = readyMs !== undefined && cache === "accepted" && imagePort;
      ok &&= passed;
      const where =
        port === 8080
          ? "8080"
          : `${port} (8080 is taken on this machine; the image's PORT is ${imagePort ? "8080" : "NOT 8080"})`;
      console.log(
        `${fn}: ${readyMs === undefined ? "NOT ready" : `ready on ${where} in ${readyMs} ms`}, user ${config.user}, ` +
          `code cache ${cache}`,
      );
      if (!passed) console.log(replicaOutput().split("\n").slice(-20).join("\n"));
    }
  } finally {
    for (const c of containers) buildah("rm", c);
    await redis.stop();
    await pg.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
  return ok;
}

process.exitCode = (await main()) ? 0 : 1;
