/**
 * F6: a Service with min-scale 5 updated to a new revision while a heartbeat
 * asks every replica every 200 ms whether it serves: at least 4 answer in
 * every round. Writes the rounds as a chart.
 *
 * The heartbeat is the probe the kubelet sends to queue-proxy (kube-probe's
 * User-Agent and `K-Network-Probe: queue`): queue-proxy answers it itself, 200
 * when its container is ready and it is not draining, and does not count it as
 * a request, so the heartbeat does not keep the old revision's pods alive as a
 * request to the function would. The replicas asked are the running pods a
 * watch on the API server lists; one answers when it sends 200 within the
 * kubelet's probe timeout.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { waitFor } from "@platform/processes/wait-for";
import { request } from "undici";
import { kubectl, waitServiceReady, watchPods } from "../../client/kube.ts";
import type { Check } from "../check.ts";
import { echoService } from "../fixtures.ts";
import { renderStepChart, type StepSeries } from "../step-chart.ts";

const MIN_SCALE = 5;
const FLOOR = 4;
const BEAT_MS = 200;
/**
 * The kubelet's own readiness probe timeout (timeoutSeconds: 1). While five new
 * pods start on a 2-core node, a queue-proxy that serves can take longer than
 * one beat to answer; it still counts, as it does for the kubelet.
 */
const ANSWER_WITHIN_MS = 1000;
const QUEUE_PROXY_PORT = 8012;

export const minScaleHeartbeat: Check = {
  name: `F6: min-scale ${MIN_SCALE} through a new revision, at least ${FLOOR} answering every ${BEAT_MS} ms`,
  async run({ testNamespace: namespace, resultsDir, log }) {
    const name = "steady";
    const annotations = {
      "autoscaling.knative.dev/min-scale": String(MIN_SCALE),
      "autoscaling.knative.dev/max-scale": String(MIN_SCALE + 2),
    };
    const apply = (release: string) =>
      kubectl(["apply", "-f", "-"], JSON.stringify(echoService({ namespace, name, release, annotations })));
    await apply("one");
    await waitServiceReady(namespace, name);

    // Pods come from a watch, so a new replica is asked from the moment the API server has it.
    const watch = watchPods(namespace, `serving.knative.dev/service=${name}`);
    const rounds: { t: number; byRevision: Record<string, number> }[] = [];
    let startedAt = Date.now();
    let done = false;
    try {
      await waitFor(async () => watch.current().length >= MIN_SCALE, {
        what: `the watch to list ${MIN_SCALE} running pods of ${name}`,
        timeoutMs: 60_000,
        intervalMs: 100,
      });
      startedAt = Date.now();
      const beat = async (beatAt: number) => {
        const answers = await Promise.all(
          watch.current().map(async (pod) => {
            try {
              const res = await request(`http://${pod.ip}:${QUEUE_PROXY_PORT}/`, {
                headers: { "user-agent": "kube-probe/1.36", "k-network-probe": "queue" },
                headersTimeout: ANSWER_WITHIN_MS,
                bodyTimeout: ANSWER_WITHIN_MS,
              });
              await res.body.dump();
              return res.statusCode === 200 ? pod.revision : undefined;
            } catch {
              return undefined;
            }
          }),
        );
        const byRevision: Record<string, number> = {};
        for (const revision of answers) if (revision) byRevision[revision] = (byRevision[revision] ?? 0) + 1;
        rounds.push({ t: (beatAt - startedAt) / 1000, byRevision });
      };
      // A round starts every BEAT_MS whether or not the one before has all its answers.
      const beats: Promise<void>[] = [];
      const heartbeat = (async () => {
        for (let beatAt = Date.now(); !done; beatAt += BEAT_MS) {
          beats.push(beat(beatAt));
          await new Promise((r) => setTimeout(r, Math.max(0, beatAt + BEAT_MS - Date.now())));
        }
        await Promise.all(beats);
        rounds.sort((a, b) => a.t - b.t);
      })();

      await new Promise((r) => setTimeout(r, 5000));
      log(`releasing ${name}-two`);
      await apply("two");
      await waitServiceReady(namespace, name);
      // Until the old revision's pods are gone (bounded), then 5 s more.
      for (let i = 0; i < 120 && watch.current().some((p) => p.revision === `${name}-one`); i++) {
        await new Promise((r) => setTimeout(r, 1000));
      }
      await new Promise((r) => setTimeout(r, 5000));
      done = true;
      await heartbeat;
    } finally {
      done = true;
      watch.stop();
    }

    const total = (r: (typeof rounds)[number]) => Object.values(r.byRevision).reduce((a, b) => a + b, 0);
    const lowest = Math.min(...rounds.map(total));
    const revisions = [...new Set(rounds.flatMap((r) => Object.keys(r.byRevision)))].sort();
    const series: StepSeries[] = [
      { label: "answering, all", points: rounds.map((r) => ({ t: r.t, value: total(r) })) },
      ...revisions.map((rev) => ({
        label: rev,
        points: rounds.map((r) => ({ t: r.t, value: r.byRevision[rev] ?? 0 })),
      })),
    ];
    const chart = join(resultsDir, "f6-min-scale-heartbeat.svg");
    await writeFile(
      chart,
      renderStepChart(
        `Replicas answering a ${BEAT_MS} ms heartbeat through a rollout (min-scale ${MIN_SCALE})`,
        series,
        { value: FLOOR, label: `floor ${FLOOR}` },
      ),
    );
    return {
      ok: rounds.length > 0 && lowest >= FLOOR,
      figures: [
        `${rounds.length} heartbeat rounds over ${(rounds.at(-1)?.t ?? 0).toFixed(0)} s; fewest answering in a round: ${lowest}`,
        `chart: ${chart}`,
      ],
    };
  },
};
