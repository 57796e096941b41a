#!/usr/bin/env bash
# Serve Landfall in production: gunicorn with gunicorn.conf.py (2 workers × 4 threads, preloaded,
# 127.0.0.1:8050 unless LANDFALL_BIND says otherwise). Extra arguments go to gunicorn.
# Usage: scripts/serve.sh [gunicorn options]      e.g. LANDFALL_BIND=127.0.0.1:9000 scripts/serve.sh
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/gunicorn ]; then
  bash scripts/setup.sh requirements.txt
fi
exec .venv/bin/gunicorn -c gunicorn.conf.py "$@" app:server
