#!/usr/bin/env bash
# Regenerates the hashed locks that scripts/setup.sh installs with `pip --require-hashes`:
#   requirements/runtime.lock  pyproject.toml dependencies (+ the build backend)
#   requirements/dev.lock      the same plus the [dev] extra
# from the pins in constraints.txt (edit that file to move a version, then run this script).
# Needs uv (`pip install uv`); it never downloads a Python (UV_PYTHON_DOWNLOADS=never).
set -euo pipefail
cd "$(dirname "$0")/.."
uv="${UV:-uv}"
export UV_PYTHON_DOWNLOADS=never
common=(pyproject.toml requirements/build.in -c constraints.txt --generate-hashes --python-version 3.11
        --universal --quiet --custom-compile-command scripts/lock.sh)
"$uv" pip compile "${common[@]}" -o requirements/runtime.lock
"$uv" pip compile "${common[@]}" --extra dev -o requirements/dev.lock
echo "==> 已更新 requirements/runtime.lock 与 requirements/dev.lock"
