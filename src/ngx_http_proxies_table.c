
/* placeholder: replaced by the real implementation */

#include "ngx_http_proxies.h"

ngx_int_t
ngx_http_proxies_table_build(ngx_http_proxies_cc_t *cc,
    ngx_http_proxies_table_t *table)
{
    return NGX_ERROR;
}

