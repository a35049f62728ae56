/** What k6 is given and what the report states about a run (pure). */
import type { AutoscalingSettings } from "@platform/local/contract";
import type { Platform } from "./platform.ts";
import type { ScenarioPlan } from "./scenarios.ts";

/** The scenario's k6 variables (the environment overrides the defaults) and where the functions are. */
export function k6EnvFor(
  plan: ScenarioPlan,
  target: Platform["target"],
  env: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const overridden = Object.fromEntries(Object.entries(plan.k6Env).map(([key, value]) => [key, env[key] ?? value]));
  return {
    ...overridden,
    BASE_URL: target.baseUrl,
    NAMESPACE: target.namespace,
    DOMAIN: target.domain,
    ...(target.apiKey ? { API_KEY: target.apiKey } : {}),
  };
}

/** The service's scaling as the platform read it, the platform's own settings, and the k6 variables (no secrets). */
export function settingsOf(
  plan: ScenarioPlan,
  autoscaling: Partial<AutoscalingSettings> | undefined,
  platformSettings: Record<string, string>,
  k6Env: Record<string, string>,
): Record<string, string> {
  const settings: Record<string, string> = {};
  if (autoscaling) {
    const seconds = (ms: number | undefined) => `${Number(ms) / 1000} s`;
    settings["target per replica"] = `${autoscaling.targetValue} in flight (of ${autoscaling.totalValue})`;
    settings["stable window"] = seconds(autoscaling.stableWindowMs);
    settings["panic window"] = seconds(autoscaling.panicWindowMs);
    settings["min/max scale"] = `${autoscaling.minScale}/${autoscaling.maxScale}`;
  }
  Object.assign(settings, platformSettings);
  for (const [key, value] of Object.entries(k6Env)) {
    if (key !== "API_KEY") settings[`k6 ${key}`] = value;
  }
  settings["k6 script"] = `loadtest/scenarios/${plan.script}`;
  return settings;
}
