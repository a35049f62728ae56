import { homedir } from "node:os";
import { join } from "node:path";

/** Where the cluster keeps what a user needs from it (group_vars/all/main.yml has the same paths). */
export const ADMIN_KUBECONFIG = process.env.PLATFORM_CLUSTER_KUBECONFIG ?? "/etc/platform-cluster/admin.kubeconfig";
export const SUPERVISOR_CONF = "/etc/platform-cluster/supervisord.conf";
export const SUPERVISOR_VENV = "/var/lib/platform-cluster/venv";
export const REPO_DIR = join(import.meta.dirname, "..", "..");
/** Each environment's passwords and keys (make-secrets.sh) and the age key they are sealed for (the flux role). */
export const CLUSTER_SECRETS_DIR = process.env.CLUSTER_SECRETS_DIR ?? "/etc/platform-cluster/secrets";
export const SOPS_AGE_KEY = process.env.SOPS_AGE_KEY_FILE ?? "/etc/platform-cluster/sops/age.agekey";
/** The repository Flux reconciles, as the Git server serves it (the git_server role's git_server_root). */
export const GIT_REPOSITORY = "/var/lib/platform-cluster/git/platform.git";
/** Where cluster/build/*.sh put the binaries they build (lib.sh's BIN_DIR). */
export const BUILD_BIN_DIR = join(
  process.env.PLATFORM_CLUSTER_CACHE ??
    join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "platform-cluster"),
  "bin",
);
/** SOPS and age-keygen as cluster/build/go-install.sh builds them (npm run setup does). */
export const SOPS_BIN = process.env.SOPS_BIN ?? join(BUILD_BIN_DIR, "sops");
export const AGE_KEYGEN_BIN = process.env.AGE_KEYGEN_BIN ?? join(BUILD_BIN_DIR, "age-keygen");
