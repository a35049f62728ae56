/** kubectl against the cluster's admin kubeconfig, and what the cluster's tests, delivery commands and benches read of it. */

import { execFile, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { promisify } from "node:util";
import { waitFor } from "@platform/processes/wait-for";

const run = promisify(execFile);
export const KUBECONFIG = process.env.KUBECONFIG ?? "/etc/platform-cluster/admin.kubeconfig";

export async function kubectl(args: string[], input?: string): Promise<string> {
  const child = run("kubectl", ["--kubeconfig", KUBECONFIG, ...args], {
    timeout: 120_000,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (input !== undefined) {
    child.child.stdin?.end(input);
  }
  const { stdout } = await child;
  return stdout.trim();
}

export async function kubectlJson<T>(args: string[]): Promise<T> {
  return JSON.parse(await kubectl([...args, "-o", "json"])) as T;
}

/**
 * Asks Flux to reconcile these flux-system objects now rather than at their
 * interval: what a push webhook does through Flux's Receiver.
 */
export async function reconcileNow(...resources: string[]): Promise<void> {
  await kubectl([
    "-n",
    "flux-system",
    "annotate",
    "--overwrite",
    ...resources,
    `reconcile.fluxcd.io/requestedAt=${Date.now()}`,
  ]);
}

/** One field of a flux-system object, by JSONPath (".status.latestRef.tag"); "" when it or the object is not there. */
export const fluxField = (resource: string, path: string): Promise<string> =>
  kubectl(["-n", "flux-system", "get", resource, "-o", `jsonpath={${path}}`]).catch(() => "");

/**
 * Asks each image repository to scan now, and waits until the ImagePolicy of
 * each name (Flux names them after their repositories) chooses `tag`.
 */
export async function waitForImagePolicies(
  policies: readonly string[],
  tag: string,
  options: { timeoutMs: number; intervalMs: number },
): Promise<void> {
  await reconcileNow(...policies.map((p) => `imagerepository/${p}`));
  await waitFor(
    async () => {
      for (const p of policies)
        if ((await fluxField(`imagepolicy/${p}`, ".status.latestRef.tag")) !== tag) return false;
      return true;
    },
    { what: `every ImagePolicy to choose ${tag}`, ...options },
  );
}

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export interface KnativeService {
  metadata: { name: string; namespace: string; generation: number };
  status?: {
    url?: string;
    observedGeneration?: number;
    latestReadyRevisionName?: string;
    latestCreatedRevisionName?: string;
    conditions?: Condition[];
    traffic?: { revisionName: string; percent?: number; tag?: string; url?: string }[];
  };
}

/** A Knative Service with its one container's image. */
export interface KnativeServiceWithImage extends KnativeService {
  spec: { template: { spec: { containers: { image: string }[] } } };
}

export const imageOf = (s: KnativeServiceWithImage): string => s.spec.template.spec.containers[0]?.image ?? "";

export const isReady = (conditions: Condition[] | undefined) =>
  conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;

/** Ready, and its latest revision has all the traffic: a gradual rollout (`rollout-duration`) is over. */
export const isRolledOut = (s: KnativeService): boolean => {
  const traffic = s.status?.traffic ?? [];
  return traffic.length === 1 && traffic[0]?.revisionName === s.status?.latestReadyRevisionName;
};

/** All of its traffic on its latest Ready revision (entries at 0 % aside): a rollout or a Canary is over. */
export const servesLatestOnly = (s: KnativeService): boolean => {
  const serving = (s.status?.traffic ?? []).filter((t) => (t.percent ?? 0) > 0);
  return serving.length > 0 && serving.every((t) => t.revisionName === s.status?.latestReadyRevisionName);
};

/** Its current generation Ready. */
export const isCurrentAndReady = (s: KnativeService | undefined): s is KnativeService =>
  s !== undefined && s.status?.observedGeneration === s.metadata.generation && isReady(s.status?.conditions);

/** The Service once `done` holds for it (throws after `seconds`, with Knative's reason for the Ready condition). */
async function waitService(
  namespace: string,
  name: string,
  seconds: number,
  what: string,
  done: (s: KnativeService) => boolean,
): Promise<KnativeService> {
  let last: KnativeService | undefined;
  try {
    await waitFor(
      async () => {
        last = await kubectlJson<KnativeService>(["-n", namespace, "get", "ksvc", name]).catch(() => undefined);
        return isCurrentAndReady(last) && done(last);
      },
      { what: `ksvc ${namespace}/${name} to be ${what}`, timeoutMs: seconds * 1000, intervalMs: 500 },
    );
  } catch {
    const why = last?.status?.conditions?.find((c) => c.type === "Ready");
    throw new Error(
      `ksvc ${namespace}/${name} not ${what} after ${seconds} s: ${why?.reason ?? "?"} ${why?.message ?? ""}`,
    );
  }
  return last as KnativeService;
}

/** The Service once its current generation is Ready (throws after `seconds`, with Knative's reason). */
export const waitServiceReady = (namespace: string, name: string, seconds = 180) =>
  waitService(namespace, name, seconds, "Ready", () => true);

/** The Service once its current generation is Ready and rolled out to all traffic (throws after `seconds`). */
export const waitServiceRolledOut = (namespace: string, name: string, seconds = 300) =>
  waitService(namespace, name, seconds, "Ready with all its traffic on its latest revision", isRolledOut);

/** The demo tenant's API key, from the Secret the environment's overlay generates. */
export async function demoApiKey(namespace: string): Promise<string> {
  const encoded = await kubectl([
    "-n",
    namespace,
    "get",
    "secret",
    "platform-demo",
    "-o",
    "jsonpath={.data.DEMO_API_KEY}",
  ]);
  return Buffer.from(encoded, "base64").toString("utf8");
}

/** A pod as watchPods sees it: running, with an address. */
export interface WatchedPod {
  name: string;
  ip: string;
  revision: string;
}

/**
 * One `kubectl get pods --watch --output-watch-events` stream over the pods
 * that match `selector`: `onLine` gets each event as `jsonpath` renders it
 * (`.type` and `.object` in scope), as soon as the API server tells of it.
 * The returned function ends the stream.
 */
export function watchPodEvents(
  namespace: string,
  selector: string,
  jsonpath: string,
  onLine: (line: string) => void,
): () => void {
  const child = spawn(
    "kubectl",
    [
      "--kubeconfig",
      KUBECONFIG,
      "-n",
      namespace,
      "get",
      "pods",
      "-l",
      selector,
      "--watch",
      "--output-watch-events",
      "-o",
      `jsonpath=${jsonpath}`,
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  createInterface({ input: child.stdout }).on("line", onLine);
  return () => child.kill();
}

/**
 * The running pods with an address that match `selector`, kept current by one
 * pod watch: a pod appears within the API server's own notice of it, not at
 * the next poll. `stop()` ends the watch.
 */
export function watchPods(namespace: string, selector: string): { current(): WatchedPod[]; stop(): void } {
  const pods = new Map<string, WatchedPod>();
  const stop = watchPodEvents(
    namespace,
    selector,
    String.raw`{.type} {.object.metadata.name} {.object.status.phase} {.object.metadata.labels.serving\.knative\.dev/revision} {.object.status.podIP}{"\n"}`,
    (line) => {
      const [type, name, phase, revision, ip] = line.split(" ");
      if (!name) return;
      if (type === "DELETED" || phase !== "Running" || !ip) pods.delete(name);
      else pods.set(name, { name, ip, revision: revision ?? "?" });
    },
  );
  return { current: () => [...pods.values()], stop };
}

interface PendingPod {
  metadata: { namespace: string; name: string };
  status?: { conditions?: Condition[]; containerStatuses?: { state?: { waiting?: { reason?: string } } }[] };
}

/** Every Pending pod of the cluster, each with why (the scheduler's message, or its containers' waiting reason). */
export async function pendingPods(): Promise<string[]> {
  const pods = await kubectlJson<{ items: PendingPod[] }>([
    "get",
    "pods",
    "--all-namespaces",
    "--field-selector=status.phase=Pending",
  ]);
  return pods.items.map((pod) => {
    const unscheduled = pod.status?.conditions?.find((c) => c.type === "PodScheduled" && c.status === "False");
    const waiting = pod.status?.containerStatuses?.map((c) => c.state?.waiting?.reason).filter(Boolean);
    const why = unscheduled?.message ?? (waiting?.length ? waiting.join(", ") : "starting");
    return `${pod.metadata.namespace}/${pod.metadata.name} Pending: ${why}`;
  });
}
