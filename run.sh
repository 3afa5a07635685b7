#!/usr/bin/env bash
# First command: set everything up and serve greenlist at http://127.0.0.1:8000 on SQLite,
# with the demo data set and one login per role.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh runtime
export GREENLIST_HOME="${GREENLIST_HOME:-$PWD/var}"
mkdir -p "$GREENLIST_HOME"
cd "$GREENLIST_HOME"
../.venv/bin/greenlist migrate --noinput -v0
../.venv/bin/greenlist collectstatic --noinput -v0
../.venv/bin/greenlist demo
echo
echo "==> greenlist 已启动：http://127.0.0.1:${PORT:-8000}/  （Ctrl+C 停止）"
exec ../.venv/bin/greenlist runserver "127.0.0.1:${PORT:-8000}" --noreload
