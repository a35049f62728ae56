import { createTenant, schema } from "@platform/db";
import type { BaseConfig, FunctionContext } from "@platform/kit";
import { ProblemError } from "@platform/kit";
import { createTestContext, freshDatabase } from "@platform/kit/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LinkRepository } from "./repository.ts";

let context: FunctionContext<BaseConfig>;
let tenantA: number;
let tenantB: number;

beforeAll(async () => {
  context = createTestContext({ service: "links", databaseUrl: await freshDatabase() });
  tenantA = (await createTenant(context.database.db, "a")).id;
  tenantB = (await createTenant(context.database.db, "b")).id;
});
afterAll(() => context.close());

const sequence =
  (...codes: string[]) =>
  () =>
    codes.shift() ?? "unused";

describe("generated codes", () => {
  it("are tried again when the code is taken, by any tenant", async () => {
    await new LinkRepository(context.database.db, tenantA, sequence("taken01")).create({
      targetUrl: "https://a.example",
    });
    const link = await new LinkRepository(
      context.database.db,
      tenantB,
      sequence("taken01", "taken01", "free001"),
    ).create({
      targetUrl: "https://b.example",
    });
    expect(link.code).toBe("free001");
    const routes = await context.database.sql`select code from link_routes order by code`;
    expect(routes.map((r) => r.code)).toEqual(["free001", "taken01"]);
  });

  it("give up with a 503 after five collisions, writing nothing", async () => {
    const before = await context.database.db.$count(schema.links);
    const repository = new LinkRepository(context.database.db, tenantB, () => "taken01");
    const error = await repository.create({ targetUrl: "https://b.example" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProblemError);
    expect((error as ProblemError).status).toBe(503);
    expect(await context.database.db.$count(schema.links)).toBe(before);
  });
});
