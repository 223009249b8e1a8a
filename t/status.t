# Live status (issue 4, point 4): a known mix of traffic goes to proxies
# served by the monolith, an upstream service, a function and static
# answers, and the JSON and Prometheus numbers must equal it exactly; the
# counters go on across a reload (HUP).

use strict;
use warnings;

use lib 't/lib';
use ProxiesTest;
use File::Path qw(remove_tree);
use JSON::PP;
use POSIX ();
use Test::More;
use Time::HiRes qw(sleep time);


my $FN = "$ProxiesTest::ROOT/functions";
system('make', '-s', '-C', $FN) == 0 or BAIL_OUT("make -C functions failed");

my $dir = servroot('status');
my ($mport, $mpid) = start_backend(response => "HTTP/1.1 200 OK\n"
                                   . "Content-Type: text/plain\n\nmonolith");
my ($uport, $upid) = start_backend(response => "HTTP/1.1 200 OK\n"
                                   . "Content-Type: text/plain\n\norders");
my ($fport, $fpid) = start_backend(response => "HTTP/1.1 503 Busy\n"
                                   . "Content-Type: text/plain\n\nbusy");
my ($sport, $spid) = start_backend(delay => 0.3);
my $port = free_port();
my $json = "$dir/proxies.json";

sub proxies {
    my ($extra) = @_;
    return <<"EOF2";
{ "proxies": {
    "legacy":  { "matchCondition": { "route": "/legacy/{*rest}" },
                 "backendUri": "http://127.0.0.1:$mport/{rest}",
                 "monolith": true },
    "orders":  { "matchCondition": { "route": "/orders/{id}" },
                 "backendUri": "http://127.0.0.1:$uport/orders/{id}" },
    "busy":    { "matchCondition": { "route": "/busy" },
                 "backendUri": "http://127.0.0.1:$fport/busy" },
    "slow":    { "matchCondition": { "route": "/slow" },
                 "backendUri": "http://127.0.0.1:$sport/slow" },
    "echo":    { "matchCondition": { "route": "/echo" },
                 "backendUri": "function:echo" },
    "mock":    { "matchCondition": { "route": "/mock" },
                 "responseOverrides": { "response.body": "mocked" } },
    "teapot":  { "matchCondition": { "route": "/teapot" },
                 "responseOverrides": { "response.statusCode": "418" } },
    "cart":    { "matchCondition": { "route": "/cart" },
                 "slots": { "active": "blue", "backends": {
                     "blue": { "backendUri": "http://127.0.0.1:$mport/cart",
                               "monolith": true },
                     "green": "http://127.0.0.1:$uport/cart" } } }$extra
} }
EOF2
}

write_file($json, proxies(''));

my $conf = nginx_conf(port => $port, http_config => "
    proxies_functions $FN/echo.so;
    proxies_slot_pin_allow 127.0.0.1;
", config => '
    location / { proxies $PROXIES; }
    location = /status { proxies_status; }
    location = /status.json { proxies_status json; }
    location = /metrics { proxies_status prometheus; }
    location /new/ { return 200 "new service"; }
');

# two workers: both add to the same counters
$conf =~ s/worker_processes 1;/worker_processes 2;/ or die 'no workers';

my $master = eval { start_nginx($conf, port => $port) };

if (!ok($master, 'nginx starts')) {
    diag($@);
    stop_backend($_) for $mpid, $upid, $fpid, $spid;
    done_testing();
    exit;
}


# the traffic: path => [count, expected status]
my @traffic = (
    ['/legacy/a', 3, 200], ['/orders/1', 5, 200], ['/busy', 2, 503],
    ['/slow', 1, 200], ['/echo', 4, 200], ['/mock', 2, 200],
    ['/teapot', 1, 418], ['/nothing/here', 2, 404],
    ['/cart', 3, 200], ['/cart green', 2, 200],
);

sub send_traffic {
    for my $t (@traffic) {
        my ($path, $n, $status) = @$t;
        my ($uri, $slot) = split / /, $path;
        for (1 .. $n) {
            my $res = http_get($port, $uri,
                               $slot ? { 'X-Proxies-Slot' => $slot } : {});
            is($res->{status}, $status, "GET $path: $status")
                or diag($res->{error} // $res->{body});
        }
    }
}

# the log phase runs after the response is sent: wait until it counted
sub status_json {
    my ($want) = @_;
    my $until = time + $ProxiesTest::TIMEOUT;
    my $doc;

    while (1) {
        my $res = http_get($port, '/status.json');
        $doc = eval { decode_json($res->{body}) } if $res->{status} == 200;
        last if $doc && $doc->{totals}{requests} >= $want;
        last if time > $until;
        sleep 0.05;
    }

    return $doc;
}

sub prometheus {
    my $res = http_get($port, '/metrics');
    my %m;

    for (split /\n/, $res->{body} // '') {
        next if /^#/;
        my ($k, $v) = /^(\S+(?:\{.*\})?) (\S+)$/ or next;
        $m{$k} = $v;
    }

    return ($res, \%m);
}

# after a HUP, until the old worker is gone, a request may still reach it
sub old_workers_gone {
    my $until = time + $ProxiesTest::TIMEOUT;

    while (time < $until) {
        my @workers = grep { /\d/ } `ps -o pid= --ppid $master`;
        return 1 if @workers == 2;
        sleep 0.05;
    }

    return 0;
}

sub by_name {
    my ($doc) = @_;
    return { map { $_->{name} => $_ } @{ $doc->{proxies} } };
}

# what each proxy must show after $rounds rounds of traffic
sub check {
    my ($doc, $rounds, $label) = @_;
    my $p = by_name($doc);
    my %kinds = (
        legacy => 'monolith', orders => 'upstream', busy => 'upstream',
        slow => 'upstream', echo => 'function', mock => 'static',
        teapot => 'static',
    );
    my %path = (legacy => '/legacy/a', orders => '/orders/1',
                busy => '/busy', slow => '/slow', echo => '/echo',
                mock => '/mock', teapot => '/teapot');
    my %t = map { $_->[0] => $_ } @traffic;

    # the cart's blue slot is the monolith, its green slot is not
    my $cart = $p->{cart};
    is($cart->{requests}, 5 * $rounds, "$label: cart: 5 requests");
    is($cart->{kinds}{monolith}, 3 * $rounds, "$label: cart: 3 to blue");
    is($cart->{kinds}{upstream}, 2 * $rounds, "$label: cart: 2 to green");
    is($cart->{monolith_share}, 60, "$label: cart: 60% to the monolith");

    for my $name (sort keys %kinds) {
        my (undef, $n, $status) = @{ $t{ $path{$name} } };
        my $row = $p->{$name};
        $n *= $rounds;

        is($row->{requests}, $n, "$label: $name: $n requests");
        my $class = substr($status, 0, 1) . 'xx';
        is($row->{status}{$class}, $n, "$label: $name: $n $class");

        for my $k (qw(monolith upstream function static local)) {
            is($row->{kinds}{$k}, $k eq $kinds{$name} ? $n : 0,
               "$label: $name: kind $k");
        }

        is($row->{latency_ms}{buckets}{'+Inf'}, $n,
           "$label: $name: the histogram counts every request");
        is($row->{monolith_share}, $name eq 'legacy' ? 100 : 0,
           "$label: $name: monolith share");
    }

    ok($p->{legacy}{monolith}, "$label: legacy is marked the monolith");
    ok($p->{legacy}{monolith_last_ms} > 0, "$label: the monolith was hit");
    is($p->{orders}{monolith_last_ms}, undef, "$label: orders never was");
    is($p->{slow}{latency_ms}{buckets}{250}, 0,
       "$label: slow took more than 250 ms");
    cmp_ok($p->{slow}{latency_ms}{sum}, '>=', 300 * $rounds,
           "$label: slow: the latency sum");

    my $tot = $doc->{totals};
    is($tot->{routed}, 23 * $rounds, "$label: routed requests");
    is($tot->{unmatched}, 2 * $rounds, "$label: unmatched requests");
    is($tot->{requests}, 25 * $rounds, "$label: all requests");
    is($tot->{kinds}{monolith}, 6 * $rounds, "$label: monolith requests");
    is($tot->{kinds}{upstream}, 10 * $rounds, "$label: upstream requests");
    is($tot->{kinds}{function}, 4 * $rounds, "$label: function requests");
    is($tot->{kinds}{static}, 3 * $rounds, "$label: static requests");
    is($tot->{monolith_share}, 26.1, "$label: 6 of 23 reach the monolith");
    is($tot->{starved}, 73.9, "$label: the monolith is 73.9% starved");

    my ($nm) = @{ $doc->{unmatched} };
    is($nm->{requests}, 2 * $rounds, "$label: the no match row");
    is($nm->{status}{'4xx'}, 2 * $rounds, "$label: no match: 404s");
}


# nothing counted yet; the status locations count nothing themselves
my $doc = status_json(0);
ok($doc, 'the JSON parses');
is($doc->{totals}{requests}, 0, 'nothing counted before traffic');
is(scalar @{ $doc->{proxies} }, 8, 'every proxy has a row');

send_traffic();
$doc = status_json(25);
check($doc, 1, 'round 1');

my ($res, $m) = prometheus();
is($res->{status}, 200, 'Prometheus text');
like($res->{header}{'content-type'}, qr{^text/plain; version=0\.0\.4},
     'the exposition format content type');
my $f = qq(file="$json");
is($m->{qq(proxies_requests_total{$f,proxy="orders",status="2xx"})}, 5,
   'prometheus: orders 2xx');
is($m->{qq(proxies_requests_total{$f,proxy="busy",status="5xx"})}, 2,
   'prometheus: busy 5xx');
is($m->{qq(proxies_requests_total{$f,proxy="teapot",status="4xx"})}, 1,
   'prometheus: teapot 4xx');
is($m->{qq(proxies_backend_requests_total{$f,proxy="legacy",kind="monolith"})},
   3, 'prometheus: legacy served by the monolith');
is($m->{qq(proxies_backend_requests_total{$f,proxy="echo",kind="function"})},
   4, 'prometheus: echo served by a function');
is($m->{qq(proxies_backend_requests_total{$f,proxy="mock",kind="static"})},
   2, 'prometheus: mock answered statically');
is($m->{qq(proxies_backend_requests_total{$f,proxy="orders",kind="monolith"})},
   0, 'prometheus: orders never reached the monolith');
is($m->{qq(proxies_request_duration_seconds_count{$f,proxy="orders"})}, 5,
   'prometheus: histogram count');
is($m->{qq(proxies_request_duration_seconds_bucket{$f,proxy="orders",le="+Inf"})},
   5, 'prometheus: histogram +Inf bucket');
is($m->{qq(proxies_request_duration_seconds_bucket{$f,proxy="slow",le="0.250"})},
   0, 'prometheus: slow is above 0.25 s');
is($m->{qq(proxies_unmatched_requests_total{$f,status="4xx"})}, 2,
   'prometheus: unmatched 404s');
is($m->{'proxies_monolith_requests_ratio'}, '0.2609',
   'prometheus: monolith ratio');
cmp_ok($m->{qq(proxies_monolith_last_hit_seconds{$f,proxy="legacy"})}, '>',
       time - 60, 'prometheus: the monolith was hit just now');

# buckets are cumulative
my @le = map { $m->{qq(proxies_request_duration_seconds_bucket{$f,proxy="slow",le="$_"})} }
         qw(0.005 0.010 0.025 0.050 0.100 0.250 0.500 1.000 2.500 5.000 10.000 +Inf);
is_deeply([ sort { $a <=> $b } @le ], \@le, 'prometheus: buckets only grow');

# formats by query, and methods
$res = http_get($port, '/status?format=json');
ok(eval { decode_json($res->{body}) }, '?format=json on the HTML location');
is(http_get($port, '/status?format=xml')->{status}, 400,
   'an unknown format is refused');
$res = http_request($port, "POST /status.json HTTP/1.1\r\nHost: localhost\r\n"
                    . "Content-Length: 0\r\nConnection: close\r\n\r\n");
is($res->{status}, 405, 'POST is not allowed');
is(http_get($port, '/status')->{header}{'cache-control'}, 'no-store',
   'the status is not cached');


# a reload keeps the counts, and a new proxy starts at zero

write_file($json, proxies(qq(,\n    "fresh": { "matchCondition": )
                          . qq({ "route": "/fresh" } })));
ok(reload_nginx($master), 'a reload (HUP) starts new workers');
ok(old_workers_gone(), 'the old worker exits');

$doc = status_json(0);
my $until = time + $ProxiesTest::TIMEOUT;
while (!by_name($doc)->{fresh} && time < $until) {
    sleep 0.1;
    $doc = status_json(0);
}

ok(by_name($doc)->{fresh}, 'the new proxy is listed');
is(by_name($doc)->{fresh}{requests}, 0, 'and counts from zero');
check($doc, 1, 'after HUP');

send_traffic();
$doc = status_json(50);
check($doc, 2, 'round 2');


# a breaker's fallback marked the monolith counts as the monolith: the
# new service is down, the first request fails and opens the breaker, the
# next ones go back to the monolith

my $dead = free_port();
write_file($json, proxies(qq(,\n    "fresh": { "matchCondition": )
                          . qq({ "route": "/fresh" } },
    "carved": { "matchCondition": { "route": "/carved" },
                "backendUri": "http://127.0.0.1:$dead/carved",
                "circuitBreaker": { "consecutiveFailures": 1,
                    "openFor": "1m",
                    "fallback": { "backendUri": "http://127.0.0.1:$mport/x",
                                  "monolith": true } } },
    "users": { "matchCondition": { "route": "/users/{id}" },
               "backendUri": "http://localhost/new/users/{id}" },
    "hop": { "matchCondition": { "route": "/hop" },
             "backendUri": "http://localhost/mock" })));
ok(reload_nginx($master), 'a reload adds a proxy with a breaker');
ok(old_workers_gone(), 'the old worker exits');

$until = time + $ProxiesTest::TIMEOUT;
while (!by_name(status_json(0))->{carved} && time < $until) {
    sleep 0.1;
}

# the breaker's log handler runs before the counting one: once a request
# is counted, the breaker knows its outcome
sub carved_counted {
    my ($n) = @_;
    my $until = time + $ProxiesTest::TIMEOUT;

    while (time < $until) {
        my $c = by_name(status_json(0))->{carved};
        return if $c && $c->{requests} >= $n;
        sleep 0.05;
    }
}

is(http_get($port, '/carved')->{status}, 502, 'the new service is down');
carved_counted(1);
is(http_get($port, '/carved')->{status}, 200, 'the breaker is open');
carved_counted(2);
is(http_get($port, '/carved')->{status}, 200, 'the monolith serves again');

$doc = status_json(53);
my $carved = by_name($doc)->{carved};
is($carved->{requests}, 3, 'carved: 3 requests');
is($carved->{kinds}{upstream}, 1, 'carved: 1 tried the new service');
is($carved->{kinds}{monolith}, 2, 'carved: 2 fell back to the monolith');
is($carved->{status}{'5xx'}, 1, 'carved: one 502');
is($carved->{status}{'2xx'}, 2, 'carved: two 200s');
ok($carved->{monolith_last_ms}, 'carved: the monolith was hit');
is($carved->{monolith}, JSON::PP::false, 'carved itself is not the monolith');
is($doc->{totals}{kinds}{monolith}, 14, 'the monolith total grew by 2');

# a localhost call: another location answers ("local"), or a proxy again,
# and then that proxy served it

my $mock = by_name($doc)->{mock}{requests};
is(http_get($port, '/users/7')->{body}, 'new service', 'a local call');
is(http_get($port, '/users/8')->{body}, 'new service', 'another');
is(http_get($port, '/hop')->{body}, 'mocked', 'a hop to the mock proxy');

$doc = status_json(56);
is(by_name($doc)->{users}{kinds}{local}, 2, 'users: 2 served locally');
is(by_name($doc)->{users}{requests}, 2, 'users: 2 requests');
is(by_name($doc)->{hop}{requests}, 0, 'hop: counted where it ended');
is(by_name($doc)->{mock}{requests}, $mock + 1, 'mock: counted once more');
is(by_name($doc)->{mock}{kinds}{static}, $mock + 1, 'mock: static');

# concurrent clients, on both workers: not one request is lost

my $before = by_name(status_json(0))->{mock}{requests};
my @kids;

for my $k (1 .. 8) {
    my $pid = fork // die "fork: $!";
    if ($pid == 0) {
        my $bad = 0;
        for (1 .. 25) {
            $bad++ if (http_get($port, '/mock')->{status} // 0) != 200;
        }
        POSIX::_exit($bad ? 1 : 0);
    }
    push @kids, $pid;
}

my $failed = 0;
for (@kids) { waitpid($_, 0); $failed++ if $?; }
is($failed, 0, '8 clients x 25 requests, all answered');

$until = time + $ProxiesTest::TIMEOUT;
while (by_name(status_json(0))->{mock}{requests} < $before + 200
       && time < $until)
{
    sleep 0.05;
}
is(by_name(status_json(0))->{mock}{requests}, $before + 200,
   'all 200 counted, exactly');

# HEAD; requests to the status locations count nowhere
is(http_request($port, "HEAD /status HTTP/1.1\r\nHost: localhost\r\n"
                . "Connection: close\r\n\r\n")->{status}, 200, 'HEAD');
is(status_json(0)->{totals}{requests}, 256,
   'requests to the status locations are not counted');

stop_nginx();
stop_backend($_) for $mpid, $upid, $fpid, $spid;
check_error_log(read_file("$dir/logs/error.log"));


# configurations nginx -t refuses

write_file($json, qq({ "proxies": { "p": { "matchCondition": )
                  . qq({ "route": "/p" } } } }\n));

for my $t (
    [ 'location = /s { proxies_status xml; }',
      qr/\[emerg\].*invalid format "xml", expected "html", "json" or "prometheus"/,
      'an unknown format' ],
    [ 'location = /s { proxies_status; proxies_status json; }',
      qr/\[emerg\].*"proxies_status" directive is duplicate/,
      'proxies_status twice' ],
    [ 'location = /s { proxies $PROXIES; proxies_status; }',
      qr/\[emerg\].*"proxies_status" directive is duplicate, or the location has another handler|cannot be combined/,
      'proxies_status beside proxies' ],
    [ 'location = /s { proxies_status json; }',
      undef, 'an inherited "proxies" yields to proxies_status',
      'proxies $PROXIES;' ],
) {
    my ($config, $want, $name, $server) = @$t;
    write_file("$dir/conf/nginx.conf", nginx_conf(
        port => free_port(), config => $config,
        server_config => $server // ''));
    my ($rc, $out) = ProxiesTest::nginx_test_conf();

    if ($want) {
        isnt($rc, 0, "nginx -t refuses $name");
        like($out, $want, "$name: the message");
    } else {
        is($rc, 0, "nginx -t accepts $name") or diag($out);
    }
}

remove_tree($dir) if Test::More->builder->is_passing && !$ENV{TEST_NGINX_KEEP};

done_testing();
