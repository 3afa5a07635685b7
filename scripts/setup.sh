#!/usr/bin/env bash
# Creates .venv with Python 3.11 and installs greenlist from the pinned constraints.
# Usage: scripts/setup.sh [runtime|dev]. Re-running is cheap: it reinstalls only when
# pyproject.toml or constraints.txt changed.
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
extras=""; [ "$profile" = dev ] && extras="[dev]"
stamp=".venv/.greenlist-$profile-$(cat pyproject.toml constraints.txt | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "==> 安装依赖（$profile，按 constraints.txt 锁定版本）"
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -c constraints.txt -e ".$extras"
  touch "$stamp"
fi
