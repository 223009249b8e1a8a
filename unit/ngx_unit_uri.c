
/*
 * ngx_proxies unit tests: backendUri (uri.c): compiling it into scheme,
 * authority, path and query, and building the URL of a request, with
 * the querystring overrides merged into the query (spec section 8.2).
 *
 * Empty strings may come without data: nginx leaves r->args so when the
 * request has no "?".  Offsetting NULL, even by zero, is undefined and
 * clang's UBSan refuses it ("make unit-clang"); gcc's lets it pass, but
 * refuses memcpy() from NULL.
 */


#include "ngx_unit.h"


typedef struct {
    char                         *src;
    char                         *prefix;     /* NULL: refused */
    char                         *host;       /* or the error's text */
    ngx_uint_t                    port;
    ngx_uint_t                    localhost;
} ngx_unit_uri_case_t;


/* against the route "/o/{id}" and the request "/o/4%2F2" */
typedef struct {
    char                         *src;
    char                         *args;       /* NULL: no "?" at all */
    char                         *ovr[6];     /* name, value, ...; NULL */
    char                         *path;
    char                         *query;
} ngx_unit_build_case_t;


static ngx_unit_uri_case_t  ngx_unit_uris[] = {
    { "http://h", "http://h", "h", 0, 0 },
    { "HTTPS://Example.COM:8443/a?b#c", "https://Example.COM:8443",
      "example.com", 8443, 0 },
    { "http://[::1]:80/x", "http://[::1]:80", "[::1]", 80, 0 },
    { "http://LocalHost/api/f", "http://LocalHost", "localhost", 0, 1 },
    { "http://%MONOLITH%/{id}", "http://127.0.0.1:8081", "127.0.0.1", 8081,
      0 },
    { "", NULL, "backendUri \"\" is not an absolute URL", 0, 0 },
    { "ftp://h/", NULL, "scheme \"ftp\" is not supported", 0, 0 },
    { "http://h:/x", NULL, "invalid port", 0, 0 },
    { "http://h:65536/x", NULL, "invalid port", 0, 0 },
    { "http://h:99999999999999999999/", NULL, "invalid port", 0, 0 },
    { "http:///x", NULL, "has no host", 0, 0 },
    { "http://[]/x", NULL, "has no host", 0, 0 },
    { "http://[::1/x", NULL, "unterminated IPv6 address", 0, 0 },
    { "http://u@h/x", NULL, "user information", 0, 0 },
    { "http://{id}/x", NULL, "not allowed in the scheme or the host", 0, 0 },
    { "http://h/a b", NULL, "a raw space", 0, 0 },
    { "http://h/a%4", NULL, "\"%\" not followed by two hex digits", 0, 0 },
    { "http://h/a%4{id}", NULL, "\"%\" not followed by two hex digits", 0,
      0 },
    { "http://h/a%zz", NULL, "\"%\" not followed by two hex digits", 0, 0 },
    { "http://h/<URL>", NULL, "\"<\" or \">\"", 0, 0 },
    { NULL, NULL, NULL, 0, 0 }
};


static ngx_unit_build_case_t  ngx_unit_builds[] = {
    { "http://h", NULL, { NULL }, "/", "" },
    { "http://h?", "a=1", { NULL }, "/", "a=1" },
    { "http://h/v/{id}?id={id}", "a=1", { NULL }, "/v/4%2F2",
      "id=4%2F2&a=1" },
    { "http://h/x#frag?{id}", "a=1", { NULL }, "/x", "a=1" },

    /* the client sent no "?": its query has no data */
    { "http://h/x", NULL, { "q", "1", NULL }, "/x", "q=1" },
    { "http://h/x", NULL, { "q", "", NULL }, "/x", "q=" },
    { "http://h/x?a=b", NULL, { "q", "1", NULL }, "/x", "a=b&q=1" },
    { "http://h/x", "", { "q", "1", NULL }, "/x", "q=1" },

    /* the first of the name replaced in place, later ones dropped */
    { "http://h/x", "a=1&Q=2&b&q=3&%71=4", { "q", "v w", NULL }, "/x",
      "a=1&q=v%20w&b" },
    { "http://h/x?q=0", "q=1", { "q", "{id}", NULL }, "/x", "q=4%2F2" },
    { "http://h/x", "a+b=1&c", { "a b", "x&y", "z", "9", NULL }, "/x",
      "a%20b=x%26y&c&z=9" },

    /* empty parameters stay as they were */
    { "http://h/x", "a=1&", { "z", "9", NULL }, "/x", "a=1&&z=9" },
    { "http://h/x", "&", { "z", "9", NULL }, "/x", "&&z=9" },
    { "http://h/x", "&&q", { "q", "1", NULL }, "/x", "&&q=1" },
    { NULL, NULL, { NULL }, NULL, NULL }
};


static void ngx_unit_uri_case(ngx_unit_uri_case_t *t);
static void ngx_unit_uri_build(ngx_unit_build_case_t *t);
static ngx_unit_env_t *ngx_unit_uri_env(ngx_http_proxies_match_t *m);
static ngx_int_t ngx_unit_uri_override(ngx_unit_env_t *env,
    ngx_array_t *query, char *name, char *value);
static void ngx_unit_uri_empty_value(void);
static void ngx_unit_uri_alloc(void);


void
ngx_unit_uri_suite(void)
{
    ngx_unit_uri_case_t    *t;
    ngx_unit_build_case_t  *b;

    for (t = ngx_unit_uris; t->src; t++) {
        ngx_unit_uri_case(t);
    }

    for (b = ngx_unit_builds; b->src; b++) {
        ngx_unit_uri_build(b);
    }

    ngx_unit_uri_empty_value();
    ngx_unit_uri_alloc();
}


static void
ngx_unit_uri_case(ngx_unit_uri_case_t *t)
{
    u_char                  *copy;
    ngx_int_t                rc;
    ngx_str_t                src;
    ngx_uint_t               errors;
    ngx_unit_env_t          *env;
    ngx_http_proxies_uri_t   uri;

    env = ngx_unit_uri_env(NULL);
    if (env == NULL) {
        ngx_unit_ok(0, "backendUri \"%s\": the environment", t->src);
        return;
    }

    /* a copy of its own, so that ASan bounds it exactly */

    src.len = ngx_strlen(t->src);
    src.data = NULL;

    if (src.len) {
        copy = ngx_pnalloc(env->temp_pool, src.len);
        if (copy == NULL) {
            ngx_unit_env_destroy(env);
            return;
        }

        ngx_memcpy(copy, t->src, src.len);
        src.data = copy;
    }

    errors = ngx_unit_nerrors;
    ngx_unit_error[0] = '\0';

    rc = ngx_http_proxies_uri_compile(&env->cc, &src, &uri);

    if (t->prefix == NULL) {
        ngx_unit_ok(rc == NGX_ERROR && ngx_unit_nerrors == errors + 1
                    && ngx_strstr(ngx_unit_error, t->host),
                    "backendUri \"%s\": refused, %s", t->src, t->host);

        if (ngx_unit_nerrors != errors + 1
            || !ngx_strstr(ngx_unit_error, t->host))
        {
            ngx_unit_diag("  error: %s", ngx_unit_error);
        }

        ngx_unit_env_destroy(env);
        return;
    }

    if (!ngx_unit_ok(rc == NGX_OK, "backendUri \"%s\" compiles", t->src)) {
        ngx_unit_diag("  error: %s", ngx_unit_error);
        ngx_unit_env_destroy(env);
        return;
    }

    ngx_unit_is(&uri.prefix, t->prefix, "backendUri \"%s\": prefix", t->src);
    ngx_unit_is(&uri.host, t->host, "backendUri \"%s\": host", t->src);
    ngx_unit_is_int(uri.port, t->port, "backendUri \"%s\": port", t->src);
    ngx_unit_is_int(uri.localhost, t->localhost,
                    "backendUri \"%s\": localhost", t->src);

    ngx_unit_env_destroy(env);
}


static void
ngx_unit_uri_build(ngx_unit_build_case_t *t)
{
    char                      **o;
    ngx_str_t                   src, path, args;
    ngx_unit_env_t             *env;
    ngx_http_proxies_uri_t      uri;
    ngx_http_proxies_eval_t     ev;
    ngx_http_proxies_proxy_t    proxy;
    ngx_http_proxies_match_t    m;
    ngx_http_request_t         *r;

    env = ngx_unit_uri_env(&m);
    if (env == NULL) {
        ngx_unit_ok(0, "build \"%s\": the environment", t->src);
        return;
    }

    src.data = (u_char *) t->src;
    src.len = ngx_strlen(t->src);

    ngx_memzero(&proxy, sizeof(ngx_http_proxies_proxy_t));

    if (ngx_http_proxies_uri_compile(&env->cc, &src, &uri) != NGX_OK
        || ngx_array_init(&proxy.req.query, env->pool, 2,
                          sizeof(ngx_http_proxies_query_ovr_t))
           != NGX_OK)
    {
        ngx_unit_ok(0, "build \"%s\": compiles", t->src);
        ngx_unit_env_destroy(env);
        return;
    }

    for (o = t->ovr; o[0]; o += 2) {
        if (ngx_unit_uri_override(env, &proxy.req.query, o[0], o[1])
            != NGX_OK)
        {
            ngx_unit_ok(0, "build \"%s\": override \"%s\" compiles",
                        t->src, o[0]);
            ngx_unit_env_destroy(env);
            return;
        }
    }

    r = &env->request;

    if (t->args) {
        r->args.data = (u_char *) t->args;
        r->args.len = ngx_strlen(t->args);

    } else {
        ngx_str_null(&r->args);
    }

    ngx_memzero(&ev, sizeof(ngx_http_proxies_eval_t));
    ev.r = r;
    ev.match = &m;

    if (!ngx_unit_ok(ngx_http_proxies_uri_build(&ev, &uri, &proxy, &path,
                                                &args)
                     == NGX_OK,
                     "build \"%s\" with \"%s\"", t->src,
                     t->args ? t->args : "(no query)"))
    {
        ngx_unit_env_destroy(env);
        return;
    }

    ngx_unit_is(&path, t->path, "build \"%s\": path", t->src);
    ngx_unit_is(&args, t->query, "build \"%s\" with \"%s\": query", t->src,
                t->args ? t->args : "(no query)");

    ngx_unit_env_destroy(env);
}


/* the route "/o/{id}", matched by "/o/4%2F2" when m is given */

static ngx_unit_env_t *
ngx_unit_uri_env(ngx_http_proxies_match_t *m)
{
    ngx_unit_env_t  *env;

    env = ngx_unit_env_create();
    if (env == NULL) {
        return NULL;
    }

    (void) ngx_unit_setting(env, "MONOLITH", "127.0.0.1:8081");

    if (ngx_unit_add(env, "/o/{id}", NULL) != NGX_OK
        || ngx_unit_build(env) != NGX_OK
        || (m && ngx_unit_match(env, "GET", (u_char *) "/o/4%2F2",
                                sizeof("/o/4%2F2") - 1, m)
                 != NGX_OK))
    {
        ngx_unit_env_destroy(env);
        return NULL;
    }

    env->cc.proxy = &env->model;
    env->cc.route = &env->table.proxies[0].route;
    ngx_str_set(&env->cc.field, "backendUri");

    if (env->request.pool == NULL) {
        env->request.pool = env->pool;
        env->request.connection = &env->connection;
    }

    return env;
}


/* as compile.c compiles "backend.request.querystring.NAME": VALUE */

static ngx_int_t
ngx_unit_uri_override(ngx_unit_env_t *env, ngx_array_t *query, char *name,
    char *value)
{
    ngx_str_t                      v;
    ngx_http_proxies_query_ovr_t  *o;

    o = ngx_array_push(query);
    if (o == NULL) {
        return NGX_ERROR;
    }

    ngx_memzero(o, sizeof(ngx_http_proxies_query_ovr_t));

    o->name.data = (u_char *) name;
    o->name.len = ngx_strlen(name);

    v.data = (u_char *) value;
    v.len = ngx_strlen(value);

    return ngx_http_proxies_tpl_compile(&env->cc, &v,
                                        NGX_HTTP_PROXIES_CTX_REQUEST,
                                        NGX_HTTP_PROXIES_ESC_QUERY,
                                        &o->value);
}


/*
 * A value compiled for the query is encoded already and copied as it
 * is; an empty one may have no data, and memcpy() from NULL is undefined
 * even for no bytes (both UBSans).
 */

static void
ngx_unit_uri_empty_value(void)
{
    ngx_str_t                      args;
    ngx_unit_env_t                *env;
    ngx_http_proxies_eval_t        ev;
    ngx_http_proxies_proxy_t       proxy;
    ngx_http_proxies_tpart_t       part;
    ngx_http_proxies_query_ovr_t  *o;

    env = ngx_unit_uri_env(NULL);
    if (env == NULL) {
        ngx_unit_ok(0, "empty value: the environment");
        return;
    }

    ngx_memzero(&proxy, sizeof(ngx_http_proxies_proxy_t));

    if (ngx_array_init(&proxy.req.query, env->pool, 1,
                       sizeof(ngx_http_proxies_query_ovr_t))
        != NGX_OK)
    {
        ngx_unit_env_destroy(env);
        return;
    }

    o = ngx_array_push(&proxy.req.query);
    if (o == NULL) {
        ngx_unit_env_destroy(env);
        return;
    }

    ngx_memzero(o, sizeof(ngx_http_proxies_query_ovr_t));
    ngx_str_set(&o->name, "q");
    ngx_str_set(&o->encoded, "q");

    ngx_memzero(&part, sizeof(ngx_http_proxies_tpart_t));
    part.kind = NGX_HTTP_PROXIES_TP_LITERAL;
    part.escape = NGX_HTTP_PROXIES_ESC_QUERY;
    ngx_str_null(&part.text);

    o->value.parts = &part;
    o->value.nparts = 1;
    o->value.is_literal = 1;
    o->value.literal = part.text;

    ngx_str_set(&env->request.args, "q=1&a=2");

    ngx_memzero(&ev, sizeof(ngx_http_proxies_eval_t));
    ev.r = &env->request;

    if (ngx_unit_ok(ngx_http_proxies_query_build(&ev, NULL, &proxy, &args)
                    == NGX_OK,
                    "empty value without data: the query builds"))
    {
        ngx_unit_is(&args, "q=&a=2", "empty value without data: \"q=\"");
    }

    ngx_unit_env_destroy(env);
}


/* any allocation of a compile or a build may fail: an error, no crash */

static void
ngx_unit_uri_alloc(void)
{
    ngx_int_t                  rc;
    ngx_str_t                  src, path, args;
    ngx_uint_t                 n;
    ngx_unit_env_t            *env;
    ngx_http_proxies_uri_t     uri;
    ngx_http_proxies_eval_t    ev;
    ngx_http_proxies_proxy_t   proxy;
    ngx_http_proxies_match_t   m;

    ngx_str_set(&src, "http://%MONOLITH%/v/{id}?id={id}&x=y");

    rc = NGX_ERROR;

    for (n = 0; n < 1000 && rc != NGX_OK; n++) {
        env = ngx_unit_uri_env(&m);
        if (env == NULL) {
            break;
        }

        ngx_memzero(&proxy, sizeof(ngx_http_proxies_proxy_t));

        if (ngx_array_init(&proxy.req.query, env->pool, 2,
                           sizeof(ngx_http_proxies_query_ovr_t))
            != NGX_OK
            || ngx_unit_uri_override(env, &proxy.req.query, "q", "{id}")
               != NGX_OK
            || ngx_unit_uri_override(env, &proxy.req.query, "z", "9")
               != NGX_OK)
        {
            ngx_unit_env_destroy(env);
            break;
        }

        ngx_str_set(&env->request.args, "a=1&Q=2&q=3");

        ngx_memzero(&ev, sizeof(ngx_http_proxies_eval_t));
        ev.r = &env->request;
        ev.match = &m;

        ngx_unit_alloc_fail = n;

        rc = ngx_http_proxies_uri_compile(&env->cc, &src, &uri);

        if (rc == NGX_OK) {
            rc = ngx_http_proxies_uri_build(&ev, &uri, &proxy, &path, &args);
        }

        ngx_unit_alloc_fail = -1;

        if (rc == NGX_OK) {
            ngx_unit_is(&args, "id=4%2F2&x=y&a=1&q=4%2F2&z=9",
                        "allocations: the query, once they all succeed");
        }

        ngx_unit_env_destroy(env);
    }

    ngx_unit_ok(rc == NGX_OK, "a compile and a build survive each of their "
                "%ui allocations failing", n ? n - 1 : 0);
}
