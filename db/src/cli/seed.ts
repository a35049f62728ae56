import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import * as schema from "../schema.ts";
import { seedDemoTenant } from "../seed.ts";
import { databaseUrlOrExit } from "./database-url.ts";

const sql = postgres(databaseUrlOrExit(), { max: 1, onnotice: () => {} });
try {
  const { tenantId, apiKey } = await seedDemoTenant(drizzle(sql, { schema }));
  process.stdout.write(
    apiKey
      ? `created the demo tenant (id ${tenantId}). Its API key, shown this once:\n${apiKey}\n`
      : `the demo tenant exists (id ${tenantId}); its key was shown when it was created.\n`,
  );
} finally {
  await sql.end();
}
