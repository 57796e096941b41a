#!/usr/bin/env bash
# Serve Landfall as several instances sharing one Redis: Debian's redis-server on 127.0.0.1
# (LANDFALL_REDIS_PORT, default 6379, no persistence), N gunicorn instances (default 2) on
# 127.0.0.1:8050, 8051, … (LANDFALL_BASE_PORT), each with gunicorn.conf.py, and one Celery
# worker (worker.py) with LANDFALL_CELERY_CONCURRENCY render processes (default 2). The
# instances share the render-callback cache, the job queue and the jobs' states and files
# through Redis (LANDFALL_REDIS_URL): image, PDF and report exports and the critical-cable
# ranking run on the worker, and a render or an export made for one instance is served by the
# others. Put a load balancer in front of the ports. Ctrl-C stops the whole set.
# Usage: scripts/serve_cluster.sh [instances]
set -euo pipefail
cd "$(dirname "$0")/.."
instances="${1:-2}"
redis_port="${LANDFALL_REDIS_PORT:-6379}"
base_port="${LANDFALL_BASE_PORT:-8050}"
if ! command -v redis-server >/dev/null 2>&1; then
  echo "redis-server is missing: apt-get install redis-server" >&2
  exit 2
fi
if [ ! -x .venv/bin/gunicorn ]; then
  bash scripts/setup.sh requirements.txt
fi
pids=()
stop() { kill "${pids[@]}" 2>/dev/null || true; wait || true; }
trap stop EXIT INT TERM
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no &
pids+=($!)
export LANDFALL_REDIS_URL="redis://127.0.0.1:${redis_port}/0"
.venv/bin/python -m celery -A worker worker --pool prefork \
  --concurrency "${LANDFALL_CELERY_CONCURRENCY:-2}" -Q landfall --loglevel INFO \
  --without-gossip --without-mingle --without-heartbeat &
pids+=($!)
for ((i = 0; i < instances; i++)); do
  LANDFALL_BIND="127.0.0.1:$((base_port + i))" .venv/bin/gunicorn -c gunicorn.conf.py app:server &
  pids+=($!)
done
# When any of them stops, stop the set.
wait -n
