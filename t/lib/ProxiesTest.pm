package ProxiesTest;

# Data-driven tests for ngx_proxies, in the spirit of Test::Nginx, on core
# Perl only.  Each "=== TEST" block of a test file's __DATA__ describes one
# nginx instance, one request and what the client and the backend must see.
# The format is described in docs/testing.md.

use strict;
use warnings;

use Cwd qw(abs_path getcwd);
use Exporter qw(import);
use File::Basename qw(basename dirname);
use Fcntl qw(:flock);
use File::Path qw(make_path remove_tree);
use IO::Socket::INET;
use POSIX qw(WNOHANG setsid _exit);
use Socket qw(SOL_SOCKET SO_REUSEADDR);
use Test::More;
use Time::HiRes qw(sleep time);

our @EXPORT = qw(
    run_tests parse_blocks
    servroot servroot_path free_port nginx_conf start_nginx stop_nginx reload_nginx
    nginx_pid wait_for_port
    start_backend stop_backend backend_requests
    http_request http_send http_read http_get
    read_file write_file error_log_problems check_error_log valgrind_logs
);

our $ROOT = abs_path(dirname(__FILE__) . '/../..');

our $NGINX = $ENV{TEST_NGINX_BINARY}
             || (-x '/usr/sbin/nginx' ? '/usr/sbin/nginx' : 'nginx');

our $MODULE = $ENV{PROXIES_MODULE}
              ? abs_path($ENV{PROXIES_MODULE}) || $ENV{PROXIES_MODULE}
              : "$ROOT/ngx_http_proxies_module.so";

our $TIMEOUT = $ENV{TEST_NGINX_TIMEOUT} || 10;

# where the servroots go: another folder per concurrent run of the suite
# in one checkout (make test-asan has its own)
our $SERVROOTS = $ENV{TEST_NGINX_SERVROOT} || "$ROOT/t";

# sections whose value is a list of lines
my %LIST = map { $_ => 1 } qw(
    more_headers response_headers backend_headers env error_log
    error_log_like no_error_log access_log backend_request
);

# the current instance: set by servroot() and start_nginx()
my ($servroot, $nginx_pid, $nginx_port, @backends);

$SIG{PIPE} = 'IGNORE';


# ------------------------------------------------------------- parsing

# Parse "=== TEST" blocks: "--- name" starts a section that runs to the
# next section or block, "--- name: value" is a one-liner, and
# "--- name eval" evaluates the section as Perl (for exact bytes).
# A multi-line value loses its trailing blank lines and its final newline.
sub parse_blocks {
    my ($text) = @_;
    my (@blocks, $block, $sec);

    my $finish = sub {
        return unless $sec;
        my $v = $block->{$sec->{name}};
        if (!$sec->{oneline}) {
            $v =~ s/(?:\n[ \t]*)+\z//;
        }
        if ($sec->{eval}) {
            my $r = eval $v;
            die "TEST $block->{n}: --- $sec->{name} eval: $@" if $@;
            $v = $r;
        }
        $block->{$sec->{name}} = $v;
        undef $sec;
    };

    for my $line (split /^/, $text) {
        if ($line =~ /^=== (TEST\s*(\d*).*?)\s*$/) {
            $finish->();
            $block = { title => $1, n => $2 || scalar(@blocks) + 1 };
            push @blocks, $block;
            next;
        }

        next unless $block;

        if ($line =~ /^--- (\w+)(\s+eval)?\s*:\s?(.*?)\s*$/) {
            $finish->();
            $sec = { name => $1, eval => $2, oneline => 1 };
            $block->{$1} = $3;
            $finish->();
            next;
        }

        if ($line =~ /^--- (\w+)(\s+eval)?\s*$/) {
            $finish->();
            $sec = { name => $1, eval => $2 };
            $block->{$1} = '';
            next;
        }

        $block->{$sec->{name}} .= $line if $sec;
    }

    $finish->();

    return @blocks;
}


sub lines {
    my ($v) = @_;
    return () unless defined $v;
    return grep { /\S/ } map { s/^\s+|\s+$//gr } split /\n/, $v;
}


# ------------------------------------------------------------- files

sub read_file {
    my ($path) = @_;
    open my $fh, '<:raw', $path or return undef;
    local $/;
    my $data = <$fh>;
    return $data // '';
}


sub write_file {
    my ($path, $data) = @_;
    make_path(dirname($path));
    open my $fh, '>:raw', $path or die "$path: $!";
    print $fh $data;
    close $fh or die "$path: $!";
}


# where the servroot called NAME is (or will be)
sub servroot_path { return "$SERVROOTS/servroot-$_[0]" }


# A fresh directory per block, unique per test file, so that "prove -j"
# can run several files at once.
sub servroot {
    my ($name) = @_;

    return $servroot unless defined $name;

    $servroot = servroot_path($name);
    remove_tree($servroot);
    make_path("$servroot/logs", "$servroot/conf", "$servroot/tmp");

    return $servroot;
}


# Ports for the tests' servers come from below the ephemeral range: a
# client connection, or a bind to port 0 anywhere on the machine, never
# takes one there.  A lock file per port, held until this process exits,
# keeps test files that run together (prove -j, two clones) apart: without
# it one file's "nothing listens here" port could become another's backend.
my $PORT_LOCKS = '/tmp/ngx_proxies-test-ports';
my %reserved;       # port => its lock, open until this process exits

sub port_range {
    my ($low) = split ' ',
        read_file('/proc/sys/net/ipv4/ip_local_port_range') // '32768';
    $low = 32768 unless $low && $low > 12000;
    return (10000, $low);
}


# the first of $n free ports in a row (1 unless told), reserved for this
# process
sub free_port {
    my ($n) = @_;
    $n ||= 1;

    my ($from, $to) = port_range();
    if (!-d $PORT_LOCKS) {
        make_path($PORT_LOCKS);
        chmod 01777, $PORT_LOCKS;     # any user's test run shares it
    }

    for (1 .. 500) {
        my $p = $from + int rand($to - $from - $n);
        my @got;

        for my $q ($p .. $p + $n - 1) {
            my $fh = reserve_port($q) or last;
            push @got, $fh;
        }

        if (@got == $n) {
            $reserved{$_} = $got[$_ - $p] for $p .. $p + $n - 1;
            return $p;
        }
    }

    die "no $n free port(s) in a row below the ephemeral range";
}


sub reserve_port {
    my ($p) = @_;

    my $lock = "$PORT_LOCKS/$p";
    my $fh;
    open($fh, '>>', $lock) || open($fh, '<', $lock) or return;
    chmod 0666, $lock;
    flock($fh, LOCK_EX | LOCK_NB) or return;

    my $s = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => $p,
                                  Proto => 'tcp', Listen => 1,
                                  ReuseAddr => 1)
        or return;
    close $s;

    return $fh;
}


sub wait_for_port {
    my ($port, $timeout) = @_;
    my $until = time + ($timeout || $TIMEOUT);

    while (time < $until) {
        my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
                                      PeerPort => $port, Proto => 'tcp');
        if ($s) {
            close $s;
            return 1;
        }
        sleep 0.02;
    }

    return 0;
}


# ------------------------------------------------------------- nginx

# A complete nginx.conf.  Options: port, proxies (path), main_config,
# http_config, server_config, config, env (list of NAME=value), no_module.
sub nginx_conf {
    my (%o) = @_;
    my $dir = $o{servroot} || $servroot;
    my $config = defined $o{config} && length $o{config}
                 ? $o{config} : 'location / { proxies $PROXIES; }';

    my $env = join '', map { my ($n) = split /=/, $_, 2; "env $n;\n" }
                       @{ $o{env} || [] };

    my $load = $o{no_module} ? '' : "load_module $MODULE;\n";
    my $vars = $o{no_module} ? ''
               : ' name=$proxies_name backend=$proxies_backend_uri'
                 . ' route=$proxies_route';

    my $conf = <<"EOF";
${load}daemon on;
master_process on;
worker_processes 1;
error_log $dir/logs/error.log debug;
pid $dir/logs/nginx.pid;
${env}@{[ $o{main_config} // '' ]}

events {
    worker_connections 256;
}

http {
    log_format proxies '\$remote_addr "\$request" \$status'
                       '$vars';
    access_log $dir/logs/access.log proxies;

    client_body_temp_path $dir/tmp/body;
    proxy_temp_path $dir/tmp/proxy;
    fastcgi_temp_path $dir/tmp/fastcgi;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;

@{[ $o{http_config} // '' ]}

    server {
        listen 127.0.0.1:\$PORT;
        server_name localhost;

@{[ $o{server_config} // '' ]}

$config
    }
}
EOF

    return expand($conf, %o);
}


sub expand {
    my ($text, %o) = @_;
    my %v = (
        PORT => $o{port} // $nginx_port // '',
        PROXIES => $o{proxies} // "$servroot/proxies.json",
        SERVROOT => $o{servroot} // $servroot,
        BACKEND => defined $o{backend_port} ? "127.0.0.1:$o{backend_port}"
                   : '',
        BACKEND_PORT => $o{backend_port} // '',
    );

    my $names = join '|', sort { length $b <=> length $a } keys %v;

    return $text =~ s/\$($names)\b/$v{$1}/gr;
}


sub run_env {
    my ($env) = @_;
    my %e = map { split /=/, $_, 2 } @{ $env || [] };
    $e{LD_PRELOAD} = $ENV{PROXIES_PRELOAD} if $ENV{PROXIES_PRELOAD};
    return %e;
}


# run a command with extra environment; returns (exit status, output)
sub run_cmd {
    my ($env, @cmd) = @_;
    my %e = run_env($env);

    my $pid = open my $fh, '-|';
    die "fork: $!" unless defined $pid;

    if ($pid == 0) {
        # nginx takes $NGINX (make NGINX=...) for the sockets of a binary
        # upgrade, and then stays in the foreground
        delete $ENV{NGINX};
        @ENV{keys %e} = values %e;
        open STDERR, '>&', \*STDOUT;
        exec @cmd or _exit(127);
    }

    local $/;
    my $out = <$fh> // '';
    close $fh;

    return ($? >> 8, $out);
}


# With PROXIES_VALGRIND set, nginx runs under memcheck (forked workers
# stay under it), one log per process in logs/valgrind-PID.log.
sub nginx_cmd {
    my ($dir) = @_;
    return ($NGINX) unless $ENV{PROXIES_VALGRIND};
    return ('valgrind', '-q', '--leak-check=no', '--num-callers=30',
            "--log-file=$dir/logs/valgrind-%p.log", $NGINX);
}


sub valgrind_logs {
    my ($dir) = @_;
    return join '', map { read_file($_) // '' }
                    sort glob(($dir // $servroot) . '/logs/valgrind-*.log');
}


sub nginx_test_conf {
    my (%o) = @_;
    my $dir = $o{servroot} || $servroot;
    return run_cmd($o{env}, nginx_cmd($dir), '-p', "$dir/",
                   '-c', "$dir/conf/nginx.conf", '-t');
}


sub nginx_pid {
    my $pid = read_file(($servroot // '') . '/logs/nginx.pid');
    return undef unless defined $pid && $pid =~ /(\d+)/;
    return $1;
}


# Write conf (a full nginx.conf, see nginx_conf) and start nginx.  Returns
# the master pid, or dies with nginx's output.  Options: port (to wait for),
# env (list of NAME=value).
sub start_nginx {
    my ($conf, %o) = @_;

    write_file("$servroot/conf/nginx.conf", $conf);
    unlink "$servroot/logs/nginx.pid";

    my ($rc, $out) = run_cmd($o{env}, nginx_cmd($servroot),
                             '-p', "$servroot/",
                             '-c', "$servroot/conf/nginx.conf");
    if ($rc) {
        my @log = grep { !/\[debug\]/ }
                  split /\n/, read_file("$servroot/logs/error.log") // '';
        die "nginx failed to start ($rc):\n$out"
            . join("\n", @log > 20 ? @log[-20 .. -1] : @log) . "\n";
    }

    my $until = time + $TIMEOUT;
    sleep 0.01 until nginx_pid() || time > $until;

    # the master opens its listening sockets before it writes the pid
    # file, so there is nothing to probe: a probe would also take
    # connection number 1, which traces name
    $nginx_pid = nginx_pid() or die "nginx wrote no pid file:\n$out";
    $nginx_port = $o{port} if $o{port};

    return $nginx_pid;
}


sub alive {
    my ($pid) = @_;
    return 0 unless kill 0, $pid;
    my $st = read_file("/proc/$pid/stat") // '';
    return $st !~ /^\d+ \(.*\) [ZX]/s;
}


# Graceful stop by the pid in the pid file, then harder if it hangs.
sub stop_nginx {
    my $pid = shift // $nginx_pid // nginx_pid();
    return 1 unless $pid;

    my $clean = 1;

    for my $sig (qw(QUIT TERM KILL)) {
        kill $sig, $pid;
        my $until = time + ($sig eq 'KILL' ? 2 : $TIMEOUT / 2);
        sleep 0.02 while alive($pid) && time < $until;
        last unless alive($pid);
        $clean = 0;
    }

    undef $nginx_pid;
    return $clean;
}


# HUP the master and wait until the reload is done: new workers started
# or the new configuration failed.
sub reload_nginx {
    my $pid = shift // $nginx_pid // nginx_pid();
    my $log = "$servroot/logs/error.log";
    my $before = -s $log || 0;

    kill 'HUP', $pid or die "cannot HUP $pid: $!";

    my $until = time + $TIMEOUT;

    while (time < $until) {
        my $new = substr(read_file($log) // '', $before);
        return 1 if $new =~ /start worker process/;
        return 0 if $new =~ /\[emerg\]/;
        sleep 0.05;
    }

    die "no reload after HUP to $pid";
}


# ------------------------------------------------------------- backend

# A recording HTTP/1.1 server on 127.0.0.1, one forked child per
# connection.  Every request is appended to the log as
# "REQ <length>\n" <head> "\r\n\r\n" <decoded body> "\n".
# Options: response (raw HTTP response text, normalized unless raw is
# set; $BACKEND and $PORT are replaced), delay (seconds before answering),
# log (path), port, nginx_port (for $PORT).
sub start_backend {
    my (%o) = @_;

    my $listen = IO::Socket::INET->new(
        LocalAddr => '127.0.0.1', LocalPort => $o{port} || free_port(),
        Proto => 'tcp', Listen => 64, ReuseAddr => 1)
        or die "backend: cannot listen: $!";

    my $port = $listen->sockport;
    my $log = $o{log} || "$servroot/logs/backend-$port.log";
    my $text = defined $o{response}
               ? expand($o{response}, port => $o{nginx_port},
                        backend_port => $port)
               : undef;
    my $response = backend_response($text, $o{raw});

    write_file($log, '');

    my $pid = fork;
    die "fork: $!" unless defined $pid;

    if ($pid == 0) {
        setsid();
        $SIG{CHLD} = 'IGNORE';
        $SIG{PIPE} = 'IGNORE';
        $SIG{TERM} = sub { $SIG{TERM} = 'IGNORE'; kill 'TERM', -$$; _exit(0) };
        open STDIN, '<', '/dev/null';

        eval {
            while (1) {
                my $c = $listen->accept or next;
                my $child = fork;
                if (defined $child && $child == 0) {
                    $SIG{TERM} = 'DEFAULT';
                    close $listen;
                    eval { backend_serve($c, $log, $response, $o{delay}) };
                    _exit(0);
                }
                close $c;
            }
        };
        _exit(0);
    }

    close $listen;
    push @backends, $pid;

    return ($port, $pid, $log);
}


sub stop_backend {
    my @pids = @_ ? @_ : @backends;

    for my $pid (@pids) {
        kill 'TERM', $pid;
        waitpid $pid, 0;
    }

    my %gone = map { $_ => 1 } @pids;
    @backends = grep { !$gone{$_} } @backends;
}


sub backend_response {
    my ($text, $raw) = @_;

    $text = "HTTP/1.1 200 OK\nContent-Type: text/plain\n\nbackend ok"
        unless defined $text && length $text;

    return $text if $raw;

    my ($head, $body) = split /\r?\n\r?\n/, $text, 2;
    $body //= '';

    my @h = split /\r?\n/, $head;
    my $te = grep { /^transfer-encoding\s*:\s*chunked/i } @h;

    push @h, 'Content-Length: ' . length($body)
        unless $te || grep { /^content-length\s*:/i } @h
               or $h[0] =~ /^\S+\s+(1\d\d|204|304)\b/;
    push @h, 'Connection: close' unless grep { /^connection\s*:/i } @h;

    return join("\r\n", @h) . "\r\n\r\n" . $body;
}


sub backend_serve {
    my ($c, $log, $response, $delay) = @_;

    my $buf = '';
    my $deadline = time + $TIMEOUT;

    my $more = sub {
        my $n = sysread $c, $buf, 65536, length $buf;
        return $n if $n;
        return 0;
    };

    while ($buf !~ /\r?\n\r?\n/) {
        return if time > $deadline || !$more->();
    }

    my ($head, $rest) = split /\r?\n\r?\n/, $buf, 2;
    my $body = '';

    if ($head =~ /^transfer-encoding\s*:\s*chunked/im) {
        $buf = $rest;
        while (1) {
            while ($buf !~ /\r?\n/) { return unless $more->() }
            $buf =~ s/^([0-9a-fA-F]+)[^\n]*\r?\n// or return;
            my $len = hex $1;
            if ($len == 0) {
                while ($buf !~ /^\r?\n|\r?\n\r?\n/) { last unless $more->() }
                last;
            }
            while (length $buf < $len + 2) { return unless $more->() }
            $body .= substr($buf, 0, $len);
            $buf = substr($buf, $len);
            $buf =~ s/^\r?\n//;
        }

    } elsif ($head =~ /^content-length\s*:\s*(\d+)/im) {
        my $len = $1;
        $buf = $rest;
        while (length $buf < $len) { return unless $more->() }
        $body = substr($buf, 0, $len);
    }

    my $rec = "$head\r\n\r\n$body";

    if (open my $fh, '>>:raw', $log) {
        flock $fh, 2;
        print $fh 'REQ ' . length($rec) . "\n$rec\n";
        close $fh;
    }

    sleep $delay if $delay;

    syswrite $c, $response;
    shutdown $c, 1;

    # let the peer read everything before the socket goes away
    1 while sysread $c, $buf, 65536;
    close $c;
}


# The requests a backend received, in order: list of
# { line, method, uri, headers => [[name, value], ...], body }.
sub backend_requests {
    my ($log) = @_;
    my $data = read_file($log) // '';
    my @reqs;

    while ($data =~ /\GREQ (\d+)\n/gc) {
        my $rec = substr($data, pos($data), $1);
        pos($data) += $1 + 1;

        my ($head, $body) = split /\r\n\r\n/, $rec, 2;
        my ($line, @h) = split /\r?\n/, $head;
        my ($method, $uri) = split / /, $line;

        push @reqs, {
            line => $line, method => $method, uri => $uri,
            headers => [ map { /^([^:]*):\s*(.*?)\s*$/ ? [$1, $2] : [$_, ''] }
                         @h ],
            body => $body,
        };
    }

    return @reqs;
}


# ------------------------------------------------------------- client

# Send raw bytes, read the whole response (the connection is closed by
# the server), parse it.  Returns { status, reason, headers, body, raw } or
# { error }.
sub http_request {
    my ($port, $raw, %o) = @_;

    my $s = http_send($port, $raw);
    return $s if ref $s eq 'HASH';

    return http_read($s, %o, head => scalar($raw =~ /^HEAD /));
}


# The two halves of http_request(), for requests that must be in flight
# together: the socket the request went out on, or { error }.
sub http_send {
    my ($port, $raw) = @_;

    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port,
                                  Proto => 'tcp', Timeout => $TIMEOUT)
        or return { error => "connect to $port: $!" };

    syswrite $s, $raw;

    return $s;
}


# the response on a socket from http_send(), parsed; options: timeout,
# head (the request was HEAD: no body)
sub http_read {
    my ($s, %o) = @_;

    my $timeout = $o{timeout} || $TIMEOUT;
    my $data = '';

    eval {
        local $SIG{ALRM} = sub { die "timeout\n" };
        alarm $timeout;
        1 while sysread $s, $data, 65536, length $data;
        alarm 0;
    };
    alarm 0;
    close $s;

    return { error => "no response in ${timeout}s", raw => $data }
        if $@ && !length $data;

    return parse_response($data, $o{head});
}


sub parse_response {
    my ($data, $head_only) = @_;

    my ($head, $rest) = split /\r?\n\r?\n/, $data, 2;
    return { error => 'no complete response header', raw => $data }
        unless defined $rest;

    # interim responses (100 Continue) come before the real one
    return parse_response($rest, $head_only) if $head =~ m{^HTTP/\S+ 1\d\d};

    my ($line, @h) = split /\r?\n/, $head;
    my ($status, $reason) = $line =~ m{^HTTP/\d\.\d (\d{3}) ?(.*)$}
        or return { error => "bad status line: $line", raw => $data };

    my @headers = map { /^([^:]*):\s*(.*?)\s*$/ ? [$1, $2] : [$_, ''] } @h;
    my %first;
    for (@headers) { $first{lc $_->[0]} //= $_->[1] }

    my $body = $rest;

    if ($head_only || $status =~ /^(1..|204|304)$/) {
        $body = '';

    } elsif (($first{'transfer-encoding'} // '') =~ /chunked/i) {
        $body = '';
        while ($rest =~ s/^([0-9a-fA-F]+)[^\n]*\r?\n//) {
            my $len = hex $1;
            last if $len == 0;
            $body .= substr($rest, 0, $len);
            $rest = substr($rest, $len);
            $rest =~ s/^\r?\n//;
        }

    } elsif (defined $first{'content-length'}) {
        $body = substr($rest, 0, $first{'content-length'});
    }

    return { status => $status, reason => $reason, headers => \@headers,
             header => \%first, body => $body, raw => $data };
}


sub http_get {
    my ($port, $path, $headers) = @_;
    my $h = '';
    my $host = 0;

    for my $name (sort keys %{ $headers || {} }) {
        $host = 1 if lc $name eq 'host';
        $h .= "$name: $headers->{$name}\r\n";
    }

    $h = "Host: localhost\r\n$h" unless $host;

    return http_request($port,
                        "GET $path HTTP/1.1\r\n${h}Connection: close\r\n\r\n");
}


# ------------------------------------------------------------- checks

# what valgrind's memcheck reports
my $MEMCHECK = qr/^==\d+==\ (?:Invalid\ (?:read|write|free)
                               |Conditional\ jump|Use\ of\ uninitialised
                               |Syscall\ param|Mismatched
                               |Source\ and\ destination
                               |Process\ terminating)/x;


# Lines of a log that must fail any test: alerts, emergencies (unless
# allowed) and sanitizer reports.
sub error_log_problems {
    my ($text, $allow_emerg) = @_;
    my @bad;

    for (split /\n/, $text // '') {
        push @bad, $_ if /\[alert\]/
                         || (!$allow_emerg && /\[emerg\]/)
                         || /AddressSanitizer|LeakSanitizer|runtime error:/
                         || /$MEMCHECK/;
    }

    return @bad;
}


sub check_error_log {
    my ($text, $allow_emerg, $what) = @_;
    my @bad = error_log_problems($text, $allow_emerg);
    ok(!@bad, ($what // 'error.log') . ' has no alert, emerg or sanitizer '
              . 'report')
        or diag(join "\n", @bad[0 .. ($#bad > 19 ? 19 : $#bad)]);
}


sub find_header {
    my ($headers, $name) = @_;
    return map { $_->[1] } grep { lc $_->[0] eq lc $name } @$headers;
}


# "Name: value" (some instance equals value), "!Name" (absent),
# "Name ~ regex" (some instance matches).
sub check_headers {
    my ($what, $headers, $spec) = @_;

    for my $l (lines($spec)) {
        if ($l =~ /^!\s*(\S+?):?$/) {
            my @v = find_header($headers, $1);
            ok(!@v, "$what: no $1") or diag("got $1: " . join(' | ', @v));

        } elsif ($l =~ /^([^\s:]+)\s+~\s+(.*)$/) {
            my ($n, $re) = ($1, $2);
            my @v = find_header($headers, $n);
            ok((grep { /$re/ } @v), "$what: $n ~ $re")
                or diag(@v ? "got $n: " . join(' | ', @v) : "no $n");

        } elsif ($l =~ /^([^:]+):=\s?(.*)$/) {
            # every value of the header, in order: "a | b"
            my ($n, $want) = ($1, $2);
            is(join(' | ', find_header($headers, $n)), $want,
               "$what: $n:= $want");

        } elsif ($l =~ /^([^:]+):\s?(.*)$/) {
            my ($n, $want) = ($1, $2);
            my @v = find_header($headers, $n);
            ok((grep { $_ eq $want } @v), "$what: $n: $want")
                or diag(@v ? "got $n: " . join(' | ', @v) : "no $n");

        } else {
            fail("$what: cannot parse \"$l\"");
        }
    }
}


sub uses_backend {
    my ($b) = @_;
    return 1 if grep { /^backend_/ } keys %$b;
    return grep { defined $b->{$_} && $b->{$_} =~ /\$BACKEND/ }
                qw(proxies config http_config server_config main_config env);
}


sub build_request {
    my ($b, $port) = @_;

    return expand($b->{raw_request}, port => $port)
        if defined $b->{raw_request};

    my $req = $b->{request} // 'GET /';
    $req =~ s/^\s+|\s+$//g;
    my @f = split /\s+/, $req;
    $req .= ' HTTP/1.1' if @f == 2;

    my @h = lines($b->{more_headers});
    my $body = $b->{request_body};

    unshift @h, 'Host: localhost' unless grep { /^host\s*:/i } @h;
    push @h, 'Connection: close' unless grep { /^connection\s*:/i } @h;

    if (defined $body) {
        if (grep { /^transfer-encoding\s*:\s*chunked/i } @h) {
            $body = (length $body
                     ? sprintf("%x\r\n%s\r\n", length $body, $body) : '')
                    . "0\r\n\r\n";
        } elsif (!grep { /^content-length\s*:/i } @h) {
            push @h, 'Content-Length: ' . length $body;
        }
    }

    return join('', map { "$_\r\n" } $req, @h) . "\r\n" . ($body // '');
}


# ------------------------------------------------------------- blocks

sub run_block {
    my ($b, $name) = @_;

    my $dir = servroot($name);
    my $port = free_port();
    my @env = lines($b->{env});
    my ($bport, $bpid, $blog);

    undef $nginx_pid;
    $nginx_port = $port;

    if (uses_backend($b) && !defined $b->{backend_port}) {
        ($bport, $bpid, $blog) = start_backend(
            response => $b->{backend_response},
            raw => defined $b->{backend_response_raw},
            delay => $b->{backend_delay}, nginx_port => $port);
    }

    $bport //= $b->{backend_port};
    my %x = (port => $port, backend_port => $bport);

    # expected values may name the ports too
    for my $k (grep { !/^(?:proxies|title|n)$/ } keys %$b) {
        $b->{$k} = expand($b->{$k}, %x) if defined $b->{$k};
    }

    @env = map { expand($_, %x) } @env;

    write_file("$dir/proxies.json", expand($b->{proxies}, %x))
        if defined $b->{proxies};

    my $conf = nginx_conf(%x, env => \@env,
                          no_module => defined $b->{no_module},
                          map { $_ => $b->{$_} }
                          grep { defined $b->{$_} }
                          qw(main_config http_config server_config config));
    write_file("$dir/conf/nginx.conf", $conf);

    my ($rc, $out) = nginx_test_conf(env => \@env);

    if (defined $b->{must_die}) {
        isnt($rc, 0, 'nginx -t fails') or diag($out);
        my $log = $out . (read_file("$dir/logs/error.log") // '');
        check_log_sections($b, $log);
        check_error_log($log . valgrind_logs($dir), 1, 'nginx -t output');
        stop_backend($bpid) if $bpid;
        return;
    }

    if ($rc) {
        fail('nginx -t succeeds');
        diag($out);
        log_diag(read_file("$dir/logs/error.log"));
        stop_backend($bpid) if $bpid;
        return;
    }

    my $started = eval { start_nginx($conf, port => $port, env => \@env) };
    if (!$started) {
        fail('nginx starts');
        diag($@);
        stop_nginx();
        stop_backend($bpid) if $bpid;
        return;
    }

    my $res = http_request($port, build_request($b, $port),
                           timeout => $b->{timeout});

    sleep $b->{wait} if $b->{wait};

    ok(stop_nginx(), 'nginx stops on QUIT');
    stop_backend($bpid) if $bpid;

    check_response($b, $res);
    check_backend($b, $blog) if $blog;

    my $log = read_file("$dir/logs/error.log") // '';
    check_error_log($log . valgrind_logs($dir), 0);
    check_log_sections($b, $log);

    if (defined $b->{access_log}) {
        my $alog = read_file("$dir/logs/access.log") // '';
        for my $s (lines($b->{access_log})) {
            ok(index($alog, $s) >= 0, "access.log has \"$s\"")
                or diag("access.log:\n$alog");
        }
    }
}


sub check_response {
    my ($b, $res) = @_;

    if ($res->{error}) {
        fail("response: $res->{error}");
        diag($res->{raw}) if defined $res->{raw};
        return;
    }

    is($res->{status}, $b->{error_code} // 200, 'status')
        or diag("response:\n" . substr($res->{raw}, 0, 2000));

    check_headers('response header', $res->{headers}, $b->{response_headers});

    is($res->{body}, $b->{response_body}, 'response body')
        if defined $b->{response_body};

    if (defined $b->{response_body_like}) {
        my $re = $b->{response_body_like};
        like($res->{body}, qr/$re/s, 'response body like');
    }
}


sub check_backend {
    my ($b, $log) = @_;
    my @reqs = backend_requests($log);

    if (defined $b->{backend_calls}) {
        is(scalar @reqs, $b->{backend_calls}, 'backend calls')
            or diag(join "\n", map { $_->{line} } @reqs);
    }

    my @want = lines($b->{backend_request});

    if (@want) {
        my @got = map { $_->{line} } @reqs;

        # "GET /x" compares method and URI, "GET /x HTTP/1.0" all of it
        for my $i (0 .. $#got) {
            $got[$i] =~ s{ HTTP/\S+$}{}
                if $i > $#want || $want[$i] !~ m{ HTTP/\S+$};
        }

        is(join("\n", @got), join("\n", @want), 'backend request line');
    }

    return unless defined $b->{backend_headers} || defined $b->{backend_body};

    if (!@reqs) {
        fail('the backend received a request');
        return;
    }

    check_headers('backend header', $reqs[0]{headers}, $b->{backend_headers});

    is($reqs[0]{body}, $b->{backend_body}, 'backend body')
        if defined $b->{backend_body};
}


sub check_log_sections {
    my ($b, $log) = @_;

    for my $s (lines($b->{error_log})) {
        ok(index($log, $s) >= 0, "error.log has \"$s\"") or log_diag($log);
    }

    for my $re (lines($b->{error_log_like})) {
        like($log, qr/$re/m, "error.log like /$re/") or log_diag($log);
    }

    for my $s (lines($b->{no_error_log})) {
        ok(index($log, $s) < 0, "error.log has no \"$s\"")
            or diag(join "\n", grep { index($_, $s) >= 0 } split /\n/, $log);
    }
}


sub log_diag {
    my ($log) = @_;
    my @l = grep { !/\[debug\]/ } split /\n/, $log // '';
    diag(join "\n", @l > 30 ? @l[-30 .. -1] : @l);
}


# Run every block of the calling test file's __DATA__.
sub run_tests {
    my $data = do { no strict 'refs'; \*{'main::DATA'} };
    local $/;
    my @blocks = parse_blocks(<$data> // '');
    my $file = basename($0, '.t');

    my @only = grep { defined $_->{ONLY} } @blocks;
    @blocks = @only if @only;

    my $tb = Test::More->builder;

    for my $b (@blocks) {
        my $title = $b->{title};

        if (defined $b->{SKIP}) {
            SKIP: { skip("$title: " . ($b->{SKIP} || 'skipped'), 1) }
            next;
        }

        my $ok = subtest $title => sub {
            $tb->todo_start($b->{todo}) if defined $b->{todo};
            eval { run_block($b, "$file-$b->{n}"); 1 }
                or fail("harness: $@");
            $tb->todo_end if defined $b->{todo};
        };

        # keep the servroot of a failed block for a post-mortem
        remove_tree($servroot) if $ok && !$ENV{TEST_NGINX_KEEP};
    }

    stop_backend();
    done_testing();
}


END {
    stop_nginx() if $nginx_pid;
    stop_backend() if @backends;
}


1;
