#!/usr/bin/env bash
# The first command as a newcomer meets it: clone this repository (its committed state) into a
# fresh folder, start ./run.sh there on a free PORT, wait until the login page answers, then stop
# it. test.sh runs this under CI (CI=true); run it by hand with `scripts/try-run.sh`.
# TRY_RUN_TIMEOUT: seconds to wait (the first run installs the dependencies), default 900.
set -euo pipefail
cd "$(dirname "$0")/.."
timeout="${TRY_RUN_TIMEOUT:-900}"
work="$(mktemp -d -t greenlist-try-run.XXXXXX)"
server=""

stop() {
  if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then
    # run.sh leads its own process group (setsid): stop run.sh, the worker and the web server.
    kill -TERM -- "-$server" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$server" 2>/dev/null || break; sleep 0.2; done
    kill -KILL -- "-$server" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap stop EXIT

git clone --quiet --no-hardlinks . "$work/greenlist"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
echo "==> ./run.sh（全新克隆 $work/greenlist，PORT=$port）"
(cd "$work/greenlist" && PORT="$port" exec setsid ./run.sh >"$work/run.log" 2>&1) &
server=$!

deadline=$((SECONDS + timeout))
answers() {
  python3 - "$port" <<'PY'
import sys, urllib.request
try:
    with urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/login/", timeout=5) as response:
        sys.exit(0 if "用户名" in response.read().decode() else 1)
except Exception:
    sys.exit(1)
PY
}
until answers; do
  if ! kill -0 "$server" 2>/dev/null; then
    echo "!!! ./run.sh 提前退出，日志如下：" >&2
    tail -n 40 "$work/run.log" >&2
    exit 1
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "!!! ${timeout} 秒内登录页未应答，日志如下：" >&2
    tail -n 40 "$work/run.log" >&2
    exit 1
  fi
  sleep 2
done
echo "==> ./run.sh 正常：http://127.0.0.1:$port/login/ 已应答（${SECONDS} 秒）"
