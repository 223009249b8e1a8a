
/* placeholder: replaced by the real implementation */

#include "ngx_http_proxies.h"

ngx_int_t
ngx_http_proxies_response_apply(ngx_http_request_t *r,
    ngx_http_proxies_ctx_t *ctx, ngx_http_proxies_pending_t *p)
{
    return NGX_ERROR;
}

