# Blue/green slots [extension] (docs/blue-green.md): a group flips through
# the admin API under load with no failed request; pinning the idle slot
# needs the token or an allowed address; the active slot survives a
# reload unless proxies.json changes it; weights split sticky by header.

use strict;
use warnings;

use lib 't/lib';
use ProxiesTest;
use ProxiesExt;
use File::Path qw(remove_tree);
use POSIX qw(_exit);
use Test::More;
use Time::HiRes qw(sleep time);


my $dir = servroot('slots');
my $port = free_port();

my ($blue, $bpid, $blog) = start_backend(
    response => "HTTP/1.1 200 OK\nContent-Type: text/plain\n\nblue");
my ($green, $gpid, $glog) = start_backend(
    response => "HTTP/1.1 200 OK\nContent-Type: text/plain\n\ngreen");

sub proxies {
    my ($solo) = @_;
    return <<"EOF";
{ "proxies": {
    "cart": {
        "matchCondition": { "route": "/checkout/cart" },
        "slots": { "group": "checkout", "active": "blue", "backends": {
            "blue": "http://127.0.0.1:$blue/cart",
            "green": "http://127.0.0.1:$green/cart" } } },
    "pay": {
        "matchCondition": { "route": "/checkout/pay" },
        "slots": { "group": "checkout", "active": "blue", "backends": {
            "blue": { "backendUri": "http://127.0.0.1:$blue/pay",
                      "monolith": true },
            "green": { "backendUri": "http://127.0.0.1:$green/pay" } } } },
    "solo": {
        "matchCondition": { "route": "/solo" },
        "slots": { "active": "$solo", "backends": {
            "a": "http://127.0.0.1:$blue/solo",
            "b": "http://127.0.0.1:$green/solo" } } },
    "canary": {
        "matchCondition": { "route": "/canary" },
        "slots": { "active": "blue",
                   "backends": { "blue": "http://127.0.0.1:$blue/c",
                                 "green": "http://127.0.0.1:$green/c" },
                   "weights": { "blue": 50, "green": 50 },
                   "sticky": "header:X-User" } }
} }
EOF
}

write_file("$dir/proxies.json", proxies('a'));

my $token = admin_token($dir);

sub conf {
    my ($extra) = @_;
    my $conf = nginx_conf(port => $port, http_config => <<"EOF",
    proxies_admin_token_file $token;
    $extra
EOF
                          config => <<'EOF');
    location / { proxies $PROXIES; }
    location /admin/ { proxies_admin; }
EOF

    # a flip must reach every worker
    return $conf =~ s/worker_processes 1;/worker_processes 4;/r;
}

my $master = eval { start_nginx(conf(''), port => $port) };
ok($master, 'nginx starts') or diag($@);

sub body { return http_get($port, $_[0], $_[1])->{body} // 'none' }
sub status { return http_get($port, $_[0], $_[1])->{status} // 'none' }
sub active { return json_field(admin_call($port, 'GET', "/admin/slots/$_[0]")
                               ->{body}, 'active') // '' }

my $auth = { 'Authorization' => "Bearer $ProxiesExt::TOKEN" };


is(body('/checkout/cart'), 'blue', 'the active slot serves');
is(body('/checkout/pay'), 'blue', 'in every proxy of the group');
is(body('/solo'), 'blue', 'a proxy with its own slots');


# pinning the idle slot

is(status('/checkout/cart', { 'X-Proxies-Slot' => 'green' }), 403,
   'a pinning header without permission is refused');
is(status('/checkout/cart', { 'Cookie' => 'proxies_slot=green' }), 403,
   'a pinning cookie without permission is refused');
is(status('/checkout/cart', { 'X-Proxies-Slot' => 'green',
                              'Authorization' => 'Bearer wrong-token' }),
   403, 'with a wrong token too');

my $before = scalar backend_requests($glog);
is(body('/checkout/cart', { 'X-Proxies-Slot' => 'green', %$auth }), 'green',
   'the admin token pins the idle slot');
my @g = backend_requests($glog);
ok(@g > $before && !grep({ lc $_->[0] eq 'authorization' } @{ $g[-1]{headers} }),
   'the token is not passed on to the backend');
is(body('/checkout/pay', { 'Cookie' => 'a=1; proxies_slot=green', %$auth }),
   'green', 'a cookie pins it too');
is(status('/checkout/pay', { 'X-Proxies-Slot' => 'purple', %$auth }), 403,
   'a slot that does not exist is refused');


# writes without the token change nothing

is(admin_call($port, 'POST', '/admin/slots/checkout/flip', '')->{status}, 401,
   'a flip without the token: 401');
is(admin_call($port, 'POST', '/admin/slots/checkout/flip', 'nope-nope')
   ->{status}, 403, 'a flip with a wrong token: 403');
is(active('checkout'), 'blue', 'the group is still on blue');


# a flip under load: a client loop counts every answer

my $answers = "$dir/logs/answers.log";
write_file($answers, '');

my $client = fork;
die "fork: $!" unless defined $client;

if ($client == 0) {
    $SIG{TERM} = sub { _exit(0) };
    my $n = 0;
    while (1) {
        my $path = $n++ % 2 ? '/checkout/pay' : '/checkout/cart';
        my $res = http_get($port, $path);
        open my $fh, '>>', $answers or _exit(1);
        print $fh ($res->{status} // "error: $res->{error}"), ' ',
                  ($res->{body} // ''), "\n";
        close $fh;
    }
}

sleep 0.5;
my $res = admin_call($port, 'POST', '/admin/slots/checkout/flip');
is($res->{status}, 200, 'flip to green under load');
is(json_field($res->{body}, 'active'), 'green', 'the answer names green');
sleep 0.5;
is(admin_call($port, 'POST', '/admin/slots/checkout?active=blue')->{status},
   200, 'and back to blue');
sleep 0.5;
admin_call($port, 'POST', '/admin/slots/checkout/flip');
sleep 0.5;

kill 'TERM', $client;
waitpid $client, 0;

my @st = split /\n/, read_file($answers);
my @bad = grep { !/^200 (blue|green)$/ } @st;
cmp_ok(scalar @st, '>', 20, 'the client loop ran (' . scalar(@st) . ')');
is(scalar @bad, 0, 'no request failed during the flips')
    or diag(join ', ', @bad[0 .. ($#bad > 9 ? 9 : $#bad)]);
my $seq = join '', map { /(blue|green)$/ ? substr($1, 0, 1) : '?' } @st;
like($seq, qr/^b+g+b+g+$/, 'each flip took effect at once, for good');

is(body('/checkout/cart'), 'green', 'the group is on green');
is(body('/checkout/pay'), 'green', 'both of its proxies');
is(body('/solo'), 'blue', 'other slots did not move');


# a reload keeps the flip, unless the file's "active" changed

admin_call($port, 'POST', '/admin/slots/solo/flip');
is(body('/solo'), 'green', 'solo flipped to b');

is(reload_workers($master, $dir, 4), 1, 'a reload');
is(body('/checkout/cart'), 'green', 'the flipped group is still green');
is(body('/solo'), 'green', 'solo is still on b');

write_file("$dir/proxies.json", proxies('b'));
is(reload_workers($master, $dir, 4), 1, 'a reload with solo declared "b"');
write_file("$dir/proxies.json", proxies('a'));
is(reload_workers($master, $dir, 4), 1, 'and one declaring "a" again');
is(body('/solo'), 'blue', 'the file changed "active": it wins');
is(body('/checkout/cart'), 'green', 'the group it did not change stays');


# an allowed address may pin without the token

is(status('/checkout/cart', { 'X-Proxies-Slot' => 'blue' }), 403,
   'not yet allowed');
write_file("$dir/conf/nginx.conf",
           conf('proxies_slot_pin_allow 10.0.0.0/8 127.0.0.1;'));
is(reload_workers($master, $dir, 4), 1, 'reload with proxies_slot_pin_allow');

# an old worker may take a connection or two before it stops listening
my $pinned = '';
for (1 .. 50) {
    $pinned = body('/checkout/cart', { 'X-Proxies-Slot' => 'blue' });
    last if $pinned eq 'blue';
    sleep 0.1;
}
is($pinned, 'blue', 'an allowed address pins the idle slot');
is(body('/checkout/cart'), 'green', 'others still get the active slot');


# weights: sticky per X-User, both slots used

my (%by_user, %seen);
for my $u (1 .. 20) {
    my %b = map { body('/canary', { 'X-User' => "user$u" }) => 1 } 1 .. 3;
    $by_user{$u} = join ',', sort keys %b;
    $seen{$_}++ for keys %b;
}
is(scalar(grep { /,/ } values %by_user), 0, 'a user always gets one slot');
ok($seen{blue} && $seen{green}, 'the users are split between both');

is(admin_call($port, 'POST', '/admin/slots/canary?weights=blue:0,green:100')
   ->{status}, 200, 'new weights');
is(join('', map { body('/canary', { 'X-User' => "user$_" }) } 1 .. 5),
   'green' x 5, 'all go to green');
is(admin_call($port, 'POST', '/admin/slots/canary?active=blue')->{status},
   200, 'an active slot ends the split');
is(join('', map { body('/canary', { 'X-User' => "user$_" }) } 1 .. 5),
   'blue' x 5, 'all go to blue');
is(admin_call($port, 'POST', '/admin/slots/canary?weights=blue:x')->{status},
   400, 'bad weights are refused');

ok(stop_nginx($master), 'nginx stops');
stop_backend();

my $flip = qr/proxies admin: 127\.0\.0\.1 made slot "green" of "checkout"/;
ok(log_has("$dir/logs/error.log", qr/$flip active \(was "blue"\)/),
   'flips are logged with the client address');

my $log = read_file("$dir/logs/error.log") // '';
check_error_log($log . valgrind_logs($dir), 0);

remove_tree($dir)
    if Test::More->builder->is_passing && !$ENV{TEST_NGINX_KEEP};

done_testing();
