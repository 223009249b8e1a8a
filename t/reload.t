# Reloads (spec section 2, STYLE "a reload with a bad file fails in the
# master, and the old workers keep serving"): a client loop runs while
# proxies.json is broken and HUP'ed, then fixed and HUP'ed again.

use strict;
use warnings;

use lib 't/lib';
use ProxiesTest;
use File::Path qw(remove_tree);
use POSIX qw(_exit);
use Test::More;
use Time::HiRes qw(sleep time);


my $dir = servroot('reload');
my ($bport, $bpid, $blog) = start_backend();
my $port = free_port();
my $json = "$dir/proxies.json";

sub proxies {
    my ($version) = @_;
    return qq({ "proxies": { "ping": {
        "matchCondition": { "route": "/ping" },
        "backendUri": "http://127.0.0.1:$bport/$version" } } }\n);
}

# the backend path of the last request that reached it
sub served {
    my @reqs = backend_requests($blog);
    return @reqs ? $reqs[-1]{uri} : '';
}

# wait until a request is served by the given version
sub serves {
    my ($version) = @_;
    my $until = time + $ProxiesTest::TIMEOUT;

    while (time < $until) {
        my $res = http_get($port, '/ping');
        return 1 if ($res->{status} // 0) == 200 && served() eq "/$version";
        sleep 0.05;
    }

    return 0;
}

sub log_since {
    my ($offset) = @_;
    return substr(read_file("$dir/logs/error.log") // '', $offset);
}


write_file($json, proxies('v1'));

my $conf = nginx_conf(port => $port, backend_port => $bport);
my $master = eval { start_nginx($conf, port => $port) };

if (!ok($master, 'nginx starts')) {
    diag($@);
    stop_backend($bpid);
    remove_tree($dir)
    if Test::More->builder->is_passing && !$ENV{TEST_NGINX_KEEP};

done_testing();
    exit;
}

ok(serves('v1'), 'the first proxies.json serves');


# a client that keeps asking until told to stop; one status per line
my $statuses = "$dir/logs/client.log";
write_file($statuses, '');

my $client = fork;
die "fork: $!" unless defined $client;

if ($client == 0) {
    $SIG{TERM} = sub { _exit(0) };
    eval {
        while (1) {
            my $res = http_get($port, '/ping');
            open my $fh, '>>', $statuses or _exit(1);
            print $fh ($res->{status} // "error: $res->{error}"), "\n";
            close $fh;
            sleep 0.01;
        }
    };
    _exit(0);
}

sleep 0.3;


# broken JSON: the master refuses it and the old workers keep serving

my $offset = -s "$dir/logs/error.log";
write_file($json, qq({ "proxies": { "ping": { "matchCondition": \n));

is(reload_nginx($master), 0, 'a reload with broken JSON fails');
like(log_since($offset), qr/\[emerg\].*proxies\.json/,
     'error.log names proxies.json in an [emerg]');
ok(kill(0, $master), 'the master is still running');
sleep 0.3;
ok(serves('v1'), 'the old configuration still serves');


# valid JSON with a broken route: refused the same way

$offset = -s "$dir/logs/error.log";
write_file($json, qq({ "proxies": { "ping": {
    "matchCondition": { "route": "/ping/{id" },
    "backendUri": "http://127.0.0.1:$bport/v9" } } }\n));

is(reload_nginx($master), 0, 'a reload with a broken route fails');
like(log_since($offset), qr/\[emerg\].*proxy "ping"/,
     'error.log names the proxy');
sleep 0.3;
ok(serves('v1'), 'the old configuration still serves');


# fixed: the next reload takes it

$offset = -s "$dir/logs/error.log";
write_file($json, proxies('v2'));

is(reload_nginx($master), 1, 'a reload with a good file succeeds');
ok(serves('v2'), 'the new proxies.json serves');
sleep 0.3;


kill 'TERM', $client;
waitpid $client, 0;

my @st = split /\n/, read_file($statuses);
my @bad = grep { $_ ne '200' } @st;

cmp_ok(scalar @st, '>', 5, 'the client loop ran (' . scalar(@st)
       . ' requests)');
is(scalar @bad, 0, 'every request during the reloads succeeded')
    or diag(join ', ', @bad[0 .. ($#bad > 9 ? 9 : $#bad)]);

is(nginx_pid(), $master, 'the same master throughout');
ok(stop_nginx($master), 'nginx stops on QUIT');
stop_backend($bpid);

# the [emerg] lines above were expected; anything else was not
check_error_log(read_file("$dir/logs/error.log") . valgrind_logs($dir), 1);

remove_tree($dir)
    if Test::More->builder->is_passing && !$ENV{TEST_NGINX_KEEP};

done_testing();
