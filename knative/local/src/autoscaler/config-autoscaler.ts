/**
 * The cluster-level autoscaler settings: the `config-autoscaler` ConfigMap of
 * namespace knative-serving, read with Knative's keys, defaults and validation
 * messages (knative.dev/serving v0.51.0 pkg/autoscaler/config/config.go).
 * Keys Knative does not know are ignored, as Knative ignores them (`_example`).
 */
import { formatGoDuration, parseGoDuration } from "./go-duration.ts";

export const CONFIG_AUTOSCALER = { name: "config-autoscaler", namespace: "knative-serving" } as const;

export interface AutoscalerConfig {
  enableScaleToZero: boolean;
  allowZeroInitialScale: boolean;
  /** A fraction in (0, 1]: the ConfigMap's percentage (or legacy fraction). */
  containerConcurrencyTargetFraction: number;
  containerConcurrencyTargetDefault: number;
  /** Fixed at 0.7 in Knative: the utilization `metric: rps` targets. */
  targetUtilization: number;
  rpsTargetDefault: number;
  targetBurstCapacity: number;
  activatorCapacity: number;
  maxScaleUpRate: number;
  maxScaleDownRate: number;
  panicWindowPercentage: number;
  panicThresholdPercentage: number;
  stableWindowMs: number;
  scaleToZeroGracePeriodMs: number;
  scaleToZeroPodRetentionPeriodMs: number;
  scaleDownDelayMs: number;
  podAutoscalerClass: string;
  initialScale: number;
  minScale: number;
  /** 0 is unlimited. */
  maxScale: number;
  maxScaleLimit: number;
}

export const defaultAutoscalerConfig: Readonly<AutoscalerConfig> = Object.freeze({
  enableScaleToZero: true,
  allowZeroInitialScale: false,
  containerConcurrencyTargetFraction: 0.7,
  containerConcurrencyTargetDefault: 100,
  targetUtilization: 0.7,
  rpsTargetDefault: 200,
  targetBurstCapacity: 211,
  activatorCapacity: 100,
  maxScaleUpRate: 1000,
  maxScaleDownRate: 2,
  panicWindowPercentage: 10,
  panicThresholdPercentage: 200,
  stableWindowMs: 60_000,
  scaleToZeroGracePeriodMs: 30_000,
  scaleToZeroPodRetentionPeriodMs: 0,
  scaleDownDelayMs: 0,
  podAutoscalerClass: "kpa.autoscaling.knative.dev",
  initialScale: 1,
  minScale: 0,
  maxScale: 0,
  maxScaleLimit: 0,
});

const TARGET_MIN = 0.01;
const WINDOW_MIN_MS = 6_000;
const WINDOW_MAX_MS = 3_600_000;

/** The ConfigMap's data as Knative reads it; throws an Error with Knative's message when it would refuse it. */
export function readAutoscalerConfig(data: Record<string, string | undefined> = {}): AutoscalerConfig {
  const lc: AutoscalerConfig = { ...defaultAutoscalerConfig };
  const parseError = (key: string, detail: string) =>
    new Error(`failed to parse data: failed to parse "${key}": ${detail}`);
  const read = <T>(key: string, parse: (raw: string) => T | string): T | undefined => {
    const raw = data[key];
    if (raw === undefined) return undefined;
    const value = parse(raw);
    if (typeof value === "string") throw parseError(key, value);
    return value;
  };
  const float = (raw: string) =>
    /^[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?|[Ii]nf(inity)?)$/.test(raw.trim())
      ? Number(raw.trim().replace(/^([+-]?)inf(inity)?$/i, "$1Infinity"))
      : `strconv.ParseFloat: parsing ${JSON.stringify(raw)}: invalid syntax`;
  const int32 = (raw: string) => {
    if (!/^[+-]?\d+$/.test(raw)) return `strconv.ParseInt: parsing ${JSON.stringify(raw)}: invalid syntax`;
    const n = Number(raw);
    return Math.abs(n) > 2_147_483_647 ? `strconv.ParseInt: parsing ${JSON.stringify(raw)}: value out of range` : n;
  };
  const bool = (raw: string) => {
    if (["1", "t", "T", "TRUE", "true", "True"].includes(raw)) return true;
    if (["0", "f", "F", "FALSE", "false", "False"].includes(raw)) return false;
    return `strconv.ParseBool: parsing ${JSON.stringify(raw)}: invalid syntax`;
  };
  const duration = (raw: string) => parseGoDuration(raw) ?? `time: invalid duration ${JSON.stringify(raw)}`;

  lc.podAutoscalerClass = data["pod-autoscaler-class"] ?? lc.podAutoscalerClass;
  lc.enableScaleToZero = read("enable-scale-to-zero", bool) ?? lc.enableScaleToZero;
  lc.allowZeroInitialScale = read("allow-zero-initial-scale", bool) ?? lc.allowZeroInitialScale;
  lc.maxScaleUpRate = read("max-scale-up-rate", float) ?? lc.maxScaleUpRate;
  lc.maxScaleDownRate = read("max-scale-down-rate", float) ?? lc.maxScaleDownRate;
  lc.containerConcurrencyTargetFraction =
    read("container-concurrency-target-percentage", float) ?? lc.containerConcurrencyTargetFraction;
  lc.containerConcurrencyTargetDefault =
    read("container-concurrency-target-default", float) ?? lc.containerConcurrencyTargetDefault;
  lc.rpsTargetDefault = read("requests-per-second-target-default", float) ?? lc.rpsTargetDefault;
  lc.targetBurstCapacity = read("target-burst-capacity", float) ?? lc.targetBurstCapacity;
  lc.panicWindowPercentage = read("panic-window-percentage", float) ?? lc.panicWindowPercentage;
  lc.activatorCapacity = read("activator-capacity", float) ?? lc.activatorCapacity;
  lc.panicThresholdPercentage = read("panic-threshold-percentage", float) ?? lc.panicThresholdPercentage;
  lc.initialScale = read("initial-scale", int32) ?? lc.initialScale;
  lc.minScale = read("min-scale", int32) ?? lc.minScale;
  lc.maxScale = read("max-scale", int32) ?? lc.maxScale;
  lc.maxScaleLimit = read("max-scale-limit", int32) ?? lc.maxScaleLimit;
  lc.stableWindowMs = read("stable-window", duration) ?? lc.stableWindowMs;
  lc.scaleDownDelayMs = read("scale-down-delay", duration) ?? lc.scaleDownDelayMs;
  lc.scaleToZeroGracePeriodMs = read("scale-to-zero-grace-period", duration) ?? lc.scaleToZeroGracePeriodMs;
  lc.scaleToZeroPodRetentionPeriodMs =
    read("scale-to-zero-pod-retention-period", duration) ?? lc.scaleToZeroPodRetentionPeriodMs;

  // Percentages above 1 are percent; (0, 1] is the legacy fraction.
  if (lc.containerConcurrencyTargetFraction > 1) lc.containerConcurrencyTargetFraction /= 100;
  const problem = validationProblem(lc);
  if (problem) throw new Error(problem);
  return lc;
}

function validationProblem(lc: AutoscalerConfig): string | undefined {
  const d = formatGoDuration;
  if (lc.scaleToZeroGracePeriodMs <= 0)
    return `scale-to-zero-grace-period must be positive, was: ${d(lc.scaleToZeroGracePeriodMs)}`;
  if (lc.scaleDownDelayMs < 0) return `scale-down-delay cannot be negative, was: ${d(lc.scaleDownDelayMs)}`;
  if (lc.scaleDownDelayMs % 1000 !== 0)
    return `scale-down-delay = ${d(lc.scaleDownDelayMs)}, must be specified with at most second precision`;
  if (lc.scaleToZeroPodRetentionPeriodMs < 0)
    return `scale-to-zero-pod-retention-period cannot be negative, was: ${d(lc.scaleToZeroPodRetentionPeriodMs)}`;
  if (lc.targetBurstCapacity < 0 && lc.targetBurstCapacity !== -1)
    return `target-burst-capacity must be either non-negative or -1 (for unlimited), was: ${lc.targetBurstCapacity.toFixed(6)}`;
  const fraction = lc.containerConcurrencyTargetFraction;
  if (fraction <= 0 || fraction > 1)
    return `container-concurrency-target-percentage = ${fraction.toFixed(6)} is outside of valid range of (0, 100]`;
  const target = fraction * lc.containerConcurrencyTargetDefault;
  if (target < TARGET_MIN)
    return `container-concurrency-target-percentage and container-concurrency-target-default yield target concurrency of ${goFloat(target)}, can't be less than ${TARGET_MIN}`;
  if (lc.rpsTargetDefault < TARGET_MIN)
    return `requests-per-second-target-default must be at least ${TARGET_MIN}, was: ${goFloat(lc.rpsTargetDefault)}`;
  if (lc.activatorCapacity < 1) return `activator-capacity = ${goFloat(lc.activatorCapacity)}, must be at least 1`;
  if (lc.maxScaleUpRate <= 1) return `max-scale-up-rate = ${goFloat(lc.maxScaleUpRate)}, must be greater than 1.0`;
  if (lc.maxScaleDownRate <= 1)
    return `max-scale-down-rate = ${goFloat(lc.maxScaleDownRate)}, must be greater than 1.0`;
  if (lc.stableWindowMs < WINDOW_MIN_MS || lc.stableWindowMs > WINDOW_MAX_MS)
    return `stable-window = ${d(lc.stableWindowMs)}, must be in [${d(WINDOW_MIN_MS)}; ${d(WINDOW_MAX_MS)}] range`;
  if (lc.stableWindowMs % 1000 !== 0)
    return `stable-window = ${d(lc.stableWindowMs)}, must be specified with at most second precision`;
  if (lc.panicWindowPercentage < 1 || lc.panicWindowPercentage > 100)
    return `panic-window-percentage = ${goFloat(lc.panicWindowPercentage)}, must be in [1, 100] interval`;
  if (lc.initialScale < 0 || (lc.initialScale === 0 && !lc.allowZeroInitialScale))
    return `initial-scale = ${lc.initialScale}, must be at least 0 (or at least 1 when allow-zero-initial-scale is false)`;
  if (lc.minScale < 0) return `min-scale = ${lc.minScale}, must be at least 0`;
  const minMaxScale = lc.maxScaleLimit > 0 ? 1 : 0;
  if (lc.maxScale < minMaxScale || (lc.maxScaleLimit > 0 && lc.maxScale > lc.maxScaleLimit))
    return `max-scale = ${lc.maxScale}, must be in [${minMaxScale}, max-scale-limit(${lc.maxScaleLimit})] range`;
  if (lc.maxScaleLimit < 0) return `max-scale-limit = ${lc.maxScaleLimit}, must be at least 0`;
  if (lc.minScale > lc.maxScale && lc.maxScale > 0)
    return `min-scale (${lc.minScale}) must be less than max-scale (${lc.maxScale})`;
  return undefined;
}

/** Go's %v of a float64: exponent form below 1e-4 and from 1e21, as Go prints it. */
function goFloat(x: number): string {
  const abs = Math.abs(x);
  if (x !== 0 && (abs < 1e-4 || abs >= 1e21)) {
    const [mantissa, exponent] = x.toExponential().split("e") as [string, string];
    const sign = exponent.startsWith("-") ? "-" : "+";
    return `${mantissa}e${sign}${exponent.replace(/^[+-]/, "").padStart(2, "0")}`;
  }
  return String(x);
}
