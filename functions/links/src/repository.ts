import { schema } from "@platform/db";
import { type Db, ProblemError, problems, sqlState } from "@platform/kit";
import { and, desc, eq, lt } from "drizzle-orm";
import { generateCode } from "./codes.ts";

export type LinkRow = typeof schema.links.$inferSelect;

export interface NewLink {
  targetUrl: string;
  code?: string;
  redirectType?: number;
  enabled?: boolean;
  expiresAt?: Date;
}

export interface LinkChanges {
  targetUrl?: string;
  redirectType?: number;
  enabled?: boolean;
  expiresAt?: Date | null;
}

const UNIQUE_VIOLATION = "23505";
const GENERATED_CODE_ATTEMPTS = 5;

/**
 * Links of one tenant. Every query is scoped by tenant_id, which is also the
 * Citus distribution column; a link and its route are written in one
 * transaction, so the redirect never sees a route without its link.
 */
export class LinkRepository {
  constructor(
    private readonly db: Db,
    private readonly tenantId: number,
    /** Where generated codes come from; tests inject collisions. */
    private readonly nextCode: () => string = generateCode,
  ) {}

  async create(input: NewLink): Promise<LinkRow> {
    for (let attempt = 1; ; attempt++) {
      const code = input.code ?? this.nextCode();
      try {
        return await this.insert({ ...input, code });
      } catch (error) {
        if (sqlState(error) !== UNIQUE_VIOLATION) throw error;
        if (input.code) throw problems.conflict(`The code '${input.code}' is taken; choose another.`);
        if (attempt >= GENERATED_CODE_ATTEMPTS) {
          throw new ProblemError(503, "Could not find a free code; try again.", { headers: { "retry-after": "1" } });
        }
      }
    }
  }

  private insert(input: NewLink & { code: string }): Promise<LinkRow> {
    return this.db.transaction(async (tx) => {
      const [link] = await tx
        .insert(schema.links)
        .values({
          tenantId: this.tenantId,
          code: input.code,
          targetUrl: input.targetUrl,
          ...(input.redirectType ? { redirectType: input.redirectType } : {}),
          ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
          ...(input.expiresAt ? { expiresAt: input.expiresAt } : {}),
        })
        .returning();
      if (!link) throw new Error("insert into links returned no row");
      await tx.insert(schema.linkRoutes).values(routeOf(link));
      return link;
    });
  }

  async get(id: number): Promise<LinkRow | undefined> {
    const [link] = await this.db.select().from(schema.links).where(this.byId(id));
    return link;
  }

  async list(limit: number, afterId?: number): Promise<{ items: LinkRow[]; hasMore: boolean }> {
    const rows = await this.db
      .select()
      .from(schema.links)
      .where(
        afterId === undefined
          ? eq(schema.links.tenantId, this.tenantId)
          : and(eq(schema.links.tenantId, this.tenantId), lt(schema.links.id, afterId)),
      )
      .orderBy(desc(schema.links.id))
      .limit(limit + 1);
    return { items: rows.slice(0, limit), hasMore: rows.length > limit };
  }

  async update(id: number, changes: LinkChanges): Promise<LinkRow | undefined> {
    return this.db.transaction(async (tx) => {
      const [link] = await tx
        .update(schema.links)
        .set({ ...changes, updatedAt: new Date() })
        .where(this.byId(id))
        .returning();
      if (!link) return undefined;
      const { code, ...route } = routeOf(link);
      await tx.update(schema.linkRoutes).set(route).where(eq(schema.linkRoutes.code, code));
      return link;
    });
  }

  async delete(id: number): Promise<LinkRow | undefined> {
    return this.db.transaction(async (tx) => {
      const [link] = await tx.delete(schema.links).where(this.byId(id)).returning();
      if (!link) return undefined;
      await tx.delete(schema.linkRoutes).where(eq(schema.linkRoutes.code, link.code));
      return link;
    });
  }

  private byId(id: number) {
    return and(eq(schema.links.tenantId, this.tenantId), eq(schema.links.id, id));
  }
}

function routeOf(link: LinkRow): typeof schema.linkRoutes.$inferInsert {
  return {
    code: link.code,
    tenantId: link.tenantId,
    linkId: link.id,
    targetUrl: link.targetUrl,
    redirectType: link.redirectType,
    enabled: link.enabled,
    expiresAt: link.expiresAt,
  };
}
