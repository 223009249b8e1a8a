
/* placeholder: replaced by the real implementation */

#include "ngx_http_proxies.h"

ngx_int_t
ngx_http_proxies_model_build(ngx_conf_t *cf, ngx_str_t *file,
    void *root, ngx_array_t *models)
{
    return NGX_ERROR;
}

