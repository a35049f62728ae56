CREATE TABLE "api_keys" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "api_keys_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"tenant_id" bigint NOT NULL,
	"name" text NOT NULL,
	"key_hash" text NOT NULL,
	"prefix" text NOT NULL,
	"rate_limit_per_minute" integer DEFAULT 600 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "api_keys_key_hash_key" UNIQUE("key_hash")
);
--> statement-breakpoint
CREATE TABLE "click_rollups" (
	"tenant_id" bigint NOT NULL,
	"link_id" bigint NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"clicks" bigint NOT NULL,
	CONSTRAINT "click_rollups_pkey" PRIMARY KEY("tenant_id","link_id","hour")
);
--> statement-breakpoint
CREATE TABLE "clicks" (
	"tenant_id" bigint NOT NULL,
	"id" bigserial NOT NULL,
	"link_id" bigint NOT NULL,
	"clicked_at" timestamp with time zone NOT NULL,
	"referrer" text,
	"user_agent" text,
	CONSTRAINT "clicks_pkey" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "link_routes" (
	"code" text PRIMARY KEY NOT NULL,
	"tenant_id" bigint NOT NULL,
	"link_id" bigint NOT NULL,
	"target_url" text NOT NULL,
	"redirect_type" smallint NOT NULL,
	"enabled" boolean NOT NULL,
	"expires_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "links" (
	"tenant_id" bigint NOT NULL,
	"id" bigserial NOT NULL,
	"code" text NOT NULL,
	"target_url" text NOT NULL,
	"redirect_type" smallint DEFAULT 302 NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"expires_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "links_pkey" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "links_tenant_id_code_key" UNIQUE("tenant_id","code")
);
--> statement-breakpoint
CREATE TABLE "rollup_state" (
	"name" text PRIMARY KEY NOT NULL,
	"rolled_up_to" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tenants" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "tenants_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "links" ADD CONSTRAINT "links_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "click_rollups_tenant_id_hour_idx" ON "click_rollups" USING btree ("tenant_id","hour");--> statement-breakpoint
CREATE INDEX "clicks_tenant_id_link_id_clicked_at_idx" ON "clicks" USING btree ("tenant_id","link_id","clicked_at");--> statement-breakpoint
CREATE INDEX "clicks_tenant_id_clicked_at_idx" ON "clicks" USING btree ("tenant_id","clicked_at");