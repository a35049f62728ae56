/** `npm run cluster -- status`: the host services, the node, pods, every Knative Service, Flagger's canaries, what Flux applies and the images it follows. */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ADMIN_KUBECONFIG, SUPERVISOR_CONF, SUPERVISOR_VENV } from "./paths.ts";

function run(command: string, args: string[]): { ok: boolean; text: string } {
  const result = spawnSync(command, args, { encoding: "utf8", timeout: 20_000 });
  return { ok: result.status === 0, text: `${result.stdout ?? ""}${result.stderr ?? ""}`.trimEnd() };
}

function kubectl(...args: string[]) {
  return run("kubectl", ["--kubeconfig", ADMIN_KUBECONFIG, "--request-timeout=10s", ...args]);
}

/** Prints the status; resolves 0 when the API server answers, 1 when the cluster is down. */
export function printStatus(out: (text: string) => void): number {
  const supervisorctl = join(SUPERVISOR_VENV, "bin", "supervisorctl");
  if (existsSync(supervisorctl)) {
    const services = run(supervisorctl, ["-c", SUPERVISOR_CONF, "status"]);
    out(`Host services (supervisord):\n${indent(services.text || "supervisord is not running")}\n\n`);
  }
  if (!existsSync(ADMIN_KUBECONFIG)) {
    out("The cluster has never been brought up here: npm run cluster -- up\n");
    return 1;
  }
  const nodes = kubectl("get", "nodes", "-o", "wide");
  if (!nodes.ok) {
    out(`The API server does not answer (npm run cluster -- up starts it):\n${indent(nodes.text)}\n`);
    return 1;
  }
  out(`Node:\n${indent(nodes.text)}\n\n`);
  const pods = kubectl(
    "get",
    "pods",
    "-A",
    "--no-headers",
    "-o",
    "custom-columns=NS:.metadata.namespace,PHASE:.status.phase",
  );
  const byNamespace = new Map<string, Map<string, number>>();
  for (const line of pods.text.split("\n").filter(Boolean)) {
    const [ns = "", phase = ""] = line.trim().split(/\s+/);
    const phases = byNamespace.get(ns) ?? new Map<string, number>();
    phases.set(phase, (phases.get(phase) ?? 0) + 1);
    byNamespace.set(ns, phases);
  }
  out("Pods by namespace:\n");
  for (const [ns, phases] of [...byNamespace].sort(([a], [b]) => a.localeCompare(b))) {
    out(`  ${ns.padEnd(20)} ${[...phases].map(([p, n]) => `${n} ${p}`).join(", ")}\n`);
  }
  const ksvc = kubectl("get", "ksvc", "-A");
  out(`\nKnative Services:\n${indent(ksvc.ok ? ksvc.text || "none" : "Knative Serving is not installed")}\n`);
  const canaries = kubectl("get", "canaries.flagger.app", "-A");
  out(`\nFlagger canaries:\n${indent(canaries.ok ? canaries.text || "none" : "Flagger is not installed")}\n`);
  const flux = kubectl("-n", "flux-system", "get", "gitrepository,kustomization");
  out(`\nFlux:\n${indent(flux.ok && flux.text ? flux.text : "not bootstrapped (npm run cluster -- gitops)")}\n`);
  if (flux.ok && flux.text) {
    // The newest build each policy chose, and the automations' last commits.
    const images = kubectl("-n", "flux-system", "get", "imagepolicy,imageupdateautomation");
    if (images.ok && images.text) out(`\nFlux's image automation:\n${indent(images.text)}\n`);
  }
  return 0;
}

const indent = (text: string) =>
  text
    .split("\n")
    .map((l) => `  ${l}`)
    .join("\n");
