# The upstream path (spec section 8): what a backend on the network
# receives, and what comes back from it.

use lib 't/lib';
use ProxiesTest;

run_tests();

__DATA__

=== TEST 1: method, path and query (backendUri query, then the client's)
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/a/{id}" },
                      "backendUri": "http://$BACKEND/x/{id}?from=uri" } } }
--- request
POST /a/42?q=1&r=%20two
--- request_body: x
--- backend_request
POST /x/42?from=uri&q=1&r=%20two
--- response_body: backend ok
--- access_log
name=p backend=http://$BACKEND/x/42?from=uri&q=1&r=%20two


=== TEST 2: client headers are copied, repeats and order kept
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/h" },
                      "backendUri": "http://$BACKEND/h" } } }
--- request
GET /h
--- more_headers
X-Foo: bar
X-Multi: 1
X-Multi: 2
Cookie: a=1
User-Agent: proxies-test
--- backend_headers
X-Foo: bar
X-Multi: 1
X-Multi: 2
Cookie: a=1
User-Agent: proxies-test


=== TEST 3: hop-by-hop headers are removed, with those Connection names
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/h" },
                      "backendUri": "http://$BACKEND/h" } } }
--- request
GET /h
--- more_headers
Connection: close, X-Hop
X-Hop: 1
X-Keep: yes
Keep-Alive: timeout=5
Proxy-Connection: keep-alive
TE: trailers
Trailer: X-Sum
Upgrade: websocket
Proxy-Authorization: Basic dXNlcjpwYXNz
--- backend_headers
X-Keep: yes
!X-Hop
!Keep-Alive
!Proxy-Connection
!TE
!Trailer
!Upgrade
!Proxy-Authorization
Connection: close


=== TEST 4: X-Forwarded-For is appended to, Proto and Host are added
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/f" },
                      "backendUri": "http://$BACKEND/f" } } }
--- request
GET /f
--- more_headers
Host: shop.example.com
X-Forwarded-For: 10.0.0.1
--- backend_headers
X-Forwarded-For: 10.0.0.1, 127.0.0.1
X-Forwarded-Proto: http
X-Forwarded-Host: shop.example.com


=== TEST 5: X-Forwarded-For is created when the client sent none
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/f" },
                      "backendUri": "http://$BACKEND/f" } } }
--- request
GET /f
--- backend_headers
X-Forwarded-For: 127.0.0.1


=== TEST 5a: X-Forwarded-* named by Connection are dropped, then added
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/f" },
                      "backendUri": "http://$BACKEND/f" } } }
--- request
GET /f
--- more_headers
Host: shop.example.com
Connection: X-Forwarded-Proto, X-Forwarded-For
X-Forwarded-For: 10.0.0.1
X-Forwarded-Proto: https
X-Forwarded-Host: cdn.example.com
--- backend_headers
X-Forwarded-For:= 127.0.0.1
X-Forwarded-Proto:= http
X-Forwarded-Host:= cdn.example.com


=== TEST 5b: an override of X-Forwarded-* is the only value sent
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/f" },
                      "backendUri": "http://$BACKEND/f",
                      "requestOverrides": {
                          "backend.request.headers.X-Forwarded-For": "1.2.3.4",
                          "backend.request.headers.X-Forwarded-Proto": "https"
                      } } } }
--- request
GET /f
--- more_headers
X-Forwarded-For: 10.0.0.1
X-Forwarded-Proto: http
--- backend_headers
X-Forwarded-For:= 1.2.3.4
X-Forwarded-Proto:= https
X-Forwarded-Host:= localhost


=== TEST 6: proxies_forwarded_headers off adds nothing
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/f" },
                      "backendUri": "http://$BACKEND/f" } } }
--- config
location / { proxies $PROXIES; proxies_forwarded_headers off; }
--- request
GET /f
--- more_headers
X-Forwarded-For: 10.0.0.1
--- backend_headers
X-Forwarded-For: 10.0.0.1
!X-Forwarded-Proto
!X-Forwarded-Host


=== TEST 7: Host is the backend's authority, not the client's
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/h" },
                      "backendUri": "http://$BACKEND/h" } } }
--- request
GET /h
--- more_headers
Host: shop.example.com
--- backend_headers
Host: $BACKEND


=== TEST 8: a Host override is honoured
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/h" },
                      "backendUri": "http://$BACKEND/h",
                      "requestOverrides": {
                          "backend.request.headers.Host": "api.internal" } } } }
--- request
GET /h
--- backend_headers
Host: api.internal


=== TEST 9: the request body is forwarded
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/b" },
                      "backendUri": "http://$BACKEND/b" } } }
--- request
POST /b
--- more_headers
Content-Type: application/json
--- request_body
{"order": 42,
 "items": ["a", "b"]}
--- backend_body
{"order": 42,
 "items": ["a", "b"]}
--- backend_headers
Content-Type: application/json
Content-Length: 35


=== TEST 10: a chunked request body reaches the backend
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/b" },
                      "backendUri": "http://$BACKEND/b" } } }
--- request
PUT /b
--- more_headers
Transfer-Encoding: chunked
--- request_body: chunked payload
--- backend_request
PUT /b
--- backend_body: chunked payload
--- backend_headers
!Transfer-Encoding
Content-Length: 15


=== TEST 11: a method override keeps the body
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/m" },
                      "backendUri": "http://$BACKEND/m",
                      "requestOverrides": {
                          "backend.request.method": "PUT" } } } }
--- request
POST /m
--- request_body: data
--- backend_request
PUT /m
--- backend_body: data


=== TEST 12: HEAD is forwarded as HEAD
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/m" },
                      "backendUri": "http://$BACKEND/m" } } }
--- request
HEAD /m
--- backend_request
HEAD /m
--- response_body:


=== TEST 13: Expect is never forwarded
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/e" },
                      "backendUri": "http://$BACKEND/e" } } }
--- request
POST /e
--- more_headers
Expect: 100-continue
--- request_body: payload
--- backend_headers
!Expect
--- backend_body: payload


=== TEST 14: the backend's status, headers and body come back
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/r" },
                      "backendUri": "http://$BACKEND/r" } } }
--- request
GET /r
--- backend_response
HTTP/1.1 201 Created
Content-Type: application/json
X-From-Backend: yes
Set-Cookie: a=1
Set-Cookie: b=2

{"created": true}
--- error_code: 201
--- response_headers
Content-Type: application/json
X-From-Backend: yes
Set-Cookie: a=1
Set-Cookie: b=2
--- response_body: {"created": true}


=== TEST 15: redirects are not followed, Location is not rewritten
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/old" },
                      "backendUri": "http://$BACKEND/old" } } }
--- request
GET /old
--- backend_response
HTTP/1.1 302 Found
Location: http://$BACKEND/new

--- error_code: 302
--- response_headers
Location: http://$BACKEND/new
--- backend_calls: 1


=== TEST 16: a catch-all keeps the client's trailing slash
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/api/{*rest}" },
                      "backendUri": "http://$BACKEND/v2/{rest}" } } }
--- request
GET /api/a/b/?x=1
--- backend_request
GET /v2/a/b/?x=1


=== TEST 17: a method that is not listed never reaches the backend
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/g",
                                          "methods": [ "GET" ] },
                      "backendUri": "http://$BACKEND/g" } } }
--- request
POST /g
--- request_body: x
--- error_code: 404
--- backend_calls: 0


=== TEST 18: 502 when nothing listens on the backend port
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/down" },
                      "backendUri": "http://127.0.0.1:1/down" } } }
--- request
GET /down
--- error_code: 502
--- error_log
connect() failed (111: Connection refused)


=== TEST 19: 504 when the backend is slower than proxy_read_timeout
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/slow" },
                      "backendUri": "http://$BACKEND/slow" } } }
--- config
location / { proxies $PROXIES; proxy_read_timeout 1s; }
--- backend_delay: 3
--- request
GET /slow
--- error_code: 504
--- error_log
upstream timed out


=== TEST 20: proxy_set_header in the same location reaches the backend
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/s" },
                      "backendUri": "http://$BACKEND/s" } } }
--- config
location / {
    proxies $PROXIES;
    proxy_set_header X-Set-By-Nginx yes;
}
--- request
GET /s
--- more_headers
X-Client: 1
--- backend_headers
X-Set-By-Nginx: yes
X-Client: 1


=== TEST 21: an upstream{} block name as the backendUri host
--- http_config
upstream legacy_app {
    server $BACKEND;
}
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/u/{id}" },
                      "backendUri": "http://legacy_app/users/{id}" } } }
--- request
GET /u/7?full=1
--- backend_request
GET /users/7?full=1
--- backend_headers
Host: legacy_app
--- response_body: backend ok


=== TEST 22: an app setting as the backend host
--- http_config
proxies_app_setting BACKEND_HOST $BACKEND;
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/s/{id}" },
                      "backendUri": "http://%BACKEND_HOST%/s/{id}" } } }
--- request
GET /s/1
--- backend_request
GET /s/1


=== TEST 23: proxy_http_version 1.1 and a keepalive upstream
--- http_config
upstream pool {
    server $BACKEND;
    keepalive 4;
}
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/k" },
                      "backendUri": "http://pool/k" } } }
--- config
location / {
    proxies $PROXIES;
    proxy_http_version 1.1;
    proxy_set_header Connection "";
}
--- request
GET /k
--- more_headers
Connection: close
--- backend_request
GET /k HTTP/1.1
--- backend_headers
!Connection
--- response_body: backend ok
