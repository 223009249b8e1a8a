
/* placeholder: replaced by the real implementation */

#include "ngx_http_proxies.h"

ngx_int_t
ngx_http_proxies_add_variables(ngx_conf_t *cf)
{
    return NGX_ERROR;
}

ngx_int_t
ngx_http_proxies_hook_proxy_host(ngx_conf_t *cf)
{
    return NGX_ERROR;
}

