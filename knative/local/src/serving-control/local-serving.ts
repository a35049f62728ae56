/**
 * The local Knative Serving: takes the rendered local overlay as desired
 * state and runs it. Each changed template becomes a revision with its own
 * bundle; each revision has replicas (processes), an autoscaler and a
 * request path; the ingress routes hosts to revisions by the traffic rules.
 */
import { join } from "node:path";
import { RevisionAutoscaler } from "../autoscaler/revision-autoscaler.ts";
import { type DesiredService, type DesiredState, readDesiredState } from "../desired/desired-state.ts";
import { freePort } from "../free-port.ts";
import { Ingress } from "../ingress/ingress.ts";
import { RevisionRuntime } from "../replicas/revision-runtime.ts";
import { bundleFunction } from "../revisions/bundle.ts";
import { nextRevision, type RevisionRecord } from "../revisions/revision-names.ts";
import { hostOf, resolveTraffic, routesByHost } from "../routing/traffic.ts";
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

export interface RevisionStatus {
  service: string;
  namespace: string;
  revision: string;
  routed: boolean;
  ready: number;
  inFlight: number;
  crashes: number;
  targetConcurrency: number;
  desired: number;
  actual: number;
  stableConcurrency: number;
  panicConcurrency: number;
  panicking: boolean;
  excessBurstCapacity: number;
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

  constructor(private readonly options: LocalServingOptions) {
    this.ingress = new Ingress((name) => this.revisions.get(name)?.runtime);
  }

  /**
   * Applies rendered manifests. A manifest Knative would reject is refused
   * whole (the error says why) and the running state stays as it was.
   */
  async apply(renderedYaml: string): Promise<void> {
    const desired = readDesiredState(renderedYaml);
    for (const service of desired.services) await this.reconcileService(service, desired);
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

  async stop(): Promise<void> {
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    await Promise.all([...this.revisions.values()].map((r) => r.runtime.stopAll()));
    await this.ingress.close();
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

  private async reconcileService(service: DesiredService, desired: DesiredState): Promise<void> {
    const records = [...this.revisions.values()].map((r) => r.record);
    const record = nextRevision(records, service.name, service.templateDigest);
    if (!record) return;
    const env = {
      ...resolveEnvironment(service.env, service.envFrom, desired.configMaps, this.options.secrets),
      ...this.options.envOverrides,
    };
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
      const resolved = resolveTraffic(service.traffic, latest, (name) => this.revisions.has(name));
      if ("error" in resolved) {
        this.options.log(`${service.name}: ${resolved.error}`);
        continue;
      }
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
