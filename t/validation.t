# Loading and validating proxies.json (spec sections 2, 3, 4, 17 and 21).
#
# Every refusal of section 17 and section 21 is a block below: "nginx -t"
# must fail with ONE line naming the file, the proxy, the JSON path and
# what was found and expected (the line and column for syntax errors).
# Then the habits of real files that Azure accepted (comments, key case,
# "GET, POST", empty files) must load and serve.  Warnings are checked
# in blocks that fail on purpose afterwards, because "nginx -t" output is
# where config-time warnings go.
#
# Before the blocks: every proxies/*.json example must pass "nginx -t".

use strict;
use warnings;

use lib 't/lib';
use ProxiesTest;
use Test::More;

# the app settings the examples use, as the demo defines them
my %SETTINGS = (
    MONOLITH => '127.0.0.1:8081',
    WEB_HOST => 'http://127.0.0.1:8081',
    SITE_SAS => 'sv=2019-12-12&sig=example',
    'Blog.Storage' => 'http://127.0.0.1:8081/blog',
);

my @examples = grep { !/\.schema\.json$/ }
               sort glob "$ProxiesTest::ROOT/proxies/*.json";
my $schema = "$ProxiesTest::ROOT/proxies/proxies.schema.json";

ok(@examples, 'there are example files');

for my $example (@examples) {
    (my $name = $example) =~ s{.*/}{};

    subtest "example $name passes nginx -t" => sub {
        my $dir = servroot("validation-example-$name");
        my $http = join '', map { "    proxies_app_setting $_ $SETTINGS{$_};\n" }
                            sort keys %SETTINGS;

        # the example functions, built by "make" into functions/
        $http .= join '', map { "    proxies_functions $_;\n" }
                          sort glob "$ProxiesTest::ROOT/functions/*.so";

        write_file("$dir/conf/nginx.conf", nginx_conf(
            port => free_port(), proxies => $example, http_config => $http,
            config => "location / { proxies $example; }\n"
                      . "        location /new/ { return 200 new; }"));

        my ($rc, $out) = ProxiesTest::nginx_test_conf();
        is($rc, 0, "nginx -t accepts $name") or diag($out);
        unlike($out, qr/\[emerg\]/, 'no emerg');
    };
}

# The schema accepts every example written in strict JSON (real-world.json
# shows the habits the loader tolerates beyond it: comments, key case).
my $check = <<'PY';
import json, sys
try:
    import jsonschema
except ImportError:
    sys.exit(77)
schema = json.load(open(sys.argv[1]))
jsonschema.Draft7Validator.check_schema(schema)
try:
    doc = json.load(open(sys.argv[2]))
except ValueError:
    sys.exit(78)
errors = [e.message for e in jsonschema.Draft7Validator(schema).iter_errors(doc)]
print("\n".join(errors))
sys.exit(1 if errors else 0)
PY

for my $example (@examples) {
    (my $name = $example) =~ s{.*/}{};
    my $out = `python3 -c '$check' '$schema' '$example' 2>&1`;
    my $rc = $? >> 8;

    SKIP: {
        skip('python3 jsonschema is not installed', 1) if $rc == 77;
        skip("$name is not strict JSON", 1) if $rc == 78;
        is($rc, 0, "the schema accepts $name") or diag($out);
    }
}

run_tests();

__DATA__

=== TEST 1: 17.1 syntax error: line and column from jansson
--- proxies
{
  "proxies": {
    "p": { "matchCondition" { "route": "/a" } }
  }
}
--- must_die
--- error_log
/proxies.json" line 3, column 29: ':' expected near '{'
--- error_log_like
\[emerg\] .*proxies: ".*/proxies\.json" line 3, column 29: .* in .*nginx\.conf:\d+$

=== TEST 2: 17.1 trailing comma in an object
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a" }, } } }
--- must_die
--- error_log
/proxies.json" line 1, column 60: string or '}' expected near '}'

=== TEST 3: 17.1 trailing comma in an array
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a",
                                          "methods": ["GET",] } } } }
--- must_die
--- error_log
/proxies.json" line 2, column 61: unexpected token near ']'

=== TEST 4: 17.1 duplicate key at the top level
--- proxies
{ "proxies": {}, "proxies": {} }
--- must_die
--- error_log
/proxies.json" line 1, column 26: duplicate object key near '"proxies"'

=== TEST 5: 17.1 duplicate key deep inside (two proxies with one name)
--- proxies
{ "proxies": {
    "p": { "matchCondition": { "route": "/a" } },
    "p": { "matchCondition": { "route": "/b" } } } }
--- must_die
--- error_log
/proxies.json" line 3, column 7: duplicate object key near '"p"'

=== TEST 6: 17.1 invalid UTF-8
--- proxies eval
qq[{ "proxies": { "p\xff": { "matchCondition": { "route": "/a" } } } }]
--- must_die
--- error_log_like
proxies: ".*/proxies\.json" line 1, column \d+: unable to decode byte 0xff

=== TEST 7: 17.1 unterminated block comment: where it starts
--- proxies
{ "proxies": {
    /* the old API
    "p": { "matchCondition": { "route": "/a" } } } }
--- must_die
--- error_log
/proxies.json" line 2, column 5: comment is not closed, "*/" expected

=== TEST 8: 17.1 a comment does not hide a syntax error, columns still right
--- proxies
{ /* é é é */ "proxies": { "p": { "matchCondition": { "route": "/a" } } } ]
--- must_die
--- error_log
/proxies.json" line 1, column 75: '}' expected near ']'

=== TEST 9: 17.1 JSON null characters are refused
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a\u0000" } } } }
--- must_die
--- error_log_like
proxies: ".*/proxies\.json" line 1, column \d+: \\u0000 is not allowed

=== TEST 10: 17.2 the root is not an object
--- proxies
[ { "proxies": {} } ]
--- must_die
--- error_log
/proxies.json": the file must hold a JSON object {"proxies": {...}}, found an array in

=== TEST 11: 17.2 "proxies" is missing
--- proxies
{ "$schema": "http://json.schemastore.org/proxies" }
--- must_die
--- error_log
/proxies.json", field "proxies": required key "proxies" is missing in

=== TEST 12: 17.2 "proxies" is not an object
--- proxies
{ "proxies": [ { "matchCondition": { "route": "/a" } } ] }
--- must_die
--- error_log
/proxies.json", field "proxies": must be an object, found an array in

=== TEST 13: 17.2 unknown top-level key
--- proxies
{ "proxies": {}, "functions": {} }
--- must_die
--- error_log
/proxies.json", field "functions": unknown key "functions"; expected "$schema" or "proxies" in

=== TEST 14: 17.2 misspelt top-level key gets a hint
--- proxies
{ "proxys": {} }
--- must_die
--- error_log
/proxies.json", field "proxys": unknown key "proxys"; did you mean "proxies"? in

=== TEST 15: 17.2 "$schema" must be a string
--- proxies
{ "$schema": 1, "proxies": {} }
--- must_die
--- error_log
/proxies.json", field "$schema": must be a string, found the number 1 in

=== TEST 16: 17.3 a proxy is not an object
--- proxies
{ "proxies": { "p": "http://example.com/" } }
--- must_die
--- error_log
/proxies.json": proxy "p": must be an object, found the string "http://example.com/" in

=== TEST 17: 17.3 unknown proxy key, with a hint
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a" },
                      "backendUrl": "http://127.0.0.1/" } } }
--- must_die
--- error_log
/proxies.json": proxy "p", field "backendUrl": unknown key "backendUrl"; did you mean "backendUri"? in

=== TEST 18: 17.3 unknown proxy key, without a hint: the list of keys
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a" },
                      "host": "example.com" } } }
--- must_die
--- error_log
/proxies.json": proxy "p", field "host": unknown key "host"; expected "matchCondition", "backendUri", "requestOverrides", "responseOverrides", "disabled", "debug", "desc", "monolith", "circuitBreaker" or "slots" in

=== TEST 19: 17.4 matchCondition is missing
--- proxies
{ "proxies": { "p": { "backendUri": "http://127.0.0.1/" } } }
--- must_die
--- error_log
/proxies.json": proxy "p", field "matchCondition": required key "matchCondition" is missing in

=== TEST 20: 17.4 matchCondition is not an object
--- proxies
{ "proxies": { "p": { "matchCondition": "/a" } } }
--- must_die
--- error_log
/proxies.json": proxy "p", field "matchCondition": must be an object, found the string "/a" in

=== TEST 21: 17.4 unknown key in matchCondition
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a", "host": "x" } } } }
--- must_die
--- error_log
/proxies.json": proxy "p", field "matchCondition.host": unknown key "host"; expected "route" or "methods" in

=== TEST 22: 17.4 misspelt key in matchCondition
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a", "method": ["GET"] } } } }
--- must_die
--- error_log
/proxies.json": proxy "p", field "matchCondition.method": unknown key "method"; did you mean "methods"? in

=== TEST 23: 17.4 route is missing
--- proxies
{ "proxies": { "p": { "matchCondition": { "methods": ["GET"] } } } }
--- must_die
--- error_log
/proxies.json": proxy "p", field "matchCondition.route": required key "route" is missing in

=== TEST 24: 17.4 route is not a string
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": ["/a", "/b"] } } } }
--- must_die
--- error_log
/proxies.json": proxy "p", field "matchCondition.route": must be a string, found an array in

=== TEST 25: 17.5 "?" in a route
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/add?a={a}" } } } }
--- must_die
--- error_log_like
proxies: ".*/proxies\.json": proxy "p", field "matchCondition\.route": .*"\?"

=== TEST 26: 17.5 "#" in a route
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a#top" } } } }
--- must_die
--- error_log_like
proxies: ".*/proxies\.json": proxy "p", field "matchCondition\.route": .*"#"

=== TEST 27: 17.5 unbalanced braces
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a/{id" } } } }
--- must_die
--- error_log_like
proxies: ".*/proxies\.json": proxy "p", field "matchCondition\.route": .*(brace|\{)

=== TEST 28: 17.5 unbalanced closing brace
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a/id}" } } } }
--- must_die
--- error_log_like
proxies: ".*/proxies\.json": proxy "p", field "matchCondition\.route": .*(brace|\})

=== TEST 29: 17.5 empty parameter name
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a/{}" } } } }
--- must_die
--- error_log_like
proxies: ".*/proxies\.json": proxy "p", field "matchCondition\.route": .*empty

=== TEST 30: 17.5 duplicate parameter name
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a/{id}/b/{id}" } } } }
--- must_die
--- error_log_like
proxies: ".*/proxies\.json": proxy "p", field "matchCondition\.route": .*duplicate.*id

=== TEST 31: 17.5 catch-all not last
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a/{*rest}/b" } } } }
--- must_die
--- error_log_like
proxies: ".*/proxies\.json": proxy "p", field "matchCondition\.route": .*catch-all.*last

=== TEST 32: 17.5 inline constraint
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a/{id:int}" } } } }
--- must_die
--- error_log_like
proxies: ".*/proxies\.json": proxy "p", field "matchCondition\.route": .*constraint.*not supported

=== TEST 33: 17.5 optional parameter
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a/{id?}" } } } }
--- must_die
--- error_log_like
proxies: ".*/proxies\.json": proxy "p", field "matchCondition\.route": .*optional.*not supported

=== TEST 34: 17.5 default value
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a/{id=5}" } } } }
--- must_die
--- error_log_like
proxies: ".*/proxies\.json": proxy "p", field "matchCondition\.route": .*default.*not supported

=== TEST 35: 17.5 "{**x}" is ASP.NET Core syntax
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a/{**rest}" } } } }
--- must_die
--- error_log_like
proxies: ".*/proxies\.json": proxy "p", field "matchCondition\.route": .*\{\*\*

=== TEST 36: 17.6 methods is not an array
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a", "methods": "GET" } } } }
--- must_die
--- error_log
/proxies.json": proxy "p", field "matchCondition.methods": must be an array, found the string "GET" in

=== TEST 37: 17.6 methods is empty
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a", "methods": [] } } } }
--- must_die
--- error_log
/proxies.json": proxy "p", field "matchCondition.methods": must list at least one method; leave "methods" out to match every method in

=== TEST 38: 17.6 a method is not a string
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a",
                                          "methods": ["GET", 1] } } } }
--- must_die
--- error_log
/proxies.json": proxy "p", field "matchCondition.methods[1]": must be a string, found the number 1 in

=== TEST 39: 17.6 a method is not a token
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a",
                                          "methods": ["GET", "PO ST"] } } } }
--- must_die
--- error_log
/proxies.json": proxy "p", field "matchCondition.methods[1]": "PO ST" is not a method name: expected an RFC 7230 token such as "GET" in

=== TEST 40: 17.6 an empty method
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a",
                                          "methods": [""] } } } }
--- must_die
--- error_log
/proxies.json": proxy "p", field "matchCondition.methods[0]": "" holds an empty method name; expected a method such as "GET" in

=== TEST 41: 17.6 a method listed twice, ignoring case
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a",
                                          "methods": ["GET", "get"] } } } }
--- must_die
--- error_log
/proxies.json": proxy "p", field "matchCondition.methods[1]": method "GET" is listed twice in

=== TEST 42: 21 "GET, POST, GET" splits, and the duplicate is still refused
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a",
                                          "methods": ["GET, POST, GET"] } } } }
--- must_die
--- error_log
/proxies.json": proxy "p", field "matchCondition.methods[0]": method "GET" is listed twice in

=== TEST 43: 21 "GET," has an empty method
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a",
                                          "methods": ["GET,"] } } } }
--- must_die
--- error_log
/proxies.json": proxy "p", field "matchCondition.methods[0]": "GET," holds an empty method name; expected a method such as "GET" in

=== TEST 44: 17.7 backendUri is not a string
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a" },
                      "backendUri": { "url": "http://127.0.0.1/" } } } }
--- must_die
--- error_log
/proxies.json": proxy "p", field "backendUri": must be a string, found an object in

=== TEST 45: 17.7 backendUri is empty
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a" },
                      "backendUri": "" } } }
--- must_die
--- error_log
/proxies.json": proxy "p", field "backendUri": must not be empty; expected an absolute http:// or https:// URL, or no "backendUri" at all for a proxy that answers by itself in

=== TEST 46: 17.7 backendUri is not absolute
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a" },
                      "backendUri": "www.example.com/a" } } }
--- must_die
--- error_log_like
proxies: ".*/proxies\.json": proxy "p", field "backendUri": .*"www\.example\.com/a" is not an absolute URL

=== TEST 47: 17.7 backendUri scheme is not http or https
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a" },
                      "backendUri": "ftp://127.0.0.1/a" } } }
--- must_die
--- error_log_like
proxies: ".*/proxies\.json": proxy "p", field "backendUri": .*scheme "ftp" is not supported

=== TEST 48: 17.7 a template variable in the backend host
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a/{tenant}" },
                      "backendUri": "http://{tenant}.example.com/a" } } }
--- must_die
--- error_log_like
proxies: ".*/proxies\.json": proxy "p", field "backendUri": .*template variables are not allowed in the .*host

=== TEST 49: 17.7 a space in the literal backendUri
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a" },
                      "backendUri": "http://127.0.0.1/a b" } } }
--- must_die
--- error_log_like
proxies: ".*/proxies\.json": proxy "p", field "backendUri": .*"http://127\.0\.0\.1/a b" has a raw space

=== TEST 50: 21 a placeholder left in backendUri
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/{*path}" },
                      "backendUri": "<YOUR_STORAGE_URL>/{path}" } } }
--- must_die
--- error_log_like
proxies: ".*/proxies\.json": proxy "p", field "backendUri": .*<YOUR_STORAGE_URL>.*placeholder

=== TEST 51: 21 a placeholder host after the scheme
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/{*path}" },
                      "backendUri": "https://<YOUR_FUNCTION_APP>.azurewebsites.net/{path}" } } }
--- must_die
--- error_log_like
proxies: ".*/proxies\.json": proxy "p", field "backendUri": .*<YOUR_FUNCTION_APP>.*placeholder

=== TEST 52: 21 an undefined setting that should have been the host
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/{*path}" },
                      "backendUri": "%UNDEFINED_HOST%/{path}" } } }
--- must_die
--- error_log_like
proxies: ".*/proxies\.json": proxy "p", field "backendUri": .*not an absolute URL.*app setting "UNDEFINED_HOST" is not defined

=== TEST 53: 17.8 requestOverrides is not an object
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a" },
                      "backendUri": "http://127.0.0.1/a",
                      "requestOverrides": ["backend.request.method"] } } }
--- must_die
--- error_log
/proxies.json": proxy "p", field "requestOverrides": must be an object, found an array in

=== TEST 54: 17.8 responseOverrides is not an object
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a" },
                      "responseOverrides": "response.body" } } }
--- must_die
--- error_log
/proxies.json": proxy "p", field "responseOverrides": must be an object, found the string "response.body" in

=== TEST 55: 17.8 unknown request override
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a" },
                      "backendUri": "http://127.0.0.1/a",
                      "requestOverrides": { "backend.request.body": "x" } } } }
--- must_die
--- error_log
/proxies.json": proxy "p", field "requestOverrides.backend.request.body": unknown override "backend.request.body"; expected "backend.request.method", "backend.request.querystring.<name>" or "backend.request.headers.<name>" in

=== TEST 56: 17.8 unknown response override
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a" },
                      "responseOverrides": { "response.cookies.a": "x" } } } }
--- must_die
--- error_log
/proxies.json": proxy "p", field "responseOverrides.response.cookies.a": unknown override "response.cookies.a"; expected "response.statusCode", "response.statusReason", "response.body" or "response.headers.<name>" in

=== TEST 57: 21 typo backend.request.header.X gets a hint
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a" },
                      "backendUri": "http://127.0.0.1/a",
                      "requestOverrides": { "backend.request.header.X-Api-Key": "k" } } } }
--- must_die
--- error_log
/proxies.json": proxy "p", field "requestOverrides.backend.request.header.X-Api-Key": unknown override "backend.request.header.X-Api-Key"; did you mean "backend.request.headers.X-Api-Key"? in

=== TEST 58: 21 typo response.header.X gets a hint
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a" },
                      "responseOverrides": { "response.header.Location": "/b" } } } }
--- must_die
--- error_log
/proxies.json": proxy "p", field "responseOverrides.response.header.Location": unknown override "response.header.Location"; did you mean "response.headers.Location"? in

=== TEST 59: 21 "request.headers.X" without "backend." gets a hint
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a" },
                      "backendUri": "http://127.0.0.1/a",
                      "requestOverrides": { "request.headers.Accept": "*/*" } } } }
--- must_die
--- error_log
/proxies.json": proxy "p", field "requestOverrides.request.headers.Accept": unknown override "request.headers.Accept"; did you mean "backend.request.headers.Accept"? in

=== TEST 60: 21 "backend.request.querystrings.x" gets a hint
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a" },
                      "backendUri": "http://127.0.0.1/a",
                      "requestOverrides": { "backend.request.querystrings.code": "1" } } } }
--- must_die
--- error_log
/proxies.json": proxy "p", field "requestOverrides.backend.request.querystrings.code": unknown override "backend.request.querystrings.code"; did you mean "backend.request.querystring.code"? in

=== TEST 61: 21 "response.status" gets a hint
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a" },
                      "responseOverrides": { "response.status": "404" } } } }
--- must_die
--- error_log
/proxies.json": proxy "p", field "responseOverrides.response.status": unknown override "response.status"; did you mean "response.statusCode"? in

=== TEST 62: 17.8 a response override in requestOverrides
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a" },
                      "backendUri": "http://127.0.0.1/a",
                      "requestOverrides": { "response.headers.X-A": "1" } } } }
--- must_die
--- error_log
/proxies.json": proxy "p", field "requestOverrides.response.headers.X-A": "response.headers.X-A" belongs in "responseOverrides", not in "requestOverrides" in

=== TEST 63: 17.8 a request override in responseOverrides
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a" },
                      "backendUri": "http://127.0.0.1/a",
                      "responseOverrides": { "backend.request.method": "GET" } } } }
--- must_die
--- error_log
/proxies.json": proxy "p", field "responseOverrides.backend.request.method": "backend.request.method" belongs in "requestOverrides", not in "responseOverrides" in

=== TEST 64: 17.8 querystring override without a name
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a" },
                      "backendUri": "http://127.0.0.1/a",
                      "requestOverrides": { "backend.request.querystring.": "1" } } } }
--- must_die
--- error_log
/proxies.json": proxy "p", field "requestOverrides.backend.request.querystring.": "backend.request.querystring." names no query parameter; expected "backend.request.querystring.<name>" in

=== TEST 65: 17.8 header override without a name
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a" },
                      "responseOverrides": { "response.headers": "1" } } } }
--- must_die
--- error_log
/proxies.json": proxy "p", field "responseOverrides.response.headers": "response.headers" names no header; expected "response.headers.<name>" in

=== TEST 66: 17.8 request header name is not a token
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a" },
                      "backendUri": "http://127.0.0.1/a",
                      "requestOverrides": { "backend.request.headers.X Api": "1" } } } }
--- must_die
--- error_log
/proxies.json": proxy "p", field "requestOverrides.backend.request.headers.X Api": "X Api" is not a valid header name; expected an RFC 7230 token (letters, digits, !#$%&'*+-.^_`|~) in

=== TEST 67: 17.8 response header name is not a token
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a" },
                      "responseOverrides": { "response.headers.X:A": "1" } } } }
--- must_die
--- error_log
/proxies.json": proxy "p", field "responseOverrides.response.headers.X:A": "X:A" is not a valid header name

=== TEST 68: 17.8 a header value is not a string
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a" },
                      "responseOverrides": { "response.headers.X-Count": 5 } } } }
--- must_die
--- error_log
/proxies.json": proxy "p", field "responseOverrides.response.headers.X-Count": must be a string, found the number 5 in

=== TEST 69: 17.8 a method override is not a string
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a" },
                      "backendUri": "http://127.0.0.1/a",
                      "requestOverrides": { "backend.request.method": true } } } }
--- must_die
--- error_log
/proxies.json": proxy "p", field "requestOverrides.backend.request.method": must be a string, found true in

=== TEST 70: 17.8 a query override is not a string
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a" },
                      "backendUri": "http://127.0.0.1/a",
                      "requestOverrides": { "backend.request.querystring.n": 1 } } } }
--- must_die
--- error_log
/proxies.json": proxy "p", field "requestOverrides.backend.request.querystring.n": must be a string, found the number 1 in

=== TEST 71: 17.8 statusReason is not a string
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a" },
                      "responseOverrides": { "response.statusReason": null } } } }
--- must_die
--- error_log
/proxies.json": proxy "p", field "responseOverrides.response.statusReason": must be a string, found null in

=== TEST 72: 17.8 statusCode is neither a string nor an integer
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a" },
                      "responseOverrides": { "response.statusCode": 200.5 } } } }
--- must_die
--- error_log
/proxies.json": proxy "p", field "responseOverrides.response.statusCode": must be a string or an integer, found the number 200.5 in

=== TEST 73: 17.8 the same header twice, names ignoring case
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a" },
                      "responseOverrides": { "response.headers.X-A": "1",
                                             "Response.Headers.x-a": "2" } } } }
--- must_die
--- error_log
/proxies.json": proxy "p", field "responseOverrides.Response.Headers.x-a": "Response.Headers.x-a" sets the same thing as "response.headers.X-A" (names are not case-sensitive); keep one in

=== TEST 74: 17.9 statusCode number out of range
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a" },
                      "responseOverrides": { "response.statusCode": 99 } } } }
--- must_die
--- error_log
/proxies.json": proxy "p", field "responseOverrides.response.statusCode": status code 99 is out of range; expected an integer from 100 to 599 in

=== TEST 75: 17.9 statusCode number too high
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a" },
                      "responseOverrides": { "response.statusCode": 600 } } } }
--- must_die
--- error_log
status code 600 is out of range; expected an integer from 100 to 599 in

=== TEST 76: 17.9 literal statusCode string is not a status
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a" },
                      "responseOverrides": { "response.statusCode": "OK" } } } }
--- must_die
--- error_log_like
proxies: ".*/proxies\.json": proxy "p", field "[a-zA-Z.]*response\.statusCode": .*OK.*100

=== TEST 77: 17.9 literal statusCode string out of range
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a" },
                      "responseOverrides": { "response.statusCode": "700" } } } }
--- must_die
--- error_log_like
proxies: ".*/proxies\.json": proxy "p", field "[a-zA-Z.]*response\.statusCode": .*700.*599

=== TEST 78: 17.9 literal method override is not a token
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a" },
                      "backendUri": "http://127.0.0.1/a",
                      "requestOverrides": { "backend.request.method": "GET /x" } } } }
--- must_die
--- error_log_like
proxies: ".*/proxies\.json": proxy "p", field "[a-zA-Z.]*backend\.request\.method": .*GET /x

=== TEST 79: 17.10 body is a number
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a" },
                      "responseOverrides": { "response.body": 42 } } } }
--- must_die
--- error_log
/proxies.json": proxy "p", field "responseOverrides.response.body": must be an object, an array or a string, found the number 42 in

=== TEST 80: 17.10 body is a boolean
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a" },
                      "responseOverrides": { "response.body": false } } } }
--- must_die
--- error_log
/proxies.json": proxy "p", field "responseOverrides.response.body": must be an object, an array or a string, found false in

=== TEST 81: 17.10 body is null
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a" },
                      "responseOverrides": { "response.body": null } } } }
--- must_die
--- error_log
/proxies.json": proxy "p", field "responseOverrides.response.body": must be an object, an array or a string, found null in

=== TEST 82: 17.10 body array holds a non-object
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a" },
                      "responseOverrides": { "response.body": [ {"a": 1}, "b" ] } } } }
--- must_die
--- error_log
/proxies.json": proxy "p", field "responseOverrides.response.body[1]": must be an object, found the string "b" in

=== TEST 83: 17.10 body is an empty array
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a" },
                      "responseOverrides": { "response.body": [] } } } }
--- must_die
--- error_log
/proxies.json": proxy "p", field "responseOverrides.response.body": must not be an empty array; expected a string, an object or an array of objects in

=== TEST 84: 17.11 disabled is a string
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a" }, "disabled": "true" } } }
--- must_die
--- error_log
/proxies.json": proxy "p", field "disabled": must be a boolean (true or false), found the string "true" in

=== TEST 85: 17.11 debug is a number
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a" }, "debug": 1 } } }
--- must_die
--- error_log
/proxies.json": proxy "p", field "debug": must be a boolean (true or false), found the number 1 in

=== TEST 86: 17.11 desc is a string
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a" }, "desc": "about p" } } }
--- must_die
--- error_log
/proxies.json": proxy "p", field "desc": must be an array, found the string "about p" in

=== TEST 87: 17.11 desc holds a non-string
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a" },
                      "desc": ["about p", { "by": "me" }] } } }
--- must_die
--- error_log
/proxies.json": proxy "p", field "desc[1]": must be a string, found an object in

=== TEST 88: 17.12 a name with no letter, digit, "_" or "-"
--- proxies
{ "proxies": { "$$ !": { "matchCondition": { "route": "/a" } } } }
--- must_die
--- error_log
/proxies.json": proxy "$$ !": the proxy name has no letter, digit, "_" or "-"; Azure names a proxy by those characters alone in

=== TEST 89: 17.12 names equal once normalized, ignoring case
--- proxies
{ "proxies": { "Get Orders": { "matchCondition": { "route": "/a" } },
               "get.orders": { "matchCondition": { "route": "/b" } } } }
--- must_die
--- error_log
/proxies.json": proxy "get.orders": the proxy name clashes with proxy "Get Orders": both read "getorders" when only letters, digits, "_" and "-" are kept, ignoring case in

=== TEST 90: 21 the same known key twice in different case
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a" },
                      "backendUri": "http://127.0.0.1/a",
                      "BackendUri": "http://127.0.0.1/b" } } }
--- must_die
--- error_log
/proxies.json": proxy "p", field "BackendUri": "backendUri" and "BackendUri" are the same key, as keys match case-insensitively; keep one in

=== TEST 91: 21 "Proxies" and "proxies" at the top level
--- proxies
{ "proxies": {}, "Proxies": {} }
--- must_die
--- error_log
/proxies.json", field "Proxies": "proxies" and "Proxies" are the same key, as keys match case-insensitively; keep one in

=== TEST 92: a missing file is an error naming it
--- config
location / { proxies $SERVROOT/no-such-proxies.json; }
--- must_die
--- error_log_like
\[emerg\] .*proxies: cannot open ".*/no-such-proxies\.json" \(2: No such file or directory\)

=== TEST 93: a directory is not a proxies.json
--- config
location / { proxies $SERVROOT/conf; }
--- must_die
--- error_log_like
\[emerg\] .*proxies: ".*/conf" is not a regular file

=== TEST 94: warnings: key case, "GET, POST", schema enum, requestOverrides without backendUri, framing headers
--- proxies
{ "Proxies": {
    "p": { "MatchCondition": { "Route": "/a", "Methods": ["get, Post", "PURGE"] },
           "requestOverrides": { "backend.request.headers.X-A": "1" },
           "responseOverrides": { "response.headers.Content-Length": "10",
                                  "response.headers.transfer-encoding": "chunked" } },
    "z": { "matchCondition": { "route": "/z" }, "disabled": "yes" } } }
--- must_die
--- error_log
/proxies.json", field "Proxies": key "Proxies" is read as "proxies" (Azure matched keys case-insensitively); please write "proxies" in
/proxies.json": proxy "p", field "MatchCondition": key "MatchCondition" is read as "matchCondition"
/proxies.json": proxy "p", field "MatchCondition.Route": key "Route" is read as "route"
/proxies.json": proxy "p", field "MatchCondition.Methods[0]": "get, Post" names several methods in one string; read as ["GET", "POST"], please write it so in
/proxies.json": proxy "p", field "MatchCondition.Methods[1]": method "PURGE" is not one of GET, POST, HEAD, OPTIONS, PUT, TRACE, DELETE, PATCH, CONNECT of the proxies.json schema; accepted in
/proxies.json": proxy "p", field "responseOverrides.response.headers.Content-Length": "Content-Length" is set by nginx for the body it sends; this override is ignored in
/proxies.json": proxy "p", field "responseOverrides.response.headers.transfer-encoding": "transfer-encoding" is set by nginx
/proxies.json": proxy "p", field "requestOverrides": the proxy has no "backendUri", so there is no backend request to override; ignored in
/proxies.json": proxy "z", field "disabled": must be a boolean
--- error_log_like
\[warn\] .*key "Proxies" is read as "proxies"
\[warn\] .*"get, Post" names several methods

=== TEST 95: comments outside strings are blanked, "//" inside strings is kept
--- proxies
// proxies.json of a function app, as it ran on Azure
{
    /* the only proxy */
    "proxies": {
        "p": { // a mock
            "matchCondition": { "route": "/a" },
            "responseOverrides": {
                "response.body": "see https://example.com/* not a comment */ // nor this",
                "response.headers.X-Url": "http://x//y" /* trailing */
            }
        }
    }
}
// the end
--- request
GET /a
--- error_code: 200
--- response_body
see https://example.com/* not a comment */ // nor this
--- response_headers
X-Url: http://x//y

=== TEST 96: known keys in any case load and serve
--- proxies
{ "Proxies": { "p": { "MatchCondition": { "Route": "/a/{id}", "Methods": ["get"] },
                      "BackendUri": "http://$BACKEND/b/{id}",
                      "RequestOverrides": { "Backend.Request.Headers.X-A": "1" },
                      "ResponseOverrides": { "Response.StatusCode": 201,
                                             "response.headers.location": "/c" },
                      "Disabled": false, "Debug": false, "Desc": ["x"] } } }
--- request
GET /a/7
--- error_code: 201
--- backend_request
GET /b/7
--- backend_headers
X-A: 1
--- response_headers
Location: /c

=== TEST 97: "GET, POST" in one string serves both methods
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a", "methods": ["GET, POST"] },
                      "responseOverrides": { "response.body": "m={request.method}" } } } }
--- request
POST /a
--- request_body
x
--- error_code: 200
--- response_body
m=POST

=== TEST 98: "GET, POST" in one string: other methods do not match
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a", "methods": ["GET, POST"] },
                      "responseOverrides": { "response.body": "m={request.method}" } } } }
--- request
PUT /a
--- error_code: 404

=== TEST 99: an empty file is zero proxies, no error
--- proxies eval
""
--- request
GET /a
--- error_code: 404
--- no_error_log
[warn]

=== TEST 100: a whitespace-only file is zero proxies
--- proxies eval
" \n\t\r\n  "
--- request
GET /a
--- error_code: 404

=== TEST 101: a file holding only comments is zero proxies
--- proxies
// every proxy was retired
/* nothing here */
--- request
GET /a
--- error_code: 404

=== TEST 102: a byte order mark is skipped
--- proxies eval
"\xef\xbb\xbf" . '{ "proxies": { "p": { "matchCondition": { "route": "/a" },
  "responseOverrides": { "response.body": "bom" } } } }'
--- request
GET /a
--- response_body
bom

=== TEST 103: an empty "proxies" object is valid
--- proxies
{ "$schema": "https://json.schemastore.org/proxies.json", "proxies": {} }
--- request
GET /a
--- error_code: 404

=== TEST 104: names are labels: spaces, dots, slashes and non-ASCII
--- proxies
{ "proxies": { "1 Local Function_test$ にち": { "matchCondition": { "route": "/a" },
                   "responseOverrides": { "response.body": "ok" } },
               "api/v1.users": { "matchCondition": { "route": "/b" },
                   "responseOverrides": { "response.body": "ok2" } } } }
--- request
GET /b
--- response_body
ok2

=== TEST 105: a JSON body is serialized compactly, key order kept, strings templated
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/u/{name}" },
    "responseOverrides": { "response.body": {
        "name": "{name}", "n": 1, "pi": 3.25, "small": 0.1, "ok": true,
        "none": null, "list": [1, "two", {"z": "", "a": "é\t\"q\""}],
        "empty": {}, "zz": -7 } } } } }
--- request
GET /u/ann
--- response_body
{"name":"ann","n":1,"pi":3.25,"small":0.1,"ok":true,"none":null,"list":[1,"two",{"z":"","a":"é\t\"q\""}],"empty":{},"zz":-7}

=== TEST 106: an array body of objects
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a" },
    "responseOverrides": { "response.body": [ {"a": 1}, {"b": "x\\y"} ] } } } }
--- request
GET /a
--- response_body
[{"a":1},{"b":"x\\y"}]

=== TEST 107: statusCode as a number
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a" },
    "responseOverrides": { "response.statusCode": 418 } } } }
--- request
GET /a
--- error_code: 418

=== TEST 108: a disabled proxy is still validated
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a" }, "disabled": true,
                      "responseOverrides": { "response.header.X": "1" } } } }
--- must_die
--- error_log
/proxies.json": proxy "p", field "responseOverrides.response.header.X": unknown override "response.header.X"; did you mean "response.headers.X"? in

=== TEST 109: messages stay on one line: control characters are shown as "?"
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a",
                                          "methods": ["GE\nT"] } } } }
--- must_die
--- error_log
/proxies.json": proxy "p", field "matchCondition.methods[0]": "GE?T" is not a method name: expected an RFC 7230 token such as "GET" in

=== TEST 110: a found string is quoted short, on one line
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a" },
                      "debug": "yes\nplease, trace every single request" } } }
--- must_die
--- error_log
/proxies.json": proxy "p", field "debug": must be a boolean (true or false), found the string "yes?please, trace every ..." in

=== TEST 111: reals in a JSON body keep their shortest exact form
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a" },
    "responseOverrides": { "response.body": {
        "big": 1e300, "tiny": -3e-7, "third": 0.3333333333333333,
        "one": 1.0, "neg": -0.5, "i": 12345678901234 } } } } }
--- request
GET /a
--- response_headers
Content-Type: application/json
--- response_body
{"big":1e+300,"tiny":-3e-07,"third":0.3333333333333333,"one":1.0,"neg":-0.5,"i":12345678901234}

=== TEST 112: requestOverrides on a mock are ignored, the mock still answers
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a" },
    "requestOverrides": { "backend.request.headers.X-A": "1" },
    "responseOverrides": { "response.body": "mock" } } } }
--- request
GET /a
--- response_body
mock

=== TEST 113: override keys in any case, names kept as written
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a" },
    "backendUri": "http://$BACKEND/b",
    "requestOverrides": { "BACKEND.REQUEST.HEADERS.X-Api-Key": "k",
                          "Backend.Request.QueryString.Code": "c" },
    "responseOverrides": { "RESPONSE.HEADERS.X-Out": "o",
                           "Response.StatusReason": "Fine" } } } }
--- request
GET /a
--- backend_request
GET /b?Code=c
--- backend_headers
X-Api-Key: k
--- response_headers
X-Out: o
