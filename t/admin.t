# The admin API [extension] (docs/admin-api.md): the token, reads, writes
# refused without it; and the validation of "circuitBreaker" and "slots".
# Flips and breaker writes that succeed are in t/slots.t and t/breaker.t.

use lib 't/lib';
use ProxiesTest;
use File::Path qw(remove_tree);
use Test::More;


# the example of docs/admin-api.md passes "nginx -t" as documented
my $dir = servroot('admin-example');
my ($rc, $out) = ProxiesTest::run_cmd([], $ProxiesTest::NGINX, '-t',
    '-p', "$dir/", '-c', "$ProxiesTest::ROOT/proxies/admin-api.nginx.conf",
    '-g', "load_module $ProxiesTest::MODULE;");
is($rc, 0, 'proxies/admin-api.nginx.conf passes nginx -t') or diag($out);
remove_tree($dir) unless $rc;

run_tests();

__DATA__

=== TEST 1: no token: 401 with a Bearer challenge
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/p" },
                      "backendUri": "http://$BACKEND/p",
                      "circuitBreaker": { "name": "svc" } } } }
--- http_config eval
"proxies_admin_token_file $ProxiesTest::ROOT/t/admin.token;"
--- config
location / { proxies $PROXIES; }
location /admin/ { proxies_admin; }
--- request
GET /admin/
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="proxies"
Content-Type: application/json
--- response_body_like: ^\{"error":"a bearer token is required"\}$


=== TEST 2: a wrong token: 403, and logged
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/p" },
                      "backendUri": "http://$BACKEND/p" } } }
--- http_config eval
"proxies_admin_token_file $ProxiesTest::ROOT/t/admin.token;"
--- config
location / { proxies $PROXIES; }
location /admin/ { proxies_admin; }
--- request
GET /admin/proxies
--- more_headers
Authorization: Bearer admin-test-token-0123456788
--- error_code: 403
--- response_body_like: ^\{"error":"wrong token"\}$
--- error_log
proxies admin: wrong token from 127.0.0.1


=== TEST 3: a write without the token is refused
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/p" },
    "slots": { "active": "blue", "backends": {
        "blue": "http://$BACKEND/b", "green": "http://$BACKEND/g" } } } } }
--- http_config eval
"proxies_admin_token_file $ProxiesTest::ROOT/t/admin.token;"
--- config
location / { proxies $PROXIES; }
location /admin/ { proxies_admin; }
--- request
POST /admin/slots/p/flip
--- error_code: 401
--- no_error_log
made slot


=== TEST 4: a write with a wrong token is refused
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/p" },
                      "backendUri": "http://$BACKEND/p",
                      "circuitBreaker": { "name": "svc" } } } }
--- http_config eval
"proxies_admin_token_file $ProxiesTest::ROOT/t/admin.token;"
--- config
location / { proxies $PROXIES; }
location /admin/ { proxies_admin; }
--- request
POST /admin/breakers/svc/open
--- more_headers
Authorization: Bearer admin-test-token-01234567890
--- error_code: 403
--- no_error_log
forced open


=== TEST 5: a token that is not a bearer token is no token
--- proxies
{ "proxies": {} }
--- http_config eval
"proxies_admin_token_file $ProxiesTest::ROOT/t/admin.token;"
--- config
location /admin/ { proxies_admin; }
--- request
POST /admin/breakers/svc/open
--- more_headers
Authorization: Basic YWRtaW4tdGVzdC10b2tlbi0wMTIzNDU2Nzg5
--- error_code: 401


=== TEST 6: the proxies, with their compiled routes and targets
--- proxies
{ "proxies": {
    "orders": { "matchCondition": { "route": "/orders/{id}",
                                    "methods": ["GET", "POST"] },
                "backendUri": "http://$BACKEND/o/{id}",
                "monolith": true,
                "circuitBreaker": { "name": "orders-svc",
                    "fallback": { "response": { "statusCode": 503 } } } },
    "cart": { "matchCondition": { "route": "/cart/{*rest}" },
              "slots": { "group": "checkout", "active": "green",
                         "backends": { "blue": "http://$BACKEND/b",
                                       "green": "http://$BACKEND/g" } } } } }
--- http_config eval
"proxies_admin_token_file $ProxiesTest::ROOT/t/admin.token;"
--- config
location / { proxies $PROXIES; }
location /admin/ { proxies_admin; }
--- request
GET /admin/proxies
--- more_headers
Authorization: Bearer admin-test-token-0123456789
--- response_headers
Content-Type: application/json
--- response_body_like: ^\[\{"name":"orders","file":"[^"]*proxies.json","route":"/orders/\{id\}","rank":"13","params":\["id"\],"methods":\["GET","POST"\],"monolith":true,"action":\{"kind":"upstream","backend":"http://[^"]*/o/\{id\}"\},"circuitBreaker":"orders-svc","fallback":\{"kind":"response","status":503\}\},\{"name":"cart",.*"route":"/cart/\{\*rest\}","rank":"15","params":\["rest"\],"methods":null,"monolith":false,"action":\{"kind":"upstream","backend":"http://[^"]*/g"\},"slots":"checkout"\}\]$


=== TEST 7: the overview: proxies, breakers, slots
--- proxies
{ "proxies": {
    "orders": { "matchCondition": { "route": "/orders/{id}" },
                "backendUri": "http://$BACKEND/o/{id}",
                "circuitBreaker": { "name": "orders-svc",
                                    "consecutiveFailures": 7 } },
    "cart": { "matchCondition": { "route": "/cart" },
              "slots": { "group": "checkout", "active": "blue",
                         "backends": { "blue": "http://$BACKEND/b",
                                       "green": "http://$BACKEND/g" },
                         "weights": { "blue": 90, "green": 10 } } } } }
--- http_config eval
"proxies_admin_token_file $ProxiesTest::ROOT/t/admin.token;"
--- config
location / { proxies $PROXIES; }
location /admin/ { proxies_admin; }
--- request
GET /admin/
--- more_headers
Authorization: Bearer admin-test-token-0123456789
--- response_body_like: ^\{"proxies":\[.*\],"breakers":\{"orders-svc":\{"state":"closed","forced":"none",.*"config":\{"consecutiveFailures":7,.*\}\}\},"slots":\{"checkout":\{"active":"blue","declared":"blue","weighted":true,.*"slots":\{"blue":\{"weight":90\},"green":\{"weight":10\}\}\}\}.*\}$


=== TEST 8: unknown resources and methods
--- proxies
{ "proxies": {} }
--- http_config eval
"proxies_admin_token_file $ProxiesTest::ROOT/t/admin.token;"
--- config
location /admin/ { proxies_admin; }
--- request
POST /admin/breakers/nope/open
--- more_headers
Authorization: Bearer admin-test-token-0123456789
--- error_code: 404
--- response_body_like: ^\{"error":"no such breaker"\}$


=== TEST 9: PUT is not allowed
--- proxies
{ "proxies": {} }
--- http_config eval
"proxies_admin_token_file $ProxiesTest::ROOT/t/admin.token;"
--- config
location /admin/ { proxies_admin; }
--- request
PUT /admin/slots
--- more_headers
Authorization: Bearer admin-test-token-0123456789
--- error_code: 405


=== TEST 10: proxies_admin needs a token file
--- proxies
{ "proxies": {} }
--- config
location /admin/ { proxies_admin; }
--- must_die
--- error_log
"proxies_admin" needs "proxies_admin_token_file"


=== TEST 11: a token file that cannot be read
--- proxies
{ "proxies": {} }
--- http_config
proxies_admin_token_file /nonexistent/token;
--- config
location /admin/ { proxies_admin; }
--- must_die
--- error_log
open() "/nonexistent/token" failed


=== TEST 12: a token that is too short
--- proxies
{ "proxies": {} }
--- http_config eval
"proxies_admin_token_file $ProxiesTest::ROOT/t/lib/ProxiesExt.pm;"
--- must_die
--- error_log_like: ProxiesExt\.pm" must hold one token of at least 16 characters


=== TEST 13: an unknown circuitBreaker key
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/p" },
                      "backendUri": "http://$BACKEND/p",
                      "circuitBreaker": { "threshold": 3 } } } }
--- must_die
--- error_log_like: proxies: ".*proxies.json": proxy "p", field "circuitBreaker.threshold": unknown key "threshold"; expected "name", "failureOn"


=== TEST 14: failureRatio out of range
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/p" },
                      "backendUri": "http://$BACKEND/p",
                      "circuitBreaker": { "failureRatio": 1.5 } } } }
--- must_die
--- error_log_like: proxy "p", field "circuitBreaker.failureRatio": must be a number above 0 and at most 1


=== TEST 15: a duration that is not one
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/p" },
                      "backendUri": "http://$BACKEND/p",
                      "circuitBreaker": { "openFor": "soon" } } } }
--- must_die
--- error_log_like: proxy "p", field "circuitBreaker.openFor": "soon" is not a duration


=== TEST 16: a status code out of range in failureOn
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/p" },
                      "backendUri": "http://$BACKEND/p",
                      "circuitBreaker": { "failureOn":
                          { "statusCodes": [500, 99] } } } } }
--- must_die
--- error_log_like: field "circuitBreaker.failureOn.statusCodes\[1\]": status code 99 is out of range


=== TEST 17: a fallback with a backend and a response
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/p" },
                      "backendUri": "http://$BACKEND/p",
                      "circuitBreaker": { "fallback": {
                          "backendUri": "http://$BACKEND/f",
                          "response": { "statusCode": 503 } } } } } }
--- must_die
--- error_log_like: field "circuitBreaker.fallback": expected either "backendUri" or "response"


=== TEST 18: a fallback function that is not loaded
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/p" },
                      "backendUri": "http://$BACKEND/p",
                      "circuitBreaker": { "fallback": {
                          "backendUri": "function:nope" } } } } }
--- must_die
--- error_log_like: proxy "p", field "circuitBreaker.fallback.backendUri": unknown function "nope"


=== TEST 19: a shared breaker is configured once
--- proxies
{ "proxies": {
    "a": { "matchCondition": { "route": "/a" }, "backendUri": "http://$BACKEND/a",
           "circuitBreaker": { "name": "svc", "consecutiveFailures": 3 } },
    "b": { "matchCondition": { "route": "/b" }, "backendUri": "http://$BACKEND/b",
           "circuitBreaker": { "name": "svc", "openFor": "5s" } } } }
--- must_die
--- error_log_like: proxy "b", field "circuitBreaker": breaker "svc" is configured by proxy "a"; give only "name" and "fallback" here


=== TEST 20: the active slot must be one of the slots
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/p" },
    "slots": { "active": "purple", "backends": {
        "blue": "http://$BACKEND/b", "green": "http://$BACKEND/g" } } } } }
--- must_die
--- error_log_like: proxy "p", field "slots.active": "purple" is not one of the slots in "backends"


=== TEST 21: slots and backendUri exclude each other
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/p" },
    "backendUri": "http://$BACKEND/p",
    "slots": { "active": "blue", "backends": {
        "blue": "http://$BACKEND/b" } } } } }
--- must_die
--- error_log_like: proxy "p", field "slots": a proxy with "slots" takes no "backendUri"


=== TEST 22: weights name known slots
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/p" },
    "slots": { "active": "blue",
               "backends": { "blue": "http://$BACKEND/b",
                             "green": "http://$BACKEND/g" },
               "weights": { "blue": 90, "purple": 10 } } } } }
--- must_die
--- error_log_like: proxy "p", field "slots.weights.purple": "purple" is not one of the slots


=== TEST 23: sticky needs weights, and a header or cookie
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/p" },
    "slots": { "active": "blue", "sticky": "ip",
               "backends": { "blue": "http://$BACKEND/b" } } } } }
--- must_die
--- error_log_like: proxy "p", field "slots.sticky": "ip" is not a sticky key; expected "header:NAME" or "cookie:NAME"


=== TEST 24: a group has the same slots everywhere
--- proxies
{ "proxies": {
    "a": { "matchCondition": { "route": "/a" },
           "slots": { "group": "g", "active": "blue", "backends": {
               "blue": "http://$BACKEND/b", "green": "http://$BACKEND/g" } } },
    "b": { "matchCondition": { "route": "/b" },
           "slots": { "group": "g", "active": "blue", "backends": {
               "blue": "http://$BACKEND/b", "red": "http://$BACKEND/r" } } } } }
--- must_die
--- error_log_like: proxy "b", field "slots.group": the slots differ from those of proxy "a" in group "g"


=== TEST 25: a slot's backendUri is checked like any other
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/p" },
    "slots": { "active": "blue", "backends": {
        "blue": "http://$BACKEND/b", "green": "ftp://example.com/" } } } } }
--- must_die
--- error_log_like: proxy "p", field "slots.backends.green": 


=== TEST 26: slot names are plain
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/p" },
    "slots": { "active": "blue", "backends": {
        "blue": "http://$BACKEND/b", "gr/een": "http://$BACKEND/g" } } } } }
--- must_die
--- error_log_like: proxy "p", field "slots.backends.gr/een": "gr/een" is not a valid name


=== TEST 27: a slot object needs its backendUri
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/p" },
    "slots": { "active": "blue", "backends": {
        "blue": { "monolith": true } } } } } }
--- must_die
--- error_log_like: proxy "p", field "slots.backends.blue.backendUri": required key "backendUri" is missing


=== TEST 28: the active slot serves, and a pin without permission is 403
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/p" },
    "slots": { "active": "green", "backends": {
        "blue": "http://$BACKEND/b", "green": "http://$BACKEND/g" } } } } }
--- request
GET /p
--- more_headers
X-Proxies-Slot: blue
--- error_code: 403
--- backend_calls: 0


=== TEST 29: a trace names the slot that serves
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/p" }, "debug": true,
    "slots": { "active": "green", "backends": {
        "blue": "http://$BACKEND/b", "green": "http://$BACKEND/g" } } } } }
--- request
GET /p
--- backend_request
GET /g
--- error_log
proxy "p" slot "green"


=== TEST 30: a slot may be a function
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/p/{id}" },
    "slots": { "active": "v2", "backends": {
        "v1": "http://$BACKEND/v1/{id}", "v2": "function:echo" } } } } }
--- http_config eval
"proxies_functions $ProxiesTest::ROOT/functions/echo.so;"
--- request
GET /p/42
--- response_body_like: "function": ?"echo".*"params": ?\{"id": ?"42"\}
--- backend_calls: 0


=== TEST 31: a breaker named after a proxy whose name is too long
--- proxies eval
'{ "proxies": { "' . ('p' x 70) . '": { "matchCondition": { "route": "/p" },
    "backendUri": "http://$BACKEND/p", "circuitBreaker": {} } } }'
--- must_die
--- error_log_like: field "circuitBreaker": without "name", the proxy's name is used, and it is longer than 63 characters
