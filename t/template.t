# The value template language (spec section 7) and backendUri (sections
# 4.3, 8.1, 8.2): escaping layers, app settings, variables, and how a
# value is encoded for the place it goes to, seen by a recording backend.

use lib 't/lib';
use ProxiesTest;

run_tests();

__DATA__

=== TEST 1: brace layer: the host's own test, {{{b}}}{{123}}{1} -> {}{123}
--- proxies
{ "proxies": { "m": { "matchCondition": { "route": "/b" },
    "responseOverrides": { "response.body": "{\"test\":\"{{{b}}}{{123}}{1}\"}" } } } }
--- request
GET /b
--- response_body: {"test":"{}{123}"}


=== TEST 2: brace layer: "{ " and "{\"" are literal, {foo} vanishes
--- proxies
{ "proxies": { "m": { "matchCondition": { "route": "/b" },
    "responseOverrides": { "response.body": "{ \"error/{foo}\": \"bar\"} {x y} {} }{ {{ \\\"TEST\\\":0 }}" } } } }
--- request
GET /b
--- response_body: { "error/": "bar"} {x y} {} }{ { "TEST":0 }


=== TEST 3: backslash layer: \\ and \" only, other pairs kept
--- proxies
{ "proxies": { "m": { "matchCondition": { "route": "/b" },
    "responseOverrides": { "response.body": "a\\\\b \\\"q\\\" c:\\temp \"bare\"" } } } }
--- request
GET /b
--- response_body: a\b "q" c:\temp "bare"


=== TEST 4: app settings from the directive and from the environment
--- http_config
proxies_app_setting GREETING hello;
proxies_app_setting Blog.Storage blog;
--- env
FROM_ENV=world
--- proxies
{ "proxies": { "m": { "matchCondition": { "route": "/s/{name}" },
    "responseOverrides": {
        "response.body": "%GREETING%, %FROM_ENV% {name} %Blog.Storage%",
        "response.headers.X-Setting": "%GREETING%" } } } }
--- request
GET /s/x
--- response_headers
X-Setting: hello
--- response_body: hello, world x blog


=== TEST 5: undefined settings and percent-encodings stay as written
--- proxies
{ "proxies": { "m": { "matchCondition": { "route": "/s" },
    "responseOverrides": { "response.body": "caf%C3%A9%20x 100% %NOPE% %a b%" } } } }
--- request
GET /s
--- response_body: caf%C3%A9%20x 100% %NOPE% %a b%


=== TEST 6: a setting's value is not scanned again
--- http_config
proxies_app_setting RAW "{name} %OTHER% \\\\";
proxies_app_setting OTHER other;
--- proxies
{ "proxies": { "m": { "matchCondition": { "route": "/s/{name}" },
    "responseOverrides": { "response.body": "%RAW%|{name}" } } } }
--- request
GET /s/v
--- response_body: {name} %OTHER% \\|v


=== TEST 7: route parameters are found in any case; unknown names are empty
--- proxies
{ "proxies": { "m": { "matchCondition": { "route": "/u/{UserId}" },
    "responseOverrides": {
        "response.body": "[{userid}][{USERID}][{nope}][{request.nope}][{request.headers.}]" } } } }
--- request
GET /u/42
--- response_body: [42][42][][][]


=== TEST 8: request headers: any case, repeats joined with ","
--- proxies
{ "proxies": { "m": { "matchCondition": { "route": "/h" },
    "responseOverrides": {
        "response.body": "{request.headers.x-multi}|{request.headers.X-NONE}|{Request.Method}" } } } }
--- request
PATCH /h
--- more_headers
X-Multi: a
X-Multi: b, c
--- response_body: a,b, c||PATCH


=== TEST 9: query parameters: form-decoded, any case, repeats joined
--- proxies
{ "proxies": { "m": { "matchCondition": { "route": "/q" },
    "responseOverrides": {
        "response.body": "{request.querystring.q}|{request.querystring.e}|{request.querystring.none}" } } } }
--- request
GET /q?q=1&Q=a+b&q=%C3%A9%26&%71=z&e
--- response_body: 1,a b,é&,z||


=== TEST 10: a route parameter goes into the path as the client wrote it
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/p/{*rest}" },
                      "backendUri": "http://$BACKEND/x/{rest}" } } }
--- request
GET /p/a%20b/caf%C3%A9/x%2Fy/%2f/~!$&'()*+,;=:@
--- backend_request
GET /x/a%20b/caf%C3%A9/x%2Fy/%2f/~!$&'()*+,;=:@


=== TEST 11: proxies_decode_slashes turns %2F inside a value into /
--- http_config
proxies_decode_slashes on;
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/p/{*rest}" },
                      "backendUri": "http://$BACKEND/x/{rest}" } } }
--- request
GET /p/a%2Fb/c%2fd/e%20f
--- backend_request
GET /x/a/b/c/d/e%20f


=== TEST 12: other values in the path are encoded as one segment
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/p" },
                      "backendUri": "http://$BACKEND/h/{request.headers.X-A}/{request.querystring.v}" } } }
--- request
GET /p?v=%2F%25+%C3%A9
--- more_headers
X-A: a b/c?d#e:@!
--- backend_request
GET /h/a%20b%2Fc%3Fd%23e:@!/%2F%25%20%C3%A9?v=%2F%25+%C3%A9


=== TEST 13: values in the query are encoded as a query component
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/p/{id}" },
                      "backendUri": "http://$BACKEND/q?v={request.headers.X-A}&id={id}&lit=a%20b" } } }
--- request
GET /p/a%26b
--- more_headers
X-A: a b&c=d+e/é
--- backend_request
GET /q?v=a%20b%26c%3Dd%2Be%2F%C3%A9&id=a%26b&lit=a%20b


=== TEST 14: query merge: backendUri query, raw client query, overrides
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/p" },
    "backendUri": "http://$BACKEND/q?a=1",
    "requestOverrides": {
        "backend.request.querystring.B": "x y&{request.querystring.c}",
        "backend.request.querystring.new": "",
        "backend.request.querystring.a": "2" } } } }
--- request
GET /p?b=first&c=%2B3&b=second&d=%7e+x
--- backend_request
GET /q?a=2&B=x%20y%26%2B3&c=%2B3&d=%7e+x&new=


=== TEST 15: a backendUri made of app settings, with the query from one
--- http_config
proxies_app_setting WEB_HOST http://$BACKEND;
proxies_app_setting SITE_SAS "sv=2019&sig=a%2Bb";
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/{*path}" },
                      "backendUri": "%WEB_HOST%/index.html?%SITE_SAS%" } } }
--- request
GET /anything?x=1
--- backend_request
GET /index.html?sv=2019&sig=a%2Bb&x=1


=== TEST 16: fragment dropped, empty catch-all gives "/", static path kept
--- proxies
{ "proxies": {
    "a": { "matchCondition": { "route": "/graph/{*r}" },
           "backendUri": "http://$BACKEND/{r}#top" },
    "b": { "matchCondition": { "route": "/static/{*r}" },
           "backendUri": "http://$BACKEND/fixed" } } }
--- request
GET /graph
--- backend_request
GET /


=== TEST 17: the client path is not appended to a static backendUri
--- proxies
{ "proxies": { "b": { "matchCondition": { "route": "/static/{*r}" },
                      "backendUri": "HTTP://$BACKEND/fixed" } } }
--- request
GET /static/a/b?z=1
--- backend_request
GET /fixed?z=1


=== TEST 18: refused: a placeholder in backendUri
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/p" },
                      "backendUri": "https://<YOUR_STORAGE_URL>/api" } } }
--- must_die
--- error_log_like
proxies: ".*proxies.json": proxy "p", field "backendUri": backendUri "https://<YOUR_STORAGE_URL>/api" has "<" or ">" \(a placeholder such as <YOUR_URL> must be replaced\)


=== TEST 19: refused: a template variable in the host
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/p/{h}" },
                      "backendUri": "https://{h}.example.com/api" } } }
--- must_die
--- error_log_like
field "backendUri": backendUri "https://\{h\}.example.com/api": template variables are not allowed in the scheme or the host


=== TEST 20: refused: no scheme
--- proxies
{ "proxies": {
    "a": { "matchCondition": { "route": "/a" }, "backendUri": "www.example.com/x" } } }
--- must_die
--- error_log_like
proxy "a", field "backendUri": backendUri "www.example.com/x" is not an absolute URL: it must start with "http://" or "https://"


=== TEST 21: refused: ftp scheme
--- proxies
{ "proxies": {
    "b": { "matchCondition": { "route": "/b" }, "backendUri": "ftp://example.com/x" } } }
--- must_die
--- error_log_like
proxy "b", field "backendUri": backendUri "ftp://example.com/x": scheme "ftp" is not supported, use http or https


=== TEST 22: refused: a raw space
--- proxies
{ "proxies": {
    "c": { "matchCondition": { "route": "/c" }, "backendUri": "http://example.com/a b" } } }
--- must_die
--- error_log_like
proxy "c", field "backendUri": backendUri "http://example.com/a b" has a raw space \(write it as %20\)


=== TEST 23: refused: raw non-ASCII text
--- proxies
{ "proxies": {
    "d": { "matchCondition": { "route": "/d" }, "backendUri": "http://example.com/café" } } }
--- must_die
--- error_log_like
proxy "d", field "backendUri": .* has raw non-ASCII text \(percent-encode it\)


=== TEST 24: refused: an undefined setting is named
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/p" },
                      "backendUri": "%WEB_HOST%/index.html" } } }
--- must_die
--- error_log_like
proxy "p", field "backendUri": backendUri "%WEB_HOST%/index.html" is not an absolute URL: .* \(app setting "WEB_HOST" is not defined\)


=== TEST 25: refused: an undefined setting in the host is named
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/p" },
                      "backendUri": "https://%ORDER_HOST%/api/orders" } } }
--- must_die
--- error_log_like
field "backendUri": backendUri "https://%ORDER_HOST%/api/orders" has "%" not followed by two hex digits in the host \(app setting "ORDER_HOST" is not defined\)


=== TEST 26: refused: the setting that produced a bad value is named
--- http_config
proxies_app_setting ORDER_HOST "orders.example.com/a b";
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/p" },
                      "backendUri": "https://%ORDER_HOST%/api" } } }
--- must_die
--- error_log_like
field "backendUri": backendUri "https://orders.example.com/a b/api" has a raw space \(write it as %20\) \(from app setting "ORDER_HOST"\)


=== TEST 27: refused: a bad port
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/p" },
                      "backendUri": "http://example.com:99999/api" } } }
--- must_die
--- error_log_like
backendUri "http://example.com:99999/api": invalid port


=== TEST 28: warnings: unknown variables, backend variables too early, settings, backslashes
--- proxies
{ "proxies": {
    "w": { "matchCondition": { "route": "/w/{id}" },
           "backendUri": "http://127.0.0.1:1/{backend.response.statusCode}/{nope}",
           "requestOverrides": { "backend.request.headers.X-A": "%UNDEFINED_NAME% c:\\temp" },
           "responseOverrides": { "response.body": "{request.header.X}" } },
    "z": { "matchCondition": { "route": "/z" }, "backendUri": "nope" } } }
--- must_die
--- error_log_like
\[warn\] .*proxy "w", field "backendUri": "\{backend.response.statusCode\}" has no value before the backend is called and is replaced by an empty string
\[warn\] .*proxy "w", field "backendUri": "\{nope\}" is not a parameter of the route and is replaced by an empty string
\[warn\] .*proxy "w", field ".*X-A": app setting "UNDEFINED_NAME" is not defined; "%UNDEFINED_NAME%" is kept as written
\[warn\] .*proxy "w", field ".*X-A": "\\t" is kept as written
\[warn\] .*proxy "w", field ".*response.body": unknown variable "\{request.header.X\}" is replaced by an empty string; did you mean "\{request.headers.X\}"\?


=== TEST 29: refused: user information
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/p" },
                      "backendUri": "http://user:pw@example.com/api" } } }
--- must_die
--- error_log_like
backendUri "http://user:pw@example.com/api": user information \("user@"\) is not supported


=== TEST 30: scheme in any case, a port, a query of sub-delims and "?"
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/p" },
                      "backendUri": "Http://127.0.0.1:$BACKEND_PORT/v?x=a/b?c&d=$!*" } } }
--- request
GET /p
--- backend_request
GET /v?x=a/b?c&d=$!*


=== TEST 31: refused: "[" outside the host
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/p" },
                      "backendUri": "http://example.com/v?x=[1]" } } }
--- must_die
--- error_log_like
backendUri "http://example.com/v\?x=\[1\]" has the invalid character "\["


=== TEST 32: a value of "." or ".." in a path stays one segment
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/p" },
                      "backendUri": "http://$BACKEND/files/{request.querystring.a}/{request.querystring.b}/x/{request.querystring.c}" } } }
--- request
GET /p?a=..&b=.&c=...
--- backend_request
GET /files/%2E%2E/%2E/x/...?a=..&b=.&c=...
