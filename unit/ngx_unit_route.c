
/*
 * ngx_proxies unit tests: route templates (route.c), the accepted and
 * refused forms of docs/routing.md.
 */


#include "ngx_unit.h"


typedef struct {
    char                         *text;
    char                         *rank;
    char                         *params;     /* names joined with "," */
    char                         *literals;   /* decoded, joined with "|" */
    ngx_uint_t                    warns;
} ngx_unit_route_ok_t;


typedef struct {
    char                         *text;
    char                         *error;      /* a part of the message */
} ngx_unit_route_bad_t;


static ngx_unit_route_ok_t  ngx_unit_routes_ok[] = {
    { "", "", "", "", 0 },
    { "/", "", "", "", 0 },
    { "api/{x}", "13", "x", "api", 0 },
    { "/a//b/", "11", "", "a|b", 0 },
    { "/Caf%C3%A9/hello world", "11", "", "caf\xc3\xa9|hello world", 0 },
    { "/a%zz/%4", "11", "", "a%zz|%4", 0 },
    { "/f/{name}.{ext}", "12", "name,ext", "f", 0 },
    { "/file-{id}", "2", "id", "", 0 },
    { "/w/{*rest}", "15", "rest", "w", 0 },
    { "/api/{a}/{B}/{*c}", "1335", "a,B,c", "api", 0 },
    { "*", "5", "path", "", 1 },
    { "/*", "5", "path", "", 1 },
    { "/administrator/x", "11", "", "administrator|x", 1 },
    { "/Runtime", "1", "", "runtime", 1 },
    { "/a/.../b", "111", "", "a|...|b", 0 },
    { "/a/{x}.", "12", "x", "a", 0 },
    { NULL, NULL, NULL, NULL, 0 }
};


static ngx_unit_route_bad_t  ngx_unit_routes_bad[] = {
    { "/add?a={a}", "\"?\" in route \"/add?a={a}\"" },
    { "/a#b", "\"#\" in route" },
    { "/a/{id", "unbalanced braces in route segment \"{id\"" },
    { "/a/id}", "unbalanced braces in route segment \"id}\"" },
    { "/a/{x}}", "unbalanced braces" },
    { "/a/{}", "parameter \"{}\" has an empty name" },
    { "/a/{*}", "parameter \"{*}\" has an empty name" },
    { "/a/{1x}", "invalid parameter name \"{1x}\"" },
    { "/a/{request.method}", "invalid parameter name" },
    { "/a/{a{b}}", "invalid parameter name \"{a{b}}\"" },
    { "/a/{id}/{ID}", "duplicate parameter name \"ID\"" },
    { "/a/{*rest}/b", "catch-all parameter \"{*rest}\" must be the last" },
    { "/a/x-{*y}", "a catch-all parameter must be a whole segment" },
    { "/a/{x}{y}", "parameters must be separated by literal text" },
    { "/a/{id:int}", "inline constraints are not supported" },
    { "/a/{id?}", "optional parameters are not supported" },
    { "/a/{id=5}", "default values are not supported" },
    { "/a/{**rest}", "\"{**name}\" is ASP.NET Core syntax" },
    { "/a/../b", "route segment \"..\" is a dot segment" },
    { "/a/./b", "route segment \".\" is a dot segment" },
    { "/a/%2e%2E/b", "route segment \"%2e%2E\" is a dot segment" },
    { "/a/\tb", "control character 0x09 in route" },
    { "/a/\x7f", "control character 0x7f in route" },
    { NULL, NULL }
};


static void ngx_unit_route_check(ngx_unit_env_t *env,
    ngx_unit_route_ok_t *t);
static void ngx_unit_route_join(ngx_http_proxies_route_t *route,
    ngx_str_t *params, ngx_str_t *literals, u_char *buf);
static void ngx_unit_route_alloc(void);


void
ngx_unit_route_suite(void)
{
    ngx_unit_env_t            *env;
    ngx_unit_route_ok_t       *ok;
    ngx_unit_route_bad_t      *bad;
    ngx_http_proxies_route_t   route;

    for (ok = ngx_unit_routes_ok; ok->text; ok++) {
        env = ngx_unit_env_create();
        ngx_unit_route_check(env, ok);
        ngx_unit_env_destroy(env);
    }

    for (bad = ngx_unit_routes_bad; bad->text; bad++) {
        env = ngx_unit_env_create();
        ngx_unit_error[0] = '\0';

        ngx_unit_ok(ngx_unit_route(env, bad->text, &route) == NGX_ERROR
                    && ngx_strstr(ngx_unit_error, bad->error) != NULL,
                    "route \"%s\" is refused: %s", bad->text, bad->error);

        if (ngx_strstr(ngx_unit_error, bad->error) == NULL) {
            ngx_unit_diag("  message: %s", ngx_unit_error);
        }

        ngx_unit_env_destroy(env);
    }

    ngx_unit_route_alloc();
}


static void
ngx_unit_route_check(ngx_unit_env_t *env, ngx_unit_route_ok_t *t)
{
    u_char                    buf[NGX_UNIT_MSG_LEN];
    ngx_int_t                 rc;
    ngx_str_t                 params, literals;
    ngx_uint_t                warns;
    ngx_http_proxies_route_t  route;

    warns = ngx_unit_nwarnings;

    rc = ngx_unit_route(env, t->text, &route);

    if (!ngx_unit_ok(rc == NGX_OK, "route \"%s\" is accepted", t->text)) {
        ngx_unit_diag("  message: %s", ngx_unit_error);
        return;
    }

    ngx_unit_is(&route.rank, t->rank, "route \"%s\": rank", t->text);
    ngx_unit_is_int(route.nsegs, ngx_strlen(t->rank),
                    "route \"%s\": one segment per rank digit", t->text);

    ngx_unit_route_join(&route, &params, &literals, buf);

    ngx_unit_is(&params, t->params, "route \"%s\": parameters", t->text);
    ngx_unit_is(&literals, t->literals, "route \"%s\": literals", t->text);
    ngx_unit_is_int(ngx_unit_nwarnings - warns, t->warns,
                    "route \"%s\": warnings", t->text);
}


static void
ngx_unit_route_join(ngx_http_proxies_route_t *route, ngx_str_t *params,
    ngx_str_t *literals, u_char *buf)
{
    u_char      *p, *last;
    ngx_uint_t   i;

    p = buf;
    last = buf + NGX_UNIT_MSG_LEN;

    params->data = p;

    for (i = 0; i < route->nparams; i++) {
        p = ngx_slprintf(p, last, "%s%V", i ? "," : "", &route->params[i]);
    }

    params->len = p - params->data;
    literals->data = p;

    for (i = 0; i < route->nsegs; i++) {
        if (route->segs[i].kind == NGX_HTTP_PROXIES_SEG_LITERAL) {
            p = ngx_slprintf(p, last, "%s%V", p == literals->data ? "" : "|",
                             &route->segs[i].literal);
        }
    }

    literals->len = p - literals->data;
}


/* every allocation the parser makes may fail: it says so, and no more */

static void
ngx_unit_route_alloc(void)
{
    ngx_int_t                  n, rc;
    ngx_unit_env_t            *env;
    ngx_http_proxies_route_t   route;

    rc = NGX_ERROR;

    for (n = 0; n < 1000 && rc != NGX_OK; n++) {
        env = ngx_unit_env_create();

        ngx_unit_alloc_fail = n;
        rc = ngx_unit_route(env, "/api/{a}/x-{b}.{c}/%41/{*rest}", &route);
        ngx_unit_alloc_fail = -1;

        ngx_unit_env_destroy(env);
    }

    ngx_unit_ok(rc == NGX_OK, "a route parse survives each of its %i "
                "allocations failing", n - 1);
}
