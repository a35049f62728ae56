/**
 * Writes the manifests the flux role applies, from Flux's controllers'
 * modules at the versions pinned in versions.yml.
 *   controllers --out <dir> --controller <name>... [--cpu-request <controller>=<cpu>]...
 *               [--arg <controller>=<flag>]... [--host-network <controller>=<metrics port>,<health port>]...
 *       flux-crds.yaml         the controllers' CRDs
 *       flux-controllers.yaml  the flux-system namespace, accounts, RBAC, Deployments, Service
 *     Each controller's version is versions.yml's flux_<name, with _ for ->_version.
 *   sync --out <dir> --url <git url> --branch <branch> --path <path in the repository> [--secret <name>]
 *       flux-sync.yaml         the GitRepository flux-system (with the Secret holding the
 *                              credentials to push, when given) and the Kustomization that applies <path>
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { moduleDir, namedValues, readObjects, versions, write } from "../module-manifests.ts";
import { type ControllerSettings, type ControllerSources, renderFlux, renderSync } from "./render.ts";

const USAGE = `usage: generate.ts controllers --out <dir> --controller <name>... [--cpu-request <controller>=<cpu>]...
                   [--arg <controller>=<flag>]... [--host-network <controller>=<metrics port>,<health port>]...
       generate.ts sync --out <dir> --url <git url> --branch <branch> --path <path> [--secret <name>]`;

function usage(problem?: string): never {
  console.error(problem ? `${problem}\n${USAGE}` : USAGE);
  process.exit(2);
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    out: { type: "string" },
    url: { type: "string" },
    branch: { type: "string" },
    path: { type: "string" },
    secret: { type: "string" },
    controller: { type: "string", multiple: true, default: [] },
    "host-network": { type: "string", multiple: true, default: [] },
    "cpu-request": { type: "string", multiple: true, default: [] },
    arg: { type: "string", multiple: true, default: [] },
  },
});
const [what] = positionals;
const out = values.out;
if (!out || (what !== "controllers" && what !== "sync")) usage();
mkdirSync(out, { recursive: true });

if (what === "sync") {
  const { url, branch, path } = values;
  if (!url || !branch || !path) usage("sync needs --url, --branch and --path");
  write(join(out, "flux-sync.yaml"), renderSync({ url, branch, path, secretRef: values.secret }));
} else {
  const pinned = versions();
  const controller = (name: string): ControllerSources => {
    const versionKey = `flux_${name.replaceAll("-", "_")}_version`;
    const version = pinned[versionKey];
    if (!version) throw new Error(`versions.yml has no ${versionKey}`);
    const dir = moduleDir(`github.com/fluxcd/${name}`, version);
    const [role] = readObjects(join(dir, "config/rbac/role.yaml"));
    const [leaderElectionRole] = readObjects(join(dir, "config/rbac/leader_election_role.yaml"));
    if (!role || !leaderElectionRole) throw new Error(`${name} ${version}: config/rbac lacks its roles`);
    return {
      name,
      version,
      crds: readObjects(join(dir, "config/crd/bases")),
      manager: readObjects(join(dir, "config/manager")).filter((o) => o.kind === "Deployment" || o.kind === "Service"),
      role,
      leaderElectionRole,
    };
  };
  const settings: Record<string, ControllerSettings> = {};
  const setting = (name: string) => {
    settings[name] ??= {};
    return settings[name];
  };
  let cpuRequests: Record<string, string> = {};
  try {
    cpuRequests = namedValues("cpu-request", "controller", values["cpu-request"] ?? []);
  } catch (error) {
    usage((error as Error).message);
  }
  for (const [name, cpu] of Object.entries(cpuRequests)) setting(name).cpuRequest = cpu;
  for (const pair of values.arg ?? []) {
    const at = pair.indexOf("=");
    if (at <= 0 || !pair.slice(at + 1).startsWith("--")) usage(`--arg ${pair}: expected <controller>=--<flag>`);
    const s = setting(pair.slice(0, at));
    s.args = [...(s.args ?? []), pair.slice(at + 1)];
  }
  for (const pair of values["host-network"] ?? []) {
    const match = /^([a-z-]+)=(\d+),(\d+)$/.exec(pair);
    if (!match) usage(`--host-network ${pair}: expected <controller>=<metrics port>,<health port>`);
    setting(match[1] as string).hostNetwork = { metricsPort: Number(match[2]), healthPort: Number(match[3]) };
  }
  const names = values.controller ?? [];
  if (names.length === 0) usage("controllers needs at least one --controller");
  const { crds, controllers } = renderFlux(names.map(controller), settings);
  write(join(out, "flux-crds.yaml"), crds);
  write(join(out, "flux-controllers.yaml"), controllers);
}
