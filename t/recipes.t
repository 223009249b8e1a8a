# The recipes of lua-free-examples/: each directory NN-name/ holds the
# nginx.conf snippet and the proxies.json a reader would copy, the C
# function when the recipe has one, and test.txt, the requests its README
# promises answers for, in the harness's block format (docs/testing.md).
#
# For every block of test.txt, the recipe's own files are the test's
# configuration: the server block of nginx.conf becomes the server (its
# listen and server_name lines give way to the harness's), the rest of
# nginx.conf goes into http {}, proxies.json is the proxies file, and
# every *.c of the recipe is built into $LIB.  A block may still give its
# own sections (env, more_headers, backend_response ...), and one more:
# "--- header_once" lists headers the client must get exactly once.

use strict;
use warnings;

use lib 't/lib';
use ProxiesTest;
use File::Basename qw(basename);
use File::Path qw(make_path remove_tree);
use Test::More;

my $DIR = "$ProxiesTest::ROOT/lua-free-examples";
my $LIB = servroot_path('recipes-lib');

my @recipes = sort grep { -d } glob "$DIR/[0-9][0-9]-*";

plan(skip_all => 'no recipes') unless @recipes;

make_path($LIB);

# the response run_block got, for header_once
my $last;
{
    no warnings 'redefine';
    my $request = \&ProxiesTest::http_request;
    *ProxiesTest::http_request = sub { $last = $request->(@_) };
}


sub check_once {
    my ($b) = @_;

    return unless defined $b->{header_once} && $last && !$last->{error};

    for my $name (grep { /\S/ } split /\s*\n\s*/, $b->{header_once}) {
        my @v = grep { lc $_->[0] eq lc $name } @{ $last->{headers} };
        is(scalar @v, 1, "response header: one $name")
            or diag(join "\n", map { "$_->[0]: $_->[1]" } @v);
    }
}


# the body of the first "server { ... }" of a snippet, and the snippet
# without it
sub split_conf {
    my ($conf) = @_;

    $conf =~ /^([ \t]*server\s*\{)/m or return ($conf, undef);

    my $start = $-[1];
    my $open = $+[1];
    my $depth = 1;
    my $i = $open;

    while ($depth && $i < length $conf) {
        my $c = substr($conf, $i++, 1);
        $depth++ if $c eq '{';
        $depth-- if $c eq '}';
    }

    die "unbalanced braces in the server block\n" if $depth;

    my $body = substr($conf, $open, $i - 1 - $open);
    my $http = substr($conf, 0, $start) . substr($conf, $i);

    $body =~ s/^[ \t]*(?:listen|server_name)\b[^;]*;[ \t]*\n//mg;

    return ($http, $body);
}


sub build_functions {
    my ($recipe) = @_;

    for my $c (glob "$recipe/*.c") {
        my $so = "$LIB/" . basename($c, '.c') . '.so';

        system('cc', '-O2', '-Wall', '-Wextra', '-Werror', '-fPIC',
               '-shared', "-I$ProxiesTest::ROOT/include", '-o', "$so.tmp",
               $c) == 0 or return 0;

        rename "$so.tmp", $so or die "rename: $!";
    }

    return 1;
}


# every recipe is listed in the index, and its README shows the Lua it
# replaces
subtest 'index' => sub {
    my $index = read_file("$DIR/README.md") // '';

    for my $r (@recipes) {
        my $name = basename($r);
        like($index, qr/\]\(\Q$name\E\/?\)/, "the index links $name");

        my $readme = read_file("$r/README.md") // '';
        like($readme, qr/_by_lua/, "$name: README shows the Lua snippet");

        ok(-f "$r/$_", "$name: has $_")
            for qw(nginx.conf proxies.json test.txt);
    }
};


for my $r (@recipes) {
    my $name = basename($r);
    my $conf = read_file("$r/nginx.conf");
    my $proxies = read_file("$r/proxies.json");
    my @blocks = parse_blocks(read_file("$r/test.txt") // '');

    ok(build_functions($r), "$name: its functions build") or next;

    $conf =~ s/\$LIB\b/$LIB/g;

    my ($http, $server) = split_conf($conf);

    ok(scalar @blocks, "$name: test.txt has tests") or next;

    for my $b (@blocks) {
        defined and s/\$LIB\b/$LIB/g for values %$b;

        $b->{proxies} //= $proxies;
        $b->{http_config} //= $http;
        $b->{config} //= $server if defined $server;

        my $ok = subtest "$name: $b->{title}" => sub {
            undef $last;
            eval { ProxiesTest::run_block($b, "recipes-$name-$b->{n}"); 1 }
                or fail("harness: $@");
            check_once($b);
        };

        remove_tree(servroot()) if $ok && !$ENV{TEST_NGINX_KEEP};
    }
}

stop_backend();
done_testing();
