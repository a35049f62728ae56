/**
 * The Citus rules that show in a migration's SQL text (pure): constraints
 * inline in ADD COLUMN, sequences added to existing tables, statements that
 * cannot run in the migrator's transaction, and the sequential mode a
 * migration needs when it changes distributed tables.
 */
import type { Placement } from "./distribution.ts";
import type { Migration } from "./migrations.ts";
import type { Violation } from "./rules.ts";

const ADD_COLUMN =
  /\bADD\s+(?:COLUMN\s+)?(?!(?:CONSTRAINT|PRIMARY|UNIQUE|FOREIGN|CHECK|EXCLUDE)\b)("?[\w]+"?)\s+([^,;]*)/gi;
const INLINE_CONSTRAINT = /\b(PRIMARY\s+KEY|UNIQUE|REFERENCES|CHECK)\b/i;
const SEQUENCE = /\b(small|big)?serial\b|\bnextval\s*\(|\bGENERATED\s+(ALWAYS|BY\s+DEFAULT)\s+AS\s+IDENTITY\b/i;
const OUTSIDE_TRANSACTION =
  /\b(CREATE\s+(UNIQUE\s+)?INDEX\s+CONCURRENTLY|DROP\s+INDEX\s+CONCURRENTLY|REINDEX\b[^;]*\bCONCURRENTLY|create_distributed_table_concurrently|VACUUM|CREATE\s+DATABASE|ALTER\s+SYSTEM)\b/i;
const SEQUENTIAL =
  /SET\s+LOCAL\s+citus\.multi_shard_modify_mode\s+(TO|=)\s+'?sequential'?|set_config\(\s*'citus\.multi_shard_modify_mode'\s*,\s*'sequential'/i;
/** Table names a DDL statement changes. */
const TOUCHED =
  /\b(?:ALTER\s+TABLE(?:\s+ONLY)?(?:\s+IF\s+EXISTS)?|CREATE\s+(?:UNIQUE\s+)?INDEX\b[^;]*?\bON(?:\s+ONLY)?|DROP\s+TABLE(?:\s+IF\s+EXISTS)?)\s+((?:"?\w+"?\.)?"?\w+"?)/gi;

/** True for a statement PostgreSQL refuses inside a transaction block. */
export function runsOutsideTransaction(statement: string): boolean {
  return OUTSIDE_TRANSACTION.test(withoutComments(statement));
}

export function statementViolations(migrations: Migration[], placements: Map<string, Placement>): Violation[] {
  const violations: Violation[] = [];
  // Tables distributed by an earlier migration, or earlier in this one.
  const distributed = new Set<string>();
  for (const migration of migrations) {
    let sequential = false;
    migration.statements.forEach((statement, i) => {
      const where = `${migration.tag} statement ${i + 1}`;
      const code = withoutComments(statement);
      if (SEQUENTIAL.test(code)) sequential = true;
      if (OUTSIDE_TRANSACTION.test(code)) {
        violations.push({
          rule: "not-in-transaction",
          where,
          message: `${firstWords(code)} cannot run in a transaction`,
        });
      }
      const isAlter = /^\s*ALTER\s+TABLE/i.test(code);
      for (const [, column, definition] of isAlter ? code.matchAll(ADD_COLUMN) : []) {
        if (INLINE_CONSTRAINT.test(definition as string)) {
          violations.push({
            rule: "inline-constraint-in-add-column",
            where,
            message: `ADD COLUMN ${column} carries an inline unnamed ${(INLINE_CONSTRAINT.exec(definition as string)?.[1] ?? "").toUpperCase()}`,
          });
        }
        if (SEQUENCE.test(definition as string)) {
          violations.push({
            rule: "sequence-added-later",
            where,
            message: `ADD COLUMN ${column} adds a sequence (${SEQUENCE.exec(definition as string)?.[0]}) to an existing table`,
          });
        }
      }
      for (const [, name] of code.matchAll(TOUCHED)) {
        const table = unquote(name as string);
        if (distributed.has(table) && !sequential) {
          violations.push({
            rule: "sequential-mode-missing",
            where,
            message: `changes the distributed table ${table} without sequential mode set earlier in ${migration.tag}`,
          });
        }
      }
      for (const [table, placement] of placements) {
        if (
          placement.kind === "distributed" &&
          new RegExp(`create_distributed_table\\w*\\(\\s*'(public\\.)?${table}'`, "i").test(code)
        ) {
          distributed.add(table);
        }
      }
    });
  }
  return violations;
}

function withoutComments(sql: string): string {
  return sql.replace(/--[^\n]*/g, "").replace(/\/\*[\s\S]*?\*\//g, "");
}

function unquote(name: string): string {
  return name.replace(/"/g, "").replace(/^public\./, "");
}

function firstWords(sql: string): string {
  return sql.trim().split(/\s+/).slice(0, 4).join(" ");
}
