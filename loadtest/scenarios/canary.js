/**
 * canary: a steady RATE of short-link hops while two releases of the redirect
 * go through the Canary analysis: first a faulty one (FAIL_RATE makes it
 * answer 500 to a share of requests), which must be rolled back, then a
 * healthy one, which must be promoted (npm run loadtest makes both; on a
 * cluster, release them while this runs). Only the faulty revision's share
 * fails, and only until the rollback: FAIL_RATE x the first step weight
 * (local 0.3 x 20 %) for two analysis intervals, a few percent at most.
 */
import { check } from "k6";
import { demoLinks, redirectToRandomLink, steadyArrivals } from "./lib/platform.js";

export const options = {
  scenarios: {
    steady: steadyArrivals("5m"),
  },
  thresholds: {
    // Had the faulty revision been promoted, FAIL_RATE of all requests would fail from then on.
    http_req_failed: ["rate<0.05"],
    dropped_iterations: ["count==0"],
  },
};

export function setup() {
  return { codes: demoLinks("canary", 20) };
}

export default function ({ codes }) {
  redirectToRandomLink(check, codes);
}
