/**
 * A 90/10 split between two revisions of one Service, within a binomial bound
 * over 400 requests through Kourier, and a tag URL that reaches only its
 * revision.
 */

import { viaIngress } from "../../client/ingress.ts";
import { kubectl, waitServiceReady } from "../../client/kube.ts";
import type { Check } from "../check.ts";
import { echoService, parseEcho } from "../fixtures.ts";
import { judgeSplit } from "../split-bound.ts";

const REQUESTS = 400;
const TAG_REQUESTS = 20;

export const trafficSplit: Check = {
  name: "90/10 split and a tag URL",
  async run({ testNamespace: namespace, log }) {
    const name = "split";
    const apply = (o: object) => kubectl(["apply", "-f", "-"], JSON.stringify(o));
    const keepWarm = { "autoscaling.knative.dev/min-scale": "1" };
    await apply(echoService({ namespace, name, release: "one", annotations: keepWarm }));
    await waitServiceReady(namespace, name);
    await apply(
      echoService({
        namespace,
        name,
        release: "two",
        annotations: keepWarm,
        traffic: [
          { revisionName: `${name}-one`, percent: 90 },
          { revisionName: `${name}-two`, percent: 10, tag: "candidate" },
        ],
      }),
    );
    const service = await waitServiceReady(namespace, name);
    const url = service.status?.url;
    const tagUrl = service.status?.traffic?.find((t) => t.tag === "candidate")?.url;
    if (!url || !tagUrl) throw new Error(`ksvc ${name} reports no URL for the route or the tag`);
    log(`route ${url}, tag ${tagUrl}`);

    const counts: Record<string, number> = {};
    let failed = 0;
    for (let i = 0; i < REQUESTS; i++) {
      const answer = await viaIngress(url);
      const echo = answer.status === 200 ? parseEcho(answer.body) : undefined;
      if (echo) counts[echo.revision] = (counts[echo.revision] ?? 0) + 1;
      else failed++;
    }
    const verdict = judgeSplit(counts, { [`${name}-one`]: 0.9, [`${name}-two`]: 0.1 });
    let tagged = 0;
    for (let i = 0; i < TAG_REQUESTS; i++) {
      const echo = parseEcho((await viaIngress(tagUrl)).body);
      if (echo?.revision === `${name}-two`) tagged++;
    }
    return {
      ok: verdict.ok && failed === 0 && tagged === TAG_REQUESTS,
      figures: [...verdict.lines, `failed requests: ${failed}`, `tag URL: ${tagged}/${TAG_REQUESTS} from ${name}-two`],
    };
  },
};
