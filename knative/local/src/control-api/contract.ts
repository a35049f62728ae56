/**
 * The control API's documents, as the CLI and the load-test runner read
 * them (and the console, in plain JavaScript, by the same names). No
 * imports: the serving side returns these types, so the compiler holds it to
 * them, and a reader needs nothing else.
 */

/** One entry of a Service's spec.traffic. */
export interface TrafficTarget {
  revisionName?: string;
  latestRevision?: boolean;
  percent?: number;
  tag?: string;
}

/** What the latest template's annotations make of scaling. */
export interface AutoscalingSettings {
  class: "kpa" | "hpa";
  metric: "concurrency" | "rps";
  /** Per-replica target after utilization: what the decider divides by. */
  targetValue: number;
  /** Per-replica capacity. */
  totalValue: number;
  targetBurstCapacity: number;
  stableWindowMs: number;
  panicWindowMs: number;
  panicThreshold: number;
  minScale: number;
  /** 0 is unlimited. */
  maxScale: number;
  initialScale: number;
  activationScale: number;
  scaleDownDelayMs: number;
  scaleToZeroPodRetentionMs: number;
}

/** A change made on the running platform, over the manifests (`kn service update`). */
export interface LiveChange {
  traffic?: TrafficTarget[];
  minScale?: number;
  maxScale?: number;
  /** autoscaling.knative.dev/window, e.g. "6s". */
  window?: string;
  /** Variables set on the first container; null removes one (`--env NAME-`). */
  env?: Record<string, string | null>;
}

export type CanaryPhase = "Progressing" | "Succeeded" | "Failed";

/** A Flagger canary analysis, under way or ended. */
export interface CanaryStatus {
  phase: CanaryPhase;
  primary: string;
  canary: string;
  /** Percent of traffic on the canary. */
  weight: number;
  failedChecks: number;
}

export interface ServiceStatus {
  name: string;
  namespace: string;
  url: string;
  traffic: TrafficTarget[];
  minScale: number;
  maxScale: number;
  autoscaling: AutoscalingSettings;
  liveChange?: LiveChange;
  canary?: CanaryStatus;
  rollout?: { candidate: string; startedAt: number };
}

/** The PodAutoscaler's Active condition: Unknown, True or False. */
export type Activity = "activating" | "active" | "inactive";

/** Why a revision was given up (Knative's Revision condition Ready=False). */
export interface RevisionFailure {
  reason: string;
  message: string;
  /** The last lines its replicas wrote. */
  lastLogLines: string[];
}

/** A crashed replica waiting out its CrashLoopBackOff. */
export interface CrashLoop {
  replica: string;
  exitCode: number | null;
  /** Crashes in a row of that replica's slot. */
  crashes: number;
  restartAt: number;
  /** Replicas waiting out a back-off. */
  backingOff: number;
}

export interface RevisionStatus {
  service: string;
  namespace: string;
  revision: string;
  routed: boolean;
  /** Share of the service's main host, percent. */
  percent: number;
  tags: string[];
  ready: number;
  inFlight: number;
  crashes: number;
  targetConcurrency: number;
  /** Replica processes alive: starting, ready or draining. */
  running?: number;
  desired: number;
  actual: number;
  stableConcurrency: number;
  panicConcurrency: number;
  /** Requests per second over the stable and the panic window. */
  stableRps: number;
  panicRps: number;
  panicking: boolean;
  excessBurstCapacity: number;
  activity: Activity;
  /** The activator is in the request path (Knative's SKS proxy mode). */
  activatorInPath: boolean;
  /** Set when the revision was given up: its reason, message and last log lines. */
  failure?: RevisionFailure;
  crashLoop?: CrashLoop;
}

/** GET /status. */
export interface StatusDocument {
  services: ServiceStatus[];
  revisions: RevisionStatus[];
  /** Host -> percent by revision. */
  routes: Record<string, Record<string, number>>;
}

/** POST /services/:service/... and DELETE .../live-changes: the service after the change. */
export interface ServiceDocument extends ServiceStatus {
  revisions: RevisionStatus[];
}

/** POST /deploy/:service: the new revision, Ready, and the canary moving traffic to it, if any. */
export interface DeployDocument {
  service: string;
  revision: string | undefined;
  canary: CanaryStatus | null;
}

/** POST /console-codes: a one-time sign-in link for the console. */
export interface ConsoleCodeDocument {
  url: string;
  expiresInSeconds: number;
}

/** A revision's counters at one moment (GET /sample, and the history's points). */
export interface RevisionSample {
  service: string;
  revision: string;
  ready: number;
  desired: number;
  /** Requests in flight or held. */
  concurrency: number;
  /** The autoscaler's average concurrency over the stable window: what it scales on. */
  stableConcurrency: number;
  /** Share of the service's main host, percent. */
  percent: number;
  /** Counters since the revision started: answers, and how many were 5xx. */
  requests: number;
  errors: number;
  /** Cumulative answers per bound of Knative's latency buckets (0.005 s to 10 s). */
  buckets: number[];
}

export interface Sample {
  at: number;
  revisions: RevisionSample[];
}

/** GET /sample. */
export interface SampleDocument {
  sample: Sample;
  services: ServiceStatus[];
}

/** A refusal (application/problem+json). */
export interface ProblemDocument {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: { pointer: string; detail: string }[];
}
