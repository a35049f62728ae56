import type { EnvVar } from "../desired/desired-state.ts";

/**
 * A container's environment as the kubelet would build it: envFrom ConfigMaps
 * first, then env entries (values, configMapKeyRef, secretKeyRef). Secrets are
 * the platform's own (locally: the URLs of the embedded database and cache).
 * A required key that is missing is an error naming it.
 */
export function resolveEnvironment(
  env: EnvVar[],
  envFrom: unknown[],
  configMaps: Map<string, Record<string, string>>,
  secrets: Map<string, Record<string, string>>,
): Record<string, string> {
  const result: Record<string, string> = {};
  for (const source of envFrom as { configMapRef?: { name: string }; secretRef?: { name: string } }[]) {
    const from = source.configMapRef
      ? configMaps.get(source.configMapRef.name)
      : source.secretRef
        ? secrets.get(source.secretRef.name)
        : undefined;
    Object.assign(result, from ?? {});
  }
  for (const variable of env) {
    if (variable.value !== undefined) {
      result[variable.name] = variable.value;
      continue;
    }
    const ref = variable.valueFrom as { configMapKeyRef?: KeyRef; secretKeyRef?: KeyRef } | undefined;
    const [store, key] = ref?.configMapKeyRef
      ? [configMaps, ref.configMapKeyRef]
      : ref?.secretKeyRef
        ? [secrets, ref.secretKeyRef]
        : [undefined, undefined];
    if (!store || !key) continue;
    const value = store.get(key.name)?.[key.key];
    if (value !== undefined) result[variable.name] = value;
    else if (!key.optional) throw new Error(`${variable.name}: key "${key.key}" not found in "${key.name}"`);
  }
  return result;
}

interface KeyRef {
  name: string;
  key: string;
  optional?: boolean;
}
