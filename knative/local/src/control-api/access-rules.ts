/**
 * Who may use the control API (pure). A request must name this API's own
 * host (DNS rebinding), come from its own origin when a browser says where it
 * comes from (cross-site request forgery), carry the token or the console's
 * session, and send a change's body as JSON. See docs/local-platform.md.
 */
import { createHash, timingSafeEqual } from "node:crypto";

/** What the rules read of a request. */
export interface AccessRequest {
  method: string;
  path: string;
  /** The Host header; undefined when the request had none. */
  host: string | undefined;
  /** The authority of the request target as parsed (differs from Host for an absolute-form target). */
  targetHost: string;
  origin: string | undefined;
  authorization: string | undefined;
  sessionCookie: string | undefined;
  contentType: string | undefined;
  /** A body follows: a Content-Length above 0 or a Transfer-Encoding. */
  hasBody: boolean;
}

export interface AccessSecrets {
  /** The port the API listens on (127.0.0.1). */
  port: number;
  isToken: (candidate: string) => boolean;
  isSession: (candidate: string) => boolean;
}

export type AccessVerdict =
  | { allowed: true }
  | { allowed: false; status: 401 | 403 | 415; detail: string; challenge?: boolean };

/** Reached without a credential: the console page (it holds no data) and the exchange of a one-time code. */
const PUBLIC_PATHS = new Set(["/", "/login"]);
const READ_METHODS = new Set(["GET", "HEAD"]);

export function ownHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

export function ownOrigins(port: number): string[] {
  return ownHosts(port).map((host) => `http://${host}`);
}

export function isChange(method: string): boolean {
  return !READ_METHODS.has(method.toUpperCase());
}

/** The media type is application/json (parameters such as charset allowed). */
export function isJsonMediaType(contentType: string): boolean {
  return contentType.split(";")[0]?.trim().toLowerCase() === "application/json";
}

/** The token from `Authorization: Bearer <token>`, else undefined. */
export function bearerOf(authorization: string | undefined): string | undefined {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? "");
  return match?.[1];
}

/** Compares two secrets in time that does not depend on where they differ (nor on their lengths). */
export function sameSecret(candidate: string, secret: string): boolean {
  const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();
  return timingSafeEqual(digest(candidate), digest(secret));
}

export function judgeAccess(request: AccessRequest, secrets: AccessSecrets): AccessVerdict {
  const hosts = ownHosts(secrets.port);
  const host = (request.host ?? request.targetHost).toLowerCase();
  if (!hosts.includes(host) || !hosts.includes(request.targetHost.toLowerCase())) {
    return {
      allowed: false,
      status: 403,
      detail: `This API answers only to Host ${hosts.join(" or ")}, not "${request.host ?? request.targetHost}".`,
    };
  }
  const origins = ownOrigins(secrets.port);
  if (request.origin !== undefined && !origins.includes(request.origin.toLowerCase())) {
    return {
      allowed: false,
      status: 403,
      detail: `Requests from the origin "${request.origin}" are refused; only ${origins.join(" and ")} may call this API.`,
    };
  }
  const change = isChange(request.method);
  if (!(PUBLIC_PATHS.has(request.path) && !change)) {
    const bearer = bearerOf(request.authorization);
    if (bearer !== undefined) {
      if (!secrets.isToken(bearer)) return unauthorized("The bearer token is not this platform's control token.");
    } else if (request.sessionCookie !== undefined && secrets.isSession(request.sessionCookie)) {
      // A browser always sends Origin with a change; its absence means something else holds the cookie.
      if (change && request.origin === undefined) {
        return { allowed: false, status: 403, detail: "A change made with the console's session must carry Origin." };
      }
    } else {
      return unauthorized(
        "This API needs the control token (Authorization: Bearer <token>, from .data/control-token) or the console's session.",
      );
    }
  }
  if (change && (request.contentType !== undefined || request.hasBody)) {
    if (request.contentType === undefined || !isJsonMediaType(request.contentType)) {
      return {
        allowed: false,
        status: 415,
        detail: `A change's body must be application/json, not ${request.contentType ?? "a body without Content-Type"}.`,
      };
    }
  }
  return { allowed: true };
}

function unauthorized(detail: string): AccessVerdict {
  return { allowed: false, status: 401, detail, challenge: true };
}
