#!/usr/bin/env bash
# The pipeline of a commit pushed to this machine's Git server (its
# post-receive hook runs it; `npm run deliver` pushes and shows it): the
# commit checked out on its own, then the project's own scripts, as CI runs
# them (.ci/run): typecheck, lint, the functions' unit tests, then the release
# build of the images (cluster/images/platform-images.sh --release, the script
# `up` and CI use), which Flux's image automation then carries to dev and test.
# Each step prints its time; the first that fails stops it (no images built).
#   cluster/delivery/pipeline.sh <git dir> <commit>
# env: PIPELINE_DEPS, the clone whose node_modules is reused when its
# package-lock.json is the commit's (default: the repository this script is in);
# PIPELINE_WORK, where commits are checked out (default /var/tmp/platform-pipeline:
# the tests' embedded PostgreSQL runs as the postgres user when root runs them,
# and reads its binaries there, so not under root's home).
set -euo pipefail
# Run from a hook, Git's environment names the server's repository: this works on checkouts of its own.
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES GIT_QUARANTINE_PATH
[[ $# -eq 2 ]] || { echo "usage: $0 <git dir> <commit>" >&2; exit 2; }
git_dir="$1"
commit="$(git --git-dir "$git_dir" rev-parse --verify "$2^{commit}")"
deps="${PIPELINE_DEPS:-$(cd "$(dirname "$0")/../.." && pwd)}"
work="${PIPELINE_WORK:-/var/tmp/platform-pipeline}/${commit:0:12}"
started=$SECONDS

step() {
  local name="$1" at=$SECONDS
  shift
  echo "pipeline ${commit:0:7}: $name"
  if ! "$@"; then
    # The checkout stays for a look at what failed; the next run of this commit replaces it.
    echo "pipeline ${commit:0:7}: FAILED at $name after $((SECONDS - at)) s (no images built; the checkout: $work)"
    exit 1
  fi
  echo "pipeline ${commit:0:7}: $name done in $((SECONDS - at)) s"
}

checkout() {
  rm -rf "$work"
  mkdir -p -m 0755 "$work"
  git --git-dir "$git_dir" archive "$commit" | tar -x -C "$work"
  # platform-images.sh names its release after the commit it builds.
  git -C "$work" init --quiet
  git -C "$work" fetch --quiet --depth 1 "$git_dir" "$commit"
  git -C "$work" update-ref HEAD "$commit"
}

# node_modules: a copy of the clone's, by hard links where they can be made
# (its workspace links are relative, so they point into this checkout), when
# the lockfile is the same; else a clean install from the lockfile.
dependencies() {
  if cmp -s "$deps/package-lock.json" "$work/package-lock.json" && [[ -d "$deps/node_modules" ]]; then
    cp -al "$deps/node_modules" "$work/node_modules" 2>/dev/null || cp -a "$deps/node_modules" "$work/node_modules"
  else
    (cd "$work" && npm ci --no-audit --no-fund --prefer-offline)
  fi
}

in_work() { (cd "$work" && "$@"); }

step "check out" checkout
step "dependencies" dependencies
step "typecheck (npm run typecheck)" in_work npm run -s typecheck
step "lint (npm run lint)" in_work npx biome check --reporter=summary .
step "the functions' unit tests (vitest run functions)" in_work npx vitest run functions --reporter=dot
step "release images (cluster/images/platform-images.sh --release)" in_work cluster/images/platform-images.sh --release
echo "pipeline ${commit:0:7}: passed in $((SECONDS - started)) s"
rm -rf "$work"
