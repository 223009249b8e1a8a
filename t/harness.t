# Self-tests of t/lib/ProxiesTest.pm.  They load no module, so they show
# that the harness works whatever state the module is in.

use strict;
use warnings;

use lib 't/lib';
use ProxiesTest;
use File::Path qw(remove_tree);
use File::Temp qw(tempdir);
use Test::More;


my @b = parse_blocks(<<'EOT');
=== TEST 1: one
--- request
GET /x
--- error_code: 404
--- response_body
line 1

line 3


--- response_headers
X-A: 1
!X-B

=== TEST 7: seven
--- request_body eval
"a\r\nb"
--- backend_delay : 2
EOT

is(scalar @b, 2, 'parse: two blocks');
is($b[0]{title}, 'TEST 1: one', 'parse: title');
is($b[0]{request}, 'GET /x', 'parse: section');
is($b[0]{error_code}, '404', 'parse: one-liner');
is($b[0]{response_body}, "line 1\n\nline 3",
   'parse: inner blank line kept, trailing blank lines and newline dropped');
is($b[0]{response_headers}, "X-A: 1\n!X-B", 'parse: list section');
is($b[1]{n}, 7, 'parse: block number from the title');
is($b[1]{request_body}, "a\r\nb", 'parse: eval section');
is($b[1]{backend_delay}, '2', 'parse: one-liner with space before colon');

is(ProxiesTest::backend_response("HTTP/1.1 201 Created\nX: y\n\nbody"),
   "HTTP/1.1 201 Created\r\nX: y\r\nContent-Length: 4\r\n"
   . "Connection: close\r\n\r\nbody",
   'backend response: CRLF, Content-Length and Connection added');

my $r = ProxiesTest::parse_response(
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nA: 1\r\nA: 2\r\n\r\n"
    . "3\r\nabc\r\n1;ext=1\r\nd\r\n0\r\n\r\n");
is($r->{body}, 'abcd', 'client: chunked body decoded');
is(scalar(grep { $_->[0] eq 'A' } @{ $r->{headers} }), 2,
   'client: repeated headers kept');

my @bad = error_log_problems(join "\n",
    '2026/01/01 00:00:00 [alert] 1#1: worker exited on signal 11',
    '2026/01/01 00:00:00 [emerg] 1#1: bad',
    '==1==ERROR: AddressSanitizer: heap-use-after-free',
    'src/x.c:10:5: runtime error: signed integer overflow',
    '==7== Invalid read of size 8',
    '==7== Conditional jump or move depends on uninitialised value(s)',
    '==7== Warning: set address range perms: large range',
    '2026/01/01 00:00:00 [error] 1#1: fine');
is(scalar @bad, 6, 'error.log: alert, emerg, sanitizer, memcheck caught');
is(scalar error_log_problems('x [emerg] y', 1), 0,
   'error.log: emerg allowed where nginx -t must fail');


# ports: below the ephemeral range, and held: another test process can
# take neither a port this one was given nor one of a run of them
my ($from, $to) = ProxiesTest::port_range();
my $p = free_port();
ok($p >= $from && $p < $to, "free_port() is below the ephemeral range ($p)");
my $run = free_port(3);
my $other = sub {
    `$^X -I$ProxiesTest::ROOT/t/lib -MProxiesTest -e 'print ProxiesTest::reserve_port($_[0]) ? "got" : "held"'`
};
is($other->($p), 'held', 'another process cannot reserve that port');
is($other->($run + 2), 'held', 'nor the last of a run of three');
my ($lone) = grep { $other->($_) eq 'got' } $to - 50 .. $to - 1;
ok($lone, 'a port nobody holds can be reserved');


# a failing block must fail its test file: each check is shown to fire

# the scratch test files live outside t/, so "prove -r t/" never sees them
my $dir = tempdir(CLEANUP => 1);

my %fail = (
    status => "--- error_code: 404\n",
    body => "--- response_body: nope\n",
    header => "--- response_headers\nX-Missing: 1\n",
    backend => "--- backend_request\nGET /other\n",
    no_error_log => "--- no_error_log\n[debug]\n",
    must_die => "--- must_die\n",
    # setrlimit() beyond fs.nr_open fails even for root: an [alert]
    alert => "--- main_config\nworker_rlimit_nofile 2000000000;\n",
);

for my $what (sort keys %fail) {
    my $t = "$dir/harness_self_$what.t";
    write_file($t, "use ProxiesTest; run_tests();\n"
        . "__DATA__\n=== TEST 1: must fail\n--- no_module\n"
        . "--- config\nlocation / { proxy_pass http://\$BACKEND; }\n"
        . $fail{$what});
    my $out = `$^X -I$ProxiesTest::ROOT/t/lib $t 2>&1`;
    isnt($?, 0, "a wrong $what fails the test") or diag($out);
    remove_tree(servroot_path("harness_self_$what-1"));
}

run_tests();

__DATA__

=== TEST 1: request, backend record and response round trip
--- no_module
--- config
location / { proxy_pass http://$BACKEND/up/; }
--- request
POST /a/b?q=1
--- more_headers
X-Foo: bar
X-Foo: baz
--- request_body
hello world
--- error_code: 201
--- response_headers
X-From-Backend: yes
!X-Nope
Content-Type ~ ^text/
--- response_body
body from backend
--- backend_request
POST /up/a/b?q=1
--- backend_headers
X-Foo: baz
Host: $BACKEND
--- backend_body
hello world
--- backend_response
HTTP/1.1 201 Created
Content-Type: text/plain
X-From-Backend: yes

body from backend
--- access_log
"POST /a/b?q=1 HTTP/1.1" 201


=== TEST 2: default backend response, full request line compared
--- no_module
--- config
location / { proxy_pass http://$BACKEND; }
--- request
GET /plain
--- response_body: backend ok
--- backend_request
GET /plain HTTP/1.0
--- backend_calls: 1


=== TEST 3: chunked both ways, raw backend response
--- no_module
--- config
location / {
    proxy_pass http://$BACKEND;
    proxy_http_version 1.1;
    proxy_request_buffering off;
}
--- request
PUT /c
--- more_headers
Transfer-Encoding: chunked
--- request_body
abc
--- backend_response eval
"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
. "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"
--- backend_response_raw
--- response_body: abcde
--- response_headers
Transfer-Encoding: chunked
--- backend_body: abc
--- backend_request
PUT /c HTTP/1.1


=== TEST 4: backend delay past proxy_read_timeout
--- no_module
--- config
location / { proxy_pass http://$BACKEND; proxy_read_timeout 1s; }
--- backend_delay: 2
--- error_code: 504
--- error_log
upstream timed out


=== TEST 5: nginx -t failure
--- no_module
--- config
location / { bogus_directive; }
--- must_die
--- error_log_like: unknown directive "bogus_directive" in .*nginx.conf:\d+


=== TEST 6: env and main/http/server config, raw request
--- no_module
--- env
PROXIES_TEST_VAR=v1
--- main_config
worker_rlimit_nofile 1024;
--- http_config
map $uri $x_uri { default "u=$uri"; }
--- server_config
add_header X-Uri $x_uri;
--- config
location /e { return 200 "port $server_port"; }
--- raw_request eval
"GET /e HTTP/1.0\r\n\r\n"
--- response_body: port $PORT
--- response_headers
X-Uri: u=/e


=== TEST 7: HEAD and an encoded path
--- no_module
--- config
location / { proxy_pass http://$BACKEND; }
--- request
HEAD /a%2Fb/%7Ex
--- response_body:
--- backend_request
HEAD /a%2Fb/%7Ex
