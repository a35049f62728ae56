/**
 * Writes the manifests the knative_serving and ingress roles apply, from the
 * Go modules at the versions pinned in versions.yml (in the module cache after
 * cluster/build/knative.sh; `go mod download` fetches them otherwise).
 *   serving --out <dir> --configmaps <dir>
 *       serving-crds.yaml  Serving's, networking's and caching's CRDs
 *       serving-core.yaml  namespace, RBAC, ConfigMaps, Deployments, webhooks; the ConfigMaps of
 *                          knative/base/knative-serving and of --configmaps laid over the module's
 *   kourier --out <dir> [--http-node-port 31080] [--https-node-port 31443]
 *       kourier.yaml       Kourier's controller, the Envoy gateway, its Services (external on node ports)
 * usage: tsx cluster/src/knative/generate.ts serving|kourier --out <dir> ... [--cpu-request <deployment>=<cpu>]...
 *   --cpu-request  a Deployment's CPU request instead of the module's (repeatable)
 */
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  moduleDir,
  namedValues,
  parseObjects,
  readObjects,
  repo,
  requiredVersion,
  versions,
  write,
} from "../module-manifests.ts";
import { type ConfigMap, knativeImages, renderKourier, renderServing, withCpuRequests } from "./render.ts";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    out: { type: "string" },
    configmaps: { type: "string" },
    "http-node-port": { type: "string", default: "31080" },
    "https-node-port": { type: "string", default: "31443" },
    "cpu-request": { type: "string", multiple: true, default: [] },
  },
});
const [what] = positionals;
const out = values.out;
if ((what !== "serving" && what !== "kourier") || !out || (what === "serving" && !values.configmaps)) {
  console.error("usage: generate.ts serving --out <dir> --configmaps <dir> | kourier --out <dir> [--http-node-port N]");
  process.exit(2);
}

const pinned = versions();
const servingVersion = pinned.knative_serving_version;
const kourierVersion = pinned.net_kourier_version;
if (!servingVersion || !kourierVersion || !pinned.envoy_version)
  throw new Error("versions.yml lacks a Knative version");
const images = knativeImages({ serving: servingVersion, kourier: kourierVersion });
const serving = moduleDir("knative.dev/serving", servingVersion);
const networkingPin = requiredVersion(serving, "knative.dev/networking");
const cpuRequests = namedValues("cpu-request", "deployment", values["cpu-request"] ?? []);
mkdirSync(out, { recursive: true });

if (what === "serving") {
  const configMaps = [
    ...parseObjects(
      execFileSync("kubectl", ["kustomize", join(repo, "knative/base/knative-serving")], { encoding: "utf8" }),
    ),
    ...readObjects(values.configmaps as string),
  ] as ConfigMap[];
  const { crds, core } = renderServing({
    serving: readObjects(join(serving, "config/core")),
    networking: readObjects(join(moduleDir("knative.dev/networking", networkingPin), "config")),
    caching: readObjects(
      join(moduleDir("knative.dev/caching", requiredVersion(serving, "knative.dev/caching")), "config"),
    ),
    configMaps,
    images,
  });
  write(join(out, "serving-crds.yaml"), crds);
  write(join(out, "serving-core.yaml"), withCpuRequests(core, cpuRequests));
} else {
  const kourier = moduleDir("knative.dev/net-kourier", kourierVersion);
  const kourierNetworking = requiredVersion(kourier, "knative.dev/networking");
  if (kourierNetworking !== networkingPin) {
    throw new Error(
      `Kourier ${kourierVersion} pins networking ${kourierNetworking}, Serving ${servingVersion} ${networkingPin}`,
    );
  }
  const ingress = renderKourier({
    kourier: readObjects(join(kourier, "config")),
    images,
    envoyImage: `docker.io/envoyproxy/envoy:v${pinned.envoy_version}`,
    nodePorts: { http: Number(values["http-node-port"]), https: Number(values["https-node-port"]) },
  });
  write(join(out, "kourier.yaml"), withCpuRequests(ingress, cpuRequests));
}
