/**
 * smoke: every function answers as it should, in well under a minute. One
 * virtual user walks through links, redirect and analytics five times.
 */
import { check } from "k6";
import exec from "k6/execution";
import http from "k6/http";
import { api, demoLinks, get, redirectOnce } from "./lib/platform.js";

export const options = {
  scenarios: { smoke: { executor: "per-vu-iterations", vus: 1, iterations: 5, maxDuration: "50s" } },
  thresholds: {
    checks: ["rate==1"],
    http_req_failed: ["rate==0"],
    // A cold start (scale from zero) is held, not failed, so it may take a while once.
    http_req_duration: ["p(95)<2000"],
  },
};

export function setup() {
  return { codes: demoLinks("smoke", 3) };
}

export default function ({ codes }) {
  // Health answers Knative's probes only (in a cluster queue-proxy answers this header itself).
  const probe = { headers: { "K-Kubelet-Probe": "queue" } };
  for (const fn of ["links", "redirect", "analytics"]) {
    check(get(fn, "/health/readiness", probe), { [`${fn} is ready`]: (r) => r.status === 200 });
  }
  redirectOnce(check, codes[exec.scenario.iterationInTest % codes.length]);
  check(get("redirect", "/lt-no-such-code", { responseCallback: http.expectedStatuses(404) }), {
    "an unknown code is 404": (r) => r.status === 404,
  });
  check(api("links", "GET", "/links?limit=5"), {
    "links lists the tenant's links": (r) => r.status === 200 && Array.isArray(r.json("items")),
  });
  check(
    api(
      "links",
      "POST",
      "/links",
      { targetUrl: "ftp://example.com" },
      { responseCallback: http.expectedStatuses(400) },
    ),
    {
      "a bad link is refused with problem+json": (r) =>
        r.status === 400 && String(r.headers["Content-Type"]).startsWith("application/problem+json"),
    },
  );
  check(api("analytics", "GET", "/stats"), { "analytics answers the tenant's stats": (r) => r.status === 200 });
}
