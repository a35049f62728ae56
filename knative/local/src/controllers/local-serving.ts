/**
 * The local Knative Serving: takes the rendered local overlay as desired
 * state and runs it, cut as Knative's controllers are. The revision
 * reconciler makes each changed template a revision (bundle, replicas,
 * autoscaler); the releases (a Flagger canary, a gradual rollout) move
 * traffic step by step; the route reconciler decides what each host serves
 * and the ingress serves it. One clock times them all.
 */
import { WarmNodePool } from "@platform/processes/node-processes";
import type { CanaryState } from "../canary/analysis.ts";
import { type Clock, startTicker, systemClock, type Ticker } from "../clock.ts";
import type { RevisionStatus, ServiceStatus } from "../control-api/contract.ts";
import type { RevisionRequestTotals } from "../control-api/knative-metrics.ts";
import {
  type DesiredService,
  type DesiredState,
  InvalidManifestError,
  readDesiredState,
} from "../desired/desired-state.ts";
import { type LiveChange, mergeLiveChanges, withTag } from "../desired/live-changes.ts";
import { Ingress } from "../ingress/ingress.ts";
import { hostOf, type ResolvedTarget } from "../routing/traffic.ts";
import { resolveEnvironment } from "./environment.ts";
import { Releases } from "./releases.ts";
import { RevisionReconciler } from "./revision-reconciler.ts";
import { decideRoutes, type HostRoute } from "./route-reconciler.ts";

export type { RevisionStatus, ServiceStatus } from "../control-api/contract.ts";
export { INITIAL_SCALE_NEVER_ACHIEVED, PROGRESS_DEADLINE_EXCEEDED } from "./revision-reconciler.ts";

export interface LocalServingOptions {
  /** Where revision bundles are written. */
  dataDir: string;
  domain: string;
  /** The Secrets the manifests reference (platform-secrets), from the local platform. */
  secrets: Map<string, Record<string, string>>;
  log: (line: string) => void;
  scaleToZero?: boolean;
  /** Set last on every replica, over the manifest's (e.g. LOG_LEVEL for a test). */
  envOverrides?: Record<string, string>;
  /** Write the replicas' output to the platform's own too (npm start). */
  echoReplicaLogs?: boolean;
  /**
   * The time of every decision (revision lifecycle, routing, autoscaling), as
   * Knative's tickProvider: the system clock, or a ManualClock in tests.
   */
  clock?: Clock;
}

/** A change the caller asked for that cannot be made now (HTTP 409). */
export class ConflictError extends Error {}

/** No Service of that name in the manifests (HTTP 404). */
export class UnknownServiceError extends Error {
  constructor(service: string) {
    super(`no Service named "${service}" in the manifests`);
  }
}

export class LocalServing {
  readonly ingress: Ingress;
  private readonly reconciler: RevisionReconciler;
  private desired: DesiredState | undefined;
  /** The last rendered manifests applied, to apply again with new live changes. */
  private rendered: string | undefined;
  private readonly liveChanges = new Map<string, LiveChange>();
  private queue: Promise<void> = Promise.resolve();
  /** Each service's resolved targets at the last routing. */
  private resolvedTargets = new Map<string, ResolvedTarget[]>();
  private routed = new Set<string>();
  private tickers: Ticker[] = [];
  private readonly releases: Releases;
  private readonly clock: Clock;
  /** Every replica's process starts from here: Node already up, a cold start is the bundle's alone. */
  private readonly processes = new WarmNodePool();

  constructor(private readonly options: LocalServingOptions) {
    this.clock = options.clock ?? systemClock;
    this.reconciler = new RevisionReconciler({
      dataDir: options.dataDir,
      log: options.log,
      clock: this.clock,
      scaleToZero: options.scaleToZero ?? true,
      echoReplicaLogs: options.echoReplicaLogs ?? false,
      processes: this.processes,
      reachable: (revision) => this.routed.has(revision),
      starting: (revision) => this.routed.add(revision),
      failed: (revision) => this.routed.delete(revision),
    });
    this.ingress = new Ingress((name) => this.revisions.get(name)?.runtime);
    this.releases = new Releases({
      clock: this.clock,
      log: options.log,
      requestStats: (revision) => this.revisions.get(revision)?.runtime.takeRequestStats() ?? {},
      moved: () => this.updateRoutes(),
    });
  }

  private get revisions() {
    return this.reconciler.revisions;
  }

  /**
   * Applies rendered manifests. A manifest Knative would reject is refused
   * whole (the error says why) and the running state stays as it was.
   */
  apply(renderedYaml: string, options: { redeploy?: string } = {}): Promise<void> {
    return this.oneAtATime(() => this.applyNow(renderedYaml, options));
  }

  /** Applies, changes and resets run one after another, so two never make the same revision. */
  private oneAtATime<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work);
    this.queue = result.then(
      () => {},
      () => {},
    );
    return result;
  }

  private async applyNow(renderedYaml: string, options: { redeploy?: string } = {}): Promise<void> {
    const desired = readDesiredState(renderedYaml, this.liveChanges);
    if (options.redeploy && !desired.services.some((s) => s.name === options.redeploy)) {
      throw new UnknownServiceError(options.redeploy);
    }
    // Every environment resolves before anything changes: a missing key refuses the whole apply.
    const envs = new Map(desired.services.map((service) => [service.name, this.environmentOf(service, desired)]));
    for (const service of desired.services) {
      const redeploy = service.name === options.redeploy;
      await this.reconcileService(service, desired, envs.get(service.name) ?? {}, redeploy);
    }
    this.desired = desired;
    this.rendered = renderedYaml;
    this.updateRoutes();
  }

  /**
   * Changes a running Service as `kn service update` would: traffic moves
   * routes; min/max scale make a new revision. Validated like a manifest; a
   * refused change leaves everything as it was.
   */
  change(service: string, change: LiveChange): Promise<void> {
    return this.oneAtATime(() => this.changeNow(service, change));
  }

  private async changeNow(service: string, change: LiveChange): Promise<void> {
    const rendered = this.rendered;
    if (!rendered) throw new Error("nothing applied yet");
    if (!this.desired?.services.some((s) => s.name === service)) throw new UnknownServiceError(service);
    if (change.traffic && this.releases.canaryOf(service)?.phase === "Progressing") {
      throw new ConflictError(`a canary analysis is moving the traffic of ${service}: wait for it to end`);
    }
    const missing = change.traffic?.find((t) => t.revisionName && !this.revisions.has(t.revisionName));
    if (missing) {
      throw new InvalidManifestError(
        `Service/${service}: Revision "${missing.revisionName}" referenced in traffic not found.`,
      );
    }
    const before = this.liveChanges.get(service);
    this.liveChanges.set(service, mergeLiveChanges(before, change));
    try {
      await this.applyNow(rendered);
    } catch (error) {
      if (before) this.liveChanges.set(service, before);
      else this.liveChanges.delete(service);
      throw error;
    }
    if (change.traffic) {
      // Traffic set by hand ends what was moving it.
      this.releases.forget(service);
      this.updateRoutes();
    }
    this.options.log(`${service}: changed ${JSON.stringify(change)}`);
  }

  /** `kn service update --tag tag=revision`; no revision removes the tag. */
  tag(service: string, tag: string, revision: string | undefined): Promise<void> {
    return this.oneAtATime(() => this.changeNow(service, { traffic: withTag(this.trafficOf(service), tag, revision) }));
  }

  /** Drops a Service's live changes: the manifests alone again. */
  resetLiveChanges(service: string): Promise<void> {
    return this.oneAtATime(async () => {
      if (!this.rendered || !this.liveChanges.delete(service)) return;
      this.releases.forget(service, "rollout");
      await this.applyNow(this.rendered);
      this.options.log(`${service}: live changes reset to the manifests`);
    });
  }

  /** Each Service: its URL, spec.traffic, live change, and the canary or rollout moving its traffic. */
  services(): ServiceStatus[] {
    return (this.desired?.services ?? []).map((service) => {
      const rollout = this.releases.rolloutOf(service.name);
      const canary = this.releases.canaryOf(service.name);
      const change = this.liveChanges.get(service.name);
      return {
        name: service.name,
        namespace: service.namespace,
        url: `http://${hostOf(service.name, service.namespace, this.options.domain)}`,
        traffic: service.traffic,
        minScale: service.autoscaling.minScale,
        maxScale: service.autoscaling.maxScale,
        autoscaling: service.autoscaling,
        ...(change ? { liveChange: change } : {}),
        ...(canary ? { canary } : {}),
        ...(rollout ? { rollout: { candidate: rollout.candidate, startedAt: rollout.startedAt } } : {}),
      };
    });
  }

  /** spec.traffic as it is now (the manifest's, or the live change's). */
  trafficOf(service: string) {
    return this.desired?.services.find((s) => s.name === service)?.traffic ?? [];
  }

  /** What a revision's replicas wrote (the last 1000 lines), and a way to follow. */
  logsOf(revision: string) {
    return this.revisions.get(revision)?.runtime.logs;
  }
  /** Starts the tickers: the autoscalers' (collector each second, decider every 2 s) and a rollout's steps. */
  start(): void {
    this.reconciler.start();
    // A rollout's steps land on time (they are a second or more apart).
    this.tickers.push(
      startTicker(this.clock, ROLLOUT_CHECK_MS, () => {
        if (this.releases.rolloutsUnderWay) this.updateRoutes();
      }),
    );
  }

  /** Canary analyses under way or ended, by service. */
  canaryStatus(): Record<string, CanaryState> {
    return Object.fromEntries(this.releases.inProgress().canaries);
  }

  async stop(): Promise<void> {
    for (const ticker of this.tickers.splice(0)) ticker.stop();
    this.releases.stop();
    await this.reconciler.stop();
    this.processes.close();
    await this.ingress.close();
  }

  /** Each revision's answers since it started, by tag, for /metrics. */
  requestTotals(): RevisionRequestTotals[] {
    return [...this.revisions.values()].flatMap((r) =>
      [...r.runtime.totals].map(([tag, totals]) => ({
        service: r.service,
        namespace: r.namespace,
        revision: r.record.name,
        tag,
        ...totals,
      })),
    );
  }

  /** Revisions by service, for status pages and tests. */
  status(): RevisionStatus[] {
    return [...this.revisions.values()].map((r) => ({
      service: r.service,
      namespace: r.namespace,
      revision: r.record.name,
      routed: this.routed.has(r.record.name),
      percent: (this.resolvedTargets.get(r.service) ?? [])
        .filter((t) => t.revision === r.record.name)
        .reduce((sum, t) => sum + t.percent, 0),
      tags: (this.resolvedTargets.get(r.service) ?? []).flatMap((t) =>
        t.revision === r.record.name && t.tag ? [t.tag] : [],
      ),
      ready: r.runtime.readyCount,
      inFlight: r.runtime.inFlight,
      crashes: r.runtime.crashes,
      running: r.runtime.replicas.length,
      targetConcurrency: r.targetConcurrency,
      ...r.autoscaler.status,
      ...(r.runtime.failure ? { failure: r.runtime.failure, desired: 0 } : {}),
      ...(r.runtime.backingOff > 0 && r.runtime.lastCrash
        ? { crashLoop: { ...r.runtime.lastCrash, backingOff: r.runtime.backingOff } }
        : {}),
    }));
  }

  private environmentOf(service: DesiredService, desired: DesiredState): Record<string, string> {
    try {
      return {
        ...resolveEnvironment(service.env, service.envFrom, desired.configMaps, this.options.secrets),
        ...this.options.envOverrides,
      };
    } catch (error) {
      throw new InvalidManifestError(`Service/${service.name}: ${error instanceof Error ? error.message : error}`);
    }
  }

  private async reconcileService(
    service: DesiredService,
    desired: DesiredState,
    env: Record<string, string>,
    /** A new revision even if the template did not change: the code in the working tree did. */
    redeploy = false,
  ): Promise<void> {
    const running = await this.reconciler.reconcile(service, desired.autoscalerConfig, env, redeploy);
    if (!running || running.runtime.failure) return;
    const record = running.record;
    const canary = desired.canaries.find((c) => c.service === service.name);
    const primary = this.primaryOf(service.name);
    if (canary && primary) this.releases.startCanary(service.name, canary, primary, record.name);
    else if (service.rolloutDurationMs > 0) {
      // What the latest-revision target served at the last routing.
      const previous = (this.resolvedTargets.get(service.name) ?? [])
        .filter((t) => t.latest && !t.tag)
        .map((t) => ({ revision: t.revision, percent: t.percent }));
      this.releases.startRollout(service.name, service.rolloutDurationMs, record.name, previous);
    }
    running.released = true;
  }

  /** The revision with most traffic on the service's main host at the last routing. */
  private primaryOf(service: string): string | undefined {
    return [...(this.resolvedTargets.get(service) ?? [])].sort((a, b) => b.percent - a.percent)[0]?.revision;
  }

  /** Programs the ingress with what the route reconciler decides now. */
  private updateRoutes(): void {
    const desired = this.desired;
    if (!desired) return;
    const current = new Map<string, HostRoute>();
    for (const [host, split] of this.ingress.currentRoutes) {
      const tag = this.ingress.tagOf(host);
      current.set(host, { split, ...(tag ? { tag } : {}) });
    }
    const decision = decideRoutes(
      {
        services: desired.services,
        domainMappings: desired.domainMappings,
        domain: this.options.domain,
        revisions: [...this.revisions.values()].map((r) => ({
          name: r.record.name,
          service: r.service,
          generation: r.record.generation,
          ready: r.released && (r.runtime.readyCount > 0 || r.autoscaler.status.desired === 0),
        })),
        ...this.releases.inProgress(),
        current,
      },
      this.clock.now(),
    );
    for (const event of decision.events) {
      if (event.type === "traffic-unresolved") this.options.log(`${event.service}: ${event.error}`);
      else this.options.log(`${event.service}: ${event.revision} rolled out`);
    }
    for (const [service, targets] of decision.targets) this.resolvedTargets.set(service, targets);
    this.releases.advanced(decision.rollouts);
    this.routed = decision.routed;
    const tags = new Map<string, string>();
    for (const [host, route] of decision.routes) if (route.tag) tags.set(host, route.tag);
    this.ingress.setRoutes(new Map([...decision.routes].map(([host, route]) => [host, route.split])), tags);
  }
}

/** How often a rollout under way looks whether its next step is due. */
const ROLLOUT_CHECK_MS = 100;
