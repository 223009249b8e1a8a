# Proxies without backendUri (spec section 11.4): mocks and redirects.

use lib 't/lib';
use ProxiesTest;

run_tests();

__DATA__

=== TEST 1: a proxy without backendUri answers 200, no body, no type
--- proxies
{ "proxies": { "m": { "matchCondition": { "route": "/mock" } } } }
--- request
GET /mock
--- error_code: 200
--- response_headers
Content-Length: 0
!Content-Type
--- response_body eval
""
--- no_error_log
[warn]


=== TEST 2: a mock with a string body and a content type
--- proxies
{ "proxies": { "m": {
    "matchCondition": { "route": "/hello/{name}" },
    "responseOverrides": {
        "response.body": "Hello, {name}",
        "response.headers.Content-Type": "text/plain; charset=utf-8" } } } }
--- request
GET /hello/world
--- response_headers
Content-Type: text/plain; charset=utf-8
Content-Length: 12
--- response_body: Hello, world


=== TEST 3: redirect recipe: 301 and Location
--- proxies
{ "proxies": { "r": {
    "matchCondition": { "route": "/old/{*rest}" },
    "responseOverrides": {
        "response.statusCode": "301",
        "response.headers.Location": "https://example.com/new/{rest}" } } } }
--- request
GET /old/a/b
--- error_code: 301
--- response_headers
Location: https://example.com/new/a/b


=== TEST 4: a 302 with a relative Location is sent as written
--- proxies
{ "proxies": { "r": {
    "matchCondition": { "route": "/go" },
    "responseOverrides": {
        "response.statusCode": 302,
        "response.headers.Location": "/somewhere?x=1" } } } }
--- request
GET /go
--- error_code: 302
--- response_headers
Location: /somewhere?x=1


=== TEST 5: HEAD on a mock: headers and length, no body
--- proxies
{ "proxies": { "m": {
    "matchCondition": { "route": "/m" },
    "responseOverrides": { "response.body": "twelve bytes" } } } }
--- request
HEAD /m
--- response_headers
Content-Length: 12
--- response_body eval
""


=== TEST 6: a JSON object body is serialized and typed
--- proxies
{ "proxies": { "m": {
    "matchCondition": { "route": "/api/users/{id}" },
    "responseOverrides": {
        "response.body": { "id": "{id}", "name": "User {id}", "n": 1,
                           "ok": true, "tags": ["a", "{id}"] } } } } }
--- request
GET /api/users/7
--- response_headers
Content-Type: application/json
--- response_body: {"id":"7","name":"User 7","n":1,"ok":true,"tags":["a","7"]}


=== TEST 7: a mock reads the request: method, headers, query
--- proxies
{ "proxies": { "m": {
    "matchCondition": { "route": "/echo" },
    "responseOverrides": {
        "response.body": "{request.method} {request.headers.X-A} {request.querystring.q}" } } } }
--- request
POST /echo?q=a+b%21
--- more_headers
X-A: one
--- request_body: ignored
--- response_body: POST one a b!


=== TEST 8: a mock's request body is read and discarded
--- proxies
{ "proxies": { "m": {
    "matchCondition": { "route": "/m" },
    "responseOverrides": { "response.statusCode": "202" } } } }
--- request
PUT /m
--- request_body eval
"x" x 100000
--- error_code: 202
--- response_body eval
""


=== TEST 9: status, reason and headers of a mock
--- proxies
{ "proxies": { "m": {
    "matchCondition": { "route": "/m" },
    "responseOverrides": {
        "response.statusCode": "418",
        "response.statusReason": "I'm a teapot",
        "response.headers.X-One": "1",
        "response.headers.Cache-Control": "no-store" } } } }
--- request
GET /m
--- error_code: 418
--- response_headers
X-One: 1
Cache-Control: no-store
--- response_body eval
""


=== TEST 10: methods split one route into a mock and a redirect
--- proxies
{ "proxies": {
    "get": { "matchCondition": { "route": "/x", "methods": ["GET"] },
             "responseOverrides": { "response.body": "get" } },
    "post": { "matchCondition": { "route": "/x", "methods": ["POST"] },
              "responseOverrides": { "response.statusCode": "303",
                                     "response.headers.Location": "/x" } } } }
--- request
POST /x
--- request_body: a=1
--- error_code: 303
--- response_headers
Location: /x


=== TEST 11: backend variables in a mock are empty
--- proxies
{ "proxies": { "m": {
    "matchCondition": { "route": "/m" },
    "responseOverrides": {
        "response.body": "[{backend.response.statusCode}{backend.request.method}]" } } } }
--- request
GET /m
--- response_body: []


=== TEST 12: ... with a warning at load time
--- proxies
{ "proxies": {
    "m": { "matchCondition": { "route": "/m" },
           "responseOverrides": {
               "response.body": "[{backend.response.statusCode}]" } },
    "z": { "matchCondition": { "route": "/z" }, "backendUri": "nope" } } }
--- must_die
--- error_log_like
\[warn\] .*proxy "m", field ".*response.body": "\{backend.response.statusCode\}" has no value in a proxy without "backendUri" and is replaced by an empty string


=== TEST 13: a mock inside a location prefix, several requests in a row
--- proxies
{ "proxies": { "m": {
    "matchCondition": { "route": "/api/ping" },
    "responseOverrides": { "response.body": "pong",
                           "response.headers.Content-Type": "text/plain" } } } }
--- config
location /api/ { proxies $PROXIES; }
--- request
GET /api/ping
--- response_headers
Content-Type: text/plain
Content-Length: 4
--- response_body: pong
