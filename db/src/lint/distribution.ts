/** How the migrations distribute the tables, read from their create_*_table calls (pure). */
import type { Migration } from "./migrations.ts";

export type Placement =
  | { kind: "reference" }
  | { kind: "distributed"; column: string; colocateWith: string; since: string };

const REFERENCE = /create_reference_table\(\s*'([\w.]+)'\s*\)/gi;
const DISTRIBUTED =
  /create_distributed_table(?:_concurrently)?\(\s*'([\w.]+)'\s*,\s*'(\w+)'(?:\s*,\s*colocate_with\s*=>\s*'([\w.]+)')?\s*\)/gi;

/** Table -> placement; `since` is the migration that distributed it. */
export function distributionOf(migrations: Migration[]): Map<string, Placement> {
  const placements = new Map<string, Placement>();
  for (const migration of migrations) {
    const text = migration.statements.join("\n");
    for (const [, table] of text.matchAll(REFERENCE)) placements.set(bare(table as string), { kind: "reference" });
    for (const [, table, column, colocate] of text.matchAll(DISTRIBUTED)) {
      placements.set(bare(table as string), {
        kind: "distributed",
        column: column as string,
        colocateWith: colocate ?? "default",
        since: migration.tag,
      });
    }
  }
  return placements;
}

/**
 * Co-location group of a distributed table: `colocate_with` chains end at a
 * table placed with 'none' (its own group) or 'default' (every such table
 * whose distribution column has the same type).
 */
export function colocationGroup(
  table: string,
  placements: Map<string, Placement>,
  columnType: (table: string, column: string) => string,
): string {
  const seen = new Set<string>();
  let current = table;
  for (;;) {
    const placement = placements.get(current);
    if (placement?.kind !== "distributed" || seen.has(current)) return current;
    seen.add(current);
    if (placement.colocateWith === "none") return current;
    if (placement.colocateWith === "default") return `default:${columnType(current, placement.column)}`;
    current = placement.colocateWith;
  }
}

function bare(name: string): string {
  return name.replace(/^public\./, "");
}
