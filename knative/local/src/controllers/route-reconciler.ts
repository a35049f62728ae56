/**
 * The route reconciler's core, as a pure function (knative/serving
 * pkg/reconciler/route): from the desired traffic, the revisions, the
 * releases in progress (a canary or a gradual rollout) and the time, what
 * each host serves. Traffic moves only to a ready revision; a traffic spec
 * that cannot be resolved keeps the service's hosts as they were.
 */
import { type CanaryState, canaryTraffic } from "../canary/analysis.ts";
import { candidatePercent, type RolloutPlan, type RolloutShare, rolloutSplit } from "../rollout/gradual-rollout.ts";
import { hostOf, type ResolvedTarget, resolveTraffic, routesByHost, type TrafficTarget } from "../routing/traffic.ts";

/** A gradual rollout under way: the new revision's share of the latest-revision target grows step by step. */
export interface Rollout {
  candidate: string;
  /** What the latest-revision target served before, oldest first. */
  previous: RolloutShare[];
  percent: number;
  plan: RolloutPlan;
  startedAt: number;
}

export interface RoutedService {
  name: string;
  namespace: string;
  traffic: TrafficTarget[];
}

export interface RouteRevision {
  name: string;
  service: string;
  generation: number;
  /** Released once ready, and ready now (or at zero on purpose): latestRevision may point at it. */
  ready: boolean;
}

/** What a host serves: percent by revision, and the tag when it is a tag's host. */
export interface HostRoute {
  split: Map<string, number>;
  tag?: string;
}

export interface RouteInput {
  services: RoutedService[];
  /** Bare domain -> the service it maps to (DomainMapping). */
  domainMappings: Map<string, string>;
  domain: string;
  revisions: RouteRevision[];
  canaries: Map<string, CanaryState>;
  rollouts: Map<string, Rollout>;
  /** What the ingress serves now: kept for a service whose traffic cannot be resolved. */
  current: Map<string, HostRoute>;
}

export type RouteEvent =
  | { type: "traffic-unresolved"; service: string; error: string }
  | { type: "rollout-finished"; service: string; revision: string };

export interface RouteDecision {
  routes: Map<string, HostRoute>;
  /** Revisions some host sends traffic to. */
  routed: Set<string>;
  /** Each resolved service's targets; a service left out kept what it had. */
  targets: Map<string, ResolvedTarget[]>;
  /** The rollouts still under way: a finished one, or one whose traffic changed under it, is left out. */
  rollouts: Map<string, Rollout>;
  events: RouteEvent[];
}

export function decideRoutes(input: RouteInput, now: number): RouteDecision {
  const decision: RouteDecision = {
    routes: new Map(),
    routed: new Set(),
    targets: new Map(),
    rollouts: new Map(input.rollouts),
    events: [],
  };
  const serviceOf = new Map(input.revisions.map((r) => [r.name, r.service]));
  for (const service of input.services) {
    const latest = input.revisions
      .filter((r) => r.service === service.name && r.ready)
      .sort((a, b) => b.generation - a.generation)[0]?.name;
    const canary = canaryTargets(input.canaries.get(service.name));
    const resolved = canary ?? resolveTraffic(service.traffic, latest, (name) => serviceOf.has(name));
    if ("error" in resolved) {
      // As Knative's Route does: it reports the problem and keeps serving what it served.
      decision.events.push({ type: "traffic-unresolved", service: service.name, error: resolved.error });
      for (const [host, route] of input.current) {
        if ([...route.split.keys()].every((r) => serviceOf.get(r) === service.name)) program(decision, host, route);
      }
      continue;
    }
    const targets = canary ? resolved.targets : rolledOut(decision, service.name, resolved.targets, now);
    decision.targets.set(service.name, targets);
    for (const [host, route] of routesByHost(service.name, service.namespace, input.domain, targets)) {
      program(decision, host, route);
    }
    const mainHost = hostOf(service.name, service.namespace, input.domain);
    for (const [domain, target] of input.domainMappings) {
      if (target === service.name)
        program(decision, domain, { split: decision.routes.get(mainHost)?.split ?? new Map() });
    }
  }
  return decision;
}

function program(decision: RouteDecision, host: string, route: HostRoute): void {
  decision.routes.set(host, route);
  for (const revision of route.split.keys()) decision.routed.add(revision);
}

/** While a canary runs, or after it failed, the traffic is the canary's; after a promotion, the spec's. */
function canaryTargets(canary: CanaryState | undefined): { targets: ResolvedTarget[] } | undefined {
  if (!canary || canary.phase === "Succeeded") return undefined;
  return {
    targets: canaryTraffic(canary).map((t) => ({
      revision: t.revisionName,
      percent: t.percent,
      ...(t.tag ? { tag: t.tag } : {}),
    })),
  };
}

/** The latest-revision target while a rollout moves it: the previous revisions and the new one. */
function rolledOut(decision: RouteDecision, service: string, targets: ResolvedTarget[], now: number): ResolvedTarget[] {
  const rollout = decision.rollouts.get(service);
  const latest = targets.find((t) => t.latest && !t.tag);
  if (!latest) return targets;
  let shares: RolloutShare[] = [{ revision: latest.revision, percent: latest.percent }];
  if (rollout && rollout.candidate === latest.revision && rollout.percent === latest.percent) {
    const share = candidatePercent(rollout.plan, rollout.percent, now - rollout.startedAt);
    shares = rolloutSplit(rollout.previous, rollout.candidate, share);
    if (share >= rollout.percent) {
      decision.rollouts.delete(service);
      decision.events.push({ type: "rollout-finished", service, revision: rollout.candidate });
    }
  } else if (rollout) {
    decision.rollouts.delete(service); // the traffic it was moving changed
  }
  return [...targets.filter((t) => t !== latest), ...shares.map((s) => ({ ...s, latest: true as const }))];
}
