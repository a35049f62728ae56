/**
 * The local platform's desired state: the rendered output of
 * `kubectl kustomize knative/overlays/local`, read into Services, Canaries and
 * DomainMappings and validated as the Knative API would, with its messages.
 * A manifest Knative would reject is refused whole, so the running state
 * stays as it was.
 */
import { createHash } from "node:crypto";
import { parseAllDocuments } from "yaml";
import { type AutoscalingSettings, PREFIX, readAutoscaling } from "../autoscaler/annotations.ts";
import {
  type AutoscalerConfig,
  CONFIG_AUTOSCALER,
  defaultAutoscalerConfig,
  readAutoscalerConfig,
} from "../autoscaler/config-autoscaler.ts";
import { parseGoDuration } from "../autoscaler/go-duration.ts";
import type { CanaryAnalysis } from "../canary/analysis.ts";
import { type TrafficTarget, validateTraffic } from "../routing/traffic.ts";
import { type LiveChange, withLiveChanges } from "./live-changes.ts";
import { PROGRESS_DEADLINE, readProgressDeadline } from "./progress-deadline.ts";

/** The manifests (with any live change) are not what Knative would accept; the message says why. */
export class InvalidManifestError extends Error {}

export const ROLLOUT_DURATION = "serving.knative.dev/rollout-duration";

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: unknown;
}

export interface DesiredService {
  name: string;
  namespace: string;
  /** A digest of spec.template: a new digest is a new revision. */
  templateDigest: string;
  annotations: Record<string, string>;
  autoscaling: AutoscalingSettings;
  containerConcurrency: number;
  timeoutSeconds: number;
  env: EnvVar[];
  envFrom: unknown[];
  readinessPath: string;
  livenessPath: string;
  traffic: TrafficTarget[];
  /** serving.knative.dev/rollout-duration; 0 moves all traffic at once. */
  rolloutDurationMs: number;
  /** serving.knative.dev/progress-deadline: a new revision not at its initial scale by then fails. */
  progressDeadlineMs: number;
}

/** A Flagger Canary: which Service it releases, and its analysis. */
export interface DesiredCanary extends CanaryAnalysis {
  name: string;
  service: string;
}

export interface DesiredState {
  services: DesiredService[];
  canaries: DesiredCanary[];
  /** Domain -> Service name. */
  domainMappings: Map<string, string>;
  configMaps: Map<string, Record<string, string>>;
  /** The cluster's config-autoscaler (namespace knative-serving), or Knative's defaults without one. */
  autoscalerConfig: AutoscalerConfig;
}

// biome-ignore lint/suspicious/noExplicitAny: YAML documents are read field by field and checked
type Doc = any;

/**
 * Parses rendered YAML, with the live changes laid over it; throws with every
 * problem, each as Knative words it after "validation failed: ".
 */
export function readDesiredState(
  renderedYaml: string,
  liveChanges: ReadonlyMap<string, LiveChange> = new Map(),
): DesiredState {
  const docs: Doc[] = withLiveChanges(
    parseAllDocuments(renderedYaml).map((d) => d.toJS()),
    liveChanges,
  );
  const errors: string[] = [];
  const services: DesiredService[] = [];
  const canaries: DesiredCanary[] = [];
  const domainMappings = new Map<string, string>();
  const configMaps = new Map<string, Record<string, string>>();
  const autoscalerConfig = readClusterAutoscalerConfig(docs, (e) => errors.push(e));

  for (const doc of docs) {
    if (!doc) continue;
    const where = `${doc.kind}/${doc.metadata?.name}`;
    switch (doc.kind) {
      case "Service":
        if (doc.apiVersion !== "serving.knative.dev/v1") break; // a plain Kubernetes Service is not ours
        services.push(...readService(doc, autoscalerConfig, (e) => errors.push(`${where}: validation failed: ${e}`)));
        break;
      case "Canary":
        canaries.push(readCanary(doc));
        break;
      case "DomainMapping":
        domainMappings.set(doc.metadata.name, doc.spec?.ref?.name);
        break;
      case "ConfigMap":
        if (isClusterAutoscalerConfig(doc)) break; // Knative's, not the functions'
        configMaps.set(doc.metadata.name, doc.data ?? {});
        break;
    }
  }
  const serviceNames = new Set(
    docs.filter((d) => d?.kind === "Service" && d.apiVersion === "serving.knative.dev/v1").map((d) => d.metadata?.name),
  );
  for (const [domain, service] of domainMappings) {
    if (!serviceNames.has(service)) errors.push(`DomainMapping/${domain}: Service "${service}" not found`);
  }
  if (errors.length > 0) throw new InvalidManifestError(errors.join("\n"));
  return { services, canaries, domainMappings, configMaps, autoscalerConfig };
}

const isClusterAutoscalerConfig = (doc: Doc) =>
  doc?.kind === "ConfigMap" &&
  doc.metadata?.name === CONFIG_AUTOSCALER.name &&
  doc.metadata?.namespace === CONFIG_AUTOSCALER.namespace;

/** config-autoscaler, validated as Knative's configmap webhook does; Knative's defaults when there is none. */
function readClusterAutoscalerConfig(docs: Doc[], fail: (message: string) => void): AutoscalerConfig {
  const doc = docs.find(isClusterAutoscalerConfig);
  if (!doc) return defaultAutoscalerConfig;
  try {
    return readAutoscalerConfig(doc.data ?? {});
  } catch (error) {
    fail(`ConfigMap/${CONFIG_AUTOSCALER.name}: validation failed: ${error instanceof Error ? error.message : error}`);
    return defaultAutoscalerConfig;
  }
}

function readService(doc: Doc, cluster: AutoscalerConfig, fail: (message: string) => void): DesiredService[] {
  const own = Object.keys(doc.metadata?.annotations ?? {}).filter((k) => k.startsWith(PREFIX));
  if (own.length > 0) {
    fail(
      `autoscaling annotations must be put under "spec.template.metadata.annotations" to work: metadata.annotations`,
    );
  }
  const template = doc.spec?.template ?? {};
  const spec = template.spec ?? {};
  const container = spec.containers?.[0] ?? {};
  const containerConcurrency = spec.containerConcurrency ?? 0;
  const timeoutSeconds = spec.timeoutSeconds ?? 300;
  const annotations: Record<string, string> = template.metadata?.annotations ?? {};
  const problems: string[] = [];
  if (!Number.isInteger(containerConcurrency) || containerConcurrency < 0 || containerConcurrency > 1000) {
    problems.push(`expected 0 <= ${containerConcurrency} <= 1000: spec.template.spec.containerConcurrency`);
  }
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 0 || timeoutSeconds > 600) {
    problems.push(`expected 0 <= ${timeoutSeconds} <= 600: spec.template.spec.timeoutSeconds`);
  }
  const { settings, errors } = readAutoscaling(annotations, containerConcurrency, cluster);
  const traffic: TrafficTarget[] = doc.spec?.traffic ?? [];
  const rollout = readRolloutDuration(doc.metadata?.annotations?.[ROLLOUT_DURATION]);
  const progressDeadline = readProgressDeadline(annotations[PROGRESS_DEADLINE]);
  problems.push(...errors, ...validateTraffic(traffic), ...rollout.errors, ...progressDeadline.errors);
  for (const problem of problems) fail(problem);
  if (problems.length > 0 || own.length > 0) return [];
  return [
    {
      name: doc.metadata.name,
      namespace: doc.metadata.namespace ?? "default",
      templateDigest: createHash("sha256").update(stableJson(template)).digest("hex").slice(0, 16),
      annotations,
      autoscaling: settings,
      containerConcurrency,
      timeoutSeconds,
      env: container.env ?? [],
      envFrom: container.envFrom ?? [],
      readinessPath: container.readinessProbe?.httpGet?.path ?? "/",
      livenessPath: container.livenessProbe?.httpGet?.path ?? "/",
      traffic,
      rolloutDurationMs: rollout.ms,
      progressDeadlineMs: progressDeadline.ms,
    },
  ];
}

/** Knative's ValidateRolloutDurationAnnotation. */
function readRolloutDuration(raw: string | undefined): { ms: number; errors: string[] } {
  if (raw === undefined) return { ms: 0, errors: [] };
  const ms = parseGoDuration(raw);
  if (ms === undefined) return { ms: 0, errors: [`invalid value: ${raw}: metadata.annotations.${ROLLOUT_DURATION}`] };
  if (ms < 0)
    return { ms: 0, errors: [`rollout-duration=${raw} must be positive: metadata.annotations.${ROLLOUT_DURATION}`] };
  return { ms, errors: [] };
}

function readCanary(doc: Doc): DesiredCanary {
  const analysis = doc.spec?.analysis ?? {};
  const metric = (name: string) => (analysis.metrics ?? []).find((m: Doc) => m.name === name)?.thresholdRange;
  return {
    name: doc.metadata.name,
    service: doc.spec?.targetRef?.name,
    intervalMs: parseFlaggerInterval(analysis.interval ?? "1m"),
    threshold: analysis.threshold ?? 5,
    maxWeight: analysis.maxWeight ?? 50,
    stepWeight: analysis.stepWeight ?? 10,
    ...(metric("request-success-rate")?.min !== undefined
      ? { minSuccessRate: metric("request-success-rate").min }
      : {}),
    ...(metric("request-duration")?.max !== undefined ? { maxDurationMs: metric("request-duration").max } : {}),
  };
}

/** "10s", "1m", "2h" (Flagger's intervals). */
function parseFlaggerInterval(text: string): number {
  const match = /^(\d+)(s|m|h)$/.exec(String(text));
  if (!match) return 60_000;
  return Number(match[1]) * { s: 1000, m: 60_000, h: 3_600_000 }[match[2] as "s" | "m" | "h"];
}

/** JSON with sorted keys, so equal templates digest equally whatever the key order. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}
