/**
 * The web app's one way to the links and analytics functions: their HTTP
 * APIs with the tenant's key, answers typed, every failure a Problem (the
 * APIs' own problem+json, or one made here when a function cannot be reached).
 */

export interface Link {
  id: number;
  code: string;
  shortUrl?: string;
  targetUrl: string;
  redirectType: number;
  enabled: boolean;
  expiresAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface LinkPage {
  items: Link[];
  nextCursor: string | null;
}

export interface Bucket {
  start: string;
  clicks: number;
}

export interface LinkStats {
  linkId: number;
  from: string;
  to: string;
  granularity: string;
  total: number;
  series: Bucket[];
  topCountries: { country: string; clicks: number }[];
  /** host null: clicks that came with no referrer. */
  topReferrers: { host: string | null; clicks: number }[];
}

export interface TenantStats {
  from: string;
  to: string;
  granularity: string;
  total: number;
  series: Bucket[];
  topLinks: { linkId: number; code: string; clicks: number }[];
}

export interface FieldProblem {
  in?: string;
  pointer?: string;
  detail: string;
}

export interface Problem {
  status: number;
  title: string;
  detail?: string;
  errors?: FieldProblem[];
  requestId?: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; problem: Problem };

/** Create and update bodies as the links API takes them; values the form could not read go through as sent, for the API to refuse at their field. */
export type LinkInput = Record<string, unknown>;

export interface StatsRange {
  from: string;
  to: string;
  granularity?: "hour" | "day";
}

export interface BackendOptions {
  linksUrl: string;
  analyticsUrl: string;
  /** Injected by tests and by main (a fetch that sends *.localhost to this machine). */
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export class Backend {
  private readonly fetch: typeof fetch;
  private readonly timeoutMs: number;

  constructor(private readonly options: BackendOptions) {
    this.fetch = options.fetch ?? fetch;
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  listLinks(key: string, page: { limit?: number; cursor?: string }, requestId?: string): Promise<Result<LinkPage>> {
    const query = new URLSearchParams();
    if (page.limit !== undefined) query.set("limit", String(page.limit));
    if (page.cursor !== undefined) query.set("cursor", page.cursor);
    const suffix = query.size ? `?${query}` : "";
    return this.call("links", "GET", `/links${suffix}`, key, undefined, requestId);
  }

  getLink(key: string, id: number, requestId?: string): Promise<Result<Link>> {
    return this.call("links", "GET", `/links/${id}`, key, undefined, requestId);
  }

  createLink(key: string, input: LinkInput, requestId?: string): Promise<Result<Link>> {
    return this.call("links", "POST", "/links", key, input, requestId);
  }

  updateLink(key: string, id: number, input: LinkInput, requestId?: string): Promise<Result<Link>> {
    return this.call("links", "PATCH", `/links/${id}`, key, input, requestId);
  }

  deleteLink(key: string, id: number, requestId?: string): Promise<Result<null>> {
    return this.call("links", "DELETE", `/links/${id}`, key, undefined, requestId);
  }

  linkStats(key: string, id: number, range: StatsRange, requestId?: string): Promise<Result<LinkStats>> {
    return this.call("analytics", "GET", `/stats/links/${id}?${rangeQuery(range)}`, key, undefined, requestId);
  }

  tenantStats(key: string, range: StatsRange, requestId?: string): Promise<Result<TenantStats>> {
    return this.call("analytics", "GET", `/stats?${rangeQuery(range)}`, key, undefined, requestId);
  }

  private async call<T>(
    service: "links" | "analytics",
    method: string,
    path: string,
    key: string,
    body: unknown,
    requestId: string | undefined,
  ): Promise<Result<T>> {
    const base = (service === "links" ? this.options.linksUrl : this.options.analyticsUrl).replace(/\/$/, "");
    const headers: Record<string, string> = { authorization: `Bearer ${key}`, accept: "application/json" };
    if (body !== undefined) headers["content-type"] = "application/json";
    if (requestId) headers["x-request-id"] = requestId;
    let response: Response;
    try {
      response = await this.fetch(`${base}${path}`, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        redirect: "manual",
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch {
      return unreachable(service);
    }
    if (response.status === 204) return { ok: true, value: null as T };
    const text = await response.text().catch(() => "");
    const json = parseJson(text);
    if (response.ok && json !== undefined) return { ok: true, value: json as T };
    return { ok: false, problem: toProblem(response.status, json, service) };
  }
}

function rangeQuery(range: StatsRange): URLSearchParams {
  const query = new URLSearchParams({ from: range.from, to: range.to });
  if (range.granularity) query.set("granularity", range.granularity);
  return query;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function unreachable(service: string): Result<never> {
  return {
    ok: false,
    problem: { status: 503, title: "Service Unavailable", detail: `The ${service} service did not answer; try again.` },
  };
}

/** The API's problem+json as it is; anything else (an ingress' HTML page, a 2xx without JSON) as a plain problem. */
export function toProblem(status: number, json: unknown, service: string): Problem {
  if (json && typeof json === "object" && "title" in json && typeof json.title === "string") {
    const body = json as Partial<Problem>;
    return {
      status,
      title: body.title ?? "Error",
      ...(typeof body.detail === "string" ? { detail: body.detail } : {}),
      ...(Array.isArray(body.errors) ? { errors: body.errors.filter(isFieldProblem) } : {}),
      ...(typeof body.requestId === "string" ? { requestId: body.requestId } : {}),
    };
  }
  if (status >= 400) return { status, title: `Error ${status}`, detail: `The ${service} service answered ${status}.` };
  return { status: 502, title: "Bad Gateway", detail: `The ${service} service answered ${status} without JSON.` };
}

function isFieldProblem(value: unknown): value is FieldProblem {
  return Boolean(value && typeof value === "object" && typeof (value as FieldProblem).detail === "string");
}
