/**
 * autoscale: the redirect from zero replicas to many and back. Nothing for
 * IDLE, then a step (over RAMP) to PEAK_VUS users, each keeping one request
 * open, for HOLD, then nothing again. Knative scales on the requests in
 * flight at the revision, 70 per replica by default; the rest of each user's
 * loop is spent in k6 and the network, so the service sees fewer than
 * PEAK_VUS in flight (on a 2-core machine running everything, about half:
 * 700 users gave 5 to 7 replicas). test:cluster runs it on one node with a
 * slow redirect instead (DELAY_MS; see cluster/test/checks/autoscale-k6.ts).
 * Requests that arrive while the redirect is at zero are held through its
 * cold start, never failed. The scale back to zero comes after the load;
 * npm run loadtest watches for it.
 */
import { check } from "k6";
import { demoLinks, redirectToRandomLink } from "./lib/platform.js";

const PEAK_VUS = Number(__ENV.PEAK_VUS || 700);

export const options = {
  scenarios: {
    step: {
      executor: "ramping-vus",
      startVUs: 0,
      stages: [
        { duration: __ENV.IDLE || "10s", target: 0 },
        { duration: __ENV.RAMP || "1s", target: PEAK_VUS },
        { duration: __ENV.HOLD || "60s", target: PEAK_VUS },
        { duration: "1s", target: 0 },
      ],
      gracefulRampDown: "10s",
    },
  },
  thresholds: {
    checks: ["rate==1"],
    http_req_failed: ["rate==0"],
  },
};

export function setup() {
  return { codes: demoLinks("autoscale", 20) };
}

export default function ({ codes }) {
  redirectToRandomLink(check, codes);
}
