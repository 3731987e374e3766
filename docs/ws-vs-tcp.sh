#!/usr/bin/env bash
# WebSocket next to TCP, one sitting, transports alternated, a fresh `fishchat standalone` for
# every run: (a) heap and RSS per idle logged-in session, 5 000 sessions, on a cold server and
# on one warmed by the same 5 000 logins first; (b) server CPU per ping and latency, closed loop
# over 64 connections. docs/BENCHMARKS.md, "WebSocket next to TCP".
# WSB_DIR: where logs and histograms go (default /tmp/wsbench); ROUNDS_IDLE, IDLE_MODES, ROUNDS_PING.
set -euo pipefail
cd "$(dirname "$0")/.."
. bin/lib/jdk.sh; fishchat_find_jdk
D=${WSB_DIR:-/tmp/wsbench}; DATA=$D-data
mkdir -p $D
JAR=target/fishchat.jar
# What bin/fishchat passes on JDK >= 25 (bin/fishchat, "defaults").
SERVER_FLAGS="--enable-native-access=ALL-UNNAMED -Djdk.trackAllThreads=false -XX:+UseCompactObjectHeaders"
ACCESS=127.0.0.1:21001; WS=ws://127.0.0.1:21080/ws
target() { if [ "$1" = tcp ]; then echo "--access $ACCESS"; else echo "--ws-url $WS"; fi; }

PID=
start_server() { # $1: log file
  rm -rf $DATA
  $JAVA_HOME/bin/java $SERVER_FLAGS -jar $JAR standalone --data $DATA --gateway-listen 127.0.0.1:21000 \
    --access-listen $ACCESS --ws-listen 127.0.0.1:21080 --web-listen 127.0.0.1:21081 > "$1" 2>&1 &
  PID=$!
  for _ in $(seq 100); do grep -q '^fishchat standalone:' "$1" && return; sleep 0.2; done
  echo "server did not start: $1" >&2; exit 1
}
stop_server() { kill $PID; wait $PID 2>/dev/null || true; sleep 2; }
wait_for() { # $1 file, $2 pattern
  for _ in $(seq 600); do grep -qs "$2" "$1" && return; sleep 0.1; done
  echo "no '$2' in $1" >&2; exit 1
}
histo_total() { $JAVA_HOME/bin/jcmd $PID GC.class_histogram > "$1"; tail -1 "$1" | awk '{print $3}'; }
rss_kib() { awk '/^VmRSS:/ {print $2}' /proc/$PID/status; }
ticks() { awk '{print $14+$15}' /proc/$1/stat; }        # utime + stime of a process, 10 ms ticks
per() { awk -v a="$1" -v b="$2" -v n="$3" 'BEGIN { printf "%.2f", (b - a) / n }'; }
busy() { awk '/^cpu / {print $2+$3+$4+$7+$8+$9}' /proc/stat; }   # all cores, non-idle, 10 ms ticks

idle_run() { # $1 transport, $2 round, $3 cold|warm
  local tag=idle-$3-$1-$2
  start_server $D/$tag-server.log
  if [ "$3" = warm ]; then   # the same 5 000 logins, held 5 s and closed, before the "before" figure
    $JAVA_HOME/bin/java -jar $JAR bench ping $(target $1) --conns 5000 --interval 10s --warmup 0s --duration 5s \
      --data $DATA > $D/$tag-warmup.log 2>&1
    sleep 3
  fi
  local before=$(histo_total $D/$tag-histo-before.txt) rss_before=$(rss_kib) t0=$(ticks $PID)
  $JAVA_HOME/bin/java -jar $JAR bench ping $(target $1) --conns 5000 --interval 10s --duration 40s \
    --data $DATA > $D/$tag-bench.log 2>&1 &
  local bench=$!
  wait_for $D/$tag-bench.log '^bench ping: '
  local t1=$(ticks $PID)                 # server CPU for the 5 000 connects, upgrades and logins
  sleep 15                               # every session has pinged at least once since its login
  local held=$(histo_total $D/$tag-histo-held.txt) rss_held=$(rss_kib)
  wait $bench || true
  stop_server
  echo "$tag heap_before=$before heap_held=$held heap_per_session_kib=$(per $before $held 5120000)" \
       "rss_before_kib=$rss_before rss_held_kib=$rss_held rss_per_session_kib=$(per $rss_before $rss_held 5000)" \
       "login_server_us_each=$(( (t1-t0)*10000/5000 )) load=$(cut -d' ' -f1 /proc/loadavg)" \
       ":: $(grep '^bench ping:' $D/$tag-bench.log | sed 's/.* in /login /') :: $(grep RESULT $D/$tag-bench.log || tail -2 $D/$tag-bench.log)"
}

ping_run() { # $1 transport, $2 round
  local tag=ping-$1-$2
  start_server $D/$tag-server.log
  $JAVA_HOME/bin/java -jar $JAR bench ping $(target $1) --conns 64 --warmup 5s --duration 15s \
    --server-pid $PID > $D/$tag-bench.log 2>&1 &
  local bench=$!
  wait_for $D/$tag-bench.log '^bench ping: '
  # Seen from outside over 14 s inside the bench's measured 15 s (after its 5 s warm-up): the
  # server, the bench and everything else on the machine, in % of one core.
  sleep 5.5
  local b0=$(busy) s0=$(ticks $PID) c0=$(ticks $bench)
  sleep 14
  local b1=$(busy) s1=$(ticks $PID) c1=$(ticks $bench)
  wait $bench || true
  stop_server
  echo "$tag server_pct=$(( (s1-s0)*100/1400 )) bench_pct=$(( (c1-c0)*100/1400 ))" \
       "others_pct=$(( ((b1-b0)-(s1-s0)-(c1-c0))*100/1400 )) :: $(grep RESULT $D/$tag-bench.log || tail -2 $D/$tag-bench.log)"
}

echo "sitting $(date -u +%FT%TZ) on $(nproc) cores, $($JAVA_HOME/bin/java -version 2>&1 | head -1)"
for mode in ${IDLE_MODES:-cold warm}; do
  for round in $(seq ${ROUNDS_IDLE:-2}); do idle_run tcp $round $mode; idle_run ws $round $mode; done
done
for round in $(seq ${ROUNDS_PING:-3}); do ping_run tcp $round; ping_run ws $round; done
