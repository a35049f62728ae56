-- Country on clicks, step 3 of 3 (contract), once every redirect revision
-- writes the country. The default first, so that a straggler of the previous
-- version still inserts; then the rows written before step 2 get 'ZZ'
-- (unknown; on a large table, run this backfill in batches from a Job before
-- the migration, and it finds nothing left to do); then NOT NULL without
-- holding writers for a scan under an exclusive lock: a CHECK added NOT VALID,
-- validated (a lighter lock), and SET NOT NULL, which PostgreSQL proves from
-- the validated CHECK instead of scanning again. (drizzle-kit generated the
-- one-statement form, ADD COLUMN ... DEFAULT 'ZZ' NOT NULL, from schema.ts.)
SET LOCAL citus.multi_shard_modify_mode TO 'sequential';--> statement-breakpoint
ALTER TABLE "clicks" ALTER COLUMN "country" SET DEFAULT 'ZZ';--> statement-breakpoint
UPDATE "clicks" SET "country" = 'ZZ' WHERE "country" IS NULL;--> statement-breakpoint
ALTER TABLE "clicks" ADD CONSTRAINT "clicks_country_not_null" CHECK ("country" IS NOT NULL) NOT VALID;--> statement-breakpoint
ALTER TABLE "clicks" VALIDATE CONSTRAINT "clicks_country_not_null";--> statement-breakpoint
ALTER TABLE "clicks" ALTER COLUMN "country" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "clicks" DROP CONSTRAINT "clicks_country_not_null";
