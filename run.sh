#!/usr/bin/env bash
# First command: set everything up and serve greenlist at http://127.0.0.1:8000 on SQLite,
# with the demo data set and one login per role; a background worker runs imports and notices.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh runtime
greenlist="$PWD/.venv/bin/greenlist"
# The data folder may be anywhere (GREENLIST_HOME); the program stays in this checkout.
export GREENLIST_HOME="${GREENLIST_HOME:-$PWD/var}"
mkdir -p "$GREENLIST_HOME"
cd "$GREENLIST_HOME"
"$greenlist" migrate --noinput -v0
"$greenlist" collectstatic --noinput -v0
"$greenlist" demo
# The worker (imports, e-mail notices) beside the web server; Ctrl+C stops both. SIGTERM lets
# it finish its current task (an import is one transaction: stopped midway, it changes nothing).
"$greenlist" worker -v0 &
worker=$!
trap 'kill -TERM "$worker" 2>/dev/null || true; wait "$worker" 2>/dev/null || true' EXIT
trap 'exit 130' INT TERM
echo
echo "==> greenlist 已启动：http://127.0.0.1:${PORT:-8000}/  （Ctrl+C 停止）"
"$greenlist" runserver "127.0.0.1:${PORT:-8000}" --noreload
