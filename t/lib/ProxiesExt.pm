package ProxiesExt;

# Helpers for the scripted tests of the extensions (t/breaker.t,
# t/slots.t): the admin token, admin API calls, backends that change
# their answer mid-test.

use strict;
use warnings;

use Exporter qw(import);
use ProxiesTest;

our @EXPORT = qw(admin_token admin_call backend_as json_field);

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


# a string or number field of flat JSON, enough for the admin answers
sub json_field {
    my ($json, $name) = @_;
    return $json =~ /"\Q$name\E":"?([^",}]*)/ ? $1 : undef;
}


1;
