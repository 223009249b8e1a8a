
/* placeholder: replaced by the real implementation */

#include "ngx_http_proxies.h"

ngx_int_t
ngx_http_proxies_uri_compile(ngx_http_proxies_cc_t *cc,
    ngx_str_t *src, ngx_http_proxies_uri_t *uri)
{
    return NGX_ERROR;
}

ngx_int_t
ngx_http_proxies_uri_build(ngx_http_proxies_eval_t *ev,
    ngx_http_proxies_proxy_t *proxy, ngx_str_t *path, ngx_str_t *args)
{
    return NGX_ERROR;
}

