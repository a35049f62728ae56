/** The refresh's plan (pure): one COPY query per table, and the check that every column is classified. */
import { ANONYMISATION, type ColumnRule } from "./anonymisation.ts";

export interface TableCopy {
  table: string;
  columns: string[];
  /** `COPY (<this>) TO STDOUT` on the source. */
  select: string;
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The source expression for one column; `salt` is a per-run secret, as a SQL literal. */
export function columnExpression(column: string, rule: ColumnRule, saltLiteral: string): string {
  switch (rule.kind) {
    case "keep":
      return ident(column);
    case "null":
      return "null";
    case "hash":
      return `encode(sha256(convert_to(${saltLiteral} || ${ident(column)}::text, 'UTF8')), 'hex')`;
    case "fake":
      return `(${rule.sql})`;
  }
}

/**
 * Every table's copy, parents first. `columnsInSchema` is what the target's
 * migrations built: a column without a rule, or a rule for a column that is
 * gone, stops the refresh with the table and column named.
 */
export function planRefresh(
  columnsInSchema: Map<string, string[]>,
  salt: string,
  rules: Record<string, Record<string, ColumnRule>> = ANONYMISATION,
): TableCopy[] {
  const problems: string[] = [];
  for (const [table, columns] of columnsInSchema) {
    for (const column of columns) {
      if (!rules[table]?.[column])
        problems.push(`${table}.${column} has no anonymisation rule (db/src/refresh/anonymisation.ts)`);
    }
  }
  for (const [table, columns] of Object.entries(rules)) {
    for (const column of Object.keys(columns)) {
      if (!columnsInSchema.get(table)?.includes(column))
        problems.push(`${table}.${column} has a rule but is not in the schema`);
    }
  }
  if (problems.length > 0) throw new Error(problems.join("\n"));
  const saltLiteral = `'${salt.replace(/'/g, "''")}'`;
  return Object.entries(rules).map(([table, columns]) => ({
    table,
    columns: Object.keys(columns),
    select: `select ${Object.entries(columns)
      .map(([column, rule]) => columnExpression(column, rule, saltLiteral))
      .join(", ")} from ${ident(table)}`,
  }));
}
