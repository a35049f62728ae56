/**
 * `npm run cluster -- up | down | gitops | status | kubeconfig`: a real
 * single-node Kubernetes cluster with Knative Serving, provisioned by the
 * Ansible playbooks in ../ansible (docs/cluster.md), and Flux reconciling this
 * repository on it (docs/gitops.md).
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { findAnsiblePlaybook, type PlaybookRun, runPlaybook } from "./ansible.ts";
import { type ClusterCommand, parseCommand, USAGE } from "./commands.ts";
import { ADMIN_KUBECONFIG, REPO_DIR } from "./paths.ts";
import { printStatus } from "./status.ts";

async function main(args: string[]): Promise<number> {
  const command = parseCommand(args);
  if ("error" in command) {
    process.stderr.write(`${command.error}\n`);
    return 2;
  }
  const out = (text: string) => process.stdout.write(text);
  switch (command.kind) {
    case "help":
      out(`${USAGE}\n`);
      return 0;
    case "kubeconfig":
      out(`${ADMIN_KUBECONFIG}\n`);
      return 0;
    case "status":
      return printStatus(out);
    case "up":
    case "down":
    case "gitops": {
      if (command.kind === "gitops" && !existsSync(join(REPO_DIR, command.path, "kustomization.yaml"))) {
        const entries = readdirSync(join(REPO_DIR, "flux/clusters")).map((e) => `flux/clusters/${e}`);
        process.stderr.write(
          `gitops --path ${command.path}: no kustomization.yaml there; the entry points are ${entries.join(", ")}\n`,
        );
        return 2;
      }
      const ansiblePlaybook = findAnsiblePlaybook();
      if (!ansiblePlaybook) {
        process.stderr.write("ansible-playbook not found: npm run setup installs ansible-core (pip --user)\n");
        return 1;
      }
      const started = Date.now();
      const code = await runPlaybook(ansiblePlaybook, playbookRun(command));
      const seconds = ((Date.now() - started) / 1000).toFixed(0);
      out(
        `\ncluster ${command.kind}: ${code === 0 ? "done" : `failed (ansible-playbook exit ${code})`} in ${seconds} s\n`,
      );
      if (code === 0 && command.kind === "up") out(`export KUBECONFIG=${ADMIN_KUBECONFIG}\n`);
      return code;
    }
  }
}

function playbookRun(command: Extract<ClusterCommand, { kind: "up" | "down" | "gitops" }>): PlaybookRun {
  switch (command.kind) {
    case "up":
      return { playbook: "site.yml", tags: command.tags, verbose: command.verbose };
    case "down":
      return { playbook: "down.yml", extraVars: { purge: command.purge } };
    case "gitops":
      return { playbook: "gitops.yml", extraVars: { gitops_path: command.path }, verbose: command.verbose };
  }
}

process.exitCode = await main(process.argv.slice(2));
