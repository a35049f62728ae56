/** kubectl against the cluster's admin kubeconfig, for the cluster tests. */

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

export const isReady = (conditions: Condition[] | undefined) =>
  conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;

/** The Service once its current generation is Ready (throws after `seconds`, with Knative's reason). */
export async function waitServiceReady(namespace: string, name: string, seconds = 180): Promise<KnativeService> {
  let last: KnativeService | undefined;
  const current = (s: KnativeService | undefined): s is KnativeService =>
    s !== undefined && s.status?.observedGeneration === s.metadata.generation && isReady(s.status?.conditions);
  try {
    await waitFor(
      async () => {
        last = await kubectlJson<KnativeService>(["-n", namespace, "get", "ksvc", name]).catch(() => undefined);
        return current(last);
      },
      { what: `ksvc ${namespace}/${name} to be Ready`, timeoutMs: seconds * 1000, intervalMs: 500 },
    );
  } catch {
    const why = last?.status?.conditions?.find((c) => c.type === "Ready");
    throw new Error(
      `ksvc ${namespace}/${name} not Ready after ${seconds} s: ${why?.reason ?? "?"} ${why?.message ?? ""}`,
    );
  }
  return last as KnativeService;
}

/** Ready, and its latest revision has all the traffic: a gradual rollout (`rollout-duration`) is over. */
export const isRolledOut = (s: KnativeService): boolean => {
  const traffic = s.status?.traffic ?? [];
  return traffic.length === 1 && traffic[0]?.revisionName === s.status?.latestReadyRevisionName;
};

/** The Service once its current generation is Ready and rolled out to all traffic (throws after `seconds`). */
export async function waitServiceRolledOut(namespace: string, name: string, seconds = 300): Promise<KnativeService> {
  const deadline = Date.now() + seconds * 1000;
  let last: KnativeService | undefined;
  await waitFor(
    async () => {
      last = await waitServiceReady(namespace, name, Math.max(1, Math.ceil((deadline - Date.now()) / 1000)));
      return isRolledOut(last);
    },
    {
      what: `ksvc ${namespace}/${name} to send all its traffic to its latest revision`,
      timeoutMs: seconds * 1000,
      intervalMs: 2000,
    },
  );
  return last as KnativeService;
}

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
 * The running pods with an address that match `selector`, kept current by one
 * `kubectl get pods --watch` stream: a pod appears within the API server's own
 * notice of it, not at the next poll. `stop()` ends the stream.
 */
export function watchPods(namespace: string, selector: string): { current(): WatchedPod[]; stop(): void } {
  const pods = new Map<string, WatchedPod>();
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
      String.raw`jsonpath={.type} {.object.metadata.name} {.object.status.phase} {.object.metadata.labels.serving\.knative\.dev/revision} {.object.status.podIP}{"\n"}`,
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  createInterface({ input: child.stdout }).on("line", (line) => {
    const [type, name, phase, revision, ip] = line.split(" ");
    if (!name) return;
    if (type === "DELETED" || phase !== "Running" || !ip) pods.delete(name);
    else pods.set(name, { name, ip, revision: revision ?? "?" });
  });
  return { current: () => [...pods.values()], stop: () => child.kill() };
}
