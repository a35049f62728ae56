/**
 * The local Knative Serving: takes the rendered local overlay as desired
 * state and runs it. Each changed template becomes a revision with its own
 * bundle; each revision has replicas (processes), an autoscaler and a
 * request path; the ingress routes hosts to revisions by the traffic rules.
 */
import { join } from "node:path";
import { RevisionAutoscaler, type ScaleStatus } from "../autoscaler/revision-autoscaler.ts";
import { analyzeCanary, type CanaryState, canaryTraffic, startCanary } from "../canary/analysis.ts";
import {
  type DesiredCanary,
  type DesiredService,
  type DesiredState,
  readDesiredState,
} from "../desired/desired-state.ts";
import { freePort } from "../free-port.ts";
import { Ingress } from "../ingress/ingress.ts";
import { RevisionRuntime } from "../replicas/revision-runtime.ts";
import { bundleFunction } from "../revisions/bundle.ts";
import { nextRevision, type RevisionRecord } from "../revisions/revision-names.ts";
import { hostOf, type ResolvedTarget, resolveTraffic, routesByHost } from "../routing/traffic.ts";
import { resolveEnvironment } from "./environment.ts";

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
}

export interface RevisionStatus extends ScaleStatus {
  service: string;
  namespace: string;
  revision: string;
  routed: boolean;
  ready: number;
  inFlight: number;
  crashes: number;
  targetConcurrency: number;
}

interface RunningRevision {
  record: RevisionRecord;
  service: string;
  namespace: string;
  targetConcurrency: number;
  runtime: RevisionRuntime;
  autoscaler: RevisionAutoscaler;
}

export class LocalServing {
  readonly ingress: Ingress;
  private readonly revisions = new Map<string, RunningRevision>();
  private desired: DesiredState | undefined;
  private routed = new Set<string>();
  private timers: NodeJS.Timeout[] = [];
  /** The revision with most traffic on each service's main host. */
  private primaries = new Map<string, string>();
  private readonly canaries = new Map<string, { state: CanaryState; timer: NodeJS.Timeout | undefined }>();

  constructor(private readonly options: LocalServingOptions) {
    this.ingress = new Ingress((name) => this.revisions.get(name)?.runtime);
  }

  /**
   * Applies rendered manifests. A manifest Knative would reject is refused
   * whole (the error says why) and the running state stays as it was.
   */
  async apply(renderedYaml: string, options: { redeploy?: string } = {}): Promise<void> {
    const desired = readDesiredState(renderedYaml);
    if (options.redeploy && !desired.services.some((s) => s.name === options.redeploy)) {
      throw new Error(`no Service named "${options.redeploy}" in the manifests`);
    }
    // Every environment resolves before anything changes: a missing key refuses the whole apply.
    const envs = new Map(desired.services.map((service) => [service.name, this.environmentOf(service, desired)]));
    for (const service of desired.services) {
      const redeploy = service.name === options.redeploy;
      await this.reconcileService(service, desired, envs.get(service.name) ?? {}, redeploy);
    }
    this.desired = desired;
    this.updateRoutes();
  }

  start(): void {
    this.timers.push(
      setInterval(() => {
        const now = Date.now();
        for (const r of this.revisions.values()) r.autoscaler.collect(now);
      }, 1000),
      setInterval(() => {
        const now = Date.now();
        for (const r of this.revisions.values()) void r.autoscaler.tick(now);
      }, 2000),
    );
  }

  /** Canary analyses under way or ended, by service. */
  canaryStatus(): Record<string, CanaryState> {
    return Object.fromEntries([...this.canaries].map(([service, c]) => [service, c.state]));
  }

  async stop(): Promise<void> {
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    for (const canary of this.canaries.values()) clearInterval(canary.timer);
    await Promise.all([...this.revisions.values()].map((r) => r.runtime.stopAll()));
    await this.ingress.close();
  }

  /** Each revision's answers since it started, for /metrics. */
  requestTotals() {
    return [...this.revisions.values()].map((r) => ({
      service: r.service,
      namespace: r.namespace,
      revision: r.record.name,
      ...r.runtime.totals,
    }));
  }

  /** Revisions by service, for status pages and tests. */
  status(): RevisionStatus[] {
    return [...this.revisions.values()].map((r) => ({
      service: r.service,
      namespace: r.namespace,
      revision: r.record.name,
      routed: this.routed.has(r.record.name),
      ready: r.runtime.readyCount,
      inFlight: r.runtime.inFlight,
      crashes: r.runtime.crashes,
      targetConcurrency: r.targetConcurrency,
      ...r.autoscaler.status,
    }));
  }

  private environmentOf(service: DesiredService, desired: DesiredState): Record<string, string> {
    try {
      return {
        ...resolveEnvironment(service.env, service.envFrom, desired.configMaps, this.options.secrets),
        ...this.options.envOverrides,
      };
    } catch (error) {
      throw new Error(`Service/${service.name}: ${error instanceof Error ? error.message : error}`);
    }
  }

  private async reconcileService(
    service: DesiredService,
    desired: DesiredState,
    env: Record<string, string>,
    /** A new revision even if the template did not change: the code in the working tree did. */
    redeploy = false,
  ): Promise<void> {
    const records = [...this.revisions.values()].map((r) => r.record);
    const record = nextRevision(records, service.name, service.templateDigest, redeploy);
    if (!record) return;
    const entry = await bundleFunction(service.name, join(this.options.dataDir, "revisions", record.name));
    const runtime = new RevisionRuntime(
      {
        service: service.name,
        revision: record.name,
        entry,
        env,
        readinessPath: service.readinessPath,
        containerConcurrency: service.containerConcurrency,
        timeoutSeconds: service.timeoutSeconds,
      },
      freePort,
    );
    const autoscaler = new RevisionAutoscaler(
      service.autoscaling,
      runtime,
      { reachable: () => this.routed.has(record.name), scaleToZero: this.options.scaleToZero ?? true },
      Date.now(),
    );
    runtime.onDemand = () => void autoscaler.demand(Date.now());
    this.revisions.set(record.name, {
      record,
      service: service.name,
      namespace: service.namespace,
      targetConcurrency: service.autoscaling.targetValue,
      runtime,
      autoscaler,
    });
    this.options.log(`${record.name}: created, starting ${service.autoscaling.initialScale} replica(s)`);
    // Routed while it starts, so its min-scale holds; traffic moves only once it is Ready.
    this.routed.add(record.name);
    await autoscaler.start();
    await waitUntil(() => runtime.readyCount >= service.autoscaling.initialScale, 60_000);
    this.options.log(`${record.name}: ready`);
    const canary = desired.canaries.find((c) => c.service === service.name);
    const primary = this.primaries.get(service.name);
    if (canary && primary) this.startCanary(service.name, canary, primary, record.name);
  }

  /** Flagger's way: the new revision gets traffic step by step while its checks pass. */
  private startCanary(service: string, spec: DesiredCanary, primary: string, candidate: string): void {
    clearInterval(this.canaries.get(service)?.timer);
    const runtime = this.revisions.get(candidate)?.runtime;
    runtime?.takeRequestStats(); // judge only what it answers from now on
    const step = (state: CanaryState) => {
      const result = analyzeCanary(spec, state, runtime?.takeRequestStats() ?? {});
      for (const event of result.events) this.options.log(`canary ${service}: ${event}`);
      return result.state;
    };
    const entry = { state: step(startCanary(primary, candidate)), timer: undefined as NodeJS.Timeout | undefined };
    entry.timer = setInterval(() => {
      entry.state = step(entry.state);
      if (entry.state.phase !== "Progressing") clearInterval(entry.timer);
      this.updateRoutes();
    }, spec.intervalMs);
    this.canaries.set(service, entry);
  }

  /** While a canary runs, or after it failed, the traffic is the canary's; after a promotion, the latest revision's. */
  private canaryTargets(service: string): { targets: ResolvedTarget[] } | undefined {
    const canary = this.canaries.get(service);
    if (!canary || canary.state.phase === "Succeeded") return undefined;
    return {
      targets: canaryTraffic(canary.state).map((t) => ({
        revision: t.revisionName,
        percent: t.percent,
        ...(t.tag ? { tag: t.tag } : {}),
      })),
    };
  }

  private updateRoutes(): void {
    const desired = this.desired;
    if (!desired) return;
    const routes = new Map<string, Map<string, number>>();
    const routed = new Set<string>();
    for (const service of desired.services) {
      const own = [...this.revisions.values()].filter((r) => r.service === service.name);
      const ready = own.filter((r) => r.runtime.readyCount > 0 || r.autoscaler.status.desired === 0);
      const latest = ready.sort((a, b) => b.record.generation - a.record.generation)[0]?.record.name;
      const resolved =
        this.canaryTargets(service.name) ?? resolveTraffic(service.traffic, latest, (name) => this.revisions.has(name));
      if ("error" in resolved) {
        this.options.log(`${service.name}: ${resolved.error}`);
        continue;
      }
      const main = [...resolved.targets].sort((a, b) => b.percent - a.percent)[0];
      if (main) this.primaries.set(service.name, main.revision);
      for (const [host, route] of routesByHost(
        service.name,
        service.namespace,
        this.options.domain,
        resolved.targets,
      )) {
        routes.set(host, route.split);
        for (const revision of route.split.keys()) routed.add(revision);
      }
      for (const [domain, target] of desired.domainMappings) {
        if (target === service.name)
          routes.set(domain, routes.get(hostOf(service.name, service.namespace, this.options.domain)) ?? new Map());
      }
    }
    this.routed = routed;
    this.ingress.setRoutes(routes);
  }
}

async function waitUntil(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not ready within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
