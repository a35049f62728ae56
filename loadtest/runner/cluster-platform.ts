/**
 * A cluster as the runner's platform (BASE_URL set): k6 goes to its ingress;
 * replicas, split and answers come from Prometheus (PROMETHEUS_URL) when
 * given; releases are made by the commands the environment names, because on
 * a cluster a release is the team's own procedure (a commit Flux applies, or
 * `kn service update`). Not run on this machine: there is no cluster here.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { Platform, ReleaseKind } from "./platform.ts";
import { prometheusSampler } from "./prometheus.ts";

const RELEASE_COMMANDS: Record<ReleaseKind, string> = {
  new: "RELEASE_COMMAND",
  faulty: "FAULTY_RELEASE_COMMAND",
  healthy: "HEALTHY_RELEASE_COMMAND",
};

/** The variables naming release commands that a scenario needs and the environment lacks. */
export function missingReleaseCommands(kinds: readonly ReleaseKind[], env: NodeJS.ProcessEnv): string[] {
  return kinds.map((kind) => RELEASE_COMMANDS[kind]).filter((variable) => !env[variable]);
}

export function clusterPlatform(env: NodeJS.ProcessEnv): Platform {
  const baseUrl = env.BASE_URL as string;
  const namespace = env.NAMESPACE ?? "default";
  const prometheusUrl = env.PROMETHEUS_URL;
  const sample = prometheusUrl ? prometheusSampler(prometheusUrl, namespace) : async () => undefined;
  return {
    description: `the cluster behind ${baseUrl}${prometheusUrl ? `, metrics from ${prometheusUrl}` : " (no PROMETHEUS_URL: k6's side only)"}`,
    settings: {},
    target: {
      baseUrl,
      namespace,
      domain: env.DOMAIN ?? "example.com",
      ...(env.API_KEY ? { apiKey: env.API_KEY } : {}),
    },
    state: sample,
    async release(service, kind) {
      const variable = RELEASE_COMMANDS[kind];
      const command = env[variable];
      if (!command) {
        throw new Error(
          `set ${variable} to the command that releases a ${kind === "new" ? "new" : kind} revision of ${service} (see docs/load-testing.md)`,
        );
      }
      await promisify(execFile)("sh", ["-c", command], { env: { ...env, SERVICE: service } });
      return command;
    },
    close: async () => {},
  };
}
