/**
 * npm run db:refresh-test -- --from <production url> --to <test url>
 * Builds the test database's schema with the migrations, then copies every
 * table from production with the anonymisation rules of
 * db/src/refresh/anonymisation.ts, showing progress. Safe to run again.
 */
import { parseArgs } from "node:util";
import { refreshTestDatabase } from "../refresh/refresh.ts";

const say = (line: string) => process.stdout.write(`${line}\n`);
const USAGE = "usage: npm run db:refresh-test -- --from <postgres url> --to <postgres url>";

let values: { from?: string; to?: string };
try {
  ({ values } = parseArgs({ options: { from: { type: "string" }, to: { type: "string" } } }));
} catch (error) {
  say(`${error instanceof Error ? error.message : error}\n${USAGE}`);
  process.exit(2);
}
const { from, to } = values;
const problems = [
  ...(from && /^postgres(ql)?:\/\//.test(from) ? [] : ["--from must be a postgres:// URL (the production database)"]),
  ...(to && /^postgres(ql)?:\/\//.test(to) ? [] : ["--to must be a postgres:// URL (the test database)"]),
  ...(from && to && from === to ? ["--from and --to are the same database"] : []),
];
if (problems.length > 0) {
  say(`${problems.join("\n")}\n${USAGE}`);
  process.exit(2);
}
try {
  const report = await refreshTestDatabase(from as string, to as string, say);
  const total = Object.values(report.rows).reduce((a, b) => a + b, 0);
  say(`refreshed ${total.toLocaleString("en")} rows in ${report.seconds.toFixed(1)} s, anonymised`);
} catch (error) {
  say(`refresh failed, the test database is as it was: ${error instanceof Error ? error.message : error}`);
  process.exitCode = 1;
}
