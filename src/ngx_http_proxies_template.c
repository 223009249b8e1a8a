
/*
 * ngx_proxies: the value template language (spec section 7).
 *
 * At config time a JSON-decoded value passes three layers: backslash
 * ("\\" and "\""), braces ("{{", "}}" and "{variable}"), then %SETTING%
 * expansion of the literal text.  The result is a list of parts.  At
 * request time every variable part is looked up and encoded for the place
 * its value goes to: a path, a query, a header, a JSON string or a body.
 */


#include "ngx_http_proxies.h"


/* route parameters into a path keep the client's encoding */
#define NGX_HTTP_PROXIES_ESC_RAW_PATH  100
/* a value of "." or ".." in a path: a segment, never a dot-segment */
#define NGX_HTTP_PROXIES_ESC_DOTS      101


typedef struct {
    ngx_str_t                      name;       /* lower case */
    ngx_http_proxies_tpart_kind_e  kind;
    unsigned                       prefix:1;   /* a name follows */
} ngx_http_proxies_var_t;


typedef struct {
    ngx_http_proxies_cc_t         *cc;
    ngx_uint_t                     where;
    ngx_uint_t                     escape;
    ngx_array_t                    parts;      /* tpart_t, temp pool */
    u_char                        *run;        /* literal text collected */
    size_t                         run_len;
    unsigned                       uses_backend:1;
} ngx_http_proxies_tc_t;


typedef struct {
    ngx_uint_t                     status;
    ngx_str_t                      reason;
} ngx_http_proxies_reason_t;


static ngx_int_t ngx_http_proxies_tc_init(ngx_http_proxies_cc_t *cc,
    ngx_http_proxies_tc_t *tc, ngx_uint_t where);
static ngx_int_t ngx_http_proxies_tc_text(ngx_http_proxies_tc_t *tc,
    ngx_str_t *src);
static ngx_int_t ngx_http_proxies_tc_finish(ngx_http_proxies_tc_t *tc,
    ngx_http_proxies_tpl_t *tpl);
static ngx_int_t ngx_http_proxies_unbackslash(ngx_http_proxies_cc_t *cc,
    ngx_str_t *src, ngx_str_t *dst);
static ngx_int_t ngx_http_proxies_tc_flush(ngx_http_proxies_tc_t *tc);
static ngx_int_t ngx_http_proxies_tc_literal(ngx_http_proxies_tc_t *tc,
    ngx_str_t *text);
static ngx_int_t ngx_http_proxies_tc_variable(ngx_http_proxies_tc_t *tc,
    ngx_str_t *name);
static ngx_int_t ngx_http_proxies_tc_param(ngx_http_proxies_tc_t *tc,
    ngx_str_t *name);
static ngx_int_t ngx_http_proxies_expand(ngx_http_proxies_cc_t *cc,
    ngx_str_t *src, ngx_str_t *dst, ngx_pool_t *pool, ngx_uint_t warn);
static ngx_uint_t ngx_http_proxies_identifier(ngx_str_t *name);
static ngx_int_t ngx_http_proxies_tpl_value(ngx_http_proxies_eval_t *ev,
    ngx_http_proxies_tpart_t *part, ngx_str_t *value, ngx_uint_t *mode);
static ngx_int_t ngx_http_proxies_header_get(ngx_pool_t *pool,
    ngx_list_t *headers, ngx_str_t *name, ngx_uint_t skip_deleted,
    ngx_str_t *value);
static ngx_int_t ngx_http_proxies_resp_header_get(ngx_http_request_t *r,
    ngx_str_t *name, ngx_str_t *value);
static void ngx_http_proxies_status_reason(ngx_http_request_t *r,
    ngx_str_t *value);
static u_char *ngx_http_proxies_form_decode(u_char *dst, u_char *src,
    size_t len);
static ngx_uint_t ngx_http_proxies_hex(u_char c);


static ngx_http_proxies_var_t  ngx_http_proxies_vars[] = {

    { ngx_string("request.method"),
      NGX_HTTP_PROXIES_TP_METHOD, 0 },

    { ngx_string("request.headers."),
      NGX_HTTP_PROXIES_TP_REQ_HEADER, 1 },

    { ngx_string("request.querystring."),
      NGX_HTTP_PROXIES_TP_REQ_QUERY, 1 },

    { ngx_string("backend.response.statuscode"),
      NGX_HTTP_PROXIES_TP_BE_STATUS, 0 },

    { ngx_string("backend.response.statusreason"),
      NGX_HTTP_PROXIES_TP_BE_REASON, 0 },

    { ngx_string("backend.response.headers."),
      NGX_HTTP_PROXIES_TP_BE_HEADER, 1 },

    { ngx_string("backend.request.method"),
      NGX_HTTP_PROXIES_TP_BEREQ_METHOD, 0 },

    { ngx_string("backend.request.headers."),
      NGX_HTTP_PROXIES_TP_BEREQ_HEADER, 1 },

    { ngx_string("backend.request.querystring."),
      NGX_HTTP_PROXIES_TP_BEREQ_QUERY, 1 },

    { ngx_null_string, 0, 0 }
};


/* backends that send no reason phrase still get one in the variable */
static ngx_http_proxies_reason_t  ngx_http_proxies_reasons[] = {
    { 100, ngx_string("Continue") },
    { 101, ngx_string("Switching Protocols") },
    { 200, ngx_string("OK") },
    { 201, ngx_string("Created") },
    { 202, ngx_string("Accepted") },
    { 203, ngx_string("Non-Authoritative Information") },
    { 204, ngx_string("No Content") },
    { 205, ngx_string("Reset Content") },
    { 206, ngx_string("Partial Content") },
    { 300, ngx_string("Multiple Choices") },
    { 301, ngx_string("Moved Permanently") },
    { 302, ngx_string("Found") },
    { 303, ngx_string("See Other") },
    { 304, ngx_string("Not Modified") },
    { 307, ngx_string("Temporary Redirect") },
    { 308, ngx_string("Permanent Redirect") },
    { 400, ngx_string("Bad Request") },
    { 401, ngx_string("Unauthorized") },
    { 403, ngx_string("Forbidden") },
    { 404, ngx_string("Not Found") },
    { 405, ngx_string("Method Not Allowed") },
    { 406, ngx_string("Not Acceptable") },
    { 408, ngx_string("Request Timeout") },
    { 409, ngx_string("Conflict") },
    { 410, ngx_string("Gone") },
    { 411, ngx_string("Length Required") },
    { 412, ngx_string("Precondition Failed") },
    { 413, ngx_string("Payload Too Large") },
    { 414, ngx_string("URI Too Long") },
    { 415, ngx_string("Unsupported Media Type") },
    { 416, ngx_string("Range Not Satisfiable") },
    { 422, ngx_string("Unprocessable Entity") },
    { 429, ngx_string("Too Many Requests") },
    { 500, ngx_string("Internal Server Error") },
    { 501, ngx_string("Not Implemented") },
    { 502, ngx_string("Bad Gateway") },
    { 503, ngx_string("Service Unavailable") },
    { 504, ngx_string("Gateway Timeout") },
    { 0, ngx_null_string }
};


/* ------------------------------------------------------- config time */

ngx_int_t
ngx_http_proxies_tpl_compile(ngx_http_proxies_cc_t *cc, ngx_str_t *src,
    ngx_uint_t where, ngx_uint_t escape, ngx_http_proxies_tpl_t *tpl)
{
    ngx_http_proxies_tc_t  tc;

    if (ngx_http_proxies_tc_init(cc, &tc, where) != NGX_OK) {
        return NGX_ERROR;
    }

    tc.escape = escape;

    if (ngx_http_proxies_tc_text(&tc, src) != NGX_OK) {
        return NGX_ERROR;
    }

    return ngx_http_proxies_tc_finish(&tc, tpl);
}


static ngx_int_t
ngx_http_proxies_tc_init(ngx_http_proxies_cc_t *cc, ngx_http_proxies_tc_t *tc,
    ngx_uint_t where)
{
    ngx_memzero(tc, sizeof(ngx_http_proxies_tc_t));

    tc->cc = cc;
    tc->where = where;

    return ngx_array_init(&tc->parts, cc->temp_pool, 4,
                          sizeof(ngx_http_proxies_tpart_t));
}


/* the backslash and brace layers over one string, left to right */

static ngx_int_t
ngx_http_proxies_tc_text(ngx_http_proxies_tc_t *tc, ngx_str_t *src)
{
    u_char     *p, *q, *last;
    ngx_str_t   text, name;

    if (ngx_http_proxies_unbackslash(tc->cc, src, &text) != NGX_OK) {
        return NGX_ERROR;
    }

    tc->run = ngx_pnalloc(tc->cc->temp_pool, text.len + 1);
    if (tc->run == NULL) {
        return NGX_ERROR;
    }

    tc->run_len = 0;

    p = text.data;
    last = p + text.len;

    while (p < last) {

        if ((*p == '{' || *p == '}') && p + 1 < last && p[1] == *p) {
            tc->run[tc->run_len++] = *p;
            p += 2;
            continue;
        }

        if (*p != '{') {
            tc->run[tc->run_len++] = *p++;
            continue;
        }

        for (q = p + 1; q < last; q++) {
            if (*q == '{' || *q == '}' || *q == '"' || *q == ' '
                || *q == '\t' || *q == CR || *q == LF || *q == '\f'
                || *q == '\v')
            {
                break;
            }
        }

        if (q == last || *q != '}' || q == p + 1) {
            tc->run[tc->run_len++] = *p++;
            continue;
        }

        if (ngx_http_proxies_tc_flush(tc) != NGX_OK) {
            return NGX_ERROR;
        }

        name.data = p + 1;
        name.len = q - p - 1;

        if (ngx_http_proxies_tc_variable(tc, &name) != NGX_OK) {
            return NGX_ERROR;
        }

        p = q + 1;
    }

    return ngx_http_proxies_tc_flush(tc);
}


static ngx_int_t
ngx_http_proxies_unbackslash(ngx_http_proxies_cc_t *cc, ngx_str_t *src,
    ngx_str_t *dst)
{
    u_char      *p, *last, *d;
    ngx_uint_t   warned;

    d = ngx_pnalloc(cc->temp_pool, src->len + 1);
    if (d == NULL) {
        return NGX_ERROR;
    }

    dst->data = d;
    warned = 0;

    p = src->data;
    last = p + src->len;

    while (p < last) {

        if (*p != '\\') {
            *d++ = *p++;
            continue;
        }

        if (p + 1 < last && (p[1] == '\\' || p[1] == '"')) {
            *d++ = p[1];
            p += 2;
            continue;
        }

        if (!warned) {
            warned = 1;

            if (p + 1 < last) {
                ngx_http_proxies_cc_warn(cc, "\"\\%c\" is kept as written: "
                                         "only \"\\\\\" and \"\\\"\" are "
                                         "escapes in values", p[1]);

            } else {
                ngx_http_proxies_cc_warn(cc, "a trailing \"\\\" is kept as "
                                         "written");
            }
        }

        *d++ = *p++;
    }

    dst->len = d - dst->data;

    return NGX_OK;
}


/* the literal text collected so far: settings, then escaping */

static ngx_int_t
ngx_http_proxies_tc_flush(ngx_http_proxies_tc_t *tc)
{
    ngx_str_t  text, expanded;

    if (tc->run_len == 0) {
        return NGX_OK;
    }

    text.data = tc->run;
    text.len = tc->run_len;

    tc->run += tc->run_len;
    tc->run_len = 0;

    if (ngx_http_proxies_expand(tc->cc, &text, &expanded, tc->cc->temp_pool,
                                1)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    return ngx_http_proxies_tc_literal(tc, &expanded);
}


static ngx_int_t
ngx_http_proxies_tc_literal(ngx_http_proxies_tc_t *tc, ngx_str_t *text)
{
    u_char                    *p, *d;
    size_t                     len;
    ngx_uint_t                 esc;
    ngx_http_proxies_tpart_t  *part;

    if (text->len == 0) {
        return NGX_OK;
    }

    esc = tc->escape;

    /*
     * Literal text of a header is made safe, and that of a query value is
     * encoded, here once; JSON body pieces are escaped by their caller.
     */

    if (esc == NGX_HTTP_PROXIES_ESC_HEADER
        || esc == NGX_HTTP_PROXIES_ESC_QUERY)
    {
        len = ngx_http_proxies_escape(NULL, text->data, text->len, esc, 0);

        if (esc == NGX_HTTP_PROXIES_ESC_HEADER && len != text->len) {
            ngx_http_proxies_cc_warn(tc->cc, "CR, LF and NUL characters are "
                                     "removed from header values");
        }

        p = ngx_pnalloc(tc->cc->temp_pool, len);
        if (p == NULL) {
            return NGX_ERROR;
        }

        (void) ngx_http_proxies_escape(p, text->data, text->len, esc, 0);

    } else {
        p = text->data;
        len = text->len;
    }

    part = tc->parts.nelts ? (ngx_http_proxies_tpart_t *) tc->parts.elts
                             + tc->parts.nelts - 1
                           : NULL;

    if (part && part->kind == NGX_HTTP_PROXIES_TP_LITERAL) {
        d = ngx_pnalloc(tc->cc->temp_pool, part->text.len + len);
        if (d == NULL) {
            return NGX_ERROR;
        }

        ngx_memcpy(d, part->text.data, part->text.len);
        ngx_memcpy(d + part->text.len, p, len);

        part->text.data = d;
        part->text.len += len;

        return NGX_OK;
    }

    part = ngx_array_push(&tc->parts);
    if (part == NULL) {
        return NGX_ERROR;
    }

    ngx_memzero(part, sizeof(ngx_http_proxies_tpart_t));

    part->kind = NGX_HTTP_PROXIES_TP_LITERAL;
    part->text.data = p;
    part->text.len = len;
    part->escape = esc;

    return NGX_OK;
}


static ngx_int_t
ngx_http_proxies_tc_variable(ngx_http_proxies_tc_t *tc, ngx_str_t *name)
{
    u_char                    *p;
    ngx_str_t                  suffix;
    ngx_http_proxies_var_t    *v;
    ngx_http_proxies_tpart_t  *part;

    for (v = ngx_http_proxies_vars; v->name.len; v++) {
        if (v->prefix ? name->len > v->name.len : name->len == v->name.len) {
            if (ngx_strncasecmp(name->data, v->name.data, v->name.len) == 0) {
                break;
            }
        }
    }

    if (v->name.len == 0) {
        if (ngx_strlchr(name->data, name->data + name->len, '.') == NULL) {
            return ngx_http_proxies_tc_param(tc, name);
        }

        p = ngx_strlcasestrn(name->data, name->data + name->len,
                             (u_char *) ".header.", sizeof(".header.") - 2);

        if (p != NULL) {
            ngx_http_proxies_cc_warn(tc->cc, "unknown variable \"{%V}\" is "
                                     "replaced by an empty string; did you "
                                     "mean \"{%*s.headers.%*s}\"?", name,
                                     (size_t) (p - name->data), name->data,
                                     (size_t) (name->data + name->len - p - 8),
                                     p + 8);
            return NGX_OK;
        }

        ngx_http_proxies_cc_warn(tc->cc, "unknown variable \"{%V}\" is "
                                 "replaced by an empty string", name);
        return NGX_OK;
    }

    if (v->kind >= NGX_HTTP_PROXIES_TP_BE_STATUS) {

        if (tc->where == NGX_HTTP_PROXIES_CTX_REQUEST) {
            ngx_http_proxies_cc_warn(tc->cc, "\"{%V}\" has no value before "
                                     "the backend is called and is "
                                     "replaced by an empty string", name);
            return NGX_OK;
        }

        if (tc->cc->proxy && !tc->cc->proxy->has_backend) {
            ngx_http_proxies_cc_warn(tc->cc, "\"{%V}\" has no value in a "
                                     "proxy without \"backendUri\" and is "
                                     "replaced by an empty string", name);
            return NGX_OK;
        }

        tc->uses_backend = 1;
    }

    part = ngx_array_push(&tc->parts);
    if (part == NULL) {
        return NGX_ERROR;
    }

    ngx_memzero(part, sizeof(ngx_http_proxies_tpart_t));

    part->kind = v->kind;
    part->escape = tc->escape;

    if (!v->prefix) {
        return NGX_OK;
    }

    suffix.data = name->data + v->name.len;
    suffix.len = name->len - v->name.len;

    part->text.data = ngx_pnalloc(tc->cc->temp_pool, suffix.len);
    if (part->text.data == NULL) {
        return NGX_ERROR;
    }

    part->text.len = suffix.len;
    part->hash = ngx_hash_strlow(part->text.data, suffix.data, suffix.len);

    return NGX_OK;
}


static ngx_int_t
ngx_http_proxies_tc_param(ngx_http_proxies_tc_t *tc, ngx_str_t *name)
{
    ngx_uint_t                 i;
    ngx_http_proxies_route_t  *route;
    ngx_http_proxies_tpart_t  *part;

    route = tc->cc->route;

    for (i = 0; route && i < route->nparams; i++) {
        if (route->params[i].len == name->len
            && ngx_strncasecmp(route->params[i].data, name->data, name->len)
               == 0)
        {
            break;
        }
    }

    if (route == NULL || i == route->nparams) {
        ngx_http_proxies_cc_warn(tc->cc, "\"{%V}\" is not a parameter of the "
                                 "route and is replaced by an empty string",
                                 name);
        return NGX_OK;
    }

    part = ngx_array_push(&tc->parts);
    if (part == NULL) {
        return NGX_ERROR;
    }

    ngx_memzero(part, sizeof(ngx_http_proxies_tpart_t));

    part->kind = NGX_HTTP_PROXIES_TP_PARAM;
    part->param = i;
    part->escape = tc->escape;
    part->text = route->params[i];

    return NGX_OK;
}


/* the parts move from the temp pool into the configuration's pool */

static ngx_int_t
ngx_http_proxies_tc_finish(ngx_http_proxies_tc_t *tc,
    ngx_http_proxies_tpl_t *tpl)
{
    ngx_uint_t                 i;
    ngx_http_proxies_tpart_t  *src, *dst;

    ngx_memzero(tpl, sizeof(ngx_http_proxies_tpl_t));

    tpl->nparts = tc->parts.nelts;
    tpl->uses_backend = tc->uses_backend;

    if (tpl->nparts) {
        dst = ngx_palloc(tc->cc->pool,
                         tpl->nparts * sizeof(ngx_http_proxies_tpart_t));
        if (dst == NULL) {
            return NGX_ERROR;
        }

        src = tc->parts.elts;

        for (i = 0; i < tpl->nparts; i++) {
            dst[i] = src[i];

            if (src[i].kind == NGX_HTTP_PROXIES_TP_PARAM
                || src[i].text.len == 0)
            {
                continue;
            }

            dst[i].text.data = ngx_pstrdup(tc->cc->pool, &src[i].text);
            if (dst[i].text.data == NULL) {
                return NGX_ERROR;
            }
        }

        tpl->parts = dst;
    }

    if (tpl->nparts == 0) {
        tpl->is_literal = 1;
        ngx_str_set(&tpl->literal, "");

    } else if (tpl->nparts == 1
               && tpl->parts[0].kind == NGX_HTTP_PROXIES_TP_LITERAL)
    {
        tpl->is_literal = 1;
        tpl->literal = tpl->parts[0].text;
    }

    return NGX_OK;
}


/* ------------------------------------------------------- app settings */

ngx_int_t
ngx_http_proxies_setting_lookup(ngx_http_proxies_cc_t *cc, ngx_str_t *name,
    ngx_str_t *value)
{
    u_char                      *env;
    ngx_uint_t                   i;
    ngx_http_proxies_setting_t  *s;

    if (name->len == 0) {
        return NGX_DECLINED;
    }

    s = cc->pmcf->settings.elts;

    for (i = 0; i < cc->pmcf->settings.nelts; i++) {
        if (s[i].name.len == name->len
            && ngx_strncmp(s[i].name.data, name->data, name->len) == 0)
        {
            *value = s[i].value;
            return NGX_OK;
        }
    }

    if (ngx_strlchr(name->data, name->data + name->len, '\0') != NULL) {
        return NGX_DECLINED;
    }

    env = ngx_pnalloc(cc->temp_pool, name->len + 1);
    if (env == NULL) {
        return NGX_ERROR;
    }

    (void) ngx_cpystrn(env, name->data, name->len + 1);

    env = (u_char *) getenv((char *) env);
    if (env == NULL) {
        return NGX_DECLINED;
    }

    value->data = env;
    value->len = ngx_strlen(env);

    return NGX_OK;
}


/* whole text, for messages and traces: tpl_compile() gives the warnings */

ngx_int_t
ngx_http_proxies_setting_expand(ngx_http_proxies_cc_t *cc, ngx_str_t *src,
    ngx_str_t *dst)
{
    return ngx_http_proxies_expand(cc, src, dst, cc->pool, 0);
}


/*
 * "%NAME%" is replaced when NAME is a setting; otherwise the "%" stays
 * and scanning goes on from the next character, so that percent-encoded
 * text such as "caf%C3%A9%20x" survives.  Values are not scanned again.
 */

static ngx_int_t
ngx_http_proxies_expand(ngx_http_proxies_cc_t *cc, ngx_str_t *src,
    ngx_str_t *dst, ngx_pool_t *pool, ngx_uint_t warn)
{
    u_char      *p, *q, *last, *d;
    size_t       len;
    ngx_int_t    rc;
    ngx_str_t    name, value;
    ngx_uint_t   pass;

    d = NULL;
    len = 0;

    for (pass = 0; pass < 2; pass++) {

        p = src->data;
        last = p + src->len;

        while (p < last) {

            if (*p == '%') {
                q = ngx_strlchr(p + 1, last, '%');

                if (q != NULL) {
                    name.data = p + 1;
                    name.len = q - p - 1;

                    rc = ngx_http_proxies_setting_lookup(cc, &name, &value);

                    if (rc == NGX_ERROR) {
                        return NGX_ERROR;
                    }

                    if (rc == NGX_OK) {
                        if (pass) {
                            d = ngx_cpymem(d, value.data, value.len);
                        }

                        len += value.len;
                        p = q + 1;
                        continue;
                    }

                    if (warn && pass == 0
                        && ngx_http_proxies_identifier(&name))
                    {
                        ngx_http_proxies_cc_warn(cc, "app setting \"%V\" is "
                                                 "not defined; \"%%%V%%\" is "
                                                 "kept as written",
                                                 &name, &name);
                    }
                }
            }

            if (pass) {
                *d++ = *p;
            }

            len++;
            p++;
        }

        if (pass == 0) {
            dst->len = len;
            dst->data = ngx_pnalloc(pool, len + 1);
            if (dst->data == NULL) {
                return NGX_ERROR;
            }

            d = dst->data;
            len = 0;
        }
    }

    return NGX_OK;
}


/* a name that cannot be a percent-escape: worth a warning */

static ngx_uint_t
ngx_http_proxies_identifier(ngx_str_t *name)
{
    u_char      c;
    ngx_uint_t  i;

    if (name->len < 3) {
        return 0;
    }

    for (i = 0; i < name->len; i++) {
        c = name->data[i];

        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'
            || (i > 0 && c >= '0' && c <= '9'))
        {
            continue;
        }

        return 0;
    }

    return 1;
}


/* --------------------------------------------------------- request time */

ngx_int_t
ngx_http_proxies_tpl_eval(ngx_http_proxies_eval_t *ev,
    ngx_http_proxies_tpl_t *tpl, ngx_str_t *out)
{
    u_char                    *d;
    size_t                     len;
    ngx_str_t                 *values;
    ngx_uint_t                 i, *modes;
    ngx_http_proxies_tpart_t  *part;

    if (tpl->is_literal) {
        *out = tpl->literal;
        return NGX_OK;
    }

    values = ngx_palloc(ev->r->pool,
                        tpl->nparts * (sizeof(ngx_str_t) + sizeof(ngx_uint_t)));
    if (values == NULL) {
        return NGX_ERROR;
    }

    modes = (ngx_uint_t *) &values[tpl->nparts];
    len = 0;

    for (i = 0; i < tpl->nparts; i++) {
        part = &tpl->parts[i];

        if (part->kind == NGX_HTTP_PROXIES_TP_LITERAL) {
            values[i] = part->text;
            modes[i] = NGX_HTTP_PROXIES_ESC_RAW;
            len += part->text.len;
            continue;
        }

        modes[i] = part->escape;

        if (ngx_http_proxies_tpl_value(ev, part, &values[i], &modes[i])
            != NGX_OK)
        {
            return NGX_ERROR;
        }

        if (modes[i] == NGX_HTTP_PROXIES_ESC_PATH
            && (values[i].len == 1 || values[i].len == 2)
            && ngx_strncmp(values[i].data, "..", values[i].len) == 0)
        {
            modes[i] = NGX_HTTP_PROXIES_ESC_DOTS;
        }

        len += ngx_http_proxies_escape(NULL, values[i].data, values[i].len,
                                       modes[i], ev->decode_slashes);
    }

    d = ngx_pnalloc(ev->r->pool, len + 1);
    if (d == NULL) {
        return NGX_ERROR;
    }

    out->data = d;
    out->len = len;

    for (i = 0; i < tpl->nparts; i++) {
        d += ngx_http_proxies_escape(d, values[i].data, values[i].len,
                                     modes[i], ev->decode_slashes);
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_proxies_tpl_value(ngx_http_proxies_eval_t *ev,
    ngx_http_proxies_tpart_t *part, ngx_str_t *value, ngx_uint_t *mode)
{
    ngx_http_request_t          *r;
    ngx_http_proxies_capture_t  *cap;

    r = ev->r;

    ngx_str_set(value, "");

    switch (part->kind) {

    case NGX_HTTP_PROXIES_TP_PARAM:
        if (ev->match == NULL || ev->match->captures == NULL) {
            return NGX_OK;
        }

        cap = &ev->match->captures[part->param];

        if (*mode == NGX_HTTP_PROXIES_ESC_PATH) {
            *mode = NGX_HTTP_PROXIES_ESC_RAW_PATH;
            *value = cap->raw;

        } else {
            *value = cap->value;
        }

        return NGX_OK;

    case NGX_HTTP_PROXIES_TP_METHOD:
        *value = r->method_name;
        return NGX_OK;

    case NGX_HTTP_PROXIES_TP_REQ_HEADER:
        return ngx_http_proxies_header_get(r->pool, &r->headers_in.headers,
                                           &part->text, 0, value);

    case NGX_HTTP_PROXIES_TP_REQ_QUERY:
        return ngx_http_proxies_arg_get(r->pool, &r->args, &part->text,
                                        value);

    default:
        break;
    }

    if (!ev->has_backend) {
        return NGX_OK;
    }

    switch (part->kind) {

    case NGX_HTTP_PROXIES_TP_BE_STATUS:
        value->data = ngx_pnalloc(r->pool, NGX_INT_T_LEN);
        if (value->data == NULL) {
            return NGX_ERROR;
        }

        value->len = ngx_sprintf(value->data, "%ui", r->headers_out.status)
                     - value->data;
        return NGX_OK;

    case NGX_HTTP_PROXIES_TP_BE_REASON:
        ngx_http_proxies_status_reason(r, value);
        return NGX_OK;

    case NGX_HTTP_PROXIES_TP_BE_HEADER:
        return ngx_http_proxies_resp_header_get(r, &part->text, value);

    case NGX_HTTP_PROXIES_TP_BEREQ_METHOD:
        *value = ev->backend_method.len ? ev->backend_method
                                        : r->method_name;
        return NGX_OK;

    case NGX_HTTP_PROXIES_TP_BEREQ_HEADER:
        if (ev->backend_headers == NULL) {
            return NGX_OK;
        }

        return ngx_http_proxies_header_get(r->pool, ev->backend_headers,
                                           &part->text, 0, value);

    case NGX_HTTP_PROXIES_TP_BEREQ_QUERY:
        return ngx_http_proxies_arg_get(r->pool, &ev->backend_args,
                                        &part->text, value);

    default:
        return NGX_OK;
    }
}


/* every instance of a header, joined with "," like ASP.NET StringValues */

static ngx_int_t
ngx_http_proxies_header_get(ngx_pool_t *pool, ngx_list_t *headers,
    ngx_str_t *name, ngx_uint_t skip_deleted, ngx_str_t *value)
{
    u_char           *d;
    size_t            len;
    ngx_uint_t        i, n, pass;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

    d = NULL;
    len = 0;
    n = 0;

    for (pass = 0; pass < 2; pass++) {

        for (part = &headers->part; part; part = part->next) {
            h = part->elts;

            for (i = 0; i < part->nelts; i++) {

                if ((skip_deleted && h[i].hash == 0)
                    || h[i].key.len != name->len
                    || ngx_strncasecmp(h[i].key.data, name->data, name->len)
                       != 0)
                {
                    continue;
                }

                if (pass == 0) {
                    *value = h[i].value;
                    len += h[i].value.len + 1;
                    n++;
                    continue;
                }

                if (d != value->data) {
                    *d++ = ',';
                }

                d = ngx_cpymem(d, h[i].value.data, h[i].value.len);
            }
        }

        if (n < 2) {
            return NGX_OK;
        }

        if (pass == 0) {
            value->len = len - 1;
            value->data = ngx_pnalloc(pool, len);
            if (value->data == NULL) {
                return NGX_ERROR;
            }

            d = value->data;
        }
    }

    return NGX_OK;
}


/*
 * The response headers nginx keeps outside the list are read from their
 * fields: Content-Type, Content-Length and Last-Modified.
 */

static ngx_int_t
ngx_http_proxies_resp_header_get(ngx_http_request_t *r, ngx_str_t *name,
    ngx_str_t *value)
{
    u_char                  *p;
    ngx_http_headers_out_t  *ho;

    ho = &r->headers_out;

    if (name->len == sizeof("content-type") - 1
        && ngx_strncmp(name->data, "content-type", name->len) == 0)
    {
        *value = ho->content_type;

        if (ho->content_type_len == ho->content_type.len && ho->charset.len) {
            p = ngx_pnalloc(r->pool, ho->content_type.len
                                     + sizeof("; charset=") - 1
                                     + ho->charset.len);
            if (p == NULL) {
                return NGX_ERROR;
            }

            value->data = p;
            value->len = ngx_sprintf(p, "%V; charset=%V", &ho->content_type,
                                     &ho->charset)
                         - p;
        }

        return NGX_OK;
    }

    if (name->len == sizeof("content-length") - 1
        && ngx_strncmp(name->data, "content-length", name->len) == 0
        && (ho->content_length == NULL || ho->content_length->hash == 0))
    {
        if (ho->content_length_n < 0) {
            return NGX_OK;
        }

        p = ngx_pnalloc(r->pool, NGX_OFF_T_LEN);
        if (p == NULL) {
            return NGX_ERROR;
        }

        value->data = p;
        value->len = ngx_sprintf(p, "%O", ho->content_length_n) - p;

        return NGX_OK;
    }

    if (ngx_http_proxies_header_get(r->pool, &ho->headers, name, 1, value)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (value->len == 0
        && ho->last_modified_time != -1
        && name->len == sizeof("last-modified") - 1
        && ngx_strncmp(name->data, "last-modified", name->len) == 0)
    {
        p = ngx_pnalloc(r->pool, sizeof("Mon, 28 Sep 1970 06:00:00 GMT"));
        if (p == NULL) {
            return NGX_ERROR;
        }

        value->data = p;
        value->len = ngx_http_time(p, ho->last_modified_time) - p;
    }

    return NGX_OK;
}


static void
ngx_http_proxies_status_reason(ngx_http_request_t *r, ngx_str_t *value)
{
    u_char                     *p, *last;
    ngx_http_proxies_reason_t  *rs;

    /* no status line: data is NULL, and NULL + 0 is undefined (UBSan) */
    if (r->headers_out.status_line.len) {
        p = r->headers_out.status_line.data;
        last = p + r->headers_out.status_line.len;

        while (p < last && *p >= '0' && *p <= '9') {
            p++;
        }

        while (p < last && *p == ' ') {
            p++;
        }

        value->data = p;
        value->len = last - p;
        return;
    }

    for (rs = ngx_http_proxies_reasons; rs->status; rs++) {
        if (rs->status == r->headers_out.status) {
            *value = rs->reason;
            return;
        }
    }
}


/* ------------------------------------------------------- query strings */

/*
 * Every parameter called "name" (compared form-decoded and without
 * regard to case), form-decoded and joined with ",".
 */

ngx_int_t
ngx_http_proxies_arg_get(ngx_pool_t *pool, ngx_str_t *args, ngx_str_t *name,
    ngx_str_t *value)
{
    u_char      *p, *end, *eq, *v, *last, *d;
    size_t       len;
    ngx_uint_t   n, pass;

    ngx_str_set(value, "");

    if (args->len == 0) {
        /* r->args of a request without "?" has no data to offset */
        return NGX_OK;
    }

    d = NULL;
    len = 0;
    n = 0;

    for (pass = 0; pass < 2; pass++) {

        p = args->data;
        last = p + args->len;

        for ( /* void */ ; p < last; p = end + 1) {
            end = ngx_strlchr(p, last, '&');
            if (end == NULL) {
                end = last;
            }

            eq = ngx_strlchr(p, end, '=');

            if (!ngx_http_proxies_arg_name_eq(p, (eq ? eq : end) - p, name)) {
                continue;
            }

            v = eq ? eq + 1 : end;

            if (pass == 0) {
                len += (end - v) + 1;
                n++;
                continue;
            }

            if (d != value->data) {
                *d++ = ',';
            }

            d = ngx_http_proxies_form_decode(d, v, end - v);
        }

        if (n == 0) {
            return NGX_OK;
        }

        if (pass == 0) {
            d = ngx_pnalloc(pool, len);
            if (d == NULL) {
                return NGX_ERROR;
            }

            value->data = d;
        }
    }

    value->len = d - value->data;

    return NGX_OK;
}


/* a raw parameter name against a plain one, decoding on the fly */

ngx_uint_t
ngx_http_proxies_arg_name_eq(u_char *p, size_t len, ngx_str_t *name)
{
    u_char  *last, c;
    size_t   i;

    last = p + len;

    for (i = 0; p < last; i++) {
        c = *p++;

        if (c == '+') {
            c = ' ';

        } else if (c == '%' && last - p >= 2
                   && ngx_http_proxies_hex(p[0]) < 16
                   && ngx_http_proxies_hex(p[1]) < 16)
        {
            c = (u_char) (ngx_http_proxies_hex(p[0]) << 4
                          | ngx_http_proxies_hex(p[1]));
            p += 2;
        }

        if (i == name->len || ngx_tolower(c) != ngx_tolower(name->data[i])) {
            return 0;
        }
    }

    return i == name->len;
}


static u_char *
ngx_http_proxies_form_decode(u_char *dst, u_char *src, size_t len)
{
    u_char  *last;

    for (last = src + len; src < last; src++) {

        if (*src == '+') {
            *dst++ = ' ';

        } else if (*src == '%' && last - src >= 3
                   && ngx_http_proxies_hex(src[1]) < 16
                   && ngx_http_proxies_hex(src[2]) < 16)
        {
            *dst++ = (u_char) (ngx_http_proxies_hex(src[1]) << 4
                               | ngx_http_proxies_hex(src[2]));
            src += 2;

        } else {
            *dst++ = *src;
        }
    }

    return dst;
}


static ngx_uint_t
ngx_http_proxies_hex(u_char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }

    c |= 0x20;

    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }

    return 16;
}


/* ------------------------------------------------------------ escaping */

static ngx_inline ngx_uint_t
ngx_http_proxies_unreserved(u_char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
           || (c >= '0' && c <= '9')
           || c == '-' || c == '.' || c == '_' || c == '~';
}


static ngx_inline ngx_uint_t
ngx_http_proxies_pchar(u_char c)
{
    static u_char  other[] = "!$&'()*+,;=:@";

    return ngx_http_proxies_unreserved(c)
           || (c != '\0' && ngx_strlchr(other, other + sizeof(other) - 1, c));
}


/*
 * Encodes "src" for its destination and returns the length of the
 * result; with dst NULL only the length is computed.
 */

size_t
ngx_http_proxies_escape(u_char *dst, u_char *src, size_t size,
    ngx_uint_t escape, ngx_flag_t decode_slashes)
{
    u_char         c, buf[6];
    size_t         n, k;
    u_char        *last;
    ngx_uint_t     encode;
    static u_char  hex[] = "0123456789ABCDEF";

    /* an empty capture has no data at all: not even NULL + 0 (UBSan) */
    if (size == 0) {
        return 0;
    }

    if (escape == NGX_HTTP_PROXIES_ESC_RAW) {
        if (dst) {
            ngx_memcpy(dst, src, size);
        }

        return size;
    }

    n = 0;

    for (last = src + size; src < last; src++) {
        c = *src;
        k = 1;
        buf[0] = c;
        encode = 0;

        switch (escape) {

        case NGX_HTTP_PROXIES_ESC_HEADER:
            if (c == CR || c == LF || c == '\0') {
                k = 0;
            }
            break;

        case NGX_HTTP_PROXIES_ESC_PATH:
            encode = !ngx_http_proxies_pchar(c);
            break;

        case NGX_HTTP_PROXIES_ESC_DOTS:
            encode = 1;
            break;

        case NGX_HTTP_PROXIES_ESC_QUERY:
            encode = !ngx_http_proxies_unreserved(c);
            break;

        case NGX_HTTP_PROXIES_ESC_RAW_PATH:
            if (c == '%' && last - src >= 3
                && ngx_http_proxies_hex(src[1]) < 16
                && ngx_http_proxies_hex(src[2]) < 16)
            {
                if (decode_slashes && src[1] == '2' && (src[2] | 0x20) == 'f') {
                    buf[0] = '/';

                } else {
                    buf[1] = src[1];
                    buf[2] = src[2];
                    k = 3;
                }

                src += 2;
                break;
            }

            encode = !ngx_http_proxies_pchar(c) && c != '/';
            break;

        case NGX_HTTP_PROXIES_ESC_JSON:
            if (c == '"' || c == '\\') {
                buf[0] = '\\';
                buf[1] = c;
                k = 2;

            } else if (c < 0x20) {
                buf[0] = '\\';
                k = 2;

                switch (c) {
                case '\b': buf[1] = 'b'; break;
                case '\f': buf[1] = 'f'; break;
                case LF:   buf[1] = 'n'; break;
                case CR:   buf[1] = 'r'; break;
                case '\t': buf[1] = 't'; break;
                default:
                    buf[1] = 'u';
                    buf[2] = '0';
                    buf[3] = '0';
                    buf[4] = hex[c >> 4];
                    buf[5] = hex[c & 0xf];
                    k = 6;
                }
            }
            break;

        default:
            break;
        }

        if (encode) {
            k = 3;
            buf[0] = '%';
            buf[1] = hex[c >> 4];
            buf[2] = hex[c & 0xf];
        }

        if (dst) {
            dst = ngx_cpymem(dst, buf, k);
        }

        n += k;
    }

    return n;
}
