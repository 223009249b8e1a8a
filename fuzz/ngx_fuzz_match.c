
/*
 * ngx_proxies fuzz target: the route table and the matcher (table.c,
 * match.c), checked against the precedence rule they implement.
 *
 * Input: the first byte picks the request's method, then lines: routes
 * (a line "G /x" is "/x" for GET only, "P /x" for POST, "X /x" for
 * PURGE), the last line the request path.  Each route is also compiled
 * into a table of its own, which says whether that route alone matches.
 * The big table must then pick, among the routes that match alone, the
 * one the rule of docs/routing.md picks: the smallest rank string (the
 * shorter padded with "0"), then explicit methods, then file order; and
 * answer 400 exactly when a route alone does.
 */


#include "ngx_unit.h"


#define NGX_FUZZ_ROUTES  24


typedef struct {
    u_char                       *text;
    size_t                        len;
    char                         *methods;
} ngx_fuzz_route_t;


static ngx_int_t ngx_fuzz_alone(ngx_fuzz_route_t *route, char *method,
    u_char *path, size_t len, ngx_http_proxies_match_t *m,
    ngx_unit_env_t **env);
static ngx_http_proxies_proxy_t *ngx_fuzz_better(ngx_http_proxies_proxy_t *a,
    ngx_http_proxies_proxy_t *b);
static void ngx_fuzz_same_captures(ngx_http_proxies_match_t *a,
    ngx_http_proxies_match_t *b);
static void ngx_fuzz_fail(const char *what);


static char  *ngx_fuzz_methods[] = { "GET", "POST", "PURGE", "purge" };


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    u_char                    *p, *q, *last, *path;
    size_t                     len;
    char                      *method;
    ngx_int_t                  rc, rc1;
    ngx_uint_t                 n, i, nroutes, found;
    ngx_unit_env_t            *env, *alone;
    ngx_fuzz_route_t           routes[NGX_FUZZ_ROUTES];
    ngx_http_proxies_proxy_t  *best, *p1;
    ngx_http_proxies_match_t   m, m1;

    if (size < 2) {
        return 0;
    }

    method = ngx_fuzz_methods[data[0] % 4];

    p = (u_char *) data + 1;
    last = (u_char *) data + size;

    /* the path is the last line */
    for (q = last; q > p && q[-1] != '\n'; q--) { /* void */ }

    path = q;
    len = last - q;
    last = q;

    nroutes = 0;

    for ( /* void */ ; p < last && nroutes < NGX_FUZZ_ROUTES; p = q + 1) {
        q = ngx_strlchr(p, last, '\n');
        if (q == NULL) {
            q = last;
        }

        routes[nroutes].methods = NULL;

        if (q - p >= 2 && p[1] == ' ') {
            switch (p[0]) {
            case 'G': routes[nroutes].methods = "GET"; break;
            case 'P': routes[nroutes].methods = "POST"; break;
            case 'X': routes[nroutes].methods = "PURGE"; break;
            }

            if (routes[nroutes].methods) {
                p += 2;
            }
        }

        routes[nroutes].text = p;
        routes[nroutes].len = q - p;
        nroutes++;
    }

    env = ngx_unit_env_create();
    if (env == NULL) {
        return 0;
    }

    /* refused routes are left out: compile.c would stop at them */
    n = 0;

    for (i = 0; i < nroutes; i++) {
        if (ngx_unit_proxy(env, routes[i].text, routes[i].len,
                           routes[i].methods)
            == NGX_OK)
        {
            routes[n++] = routes[i];
        }
    }

    if (n == 0 || ngx_unit_build(env) != NGX_OK) {
        ngx_unit_env_destroy(env);
        return 0;
    }

    rc = ngx_unit_match(env, method, path, len, &m);

    if (rc == NGX_ERROR) {
        ngx_unit_env_destroy(env);
        return 0;
    }

    best = NULL;
    found = 0;
    alone = NULL;

    for (i = 0; i < n; i++) {
        rc1 = ngx_fuzz_alone(&routes[i], method, path, len, &m1, &alone);

        if (rc1 == NGX_HTTP_BAD_REQUEST) {
            if (rc != NGX_HTTP_BAD_REQUEST) {
                ngx_fuzz_fail("400 for one route, not for the table");
            }

            continue;
        }

        if (rc == NGX_HTTP_BAD_REQUEST) {
            ngx_fuzz_fail("400 for the table, not for one route");
        }

        if (rc1 != NGX_OK) {
            continue;
        }

        found++;
        p1 = &env->table.proxies[i];

        if (rc == NGX_OK && m.proxy == p1) {
            ngx_fuzz_same_captures(&m, &m1);
        }

        if (best == NULL || ngx_fuzz_better(p1, best) == p1) {
            best = p1;
        }

        ngx_unit_env_destroy(alone);
        alone = NULL;
    }

    if (rc == NGX_DECLINED && found) {
        ngx_fuzz_fail("no match in the table, a match alone");
    }

    if (rc == NGX_OK && m.proxy != best) {
        fprintf(stderr, "table: \"%.*s\", the rule: \"%.*s\"\n",
                (int) m.proxy->route.text.len, m.proxy->route.text.data,
                best ? (int) best->route.text.len : 4,
                best ? (char *) best->route.text.data : "none");
        ngx_fuzz_fail("the table picks another proxy than the rule");
    }

    ngx_unit_env_destroy(env);

    return 0;
}


/* alone is left for the caller to destroy on NGX_OK: captures point
   into its pool */

static ngx_int_t
ngx_fuzz_alone(ngx_fuzz_route_t *route, char *method, u_char *path,
    size_t len, ngx_http_proxies_match_t *m, ngx_unit_env_t **alone)
{
    ngx_int_t        rc;
    ngx_unit_env_t  *env;

    env = ngx_unit_env_create();
    if (env == NULL) {
        return NGX_ERROR;
    }

    if (ngx_unit_proxy(env, route->text, route->len, route->methods)
        != NGX_OK
        || ngx_unit_build(env) != NGX_OK)
    {
        ngx_fuzz_fail("a route of the table fails alone");
    }

    rc = ngx_unit_match(env, method, path, len, m);

    if (rc != NGX_OK) {
        ngx_unit_env_destroy(env);
        *alone = NULL;
        return rc;
    }

    *alone = env;

    return rc;
}


/* section 6, written out again here as the reference */

static ngx_http_proxies_proxy_t *
ngx_fuzz_better(ngx_http_proxies_proxy_t *a, ngx_http_proxies_proxy_t *b)
{
    u_char      ca, cb;
    ngx_uint_t  i;

    for (i = 0; i < a->route.rank.len || i < b->route.rank.len; i++) {
        ca = (i < a->route.rank.len) ? a->route.rank.data[i] : '0';
        cb = (i < b->route.rank.len) ? b->route.rank.data[i] : '0';

        if (ca != cb) {
            return (ca < cb) ? a : b;
        }
    }

    if ((a->nmethods != 0) != (b->nmethods != 0)) {
        return a->nmethods ? a : b;
    }

    return (a->order < b->order) ? a : b;
}


static void
ngx_fuzz_same_captures(ngx_http_proxies_match_t *a,
    ngx_http_proxies_match_t *b)
{
    ngx_uint_t                   i;
    ngx_http_proxies_capture_t  *x, *y;

    for (i = 0; i < a->proxy->route.nparams; i++) {
        x = &a->captures[i];
        y = &b->captures[i];

        if (x->raw.len != y->raw.len || x->value.len != y->value.len
            || (x->raw.len
                && ngx_memcmp(x->raw.data, y->raw.data, x->raw.len) != 0)
            || (x->value.len
                && ngx_memcmp(x->value.data, y->value.data, x->value.len)
                   != 0))
        {
            ngx_fuzz_fail("captures differ between the table and alone");
        }
    }
}


static void
ngx_fuzz_fail(const char *what)
{
    fprintf(stderr, "match: %s\n", what);
    abort();
}
