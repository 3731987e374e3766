#!/usr/bin/env bash
# Re-measures the targets of docs/BENCHMARKS.md ("Target by target") in one sitting, on this
# machine, and prints the table: chat latency and CPU per message at 5 000 and 15 000 msg/s
# and at the highest rate sustained, group fan-out, idle connections (warm and cold), and the
# gateway beside the peer servers when a peers kit is given. About 15 minutes.
#
#   docs/bench-all.sh [JAR]                  default: target/fishchat.jar (built when missing)
#   PEERS=DIR docs/bench-all.sh              DIR: the peers kit (Go, Netty, C gateways and loadgen,
#                                            built: DIR/loadgen/bin/loadgen ...); without it the
#                                            gateway rows are skipped, and idle uses fishchat's own opener
#                                            (it greets after opening all: ~2 KiB more per connection than
#                                            loadgen, see BENCHMARKS "Target by target")
#   PIN=split docs/bench-all.sh              server on CPU 0, load generators on CPU 1 (taskset)
#   QUICK=1                                  shorter runs (a smoke test of the script, not figures)
#
# Every server is a fresh `fishchat standalone` (SQLite) or `gateway` on loopback ports 19400-19409;
# server CPU is read from /proc/PID/stat over each measured window. Load runs on the same
# machine: read the figures as what this machine does with both, and compare only with figures
# taken in the same sitting.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
. "$root/bin/lib/jdk.sh"
fishchat_find_jdk
jar=$(readlink -f "${1:-$root/target/fishchat.jar}")
if [ ! -f "$jar" ]; then (cd "$root" && ./mvnw -B -ntp -q package -DskipTests); fi
java="$JAVA_HOME/bin/java"
jvm=(--enable-native-access=ALL-UNNAMED -XX:+ExitOnOutOfMemoryError -Djdk.trackAllThreads=false)
[ "${FISHCHAT_JDK_MAJOR:-0}" -ge 25 ] && jvm+=(-XX:+UseCompactObjectHeaders)
srv_pin=() lg_pin=()
if [ "${PIN:-}" = split ]; then srv_pin=(taskset -c 0) lg_pin=(taskset -c 1); fi
measure=20 warm=10
if [ -n "${QUICK:-}" ]; then measure=4 warm=2; fi
work=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
rows=()
row() { rows+=("$(printf '| %s | %s | %s |' "$1" "$2" "$3")"); echo "  $1: $2 (target $3)" >&2; }

start_standalone() { # extra flags...
  rm -rf "$work/data"
  "${srv_pin[@]}" "$java" "${jvm[@]}" ${FISHCHAT_JAVA_OPTS:-} -jar "$jar" standalone --data "$work/data" \
      --gateway-listen 127.0.0.1:19400 --access-listen 127.0.0.1:19401 --no-web --max-msg-rate 0 \
      --new-connection-rate-per-ip 0 --max-connections-per-ip 0 "$@" > "$work/server.log" 2>&1 &
  pid=$!
  for _ in $(seq 200); do grep -q "fishchat standalone:" "$work/server.log" 2>/dev/null && return; sleep 0.1; done
  echo "standalone did not start:" >&2; cat "$work/server.log" >&2; exit 1
}
start_gateway() {
  "${srv_pin[@]}" "$java" "${jvm[@]}" ${FISHCHAT_JAVA_OPTS:-} -jar "$jar" gateway --listen 127.0.0.1:19405 \
      --access-list 127.0.0.1:11000 --new-connection-rate-per-ip 0 --max-connections-per-ip 0 > "$work/gateway.log" 2>&1 &
  pid=$!
  for _ in $(seq 200); do grep -q "gateway listening on" "$work/gateway.log" 2>/dev/null && return; sleep 0.1; done
  echo "gateway did not start" >&2; exit 1
}
stop() { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=""; }
ticks() { awk '{print $14+$15}' "/proc/$pid/stat"; }           # CPU of the server, in 10 ms ticks
bench() { "${lg_pin[@]}" "$java" -jar "$jar" bench "$@"; }
field() { sed -E "s/.* $1=([-0-9.]+).*/\1/" <<< "$2"; }
ms() { awk -v us="$1" 'BEGIN { printf "%.1f ms", us / 1000 }'; }

# chat RATE: RESULT line, then "cpu_us_per_msg"
chat() {
  bench chat --gateway 127.0.0.1:19400 --users 1000 --rate "$1" --duration "${warm}s" --data "$work/data" > /dev/null
  local t0 t1 out
  t0=$(ticks)
  out=$(bench chat --gateway 127.0.0.1:19400 --users 1000 --rate "$1" --duration "${measure}s" --data "$work/data" | grep RESULT)
  t1=$(ticks)
  echo "$out"
  echo "$(( (t1 - t0) * 10000 / $(field acked "$out" | awk '{print ($1 > 0 ? $1 : 1)}') ))"
}

echo "bench-all: $jar, $(date -u '+%F %H:%M UTC'), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $("$java" -version 2>&1 | head -1), PIN=${PIN:-none}" >&2

echo "== chat, 1 000 users, fresh standalone per rate" >&2
for rate in 5000 15000; do
  start_standalone
  result=$(chat "$rate")
  line=$(head -1 <<< "$result"); cpu=$(tail -1 <<< "$result")
  stop
  echo "  $line" >&2
  row "chat $rate msg/s: delivered p50 / p99" "$(ms "$(field delivered_p50_us "$line")") / $(ms "$(field delivered_p99_us "$line")")" "$([ "$rate" = 5000 ] && echo 'p99 ≤ 5 ms' || echo 'p99 ≤ 20 ms')"
  row "chat $rate msg/s: server CPU per message" "$cpu µs" "$([ "$rate" = 5000 ] && echo '≤ 60 µs' || echo '–')"
done
start_standalone
result=$(chat 30000)
line=$(head -1 <<< "$result"); cpu=$(tail -1 <<< "$result")
stop
echo "  $line" >&2
row "chat offered 30 000 msg/s: sustained, undelivered" "$(field msg_per_s "$line") msg/s, $(field undelivered "$line")" "≥ 30 000, 0"
row "chat offered 30 000 msg/s: delivered p99, server CPU per message" "$(ms "$(field delivered_p99_us "$line")"), $cpu µs" "–, ≤ 30 µs"

echo "== group fan-out" >&2
for spec in "500 50" "2000 10"; do
  set -- $spec
  start_standalone
  bench group --gateway 127.0.0.1:19400 --members "$1" --rate "$2" --duration "${warm}s" --data "$work/data" --group-id 1 > /dev/null
  t0=$(ticks)
  line=$(bench group --gateway 127.0.0.1:19400 --members "$1" --rate "$2" --duration "${measure}s" --data "$work/data" --group-id 2 | grep RESULT)
  t1=$(ticks)
  stop
  echo "  $line" >&2
  deliveries=$(field deliveries "$line")
  row "group $1 members at $2 msg/s: all-members p99, server CPU per delivery" \
      "$(ms "$(field all_members_p99_us "$line")"), $(( (t1 - t0) * 10000 / (deliveries > 0 ? deliveries : 1) )) µs" \
      "$([ "$1" = 500 ] && echo '≤ 50 ms, ≤ 15 µs' || echo 'measured')"
done

echo "== idle connections on a gateway" >&2
idle() { # N: "rss_per_conn heap_per_conn" in bytes
  if [ -n "${PEERS:-}" ]; then
    local out
    out=$("${lg_pin[@]}" "$PEERS/loadgen/bin/loadgen" -q -mode idle -addr 127.0.0.1:19405 -c "$1" -d 10s -pid "$pid")
    echo "$(field rss_per_conn_b "$out") $(field jvm_heap_per_conn_b "$out")"
  else
    local rss0 rss1 out
    rss0=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
    out=$(bench attack header-only --gateway --idle --target 127.0.0.1:19405 --conns "$1" --sources 8 --hold 10s --server-pid "$pid")
    rss1=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
    echo "$(( (rss1 - rss0) * 1024 / $1 )) $(field heap_per_conn "$out")"
  fi
}
start_gateway
if [ -n "${PEERS:-}" ]; then
  "${lg_pin[@]}" "$PEERS/loadgen/bin/loadgen" -q -mode rr -addr 127.0.0.1:19405 -c 256 -w 0s -d 60s > /dev/null
else
  bench gateway --target 127.0.0.1:19405 --conns 256 --warmup 0s --duration 60s > /dev/null
fi
read -r rss heap <<< "$(idle 19000)"
stop
row "idle 19 000 connections after a minute of load: RSS / heap after GC per connection" "$(awk -v r="$rss" -v h="$heap" 'BEGIN { printf "%.2f / %.2f KiB", r / 1024, h / 1024 }')" "≤ 3 / ≤ 1.8 KiB"
start_gateway
read -r rss heap <<< "$(idle 15000)"
stop
row "idle 15 000 connections on a gateway started seconds before: RSS / heap per connection" "$(awk -v r="$rss" -v h="$heap" 'BEGIN { printf "%.2f / %.2f KiB", r / 1024, h / 1024 }')" "≤ 3 / ≤ 1.8 KiB"

if [ -n "${PEERS:-}" ]; then
  echo "== gateway request/reply beside the peers (interleaved)" >&2
  rr() { # NAME CONNS -> "rps cpu_pct"
    local out
    out=$("${lg_pin[@]}" "$PEERS/loadgen/bin/loadgen" -q -mode rr -addr "$1" -c "$2" -w 3s -d "${measure}s" -pid "$pid")
    echo "$(field rps "$out") $(field srv_cpu_pct "$out")"
  }
  for conns in 256 2048; do
    start_gateway; "${lg_pin[@]}" "$PEERS/loadgen/bin/loadgen" -q -mode rr -addr 127.0.0.1:19405 -c 16 -w 0s -d 5s > /dev/null
    read -r f_rps f_cpu <<< "$(rr 127.0.0.1:19405 "$conns")"; stop
    "${srv_pin[@]}" "$PEERS/go-gateway/bin/go-gateway" -port 19406 -access 127.0.0.1:11000 > /dev/null 2>&1 & pid=$!; sleep 1
    read -r g_rps g_cpu <<< "$(rr 127.0.0.1:19406 "$conns")"; stop
    row "gateway rr at $conns connections, against Go: req/s, CPU per request" \
        "$(awk -v a="$f_rps" -v b="$g_rps" -v c="$f_cpu" -v d="$g_cpu" 'BEGIN { printf "%.2f×, %.2f× (fishchat %d req/s at %d %%, Go %d at %d %%)", a / b, (c / a) / (d / b), a, c, b, d }')" \
        "≥ 0.95×, ≤ 1.1×"
  done
else
  echo "== gateway beside the peers: skipped (set PEERS=DIR to a built peers kit)" >&2
fi

printf '\n| what | figure | target |\n|---|---|---|\n'
printf '%s\n' "${rows[@]}"
