# Sourced by bin/fishchat and bin/test: sets JAVA_HOME to a JDK >= 21 and
# FISHCHAT_JDK_MAJOR to its feature version.
# Order: $JAVA_HOME if it is new enough, then the newest JDK under /usr/lib/jvm
# (JDK 25's virtual-thread poller costs less CPU per request than 21's).
# The `java` on PATH is never used: on Debian 12 it is 17.

fishchat_jdk_major() { # prints the feature version of the JDK at $1, or nothing
  local release="$1/release" v
  [ -x "$1/bin/java" ] || return 0
  if [ -f "$release" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release")
  else
    v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p')
  fi
  echo "$v"
}

fishchat_find_jdk() {
  local min=21 best="" best_major=0 dir major
  if [ -n "${JAVA_HOME:-}" ]; then
    major=$(fishchat_jdk_major "$JAVA_HOME")
    if [ -n "$major" ] && [ "$major" -ge "$min" ]; then
      export FISHCHAT_JDK_MAJOR="$major"
      return 0
    fi
    echo "fishchat: JAVA_HOME=$JAVA_HOME is not a JDK >= $min; looking under /usr/lib/jvm" >&2
  fi
  for dir in /usr/lib/jvm/*; do
    [ -d "$dir" ] && [ ! -L "$dir" ] || continue
    major=$(fishchat_jdk_major "$dir")
    [ -n "$major" ] || continue
    if [ "$major" -ge "$min" ] && [ "$major" -gt "$best_major" ]; then
      best="$dir"; best_major="$major"
    fi
  done
  if [ -z "$best" ]; then
    echo "fishchat: no JDK >= $min found (checked JAVA_HOME and /usr/lib/jvm/*)." >&2
    echo "fishchat: install one (e.g. Temurin 21 or 25) and set JAVA_HOME to it." >&2
    return 1
  fi
  export JAVA_HOME="$best"
  export FISHCHAT_JDK_MAJOR="$best_major"
}
