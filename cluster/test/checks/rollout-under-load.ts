/** A new revision rolled out while steady load goes through Kourier: no request fails. */

import { viaIngress } from "../../client/ingress.ts";
import { kubectl, waitServiceReady } from "../../client/kube.ts";
import type { Check } from "../check.ts";
import { echoService, parseEcho } from "../fixtures.ts";

const WORKERS = 4;
const SECONDS = 45;
const RELEASE_AT_S = 5;

export const rolloutUnderLoad: Check = {
  name: "rollout under steady load, no failed request",
  async run({ testNamespace: namespace, log }) {
    const name = "rollout";
    const annotations = { "autoscaling.knative.dev/min-scale": "1" };
    const apply = (release: string) =>
      kubectl(["apply", "-f", "-"], JSON.stringify(echoService({ namespace, name, release, annotations })));
    await apply("one");
    const url = (await waitServiceReady(namespace, name)).status?.url as string;

    const served = new Map<string, number>();
    const failures: string[] = [];
    let requests = 0;
    const startedAt = Date.now();
    const until = startedAt + SECONDS * 1000;
    const worker = async () => {
      while (Date.now() < until) {
        requests++;
        try {
          const answer = await viaIngress(url, {}, 10_000);
          const echo = parseEcho(answer.body);
          if (answer.status !== 200 || !echo) failures.push(`${answer.status} ${answer.body.slice(0, 80)}`);
          else served.set(echo.revision, (served.get(echo.revision) ?? 0) + 1);
        } catch (error) {
          failures.push((error as Error).message);
        }
      }
    };
    const release = (async () => {
      await new Promise((r) => setTimeout(r, RELEASE_AT_S * 1000));
      log(`releasing ${name}-two under load`);
      await apply("two");
      await waitServiceReady(namespace, name);
      log(`${name}-two Ready after ${((Date.now() - startedAt) / 1000 - RELEASE_AT_S).toFixed(1)} s`);
    })();
    await Promise.all([...Array.from({ length: WORKERS }, worker), release]);
    const last = [...served.keys()].at(-1);
    return {
      ok: failures.length === 0 && served.has(`${name}-two`) && requests > 0,
      figures: [
        `${requests} requests over ${SECONDS} s from ${WORKERS} workers; failed: ${failures.length}${failures.length ? ` (first: ${failures[0]})` : ""}`,
        `served by ${[...served].map(([r, n]) => `${r} ${n}`).join(", ")}; last revision seen ${last}`,
      ],
    };
  },
};
