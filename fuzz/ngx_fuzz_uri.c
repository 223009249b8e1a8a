
/*
 * ngx_proxies fuzz target: backendUri (uri.c), compiled, then the URL
 * built for a request: its path, and its query with the querystring
 * overrides merged in.
 *
 * Input: a byte of flags (NGX_FUZZ_*), then lines: the backendUri, a
 * route template, the request path, the client's query, then pairs of
 * lines, the name and the value of a "backend.request.querystring.NAME"
 * override each.  Empty strings come with or without data, as nginx
 * leaves them (r->args has none when the request has no "?").
 *
 * A refused backendUri must say why; an accepted one is "scheme://
 * authority" with a lower-case host, a valid port, and is local exactly
 * for "localhost" and the proxies_local_host name.  The path built
 * must start with "/" and hold only path characters and "%XX".  The
 * query must be what a plain model of section 8.2 builds from the same
 * pieces, and each override's parameter must decode back to the name and
 * the value it was given.
 */


#include "ngx_unit.h"


#define NGX_FUZZ_NULL_ARGS      0x01  /* an empty client query: no data */
#define NGX_FUZZ_DECODE_SLASH   0x02
#define NGX_FUZZ_NO_BACKEND     0x04  /* query_build() without a URI */
#define NGX_FUZZ_ENCODED        0x08  /* names encoded, as compile.c does */
#define NGX_FUZZ_NULL_URI       0x10  /* an empty backendUri: no data */
#define NGX_FUZZ_RAW_VALUES     0x20  /* one literal part, not encoded */
#define NGX_FUZZ_LITERAL_VALUES 0x40  /* one literal part; empty: no data */

#define NGX_FUZZ_OVERRIDES      8


typedef struct {
    ngx_str_t                     name;
    ngx_str_t                     value;      /* as given, for RAW_VALUES */
    ngx_str_t                     param;      /* "name=value", encoded */
} ngx_fuzz_ovr_t;


static ngx_int_t ngx_fuzz_compile(ngx_unit_env_t *env, ngx_str_t *src,
    ngx_http_proxies_uri_t *uri);
static void ngx_fuzz_check_uri(ngx_http_proxies_uri_t *uri);
static ngx_int_t ngx_fuzz_override(ngx_unit_env_t *env, ngx_uint_t flags,
    ngx_str_t *name, ngx_str_t *value, ngx_http_proxies_query_ovr_t *o);
static ngx_int_t ngx_fuzz_param(ngx_http_proxies_eval_t *ev,
    ngx_uint_t flags, ngx_http_proxies_query_ovr_t *o, ngx_fuzz_ovr_t *f);
static void ngx_fuzz_request(ngx_unit_env_t *env, ngx_str_t *args);
static void ngx_fuzz_check_path(ngx_http_proxies_eval_t *ev,
    ngx_http_proxies_uri_t *uri, ngx_str_t *path);
static ngx_int_t ngx_fuzz_expect(ngx_pool_t *pool, ngx_str_t *base,
    ngx_fuzz_ovr_t *ovr, ngx_uint_t n, ngx_str_t *out);
static ngx_uint_t ngx_fuzz_name_is(ngx_pool_t *pool, u_char *p, size_t len,
    ngx_str_t *name);
static ngx_int_t ngx_fuzz_decode(ngx_pool_t *pool, u_char *p, size_t len,
    ngx_str_t *out);
static ngx_uint_t ngx_fuzz_query_safe(ngx_str_t *s);
static ngx_uint_t ngx_fuzz_hex(u_char c);
static ngx_uint_t ngx_fuzz_eq(ngx_str_t *a, ngx_str_t *b);
static u_char *ngx_fuzz_line(u_char *p, u_char *last, ngx_str_t *line);
static void ngx_fuzz_fail(const char *what, ngx_str_t *got,
    ngx_str_t *expected);


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    u_char                        *p, *last, *copy;
    ngx_int_t                      rc;
    ngx_str_t                      src, route, rpath, args, name, value;
    ngx_str_t                     *lh;
    ngx_str_t                      path, query, base, built, expected;
    ngx_uint_t                     flags, i, n;
    ngx_unit_env_t                *env;
    ngx_fuzz_ovr_t                 ovr[NGX_FUZZ_OVERRIDES];
    ngx_http_proxies_uri_t         uri, *be;
    ngx_http_proxies_eval_t        ev;
    ngx_http_proxies_proxy_t       proxy;
    ngx_http_proxies_match_t       m;
    ngx_http_proxies_query_ovr_t  *o;

    if (size < 1) {
        return 0;
    }

    flags = data[0];

    env = ngx_unit_env_create();
    if (env == NULL) {
        return 0;
    }

    /* a copy of its own, so that ASan bounds the input exactly */
    copy = ngx_pnalloc(env->temp_pool, size - 1);
    if (copy == NULL) {
        goto done;
    }

    if (size > 1) {
        ngx_memcpy(copy, data + 1, size - 1);
    }

    p = copy;
    last = copy + size - 1;

    p = ngx_fuzz_line(p, last, &src);
    p = ngx_fuzz_line(p, last, &route);
    p = ngx_fuzz_line(p, last, &rpath);
    p = ngx_fuzz_line(p, last, &args);

    if (src.len == 0 && (flags & NGX_FUZZ_NULL_URI)) {
        src.data = NULL;
    }

    if (args.len == 0 && (flags & NGX_FUZZ_NULL_ARGS)) {
        args.data = NULL;
    }

    (void) ngx_unit_setting(env, "MONOLITH", "127.0.0.1:8081");
    (void) ngx_unit_setting(env, "EMPTY", "");
    (void) ngx_unit_setting(env, "ODD", "/a b?c#d%");

    /* proxies_local_host gateway.internal; */

    if (ngx_array_init(&env->pmcf.local_hosts, env->pool, 1,
                       sizeof(ngx_str_t))
        != NGX_OK)
    {
        goto done;
    }

    lh = ngx_array_push(&env->pmcf.local_hosts);
    if (lh == NULL) {
        goto done;
    }

    ngx_str_set(lh, "gateway.internal");

    ngx_memzero(&m, sizeof(ngx_http_proxies_match_t));

    if (ngx_unit_proxy(env, route.data, route.len, NULL) == NGX_OK
        && ngx_unit_build(env) == NGX_OK
        && ngx_unit_match(env, "GET", rpath.data, rpath.len, &m) != NGX_OK)
    {
        m.proxy = NULL;
    }

    env->cc.proxy = &env->model;
    env->cc.route = env->table.nproxies ? &env->table.proxies[0].route
                                        : NULL;
    env->model.has_backend = 1;

    be = NULL;

    if (!(flags & NGX_FUZZ_NO_BACKEND)) {
        if (ngx_fuzz_compile(env, &src, &uri) != NGX_OK) {
            goto done;
        }

        be = &uri;
    }

    /* the overrides, as compile.c compiles them */

    ngx_memzero(&proxy, sizeof(ngx_http_proxies_proxy_t));

    if (ngx_array_init(&proxy.req.query, env->pool, NGX_FUZZ_OVERRIDES,
                       sizeof(ngx_http_proxies_query_ovr_t))
        != NGX_OK)
    {
        goto done;
    }

    while (p < last && proxy.req.query.nelts < NGX_FUZZ_OVERRIDES) {
        p = ngx_fuzz_line(p, last, &name);
        p = ngx_fuzz_line(p, last, &value);

        o = ngx_array_push(&proxy.req.query);
        if (o == NULL) {
            goto done;
        }

        if (ngx_fuzz_override(env, flags, &name, &value, o) != NGX_OK) {
            proxy.req.query.nelts--;
        }
    }

    ngx_fuzz_request(env, &args);

    ngx_memzero(&ev, sizeof(ngx_http_proxies_eval_t));
    ev.r = &env->request;
    ev.match = m.proxy ? &m : NULL;
    ev.decode_slashes = (flags & NGX_FUZZ_DECODE_SLASH) ? 1 : 0;

    if (be) {
        rc = ngx_http_proxies_uri_build(&ev, be, &proxy, &path, &built);
        if (rc != NGX_OK) {
            ngx_fuzz_fail("uri_build() failed", NULL, NULL);
        }

        ngx_fuzz_check_path(&ev, be, &path);

    } else {
        rc = ngx_http_proxies_query_build(&ev, NULL, &proxy, &built);
        if (rc != NGX_OK) {
            ngx_fuzz_fail("query_build() failed", NULL, NULL);
        }
    }

    /* the model: backendUri's query, then the client's, then overrides */

    ngx_str_null(&query);

    if (be && be->has_query
        && ngx_http_proxies_tpl_eval(&ev, &be->query, &query) != NGX_OK)
    {
        goto done;
    }

    if (query.len == 0) {
        base = env->request.args;

    } else if (env->request.args.len == 0) {
        base = query;

    } else {
        base.len = query.len + 1 + env->request.args.len;
        base.data = ngx_pnalloc(env->pool, base.len);
        if (base.data == NULL) {
            goto done;
        }

        p = ngx_cpymem(base.data, query.data, query.len);
        *p++ = '&';
        ngx_memcpy(p, env->request.args.data, env->request.args.len);
    }

    o = proxy.req.query.elts;
    n = proxy.req.query.nelts;

    for (i = 0; i < n; i++) {
        if (ngx_fuzz_param(&ev, flags, &o[i], &ovr[i]) != NGX_OK) {
            goto done;
        }
    }

    if (ngx_fuzz_expect(env->pool, &base, ovr, n, &expected) != NGX_OK) {
        goto done;
    }

    if (!ngx_fuzz_eq(&built, &expected)) {
        ngx_fuzz_fail("the query is not the model's", &built, &expected);
    }

done:

    ngx_unit_env_destroy(env);

    return 0;
}


/* a refused backendUri says why; an accepted one is well formed */

static ngx_int_t
ngx_fuzz_compile(ngx_unit_env_t *env, ngx_str_t *src,
    ngx_http_proxies_uri_t *uri)
{
    ngx_int_t   rc;
    ngx_uint_t  errors;

    errors = ngx_unit_nerrors;
    ngx_str_set(&env->cc.field, "backendUri");

    rc = ngx_http_proxies_uri_compile(&env->cc, src, uri);

    if (rc != NGX_OK) {
        if (ngx_unit_nerrors == errors) {
            ngx_fuzz_fail("a backendUri is refused without a message",
                          src, NULL);
        }

        return NGX_DECLINED;
    }

    ngx_fuzz_check_uri(uri);

    return NGX_OK;
}


static void
ngx_fuzz_check_uri(ngx_http_proxies_uri_t *uri)
{
    u_char      *p, *last;
    size_t       n;
    ngx_uint_t   i;

    if (!((uri->scheme.len == 4
           && ngx_strncmp(uri->scheme.data, "http", 4) == 0)
          || (uri->scheme.len == 5
              && ngx_strncmp(uri->scheme.data, "https", 5) == 0)))
    {
        ngx_fuzz_fail("the scheme is not http or https", &uri->scheme,
                      NULL);
    }

    n = uri->scheme.len + 3 + uri->authority.len;

    if (uri->prefix.len != n
        || ngx_strncmp(uri->prefix.data, uri->scheme.data, uri->scheme.len)
           != 0
        || ngx_strncmp(uri->prefix.data + uri->scheme.len, "://", 3) != 0
        || (uri->authority.len
            && ngx_memcmp(uri->prefix.data + uri->scheme.len + 3,
                          uri->authority.data, uri->authority.len)
               != 0))
    {
        ngx_fuzz_fail("the prefix is not scheme://authority", &uri->prefix,
                      NULL);
    }

    if (uri->host.len == 0 || uri->host.len > uri->authority.len
        || ngx_strncasecmp(uri->host.data, uri->authority.data,
                           uri->host.len)
           != 0)
    {
        ngx_fuzz_fail("the host does not begin the authority", &uri->host,
                      &uri->authority);
    }

    for (i = 0; i < uri->host.len; i++) {
        if (uri->host.data[i] >= 'A' && uri->host.data[i] <= 'Z') {
            ngx_fuzz_fail("the host is not lower case", &uri->host, NULL);
        }
    }

    p = uri->authority.data + uri->host.len;
    last = uri->authority.data + uri->authority.len;

    if (p == last ? uri->port != 0
                  : (*p != ':' || uri->port == 0
                     || ngx_atoi(p + 1, last - p - 1) != uri->port))
    {
        ngx_fuzz_fail("the port is not the one written", &uri->authority,
                      NULL);
    }

    if (uri->localhost
        != ((uri->host.len == 9
             && ngx_strncmp(uri->host.data, "localhost", 9) == 0)
            || (uri->host.len == 16
                && ngx_strncmp(uri->host.data, "gateway.internal", 16) == 0)))
    {
        ngx_fuzz_fail("a local host is not told apart", &uri->host, NULL);
    }

    if (uri->path.is_literal
        && (uri->path.literal.len == 0 || uri->path.literal.data[0] != '/'))
    {
        ngx_fuzz_fail("the path does not start with \"/\"",
                      &uri->path.literal, NULL);
    }

    for (i = 0; i < uri->query.nparts; i++) {
        if (uri->query.parts[i].kind != NGX_HTTP_PROXIES_TP_LITERAL
            && uri->query.parts[i].escape != NGX_HTTP_PROXIES_ESC_QUERY)
        {
            ngx_fuzz_fail("a query variable is not query-encoded", NULL,
                          NULL);
        }
    }

    if (!uri->has_query
        && !(uri->query.is_literal && uri->query.literal.len == 0))
    {
        ngx_fuzz_fail("a query without \"?\"", NULL, NULL);
    }
}


/* the override "NAME: VALUE", as compile.c compiles it, or odder */

static ngx_int_t
ngx_fuzz_override(ngx_unit_env_t *env, ngx_uint_t flags, ngx_str_t *name,
    ngx_str_t *value, ngx_http_proxies_query_ovr_t *o)
{
    u_char                    *d;
    size_t                     i;
    ngx_http_proxies_tpart_t  *part;
    static u_char              hex[] = "0123456789abcdef";

    ngx_memzero(o, sizeof(ngx_http_proxies_query_ovr_t));

    o->name = *name;

    if (flags & NGX_FUZZ_ENCODED) {

        /* lower-case hex: not what uri.c would encode by itself */

        o->encoded.data = ngx_pnalloc(env->pool, 3 * name->len);
        if (o->encoded.data == NULL) {
            return NGX_ERROR;
        }

        d = o->encoded.data;

        for (i = 0; i < name->len; i++) {
            if (ngx_fuzz_query_safe(&(ngx_str_t) { 1, &name->data[i] })) {
                *d++ = name->data[i];
                continue;
            }

            *d++ = '%';
            *d++ = hex[name->data[i] >> 4];
            *d++ = hex[name->data[i] & 0xf];
        }

        o->encoded.len = d - o->encoded.data;
    }

    if (!(flags & (NGX_FUZZ_RAW_VALUES | NGX_FUZZ_LITERAL_VALUES))) {
        ngx_str_set(&env->cc.field,
                    "requestOverrides.backend.request.querystring");

        return ngx_http_proxies_tpl_compile(&env->cc, value,
                                            NGX_HTTP_PROXIES_CTX_REQUEST,
                                            NGX_HTTP_PROXIES_ESC_QUERY,
                                            &o->value);
    }

    /* one literal part, encoded already or not, maybe without data */

    part = ngx_pcalloc(env->pool, sizeof(ngx_http_proxies_tpart_t));
    if (part == NULL) {
        return NGX_ERROR;
    }

    part->kind = NGX_HTTP_PROXIES_TP_LITERAL;
    part->text = *value;
    part->escape = (flags & NGX_FUZZ_RAW_VALUES) ? NGX_HTTP_PROXIES_ESC_RAW
                                                 : NGX_HTTP_PROXIES_ESC_QUERY;

    if (value->len == 0) {
        if (flags & NGX_FUZZ_LITERAL_VALUES) {
            part->text.data = NULL;
        }

    } else if (part->escape == NGX_HTTP_PROXIES_ESC_QUERY) {
        /* an encoded value is given as such */

        if (!ngx_fuzz_query_safe(value)) {
            return NGX_DECLINED;
        }
    }

    o->value.parts = part;
    o->value.nparts = 1;
    o->value.is_literal = 1;
    o->value.literal = part->text;

    return NGX_OK;
}


/* "name=value" as the model encodes it, checked to decode back */

static ngx_int_t
ngx_fuzz_param(ngx_http_proxies_eval_t *ev, ngx_uint_t flags,
    ngx_http_proxies_query_ovr_t *o, ngx_fuzz_ovr_t *f)
{
    size_t      vlen;
    ngx_str_t   name, value, decoded;
    ngx_uint_t  raw;

    f->name = o->name;

    if (ngx_http_proxies_tpl_eval(ev, &o->value, &value) != NGX_OK) {
        return NGX_ERROR;
    }

    raw = o->value.nparts == 0
          || o->value.parts[0].escape != NGX_HTTP_PROXIES_ESC_QUERY;

    f->value = value;

    if (o->encoded.len) {
        name = o->encoded;

    } else {
        name.len = ngx_http_proxies_escape(NULL, o->name.data, o->name.len,
                                           NGX_HTTP_PROXIES_ESC_QUERY, 0);
        name.data = ngx_pnalloc(ev->r->pool, name.len);
        if (name.data == NULL) {
            return NGX_ERROR;
        }

        (void) ngx_http_proxies_escape(name.data, o->name.data, o->name.len,
                                       NGX_HTTP_PROXIES_ESC_QUERY, 0);
    }

    vlen = raw ? ngx_http_proxies_escape(NULL, value.data, value.len,
                                         NGX_HTTP_PROXIES_ESC_QUERY, 0)
               : value.len;

    f->param.len = name.len + 1 + vlen;
    f->param.data = ngx_pnalloc(ev->r->pool, f->param.len);
    if (f->param.data == NULL) {
        return NGX_ERROR;
    }

    if (name.len) {
        ngx_memcpy(f->param.data, name.data, name.len);
    }

    f->param.data[name.len] = '=';

    if (raw) {
        (void) ngx_http_proxies_escape(f->param.data + name.len + 1,
                                       value.data, value.len,
                                       NGX_HTTP_PROXIES_ESC_QUERY, 0);

    } else if (value.len) {
        ngx_memcpy(f->param.data + name.len + 1, value.data, value.len);
    }

    /* decode(encode(x)) == x, and nothing that ends a parameter */

    if (ngx_fuzz_decode(ev->r->pool, name.data, name.len, &decoded)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (!ngx_fuzz_eq(&decoded, &o->name)) {
        ngx_fuzz_fail("an encoded name does not decode back", &decoded,
                      &o->name);
    }

    value.data = f->param.data + name.len + 1;
    value.len = vlen;

    if (!ngx_fuzz_query_safe(&name) || !ngx_fuzz_query_safe(&value)) {
        ngx_fuzz_fail("a parameter is not query-encoded", &f->param, NULL);
    }

    if (raw) {
        if (ngx_fuzz_decode(ev->r->pool, value.data, value.len, &decoded)
            != NGX_OK)
        {
            return NGX_ERROR;
        }

        if (!ngx_fuzz_eq(&decoded, &f->value)) {
            ngx_fuzz_fail("an encoded value does not decode back", &decoded,
                          &f->value);
        }
    }

    return NGX_OK;
}


/* what the variables read; the client's query as nginx leaves it */

static void
ngx_fuzz_request(ngx_unit_env_t *env, ngx_str_t *args)
{
    ngx_table_elt_t     *h;
    ngx_http_request_t  *r;

    r = &env->request;

    if (r->pool == NULL) {
        r->pool = env->pool;
        r->connection = &env->connection;
    }

    ngx_str_set(&r->method_name, "GET");
    r->method = NGX_HTTP_GET;
    r->args = *args;

    if (ngx_list_init(&r->headers_in.headers, env->pool, 1,
                      sizeof(ngx_table_elt_t))
        != NGX_OK)
    {
        return;
    }

    h = ngx_list_push(&r->headers_in.headers);
    if (h == NULL) {
        return;
    }

    ngx_memzero(h, sizeof(ngx_table_elt_t));
    h->hash = 1;
    ngx_str_set(&h->key, "X-Foo");
    ngx_str_set(&h->value, "a&b=c d/%");
}


/* "/" first, then only path characters and "%XX" */

static void
ngx_fuzz_check_path(ngx_http_proxies_eval_t *ev, ngx_http_proxies_uri_t *uri,
    ngx_str_t *path)
{
    u_char         c;
    size_t         i;
    ngx_str_t      tpl;
    static u_char  other[] = "-._~!$&'()*+,;=:@/";

    if (path->len == 0 || path->data[0] != '/') {
        ngx_fuzz_fail("the path does not start with \"/\"", path, NULL);
    }

    for (i = 0; i < path->len; i++) {
        c = path->data[i];

        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
            || (c >= '0' && c <= '9')
            || (c != '\0' && ngx_strchr(other, c) != NULL))
        {
            continue;
        }

        if (c == '%' && path->len - i > 2
            && ngx_fuzz_hex(path->data[i + 1]) < 16
            && ngx_fuzz_hex(path->data[i + 2]) < 16)
        {
            i += 2;
            continue;
        }

        ngx_fuzz_fail("the path has a character it may not have", path,
                      NULL);
    }

    if (ngx_http_proxies_tpl_eval(ev, &uri->path, &tpl) != NGX_OK) {
        return;
    }

    if (tpl.len == 0) {
        ngx_str_set(&tpl, "/");
    }

    if (!ngx_fuzz_eq(path, &tpl)) {
        ngx_fuzz_fail("the path is not its template's value", path, &tpl);
    }
}


/*
 * Section 8.2, plainly: the base query cut at "&"; each override
 * replaces the first parameter of its name (form-decoded, any case) and
 * drops the later ones, or is appended.
 */

static ngx_int_t
ngx_fuzz_expect(ngx_pool_t *pool, ngx_str_t *base, ngx_fuzz_ovr_t *ovr,
    ngx_uint_t n, ngx_str_t *out)
{
    u_char      *p, *q, *eq, *last;
    size_t       len;
    ngx_str_t   *seg;
    ngx_uint_t   i, j, nseg, *gone, found;

    if (n == 0) {
        *out = *base;
        return NGX_OK;
    }

    nseg = 0;

    for (i = 0; i < base->len; i++) {
        nseg += (base->data[i] == '&');
    }

    nseg += (base->len != 0);

    seg = ngx_palloc(pool, (nseg + n) * sizeof(ngx_str_t));
    gone = ngx_pcalloc(pool, (nseg + n) * sizeof(ngx_uint_t));
    if (seg == NULL || gone == NULL) {
        return NGX_ERROR;
    }

    nseg = 0;

    if (base->len) {
        p = base->data;
        last = base->data + base->len;

        for ( ;; ) {
            q = ngx_strlchr(p, last, '&');

            seg[nseg].data = p;
            seg[nseg++].len = (q ? q : last) - p;

            if (q == NULL) {
                break;
            }

            p = q + 1;
        }
    }

    for (i = 0; i < n; i++) {
        found = 0;

        for (j = 0; j < nseg; j++) {
            if (gone[j]) {
                continue;
            }

            eq = ngx_strlchr(seg[j].data, seg[j].data + seg[j].len, '=');
            len = eq ? (size_t) (eq - seg[j].data) : seg[j].len;

            if (!ngx_fuzz_name_is(pool, seg[j].data, len, &ovr[i].name)) {
                continue;
            }

            if (found) {
                gone[j] = 1;
                continue;
            }

            seg[j] = ovr[i].param;
            found = 1;
        }

        if (!found) {
            seg[nseg++] = ovr[i].param;
        }
    }

    len = 0;

    for (j = 0; j < nseg; j++) {
        len += gone[j] ? 0 : seg[j].len + 1;
    }

    out->data = ngx_pnalloc(pool, len);
    if (out->data == NULL) {
        return NGX_ERROR;
    }

    p = out->data;
    found = 0;

    for (j = 0; j < nseg; j++) {
        if (gone[j]) {
            continue;
        }

        /* empty parameters keep their "&" */

        if (found++) {
            *p++ = '&';
        }

        if (seg[j].len) {
            ngx_memcpy(p, seg[j].data, seg[j].len);
            p += seg[j].len;
        }
    }

    out->len = p - out->data;

    return NGX_OK;
}


static ngx_uint_t
ngx_fuzz_name_is(ngx_pool_t *pool, u_char *p, size_t len, ngx_str_t *name)
{
    size_t     i;
    ngx_str_t  decoded;

    if (ngx_fuzz_decode(pool, p, len, &decoded) != NGX_OK
        || decoded.len != name->len)
    {
        return 0;
    }

    /* byte by byte: ngx_strncasecmp() would stop at a NUL */

    for (i = 0; i < name->len; i++) {
        if (ngx_tolower(decoded.data[i]) != ngx_tolower(name->data[i])) {
            return 0;
        }
    }

    return 1;
}


/* form-decoding: "+" is a space, "%XX" a byte, a bad "%" stays */

static ngx_int_t
ngx_fuzz_decode(ngx_pool_t *pool, u_char *p, size_t len, ngx_str_t *out)
{
    size_t   i;
    u_char  *d;

    out->data = ngx_pnalloc(pool, len);
    if (out->data == NULL) {
        return NGX_ERROR;
    }

    d = out->data;

    for (i = 0; i < len; i++) {
        if (p[i] == '+') {
            *d++ = ' ';

        } else if (p[i] == '%' && len - i > 2 && ngx_fuzz_hex(p[i + 1]) < 16
                   && ngx_fuzz_hex(p[i + 2]) < 16)
        {
            *d++ = (u_char) (ngx_fuzz_hex(p[i + 1]) << 4
                             | ngx_fuzz_hex(p[i + 2]));
            i += 2;

        } else {
            *d++ = p[i];
        }
    }

    out->len = d - out->data;

    return NGX_OK;
}


/* unreserved characters and "%XX" only */

static ngx_uint_t
ngx_fuzz_query_safe(ngx_str_t *s)
{
    u_char  c;
    size_t  i;

    for (i = 0; i < s->len; i++) {
        c = s->data[i];

        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
            || (c >= '0' && c <= '9')
            || c == '-' || c == '.' || c == '_' || c == '~')
        {
            continue;
        }

        if (c == '%' && s->len - i > 2 && ngx_fuzz_hex(s->data[i + 1]) < 16
            && ngx_fuzz_hex(s->data[i + 2]) < 16)
        {
            i += 2;
            continue;
        }

        return 0;
    }

    return 1;
}


static ngx_uint_t
ngx_fuzz_hex(u_char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }

    if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') {
        return (c | 0x20) - 'a' + 10;
    }

    return 16;
}


/* either may be an empty string without data */

static ngx_uint_t
ngx_fuzz_eq(ngx_str_t *a, ngx_str_t *b)
{
    return a->len == b->len
           && (a->len == 0 || ngx_memcmp(a->data, b->data, a->len) == 0);
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


static void
ngx_fuzz_fail(const char *what, ngx_str_t *got, ngx_str_t *expected)
{
    fprintf(stderr, "uri: %s\n", what);

    if (got) {
        fprintf(stderr, "  got:      \"%.*s\"\n", (int) got->len,
                got->len ? (char *) got->data : "");
    }

    if (expected) {
        fprintf(stderr, "  expected: \"%.*s\"\n", (int) expected->len,
                expected->len ? (char *) expected->data : "");
    }

    abort();
}
