#!/usr/bin/env bash
# Where the time goes, without the noise of a shared machine: the gateway
# under valgrind's callgrind (with its cache simulator) serves a fixed
# number of requests of the benchmark's mix; prints instructions, data
# reads and simulated cache misses per request for the floor and the
# module, and the module's costliest functions.
#
#   bench/profile.sh                       all modes, N = 10 10000
#   PROFILE_NS="10000" PROFILE_MODES=function bench/profile.sh
#   PROFILE_HTTP="proxies_huge_pages off;" ...   more http{} for the module
#
# Counts are deterministic, so a change of a few hundred instructions per
# request shows here long before wrk can see it.
#
# PROFILE_TLB=1 gives the simulated caches 4 KB lines, so that they model
# the TLBs instead: L1 dTLB of 64 entries, L1 iTLB of 128 and a shared
# STLB of 1,536 (a common x86 geometry). "D1miss" then counts first-level
# TLB misses and "LLmiss" page walks: the cost of a working set spread
# over many pages, which the usual 64-byte simulation doesn't see.

set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
requests=${PROFILE_REQUESTS:-2000}
ns=${PROFILE_NS:-"10 10000"}
modes=${PROFILE_MODES:-"static upstream function"}
top=${PROFILE_TOP:-12}
nginx=${NGINX:-/usr/sbin/nginx}
# nginx reads $NGINX as the sockets of the binary it upgrades: it would
# not daemonize, and start() would wait for it
unset NGINX
module=${PROXIES_MODULE:-$root/ngx_http_proxies_module.so}
gw_port=${BENCH_PORT:-18490}
be_port=$((gw_port + 1))
work=$root/bench/results/profile
out=$root/bench/results/profile.tsv

source "$root/bench/lib.sh"

command -v valgrind >/dev/null || {
    echo "valgrind is missing: apt-get install valgrind" >&2
    exit 1
}

mkdir -p "$work"
: > "$out.tmp"
vg_pid=
cache_geometry=()
if [ "${PROFILE_TLB:-0}" = 1 ]; then
    cache_geometry=(--D1=262144,4,4096 --I1=524288,8,4096 --LL=6291456,12,4096)
fi

cleanup() {
    [ -n "$vg_pid" ] && kill -QUIT "$vg_pid" 2>/dev/null || true
    stop "$work/be/nginx.pid"
}
trap cleanup EXIT

# $1 port, $2 request count, $3 paths file: one keepalive connection
client() {
    perl -MIO::Socket::INET -e '
        my ($port, $n, $file) = @ARGV;
        open my $f, "<", $file or die "$file: $!";
        chomp(my @p = <$f>);
        my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1:$port")
            or die "connect: $!";
        for my $i (0 .. $n - 1) {
            print $s "GET $p[$i % @p] HTTP/1.1\r\nHost: bench\r\n\r\n";
            my ($buf, $len, $h) = ("");
            while (1) {
                sysread($s, $buf, 65536, length $buf) or die "eof";
                next unless ($h = index($buf, "\r\n\r\n")) >= 0;
                ($len) = $buf =~ /Content-Length: (\d+)/i;
                die "no Content-Length" unless defined $len;
                last if length($buf) >= $h + 4 + $len;
            }
            die "status: " . substr($buf, 0, 12) unless $buf =~ m{^HTTP/1.1 200};
        }
    ' "$@"
}

# $1 variant dir; prints "Ir Dr D1miss LLmiss" per request and leaves
# the cost by function in $1/annotate.txt
profile() {
    local dir=$1 cg
    cg=$dir/callgrind.out
    rm -f "$cg"
    valgrind --tool=callgrind --cache-sim=yes "${cache_geometry[@]}" \
        --callgrind-out-file="$cg" \
        "$nginx" -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" \
        2> "$dir/valgrind.log" &
    vg_pid=$!
    for _ in $(seq 300); do
        (exec 3<>/dev/tcp/127.0.0.1/"$gw_port") 2>/dev/null && break
        sleep 0.1
    done
    # warm every route and connection once, then count only the run
    client "$gw_port" 200 "$work/paths.txt"
    callgrind_control -z "$vg_pid" > /dev/null 2>&1
    client "$gw_port" "$requests" "$work/paths.txt"
    callgrind_control -d "$vg_pid" > /dev/null 2>&1
    kill -QUIT "$vg_pid"
    wait "$vg_pid" || true
    vg_pid=
    # the dump after -d is the one with a part number
    cg=$(ls -t "$cg".* | head -1)
    callgrind_annotate --auto=no --threshold=100 --inclusive=no "$cg" \
        2>/dev/null \
        > "$dir/annotate.txt"
    awk -v n="$requests" '
        /^events:/ { for (i = 2; i <= NF; i++) ev[$i] = i - 1 }
        /^summary:/ {
            for (i = 2; i <= NF; i++) v[i - 1] = $i
            d1 = v[ev["D1mr"]] + v[ev["D1mw"]]
            ll = v[ev["ILmr"]] + v[ev["DLmr"]] + v[ev["DLmw"]]
            printf "%.0f %.0f %.1f %.2f\n",
                   v[ev["Ir"]] / n, v[ev["Dr"]] / n, d1 / n, ll / n }' "$cg"
}

# the functions whose cost per request grew most from the floor ($1) to
# the module ($2), both callgrind_annotate outputs
added() {
    perl -e '
        my ($n, $top, @files) = @ARGV;
        my @cost;
        for my $k (0, 1) {
            open my $f, "<", $files[$k] or die "$files[$k]: $!";
            while (<$f>) {
                next if /^\s*[\d,]+ \(100\.0%\)/;
                s/\(\s*[\d.]+%\)//g;
                my @v = split;
                next unless @v >= 11 && $v[0] =~ /^[\d,]+$/;
                tr/,//d for @v[0 .. 8];
                my $fn = $v[9];
                $fn =~ s/^.*://;
                $cost[$k]{$fn}[0] += $v[0];
                $cost[$k]{$fn}[1] += $v[4] + $v[5];
            }
        }
        my %d;
        for my $fn (keys %{$cost[1]}) {
            $d{$fn} = [map { ($cost[1]{$fn}[$_] - ($cost[0]{$fn}[$_] // 0))
                             / $n } 0, 1];
        }
        my @by = sort { $d{$b}[0] <=> $d{$a}[0] } keys %d;
        printf "  %8.0f %6.1f  %s\n", @{$d{$_}}, $_ for @by[0 .. $top - 1];
    ' "$requests" "$top" "$@"
}

run_variant() {
    local mode=$1 n=$2 variant=$3 http=$4 server=$5 load=
    local dir=$work/$mode-$n-$variant
    [ "$variant" = proxies ] && load=module
    conf_main="daemon off; master_process off;" \
        write_conf "$dir" "$gw_port" 01 "$http" "$server" "$load"
    read -r ir dr d1 ll < <(profile "$dir")
    printf '%-9s %6s %-11s %9s %9s %8s %8s\n' \
        "$mode" "$n" "$variant" "$ir" "$dr" "$d1" "$ll"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
        "$mode" "$n" "$variant" "$ir" "$dr" "$d1" "$ll" >> "$out.tmp"
}

write_conf "$work/be" "$be_port" 10 "" 'location / { return 200 "backend"; }'
start "$work/be" "$be_port"
set_snippets "$be_port"
build_function "$work"

printf '%-9s %6s %-11s %9s %9s %8s %8s\n' mode N variant Ir/req Dr/req \
    D1miss LLmiss
for n in $ns; do
    write_paths "$n" "$work/paths.txt"
    run_variant any "$n" floor "" 'location / { return 200 "item"; }'
    for mode in $modes; do
        write_proxies "$n" "$mode" "$work/proxies.json"
        run_variant "$mode" "$n" proxies \
            "${PROFILE_HTTP:-} $upstream_block $functions" \
            "location / { proxies $work/proxies.json; $keepalive }"
        if [ "$mode" = upstream ]; then
            run_variant "$mode" "$n" proxy_pass "$upstream_block" \
                "$proxy_pass_server"
        fi
        # upstream mode is compared with its peer, the others with the floor
        peer=$work/any-$n-floor
        [ "$mode" = upstream ] && peer=$work/$mode-$n-proxy_pass
        echo "  what the module adds per request over ${peer##*-}," \
             "by function (Ir, D1 misses):"
        added "$peer/annotate.txt" "$work/$mode-$n-proxies/annotate.txt"
    done
done

mv "$out.tmp" "$out"
echo "results: $out"
