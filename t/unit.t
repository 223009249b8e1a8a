# The C unit tests of the pure pieces (unit/, docs/testing.md): the
# route parser, value templates, the matcher and the breaker state
# machine.  The binary prints TAP itself; this file builds it when it is
# missing or stale ("make unit-build", which "make test" has done first)
# and hands its output to prove.

use strict;
use warnings;
use FindBin;

my $root = "$FindBin::Bin/..";
my $bin = "$root/build-unit/ngx_unit";

# a make of our own, not a part of the caller's (prove runs under make)
delete @ENV{qw(MAKEFLAGS MAKELEVEL MFLAGS MAKEOVERRIDES)};

my $out = `make -s -C '$root' unit-build 2>&1`;

if ($? != 0 || !-x $bin) {
    print "1..1\nnot ok 1 - make unit-build\n";
    print map { "# $_\n" } split /\n/, $out;
    exit 1;
}

exec $bin or die "exec $bin: $!";
