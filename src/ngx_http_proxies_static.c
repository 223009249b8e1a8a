
/*
 * ngx_proxies: the static action, a proxy without backendUri (spec 11.4).
 *
 * It answers 200 with no body and no Content-Type; the response filter
 * then applies the proxy's responseOverrides, which is how mocks and
 * redirects are written.
 */


#include "ngx_http_proxies.h"


ngx_int_t
ngx_http_proxies_static_action(ngx_http_request_t *r,
    ngx_http_proxies_ctx_t *ctx)
{
    ngx_int_t  rc;

    rc = ngx_http_discard_request_body(r);

    if (rc != NGX_OK) {
        return rc;
    }

    if (ngx_http_proxies_push_pending(r, ctx) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "proxies: proxy \"%V\" answers by itself",
                   &ctx->match.proxy->name);

    r->headers_out.status = NGX_HTTP_OK;

    return ngx_http_proxies_send(r, NULL);
}


/*
 * Every answer made here (static, function, a breaker's fixed response,
 * the loop error) ends the same way: headers, then the body in one
 * buffer; the status and headers are set by the caller.
 */

ngx_int_t
ngx_http_proxies_send(ngx_http_request_t *r, ngx_str_t *body)
{
    ngx_int_t     rc;
    ngx_buf_t    *b;
    ngx_chain_t   out;

    r->headers_out.content_length_n = body ? body->len : 0;

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    if (body == NULL || body->len == 0) {
        return ngx_http_send_special(r, NGX_HTTP_LAST);
    }

    b = ngx_calloc_buf(r->pool);
    if (b == NULL) {
        return NGX_ERROR;
    }

    b->pos = body->data;
    b->last = body->data + body->len;
    b->memory = 1;
    b->last_buf = (r == r->main);
    b->last_in_chain = 1;

    out.buf = b;
    out.next = NULL;

    return ngx_http_output_filter(r, &out);
}
