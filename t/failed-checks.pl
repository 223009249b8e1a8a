#!/usr/bin/perl
# The failed checks of a prove log with their diagnostics, to print after
# the summary: CI shows only the end of the output, and prove's summary
# names test numbers, not what went wrong.  Under prove -j a file's name
# comes after its diagnostics, so the checks are listed by their titles.

use strict;
use warnings;

my $max = 40;
my (@out, $in);

while (<>) {
    chomp;
    if (/^\s*#\s+Failed test '(.*)'/) {
        $in = 1;
        push @out, $1;
        next;
    }

    if ($in && /^\s*#\s?(.*)$/
        && !/^\s*#\s+(?:at \S+ line \d+\.|Looks like you failed)/) {
        push @out, "    $1" if length $1;
        next;
    }

    $in = 0 unless /^\s*#/;
}

exit 0 unless @out;

print "\nFailed checks:\n";
print "$_\n" for @out > $max ? (@out[0 .. $max - 1], '    ...') : @out;
