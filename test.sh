#!/usr/bin/env bash
# Second command: set everything up and run every check: ruff, mypy, the test suite on SQLite
# and again on PostgreSQL. In CI (CI=true) nothing may be skipped.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh dev
export DJANGO_ALLOW_ASYNC_UNSAFE=true  # Playwright's sync API inside pytest-django tests
export PATH="$PWD/.venv/bin:$PATH"
skipped=()

# System packages the tests need: Debian's Chromium (browser tests; never a downloaded browser),
# LibreOffice and poppler (document layout), CJK fonts (screenshots and PDFs).
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui libreoffice-calc-nogui)
command -v pdfinfo >/dev/null 2>&1 || need+=(poppler-utils)
for font in fonts-wqy-zenhei fonts-noto-cjk; do
  dpkg-query -W -f='${Status}' "$font" 2>/dev/null | grep -q "install ok installed" || need+=("$font")
done
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> 安装系统软件包：${need[*]}"
    # Another process (unattended upgrades, a second session) may hold the dpkg lock: wait for it,
    # and try the install twice before giving up.
    install() {
      apt-get -o DPkg::Lock::Timeout=300 update -qq \
        && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq \
          --no-install-recommends "${need[@]}" >/dev/null
    }
    install || { echo "==> 安装失败，30 秒后重试一次"; sleep 30; install; } \
      || echo "!!! 系统软件包安装失败：${need[*]}" >&2
  else
    skipped+=("缺少系统软件包且无法安装：${need[*]}（浏览器与版式测试将跳过）")
  fi
fi

echo "==> ruff"
ruff check src tests bench
ruff format --check src tests bench
echo "==> mypy"
mypy

# One pytest worker per core (pytest-xdist); each worker has its own test database, demo copy and
# media folder. GREENLIST_TEST_WORKERS=0 runs in one process (easier to debug).
workers="${GREENLIST_TEST_WORKERS:-auto}"
parallel=(-n "$workers" --dist worksteal)
[ "$workers" != 0 ] || parallel=()

echo "==> pytest（SQLite）"
mkdir -p artifacts
# Tests marked "postgres" need PostgreSQL's own features (COPY, parallel transactions): they run below.
env -u DATABASE_URL pytest -q -rs --durations=25 "${parallel[@]}" -m "not postgres" "$@" | tee artifacts/pytest-sqlite.log
skips=$(grep -c "^SKIPPED" artifacts/pytest-sqlite.log || true)
[ "$skips" = 0 ] || skipped+=("SQLite 测试中有 $skips 项跳过（见 artifacts/pytest-sqlite.log）")

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
  echo "==> pytest（PostgreSQL：$pg_url；浏览器测试只在 SQLite 一轮运行）"
  DATABASE_URL="$pg_url" pytest -q -rs --durations=25 "${parallel[@]}" -m "not browser" --create-db "$@" | tee artifacts/pytest-postgres.log
  skips=$(grep -c "^SKIPPED" artifacts/pytest-postgres.log || true)
  [ "$skips" = 0 ] || skipped+=("PostgreSQL 测试中有 $skips 项跳过（见 artifacts/pytest-postgres.log）")
else
  skipped+=("PostgreSQL 测试（$pg_url 不可达）")
fi

# Under CI, the first command too, as a newcomer runs it: ./run.sh from a fresh clone on a free
# port until the login page answers (scripts/try-run.sh), then stopped.
if [ "${CI:-}" = "true" ]; then
  echo "==> ./run.sh（全新克隆）"
  scripts/try-run.sh
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
