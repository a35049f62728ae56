import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { build } from "esbuild";
import { repoRoot } from "../local-state.ts";

/**
 * One revision's own build of its function: functions/<service>/src/main.ts
 * and everything it imports (the kit included) in one ES module, so that a
 * revision keeps serving the code it was made from while the working tree
 * changes and newer revisions run beside it.
 */
export async function bundleFunction(service: string, outDir: string): Promise<string> {
  await mkdir(outDir, { recursive: true });
  const outfile = join(outDir, "main.mjs");
  await build({
    entryPoints: [join(repoRoot, "functions", service, "src/main.ts")],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    sourcemap: "linked",
    logLevel: "silent",
    // CommonJS packages inside an ES module bundle still call require() for Node's built-ins.
    banner: {
      js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);',
    },
  });
  return outfile;
}
