#!/usr/bin/env bash
# Second command: set everything up and run every check: ruff, mypy, the test suite on SQLite
# and again on PostgreSQL. In CI (CI=true) nothing may be skipped.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh dev
export PATH="$PWD/.venv/bin:$PATH"
skipped=()

echo "==> ruff"
ruff check src tests bench
ruff format --check src tests bench
echo "==> mypy"
mypy

echo "==> pytest（SQLite）"
env -u DATABASE_URL pytest -q "$@"

pg_url="${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/greenlist}"
if python - "$pg_url" <<'PY'
import sys, psycopg
try:
    psycopg.connect(sys.argv[1].rsplit("/", 1)[0] + "/postgres", connect_timeout=3).close()
except Exception as exc:
    print(f"PostgreSQL 不可用：{exc}", file=sys.stderr)
    sys.exit(1)
PY
then
  echo "==> pytest（PostgreSQL：$pg_url）"
  DATABASE_URL="$pg_url" pytest -q --create-db "$@"
else
  skipped+=("PostgreSQL 测试（$pg_url 不可达）")
fi

if [ ${#skipped[@]} -gt 0 ]; then
  echo
  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
  for item in "${skipped[@]}"; do echo "!!! 已跳过：$item"; done
  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
  if [ "${CI:-}" = "true" ]; then
    echo "CI 中不允许跳过任何测试。" >&2
    exit 1
  fi
fi
