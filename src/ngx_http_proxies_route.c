
/*
 * ngx_proxies: route templates (matchCondition.route).
 *
 *   route    = [ "/" ] [ segment *( "/" segment ) ] [ "/" ]
 *   segment  = literal / "{" name "}" / "{*" name "}" / complex
 *
 * Literals are stored percent-decoded and lower-cased: the matcher compares
 * them with the decoded request segment, ignoring ASCII case.
 */


#include "ngx_http_proxies.h"
#include "ngx_http_proxies_table.h"


typedef struct {
    ngx_http_proxies_cc_t        *cc;
    ngx_http_proxies_route_t     *route;
    ngx_array_t                   segs;       /* segment_t */
    ngx_array_t                   params;     /* ngx_str_t */
} ngx_http_proxies_rparse_t;


static ngx_int_t ngx_http_proxies_route_split(ngx_http_proxies_rparse_t *rp,
    ngx_str_t *text);
static ngx_int_t ngx_http_proxies_route_segment(ngx_http_proxies_rparse_t *rp,
    u_char *start, u_char *end);
static ngx_int_t ngx_http_proxies_route_literal(ngx_http_proxies_rparse_t *rp,
    u_char *start, u_char *end, ngx_str_t *out);
static ngx_int_t ngx_http_proxies_route_param(ngx_http_proxies_rparse_t *rp,
    u_char *start, u_char *end, ngx_http_proxies_cpart_t *part,
    ngx_uint_t *catchall);
static ngx_int_t ngx_http_proxies_route_name(ngx_http_proxies_rparse_t *rp,
    ngx_str_t *name, ngx_str_t *written);
static ngx_int_t ngx_http_proxies_route_finish(ngx_http_proxies_rparse_t *rp);
static void ngx_http_proxies_route_reserved(ngx_http_proxies_cc_t *cc,
    ngx_str_t *text);


static ngx_str_t  ngx_http_proxies_star = ngx_string("{*path}");


ngx_int_t
ngx_http_proxies_route_parse(ngx_http_proxies_cc_t *cc, ngx_str_t *text,
    ngx_http_proxies_route_t *route)
{
    ngx_str_t                  src;
    ngx_http_proxies_rparse_t  rp;

    ngx_memzero(route, sizeof(ngx_http_proxies_route_t));

    route->text.data = ngx_pstrdup(cc->pool, text);
    if (route->text.data == NULL && text->len) {
        return NGX_ERROR;
    }

    route->text.len = text->len;

    src = route->text;

    if ((src.len == 1 && src.data[0] == '*')
        || (src.len == 2 && src.data[0] == '/' && src.data[1] == '*'))
    {
        ngx_http_proxies_cc_warn(cc, "route \"%V\" is read as \"/{*path}\", "
                                 "which matches every path", text);
        src = ngx_http_proxies_star;
    }

    rp.cc = cc;
    rp.route = route;

    if (ngx_array_init(&rp.segs, cc->temp_pool, 8,
                       sizeof(ngx_http_proxies_segment_t))
        != NGX_OK
        || ngx_array_init(&rp.params, cc->temp_pool, 4, sizeof(ngx_str_t))
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (ngx_http_proxies_route_split(&rp, &src) != NGX_OK) {
        return NGX_ERROR;
    }

    if (ngx_http_proxies_route_finish(&rp) != NGX_OK) {
        return NGX_ERROR;
    }

    ngx_http_proxies_route_reserved(cc, &src);

    return NGX_OK;
}


/*
 * Splits on "/" outside braces, so that a "/" inside a constraint does not
 * hide the real mistake; empty segments are dropped like "//" in requests.
 */

static ngx_int_t
ngx_http_proxies_route_split(ngx_http_proxies_rparse_t *rp, ngx_str_t *text)
{
    u_char     *p, *end, *start;
    ngx_int_t   depth;

    p = text->data;
    end = p + text->len;

    for ( ;; ) {

        while (p < end && *p == '/') {
            p++;
        }

        if (p == end) {
            return NGX_OK;
        }

        start = p;
        depth = 0;

        while (p < end && (depth > 0 || *p != '/')) {

            if (*p == '{') {
                depth++;

            } else if (*p == '}' && --depth < 0) {
                p++;
                break;
            }

            p++;
        }

        if (depth != 0) {
            return ngx_http_proxies_cc_error(rp->cc,
                       "unbalanced braces in route segment \"%*s\"",
                       (size_t) (p - start), start);
        }

        if (ngx_http_proxies_route_segment(rp, start, p) != NGX_OK) {
            return NGX_ERROR;
        }
    }
}


static ngx_int_t
ngx_http_proxies_route_segment(ngx_http_proxies_rparse_t *rp, u_char *start,
    u_char *end)
{
    u_char                      *p, *q;
    ngx_int_t                    depth;
    ngx_uint_t                   catchall, n;
    ngx_array_t                  parts;
    ngx_http_proxies_cpart_t    *part;
    ngx_http_proxies_segment_t  *seg;

    seg = ngx_array_push(&rp->segs);
    if (seg == NULL) {
        return NGX_ERROR;
    }

    ngx_memzero(seg, sizeof(ngx_http_proxies_segment_t));

    seg->text.data = start;
    seg->text.len = end - start;

    if (ngx_array_init(&parts, rp->cc->temp_pool, 4,
                       sizeof(ngx_http_proxies_cpart_t))
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    catchall = 0;

    for (p = start; p < end; p = q) {

        part = ngx_array_push(&parts);
        if (part == NULL) {
            return NGX_ERROR;
        }

        ngx_memzero(part, sizeof(ngx_http_proxies_cpart_t));

        if (*p != '{') {
            for (q = p; q < end && *q != '{'; q++) { /* void */ }

            if (ngx_http_proxies_route_literal(rp, p, q, &part->literal)
                != NGX_OK)
            {
                return NGX_ERROR;
            }

            continue;
        }

        depth = 0;

        for (q = p; q < end; q++) {
            if (*q == '{') {
                depth++;

            } else if (*q == '}' && --depth == 0) {
                break;
            }
        }

        if (parts.nelts > 1 && part[-1].literal.len == 0) {
            return ngx_http_proxies_cc_error(rp->cc,
                       "route segment \"%V\": parameters must be separated "
                       "by literal text", &seg->text);
        }

        if (ngx_http_proxies_route_param(rp, p + 1, q, part, &catchall)
            != NGX_OK)
        {
            return NGX_ERROR;
        }

        q++;
    }

    part = parts.elts;
    n = parts.nelts;

    if (n == 1 && part[0].literal.len) {
        seg->kind = NGX_HTTP_PROXIES_SEG_LITERAL;
        seg->literal = part[0].literal;

        if (seg->literal.data[0] == '.'
            && (seg->literal.len == 1
                || (seg->literal.len == 2 && seg->literal.data[1] == '.')))
        {
            return ngx_http_proxies_cc_error(rp->cc,
                       "route segment \"%V\" is a dot segment, which request "
                       "paths never contain", &seg->text);
        }

        return NGX_OK;
    }

    if (catchall) {
        if (n != 1) {
            return ngx_http_proxies_cc_error(rp->cc,
                       "route segment \"%V\": a catch-all parameter must be "
                       "a whole segment", &seg->text);
        }

        seg->kind = NGX_HTTP_PROXIES_SEG_CATCHALL;
        seg->param = part[0].param;
        return NGX_OK;
    }

    if (n == 1) {
        seg->kind = NGX_HTTP_PROXIES_SEG_PARAM;
        seg->param = part[0].param;
        return NGX_OK;
    }

    seg->kind = NGX_HTTP_PROXIES_SEG_COMPLEX;
    seg->nparts = n;
    seg->parts = ngx_palloc(rp->cc->pool, n * sizeof(ngx_http_proxies_cpart_t));
    if (seg->parts == NULL) {
        return NGX_ERROR;
    }

    ngx_memcpy(seg->parts, part, n * sizeof(ngx_http_proxies_cpart_t));

    return NGX_OK;
}


static ngx_int_t
ngx_http_proxies_route_literal(ngx_http_proxies_rparse_t *rp, u_char *start,
    u_char *end, ngx_str_t *out)
{
    u_char  *p;

    for (p = start; p < end; p++) {

        if (*p == '?') {
            return ngx_http_proxies_cc_error(rp->cc,
                       "\"?\" in route \"%V\": a route cannot contain a query "
                       "string (Azure Functions Proxies stopped matching "
                       "them in 2017)", &rp->route->text);
        }

        if (*p == '#') {
            return ngx_http_proxies_cc_error(rp->cc,
                       "\"#\" in route \"%V\": a route cannot contain "
                       "a fragment", &rp->route->text);
        }

        if (*p < 0x20 || *p == 0x7f) {
            return ngx_http_proxies_cc_error(rp->cc,
                       "control character 0x%02xd in route \"%V\"",
                       (ngx_uint_t) *p, &rp->route->text);
        }
    }

    out->data = ngx_pnalloc(rp->cc->pool, end - start);
    if (out->data == NULL) {
        return NGX_ERROR;
    }

    out->len = ngx_http_proxies_decode(out->data, start, end - start);

    ngx_strlow(out->data, out->data, out->len);

    return NGX_OK;
}


/* the text between "{" and "}" */

static ngx_int_t
ngx_http_proxies_route_param(ngx_http_proxies_rparse_t *rp, u_char *start,
    u_char *end, ngx_http_proxies_cpart_t *part, ngx_uint_t *catchall)
{
    u_char     *p;
    ngx_str_t   name, written, *prev;

    written.data = start - 1;
    written.len = end + 1 - written.data;

    if (end - start >= 2 && start[0] == '*' && start[1] == '*') {
        return ngx_http_proxies_cc_error(rp->cc,
                   "parameter \"%V\": \"{**name}\" is ASP.NET Core syntax, "
                   "not supported by Azure Functions Proxies; "
                   "use \"{*name}\"", &written);
    }

    if (start < end && *start == '*') {
        *catchall = 1;
        start++;
    }

    for (p = start; p < end; p++) {
        if (*p == ':') {
            return ngx_http_proxies_cc_error(rp->cc,
                       "parameter \"%V\": inline constraints are "
                       "not supported by Azure Functions Proxies", &written);
        }
    }

    for (p = start; p < end; p++) {
        if (*p == '=') {
            return ngx_http_proxies_cc_error(rp->cc,
                       "parameter \"%V\": default values are "
                       "not supported by Azure Functions Proxies", &written);
        }
    }

    if (start < end && end[-1] == '?') {
        return ngx_http_proxies_cc_error(rp->cc,
                   "parameter \"%V\": optional parameters are "
                   "not supported by Azure Functions Proxies", &written);
    }

    name.data = start;
    name.len = end - start;

    if (ngx_http_proxies_route_name(rp, &name, &written) != NGX_OK) {
        return NGX_ERROR;
    }

    part->param = rp->params.nelts;

    prev = ngx_array_push(&rp->params);
    if (prev == NULL) {
        return NGX_ERROR;
    }

    *prev = name;

    return NGX_OK;
}


static ngx_int_t
ngx_http_proxies_route_name(ngx_http_proxies_rparse_t *rp, ngx_str_t *name,
    ngx_str_t *written)
{
    u_char      c;
    ngx_str_t  *prev;
    ngx_uint_t  i;

    if (name->len == 0) {
        return ngx_http_proxies_cc_error(rp->cc,
                   "parameter \"%V\" has an empty name", written);
    }

    for (i = 0; i < name->len; i++) {
        c = name->data[i];

        if (c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
            || (i > 0 && c >= '0' && c <= '9'))
        {
            continue;
        }

        return ngx_http_proxies_cc_error(rp->cc,
                   "invalid parameter name \"%V\": expected a letter or "
                   "\"_\", then letters, digits or \"_\"", written);
    }

    prev = rp->params.elts;

    for (i = 0; i < rp->params.nelts; i++) {
        if (prev[i].len == name->len
            && ngx_strncasecmp(prev[i].data, name->data, name->len) == 0)
        {
            return ngx_http_proxies_cc_error(rp->cc,
                       "duplicate parameter name \"%V\" in route \"%V\"",
                       name, &rp->route->text);
        }
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_proxies_route_finish(ngx_http_proxies_rparse_t *rp)
{
    size_t                       size;
    ngx_uint_t                   i, n;
    ngx_http_proxies_route_t    *route;
    ngx_http_proxies_segment_t  *seg;

    route = rp->route;
    seg = rp->segs.elts;
    n = rp->segs.nelts;

    for (i = 0; i + 1 < n; i++) {
        if (seg[i].kind == NGX_HTTP_PROXIES_SEG_CATCHALL) {
            return ngx_http_proxies_cc_error(rp->cc,
                       "catch-all parameter \"%V\" must be the last segment "
                       "of route \"%V\"", &seg[i].text, &route->text);
        }
    }

    route->nsegs = n;
    route->nparams = rp->params.nelts;

    size = n * sizeof(ngx_http_proxies_segment_t);

    route->segs = ngx_palloc(rp->cc->pool, size ? size : 1);
    route->params = ngx_palloc(rp->cc->pool,
                               (route->nparams + 1) * sizeof(ngx_str_t));
    route->rank.data = ngx_pnalloc(rp->cc->pool, n + 1);

    if (route->segs == NULL || route->params == NULL
        || route->rank.data == NULL)
    {
        return NGX_ERROR;
    }

    ngx_memcpy(route->segs, seg, size);
    ngx_memcpy(route->params, rp->params.elts,
               route->nparams * sizeof(ngx_str_t));

    for (i = 0; i < n; i++) {
        route->rank.data[i] = (u_char) ('0' + seg[i].kind);
    }

    route->rank.len = n;

    return NGX_OK;
}


/* Azure refuses routes whose text starts with these (a prefix test) */

static void
ngx_http_proxies_route_reserved(ngx_http_proxies_cc_t *cc, ngx_str_t *text)
{
    u_char      *p, *end;
    size_t       len;
    ngx_uint_t   i;

    static ngx_str_t  reserved[] = {
        ngx_string("admin"),
        ngx_string("runtime")
    };

    p = text->data;
    end = p + text->len;

    while (p < end && *p == '/') {
        p++;
    }

    len = end - p;

    for (i = 0; i < sizeof(reserved) / sizeof(ngx_str_t); i++) {
        if (len >= reserved[i].len
            && ngx_strncasecmp(p, reserved[i].data, reserved[i].len) == 0)
        {
            ngx_http_proxies_cc_warn(cc,
                "route \"%V\" starts with \"%V\": Azure Functions refuses "
                "it as a conflict with built-in routes, nginx serves it",
                text, &reserved[i]);
            return;
        }
    }
}


size_t
ngx_http_proxies_decode(u_char *dst, u_char *src, size_t len)
{
    u_char     *d, *end;
    ngx_int_t   c;

    d = dst;
    end = src + len;

    while (src < end) {
        c = ngx_http_proxies_unhex(src, end);

        if (c < 0) {
            *d++ = *src++;
            continue;
        }

        *d++ = (u_char) c;
        src += 3;
    }

    return d - dst;
}
