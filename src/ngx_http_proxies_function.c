
/*
 * ngx_proxies: the function action.  A proxy whose backend is
 * "function:NAME" (or http://localhost/api/NAME) is answered by a C
 * function loaded with "proxies_functions LIB;", in process, with no
 * network hop.  The public interface is include/ngx_proxies_function.h.
 *
 * A function that may block runs in nginx's thread pool.  The thread
 * sees only the request struct built here, on the event loop, and
 * allocates from a malloc() arena that a pool cleanup frees; the request
 * resumes on the event loop once the thread is done, as nginx's own
 * "aio threads" do.
 */


#include "ngx_http_proxies.h"
#include <ngx_proxies_function.h>
#include <dlfcn.h>


#define NGX_HTTP_PROXIES_ARENA_SIZE  4096


struct ngx_http_proxies_function_s {
    ngx_str_t                        name;
    ngx_str_t                        backend;     /* "function:NAME" */
    ngx_str_t                        library;     /* full path */
    const ngx_proxies_function_t    *fn;
#if (NGX_THREADS)
    ngx_thread_pool_t               *thread_pool;
#endif
    void                            *state;       /* init's, per worker */
    ngx_uint_t                       ready;       /* init succeeded here */
};


typedef struct ngx_http_proxies_chunk_s  ngx_http_proxies_chunk_t;

struct ngx_http_proxies_chunk_s {
    ngx_http_proxies_chunk_t        *next;
    u_char                          *last;
    u_char                          *end;
};


/* a blocking call's memory: malloc(), as the thread may not use r->pool */
typedef struct {
    ngx_http_proxies_chunk_t        *chunks;
    ngx_log_t                       *log;
} ngx_http_proxies_arena_t;


typedef struct {
    ngx_proxies_request_t            req;
    ngx_proxies_response_t           resp;
    ngx_http_request_t              *request;
    ngx_http_proxies_ctx_t          *ctx;
    ngx_http_proxies_function_t     *func;
    int                              rc;
} ngx_http_proxies_call_t;


/* one decoded query parameter */
typedef struct {
    ngx_str_t                        name;
    ngx_str_t                        value;
} ngx_http_proxies_arg_t;


static void *ngx_http_proxies_function_open(ngx_conf_t *cf, ngx_str_t *path);
static ngx_int_t ngx_http_proxies_function_copy(ngx_conf_t *cf,
    ngx_str_t *path, ngx_fd_t fd);
static void ngx_http_proxies_function_close(void *data);
static char *ngx_http_proxies_function_add(ngx_conf_t *cf,
    ngx_http_proxies_main_conf_t *pmcf, ngx_str_t *library,
    const ngx_proxies_function_t *fn, ngx_str_t *thread_pool);
static ngx_int_t ngx_http_proxies_function_name_valid(const char *name);
static void ngx_http_proxies_function_body(ngx_http_request_t *r);
static ngx_int_t ngx_http_proxies_function_call(ngx_http_request_t *r,
    ngx_http_proxies_ctx_t *ctx, ngx_http_proxies_function_t *func);
static ngx_int_t ngx_http_proxies_function_prepare(ngx_http_request_t *r,
    ngx_http_proxies_call_t *call);
static ngx_int_t ngx_http_proxies_function_args(ngx_http_request_t *r,
    ngx_http_proxies_call_t *call);
static ngx_int_t ngx_http_proxies_function_split(ngx_http_request_t *r,
    ngx_str_t *query, ngx_array_t *args);
static size_t ngx_http_proxies_function_unescape(u_char *dst, u_char *src,
    size_t len);
static ngx_int_t ngx_http_proxies_function_headers(ngx_http_request_t *r,
    ngx_http_proxies_call_t *call);
static ngx_int_t ngx_http_proxies_function_request_body(
    ngx_http_request_t *r, ngx_http_proxies_call_t *call);
static ngx_int_t ngx_http_proxies_function_respond(ngx_http_request_t *r,
    ngx_http_proxies_call_t *call);
static ngx_int_t ngx_http_proxies_function_status(ngx_http_request_t *r,
    ngx_http_proxies_call_t *call);
static ngx_int_t ngx_http_proxies_function_header_out(ngx_http_request_t *r,
    ngx_http_proxies_call_t *call, ngx_proxies_pair_t *h);
static ngx_int_t ngx_http_proxies_function_send(ngx_http_request_t *r,
    ngx_http_proxies_call_t *call);
static ngx_int_t ngx_http_proxies_function_invalid(ngx_http_request_t *r,
    ngx_http_proxies_call_t *call, const char *what, ngx_proxies_str_t *s);
static void *ngx_http_proxies_function_palloc(ngx_proxies_request_t *req,
    size_t size);
#if (NGX_THREADS)
static ngx_int_t ngx_http_proxies_function_post(ngx_http_request_t *r,
    ngx_http_proxies_ctx_t *ctx, ngx_http_proxies_function_t *func);
static void ngx_http_proxies_function_thread(void *data, ngx_log_t *log);
static void ngx_http_proxies_function_done(ngx_event_t *ev);
static void ngx_http_proxies_function_wait(ngx_http_request_t *r);
static void *ngx_http_proxies_function_arena_alloc(
    ngx_proxies_request_t *req, size_t size);
static void ngx_http_proxies_function_arena_free(void *data);
#endif


/* response headers that nginx makes itself */
static ngx_str_t  ngx_http_proxies_function_ignored[] = {
    ngx_string("content-length"),
    ngx_string("transfer-encoding"),
    ngx_string("connection"),
    ngx_string("keep-alive"),
    ngx_string("upgrade"),
    ngx_string("trailer"),
    ngx_string("te"),
    ngx_string("proxy-connection"),
    ngx_null_string
};


/* the app settings as functions see them; set per worker process */
static ngx_proxies_pair_t  *ngx_http_proxies_function_settings;
static size_t               ngx_http_proxies_function_nsettings;


/* ------------------------------------------------------------ loading */

/* proxies_functions LIB [thread_pool=NAME]; */

char *
ngx_http_proxies_functions(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_proxies_main_conf_t *pmcf = conf;

    char                           *rv;
    void                           *handle;
    ngx_str_t                      *value, path, pool;
    ngx_uint_t                      i;
    const ngx_proxies_function_t  **list;

    value = cf->args->elts;

    path = value[1];
    ngx_str_set(&pool, "default");

    for (i = 2; i < cf->args->nelts; i++) {
        if (value[i].len > sizeof("thread_pool=") - 1
            && ngx_strncmp(value[i].data, "thread_pool=",
                           sizeof("thread_pool=") - 1)
               == 0)
        {
            pool.data = value[i].data + sizeof("thread_pool=") - 1;
            pool.len = value[i].len - (sizeof("thread_pool=") - 1);
            continue;
        }

        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid parameter \"%V\", expected "
                           "\"thread_pool=NAME\"", &value[i]);
        return NGX_CONF_ERROR;
    }

    if (ngx_conf_full_name(cf->cycle, &path, 1) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    if (pmcf->functions.elts == NULL
        && ngx_array_init(&pmcf->functions, cf->pool, 4,
                          sizeof(ngx_http_proxies_function_t *))
           != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    handle = ngx_http_proxies_function_open(cf, &path);
    if (handle == NULL) {
        return NGX_CONF_ERROR;
    }

    list = dlsym(handle, "ngx_proxies_functions");

    if (list == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\" does not export \"ngx_proxies_functions\","
                           " the NULL-terminated list of its functions",
                           &path);
        return NGX_CONF_ERROR;
    }

    if (list[0] == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\" exports no functions", &path);
        return NGX_CONF_ERROR;
    }

    for (i = 0; list[i]; i++) {
        rv = ngx_http_proxies_function_add(cf, pmcf, &path, list[i], &pool);
        if (rv != NGX_CONF_OK) {
            return rv;
        }
    }

    return NGX_CONF_OK;
}


/*
 * dlopen() of a path that is already loaded returns the loaded object,
 * so a rebuilt library would not be seen on reload: each configuration
 * loads its own copy, under a name used once, and unloads it with the
 * configuration.
 */

static void *
ngx_http_proxies_function_open(ngx_conf_t *cf, ngx_str_t *path)
{
    char                *tmpdir;
    void                *handle;
    u_char              *name;
    ngx_fd_t             fd;
    ngx_int_t            rc;
    ngx_pool_cleanup_t  *cln;

    tmpdir = getenv("TMPDIR");
    if (tmpdir == NULL || tmpdir[0] == '\0') {
        tmpdir = "/tmp";
    }

    name = ngx_pnalloc(cf->temp_pool,
                       ngx_strlen(tmpdir) + sizeof("/ngx_proxies_XXXXXX"));
    if (name == NULL) {
        return NULL;
    }

    (void) ngx_sprintf(name, "%s/ngx_proxies_XXXXXX%Z", tmpdir);

    fd = mkstemp((char *) name);
    if (fd == NGX_INVALID_FILE) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "mkstemp(\"%s\") failed", name);
        return NULL;
    }

    rc = ngx_http_proxies_function_copy(cf, path, fd);

    handle = (rc == NGX_OK) ? dlopen((char *) name, RTLD_NOW|RTLD_LOCAL)
                            : NULL;

    if (rc == NGX_OK && handle == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "cannot load functions from \"%V\": %s",
                           path, dlerror());
    }

    if (ngx_delete_file(name) == NGX_FILE_ERROR) {
        ngx_conf_log_error(NGX_LOG_WARN, cf, ngx_errno,
                           ngx_delete_file_n " \"%s\" failed", name);
    }

    if (ngx_close_file(fd) == NGX_FILE_ERROR) {
        ngx_conf_log_error(NGX_LOG_WARN, cf, ngx_errno,
                           ngx_close_file_n " \"%s\" failed", name);
    }

    if (handle == NULL) {
        return NULL;
    }

    cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        dlclose(handle);
        return NULL;
    }

    cln->handler = ngx_http_proxies_function_close;
    cln->data = handle;

    return handle;
}


static ngx_int_t
ngx_http_proxies_function_copy(ngx_conf_t *cf, ngx_str_t *path, ngx_fd_t fd)
{
    ssize_t   n;
    ngx_fd_t  src;
    u_char    buf[16384];

    src = ngx_open_file(path->data, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);

    if (src == NGX_INVALID_FILE) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           ngx_open_file_n " \"%V\" failed", path);
        return NGX_ERROR;
    }

    for ( ;; ) {
        n = ngx_read_fd(src, buf, sizeof(buf));

        if (n == 0) {
            break;
        }

        if (n < 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                               ngx_read_fd_n " \"%V\" failed", path);
            break;
        }

        if (ngx_write_fd(fd, buf, n) != n) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                               "copying \"%V\" failed", path);
            n = -1;
            break;
        }
    }

    (void) ngx_close_file(src);

    return (n == 0) ? NGX_OK : NGX_ERROR;
}


static void
ngx_http_proxies_function_close(void *data)
{
    (void) dlclose(data);
}


static char *
ngx_http_proxies_function_add(ngx_conf_t *cf,
    ngx_http_proxies_main_conf_t *pmcf, ngx_str_t *library,
    const ngx_proxies_function_t *fn, ngx_str_t *thread_pool)
{
    ngx_str_t                     name;
    ngx_http_proxies_function_t  *func, **f;

    if (fn->version != NGX_PROXIES_FUNCTION_VERSION) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "a function in \"%V\" is built for interface "
                           "version %ui, expected %d: rebuild it with this "
                           "ngx_proxies_function.h", library,
                           (ngx_uint_t) fn->version,
                           NGX_PROXIES_FUNCTION_VERSION);
        return NGX_CONF_ERROR;
    }

    if (fn->name == NULL
        || ngx_http_proxies_function_name_valid(fn->name) != NGX_OK)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "a function in \"%V\" has an invalid name \"%s\","
                           " expected letters, digits, \"_\" and \"-\"",
                           library, fn->name ? fn->name : "");
        return NGX_CONF_ERROR;
    }

    name.len = ngx_strlen(fn->name);
    name.data = (u_char *) fn->name;

    if (fn->handler == NULL
        || (fn->flags & ~NGX_PROXIES_FUNCTION_BLOCKING))
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "function \"%V\" in \"%V\" has %s", &name,
                           library, fn->handler ? "unknown flags"
                                                : "no handler");
        return NGX_CONF_ERROR;
    }

    func = ngx_http_proxies_function_find(pmcf, &name);

    if (func) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "duplicate function \"%V\" in \"%V\", "
                           "already loaded from \"%V\"",
                           &name, library, &func->library);
        return NGX_CONF_ERROR;
    }

    func = ngx_pcalloc(cf->pool, sizeof(ngx_http_proxies_function_t));
    if (func == NULL) {
        return NGX_CONF_ERROR;
    }

    /* copies: the library is unloaded before the configuration's pool */

    func->name.len = name.len;
    func->name.data = ngx_pstrdup(cf->pool, &name);

    func->backend.len = sizeof("function:") - 1 + name.len;
    func->backend.data = ngx_pnalloc(cf->pool, func->backend.len);

    if (func->name.data == NULL || func->backend.data == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_sprintf(func->backend.data, "function:%V", &name);

    func->library = *library;
    func->fn = fn;

    if (fn->flags & NGX_PROXIES_FUNCTION_BLOCKING) {
#if (NGX_THREADS)
        func->thread_pool = ngx_thread_pool_add(cf, thread_pool);
        if (func->thread_pool == NULL) {
            return NGX_CONF_ERROR;
        }
#else
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "function \"%V\" may block, which needs nginx "
                           "built with threads", &name);
        return NGX_CONF_ERROR;
#endif
    }

    f = ngx_array_push(&pmcf->functions);
    if (f == NULL) {
        return NGX_CONF_ERROR;
    }

    *f = func;

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_proxies_function_name_valid(const char *name)
{
    const char  *p;

    if (*name == '\0' || ngx_strlen(name) > 255) {
        return NGX_DECLINED;
    }

    for (p = name; *p; p++) {
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')
              || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
        {
            return NGX_DECLINED;
        }
    }

    return NGX_OK;
}


/* function names are case-insensitive, as Azure's are */

ngx_http_proxies_function_t *
ngx_http_proxies_function_find(ngx_http_proxies_main_conf_t *pmcf,
    ngx_str_t *name)
{
    ngx_uint_t                     i;
    ngx_http_proxies_function_t  **f;

    f = pmcf->functions.elts;

    for (i = 0; i < pmcf->functions.nelts; i++) {
        if (f[i]->name.len == name->len
            && ngx_strncasecmp(f[i]->name.data, name->data, name->len) == 0)
        {
            return f[i];
        }
    }

    return NULL;
}


/*
 * Azure's local shortcut: http://localhost/api/NAME calls the function
 * NAME of the same app, and functions are tried before proxies there.
 */

ngx_http_proxies_function_t *
ngx_http_proxies_function_local(ngx_http_proxies_main_conf_t *pmcf,
    ngx_http_proxies_uri_t *uri)
{
    ngx_str_t  path, name;

    if (!uri->localhost || !uri->path.is_literal) {
        return NULL;
    }

    path = uri->path.literal;

    if (path.len <= sizeof("/api/") - 1
        || ngx_strncasecmp(path.data, (u_char *) "/api/",
                           sizeof("/api/") - 1)
           != 0)
    {
        return NULL;
    }

    name.data = path.data + sizeof("/api/") - 1;
    name.len = path.len - (sizeof("/api/") - 1);

    if (ngx_strlchr(name.data, name.data + name.len, '/') != NULL) {
        return NULL;
    }

    return ngx_http_proxies_function_find(pmcf, &name);
}


/* ------------------------------------------------------ worker hooks */

ngx_int_t
ngx_http_proxies_function_init_process(ngx_cycle_t *cycle)
{
    size_t                          n;
    ngx_uint_t                      i;
    ngx_proxies_worker_t            worker;
    ngx_proxies_pair_t             *pairs;
    ngx_http_proxies_setting_t     *s;
    ngx_http_proxies_function_t   **f;
    ngx_http_proxies_main_conf_t   *pmcf;

    if (ngx_process != NGX_PROCESS_WORKER
        && ngx_process != NGX_PROCESS_SINGLE)
    {
        return NGX_OK;
    }

    pmcf = ngx_http_cycle_get_module_main_conf(cycle, ngx_http_proxies_module);

    if (pmcf == NULL || pmcf->functions.nelts == 0) {
        return NGX_OK;
    }

    n = pmcf->settings.nelts;
    s = pmcf->settings.elts;

    pairs = ngx_palloc(cycle->pool, (n + 1) * sizeof(ngx_proxies_pair_t));
    if (pairs == NULL) {
        return NGX_ERROR;
    }

    for (i = 0; i < n; i++) {
        pairs[i].name.data = (const char *) s[i].name.data;
        pairs[i].name.len = s[i].name.len;
        pairs[i].value.data = (const char *) s[i].value.data;
        pairs[i].value.len = s[i].value.len;
    }

    ngx_http_proxies_function_settings = pairs;
    ngx_http_proxies_function_nsettings = n;

    worker.settings = pairs;
    worker.nsettings = n;
    worker.worker = ngx_worker;

    f = pmcf->functions.elts;

    for (i = 0; i < pmcf->functions.nelts; i++) {
        f[i]->state = NULL;

        if (f[i]->fn->init
            && f[i]->fn->init(&worker, &f[i]->state) != NGX_PROXIES_OK)
        {
            /* the worker serves on; this function answers 500 */
            ngx_log_error(NGX_LOG_ERR, cycle->log, 0,
                          "proxies: function \"%V\" from \"%V\": init "
                          "failed in worker %ui", &f[i]->name,
                          &f[i]->library, ngx_worker);
            continue;
        }

        f[i]->ready = 1;
    }

    return NGX_OK;
}


void
ngx_http_proxies_function_exit_process(ngx_cycle_t *cycle)
{
    ngx_uint_t                      i;
    ngx_http_proxies_function_t   **f;
    ngx_http_proxies_main_conf_t   *pmcf;

    pmcf = ngx_http_cycle_get_module_main_conf(cycle, ngx_http_proxies_module);

    if (pmcf == NULL) {
        return;
    }

    f = pmcf->functions.elts;

    for (i = 0; i < pmcf->functions.nelts; i++) {
        if (f[i]->ready && f[i]->fn->exit) {
            f[i]->fn->exit(f[i]->state);
        }

        f[i]->ready = 0;
    }
}


/* ------------------------------------------------------------- action */

ngx_int_t
ngx_http_proxies_function_action(ngx_http_request_t *r,
    ngx_http_proxies_ctx_t *ctx)
{
    ngx_int_t                     rc;
    ngx_http_proxies_function_t  *func;

    func = ctx->action->data;

    ctx->backend_url = func->backend;

    ngx_http_proxies_trace(r, ctx, "call-function", &func->backend);

    if (!func->ready) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "proxies: proxy \"%V\": function \"%V\" is not "
                      "available, its init failed",
                      &ctx->match.proxy->name, &func->name);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rc = ngx_http_proxies_request_apply(r, ctx);
    if (rc != NGX_OK) {
        return rc;
    }

    /* the function gets the body in one piece; 413 comes before it runs */
    r->request_body_in_single_buf = 1;

    rc = ngx_http_read_client_request_body(r, ngx_http_proxies_function_body);

    if (rc >= NGX_HTTP_SPECIAL_RESPONSE) {
        return rc;
    }

    return NGX_DONE;
}


static void
ngx_http_proxies_function_body(ngx_http_request_t *r)
{
    ngx_int_t                     rc;
    ngx_http_proxies_ctx_t       *ctx;
    ngx_http_proxies_function_t  *func;

    ctx = ngx_http_proxies_get_ctx(r);
    func = ctx->action->data;

#if (NGX_THREADS)
    if (func->thread_pool) {
        rc = ngx_http_proxies_function_post(r, ctx, func);

        if (rc != NGX_OK) {
            ngx_http_finalize_request(r, rc);
        }

        return;
    }
#endif

    rc = ngx_http_proxies_function_call(r, ctx, func);

    ngx_http_finalize_request(r, rc);
}


/* a function that does not block runs right here, with r->pool memory */

static ngx_int_t
ngx_http_proxies_function_call(ngx_http_request_t *r,
    ngx_http_proxies_ctx_t *ctx, ngx_http_proxies_function_t *func)
{
    ngx_int_t                rc;
    ngx_http_proxies_call_t  call;

    call.request = r;
    call.ctx = ctx;
    call.func = func;

    call.req.alloc = ngx_http_proxies_function_palloc;
    call.req.internal = r->pool;

    rc = ngx_http_proxies_function_prepare(r, &call);
    if (rc != NGX_OK) {
        return rc;
    }

    call.rc = func->fn->handler(&call.req, &call.resp);

    return ngx_http_proxies_function_respond(r, &call);
}


static void *
ngx_http_proxies_function_palloc(ngx_proxies_request_t *req, size_t size)
{
    return ngx_palloc(req->internal, size);
}


/* the request as the function sees it, after requestOverrides */

static ngx_int_t
ngx_http_proxies_function_prepare(ngx_http_request_t *r,
    ngx_http_proxies_call_t *call)
{
    ngx_int_t                    rc;
    ngx_uint_t                   i;
    ngx_proxies_pair_t          *params;
    ngx_proxies_request_t       *req;
    ngx_http_proxies_proxy_t    *proxy;
    ngx_http_proxies_capture_t  *cap;

    req = &call->req;
    proxy = call->ctx->match.proxy;

    req->method.data = (const char *) call->ctx->backend_method.data;
    req->method.len = call->ctx->backend_method.len;
    req->path.data = (const char *) r->uri.data;
    req->path.len = r->uri.len;
    req->settings = ngx_http_proxies_function_settings;
    req->nsettings = ngx_http_proxies_function_nsettings;
    req->function.data = (const char *) call->func->name.data;
    req->function.len = call->func->name.len;
    req->proxy.data = (const char *) proxy->name.data;
    req->proxy.len = proxy->name.len;
    req->state = call->func->state;

    req->params = NULL;
    req->nparams = proxy->route.nparams;

    if (req->nparams) {
        params = ngx_palloc(r->pool,
                            req->nparams * sizeof(ngx_proxies_pair_t));
        if (params == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        cap = call->ctx->match.captures;

        for (i = 0; i < req->nparams; i++) {
            params[i].name.data = (const char *) proxy->route.params[i].data;
            params[i].name.len = proxy->route.params[i].len;
            params[i].value.data = (const char *) cap[i].value.data;
            params[i].value.len = cap[i].value.len;
        }

        req->params = params;
    }

    rc = ngx_http_proxies_function_args(r, call);
    if (rc != NGX_OK) {
        return rc;
    }

    rc = ngx_http_proxies_function_headers(r, call);
    if (rc != NGX_OK) {
        return rc;
    }

    rc = ngx_http_proxies_function_request_body(r, call);
    if (rc != NGX_OK) {
        return rc;
    }

    ngx_memzero(&call->resp, sizeof(ngx_proxies_response_t));
    call->resp.status = NGX_HTTP_OK;

    return NGX_OK;
}


/*
 * The query a backend would get (8.2 of the spec): the backendUri query
 * of the localhost form, the client's raw query, then the querystring
 * overrides, each replacing the first parameter of its name in place.
 */

static ngx_int_t
ngx_http_proxies_function_args(ngx_http_request_t *r,
    ngx_http_proxies_call_t *call)
{
    u_char                    *p;
    ngx_str_t                  query;
    ngx_uint_t                 i, n;
    ngx_array_t                args;
    ngx_proxies_pair_t        *pairs;
    ngx_http_proxies_arg_t    *a;
    ngx_http_proxies_proxy_t  *proxy;

    proxy = call->ctx->match.proxy;

    if (ngx_http_proxies_query_build(&call->ctx->eval, proxy->backend, proxy,
                                     &query)
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    call->req.query.data = (const char *) query.data;
    call->req.query.len = query.len;
    call->req.args = NULL;
    call->req.nargs = 0;

    if (query.len == 0) {
        return NGX_OK;
    }

    n = 1;

    for (p = query.data; p < query.data + query.len; p++) {
        n += (*p == '&');
    }

    if (ngx_array_init(&args, r->pool, n, sizeof(ngx_http_proxies_arg_t))
        != NGX_OK
        || ngx_http_proxies_function_split(r, &query, &args) != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    pairs = ngx_palloc(r->pool, (args.nelts + 1) * sizeof(ngx_proxies_pair_t));
    if (pairs == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    a = args.elts;

    for (i = 0; i < args.nelts; i++) {
        pairs[i].name.data = (const char *) a[i].name.data;
        pairs[i].name.len = a[i].name.len;
        pairs[i].value.data = (const char *) a[i].value.data;
        pairs[i].value.len = a[i].value.len;
    }

    call->req.args = pairs;
    call->req.nargs = args.nelts;

    return NGX_OK;
}


static ngx_int_t
ngx_http_proxies_function_split(ngx_http_request_t *r, ngx_str_t *query,
    ngx_array_t *args)
{
    u_char                  *p, *last, *start, *eq, *buf;
    ngx_http_proxies_arg_t  *a;

    buf = NULL;
    last = query->data + query->len;

    /* decoded names and values point into the query unless they differ */

    for (p = query->data; p < last; p++) {
        if (*p == '%' || *p == '+') {
            buf = ngx_pnalloc(r->pool, query->len);
            if (buf == NULL) {
                return NGX_ERROR;
            }

            break;
        }
    }

    for (p = query->data; p < last; p++) {
        start = p;

        while (p < last && *p != '&') {
            p++;
        }

        if (p == start) {
            continue;
        }

        a = ngx_array_push(args);
        if (a == NULL) {
            return NGX_ERROR;
        }

        eq = ngx_strlchr(start, p, '=');

        a->name.data = start;
        a->name.len = (eq ? eq : p) - start;
        a->value.data = eq ? eq + 1 : p;
        a->value.len = eq ? p - eq - 1 : 0;

        if (buf == NULL) {
            continue;
        }

        a->name.len = ngx_http_proxies_function_unescape(buf, a->name.data,
                                                         a->name.len);
        a->name.data = buf;
        buf += a->name.len;

        a->value.len = ngx_http_proxies_function_unescape(buf, a->value.data,
                                                          a->value.len);
        a->value.data = buf;
        buf += a->value.len;
    }

    return NGX_OK;
}


/* form-style decoding, as ASP.NET reads a query: "+" is a space */

static size_t
ngx_http_proxies_function_unescape(u_char *dst, u_char *src, size_t len)
{
    u_char     c, *d, *last;
    ngx_int_t  hi, lo;

    d = dst;

    for (last = src + len; src < last; src++) {
        c = *src;

        if (c == '+') {
            c = ' ';

        } else if (c == '%' && last - src > 2) {
            hi = ngx_hextoi(src + 1, 1);
            lo = ngx_hextoi(src + 2, 1);

            if (hi != NGX_ERROR && lo != NGX_ERROR) {
                c = (u_char) (hi * 16 + lo);
                src += 2;
            }
        }

        *d++ = c;
    }

    return d - dst;
}


static ngx_int_t
ngx_http_proxies_function_headers(ngx_http_request_t *r,
    ngx_http_proxies_call_t *call)
{
    ngx_uint_t           i, n;
    ngx_list_part_t     *part;
    ngx_table_elt_t     *h;
    ngx_proxies_pair_t  *pairs;

    n = 0;

    for (part = &r->headers_in.headers.part; part; part = part->next) {
        n += part->nelts;
    }

    pairs = ngx_palloc(r->pool, (n + 1) * sizeof(ngx_proxies_pair_t));
    if (pairs == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    n = 0;

    for (part = &r->headers_in.headers.part; part; part = part->next) {
        h = part->elts;

        for (i = 0; i < part->nelts; i++) {
            pairs[n].name.data = (const char *) h[i].key.data;
            pairs[n].name.len = h[i].key.len;
            pairs[n].value.data = (const char *) h[i].value.data;
            pairs[n].value.len = h[i].value.len;
            n++;
        }
    }

    call->req.headers = pairs;
    call->req.nheaders = n;

    return NGX_OK;
}


/*
 * The body is in one buffer (request_body_in_single_buf), or in a temp
 * file when it was larger than client_body_buffer_size: then it is read
 * back, once, here on the event loop.
 */

static ngx_int_t
ngx_http_proxies_function_request_body(ngx_http_request_t *r,
    ngx_http_proxies_call_t *call)
{
    u_char       *p;
    size_t        len;
    ssize_t       n;
    ngx_buf_t    *b;
    ngx_chain_t  *cl;

    call->req.body.data = "";
    call->req.body.len = 0;

    if (r->request_body == NULL || r->request_body->bufs == NULL) {
        return NGX_OK;
    }

    cl = r->request_body->bufs;

    if (cl->next == NULL && !cl->buf->in_file) {
        call->req.body.data = (const char *) cl->buf->pos;
        call->req.body.len = cl->buf->last - cl->buf->pos;
        return NGX_OK;
    }

    len = 0;

    for ( /* void */ ; cl; cl = cl->next) {
        b = cl->buf;
        len += b->in_file ? (size_t) (b->file_last - b->file_pos)
                          : (size_t) (b->last - b->pos);
    }

    p = ngx_pnalloc(r->pool, len);
    if (p == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    call->req.body.data = (const char *) p;
    call->req.body.len = len;

    for (cl = r->request_body->bufs; cl; cl = cl->next) {
        b = cl->buf;

        if (!b->in_file) {
            p = ngx_cpymem(p, b->pos, b->last - b->pos);
            continue;
        }

        n = ngx_read_file(b->file, p, b->file_last - b->file_pos,
                          b->file_pos);

        if (n != b->file_last - b->file_pos) {
            ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                          "proxies: proxy \"%V\": reading the request body "
                          "of function \"%V\" back failed",
                          &call->ctx->match.proxy->name, &call->func->name);
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        p += n;
    }

    return NGX_OK;
}


/* ----------------------------------------------------------- response */

static ngx_int_t
ngx_http_proxies_function_respond(ngx_http_request_t *r,
    ngx_http_proxies_call_t *call)
{
    size_t                  i;
    ngx_int_t               rc;
    ngx_proxies_response_t  *resp;

    resp = &call->resp;

    if (call->rc != NGX_PROXIES_OK) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "proxies: proxy \"%V\": function \"%V\" failed: %s",
                      &call->ctx->match.proxy->name, &call->func->name,
                      resp->error ? resp->error : "no reason given");
        return NGX_HTTP_BAD_GATEWAY;
    }

    rc = ngx_http_proxies_function_status(r, call);
    if (rc != NGX_OK) {
        return rc;
    }

    for (i = 0; i < resp->nheaders; i++) {
        rc = ngx_http_proxies_function_header_out(r, call, &resp->headers[i]);
        if (rc != NGX_OK) {
            return rc;
        }
    }

    if (resp->body.len && resp->body.data == NULL) {
        return ngx_http_proxies_function_invalid(r, call, "a body length "
                                                 "without data", NULL);
    }

    return ngx_http_proxies_function_send(r, call);
}


static ngx_int_t
ngx_http_proxies_function_status(ngx_http_request_t *r,
    ngx_http_proxies_call_t *call)
{
    u_char                  *p;
    size_t                   i;
    ngx_proxies_response_t  *resp;

    resp = &call->resp;

    /* a 1xx is never a final response */

    if (resp->status < 200 || resp->status > 599) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "proxies: proxy \"%V\": function \"%V\" returned an "
                      "invalid response: status %d, expected 200 to 599",
                      &call->ctx->match.proxy->name, &call->func->name,
                      resp->status);
        return NGX_HTTP_BAD_GATEWAY;
    }

    r->headers_out.status = resp->status;

    if (resp->reason.len == 0) {
        return NGX_OK;
    }

    if (resp->reason.data == NULL) {
        return ngx_http_proxies_function_invalid(r, call, "a reason phrase "
                                                 "length without data", NULL);
    }

    for (i = 0; i < resp->reason.len; i++) {
        if (resp->reason.data[i] == CR || resp->reason.data[i] == LF
            || resp->reason.data[i] == '\0')
        {
            return ngx_http_proxies_function_invalid(r, call, "CR, LF or NUL "
                                                     "in the reason phrase",
                                                     NULL);
        }
    }

    p = ngx_pnalloc(r->pool, NGX_INT_T_LEN + 1 + resp->reason.len);
    if (p == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    r->headers_out.status_line.data = p;
    r->headers_out.status_line.len = ngx_sprintf(p, "%d %*s", resp->status,
                                                 resp->reason.len,
                                                 resp->reason.data)
                                     - p;

    return NGX_OK;
}


static ngx_int_t
ngx_http_proxies_function_header_out(ngx_http_request_t *r,
    ngx_http_proxies_call_t *call, ngx_proxies_pair_t *ph)
{
    u_char           *low, c;
    size_t            i;
    ngx_str_t         name, *ign;
    ngx_table_elt_t  *h;

    name.data = (u_char *) ph->name.data;
    name.len = ph->name.len;

    if (name.len == 0 || name.data == NULL
        || ngx_http_proxies_is_token(&name) != NGX_OK)
    {
        return ngx_http_proxies_function_invalid(r, call, "a header name "
                                                 "that is not a token",
                                                 &ph->name);
    }

    if (ph->value.len && ph->value.data == NULL) {
        return ngx_http_proxies_function_invalid(r, call, "a value length "
                                                 "without data in header",
                                                 &ph->name);
    }

    for (i = 0; i < ph->value.len; i++) {
        c = ph->value.data[i];

        if (c == CR || c == LF || c == '\0') {
            return ngx_http_proxies_function_invalid(r, call, "CR, LF or NUL "
                                                     "in header", &ph->name);
        }
    }

    low = ngx_pnalloc(r->pool, name.len);
    if (low == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_strlow(low, name.data, name.len);

    for (ign = ngx_http_proxies_function_ignored; ign->len; ign++) {
        if (ign->len == name.len && ngx_strncmp(ign->data, low, name.len) == 0)
        {
            return NGX_OK;
        }
    }

    if (name.len == sizeof("content-type") - 1
        && ngx_strncmp(low, "content-type", name.len) == 0)
    {
        r->headers_out.content_type.data = (u_char *) ph->value.data;
        r->headers_out.content_type.len = ph->value.len;
        r->headers_out.content_type_lowcase = NULL;

        /* the type without parameters, for gzip_types and the like */

        for (i = 0; i < ph->value.len && ph->value.data[i] != ';'; i++) {
            /* void */
        }

        while (i && ph->value.data[i - 1] == ' ') {
            i--;
        }

        r->headers_out.content_type_len = i;

        return NGX_OK;
    }

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    h->hash = ngx_hash_key(low, name.len);
    h->key = name;
    h->value.data = (u_char *) ph->value.data;
    h->value.len = ph->value.len;
    h->lowcase_key = low;

    /*
     * r->headers_out.location is not set, as the proxy module does not:
     * a relative Location is sent as the function wrote it
     */

    return NGX_OK;
}


static ngx_int_t
ngx_http_proxies_function_invalid(ngx_http_request_t *r,
    ngx_http_proxies_call_t *call, const char *what, ngx_proxies_str_t *s)
{
    ngx_str_t  text;

    /* a name that is not a token may hold anything: shown up to 64 bytes */

    text.data = (u_char *) (s && s->data ? s->data : "");
    text.len = s && s->data ? ngx_min(s->len, 64) : 0;

    ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                  "proxies: proxy \"%V\": function \"%V\" returned an "
                  "invalid response: %s%s%V%s",
                  &call->ctx->match.proxy->name, &call->func->name,
                  what, s ? " \"" : "", &text, s ? "\"" : "");

    return NGX_HTTP_BAD_GATEWAY;
}


static ngx_int_t
ngx_http_proxies_function_send(ngx_http_request_t *r,
    ngx_http_proxies_call_t *call)
{
    ngx_str_t  body;

    /* responseOverrides apply to what the function returned */

    if (ngx_http_proxies_push_pending(r, call->ctx) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    body.data = (u_char *) call->resp.body.data;
    body.len = call->resp.body.len;

    return ngx_http_proxies_send(r, &body);
}


/* ------------------------------------------------------------ threads */

#if (NGX_THREADS)

static ngx_int_t
ngx_http_proxies_function_post(ngx_http_request_t *r,
    ngx_http_proxies_ctx_t *ctx, ngx_http_proxies_function_t *func)
{
    ngx_int_t                  rc;
    ngx_thread_task_t         *task;
    ngx_pool_cleanup_t        *cln;
    ngx_http_proxies_call_t   *call;
    ngx_http_proxies_arena_t  *arena;

    task = ngx_thread_task_alloc(r->pool, sizeof(ngx_http_proxies_call_t));
    if (task == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    cln = ngx_pool_cleanup_add(r->pool, sizeof(ngx_http_proxies_arena_t));
    if (cln == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    arena = cln->data;
    arena->chunks = NULL;
    arena->log = ngx_cycle->log;

    cln->handler = ngx_http_proxies_function_arena_free;

    call = task->ctx;
    call->request = r;
    call->ctx = ctx;
    call->func = func;
    call->req.alloc = ngx_http_proxies_function_arena_alloc;
    call->req.internal = arena;

    rc = ngx_http_proxies_function_prepare(r, call);
    if (rc != NGX_OK) {
        return rc;
    }

    task->handler = ngx_http_proxies_function_thread;
    task->event.data = call;
    task->event.handler = ngx_http_proxies_function_done;

    if (ngx_thread_task_post(func->thread_pool, task) != NGX_OK) {
        return NGX_HTTP_SERVICE_UNAVAILABLE;
    }

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "proxies: function \"%V\" posted, task #%ui",
                   &func->name, task->id);

    r->main->blocked++;
    r->aio = 1;
    r->write_event_handler = ngx_http_proxies_function_wait;

    return NGX_OK;
}


/* runs in a thread: r, r->pool and the connection are off limits */

static void
ngx_http_proxies_function_thread(void *data, ngx_log_t *log)
{
    ngx_http_proxies_call_t  *call = data;

    call->rc = call->func->fn->handler(&call->req, &call->resp);
}


static void
ngx_http_proxies_function_done(ngx_event_t *ev)
{
    ngx_int_t                 rc;
    ngx_connection_t         *c;
    ngx_http_request_t       *r;
    ngx_http_proxies_call_t  *call;

    call = ev->data;
    r = call->request;
    c = r->connection;

    ngx_http_set_log_request(c->log, r);

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, c->log, 0,
                   "proxies: function \"%V\" done", &call->func->name);

    r->main->blocked--;
    r->aio = 0;

    if (r->write_event_handler == ngx_http_proxies_function_wait) {
        r->write_event_handler = ngx_http_request_empty_handler;
        rc = ngx_http_proxies_function_respond(r, call);
        ngx_http_finalize_request(r, rc);

    } else {
        /* the request was terminated while the function ran */
        r->write_event_handler(r);
    }

    ngx_http_run_posted_requests(c);
}


/* write events while the function runs have nothing to do */

static void
ngx_http_proxies_function_wait(ngx_http_request_t *r)
{
    ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "proxies: function still running");
}


static void *
ngx_http_proxies_function_arena_alloc(ngx_proxies_request_t *req,
    size_t size)
{
    u_char                    *p;
    size_t                     n;
    ngx_http_proxies_chunk_t  *chunk;
    ngx_http_proxies_arena_t  *arena;

    if (size > NGX_MAX_SIZE_T_VALUE / 2) {
        return NULL;
    }

    arena = req->internal;
    size = ngx_align(size, 16);
    chunk = arena->chunks;

    if (chunk && (size_t) (chunk->end - chunk->last) >= size) {
        p = chunk->last;
        chunk->last += size;
        return p;
    }

    n = ngx_max(size, NGX_HTTP_PROXIES_ARENA_SIZE)
        + ngx_align(sizeof(ngx_http_proxies_chunk_t), 16);

    chunk = ngx_alloc(n, arena->log);
    if (chunk == NULL) {
        return NULL;
    }

    p = (u_char *) chunk + ngx_align(sizeof(ngx_http_proxies_chunk_t), 16);
    chunk->last = p + size;
    chunk->end = (u_char *) chunk + n;

    /* the chunk with more room left stays in front */

    if (arena->chunks
        && arena->chunks->end - arena->chunks->last
           > chunk->end - chunk->last)
    {
        chunk->next = arena->chunks->next;
        arena->chunks->next = chunk;

    } else {
        chunk->next = arena->chunks;
        arena->chunks = chunk;
    }

    return p;
}


static void
ngx_http_proxies_function_arena_free(void *data)
{
    ngx_http_proxies_arena_t  *arena = data;

    ngx_http_proxies_chunk_t  *chunk, *next;

    for (chunk = arena->chunks; chunk; chunk = next) {
        next = chunk->next;
        ngx_free(chunk);
    }

    arena->chunks = NULL;
}

#endif
