# "proxies" at http and server level is inherited by locations; a
# location with its own content handler keeps it; "proxies off" stops it.

use lib 't/lib';
use ProxiesTest;

run_tests();

__DATA__

=== TEST 1: proxies at server level serves a location without its own handler
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/x/{id}" },
                      "backendUri": "http://$BACKEND/b/{id}" } } }
--- server_config
proxies $PROXIES;
--- config
location /x/ { proxy_read_timeout 5s; }
--- request
GET /x/7
--- error_code: 200
--- backend_request
GET /b/7

=== TEST 2: a location with its own handler is not taken over
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/{*all}" },
                      "responseOverrides": { "response.body": "proxies" } } } }
--- http_config
proxies $PROXIES;
--- config
location /own/ { return 200 "own"; }
location /other/ { }
--- request
GET /own/1
--- error_code: 200
--- response_body
own

=== TEST 3: inherited from http level
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/{*all}" },
                      "responseOverrides": { "response.body": "proxies {all}" } } } }
--- http_config
proxies $PROXIES;
--- config
location /other/ { }
--- request
GET /other/1
--- error_code: 200
--- response_body
proxies other/1

=== TEST 4: proxies off in a location
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/{*all}" },
                      "responseOverrides": { "response.body": "proxies" } } } }
--- server_config
proxies $PROXIES;
--- config
location /off/ { proxies off; root $SERVROOT/html; }
--- request
GET /off/1
--- error_code: 404
--- error_log
open()

=== TEST 5: an explicit proxies beside proxy_pass is refused
--- proxies
{ "proxies": {} }
--- config
location / { proxies $PROXIES; proxy_pass http://$BACKEND; }
--- must_die
--- error_log_like
"proxies" cannot be combined with another content handler in location "/"

=== TEST 6: proxies_fallthrough hands a miss to the next content handler
--- proxies
{ "proxies": { "p": { "matchCondition": { "route": "/api/{*x}" },
                      "responseOverrides": { "response.body": "api" } } } }
--- config
location / { proxies $PROXIES; proxies_fallthrough on; root $SERVROOT/html; }
--- request
GET /index.html
--- error_code: 404
--- error_log
open()
