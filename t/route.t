# Route templates and matching (spec sections 5.1, 5.2 and the route items
# of 17).  Static proxies echo their parameters in the body, and name
# themselves in X-Proxy, so a test sees both the winner and its captures.

use lib 't/lib';
use ProxiesTest;

run_tests();

__DATA__

=== TEST 1: a parameter binds one segment
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a/{id}" },
    "responseOverrides": { "response.body": "id={id}",
                           "response.headers.X-Proxy": "p" } } } }
--- request
GET /a/42?x=/b
--- response_headers
X-Proxy: p
--- response_body: id=42


=== TEST 2: a parameter does not bind two segments
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a/{id}" },
    "responseOverrides": { "response.body": "id={id}" } } } }
--- request
GET /a/1/2
--- error_code: 404


=== TEST 3: a parameter does not bind zero segments
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a/{id}" },
    "responseOverrides": { "response.body": "id={id}" } } } }
--- request
GET /a/
--- error_code: 404


=== TEST 4: an absolute-form request target is matched on its path
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a/{id}" },
    "responseOverrides": { "response.body": "id={id}" } } } }
--- request
GET http://localhost/a/7?x=1 HTTP/1.1
--- response_body: id=7


=== TEST 5: several parameters between literals
--- proxies
{ "proxies": { "p": {
    "matchCondition": { "route": "/users/{uid}/orders/{oid}" },
    "responseOverrides": { "response.body": "uid={uid} oid={oid}" } } } }
--- request
GET /users/u7/orders/o9
--- response_body: uid=u7 oid=o9


=== TEST 6: a catch-all binds many segments
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/w/{*rest}" },
    "responseOverrides": { "response.body": "rest=[{rest}]" } } } }
--- request
GET /w/a/b/c?q=1
--- response_body: rest=[a/b/c]


=== TEST 7: a catch-all binds zero segments
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/w/{*rest}" },
    "responseOverrides": { "response.body": "rest=[{rest}]" } } } }
--- request
GET /w
--- response_body: rest=[]


=== TEST 8: a catch-all binds zero segments before a trailing slash
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/w/{*rest}" },
    "responseOverrides": { "response.body": "rest=[{rest}]" } } } }
--- request
GET /w/
--- response_body: rest=[]


=== TEST 9: a catch-all keeps the client's trailing slash
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/w/{*r}" },
    "responseOverrides": { "response.body": "r=[{r}]" } } } }
--- request
GET /w/a/b/
--- response_body: r=[a/b/]


=== TEST 10: a catch-all joins segments with one slash after "//"
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/w/{*r}" },
    "responseOverrides": { "response.body": "r=[{r}]" } } } }
--- request
GET //w//a///b//
--- response_body: r=[a/b/]


=== TEST 11: parameters and a catch-all together
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a/{id}/{*rest}" },
    "responseOverrides": { "response.body": "id={id} rest={rest}" } } } }
--- request
GET /a/42/x/y/
--- response_body: id=42 rest=x/y/


=== TEST 12: complex segment: literals are matched right to left
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/files/{name}.{ext}" },
    "responseOverrides": { "response.body": "name={name} ext={ext}" } } } }
--- request
GET /files/report.final.pdf
--- response_body: name=report.final ext=pdf


=== TEST 13: complex segment with a literal prefix
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/item/file-{id}" },
    "responseOverrides": { "response.body": "id={id}" } } } }
--- request
GET /item/FILE-12
--- response_body: id=12


=== TEST 14: complex segment: each parameter needs a character
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/item/file-{id}" },
    "responseOverrides": { "response.body": "id={id}" } } } }
--- request
GET /item/file-
--- error_code: 404


=== TEST 15: complex segment with three parameters
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/d/{a}-{b}-{c}" },
    "responseOverrides": { "response.body": "a={a} b={b} c={c}" } } } }
--- request
GET /d/x-y-z-w
--- response_body: a=x-y b=z c=w


=== TEST 16: complex segment: a trailing literal must end the segment
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/v/{n}.json" },
    "responseOverrides": { "response.body": "n={n}" } } } }
--- request
GET /v/data.jsonx
--- error_code: 404


=== TEST 17: complex segment on an encoded segment
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/v/{n}.{e}" },
    "responseOverrides": { "response.body": "n={n} e={e}" } } } }
--- request
GET /v/a%20b%2Ec
--- response_body: n=a b e=c


=== TEST 18: literals match case-insensitively
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/Api/Items" },
    "responseOverrides": { "response.headers.X-Proxy": "p" } } } }
--- request
GET /aPI/iTEMS
--- response_headers
X-Proxy: p


=== TEST 19: captured values keep the request's case
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/api/{name}" },
    "responseOverrides": { "response.body": "name={name}" } } } }
--- request
GET /API/MiXeD
--- response_body: name=MiXeD


=== TEST 20: a trailing slash in the request is optional
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a/{id}" },
    "responseOverrides": { "response.body": "id={id}" } } } }
--- request
GET /a/42/
--- response_body: id=42


=== TEST 21: a trailing slash in the template is optional
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/b/" },
    "responseOverrides": { "response.headers.X-Proxy": "p" } } } }
--- request
GET /b
--- response_headers
X-Proxy: p


=== TEST 22: the leading slash of a template is optional
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "c/{x}" },
    "responseOverrides": { "response.body": "x={x}" } } } }
--- request
GET /c/1
--- response_body: x=1


=== TEST 23: an encoded slash stays inside its segment
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/e/{p}/end" },
    "responseOverrides": { "response.body": "p={p}" } } } }
--- request
GET /e/a%2Fb/end
--- response_body: p=a/b


=== TEST 24: a real slash is not an encoded one
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/e/{p}/end" },
    "responseOverrides": { "response.body": "p={p}" } } } }
--- request
GET /e/a/b/end
--- error_code: 404


=== TEST 25: the raw form of a capture keeps %2F (backend path)
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/e/{p}/{*rest}" },
    "backendUri": "http://$BACKEND/x/{p}/{rest}" } } }
--- request
GET /e/a%2Fb/c%2fd/e%20f?q=1
--- backend_request
GET /x/a%2Fb/c%2fd/e%20f?q=1


=== TEST 26: percent-encoded text is decoded in parameter values
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/u/{n}" },
    "responseOverrides": { "response.body": "n={n}" } } } }
--- request
GET /u/%C3%A9t%C3%A9%20x
--- response_body: n=été x


=== TEST 27: literals are compared after percent-decoding
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/caf%C3%A9/hello world" },
    "responseOverrides": { "response.headers.X-Proxy": "p" } } } }
--- request
GET /CAF%c3%a9/%68ello%20World
--- response_headers
X-Proxy: p


=== TEST 28: an invalid escape in a route is a literal percent sign
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/100%/{v}" },
    "responseOverrides": { "response.body": "v={v}" } } } }
--- request
GET /100%25/x
--- response_body: v=x


=== TEST 29: dot segments are resolved
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a/c/{x}" },
    "responseOverrides": { "response.body": "x={x}" } } } }
--- request
GET /a/./b/../c/1
--- response_body: x=1


=== TEST 30: encoded dot segments are resolved too
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/c/{*r}" },
    "responseOverrides": { "response.body": "r=[{r}]" } } } }
--- request
GET /c/x/%2e%2E/y
--- response_body: r=[y]


=== TEST 31: a path ending in a dot segment ends with a slash
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/c/{*r}" },
    "responseOverrides": { "response.body": "r=[{r}]" } } } }
--- request
GET /c/x/y/z/..
--- response_body: r=[x/y/]


=== TEST 32: ".." above the root is a bad request
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/{*r}" },
    "responseOverrides": { "response.body": "r=[{r}]" } } } }
--- request
GET /a/../../b
--- error_code: 400


=== TEST 33: the root route "/"
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/" },
    "responseOverrides": { "response.headers.X-Proxy": "p" } } } }
--- request
GET /
--- response_headers
X-Proxy: p


=== TEST 34: the root route "" is the root too
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "" },
    "responseOverrides": { "response.headers.X-Proxy": "p" } } } }
--- request
GET /?a=1
--- response_headers
X-Proxy: p


=== TEST 35: the root route matches nothing else
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/" },
    "responseOverrides": { "response.headers.X-Proxy": "p" } } } }
--- request
GET /x
--- error_code: 404


=== TEST 36: a long route (over 260 characters)
--- proxies eval
my $lit = join '/', map { "segment$_" } 1 .. 30;
qq{{ "proxies": { "p": { "matchCondition": { "route": "/$lit/{id}" },
    "responseOverrides": { "response.body": "id={id}" } } } }}
--- request eval
"GET /" . join('/', map { "segment$_" } 1 .. 30) . "/77"
--- response_body: id=77


=== TEST 37: a path of more than 64 segments
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/deep/{first}/{*rest}" },
    "responseOverrides": { "response.body": "{first} {rest}" } } } }
--- request eval
"GET /deep/" . join('/', 1 .. 100) . "/"
--- response_body eval
"1 " . join('/', 2 .. 100) . "/"


=== TEST 38: methods are compared case-insensitively
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/m", "methods": ["get"] },
    "responseOverrides": { "response.headers.X-Proxy": "p" } } } }
--- request
GET /m
--- response_headers
X-Proxy: p


=== TEST 39: an unlisted method gives 404, not 405
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/m", "methods": ["POST"] },
    "responseOverrides": { "response.headers.X-Proxy": "p" } } } }
--- request
GET /m
--- error_code: 404


=== TEST 40: a method nginx does not know is compared by name
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/m",
                                          "methods": ["PURGE"] },
    "responseOverrides": { "response.headers.X-Proxy": "p" } } } }
--- request
PURGE /m
--- response_headers
X-Proxy: p


=== TEST 41: many literal children (a hashed node), decoded and any case
--- proxies eval
my @p = map { qq{"p$_": { "matchCondition": { "route": "/r$_" },
    "responseOverrides": { "response.headers.X-Proxy": "p$_" } }} } 0 .. 49;
push @p, qq{"long": { "matchCondition": { "route": "/@{['l' x 300]}" },
    "responseOverrides": { "response.headers.X-Proxy": "long" } }};
'{ "proxies": {' . join(',', @p) . '} }'
--- request
GET /%52%337
--- response_headers
X-Proxy: p37


=== TEST 42: a literal longer than a hash key next to a hashed node
--- proxies eval
my @p = map { qq{"p$_": { "matchCondition": { "route": "/r$_" },
    "responseOverrides": { "response.headers.X-Proxy": "p$_" } }} } 0 .. 49;
push @p, qq{"long": { "matchCondition": { "route": "/@{['l' x 300]}" },
    "responseOverrides": { "response.headers.X-Proxy": "long" } }};
'{ "proxies": {' . join(',', @p) . '} }'
--- request eval
"GET /" . ('L' x 300)
--- response_headers
X-Proxy: long


=== TEST 43: a literal absent from a hashed node
--- proxies eval
my @p = map { qq{"p$_": { "matchCondition": { "route": "/r$_" },
    "responseOverrides": { "response.headers.X-Proxy": "p$_" } }} } 0 .. 49;
'{ "proxies": {' . join(',', @p) . '} }'
--- request
GET /r50
--- error_code: 404


=== TEST 44: a bare "*" route matches everything
--- proxies
{ "proxies": { "Fallback": { "matchCondition": { "route": "*" },
    "responseOverrides": { "response.body": "path={path}" } } } }
--- request
GET /any/thing
--- response_body: path=any/thing


=== TEST 45: a bare "*" route is warned about (nginx -t output)
--- proxies
{ "proxies": { "Fallback": { "matchCondition": { "route": "*" } } } }
--- config
location / { proxies $PROXIES; }
location /other/ { proxies $SERVROOT/missing-on-purpose.json; }
--- must_die
--- error_log
[warn]
proxy "Fallback", field "matchCondition.route": route "*" is read as "/{*path}", which matches every path


=== TEST 46: a route starting with "admin" works
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/Administrator/{x}" },
    "responseOverrides": { "response.body": "x={x}" } } } }
--- request
GET /administrator/1
--- response_body: x=1


=== TEST 47: a route starting with "admin" is warned about
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/Administrator/{x}" } } } }
--- config
location / { proxies $PROXIES; }
location /other/ { proxies $SERVROOT/missing-on-purpose.json; }
--- must_die
--- error_log
route "/Administrator/{x}" starts with "admin": Azure Functions refuses it as a conflict with built-in routes, nginx serves it


=== TEST 48: the match is traced in the debug log
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a/{id}" },
    "responseOverrides": { "response.body": "id={id}" } } } }
--- request
GET /a/1
--- response_body: id=1
--- error_log
proxies match "/a/1": proxy "p" route "/a/{id}"


=== TEST 49: invalid: "?" in a route
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/add?a={a}" } } } }
--- must_die
--- error_log_like: proxy "p", field "matchCondition.route": "\?" in route "/add\?a=\{a\}": a route cannot contain a query string


=== TEST 50: invalid: "#" in a route
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a#b" } } } }
--- must_die
--- error_log_like: field "matchCondition.route": "#" in route "/a#b"


=== TEST 51: invalid: unclosed brace
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a/{id" } } } }
--- must_die
--- error_log_like: field "matchCondition.route": unbalanced braces in route segment "\{id"


=== TEST 52: invalid: closing brace without an opening one
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a/id}/b" } } } }
--- must_die
--- error_log_like: unbalanced braces in route segment "id\}"


=== TEST 53: invalid: empty parameter name
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a/{}" } } } }
--- must_die
--- error_log_like: parameter "\{\}" has an empty name


=== TEST 54: invalid: empty catch-all name
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a/{*}" } } } }
--- must_die
--- error_log_like: parameter "\{\*\}" has an empty name


=== TEST 55: invalid: duplicate parameter names, ignoring case
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a/{id}/{ID}" } } } }
--- must_die
--- error_log_like: duplicate parameter name "ID" in route "/a/\{id\}/\{ID\}"


=== TEST 56: invalid: catch-all not last
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a/{*rest}/b" } } } }
--- must_die
--- error_log_like: catch-all parameter "\{\*rest\}" must be the last segment


=== TEST 57: invalid: inline constraint
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a/{id:int}" } } } }
--- must_die
--- error_log_like: proxy "p", field "matchCondition.route": parameter "\{id:int\}": inline constraints are not supported by Azure Functions Proxies


=== TEST 58: invalid: constraint with a slash and braces in it
--- proxies
{ "proxies": { "p": { "matchCondition":
    { "route": "/a/{id:regex(^a/\\d{{3}}$)}/b" } } } }
--- must_die
--- error_log_like: inline constraints are not supported by Azure Functions Proxies


=== TEST 59: invalid: optional parameter
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a/{id?}" } } } }
--- must_die
--- error_log_like: parameter "\{id\?\}": optional parameters are not supported by Azure Functions Proxies


=== TEST 60: invalid: default value
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a/{id=5}" } } } }
--- must_die
--- error_log_like: parameter "\{id=5\}": default values are not supported by Azure Functions Proxies


=== TEST 61: invalid: "{**x}"
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a/{**rest}" } } } }
--- must_die
--- error_log_like: parameter "\{\*\*rest\}": "\{\*\*name\}" is ASP.NET Core syntax, not supported by Azure Functions Proxies


=== TEST 62: invalid: parameter name
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a/{1x}" } } } }
--- must_die
--- error_log_like: invalid parameter name "\{1x\}"


=== TEST 63: invalid: parameter name with a dot
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a/{request.method}" } } } }
--- must_die
--- error_log_like: invalid parameter name "\{request.method\}"


=== TEST 64: invalid: adjacent parameters
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a/{x}{y}" } } } }
--- must_die
--- error_log_like: route segment "\{x\}\{y\}": parameters must be separated by literal text


=== TEST 65: invalid: catch-all inside a complex segment
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a/x-{*y}" } } } }
--- must_die
--- error_log_like: route segment "x-\{\*y\}": a catch-all parameter must be a whole segment


=== TEST 66: invalid: dot segment in a route
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a/../b" } } } }
--- must_die
--- error_log_like: route segment "\.\." is a dot segment


=== TEST 67: invalid: control character in a route
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a\tb" } } } }
--- must_die
--- error_log_like: control character 0x09 in route


=== TEST 68: invalid route names the file and the nginx.conf line
--- proxies
{ "proxies": {
    "ok": { "matchCondition": { "route": "/ok" } },
    "bad one": { "matchCondition": { "route": "/a/{id:int}" } } } }
--- must_die
--- error_log_like: proxies: ".*proxies\.json": proxy "bad one", field "matchCondition\.route": .* in .*nginx\.conf:\d+
