#!/bin/sh
# The name of the primary the Sentinels monitor as "platform", or redis-0's
# when none answers (the set's first start).
answer="$(timeout 3 redis-cli -h redis-sentinel -p 26379 --no-auth-warning -a "$REDIS_PASSWORD" \
  sentinel get-master-addr-by-name platform 2>/dev/null | head -n 1 || true)"
case "$answer" in
  "" | *ERR* | *NOAUTH*) echo "redis-0.redis-members" ;;
  *) echo "$answer" ;;
esac
