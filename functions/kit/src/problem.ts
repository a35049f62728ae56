import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** One failing field of a request, as in RFC 9457's example of `errors`. */
export interface FieldError {
  /** Where the value was: body, query, param, header. */
  in: string;
  /** JSON pointer into that part of the request, e.g. `#/targetUrl`. */
  pointer: string;
  detail: string;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  410: "Gone",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

/** An error that answers as `application/problem+json` (RFC 9457). */
export class ProblemError extends Error {
  readonly body: ProblemBody;
  constructor(
    readonly status: ContentfulStatusCode,
    detail?: string,
    extra: Partial<ProblemBody> & { headers?: Record<string, string> } = {},
  ) {
    const { headers, ...rest } = extra;
    const title = rest.title ?? TITLES[status] ?? "Error";
    super(detail ?? title);
    this.name = "ProblemError";
    this.headers = headers ?? {};
    this.body = { type: "about:blank", title, status, ...(detail ? { detail } : {}), ...rest };
  }
  readonly headers: Record<string, string>;
}

export function problemResponse(c: Context, problem: ProblemError): Response {
  const body: ProblemBody = { ...problem.body, instance: problem.body.instance ?? c.req.path };
  const requestId = c.get("requestId" as never) as string | undefined;
  if (requestId) body.requestId = requestId;
  return c.body(JSON.stringify(body), problem.status, {
    "content-type": PROBLEM_CONTENT_TYPE,
    ...(requestId ? { "x-request-id": requestId } : {}),
    ...problem.headers,
  });
}

export const problems = {
  validation: (errors: FieldError[]) =>
    new ProblemError(400, "The request has invalid fields; see errors.", {
      type: "urn:problem-type:validation",
      title: "Your request is not valid",
      errors,
    }),
  unauthorized: (detail: string) =>
    new ProblemError(401, detail, { headers: { "www-authenticate": 'Bearer realm="api"' } }),
  notFound: (detail = "No such resource.") => new ProblemError(404, detail),
  conflict: (detail: string) => new ProblemError(409, detail),
  tooLarge: (maxBytes: number) => new ProblemError(413, `The request body is larger than ${maxBytes} bytes.`),
  rateLimited: (retryAfterSeconds: number, limit: number) =>
    new ProblemError(429, `Rate limit of ${limit} requests per minute exceeded.`, {
      headers: { "retry-after": String(retryAfterSeconds) },
    }),
  databaseUnavailable: () =>
    new ProblemError(503, "The database is unreachable; try again shortly.", { headers: { "retry-after": "5" } }),
};
