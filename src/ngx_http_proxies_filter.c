
/*
 * ngx_proxies: the response filter.
 *
 * Whatever answers a proxied request (the static action, the proxy
 * module, a local location) sends its header through here: the pending
 * responseOverrides are applied, innermost hop first.  When one of them
 * replaced the body, the body filter swallows the original body and
 * sends the new one once, at the end.  The filters are installed only
 * when some proxies.json has responseOverrides.
 */


#include "ngx_http_proxies.h"


static ngx_int_t ngx_http_proxies_filter_init(ngx_conf_t *cf);
static ngx_uint_t ngx_http_proxies_filter_needed(ngx_conf_t *cf);
static ngx_int_t ngx_http_proxies_header_filter(ngx_http_request_t *r);
static ngx_int_t ngx_http_proxies_body_filter(ngx_http_request_t *r,
    ngx_chain_t *in);


static ngx_http_module_t  ngx_http_proxies_filter_module_ctx = {
    NULL,                                  /* preconfiguration */
    ngx_http_proxies_filter_init,          /* postconfiguration */

    NULL,                                  /* create main configuration */
    NULL,                                  /* init main configuration */

    NULL,                                  /* create server configuration */
    NULL,                                  /* merge server configuration */

    NULL,                                  /* create location configuration */
    NULL                                   /* merge location configuration */
};


ngx_module_t  ngx_http_proxies_filter_module = {
    NGX_MODULE_V1,
    &ngx_http_proxies_filter_module_ctx,   /* module context */
    NULL,                                  /* module directives */
    NGX_HTTP_MODULE,                       /* module type */
    NULL,                                  /* init master */
    NULL,                                  /* init module */
    NULL,                                  /* init process */
    NULL,                                  /* init thread */
    NULL,                                  /* exit thread */
    NULL,                                  /* exit process */
    NULL,                                  /* exit master */
    NGX_MODULE_V1_PADDING
};


static ngx_http_output_header_filter_pt  ngx_http_next_header_filter;
static ngx_http_output_body_filter_pt    ngx_http_next_body_filter;


static ngx_int_t
ngx_http_proxies_filter_init(ngx_conf_t *cf)
{
    if (!ngx_http_proxies_filter_needed(cf)) {
        return NGX_OK;
    }

    ngx_http_next_header_filter = ngx_http_top_header_filter;
    ngx_http_top_header_filter = ngx_http_proxies_header_filter;

    ngx_http_next_body_filter = ngx_http_top_body_filter;
    ngx_http_top_body_filter = ngx_http_proxies_body_filter;

    return NGX_OK;
}


/* the files are compiled by now: init_main_conf runs before this */

static ngx_uint_t
ngx_http_proxies_filter_needed(ngx_conf_t *cf)
{
    ngx_uint_t                      i, j;
    ngx_http_proxies_file_t       **files;
    ngx_http_proxies_table_t       *table;
    ngx_http_proxies_main_conf_t   *pmcf;

    pmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_proxies_module);
    if (pmcf == NULL) {
        return 0;
    }

    files = pmcf->files.elts;

    for (i = 0; i < pmcf->files.nelts; i++) {
        table = files[i]->table;

        for (j = 0; table && j < table->nproxies; j++) {
            if (table->proxies[j].resp.any) {
                return 1;
            }
        }
    }

    return 0;
}


static ngx_int_t
ngx_http_proxies_header_filter(ngx_http_request_t *r)
{
    ngx_int_t                    rc;
    ngx_uint_t                   i;
    ngx_http_proxies_ctx_t      *ctx;
    ngx_http_proxies_pending_t  *p;

    if (r != r->main) {
        return ngx_http_next_header_filter(r);
    }

    ctx = ngx_http_proxies_get_ctx(r);

    if (ctx == NULL || ctx->pending.nelts == 0 || ctx->header_done) {
        return ngx_http_next_header_filter(r);
    }

    ctx->header_done = 1;

    /*
     * nginx's own 502 or 504 for a backend that never answered: there
     * is no backend response to override, and the failure must show.
     */

    if (r->err_status && r->upstream
        && r->upstream->headers_in.status_n == 0)
    {
        ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "proxies: no backend response, no overrides");

        return ngx_http_next_header_filter(r);
    }

    p = ctx->pending.elts;

    for (i = ctx->pending.nelts; i-- > 0; /* void */) {

        rc = ngx_http_proxies_response_apply(r, ctx, &p[i]);

        if (rc == NGX_OK) {
            continue;
        }

        ctx->body_set = 0;

        if (rc == NGX_ERROR) {
            return NGX_ERROR;
        }

        return ngx_http_filter_finalize_request(r,
                                                &ngx_http_proxies_filter_module,
                                                rc);
    }

    return ngx_http_next_header_filter(r);
}


static ngx_int_t
ngx_http_proxies_body_filter(ngx_http_request_t *r, ngx_chain_t *in)
{
    ngx_buf_t               *b;
    ngx_uint_t               last;
    ngx_chain_t             *cl, out;
    ngx_http_proxies_ctx_t  *ctx;

    if (r != r->main || in == NULL) {
        return ngx_http_next_body_filter(r, in);
    }

    ctx = ngx_http_proxies_get_ctx(r);

    if (ctx == NULL || !ctx->body_set) {
        return ngx_http_next_body_filter(r, in);
    }

    /* the original body is consumed here, as if it had been sent */

    last = 0;

    for (cl = in; cl; cl = cl->next) {
        b = cl->buf;

        if (b->last_buf) {
            last = 1;
        }

        b->pos = b->last;

        if (b->in_file) {
            b->file_pos = b->file_last;
        }
    }

    if (!last || ctx->body_sent) {
        return ngx_http_next_body_filter(r, NULL);
    }

    ctx->body_sent = 1;

    b = ngx_calloc_buf(r->pool);
    if (b == NULL) {
        return NGX_ERROR;
    }

    if (ctx->body.len && !r->header_only) {
        b->pos = ctx->body.data;
        b->last = ctx->body.data + ctx->body.len;
        b->memory = 1;
    }

    b->last_buf = 1;
    b->last_in_chain = 1;

    out.buf = b;
    out.next = NULL;

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "proxies: replacement body of %uz bytes", ctx->body.len);

    return ngx_http_next_body_filter(r, &out);
}
