#!/usr/bin/env bash
# Turn bench/results/latest.tsv (or $1) into docs/benchmarks-results.md (a table
# with the machine's details) and docs/benchmarks.png (gnuplot): requests/s
# as a ratio to the floor measured in the same run.  BENCH_REPORT names
# another folder for both.

set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
tsv=${1:-$root/bench/results/latest.tsv}
out=${BENCH_REPORT:-$root/docs}
md=$out/benchmarks-results.md
png=$out/benchmarks.png

command -v gnuplot >/dev/null || {
    echo "gnuplot is missing: apt-get install gnuplot-nox" >&2
    exit 1
}

{
    echo "# Benchmark results"
    echo
    echo "Made by \`bench/run.sh\` and \`bench/report.sh\` on $(date -u +%F)."
    echo
    echo "- CPU: $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)," \
         "$(nproc) cores; memory $(free -g | awk '/^Mem/ { print $2 }') GiB"
    echo "- kernel $(uname -r); $(/usr/sbin/nginx -v 2>&1 | sed 's/.*: //');" \
         "$(wrk -v 2>&1 | head -1 | awk '{ print $1, $2 }')"
    echo "- one nginx worker pinned to CPU 0; wrk (1 thread," \
         "${BENCH_CONNECTIONS:-32} connections) and the upstream backend on" \
         "CPU 1; ${BENCH_REPEAT:-5} rounds, each running every variant of a" \
         "mode and N for ${BENCH_DURATION:-3} s (after a" \
         "${BENCH_WARMUP:-1} s warm-up); each row is the variant's median" \
         "round"
    echo
    echo "ratio: requests/s over the floor (nginx \`return 200\` in one" \
         "location) in the same round; range: the lowest and highest ratio" \
         "of the rounds; cpu x: the gateway worker's CPU time per request" \
         "over the floor's; ÷ proxy_pass: the module's requests/s over plain" \
         "\`proxy_pass\` in the same round (upstream mode); busy: the" \
         "share of the run the gateway worker spent on the CPU (req/s ×" \
         "CPU per request). Where busy is well under 1, wrk on the other" \
         "CPU is a limit too: requests/s then hide part of a difference" \
         "in cost, and cpu x is the figure that shows it."
    echo
    echo "| mode | N | variant | req/s | p50 | p99 | CPU µs/req | busy |" \
         "ratio | range | cpu x | ÷ proxy_pass | nginx -t s | bytes/proxy |"
    echo "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %s | %s | %.2f | %s | %s–%s | %s | %s | %s | %s |\n",
                  $1, $2, $3, $4, $5, $6, $7, $4 * $7 / 1e6, $8, $12, $13,
                  $9, $14, $10, $11 }' "$tsv"
} > "$md"

data=$(mktemp)
trap 'rm -f "$data"' EXIT

# one row per mode/N: the ratio, lowest and highest of proxies,
# regex-locations and proxy_pass (0 where a mode has no such variant)
awk -F'\t' '
    $3 != "floor" { v[$1 " " $2, $3] = $8 " " $12 " " $13; o[++n] = $1 " " $2 }
    END {
        split("proxies regex-locations proxy_pass", names, " ")
        for (i = 1; i <= n; i++) {
            key = o[i]; if (seen[key]++) continue
            printf "\"%s\"", key
            for (j = 1; j <= 3; j++)
                printf " %s", ((key, names[j]) in v) ? v[key, names[j]] \
                                                   : "0 0 0"
            printf "\n"
        }
    }' "$tsv" > "$data"

gnuplot <<EOF
set terminal pngcairo size 1000,520 font "sans,10" noenhanced
set output "$png"
set title "requests/s over nginx 'return 200' in the same round: the median round, bars from the lowest to the highest"
set style data histograms
set style histogram errorbars gap 1 lw 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set yrange [0:1.4]
set grid ytics
set ylabel "ratio to the floor"
set xtics rotate by -30
set key top right
plot "$data" using 2:3:4:xtic(1) title "proxies (this module)", \\
     "" using 5:6:7 title "N regex locations", \\
     "" using 8:9:10 title "plain proxy_pass", \\
     0.9 with lines dt 2 lc rgb "black" title "target 0.90"
EOF

echo "wrote $md and $png"
