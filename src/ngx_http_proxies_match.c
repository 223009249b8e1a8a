
/* placeholder: replaced by the real implementation */

#include "ngx_http_proxies.h"

ngx_int_t
ngx_http_proxies_match(ngx_http_proxies_table_t *table,
    ngx_http_request_t *r, ngx_http_proxies_match_t *m)
{
    return NGX_ERROR;
}

