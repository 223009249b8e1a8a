
/*
 * ngx_proxies: the upstream action.  The URL is built here and handed to
 * nginx's own proxy module through $proxies_upstream_url, so timeouts,
 * buffering, keepalive upstreams and every proxy_* directive apply.
 */


#include "ngx_http_proxies.h"


ngx_int_t
ngx_http_proxies_upstream_action(ngx_http_request_t *r,
    ngx_http_proxies_ctx_t *ctx)
{
    ngx_int_t                      rc;
    ngx_str_t                      path, args;
    ngx_http_proxies_main_conf_t  *pmcf;

    rc = ngx_http_proxies_backend_request(r, ctx, &path, &args);
    if (rc != NGX_OK) {
        return rc;
    }

    ngx_http_proxies_trace(r, ctx, "set-backend-service", &ctx->backend_url);

    pmcf = ngx_http_get_module_main_conf(r, ngx_http_proxies_module);

    return pmcf->proxy_handler(r);
}


/*
 * What upstream and local calls share: the URL, the request overrides,
 * and the response overrides to apply to whatever comes back.
 */

ngx_int_t
ngx_http_proxies_backend_request(ngx_http_request_t *r,
    ngx_http_proxies_ctx_t *ctx, ngx_str_t *path, ngx_str_t *args)
{
    u_char                  *p;
    ngx_int_t                rc;
    ngx_http_proxies_uri_t  *be;

    be = ctx->action->backend;

    if (ngx_http_proxies_uri_build(&ctx->eval, be, ctx->match.proxy, path,
                                   args)
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ctx->backend_url.len = be->prefix.len + path->len
                           + (args->len ? 1 + args->len : 0);
    ctx->backend_url.data = ngx_pnalloc(r->pool, ctx->backend_url.len);
    if (ctx->backend_url.data == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    p = ngx_cpymem(ctx->backend_url.data, be->prefix.data, be->prefix.len);
    p = ngx_cpymem(p, path->data, path->len);

    if (args->len) {
        *p++ = '?';
        ngx_memcpy(p, args->data, args->len);
    }

    ctx->eval.backend_args = *args;

    rc = ngx_http_proxies_request_apply(r, ctx);
    if (rc != NGX_OK) {
        return rc;
    }

    if (ngx_http_proxies_push_pending(r, ctx) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return NGX_OK;
}
