
/*
 * ngx_proxies: directives, configuration and module definition.
 *
 * "proxies FILE;" makes a location a proxies.json gateway.  The file is
 * loaded and compiled once per configuration cycle, in init_main_conf,
 * after every app setting has been read.  The merge then arms nginx's own
 * proxy module in each location that serves proxies, so upstream-backed
 * proxies keep every proxy_* directive, and puts our handler in front of
 * it, so static and local actions answer before the proxy ever runs.
 */


#include "ngx_http_proxies_ext.h"
#include "ngx_http_proxies_table.h"


static ngx_int_t ngx_http_proxies_preconfiguration(ngx_conf_t *cf);
static ngx_int_t ngx_http_proxies_postconfiguration(ngx_conf_t *cf);
static void *ngx_http_proxies_create_main_conf(ngx_conf_t *cf);
static char *ngx_http_proxies_init_main_conf(ngx_conf_t *cf, void *conf);
static void *ngx_http_proxies_create_loc_conf(ngx_conf_t *cf);
static char *ngx_http_proxies_merge_loc_conf(ngx_conf_t *cf, void *parent,
    void *child);
static char *ngx_http_proxies(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_proxies_app_setting(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_proxies_local_host(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static ngx_http_proxies_table_t *ngx_http_proxies_load_compile(
    ngx_conf_t *cf, ngx_http_proxies_file_t *file);
static ngx_int_t ngx_http_proxies_load_file(ngx_conf_t *cf,
    ngx_http_proxies_file_t *file);
static char *ngx_http_proxies_arm(ngx_conf_t *cf,
    ngx_http_proxies_loc_conf_t *plcf);
static char *ngx_http_proxies_call_proxy_directive(ngx_conf_t *cf,
    char *name, char *value);


static ngx_command_t  ngx_http_proxies_commands[] = {

    { ngx_string("proxies"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_proxies,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("proxies_app_setting"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE2,
      ngx_http_proxies_app_setting,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("proxies_functions"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE12,
      ngx_http_proxies_functions,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("proxies_local_host"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_1MORE,
      ngx_http_proxies_local_host,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("proxies_decode_slashes"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_proxies_main_conf_t, decode_slashes),
      NULL },

    { ngx_string("proxies_zone_size"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_size_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_proxies_main_conf_t, zone_size),
      NULL },

    { ngx_string("proxies_huge_pages"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_proxies_main_conf_t, huge_pages),
      NULL },

    { ngx_string("proxies_local_call"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_proxies_main_conf_t, local_call),
      NULL },

    { ngx_string("proxies_fallthrough"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_proxies_loc_conf_t, fallthrough),
      NULL },

    { ngx_string("proxies_trace"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_proxies_loc_conf_t, trace),
      NULL },

    { ngx_string("proxies_admin"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_http_proxies_admin,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("proxies_status"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS|NGX_CONF_TAKE1,
      ngx_http_proxies_status,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("proxies_admin_token_file"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_http_proxies_admin_token_file,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("proxies_slot_pin_allow"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_1MORE,
      ngx_http_proxies_pin_allow,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("proxies_forwarded_headers"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_proxies_loc_conf_t, forwarded),
      NULL },

      ngx_null_command
};


static ngx_http_module_t  ngx_http_proxies_module_ctx = {
    ngx_http_proxies_preconfiguration,     /* preconfiguration */
    ngx_http_proxies_postconfiguration,    /* postconfiguration */

    ngx_http_proxies_create_main_conf,     /* create main configuration */
    ngx_http_proxies_init_main_conf,       /* init main configuration */

    NULL,                                  /* create server configuration */
    NULL,                                  /* merge server configuration */

    ngx_http_proxies_create_loc_conf,      /* create location configuration */
    ngx_http_proxies_merge_loc_conf        /* merge location configuration */
};


ngx_module_t  ngx_http_proxies_module = {
    NGX_MODULE_V1,
    &ngx_http_proxies_module_ctx,          /* module context */
    ngx_http_proxies_commands,             /* module directives */
    NGX_HTTP_MODULE,                       /* module type */
    NULL,                                  /* init master */
    NULL,                                  /* init module */
    ngx_http_proxies_function_init_process, /* init process */
    NULL,                                  /* init thread */
    NULL,                                  /* exit thread */
    ngx_http_proxies_function_exit_process, /* exit process */
    NULL,                                  /* exit master */
    NGX_MODULE_V1_PADDING
};


static ngx_int_t
ngx_http_proxies_preconfiguration(ngx_conf_t *cf)
{
    return ngx_http_proxies_add_variables(cf);
}


static ngx_int_t
ngx_http_proxies_postconfiguration(ngx_conf_t *cf)
{
    ngx_http_proxies_main_conf_t  *pmcf;

    pmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_proxies_module);

    ngx_http_proxies_match_init();

    if (ngx_http_proxies_request_init(cf) != NGX_OK) {
        return NGX_ERROR;
    }

    /* [extension] the breaker and slot zones, the breakers' log handler */
    if (ngx_http_proxies_ext_init(cf, pmcf) != NGX_OK) {
        return NGX_ERROR;
    }

    /* [extension] the status zone and its log handler */
    if (ngx_http_proxies_stats_init(cf, pmcf) != NGX_OK) {
        return NGX_ERROR;
    }

    /* the proxy module has registered $proxy_host by now */
    return ngx_http_proxies_hook_proxy_host(cf);
}


static void *
ngx_http_proxies_create_main_conf(ngx_conf_t *cf)
{
    ngx_http_proxies_main_conf_t  *pmcf;

    pmcf = ngx_pcalloc(cf->pool, sizeof(ngx_http_proxies_main_conf_t));
    if (pmcf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     pmcf->proxy_handler = NULL;
     */

    if (ngx_array_init(&pmcf->settings, cf->pool, 4,
                       sizeof(ngx_http_proxies_setting_t))
        != NGX_OK
        || ngx_array_init(&pmcf->local_hosts, cf->pool, 2, sizeof(ngx_str_t))
           != NGX_OK
        || ngx_array_init(&pmcf->files, cf->pool, 2,
                          sizeof(ngx_http_proxies_file_t *))
           != NGX_OK)
    {
        return NULL;
    }

    pmcf->decode_slashes = NGX_CONF_UNSET;
    pmcf->local_call = NGX_CONF_UNSET;
    pmcf->huge_pages = NGX_CONF_UNSET;
    pmcf->zone_size = NGX_CONF_UNSET_SIZE;

    return pmcf;
}


static char *
ngx_http_proxies_init_main_conf(ngx_conf_t *cf, void *conf)
{
    ngx_http_proxies_main_conf_t *pmcf = conf;

    ngx_uint_t                 i;
    ngx_http_proxies_file_t  **files;

    ngx_conf_init_value(pmcf->decode_slashes, 0);
    ngx_conf_init_value(pmcf->local_call, 1);
    ngx_conf_init_value(pmcf->huge_pages, 1);
    ngx_conf_init_size_value(pmcf->zone_size, 1024 * 1024);

    files = pmcf->files.elts;

    for (i = 0; i < pmcf->files.nelts; i++) {
        if (ngx_http_proxies_load_file(cf, files[i]) != NGX_OK) {
            return NGX_CONF_ERROR;
        }
    }

    return NGX_CONF_OK;
}


/*
 * Messages about the file point at the "proxies" line that named it, so
 * the conf position is swapped in while the file is loaded.  So are the
 * pools: for a big file, the table goes to a region of huge pages and the
 * scratch work to a region unmapped right after (ngx_http_proxies_pool.c).
 */

static ngx_int_t
ngx_http_proxies_load_file(ngx_conf_t *cf, ngx_http_proxies_file_t *file)
{
    ngx_pool_t                    *pool, *scratch, *saved_pool, *saved_temp;
    ngx_conf_file_t               *saved;
    ngx_http_proxies_main_conf_t  *pmcf;

    pmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_proxies_module);

    pool = pmcf->huge_pages
           ? ngx_http_proxies_pool_create(cf, &file->name) : cf->pool;
    if (pool == NULL) {
        return NGX_ERROR;
    }

    scratch = ngx_http_proxies_pool_scratch(&file->name, cf->log);

    saved = cf->conf_file;
    saved_pool = cf->pool;
    saved_temp = cf->temp_pool;

    cf->conf_file = &file->conf_file;
    cf->pool = pool;
    cf->temp_pool = scratch ? scratch : cf->temp_pool;

    file->table = ngx_http_proxies_load_compile(cf, file);

    cf->conf_file = saved;
    cf->pool = saved_pool;
    cf->temp_pool = saved_temp;

    if (scratch) {
        ngx_http_proxies_region_destroy(scratch);
    }

    return file->table ? NGX_OK : NGX_ERROR;
}


static ngx_http_proxies_table_t *
ngx_http_proxies_load_compile(ngx_conf_t *cf, ngx_http_proxies_file_t *file)
{
    ngx_array_t  models;

    if (ngx_array_init(&models, cf->temp_pool, 16,
                       sizeof(ngx_http_proxies_model_t))
        != NGX_OK)
    {
        return NULL;
    }

    if (ngx_http_proxies_load(cf, &file->name, &models) != NGX_OK) {
        return NULL;
    }

    return ngx_http_proxies_compile(cf, &file->name, &models);
}


static void *
ngx_http_proxies_create_loc_conf(ngx_conf_t *cf)
{
    ngx_http_proxies_loc_conf_t  *plcf;

    plcf = ngx_pcalloc(cf->pool, sizeof(ngx_http_proxies_loc_conf_t));
    if (plcf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     plcf->explicit = 0;
     */

    plcf->file = NGX_CONF_UNSET_PTR;
    plcf->fallthrough = NGX_CONF_UNSET;
    plcf->trace = NGX_CONF_UNSET;
    plcf->forwarded = NGX_CONF_UNSET;

    return plcf;
}


static char *
ngx_http_proxies_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child)
{
    ngx_http_proxies_loc_conf_t *prev = parent;
    ngx_http_proxies_loc_conf_t *conf = child;

    ngx_conf_merge_ptr_value(conf->file, prev->file, NULL);
    ngx_conf_merge_value(conf->fallthrough, prev->fallthrough, 0);
    ngx_conf_merge_value(conf->trace, prev->trace, 1);
    ngx_conf_merge_value(conf->forwarded, prev->forwarded, 1);

    if (conf->file == NULL) {
        return NGX_CONF_OK;
    }

    return ngx_http_proxies_arm(cf, conf);
}


/*
 * Make this location serve proxies: drive the proxy module's own
 * "proxy_pass" and "proxy_method" with variables we fill per request,
 * then put our handler in front of the proxy handler.
 */

static char *
ngx_http_proxies_arm(ngx_conf_t *cf, ngx_http_proxies_loc_conf_t *plcf)
{
    char                          *rv;
    unsigned                       auto_redirect;
    ngx_http_core_loc_conf_t      *clcf;
    ngx_http_proxies_main_conf_t  *pmcf;

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    pmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_proxies_module);

    if (clcf->noname) {
        /* "if" and "limit_except" blocks take the enclosing handler */
        return NGX_CONF_OK;
    }

    if (clcf->handler != NULL) {
        if (!plcf->explicit) {
            /* an inherited "proxies" yields to the location's own handler */
            return NGX_CONF_OK;
        }

        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"proxies\" cannot be combined with another "
                           "content handler in location \"%V\"",
                           &clcf->name);
        return NGX_CONF_ERROR;
    }

    auto_redirect = clcf->auto_redirect;

    rv = ngx_http_proxies_call_proxy_directive(cf, "proxy_pass",
                                               "$proxies_upstream_url");
    if (rv != NGX_CONF_OK) {
        return rv;
    }

    clcf->auto_redirect = auto_redirect;
    pmcf->proxy_handler = clcf->handler;
    clcf->handler = ngx_http_proxies_handler;

    rv = ngx_http_proxies_call_proxy_directive(cf, "proxy_method",
                                               "$proxies_backend_method");

    /* "is duplicate": the location sets proxy_method itself, and wins */
    return rv == NGX_CONF_OK || rv == NGX_CONF_ERROR ? rv : NGX_CONF_OK;
}


static char *
ngx_http_proxies_call_proxy_directive(ngx_conf_t *cf, char *name,
    char *value)
{
    char                   *rv;
    void                   *conf;
    ngx_str_t              *args;
    ngx_array_t             a, *saved;
    ngx_command_t          *cmd;

    for (cmd = ngx_http_proxy_module.commands; cmd->name.len; cmd++) {
        if (ngx_strcmp(cmd->name.data, name) == 0) {
            break;
        }
    }

    if (cmd->name.len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "proxies: the proxy module has no \"%s\"", name);
        return NGX_CONF_ERROR;
    }

    if (ngx_array_init(&a, cf->temp_pool, 2, sizeof(ngx_str_t)) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    args = ngx_array_push_n(&a, 2);
    if (args == NULL) {
        return NGX_CONF_ERROR;
    }

    args[0].data = (u_char *) name;
    args[0].len = ngx_strlen(name);
    args[1].data = (u_char *) value;
    args[1].len = ngx_strlen(value);

    conf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_proxy_module);

    saved = cf->args;
    cf->args = &a;
    rv = cmd->set(cf, cmd, conf);
    cf->args = saved;

    return rv;
}


static char *
ngx_http_proxies(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_proxies_loc_conf_t *plcf = conf;

    ngx_str_t                     *value, name;
    ngx_uint_t                     i;
    ngx_http_proxies_file_t       *file, **files;
    ngx_http_proxies_main_conf_t  *pmcf;

    if (plcf->file != NGX_CONF_UNSET_PTR) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_strcmp(value[1].data, "off") == 0) {
        plcf->file = NULL;
        return NGX_CONF_OK;
    }

    name = value[1];

    if (ngx_conf_full_name(cf->cycle, &name, 1) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    pmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_proxies_module);

    files = pmcf->files.elts;

    for (i = 0; i < pmcf->files.nelts; i++) {
        if (files[i]->name.len == name.len
            && ngx_strncmp(files[i]->name.data, name.data, name.len) == 0)
        {
            plcf->file = files[i];
            plcf->explicit = 1;
            return NGX_CONF_OK;
        }
    }

    file = ngx_pcalloc(cf->pool, sizeof(ngx_http_proxies_file_t));
    if (file == NULL) {
        return NGX_CONF_ERROR;
    }

    file->name = name;
    file->conf_file = *cf->conf_file;

    files = ngx_array_push(&pmcf->files);
    if (files == NULL) {
        return NGX_CONF_ERROR;
    }

    *files = file;
    plcf->file = file;
    plcf->explicit = 1;

    return NGX_CONF_OK;
}


static char *
ngx_http_proxies_app_setting(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_proxies_main_conf_t *pmcf = conf;

    ngx_str_t                   *value;
    ngx_uint_t                   i;
    ngx_http_proxies_setting_t  *s;

    value = cf->args->elts;

    s = pmcf->settings.elts;

    for (i = 0; i < pmcf->settings.nelts; i++) {
        if (s[i].name.len == value[1].len
            && ngx_strncmp(s[i].name.data, value[1].data, value[1].len) == 0)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "duplicate app setting \"%V\"", &value[1]);
            return NGX_CONF_ERROR;
        }
    }

    s = ngx_array_push(&pmcf->settings);
    if (s == NULL) {
        return NGX_CONF_ERROR;
    }

    s->name = value[1];
    s->value = value[2];

    return NGX_CONF_OK;
}


static char *
ngx_http_proxies_local_host(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_proxies_main_conf_t *pmcf = conf;

    ngx_str_t   *value, *host;
    ngx_uint_t   i;

    value = cf->args->elts;

    for (i = 1; i < cf->args->nelts; i++) {
        host = ngx_array_push(&pmcf->local_hosts);
        if (host == NULL) {
            return NGX_CONF_ERROR;
        }

        host->len = value[i].len;
        host->data = ngx_pnalloc(cf->pool, host->len);
        if (host->data == NULL) {
            return NGX_CONF_ERROR;
        }

        ngx_strlow(host->data, value[i].data, host->len);
    }

    return NGX_CONF_OK;
}
