
/* placeholder: replaced by the real implementation */

#include "ngx_http_proxies.h"

ngx_int_t
ngx_http_proxies_handler(ngx_http_request_t *r)
{
    return NGX_ERROR;
}

ngx_http_proxies_ctx_t *
ngx_http_proxies_get_ctx(ngx_http_request_t *r)
{
    return NULL;
}

