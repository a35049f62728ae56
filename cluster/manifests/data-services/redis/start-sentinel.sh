#!/bin/sh
# A Sentinel watching the primary named "platform": the one the other Sentinels
# name, or redis-0 when none answers (the first start). Sentinel rewrites its
# file, so it is written fresh into the pod's own volume.
set -eu
me="$(hostname).redis-sentinel-members"
primary="$(/scripts/current-primary.sh)"
# Sentinel refuses a monitor whose name does not resolve: wait (bounded) for its DNS record.
tries=0
until getent hosts "$primary" >/dev/null; do
  tries=$((tries + 1))
  if [ "$tries" -gt 60 ]; then echo "$primary does not resolve" >&2; exit 1; fi
  sleep 1
done
cat >/data/sentinel.conf <<CONF
port 26379
bind 0.0.0.0
dir /data
sentinel resolve-hostnames yes
sentinel announce-hostnames yes
sentinel announce-ip $me
requirepass $REDIS_PASSWORD
sentinel sentinel-pass $REDIS_PASSWORD
sentinel monitor platform $primary 6379 2
sentinel auth-pass platform $REDIS_PASSWORD
sentinel down-after-milliseconds platform 5000
sentinel failover-timeout platform 30000
sentinel parallel-syncs platform 1
CONF
echo "watching $primary"
exec redis-sentinel /data/sentinel.conf
