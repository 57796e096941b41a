#!/usr/bin/env bash
# Install everything the tests need (idempotent: Debian's chromium + chromium-driver and
# redis-server, which tests/test_multi_instance.py starts on a free port itself; the pinned
# Python packages) and run them all: ruff, mypy, then pytest (browser tests included).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1 \
  || ! command -v redis-server >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver fonts-dejavu-core redis-server >/dev/null
fi
bash scripts/setup.sh requirements-dev.txt
echo "== ruff"
.venv/bin/ruff check .
echo "== mypy"
.venv/bin/mypy .
echo "== pytest"
exec .venv/bin/python -m pytest "$@"
