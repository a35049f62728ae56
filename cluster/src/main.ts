/**
 * `npm run cluster -- up | down | status | kubeconfig`: a real single-node
 * Kubernetes cluster with Knative Serving, provisioned by the Ansible playbooks
 * in ../ansible (docs/cluster.md).
 */
import { findAnsiblePlaybook, runPlaybook } from "./ansible.ts";
import { parseCommand, USAGE } from "./commands.ts";
import { ADMIN_KUBECONFIG } from "./paths.ts";
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
    case "down": {
      const ansiblePlaybook = findAnsiblePlaybook();
      if (!ansiblePlaybook) {
        process.stderr.write("ansible-playbook not found: npm run setup installs ansible-core (pip --user)\n");
        return 1;
      }
      const started = Date.now();
      const code =
        command.kind === "up"
          ? await runPlaybook(ansiblePlaybook, { playbook: "site.yml", tags: command.tags, verbose: command.verbose })
          : await runPlaybook(ansiblePlaybook, { playbook: "down.yml", extraVars: { purge: command.purge } });
      const seconds = ((Date.now() - started) / 1000).toFixed(0);
      out(
        `\ncluster ${command.kind}: ${code === 0 ? "done" : `failed (ansible-playbook exit ${code})`} in ${seconds} s\n`,
      );
      if (code === 0 && command.kind === "up") out(`export KUBECONFIG=${ADMIN_KUBECONFIG}\n`);
      return code;
    }
  }
}

process.exitCode = await main(process.argv.slice(2));
