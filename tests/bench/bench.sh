#!/usr/bin/env bash
# make bench: wrk against the real stack (nginx + connectd + LMDB) on loopback. Every figure is
# printed beside nginx's own static-file throughput measured in the same run, and as a ratio to it.
#   DURATION (10s)  CONNECTIONS (32)  THREADS (2)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DURATION=${DURATION:-10s}
CONNS=${CONNECTIONS:-32}
WRK_THREADS=${THREADS:-2}
PORT=${BENCH_PORT:-18099}
DATA=$(mktemp -d /tmp/connect-bench.XXXXXX)
OUT=$(mktemp -d /tmp/connect-bench-out.XXXXXX)
BASE="http://127.0.0.1:$PORT"

cleanup() { [ -n "${STACK:-}" ] && kill -TERM "$STACK" 2>/dev/null && wait "$STACK" 2>/dev/null; rm -rf "$DATA" "$OUT"; }
trap cleanup EXIT
PORT=$PORT DATA=$DATA DEMO=1 LOGIN_RATE=100000r/s LOGIN_BURST=100000 bash "$ROOT/nginx/serve.sh" >"$OUT/serve.log" 2>&1 &
STACK=$!
for _ in $(seq 1 100); do curl -fsS "$BASE/api/health" >/dev/null 2>&1 && break; sleep 0.1; done

TOKEN=$(curl -fsS -X POST "$BASE/api/auth/login" -H 'Content-Type: application/json' \
  -d '{"username":"nfc.user","password":"demo-password-2026"}' | python3 -c 'import sys,json;print(json.load(sys.stdin)["token"])')

cat > "$OUT/login.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"username":"nfc.user","password":"demo-password-2026"}'
LUA

# run NAME wrk-args... -> prints "NAME req/s p99" and keeps the figures
run() {
  local name=$1; shift
  wrk --latency -t"$WRK_THREADS" -d"$DURATION" "$@" > "$OUT/$name.txt" 2>&1
  local rps p99 non2xx
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$OUT/$name.txt")
  p99=$(awk '$1=="99%" {print $2}' "$OUT/$name.txt")
  non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $5}' "$OUT/$name.txt")
  echo "$name $rps $p99 ${non2xx:-0}" >> "$OUT/results"
}

echo "Warming up..."
wrk -t1 -c4 -d2s "$BASE/index.html" >/dev/null 2>&1 || true
run static -c"$CONNS" "$BASE/index.html"
run me -c"$CONNS" -H "Authorization: Bearer $TOKEN" "$BASE/api/me"
run health -c"$CONNS" "$BASE/api/health"
run login -c4 -s "$OUT/login.lua" "$BASE/api/auth/login"

CPU=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
echo
echo "Connect benchmark — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores ($CPU), wrk -t$WRK_THREADS -d$DURATION"
echo "nginx $(nginx -v 2>&1 | sed 's/.*\///'), connectd $(nproc) workers x 4 threads"
awk -v static="$(awk '$1=="static" {print $2}' "$OUT/results")" '
  BEGIN { printf "%-34s %12s %10s %10s %8s\n", "endpoint", "req/s", "p99", "vs static", "errors" }
  {
    label = $1
    if ($1 == "static") label = "GET /index.html (nginx static)"
    if ($1 == "me") label = "GET /api/me (JWT + LMDB read)"
    if ($1 == "health") label = "GET /api/health (FastCGI only)"
    if ($1 == "login") label = "POST /api/auth/login (argon2id)"
    printf "%-34s %12.0f %10s %9.1f%% %8s\n", label, $2, $3, 100 * $2 / static, $4
  }' "$OUT/results"
