# Circuit breakers [extension] (docs/resilience.md): a backend that starts
# failing opens the breaker after N failures; while open it receives
# nothing and the fallback serves; a half-open probe that fails opens it
# again, one that succeeds closes it; the state survives a reload; a
# failure ratio, a connect error and a timeout open it too.

use strict;
use warnings;

use lib 't/lib';
use ProxiesTest;
use ProxiesExt;
use File::Path qw(remove_tree);
use Test::More;
use Time::HiRes qw(sleep time);


my $dir = servroot('breaker');
my $port = free_port();
my $closed = free_port();

my $ok = "HTTP/1.1 200 OK\nContent-Type: text/plain\n\nbackend ok";
my $boom = "HTTP/1.1 500 Internal Server Error\nContent-Type: text/plain\n\nboom";

my ($bport, $bpid, $blog) = start_backend(response => $ok);
my ($fport, $fpid, $flog) = start_backend(
    response => "HTTP/1.1 200 OK\nContent-Type: text/plain\n\nlegacy ok");
my ($eport, $epid) = start_backend(response => $boom);
my ($sport, $spid) = start_backend(delay => 1);
my ($lport) = start_backend(response => $ok, delay => 2);
my ($mport) = start_backend(response => $boom, delay => 1.6);

write_file("$dir/proxies.json", <<"EOF");
{ "proxies": {
    "orders": {
        "matchCondition": { "route": "/orders/{id}" },
        "backendUri": "http://127.0.0.1:$bport/o/{id}",
        "circuitBreaker": {
            "name": "orders-svc",
            "failureOn": { "statusCodes": [500, 503] },
            "consecutiveFailures": 3,
            "openFor": "3s",
            "halfOpenProbes": 1,
            "fallback": { "backendUri": "http://127.0.0.1:$fport/legacy/{id}",
                          "monolith": true } } },
    "orders-list": {
        "matchCondition": { "route": "/orders" },
        "backendUri": "http://127.0.0.1:$bport/o",
        "circuitBreaker": {
            "name": "orders-svc",
            "fallback": { "response": {
                "statusCode": 503, "body": "orders are resting",
                "headers": { "Content-Type": "text/x-rest" } } } } },
    "pay": {
        "matchCondition": { "route": "/pay" },
        "backendUri": "http://127.0.0.1:$closed/p",
        "circuitBreaker": { "consecutiveFailures": 2, "openFor": "30s" } },
    "mixed-ok": {
        "matchCondition": { "route": "/mixed/ok" },
        "backendUri": "http://127.0.0.1:$fport/m",
        "circuitBreaker": { "name": "mixed", "consecutiveFailures": 0,
                            "failureRatio": 0.5, "minimumRequests": 4,
                            "window": "30s" } },
    "mixed-bad": {
        "matchCondition": { "route": "/mixed/bad" },
        "backendUri": "http://127.0.0.1:$eport/m",
        "circuitBreaker": { "name": "mixed" } },
    "calc": {
        "matchCondition": { "route": "/calc/{op}/{a}/{b}" },
        "backendUri": "function:calc",
        "circuitBreaker": { "consecutiveFailures": 2,
                            "failureOn": { "statusCodes": [ 400 ] },
                            "fallback": { "backendUri": "function:echo" } } },
    "late-ok": {
        "matchCondition": { "route": "/late/ok" },
        "backendUri": "http://127.0.0.1:$lport/l",
        "circuitBreaker": { "name": "late", "consecutiveFailures": 1,
                            "openFor": "1s" } },
    "late-bad": {
        "matchCondition": { "route": "/late/bad" },
        "backendUri": "http://127.0.0.1:$mport/l",
        "circuitBreaker": { "name": "late" } },
    "slow": {
        "matchCondition": { "route": "/slow" },
        "backendUri": "http://127.0.0.1:$sport/s",
        "circuitBreaker": { "consecutiveFailures": 1,
                            "failureOn": { "timeout": true,
                                           "connectError": false } } }
} }
EOF

my $token = admin_token($dir);
my $root = $ProxiesTest::ROOT;
my $conf = nginx_conf(port => $port, http_config => <<"EOF", config => <<'EOF');
    proxies_admin_token_file $token;
    proxies_functions $root/functions/calc.so;
    proxies_functions $root/functions/echo.so;
    proxy_read_timeout 300ms;
EOF
    location / { proxies $PROXIES; }
    location /late/ { proxies $PROXIES; proxy_read_timeout 10s; }
    location /admin/ { proxies_admin; }
EOF

# the workers share each breaker
$conf =~ s/worker_processes 1;/worker_processes 4;/;

my $master = eval { start_nginx($conf, port => $port) };
ok($master, 'nginx starts') or diag($@);

sub get { return http_get($port, $_[0]) }

sub state_of {
    my ($name) = @_;
    return json_field(admin_call($port, 'GET', "/admin/breakers/$name")->{body},
                      'state') // '';
}

sub calls { return scalar backend_requests($_[0]) }

sub status_list { return join ' ', map { get($_)->{status} // 'none' } @_ }


# closed: the backend answers

is(get('/orders/1')->{body}, 'backend ok', 'closed: the backend serves');
is(state_of('orders-svc'), 'closed', 'the breaker is closed');


# the backend starts failing: three 500s open the breaker

($bpid, $blog) = backend_as($bpid, $bport, $boom);

is(status_list('/orders/1', '/orders', '/orders/1'), '500 500 500',
   'three failures pass through, shared by two proxies');
is(state_of('orders-svc'), 'open', 'then the breaker is open');
is(calls($blog), 3, 'the failing backend got 3 requests');

my $res = get('/orders/2');
is($res->{status}, 200, 'open: the fallback backend serves');
is($res->{body}, 'legacy ok', 'open: with its own answer');
is(((backend_requests($flog))[-1] // {})->{uri}, '/legacy/2',
   'the fallback got the route parameters');

$res = get('/orders');
is($res->{status}, 503, 'open: a static fallback response');
is($res->{body}, 'orders are resting', 'with its body');
is($res->{header}{'content-type'}, 'text/x-rest', 'and its headers');
like($res->{header}{'retry-after'} // '', qr/^[1-3]$/,
     'Retry-After: the seconds left open');
is(calls($blog), 3, 'while open the backend receives nothing');


# a reload keeps the state

is(reload_workers($master, $dir, 4), 1, 'a reload succeeds');
is(state_of('orders-svc'), 'open', 'the breaker is still open after it');
is(get('/orders/3')->{body}, 'legacy ok', 'the fallback still serves');
is(calls($blog), 3, 'and the backend still receives nothing');


# half-open: a failing probe opens it again

sleep 3.2;
is(get('/orders/4')->{status}, 500, 'after openFor, one probe goes through');
is(calls($blog), 4, 'the probe reached the backend');
is(state_of('orders-svc'), 'open', 'the failed probe opened it again');
is(get('/orders/5')->{body}, 'legacy ok', 'and the fallback serves');
is(calls($blog), 4, 'the backend receives nothing more');


# half-open: a probe that succeeds closes it

($bpid, $blog) = backend_as($bpid, $bport, $ok);

sleep 3.2;
is(get('/orders/6')->{body}, 'backend ok', 'the backend recovered: probe');
is(state_of('orders-svc'), 'closed', 'the successful probe closed it');
is(get('/orders/7')->{body}, 'backend ok', 'the backend serves again');
is(calls($blog), 2, 'both reached it');


# a failure ratio over the window, never two failures in a row

is(status_list('/mixed/ok', '/mixed/bad', '/mixed/ok'), '200 500 200',
   'below minimumRequests the ratio does not count');
is(state_of('mixed'), 'closed', 'still closed');
is(get('/mixed/bad')->{status}, 500, 'the fourth request fails');
is(state_of('mixed'), 'open', '2 of 4 failed: failureRatio 0.5 opens it');
is(get('/mixed/ok')->{status}, 503, 'open, without fallback: 503');


# connect errors, and the default fallback

is(status_list('/pay', '/pay'), '502 502', 'two connect errors');
$res = get('/pay');
is($res->{status}, 503, 'then the breaker answers 503');
like($res->{header}{'retry-after'} // '', qr/^(29|30)$/,
     'with Retry-After of openFor');
is($res->{body}, "503 Service Unavailable\n", 'and a plain body');


# a timeout

is(get('/slow')->{status}, 504, 'the backend times out');
is(state_of('slow'), 'open', 'one timeout opens the breaker');
is(get('/slow')->{status}, 503, 'the next request is not sent');


# a probe given up as lost answers late: only the current period's decides

sub send_get {
    return http_send($port, "GET $_[0] HTTP/1.1\r\nHost: localhost\r\n"
                            . "Connection: close\r\n\r\n");
}

is(get('/late/bad')->{status}, 500, 'a slow backend fails once');
is(state_of('late'), 'open', 'and opens the breaker');
sleep 1.1;
is(state_of('late'), 'half-open', 'after openFor it is half-open, before '
   . 'any request');
my $lost = send_get('/late/ok');
sleep 1.3;
my $probe = send_get('/late/bad');
is(http_read($lost)->{status}, 200,
   'a probe lost for openFor answers late, with a success');
is(state_of('late'), 'half-open',
   'which does not close it: the probe that took its place decides');
is(http_read($probe)->{status}, 500, 'that probe fails');
is(state_of('late'), 'open', 'and opens it again');


# functions: their final status counts, and a function is a fallback

like(get('/calc/add/1/2')->{body}, qr/"result": ?3/, 'the function answers');
is(status_list('/calc/add/x/1', '/calc/add/y/1'), '400 400',
   'two answers of a listed status');
is(state_of('calc'), 'open', 'open the breaker of a function');
like(get('/calc/add/1/2')->{body}, qr/"function": ?"echo"/,
     'the fallback function answers');


# the admin API forces and resets

is(admin_call($port, 'POST', '/admin/breakers/orders-svc/open')->{status},
   200, 'forced open');
is(get('/orders/8')->{body}, 'legacy ok', 'the fallback serves');
is(admin_call($port, 'POST', '/admin/breakers/orders-svc/reset')->{status},
   200, 'reset');
is(get('/orders/9')->{body}, 'backend ok', 'the backend serves again');

ok(stop_nginx($master), 'nginx stops');
stop_backend();

ok(log_has("$dir/logs/error.log", qr/circuit breaker "orders-svc" is open/),
   'opening is logged');
ok(log_has("$dir/logs/error.log",
           qr/proxies admin: 127\.0\.0\.1 forced open breaker "orders-svc"/),
   'admin writes are logged');

my $log = read_file("$dir/logs/error.log") // '';
check_error_log($log . valgrind_logs($dir), 0);

remove_tree($dir)
    if Test::More->builder->is_passing && !$ENV{TEST_NGINX_KEEP};

done_testing();
