/**
 * rollout: a steady RATE of short-link hops for DURATION while a new revision
 * of the redirect is released (npm run loadtest deploys it after RELEASE_AT;
 * on a cluster, release one while this runs). Zero downtime means every
 * request is answered: not one may fail.
 */
import { check } from "k6";
import { demoLinks, redirectToRandomLink, steadyArrivals } from "./lib/platform.js";

export const options = {
  scenarios: {
    steady: steadyArrivals("3m"),
  },
  thresholds: {
    checks: ["rate==1"],
    http_req_failed: ["rate==0"],
    dropped_iterations: ["count==0"],
  },
};

export function setup() {
  return { codes: demoLinks("rollout", 20) };
}

export default function ({ codes }) {
  redirectToRandomLink(check, codes);
}
