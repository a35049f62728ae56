/** `npm run cluster -- <command>`: what the user asked for, parsed without side effects. */
import { parseArgs } from "node:util";

export type ClusterCommand =
  | { kind: "up"; tags: string[]; verbose: boolean }
  | { kind: "down"; purge: boolean }
  | { kind: "gitops"; path: string; verbose: boolean }
  | { kind: "status" }
  | { kind: "kubeconfig" }
  | { kind: "help" };

export const USAGE = `usage: npm run cluster -- <command>

  up [--only <role>[,<role>]] [-v]   build (cached) and start the cluster, then deploy the platform
                                     roles: container_runtime, image_registry, images, kubernetes, cluster_dns,
                                     knative_serving, ingress, monitoring, flagger,
                                     git_server (once gitops has made it), platform
  down [--purge]                     stop everything; --purge also deletes the cluster's state
  gitops [--path <dir>] [-v]         Flux on the cluster, reconciling <dir> (default flux/clusters/one-machine) from the
                                     clone's HEAD, pushed to the cluster's Git server
  status                             the node, the services, every Knative Service, Flagger canary and Flux object
  kubeconfig                         the admin kubeconfig's path (export KUBECONFIG=$(...))`;

export const DEFAULT_GITOPS_PATH = "flux/clusters/one-machine";

export const ROLES = [
  "container_runtime",
  "image_registry",
  "images",
  "kubernetes",
  "cluster_dns",
  "knative_serving",
  "ingress",
  "monitoring",
  "flagger",
  "git_server",
  "platform",
] as const;

export function parseCommand(args: string[]): ClusterCommand | { error: string } {
  const [name, ...rest] = args;
  try {
    switch (name) {
      case undefined:
      case "help":
      case "--help":
      case "-h":
        return { kind: "help" };
      case "up": {
        const { values } = parseArgs({
          args: rest,
          options: { only: { type: "string" }, verbose: { type: "boolean", short: "v", default: false } },
        });
        const tags = values.only ? values.only.split(",").map((t) => t.trim()) : [];
        const unknown = tags.filter((t) => !(ROLES as readonly string[]).includes(t));
        if (unknown.length > 0) {
          return { error: `--only: no role named ${unknown.join(", ")}; the roles are ${ROLES.join(", ")}` };
        }
        return { kind: "up", tags, verbose: values.verbose ?? false };
      }
      case "down": {
        const { values } = parseArgs({ args: rest, options: { purge: { type: "boolean", default: false } } });
        return { kind: "down", purge: values.purge ?? false };
      }
      case "gitops": {
        const { values } = parseArgs({
          args: rest,
          options: {
            path: { type: "string", default: DEFAULT_GITOPS_PATH },
            verbose: { type: "boolean", short: "v", default: false },
          },
        });
        const path = (values.path ?? DEFAULT_GITOPS_PATH).replace(/^\.\//, "").replace(/\/+$/, "");
        if (path === "" || path.startsWith("/") || path.split("/").includes("..")) {
          return {
            error: `--path ${values.path}: give a directory inside the repository, such as ${DEFAULT_GITOPS_PATH}`,
          };
        }
        return { kind: "gitops", path, verbose: values.verbose ?? false };
      }
      case "status":
      case "kubeconfig":
        parseArgs({ args: rest, options: {} });
        return { kind: name };
      default:
        return { error: `unknown command "${name}"\n\n${USAGE}` };
    }
  } catch (err) {
    return { error: `${name}: ${(err as Error).message}\n\n${USAGE}` };
  }
}
