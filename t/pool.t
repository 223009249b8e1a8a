# The table's own pool (src/ngx_http_proxies_pool.c): a big proxies.json
# compiles into a region of transparent huge pages, "proxies_huge_pages
# off" keeps it in ordinary pages. Either way the same routes answer, the
# first and the last, across a reload to a bigger file, a reload with a
# broken one (the old table, in its region, goes on serving) and a stop.

use strict;
use warnings;

use lib 't/lib';
use ProxiesTest;
use Test::More;
use Time::HiRes qw(sleep time);


my $dir = servroot('pool');
my $port = free_port();
my $json = "$dir/proxies.json";

# n proxies of templated routes, each answering its own number; the
# padding makes even a few thousand proxies a file of over 256 KB, the
# size from which the module takes a region
sub proxies {
    my ($n, $tag) = @_;
    my $pad = 'x' x 64;
    return '{ "proxies": {'
        . join(',', map { qq(
        "p$_": { "desc": ["$pad"],
            "matchCondition": { "route": "/svc$_/items/{id}" },
            "responseOverrides": { "response.statusCode": "200",
                "response.body": "$tag $_ {id}" } }) } 1 .. $n)
        . "\n} }\n";
}

sub check_routes {
    my ($n, $tag, $what) = @_;
    for my $i (1, int($n / 2), $n) {
        my $res = http_get($port, "/svc$i/items/$i");
        is($res->{body}, "$tag $i $i", "$what: /svc$i answers");
    }
    is(http_get($port, '/nothing/here')->{status}, 404,
       "$what: a miss is a 404");
}

# the old worker may take connections until it has closed its listening
# sockets: ten answers in a row from the new table
sub serves {
    my ($path, $body) = @_;
    my $until = time + $ProxiesTest::TIMEOUT;
    my $row = 0;
    while (time < $until) {
        $row = (http_get($port, $path)->{body} // '') eq $body ? $row + 1 : 0;
        return 1 if $row == 10;
        sleep 0.02;
    }
    return 0;
}

sub huge_kb {
    my ($pid) = @_;
    my $s = read_file("/proc/$pid/smaps_rollup") // '';
    return $s =~ /^AnonHugePages:\s+(\d+)/m ? $1 : undef;
}

my $thp = (read_file('/sys/kernel/mm/transparent_hugepage/enabled') // '')
          =~ /\[madvise\]/;

for my $mode ('on', 'off') {
    write_file($json, proxies(3000, 'v1'));

    my $conf = nginx_conf(port => $port,
                          http_config => "proxies_huge_pages $mode;");
    write_file("$dir/conf/nginx.conf", $conf);

    # the notice goes where config-time messages go: to nginx -t's output
    my ($rc, $out) = ProxiesTest::nginx_test_conf();
    is($rc, 0, "huge pages $mode: nginx -t passes");
    my ($bytes) = $out =~ /3000 proxies \(0 disabled\), (\d+) bytes compiled/;
    cmp_ok($bytes // 0, '>', 3000 * 500,
           "huge pages $mode: the compiled size counts the region too");

    my $master = start_nginx($conf, port => $port);
    ok($master, "huge pages $mode: nginx starts");

    check_routes(3000, 'v1', "huge pages $mode");

    SKIP: {
        skip 'transparent huge pages are not in "madvise" mode', 1 if !$thp;
        my $kb = huge_kb($master);
        if ($mode eq 'on') {
            cmp_ok($kb // 0, '>', 0, 'on: the master holds huge pages');
        } else {
            is($kb, 0, 'off: the master holds no huge pages');
        }
    }

    # a bigger table, then a broken file: the old region goes on serving
    write_file($json, proxies(4000, 'v2'));
    ok(reload_nginx($master), "huge pages $mode: reload to 4000 proxies");
    ok(serves("/svc1/items/1", "v2 1 1"), "huge pages $mode: the new table serves");
    check_routes(4000, 'v2', "huge pages $mode, reloaded");

    write_file($json, proxies(10, 'v3') . '{');
    ok(!reload_nginx($master), "huge pages $mode: a broken file is refused");
    check_routes(4000, 'v2', "huge pages $mode, after the refused reload");

    ok(stop_nginx($master), "huge pages $mode: nginx stops on QUIT");

    my $log = read_file("$dir/logs/error.log") // '';
    check_error_log($log, 1, "huge pages $mode: error log");
    unlink "$dir/logs/error.log";
}

# errors in a big file, found while its scratch region is in use, are
# reported as in any other
write_file($json, proxies(3000, 'v5') =~ s/"200"(?!.*"200")/"2x0"/sr);
write_file("$dir/conf/nginx.conf", nginx_conf(port => $port));
my ($rc, $out) = ProxiesTest::nginx_test_conf();
isnt($rc, 0, 'a big file with a bad field: nginx -t fails');
like($out, qr/proxy "p3000", field "responseOverrides.response.statusCode"/,
     'a big file with a bad field: the proxy and the field are named');

write_file($json, proxies(3000, 'v5') =~ s/\}\s*\}\s*$/}/r);
($rc, $out) = ProxiesTest::nginx_test_conf();
isnt($rc, 0, 'a big file with a syntax error: nginx -t fails');
like($out, qr/proxies\.json" line \d+, column \d+/,
     'a big file with a syntax error: the line and column are named');

# a small file takes no region: nothing to gain, 2 MB to lose
write_file($json, proxies(10, 'v4'));
my $master = start_nginx(nginx_conf(port => $port), port => $port);
check_routes(10, 'v4', 'a small file');
SKIP: {
    skip 'transparent huge pages are not in "madvise" mode', 1 if !$thp;
    is(huge_kb($master), 0, 'a small file: no huge pages');
}
stop_nginx($master);

done_testing();
