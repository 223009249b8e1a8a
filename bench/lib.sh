# Shared by bench/run.sh and bench/profile.sh: the generated configs,
# routes and request mix, and starting and stopping nginx by its pid.
# Expects $module and $nginx to be set by the caller.

stop() {
    local pidfile=$1
    if [ -s "$pidfile" ]; then
        local pid
        pid=$(cat "$pidfile")
        kill -QUIT "$pid" 2>/dev/null || true
        for _ in $(seq 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        rm -f "$pidfile"
    fi
}


wait_port() {
    for _ in $(seq 100); do
        (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0
        sleep 0.05
    done
    echo "port $1 did not open" >&2
    return 1
}

# nginx.conf around a server body; $1 dir, $2 port, $3 cpu, $4 http,
# $5 server, $6 "module" to load the module (the peers run without it)
write_conf() {
    local dir=$1 port=$2 cpu=$3 http=$4 server=$5 load=
    mkdir -p "$dir/tmp"
    [ "${6:-}" = module ] && load="load_module $module;"
    cat > "$dir/nginx.conf" <<EOF
$load
${conf_main:-}
worker_processes 1;
worker_cpu_affinity $cpu;
error_log $dir/error.log warn;
pid $dir/nginx.pid;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $dir/tmp;
    proxy_temp_path $dir/tmp;
    keepalive_requests 1000000;
    $http
    server {
        listen 127.0.0.1:$port backlog=4096;
        $server
    }
}
EOF
}

# a port still held by an earlier run would be measured instead: stop
start() {
    local dir=$1 port=$2
    if (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null; then
        echo "port $port is already in use: is another run going?" >&2
        exit 1
    fi
    "$nginx" -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" || {
        echo "nginx in $dir did not start" >&2
        exit 1
    }
    wait_port "$port"
}

# routes hit across the whole table, the last ones too, plus misses;
# BENCH_SPREAD (default 64) is how many distinct routes the 64 hits use,
# to tell the cost of a large table from that of a large working set
write_paths() {
    local n=$1 file=$2
    perl -e '
        my ($n, $m) = @ARGV; my @p;
        $m = 2 if $m < 2;
        for my $k (0 .. 63) {
            my $i = int(($k % $m) * ($n - 1) / ($m - 1));
            push @p, "/svc$i/items/$k";
        }
        push @p, "/svc" . ($n - 1) . "/items/last";
        push @p, "/nothing/here/$_" for 1 .. 8;
        print "$_\n" for @p;
    ' "$n" "${BENCH_SPREAD:-64}" > "$file"
}

write_lua() {
    cat > "$work/mix.lua" <<EOF
local paths = {}
for line in io.lines("$1") do paths[#paths + 1] = line end
local i = 0
request = function()
    i = i % #paths + 1
    return wrk.format("GET", paths[i])
end
EOF
}

# proxies.json: N templated routes and a catch-all, for one mode
write_proxies() {
    local n=$1 mode=$2 file=$3
    perl -e '
        my ($n, $mode) = @ARGV;
        my $action = {
            static   => q{"responseOverrides": {"response.body": "item {id}"}},
            upstream => q{"backendUri": "http://backend/items/{id}"},
            function => q{"backendUri": "function:bench_hello"},
        }->{$mode};
        print qq({"proxies": {\n);
        for my $i (0 .. $n - 1) {
            print qq("svc$i": {"matchCondition": {"route": "/svc$i/items/{id}",
                     "methods": ["GET"]}, $action},\n);
        }
        print qq("rest": {"matchCondition": {"route": "/{*rest}"},
                 "responseOverrides": {"response.body": "miss"}}\n}}\n);
    ' "$n" "$mode" > "$file"
}

# regex locations doing the same job as the table
write_regex() {
    local n=$1 mode=$2 file=$3
    perl -e '
        my ($n, $mode) = @ARGV;
        for my $i (0 .. $n - 1) {
            if ($mode eq "upstream") {
                print qq(location ~ ^/svc$i/items/([^/]+)\$ ),
                      qq({ proxy_pass http://backend/items/\$1; }\n);
            } else {
                print qq(location ~ ^/svc$i/items/([^/]+)\$ ),
                      qq({ return 200 "item \$1"; }\n);
            }
        }
        print qq(location / { return 200 "miss"; }\n);
    ' "$n" "$mode" > "$file"
}

# the peers' shared pieces: the backend upstream with keepalive, and the
# X-Forwarded-* headers the module adds by default
set_snippets() {
    upstream_block="upstream backend { server 127.0.0.1:$1; keepalive 64; }"
    keepalive="proxy_http_version 1.1; proxy_set_header Connection \"\";"
    forwarded="proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
               proxy_set_header X-Forwarded-Proto \$scheme;
               proxy_set_header X-Forwarded-Host \$host;"
    # plain proxy_pass doing the module's job: the routes go to the
    # backend, the misses are answered here, as the catch-all does
    proxy_pass_server="location /svc { proxy_pass http://backend;
                                      $keepalive $forwarded }
                       location / { return 200 \"miss\"; }"
}

# the function of function mode, built into $1; $functions is empty when
# it does not build
build_function() {
    functions=
    if cc -O2 -Wall -Wextra -Werror -fPIC -shared -I"$root/include" \
          -o "$1/bench_hello.so" "$root/bench/bench_hello.c"; then
        functions="proxies_functions $1/bench_hello.so;"
    fi
}
