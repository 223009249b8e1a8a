
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
    r->headers_out.content_length_n = 0;

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    return ngx_http_send_special(r, NGX_HTTP_LAST);
}
