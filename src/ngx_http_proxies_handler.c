
/*
 * ngx_proxies: the content handler.  Match, then hand the request to the
 * action the matched proxy was compiled with.
 */


#include "ngx_http_proxies_ext.h"


static ngx_http_proxies_ctx_t *ngx_http_proxies_create_ctx(
    ngx_http_request_t *r);
static void ngx_http_proxies_ctx_marker(void *data);
static ngx_int_t ngx_http_proxies_path(ngx_http_request_t *r,
    ngx_str_t *path);


ngx_int_t
ngx_http_proxies_handler(ngx_http_request_t *r)
{
    ngx_int_t                     rc;
    ngx_str_t                     path;
    ngx_http_proxies_ctx_t       *ctx;
    ngx_http_proxies_match_t      m;
    ngx_http_proxies_table_t     *table;
    ngx_http_proxies_loc_conf_t  *plcf;

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_proxies_module);
    table = plcf->file->table;

    if (ngx_http_proxies_path(r, &path) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rc = ngx_http_proxies_match(table, r, &path, &m);

    if (rc == NGX_DECLINED) {
        ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "proxies: no proxy matches");

        return plcf->fallthrough ? NGX_DECLINED : NGX_HTTP_NOT_FOUND;
    }

    if (rc != NGX_OK) {
        return rc;
    }

    ctx = ngx_http_proxies_get_ctx(r);

    if (ctx == NULL) {
        ctx = ngx_http_proxies_create_ctx(r);
        if (ctx == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    ctx->match = m;
    ctx->action = &m.proxy->action;

    ngx_memzero(&ctx->eval, sizeof(ngx_http_proxies_eval_t));
    ctx->eval.r = r;
    ctx->eval.match = &ctx->match;
    ctx->eval.decode_slashes = table->decode_slashes;

    ngx_str_null(&ctx->backend_url);
    ngx_str_null(&ctx->backend_method);
    ngx_str_null(&ctx->host);

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "proxies: proxy \"%V\" route \"%V\"",
                   &m.proxy->name, &m.proxy->route.text);

    ngx_http_proxies_trace_start(r, ctx);

    /* [extension] a slot, or the breaker's fallback, may take over */
    if (m.proxy->slots || m.proxy->breaker) {
        rc = ngx_http_proxies_ext_choose(r, ctx);
        if (rc != NGX_OK) {
            return rc;
        }
    }

    return ctx->action->handler(r, ctx);
}


/*
 * Routes match the raw path, where %2F and "/" differ.  After an internal
 * redirect the request line is stale: a local hop left its raw path in
 * the ctx; any other redirect (error_page, try_files, rewrite) leaves only
 * the decoded r->uri, which is escaped back.
 */

static ngx_int_t
ngx_http_proxies_path(ngx_http_request_t *r, ngx_str_t *path)
{
    size_t                   n;
    ngx_http_proxies_ctx_t  *ctx;

    if (!r->internal) {
        *path = r->unparsed_uri;
        return NGX_OK;
    }

    ctx = ngx_http_proxies_get_ctx(r);

    if (ctx && ctx->local_path.data && ctx->local_changes == r->uri_changes) {
        *path = ctx->local_path;
        return NGX_OK;
    }

    n = ngx_escape_uri(NULL, r->uri.data, r->uri.len, NGX_ESCAPE_URI);

    if (n == 0) {
        *path = r->uri;
        return NGX_OK;
    }

    path->len = r->uri.len + 2 * n;
    path->data = ngx_pnalloc(r->pool, path->len);
    if (path->data == NULL) {
        return NGX_ERROR;
    }

    (void) ngx_escape_uri(path->data, r->uri.data, r->uri.len,
                          NGX_ESCAPE_URI);

    return NGX_OK;
}


/*
 * An internal redirect (a local call) clears r->ctx, but the hop count
 * and the response overrides still to apply must survive it: the ctx is
 * also reachable from a marker cleanup of the request pool.
 */

ngx_http_proxies_ctx_t *
ngx_http_proxies_get_ctx(ngx_http_request_t *r)
{
    ngx_pool_cleanup_t      *cln;
    ngx_http_proxies_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_proxies_module);

    if (ctx != NULL || !r->internal) {
        return ctx;
    }

    for (cln = r->pool->cleanup; cln; cln = cln->next) {
        if (cln->handler != ngx_http_proxies_ctx_marker) {
            continue;
        }

        ctx = cln->data;

        if (ctx->request == r) {
            ngx_http_set_ctx(r, ctx, ngx_http_proxies_module);
            return ctx;
        }
    }

    return NULL;
}


static ngx_http_proxies_ctx_t *
ngx_http_proxies_create_ctx(ngx_http_request_t *r)
{
    ngx_pool_cleanup_t      *cln;
    ngx_http_proxies_ctx_t  *ctx;

    ctx = ngx_pcalloc(r->pool, sizeof(ngx_http_proxies_ctx_t));
    if (ctx == NULL) {
        return NULL;
    }

    if (ngx_array_init(&ctx->pending, r->pool, 1,
                       sizeof(ngx_http_proxies_pending_t))
        != NGX_OK)
    {
        return NULL;
    }

    cln = ngx_pool_cleanup_add(r->pool, 0);
    if (cln == NULL) {
        return NULL;
    }

    cln->handler = ngx_http_proxies_ctx_marker;
    cln->data = ctx;

    ctx->request = r;
    ngx_http_set_ctx(r, ctx, ngx_http_proxies_module);

    return ctx;
}


static void
ngx_http_proxies_ctx_marker(void *data)
{
    /* nothing to free: the marker only makes the ctx findable */
}


ngx_int_t
ngx_http_proxies_push_pending(ngx_http_request_t *r,
    ngx_http_proxies_ctx_t *ctx)
{
    ngx_http_proxies_pending_t  *p;

    if (!ctx->match.proxy->resp.any) {
        return NGX_OK;
    }

    p = ngx_array_push(&ctx->pending);
    if (p == NULL) {
        return NGX_ERROR;
    }

    p->proxy = ctx->match.proxy;
    p->captures = ctx->match.captures;
    p->backend = (ctx->action->kind != NGX_HTTP_PROXIES_ACTION_STATIC);

    return NGX_OK;
}
