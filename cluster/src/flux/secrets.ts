/**
 * The platform's Secrets as Flux applies them from Git: one manifest per
 * Secret, made from the cluster's env files (cluster/manifests/dev/make-secrets.sh),
 * which SOPS then encrypts for the cluster's age key (seal.ts). Pure.
 */
import type { KubeObject } from "../knative/render.ts";

/** The environments flux/ declares (flux/environments/<env>), each with its own sealed Secrets. */
export const ENVIRONMENTS = ["dev", "test", "prod"] as const;

/** Every Secret an environment needs, in the order make-secrets.sh makes them. */
export const PLATFORM_SECRETS = ["postgres-passwords", "redis-password", "platform-secrets", "platform-demo"] as const;

/** What SOPS encrypts in a Secret: its values; names, labels and keys stay readable for review. */
export const ENCRYPTED_REGEX = "^(data|stringData)$";

/** The folder of an environment's sealed Secrets, which its `<env>-secrets` Kustomization applies. */
export const sealedDir = (env: string) => `flux/secrets/${env}`;

/** KEY=value lines as make-secrets.sh writes them; `file` names the source in errors. */
export function parseEnvFile(text: string, file: string): Record<string, string> {
  const values: Record<string, string> = {};
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "" || line.startsWith("#")) return;
    const at = line.indexOf("=");
    const key = line.slice(0, at);
    if (at <= 0 || !/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(key)) {
      throw new Error(`${file}:${i + 1}: expected KEY=value, got "${line.slice(0, 40)}"`);
    }
    if (key in values) throw new Error(`${file}:${i + 1}: ${key} is set twice`);
    values[key] = line.slice(at + 1);
  });
  if (Object.keys(values).length === 0) throw new Error(`${file}: no KEY=value line`);
  return values;
}

/** The Secret as the dev overlay's secretGenerator made it (same name, labels and keys), in `namespace`. */
export function secretManifest(name: string, namespace: string, values: Record<string, string>): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name, namespace, labels: { "app.kubernetes.io/part-of": "platform-data" } },
    type: "Opaque",
    stringData: values,
  };
}

/** An age recipient (public key) as age-keygen prints it: "age1" and 58 bech32 characters. */
export const isAgeRecipient = (s: string) => /^age1[02-9ac-hj-np-z]{58}$/.test(s);
