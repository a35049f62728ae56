import { createRoute, type z } from "@hono/zod-openapi";
import { routeCacheKey } from "@platform/db";
import {
  type AuthEnv,
  apiKeyAuth,
  type BaseConfig,
  createFunctionApp,
  type FunctionApp,
  type FunctionContext,
  ProblemError,
  problemContent,
  problems,
  registerApiKeyScheme,
} from "@platform/kit";
import { Scalar } from "@scalar/hono-api-reference";
import { RESERVED_CODES } from "./codes.ts";
import { LinkRepository, type LinkRow } from "./repository.ts";
import { encodeCursor, Link, LinkCreate, LinkIdParam, LinkPage, LinkUpdate, ListQuery } from "./schemas.ts";

export interface LinksOptions {
  /** Where short links are served (the redirect function), e.g. https://sho.rt */
  shortUrlBase?: string;
}

const problem = problemContent;
const errors = {
  400: problem("A field is invalid; `errors` names each one"),
  401: problem("Missing, unknown or revoked API key"),
  429: problem("Rate limit of the API key exceeded; see Retry-After"),
  503: problem("The database is unreachable; see Retry-After"),
};
/** What a route with a JSON body may also answer. */
const bodyErrors = {
  413: problem("The body is larger than 16 KiB"),
  415: problem("The body is not application/json"),
};
const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { "application/json": { schema } },
});
const security = [{ apiKey: [] }];

const createLink = createRoute({
  method: "post",
  path: "/links",
  operationId: "createLink",
  summary: "Create a short link",
  security,
  request: { body: jsonBody(LinkCreate) },
  responses: {
    201: {
      description: "Created",
      content: { "application/json": { schema: Link } },
      links: {
        GetLink: { operationId: "getLink", parameters: { id: "$response.body#/id" } },
        UpdateLink: { operationId: "updateLink", parameters: { id: "$response.body#/id" } },
        DeleteLink: { operationId: "deleteLink", parameters: { id: "$response.body#/id" } },
      },
    },
    409: problem("The custom code is taken, or reserved for a path the redirect answers itself"),
    ...errors,
    ...bodyErrors,
  },
});
const listLinks = createRoute({
  method: "get",
  path: "/links",
  operationId: "listLinks",
  summary: "List your links, newest first",
  security,
  request: { query: ListQuery },
  responses: {
    200: { description: "A page of links", content: { "application/json": { schema: LinkPage } } },
    ...errors,
  },
});
const getLink = createRoute({
  method: "get",
  path: "/links/{id}",
  operationId: "getLink",
  summary: "Read a link",
  security,
  request: { params: LinkIdParam },
  responses: {
    200: { description: "The link", content: { "application/json": { schema: Link } } },
    404: problem("No such link for this tenant"),
    ...errors,
  },
});
const updateLink = createRoute({
  method: "patch",
  path: "/links/{id}",
  operationId: "updateLink",
  summary: "Change a link's target, type, expiry or state",
  security,
  request: { params: LinkIdParam, body: jsonBody(LinkUpdate) },
  responses: {
    200: { description: "The changed link", content: { "application/json": { schema: Link } } },
    404: problem("No such link for this tenant"),
    ...errors,
    ...bodyErrors,
  },
});
const deleteLink = createRoute({
  method: "delete",
  path: "/links/{id}",
  operationId: "deleteLink",
  summary: "Delete a link and its clicks",
  security,
  request: { params: LinkIdParam },
  responses: { 204: { description: "Deleted" }, 404: problem("No such link for this tenant"), ...errors },
});

const EPOCH = new Date(0);

/**
 * An expiry as stored. Any instant before 1970 means "already expired", and is
 * stored as 1970-01-01T00:00:00Z: the database's text for years below 100
 * (`0029-09-27 10:01:17+00`) is misread by JavaScript's Date (as 2029, or NaN).
 */
export function storedExpiry(value: string): Date {
  const at = new Date(value);
  return at < EPOCH ? EPOCH : at;
}

export function createLinksApp(context: FunctionContext<BaseConfig>, options: LinksOptions = {}): FunctionApp<AuthEnv> {
  const { database, cache, redis, metrics } = context;
  const app = createFunctionApp<AuthEnv>(context);
  const repository = (tenantId: number) => new LinkRepository(database.db, tenantId);
  const present = (link: LinkRow): z.infer<typeof Link> => ({
    id: link.id,
    code: link.code,
    ...(options.shortUrlBase ? { shortUrl: `${options.shortUrlBase.replace(/\/$/, "")}/${link.code}` } : {}),
    targetUrl: link.targetUrl,
    redirectType: link.redirectType,
    enabled: link.enabled,
    expiresAt: link.expiresAt?.toISOString() ?? null,
    createdAt: link.createdAt.toISOString(),
    updatedAt: link.updatedAt.toISOString(),
  });

  const auth = apiKeyAuth({ db: database.db, cache, metrics, ...(redis ? { redis } : {}) });
  app.use("/links/*", auth); // matches /links itself too

  app.openapi(createLink, async (c) => {
    const { expiresAt, ...body } = c.req.valid("json");
    // A well-formed code that is taken, by the redirect's own paths: the same answer as another link's code.
    if (body.code !== undefined && RESERVED_CODES.has(body.code.toLowerCase())) {
      throw new ProblemError(409, `The code '${body.code}' is reserved; choose another.`);
    }
    const link = await repository(c.var.caller.tenantId).create({
      ...body,
      ...(expiresAt ? { expiresAt: storedExpiry(expiresAt) } : {}),
    });
    // A redirect may have cached "no such code" before the link existed.
    await cache.invalidate(routeCacheKey(link.code));
    return c.json(present(link), 201, { location: `/links/${link.id}` });
  });

  app.openapi(listLinks, async (c) => {
    const query = c.req.valid("query");
    const page = await repository(c.var.caller.tenantId).list(query.limit ?? 20, query.cursor);
    const last = page.items.at(-1);
    return c.json(
      { items: page.items.map(present), nextCursor: page.hasMore && last ? encodeCursor(last.id) : null },
      200,
    );
  });

  app.openapi(getLink, async (c) => {
    const link = await repository(c.var.caller.tenantId).get(c.req.valid("param").id);
    if (!link) throw problems.notFound("No link with this id.");
    return c.json(present(link), 200);
  });

  app.openapi(updateLink, async (c) => {
    const body = c.req.valid("json");
    const id = c.req.valid("param").id;
    if (Object.keys(body).length === 0) {
      // Nothing to change (a merge patch of {}): the link as it is.
      const link = await repository(c.var.caller.tenantId).get(id);
      if (!link) throw problems.notFound("No link with this id.");
      return c.json(present(link), 200);
    }
    const { expiresAt, ...rest } = body;
    const link = await repository(c.var.caller.tenantId).update(id, {
      ...rest,
      ...(expiresAt !== undefined ? { expiresAt: expiresAt === null ? null : storedExpiry(expiresAt) } : {}),
    });
    if (!link) throw problems.notFound("No link with this id.");
    await cache.invalidate(routeCacheKey(link.code));
    return c.json(present(link), 200);
  });

  app.openapi(deleteLink, async (c) => {
    const link = await repository(c.var.caller.tenantId).delete(c.req.valid("param").id);
    if (!link) throw problems.notFound("No link with this id.");
    await cache.invalidate(routeCacheKey(link.code));
    return c.body(null, 204);
  });

  registerApiKeyScheme(app);
  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "Links API",
      version: "1.0.0",
      description: "Create and manage short links. Errors are application/problem+json (RFC 9457).",
    },
  });
  app.get("/docs", Scalar({ url: "/openapi.json", pageTitle: "Links API" }));
  return app;
}
