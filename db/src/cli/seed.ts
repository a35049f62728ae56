import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import * as schema from "../schema.ts";
import { isApiKey, seedDemoTenant } from "../seed.ts";
import { databaseUrlOrExit } from "./database-url.ts";

// A cluster gives the demo key (from its Secret) so that it can be read back later.
const given = process.env.DEMO_API_KEY || undefined;
if (given !== undefined && !isApiKey(given)) {
  process.stderr.write("DEMO_API_KEY must be lsk_ followed by 32 base64url characters\n");
  process.exit(2);
}
const sql = postgres(databaseUrlOrExit(), { max: 1, onnotice: () => {} });
try {
  const { tenantId, apiKey } = await seedDemoTenant(drizzle(sql, { schema }), { apiKey: given });
  process.stdout.write(
    apiKey
      ? `created the demo tenant (id ${tenantId}). Its API key, shown this once:\n${apiKey}\n`
      : `the demo tenant exists (id ${tenantId}); its key was shown when it was created.\n`,
  );
} finally {
  await sql.end();
}
