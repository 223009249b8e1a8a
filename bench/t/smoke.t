# The benchmark's own scripts (bench/, docs/benchmarks.md) in one short
# run: N=10, one round of 1 s per variant.  No speed is asserted (that is
# the benchmark's job); what must hold is that every mode and variant
# runs, that the module's variants answer 2xx to the whole mix (or the
# benchmark would time error pages), and that the report and its chart
# are written.  It loads both CPUs for some 15 s, so it is not in t/,
# whose files run two at a time, some with timings: "make test" runs it
# after them ("make test-bench" alone).

use strict;
use warnings;

use lib 't/lib';
use ProxiesTest;
use File::Path qw(remove_tree);
use Test::More;

plan(skip_all => 'the ASan runtime is not preloaded into bench/run.sh')
    if $ENV{PROXIES_PRELOAD};
plan(skip_all => 'not under valgrind') if $ENV{PROXIES_VALGRIND};

my $root = $ProxiesTest::ROOT;
my $dir = servroot('bench');

# six ports in a row (the variants use base + k), below the ephemeral
# range: the run's own client connections take ports there
my $base = eval { free_port(6) };
ok($base, 'six free ports in a row') or BAIL_OUT('no free ports');

local $ENV{BENCH_NS} = 10;
local $ENV{BENCH_REPEAT} = 1;
local $ENV{BENCH_DURATION} = 1;
local $ENV{BENCH_WARMUP} = 1;
local $ENV{BENCH_PORT} = $base;
local $ENV{BENCH_RESULTS} = "$dir/results";
local $ENV{BENCH_REPORT} = $dir;
local $ENV{NGINX} = $ProxiesTest::NGINX;
local $ENV{PROXIES_MODULE} = $ProxiesTest::MODULE;

my $out = `timeout 300 bash '$root/bench/run.sh' 2>&1`;
is($?, 0, 'bench/run.sh succeeds') or diag($out);
unlike($out, qr/warning: non-2xx/, 'every variant answers 2xx')
    or diag($out);

my @rows = map { [split /\t/] }
           grep { length } split /\n/, read_file("$dir/results/latest.tsv") // '';

my %seen = map { ("$_->[0] $_->[2]" => $_) } @rows;

for my $case ('static floor', 'static proxies', 'static regex-locations',
              'upstream floor', 'upstream proxies', 'upstream proxy_pass',
              'upstream regex-locations', 'function floor',
              'function proxies', 'function regex-locations')
{
    my $row = $seen{$case};
    ok($row && $row->[3] > 0 && $row->[6] > 0,
       "$case: requests/s and CPU per request measured");
}

for my $mode ('static', 'upstream', 'function') {
    my $row = $seen{"$mode proxies"} // [];
    like($row->[10] // '', qr/^\d+$/, "$mode: the bytes per proxy reported");
}

like(($seen{'upstream proxies'} // [])->[13] // '', qr/^\d+\.\d+$/,
     'upstream: the ratio to proxy_pass');

$out = `timeout 60 bash '$root/bench/report.sh' '$dir/results/latest.tsv' 2>&1`;
is($?, 0, 'bench/report.sh succeeds') or diag($out);
like(read_file("$dir/benchmarks-results.md") // '',
     qr/\| function \| 10 \| proxies \| [\d.]+ \|/, 'the results table');
like(read_file("$dir/benchmarks.png") // '', qr/^\x89PNG/, 'and the chart');

remove_tree($dir)
    if Test::More->builder->is_passing && !$ENV{TEST_NGINX_KEEP};

done_testing();
