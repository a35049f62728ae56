/** Reads the workspace packages from the repository: their package.json and the `@platform/...` imports of their files. */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import type { WorkspacePackage } from "./graph.ts";

const IMPORT = /(?:from|import)\s*\(?\s*["'](@platform\/[a-z0-9-]+)/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    if (entry === "node_modules" || entry.startsWith(".")) return [];
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx|js|mjs|cjs)$/.test(entry) ? [path] : [];
  });
}

/** Each workspace of the root package.json (a trailing /* expanded). */
export function readWorkspaces(root: string): WorkspacePackage[] {
  const workspaces: string[] = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).workspaces;
  const dirs = workspaces.flatMap((w) =>
    w.endsWith("/*") ? readdirSync(join(root, w.slice(0, -2))).map((d) => join(w.slice(0, -2), d)) : [w],
  );
  return dirs
    .filter((dir) => statSync(join(root, dir, "package.json"), { throwIfNoEntry: false }))
    .map((dir) => {
      const manifest = JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8"));
      const imported = new Map<string, string>();
      for (const file of sourceFiles(join(root, dir))) {
        for (const match of readFileSync(file, "utf8").matchAll(IMPORT)) {
          const dep = match[1] as string;
          if (!imported.has(dep)) imported.set(dep, relative(root, file));
        }
      }
      return {
        name: manifest.name as string,
        declared: Object.keys({ ...manifest.dependencies, ...manifest.devDependencies }),
        imported,
      };
    });
}
