
/*
 * ngx_proxies unit tests and fuzz targets: what they share.
 *
 * The pure pieces of the module (the route parser, the value template
 * compiler, the route table and matcher, the breaker state machine) are
 * compiled as they are and linked against ngx_unit_core.c, a small
 * stand-in for the parts of nginx's core they call: Debian ships nginx's
 * headers only, not its sources.  Every pool allocation is a malloc() of
 * its own, so AddressSanitizer sees an overrun of any one of them.
 */

#ifndef _NGX_UNIT_H_INCLUDED_
#define _NGX_UNIT_H_INCLUDED_


#include "ngx_http_proxies.h"
#include "ngx_http_proxies_ext.h"


#define NGX_UNIT_MSG_LEN                 1024
#define NGX_UNIT_MAX_PROXIES             64


/* ----------------------------------------------------- core stand-ins */

/* ngx_palloc() and friends fail once this many calls more succeeded;
   -1: never */
extern ngx_int_t    ngx_unit_alloc_fail;

/* what ngx_http_proxies_now() reads, through ngx_timeofday() */
void ngx_unit_set_time(uint64_t ms);


/* -------------------------------------------------- module stand-ins */

/* the last error and warning of cc_error() and cc_warn(), and counts */
extern u_char       ngx_unit_error[NGX_UNIT_MSG_LEN];
extern u_char       ngx_unit_warning[NGX_UNIT_MSG_LEN];
extern ngx_uint_t   ngx_unit_nerrors;
extern ngx_uint_t   ngx_unit_nwarnings;

/* what ngx_http_proxies_get_ctx() answers */
extern ngx_http_proxies_ctx_t  *ngx_unit_ctx;


/* ------------------------------------------------------- environment */

/*
 * One compile, as compile.c would run it: the pools, the compile context
 * and a route table of up to NGX_UNIT_MAX_PROXIES proxies.
 */
typedef struct {
    ngx_log_t                     log;
    ngx_pool_t                   *pool;
    ngx_pool_t                   *temp_pool;
    ngx_conf_t                    cf;
    ngx_http_proxies_main_conf_t  pmcf;
    ngx_http_proxies_cc_t         cc;
    ngx_http_proxies_model_t      model;      /* what cc->proxy points to */
    ngx_http_proxies_table_t      table;
    ngx_connection_t              connection;
    ngx_http_request_t            request;
} ngx_unit_env_t;


ngx_unit_env_t *ngx_unit_env_create(void);
void ngx_unit_env_destroy(ngx_unit_env_t *env);
/* NAME=VALUE, as proxies_app_setting would add it */
ngx_int_t ngx_unit_setting(ngx_unit_env_t *env, char *name, char *value);
ngx_int_t ngx_unit_route(ngx_unit_env_t *env, char *text,
    ngx_http_proxies_route_t *route);
/* methods: "GET,POST" or NULL for all; NGX_ERROR when the route is
   refused or the table is full */
ngx_int_t ngx_unit_proxy(ngx_unit_env_t *env, u_char *route, size_t len,
    char *methods);
ngx_int_t ngx_unit_add(ngx_unit_env_t *env, char *route, char *methods);
ngx_int_t ngx_unit_build(ngx_unit_env_t *env);
/* the request's method and raw path; NGX_OK, NGX_DECLINED, 400 */
ngx_int_t ngx_unit_match(ngx_unit_env_t *env, char *method, u_char *path,
    size_t len, ngx_http_proxies_match_t *m);
/* the capture of the route parameter called name, or NULL */
ngx_http_proxies_capture_t *ngx_unit_capture(ngx_http_proxies_match_t *m,
    char *name);
ngx_uint_t ngx_unit_method_mask(u_char *name, size_t len);
void ngx_unit_upper(u_char *p, size_t len);
/* the same bytes; either may be an empty string without data */
ngx_uint_t ngx_unit_eq(ngx_str_t *a, ngx_str_t *b);


/* ----------------------------------------------------------- breakers */

/* one breaker, compiled by breaker.c from a model, its state bound */
typedef struct {
    ngx_unit_env_t                     *env;
    ngx_http_proxies_breaker_model_t    bm;       /* as model.c leaves it:
                                                     nothing given */
    ngx_http_proxies_proxy_t            proxy;
    ngx_http_proxies_cb_t              *cb;
    ngx_http_proxies_breaker_state_t    state;
    ngx_http_proxies_zone_t             zone;
    ngx_slab_pool_t                     shpool;
} ngx_unit_cb_t;


/* one request through a breaker: admitted, then its outcome logged */
typedef struct {
    ngx_http_request_t                  r;
    ngx_connection_t                    c;
    ngx_http_proxies_ctx_t              ctx;
    ngx_array_t                         states;
    ngx_http_upstream_state_t           us;
} ngx_unit_cb_req_t;


#define NGX_UNIT_CB_STATUS               0    /* the final status only */
#define NGX_UNIT_CB_ANSWERED             1    /* the backend answered */
#define NGX_UNIT_CB_NO_HEADER            2    /* it did not */


ngx_unit_cb_t *ngx_unit_cb_create(void);
/* compiles bm (change it first), binds a fresh state */
ngx_int_t ngx_unit_cb_compile(ngx_unit_cb_t *b);
void ngx_unit_cb_destroy(ngx_unit_cb_t *b);
/* NGX_OK: to the backend (rq->ctx.probe: as a probe); NGX_DECLINED: to
   the fallback */
ngx_int_t ngx_unit_cb_admit(ngx_unit_cb_t *b, ngx_unit_cb_req_t *rq,
    uint64_t now);
/* the log phase: status as the upstream module or the action left it */
void ngx_unit_cb_finish(ngx_unit_cb_t *b, ngx_unit_cb_req_t *rq,
    uint64_t now, ngx_uint_t status, ngx_uint_t upstream);
/* 1 a failure, 0 a success, -1 neither; for finish()'s arguments */
ngx_int_t ngx_unit_cb_failed(ngx_unit_cb_t *b, ngx_uint_t status,
    ngx_uint_t upstream, ngx_uint_t client_error);
void ngx_unit_cb_force(ngx_unit_cb_t *b, ngx_uint_t force, uint64_t now);
ngx_int_t ngx_unit_cb_retry_after(ngx_unit_cb_t *b, uint64_t now,
    ngx_str_t *value);
/* the invariants of the state, or NULL when they hold */
char *ngx_unit_cb_check(ngx_unit_cb_t *b);


/* --------------------------------------------------------------- TAP */

/* each check prints "ok N - name" or "not ok N - name" */
ngx_int_t ngx_unit_ok(ngx_int_t cond, const char *fmt, ...);
ngx_int_t ngx_unit_is(ngx_str_t *got, char *expected, const char *fmt, ...);
ngx_int_t ngx_unit_is_int(ngx_int_t got, ngx_int_t expected,
    const char *fmt, ...);
void ngx_unit_diag(const char *fmt, ...);


/* the suites */
void ngx_unit_route_suite(void);
void ngx_unit_template_suite(void);
void ngx_unit_match_suite(void);
void ngx_unit_breaker_suite(void);
void ngx_unit_uri_suite(void);


#endif /* _NGX_UNIT_H_INCLUDED_ */
