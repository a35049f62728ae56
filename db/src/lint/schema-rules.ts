/**
 * The Citus rules about the shape of the schema (pure): every table placed,
 * keys that include the distribution column, foreign keys only in the
 * directions Citus allows and between co-located tables, bigint ids and no
 * identity columns on distributed tables.
 */
import type { Table } from "./catalog.ts";
import { colocationGroup, type Placement } from "./distribution.ts";
import type { Violation } from "./rules.ts";

/** Postgres' codes for foreign key actions. */
const ACTION: Record<string, string> = { a: "NO ACTION", r: "RESTRICT", c: "CASCADE", n: "SET NULL", d: "SET DEFAULT" };

export function schemaViolations(tables: Table[], placements: Map<string, Placement>): Violation[] {
  const violations: Violation[] = [];
  const typeOf = (table: string, column: string) =>
    tables.find((t) => t.name === table)?.columns.find((c) => c.name === column)?.type ?? "?";
  const group = (table: string) => colocationGroup(table, placements, typeOf);

  for (const table of tables) {
    const where = `table ${table.name}`;
    const placement = placements.get(table.name);
    if (!placement) {
      violations.push({
        rule: "undistributed-table",
        where,
        message: `${table.name} is neither a reference nor a distributed table`,
      });
      continue;
    }
    const distributedBy = placement.kind === "distributed" ? placement.column : undefined;

    for (const key of table.constraints) {
      if (
        distributedBy &&
        ["primary key", "unique", "exclude"].includes(key.kind) &&
        !key.columns.includes(distributedBy)
      ) {
        violations.push({
          rule: "key-without-distribution-column",
          where,
          message: `${key.kind} ${key.name} (${key.columns.join(", ")}) does not include the distribution column ${distributedBy}`,
        });
      }
      const ref = key.references;
      if (key.kind !== "foreign key" || !ref) continue;
      const target = placements.get(ref.table);
      if (target?.kind !== "distributed") continue; // to a reference (or local) table: allowed
      if (!distributedBy) {
        violations.push({
          rule: "foreign-key-to-distributed",
          where,
          message: `${key.name}: the ${placement.kind} table ${table.name} references the distributed table ${ref.table}`,
        });
        continue;
      }
      const here = key.columns.indexOf(distributedBy);
      const there = ref.columns.indexOf(target.column);
      if (group(table.name) !== group(ref.table) || here < 0 || here !== there) {
        violations.push({
          rule: "foreign-key-not-colocated",
          where,
          message: `${key.name}: ${table.name}(${key.columns.join(", ")}) -> ${ref.table}(${ref.columns.join(", ")}) is not between co-located tables on their distribution columns`,
        });
      }
      const badDelete = ["n", "d"].includes(ref.onDelete);
      const badUpdate = ["n", "d", "c"].includes(ref.onUpdate);
      if (here >= 0 && (badDelete || badUpdate)) {
        violations.push({
          rule: "foreign-key-action",
          where,
          message: `${key.name}: ${badDelete ? `ON DELETE ${ACTION[ref.onDelete]}` : `ON UPDATE ${ACTION[ref.onUpdate]}`} with the distribution column in the key`,
        });
      }
    }

    if (!distributedBy) continue;
    for (const column of table.columns) {
      if (column.identity) {
        violations.push({ rule: "identity-on-distributed", where, message: `${column.name} is an identity column` });
      }
      const isId = column.name === "id" || column.name.endsWith("_id");
      if (isId && /^(integer|smallint)$/.test(column.type)) {
        violations.push({ rule: "id-not-bigint", where, message: `${column.name} is ${column.type}, not bigint` });
      }
    }
  }
  return violations;
}
