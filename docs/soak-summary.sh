#!/usr/bin/env bash
# Summarises the samples of `fishchat bench soak --samples CSV` as a Markdown table: first,
# last and largest value of each series, and, for the heap after GC and the RSS, the
# least-squares slope over the last WINDOW minutes (default 20), after the ramp-up: a leak
# shows as a slope that stays clearly above zero however long the window.
#   docs/soak-summary.sh [CSV [WINDOW_MINUTES]]     (default: docs/soak.csv, 20)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
csv=${1:-$here/soak.csv}
window=${2:-20}
[ -r "$csv" ] || { echo "soak-summary: cannot read $csv" >&2; exit 1; }
awk -F, -v window="$window" '
  NR == 1 { next }   # header: elapsed_s,rss_bytes,threads,open_files,heap_used_bytes,heap_after_gc_bytes
  {
    n++; t[n] = $1
    for (c = 2; c <= 6; c++) {
      v[n, c] = $c
      if ($c == "") continue              # a reading that failed
      if (!(c in first)) first[c] = $c
      last[c] = $c
      if (!(c in max) || $c + 0 > max[c]) max[c] = $c + 0
    }
  }
  # Least-squares slope of column c against minutes, over samples at or after t[n] - window.
  function slope(c,    i, from, k, sx, sy, sxx, sxy, x) {
    from = t[n] - window * 60
    for (i = 1; i <= n; i++) {
      if (t[i] < from || v[i, c] == "") continue
      x = t[i] / 60; k++; sx += x; sy += v[i, c]; sxx += x * x; sxy += x * v[i, c]
    }
    return k < 2 ? 0 : (k * sxy - sx * sy) / (k * sxx - sx * sx)
  }
  function mib(b) { return sprintf("%.1f MiB", b / 1048576) }
  function row(name, c, bytes) {
    if (!(c in first)) { printf "| %s | – | – | – | |\n", name; return }
    printf "| %s | %s | %s | %s |", name, bytes ? mib(first[c]) : first[c], bytes ? mib(last[c]) : last[c], bytes ? mib(max[c]) : max[c]
    if (c == 6 || c == 2) printf " %+.1f KiB/min |", slope(c) / 1024
    else printf " |"
    printf "\n"
  }
  END {
    printf "%d samples over %.1f min; slope over the last %d min\n\n", n, t[n] / 60, window
    print "| series | first | last | max | slope, last " window " min |"
    print "|---|---:|---:|---:|---:|"
    row("heap after GC", 6, 1)
    row("heap used", 5, 1)
    row("RSS", 2, 1)
    row("threads", 3, 0)
    row("open files", 4, 0)
  }' "$csv"
