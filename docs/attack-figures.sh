#!/usr/bin/env bash
# Replays the attacks of docs/SECURITY.md ("Hostile clients") against a fishchat jar, on fresh
# standalone servers on loopback, and prints what each did: one RESULT line per attack (from
# `fishchat bench attack`, run from the jar under test when it has it, else from ATTACKER_JAR)
# plus the server-side figures (log lines, file modes). Default server flags unless said.
#   docs/attack-figures.sh [SERVER_JAR] [ATTACKER_JAR]     (default: target/fishchat.jar for both)
# Compare two builds by running it once per jar. Takes about 5 minutes; uses ports 19100-19103.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
. "$root/bin/lib/jdk.sh"
fishchat_find_jdk
server_jar=$(readlink -f "${1:-$root/target/fishchat.jar}")
attacker_jar=$(readlink -f "${2:-$root/target/fishchat.jar}")
java="$JAVA_HOME/bin/java"
work=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
attack() { "$java" -jar "$attacker_jar" bench attack "$@"; }

start() { # start NAME JVM_OPTS... -- SERVER_FLAGS...
  local name=$1; shift
  local jvm=()
  while [ "$1" != "--" ]; do jvm+=("$1"); shift; done
  shift
  rm -rf "$work/data"
  (umask 022; exec "$java" --enable-native-access=ALL-UNNAMED -Djdk.trackAllThreads=false "${jvm[@]}" -jar "$server_jar" \
      standalone --data "$work/data" --gateway-listen 127.0.0.1:19100 --access-listen 127.0.0.1:19101 \
      --ws-listen 127.0.0.1:19102 --web-listen 127.0.0.1:19103 "$@" > "$work/$name.log" 2>&1) &
  pid=$!
  for _ in $(seq 100); do grep -q "fishchat standalone:" "$work/$name.log" 2>/dev/null && return; sleep 0.1; done
  echo "server did not start:"; cat "$work/$name.log"; exit 1
}
stop() { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=""; }

echo "server $server_jar ($(unzip -p "$server_jar" META-INF/MANIFEST.MF | sed -n 's/^Implementation-Version: //p' | tr -d '\r')), $(date -u +%F), $(nproc) cores, $("$java" -version 2>&1 | head -1)"

echo "== 1. header-only frames: 2 000 connections, each a ping then the header ff ff (-Xmx256m; 6 warm-up rounds of idle ones)"
start header -Xmx256m -XX:+UseCompactObjectHeaders -- --new-connection-rate-per-ip 0 --no-web
for _ in 1 2 3 4 5 6; do attack header-only --target 127.0.0.1:19101 --conns 2000 --hold 1s --idle > /dev/null; done
echo "idle:        $(attack header-only --target 127.0.0.1:19101 --conns 2000 --hold 2s --server-pid "$pid" --idle)"
echo "header-only: $(attack header-only --target 127.0.0.1:19101 --conns 2000 --hold 2s --server-pid "$pid")"
stop

echo "== 2. silent connections from one address, held 15 s (default caps: 5 000 per address, handshake timeout 10 s)"
start silent -- 
echo "WebSocket port: $(attack silent --target 127.0.0.1:19102 --conns 6000 --sources 1 --hold 15s)"
echo "chat page port: $(attack silent --target 127.0.0.1:19103 --conns 6000 --sources 1 --hold 15s)"
stop

echo "== 3. one user reconnecting for a fresh allowance: 200 sends a connection, 10 s (--max-msg-rate 100)"
start burst -- --no-web
attack reconnect-burst --access 127.0.0.1:19101 --data "$work/data" --uid 666 --victim 667 --per-burst 200 --sessions 1 --duration 10s
stop

echo "== 4. WebSocket control frames against the rules: 400 connections, a PING of 126 bytes each"
start wsctl --
before=$(wc -c < "$work/wsctl.log")
echo "$(attack ws-control --ws-url ws://127.0.0.1:19102/ws --kind LONG_PING --conns 400)" \
     "server_log_bytes=$(( $(wc -c < "$work/wsctl.log") - before ))" \
     "error_lines=$(grep -c ' ERROR ' "$work/wsctl.log" || true)"
stop

echo "== 5. one user joining new groups from 5 sessions for 20 s (default rate and caps)"
start joins -- --no-web
attack join-flood --access 127.0.0.1:19101 --data "$work/data" --uid 666 --sessions 5 --duration 20s
stop

echo "== 6. the data directory under umask 022"
start files -- --no-web
attack reconnect-burst --access 127.0.0.1:19101 --data "$work/data" --uid 1 --victim 2 --per-burst 1 --sessions 1 --duration 1s > /dev/null
stat -c '%A %n' "$work/data" "$work/data"/messages.db* "$work/data/secret" | sed "s|$work/||"
stop

echo "== 7. two connections keep pings (then gateway requests, then WebSocket PINGs) queued for 8 s while a probe pings every 50 ms"
start pipeline --
attack pipeline-flood --target 127.0.0.1:19101 --probe 127.0.0.1:19101 --conns 2 --duration 8s
attack pipeline-flood --target 127.0.0.1:19100 --gateway --probe 127.0.0.1:19101 --conns 2 --duration 8s
attack pipeline-flood --target 127.0.0.1:19102 --ws --probe 127.0.0.1:19101 --conns 2 --duration 8s
stop

echo "== 8. 2 000 connections, each a ping then 65 000 bytes of a 65 535-byte frame, held (-Xmx128m)"
start partial -Xmx128m -XX:+ExitOnOutOfMemoryError -- --new-connection-rate-per-ip 0 --no-web
attack header-only --target 127.0.0.1:19101 --conns 2000 --hold 3s --body-bytes 65000
sleep 1
if kill -0 "$pid" 2>/dev/null; then echo "the node is alive"; else echo "the node ended: $(grep -m1 -o 'Terminating due to.*' "$work/partial.log" || true)"; fi
stop

echo "== 8b. the same from one address, while a ~40 KB ping from another arrives in two halves 500 ms apart (-Xmx128m)"
start partial1 -Xmx128m -XX:+ExitOnOutOfMemoryError -- --new-connection-rate-per-ip 0 --no-web
attack header-only --target 127.0.0.1:19101 --conns 2000 --hold 3s --body-bytes 65000 --sources 1 --slow-probe
stop

echo "== 9. 4 500 connections to the chat page port, each ~15 KB of an unfinished request head, held (-Xmx128m)"
start heads -Xmx128m -XX:+ExitOnOutOfMemoryError -- --new-connection-rate-per-ip 0
attack long-head --target 127.0.0.1:19103 --conns 4500 --hold 3s
sleep 1
if kill -0 "$pid" 2>/dev/null; then echo "the node is alive"; else echo "the node ended: $(grep -m1 -o 'Terminating due to.*' "$work/heads.log" || true)"; fi
stop
