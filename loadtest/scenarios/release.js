/**
 * release: a steady RATE of requests spread over every function (short-link
 * hops, the links and analytics APIs, the web app's sign-in page) for at most
 * DURATION, while a release goes out: npm run loadtest makes it after
 * RELEASE_AT (locally a new revision of the redirect; on a cluster
 * RELEASE_COMMAND, such as `npm run promote -- --wait`, which returns once
 * prod serves the promoted images) and ends the run once it is over. Every
 * function's Canary needs requests to analyse; zero downtime means not one
 * request fails.
 */
import { check } from "k6";
import exec from "k6/execution";
import { api, demoLinks, get, redirectToRandomLink, steadyArrivals } from "./lib/platform.js";

export const options = {
  scenarios: {
    steady: steadyArrivals("20m"),
  },
  thresholds: {
    checks: ["rate==1"],
    http_req_failed: ["rate==0"],
    dropped_iterations: ["count==0"],
  },
};

export function setup() {
  return { codes: demoLinks("release", 20) };
}

export default function ({ codes }) {
  switch (exec.scenario.iterationInTest % 4) {
    case 0:
      redirectToRandomLink(check, codes);
      break;
    case 1:
      check(api("links", "GET", "/links?limit=5"), { "links lists the tenant's links": (r) => r.status === 200 });
      break;
    case 2:
      check(api("analytics", "GET", "/stats"), { "analytics answers the tenant's stats": (r) => r.status === 200 });
      break;
    default:
      check(get("web", "/sign-in"), { "the web app's sign-in page shows": (r) => r.status === 200 });
  }
}
