/** Scale from zero through Knative's activator: wait for no pods, then time one request. */

import { viaIngress } from "../client/ingress.ts";
import { kubectl, waitServiceReady } from "../client/kube.ts";
import { echoService } from "./fixtures.ts";

/** Scales to zero as soon as Knative allows: a 6 s stable window and no retention. */
export const SCALE_TO_ZERO_FAST = {
  "autoscaling.knative.dev/min-scale": "0",
  "autoscaling.knative.dev/window": "6s",
  "autoscaling.knative.dev/scale-to-zero-pod-retention-period": "0s",
};

export async function deployColdService(namespace: string, name: string): Promise<string> {
  await kubectl(
    ["apply", "-f", "-"],
    JSON.stringify(echoService({ namespace, name, release: "one", annotations: SCALE_TO_ZERO_FAST })),
  );
  const service = await waitServiceReady(namespace, name);
  if (!service.status?.url) throw new Error(`ksvc ${name} has no URL`);
  return service.status.url;
}

export async function podCount(namespace: string, service: string): Promise<number> {
  const names = await kubectl([
    "-n",
    namespace,
    "get",
    "pods",
    "-l",
    `serving.knative.dev/service=${service}`,
    "--field-selector=status.phase!=Succeeded,status.phase!=Failed",
    "-o",
    "name",
  ]);
  return names ? names.split("\n").length : 0;
}

/** Waits (at most `seconds`) until the Service has no pod left, then times one request from zero (sent at `sentAt`, performance.now()). */
export async function coldStart(
  namespace: string,
  name: string,
  url: string,
  seconds = 240,
): Promise<{ ms: number; status: number; waitedForZeroS: number; sentAt: number }> {
  const started = Date.now();
  while ((await podCount(namespace, name)) > 0) {
    if (Date.now() - started > seconds * 1000) throw new Error(`ksvc ${name} still has pods after ${seconds} s`);
    await new Promise((r) => setTimeout(r, 1000));
  }
  const waitedForZeroS = (Date.now() - started) / 1000;
  const sentAt = performance.now();
  const answer = await viaIngress(url, {}, 60_000);
  return { ms: performance.now() - sentAt, status: answer.status, waitedForZeroS, sentAt };
}
