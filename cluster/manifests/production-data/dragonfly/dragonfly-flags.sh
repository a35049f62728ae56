#!/bin/sh
# Writes a Dragonfly member's flags (run before it starts, with the Redis
# image's redis-cli): primary when the Sentinels name it (or, before any
# Sentinel knows the set, when it is redis-0), otherwise a replica of the
# primary they name. Sentinel fails Dragonfly over as it does Redis; Dragonfly
# announces no name, so after a failover the Sentinels name the new primary
# by its pod IP.
set -eu
me="$(hostname).redis-members"
primary="$(/scripts/current-primary.sh)"
{
  echo "--port=6379"
  echo "--dir=/data"
  echo "--requirepass=$REDIS_PASSWORD"
  echo "--masterauth=$REDIS_PASSWORD"
  # A cache: evict near maxmemory (75 % of the container's limit) rather than refuse writes.
  echo "--cache_mode=true"
  echo "--maxmemory=1536mb"
  echo "--proactor_threads=2"
  echo "--logtostderr"
  if [ "$primary" != "$me" ]; then echo "--replicaof=$primary:6379"; fi
} >/data/dragonfly.flags
echo "starting as $( [ "$primary" = "$me" ] && echo primary || echo "replica of $primary")"
