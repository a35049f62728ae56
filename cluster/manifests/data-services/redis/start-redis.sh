#!/bin/sh
# A Redis member: primary when the Sentinels name it (or, before any Sentinel
# knows the set, when it is redis-0), otherwise a replica of the primary they name.
set -eu
me="$(hostname).redis-members"
primary="$(/scripts/current-primary.sh)"
{
  echo "port 6379"
  echo "bind 0.0.0.0"
  echo "dir /data"
  # A cache: nothing on disk; a replica that restarts resyncs from the primary.
  echo "save \"\""
  echo "appendonly no"
  echo "requirepass $REDIS_PASSWORD"
  echo "masterauth $REDIS_PASSWORD"
  # Sentinels and clients find members by their stable names, not pod IPs.
  echo "replica-announce-ip $me"
  if [ "$primary" != "$me" ]; then echo "replicaof $primary 6379"; fi
} >/data/redis.conf
echo "starting as $( [ "$primary" = "$me" ] && echo primary || echo "replica of $primary")"
exec redis-server /data/redis.conf
