#!/usr/bin/env bash
# ngx_proxies benchmark: the module against plain nginx, same machine, same
# run.  One nginx worker is pinned to CPU 0, wrk (and the backend, in
# upstream mode) to CPU 1.  Every wrk run is bounded by BENCH_DURATION.
#
#   bench/run.sh                      all modes, N = 10 1000 10000
#   BENCH_NS="10" BENCH_MODES=static bench/run.sh
#
# For each mode and N every variant (the floor, the module, the regex
# locations and, in upstream mode, proxy_pass) is started once, then
# measured in BENCH_REPEAT rounds (default 5); a round runs each variant
# once, one after the other, so drift of a shared machine falls on all of
# them alike.  A variant's ratios are taken within each round and the
# median round is reported, with the lowest and highest ratio; the
# module's ratio to proxy_pass is the median of its own.  Prints one
# line per case and writes bench/results/latest.tsv; bench/report.sh turns
# that into docs/benchmarks-results.md and its chart.
#
# BENCH_RESULTS (default bench/results) is where the results and the
# variants' nginx prefixes go; BENCH_PORT (default 18480) the first port.
#
# BENCH_SMALL_PAGES=1 adds the variant proxies-4k: the module with
# "proxies_huge_pages off", to see what the huge pages are worth.

set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
duration=${BENCH_DURATION:-3}
warmup=${BENCH_WARMUP:-1}
conns=${BENCH_CONNECTIONS:-32}
repeat=${BENCH_REPEAT:-5}
small_pages=${BENCH_SMALL_PAGES:-0}
ns=${BENCH_NS:-"10 1000 10000"}
modes=${BENCH_MODES:-"static upstream function"}
nginx=${NGINX:-/usr/sbin/nginx}
# nginx reads $NGINX as the sockets of the binary it upgrades: it would
# not daemonize, and start() would wait for it
unset NGINX
module=${PROXIES_MODULE:-$root/ngx_http_proxies_module.so}
base_port=${BENCH_PORT:-18480}
be_port=$base_port
results=${BENCH_RESULTS:-$root/bench/results}
work=$results/work
out=$results/latest.tsv

mkdir -p "$work"
: > "$out.tmp"

source "$root/bench/lib.sh"

# the variants of one mode and N, each its own nginx in $work/VARIANT,
# on port base_port + its place in this list
variants=

cleanup() {
    local v
    for v in $variants; do
        stop "$work/$v/nginx.pid"
    done
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

port_of() {
    local v k=1
    for v in $variants; do
        [ "$v" = "$1" ] && { echo $((base_port + k)); return; }
        k=$((k + 1))
    done
}

# $1 variant, $2 http, $3 server; starts it and prints
# "nginx_t_seconds bytes_per_proxy"
start_variant() {
    local v=$1 load= t0 t1 tout per_proxy
    case $v in proxies*) load=module ;; esac
    write_conf "$work/$v" "$(port_of "$v")" 01 "$2" "$3" "$load"
    t0=$(date +%s.%N)
    tout=$("$nginx" -t -p "$work/$v" -c "$work/$v/nginx.conf" \
           -e /dev/stderr 2>&1)
    t1=$(date +%s.%N)
    per_proxy=$(sed -n 's/.*bytes compiled, \([0-9]*\) per proxy.*/\1/p' \
                <<< "$tout")
    start "$work/$v" "$(port_of "$v")"
    awk -v a="$t0" -v b="$t1" -v p="${per_proxy:--}" \
        'BEGIN { printf "%.3f %s\n", b - a, p }'
}

# $1 mode, $2 N: the rounds, then one line per variant
run_rounds() {
    local mode=$1 n=$2 round v
    local rounds=$work/rounds.txt
    : > "$rounds"
    for round in $(seq "$repeat"); do
        for v in $variants; do
            echo "$round $v $(measure "$work/$v" "$(port_of "$v")")" \
                >> "$rounds"
        done
    done
    # per round: each variant's ratio to the floor (and, in upstream
    # mode, the module's to proxy_pass); per variant: the median round
    for v in $variants; do
        awk -v v="$v" -v repeat="$repeat" '
            { rps[$1, $2] = $3; p50[$1, $2] = $4; p99[$1, $2] = $5;
              cpu[$1, $2] = $6 }
            END {
                for (i = 1; i <= repeat; i++) {
                    r = rps[i, v] / rps[i, "floor"]
                    c = cpu[i, v] / cpu[i, "floor"]
                    pp = ((i, "proxy_pass") in rps) \
                         ? sprintf("%.3f", rps[i, v] / rps[i, "proxy_pass"]) \
                         : "-"
                    printf "%.3f %s %s %s %s %.3f %s\n", r, rps[i, v],
                           p50[i, v], p99[i, v], cpu[i, v], c, pp
                }
            }' "$rounds" | sort -g -k1 > "$work/$v.ratios"
        read -r ratio rps p50 p99 cpu cpu_ratio vs_pp < <(
            sed -n "$(( (repeat + 1) / 2 ))p" "$work/$v.ratios")
        lo=$(head -1 "$work/$v.ratios" | cut -d' ' -f1)
        hi=$(tail -1 "$work/$v.ratios" | cut -d' ' -f1)
        # the module over proxy_pass: its own median over the rounds
        vs_pp=$(cut -d' ' -f7 "$work/$v.ratios" | sort -g \
                | sed -n "$(( (repeat + 1) / 2 ))p")
        case $v in proxies*) ;; *) vs_pp=- ;; esac
        read -r t_test per_proxy < "$work/$v.start"
        printf '%-9s %6s %-16s %9s %9s %9s %7s %6s %13s %6s %6s %7s %7s\n' \
            "$mode" "$n" "$v" "$rps" "$p50" "$p99" "$cpu" "$ratio" \
            "$lo-$hi" "$cpu_ratio" "$vs_pp" "$t_test" "$per_proxy"
        printf '%s\t' "$mode" "$n" "$v" "$rps" "$p50" "$p99" "$cpu" \
            "$ratio" "$cpu_ratio" "$t_test" "$per_proxy" "$lo" "$hi" \
            >> "$out.tmp"
        printf '%s\n' "$vs_pp" >> "$out.tmp"
    done
}

# a local backend for upstream mode, pinned with wrk
write_conf "$work/be" "$be_port" 10 "" 'location / { return 200 "backend"; }'
start "$work/be" "$be_port"

set_snippets "$be_port"
build_function "$work"

printf '%-9s %6s %-16s %9s %9s %9s %7s %6s %13s %6s %6s %7s %7s\n' \
    mode N variant req/s p50 p99 cpu_us ratio range cpu_x /pp nginx-t B/proxy
for n in $ns; do
    write_paths "$n" "$work/paths.txt"
    write_lua "$work/paths.txt"
    for mode in $modes; do
        if [ "$mode" = function ] && [ -z "$functions" ]; then
            echo "function mode skipped: bench/bench_hello.c did not build" >&2
            continue
        fi
        variants="floor proxies regex-locations"
        [ "$small_pages" = 1 ] && variants="$variants proxies-4k"
        [ "$mode" = upstream ] && variants="$variants proxy_pass"
        write_proxies "$n" "$mode" "$work/proxies.json"
        write_regex "$n" "$mode" "$work/regex.conf"
        start_variant floor "" 'location / { return 200 "item"; }' \
            > "$work/floor.start"
        start_variant proxies "$upstream_block $functions" \
            "location / { proxies $work/proxies.json; $keepalive }" \
            > "$work/proxies.start"
        start_variant regex-locations "$upstream_block" \
            "$keepalive include $work/regex.conf;" \
            > "$work/regex-locations.start"
        if [ "$small_pages" = 1 ]; then
            start_variant proxies-4k \
                "proxies_huge_pages off; $upstream_block $functions" \
                "location / { proxies $work/proxies.json; $keepalive }" \
                > "$work/proxies-4k.start"
        fi
        if [ "$mode" = upstream ]; then
            # the same job as the module's defaults: X-Forwarded-* added
            start_variant proxy_pass "$upstream_block" \
                "$proxy_pass_server" \
                > "$work/proxy_pass.start"
        fi
        run_rounds "$mode" "$n"
        for v in $variants; do
            stop "$work/$v/nginx.pid"
        done
    done
done

mv "$out.tmp" "$out"
echo "results: $out"
