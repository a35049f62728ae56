/** Where the cluster keeps what a user needs from it (group_vars/all/main.yml has the same paths). */
export const ADMIN_KUBECONFIG = process.env.PLATFORM_CLUSTER_KUBECONFIG ?? "/etc/platform-cluster/admin.kubeconfig";
export const SUPERVISOR_CONF = "/etc/platform-cluster/supervisord.conf";
export const SUPERVISOR_VENV = "/var/lib/platform-cluster/venv";
