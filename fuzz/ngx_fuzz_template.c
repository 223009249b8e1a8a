
/*
 * ngx_proxies fuzz target: value templates (template.c), compiled and
 * evaluated.
 *
 * Input: a byte for where the value is used and how it is escaped, then
 * three lines: a route template, a request path, and the value template
 * (the rest, newlines included).  When the route parses and the path
 * matches, the route's captures are the parameters' values.  The value is
 * compiled with two app settings defined, then evaluated against a
 * request with headers, arguments and a backend response.  Whatever the
 * input, a header value must come out without CR, LF or NUL, and a query
 * component with nothing but unreserved characters and "%XX".
 */


#include "ngx_unit.h"


static ngx_int_t ngx_fuzz_request(ngx_unit_env_t *env);
static ngx_int_t ngx_fuzz_header(ngx_list_t *list, char *name, char *value,
    size_t len);
static void ngx_fuzz_check(ngx_str_t *out, ngx_uint_t escape);
static u_char *ngx_fuzz_line(u_char *p, u_char *last, ngx_str_t *line);


static ngx_uint_t  ngx_fuzz_escapes[] = {
    NGX_HTTP_PROXIES_ESC_RAW,
    NGX_HTTP_PROXIES_ESC_HEADER,
    NGX_HTTP_PROXIES_ESC_PATH,
    NGX_HTTP_PROXIES_ESC_QUERY,
    NGX_HTTP_PROXIES_ESC_JSON
};


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    u_char                    *p, *last, *copy;
    ngx_str_t                  route, path, src, out;
    ngx_uint_t                 where, escape;
    ngx_unit_env_t            *env;
    ngx_http_proxies_tpl_t     tpl;
    ngx_http_proxies_eval_t    ev;
    ngx_http_proxies_match_t   m;

    if (size < 1) {
        return 0;
    }

    where = data[0] & 1;
    escape = ngx_fuzz_escapes[(data[0] >> 1) % 5];

    env = ngx_unit_env_create();
    if (env == NULL) {
        return 0;
    }

    copy = ngx_pnalloc(env->temp_pool, size - 1);
    if (copy == NULL) {
        goto done;
    }

    if (size > 1) {
        ngx_memcpy(copy, data + 1, size - 1);
    }

    p = copy;
    last = copy + size - 1;

    p = ngx_fuzz_line(p, last, &route);
    p = ngx_fuzz_line(p, last, &path);

    src.data = p;
    src.len = last - p;

    (void) ngx_unit_setting(env, "MONOLITH", "127.0.0.1:8081");
    (void) ngx_unit_setting(env, "ODD", "%MONOLITH%{x}\r\n");

    ngx_memzero(&m, sizeof(ngx_http_proxies_match_t));

    if (ngx_unit_proxy(env, route.data, route.len, NULL) == NGX_OK
        && ngx_unit_build(env) == NGX_OK
        && ngx_unit_match(env, "GET", path.data, path.len, &m) != NGX_OK)
    {
        m.proxy = NULL;
    }

    env->cc.proxy = &env->model;
    env->cc.route = env->table.nproxies ? &env->table.proxies[0].route
                                        : NULL;
    env->model.has_backend = 1;

    if (ngx_http_proxies_tpl_compile(&env->cc, &src, where, escape, &tpl)
        != NGX_OK)
    {
        goto done;
    }

    if (ngx_fuzz_request(env) != NGX_OK) {
        goto done;
    }

    ngx_memzero(&ev, sizeof(ngx_http_proxies_eval_t));
    ev.r = &env->request;
    ev.match = m.proxy ? &m : NULL;
    ev.decode_slashes = data[0] >> 7;
    ev.has_backend = (where == NGX_HTTP_PROXIES_CTX_RESPONSE);
    ngx_str_set(&ev.backend_method, "PATCH");
    ngx_str_set(&ev.backend_args, "q=b%0D%0A&Q=%00");
    ev.backend_headers = &env->request.headers_in.headers;

    if (ngx_http_proxies_tpl_eval(&ev, &tpl, &out) == NGX_OK) {
        ngx_fuzz_check(&out, escape);
    }

done:

    ngx_unit_env_destroy(env);

    return 0;
}


/* what the variables read: headers with CR and LF, odd arguments */

static ngx_int_t
ngx_fuzz_request(ngx_unit_env_t *env)
{
    ngx_http_request_t  *r;

    r = &env->request;

    if (r->pool == NULL) {
        r->pool = env->pool;
        r->connection = &env->connection;
    }

    ngx_str_set(&r->method_name, "GET");
    r->method = NGX_HTTP_GET;
    ngx_str_set(&r->args, "q=1&Q=a%0d%0Ab+c&x=%22&q");

    if (ngx_list_init(&r->headers_in.headers, env->pool, 1,
                      sizeof(ngx_table_elt_t))
        != NGX_OK
        || ngx_list_init(&r->headers_out.headers, env->pool, 1,
                         sizeof(ngx_table_elt_t))
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (ngx_fuzz_header(&r->headers_in.headers, "X-Foo", "a\r\nb\0", 5)
        != NGX_OK
        || ngx_fuzz_header(&r->headers_in.headers, "x-foo", "second", 6)
           != NGX_OK
        || ngx_fuzz_header(&r->headers_out.headers, "ETag", "\"e\r\"", 4)
           != NGX_OK
        || ngx_fuzz_header(&r->headers_out.headers, "Last-Modified", "", 0)
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    r->headers_out.status = 502;
    ngx_str_set(&r->headers_out.content_type, "text/html");
    r->headers_out.content_type_len = r->headers_out.content_type.len;
    ngx_str_set(&r->headers_out.charset, "utf-8");
    r->headers_out.content_length_n = 5;
    r->headers_out.last_modified_time = 784111777;

    return NGX_OK;
}


static ngx_int_t
ngx_fuzz_header(ngx_list_t *list, char *name, char *value, size_t len)
{
    ngx_table_elt_t  *h;

    h = ngx_list_push(list);
    if (h == NULL) {
        return NGX_ERROR;
    }

    h->hash = 1;
    h->key.data = (u_char *) name;
    h->key.len = ngx_strlen(name);
    h->value.data = (u_char *) value;
    h->value.len = len;
    h->lowcase_key = NULL;

    return NGX_OK;
}


static void
ngx_fuzz_check(ngx_str_t *out, ngx_uint_t escape)
{
    u_char      c;
    ngx_uint_t  i;

    for (i = 0; i < out->len; i++) {
        c = out->data[i];

        switch (escape) {

        case NGX_HTTP_PROXIES_ESC_HEADER:
            if (c == CR || c == LF || c == '\0') {
                fprintf(stderr, "template: CR, LF or NUL in a header\n");
                abort();
            }

            break;

        case NGX_HTTP_PROXIES_ESC_QUERY:
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~')
            {
                break;
            }

            if (c == '%' && i + 2 < out->len
                && isxdigit(out->data[i + 1]) && isxdigit(out->data[i + 2]))
            {
                i += 2;
                break;
            }

            fprintf(stderr, "template: 0x%02x unescaped in a query\n", c);
            abort();

        default:
            break;
        }
    }
}


static u_char *
ngx_fuzz_line(u_char *p, u_char *last, ngx_str_t *line)
{
    u_char  *q;

    q = ngx_strlchr(p, last, '\n');
    if (q == NULL) {
        q = last;
    }

    line->data = p;
    line->len = q - p;

    return (q < last) ? q + 1 : q;
}
