#!/usr/bin/env bash
# make bench: wrk against the real stack (nginx + connectd + LMDB) on loopback. Every figure is
# printed beside nginx's own static-file throughput measured in the same run, and as a ratio to it.
#   DURATION (10s)  CONNECTIONS (32)  WRK_THREADS (2: wrk's own threads)
# The stack is nginx/serve.sh's, so its settings (WORKERS, THREADS, WRITE_THREADS) pass through.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DURATION=${DURATION:-10s}
CONNS=${CONNECTIONS:-32}
WRK_THREADS=${WRK_THREADS:-2}
PORT=${BENCH_PORT:-18099}
DATA=$(mktemp -d /tmp/connect-bench.XXXXXX)
OUT=$(mktemp -d /tmp/connect-bench-out.XXXXXX)
BASE="http://127.0.0.1:$PORT"

RDATA=$(mktemp -d /tmp/connect-bench-retention.XXXXXX)
cleanup() { [ -n "${STACK:-}" ] && kill -TERM "$STACK" 2>/dev/null && wait "$STACK" 2>/dev/null; rm -rf "$DATA" "$OUT" "$RDATA"; }
trap cleanup EXIT

# Retention: `connectctl retention run` destroying about BENCH_RETENTION_CASES (10000) cases in a
# temporary store of its own. gen-cases closes about half of the cases it makes, each within a few
# years of its referral, so it makes twice as many and the run is on a test clock 30 years on, when
# every closed case is past the default 6 years. The time includes the free-page scrub that ends the
# run (store_scrub.h) and the compaction after it (store_compact.h; connectctl does it itself here,
# no connectd runs on this store). BENCH_ONLY=retention runs only this part.
RET_CASES=${BENCH_RETENTION_CASES:-10000}
retention_bench() {
  "$ROOT/bin/connectctl" --data "$RDATA" init >/dev/null
  "$ROOT/bin/connectctl" --data "$RDATA" gen-cases --count $((RET_CASES * 2)) --councils 10 >/dev/null
  echo $((30 * 366 * 86400)) > "$RDATA/clock"
  local t0 t1
  t0=$(date +%s.%N)
  CONNECT_TEST_CLOCK="$RDATA/clock" "$ROOT/bin/connectctl" --data "$RDATA" retention run >/dev/null 2>"$OUT/retention.err"
  t1=$(date +%s.%N)
  local destroyed pages scrub compact
  destroyed=$(sed -n 's/^connectctl: \([0-9]*\) case(s) destroyed$/\1/p' "$OUT/retention.err")
  pages=$(sed -n 's/^connectctl: \([0-9]*\) free page(s) overwritten.* in \([0-9.]*\) s.*/\1/p' "$OUT/retention.err")
  scrub=$(sed -n 's/^connectctl: \([0-9]*\) free page(s) overwritten.* in \([0-9.]*\) s.*/\2/p' "$OUT/retention.err")
  compact=$(sed -n 's/^connectctl: data.mdb compacted by connectctl from \([0-9]*\) to \([0-9]*\) bytes in \([0-9.]*\) s$/\1 \2 \3/p' "$OUT/retention.err")
  [ -n "$compact" ] || { echo "retention bench: no compaction: $(cat "$OUT/retention.err")" >&2; exit 1; }
  "$ROOT/bin/connectctl" --data "$RDATA" check >/dev/null || { echo "retention bench: check failed" >&2; exit 1; }
  awk -v d="$destroyed" -v t0="$t0" -v t1="$t1" -v p="$pages" -v sc="$scrub" -v c="$compact" 'BEGIN {
    t = t1 - t0
    split(c, cs, " ")
    printf "Retention run: %d cases destroyed in %.2f s = %.2f s per 10,000 (%.0f cases/s); the scrub zeroed %d free pages in %.2f s of it, the compaction rewrote %.1f MB to %.1f MB in %.2f s of it\n",
      d, t, (d > 0 ? t * 10000 / d : 0), (t > 0 ? d / t : 0), p, sc, cs[1] / 1e6, cs[2] / 1e6, cs[3] }' > "$OUT/retention"
  rm -rf "$RDATA"
}
if [ "${BENCH_ONLY:-}" = retention ]; then
  retention_bench
  cat "$OUT/retention"
  exit 0
fi
# Backups: the recovery point and time of README "Deploying". BENCH_ONLY=backup times, on a store of
# BENCH_BACKUP_CASES generated cases (default 1,000,000; the second half's cached store when it is
# there, otherwise one made here and removed after): `connectctl backup` (the hot compacted copy with
# the keys, what the scheduler takes), `connectctl check` on the copy (what the scheduler runs before
# the copy counts) and `connectctl restore` (the copy into an empty folder, then the same check).
backup_bench() {
  local n=${BENCH_BACKUP_CASES:-1000000} cached="/var/tmp/connect-bench-cases-v6-${BENCH_BACKUP_CASES:-1000000}-1000000"
  local src="$cached" made=0 t0 t1 t2 t3
  if [ ! -f "$cached/.complete" ]; then
    src=$(mktemp -d /var/tmp/connect-bench-backup-src.XXXXXX); made=1
    "$ROOT/bin/connectctl" --data "$src" init >/dev/null
    t0=$(date +%s)
    "$ROOT/bin/connectctl" --data "$src" gen-cases --count "$n" --councils 100 >/dev/null
    echo "Backup bench: generated $n cases in $(( $(date +%s) - t0 )) s into $src"
  fi
  local copy restored
  copy=$(mktemp -u /var/tmp/connect-bench-backup.XXXXXX) restored=$(mktemp -u /var/tmp/connect-bench-restored.XXXXXX)
  sync
  t0=$(date +%s.%N)
  "$ROOT/bin/connectctl" --data "$src" backup "$copy" >/dev/null
  t1=$(date +%s.%N)
  "$ROOT/bin/connectctl" --data "$copy" check >/dev/null
  t2=$(date +%s.%N)
  "$ROOT/bin/connectctl" restore "$copy" --data "$restored" >/dev/null
  t3=$(date +%s.%N)
  local live bytes
  live=$(stat -c %s "$src/data.mdb"); bytes=$(stat -c %s "$copy/data.mdb")
  awk -v n="$n" -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" -v live="$live" -v bytes="$bytes" 'BEGIN {
    printf "Backup of %d cases: store %.2f GB, compacted copy %.2f GB; copy %.1f s, check of the copy %.1f s (a scheduled backup: %.1f s); restore with its check %.1f s\n",
      n, live / 1e9, bytes / 1e9, b - a, c - b, c - a, d - c }' > "$OUT/backup"
  rm -rf "$copy" "$restored"
  [ "$made" = 1 ] && rm -rf "$src"
  return 0
}
if [ "${BENCH_ONLY:-}" = backup ]; then
  backup_bench
  cat "$OUT/backup"
  exit 0
fi

# National report (issue 19): GET /api/reports/national for the last complete financial year, every
# council, as JSON, xlsx and CSV, one at a time, by the HO admin; each must take under
# BENCH_NATIONAL_TARGET seconds (2): PASS or MISS. Memory: the peak growth of connectd's private
# memory while it runs (as for the downloads below). It runs on the store of the cases at scale
# (BENCH_CASES, 1,000,000) in a full `make bench`; BENCH_ONLY=national runs only this part, on a store
# of BENCH_CASES generated cases of its own (cached in BENCH_NATIONAL_DATA, by default
# /var/tmp/connect-bench-national-N; generating 1,000,000 cases takes some 5 to 15 minutes on two
# cores, once).
NATIONAL_TARGET=${BENCH_NATIONAL_TARGET:-2}
national_bench() {  # TOKEN DATA-DIR CASES
  local token=$1 dir=$2 cases=$3 month year fy fmt base peak now pid
  month=$((10#$(date -u +%m))); year=$(date -u +%Y)
  fy=$(( month >= 4 ? year - 1 : year - 2 ))
  : > "$OUT/national"
  for fmt in json xlsx csv; do
    base=0; for pid in $(pgrep -f "connectd --data $dir"); do base=$(( base + $(awk '/^RssAnon:/ {print $2}' /proc/$pid/status 2>/dev/null || echo 0) )); done
    peak=$base
    curl -fsS -o "$OUT/national.$fmt" -w '%{time_total} %{size_download}\n' -H "Authorization: Bearer $token" \
      "$BASE/api/reports/national?year=$fy&format=$fmt" > "$OUT/national.curl" &
    local cpid=$!
    while kill -0 "$cpid" 2>/dev/null; do
      now=0; for pid in $(pgrep -f "connectd --data $dir"); do now=$(( now + $(awk '/^RssAnon:/ {print $2}' /proc/$pid/status 2>/dev/null || echo 0) )); done
      [ "$now" -gt "$peak" ] && peak=$now; sleep 0.05
    done
    wait "$cpid"
    echo "$fmt $(cat "$OUT/national.curl") $(( peak - base ))" >> "$OUT/national"
  done
  local households
  households=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(next(x for x in r["sections"] if x["key"]=="households")["rows"][4]["values"]["households"])' "$OUT/national.json")
  awk -v fy="$fy" -v target="$NATIONAL_TARGET" -v cases="$cases" -v hh="$households" '
    BEGIN { printf "National report %d-%02d over %d cases (%d households supported in the year), target < %s s each:\n", fy, (fy + 1) % 100, cases, hh, target }
    { printf "  %-6s %7.2f s  %8.1f KB  memory +%6d KiB  %s\n", $1, $2, $3 / 1024, $4, ($2 < target ? "PASS" : "MISS") }' "$OUT/national" > "$OUT/national.txt"
  rm -f "$OUT/national.json" "$OUT/national.xlsx" "$OUT/national.csv"
}
if [ "${BENCH_ONLY:-}" = national ]; then
  NCASES=${BENCH_CASES:-1000000}
  NDATA=${BENCH_NATIONAL_DATA:-/var/tmp/connect-bench-national-$NCASES}
  if [ ! -f "$NDATA/.complete" ]; then
    echo "Generating $NCASES cases into $NDATA (once; later runs reuse it)..."
    rm -rf "$NDATA"
    "$ROOT/bin/connectctl" --data "$NDATA" init >/dev/null
    "$ROOT/bin/connectctl" --data "$NDATA" seed-demo >/dev/null
    START=$(date +%s)
    "$ROOT/bin/connectctl" --data "$NDATA" gen-cases --count "$NCASES" --councils 100 | tail -1
    echo "  generated in $(( $(date +%s) - START ))s"
    # Many generated cases closed more than 6 years ago: connectd's daily retention run would destroy
    # them (then scrub and compact the file) while the report is timed. Done here once instead; their
    # anonymous facts rows stay, so the report still walks a row for every generated case.
    START=$(date +%s)
    "$ROOT/bin/connectctl" --data "$NDATA" retention run 2>&1 >/dev/null | tail -1
    echo "  retention run in $(( $(date +%s) - START ))s"
    touch "$NDATA/.complete"
  fi
  START=$(date +%s)
  "$ROOT/bin/connectctl" --data "$NDATA" init >/dev/null
  [ $(( $(date +%s) - START )) -gt 2 ] && echo "  store upgraded (report facts) in $(( $(date +%s) - START ))s"
  PORT=$PORT DATA=$NDATA DEMO=0 CONNECT_MFA=optional LOGIN_RATE=100000r/s LOGIN_BURST=100000 bash "$ROOT/nginx/serve.sh" >"$OUT/serve.log" 2>&1 &
  STACK=$! STACK_DATA=$NDATA
  for _ in $(seq 1 200); do curl -fsS "$BASE/api/health" >/dev/null 2>&1 && break; sleep 0.1; done
  cat "$NDATA/data.mdb" > /dev/null
  TOKEN=$(curl -fsS -X POST "$BASE/api/auth/login" -H 'Content-Type: application/json' \
    -d '{"username":"ho.admin","password":"demo-password-2026"}' | python3 -c 'import sys,json;print(json.load(sys.stdin)["token"])')
  national_bench "$TOKEN" "$NDATA" "$NCASES"
  cat "$OUT/national.txt"
  exit 0
fi
PORT=$PORT DATA=$DATA DEMO=1 LOGIN_RATE=100000r/s LOGIN_BURST=100000 bash "$ROOT/nginx/serve.sh" >"$OUT/serve.log" 2>&1 &
STACK=$! STACK_DATA=$DATA
for _ in $(seq 1 100); do curl -fsS "$BASE/api/health" >/dev/null 2>&1 && break; sleep 0.1; done

TOKEN=$(curl -fsS -X POST "$BASE/api/auth/login" -H 'Content-Type: application/json' \
  -d '{"username":"nfc.user","password":"demo-password-2026"}' | python3 -c 'import sys,json;print(json.load(sys.stdin)["token"])')

cat > "$OUT/login.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"username":"nfc.user","password":"demo-password-2026"}'
LUA

# CPU seconds (user + system) so far of every thread of the bench's connectd (the one serving
# STACK_DATA, not another on the machine): "AUDIT OTHER", the audit writers (fcgi/audit_queue.c
# names them) and the rest. Every audited read is written by a worker's audit writer after the
# answer, so a row's figures pay for it only through this CPU: the bench shows it.
connectd_cpu() {
  local p t
  for p in $(pgrep -f -- "connectd --data $STACK_DATA --"); do
    for t in /proc/"$p"/task/*; do
      printf '%s %s\n' "$(cat "$t/comm" 2>/dev/null)" "$(awk '{print $14 + $15}' "$t/stat" 2>/dev/null)"
    done
  done | awk -v hz="$(getconf CLK_TCK)" '$2 == "" {next} $1 == "audit-writer" {a += $2; next} {o += $2}
    END {printf "%.2f %.2f\n", a / hz, o / hz}'
}

# Waits (60 s at most) until the audit writers have written what the rows before queued: their CPU
# flat for half a second. Without it a row after a heavy read row ran beside that row's backlog of
# read audits: RTPF look-ups' p99 147 and 306 ms right after a list row, 17 and 144 ms after an 8 s
# pause (the backlog can outlast it). Each row then measures its own requests; the wait is printed
# beside it ("quiet s"), and a row's own audit writing during the row stays in its figures and in its
# audit CPU. Prints the seconds waited.
unset QUIET_WAITED # set only for one run below, never from outside
quiet() {
  local start now a0 a1
  start=$(date +%s.%N)
  a0=$(connectd_cpu | awk '{print $1}')
  while :; do
    sleep 0.5
    a1=$(connectd_cpu | awk '{print $1}')
    now=$(date +%s.%N)
    if awk -v a="$a0" -v b="$a1" -v s="$start" -v n="$now" 'BEGIN {exit !(b - a < 0.02 || n - s > 60)}'; then break; fi
    a0=$a1
  done
  awk -v s="$start" -v n="$now" 'BEGIN {printf "%.1f", n - s}'
}

# run NAME wrk-args... -> keeps "NAME req/s p50 p99 errors audit-cpu-s other-cpu-s quiet-s" (audit
# and other: connectd's CPU during the row, its audit writers' and the rest; quiet: the wait before)
run() {
  local name=$1; shift
  local cpu0 cpu1 waited=${QUIET_WAITED:-}
  [ -n "$waited" ] || waited=$(quiet) # QUIET_WAITED set: the caller waited already
  cpu0=$(connectd_cpu)
  wrk --latency -t"$WRK_THREADS" -d"$DURATION" "$@" > "$OUT/$name.txt" 2>&1
  cpu1=$(connectd_cpu)
  local rps p50 p99 non2xx
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$OUT/$name.txt")
  p50=$(awk '$1=="50%" {print $2}' "$OUT/$name.txt")
  p99=$(awk '$1=="99%" {print $2}' "$OUT/$name.txt")
  non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $5}' "$OUT/$name.txt")
  # Requests that got no answer at all (wrk's timeouts and socket errors) count as errors too.
  local lost
  lost=$(awk '/Socket errors:/ {gsub(",", ""); print $4 + $6 + $8 + $10}' "$OUT/$name.txt")
  echo "$name ${rps:-0} ${p50:-0} ${p99:-0} $(( ${non2xx:-0} + ${lost:-0} )) $(echo "$cpu0 $cpu1" | awk '{printf "%.2f %.2f", $3 - $1, $4 - $2}') $waited" >> "$OUT/results"
}

echo "Warming up..."
wrk -t1 -c4 -d2s "$BASE/index.html" >/dev/null 2>&1 || true
run static -c"$CONNS" "$BASE/index.html"
run me -c"$CONNS" -H "Authorization: Bearer $TOKEN" "$BASE/api/me"
run health -c"$CONNS" "$BASE/api/health"
run login -c4 -s "$OUT/login.lua" "$BASE/api/auth/login"
HO_SMALL=$(curl -fsS -X POST "$BASE/api/auth/login" -H 'Content-Type: application/json' \
  -d '{"username":"ho.user","password":"demo-password-2026"}' | python3 -c 'import sys,json;print(json.load(sys.stdin)["token"])')
run home_council_small -c"$CONNS" -H "Authorization: Bearer $TOKEN" "$BASE/api/home"
run home_ho_small -c"$CONNS" -H "Authorization: Bearer $HO_SMALL" "$BASE/api/home"

# ---- cases at scale: a store of BENCH_CASES generated cases (cached between runs) ----
CASES=${BENCH_CASES:-1000000}
REGISTER=${BENCH_REGISTER:-1000000}
# v3: the store also holds open alerts and queries (gen-cases), the home-page counters and
# REGISTER status-register records (gen-register). v4: the generated councils have a nation and a
# region (the national report's tables).
# v5: the generated store is kept as it was made and each run serves a fresh copy of it ($CDATA):
# the reads' audit events, creates and look-ups of earlier runs made a store that was served again
# and again grow by gigabytes (13.6 GB from 7.4 GB in a day), until it no longer fit in memory.
# v6: case records stored with the members list rows read first (store_case.h, STORE_CASE_HEAD).
CBASE=${BENCH_CASES_DATA:-/var/tmp/connect-bench-cases-v6-$CASES-$REGISTER}
CDATA=$CBASE.run
if [ "$CASES" -gt 0 ]; then
  kill -TERM "$STACK" 2>/dev/null; wait "$STACK" 2>/dev/null || true
  if [ ! -f "$CBASE/.complete" ]; then
    echo "Generating $CASES cases into $CBASE (once; later runs reuse it)..."
    rm -rf "$CBASE"
    "$ROOT/bin/connectctl" --data "$CBASE" init
    "$ROOT/bin/connectctl" --data "$CBASE" seed-demo >/dev/null
    START=$(date +%s)
    "$ROOT/bin/connectctl" --data "$CBASE" gen-cases --count "$CASES" --councils 100 | tail -1
    echo "  generated in $(( $(date +%s) - START ))s"
    echo "violet harbour lantern 2026 bench" | "$ROOT/bin/connectctl" --data "$CBASE" user add --org GEN001 --username gen001.bench \
      --name "Bench User" --role user --password-stdin >/dev/null
    START=$(date +%s)
    "$ROOT/bin/connectctl" --data "$CBASE" gen-register --count "$REGISTER" | tail -1
    echo "  generated in $(( $(date +%s) - START ))s"
    # As for the national report's store (above): the cases closed over 6 years ago destroyed once
    # here, not by connectd's daily run while the figures are taken.
    START=$(date +%s)
    "$ROOT/bin/connectctl" --data "$CBASE" retention run 2>&1 >/dev/null | tail -1
    echo "  retention run in $(( $(date +%s) - START ))s"
    touch "$CBASE/.complete"
  fi
  START=$(date +%s)
  rm -rf "$CDATA"
  cp -a "$CBASE" "$CDATA"
  # On disk before the stack starts: left to writeback, the copy's gigabytes of dirty pages were what
  # the first commit's fdatasync of data.mdb waited for, in the middle of the first audited rows.
  sync "$CDATA/data.mdb"
  echo "  fresh copy of the generated store in $(( $(date +%s) - START ))s"
  # A cache written by an older connectd gets its report facts (re)built when first opened: do it
  # here, timed, rather than inside the stack's start-up.
  START=$(date +%s)
  "$ROOT/bin/connectctl" --data "$CDATA" init
  [ $(( $(date +%s) - START )) -gt 2 ] && echo "  store upgraded (report facts) in $(( $(date +%s) - START ))s"
  # The generated store's users have no second factor: with connectd's default policy (required) their
  # sessions would only open enrolment and every measured request would be refused.
  PORT=$PORT DATA=$CDATA DEMO=0 CONNECT_MFA=optional LOGIN_RATE=100000r/s LOGIN_BURST=100000 CONNECT_LOOKUP_LIMIT=100000000 \
    bash "$ROOT/nginx/serve.sh" >"$OUT/serve2.log" 2>&1 &
  STACK=$! STACK_DATA=$CDATA
  for _ in $(seq 1 200); do curl -fsS "$BASE/api/health" >/dev/null 2>&1 && break; sleep 0.1; done
  token_of() { curl -fsS -X POST "$BASE/api/auth/login" -H 'Content-Type: application/json' -d "{\"username\":\"$1\",\"password\":\"$2\"}" \
    | python3 -c 'import sys,json;print(json.load(sys.stdin)["token"])'; }
  HO_TOKEN=$(token_of ho.user demo-password-2026)
  GEN_TOKEN=$(token_of gen001.bench "violet harbour lantern 2026 bench")
  # Request scripts: each cycles through many different queries.
  BENCH_BASE=$BASE BENCH_HO_TOKEN=$HO_TOKEN python3 - "$OUT" "$CASES" "$REGISTER" <<'PY'
import datetime, json, random, sys
out, n, reg = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rnd = random.Random(7)
family = ["okafor", "mensah", "campbell", "khan", "rahman", "patel", "hoxha", "haile", "warsame", "moyo",
          "karimi", "hosseini", "hassan", "osman", "nguyen", "wang", "silva", "garcia", "santos", "kamara"]
given = ["chioma", "kwame", "andre", "ayesha", "rahim", "priya", "arben", "yonas", "hodan", "tendai",
         "zahra", "reza", "noor", "amna", "linh", "wei", "joao", "valentina", "maria", "fatmata"]
def script(name, paths):
    with open(f"{out}/{name}.lua", "w") as f:
        f.write("local paths = {" + ",".join('"%s"' % p for p in paths) + "}\n")
        f.write("local i = 0\nrequest = function()\n  i = i + 1\n  return wrk.format('GET', paths[(i % #paths) + 1])\nend\n")
script("name", ["/api/cases?q=%s%%20%s" % (rnd.choice(given), rnd.choice(family)) if i % 2 else "/api/cases?q=%s" % rnd.choice(family) for i in range(500)])
script("dob", ["/api/cases?q=%04d-%02d-%02d" % (rnd.randint(1960, 2020), rnd.randint(1, 12), rnd.randint(1, 28)) for _ in range(500)])
# Fetches of cases that exist (the retention run destroyed the oldest closed ones): ids drawn at
# random, each kept once the HO has read it once.
import os, urllib.request, urllib.error
ids = []
while len(ids) < 2000:
    i = rnd.randint(1, n)
    try:
        urllib.request.urlopen(urllib.request.Request(os.environ["BENCH_BASE"] + "/api/cases/%d" % i,
                               headers={"Authorization": "Bearer " + os.environ["BENCH_HO_TOKEN"]})).read()
        ids.append(i)
    except urllib.error.HTTPError as e:
        if e.code != 404:
            raise
script("fetch", ["/api/cases/%d" % i for i in ids])
with open(f"{out}/cold_id", "w") as f:  # the cold start's case (below): one of them, read only once here
    f.write("%d\n" % ids[-1])
script("list", ["/api/cases?status=%s" % rnd.choice(["open_referral", "open_supported", "closed"]) for _ in range(100)])
# RTPF look-ups (store/ctl/register_gen.h): half match, a quarter have a wrong date of birth, a quarter
# ask for a number that is not in the register.
types = ["passport", "national_id", "brp", "ukvi_account", "share_code"]
def dob(i): return (datetime.date(1940, 1, 1) + datetime.timedelta(days=(i * 7919) % 25000)).isoformat()
bodies = []
for k in range(2000):
    i = rnd.randrange(max(reg, 1))
    kind = k % 4
    number = "GEN%09d" % (i if kind < 3 else reg + i)
    d = dob(i) if kind != 2 else "1939-12-31"
    bodies.append(json.dumps({"document_type": types[i % 5], "document_number": number, "date_of_birth": d}))
with open(f"{out}/lookup.lua", "w") as f:
    f.write("local bodies = {" + ",".join("[[%s]]" % b for b in bodies) + "}\n")
    # Added at request time: wrk.headers (with the token given by -H) is set up after the script loads,
    # and a header table of our own would replace it.
    f.write("local i = 0\nrequest = function()\n  i = i + 1\n  wrk.headers['Content-Type'] = 'application/json'\n")
    f.write("  return wrk.format('POST', '/api/rtpf/lookup', nil, bodies[(i % #bodies) + 1])\nend\n")
PY
  # Case creates and edits (issue 21, target 4): the bench's council user creates new households
  # (distinct names and dates of birth, confirm_not_duplicate so a rare near-match is not a 409) and
  # edits the address of 500 of its council's existing cases.
  EDIT_IDS=$(curl -fsS -H "Authorization: Bearer $GEN_TOKEN" "$BASE/api/cases?status=open_referral&limit=500" \
    | python3 -c 'import sys,json; print(" ".join(str(c["id"]) for c in json.load(sys.stdin)["items"]))')
  python3 - "$OUT" $EDIT_IDS <<'PY2'
import json, random, sys
out, ids = sys.argv[1], sys.argv[2:]
rnd = random.Random(11)
letters = "abcdefghijklmnopqrstuvwxyz"
def word(n): return "".join(rnd.choice(letters) for _ in range(n)).capitalize()
bodies = []
for k in range(2000):
    bodies.append(json.dumps({"principal": {"given_names": word(6), "family_name": word(8),
        "date_of_birth": "%04d-%02d-%02d" % (rnd.randint(1950, 2005), rnd.randint(1, 12), rnd.randint(1, 28)),
        "nationality": "Eritrean", "gender": "female"}, "dependants": [], "legislation": "care_act_2014",
        "household_type": "single_adult", "address": "%d Bench Street" % k, "la_involvement": "Bench.",
        "confirm_not_duplicate": True}))
def writer(name, method, reqs):
    with open(f"{out}/{name}.lua", "w") as f:
        f.write("local reqs = {" + ",".join("{[[%s]],[[%s]]}" % r for r in reqs) + "}\n")
        f.write("local i = 0\nrequest = function()\n  i = i + 1\n  wrk.headers['Content-Type'] = 'application/json'\n")
        f.write("  local r = reqs[(i %% #reqs) + 1]\n  return wrk.format('%s', r[1], nil, r[2])\nend\n" % method)
writer("create", "POST", [("/api/cases", b) for b in bodies])
writer("edit", "PUT", [("/api/cases/%s" % ids[k % len(ids)], json.dumps({"address": "%d Edited Road" % k})) for k in range(2000)])
PY2
  # Steady state: the store's pages in memory first (a cold start after boot reads them from disk;
  # the first searches then take up to seconds).
  cat "$CDATA/data.mdb" > /dev/null
  wrk -t1 -c4 -d2s "$BASE/index.html" >/dev/null 2>&1 || true
  run static_cases -c"$CONNS" "$BASE/index.html"
  run health_cases -c"$CONNS" "$BASE/api/health"
  run me_cases -c"$CONNS" -H "Authorization: Bearer $GEN_TOKEN" "$BASE/api/me"
  run ho_name -c"$CONNS" -s "$OUT/name.lua" -H "Authorization: Bearer $HO_TOKEN" "$BASE"
  run ho_dob -c"$CONNS" -s "$OUT/dob.lua" -H "Authorization: Bearer $HO_TOKEN" "$BASE"
  run ho_fetch -c"$CONNS" -s "$OUT/fetch.lua" -H "Authorization: Bearer $HO_TOKEN" "$BASE"
  run ho_list -c"$CONNS" -s "$OUT/list.lua" -H "Authorization: Bearer $HO_TOKEN" "$BASE"
  run council_name -c"$CONNS" -s "$OUT/name.lua" -H "Authorization: Bearer $GEN_TOKEN" "$BASE"
  run council_dob -c"$CONNS" -s "$OUT/dob.lua" -H "Authorization: Bearer $GEN_TOKEN" "$BASE"
  # Latency at a realistic load: 4 users searching at once, back to back.
  run ho_name_c4 -c4 -s "$OUT/name.lua" -H "Authorization: Bearer $HO_TOKEN" "$BASE"
  run ho_dob_c4 -c4 -s "$OUT/dob.lua" -H "Authorization: Bearer $HO_TOKEN" "$BASE"
  run council_name_c4 -c4 -s "$OUT/name.lua" -H "Authorization: Bearer $GEN_TOKEN" "$BASE"
  # Home page counters and work lists at scale (compare with the demo store's figures above).
  run home_council -c"$CONNS" -H "Authorization: Bearer $GEN_TOKEN" "$BASE/api/home"
  run home_council_mine -c"$CONNS" -H "Authorization: Bearer $GEN_TOKEN" "$BASE/api/home?mine=1"
  run home_ho -c"$CONNS" -H "Authorization: Bearer $HO_TOKEN" "$BASE/api/home"
  run ho_alerts -c"$CONNS" -H "Authorization: Bearer $HO_TOKEN" "$BASE/api/alerts?type=new_case&limit=50"
  run ho_queries_overdue -c"$CONNS" -H "Authorization: Bearer $HO_TOKEN" "$BASE/api/queries?overdue=1&limit=50"
  # Overload (target 1): 256 connections at once, half searching by name and half fetching cases, as
  # two wrk processes so the fetches' latency is measured on its own.
  OVERLOAD_QUIET=$(quiet)
  wrk --latency -t1 -d"$DURATION" -c128 -s "$OUT/name.lua" -H "Authorization: Bearer $HO_TOKEN" "$BASE" > "$OUT/overload_name.txt" 2>&1 &
  OVERLOAD=$!
  QUIET_WAITED=$OVERLOAD_QUIET run overload_fetch -c128 -t1 -s "$OUT/fetch.lua" -H "Authorization: Bearer $HO_TOKEN" "$BASE"
  wait "$OVERLOAD"
  run rtpf_lookup -c"$CONNS" -s "$OUT/lookup.lua" -H "Authorization: Bearer $GEN_TOKEN" "$BASE"
  run rtpf_lookup_c4 -c4 -s "$OUT/lookup.lua" -H "Authorization: Bearer $GEN_TOKEN" "$BASE"
  run case_create -c"$CONNS" -s "$OUT/create.lua" -H "Authorization: Bearer $GEN_TOKEN" "$BASE"
  run case_edit -c"$CONNS" -s "$OUT/edit.lua" -H "Authorization: Bearer $GEN_TOKEN" "$BASE"
  # Reports (issue 6): time to download and how much the workers' private memory grew meanwhile
  # (peak of the summed RssAnon of connectd's processes, sampled every 50 ms, minus the sum before).
  HO_ADMIN_TOKEN=$(token_of ho.admin demo-password-2026)
  anon_sum() { local t=0 p; for p in $(pgrep -f "connectd --data $CDATA"); do
      t=$(( t + $(awk '/^RssAnon:/ {print $2}' /proc/$p/status 2>/dev/null || echo 0) )); done; echo $t; }
  report() {  # NAME PATH
    local name=$1 path=$2 base peak now pid rows
    base=$(anon_sum); peak=$base
    curl -fsS -o "$OUT/$name.body" -w '%{time_total} %{size_download}\n' -H "Authorization: Bearer $HO_ADMIN_TOKEN" \
      "$BASE$path" > "$OUT/$name.curl" &
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do now=$(anon_sum); [ "$now" -gt "$peak" ] && peak=$now; sleep 0.05; done
    wait "$pid"
    case "$path" in *format=csv*) rows=$(( $(wc -l < "$OUT/$name.body") - 1 ));;
      *) rows=$(python3 -c 'import sys,zipfile,re; z=zipfile.ZipFile(sys.argv[1]); print(sum(1 for _ in re.finditer(rb"<row ", z.read("xl/worksheets/sheet1.xml"))) - 1)' "$OUT/$name.body");; esac
    echo "$name $(cat "$OUT/$name.curl") $rows $(( peak - base ))" >> "$OUT/reports"
    rm -f "$OUT/$name.body"
  }
  TODAY=$(date -u +%F)
  TWO_YEARS=$(date -u -d '2 years ago + 1 day' +%F)
  ONE_YEAR=$(date -u -d '1 year ago + 1 day' +%F)
  report referrals_csv "/api/reports/referrals?from=$TWO_YEARS&to=$TODAY&format=csv"
  report referrals_xlsx "/api/reports/referrals?from=$TWO_YEARS&to=$TODAY&format=xlsx"
  report finance_csv "/api/reports/finance?from=$ONE_YEAR&to=$TODAY&format=csv"
  report finance_xlsx "/api/reports/finance?from=$ONE_YEAR&to=$TODAY&format=xlsx"
  report resolution_all_csv "/api/reports/resolution?from=2000-01-01&to=$TODAY&format=csv"
  report resolution_small_csv "/api/reports/resolution?from=$TODAY&to=$TODAY&council=$(curl -fsS -H "Authorization: Bearer $GEN_TOKEN" "$BASE/api/me" | python3 -c 'import sys,json;print(json.load(sys.stdin)["org"]["id"])')&format=csv"
  run perf_ho -c4 -H "Authorization: Bearer $HO_TOKEN" "$BASE/api/reports/performance"
  run perf_council -c"$CONNS" -H "Authorization: Bearer $GEN_TOKEN" "$BASE/api/reports/performance"
  run sla_ho -c"$CONNS" -H "Authorization: Bearer $HO_TOKEN" "$BASE/api/reports/sla?from=2016-01-01&to=$TODAY"
  national_bench "$HO_ADMIN_TOKEN" "$CDATA" "$CASES"
  OPEN_ALERTS=$(curl -fsS -H "Authorization: Bearer $HO_TOKEN" "$BASE/api/alerts?limit=1" | python3 -c 'import sys,json;print(json.load(sys.stdin)["total"])')
  OPEN_QUERIES=$(curl -fsS -H "Authorization: Bearer $HO_TOKEN" "$BASE/api/queries?limit=1" | python3 -c 'import sys,json;print(json.load(sys.stdin)["total"])')
  STORE_BYTES=$(stat -c %s "$CDATA/data.mdb")
  USED_BYTES=$(mdb_stat -e "$CDATA" | awk '/Page size/ {ps=$3} /Number of pages used/ {pu=$5} END {printf "%.0f\n", ps*pu}')
  # Cold start (target 6): connectd and nginx restarted with the page cache dropped (root only), then
  # the first HO name search; and again, then the first case fetch (each first after its own restart,
  # so neither finds pages the other read). A token issued before the restart stays valid.
  cold_first() {  # PATH -> seconds, or nothing when the cache cannot be dropped
    kill -TERM "$STACK" 2>/dev/null; wait "$STACK" 2>/dev/null || true
    sync
    echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || return 0
    PORT=$PORT DATA=$CDATA DEMO=0 CONNECT_MFA=optional LOGIN_RATE=100000r/s LOGIN_BURST=100000 CONNECT_LOOKUP_LIMIT=100000000 \
      bash "$ROOT/nginx/serve.sh" >"$OUT/serve3.log" 2>&1 &
    STACK=$! STACK_DATA=$CDATA
    for _ in $(seq 1 600); do curl -fsS "$BASE/api/health" >/dev/null 2>&1 && break; sleep 0.1; done
    curl -fsS -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $HO_TOKEN" "$BASE$1"
  }
  cold_first "/api/cases?q=ayesha%20khan" > "$OUT/cold"
  cold_first "/api/cases/$(cat "$OUT/cold_id")" >> "$OUT/cold"
fi

retention_bench

# Size (target 7): BENCH_SIZE_CASES (100,000) cases freshly generated (with their alerts, queries,
# history, facts and indexes) into a store of their own; the pages of every database over the number
# of cases. Per case it hardly depends on the scale (the B-trees' branch pages are a fraction of a
# percent), and the 1M store above has been through retention runs, so is not "fresh".
size_bench() {
  local dir
  dir=$(mktemp -d /var/tmp/connect-bench-size.XXXXXX)
  "$ROOT/bin/connectctl" --data "$dir" init >/dev/null
  "$ROOT/bin/connectctl" --data "$dir" gen-cases --count "${BENCH_SIZE_CASES:-100000}" --councils 100 >/dev/null
  mdb_stat -ea "$dir" | awk '/^Status of/ {db=$3} /Page size/ {ps=$3} /Branch pages/ {b=$3} /Leaf pages/ {l=$3}
    /Overflow pages/ {o=$3} /Entries:/ { if (db == "cases") n = $2; if (db != "Main") t += (b + l + o) * ps }
    END { printf "%d %.0f\n", n, t }' > "$OUT/size"
  mdb_stat -ea "$dir" | awk '/^Status of/ {db=$3} /Page size/ {ps=$3} /Branch pages/ {b=$3} /Leaf pages/ {l=$3}
    /Overflow pages/ {o=$3} /Entries:/ { if (db != "Main" && b + l + o > 0) printf "%s %d %.0f\n", db, $2, (b + l + o) * ps }' \
    | sort -k3 -nr > "$OUT/size.dbs"
  rm -rf "$dir"
}
[ "$CASES" -gt 0 ] && size_bench

CPU=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
echo
echo "Connect benchmark — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores ($CPU), wrk -t$WRK_THREADS -d$DURATION"
echo "nginx $(nginx -v 2>&1 | sed 's/.*\///'), connectd ${WORKERS:-$(nproc)} read workers x ${THREADS:-3} threads + 1 write worker x ${WRITE_THREADS:-32}; $CONNS connections unless stated"
echo
echo "Accounts (demo store):"
awk -v static="$(awk '$1=="static" {print $2}' "$OUT/results")" '
  BEGIN { printf "%-44s %10s %9s %9s %10s %7s\n", "endpoint", "req/s", "p50", "p99", "vs static", "errors" }
  $1 == "static" || $1 == "me" || $1 == "health" || $1 == "login" || $1 ~ /^home_.*_small$/ {
    label = $1
    if ($1 == "static") label = "GET /index.html (nginx static)"
    if ($1 == "me") label = "GET /api/me (JWT + LMDB read)"
    if ($1 == "health") label = "GET /api/health (FastCGI only)"
    if ($1 == "login") label = "POST /api/auth/login (argon2id)"
    if ($1 == "home_council_small") label = "council: GET /api/home (demo store)"
    if ($1 == "home_ho_small") label = "HO: GET /api/home (demo store)"
    printf "%-44s %10.0f %9s %9s %9.1f%% %7s\n", label, $2, $3, $4, 100 * $2 / static, $5
  }' "$OUT/results"
if [ "$CASES" -gt 0 ]; then
  echo
  echo "Cases: $CASES generated cases over 100 councils, $OPEN_ALERTS open HO alerts and $OPEN_QUERIES open queries awaiting the HO, $REGISTER status-register records; store $((STORE_BYTES / 1048576)) MiB file, $((USED_BYTES / 1048576)) MiB in use = $((USED_BYTES / CASES)) bytes per case"
  echo "(audit CPU: the share of connectd's CPU during the row spent by its audit writers, writing the reads' audit events;"
  echo " quiet s: the wait before the row for the audit writers to finish the rows before it)"
  awk -v static="$(awk '$1=="static_cases" {print $2}' "$OUT/results")" '
    BEGIN { printf "%-44s %10s %9s %9s %10s %7s %10s %8s\n", "endpoint", "req/s", "p50", "p99", "vs static", "errors", "audit CPU", "quiet s" }
    $1 ~ /^(static_cases|health_cases|me_cases|ho_|council_|home_|overload_|rtpf_|case_|perf_|sla_)/ && $1 !~ /_small$/ {
      label = $1
      if ($1 == "static_cases") label = "GET /index.html (nginx static)"
      if ($1 == "health_cases") label = "GET /api/health (FastCGI only)"
      if ($1 == "me_cases") label = "council: GET /api/me"
      if ($1 == "overload_fetch") label = "HO: case fetch, 128 conns beside 128 searching"
      if ($1 == "case_create") label = "council: POST /api/cases (durable write)"
      if ($1 == "case_edit") label = "council: PUT /api/cases/{id} (durable write)"
      if ($1 == "ho_name") label = "HO: search by name (all councils)"
      if ($1 == "ho_dob") label = "HO: search by date of birth"
      if ($1 == "ho_fetch") label = "HO: GET /api/cases/{id}"
      if ($1 == "ho_list") label = "HO: list by status (page of 50)"
      if ($1 == "council_name") label = "council: search by name"
      if ($1 == "council_dob") label = "council: search by date of birth"
      if ($1 == "ho_name_c4") label = "HO: search by name, 4 clients"
      if ($1 == "ho_dob_c4") label = "HO: search by date of birth, 4 clients"
      if ($1 == "council_name_c4") label = "council: search by name, 4 clients"
      if ($1 == "home_council") label = "council: GET /api/home"
      if ($1 == "home_council_mine") label = "council: GET /api/home?mine=1"
      if ($1 == "home_ho") label = "HO: GET /api/home (all councils)"
      if ($1 == "ho_alerts") label = "HO: new case alerts (page of 50)"
      if ($1 == "ho_queries_overdue") label = "HO: overdue queries (page of 50)"
      if ($1 == "rtpf_lookup") label = "RTPF look-up (audited write)"
      if ($1 == "rtpf_lookup_c4") label = "RTPF look-up, 4 clients"
      if ($1 == "perf_ho") label = "HO: performance monitoring, 4 clients"
      if ($1 == "perf_council") label = "council: performance monitoring"
      if ($1 == "sla_ho") label = "HO: SLA report (JSON)"
      printf "%-44s %10.0f %9s %9s %9.1f%% %7s %9.0f%% %8s\n", label, $2, $3, $4, 100 * $2 / static, $5, ($6 + $7 > 0 ? 100 * $6 / ($6 + $7) : 0), $8
    }' "$OUT/results"
  echo
  echo "Report downloads (HO admin, every council; one at a time; memory = peak growth of connectd's private memory):"
  awk 'BEGIN { printf "%-44s %10s %9s %10s %12s %12s\n", "report", "rows", "seconds", "MB", "rows/s", "memory KiB" }
    { label = $1
      if ($1 == "referrals_csv") label = "referrals, last 2 years, CSV"
      if ($1 == "referrals_xlsx") label = "referrals, last 2 years, xlsx"
      if ($1 == "finance_csv") label = "finance, last year, CSV"
      if ($1 == "finance_xlsx") label = "finance, last year, xlsx"
      if ($1 == "resolution_all_csv") label = "resolution, every case, CSV"
      if ($1 == "resolution_small_csv") label = "resolution, one council, one day, CSV"
      printf "%-44s %10d %9.2f %10.1f %12.0f %12d\n", label, $4, $2, $3 / 1048576, ($2 > 0 ? $4 / $2 : 0), $5 }' "$OUT/reports"
  echo
  cat "$OUT/national.txt"
fi
echo
cat "$OUT/retention"

# ---- Issue 21's targets: one table, each measured figure beside its target, PASS or MISS ----
if [ "$CASES" -gt 0 ]; then
  echo
  python3 - "$OUT" "$CASES" <<'PY3'
import os, sys
out, cases = sys.argv[1], int(sys.argv[2])
res = {}
for line in open(f"{out}/results"):
    f = line.split()
    if len(f) >= 5:
        res[f[0]] = f[1:]
def ms(v):  # wrk latency -> milliseconds
    for suf, k in (("us", 1e-3), ("ms", 1.0), ("s", 1e3), ("m", 6e4)):
        if v.endswith(suf):
            return float(v[: -len(suf)]) * k
    return float(v)
def rps(n): return float(res[n][0]) if n in res else None
def p99(n): return ms(res[n][2]) if n in res else None
rows = []
def ratio(label, n, of, goal):
    a, b = rps(n), rps(of)
    v = 100 * a / b if a is not None and b else None
    rows.append((label, "%.0f req/s = %.1f%%" % (a, v) if v is not None else "not measured", ">= %d%%" % goal, v is not None and v >= goal))
def tail(label, n, goal):
    # A run that completed no request prints a p99 of 0: that is not a pass.
    v = p99(n) if rps(n) else None
    rows.append((label, "%.2f ms" % v if v is not None else "not measured", "<= %d ms" % goal, v is not None and v <= goal))
ratio("1. /api/health vs static /index.html", "health_cases", "static_cases", 50)
tail("1. /api/health p99, 32 connections", "health_cases", 5)
tail("1. overload (256 conns, name searches + fetches): fetch p99", "overload_fetch", 50)
ratio("2. GET /api/me vs /api/health", "me_cases", "health_cases", 75)
ratio("2. HO case fetch (read audited) vs /api/health", "ho_fetch", "health_cases", 75)
ratio("2. council home page vs /api/health", "home_council", "health_cases", 75)
ratio("3. HO name search, 32 clients, vs /api/health", "ho_name", "health_cases", 25)
tail("3. HO name search p99, 32 clients", "ho_name", 20)
tail("3. HO name search p99, 4 clients", "ho_name_c4", 10)
tail("3. HO date-of-birth search p99", "ho_dob", 10)
tail("3. HO list by status p99", "ho_list", 10)
tail("3. HO new-case alerts page p99", "ho_alerts", 10)
tail("3. HO overdue queries page p99", "ho_queries_overdue", 10)
tail("3. HO home page p99", "home_ho", 10)
ratio("4. RTPF look-up (durable) vs /api/health", "rtpf_lookup", "health_cases", 50)
tail("4. RTPF look-up p99", "rtpf_lookup", 20)
ratio("4. case create (durable) vs /api/health", "case_create", "health_cases", 25)
tail("4. case create p99", "case_create", 20)
ratio("4. case edit (durable) vs /api/health", "case_edit", "health_cases", 25)
tail("4. case edit p99", "case_edit", 20)
tail("5. HO performance monitoring p99, 4 clients", "perf_ho", 10)
cold = [float(x) * 1000 for x in open(f"{out}/cold").read().split()] if os.path.exists(f"{out}/cold") else []
for i, (label, goal) in enumerate((("6. cold start: first HO name search", 500), ("6. cold start: first case fetch", 50))):
    v = cold[i] if i < len(cold) else None
    rows.append((label, "%.1f ms" % v if v is not None else "not measured (needs root)", "<= %d ms" % goal, v is not None and v <= goal))
n, total = (int(x) for x in open(f"{out}/size").read().split())
per = total / n if n else None
rows.append(("7. store bytes per case (%d freshly generated)" % n, "%.0f B" % per if per else "not measured", "<= 3000 B", per is not None and per <= 3000))
errors = [k for k, v in res.items() if v[3] != "0"]
print("Issue 21 targets (%d generated cases over 100 councils; same run):" % cases)
print("%-62s %-28s %-10s %s" % ("target", "measured", "goal", "result"))
for label, v, goal, ok in rows:
    print("%-62s %-28s %-10s %s" % (label, v, goal, "PASS" if ok else "MISS"))
print("%d of %d targets met%s" % (sum(1 for r in rows if r[3]), len(rows),
      "; runs with non-2xx answers: " + ", ".join(errors) if errors else ""))
print("Bytes per case by database (fresh store): " + ", ".join("%s %.0f" % (d, float(b) / n)
      for d, e, b in (l.split() for l in open(f"{out}/size.dbs")) if float(b) / n >= 10))
PY3
fi
