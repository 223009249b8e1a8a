
/* placeholder: replaced by the real implementation */

#include "ngx_http_proxies.h"

void
ngx_http_proxies_trace_start(ngx_http_request_t *r,
    ngx_http_proxies_ctx_t *ctx)
{
    return;
}

void
ngx_http_proxies_trace(ngx_http_request_t *r,
    ngx_http_proxies_ctx_t *ctx, const char *step, ngx_str_t *value)
{
    return;
}

