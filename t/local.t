# The localhost shortcut (spec section 10): a backend on this gateway is an
# internal redirect; other locations ("functions") are consulted first,
# proxy -> proxy chains work, and the 11th hop is refused with 400.

use lib 't/lib';
use ProxiesTest;

run_tests();

__DATA__

=== TEST 1: a localhost backend reaches another location, no network hop
--- proxies
{ "proxies": { "fn": { "matchCondition": { "route": "/hello/{name}" },
                       "backendUri": "http://localhost/api/greet/{name}" } } }
--- config
location / { proxies $PROXIES; }
location /api/ { return 200 "function saw $uri?$args"; }
--- request
GET /hello/ann?x=1
--- error_code: 200
--- response_body
function saw /api/greet/ann?x=1

=== TEST 2: response overrides apply to the local result
--- proxies
{ "proxies": { "fn": { "matchCondition": { "route": "/hello" },
                       "backendUri": "http://localhost/api/greet",
                       "responseOverrides": {
                           "response.statusCode": 201,
                           "response.statusReason": "Made",
                           "response.headers.X-Local": "yes" } } } }
--- config
location / { proxies $PROXIES; }
location /api/ { return 200 "fn"; }
--- request
GET /hello
--- error_code: 201
--- response_headers
X-Local: yes
--- response_body
fn

=== TEST 3: proxy -> proxy chain
--- proxies
{ "proxies": {
    "outer": { "matchCondition": { "route": "/a/{x}" },
               "backendUri": "http://localhost/b/{x}" },
    "inner": { "matchCondition": { "route": "/b/{y}" },
               "responseOverrides": { "response.body": "inner got {y}" } } } }
--- request
GET /a/42
--- error_code: 200
--- response_body
inner got 42

=== TEST 4: a loop is stopped at the 11th hop with Azure's 400
--- proxies
{ "proxies": { "loop": { "matchCondition": { "route": "/loop" },
                         "backendUri": "http://localhost/loop" } } }
--- request
GET /loop
--- error_code: 400
--- response_body
Infinite loop detected when trying to call a local function or proxy from a proxy.
--- error_log
more than 10 local hops

=== TEST 5: requestOverrides reach the local call (method, header, query)
--- proxies
{ "proxies": { "fn": { "matchCondition": { "route": "/m" },
                       "backendUri": "http://localhost/api/m",
                       "requestOverrides": {
                           "backend.request.method": "DELETE",
                           "backend.request.headers.X-Who": "proxy",
                           "backend.request.querystring.q": "v w" } } } }
--- config
location / { proxies $PROXIES; }
location /api/ { return 200 "$request_method $http_x_who $args"; }
--- request
GET /m?a=1
--- error_code: 200
--- response_body
DELETE proxy a=1&q=v%20w

=== TEST 6: localhost on another port is a network call
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/net/{*rest}" },
                      "backendUri": "http://localhost:$BACKEND_PORT/x/{rest}" } } }
--- request
GET /net/a/b
--- error_code: 200
--- response_body
backend ok
--- backend_request
GET /x/a/b

=== TEST 7: AZURE_FUNCTION_PROXY_DISABLE_LOCAL_CALL sends localhost over the network
--- http_config
proxies_app_setting AZURE_FUNCTION_PROXY_DISABLE_LOCAL_CALL true;
upstream localhost { server $BACKEND; }
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/n" },
                      "backendUri": "http://localhost/api/n" } } }
--- config
location / { proxies $PROXIES; }
location /api/ { return 200 "local"; }
--- request
GET /n
--- error_code: 200
--- response_body
backend ok
--- backend_request
GET /api/n

=== TEST 8: proxies_local_host names this gateway
--- http_config
proxies_local_host myapp.azurewebsites.net;
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/h" },
                      "backendUri": "https://myapp.azurewebsites.net/api/h" } } }
--- config
location / { proxies $PROXIES; }
location /api/ { return 200 "local $uri"; }
--- request
GET /h
--- error_code: 200
--- response_body
local /api/h

=== TEST 9: an error_page redirect into a proxies location matches its own path
--- proxies
{ "proxies": {
    "a": { "matchCondition": { "route": "/a" },
           "backendUri": "http://$BACKEND/a" },
    "oops": { "matchCondition": { "route": "/oops" },
              "responseOverrides": { "response.body": "oops page" } } } }
--- config
location / { proxies $PROXIES; }
location /missing/ { root $SERVROOT/html; error_page 404 /oops; }
--- request
GET /missing/x
--- error_code: 404
--- response_body
oops page
--- backend_calls: 0

=== TEST 10: a rewrite into a proxies location matches the new path, encoded
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/new/{x}" },
                      "responseOverrides": { "response.body": "{x}" } } } }
--- config
location / { proxies $PROXIES; }
location /old/ { rewrite ^/old/(.*)$ /new/$1 last; }
--- request
GET /old/a%20b
--- error_code: 200
--- response_body
a b
