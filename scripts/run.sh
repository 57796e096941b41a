#!/usr/bin/env bash
# Install what the app needs (idempotent) and serve it on the shipped data at http://127.0.0.1:8050
# Extra arguments go to app.py, e.g. scripts/run.sh --port 8060 --data /path/to/data
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh requirements.txt
exec .venv/bin/python app.py "$@"
