/**
 * node knative/local/run-bundled.mjs <entry.ts> [arguments]: runs a
 * TypeScript entry of the local platform under plain Node, built first with
 * esbuild into one ES module (the entry and the workspace packages it
 * imports). `npm start` runs the platform this way, as its replicas already
 * run from bundles: under tsx the same ingress proxies fewer requests per
 * second (bench:ingress runs it both ways). Third-party packages stay
 * outside the bundle, loaded from node_modules. Each source file keeps its
 * own import.meta.url, so paths it finds from itself (console.html,
 * migrations, the repository root) do not move; stack traces map back to
 * the TypeScript through the source map.
 */
import { mkdirSync } from "node:fs";
import { readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "../..");

/** Bundles `entry` and returns the bundle's path. */
async function bundle(entry) {
  // Inside node_modules, so the bundle's third-party imports resolve from the repository's node_modules.
  const outDir = join(repoRoot, "node_modules", ".cache", "platform-bundles");
  mkdirSync(outDir, { recursive: true });
  const outfile = join(
    outDir,
    `${relative(repoRoot, entry)
      .replaceAll(sep, "_")
      .replace(/\.[cm]?tsx?$/, "")}.mjs`,
  );
  const { outputFiles } = await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    sourcemap: "linked",
    logLevel: "warning",
    plugins: [workspaceOnly, ownImportMetaUrl],
    write: false,
  });
  // Written aside, then renamed: another start of the same entry never imports half a file.
  for (const file of outputFiles) {
    const aside = `${file.path}.${process.pid}`;
    await writeFile(aside, file.contents);
    await rename(aside, file.path);
  }
  return outfile;
}

/** Bundles the workspace's own packages (@platform/*) and relative imports; leaves every other package external. */
const workspaceOnly = {
  name: "workspace-only",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      // The entry point is a path (on Windows one that starts with a drive letter), never a package.
      args.kind === "entry-point" || args.path.startsWith("@platform/")
        ? undefined
        : { path: args.path, external: true },
    );
  },
};

/**
 * Every source file's import.meta.url is its own file's URL, not the bundle's:
 * each file declares its URL, and `import.meta.url` reads that declaration
 * (esbuild keeps each module's top-level names apart).
 */
const ownImportMetaUrl = {
  name: "own-import-meta-url",
  setup(b) {
    b.initialOptions.define = { ...b.initialOptions.define, "import.meta.url": OWN_URL };
    b.onLoad({ filter: /\.([cm]?[jt]s|[jt]sx)$/ }, async (args) => {
      if (args.path.includes(`${sep}node_modules${sep}`)) return undefined;
      const source = await readFile(args.path, "utf8");
      const declaration = `const ${OWN_URL} = ${JSON.stringify(pathToFileURL(args.path).href)}; `;
      // At the start of the first line (after a hashbang), so that the source map's lines stay the file's own.
      const hashbang = source.startsWith("#!") ? source.slice(0, source.indexOf("\n") + 1) : "";
      return {
        contents: hashbang + declaration + source.slice(hashbang.length),
        loader: LOADERS[args.path.split(".").at(-1)],
      };
    });
  },
};
const OWN_URL = "__ownImportMetaUrl";
const LOADERS = { ts: "ts", mts: "ts", cts: "ts", tsx: "tsx", js: "js", mjs: "js", cjs: "js", jsx: "jsx" };

const [entryArgument, ...entryArguments] = process.argv.slice(2);
if (!entryArgument) {
  process.stderr.write("usage: node knative/local/run-bundled.mjs <entry.ts> [arguments]\n");
  process.exit(2);
}
const entry = resolve(entryArgument);
process.setSourceMapsEnabled(true);
const bundled = await bundle(entry);
// The entry reads its arguments where it would if run by itself.
process.argv = [process.argv[0], entry, ...entryArguments];
await import(pathToFileURL(bundled).href);
