// Starts a revision's bundle (bundle.cjs, beside this file) with V8's code
// cache, as Node 22's module.enableCompileCache() would: a revision's bundle
// never changes, so what V8 compiled at its first start is reused by every
// later one, and a cold start spends no time compiling it again
// (npm run bench:coldstart). The cache is written once, atomically; a cache
// V8 rejects (another Node version) is written anew.
"use strict";
const { readFileSync, renameSync, writeFileSync } = require("node:fs");
const { createRequire, wrap } = require("node:module");
const { join } = require("node:path");
const { Script } = require("node:vm");

const file = join(__dirname, "bundle.cjs");
const cacheFile = `${file}.v8-cache`;
let cachedData;
try {
  cachedData = readFileSync(cacheFile);
} catch {
  cachedData = undefined;
}
const script = new Script(wrap(readFileSync(file, "utf8")), { filename: file, cachedData });
const bundle = { exports: {} };
script.runInThisContext().call(bundle.exports, bundle.exports, createRequire(file), bundle, file, __dirname);
if (cachedData === undefined || script.cachedDataRejected) {
  try {
    const partial = `${cacheFile}.${process.pid}`;
    writeFileSync(partial, script.createCachedData());
    renameSync(partial, cacheFile);
  } catch {
    // A read-only folder only costs the next start its compile time.
  }
}
