
/*
 * ngx_proxies: backendUri (spec sections 4.3, 7.5, 8.1 and 8.2).
 *
 * At config time the template is compiled once and cut into scheme,
 * authority, path and query; variables may appear only in the path and
 * the query.  At request time the path and query are evaluated and the
 * query is merged: backendUri's own query, the client's raw query, then
 * the backend.request.querystring overrides.
 */


#include "ngx_http_proxies.h"


typedef struct {
    ngx_array_t                   path;       /* tpart_t */
    ngx_array_t                   query;      /* tpart_t */
    ngx_uint_t                    state;
    ngx_http_proxies_cc_t        *cc;
    ngx_http_proxies_uri_t       *uri;
    ngx_str_t                    *src;
} ngx_http_proxies_uri_ctx_t;


#define NGX_HTTP_PROXIES_URI_PATH      0
#define NGX_HTTP_PROXIES_URI_QUERY     1
#define NGX_HTTP_PROXIES_URI_FRAGMENT  2


static ngx_int_t ngx_http_proxies_uri_authority(ngx_http_proxies_uri_ctx_t *uc,
    ngx_str_t *text, u_char **rest, ngx_uint_t more);
static ngx_int_t ngx_http_proxies_uri_host(ngx_http_proxies_uri_ctx_t *uc,
    ngx_str_t *authority);
static ngx_int_t ngx_http_proxies_uri_literal(ngx_http_proxies_uri_ctx_t *uc,
    u_char *p, u_char *last);
static ngx_int_t ngx_http_proxies_uri_push(ngx_http_proxies_uri_ctx_t *uc,
    ngx_http_proxies_tpart_t *src, u_char *p, u_char *last);
static ngx_int_t ngx_http_proxies_uri_tpl(ngx_http_proxies_cc_t *cc,
    ngx_array_t *parts, ngx_http_proxies_tpl_t *tpl, char *empty);
static ngx_uint_t ngx_http_proxies_uri_char(u_char *p, u_char *last);
static ngx_int_t ngx_http_proxies_uri_bad(ngx_http_proxies_uri_ctx_t *uc,
    u_char *p, char *where);
static ngx_int_t ngx_http_proxies_uri_error(ngx_http_proxies_uri_ctx_t *uc,
    u_char *bad, const char *fmt, ...);
static u_char *ngx_http_proxies_uri_blame(ngx_http_proxies_cc_t *cc,
    ngx_str_t *src, u_char *bad, u_char *buf, u_char *last);
static ngx_int_t ngx_http_proxies_uri_override(ngx_http_proxies_eval_t *ev,
    ngx_array_t *overrides, ngx_str_t *args);
static ngx_int_t ngx_http_proxies_uri_param(ngx_http_proxies_eval_t *ev,
    ngx_http_proxies_query_ovr_t *o, ngx_str_t *param);


/* ------------------------------------------------------- config time */

ngx_int_t
ngx_http_proxies_uri_compile(ngx_http_proxies_cc_t *cc, ngx_str_t *src,
    ngx_http_proxies_uri_t *uri)
{
    u_char                      *rest, *lt;
    ngx_str_t                    first;
    ngx_uint_t                   i;
    ngx_http_proxies_tpl_t       all;
    ngx_http_proxies_tpart_t    *part;
    ngx_http_proxies_uri_ctx_t   uc;

    ngx_memzero(uri, sizeof(ngx_http_proxies_uri_t));

    uc.cc = cc;
    uc.uri = uri;
    uc.src = src;
    uc.state = NGX_HTTP_PROXIES_URI_PATH;

    /*
     * model.c refuses an empty backendUri first; an empty string may have
     * no data at all, and NULL + 0 is undefined (UBSan)
     */

    if (src->len == 0) {
        return ngx_http_proxies_uri_error(&uc, NULL, "backendUri \"\" is not "
                                          "an absolute URL: it must start "
                                          "with \"http://\" or \"https://\"");
    }

    if (ngx_http_proxies_setting_expand(cc, src, &uri->text) != NGX_OK) {
        return NGX_ERROR;
    }

    if (ngx_http_proxies_tpl_compile(cc, src, NGX_HTTP_PROXIES_CTX_REQUEST,
                                     NGX_HTTP_PROXIES_ESC_PATH, &all)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (ngx_array_init(&uc.path, cc->temp_pool, all.nparts + 1,
                       sizeof(ngx_http_proxies_tpart_t))
        != NGX_OK
        || ngx_array_init(&uc.query, cc->temp_pool, all.nparts + 1,
                          sizeof(ngx_http_proxies_tpart_t))
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    part = all.parts;
    rest = NULL;

    lt = ngx_strlchr(uri->text.data, uri->text.data + uri->text.len, '<');
    if (lt != NULL) {
        return ngx_http_proxies_uri_bad(&uc, lt, "");
    }

    if (all.nparts == 0 || part[0].kind != NGX_HTTP_PROXIES_TP_LITERAL) {
        return ngx_http_proxies_uri_error(&uc, NULL, "backendUri \"%V\" is "
                                          "not an absolute URL: it must "
                                          "start with \"http://\" or "
                                          "\"https://\"", &uri->text);
    }

    first = part[0].text;

    if (ngx_http_proxies_uri_authority(&uc, &first, &rest, all.nparts > 1)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (ngx_http_proxies_uri_literal(&uc, rest, first.data + first.len)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    for (i = 1; i < all.nparts; i++) {

        if (part[i].kind == NGX_HTTP_PROXIES_TP_LITERAL) {
            if (ngx_http_proxies_uri_literal(&uc, part[i].text.data,
                                             part[i].text.data
                                             + part[i].text.len)
                != NGX_OK)
            {
                return NGX_ERROR;
            }

            continue;
        }

        if (ngx_http_proxies_uri_push(&uc, &part[i], NULL, NULL) != NGX_OK) {
            return NGX_ERROR;
        }
    }

    if (ngx_http_proxies_uri_tpl(cc, &uc.path, &uri->path, "/") != NGX_OK
        || ngx_http_proxies_uri_tpl(cc, &uc.query, &uri->query, "")
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    return NGX_OK;
}


/* "scheme://authority" from the first literal part, which must hold it */

static ngx_int_t
ngx_http_proxies_uri_authority(ngx_http_proxies_uri_ctx_t *uc,
    ngx_str_t *text, u_char **rest, ngx_uint_t more)
{
    u_char                  *p, *a, *last;
    ngx_str_t                scheme, authority;
    ngx_http_proxies_uri_t  *uri;

    uri = uc->uri;
    last = text->data + text->len;

    for (p = text->data; p < last; p++) {
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')
              || (p > text->data
                  && ((*p >= '0' && *p <= '9')
                      || *p == '+' || *p == '-' || *p == '.'))))
        {
            break;
        }
    }

    if (p == text->data || last - p < 3 || ngx_strncmp(p, "://", 3) != 0) {
        return ngx_http_proxies_uri_error(uc, NULL, "backendUri \"%V\" is "
                                          "not an absolute URL: it must "
                                          "start with \"http://\" or "
                                          "\"https://\"", &uri->text);
    }

    scheme.len = p - text->data;
    scheme.data = ngx_pnalloc(uc->cc->pool, scheme.len);
    if (scheme.data == NULL) {
        return NGX_ERROR;
    }

    ngx_strlow(scheme.data, text->data, scheme.len);

    if (!(scheme.len == 4 && ngx_strncmp(scheme.data, "http", 4) == 0)
        && !(scheme.len == 5 && ngx_strncmp(scheme.data, "https", 5) == 0))
    {
        return ngx_http_proxies_uri_error(uc, NULL, "backendUri \"%V\": "
                                          "scheme \"%V\" is not supported, "
                                          "use http or https",
                                          &uri->text, &scheme);
    }

    a = p + 3;

    for (p = a; p < last; p++) {
        if (*p == '/' || *p == '?' || *p == '#') {
            break;
        }
    }

    if (p == last && more) {
        return ngx_http_proxies_uri_error(uc, NULL, "backendUri \"%V\": "
                                          "template variables are not "
                                          "allowed in the scheme or the "
                                          "host", &uri->text);
    }

    authority.data = a;
    authority.len = p - a;

    if (ngx_http_proxies_uri_host(uc, &authority) != NGX_OK) {
        return NGX_ERROR;
    }

    uri->scheme = scheme;

    uri->authority.len = authority.len;
    uri->authority.data = ngx_pstrdup(uc->cc->pool, &authority);
    if (uri->authority.data == NULL) {
        return NGX_ERROR;
    }

    uri->prefix.len = scheme.len + sizeof("://") - 1 + authority.len;
    uri->prefix.data = ngx_pnalloc(uc->cc->pool, uri->prefix.len);
    if (uri->prefix.data == NULL) {
        return NGX_ERROR;
    }

    ngx_sprintf(uri->prefix.data, "%V://%V", &scheme, &authority);

    *rest = p;

    return NGX_OK;
}


static ngx_int_t
ngx_http_proxies_uri_host(ngx_http_proxies_uri_ctx_t *uc,
    ngx_str_t *authority)
{
    u_char                        *p, *h, *last;
    ngx_int_t                      port;
    ngx_str_t                     *local, host;
    ngx_uint_t                     i;
    ngx_http_proxies_uri_t        *uri;
    ngx_http_proxies_main_conf_t  *pmcf;

    uri = uc->uri;
    h = authority->data;
    last = h + authority->len;

    if (ngx_strlchr(h, last, '@') != NULL) {
        return ngx_http_proxies_uri_error(uc, NULL, "backendUri \"%V\": user "
                                          "information (\"user@\") is not "
                                          "supported", &uri->text);
    }

    if (h < last && *h == '[') {
        p = ngx_strlchr(h, last, ']');
        if (p == NULL) {
            return ngx_http_proxies_uri_error(uc, NULL, "backendUri \"%V\": "
                                              "unterminated IPv6 address",
                                              &uri->text);
        }

        for (p = h + 1; *p != ']'; p++) {
            if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')
                  || (*p >= 'A' && *p <= 'F') || *p == ':' || *p == '.'))
            {
                return ngx_http_proxies_uri_bad(uc, p, " in the host");
            }
        }

        p++;

    } else {
        for (p = h; p < last && *p != ':'; p++) {
            if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z')
                  || (*p >= 'A' && *p <= 'Z')
                  || *p == '-' || *p == '.' || *p == '_' || *p == '~'))
            {
                return ngx_http_proxies_uri_bad(uc, p, " in the host");
            }
        }
    }

    if (p == h || (*h == '[' && p == h + 2)) {
        return ngx_http_proxies_uri_error(uc, NULL, "backendUri \"%V\" has "
                                          "no host", &uri->text);
    }

    host.data = h;
    host.len = p - h;

    if (p < last) {
        if (*p != ':') {
            return ngx_http_proxies_uri_bad(uc, p, " after the host");
        }

        port = ngx_atoi(p + 1, last - p - 1);

        if (port < 1 || port > 65535) {
            return ngx_http_proxies_uri_error(uc, NULL, "backendUri \"%V\": "
                                              "invalid port", &uri->text);
        }

        uri->port = (in_port_t) port;
    }

    uri->host.len = host.len;
    uri->host.data = ngx_pnalloc(uc->cc->pool, host.len);
    if (uri->host.data == NULL) {
        return NGX_ERROR;
    }

    ngx_strlow(uri->host.data, host.data, host.len);

    if (uri->host.len == sizeof("localhost") - 1
        && ngx_strncmp(uri->host.data, "localhost", uri->host.len) == 0)
    {
        uri->localhost = 1;
        return NGX_OK;
    }

    pmcf = uc->cc->pmcf;
    local = pmcf->local_hosts.elts;

    for (i = 0; i < pmcf->local_hosts.nelts; i++) {
        if (local[i].len == uri->host.len
            && ngx_strncmp(local[i].data, uri->host.data, uri->host.len) == 0)
        {
            uri->localhost = 1;
            break;
        }
    }

    return NGX_OK;
}


/* literal text after the authority: "?" starts the query, "#" ends all */

static ngx_int_t
ngx_http_proxies_uri_literal(ngx_http_proxies_uri_ctx_t *uc, u_char *p,
    u_char *last)
{
    u_char  *q, *start;

    start = p;

    for (q = p; q < last && uc->state != NGX_HTTP_PROXIES_URI_FRAGMENT; q++) {

        if (*q == '#') {
            if (ngx_http_proxies_uri_push(uc, NULL, start, q) != NGX_OK) {
                return NGX_ERROR;
            }

            uc->state = NGX_HTTP_PROXIES_URI_FRAGMENT;
            return NGX_OK;
        }

        if (*q == '?' && uc->state == NGX_HTTP_PROXIES_URI_PATH) {
            if (ngx_http_proxies_uri_push(uc, NULL, start, q) != NGX_OK) {
                return NGX_ERROR;
            }

            uc->state = NGX_HTTP_PROXIES_URI_QUERY;
            uc->uri->has_query = 1;
            start = q + 1;
            continue;
        }

        if (!ngx_http_proxies_uri_char(q, last)) {
            return ngx_http_proxies_uri_bad(uc, q, "");
        }
    }

    return ngx_http_proxies_uri_push(uc, NULL, start, q);
}


/* a variable (src), or literal text [p, last), to the path or the query */

static ngx_int_t
ngx_http_proxies_uri_push(ngx_http_proxies_uri_ctx_t *uc,
    ngx_http_proxies_tpart_t *src, u_char *p, u_char *last)
{
    ngx_array_t               *parts;
    ngx_http_proxies_tpart_t  *part;

    if (uc->state == NGX_HTTP_PROXIES_URI_FRAGMENT
        || (src == NULL && p == last))
    {
        return NGX_OK;
    }

    parts = uc->state == NGX_HTTP_PROXIES_URI_PATH ? &uc->path : &uc->query;

    part = ngx_array_push(parts);
    if (part == NULL) {
        return NGX_ERROR;
    }

    if (src) {
        *part = *src;
        part->escape = uc->state == NGX_HTTP_PROXIES_URI_PATH
                       ? NGX_HTTP_PROXIES_ESC_PATH
                       : NGX_HTTP_PROXIES_ESC_QUERY;
        return NGX_OK;
    }

    ngx_memzero(part, sizeof(ngx_http_proxies_tpart_t));

    part->kind = NGX_HTTP_PROXIES_TP_LITERAL;
    part->text.data = p;
    part->text.len = last - p;

    return NGX_OK;
}


static ngx_int_t
ngx_http_proxies_uri_tpl(ngx_http_proxies_cc_t *cc, ngx_array_t *parts,
    ngx_http_proxies_tpl_t *tpl, char *empty)
{
    ngx_http_proxies_tpart_t  *part;

    ngx_memzero(tpl, sizeof(ngx_http_proxies_tpl_t));

    part = parts->elts;

    if (parts->nelts == 0) {
        tpl->is_literal = 1;
        tpl->literal.data = (u_char *) empty;
        tpl->literal.len = ngx_strlen(empty);
        return NGX_OK;
    }

    tpl->nparts = parts->nelts;
    tpl->parts = ngx_palloc(cc->pool,
                            parts->nelts * sizeof(ngx_http_proxies_tpart_t));
    if (tpl->parts == NULL) {
        return NGX_ERROR;
    }

    ngx_memcpy(tpl->parts, part,
               parts->nelts * sizeof(ngx_http_proxies_tpart_t));

    if (parts->nelts == 1 && part[0].kind == NGX_HTTP_PROXIES_TP_LITERAL) {
        tpl->is_literal = 1;
        tpl->literal = part[0].text;
    }

    return NGX_OK;
}


/* RFC 3986 characters of a path or query, percent-escapes well formed */

static ngx_uint_t
ngx_http_proxies_uri_char(u_char *p, u_char *last)
{
    static u_char  other[] = "-._~!$&'()*+,;=:@/?";

    if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')
        || (*p >= '0' && *p <= '9'))
    {
        return 1;
    }

    if (*p == '%') {
        return last - p >= 3 && ngx_hextoi(p + 1, 2) != NGX_ERROR;
    }

    return *p != '\0' && ngx_strlchr(other, other + sizeof(other) - 1, *p);
}


static ngx_int_t
ngx_http_proxies_uri_bad(ngx_http_proxies_uri_ctx_t *uc, u_char *p,
    char *where)
{
    char  *hint;

    if (*p == ' ') {
        hint = "a raw space (write it as %20)";

    } else if (*p == '%') {
        hint = "\"%\" not followed by two hex digits";

    } else if (*p == '<' || *p == '>') {
        hint = "\"<\" or \">\" (a placeholder such as <YOUR_URL> must be "
               "replaced)";

    } else if (*p >= 0x80) {
        hint = "raw non-ASCII text (percent-encode it)";

    } else {
        hint = NULL;
    }

    if (hint) {
        return ngx_http_proxies_uri_error(uc, p, "backendUri \"%V\" has %s%s",
                                          &uc->uri->text, hint, where);
    }

    return ngx_http_proxies_uri_error(uc, p, "backendUri \"%V\" has the "
                                      "invalid character \"%c\"%s",
                                      &uc->uri->text, *p, where);
}


/*
 * Messages name the app setting that was undefined or that brought the
 * offending character; values are not printed, they may be secrets.
 */

static ngx_int_t
ngx_http_proxies_uri_error(ngx_http_proxies_uri_ctx_t *uc, u_char *bad,
    const char *fmt, ...)
{
    u_char   *p, msg[NGX_MAX_ERROR_STR];
    va_list   args;

    va_start(args, fmt);
    p = ngx_vslprintf(msg, msg + sizeof(msg), fmt, args);
    va_end(args);

    p = ngx_http_proxies_uri_blame(uc->cc, uc->src, bad, p,
                                   msg + sizeof(msg));

    return ngx_http_proxies_cc_error(uc->cc, "%*s", p - msg, msg);
}


static u_char *
ngx_http_proxies_uri_blame(ngx_http_proxies_cc_t *cc, ngx_str_t *src,
    u_char *bad, u_char *buf, u_char *last)
{
    u_char     *p, *q, *end;
    ngx_int_t   rc;
    ngx_str_t   name, value, used, undefined;

    ngx_str_null(&used);
    ngx_str_null(&undefined);

    if (src->len == 0) {
        return buf;
    }

    p = src->data;
    end = p + src->len;

    for ( /* void */ ; p < end; p++) {

        q = (*p == '%') ? ngx_strlchr(p + 1, end, '%') : NULL;
        if (q == NULL || q == p + 1) {
            continue;
        }

        name.data = p + 1;
        name.len = q - p - 1;

        rc = ngx_http_proxies_setting_lookup(cc, &name, &value);

        if (rc == NGX_OK) {
            if (used.len == 0
                && (bad == NULL
                    || ngx_strlchr(value.data, value.data + value.len, *bad)))
            {
                used = name;
            }

            p = q;
            continue;
        }

        if (rc == NGX_DECLINED && undefined.len == 0
            && (bad == NULL || *bad == '%'
                || ngx_strlchr(name.data, name.data + name.len, *bad)))
        {
            undefined = name;
        }
    }

    if (undefined.len) {
        return ngx_slprintf(buf, last, " (app setting \"%V\" is not defined)",
                            &undefined);
    }

    if (used.len) {
        return ngx_slprintf(buf, last, " (from app setting \"%V\")", &used);
    }

    return buf;
}


/* --------------------------------------------------------- request time */

ngx_int_t
ngx_http_proxies_uri_build(ngx_http_proxies_eval_t *ev,
    ngx_http_proxies_uri_t *uri, ngx_http_proxies_proxy_t *proxy,
    ngx_str_t *path, ngx_str_t *args)
{
    if (ngx_http_proxies_tpl_eval(ev, &uri->path, path) != NGX_OK) {
        return NGX_ERROR;
    }

    if (path->len == 0) {
        ngx_str_set(path, "/");
    }

    return ngx_http_proxies_query_build(ev, uri, proxy, args);
}


/*
 * The backend's query (8.2): backendUri's query, the client's raw query,
 * then the querystring overrides.  Functions get the same query.
 */

ngx_int_t
ngx_http_proxies_query_build(ngx_http_proxies_eval_t *ev,
    ngx_http_proxies_uri_t *uri, ngx_http_proxies_proxy_t *proxy,
    ngx_str_t *args)
{
    u_char      *p;
    ngx_str_t    query, *client;

    ngx_str_null(&query);

    if (uri && uri->has_query
        && ngx_http_proxies_tpl_eval(ev, &uri->query, &query) != NGX_OK)
    {
        return NGX_ERROR;
    }

    client = &ev->r->args;

    if (query.len == 0) {
        *args = *client;

    } else if (client->len == 0) {
        *args = query;

    } else {
        args->len = query.len + 1 + client->len;
        args->data = ngx_pnalloc(ev->r->pool, args->len);
        if (args->data == NULL) {
            return NGX_ERROR;
        }

        p = ngx_cpymem(args->data, query.data, query.len);
        *p++ = '&';
        ngx_memcpy(p, client->data, client->len);
    }

    if (proxy->req.query.nelts == 0) {
        return NGX_OK;
    }

    return ngx_http_proxies_uri_override(ev, &proxy->req.query, args);
}


/*
 * backend.request.querystring.NAME replaces the first parameter of that
 * name (decoded, any case) in place and drops the later ones, or is
 * appended when there is none.
 */

static ngx_int_t
ngx_http_proxies_uri_override(ngx_http_proxies_eval_t *ev,
    ngx_array_t *overrides, ngx_str_t *args)
{
    u_char                        *p, *end, *eq, *last;
    size_t                         len;
    ngx_str_t                     *seg, param;
    ngx_uint_t                     i, j, n, found;
    ngx_http_proxies_query_ovr_t  *o;

    /*
     * Without a "?", r->args has no data, and NULL + 0 is undefined
     * (UBSan); nor may a pointer step past the end of the query.
     */

    n = 0;
    last = NULL;

    if (args->len) {
        last = args->data + args->len;
        n = 1;

        for (p = args->data; p < last; p++) {
            if (*p == '&') {
                n++;
            }
        }
    }

    seg = ngx_palloc(ev->r->pool, (n + overrides->nelts) * sizeof(ngx_str_t));
    if (seg == NULL) {
        return NGX_ERROR;
    }

    n = 0;

    if (args->len) {
        p = args->data;

        for ( ;; ) {
            end = ngx_strlchr(p, last, '&');

            seg[n].data = p;
            seg[n++].len = (end ? end : last) - p;

            if (end == NULL) {
                break;
            }

            p = end + 1;
        }
    }

    o = overrides->elts;

    for (i = 0; i < overrides->nelts; i++) {

        if (ngx_http_proxies_uri_param(ev, &o[i], &param) != NGX_OK) {
            return NGX_ERROR;
        }

        found = 0;

        for (j = 0; j < n; j++) {
            if (seg[j].data == NULL) {
                continue;
            }

            eq = ngx_strlchr(seg[j].data, seg[j].data + seg[j].len, '=');
            len = (eq ? eq : seg[j].data + seg[j].len) - seg[j].data;

            if (!ngx_http_proxies_arg_name_eq(seg[j].data, len, &o[i].name)) {
                continue;
            }

            if (found) {
                seg[j].data = NULL;
                continue;
            }

            seg[j] = param;
            found = 1;
        }

        if (!found) {
            seg[n++] = param;
        }
    }

    len = 0;

    for (j = 0; j < n; j++) {
        if (seg[j].data) {
            len += seg[j].len + 1;
        }
    }

    p = ngx_pnalloc(ev->r->pool, len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    args->data = p;
    found = 0;

    /* the rest byte for byte: an empty parameter keeps its "&" too */

    for (j = 0; j < n; j++) {
        if (seg[j].data) {
            if (found++) {
                *p++ = '&';
            }

            p = ngx_cpymem(p, seg[j].data, seg[j].len);
        }
    }

    args->len = p - args->data;

    return NGX_OK;
}


/* "Name=value", both query-encoded */

static ngx_int_t
ngx_http_proxies_uri_param(ngx_http_proxies_eval_t *ev,
    ngx_http_proxies_query_ovr_t *o, ngx_str_t *param)
{
    u_char     *p;
    size_t      nlen, vlen;
    ngx_str_t   value;
    ngx_uint_t  encoded;

    if (ngx_http_proxies_tpl_eval(ev, &o->value, &value) != NGX_OK) {
        return NGX_ERROR;
    }

    /* a value compiled for ESC_QUERY is encoded already */

    encoded = o->value.nparts
              && o->value.parts[0].escape == NGX_HTTP_PROXIES_ESC_QUERY;

    nlen = o->encoded.len
           ? o->encoded.len
           : ngx_http_proxies_escape(NULL, o->name.data, o->name.len,
                                     NGX_HTTP_PROXIES_ESC_QUERY, 0);

    vlen = encoded ? value.len
                   : ngx_http_proxies_escape(NULL, value.data, value.len,
                                             NGX_HTTP_PROXIES_ESC_QUERY, 0);

    p = ngx_pnalloc(ev->r->pool, nlen + 1 + vlen);
    if (p == NULL) {
        return NGX_ERROR;
    }

    param->data = p;
    param->len = nlen + 1 + vlen;

    if (o->encoded.len) {
        p = ngx_cpymem(p, o->encoded.data, o->encoded.len);

    } else {
        p += ngx_http_proxies_escape(p, o->name.data, o->name.len,
                                     NGX_HTTP_PROXIES_ESC_QUERY, 0);
    }

    *p++ = '=';

    /* an empty value may have no data: memcpy() from NULL is undefined */

    if (!encoded) {
        (void) ngx_http_proxies_escape(p, value.data, value.len,
                                       NGX_HTTP_PROXIES_ESC_QUERY, 0);

    } else if (value.len) {
        ngx_memcpy(p, value.data, value.len);
    }

    return NGX_OK;
}
