/**
 * The workspace packages' imports of each other, checked (pure): every
 * `@platform/...` import is declared in the importing package's
 * package.json, and no two packages import each other, directly or round a
 * longer circle.
 */

export interface WorkspacePackage {
  name: string;
  /** The workspace packages its package.json declares (dependencies and devDependencies). */
  declared: string[];
  /** The workspace packages its source files import, each with one file that does. */
  imported: Map<string, string>;
}

/** "pkg imports dep (file) but does not declare it", one a line. */
export function undeclaredImports(packages: WorkspacePackage[]): string[] {
  return packages.flatMap((pkg) =>
    [...pkg.imported]
      .filter(([dep]) => dep !== pkg.name && !pkg.declared.includes(dep))
      .map(([dep, file]) => `${pkg.name} imports ${dep} (${file}) but its package.json does not declare it`),
  );
}

/** The first circle of imports found, as names (the first repeated at the end), or undefined. */
export function importCycle(packages: WorkspacePackage[]): string[] | undefined {
  const edges = new Map(packages.map((p) => [p.name, [...p.imported.keys()].filter((d) => d !== p.name)]));
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (name: string): string[] | undefined => {
    const at = path.indexOf(name);
    if (at >= 0) return [...path.slice(at), name];
    if (done.has(name)) return undefined;
    path.push(name);
    for (const dep of edges.get(name) ?? []) {
      const cycle = visit(dep);
      if (cycle) return cycle;
    }
    path.pop();
    done.add(name);
    return undefined;
  };
  for (const name of edges.keys()) {
    const cycle = visit(name);
    if (cycle) return cycle;
  }
  return undefined;
}
