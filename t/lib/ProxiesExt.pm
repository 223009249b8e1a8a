package ProxiesExt;

# Helpers for the scripted tests of the extensions (t/breaker.t,
# t/slots.t): the admin token, admin API calls, backends that change
# their answer mid-test.

use strict;
use warnings;

use Exporter qw(import);
use ProxiesTest;

our @EXPORT = qw(admin_token admin_call backend_as json_field log_has
                 reload_workers);

our $TOKEN = 'test-token-0123456789abcdef';


# write the token file into the servroot; returns its path
sub admin_token {
    my ($dir) = @_;
    write_file("$dir/conf/admin.token", "$TOKEN\n");
    return "$dir/conf/admin.token";
}


# METHOD PATH with the token (or the given one; '' for none)
sub admin_call {
    my ($port, $method, $path, $token) = @_;
    $token //= $TOKEN;

    my $auth = length $token ? "Authorization: Bearer $token\r\n" : '';

    return http_request($port, "$method $path HTTP/1.1\r\nHost: localhost\r\n"
                               . "${auth}Content-Length: 0\r\n"
                               . "Connection: close\r\n\r\n");
}


# (re)start the backend on a port with another answer; returns (pid, log)
sub backend_as {
    my ($pid, $port, $response) = @_;

    stop_backend($pid) if $pid;

    my (undef, $npid, $log) = start_backend(port => $port,
                                            response => $response);
    return ($npid, $log);
}


# HUP, then wait until all the new workers started (reload_nginx() returns
# at the first one, and late lines of a previous reload would fool it);
# 1: reloaded, 0: the new configuration failed
sub reload_workers {
    my ($master, $dir, $workers) = @_;
    my $file = "$dir/logs/error.log";
    my $before = -s $file || 0;

    kill 'HUP', $master or die "cannot HUP $master: $!";

    for (1 .. 200) {
        my $new = substr(read_file($file) // '', $before);
        return 0 if $new =~ /\[emerg\]/;
        my $n = () = $new =~ /start worker process/g;
        return 1 if $n >= $workers;
        select undef, undef, undef, 0.05;
    }

    die "no reload after HUP to $master";
}


# error.log, once it matches re (workers of a reload may write late)
sub log_has {
    my ($file, $re) = @_;
    my $log = '';

    for (1 .. 40) {
        $log = read_file($file) // '';
        return 1 if $log =~ $re;
        select undef, undef, undef, 0.05;
    }

    return 0;
}


# a string or number field of flat JSON, enough for the admin answers
sub json_field {
    my ($json, $name) = @_;
    return $json =~ /"\Q$name\E":"?([^",}]*)/ ? $1 : undef;
}


1;
