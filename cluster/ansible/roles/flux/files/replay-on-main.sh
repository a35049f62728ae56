#!/usr/bin/env bash
# The commit a bootstrap seals its Secrets on top of. The Git server's <branch>
# also holds what happened there since the last bootstrap: the image
# automations' commits, the promotions to prod. So the clone's commits since
# that bootstrap are replayed on top of <branch> rather than <branch> being
# moved back to the clone's HEAD (which would put prod back on the clone's
# pins). Prints that commit:
#   - <head> when <branch> does not exist yet (the first bootstrap), shares no
#     history with <head>, or the replay conflicts (the clone's history wins,
#     as a first bootstrap's would);
#   - <branch>'s commit when it already has every change of <head>'s commits;
#   - else the replayed commit (fetched into the repository as refs/bootstrap/replayed).
# <head> must be in the repository (the bootstrap pushes it to refs/bootstrap/head first).
# usage: replay-on-main.sh <bare repository> <head> <branch>
set -euo pipefail
bare="$1" head="$2" branch="$3"
g() { git --git-dir "$bare" "$@"; }
main="$(g rev-parse -q --verify "refs/heads/$branch" || true)"
[[ -n "$main" ]] || { echo "$head"; exit 0; }
base="$(g merge-base "$main" "$head" || true)"
[[ -n "$base" ]] || { echo "$head"; exit 0; }
# The clone's commits whose change main does not have yet (a replayed commit has the same patch).
mapfile -t commits < <(g rev-list --reverse --no-merges --right-only --cherry-pick "$main...$head")
((${#commits[@]} > 0)) || { echo "$main"; exit 0; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
git clone --quiet --branch "$branch" "$bare" "$work"
if ! git -C "$work" -c user.name="platform cluster" -c user.email=cluster@localhost \
  cherry-pick --allow-empty "${commits[@]}" >/dev/null 2>&1; then
  echo "the clone's commits since ${base:0:7} do not apply on $branch: sealing on the clone's HEAD instead" >&2
  echo "$head"
  exit 0
fi
g fetch --quiet "$work" "+HEAD:refs/bootstrap/replayed"
git -C "$work" rev-parse HEAD
