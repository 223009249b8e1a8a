
/*
 * ngx_proxies unit tests: a compile environment, as compile.c sets one up
 * for a proxies.json, and stand-ins for the parts of the module that the
 * tested files call but that are not under test (compile.c's loggers, the
 * zones and actions that breaker.c reaches).
 */


#include "ngx_unit.h"


u_char                   ngx_unit_error[NGX_UNIT_MSG_LEN];
u_char                   ngx_unit_warning[NGX_UNIT_MSG_LEN];
ngx_uint_t               ngx_unit_nerrors;
ngx_uint_t               ngx_unit_nwarnings;

ngx_http_proxies_ctx_t  *ngx_unit_ctx;

/* breaker.c finds the core module's conf through it, at init only */
ngx_module_t             ngx_http_core_module;


static void ngx_unit_msg(u_char *buf, const char *fmt, va_list args);


typedef struct {
    ngx_str_t                     name;
    ngx_uint_t                    mask;
} ngx_unit_method_t;


/* the methods nginx parses into r->method, as compile.c knows them */
static ngx_unit_method_t  ngx_unit_methods[] = {
    { ngx_string("GET"),       NGX_HTTP_GET },
    { ngx_string("HEAD"),      NGX_HTTP_HEAD },
    { ngx_string("POST"),      NGX_HTTP_POST },
    { ngx_string("PUT"),       NGX_HTTP_PUT },
    { ngx_string("DELETE"),    NGX_HTTP_DELETE },
    { ngx_string("MKCOL"),     NGX_HTTP_MKCOL },
    { ngx_string("COPY"),      NGX_HTTP_COPY },
    { ngx_string("MOVE"),      NGX_HTTP_MOVE },
    { ngx_string("OPTIONS"),   NGX_HTTP_OPTIONS },
    { ngx_string("PROPFIND"),  NGX_HTTP_PROPFIND },
    { ngx_string("PROPPATCH"), NGX_HTTP_PROPPATCH },
    { ngx_string("LOCK"),      NGX_HTTP_LOCK },
    { ngx_string("UNLOCK"),    NGX_HTTP_UNLOCK },
    { ngx_string("PATCH"),     NGX_HTTP_PATCH },
    { ngx_string("TRACE"),     NGX_HTTP_TRACE },
    { ngx_string("CONNECT"),   NGX_HTTP_CONNECT },
    { ngx_null_string, 0 }
};


/* --------------------------------------------------------- compile.c */

ngx_int_t
ngx_http_proxies_cc_error(ngx_http_proxies_cc_t *cc, const char *fmt, ...)
{
    va_list  args;

    va_start(args, fmt);
    ngx_unit_msg(ngx_unit_error, fmt, args);
    va_end(args);

    ngx_unit_nerrors++;

    return NGX_ERROR;
}


void
ngx_http_proxies_cc_warn(ngx_http_proxies_cc_t *cc, const char *fmt, ...)
{
    va_list  args;

    va_start(args, fmt);
    ngx_unit_msg(ngx_unit_warning, fmt, args);
    va_end(args);

    ngx_unit_nwarnings++;
}


static void
ngx_unit_msg(u_char *buf, const char *fmt, va_list args)
{
    u_char  *p;

    p = ngx_vslprintf(buf, buf + NGX_UNIT_MSG_LEN - 1, fmt, args);
    *p = '\0';

    if (getenv("NGX_UNIT_LOG")) {
        fprintf(stderr, "# cc: %s\n", buf);
    }
}


/* ---------------------------------------- what breaker.c reaches out to */

ngx_http_proxies_ctx_t *
ngx_http_proxies_get_ctx(ngx_http_request_t *r)
{
    return ngx_unit_ctx;
}


void
ngx_http_proxies_trace(ngx_http_request_t *r, ngx_http_proxies_ctx_t *ctx,
    const char *step, ngx_str_t *value)
{
}


ngx_int_t
ngx_http_proxies_send(ngx_http_request_t *r, ngx_str_t *body)
{
    return NGX_OK;
}


ngx_int_t
ngx_http_proxies_compile_action(ngx_http_proxies_cc_t *cc,
    ngx_http_proxies_table_t *table, ngx_str_t *uri,
    ngx_http_proxies_action_t *a)
{
    a->kind = NGX_HTTP_PROXIES_ACTION_UPSTREAM;

    return NGX_OK;
}


ngx_str_t *
ngx_http_proxies_ext_name(ngx_http_proxies_cc_t *cc, ngx_str_t *given,
    char *key)
{
    return given->len ? given : &cc->proxy->name;
}


ngx_int_t
ngx_http_proxies_shm_add(ngx_conf_t *cf, char *name, ngx_array_t *items,
    size_t size, ngx_int_t (*bind)(void *item, void *state, ngx_uint_t fresh))
{
    return NGX_OK;
}


/* ------------------------------------------------------- environment */

ngx_unit_env_t *
ngx_unit_env_create(void)
{
    ngx_unit_env_t  *env;

    env = calloc(1, sizeof(ngx_unit_env_t));
    if (env == NULL) {
        return NULL;
    }

    ngx_http_proxies_match_init();

    /* every debug message is formatted, so its arguments are checked */
    env->log.log_level = NGX_LOG_DEBUG_ALL;

    env->pool = ngx_create_pool(NGX_DEFAULT_POOL_SIZE, &env->log);
    env->temp_pool = ngx_create_pool(NGX_DEFAULT_POOL_SIZE, &env->log);

    if (env->pool == NULL || env->temp_pool == NULL) {
        goto failed;
    }

    env->cf.pool = env->pool;
    env->cf.temp_pool = env->temp_pool;
    env->cf.log = &env->log;

    if (ngx_array_init(&env->pmcf.settings, env->pool, 4,
                       sizeof(ngx_http_proxies_setting_t))
        != NGX_OK)
    {
        goto failed;
    }

    ngx_str_set(&env->model.name, "unit");

    env->cc.cf = &env->cf;
    env->cc.pool = env->pool;
    env->cc.temp_pool = env->temp_pool;
    ngx_str_set(&env->cc.file, "unit.json");
    env->cc.pmcf = &env->pmcf;
    env->cc.proxy = &env->model;

    env->table.file = env->cc.file;
    env->table.proxies = ngx_pcalloc(env->pool, NGX_UNIT_MAX_PROXIES
                                         * sizeof(ngx_http_proxies_proxy_t));
    if (env->table.proxies == NULL) {
        goto failed;
    }

    env->connection.log = &env->log;

    return env;

failed:

    ngx_unit_env_destroy(env);

    return NULL;
}


void
ngx_unit_env_destroy(ngx_unit_env_t *env)
{
    if (env->pool) {
        ngx_destroy_pool(env->pool);
    }

    if (env->temp_pool) {
        ngx_destroy_pool(env->temp_pool);
    }

    free(env);
}


ngx_int_t
ngx_unit_setting(ngx_unit_env_t *env, char *name, char *value)
{
    ngx_http_proxies_setting_t  *s;

    s = ngx_array_push(&env->pmcf.settings);
    if (s == NULL) {
        return NGX_ERROR;
    }

    s->name.data = (u_char *) name;
    s->name.len = ngx_strlen(name);
    s->value.data = (u_char *) value;
    s->value.len = ngx_strlen(value);

    return NGX_OK;
}


ngx_int_t
ngx_unit_route(ngx_unit_env_t *env, char *text,
    ngx_http_proxies_route_t *route)
{
    ngx_str_t  s;

    s.data = (u_char *) text;
    s.len = ngx_strlen(text);

    ngx_str_set(&env->cc.field, "matchCondition.route");

    return ngx_http_proxies_route_parse(&env->cc, &s, route);
}


/* as compile.c compiles a proxy's route and methods */

ngx_int_t
ngx_unit_proxy(ngx_unit_env_t *env, u_char *route, size_t len,
    char *methods)
{
    u_char                    *p, *q, *last;
    ngx_str_t                  text, *m;
    ngx_array_t               *a;
    ngx_http_proxies_proxy_t  *proxy;

    if (env->table.nproxies == NGX_UNIT_MAX_PROXIES) {
        return NGX_ERROR;
    }

    proxy = &env->table.proxies[env->table.nproxies];
    ngx_memzero(proxy, sizeof(ngx_http_proxies_proxy_t));

    proxy->order = env->table.nproxies;
    proxy->name.data = ngx_pnalloc(env->pool, NGX_INT_T_LEN + 1);
    if (proxy->name.data == NULL) {
        return NGX_ERROR;
    }

    proxy->name.len = ngx_sprintf(proxy->name.data, "p%ui", proxy->order)
                      - proxy->name.data;

    env->model.name = proxy->name;
    env->model.order = proxy->order;
    env->cc.proxy = &env->model;
    env->cc.route = &proxy->route;
    ngx_str_set(&env->cc.field, "matchCondition.route");

    /* a copy of its own, so that ASan bounds the route's text exactly */
    text.data = ngx_pnalloc(env->temp_pool, len);
    if (text.data == NULL) {
        return NGX_ERROR;
    }

    ngx_memcpy(text.data, route, len);
    text.len = len;

    if (ngx_http_proxies_route_parse(&env->cc, &text, &proxy->route)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (methods) {
        a = ngx_array_create(env->pool, 2, sizeof(ngx_str_t));
        if (a == NULL) {
            return NGX_ERROR;
        }

        p = (u_char *) methods;
        last = p + ngx_strlen(methods);

        for ( /* void */ ; p < last; p = q + 1) {
            q = ngx_strlchr(p, last, ',');
            if (q == NULL) {
                q = last;
            }

            m = ngx_array_push(a);
            if (m == NULL) {
                return NGX_ERROR;
            }

            m->len = q - p;
            m->data = ngx_pnalloc(env->pool, m->len);
            if (m->data == NULL) {
                return NGX_ERROR;
            }

            /* the model holds them upper case */
            ngx_memcpy(m->data, p, m->len);
            ngx_unit_upper(m->data, m->len);

            proxy->method_mask |= ngx_unit_method_mask(m->data, m->len)
                                  & ~NGX_HTTP_UNKNOWN;
        }

        proxy->methods = a->elts;
        proxy->nmethods = a->nelts;
    }

    env->table.nproxies++;

    return NGX_OK;
}


ngx_int_t
ngx_unit_add(ngx_unit_env_t *env, char *route, char *methods)
{
    return ngx_unit_proxy(env, (u_char *) route, ngx_strlen(route), methods);
}


ngx_int_t
ngx_unit_build(ngx_unit_env_t *env)
{
    env->cc.proxy = NULL;
    env->cc.route = NULL;
    ngx_str_null(&env->cc.field);

    return ngx_http_proxies_table_build(&env->cc, &env->table);
}


ngx_int_t
ngx_unit_match(ngx_unit_env_t *env, char *method, u_char *path, size_t len,
    ngx_http_proxies_match_t *m)
{
    ngx_str_t            p;
    ngx_http_request_t  *r;

    r = &env->request;
    ngx_memzero(r, sizeof(ngx_http_request_t));

    r->pool = env->pool;
    r->connection = &env->connection;
    r->method_name.data = (u_char *) method;
    r->method_name.len = ngx_strlen(method);
    r->method = ngx_unit_method_mask(r->method_name.data,
                                     r->method_name.len);

    p.data = ngx_pnalloc(env->pool, len);
    if (p.data == NULL) {
        return NGX_ERROR;
    }

    ngx_memcpy(p.data, path, len);
    p.len = len;

    ngx_memzero(m, sizeof(ngx_http_proxies_match_t));

    return ngx_http_proxies_match(&env->table, r, &p, m);
}


ngx_http_proxies_capture_t *
ngx_unit_capture(ngx_http_proxies_match_t *m, char *name)
{
    size_t                     len;
    ngx_uint_t                 i;
    ngx_http_proxies_route_t  *route;

    route = &m->proxy->route;
    len = ngx_strlen(name);

    for (i = 0; i < route->nparams; i++) {
        if (route->params[i].len == len
            && ngx_strncmp(route->params[i].data, name, len) == 0)
        {
            return &m->captures[i];
        }
    }

    return NULL;
}


ngx_uint_t
ngx_unit_method_mask(u_char *name, size_t len)
{
    ngx_unit_method_t  *m;

    for (m = ngx_unit_methods; m->name.len; m++) {
        if (m->name.len == len && ngx_strncmp(m->name.data, name, len) == 0) {
            return m->mask;
        }
    }

    return NGX_HTTP_UNKNOWN;
}


void
ngx_unit_upper(u_char *p, size_t len)
{
    for ( /* void */ ; len--; p++) {
        if (*p >= 'a' && *p <= 'z') {
            *p = (u_char) (*p & ~0x20);
        }
    }
}


ngx_uint_t
ngx_unit_eq(ngx_str_t *a, ngx_str_t *b)
{
    return a->len == b->len
           && (a->len == 0 || ngx_memcmp(a->data, b->data, a->len) == 0);
}
