/**
 * web: the tenants' web app under two steady streams for DURATION, as its
 * users make them: visitors landing on the sign-in page with its
 * fingerprinted assets (RATE a second), and a signed-in tenant browsing the
 * overview, the list of links and a search (TENANT_RATE a second). Every
 * signed-in page calls the links or analytics API with the tenant's key, so
 * TENANT_RATE stays within the key's rate limit (600 calls a minute).
 * API_KEY signs in once, in setup.
 */
import { check, fail } from "k6";
import http from "k6/http";
import { BASE_URL, demoLinks, get, hostOf, steadyArrivals } from "./lib/platform.js";

export const options = {
  scenarios: {
    visitors: { ...steadyArrivals("60s"), exec: "visitor", rate: Number(__ENV.RATE || 20) },
    tenant: { ...steadyArrivals("60s"), exec: "tenant", rate: Number(__ENV.TENANT_RATE || 2), preAllocatedVUs: 10 },
  },
  thresholds: {
    checks: ["rate==1"],
    http_req_failed: ["rate==0"],
    dropped_iterations: ["count==0"],
    "http_req_duration{phase:page}": ["p(95)<1000"],
  },
};

export function setup() {
  demoLinks("web", 5);
  const landing = get("web", "/sign-in", { tags: { phase: "setup" } });
  if (landing.status !== 200) fail(`the sign-in page answered ${landing.status}`);
  const assets = [...landing.body.matchAll(/(?:href|src)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
  const res = http.post(
    `${BASE_URL}/sign-in`,
    { apiKey: __ENV.API_KEY },
    { redirects: 0, headers: { Host: hostOf("web") }, tags: { function: "web", phase: "setup" } },
  );
  const cookie = String(res.headers["Set-Cookie"] || "").split(";")[0];
  if (res.status !== 303 || !cookie) fail(`signing in to the web app answered ${res.status}: ${res.body}`);
  return { cookie, assets };
}

export function visitor({ assets }) {
  check(get("web", "/sign-in", { tags: { phase: "page" } }), { "the sign-in page shows": (r) => r.status === 200 });
  for (const asset of assets) {
    check(get("web", asset, { tags: { phase: "asset" } }), {
      "an asset is cached for a year": (r) => String(r.headers["Cache-Control"]).includes("max-age=31536000"),
    });
  }
}

const PAGES = ["/", "/links", "/links?q=lt-web"];

export function tenant({ cookie }) {
  for (const path of PAGES) {
    check(get("web", path, { headers: { cookie }, tags: { phase: "page" } }), {
      "a signed-in page shows": (r) => r.status === 200,
    });
  }
}
