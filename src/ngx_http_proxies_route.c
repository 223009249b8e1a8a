
/* placeholder: replaced by the real implementation */

#include "ngx_http_proxies.h"

ngx_int_t
ngx_http_proxies_route_parse(ngx_http_proxies_cc_t *cc,
    ngx_str_t *text, ngx_http_proxies_route_t *route)
{
    return NGX_ERROR;
}

