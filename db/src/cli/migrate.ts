import { runMigrations } from "../migrate.ts";
import { databaseUrlOrExit } from "./database-url.ts";

const { applied } = await runMigrations(databaseUrlOrExit());
process.stdout.write(applied.length ? `applied: ${applied.join(", ")}\n` : "no pending migrations\n");
