#!/usr/bin/env bash
# Builds Kubernetes' pause (the pod sandbox's process) from the C source that
# ships in the kubernetes module, statically linked as upstream does.
source "$(dirname "$0")/lib.sh"
K8S="$(version kubernetes_version)"
PAUSE="$(version pause_version)"
fresh pause "$PAUSE" && { log "pause $PAUSE: cached"; exit 0; }
dir="$(go mod download -json "k8s.io/kubernetes@$K8S" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')"
log "pause $PAUSE: compiling $dir/build/pause/linux/pause.c"
gcc -Os -Wall -Werror -static -DVERSION="v$PAUSE-platform" -o "$BIN_DIR/pause" "$dir/build/pause/linux/pause.c"
strip "$BIN_DIR/pause"
stamp pause "$PAUSE"
log "pause $PAUSE: built into $BIN_DIR"
