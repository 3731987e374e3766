#!/usr/bin/env bash
# Plots the samples of `fishchat bench soak --samples CSV` into a PNG of four panels (heap,
# RSS, threads, open files against minutes), so a long run can be read at a glance: a
# series that keeps climbing to the right is the one to look at.
#   docs/plot-soak.sh [CSV [PNG]]     (default: docs/soak.csv -> docs/soak.png)
# Needs gnuplot (Debian: apt-get install gnuplot-nox).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
csv=${1:-$here/soak.csv}
png=${2:-${csv%.csv}.png}
if ! command -v gnuplot >/dev/null; then
  echo "plot-soak: gnuplot not found (Debian: apt-get install gnuplot-nox)" >&2
  exit 1
fi
[ -r "$csv" ] || { echo "plot-soak: cannot read $csv" >&2; exit 1; }
# Columns (ServerSample.CSV_HEADER): elapsed_s, rss_bytes, threads, open_files,
# heap_used_bytes, heap_after_gc_bytes. An empty field (a reading that failed) is a gap.
gnuplot <<GNUPLOT
set terminal pngcairo size 1200,900 font "sans,10"
set output "$png"
set datafile separator ","
set datafile columnheaders
set key top left
set grid
set xlabel "minutes"
MiB = 1048576.0
set multiplot layout 2,2 title "fishchat bench soak: the server process under mixed load"
set title "heap (MiB)"
set yrange [0:*]
plot "$csv" using (\$1/60):(\$5/MiB) with lines lc rgb "#bbbbbb" title "used", \
     ""     using (\$1/60):(\$6/MiB) with lines lw 2 lc rgb "#1f77b4" title "after latest young/full GC"
set title "resident set (MiB)"
plot "$csv" using (\$1/60):(\$2/MiB) with lines lw 2 lc rgb "#d62728" title "VmRSS"
set title "threads (OS, JVM-internal included)"
plot "$csv" using (\$1/60):3 with lines lw 2 lc rgb "#2ca02c" title "Threads"
set title "open file descriptors"
plot "$csv" using (\$1/60):4 with lines lw 2 lc rgb "#9467bd" title "/proc/PID/fd"
unset multiplot
GNUPLOT
echo "plot-soak: wrote $png"
