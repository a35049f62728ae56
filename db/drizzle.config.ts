import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "postgresql",
  schema: "./db/src/schema.ts",
  out: "./db/migrations",
  // Citus puts these views in public; they are not ours to migrate.
  tablesFilter: ["!citus_tables", "!citus_schemas"],
  dbCredentials: { url: process.env.DATABASE_URL ?? "postgres://localhost:5432/postgres" },
});
