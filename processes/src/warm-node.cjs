// A Node process started before it is needed (node-processes.ts, WarmNodePool):
// Node itself and the built-in modules functions load are ready when a replica
// is asked for, so a cold start spends only the bundle's own start. Says so with
// a line on fd 3, then waits for one line on stdin, {"entry", "env"}: takes that
// environment as its own and runs the entry as `node <entry>` would. stdin
// closed first: it exits.
"use strict";
const { closeSync, writeSync } = require("node:fs");

for (const name of [
  "assert",
  "buffer",
  "crypto",
  "diagnostics_channel",
  "dns",
  "events",
  "fs",
  "http",
  "https",
  "net",
  "os",
  "path",
  "perf_hooks",
  "stream",
  "stream/promises",
  "tls",
  "tty",
  "url",
  "util",
  "worker_threads",
  "zlib",
]) {
  require(`node:${name}`);
}
// Node loads its fetch implementation (undici) on first use of one of these; Hono serves with them.
void [globalThis.Request, globalThis.Response, globalThis.Headers, globalThis.fetch];
try {
  writeSync(3, "warm\n");
  closeSync(3);
} catch {
  // Started by hand, with no fd 3: nobody waits for the line.
}

let line = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", function onData(chunk) {
  line += chunk;
  const end = line.indexOf("\n");
  if (end === -1) return;
  process.stdin.off("data", onData);
  process.stdin.destroy();
  const { entry, env } = JSON.parse(line.slice(0, end));
  for (const key of Object.keys(process.env)) if (!(key in env)) delete process.env[key];
  Object.assign(process.env, env);
  process.argv[1] = entry;
  require(entry);
});
process.stdin.on("end", () => {
  if (!line.includes("\n")) process.exit(0);
});
