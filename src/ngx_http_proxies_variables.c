
/*
 * ngx_proxies: variables.  $proxies_upstream_url and
 * $proxies_backend_method feed the proxy module; the others are for
 * access logs.  $proxy_host is wrapped so that a Host override reaches
 * the backend while "proxy_set_header Host ..." still wins.
 */


#include "ngx_http_proxies.h"


static ngx_int_t ngx_http_proxies_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_proxies_method_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_proxies_proxy_host_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_proxies_value(ngx_http_variable_value_t *v,
    ngx_str_t *s);
static ngx_str_t *ngx_http_proxies_name(ngx_http_proxies_ctx_t *ctx);
static ngx_str_t *ngx_http_proxies_route(ngx_http_proxies_ctx_t *ctx);
static ngx_str_t *ngx_http_proxies_backend_url(ngx_http_proxies_ctx_t *ctx);


typedef ngx_str_t *(*ngx_http_proxies_field_pt)(ngx_http_proxies_ctx_t *ctx);


static ngx_http_variable_t  ngx_http_proxies_vars[] = {

    { ngx_string("proxies_upstream_url"), NULL, ngx_http_proxies_variable,
      (uintptr_t) ngx_http_proxies_backend_url,
      NGX_HTTP_VAR_NOCACHEABLE|NGX_HTTP_VAR_NOHASH, 0 },

    { ngx_string("proxies_backend_method"), NULL,
      ngx_http_proxies_method_variable, 0,
      NGX_HTTP_VAR_NOCACHEABLE|NGX_HTTP_VAR_NOHASH, 0 },

    { ngx_string("proxies_name"), NULL, ngx_http_proxies_variable,
      (uintptr_t) ngx_http_proxies_name, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("proxies_route"), NULL, ngx_http_proxies_variable,
      (uintptr_t) ngx_http_proxies_route, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("proxies_backend_uri"), NULL, ngx_http_proxies_variable,
      (uintptr_t) ngx_http_proxies_backend_url, NGX_HTTP_VAR_NOCACHEABLE, 0 },

      ngx_http_null_variable
};


static ngx_http_get_variable_pt  ngx_http_proxies_proxy_host_get;
static uintptr_t                 ngx_http_proxies_proxy_host_data;


ngx_int_t
ngx_http_proxies_add_variables(ngx_conf_t *cf)
{
    ngx_http_variable_t  *var, *v;

    for (v = ngx_http_proxies_vars; v->name.len; v++) {
        var = ngx_http_add_variable(cf, &v->name, v->flags);
        if (var == NULL) {
            return NGX_ERROR;
        }

        var->get_handler = v->get_handler;
        var->data = v->data;
    }

    return NGX_OK;
}


ngx_int_t
ngx_http_proxies_hook_proxy_host(ngx_conf_t *cf)
{
    ngx_str_t             name = ngx_string("proxy_host");
    ngx_http_variable_t  *var;

    var = ngx_http_add_variable(cf, &name, NGX_HTTP_VAR_CHANGEABLE
                                           |NGX_HTTP_VAR_NOCACHEABLE
                                           |NGX_HTTP_VAR_NOHASH);
    if (var == NULL) {
        return NGX_ERROR;
    }

    if (var->get_handler == ngx_http_proxies_proxy_host_variable
        || var->get_handler == NULL)
    {
        return NGX_OK;
    }

    ngx_http_proxies_proxy_host_get = var->get_handler;
    ngx_http_proxies_proxy_host_data = var->data;

    var->get_handler = ngx_http_proxies_proxy_host_variable;

    return NGX_OK;
}


static ngx_int_t
ngx_http_proxies_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    ngx_str_t                  *s;
    ngx_http_proxies_ctx_t     *ctx;
    ngx_http_proxies_field_pt   field = (ngx_http_proxies_field_pt) data;

    ctx = ngx_http_get_module_ctx(r, ngx_http_proxies_module);

    s = ctx ? field(ctx) : NULL;

    if (s == NULL || s->data == NULL) {
        v->not_found = 1;
        return NGX_OK;
    }

    return ngx_http_proxies_value(v, s);
}


static ngx_int_t
ngx_http_proxies_method_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    ngx_str_t               *s;
    ngx_http_proxies_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_proxies_module);

    s = (ctx && ctx->backend_method.len) ? &ctx->backend_method
                                         : &r->method_name;

    return ngx_http_proxies_value(v, s);
}


static ngx_int_t
ngx_http_proxies_proxy_host_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    ngx_http_proxies_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_proxies_module);

    if (ctx == NULL || ctx->host.data == NULL) {
        return ngx_http_proxies_proxy_host_get(r, v,
                                             ngx_http_proxies_proxy_host_data);
    }

    return ngx_http_proxies_value(v, &ctx->host);
}


static ngx_int_t
ngx_http_proxies_value(ngx_http_variable_value_t *v, ngx_str_t *s)
{
    v->len = s->len;
    v->valid = 1;
    v->no_cacheable = 1;
    v->not_found = 0;
    v->data = s->data;

    return NGX_OK;
}


static ngx_str_t *
ngx_http_proxies_name(ngx_http_proxies_ctx_t *ctx)
{
    return ctx->match.proxy ? &ctx->match.proxy->name : NULL;
}


static ngx_str_t *
ngx_http_proxies_route(ngx_http_proxies_ctx_t *ctx)
{
    return ctx->match.proxy ? &ctx->match.proxy->route.text : NULL;
}


static ngx_str_t *
ngx_http_proxies_backend_url(ngx_http_proxies_ctx_t *ctx)
{
    return &ctx->backend_url;
}
