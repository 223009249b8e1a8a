# Which proxy wins (spec section 6): the smallest rank string (literal 1,
# complex 2, parameter 3, catch-all 5, leftmost first), then a proxy that
# lists the method, then file order.  Each proxy names itself in X-Proxy.

use lib 't/lib';
use ProxiesTest;

run_tests();

__DATA__

=== TEST 1: a literal beats a parameter declared before it
--- proxies
{ "proxies": {
    "param": { "matchCondition": { "route": "/a/{id}" },
               "responseOverrides": { "response.headers.X-Proxy": "param" } },
    "lit":   { "matchCondition": { "route": "/a/new" },
               "responseOverrides": { "response.headers.X-Proxy": "lit" } } } }
--- request
GET /a/NEW
--- response_headers
X-Proxy: lit


=== TEST 2: the parameter still takes the other values
--- proxies
{ "proxies": {
    "param": { "matchCondition": { "route": "/a/{id}" },
               "responseOverrides": { "response.headers.X-Proxy": "param" } },
    "lit":   { "matchCondition": { "route": "/a/new" },
               "responseOverrides": { "response.headers.X-Proxy": "lit" } } } }
--- request
GET /a/old
--- response_headers
X-Proxy: param


=== TEST 3: catch-all first in the file, specific routes still win (api)
--- proxies
{ "proxies": {
    "all":    { "matchCondition": { "route": "/{*rest}" },
                "responseOverrides": { "response.headers.X-Proxy": "all" } },
    "api":    { "matchCondition": { "route": "/api/{*rest}" },
                "responseOverrides": { "response.headers.X-Proxy": "api" } },
    "static": { "matchCondition": { "route": "/static/{*rest}" },
                "responseOverrides": { "response.headers.X-Proxy": "static" } } } }
--- request
GET /api/v1/x
--- response_headers
X-Proxy: api


=== TEST 4: catch-all first in the file, the catch-all takes the rest
--- proxies
{ "proxies": {
    "all":    { "matchCondition": { "route": "/{*rest}" },
                "responseOverrides": { "response.headers.X-Proxy": "all" } },
    "api":    { "matchCondition": { "route": "/api/{*rest}" },
                "responseOverrides": { "response.headers.X-Proxy": "api" } } } }
--- request
GET /apix/v1
--- response_headers
X-Proxy: all


=== TEST 5: a parameter beats a catch-all declared before it
--- proxies
{ "proxies": {
    "rest":  { "matchCondition": { "route": "/api/{*rest}" },
               "responseOverrides": { "response.headers.X-Proxy": "rest" } },
    "param": { "matchCondition": { "route": "/api/{x}" },
               "responseOverrides": { "response.headers.X-Proxy": "param" } } } }
--- request
GET /api/1
--- response_headers
X-Proxy: param


=== TEST 6: the catch-all takes two segments
--- proxies
{ "proxies": {
    "rest":  { "matchCondition": { "route": "/api/{*rest}" },
               "responseOverrides": { "response.headers.X-Proxy": "rest" } },
    "param": { "matchCondition": { "route": "/api/{x}" },
               "responseOverrides": { "response.headers.X-Proxy": "param" } } } }
--- request
GET /api/1/2
--- response_headers
X-Proxy: rest


=== TEST 7: a complex segment beats a parameter
--- proxies
{ "proxies": {
    "param":   { "matchCondition": { "route": "/f/{n}" },
                 "responseOverrides": { "response.headers.X-Proxy": "param" } },
    "complex": { "matchCondition": { "route": "/f/{n}.{e}" },
                 "responseOverrides": { "response.headers.X-Proxy": "complex" } } } }
--- request
GET /f/a.b
--- response_headers
X-Proxy: complex


=== TEST 8: a literal beats a complex segment
--- proxies
{ "proxies": {
    "complex": { "matchCondition": { "route": "/f/{n}.{e}" },
                 "responseOverrides": { "response.headers.X-Proxy": "complex" } },
    "lit":     { "matchCondition": { "route": "/f/index.html" },
                 "responseOverrides": { "response.headers.X-Proxy": "lit" } } } }
--- request
GET /f/index.html
--- response_headers
X-Proxy: lit


=== TEST 9: the leftmost difference decides (rank 131 beats 113)
--- proxies
{ "proxies": {
    "x": { "matchCondition": { "route": "/a/{x}/c" },
           "responseOverrides": { "response.headers.X-Proxy": "x" } },
    "y": { "matchCondition": { "route": "/a/b/{y}" },
           "responseOverrides": { "response.headers.X-Proxy": "y" } } } }
--- request
GET /a/b/c
--- response_headers
X-Proxy: y


=== TEST 10: a literal edge that leads nowhere falls back to the parameter
--- proxies
{ "proxies": {
    "x": { "matchCondition": { "route": "/a/{x}/c" },
           "responseOverrides": { "response.headers.X-Proxy": "x" } },
    "y": { "matchCondition": { "route": "/a/b/d" },
           "responseOverrides": { "response.headers.X-Proxy": "y" } } } }
--- request
GET /a/b/c
--- response_headers
X-Proxy: x


=== TEST 11: "/a" beats "/a/{*x}" for the path /a
--- proxies
{ "proxies": {
    "rest": { "matchCondition": { "route": "/a/{*x}" },
              "responseOverrides": { "response.headers.X-Proxy": "rest" } },
    "a":    { "matchCondition": { "route": "/a" },
              "responseOverrides": { "response.headers.X-Proxy": "a" } } } }
--- request
GET /a/
--- response_headers
X-Proxy: a


=== TEST 12: the root route beats "/{*p}" for the path /
--- proxies
{ "proxies": {
    "all":  { "matchCondition": { "route": "/{*p}" },
              "responseOverrides": { "response.headers.X-Proxy": "all" } },
    "root": { "matchCondition": { "route": "/" },
              "responseOverrides": { "response.headers.X-Proxy": "root" } } } }
--- request
GET /
--- response_headers
X-Proxy: root


=== TEST 13: a proxy listing the method beats one without methods
--- proxies
{ "proxies": {
    "any": { "matchCondition": { "route": "/m" },
             "responseOverrides": { "response.headers.X-Proxy": "any" } },
    "get": { "matchCondition": { "route": "/m", "methods": ["GET"] },
             "responseOverrides": { "response.headers.X-Proxy": "get" } } } }
--- request
GET /m
--- response_headers
X-Proxy: get


=== TEST 14: the method-less proxy takes the other methods
--- proxies
{ "proxies": {
    "any": { "matchCondition": { "route": "/m" },
             "responseOverrides": { "response.headers.X-Proxy": "any" } },
    "get": { "matchCondition": { "route": "/m", "methods": ["GET"] },
             "responseOverrides": { "response.headers.X-Proxy": "get" } } } }
--- request
DELETE /m
--- response_headers
X-Proxy: any


=== TEST 15: one route split over proxies by method
--- proxies
{ "proxies": {
    "get":  { "matchCondition": { "route": "/items/{id}", "methods": ["GET"] },
              "responseOverrides": { "response.headers.X-Proxy": "get" } },
    "post": { "matchCondition": { "route": "/items/{x}",
                                  "methods": ["POST", "PUT"] },
              "responseOverrides": { "response.headers.X-Proxy": "post" } } } }
--- request
PUT /items/1
--- request_body: x
--- response_headers
X-Proxy: post


=== TEST 16: identical routes: file order decides
--- proxies
{ "proxies": {
    "first":  { "matchCondition": { "route": "/same/{a}" },
                "responseOverrides": { "response.headers.X-Proxy": "first" } },
    "second": { "matchCondition": { "route": "/SAME/{b}/" },
                "responseOverrides": { "response.headers.X-Proxy": "second" } } } }
--- request
GET /same/1
--- response_headers
X-Proxy: first


=== TEST 17: identical routes are warned about (nginx -t output)
--- proxies
{ "proxies": {
    "first":  { "matchCondition": { "route": "/same/{a}" } },
    "second": { "matchCondition": { "route": "/SAME/{b}/" } } } }
--- config
location / { proxies $PROXIES; }
location /other/ { proxies $SERVROOT/missing-on-purpose.json; }
--- must_die
--- error_log
proxy "second", field "matchCondition.route": route "/SAME/{b}/" is the same as that of proxy "first" for some methods; proxy "first" wins for those


=== TEST 18: identical routes with overlapping methods
--- proxies
{ "proxies": {
    "first":  { "matchCondition": { "route": "/same", "methods": ["GET", "POST"] },
                "responseOverrides": { "response.headers.X-Proxy": "first" } },
    "second": { "matchCondition": { "route": "/same", "methods": ["post"] },
                "responseOverrides": { "response.headers.X-Proxy": "second" } } } }
--- request
POST /same
--- request_body: x
--- response_headers
X-Proxy: first


=== TEST 19: identical routes with overlapping methods are warned about
--- proxies
{ "proxies": {
    "first":  { "matchCondition": { "route": "/same", "methods": ["GET", "POST"] } },
    "second": { "matchCondition": { "route": "/same", "methods": ["post"] } } } }
--- config
location / { proxies $PROXIES; }
location /other/ { proxies $SERVROOT/missing-on-purpose.json; }
--- must_die
--- error_log
proxy "second", field "matchCondition.route": route "/same" is the same as that of proxy "first"


=== TEST 20: routes split by method are not warned about
--- proxies
{ "proxies": {
    "any":  { "matchCondition": { "route": "/m" } },
    "get":  { "matchCondition": { "route": "/m", "methods": ["GET"] } },
    "post": { "matchCondition": { "route": "/m", "methods": ["POST"] } } } }
--- config
location / { proxies $PROXIES; }
location /other/ { proxies $SERVROOT/missing-on-purpose.json; }
--- must_die
--- no_error_log
is the same as that of proxy


=== TEST 21: a route whose method does not match is skipped
--- proxies
{ "proxies": {
    "post":  { "matchCondition": { "route": "/a/b", "methods": ["POST"] },
               "responseOverrides": { "response.headers.X-Proxy": "post" } },
    "param": { "matchCondition": { "route": "/a/{x}" },
               "responseOverrides": { "response.headers.X-Proxy": "param" } } } }
--- request
GET /a/b
--- response_headers
X-Proxy: param


=== TEST 22: ... down to a catch-all
--- proxies
{ "proxies": {
    "post": { "matchCondition": { "route": "/a/b", "methods": ["POST"] },
              "responseOverrides": { "response.headers.X-Proxy": "post" } },
    "all":  { "matchCondition": { "route": "/{*rest}", "methods": ["GET"] },
              "responseOverrides": { "response.headers.X-Proxy": "all" } } } }
--- request
GET /a/b
--- response_headers
X-Proxy: all


=== TEST 23: ... and a zero-segment catch-all after the node's own routes
--- proxies
{ "proxies": {
    "a":    { "matchCondition": { "route": "/a", "methods": ["POST"] },
              "responseOverrides": { "response.headers.X-Proxy": "a" } },
    "rest": { "matchCondition": { "route": "/a/{*x}" },
              "responseOverrides": { "response.headers.X-Proxy": "rest" } } } }
--- request
GET /a
--- response_headers
X-Proxy: rest


=== TEST 24: nothing fits the method: 404, not 405
--- proxies
{ "proxies": {
    "post": { "matchCondition": { "route": "/a/b", "methods": ["POST"] },
              "responseOverrides": { "response.headers.X-Proxy": "post" } },
    "put":  { "matchCondition": { "route": "/a/{x}", "methods": ["PUT"] },
              "responseOverrides": { "response.headers.X-Proxy": "put" } } } }
--- request
GET /a/b
--- error_code: 404


=== TEST 25: two complex shapes fit: file order
--- proxies
{ "proxies": {
    "dot":  { "matchCondition": { "route": "/c/{a}.{b}" },
              "responseOverrides": { "response.headers.X-Proxy": "dot" } },
    "dash": { "matchCondition": { "route": "/c/{a}-{b}" },
              "responseOverrides": { "response.headers.X-Proxy": "dash" } } } }
--- request
GET /c/x.y-z
--- response_headers
X-Proxy: dot


=== TEST 26: two complex shapes fit: the one listing the method
--- proxies
{ "proxies": {
    "dot":  { "matchCondition": { "route": "/c/{a}.{b}" },
              "responseOverrides": { "response.headers.X-Proxy": "dot" } },
    "dash": { "matchCondition": { "route": "/c/{a}-{b}", "methods": ["GET"] },
              "responseOverrides": { "response.headers.X-Proxy": "dash" } } } }
--- request
GET /c/x.y-z
--- response_headers
X-Proxy: dash


=== TEST 27: two complex shapes fit: the rest of the rank decides (121)
--- proxies
{ "proxies": {
    "dot":  { "matchCondition": { "route": "/c/{a}.{b}/{*r}" },
              "responseOverrides": { "response.headers.X-Proxy": "dot" } },
    "dash": { "matchCondition": { "route": "/c/{a}-{b}/lit" },
              "responseOverrides": { "response.headers.X-Proxy": "dash" } } } }
--- request
GET /c/x.y-z/lit
--- response_headers
X-Proxy: dash


=== TEST 28: the captures are those of the winner
--- proxies
{ "proxies": {
    "all": { "matchCondition": { "route": "/{*rest}" },
             "responseOverrides": { "response.body": "rest={rest}" } },
    "one": { "matchCondition": { "route": "/{first}/{second}" },
             "responseOverrides": { "response.body": "{second},{first}" } } } }
--- request
GET /x/y
--- response_body: y,x


=== TEST 29: 10,000 proxies: a literal, a parameter and the catch-all
--- proxies eval
my @p = map { qq{"p$_": { "matchCondition": { "route": "/api/v1/item$_/{id}" },
    "responseOverrides": { "response.body": "p$_ {id}" } }} } 0 .. 9999;
push @p, qq{"all": { "matchCondition": { "route": "/{*rest}" },
    "responseOverrides": { "response.body": "all {rest}" } }};
'{ "proxies": {' . join(',', @p) . '} }'
--- request
GET /API/v1/Item4242/x%20y
--- response_body: p4242 x y
