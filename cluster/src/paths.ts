import { join } from "node:path";

/** Where the cluster keeps what a user needs from it (group_vars/all/main.yml has the same paths). */
export const ADMIN_KUBECONFIG = process.env.PLATFORM_CLUSTER_KUBECONFIG ?? "/etc/platform-cluster/admin.kubeconfig";
export const SUPERVISOR_CONF = "/etc/platform-cluster/supervisord.conf";
export const SUPERVISOR_VENV = "/var/lib/platform-cluster/venv";
export const REPO_DIR = join(import.meta.dirname, "..", "..");
/** The repository Flux reconciles, as the Git server serves it (the git_server role's git_server_root). */
export const GIT_REPOSITORY = "/var/lib/platform-cluster/git/platform.git";
