#!/usr/bin/env bash
# Commits the cluster's sealed Secrets on top of <parent>, in the Git server's
# repository, and moves <branch> to that commit. An operator does the same by
# hand for a cloud cluster (flux/secrets/README.md); the bootstrap does it for
# this one. The commit takes its dates from its parent and has a fixed author,
# so the same parent and the same sealed files make the same commit: a second
# bootstrap moves nothing; a parent that holds these sealed files already is
# itself the commit.
# usage: commit-sealed.sh <bare repository> <parent> <sealed dir: one folder per environment> <branch>
# prints "<commit> [up to date]" or "<commit> updated"
set -euo pipefail
export GIT_DIR="$1"
parent="$2" sealed="$3" branch="$4"
index="$(mktemp)"
trap 'rm -f "$index"' EXIT
export GIT_INDEX_FILE="$index"
git read-tree "$parent"
for dir in "$sealed"/*/; do
  env="$(basename "$dir")"
  for file in "$dir"*.yaml; do
    git update-index --add --cacheinfo "100644,$(git hash-object -w "$file"),flux/secrets/$env/$(basename "$file")"
  done
done
tree="$(git write-tree)"
date="$(git show -s --format=%cI "$parent")"
export GIT_AUTHOR_NAME="platform cluster" GIT_AUTHOR_EMAIL="cluster@localhost" GIT_AUTHOR_DATE="$date"
export GIT_COMMITTER_NAME="$GIT_AUTHOR_NAME" GIT_COMMITTER_EMAIL="$GIT_AUTHOR_EMAIL" GIT_COMMITTER_DATE="$date"
if [[ "$tree" == "$(git rev-parse "$parent^{tree}")" ]]; then
  commit="$(git rev-parse "$parent^{commit}")" # <parent> holds these sealed files already
else
  commit="$(git commit-tree "$tree" -p "$parent" -m "flux/secrets: this cluster's Secrets, sealed for its age key with SOPS")"
fi
if [[ "$(git rev-parse -q --verify "refs/heads/$branch" || true)" == "$commit" ]]; then
  echo "$commit [up to date]"
else
  git update-ref "refs/heads/$branch" "$commit"
  echo "$commit updated"
fi
