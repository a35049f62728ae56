/**
 * Where the functions are, for every scenario. BASE_URL is the ingress
 * (locally the platform's, http://127.0.0.1:8080; on a cluster Kourier's
 * address) and the Host header picks the function, as Knative names it:
 * <function>.<NAMESPACE>.<DOMAIN>. API_KEY is a tenant's key for the links
 * and analytics APIs (locally the demo tenant's).
 */
import { fail } from "k6";
import http from "k6/http";

export const BASE_URL = (__ENV.BASE_URL || "http://127.0.0.1:8080").replace(/\/$/, "");
export const NAMESPACE = __ENV.NAMESPACE || "default";
export const DOMAIN = __ENV.DOMAIN || "localhost";

export function hostOf(fn) {
  return `${fn}.${NAMESPACE}.${DOMAIN}`;
}

/** A GET to a function; redirects are answers to check, not to follow. */
export function get(fn, path, params = {}) {
  return http.get(`${BASE_URL}${path}`, {
    ...params,
    redirects: 0,
    headers: { Host: hostOf(fn), ...params.headers },
    tags: { function: fn, ...params.tags },
  });
}

/** A call to a tenant's API (links, analytics) with API_KEY. */
export function api(fn, method, path, body, params = {}) {
  return http.request(method, `${BASE_URL}${path}`, body === undefined ? null : JSON.stringify(body), {
    ...params,
    redirects: 0,
    headers: {
      Host: hostOf(fn),
      authorization: `Bearer ${apiKey()}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...params.headers,
    },
    tags: { function: fn, ...params.tags },
  });
}

function apiKey() {
  if (!__ENV.API_KEY)
    fail("API_KEY is not set: give a tenant's API key (-e API_KEY=...); npm run loadtest sets it locally");
  return __ENV.API_KEY;
}

/** Where the demo links point; the redirect must answer with exactly this Location. */
export function targetOf(code) {
  return `https://example.com/loadtest/${code}`;
}

/**
 * Short links for the load, made through the links API (in setup, before the
 * load starts). A code taken already (409) is one from an earlier run: kept.
 */
export function demoLinks(prefix, count) {
  const codes = [];
  for (let i = 0; i < count; i++) {
    const code = `lt-${prefix}-${i}`;
    const res = api(
      "links",
      "POST",
      "/links",
      { code, targetUrl: targetOf(code) },
      {
        responseCallback: http.expectedStatuses(201, 409),
        tags: { phase: "setup" },
      },
    );
    if (res.status !== 201 && res.status !== 409) {
      fail(`could not create demo link ${code}: ${res.status} ${res.body}`);
    }
    codes.push(code);
  }
  return codes;
}

/** One short-link hop, checked: 302 (or 301) to the link's target. */
export function redirectOnce(check, code) {
  const res = get("redirect", `/${code}`);
  const ok = check(res, {
    "redirect answers 30x to the link's target": (r) =>
      (r.status === 302 || r.status === 301) && r.headers.Location === targetOf(code),
  });
  if (!ok) warnOnce(res);
  return res;
}

// Statuses this user has reported already: module state is per user in k6.
const reported = new Set();

/** A failed answer in k6.log, once per user and status, so a failed run says what failed. */
function warnOnce(res) {
  const key = res.status ? `status ${res.status}` : `error ${res.error_code}`;
  if (reported.has(key)) return;
  reported.add(key);
  const body = typeof res.body === "string" ? res.body.slice(0, 120).replace(/\s+/g, " ") : "";
  console.warn(`failed answer: ${key} after ${Math.round(res.timings.duration)} ms ${res.error || body}`);
}

/** One short-link hop to a demo link picked at random: the redirect scenarios' iteration. */
export function redirectToRandomLink(check, codes) {
  return redirectOnce(check, codes[Math.floor(Math.random() * codes.length)]);
}

/**
 * A steady RATE of iterations per second (k6 starts them whether or not the
 * earlier ones have answered) for DURATION: the cap when npm run loadtest ends
 * the run once the release is over.
 */
export function steadyArrivals(defaultDuration) {
  const rate = Number(__ENV.RATE || 200);
  return {
    executor: "constant-arrival-rate",
    rate,
    timeUnit: "1s",
    duration: __ENV.DURATION || defaultDuration,
    // A second's worth of VUs ready before the start: an iteration that finds none free is dropped while
    // k6 makes another, so with fewer, a 300 ms pause of the machine (seen on 2 busy cores) drops some.
    preAllocatedVUs: Math.max(50, rate),
    maxVUs: Math.max(400, 2 * rate),
  };
}
