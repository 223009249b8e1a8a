
/*
 * ngx_proxies: the local action.  A backend on this same gateway
 * ("localhost", or a proxies_local_host name, on the port the request
 * came in on) is an internal redirect, not a network round trip.  Other
 * locations ("functions") get it first; a proxies location matches again.
 */


#include "ngx_http_proxies.h"


static ngx_flag_t ngx_http_proxies_same_port(ngx_http_request_t *r,
    in_port_t port);
static ngx_int_t ngx_http_proxies_loop(ngx_http_request_t *r);
static void ngx_http_proxies_set_method(ngx_http_request_t *r,
    ngx_str_t *method);


static ngx_str_t  ngx_http_proxies_loop_text =
    ngx_string("Infinite loop detected when trying to call a local function "
               "or proxy from a proxy.");


ngx_int_t
ngx_http_proxies_local_action(ngx_http_request_t *r,
    ngx_http_proxies_ctx_t *ctx)
{
    u_char                  *p;
    ngx_int_t                rc;
    ngx_str_t                path, args, uri;
    ngx_http_proxies_uri_t  *be;

    be = ctx->action->backend;

    if (!ngx_http_proxies_same_port(r, be->port)) {
        return ngx_http_proxies_upstream_action(r, ctx);
    }

    if (ctx->hops >= NGX_HTTP_PROXIES_MAX_HOPS) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "proxies: proxy \"%V\": more than %d local hops",
                      &ctx->match.proxy->name, NGX_HTTP_PROXIES_MAX_HOPS);
        return ngx_http_proxies_loop(r);
    }

    rc = ngx_http_proxies_backend_request(r, ctx, &path, &args);
    if (rc != NGX_OK) {
        return rc;
    }

    ngx_http_proxies_trace(r, ctx, "local-call", &ctx->backend_url);

    /* the matcher reads the raw path (handler.c); locations the decoded */

    ctx->local_path = path;
    ctx->local_changes = r->uri_changes - 1;

    uri.data = ngx_pnalloc(r->pool, path.len);
    if (uri.data == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    p = uri.data;
    ngx_unescape_uri(&p, &path.data, path.len, NGX_UNESCAPE_URI);
    uri.len = p - uri.data;

    ngx_http_proxies_set_method(r, &ctx->backend_method);

    ctx->hops++;

    /* the redirect takes a request reference; NGX_DONE gives ours back */
    (void) ngx_http_internal_redirect(r, &uri, &args);

    return NGX_DONE;
}


static ngx_flag_t
ngx_http_proxies_same_port(ngx_http_request_t *r, in_port_t port)
{
    if (port == 0) {
        return 1;
    }

    if (ngx_connection_local_sockaddr(r->connection, NULL, 0) != NGX_OK) {
        return 0;
    }

    return ngx_inet_get_port(r->connection->local_sockaddr) == port;
}


static ngx_int_t
ngx_http_proxies_loop(ngx_http_request_t *r)
{
    if (ngx_http_discard_request_body(r) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    r->headers_out.status = NGX_HTTP_BAD_REQUEST;
    ngx_str_set(&r->headers_out.content_type, "text/plain");
    r->headers_out.content_type_len = r->headers_out.content_type.len;

    return ngx_http_proxies_send(r, &ngx_http_proxies_loop_text);
}


/* the local hop sees the overridden method, as a backend would */

static void
ngx_http_proxies_set_method(ngx_http_request_t *r, ngx_str_t *method)
{
    if (method->len == r->method_name.len
        && ngx_strncmp(method->data, r->method_name.data, method->len) == 0)
    {
        return;
    }

    r->method_name = *method;
    r->method = ngx_http_proxies_method_mask(method);

    r->header_only = (r->method == NGX_HTTP_HEAD);
}
