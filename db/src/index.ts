export { findRoute, type LinkRoute, routeCacheKey } from "./link-routes.ts";
export { journalTags, migrationsFolder, runMigrations } from "./migrate.ts";
export * as schema from "./schema.ts";
export {
  createApiKey,
  createTenant,
  type Database,
  DEMO_TENANT,
  generateApiKey,
  hashApiKey,
  isApiKey,
  seedDemoTenant,
} from "./seed.ts";
