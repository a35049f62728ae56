/**
 * The per-revision autoscaling annotations (spec.template.metadata.annotations),
 * read and validated as Knative does, with Knative's own error messages.
 * (knative/serving pkg/apis/autoscaling/annotation_validation.go; the numbers
 * are in ../shared/facts/knative.md.)
 */
import { type AutoscalerConfig, defaultAutoscalerConfig } from "./config-autoscaler.ts";
import { formatGoDuration, parseGoDuration } from "./go-duration.ts";

export const PREFIX = "autoscaling.knative.dev/";
const PATH = "spec.template.metadata.annotations.";
const WINDOW_MIN_MS = 6_000;
const WINDOW_MAX_MS = 3_600_000;
const KPA = "kpa.autoscaling.knative.dev";
const HPA = "hpa.autoscaling.knative.dev";

// The shape the control API reports (its contract module has no dependencies).
import type { AutoscalingSettings } from "../control-api/contract.ts";

export type { AutoscalingSettings };

export type Annotations = Record<string, string | undefined>;

/** Every problem, each as Knative words it; empty when the annotations are valid. */
export function validateAutoscalingAnnotations(annotations: Annotations): string[] {
  return readAutoscaling(annotations, 0).errors;
}

/**
 * The settings a revision scales by; `containerConcurrency` 0 means unlimited.
 * What the annotations leave unset comes from the cluster's config-autoscaler.
 */
export function readAutoscaling(
  annotations: Annotations,
  containerConcurrency: number,
  cluster: AutoscalerConfig = defaultAutoscalerConfig,
): { settings: AutoscalingSettings; errors: string[] } {
  const errors: string[] = [];
  const get = (key: string) => annotations[PREFIX + key];
  const invalid = (key: string, value: string) => errors.push(`invalid value: ${value}: ${PATH}${PREFIX}${key}`);
  const outOfBounds = (key: string, value: string, low: string | number, high: string | number) =>
    errors.push(`expected ${low} <= ${value} <= ${high}: ${PATH}${PREFIX}${key}`);

  const number = (key: string, fallback: number, check?: (n: number, raw: string) => boolean): number => {
    const raw = get(key);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (raw.trim() === "" || !Number.isFinite(n)) {
      invalid(key, raw);
      return fallback;
    }
    return check && !check(n, raw) ? fallback : n;
  };
  const wholeAtLeastZero = (key: string, fallback: number): number => {
    const raw = get(key);
    if (raw === undefined) return fallback;
    if (!/^[+-]?\d+$/.test(raw)) {
      invalid(key, raw);
      return 0;
    }
    const n = Number(raw);
    if (n < 0 || n > 2_147_483_647) {
      outOfBounds(key, raw, 0, 2_147_483_647);
      return 0;
    }
    return n;
  };
  const duration = (key: string, fallback: number, minMs: number, wholeSeconds: "truncate" | "round" | false) => {
    const raw = get(key);
    if (raw === undefined) return fallback;
    const ms = parseGoDuration(raw);
    if (ms === undefined) {
      invalid(key, raw);
      return fallback;
    }
    if (ms < minMs || ms > WINDOW_MAX_MS) {
      outOfBounds(key, raw, formatGoDuration(minMs), formatGoDuration(WINDOW_MAX_MS));
      return fallback;
    }
    if (wholeSeconds && ms % 1000 !== 0) {
      errors.push(`must be specified with at most second precision: ${PATH}${PREFIX}${key}`);
      return fallback;
    }
    return ms;
  };

  const classValue = get("class") ?? cluster.podAutoscalerClass;
  if (classValue.endsWith("autoscaling.knative.dev") && classValue !== KPA && classValue !== HPA) {
    invalid("class", classValue);
  }
  const metricValue = get("metric") ?? "concurrency";
  if (metricValue !== "concurrency" && metricValue !== "rps") invalid("metric", metricValue);
  const metric = metricValue === "rps" ? "rps" : "concurrency";

  const minScale = wholeAtLeastZero("min-scale", cluster.minScale);
  const maxScale = wholeAtLeastZero("max-scale", cluster.maxScale);
  if (maxScale !== 0 && maxScale < minScale) {
    errors.push(
      `max-scale=${maxScale} is less than min-scale=${minScale}: ${PATH}${PREFIX}max-scale, ${PATH}${PREFIX}min-scale`,
    );
  }
  let activationScale = 1;
  const activationRaw = get("activation-scale");
  if (activationRaw !== undefined) {
    if (!/^[+-]?\d+$/.test(activationRaw)) invalid("activation-scale", activationRaw);
    else {
      const n = Number(activationRaw);
      const at = `${PATH}${PREFIX}activation-scale`;
      if (minScale > n) errors.push(`min-scale=${minScale} is greater than min-activate-scale=${n}: ${at}`);
      else if (maxScale !== 0 && maxScale < n)
        errors.push(`max-scale=${maxScale} is less than min-activate-scale=${n}: ${at}`);
      else if (n < 2) errors.push(`min-activate-scale=${n} must be greater than 1: ${at}`);
      else activationScale = n;
    }
  }

  const panicWindowPercentage = number("panic-window-percentage", cluster.panicWindowPercentage, (n, raw) => {
    if (n >= 1 && n <= 100) return true;
    outOfBounds("panic-window-percentage", raw, 1, 100);
    return false;
  });
  const panicThresholdPercentage = number("panic-threshold-percentage", cluster.panicThresholdPercentage, (n, raw) => {
    if (n >= 110 && n <= 1000) return true;
    outOfBounds("panic-threshold-percentage", raw, 110, 1000);
    return false;
  });
  const target = number("target", Number.NaN, (n, raw) => {
    if (n >= 0.01) return true;
    errors.push(`target ${raw} should be at least 0.01: ${PATH}${PREFIX}target`);
    return false;
  });
  const utilizationPercentage = number("target-utilization-percentage", Number.NaN, (n, raw) => {
    if (n >= 1 && n <= 100) return true;
    outOfBounds("target-utilization-percentage", raw, 1, 100);
    return false;
  });
  const targetBurstCapacity = number("target-burst-capacity", cluster.targetBurstCapacity, (n, raw) => {
    if (n >= 0 || n === -1) return true;
    invalid("target-burst-capacity", raw);
    return false;
  });

  const stableWindowMs = duration("window", cluster.stableWindowMs, WINDOW_MIN_MS, "truncate");
  const scaleDownDelayMs = duration("scale-down-delay", cluster.scaleDownDelayMs, 0, "round");
  const scaleToZeroPodRetentionMs = duration(
    "scale-to-zero-pod-retention-period",
    cluster.scaleToZeroPodRetentionPeriodMs,
    0,
    false,
  );

  // GetInitialScale: the cluster's, unless the annotation sets one it allows.
  let initialScale = cluster.initialScale;
  const initialRaw = get("initial-scale");
  if (initialRaw !== undefined) {
    const n = Number(initialRaw);
    if (!/^[+-]?\d+$/.test(initialRaw)) invalid("initial-scale", initialRaw);
    else if (n < 0) errors.push(`invalid value: ${initialRaw}: ${PREFIX}initial-scale must be greater than 0`);
    else if (n === 0 && !cluster.allowZeroInitialScale)
      errors.push(`invalid value: ${initialRaw}: ${PREFIX}initial-scale=0 not allowed by cluster`);
    else initialScale = n;
  }

  // ResolveMetricTarget: capacity per replica is containerConcurrency, else the
  // cluster's default (requests per second for rps); the target annotation
  // overrides it, but never beyond containerConcurrency.
  let totalValue =
    metric === "rps"
      ? cluster.rpsTargetDefault
      : containerConcurrency > 0
        ? containerConcurrency
        : cluster.containerConcurrencyTargetDefault;
  if (Number.isFinite(target))
    totalValue = metric === "concurrency" && containerConcurrency > 0 ? Math.min(target, containerConcurrency) : target;
  const utilization = Number.isFinite(utilizationPercentage)
    ? utilizationPercentage / 100
    : metric === "rps"
      ? cluster.targetUtilization
      : cluster.containerConcurrencyTargetFraction;
  const targetValue = Math.max(0.01, totalValue * utilization);
  const panicWindowMs = Math.max(1000, Math.round((stableWindowMs * panicWindowPercentage) / 100 / 1000) * 1000);

  return {
    settings: {
      class: classValue === HPA ? "hpa" : "kpa",
      metric,
      targetValue,
      totalValue,
      targetBurstCapacity,
      stableWindowMs,
      panicWindowMs,
      panicThreshold: panicThresholdPercentage / 100,
      minScale,
      maxScale,
      initialScale,
      activationScale,
      scaleDownDelayMs,
      scaleToZeroPodRetentionMs,
    },
    errors,
  };
}
