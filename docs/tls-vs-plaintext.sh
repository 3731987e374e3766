#!/usr/bin/env bash
# TLS vs plaintext: CPU per chat message and heap per idle logged-in session, one sitting.
set -euo pipefail
cd "$(dirname "$0")/.."
. bin/lib/jdk.sh; fishchat_find_jdk
D=${TLSB_DIR:-/tmp/tlsb}; rm -rf $D/data $D/certs; mkdir -p $D/certs
$JAVA_HOME/bin/keytool -genkeypair -alias s -keyalg EC -groupname secp256r1 -dname CN=bench -ext SAN=ip:127.0.0.1 \
  -keystore $D/certs/k.p12 -storetype PKCS12 -storepass changeit -validity 2 >/dev/null 2>&1
$JAVA_HOME/bin/keytool -exportcert -rfc -alias s -keystore $D/certs/k.p12 -storepass changeit > $D/certs/cert.pem
openssl pkcs12 -in $D/certs/k.p12 -nocerts -nodes -passin pass:changeit 2>/dev/null | openssl pkcs8 -topk8 -nocrypt > $D/certs/key.pem
bin/fishchat standalone --data $D/data --gateway-listen 127.0.0.1:19700 --access-listen 127.0.0.1:19701 \
  --gateway-tls-listen 127.0.0.1:19702 --access-tls-listen 127.0.0.1:19703 \
  --tls-cert $D/certs/cert.pem --tls-key $D/certs/key.pem --new-connection-rate-per-ip 0 > $D/server.log 2>&1 &
sleep 6
PID=$(pgrep -f "gateway-listen 127.0.0.1:19700" | head -1)
echo "server pid $PID"
ticks() { awk '{print $14+$15}' /proc/$PID/stat; }
bench_chat() { # $1 label, rest: target flags
  local label=$1; shift
  local before=$(ticks)
  out=$(bin/fishchat bench chat "$@" --users 500 --rate 1000 --duration 10s --data $D/data 2>&1 | grep RESULT)
  local after=$(ticks)
  echo "$label cpu_ticks=$((after-before)) us_per_msg=$(( (after-before)*10000/10000 )) :: $out"
}
bin/fishchat bench chat --access 127.0.0.1:19701 --users 500 --rate 1000 --duration 5s --data $D/data >/dev/null 2>&1
bin/fishchat bench chat --access 127.0.0.1:19703 --tls-ca $D/certs/cert.pem --users 500 --rate 1000 --duration 5s --data $D/data >/dev/null 2>&1
for round in 1 2 3; do
  bench_chat "plain#$round" --access 127.0.0.1:19701
  bench_chat "tls#$round" --access 127.0.0.1:19703 --tls-ca $D/certs/cert.pem
done
histo() { $JAVA_HOME/bin/jcmd $PID GC.run >/dev/null; sleep 1; $JAVA_HOME/bin/jcmd $PID GC.class_histogram | tail -1 | awk '{print $3}'; }
idle() { # $1 label, rest flags
  local label=$1; shift
  local base=$(histo)
  bin/fishchat bench idle "$@" --users 5000 --hold 40s --data $D/data > $D/idle-$label.log 2>&1 &
  local bp=$!
  sleep 32
  local held=$(histo)
  $JAVA_HOME/bin/jcmd $PID GC.class_histogram | head -14 > $D/histo-$label.txt
  wait $bp || true
  echo "$label heap_before=$base heap_held=$held per_session_bytes=$(( (held-base)/5000 )) :: $(grep RESULT $D/idle-$label.log || tail -1 $D/idle-$label.log)"
  sleep 3
}
for round in 1 2; do
  idle "idle-plain#$round" --access 127.0.0.1:19701
  idle "idle-tls#$round" --access 127.0.0.1:19703 --tls-ca $D/certs/cert.pem
done
kill $PID; wait || true
