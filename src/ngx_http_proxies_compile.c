
/* placeholder: replaced by the real implementation */

#include "ngx_http_proxies.h"

ngx_http_proxies_table_t *
ngx_http_proxies_compile(ngx_conf_t *cf,
    ngx_str_t *file, ngx_array_t *models)
{
    return NULL;
}

ngx_int_t
ngx_http_proxies_cc_error(ngx_http_proxies_cc_t *cc,
    const char *fmt, ...)
{
    return NGX_ERROR;
}

void
ngx_http_proxies_cc_warn(ngx_http_proxies_cc_t *cc,
    const char *fmt, ...)
{
    return;
}

