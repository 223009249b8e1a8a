
/*
 * ngx_proxies: responseOverrides (spec section 11).
 *
 * Every template of a hop is evaluated first, against the response as it
 * came back (that is what backend.response.* means), and only then is
 * the response changed.  Headers that nginx keeps in fields of
 * headers_out, not only in the list, are handled from a table.
 */


#include "ngx_http_proxies.h"


typedef struct {
    ngx_str_t                    *key;        /* as written */
    ngx_str_t                    *lowcase;
    ngx_uint_t                    hash;
    ngx_str_t                    *value;      /* NULL: remove */
} ngx_http_proxies_hset_t;


typedef struct ngx_http_proxies_special_s  ngx_http_proxies_special_t;

typedef ngx_int_t (*ngx_http_proxies_hset_pt)(ngx_http_request_t *r,
    ngx_http_proxies_special_t *sp, ngx_http_proxies_hset_t *hs);

struct ngx_http_proxies_special_s {
    ngx_str_t                     name;       /* lower case */
    ngx_uint_t                    offset;     /* in ngx_http_headers_out_t */
    ngx_http_proxies_hset_pt      set;        /* NULL: not overridable */
};


static ngx_int_t ngx_http_proxies_resp_eval(ngx_http_request_t *r,
    ngx_http_proxies_eval_t *ev, ngx_http_proxies_tpl_t *tpl,
    ngx_str_t *value);
static ngx_int_t ngx_http_proxies_resp_status(ngx_http_request_t *r,
    ngx_http_proxies_proxy_t *proxy, ngx_str_t *text, ngx_uint_t *status);
static ngx_int_t ngx_http_proxies_resp_reason(ngx_http_request_t *r,
    ngx_str_t *reason);
static ngx_int_t ngx_http_proxies_resp_body(ngx_http_request_t *r,
    ngx_http_proxies_ctx_t *ctx, ngx_http_proxies_pending_t *p,
    ngx_str_t *body);
static ngx_int_t ngx_http_proxies_header_set(ngx_http_request_t *r,
    ngx_http_proxies_hset_t *hs, ngx_uint_t user);
static void ngx_http_proxies_list_remove(ngx_http_request_t *r,
    ngx_str_t *lowcase);
static ngx_table_elt_t *ngx_http_proxies_out_push(ngx_http_request_t *r,
    ngx_http_proxies_hset_t *hs);
static ngx_int_t ngx_http_proxies_set_plain(ngx_http_request_t *r,
    ngx_http_proxies_special_t *sp, ngx_http_proxies_hset_t *hs);
static ngx_int_t ngx_http_proxies_set_field(ngx_http_request_t *r,
    ngx_http_proxies_special_t *sp, ngx_http_proxies_hset_t *hs);
static ngx_int_t ngx_http_proxies_set_location(ngx_http_request_t *r,
    ngx_http_proxies_special_t *sp, ngx_http_proxies_hset_t *hs);
static ngx_int_t ngx_http_proxies_set_builtin(ngx_http_request_t *r,
    ngx_http_proxies_special_t *sp, ngx_http_proxies_hset_t *hs);
static ngx_int_t ngx_http_proxies_set_last_modified(ngx_http_request_t *r,
    ngx_http_proxies_special_t *sp, ngx_http_proxies_hset_t *hs);
static ngx_int_t ngx_http_proxies_set_content_type(ngx_http_request_t *r,
    ngx_http_proxies_special_t *sp, ngx_http_proxies_hset_t *hs);
#if (nginx_version < 1023000)
static ngx_int_t ngx_http_proxies_set_multi(ngx_http_request_t *r,
    ngx_http_proxies_special_t *sp, ngx_http_proxies_hset_t *hs);
#else
#define ngx_http_proxies_set_multi  ngx_http_proxies_set_field
#endif


#define ngx_http_proxies_out(name)  offsetof(ngx_http_headers_out_t, name)


static ngx_http_proxies_special_t  ngx_http_proxies_specials[] = {

    /* nginx computes the framing itself */
    { ngx_string("content-length"), 0, NULL },
    { ngx_string("transfer-encoding"), 0, NULL },

    { ngx_string("content-type"), 0, ngx_http_proxies_set_content_type },

    /* kept out of the field: nginx would make a relative value absolute */
    { ngx_string("location"), ngx_http_proxies_out(location),
      ngx_http_proxies_set_location },

    /* a removed one stays in the field, deleted, so nginx adds none */
    { ngx_string("server"), ngx_http_proxies_out(server),
      ngx_http_proxies_set_builtin },
    { ngx_string("date"), ngx_http_proxies_out(date),
      ngx_http_proxies_set_builtin },

    { ngx_string("last-modified"), ngx_http_proxies_out(last_modified),
      ngx_http_proxies_set_last_modified },

    { ngx_string("content-encoding"), ngx_http_proxies_out(content_encoding),
      ngx_http_proxies_set_field },
    { ngx_string("refresh"), ngx_http_proxies_out(refresh),
      ngx_http_proxies_set_field },
    { ngx_string("content-range"), ngx_http_proxies_out(content_range),
      ngx_http_proxies_set_field },
    { ngx_string("accept-ranges"), ngx_http_proxies_out(accept_ranges),
      ngx_http_proxies_set_field },
    { ngx_string("www-authenticate"), ngx_http_proxies_out(www_authenticate),
      ngx_http_proxies_set_field },
    { ngx_string("expires"), ngx_http_proxies_out(expires),
      ngx_http_proxies_set_field },
    { ngx_string("etag"), ngx_http_proxies_out(etag),
      ngx_http_proxies_set_field },

    { ngx_string("cache-control"), ngx_http_proxies_out(cache_control),
      ngx_http_proxies_set_multi },
    { ngx_string("link"), ngx_http_proxies_out(link),
      ngx_http_proxies_set_multi },

    { ngx_null_string, 0, NULL }
};


/* what a replaced body makes wrong; Content-Length is set anew */
static ngx_str_t  ngx_http_proxies_body_drop[] = {
    ngx_string("content-encoding"),
    ngx_string("content-range"),
    ngx_string("content-md5"),
    ngx_string("transfer-encoding"),
    ngx_string("etag"),
    ngx_string("accept-ranges"),
    ngx_null_string
};


static ngx_str_t  ngx_http_proxies_content_type = ngx_string("content-type");
static ngx_str_t  ngx_http_proxies_json_type = ngx_string("application/json");


ngx_int_t
ngx_http_proxies_response_apply(ngx_http_request_t *r,
    ngx_http_proxies_ctx_t *ctx, ngx_http_proxies_pending_t *p)
{
    ngx_str_t                       status, reason, body, *values;
    ngx_uint_t                      i, code;
    ngx_http_proxies_hset_t         hs;
    ngx_http_proxies_eval_t         ev;
    ngx_http_proxies_match_t        m;
    ngx_http_proxies_resp_ovr_t    *resp;
    ngx_http_proxies_header_ovr_t  *h;

    resp = &p->proxy->resp;

    m.proxy = p->proxy;
    m.captures = p->captures;

    ev = ctx->eval;
    ev.r = r;
    ev.match = &m;
    ev.has_backend = p->backend;

    values = ngx_palloc(r->pool, (resp->headers.nelts + 1) * sizeof(ngx_str_t));
    if (values == NULL) {
        return NGX_ERROR;
    }

    h = resp->headers.elts;

    for (i = 0; i < resp->headers.nelts; i++) {
        if (ngx_http_proxies_resp_eval(r, &ev, &h[i].value, &values[i])
            != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    if (ngx_http_proxies_resp_eval(r, &ev, resp->status, &status) != NGX_OK
        || ngx_http_proxies_resp_eval(r, &ev, resp->reason, &reason)
           != NGX_OK
        || ngx_http_proxies_resp_eval(r, &ev, resp->body, &body) != NGX_OK)
    {
        return NGX_ERROR;
    }

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "proxies: response overrides of \"%V\"", &p->proxy->name);

    if (resp->status) {
        if (ngx_http_proxies_resp_status(r, p->proxy, &status, &code)
            != NGX_OK)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        r->headers_out.status = code;
        ngx_str_null(&r->headers_out.status_line);
    }

    if (resp->reason && reason.len
        && ngx_http_proxies_resp_reason(r, &reason) != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (resp->body
        && ngx_http_proxies_resp_body(r, ctx, p, &body) != NGX_OK)
    {
        return NGX_ERROR;
    }

    for (i = 0; i < resp->headers.nelts; i++) {
        hs.key = &h[i].name;
        hs.lowcase = &h[i].lowcase;
        hs.hash = h[i].hash;

        /* a value that comes out empty removes the header, as "" does */
        hs.value = (h[i].remove || values[i].len == 0) ? NULL : &values[i];

        if (ngx_http_proxies_header_set(r, &hs, 1) != NGX_OK) {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_proxies_resp_eval(ngx_http_request_t *r, ngx_http_proxies_eval_t *ev,
    ngx_http_proxies_tpl_t *tpl, ngx_str_t *value)
{
    if (tpl == NULL) {
        ngx_str_null(value);
        return NGX_OK;
    }

    return ngx_http_proxies_tpl_eval(ev, tpl, value);
}


static ngx_int_t
ngx_http_proxies_resp_status(ngx_http_request_t *r,
    ngx_http_proxies_proxy_t *proxy, ngx_str_t *text, ngx_uint_t *status)
{
    ngx_int_t  n;

    n = ngx_atoi(text->data, text->len);

    if (n < 100 || n > 599) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "proxies: proxy \"%V\": \"response.statusCode\" "
                      "evaluated to \"%V\", not a status code from 100 "
                      "to 599", &proxy->name, text);
        return NGX_ERROR;
    }

    *status = n;

    return NGX_OK;
}


static ngx_int_t
ngx_http_proxies_resp_reason(ngx_http_request_t *r, ngx_str_t *reason)
{
    ngx_str_t  *line;

    line = &r->headers_out.status_line;

    line->data = ngx_pnalloc(r->pool, NGX_INT_T_LEN + 1 + reason->len);
    if (line->data == NULL) {
        return NGX_ERROR;
    }

    line->len = ngx_sprintf(line->data, "%03ui %V", r->headers_out.status,
                            reason)
                - line->data;

    return NGX_OK;
}


/*
 * The replacement body is sent by the body filter; here the headers that
 * described the old body go, and Content-Length describes the new one.
 * A static answer had no old body: it has nothing to drop.
 */

static ngx_int_t
ngx_http_proxies_resp_body(ngx_http_request_t *r, ngx_http_proxies_ctx_t *ctx,
    ngx_http_proxies_pending_t *p, ngx_str_t *body)
{
    ngx_str_t                 *name;
    ngx_http_proxies_hset_t    hs;
    ngx_http_proxies_proxy_t  *proxy;

    proxy = p->proxy;

    ctx->body = *body;
    ctx->body_set = 1;

    ngx_http_clear_content_length(r);
    r->headers_out.content_length_n = body->len;
    r->allow_ranges = 0;

    for (name = ngx_http_proxies_body_drop; p->backend && name->len; name++)
    {
        hs.key = name;
        hs.lowcase = name;
        hs.hash = 0;
        hs.value = NULL;

        if (ngx_http_proxies_header_set(r, &hs, 0) != NGX_OK) {
            return NGX_ERROR;
        }
    }

    if (!proxy->resp.json_body || proxy->resp.has_content_type) {
        return NGX_OK;
    }

    hs.key = &ngx_http_proxies_content_type;
    hs.lowcase = &ngx_http_proxies_content_type;
    hs.hash = 0;
    hs.value = &ngx_http_proxies_json_type;

    return ngx_http_proxies_header_set(r, &hs, 0);
}


/* "user": an override from proxies.json, which cannot touch framing */

static ngx_int_t
ngx_http_proxies_header_set(ngx_http_request_t *r, ngx_http_proxies_hset_t *hs,
    ngx_uint_t user)
{
    ngx_http_proxies_special_t  *sp;

    for (sp = ngx_http_proxies_specials; sp->name.len; sp++) {
        /* both sides are lower case already */
        if (sp->name.len == hs->lowcase->len
            && ngx_memcmp(sp->name.data, hs->lowcase->data, sp->name.len)
               == 0)
        {
            break;
        }
    }

    if (sp->set == NULL && sp->name.len && user) {
        ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "proxies: override of \"%V\" ignored", hs->key);
        return NGX_OK;
    }

    ngx_http_proxies_list_remove(r, hs->lowcase);

    if (sp->set == NULL) {
        return ngx_http_proxies_set_plain(r, sp, hs);
    }

    return sp->set(r, sp, hs);
}


static void
ngx_http_proxies_list_remove(ngx_http_request_t *r, ngx_str_t *lowcase)
{
    ngx_uint_t        i;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

    for (part = &r->headers_out.headers.part; part; part = part->next) {
        h = part->elts;

        for (i = 0; i < part->nelts; i++) {
            if (h[i].hash != 0
                && h[i].key.len == lowcase->len
                && ngx_strncasecmp(h[i].key.data, lowcase->data, lowcase->len)
                   == 0)
            {
                h[i].hash = 0;
            }
        }
    }
}


static ngx_table_elt_t *
ngx_http_proxies_out_push(ngx_http_request_t *r, ngx_http_proxies_hset_t *hs)
{
    ngx_table_elt_t  *h;

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NULL;
    }

    h->hash = hs->hash ? hs->hash : 1;
    h->key = *hs->key;
    h->value = hs->value ? *hs->value : h->key;
    h->lowcase_key = hs->lowcase->data;
#if (nginx_version >= 1023000)
    h->next = NULL;
#endif

    return h;
}


static ngx_int_t
ngx_http_proxies_set_plain(ngx_http_request_t *r,
    ngx_http_proxies_special_t *sp, ngx_http_proxies_hset_t *hs)
{
    if (hs->value == NULL) {
        return NGX_OK;
    }

    return ngx_http_proxies_out_push(r, hs) ? NGX_OK : NGX_ERROR;
}


static ngx_int_t
ngx_http_proxies_set_field(ngx_http_request_t *r,
    ngx_http_proxies_special_t *sp, ngx_http_proxies_hset_t *hs)
{
    ngx_table_elt_t  *h, **field;

    field = (ngx_table_elt_t **) ((char *) &r->headers_out + sp->offset);

    if (hs->value == NULL) {
        *field = NULL;
        return NGX_OK;
    }

    h = ngx_http_proxies_out_push(r, hs);
    if (h == NULL) {
        return NGX_ERROR;
    }

    *field = h;

    return NGX_OK;
}


static ngx_int_t
ngx_http_proxies_set_location(ngx_http_request_t *r,
    ngx_http_proxies_special_t *sp, ngx_http_proxies_hset_t *hs)
{
    r->headers_out.location = NULL;

    return ngx_http_proxies_set_plain(r, sp, hs);
}


static ngx_int_t
ngx_http_proxies_set_builtin(ngx_http_request_t *r,
    ngx_http_proxies_special_t *sp, ngx_http_proxies_hset_t *hs)
{
    ngx_table_elt_t  *h, **field;

    field = (ngx_table_elt_t **) ((char *) &r->headers_out + sp->offset);

    h = ngx_http_proxies_out_push(r, hs);
    if (h == NULL) {
        return NGX_ERROR;
    }

    if (hs->value == NULL) {
        h->hash = 0;
    }

    *field = h;

    return NGX_OK;
}


static ngx_int_t
ngx_http_proxies_set_last_modified(ngx_http_request_t *r,
    ngx_http_proxies_special_t *sp, ngx_http_proxies_hset_t *hs)
{
    r->headers_out.last_modified_time = -1;

    return ngx_http_proxies_set_field(r, sp, hs);
}


static ngx_int_t
ngx_http_proxies_set_content_type(ngx_http_request_t *r,
    ngx_http_proxies_special_t *sp, ngx_http_proxies_hset_t *hs)
{
    ngx_http_headers_out_t  *ho;

    ho = &r->headers_out;

    /*
     * The charset of the old type goes; a value with parameters is sent
     * as written, as it matches no "charset_types" entry.
     */

    ngx_str_null(&ho->charset);
    ho->content_type_lowcase = NULL;
    ho->content_type_hash = 0;

    if (hs->value == NULL) {
        ngx_str_null(&ho->content_type);
        ho->content_type_len = 0;
        return NGX_OK;
    }

    ho->content_type = *hs->value;
    ho->content_type_len = hs->value->len;

    return NGX_OK;
}


#if (nginx_version < 1023000)

/* nginx 1.22 keeps Cache-Control and Link as arrays of list elements */

static ngx_int_t
ngx_http_proxies_set_multi(ngx_http_request_t *r,
    ngx_http_proxies_special_t *sp, ngx_http_proxies_hset_t *hs)
{
    ngx_array_t       *a;
    ngx_table_elt_t   *h, **ph;

    a = (ngx_array_t *) ((char *) &r->headers_out + sp->offset);
    a->nelts = 0;

    if (hs->value == NULL) {
        return NGX_OK;
    }

    h = ngx_http_proxies_out_push(r, hs);
    if (h == NULL) {
        return NGX_ERROR;
    }

    if (a->elts == NULL
        && ngx_array_init(a, r->pool, 1, sizeof(ngx_table_elt_t *)) != NGX_OK)
    {
        return NGX_ERROR;
    }

    ph = ngx_array_push(a);
    if (ph == NULL) {
        return NGX_ERROR;
    }

    *ph = h;

    return NGX_OK;
}

#endif
