#!/usr/bin/env bash
# One million product instances on one satellite (README, "One million instances"). Seeds DIR once with N
# instances as `agent fleet` leaves them (written by SQL: src/test/java/dev/smartsat/store/SeededFleet.java),
# then RUNS times starts `serve` on it with a HEAP heap and measures: start time, database size, the device list
# and licenses view over one kept-alive HTTPS connection (median and slowest of 25, after 5), the sync request
# file plain and gzipped (time, size, and the heap's peak while it was written, from the GC log), `backup` while
# serve runs, and serve's peak RSS. Run from the repository root after `mvn -B -q package -DskipTests`:
#
#   examples/benchmarks/one-million.sh /tmp/one-million [RUNS] [N]
set -euo pipefail
DIR=$(realpath -m "${1:?usage: $0 DIR [RUNS] [N]}")
RUNS=${2:-3}
N=${3:-1000000}
PORT=${PORT:-22446}
HEAP=${HEAP:-256m}
JAR=${JAR:-target/smartsat.jar}
BASE=https://localhost:$PORT
VA=$BASE/backend/api/v1/accounts/Example%20Corp/virtual-accounts/Default
CA=$DIR/certs/ca.pem

if [ ! -f "$DIR/data/smartsat.db" ]; then
  mvn -B -q test -Dtest=InstancePagesScaleTest -Dsurefire.failIfNoSpecifiedTests=false \
    -Dsmartsat.instancesBenchmark="$N" -Dsmartsat.instancesBenchmark.dir="$DIR" -Dsmartsat.instancesBenchmark.seedOnly=true
fi

seconds_since() { echo "$EPOCHREALTIME - $1" | bc; }
# Median and slowest, in ms, of the timings (seconds, one a line) after the first 5.
stats() { tail -n +6 | sort -n | awk '{t[NR] = $1 * 1000} END {printf "%.1f / %.1f ms", t[int((NR + 1) / 2)], t[NR]}'; }
# The largest heap occupancy before a collection, and the largest left after one (what the export still held),
# in MB, among the GC log's lines from line $2 on.
heap() {
  echo "$(tail -n +"$2" "$1" | grep -o '[0-9]*M->' | sed 's/M->//' | sort -n | tail -1) MB before a GC," \
    "$(tail -n +"$2" "$1" | grep -o -- '->[0-9]*M' | sed 's/->//; s/M//' | sort -n | tail -1) MB after"
}

for run in $(seq "$RUNS"); do
  echo "== run $run of $RUNS, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  gc=$DIR/gc-$run.log
  t0=$EPOCHREALTIME
  java -Xmx"$HEAP" -Xlog:gc:file="$gc" -jar "$JAR" serve --data-dir "$DIR/data" --certs-dir "$DIR/certs" \
    --port "$PORT" > "$DIR/serve-$run.log" 2>&1 &
  pid=$!
  trap 'kill $pid 2>/dev/null' EXIT
  until curl -sf --cacert "$CA" "$BASE/health" > /dev/null 2>&1; do
    kill -0 $pid || { echo "serve stopped; see $DIR/serve-$run.log"; exit 1; }
    sleep 0.05
  done
  echo "start: $(seconds_since "$t0") s"
  echo "database: $(du -b "$DIR/data/smartsat.db" | cut -f1) bytes (+ WAL $(du -b "$DIR/data/smartsat.db-wal" 2>/dev/null | cut -f1))"
  secret=$(sed -n 's/.*"client_secret" *: *"\([^"]*\)".*/\1/p' "$DIR/data/admin-credentials.json")
  token=$(curl -s --cacert "$CA" "$BASE/backend/oauth/token" -d grant_type=client_credentials -d client_id=admin \
    -d client_secret="$secret" | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
  third=$(curl -s --cacert "$CA" -H "Authorization: Bearer $token" "$VA/devices?limit=1&offset=$((N / 3))")
  piid=$(echo "$third" | sed -n 's/.*"productInstanceIdentifier":"\([^"]*\)".*/\1/p')
  # A whole serial number finds one instance; its first four characters (seeded: "seed", a fleet's: its prefix) all.
  serial=$(echo "$third" | sed -n 's/.*"udiSerialNumber":"\([^"]*\)".*/\1/p')
  pages=("devices" "devices?offset=$((N / 2))" "devices?status=OUT_OF_COMPLIANCE&offset=$((N / 2))" \
      "devices?status=AUTHORIZED" "devices?status=REGISTERED&offset=$((N / 2))" \
      "devices?status=AUTHORIZATION_EXPIRED" "devices?q=${piid:0:8}" "devices?q=$serial" \
      "devices?q=${serial:0:4}&offset=$((N / 2))" "devices?q=c9&offset=$((N / 2))" "licenses")
  # Warm up first: each page a few times, so the first one timed does not pay for the JIT's compiling.
  for page in "${pages[@]}"; do
    for _ in 1 2 3; do curl -s --cacert "$CA" -H "Authorization: Bearer $token" -o /dev/null "$VA/$page"; done
  done
  for page in "${pages[@]}"; do
    urls=()
    for _ in $(seq 30); do urls+=(-o /dev/null "$VA/$page"); done
    echo "$page: $(curl -s --cacert "$CA" -H "Authorization: Bearer $token" -w '%{time_total}\n' "${urls[@]}" | stats)"
  done
  # The console's Product Instances page, signed in as a person is (a session cookie, the form's CSRF token).
  jar=$DIR/cookies-$run
  csrf=$(curl -s -c "$jar" --cacert "$CA" "$BASE/console/sign-in" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)
  curl -s -b "$jar" -c "$jar" --cacert "$CA" -o /dev/null -d csrf="$csrf" -d client_id=admin \
    --data-urlencode client_secret="$secret" "$BASE/console/sign-in"
  console=$BASE/console/accounts/Example%20Corp/virtual-accounts/Default/instances
  for page in "" "?offset=$((N / 2))" "?status=OUT_OF_COMPLIANCE&offset=$((N / 2))" "?q=${piid:0:8}"; do
    urls=()
    for _ in $(seq 33); do urls+=(-o /dev/null "$console$page"); done
    status=$(curl -s -b "$jar" --cacert "$CA" -o /dev/null -w '%{http_code}' "$console$page")
    echo "console instances$page (HTTP $status): $(curl -s -b "$jar" --cacert "$CA" -w '%{time_total}\n' "${urls[@]}" \
      | tail -n +4 | stats)"
  done
  rm -f "$jar"
  echo "metrics: $(for _ in 1 2 3 4 5 6; do curl -s --cacert "$CA" -H "Authorization: Bearer $token" -o /dev/null \
    -w '%{time_total}\n' "$BASE/metrics"; done | tail -n +2 | sort -n | awk '{t[NR] = $1 * 1000} END {printf "%.0f / %.0f ms", t[3], t[NR]}')"
  for query in "" "?gzip=true"; do
    from=$(($(wc -l < "$gc") + 1))
    got=$(curl -s --cacert "$CA" -H "Authorization: Bearer $token" -o /dev/null \
      -w '%{http_code} %{size_download} bytes in %{time_total} s' "$BASE/backend/api/v1/sync/request-file$query")
    echo "sync request file$query: $got, heap at most $(heap "$gc" "$from") (of $HEAP)"
  done
  t0=$EPOCHREALTIME
  java -jar "$JAR" backup --data-dir "$DIR/data" --certs-dir "$DIR/certs" --out "$DIR/backup.db" > /dev/null
  echo "backup (serve running): $(seconds_since "$t0") s, $(du -b "$DIR/backup.db" | cut -f1) bytes"
  rm -f "$DIR/backup.db"
  echo "serve peak RSS: $(grep VmHWM /proc/$pid/status | awk '{printf "%.0f MB", $2 / 1024}')"
  kill $pid
  wait $pid || true
  trap - EXIT
done
