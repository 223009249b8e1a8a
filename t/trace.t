# debug / Proxy-Trace-Enabled (spec section 13), and the access log
# variables $proxies_name and $proxies_backend_uri.

use lib 't/lib';
use ProxiesTest;

run_tests();

__DATA__

=== TEST 1: a client-requested trace is logged and located
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/t" },
                      "backendUri": "http://$BACKEND/b" } } }
--- request
GET /t
--- more_headers
Proxy-Trace-Enabled: true
--- error_code: 200
--- response_headers
Proxy-Trace-Location: 1-1
--- error_log_like
proxies trace 1-1: proxy "p" matched route "/t"
proxies trace 1-1: proxy "p" set-backend-service "http://127\.0\.0\.1:\d+/b"

=== TEST 2: "debug": false refuses client-requested traces
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/t" }, "debug": false,
                      "backendUri": "http://$BACKEND/b" } } }
--- request
GET /t
--- more_headers
Proxy-Trace-Enabled: true
--- error_code: 200
--- response_headers
!Proxy-Trace-Location
--- no_error_log
proxies trace

=== TEST 3: "debug": true traces every call
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/t" }, "debug": true } } }
--- request
GET /t
--- error_code: 200
--- response_headers
Proxy-Trace-Location: 1-1
--- error_log
proxies trace 1-1: proxy "p" matched route "/t"

=== TEST 4: proxies_trace off refuses client-requested traces
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/t" } } } }
--- config
location / { proxies $PROXIES; proxies_trace off; }
--- request
GET /t
--- more_headers
Proxy-Trace-Enabled: true
--- error_code: 200
--- response_headers
!Proxy-Trace-Location

=== TEST 5: the access log carries the proxy name and the backend URI
--- proxies
{ "proxies": { "orders api": { "matchCondition": { "route": "/o/{id}" },
                               "backendUri": "http://$BACKEND/orders/{id}" } } }
--- request
GET /o/7?x=1
--- error_code: 200
--- access_log
name=orders api backend=http://127.0.0.1:
/orders/7?x=1
