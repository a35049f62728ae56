-- A click row can stand for several identical clicks (same link, second,
-- referrer, user agent and country): the redirect merges them in each batch
-- it writes. With a constant default, PostgreSQL (11+) adds the column without
-- rewriting the table, and every existing row and every row written by a
-- previous redirect counts 1. Deploy this and the analytics that sum(count)
-- before the redirect that merges.
SET LOCAL citus.multi_shard_modify_mode TO 'sequential';--> statement-breakpoint
ALTER TABLE "clicks" ADD COLUMN "count" integer DEFAULT 1 NOT NULL;
