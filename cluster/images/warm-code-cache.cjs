// Starts a function's bundle once, as the local platform starts a replica
// (processes/src/replica.ts), so that its loader (main.cjs) writes
// the bundle's V8 code cache beside it; then stops it. Run in the image build,
// with the runtime image's own node: V8 takes a cache only from the same
// version. The settings below only have to pass the function's config check:
// nothing is served and no database or Redis is reached.
//   node warm-code-cache.cjs /app/main.cjs
"use strict";
const { spawn } = require("node:child_process");
const { existsSync } = require("node:fs");
const { createServer } = require("node:net");
const { join, dirname } = require("node:path");

const entry = process.argv[2];
if (!entry) {
  console.error("usage: node warm-code-cache.cjs <main.cjs>");
  process.exit(2);
}
const cacheFile = join(dirname(entry), "bundle.cjs.v8-cache");
const TIMEOUT_MS = 30_000;

function freeLoopbackPort() {
  return new Promise((resolve, reject) => {
    const server = createServer().once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function main() {
  const port = await freeLoopbackPort();
  const child = spawn(process.execPath, [entry], {
    stdio: ["ignore", "ignore", "inherit"],
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      HOST: "127.0.0.1",
      METRICS_PORT: "0",
      METRICS_HOST: "127.0.0.1",
      LOG_LEVEL: "silent",
      K_SERVICE: "warm",
      K_REVISION: "warm-00001",
      K_CONFIGURATION: "warm",
      DATABASE_URL: "postgres://warm@127.0.0.1:1/warm",
      REDIS_URL: "redis://127.0.0.1:1",
      LINKS_URL: "http://links.invalid",
      ANALYTICS_URL: "http://analytics.invalid",
      SHORT_URL_BASE: "https://s.example.com",
    },
  });
  const exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
  const deadline = Date.now() + TIMEOUT_MS;
  // The loader writes the cache (atomically, by rename) right after the bundle's top level has run.
  while (!existsSync(cacheFile) && Date.now() < deadline && child.exitCode === null) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  child.kill("SIGKILL");
  await exited;
  if (!existsSync(cacheFile)) {
    console.error(`no V8 code cache was written for ${entry} within ${TIMEOUT_MS / 1000} s`);
    process.exit(1);
  }
  console.error(`V8 code cache written: ${cacheFile}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
