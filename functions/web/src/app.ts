/**
 * The tenants' web app: server-rendered pages over the links and analytics
 * APIs (a back end for the front end; it never reaches the database). A
 * tenant signs in once with an API key, which stays in a server-side session;
 * every change is a form post checked for its origin and CSRF token.
 */
import {
  type AppEnv,
  type AppVariables,
  type BaseConfig,
  createFunctionApp,
  type FunctionContext,
  type Logger,
  ProblemError,
  problemResponse,
  problems,
  toProblem,
} from "@platform/kit";
import type { Context, MiddlewareHandler } from "hono";
import { compress } from "hono/compress";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { JSX } from "hono/jsx/jsx-runtime";
import { secureHeaders } from "hono/secure-headers";
import { assetsByPath } from "./assets/index.ts";
import type { Backend, Link, Problem } from "./backend.ts";
import {
  createBody,
  type FormErrors,
  formErrors,
  formValuesOf,
  noErrors,
  readLinkForm,
  updateBody,
} from "./link-form.ts";
import { searchLinks } from "./link-search.ts";
import { isCrossOrigin, isSecure } from "./request-origin.ts";
import { sameSecret } from "./session-crypto.ts";
import type { Session, SessionStore } from "./sessions.ts";
import { rangeName, statsRange } from "./stats-range.ts";
import { DeletePage, ErrorPage, LinkFormPage, LinkPage, LinksPage, OverviewPage, SignInPage } from "./views/pages.tsx";

export interface WebOptions {
  backend: Backend;
  sessions: SessionStore;
  now?: () => number;
  /** Links fetched per page of the list. */
  pageSize?: number;
  /** A search reads at most this many pages of 100 links (the links API has no search of its own). */
  searchPages?: number;
}

export interface WebEnv extends AppEnv {
  Variables: AppVariables & { session: Session | undefined; sessionToken: string | undefined };
}

const NOTICES: Record<string, string> = {
  created: "Link created.",
  saved: "Changes saved.",
  disabled: "Link disabled: it now answers 410 Gone.",
  enabled: "Link enabled.",
  deleted: "Link deleted.",
  "signed-out": "You are signed out.",
  expired: "Your session ended; sign in again.",
};
const LINK_FIELDS = ["targetUrl", "code", "redirectType", "expiresAt"] as const;
const ID = "{[1-9][0-9]{0,15}}";
const MAX_QUERY = 200;

const cookieName = (secure: boolean) => (secure ? "__Host-session" : "session");

export function createWebApp(context: FunctionContext<BaseConfig>, options: WebOptions) {
  const { backend, sessions } = options;
  const now = options.now ?? Date.now;
  const pageSize = options.pageSize ?? 20;
  const searchPages = options.searchPages ?? 10;
  const app = createFunctionApp<WebEnv>(context, {
    readiness: {
      redis: async () => {
        if (!context.redis) throw new Error("REDIS_URL is not set");
        await context.redis.ping();
      },
    },
  });

  app.use(compress());
  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
      },
      referrerPolicy: "same-origin",
    }),
  );

  app.notFound((c) => errorResponse(c, problems.notFound(`No page at ${c.req.path}.`)));
  app.onError((error, c) => {
    const problem = toProblem(error);
    if (problem.status >= 500) (c.get("log") as Logger | undefined)?.error({ err: error }, "request failed");
    return errorResponse(c, problem);
  });

  app.get("/assets/:file", (c) => {
    const asset = assetsByPath.get(c.req.path);
    if (!asset) throw problems.notFound("No such asset; pages name their assets by content, so reload the page.");
    return c.body(asset.body, 200, {
      "content-type": asset.contentType,
      "cache-control": "public, max-age=31536000, immutable",
    });
  });

  // Every page: the session, if any; no page is cached (they show the tenant's data).
  const pages: MiddlewareHandler<WebEnv> = async (c, next) => {
    const token = getCookie(c, cookieName(secure(c)));
    let session: Session | undefined;
    try {
      session = await sessions.read(token);
    } catch (error) {
      c.var.log.warn({ err: error }, "session store unavailable");
      throw new ProblemError(503, "Sign-in is unavailable for a moment (the session store did not answer).", {
        headers: { "retry-after": "5" },
      });
    }
    c.set("session", session);
    c.set("sessionToken", session ? token : undefined);
    if (c.req.method === "POST" && isCrossOrigin(originHeaders(c))) {
      throw new ProblemError(403, "This form was sent from another site; changes are accepted only from this app.");
    }
    await next();
    c.header("cache-control", "no-store");
  };
  // Signed-in pages; every post also carries the session's CSRF token.
  const signedIn: MiddlewareHandler<WebEnv> = async (c, next) => {
    const session = c.var.session;
    if (!session) return c.redirect(c.req.method === "GET" ? "/sign-in" : "/sign-in?notice=expired", 303);
    if (c.req.method === "POST") {
      const sent = (await c.req.parseBody())._csrf;
      if (typeof sent !== "string" || !sameSecret(sent, session.csrfToken)) {
        throw new ProblemError(403, "This form is out of date or was not sent by this app; reload the page and retry.");
      }
    }
    await next();
  };
  for (const path of ["/", "/sign-in", "/sign-out", "/links", "/links/*"]) app.use(path, pages);
  for (const path of ["/", "/links", "/links/*"]) app.use(path, signedIn);

  const html = (c: Context<WebEnv>, page: JSX.Element, status = 200) =>
    c.html(`<!doctype html>${String(page)}`, status as 200);
  const notice = (c: Context<WebEnv>) => NOTICES[c.req.query("notice") ?? ""];
  const keyOf = (c: Context<WebEnv>) => (c.var.session as Session).apiKey;
  const csrfOf = (c: Context<WebEnv>) => (c.var.session as Session).csrfToken;
  /** A problem of the API: a key revoked since sign-in ends the session; anything else is the page's error. */
  const failWith = async (c: Context<WebEnv>, problem: Problem): Promise<Response> => {
    if (problem.status === 401) {
      await sessions.destroy(c.var.sessionToken);
      deleteCookie(c, cookieName(secure(c)), { path: "/", secure: secure(c) });
      return c.redirect("/sign-in?notice=expired", 303);
    }
    return errorResponse(c, new ProblemError(problem.status as 400, problem.detail ?? problem.title));
  };
  const formText = async (c: Context<WebEnv>) => {
    const body = await c.req.parseBody();
    return Object.fromEntries(Object.entries(body).filter(([, v]) => typeof v === "string")) as Record<string, string>;
  };

  app.get("/sign-in", (c) => (c.var.session ? c.redirect("/", 303) : html(c, SignInPage({ notice: notice(c) }))));

  app.post("/sign-in", async (c) => {
    const apiKey = ((await formText(c)).apiKey ?? "").trim();
    const refuse = (status: number, detail: string) =>
      html(c, SignInPage({ errors: { fields: { apiKey: [detail] }, general: [] } }), status);
    if (!apiKey) return refuse(400, "Enter your API key.");
    if (apiKey.length > 200 || /\s/.test(apiKey))
      return refuse(400, "This is not an API key: it has spaces or is too long.");
    const check = await backend.listLinks(apiKey, { limit: 1 }, c.var.requestId);
    if (!check.ok) {
      if (check.problem.status === 401) return refuse(401, "This API key is unknown or revoked.");
      return errorResponse(c, new ProblemError(check.problem.status as 400, check.problem.detail));
    }
    await sessions.destroy(c.var.sessionToken);
    const { token } = await sessions.create(apiKey);
    setCookie(c, cookieName(secure(c)), token, {
      path: "/",
      httpOnly: true,
      sameSite: "Lax",
      secure: secure(c),
    });
    return c.redirect("/", 303);
  });

  app.post("/sign-out", async (c) => {
    const session = c.var.session;
    if (session) {
      const sent = (await formText(c))._csrf;
      if (sent === undefined || !sameSecret(sent, session.csrfToken)) {
        throw new ProblemError(403, "This form is out of date or was not sent by this app; reload the page and retry.");
      }
      await sessions.destroy(c.var.sessionToken);
    }
    deleteCookie(c, cookieName(secure(c)), { path: "/", secure: secure(c) });
    return c.redirect("/sign-in?notice=signed-out", 303);
  });

  app.get("/", async (c) => {
    const range = rangeName(c.req.query("range"));
    const stats = await backend.tenantStats(keyOf(c), statsRange(range, now()), c.var.requestId);
    if (!stats.ok && stats.problem.status === 401) return failWith(c, stats.problem);
    return html(
      c,
      OverviewPage({
        csrfToken: csrfOf(c),
        stats: stats.ok ? stats.value : stats.problem,
        range,
        notice: notice(c),
      }),
    );
  });

  app.get("/links", async (c) => {
    const query = (c.req.query("q") ?? "").trim().slice(0, MAX_QUERY);
    const cursor = c.req.query("cursor");
    if (query) {
      const found = await searchLinks(backend, keyOf(c), query, {
        maxPages: searchPages,
        requestId: c.var.requestId,
      });
      if ("problem" in found) return failWith(c, found.problem);
      return html(
        c,
        LinksPage({
          csrfToken: csrfOf(c),
          links: found.links,
          nextCursor: null,
          firstPage: true,
          query,
          searched: { scanned: found.scanned, complete: found.complete },
          now: now(),
          notice: notice(c),
        }),
      );
    }
    const page = await backend.listLinks(keyOf(c), { limit: pageSize, ...(cursor ? { cursor } : {}) }, c.var.requestId);
    if (!page.ok) return failWith(c, page.problem);
    return html(
      c,
      LinksPage({
        csrfToken: csrfOf(c),
        links: page.value.items,
        nextCursor: page.value.nextCursor,
        firstPage: !cursor,
        query: "",
        now: now(),
        notice: notice(c),
      }),
    );
  });

  const formPage = (c: Context<WebEnv>, values = readLinkForm({}), errors: FormErrors = noErrors(), link?: Link) =>
    LinkFormPage({ csrfToken: csrfOf(c), values, errors, ...(link ? { link } : {}) });

  app.get("/links/new", (c) => html(c, formPage(c)));

  app.post("/links", async (c) => {
    const values = readLinkForm(await formText(c));
    const created = await backend.createLink(keyOf(c), createBody(values), c.var.requestId);
    if (created.ok) return c.redirect(`/links/${created.value.id}?notice=created`, 303);
    if (created.problem.status === 400 || created.problem.status === 409) {
      const errors = formErrors(created.problem, LINK_FIELDS, "code");
      return html(c, formPage(c, values, errors), created.problem.status);
    }
    return failWith(c, created.problem);
  });

  const idOf = (c: Context<WebEnv>) => Number(c.req.param("id"));

  app.get(`/links/:id${ID}`, async (c) => {
    const range = rangeName(c.req.query("range"));
    const [link, stats] = await Promise.all([
      backend.getLink(keyOf(c), idOf(c), c.var.requestId),
      backend.linkStats(keyOf(c), idOf(c), statsRange(range, now()), c.var.requestId),
    ]);
    if (!link.ok) return failWith(c, link.problem);
    const page = LinkPage({
      csrfToken: csrfOf(c),
      link: link.value,
      stats: stats.ok ? stats.value : stats.problem,
      range,
      now: now(),
      notice: notice(c),
    });
    return html(c, page);
  });

  app.get(`/links/:id${ID}/edit`, async (c) => {
    const link = await backend.getLink(keyOf(c), idOf(c), c.var.requestId);
    if (!link.ok) return failWith(c, link.problem);
    return html(c, formPage(c, formValuesOf(link.value), noErrors(), link.value));
  });

  app.post(`/links/:id${ID}`, async (c) => {
    const current = await backend.getLink(keyOf(c), idOf(c), c.var.requestId);
    if (!current.ok) return failWith(c, current.problem);
    const values = readLinkForm(await formText(c));
    const updated = await backend.updateLink(keyOf(c), idOf(c), updateBody(values), c.var.requestId);
    if (updated.ok) return c.redirect(`/links/${idOf(c)}?notice=saved`, 303);
    if (updated.problem.status === 400) {
      const errors = formErrors(updated.problem, LINK_FIELDS);
      return html(c, formPage(c, { ...values, code: current.value.code }, errors, current.value), 400);
    }
    return failWith(c, updated.problem);
  });

  app.post(`/links/:id${ID}/enabled`, async (c) => {
    const enabled = (await formText(c)).enabled;
    if (enabled !== "true" && enabled !== "false") {
      throw problems.validation([{ in: "body", pointer: "#/enabled", detail: "must be true or false" }]);
    }
    const updated = await backend.updateLink(keyOf(c), idOf(c), { enabled: enabled === "true" }, c.var.requestId);
    if (!updated.ok) return failWith(c, updated.problem);
    return c.redirect(`/links/${idOf(c)}?notice=${enabled === "true" ? "enabled" : "disabled"}`, 303);
  });

  app.get(`/links/:id${ID}/delete`, async (c) => {
    const link = await backend.getLink(keyOf(c), idOf(c), c.var.requestId);
    if (!link.ok) return failWith(c, link.problem);
    return html(c, DeletePage({ csrfToken: csrfOf(c), link: link.value }));
  });

  app.post(`/links/:id${ID}/delete`, async (c) => {
    const deleted = await backend.deleteLink(keyOf(c), idOf(c), c.var.requestId);
    if (!deleted.ok) return failWith(c, deleted.problem);
    return c.redirect("/links?notice=deleted", 303);
  });

  return app;
}

function secure(c: Context): boolean {
  return isSecure({ url: c.req.url, forwardedProto: c.req.header("x-forwarded-proto") });
}

function originHeaders(c: Context) {
  return {
    url: c.req.url,
    forwardedProto: c.req.header("x-forwarded-proto"),
    origin: c.req.header("origin"),
    secFetchSite: c.req.header("sec-fetch-site"),
  };
}

/** Browsers get a page; a client that asks for JSON and not HTML gets the problem+json. */
function errorResponse(c: Context<WebEnv>, problem: ProblemError): Response | Promise<Response> {
  const accept = c.req.header("accept") ?? "";
  if (/json/.test(accept) && !/text\/html/.test(accept)) return problemResponse(c, problem);
  const session = c.get("session") as Session | undefined;
  for (const [name, value] of Object.entries(problem.headers)) c.header(name, value);
  c.header("cache-control", "no-store");
  const page = ErrorPage({
    status: problem.status,
    title: problem.body.title,
    detail: problem.body.detail,
    ...(session ? { csrfToken: session.csrfToken } : {}),
  });
  return c.html(`<!doctype html>${String(page)}`, problem.status);
}
