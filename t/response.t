# responseOverrides on a backend's response (spec section 11): status,
# reason, headers, bodies, and the backend.* variables.

use lib 't/lib';
use ProxiesTest;

run_tests();

__DATA__

=== TEST 1: the backend's response is copied when nothing is overridden
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/r" },
                      "backendUri": "http://$BACKEND/r" } } }
--- request
GET /r
--- backend_response
HTTP/1.1 201 Created
Content-Type: text/csv
Set-Cookie: a=1; Path=/
Set-Cookie: b=2; Path=/
X-From-Backend: yes

a,b
--- error_code: 201
--- response_headers
Content-Type: text/csv
Set-Cookie: a=1; Path=/
Set-Cookie: b=2; Path=/
X-From-Backend: yes
--- response_body: a,b


=== TEST 2: status and headers: set, replace every instance, remove
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/r" },
    "backendUri": "http://$BACKEND/r",
    "responseOverrides": {
        "response.statusCode": "202",
        "response.headers.x-new": "new",
        "response.headers.X-Multi": "one",
        "response.headers.X-Remove": "",
        "response.headers.Server": "",
        "response.headers.Content-Type": "application/xml" } } } }
--- request
GET /r
--- backend_response
HTTP/1.1 200 OK
Content-Type: text/plain
X-Multi: 1
X-Multi: 2
X-Remove: gone
Set-Cookie: a=1
Set-Cookie: b=2

body
--- error_code: 202
--- response_headers
x-new: new
X-Multi: one
!X-Remove
!Server
Content-Type: application/xml
Set-Cookie: a=1
Set-Cookie: b=2
--- response_body: body


=== TEST 3: Set-Cookie overridden: one value replaces all (seen by a hop)
--- proxies
{ "proxies": {
    "outer": { "matchCondition": { "route": "/outer" },
               "backendUri": "http://127.0.0.1:$PORT/r",
               "responseOverrides": {
                   "response.headers.X-Cookies": "{backend.response.headers.Set-Cookie}" } },
    "p": { "matchCondition": { "route": "/r" },
           "backendUri": "http://$BACKEND/r",
           "responseOverrides": { "response.headers.set-cookie": "only=1" } } } }
--- request
GET /outer
--- backend_response
HTTP/1.1 200 OK
Set-Cookie: a=1
Set-Cookie: b=2

body
--- response_headers
Set-Cookie: only=1
X-Cookies: only=1
--- response_body: body


=== TEST 4: a string body replaces the backend's, framing headers go
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/r/{id}" },
    "backendUri": "http://$BACKEND/r",
    "responseOverrides": { "response.body": "item {id}" } } } }
--- request
GET /r/7
--- backend_response
HTTP/1.1 200 OK
Content-Type: text/html
ETag: "abc"
Accept-Ranges: bytes
Content-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==
X-Keep: yes

<html>the original body, which is longer than the new one</html>
--- response_headers
Content-Type: text/html
Content-Length: 6
!ETag
!Accept-Ranges
!Content-MD5
X-Keep: yes
--- response_body: item 7


=== TEST 5: a large backend body is swallowed, the new body sent once
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/r" },
    "backendUri": "http://$BACKEND/big",
    "responseOverrides": { "response.body": "small" } } } }
--- request
GET /r
--- backend_response eval
"HTTP/1.1 200 OK\nContent-Type: application/octet-stream\n\n" . ("x" x 300000)
--- response_headers
Content-Length: 5
--- response_body: small


=== TEST 6: ... also with proxy_buffering off
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/r" },
    "backendUri": "http://$BACKEND/big",
    "responseOverrides": { "response.body": "small" } } } }
--- config
location / { proxies $PROXIES; proxy_buffering off; }
--- request
GET /r
--- backend_response eval
"HTTP/1.1 200 OK\nContent-Type: application/octet-stream\n\n" . ("y" x 300000)
--- response_body: small


=== TEST 7: a JSON body: substitution inside strings, JSON-escaped
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/r/{name}" },
    "backendUri": "http://$BACKEND/r",
    "responseOverrides": {
        "response.body": { "name": "{name}", "said": "{request.headers.X-Said}",
                           "status": "{backend.response.statusCode}",
                           "list": [ { "n": 1.5, "b": false, "z": null } ] } } } } }
--- request
GET /r/caf%C3%A9%20%22x%22
--- more_headers
X-Said: he said "hi" \ and	tab
--- backend_response
HTTP/1.1 404 Not Found
Content-Type: text/html
Content-Encoding: identity

not found
--- error_code: 404
--- response_headers
Content-Type: application/json
!Content-Encoding
--- response_body: {"name":"café \"x\"","said":"he said \"hi\" \\ and\ttab","status":"404","list":[{"n":1.5,"b":false,"z":null}]}


=== TEST 8: a JSON body keeps an explicit Content-Type override
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/r" },
    "backendUri": "http://$BACKEND/r",
    "responseOverrides": {
        "response.headers.Content-Type": "application/problem+json",
        "response.body": { "title": "x" } } } } }
--- request
GET /r
--- response_headers
Content-Type: application/problem+json
--- response_body: {"title":"x"}


=== TEST 9: backend.response.* variables, read before anything changes
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/r" },
    "backendUri": "http://$BACKEND/r",
    "responseOverrides": {
        "response.statusCode": "200",
        "response.headers.X-Status": "{backend.response.statusCode} {backend.response.statusReason}",
        "response.headers.X-Copy": "{backend.response.headers.x-from-backend}",
        "response.headers.X-Type": "{backend.response.headers.Content-Type}",
        "response.headers.X-Length": "{backend.response.headers.Content-Length}",
        "response.headers.X-Cookies": "{backend.response.headers.Set-Cookie}",
        "response.headers.X-From-Backend": "changed",
        "response.headers.X-Missing": "{backend.response.headers.X-None}" } } } }
--- request
GET /r
--- backend_response
HTTP/1.1 418 Short And Stout
Content-Type: text/plain
X-From-Backend: yes
Set-Cookie: a=1
Set-Cookie: b=2

0123456789
--- error_code: 200
--- response_headers
X-Status: 418 Short And Stout
X-Copy: yes
X-Type: text/plain
X-Length: 10
X-Cookies: a=1,b=2
X-From-Backend: changed
!X-Missing
--- response_body: 0123456789


=== TEST 10: backend.request.* variables: the request as sent
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/r" },
    "backendUri": "http://$BACKEND/r?from=uri",
    "requestOverrides": {
        "backend.request.method": "PUT",
        "backend.request.headers.X-Sent": "abc",
        "backend.request.querystring.z": "9" },
    "responseOverrides": {
        "response.headers.X-BR": "{backend.request.method} {backend.request.headers.x-sent} {backend.request.querystring.Z} {backend.request.querystring.from} {request.method}" } } } }
--- request
GET /r?q=1
--- backend_request
PUT /r?from=uri&q=1&z=9
--- response_headers
X-BR: PUT abc 9 uri GET


=== TEST 11: a templated status that is not a status code gives 500
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/r" },
    "backendUri": "http://$BACKEND/r",
    "responseOverrides": {
        "response.statusCode": "{request.headers.X-Status}",
        "response.body": "not this" } } } }
--- request
GET /r
--- more_headers
X-Status: 2000
--- error_code: 500
--- response_body_like: 500 Internal Server Error
--- error_log
proxies: proxy "p": "response.statusCode" evaluated to "2000", not a status code from 100 to 599


=== TEST 12: a templated status that is one
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/r" },
    "backendUri": "http://$BACKEND/r",
    "responseOverrides": { "response.statusCode": "{request.headers.X-Status}" } } } }
--- request
GET /r
--- more_headers
X-Status: 203
--- error_code: 203
--- response_body: backend ok
--- no_error_log
[error]


=== TEST 13: HEAD: the new length, no body
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/r" },
    "backendUri": "http://$BACKEND/r",
    "responseOverrides": { "response.body": "replaced!" } } } }
--- request
HEAD /r
--- backend_request
HEAD /r
--- response_headers
Content-Length: 9
--- response_body eval
""


=== TEST 14: the reason phrase reaches the wire (seen by a second hop)
--- proxies
{ "proxies": {
    "outer": { "matchCondition": { "route": "/outer" },
               "backendUri": "http://127.0.0.1:$PORT/inner",
               "responseOverrides": {
                   "response.headers.X-Reason": "{backend.response.statusReason}",
                   "response.headers.X-Inner": "{backend.response.headers.X-Inner}" } },
    "inner": { "matchCondition": { "route": "/inner" },
               "responseOverrides": { "response.statusCode": 201,
                                      "response.statusReason": "test",
                                      "response.headers.X-Inner": "1" } } } }
--- request
GET /outer
--- error_code: 201
--- response_headers
X-Reason: test
X-Inner: 1


=== TEST 15: a reason alone keeps the backend's status
--- proxies
{ "proxies": {
    "outer": { "matchCondition": { "route": "/outer" },
               "backendUri": "http://127.0.0.1:$PORT/inner",
               "responseOverrides": {
                   "response.headers.X-Reason": "{backend.response.statusReason}" } },
    "inner": { "matchCondition": { "route": "/inner" },
               "backendUri": "http://$BACKEND/x",
               "responseOverrides": { "response.statusReason": "Made {request.method}" } } } }
--- request
GET /outer
--- backend_response
HTTP/1.1 206 Partial Content
Content-Range: bytes 0-1/10

ab
--- error_code: 206
--- response_headers
X-Reason: Made GET
--- response_body: ab


=== TEST 16: a Location header from the backend is passed on unchanged
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/r" },
                      "backendUri": "http://$BACKEND/r" } } }
--- request
GET /r
--- backend_response
HTTP/1.1 302 Found
Location: /login?next=%2Fr

--- error_code: 302
--- response_headers
Location: /login?next=%2Fr


=== TEST 17: Location, Cache-Control, ETag and Last-Modified overridden
--- proxies
{ "proxies": {
    "outer": { "matchCondition": { "route": "/outer" },
               "backendUri": "http://127.0.0.1:$PORT/r",
               "responseOverrides": {
                   "response.headers.X-CC": "{backend.response.headers.Cache-Control}" } },
    "p": { "matchCondition": { "route": "/r" },
    "backendUri": "http://$BACKEND/r",
    "responseOverrides": {
        "response.headers.Location": "/relative",
        "response.headers.Cache-Control": "no-cache",
        "response.headers.ETag": "\"v2\"",
        "response.headers.Last-Modified": "" } } } }
--- request
GET /outer
--- backend_response
HTTP/1.1 302 Found
Location: http://elsewhere/
Cache-Control: max-age=60
Cache-Control: public
ETag: "v1"
Last-Modified: Mon, 01 Jan 2024 00:00:00 GMT

--- error_code: 302
--- response_headers
Location: /relative
Cache-Control: no-cache
X-CC: no-cache
ETag: "v2"
!Last-Modified


=== TEST 18: Content-Length and Transfer-Encoding overrides are ignored
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/r" },
    "backendUri": "http://$BACKEND/r",
    "responseOverrides": {
        "response.headers.Content-Length": "888",
        "response.headers.Transfer-Encoding": "gzip" } } } }
--- request
GET /r
--- response_headers
Content-Length: 10
!Transfer-Encoding
--- response_body: backend ok


=== TEST 19: a header value that comes out empty removes the header
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/r" },
    "backendUri": "http://$BACKEND/r",
    "responseOverrides": {
        "response.headers.X-Echo": "{request.headers.X-In}",
        "response.headers.X-Date": "",
        "response.headers.Date": "" } } } }
--- request
GET /r
--- response_headers
!X-Echo
!Date
--- response_body: backend ok


=== TEST 20: an empty body override sends an empty body
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/r" },
    "backendUri": "http://$BACKEND/r",
    "responseOverrides": { "response.body": "" } } } }
--- request
GET /r
--- response_headers
Content-Length: 0
--- response_body eval
""


=== TEST 21: a backend error status still gets the overrides
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/r" },
    "backendUri": "http://$BACKEND/r",
    "responseOverrides": { "response.headers.X-Seen": "{backend.response.statusCode}" } } } }
--- request
GET /r
--- backend_response
HTTP/1.1 503 Service Unavailable
Retry-After: 5

down
--- error_code: 503
--- response_headers
X-Seen: 503
Retry-After: 5
--- response_body: down


=== TEST 22: a Content-Type with parameters gets no second charset
--- http_config
charset utf-8;
--- proxies
{ "proxies": {
    "a": { "matchCondition": { "route": "/a" },
           "responseOverrides": { "response.body": "a",
               "response.headers.Content-Type": "text/plain; charset=iso-8859-1" } },
    "b": { "matchCondition": { "route": "/b" },
           "responseOverrides": { "response.body": "b",
               "response.headers.Content-Type": "text/plain" } } } }
--- request
GET /a
--- response_headers
Content-Type: text/plain; charset=iso-8859-1
--- response_body: a


=== TEST 23: ... and one without parameters gets the configured charset
--- http_config
charset utf-8;
--- proxies
{ "proxies": {
    "b": { "matchCondition": { "route": "/b" },
           "responseOverrides": { "response.body": "b",
               "response.headers.Content-Type": "text/plain" } } } }
--- request
GET /b
--- response_headers
Content-Type: text/plain; charset=utf-8
--- response_body: b


=== TEST 24: a local chain: the inner proxy's overrides apply first
--- proxies
{ "proxies": {
    "outer": { "matchCondition": { "route": "/a/{x}" },
               "backendUri": "http://localhost/b/{x}",
               "responseOverrides": {
                   "response.headers.X-Order": "{backend.response.headers.X-Order}-outer-{x}",
                   "response.headers.X-Inner-Status": "{backend.response.statusCode}",
                   "response.statusCode": "200" } },
    "inner": { "matchCondition": { "route": "/b/{y}" },
               "responseOverrides": {
                   "response.statusCode": "202",
                   "response.headers.X-Order": "inner-{y}",
                   "response.body": "from inner {y}" } } } }
--- request
GET /a/1
--- error_code: 200
--- response_headers
X-Order: inner-1-outer-1
X-Inner-Status: 202
--- response_body: from inner 1


=== TEST 25: a local call to a function location: its body replaced
--- proxies
{ "proxies": { "fn": { "matchCondition": { "route": "/hello/{name}" },
                       "backendUri": "http://localhost/api/greet",
                       "responseOverrides": {
                           "response.body": { "greeting": "{backend.response.headers.X-Fn} {name}" } } } } }
--- config
location / { proxies $PROXIES; }
location /api/ { proxy_pass http://$BACKEND; }
--- backend_response
HTTP/1.1 200 OK
X-Fn: hi

a long function body
--- request
GET /hello/you
--- backend_request
GET /api/greet
--- response_headers
Content-Type: application/json
--- response_body: {"greeting":"hi you"}


=== TEST 26: a function location's add_header is part of its response
--- proxies
{ "proxies": { "fn": { "matchCondition": { "route": "/hello" },
                       "backendUri": "http://localhost/api/greet",
                       "responseOverrides": {
                           "response.headers.X-Copy": "{backend.response.headers.X-Fn}",
                           "response.headers.X-Fn": "" } } } }
--- config
location / { proxies $PROXIES; }
location /api/ { add_header X-Fn hi; return 200 "fn"; }
--- request
GET /hello
--- response_headers
X-Copy: hi
!X-Fn
--- response_body: fn


=== TEST 27: the replaced body goes through gzip afterwards
--- http_config
gzip on;
gzip_min_length 1;
gzip_types text/plain;
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/r" },
    "backendUri": "http://$BACKEND/r",
    "responseOverrides": { "response.body": "hello hello hello hello" } } } }
--- request
GET /r
--- more_headers
Accept-Encoding: gzip
--- backend_response
HTTP/1.1 200 OK
Content-Type: text/plain
Content-Encoding: br

brotli bytes
--- response_headers
Content-Encoding: gzip
!Content-Length
--- response_body_like: ^\x1f\x8b


=== TEST 28: a backend that cannot be reached gives 502, not overridden
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/r" },
    "backendUri": "http://127.0.0.1:1/r",
    "responseOverrides": { "response.statusCode": "200",
                           "response.headers.X-Over": "yes",
                           "response.body": "mock" } } } }
--- request
GET /r
--- error_code: 502
--- response_headers
!X-Over
--- response_body_like: 502 Bad Gateway


=== TEST 29: a backend that is too slow gives 504, not overridden
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/r" },
    "backendUri": "http://$BACKEND/r",
    "responseOverrides": { "response.headers.X-Over": "yes" } } } }
--- config
location / { proxies $PROXIES; proxy_read_timeout 1s; }
--- backend_delay: 3
--- request
GET /r
--- error_code: 504
--- response_headers
!X-Over
