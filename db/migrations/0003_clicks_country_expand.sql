-- Country on clicks, step 1 of 3 (expand). A nullable column without a
-- default: adding it rewrites nothing, and the previous redirect, which does
-- not write it, keeps working. Step 2 is the redirect that writes it; step 3
-- (0004, contract) comes once no revision of the previous redirect is left.
SET LOCAL citus.multi_shard_modify_mode TO 'sequential';--> statement-breakpoint
ALTER TABLE "clicks" ADD COLUMN "country" text;
