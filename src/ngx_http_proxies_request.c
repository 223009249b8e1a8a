
/*
 * ngx_proxies: the backend request.  It starts as a copy of the client's
 * request; requestOverrides change its method and headers, hop-by-hop
 * headers are dropped and forwarding headers added.  The request's own
 * header list is rebuilt, so the proxy module, a local hop and a function
 * all see the same request.
 */


#include "ngx_http_proxies.h"


/* hop-by-hop headers (RFC 9110 7.6.1), and Expect, which is never sent */
static ngx_str_t  ngx_http_proxies_hop_by_hop[] = {
    ngx_string("connection"),
    ngx_string("keep-alive"),
    ngx_string("proxy-connection"),
    ngx_string("te"),
    ngx_string("trailer"),
    ngx_string("transfer-encoding"),
    ngx_string("upgrade"),
    ngx_string("proxy-authorization"),
    ngx_string("proxy-authenticate"),
    ngx_string("expect"),
    ngx_null_string
};


static ngx_int_t ngx_http_proxies_request_method(ngx_http_request_t *r,
    ngx_http_proxies_ctx_t *ctx);
static ngx_int_t ngx_http_proxies_request_headers(ngx_http_request_t *r,
    ngx_http_proxies_ctx_t *ctx);
static ngx_flag_t ngx_http_proxies_dropped(ngx_table_elt_t *h,
    ngx_table_elt_t *connection, ngx_http_proxies_proxy_t *proxy);
static ngx_flag_t ngx_http_proxies_in_connection(ngx_table_elt_t *h,
    ngx_table_elt_t *connection);
static ngx_int_t ngx_http_proxies_forwarded(ngx_http_request_t *r,
    ngx_list_t *headers);
static ngx_table_elt_t *ngx_http_proxies_find(ngx_list_t *headers,
    char *lowcase, size_t len);
static ngx_int_t ngx_http_proxies_push_header(ngx_list_t *headers,
    ngx_str_t *name, ngx_str_t *lowcase, ngx_uint_t hash, ngx_str_t *value);


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
 * list is rebuilt, as {request.headers.X} means the client's header.
 */

static ngx_int_t
ngx_http_proxies_request_headers(ngx_http_request_t *r,
    ngx_http_proxies_ctx_t *ctx)
{
    ngx_str_t                      *values;
    ngx_uint_t                      i;
    ngx_list_t                      headers;
    ngx_list_part_t                *part;
    ngx_table_elt_t                *h, *nh, *connection;
    ngx_http_proxies_proxy_t       *proxy;
    ngx_http_proxies_header_ovr_t  *ovr;
    ngx_http_proxies_loc_conf_t    *plcf;

    proxy = ctx->match.proxy;
    ovr = proxy->req.headers.elts;

    values = ngx_palloc(r->pool, (proxy->req.headers.nelts + 1)
                                 * sizeof(ngx_str_t));
    if (values == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    for (i = 0; i < proxy->req.headers.nelts; i++) {
        if (ngx_http_proxies_tpl_eval(&ctx->eval, &ovr[i].value, &values[i])
            != NGX_OK)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    if (ngx_list_init(&headers, r->pool, 20, sizeof(ngx_table_elt_t))
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* nginx 1.22 keeps no pointer to Connection: it is looked up once */
    connection = ngx_http_proxies_find(&r->headers_in.headers, "connection",
                                       sizeof("connection") - 1);

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

        if (ngx_http_proxies_dropped(&h[i], connection, proxy)) {
            continue;
        }

        nh = ngx_list_push(&headers);
        if (nh == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        *nh = h[i];
    }

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_proxies_module);

    if (plcf->forwarded && ngx_http_proxies_forwarded(r, &headers) != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    for (i = 0; i < proxy->req.headers.nelts; i++) {

        if (ovr[i].lowcase.len == 4
            && ngx_strncmp(ovr[i].lowcase.data, "host", 4) == 0)
        {
            /* the proxy module sends Host itself: see variables.c */
            ctx->host = values[i];
            continue;
        }

        if (ngx_http_proxies_push_header(&headers, &ovr[i].name,
                                         &ovr[i].lowcase, ovr[i].hash,
                                         &values[i])
            != NGX_OK)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    r->headers_in.headers = headers;
    ctx->eval.backend_headers = &r->headers_in.headers;

    return NGX_OK;
}


static ngx_flag_t
ngx_http_proxies_dropped(ngx_table_elt_t *h, ngx_table_elt_t *connection,
    ngx_http_proxies_proxy_t *proxy)
{
    ngx_str_t                      *d;
    ngx_uint_t                      i;
    ngx_http_proxies_header_ovr_t  *ovr;

    for (d = ngx_http_proxies_hop_by_hop; d->len; d++) {
        if (d->len == h->key.len
            && ngx_strncmp(d->data, h->lowcase_key, h->key.len) == 0)
        {
            return 1;
        }
    }

    ovr = proxy->req.headers.elts;

    for (i = 0; i < proxy->req.headers.nelts; i++) {
        if (ovr[i].lowcase.len == h->key.len
            && ngx_strncmp(ovr[i].lowcase.data, h->lowcase_key, h->key.len)
               == 0)
        {
            return 1;
        }
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


static ngx_int_t
ngx_http_proxies_forwarded(ngx_http_request_t *r, ngx_list_t *headers)
{
    /* the names are constants: their hashes are computed once */
    static ngx_uint_t  xff, xfp, xfh;

    u_char           *p;
    ngx_str_t         name, lowcase, value;
    ngx_table_elt_t  *h;

    h = ngx_http_proxies_find(headers, "x-forwarded-for",
                              sizeof("x-forwarded-for") - 1);

    if (h == NULL) {
        ngx_str_set(&name, "X-Forwarded-For");
        ngx_str_set(&lowcase, "x-forwarded-for");

        if (xff == 0) {
            xff = ngx_hash_key(lowcase.data, lowcase.len);
        }

        if (ngx_http_proxies_push_header(headers, &name, &lowcase, xff,
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

    if (ngx_http_proxies_find(headers, "x-forwarded-proto",
                              sizeof("x-forwarded-proto") - 1)
        == NULL)
    {
        ngx_str_set(&name, "X-Forwarded-Proto");
        ngx_str_set(&lowcase, "x-forwarded-proto");

        if (xfp == 0) {
            xfp = ngx_hash_key(lowcase.data, lowcase.len);
        }

        ngx_str_set(&value, "http");
#if (NGX_HTTP_SSL)
        if (r->connection->ssl) {
            ngx_str_set(&value, "https");
        }
#endif

        if (ngx_http_proxies_push_header(headers, &name, &lowcase, xfp, &value)
            != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    if (r->headers_in.server.len
        && ngx_http_proxies_find(headers, "x-forwarded-host",
                                 sizeof("x-forwarded-host") - 1)
           == NULL)
    {
        ngx_str_set(&name, "X-Forwarded-Host");
        ngx_str_set(&lowcase, "x-forwarded-host");

        if (xfh == 0) {
            xfh = ngx_hash_key(lowcase.data, lowcase.len);
        }

        if (ngx_http_proxies_push_header(headers, &name, &lowcase, xfh,
                                         &r->headers_in.server)
            != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


static ngx_table_elt_t *
ngx_http_proxies_find(ngx_list_t *headers, char *lowcase, size_t len)
{
    ngx_uint_t        i;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

    part = &headers->part;
    h = part->elts;

    for (i = 0; /* void */; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                return NULL;
            }

            part = part->next;
            h = part->elts;
            i = 0;
        }

        if (h[i].key.len == len
            && ngx_strncmp(h[i].lowcase_key, lowcase, len) == 0)
        {
            return &h[i];
        }
    }
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
