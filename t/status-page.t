# The HTML status page (issue 4, point 4) as a browser renders it: headless
# Chromium loads it after a known mix of traffic, takes a screenshot (kept
# in the servroot as status.png), and the rendered numbers must equal the
# traffic sent.  Skipped when chromium is absent ("make deps" installs it).

use strict;
use warnings;

use lib 't/lib';
use ProxiesTest;
use File::Temp qw(tempdir);
use Test::More;
use Time::HiRes qw(sleep time);


my $CHROMIUM = (grep { -x } map { "$_/chromium" } split /:/, $ENV{PATH})[0];
plan(skip_all => 'chromium is not installed (make deps installs it)')
    unless $CHROMIUM;

my $FN = "$ProxiesTest::ROOT/functions";
system('make', '-s', '-C', $FN) == 0 or BAIL_OUT("make -C functions failed");

my $dir = servroot('status-page');
my ($mport, $mpid) = start_backend();
my ($uport, $upid) = start_backend();
my $port = free_port();

write_file("$dir/proxies.json", <<"EOF2");
{ "proxies": {
    "legacy": { "matchCondition": { "route": "/old/{*rest}" },
                "backendUri": "http://127.0.0.1:$mport/{rest}",
                "monolith": true },
    "orders": { "matchCondition": { "route": "/api/orders/{id}" },
                "backendUri": "http://127.0.0.1:$uport/orders/{id}" },
    "echo":   { "matchCondition": { "route": "/api/echo" },
                "backendUri": "function:echo" },
    "cart":   { "matchCondition": { "route": "/shop/cart" },
                "slots": { "active": "blue", "backends": {
                    "blue": { "backendUri": "http://127.0.0.1:$mport/cart",
                              "monolith": true },
                    "green": "http://127.0.0.1:$uport/cart" } } },
    "health": { "matchCondition": { "route": "/health",
                                    "methods": [ "GET" ] },
                "responseOverrides": { "response.body": "ok" } },
    "<b>&amp;": { "matchCondition": { "route": "/escaped" },
                  "responseOverrides": { "response.statusCode": "204" } }
} }
EOF2

my $conf = nginx_conf(port => $port, http_config => "
    proxies_functions $FN/echo.so;
    proxies_slot_pin_allow 127.0.0.1;
", config => '
    location / { proxies $PROXIES; }
    location = /proxies/status { proxies_status; }
');

my $master = eval { start_nginx($conf, port => $port) };

if (!ok($master, 'nginx starts')) {
    diag($@);
    stop_backend($_) for $mpid, $upid;
    done_testing();
    exit;
}

# monolith 3 + 3 (blue), upstream 5 + 2 (green), function 4, static 3:
# 20 routed, 6 of them (30%) to the monolith
my %sent = ('/old/page' => 3, '/api/orders/7' => 5, '/api/echo' => 4,
            '/health' => 2, '/escaped' => 1, '/shop/cart' => 3,
            '/shop/cart green' => 2);
my $routed = 0;

for my $path (sort keys %sent) {
    my ($uri, $slot) = split / /, $path;
    for (1 .. $sent{$path}) {
        my $res = http_get($port, $uri,
                           $slot ? { 'X-Proxies-Slot' => $slot } : {});
        ok($res->{status} == 200 || $res->{status} == 204, "GET $path")
            or diag($res->{error} // $res->{status});
        $routed++;
    }
}

# no proxy takes a POST to /health (GET only)
my $res = http_request($port, "POST /health HTTP/1.1\r\nHost: localhost\r\n"
                       . "Content-Length: 0\r\nConnection: close\r\n\r\n");
is($res->{status}, 404, 'POST /health matches no proxy');

# the log phase runs after the response: wait until all are counted
my $until = time + $ProxiesTest::TIMEOUT;
while (time < $until) {
    my $s = http_get($port, '/proxies/status?format=json')->{body} // '';
    last if $s =~ /"requests":(\d+)/ && $1 >= $routed + 1;
    sleep 0.05;
}

my $url = "http://127.0.0.1:$port/proxies/status";

sub chromium {
    my (@args) = @_;
    my $profile = tempdir(CLEANUP => 1);
    my @cmd = ('timeout', 60, $CHROMIUM, '--headless', '--no-sandbox',
               '--disable-gpu', '--disable-quic', '--no-first-run',
               '--disable-background-networking', '--disable-component-update',
               '--disable-sync', "--user-data-dir=$profile",
               '--window-size=1200,900', @args, $url);
    my $pid = open(my $fh, '-|') // die "fork: $!";

    if ($pid == 0) {
        open STDERR, '>>', "$dir/logs/chromium.log";
        exec @cmd or POSIX::_exit(127);
    }

    local $/;
    my $out = <$fh>;
    close $fh;
    return ($? >> 8, $out);
}

my ($rc, $dom) = chromium('--dump-dom');
is($rc, 0, 'chromium renders the page') or diag(read_file("$dir/logs/chromium.log"));
write_file("$dir/status.html", $dom // '');

($rc) = chromium("--screenshot=$dir/status.png");
is($rc, 0, 'chromium takes a screenshot');

# a PNG of the window's size
my $png = read_file("$dir/status.png") // '';
is(substr($png, 0, 8), "\x89PNG\r\n\x1a\n", 'the screenshot is a PNG');
my ($w, $h) = length $png >= 24 ? unpack('NN', substr($png, 16, 8)) : (0, 0);
is("${w}x$h", '1200x900', 'of the window size');
cmp_ok(length $png, '>', 10000, 'and not blank');


# the numbers, as rendered

sub text {
    my ($html) = @_;
    $html =~ s/<[^>]*>//g;
    $html =~ s/&amp;/&/g;
    $html =~ s/&lt;/</g;
    $html =~ s/&gt;/>/g;
    $html =~ s/\s+/ /g;
    return $html;
}

sub id {
    my ($id) = @_;
    return $dom =~ m{id="$id"[^>]*>(.*?)</(?:b|span)>}s ? text($1) : undef;
}

sub cells {
    my ($proxy) = @_;
    my ($row) = $dom =~ m{<tr data-proxy="\Q$proxy\E">(.*?)</tr>}s
        or return {};
    my %c;
    $c{$1} = text($2) while $row =~ m{<td class="([\w-]+)[^"]*">(.*?)</td>}sg;
    return \%c;
}

like(text($dom), qr/The monolith is 70\.0% starved: 6 of 20 routed requests \(30\.0%\) still reach it\./,
     'the summary: the monolith is 70% starved');
is(id('starved'), '70.0%', 'card: starved');
is(id('monolith-share'), '30.0%', 'card: share');
is(id('monolith'), '6', 'card: monolith requests');
is(id('routed'), '20', 'card: routed requests');
is(id('unmatched'), '1', 'card: unmatched requests');
like(id('monolith-last'), qr/^\d+ s ago$/, 'card: the monolith was hit just now');

my %want = (
    legacy => { requests => 3, 'kind-monolith' => 3, share => '100.0%' },
    orders => { requests => 5, 'kind-upstream' => 5, share => '0.0%' },
    cart   => { requests => 5, 'kind-monolith' => 3, 'kind-upstream' => 2,
                share => '60.0%' },
    echo   => { requests => 4, 'kind-function' => 4, share => '0.0%' },
    health => { requests => 2, 'kind-static' => 2, share => '0.0%' },
    '&lt;b&gt;&amp;amp;' => { requests => 1, 'kind-static' => 1, s2 => 1 },
);

for my $proxy (sort keys %want) {
    my $c = cells($proxy);
    for my $k (sort keys %{ $want{$proxy} }) {
        is($c->{$k}, $want{$proxy}{$k}, "row $proxy: $k");
    }
    my $kinds = 0;
    $kinds += $c->{"kind-$_"} // 0 for qw(monolith upstream function static local);
    is($kinds, $want{$proxy}{requests}, "row $proxy: the kinds add up");
}

like($dom, qr{<td class="l">legacy<span class="tag">monolith</span></td>},
     'legacy is tagged the monolith');
like($dom, qr{<tr class="nomatch">.*?<td class="requests">1</td>}s,
     'the no match row');
unlike($dom, qr/<b>&amp;/, 'names are escaped');

# two page loads later, the browser has asked this server for nothing else
like(http_get($port, '/proxies/status?format=json')->{body},
     qr/"unmatched":1,/, 'no other request reached the gateway');
unlike($dom, qr/<script|\bsrc=|\bhref="(?!data:)/i,
       'no scripts, no external assets');
like($dom, qr/<link rel="icon" href="data:,">/,
     'an inline icon: browsers ask for no favicon.ico');

stop_nginx();
stop_backend($_) for $mpid, $upid;
check_error_log(read_file("$dir/logs/error.log"));

# the servroot stays, with status.png and status.html: "make" cleans it

done_testing();
