
/* placeholder: replaced by the real implementation */

#include "ngx_http_proxies.h"

ngx_int_t
ngx_http_proxies_tpl_compile(ngx_http_proxies_cc_t *cc,
    ngx_str_t *src, ngx_uint_t where, ngx_uint_t escape,
    ngx_http_proxies_tpl_t *tpl)
{
    return NGX_ERROR;
}

ngx_int_t
ngx_http_proxies_tpl_eval(ngx_http_proxies_eval_t *ev,
    ngx_http_proxies_tpl_t *tpl, ngx_str_t *out)
{
    return NGX_ERROR;
}

ngx_int_t
ngx_http_proxies_setting_expand(ngx_http_proxies_cc_t *cc,
    ngx_str_t *src, ngx_str_t *dst)
{
    return NGX_ERROR;
}

