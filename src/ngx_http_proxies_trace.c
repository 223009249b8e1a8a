
/*
 * ngx_proxies: Proxy-Trace-Enabled.  A traced request logs each step at
 * "info" under one id, and the response names that id in
 * Proxy-Trace-Location.  "debug": true traces every call, "debug": false
 * refuses client-requested traces, and "proxies_trace off" refuses them
 * for a whole location.
 */


#include "ngx_http_proxies.h"


static ngx_flag_t ngx_http_proxies_trace_requested(ngx_http_request_t *r);


void
ngx_http_proxies_trace_start(ngx_http_request_t *r,
    ngx_http_proxies_ctx_t *ctx)
{
    ngx_table_elt_t              *h;
    ngx_http_proxies_proxy_t     *proxy;
    ngx_http_proxies_loc_conf_t  *plcf;

    proxy = ctx->match.proxy;

    if (proxy->debug == 0) {
        return;
    }

    if (proxy->debug != 1) {
        plcf = ngx_http_get_module_loc_conf(r, ngx_http_proxies_module);

        if (!plcf->trace || !ngx_http_proxies_trace_requested(r)) {
            return;
        }
    }

    if (!ctx->tracing) {
        ctx->trace_id.data = ngx_pnalloc(r->pool, 2 * NGX_ATOMIC_T_LEN + 1);
        if (ctx->trace_id.data == NULL) {
            return;
        }

        ctx->trace_id.len = ngx_sprintf(ctx->trace_id.data, "%uA-%uA",
                                        r->connection->number,
                                        r->connection->requests)
                            - ctx->trace_id.data;

        h = ngx_list_push(&r->headers_out.headers);
        if (h == NULL) {
            return;
        }

        h->hash = 1;
        ngx_str_set(&h->key, "Proxy-Trace-Location");
        h->value = ctx->trace_id;

        ctx->tracing = 1;
    }

    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                  "proxies trace %V: proxy \"%V\" matched route \"%V\" "
                  "for \"%V %V\"", &ctx->trace_id, &proxy->name,
                  &proxy->route.text, &r->method_name, &r->unparsed_uri);
}


void
ngx_http_proxies_trace(ngx_http_request_t *r, ngx_http_proxies_ctx_t *ctx,
    const char *step, ngx_str_t *value)
{
    if (!ctx->tracing) {
        return;
    }

    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                  "proxies trace %V: proxy \"%V\" %s \"%V\"",
                  &ctx->trace_id, &ctx->match.proxy->name, step, value);
}


static ngx_flag_t
ngx_http_proxies_trace_requested(ngx_http_request_t *r)
{
    ngx_uint_t        i;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

    part = &r->headers_in.headers.part;
    h = part->elts;

    for (i = 0; /* void */; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                return 0;
            }

            part = part->next;
            h = part->elts;
            i = 0;
        }

        if (h[i].key.len == sizeof("Proxy-Trace-Enabled") - 1
            && ngx_strncasecmp(h[i].key.data, (u_char *) "Proxy-Trace-Enabled",
                               h[i].key.len) == 0)
        {
            return h[i].value.len == 4
                   && ngx_strncasecmp(h[i].value.data, (u_char *) "true", 4)
                      == 0;
        }
    }
}
