#!/usr/bin/env bash
# ngx_proxies benchmark: the module against plain nginx, same machine, same
# run.  One nginx worker is pinned to CPU 0, wrk (and the backend, in
# upstream mode) to CPU 1.  Every wrk run is bounded by BENCH_DURATION.
#
#   bench/run.sh                      all modes, N = 10 1000 10000
#   BENCH_NS="10" BENCH_MODES=static bench/run.sh
#
# Each figure is the median of BENCH_REPEAT runs (default 3); every run of
# a variant is paired with a run of the floor just before it, and the
# ratios are those of the median pair.  Prints one
# line per case and writes bench/results/latest.tsv; bench/report.sh turns
# that into docs/benchmarks.md and its chart.

set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
duration=${BENCH_DURATION:-5}
warmup=${BENCH_WARMUP:-1}
conns=${BENCH_CONNECTIONS:-32}
repeat=${BENCH_REPEAT:-3}
ns=${BENCH_NS:-"10 1000 10000"}
modes=${BENCH_MODES:-"static upstream function"}
nginx=${NGINX:-/usr/sbin/nginx}
module=${PROXIES_MODULE:-$root/ngx_http_proxies_module.so}
gw_port=${BENCH_PORT:-18480}
be_port=$((gw_port + 1))
floor_port=$((gw_port + 2))
work=$root/bench/results/work
out=$root/bench/results/latest.tsv

mkdir -p "$work"
: > "$out.tmp"

source "$root/bench/lib.sh"

cleanup() {
    stop "$work/gw/nginx.pid"
    stop "$work/floor/nginx.pid"
    stop "$work/be/nginx.pid"
}
trap cleanup EXIT

worker_pid() {
    pgrep -P "$(cat "$1/nginx.pid")" | head -1
}

cpu_ticks() {
    awk '{ print $14 + $15 }' "/proc/$1/stat"
}

# run wrk against the nginx in $1 on port $2;
# prints "rps p50 p99 cpu_us_per_req"
measure() {
    local dir=$1 port=$2 pid before after res rps reqs p50 p99
    pid=$(worker_pid "$dir")
    taskset -c 1 wrk -t1 -c"$conns" -d"${warmup}s" -s "$work/mix.lua" \
        "http://127.0.0.1:$port" > /dev/null
    before=$(cpu_ticks "$pid")
    res=$(taskset -c 1 wrk -t1 -c"$conns" -d"${duration}s" --latency \
          -s "$work/mix.lua" "http://127.0.0.1:$port")
    after=$(cpu_ticks "$pid")
    rps=$(awk '/^Requests\/sec/ { print $2 }' <<< "$res")
    reqs=$(awk '/requests in/ { print $1 }' <<< "$res")
    p50=$(awk '$1 == "50%" { print $2 }' <<< "$res")
    p99=$(awk '$1 == "99%" { print $2 }' <<< "$res")
    if grep -q "Non-2xx" <<< "$res"; then
        echo "warning: non-2xx responses: $(grep Non-2xx <<< "$res")" >&2
    fi
    local hz
    hz=$(getconf CLK_TCK)
    awk -v rps="$rps" -v p50="$p50" -v p99="$p99" -v t="$((after - before))" \
        -v hz="$hz" -v reqs="$reqs" \
        'BEGIN { printf "%s %s %s %.2f\n", rps, p50, p99, t / hz * 1e6 / reqs }'
}

run_case() {
    local mode=$1 n=$2 variant=$3 http=$4 server=$5 floor=$6 floor_cpu=$7
    local load=
    [ "$variant" = proxies ] && load=module
    write_conf "$work/gw" "$gw_port" 01 "$http" "$server" "$load"
    local t0 t1
    t0=$(date +%s.%N)
    local tout
    tout=$("$nginx" -t -p "$work/gw" -c "$work/gw/nginx.conf" \
           -e /dev/stderr 2>&1)
    t1=$(date +%s.%N)
    local per_proxy
    per_proxy=$(sed -n 's/.*bytes compiled, \([0-9]*\) per proxy.*/\1/p' \
                <<< "$tout")
    start "$work/gw" "$gw_port"
    local ratio=1 cpu_ratio=1
    if [ -z "$floor" ]; then
        # the median of $repeat runs, by requests/s
        read -r rps p50 p99 cpu < <(
            for _ in $(seq "$repeat"); do measure "$work/gw" "$gw_port"; done \
            | sort -g -k1 | sed -n "$(( (repeat + 1) / 2 ))p")
    else
        # each run is paired with a run of the floor right before it, so
        # drift of the machine cancels out of the ratio; the median pair
        # (by ratio) is reported
        read -r rps p50 p99 cpu ratio cpu_ratio < <(
            for _ in $(seq "$repeat"); do
                read -r frps _ _ fcpu < <(measure "$work/floor" "$floor_port")
                read -r vrps vp50 vp99 vcpu < <(measure "$work/gw" "$gw_port")
                awk -v a="$vrps" -v b="$frps" -v c="$vcpu" -v d="$fcpu" \
                    -v p50="$vp50" -v p99="$vp99" \
                    'BEGIN { printf "%s %s %s %s %.3f %.3f\n",
                             a, p50, p99, c, a / b, c / d }'
            done | sort -g -k5 | sed -n "$(( (repeat + 1) / 2 ))p")
    fi
    stop "$work/gw/nginx.pid"
    local t_test
    t_test=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
    printf '%-9s %6s %-18s %10s %9s %9s %9s %7s %7s %7s %8s\n' \
        "$mode" "$n" "$variant" "$rps" "$p50" "$p99" "$cpu" "$ratio" \
        "$cpu_ratio" "$t_test" "${per_proxy:--}"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$mode" "$n" \
        "$variant" "$rps" "$p50" "$p99" "$cpu" "$ratio" "$cpu_ratio" \
        "$t_test" "${per_proxy:--}" >> "$out.tmp"
    LAST_RPS=$rps
    LAST_CPU=$cpu
}

# a local backend for upstream mode, pinned with wrk
write_conf "$work/be" "$be_port" 10 "" 'location / { return 200 "backend"; }'
start "$work/be" "$be_port"

set_snippets "$be_port"
build_function "$work"

printf '%-9s %6s %-18s %10s %9s %9s %9s %7s %7s %7s %8s\n' mode N variant \
    req/s p50 p99 cpu_us/req ratio cpu_x nginx-t B/proxy
for n in $ns; do
    write_paths "$n" "$work/paths.txt"
    write_lua "$work/paths.txt"
    for mode in $modes; do
        if [ "$mode" = function ] && [ -z "$functions" ]; then
            echo "function mode skipped: bench/bench_hello.c did not build" >&2
            continue
        fi
        run_case "$mode" "$n" "floor" "" \
            'location / { return 200 "item"; }' "" ""
        floor=$LAST_RPS floor_cpu=$LAST_CPU
        # the floor again, beside each variant, for paired runs
        write_conf "$work/floor" "$floor_port" 01 "" \
            'location / { return 200 "item"; }'
        start "$work/floor" "$floor_port"
        write_proxies "$n" "$mode" "$work/proxies.json"
        run_case "$mode" "$n" "proxies" "$upstream_block $functions" \
            "location / { proxies $work/proxies.json; $keepalive }" \
            "$floor" "$floor_cpu"
        write_regex "$n" "$mode" "$work/regex.conf"
        run_case "$mode" "$n" "regex-locations" "$upstream_block" \
            "$keepalive include $work/regex.conf;" "$floor" "$floor_cpu"
        if [ "$mode" = upstream ]; then
            # the same job as the module's defaults: X-Forwarded-* added
            run_case "$mode" "$n" "proxy_pass" "$upstream_block" \
                "location / { proxy_pass http://backend; $keepalive $forwarded }" \
                "$floor" "$floor_cpu"
        fi
        stop "$work/floor/nginx.pid"
    done
done

mv "$out.tmp" "$out"
echo "results: $out"
