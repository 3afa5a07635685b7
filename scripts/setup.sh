#!/usr/bin/env bash
# Creates .venv with Python 3.11 and installs greenlist from the hashed lock
# (requirements/runtime.lock or requirements/dev.lock; regenerate with scripts/lock.sh).
# Usage: scripts/setup.sh [runtime|dev]. Re-running is cheap: it reinstalls only when
# pyproject.toml or the lock changed.
set -euo pipefail
cd "$(dirname "$0")/.."
profile="${1:-runtime}"

python="${PYTHON:-}"
if [ -z "$python" ]; then
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
      python="$candidate"; break
    fi
  done
fi
if [ -z "$python" ]; then
  echo "错误：需要 Python 3.11（Django 5.2 LTS）。请安装 python3.11 或设置环境变量 PYTHON。" >&2
  exit 1
fi

if [ ! -x .venv/bin/python ]; then
  echo "==> 创建虚拟环境 .venv（$python）"
  "$python" -m venv .venv
fi
lock="requirements/$profile.lock"
[ -f "$lock" ] || { echo "错误：未知的安装类型“$profile”（可选 runtime 或 dev）。" >&2; exit 1; }
stamp=".venv/.greenlist-$profile-$(cat pyproject.toml "$lock" | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "==> 安装依赖（$profile，按 $lock 锁定版本并校验哈希）"
  # Every package, the build backend included, is checked against the lock's hashes; then
  # greenlist itself, editable, with nothing more fetched (no build isolation, no dependencies).
  .venv/bin/python -m pip install --quiet --require-hashes -r "$lock"
  .venv/bin/python -m pip install --quiet --no-deps --no-build-isolation -e .
  touch "$stamp"
fi
