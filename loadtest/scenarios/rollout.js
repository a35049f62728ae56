/**
 * rollout: a steady RATE of short-link hops for DURATION while a new revision
 * of the redirect is released (npm run loadtest deploys it after RELEASE_AT;
 * on a cluster, release one while this runs). Zero downtime means every
 * request is answered: not one may fail.
 */
import { check } from "k6";
import { demoLinks, redirectOnce } from "./lib/platform.js";

export const options = {
  scenarios: {
    steady: {
      executor: "constant-arrival-rate",
      rate: Number(__ENV.RATE || 200),
      timeUnit: "1s",
      duration: __ENV.DURATION || "90s",
      preAllocatedVUs: 50,
      maxVUs: 400,
    },
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
  redirectOnce(check, codes[Math.floor(Math.random() * codes.length)]);
}
