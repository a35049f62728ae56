/**
 * Lays out the build context of a platform image, with the local platform's
 * own bundler (processes/src/bundle.ts: a revision's bundle and its code-cache loader):
 *   functions <dir>    dir/<function>/: bundle.cjs, its source map and main.cjs (the loader), for each
 *                      function; dir/warm-code-cache.cjs (function.Dockerfile)
 *   migrations <dir>   dir/app/bin/migrate.mjs and seed.mjs (the project's migrate and seed CLIs) and dir/app/migrations
 *   tsx cluster/images/build-context.ts functions /tmp/ctx
 */
import { cp, mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { bundleFunction } from "@platform/processes/bundle";
import { repoRoot } from "@platform/processes/local-state";
import { build } from "esbuild";

const FUNCTIONS = ["links", "redirect", "analytics", "web"] as const;

async function functionsContext(dir: string): Promise<void> {
  for (const name of FUNCTIONS) await bundleFunction(name, join(dir, name));
  await cp(new URL("./warm-code-cache.cjs", import.meta.url), join(dir, "warm-code-cache.cjs"));
}

/** The CLIs have top-level awaits, which CommonJS cannot hold: ES modules, with require for their CommonJS dependencies. */
async function migrationsContext(dir: string): Promise<void> {
  await build({
    entryPoints: { migrate: join(repoRoot, "db/src/cli/migrate.ts"), seed: join(repoRoot, "db/src/cli/seed.ts") },
    outdir: join(dir, "app/bin"),
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: "warning",
    banner: {
      js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);',
    },
  });
  // db/src/migrate.ts finds its migrations at ../migrations from itself.
  await cp(join(repoRoot, "db/migrations"), join(dir, "app/migrations"), { recursive: true });
}

const [kind, dir] = process.argv.slice(2);
if (!dir || (kind !== "functions" && kind !== "migrations")) {
  process.stderr.write("usage: build-context.ts functions|migrations <dir>\n");
  process.exit(2);
}
await rm(dir, { recursive: true, force: true });
await mkdir(dir, { recursive: true });
await (kind === "functions" ? functionsContext(dir) : migrationsContext(dir));
