#!/usr/bin/env bash
# Starts Connect: connectd (FastCGI worker pool over a unix socket) and an unprivileged nginx on
# 127.0.0.1:$PORT, with the data folder $DATA (created, with a fresh JWT key, when new; seeded with
# the demo dataset when DEMO=1). Stops both cleanly on Ctrl-C / SIGTERM. `make run` calls this; the
# HTTP and browser tests start the stack through it too.
#   PORT (8080)  DATA (var/demo)  DEMO (1)  WORKERS (cores)  THREADS (3)  WRITE_THREADS (32: the write worker's)
#   LOGIN_RATE (10r/s) LOGIN_BURST (20)  CONNECT_BIN (bin/: which binaries to run)
#   CONNECT_SMTP_URL, CONNECT_MAIL_FROM (email), CONNECT_PUBLIC_URL (links, Origin, cookie; connectd
#   inherits the environment as it is)
#   CONNECT_MFA (off|optional|required; connectd's default is required, the demo's (DEMO=1) optional)
#   CONNECT_BACKUP_INTERVAL (0 here: no scheduled backups unless set), CONNECT_BACKUP_DIR, …
#   FASTCGI_KEEPALIVE (1) UPSTREAM_KEEPALIVE (32) KEEPALIVE_REQUESTS (1000): kept FastCGI connections
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PORT=${PORT:-8080}
DATA=${DATA:-$ROOT/var/demo}
DEMO=${DEMO:-1}
BIN=${CONNECT_BIN:-$ROOT/bin}
WORKERS=${WORKERS:-$(nproc)}
# Three threads a read worker: its requests wait on the CPU, not the disk (durable writes are the write
# worker's), so more threads only lengthen the queue each core runs through. By hand on the 1M bench
# store, 32 clients, p99 of the home page / alerts / a case fetch: 8 threads 22 / 28 / 30 ms, 4 threads
# 14 / 14-15 / 14 ms, 3 threads 11-12 / 13 / 11-14 ms; 2 threads were worse again for lists and alerts.
THREADS=${THREADS:-3}
WRITE_THREADS=${WRITE_THREADS:-32}
LOGIN_RATE=${LOGIN_RATE:-10r/s}
LOGIN_BURST=${LOGIN_BURST:-20}
export CONNECT_ROOT=$ROOT
# Two-factor sign-in: required unless said otherwise, but the demo relaxes it (and says so below).
MFA_NOTE=""
if [ -z "${CONNECT_MFA:-}" ] && [ "$DEMO" = 1 ]; then CONNECT_MFA=optional; MFA_NOTE=" (demo)"; fi
export CONNECT_MFA=${CONNECT_MFA:-required}
# No scheduled backups of a developer's or a test's data folder unless asked for (connectd's default
# is hourly; see README "Deploying").
export CONNECT_BACKUP_INTERVAL=${CONNECT_BACKUP_INTERVAL:-0}

for b in connectd connectctl; do
  [ -x "$BIN/$b" ] || { echo "serve.sh: $BIN/$b is missing; run make first" >&2; exit 1; }
done
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || { echo "serve.sh: nginx is not installed (make deps)" >&2; exit 1; }
NGINX_BIN=$(command -v nginx || echo /usr/sbin/nginx)

mkdir -p "$DATA"
chmod 700 "$DATA"
DATA=$(cd "$DATA" && pwd)
new=0
[ -f "$DATA/data.mdb" ] || new=1
"$BIN/connectctl" --data "$DATA" init
if [ "$new" = 1 ] && [ "$DEMO" = 1 ]; then
  "$BIN/connectctl" --data "$DATA" seed-demo >/dev/null
fi

RUN="$DATA/run"
LOG="$DATA/log"
mkdir -p "$RUN/tmp" "$LOG"
SOCKET="$RUN/connectd.sock"
if [ ${#SOCKET} -gt 94 ]; then   # unix socket paths are limited to 107 bytes (and the write one is longer)
  RUN=$(mktemp -d /tmp/connect-run.XXXXXX)
  mkdir -p "$RUN/tmp"
  SOCKET="$RUN/connectd.sock"
fi
WRITE_SOCKET="$RUN/connectd-write.sock"   # the write worker's (connectd --write-socket)
# FastCGI connections nginx keeps open to connectd (fastcgi_keep_conn): up to UPSTREAM_KEEPALIVE idle
# ones per nginx worker, each used for KEEPALIVE_REQUESTS requests. An idle kept connection waits in
# its connectd worker's epoll set, not in a thread (fcgi/worker.h), so their number is not bound to
# connectd's threads. FASTCGI_KEEPALIVE=0: a new connection per request.
NGINX_WORKERS=$(nproc)
if [ "${FASTCGI_KEEPALIVE:-1}" = 1 ]; then
  KEEP_CONN=on
  KEEPALIVE_LINE="keepalive ${UPSTREAM_KEEPALIVE:-32}; keepalive_timeout 10s; keepalive_requests ${KEEPALIVE_REQUESTS:-1000};"
else
  KEEP_CONN=off; KEEPALIVE_LINE=""
fi
USER_LINE=""
[ "$(id -u)" = 0 ] && USER_LINE="user root root;"   # keep workers able to reach the 0700 data folder
sed -e "s|@USER_LINE@|$USER_LINE|" -e "s|@RUN@|$RUN|g" -e "s|@LOG@|$LOG|g" -e "s|@SOCKET@|$SOCKET|g" -e "s|@WRITE_SOCKET@|$WRITE_SOCKET|g" \
    -e "s|@PORT@|$PORT|g" -e "s|@WEB@|$ROOT/web|g" -e "s|@NGINX@|$ROOT/nginx|g" \
    -e "s|@LOGIN_RATE@|$LOGIN_RATE|g" -e "s|@LOGIN_BURST@|$LOGIN_BURST|g" \
    -e "s|@NGINX_WORKERS@|$NGINX_WORKERS|g" -e "s|@KEEPALIVE_LINE@|$KEEPALIVE_LINE|g" -e "s|@KEEP_CONN@|$KEEP_CONN|g" \
    "$ROOT/nginx/connect.conf.in" > "$RUN/nginx.conf"
sed -e "s|@NGINX@|$ROOT/nginx|g" -e "s|@LOGIN_BURST@|$LOGIN_BURST|g" "$ROOT/nginx/locations.conf.in" > "$RUN/locations.conf"

CONNECTD_PID=""
NGINX_PID=""
stop() {
  # Ignored, not reset, while stopping: a second signal (a caller stopping us just as we saw a process
  # die) would otherwise end this script between the two kills and leave nginx running, orphaned.
  trap '' INT TERM
  [ -n "$NGINX_PID" ] && kill -QUIT "$NGINX_PID" 2>/dev/null || true
  [ -n "$CONNECTD_PID" ] && kill -TERM "$CONNECTD_PID" 2>/dev/null || true
  local rc=0
  [ -n "$NGINX_PID" ] && { wait "$NGINX_PID" 2>/dev/null || true; }
  [ -n "$CONNECTD_PID" ] && { wait "$CONNECTD_PID" || rc=$?; }
  echo "Connect stopped."
  exit "$rc"
}
trap stop INT TERM

# Own sessions (setsid): Ctrl-C reaches only this script, which then stops nginx and connectd in order.
# Report workbooks are written to temporary files before they are sent: keep them inside the 0700
# data folder (a worker killed mid-report leaves one behind; a restart clears them).
mkdir -p "$DATA/tmp"
rm -f "$DATA/tmp"/connect-report-* "$DATA/tmp"/tmp* 2>/dev/null || true
TMPDIR="$DATA/tmp" setsid "$BIN/connectd" --data "$DATA" --socket "$SOCKET" --workers "$WORKERS" --threads "$THREADS" \
  --write-socket "$WRITE_SOCKET" --write-threads "$WRITE_THREADS" --access-log "$LOG/access.log" 2>>"$LOG/connectd.log" &
CONNECTD_PID=$!
for _ in $(seq 1 100); do [ -S "$SOCKET" ] && [ -S "$WRITE_SOCKET" ] && break; sleep 0.05; done
[ -S "$SOCKET" ] && [ -S "$WRITE_SOCKET" ] || { echo "serve.sh: connectd did not start; see $LOG/connectd.log" >&2; tail -5 "$LOG/connectd.log" >&2; stop; }

setsid "$NGINX_BIN" -p "$RUN" -c "$RUN/nginx.conf" -e "$LOG/nginx-error.log" &
NGINX_PID=$!
up=0
for _ in $(seq 1 100); do
  if curl -fsS "http://127.0.0.1:$PORT/api/health" >/dev/null 2>&1; then up=1; break; fi
  kill -0 "$NGINX_PID" 2>/dev/null || break
  sleep 0.05
done
if [ "$up" != 1 ]; then
  echo "serve.sh: nginx did not start; see $LOG/nginx-error.log" >&2
  tail -5 "$LOG/nginx-error.log" >&2 || true
  stop
fi

echo "Connect is running at http://127.0.0.1:$PORT/  (data: $DATA, logs: $LOG; Ctrl-C stops it)"
if [ "$CONNECT_MFA" = required ]; then
  echo "Two-factor sign-in: required."
else
  echo "Two-factor sign-in: $CONNECT_MFA$MFA_NOTE. Set CONNECT_MFA=required for production."
fi
if [ "$DEMO" = 1 ]; then
  cat <<'DEMO'
Demo sign-ins, all with the password  demo-password-2026
  net.admin   Network administrator (sets up councils)
  ho.admin    Home Office administrator      ho.user    Home Office caseworker
  nfc.admin   Northfield City Council admin  nfc.user   Northfield caseworker
  ebc.admin   Eastbrook Borough Council admin ebc.user  Eastbrook caseworker
  wmc.admin   Westmere County Council admin  wmc.user   Westmere caseworker
  dwp.admin   DWP Case Management Group admin (G7, countersigns)
  dwp.manager DWP line manager (HEO, countersigns)  dwp.user  DWP officer (AO, makes requests)
  (ho.admin is G7 and countersigns; ho.user is EO and makes requests: see Disclosures)
DEMO
fi
# Run until either process ends or we are told to stop.
set +e
wait -n "$CONNECTD_PID" "$NGINX_PID"
echo "serve.sh: a process ended unexpectedly; stopping" >&2
stop
