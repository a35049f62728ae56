/**
 * Where a request came from, for the check every change passes besides its
 * CSRF token: browsers name the origin of a form post (Origin) and how it
 * relates to the target (Sec-Fetch-Site). Behind an ingress that ends TLS the
 * scheme is in X-Forwarded-Proto.
 */

export interface OriginHeaders {
  url: string;
  forwardedProto?: string | undefined;
  origin?: string | undefined;
  secFetchSite?: string | undefined;
}

export function isSecure(headers: Pick<OriginHeaders, "url" | "forwardedProto">): boolean {
  const forwarded = headers.forwardedProto?.split(",")[0]?.trim().toLowerCase();
  return forwarded ? forwarded === "https" : headers.url.startsWith("https:");
}

export function ownOrigin(headers: Pick<OriginHeaders, "url" | "forwardedProto">): string {
  return `${isSecure(headers) ? "https" : "http"}://${new URL(headers.url).host}`;
}

/** True when a browser says the request was sent from another site (or an opaque origin). */
export function isCrossOrigin(headers: OriginHeaders): boolean {
  const site = headers.secFetchSite?.toLowerCase();
  if (site && site !== "same-origin" && site !== "none") return true;
  if (headers.origin === undefined) return false;
  return headers.origin !== ownOrigin(headers);
}
