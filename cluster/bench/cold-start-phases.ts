/**
 * Where a cold start's time goes: the moments a pod of the Service passes each
 * step on its way to serving, as one `kubectl get pods --watch` stream tells
 * them (received here, so in milliseconds, where the pod's own timestamps are
 * in seconds), measured from the request that woke it.
 */
import { watchPodEvents } from "../client/kube.ts";

/** One state of a pod as a watch event carries it. */
export interface PodSighting {
  at: number;
  pod: string;
  node: boolean;
  ip: boolean;
  running: string[];
  ready: boolean;
}

export const PHASES = ["created", "scheduled", "sandbox", "user-container", "queue-proxy", "ready"] as const;
export type Phase = (typeof PHASES)[number];

/**
 * When the first pod new after `since` first reached each phase, in ms after `since`; absent if it did not.
 * A pod seen before `since` is the last round's, whose last events may still arrive.
 */
export function phaseTimes(sightings: readonly PodSighting[], since: number): Partial<Record<Phase, number>> {
  const earlier = new Set(sightings.filter((s) => s.at < since).map((s) => s.pod));
  const first = sightings.find((s) => s.at >= since && !earlier.has(s.pod));
  if (!first) return {};
  const times: Partial<Record<Phase, number>> = {};
  const reached = (phase: Phase, at: number) => {
    if (times[phase] === undefined) times[phase] = at - since;
  };
  for (const s of sightings.filter((s) => s.pod === first.pod && s.at >= since)) {
    reached("created", s.at);
    if (s.node) reached("scheduled", s.at);
    if (s.ip) reached("sandbox", s.at);
    if (s.running.includes("user-container")) reached("user-container", s.at);
    if (s.running.includes("queue-proxy")) reached("queue-proxy", s.at);
    if (s.ready) reached("ready", s.at);
  }
  return times;
}

/** "created +12 ms, scheduled +15 ms, ..." in the order a pod passes them. */
export function describePhases(times: Partial<Record<Phase, number>>): string {
  return PHASES.filter((p) => times[p] !== undefined)
    .map((p) => `${p} +${times[p]?.toFixed(0)} ms`)
    .join(", ");
}

/** Parses one line of the watch's jsonpath output (see watchPodPhases); undefined for a line that is not one. */
export function parseSighting(line: string, at: number): PodSighting | undefined {
  const [type, pod, node, ip, ready, ...running] = line.split(" ");
  if (!pod || type === "DELETED") return undefined;
  return { at, pod, node: Boolean(node), ip: Boolean(ip), running: running.filter(Boolean), ready: ready === "True" };
}

/** Watches the pods of `service`, recording each state as it arrives. */
export function watchPodPhases(namespace: string, service: string): { sightings: PodSighting[]; stop(): void } {
  const sightings: PodSighting[] = [];
  const stop = watchPodEvents(
    namespace,
    `serving.knative.dev/service=${service}`,
    // Empty fields still leave their space, so the columns stay in place; the running
    // containers' names come last (no {range}: kubectl's watch fails on it after one event).
    String.raw`{.type} {.object.metadata.name} {.object.spec.nodeName} {.object.status.podIP} {.object.status.conditions[?(@.type=="Ready")].status} {.object.status.containerStatuses[?(@.state.running)].name}{"\n"}`,
    (line) => {
      const sighting = parseSighting(line, performance.now());
      if (sighting) sightings.push(sighting);
    },
  );
  return { sightings, stop };
}
