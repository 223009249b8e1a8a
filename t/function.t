# Functions (issue 3): C functions loaded with proxies_functions and named
# by "backendUri": "function:NAME" or http://localhost/api/NAME.  The
# examples in functions/ are built with their Makefile; functions that
# misbehave on purpose are built here, from the sources below.

use strict;
use warnings;

use lib 't/lib';
use ProxiesTest;
use File::Path qw(make_path);
use IO::Socket::INET;
use Test::More;
use Time::HiRes qw(sleep time);


our $FN = "$ProxiesTest::ROOT/functions";
our $SLOW = $ENV{PROXIES_VALGRIND} ? 20 : 1;    # memcheck is slower
our $LIB = servroot_path('function-lib');

system('make', '-s', '-C', $FN) == 0 or BAIL_OUT("make -C functions failed");
make_path($LIB);

# until the module registers the directive, there is nothing to test
{
    my $conf = "$LIB/probe.conf";
    write_file($conf, "load_module $ProxiesTest::MODULE;\n"
               . "error_log /dev/null; pid $LIB/probe.pid;\n"
               . "events {}\nhttp { proxies_functions $FN/echo.so; }\n");
    my $out = `$ProxiesTest::NGINX -t -q -p $LIB/ -c $conf 2>&1`;
    plan(skip_all => 'proxies_functions is not wired into the module yet')
        if $out =~ /unknown directive "proxies_functions"/;
}

# build one test library from C source; dies on a compiler error
sub build {
    my ($name, $src, @flags) = @_;
    write_file("$LIB/$name.c", "#include <ngx_proxies_function.h>\n$src");
    system('cc', '-Wall', '-Wextra', '-Werror', '-fPIC', '-shared',
           "-I$ProxiesTest::ROOT/include", @flags, '-o', "$LIB/$name.so.tmp",
           "$LIB/$name.c") == 0 or BAIL_OUT("cannot build $name.so");
    # a new inode, as a real build does: running copies stay intact
    rename "$LIB/$name.so.tmp", "$LIB/$name.so" or die "rename: $!";
}

build('bad', <<'EOF');
#include <stdlib.h>
#include <unistd.h>

static int fail(ngx_proxies_request_t *req, ngx_proxies_response_t *resp)
{
    (void) req;
    resp->error = "the database is down";
    return NGX_PROXIES_ERROR;
}

static int status(ngx_proxies_request_t *req, ngx_proxies_response_t *resp)
{
    (void) req;
    resp->status = 42;
    return NGX_PROXIES_OK;
}

static int header(ngx_proxies_request_t *req, ngx_proxies_response_t *resp)
{
    return ngx_proxies_set_header(req, resp, "Bad Header", "x");
}

static int crlf(ngx_proxies_request_t *req, ngx_proxies_response_t *resp)
{
    return ngx_proxies_set_header(req, resp, "X-Split", "a\r\nX-Injected: 1");
}

static int never(ngx_proxies_request_t *req, ngx_proxies_response_t *resp)
{
    (void) req; (void) resp;
    abort();
}

static int teapot(ngx_proxies_request_t *req, ngx_proxies_response_t *resp)
{
    (void) req;
    resp->status = 418;
    resp->reason = ngx_proxies_string("Short And Stout");
    return NGX_PROXIES_OK;
}

/* blocking: the request as seen from a thread, in arena memory */
static int tinfo(ngx_proxies_request_t *req, ngx_proxies_response_t *resp)
{
    const ngx_proxies_str_t  *id, *q, *s;
    char                     *big;

    id = ngx_proxies_param(req, "id");
    q = ngx_proxies_arg(req, "q");
    s = ngx_proxies_setting(req, "GREETING");
    big = ngx_proxies_alloc(req, 100000);   /* more than one chunk */
    if (big == NULL) {
        return NGX_PROXIES_ERROR;
    }
    memset(big, 'x', 100000);
    resp->status = 201;
    resp->body = ngx_proxies_printf(req, "%.*s id=%.*s q=%.*s set=%.*s "
        "body=%.*s big=%c\n",
        (int) req->method.len, req->method.data,
        id ? (int) id->len : 0, id ? id->data : "",
        q ? (int) q->len : 0, q ? q->data : "",
        s ? (int) s->len : 0, s ? s->data : "",
        (int) req->body.len, req->body.data, big[99999]);
    return ngx_proxies_set_header(req, resp, "X-Thread", "yes");
}

static int tfail(ngx_proxies_request_t *req, ngx_proxies_response_t *resp)
{
    (void) req;
    usleep(10000);
    resp->error = "slow failure";
    return NGX_PROXIES_ERROR;
}

static int ctype(ngx_proxies_request_t *req, ngx_proxies_response_t *resp)
{
    resp->body = ngx_proxies_string("<p>hi</p>");
    return ngx_proxies_set_header(req, resp, "Content-Type",
                                  "text/html; charset=utf-8");
}

static const ngx_proxies_function_t f1 = { NGX_PROXIES_FUNCTION_VERSION,
    "fail", 0, NULL, NULL, fail };
static const ngx_proxies_function_t f2 = { NGX_PROXIES_FUNCTION_VERSION,
    "status", 0, NULL, NULL, status };
static const ngx_proxies_function_t f3 = { NGX_PROXIES_FUNCTION_VERSION,
    "header", 0, NULL, NULL, header };
static const ngx_proxies_function_t f4 = { NGX_PROXIES_FUNCTION_VERSION,
    "crlf", 0, NULL, NULL, crlf };
static const ngx_proxies_function_t f6 = { NGX_PROXIES_FUNCTION_VERSION,
    "teapot", 0, NULL, NULL, teapot };
static const ngx_proxies_function_t f7 = { NGX_PROXIES_FUNCTION_VERSION,
    "tinfo", NGX_PROXIES_FUNCTION_BLOCKING, NULL, NULL, tinfo };
static const ngx_proxies_function_t f8 = { NGX_PROXIES_FUNCTION_VERSION,
    "tfail", NGX_PROXIES_FUNCTION_BLOCKING, NULL, NULL, tfail };
static const ngx_proxies_function_t f9 = { NGX_PROXIES_FUNCTION_VERSION,
    "abort", 0, NULL, NULL, never };
static const ngx_proxies_function_t f10 = { NGX_PROXIES_FUNCTION_VERSION,
    "ctype", 0, NULL, NULL, ctype };

const ngx_proxies_function_t *ngx_proxies_functions[] = {
    &f1, &f2, &f3, &f4, &f6, &f7, &f8, &f9, &f10, NULL
};
EOF

# per-worker hooks: one whose init fails, one that logs init and exit
build('life', <<'EOF');
#include <stdio.h>
#include <stdlib.h>

typedef struct { char path[512]; unsigned long calls; } life_t;

static void note(const char *path, const char *what, unsigned long n)
{
    FILE  *f = fopen(path, "a");
    if (f) { fprintf(f, "%s %lu\n", what, n); fclose(f); }
}

static int init_fail(const ngx_proxies_worker_t *w, void **state)
{
    (void) w; (void) state;
    return NGX_PROXIES_ERROR;
}

static int never(ngx_proxies_request_t *req, ngx_proxies_response_t *resp)
{
    (void) req; (void) resp;
    abort();
}

static int init(const ngx_proxies_worker_t *w, void **state)
{
    size_t   i;
    life_t  *l = calloc(1, sizeof(life_t));

    if (l == NULL) {
        return NGX_PROXIES_ERROR;
    }
    for (i = 0; i < w->nsettings; i++) {
        if (w->settings[i].name.len == 6
            && memcmp(w->settings[i].name.data, "MARKER", 6) == 0
            && w->settings[i].value.len < sizeof(l->path))
        {
            memcpy(l->path, w->settings[i].value.data,
                   w->settings[i].value.len);
        }
    }
    note(l->path, "init", w->worker);
    *state = l;
    return NGX_PROXIES_OK;
}

static void fini(void *state)
{
    life_t  *l = state;
    note(l->path, "exit", l->calls);
    free(l);
}

static int life(ngx_proxies_request_t *req, ngx_proxies_response_t *resp)
{
    life_t  *l = req->state;
    resp->body = ngx_proxies_printf(req, "call %lu\n", ++l->calls);
    return resp->body.data ? NGX_PROXIES_OK : NGX_PROXIES_ERROR;
}

static const ngx_proxies_function_t f1 = { NGX_PROXIES_FUNCTION_VERSION,
    "initfail", 0, init_fail, NULL, never };
static const ngx_proxies_function_t f2 = { NGX_PROXIES_FUNCTION_VERSION,
    "life", 0, init, fini, life };

const ngx_proxies_function_t *ngx_proxies_functions[] = { &f1, &f2, NULL };
EOF

my $VERSIONED = <<'EOF';
static int version(ngx_proxies_request_t *req, ngx_proxies_response_t *resp)
{
    (void) req;
    resp->body = ngx_proxies_string("version " VERSION "\n");
    return NGX_PROXIES_OK;
}

static const ngx_proxies_function_t f = { NGX_PROXIES_FUNCTION_VERSION,
    "version", 0, NULL, NULL, version };

const ngx_proxies_function_t *ngx_proxies_functions[] = { &f, NULL };
EOF

build('version', $VERSIONED, '-DVERSION="1"');

build('old', <<'EOF');
static int h(ngx_proxies_request_t *req, ngx_proxies_response_t *resp)
{
    (void) req; (void) resp;
    return NGX_PROXIES_OK;
}

static const ngx_proxies_function_t f = { 999, "old", 0, NULL, NULL, h };

const ngx_proxies_function_t *ngx_proxies_functions[] = { &f, NULL };
EOF

build('nosym', "int ngx_proxies_something_else = 1;\n");


# ---------------------------------------------------- code-driven tests

my $FUNCTIONS = <<"EOF";
proxies_functions $FN/echo.so;
proxies_functions $FN/calc.so;
proxies_functions $FN/shortener.so;
proxies_functions $FN/sleep.so;
proxies_functions $LIB/version.so;
proxies_functions $LIB/bad.so;
EOF

sub request {
    my ($port, $method, $path, $body) = @_;
    $body //= '';
    my $len = length $body;
    return http_request($port, "$method $path HTTP/1.1\r\nHost: localhost\r\n"
                        . "Connection: close\r\nContent-Length: $len\r\n\r\n"
                        . $body);
}

sub start {
    my ($name) = @_;
    my $dir = servroot($name);
    my $port = free_port();
    my $json = read_file("$ProxiesTest::ROOT/proxies/functions.json");
    $json =~ s/\n\s*}\s*}\s*$/,
      "version": { "matchCondition": { "route": "\/version" },
                   "backendUri": "function:version" },
      "teapot": { "matchCondition": { "route": "\/teapot" },
                  "backendUri": "function:teapot" } } }\n/s
        or die "proxies/functions.json: unexpected end";
    write_file("$dir/proxies.json", $json);
    my $conf = nginx_conf(port => $port, http_config => $FUNCTIONS);
    my $pid = eval { start_nginx($conf, port => $port) };
    ok($pid, "$name: nginx starts") or diag($@);
    return ($dir, $port);
}


subtest 'shortener: create, follow, count clicks, per-worker state' => sub {
    my ($dir, $port) = start('function-shortener');

    my $res = request($port, 'POST', '/s', "https://example.com/a?b=1\n");
    is($res->{status}, 201, 'POST /s creates');
    my ($code) = ($res->{body} // '') =~ /"code": "(\w{6})"/;
    ok($code, "a six-character code ($res->{body})");
    is($res->{header}{location}, "/s/$code", 'Location names the short URL');

    for (1 .. 3) {
        $res = request($port, 'GET', "/s/$code");
        is($res->{status}, 302, "GET /s/$code redirects");
        is($res->{header}{location}, 'https://example.com/a?b=1',
           'to the URL');
    }

    $res = request($port, 'GET', "/s/$code/stats");
    is($res->{status}, 200, 'stats');
    like($res->{body}, qr/"clicks": 3\}/, 'counts three clicks');

    $res = request($port, 'GET', '/s/nope42');
    is($res->{status}, 404, 'an unknown code is 404');

    $res = request($port, 'POST', '/s', "javascript:alert(1)");
    is($res->{status}, 400, 'not an http(s) URL: 400');

    $res = request($port, 'POST', '/s', "https://example.com/\r\nX: y");
    is($res->{status}, 400, 'a URL with CR LF: 400');

    $res = request($port, 'GET', '/teapot');
    is($res->{status}, 418, 'a status of the function\'s choice');
    is($res->{reason}, 'Short And Stout', 'with its reason phrase');

    ok(stop_nginx(), 'nginx stops');
    check_error_log(read_file("$dir/logs/error.log"));
};


subtest 'init and exit run once per worker, state lives across calls' => sub {
    my $dir = servroot('function-life');
    my $port = free_port();
    write_file("$dir/proxies.json", q({ "proxies": { "life": {
        "matchCondition": { "route": "/life" },
        "backendUri": "function:life" } } }));
    my $conf = nginx_conf(port => $port, http_config =>
        "proxies_functions $LIB/life.so;\n"
        . "proxies_app_setting MARKER $dir/marker;");
    # workers may run as another user
    write_file("$dir/marker", '');
    chmod 0666, "$dir/marker";

    ok(eval { start_nginx($conf, port => $port) }, 'nginx starts')
        or diag($@);

    is(request($port, 'GET', '/life')->{body}, "call 1\n", 'first call');
    is(request($port, 'GET', '/life')->{body}, "call 2\n",
       'the state is kept');

    ok(stop_nginx(), 'nginx stops');
    is(read_file("$dir/marker"), "init 0\nexit 2\n",
       'init with the settings, exit with the state');
    check_error_log(read_file("$dir/logs/error.log"));
};


subtest 'reload picks up a rebuilt library' => sub {
    my ($dir, $port) = start('function-reload');

    my $res = request($port, 'GET', '/version');
    is($res->{body}, "version 1\n", 'version 1 before');

    build('version', $VERSIONED, '-DVERSION="2"');
    ok(reload_nginx(), 'HUP starts new workers');

    # the old worker may still answer a request or two
    my $until = time + 5 * $SLOW;

    for (;;) {
        $res = request($port, 'GET', '/version');
        last if ($res->{body} // '') eq "version 2\n" || time > $until;
        sleep 0.05;
    }

    is($res->{body}, "version 2\n", 'version 2 after the reload');

    # a library that fails to load fails the reload; old workers serve on
    write_file("$LIB/version.so", "not an ELF file\n");
    ok(!reload_nginx(), 'HUP with a broken library fails');
    like(read_file("$dir/logs/error.log"),
         qr/\[emerg\].*cannot load functions from ".*version.so"/,
         'the master says why');
    is(request($port, 'GET', '/version')->{body}, "version 2\n",
       'version 2 still serves');

    ok(stop_nginx(), 'nginx stops');
    my $log = read_file("$dir/logs/error.log");
    check_error_log($log, 1);

    # each load copies the library and removes the copy once loaded
    my @left = grep { -M $_ > 10 / 86400 }
               glob(($ENV{TMPDIR} || '/tmp') . '/ngx_proxies_??????');
    ok(!@left, 'no temporary copies are left behind') or diag("@left");

    build('version', $VERSIONED, '-DVERSION="1"');
};


subtest 'a blocking function does not block the event loop' => sub {
    my ($dir, $port) = start('function-blocking');

    my $slow = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
                                     PeerPort => $port, Proto => 'tcp')
        or die "connect: $!";
    my $t0 = time;
    print $slow "GET /sleep?ms=1000 HTTP/1.1\r\nHost: localhost\r\n"
                . "Connection: close\r\n\r\n";
    sleep 0.1 * $SLOW;

    my $t1 = time;
    my $ok = 0;

    for my $i (1 .. 20) {
        my $res = request($port, 'GET', "/calc/add/$i/1?precision=0");
        $ok++ if ($res->{status} // 0) == 200
                 && $res->{body} =~ /"result": ${\($i + 1)}\}/;
    }

    my $fast = time - $t1;
    is($ok, 20, '20 requests answered while the function sleeps');
    cmp_ok($fast, '<', 0.5 * $SLOW, sprintf('in %.3f s, well under a second',
                                            $fast));

    local $/;
    my $raw = <$slow>;
    my $slept = time - $t0;
    like($raw, qr/^HTTP\/1.1 200 .*slept 1000 ms\n\z/s, 'the sleeper answers');
    cmp_ok($slept, '>=', 0.95, sprintf('after %.3f s', $slept));

    # two sleepers run side by side in the pool's threads
    my @s = map {
        my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
                                      PeerPort => $port, Proto => 'tcp');
        print $s "GET /sleep?ms=500 HTTP/1.1\r\nHost: localhost\r\n"
                 . "Connection: close\r\n\r\n";
        $s;
    } 1 .. 2;
    $t0 = time;
    my @raw = map { local $/; scalar <$_> } @s;
    my $both = time - $t0;
    is(scalar(grep { /slept 500 ms/ } @raw), 2, 'two sleepers answer');
    cmp_ok($both, '<', 0.9 * $SLOW, sprintf('in parallel, %.3f s', $both))
        unless $ENV{PROXIES_VALGRIND};

    # a client that leaves while its function runs
    my $gone = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
                                     PeerPort => $port, Proto => 'tcp');
    print $gone "GET /sleep?ms=300 HTTP/1.1\r\nHost: localhost\r\n\r\n";
    sleep 0.05 * $SLOW;
    close $gone;
    sleep 0.5 * $SLOW;
    my $res = request($port, 'GET', '/calc/mul/6/7?precision=0');
    like($res->{body} // '', qr/"result": 42\}/,
         'nginx serves on after a client left mid-function');

    ok(stop_nginx(), 'nginx stops');
    check_error_log(read_file("$dir/logs/error.log"));
};


run_tests();

__DATA__

=== TEST 1: echo: method, path, route parameters, query, headers, body
--- http_config eval
"proxies_functions $::FN/echo.so;"
--- proxies
{ "proxies": { "p1": { "matchCondition": {"route": "/echo/{id}/{*rest}"},
                       "backendUri": "function:echo" } } }
--- request
POST /echo/42/a/b%20c?x=1&y=a+b%26c&x=2
--- more_headers
X-Foo: bar
--- request_body
hello
--- error_code: 200
--- response_headers
Content-Type: application/json
--- response_body_like: ^\{"function": "echo", "proxy": "p1", "method": "POST", "path": "/echo/42/a/b c", "query": "x=1&y=a\+b%26c&x=2", "params": \{"id": "42", "rest": "a/b c"\}, "args": \{"x": "1", "y": "a b&c", "x": "2"\}, "headers": \{"Host": "localhost", .*"X-Foo": "bar".*\}, "body": "hello", "body_length": 5\}\n$
--- access_log
backend=function:echo

=== TEST 2: echo: JSON escaping of quotes, controls and bytes that are not UTF-8
--- http_config eval
"proxies_functions $::FN/echo.so;"
--- proxies
{ "proxies": { "p1": { "matchCondition": {"route": "/e"},
                       "backendUri": "function:echo" } } }
--- request
POST /e
--- request_body eval
"q\"b\\s\x01\t\n\xff\xc3\xa9"
--- response_body_like: "body": "q\\"b\\\\s\\u0001\\t\\n\\ufffd\x{c3}\x{a9}", "body_length": 11\}

=== TEST 3: requestOverrides reach the function: method, headers, query
--- http_config eval
"proxies_functions $::FN/echo.so;"
--- proxies
{ "proxies": { "p1": {
    "matchCondition": {"route": "/users/{id}"},
    "backendUri": "function:echo",
    "requestOverrides": {
        "backend.request.method": "PUT",
        "backend.request.headers.X-User": "user-{id}",
        "backend.request.querystring.q": "{request.querystring.p} & more",
        "backend.request.querystring.added": "{id}"
    } } } }
--- request
GET /users/7?a=1&Q=old&b=2&q=dup&p=x%20y
--- response_body_like: "method": "PUT", "path": "/users/7", "query": "a=1&q=x%20y%20%26%20more&b=2&p=x%20y&added=7", "params": \{"id": "7"\}, "args": \{"a": "1", "q": "x y & more", "b": "2", "p": "x y", "added": "7"\}, "headers": \{.*"X-User": "user-7"

=== TEST 4: responseOverrides change what the function returned
--- http_config eval
"proxies_functions $::FN/calc.so;"
--- proxies
{ "proxies": { "p1": {
    "matchCondition": {"route": "/calc/{op}/{a}/{b}"},
    "backendUri": "function:calc",
    "responseOverrides": {
        "response.statusCode": "203",
        "response.headers.X-Op": "{op}",
        "response.headers.Content-Type": "text/plain",
        "response.body": "calc {op} was replaced"
    } } } }
--- request
GET /calc/add/1/2
--- error_code: 203
--- response_headers
X-Op: add
Content-Type: text/plain
--- response_body: calc add was replaced

=== TEST 5: {backend.response.*} in responseOverrides is the function's response
--- http_config eval
"proxies_functions $::FN/calc.so;"
--- proxies
{ "proxies": { "p1": {
    "matchCondition": {"route": "/calc/{op}/{a}/{b}"},
    "backendUri": "function:calc",
    "responseOverrides": {
        "response.headers.X-Was": "{backend.response.statusCode} {backend.response.headers.Content-Type}"
    } } } }
--- request
GET /calc/add/1/2
--- response_headers
X-Was: 200 application/json

=== TEST 6: calc: route parameters and the query
--- http_config eval
"proxies_functions $::FN/calc.so;"
--- proxies
{ "proxies": { "p1": { "matchCondition": {"route": "/calc/{op}/{a}/{b}"},
                       "backendUri": "function:calc" } } }
--- request
GET /calc/div/1/3?precision=4
--- response_body eval
qq({"op": "div", "a": 1, "b": 3, "precision": 4, "result": 0.3333}\n)

=== TEST 7: calc: division by zero is the function's own 400
--- http_config eval
"proxies_functions $::FN/calc.so;"
--- proxies
{ "proxies": { "p1": { "matchCondition": {"route": "/calc/{op}/{a}/{b}"},
                       "backendUri": "function:calc" } } }
--- request
GET /calc/div/1/0
--- error_code: 400
--- response_body eval
qq({"error": "division by zero"}\n)
--- no_error_log
[error]

=== TEST 8: calc: a bad precision
--- http_config eval
"proxies_functions $::FN/calc.so;"
--- proxies
{ "proxies": { "p1": { "matchCondition": {"route": "/calc/{op}/{a}/{b}"},
                       "backendUri": "function:calc" } } }
--- request
GET /calc/add/1/2?precision=16
--- error_code: 400
--- response_body eval
qq({"error": "precision must be 0 to 15"}\n)

=== TEST 9: the Azure form http://localhost/api/NAME calls the function
--- http_config eval
"proxies_functions $::FN/echo.so;"
--- proxies
{ "proxies": { "p1": { "matchCondition": {"route": "/hello/{name}"},
                       "backendUri": "http://localhost/api/echo?from=proxy" } } }
--- request
GET /hello/ann?x=1
--- response_body_like: "proxy": "p1", "method": "GET", "path": "/hello/ann", "query": "from=proxy&x=1", "params": \{"name": "ann"\}
--- access_log
backend=function:echo

=== TEST 10: an unknown function fails nginx -t with the file, proxy and field
--- http_config eval
"proxies_functions $::FN/echo.so;"
--- proxies
{ "proxies": { "p1": { "matchCondition": {"route": "/"},
                       "backendUri": "function:nope" } } }
--- must_die
--- error_log_like
proxies: ".*proxies.json": proxy "p1", field "backendUri": unknown function "nope"

=== TEST 11: an unknown function fails nginx -t in a disabled proxy too
--- proxies
{ "proxies": { "p1": { "matchCondition": {"route": "/"}, "disabled": true,
                       "backendUri": "function:echo" } } }
--- must_die
--- error_log_like
proxies: ".*proxies.json": proxy "p1", field "backendUri": unknown function "echo"

=== TEST 12: a body over client_max_body_size is 413 before the function runs
--- http_config eval
"proxies_functions $::LIB/bad.so;\nclient_max_body_size 10;"
--- proxies
{ "proxies": { "p1": { "matchCondition": {"route": "/"},
                       "backendUri": "function:abort" } } }
--- request
POST /
--- request_body
0123456789abcdef
--- error_code: 413
--- no_error_log
exited on signal

=== TEST 13: a chunked body over client_max_body_size is 413 too
--- http_config eval
"proxies_functions $::LIB/bad.so;\nclient_max_body_size 10;"
--- proxies
{ "proxies": { "p1": { "matchCondition": {"route": "/"},
                       "backendUri": "function:abort" } } }
--- request
POST /
--- more_headers
Transfer-Encoding: chunked
--- request_body
0123456789abcdef
--- error_code: 413
--- response_body_like: 413 Request Entity Too Large
--- no_error_log
exited on signal

=== TEST 14: a body larger than client_body_buffer_size is read back whole
--- http_config eval
"proxies_functions $::FN/echo.so;\nclient_body_buffer_size 1k;"
--- proxies
{ "proxies": { "p1": { "matchCondition": {"route": "/"},
                       "backendUri": "function:echo" } } }
--- request
POST /
--- request_body eval
"a" x 5000 . "z"
--- response_body_like: "body": "a{5000}z", "body_length": 5001\}

=== TEST 15: a function error is 502, logged with the function and the proxy
--- http_config eval
"proxies_functions $::LIB/bad.so;"
--- proxies
{ "proxies": { "p1": { "matchCondition": {"route": "/"},
                       "backendUri": "function:fail" } } }
--- error_code: 502
--- error_log
proxies: proxy "p1": function "fail" failed: the database is down

=== TEST 16: a status outside 200..599 is an invalid response: 502
--- http_config eval
"proxies_functions $::LIB/bad.so;"
--- proxies
{ "proxies": { "p1": { "matchCondition": {"route": "/"},
                       "backendUri": "function:status" } } }
--- error_code: 502
--- error_log
proxies: proxy "p1": function "status" returned an invalid response: status 42, expected 200 to 599

=== TEST 17: a bad header name is an invalid response: 502
--- http_config eval
"proxies_functions $::LIB/bad.so;"
--- proxies
{ "proxies": { "p1": { "matchCondition": {"route": "/"},
                       "backendUri": "function:header" } } }
--- error_code: 502
--- error_log
proxies: proxy "p1": function "header" returned an invalid response: a header name that is not a token "Bad Header"

=== TEST 18: CR LF in a header value is an invalid response: 502, no split
--- http_config eval
"proxies_functions $::LIB/bad.so;"
--- proxies
{ "proxies": { "p1": { "matchCondition": {"route": "/"},
                       "backendUri": "function:crlf" } } }
--- error_code: 502
--- response_headers
!X-Injected
--- error_log
function "crlf" returned an invalid response: CR, LF or NUL in header "X-Split"

=== TEST 19: a failed init: the worker serves on, the function answers 500
--- http_config eval
"proxies_functions $::LIB/life.so;"
--- proxies
{ "proxies": { "p1": { "matchCondition": {"route": "/"},
                       "backendUri": "function:initfail" } } }
--- error_code: 500
--- error_log
function "initfail" from
init failed in worker 0
proxies: proxy "p1": function "initfail" is not available, its init failed

=== TEST 20: a status of the function's choice, and no body
--- http_config eval
"proxies_functions $::LIB/bad.so;"
--- proxies
{ "proxies": { "p1": { "matchCondition": {"route": "/"},
                       "backendUri": "function:teapot" } } }
--- error_code: 418
--- response_headers
Content-Length: 0
--- response_body:

=== TEST 21: a blocking function sees params, query, settings and body
--- http_config eval
"proxies_functions $::LIB/bad.so;\nproxies_app_setting GREETING hi;"
--- proxies
{ "proxies": { "p1": { "matchCondition": {"route": "/t/{id}"},
                       "backendUri": "function:tinfo",
                       "requestOverrides": {
                           "backend.request.method": "PATCH" } } } }
--- request
POST /t/9?q=%C3%A9
--- request_body
payload
--- error_code: 201
--- response_headers
X-Thread: yes
--- response_body eval
"PATCH id=9 q=\xc3\xa9 set=hi body=payload big=x\n"

=== TEST 22: a blocking function's error is 502 with the log line
--- http_config eval
"proxies_functions $::LIB/bad.so;"
--- proxies
{ "proxies": { "p1": { "matchCondition": {"route": "/"},
                       "backendUri": "function:tfail" } } }
--- error_code: 502
--- error_log
proxies: proxy "p1": function "tfail" failed: slow failure

=== TEST 23: blocking functions use a named thread pool
--- main_config
thread_pool fns threads=2;
--- http_config eval
"proxies_functions $::FN/sleep.so thread_pool=fns;"
--- proxies
{ "proxies": { "p1": { "matchCondition": {"route": "/"},
                       "backendUri": "function:sleep" } } }
--- request
GET /?ms=10
--- response_body eval
"slept 10 ms\n"

=== TEST 24: an unknown thread pool fails nginx -t
--- http_config eval
"proxies_functions $::FN/sleep.so thread_pool=nope;"
--- proxies
{ "proxies": { "p1": { "matchCondition": {"route": "/"},
                       "backendUri": "function:sleep" } } }
--- must_die
--- error_log
unknown thread pool "nope"

=== TEST 25: HEAD gets the headers and no body
--- http_config eval
"proxies_functions $::FN/calc.so;"
--- proxies
{ "proxies": { "p1": { "matchCondition": {"route": "/calc/{op}/{a}/{b}"},
                       "backendUri": "function:calc" } } }
--- request
HEAD /calc/add/1/2
--- response_headers
Content-Length: 62
Content-Type: application/json
--- response_body:

=== TEST 26: a duplicate function name fails nginx -t
--- http_config eval
"proxies_functions $::FN/echo.so;\nproxies_functions $::FN/echo.so;"
--- proxies
{ "proxies": { } }
--- must_die
--- error_log_like
duplicate function "echo" in ".*echo.so", already loaded from ".*echo.so"

=== TEST 27: a missing library fails nginx -t
--- http_config
proxies_functions /nonexistent/fn.so;
--- proxies
{ "proxies": { } }
--- must_die
--- error_log
open() "/nonexistent/fn.so" failed

=== TEST 28: a library without ngx_proxies_functions fails nginx -t
--- http_config eval
"proxies_functions $::LIB/nosym.so;"
--- proxies
{ "proxies": { } }
--- must_die
--- error_log
does not export "ngx_proxies_functions"

=== TEST 29: a function built for another interface version fails nginx -t
--- http_config eval
"proxies_functions $::LIB/old.so;"
--- proxies
{ "proxies": { } }
--- must_die
--- error_log
is built for interface version 999, expected 1

=== TEST 30: a proxies_functions parameter that does not exist
--- http_config eval
"proxies_functions $::FN/echo.so threads=4;"
--- proxies
{ "proxies": { } }
--- must_die
--- error_log
invalid parameter "threads=4", expected "thread_pool=NAME"

=== TEST 31: shortener: an unknown code
--- http_config eval
"proxies_functions $::FN/shortener.so;"
--- proxies
{ "proxies": { "p1": { "matchCondition": {"route": "/s/{code}"},
                       "backendUri": "function:shortener" } } }
--- request
GET /s/abcdef
--- error_code: 404
--- response_body eval
qq({"error": "no such code"}\n)

=== TEST 32: Content-Type with parameters is sent as the function wrote it
--- http_config eval
"proxies_functions $::LIB/bad.so;"
--- proxies
{ "proxies": { "p1": { "matchCondition": {"route": "/"},
                       "backendUri": "function:ctype" } } }
--- response_headers
Content-Type: text/html; charset=utf-8
Content-Length: 9
--- response_body: <p>hi</p>

=== TEST 33: a local hop to a proxy whose backend is a function
--- http_config eval
"proxies_functions $::FN/echo.so;"
--- proxies
{ "proxies": {
    "front": { "matchCondition": {"route": "/front/{id}"},
               "backendUri": "http://localhost/inner/{id}",
               "requestOverrides": {
                   "backend.request.headers.X-Hop": "front" } },
    "inner": { "matchCondition": {"route": "/inner/{id}"},
               "backendUri": "function:echo",
               "responseOverrides": { "response.headers.X-Inner": "{id}" } }
} }
--- request
GET /front/5?k=v
--- response_headers
X-Inner: 5
--- response_body_like: "proxy": "inner", "method": "GET", "path": "/inner/5", "query": "k=v", "params": \{"id": "5"\}, .*"X-Hop": "front"
