
/*
 * ngx_proxies: the backend request.  It starts as a copy of the client's
 * request; requestOverrides change its method and headers, hop-by-hop
 * headers are dropped and forwarding headers added.  The request's own
 * header list is rebuilt, so the proxy module, a local hop and a function
 * all see the same request.
 */


#include "ngx_http_proxies.h"


typedef enum {
    NGX_HTTP_PROXIES_HDR_HOP = 1,       /* hop-by-hop (RFC 9110 7.6.1) */
    NGX_HTTP_PROXIES_HDR_CONNECTION,    /* hop-by-hop, and names more */
    NGX_HTTP_PROXIES_HDR_XFF,
    NGX_HTTP_PROXIES_HDR_XFP,
    NGX_HTTP_PROXIES_HDR_XFH
} ngx_http_proxies_hdr_kind_e;


typedef struct {
    ngx_str_t                     name;       /* lower case */
    ngx_http_proxies_hdr_kind_e   kind;
    ngx_str_t                     sent;       /* as added, X-Forwarded-* */
} ngx_http_proxies_hdr_t;


#define ngx_http_proxies_hop(name, kind)                                     \
    { ngx_string(name), NGX_HTTP_PROXIES_HDR_ ## kind, ngx_null_string }

/* the client headers the backend request treats specially; Expect is
   never sent either */
static ngx_http_proxies_hdr_t  ngx_http_proxies_hdrs[] = {
    ngx_http_proxies_hop("connection", CONNECTION),
    ngx_http_proxies_hop("keep-alive", HOP),
    ngx_http_proxies_hop("proxy-connection", HOP),
    ngx_http_proxies_hop("te", HOP),
    ngx_http_proxies_hop("trailer", HOP),
    ngx_http_proxies_hop("transfer-encoding", HOP),
    ngx_http_proxies_hop("upgrade", HOP),
    ngx_http_proxies_hop("proxy-authorization", HOP),
    ngx_http_proxies_hop("proxy-authenticate", HOP),
    ngx_http_proxies_hop("expect", HOP),
    { ngx_string("x-forwarded-for"), NGX_HTTP_PROXIES_HDR_XFF,
      ngx_string("X-Forwarded-For") },
    { ngx_string("x-forwarded-proto"), NGX_HTTP_PROXIES_HDR_XFP,
      ngx_string("X-Forwarded-Proto") },
    { ngx_string("x-forwarded-host"), NGX_HTTP_PROXIES_HDR_XFH,
      ngx_string("X-Forwarded-Host") },
    { ngx_null_string, 0, ngx_null_string }
};

#define NGX_HTTP_PROXIES_NHDRS                                               \
    (sizeof(ngx_http_proxies_hdrs) / sizeof(ngx_http_proxies_hdr_t) - 1)

/* the names' hashes, set at configuration and packed apart: every
   header of every request is checked against all of them, and the table
   itself spans ten cache lines */
static ngx_uint_t  ngx_http_proxies_hdr_hashes[NGX_HTTP_PROXIES_NHDRS];


/*
 * What one pass over the client's headers found.  X-Forwarded-* count as
 * present when they will be sent, or when an override sets them: the
 * override's value is then the only one.
 */
typedef struct {
    ngx_uint_t                    drop;       /* headers not to send */
    ngx_table_elt_t              *connection;
    ngx_table_elt_t              *xff;
    unsigned                      xff_set:1;  /* by an override */
    unsigned                      xfp:1;
    unsigned                      xfh:1;
} ngx_http_proxies_hscan_t;


static ngx_int_t ngx_http_proxies_request_method(ngx_http_request_t *r,
    ngx_http_proxies_ctx_t *ctx);
static ngx_int_t ngx_http_proxies_request_headers(ngx_http_request_t *r,
    ngx_http_proxies_ctx_t *ctx);
static void ngx_http_proxies_scan(ngx_list_t *headers,
    ngx_http_proxies_proxy_t *proxy, ngx_http_proxies_hscan_t *hs);
static void ngx_http_proxies_scan_overrides(ngx_http_proxies_proxy_t *proxy,
    ngx_http_proxies_hscan_t *hs);
static void ngx_http_proxies_present(ngx_http_proxies_hscan_t *hs,
    ngx_http_proxies_hdr_kind_e kind, ngx_table_elt_t *h);
static ngx_http_proxies_hdr_kind_e ngx_http_proxies_hdr_kind(
    ngx_uint_t hash, u_char *lowcase, size_t len);
static ngx_flag_t ngx_http_proxies_dropped(ngx_table_elt_t *h,
    ngx_table_elt_t *connection, ngx_http_proxies_proxy_t *proxy);
static ngx_flag_t ngx_http_proxies_overridden(ngx_table_elt_t *h,
    ngx_http_proxies_proxy_t *proxy);
static ngx_flag_t ngx_http_proxies_in_connection(ngx_table_elt_t *h,
    ngx_table_elt_t *connection);
static ngx_int_t ngx_http_proxies_rebuild(ngx_http_request_t *r,
    ngx_http_proxies_proxy_t *proxy, ngx_http_proxies_hscan_t *hs);
static ngx_int_t ngx_http_proxies_forwarded(ngx_http_request_t *r,
    ngx_list_t *headers, ngx_http_proxies_hscan_t *hs);
static ngx_int_t ngx_http_proxies_push_forwarded(ngx_list_t *headers,
    ngx_http_proxies_hdr_kind_e kind, ngx_str_t *value);
static ngx_int_t ngx_http_proxies_push_header(ngx_list_t *headers,
    ngx_str_t *name, ngx_str_t *lowcase, ngx_uint_t hash, ngx_str_t *value);


ngx_int_t
ngx_http_proxies_request_init(ngx_conf_t *cf)
{
    ngx_uint_t               i;
    ngx_http_proxies_hdr_t  *hd;

    for (i = 0; i < NGX_HTTP_PROXIES_NHDRS; i++) {
        hd = &ngx_http_proxies_hdrs[i];
        ngx_http_proxies_hdr_hashes[i] = ngx_hash_key(hd->name.data,
                                                      hd->name.len);
    }

    return NGX_OK;
}


ngx_int_t
ngx_http_proxies_request_apply(ngx_http_request_t *r,
    ngx_http_proxies_ctx_t *ctx)
{
    ngx_int_t  rc;

    rc = ngx_http_proxies_request_method(r, ctx);
    if (rc != NGX_OK) {
        return rc;
    }

    return ngx_http_proxies_request_headers(r, ctx);
}


static ngx_int_t
ngx_http_proxies_request_method(ngx_http_request_t *r,
    ngx_http_proxies_ctx_t *ctx)
{
    ngx_str_t                  method;
    ngx_http_proxies_proxy_t  *proxy;

    proxy = ctx->match.proxy;

    if (proxy->req.method == NULL) {
        ctx->backend_method = r->method_name;
        return NGX_OK;
    }

    if (ngx_http_proxies_tpl_eval(&ctx->eval, proxy->req.method, &method)
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (method.len == 0 || ngx_http_proxies_is_token(&method) != NGX_OK) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "proxies: proxy \"%V\": backend.request.method "
                      "evaluated to \"%V\", which is not an HTTP method",
                      &proxy->name, &method);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ctx->backend_method = method;
    ctx->eval.backend_method = method;

    return NGX_OK;
}


/*
 * Override values are evaluated against the client's headers before the
 * list changes, as {request.headers.X} means the client's header.  The
 * list is rebuilt only when a header must go; most requests only gain
 * the X-Forwarded-* headers.
 */

static ngx_int_t
ngx_http_proxies_request_headers(ngx_http_request_t *r,
    ngx_http_proxies_ctx_t *ctx)
{
    ngx_str_t                      *values;
    ngx_uint_t                      i, n;
    ngx_http_proxies_hscan_t        hs;
    ngx_http_proxies_proxy_t       *proxy;
    ngx_http_proxies_loc_conf_t    *plcf;
    ngx_http_proxies_header_ovr_t  *ovr;

    proxy = ctx->match.proxy;
    ovr = proxy->req.headers.elts;
    n = proxy->req.headers.nelts;
    values = NULL;

    if (n) {
        values = ngx_palloc(r->pool, n * sizeof(ngx_str_t));
        if (values == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    for (i = 0; i < n; i++) {
        if (ngx_http_proxies_tpl_eval(&ctx->eval, &ovr[i].value, &values[i])
            != NGX_OK)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    ngx_http_proxies_scan(&r->headers_in.headers, proxy, &hs);

    if (hs.drop && ngx_http_proxies_rebuild(r, proxy, &hs) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_proxies_module);

    if (plcf->forwarded
        && ngx_http_proxies_forwarded(r, &r->headers_in.headers, &hs)
           != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    for (i = 0; i < n; i++) {

        if (ovr[i].lowcase.len == 4
            && ngx_strncmp(ovr[i].lowcase.data, "host", 4) == 0)
        {
            /* the proxy module sends Host itself: see variables.c */
            ctx->host = values[i];
            continue;
        }

        if (ngx_http_proxies_push_header(&r->headers_in.headers,
                                         &ovr[i].name, &ovr[i].lowcase,
                                         ovr[i].hash, &values[i])
            != NGX_OK)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    ctx->eval.backend_headers = &r->headers_in.headers;

    return NGX_OK;
}


static void
ngx_http_proxies_scan(ngx_list_t *headers, ngx_http_proxies_proxy_t *proxy,
    ngx_http_proxies_hscan_t *hs)
{
    ngx_uint_t                      i;
    ngx_list_part_t                *part;
    ngx_table_elt_t                *h;
    ngx_http_proxies_hdr_kind_e     kind;

    ngx_memzero(hs, sizeof(ngx_http_proxies_hscan_t));

    part = &headers->part;
    h = part->elts;

    for (i = 0; /* void */; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                break;
            }

            part = part->next;
            h = part->elts;
            i = 0;
        }

        kind = ngx_http_proxies_hdr_kind(h[i].hash, h[i].lowcase_key,
                                         h[i].key.len);

        switch (kind) {

        case NGX_HTTP_PROXIES_HDR_CONNECTION:
            hs->connection = &h[i];
            /* fall through */

        case NGX_HTTP_PROXIES_HDR_HOP:
            hs->drop++;
            continue;

        default:
            break;
        }

        if (ngx_http_proxies_overridden(&h[i], proxy)) {
            hs->drop++;
            continue;
        }

        ngx_http_proxies_present(hs, kind, &h[i]);
    }

    ngx_http_proxies_scan_overrides(proxy, hs);
}


static void
ngx_http_proxies_scan_overrides(ngx_http_proxies_proxy_t *proxy,
    ngx_http_proxies_hscan_t *hs)
{
    ngx_uint_t                      i;
    ngx_http_proxies_hdr_kind_e     kind;
    ngx_http_proxies_header_ovr_t  *ovr;

    ovr = proxy->req.headers.elts;

    for (i = 0; i < proxy->req.headers.nelts; i++) {
        kind = ngx_http_proxies_hdr_kind(ovr[i].hash, ovr[i].lowcase.data,
                                         ovr[i].lowcase.len);

        if (kind == NGX_HTTP_PROXIES_HDR_XFF) {
            hs->xff_set = 1;

        } else {
            ngx_http_proxies_present(hs, kind, NULL);
        }
    }
}


static void
ngx_http_proxies_present(ngx_http_proxies_hscan_t *hs,
    ngx_http_proxies_hdr_kind_e kind, ngx_table_elt_t *h)
{
    switch (kind) {

    case NGX_HTTP_PROXIES_HDR_XFF:
        hs->xff = hs->xff ? hs->xff : h;
        break;

    case NGX_HTTP_PROXIES_HDR_XFP:
        hs->xfp = 1;
        break;

    case NGX_HTTP_PROXIES_HDR_XFH:
        hs->xfh = 1;
        break;

    default:
        break;
    }
}


static ngx_http_proxies_hdr_kind_e
ngx_http_proxies_hdr_kind(ngx_uint_t hash, u_char *lowcase, size_t len)
{
    ngx_uint_t               i;
    ngx_http_proxies_hdr_t  *hd;

    for (i = 0; i < NGX_HTTP_PROXIES_NHDRS; i++) {
        if (ngx_http_proxies_hdr_hashes[i] != hash) {
            continue;
        }

        hd = &ngx_http_proxies_hdrs[i];

        if (hd->name.len == len && ngx_strncmp(hd->name.data, lowcase, len)
                                   == 0)
        {
            return hd->kind;
        }
    }

    return 0;
}


/* a header the client sent that an override replaces */

static ngx_flag_t
ngx_http_proxies_overridden(ngx_table_elt_t *h,
    ngx_http_proxies_proxy_t *proxy)
{
    ngx_uint_t                      i;
    ngx_http_proxies_header_ovr_t  *ovr;

    ovr = proxy->req.headers.elts;

    for (i = 0; i < proxy->req.headers.nelts; i++) {
        if (ovr[i].hash == h->hash
            && ovr[i].lowcase.len == h->key.len
            && ngx_strncmp(ovr[i].lowcase.data, h->lowcase_key, h->key.len)
               == 0)
        {
            return 1;
        }
    }

    return 0;
}


static ngx_flag_t
ngx_http_proxies_dropped(ngx_table_elt_t *h, ngx_table_elt_t *connection,
    ngx_http_proxies_proxy_t *proxy)
{
    switch (ngx_http_proxies_hdr_kind(h->hash, h->lowcase_key, h->key.len)) {

    case NGX_HTTP_PROXIES_HDR_HOP:
    case NGX_HTTP_PROXIES_HDR_CONNECTION:
        return 1;

    default:
        break;
    }

    if (ngx_http_proxies_overridden(h, proxy)) {
        return 1;
    }

    return connection && ngx_http_proxies_in_connection(h, connection);
}


/* a header named by the client's Connection header is hop-by-hop too */

static ngx_flag_t
ngx_http_proxies_in_connection(ngx_table_elt_t *h, ngx_table_elt_t *connection)
{
    u_char  *p, *last, *start;

    p = connection->value.data;
    last = p + connection->value.len;

    while (p < last) {
        while (p < last && (*p == ' ' || *p == '\t' || *p == ',')) {
            p++;
        }

        start = p;

        while (p < last && *p != ',' && *p != ' ' && *p != '\t') {
            p++;
        }

        if ((size_t) (p - start) == h->key.len
            && ngx_strncasecmp(start, h->lowcase_key, h->key.len) == 0)
        {
            return 1;
        }
    }

    return 0;
}


/* the client's headers without those that must not reach the backend */

static ngx_int_t
ngx_http_proxies_rebuild(ngx_http_request_t *r,
    ngx_http_proxies_proxy_t *proxy, ngx_http_proxies_hscan_t *hs)
{
    ngx_uint_t        i;
    ngx_list_t        headers;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h, *nh;

    if (ngx_list_init(&headers, r->pool, 20, sizeof(ngx_table_elt_t))
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    /* what will be sent is known only now: Connection may name more */
    hs->xff = NULL;
    hs->xfp = 0;
    hs->xfh = 0;

    part = &r->headers_in.headers.part;
    h = part->elts;

    for (i = 0; /* void */; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                break;
            }

            part = part->next;
            h = part->elts;
            i = 0;
        }

        if (ngx_http_proxies_dropped(&h[i], hs->connection, proxy)) {
            continue;
        }

        nh = ngx_list_push(&headers);
        if (nh == NULL) {
            return NGX_ERROR;
        }

        *nh = h[i];

        ngx_http_proxies_present(hs,
                                 ngx_http_proxies_hdr_kind(nh->hash,
                                                           nh->lowcase_key,
                                                           nh->key.len),
                                 nh);
    }

    ngx_http_proxies_scan_overrides(proxy, hs);

    r->headers_in.headers = headers;

    /* a one-part list's last part is its own, not the local copy's */
    if (headers.last == &headers.part) {
        r->headers_in.headers.last = &r->headers_in.headers.part;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_proxies_forwarded(ngx_http_request_t *r, ngx_list_t *headers,
    ngx_http_proxies_hscan_t *hs)
{
    ngx_str_t         value;
    ngx_table_elt_t  *h;
    u_char           *p;

    h = hs->xff;

    if (hs->xff_set) {
        /* void */

    } else if (h == NULL) {
        if (ngx_http_proxies_push_forwarded(headers,
                                            NGX_HTTP_PROXIES_HDR_XFF,
                                            &r->connection->addr_text)
            != NGX_OK)
        {
            return NGX_ERROR;
        }

    } else {
        value.len = h->value.len + 2 + r->connection->addr_text.len;
        value.data = ngx_pnalloc(r->pool, value.len);
        if (value.data == NULL) {
            return NGX_ERROR;
        }

        p = ngx_cpymem(value.data, h->value.data, h->value.len);
        *p++ = ','; *p++ = ' ';
        ngx_memcpy(p, r->connection->addr_text.data,
                   r->connection->addr_text.len);

        h->value = value;
    }

    if (!hs->xfp) {
        ngx_str_set(&value, "http");
#if (NGX_HTTP_SSL)
        if (r->connection->ssl) {
            ngx_str_set(&value, "https");
        }
#endif

        if (ngx_http_proxies_push_forwarded(headers,
                                            NGX_HTTP_PROXIES_HDR_XFP,
                                            &value)
            != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    if (r->headers_in.server.len && !hs->xfh) {
        if (ngx_http_proxies_push_forwarded(headers,
                                            NGX_HTTP_PROXIES_HDR_XFH,
                                            &r->headers_in.server)
            != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_proxies_push_forwarded(ngx_list_t *headers,
    ngx_http_proxies_hdr_kind_e kind, ngx_str_t *value)
{
    ngx_uint_t               i;
    ngx_http_proxies_hdr_t  *hd;

    for (i = 0; ngx_http_proxies_hdrs[i].kind != kind; i++) { /* void */ }

    hd = &ngx_http_proxies_hdrs[i];

    return ngx_http_proxies_push_header(headers, &hd->sent, &hd->name,
                                        ngx_http_proxies_hdr_hashes[i], value);
}


static ngx_int_t
ngx_http_proxies_push_header(ngx_list_t *headers, ngx_str_t *name,
    ngx_str_t *lowcase, ngx_uint_t hash, ngx_str_t *value)
{
    ngx_table_elt_t  *h;

    h = ngx_list_push(headers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    h->key = *name;
    h->value = *value;
    h->lowcase_key = lowcase->data;
    h->hash = hash;

    return NGX_OK;
}
