
/* placeholder: replaced by the real implementation */

#include "ngx_http_proxies.h"

ngx_int_t
ngx_http_proxies_upstream_action(ngx_http_request_t *r,
    ngx_http_proxies_ctx_t *ctx)
{
    return NGX_ERROR;
}

