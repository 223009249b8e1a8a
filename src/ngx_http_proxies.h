
/*
 * ngx_proxies: common types.
 *
 * Data moves in one line:
 *   proxies.json -> load (jansson) -> model (validated strings)
 *     -> compile (routes, templates, actions) -> table (trie)
 *     -> match per request -> action -> response overrides -> log.
 *
 * Everything below "compiled" lives in cf->pool and is never written at
 * request time.
 */

#ifndef _NGX_HTTP_PROXIES_H_INCLUDED_
#define _NGX_HTTP_PROXIES_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>


#define NGX_HTTP_PROXIES_MAX_HOPS        10
#define NGX_HTTP_PROXIES_MAX_SEGMENTS    64


/* escaping applied when a value is substituted into its destination */
#define NGX_HTTP_PROXIES_ESC_RAW         0    /* bodies: as is */
#define NGX_HTTP_PROXIES_ESC_HEADER      1    /* CR, LF and NUL removed */
#define NGX_HTTP_PROXIES_ESC_PATH        2    /* a path segment (pchar) */
#define NGX_HTTP_PROXIES_ESC_QUERY       3    /* a query component */
#define NGX_HTTP_PROXIES_ESC_JSON        4    /* inside a JSON string */


/* where a template is used: decides which variables make sense there */
#define NGX_HTTP_PROXIES_CTX_REQUEST     0    /* backendUri, requestOverrides */
#define NGX_HTTP_PROXIES_CTX_RESPONSE    1    /* responseOverrides */


/* ---------------------------------------------------------------- model */

/*
 * The model is proxies.json after validation: every type and key checked,
 * strings JSON-decoded, nothing compiled yet.  Built by model.c.
 */

typedef enum {
    NGX_HTTP_PROXIES_OVR_METHOD = 1,      /* backend.request.method */
    NGX_HTTP_PROXIES_OVR_REQ_HEADER,      /* backend.request.headers.X */
    NGX_HTTP_PROXIES_OVR_REQ_QUERY,       /* backend.request.querystring.X */
    NGX_HTTP_PROXIES_OVR_STATUS,          /* response.statusCode */
    NGX_HTTP_PROXIES_OVR_REASON,          /* response.statusReason */
    NGX_HTTP_PROXIES_OVR_RESP_HEADER,     /* response.headers.X */
    NGX_HTTP_PROXIES_OVR_BODY             /* response.body */
} ngx_http_proxies_ovr_kind_e;


/*
 * A JSON body (object or array) is kept as serialized pieces: compact JSON
 * text, and the decoded contents of string values, which are templated and
 * JSON-escaped at request time.
 */
typedef struct {
    ngx_str_t                     text;
    unsigned                      string:1;   /* a string value's contents */
} ngx_http_proxies_json_piece_t;


typedef struct {
    ngx_http_proxies_ovr_kind_e   kind;
    ngx_str_t                     key;        /* as written, for messages */
    ngx_str_t                     name;       /* header or parameter name */
    ngx_str_t                     value;      /* decoded string value */
    ngx_array_t                  *json;       /* of json_piece_t, body only */
    ngx_int_t                     number;     /* statusCode given as number */
    unsigned                      is_number:1;
} ngx_http_proxies_ovr_model_t;


typedef struct {
    ngx_str_t                     name;       /* the key in "proxies" */
    ngx_uint_t                    order;      /* position in the file */
    ngx_str_t                     route;
    ngx_array_t                  *methods;    /* ngx_str_t, upper case; NULL:
                                                 all methods */
    ngx_str_t                     backend;    /* backendUri; len 0: none */
    ngx_array_t                   req;        /* ngx_http_proxies_ovr_model_t */
    ngx_array_t                   resp;       /* ngx_http_proxies_ovr_model_t */
    ngx_int_t                     debug;      /* -1 absent, 0 false, 1 true */
    unsigned                      disabled:1;
    unsigned                      has_backend:1;
    unsigned                      monolith:1;  /* [extension] */
    void                         *breaker;    /* [extension] circuitBreaker,
                                                 see ngx_http_proxies_ext.h */
    void                         *slots;      /* [extension] slots */
} ngx_http_proxies_model_t;


/* ------------------------------------------------------------ templates */

typedef enum {
    NGX_HTTP_PROXIES_TP_LITERAL = 0,
    NGX_HTTP_PROXIES_TP_PARAM,            /* {name}: route parameter */
    NGX_HTTP_PROXIES_TP_METHOD,           /* {request.method} */
    NGX_HTTP_PROXIES_TP_REQ_HEADER,       /* {request.headers.X} */
    NGX_HTTP_PROXIES_TP_REQ_QUERY,        /* {request.querystring.X} */
    NGX_HTTP_PROXIES_TP_BE_STATUS,        /* {backend.response.statusCode} */
    NGX_HTTP_PROXIES_TP_BE_REASON,        /* {backend.response.statusReason} */
    NGX_HTTP_PROXIES_TP_BE_HEADER,        /* {backend.response.headers.X} */
    NGX_HTTP_PROXIES_TP_BEREQ_METHOD,     /* {backend.request.method} */
    NGX_HTTP_PROXIES_TP_BEREQ_HEADER,     /* {backend.request.headers.X} */
    NGX_HTTP_PROXIES_TP_BEREQ_QUERY       /* {backend.request.querystring.X} */
} ngx_http_proxies_tpart_kind_e;


typedef struct {
    ngx_http_proxies_tpart_kind_e kind;
    ngx_str_t                     text;       /* literal, or the name of a
                                                 header/parameter, lower case */
    ngx_uint_t                    hash;       /* of text, for header lookups */
    ngx_uint_t                    param;      /* route parameter index */
    ngx_uint_t                    escape;     /* ESC_* for this part; the
                                                 JSON body pieces differ */
} ngx_http_proxies_tpart_t;


typedef struct {
    ngx_http_proxies_tpart_t     *parts;
    ngx_uint_t                    nparts;
    ngx_str_t                     literal;    /* the whole value when the
                                                 template has no variables */
    unsigned                      is_literal:1;
    unsigned                      uses_backend:1;
} ngx_http_proxies_tpl_t;


/* ----------------------------------------------------------------- routes */

typedef enum {
    NGX_HTTP_PROXIES_SEG_LITERAL = 1,     /* the digits are the rank */
    NGX_HTTP_PROXIES_SEG_COMPLEX = 2,
    NGX_HTTP_PROXIES_SEG_PARAM = 3,
    NGX_HTTP_PROXIES_SEG_CATCHALL = 5
} ngx_http_proxies_seg_kind_e;


/* a piece of a complex segment: a literal, or a parameter */
typedef struct {
    ngx_str_t                     literal;    /* lower case; len 0: param */
    ngx_uint_t                    param;
} ngx_http_proxies_cpart_t;


typedef struct {
    ngx_http_proxies_seg_kind_e   kind;
    ngx_str_t                     literal;    /* decoded, lower case */
    ngx_uint_t                    param;      /* PARAM, CATCHALL */
    ngx_http_proxies_cpart_t     *parts;      /* COMPLEX */
    ngx_uint_t                    nparts;
    ngx_str_t                     text;       /* as written, for messages */
} ngx_http_proxies_segment_t;


typedef struct {
    ngx_str_t                     text;       /* as written */
    ngx_http_proxies_segment_t   *segs;
    ngx_uint_t                    nsegs;
    ngx_str_t                    *params;     /* names, as written */
    ngx_uint_t                    nparams;
    ngx_str_t                     rank;       /* one digit per segment */
} ngx_http_proxies_route_t;


/* ---------------------------------------------------------- backend URI */

typedef struct {
    ngx_str_t                     text;       /* after %SETTING% expansion */
    ngx_str_t                     scheme;     /* "http" or "https" */
    ngx_str_t                     host;       /* lower case */
    ngx_str_t                     authority;  /* host[:port], as written */
    in_port_t                     port;       /* 0: none written */
    ngx_str_t                     prefix;     /* scheme://authority */
    ngx_http_proxies_tpl_t        path;       /* ESC_PATH substitutions */
    ngx_http_proxies_tpl_t        query;      /* ESC_QUERY; may be empty */
    unsigned                      has_query:1;
    unsigned                      localhost:1;  /* host is "localhost" or a
                                                   proxies_local_host name */
} ngx_http_proxies_uri_t;


/* --------------------------------------------------------------- actions */

typedef struct ngx_http_proxies_proxy_s  ngx_http_proxies_proxy_t;
typedef struct ngx_http_proxies_ctx_s    ngx_http_proxies_ctx_t;

/* [extension] circuit breakers and blue/green slots: ngx_http_proxies_ext.h */
typedef struct ngx_http_proxies_breaker_s  ngx_http_proxies_breaker_t;
typedef struct ngx_http_proxies_slots_s    ngx_http_proxies_slots_t;

/* [extension] live status: the counters of a proxy, in shared memory */
typedef struct ngx_http_proxies_stat_s     ngx_http_proxies_stat_t;

typedef ngx_int_t (*ngx_http_proxies_action_pt)(ngx_http_request_t *r,
    ngx_http_proxies_ctx_t *ctx);


typedef enum {
    NGX_HTTP_PROXIES_ACTION_STATIC = 1,   /* no backendUri: answered here */
    NGX_HTTP_PROXIES_ACTION_UPSTREAM,     /* through nginx's proxy module */
    NGX_HTTP_PROXIES_ACTION_LOCAL,        /* localhost: internal redirect */
    NGX_HTTP_PROXIES_ACTION_FUNCTION      /* a C function, in process */
} ngx_http_proxies_action_kind_e;


/*
 * One action: a handler plus its payload, chosen at compile time.  A
 * proxy has one; blue/green slots and breaker fallbacks have their own,
 * and the handler picks which one a request takes (ctx->action).
 */
typedef struct {
    ngx_http_proxies_action_kind_e  kind;
    ngx_http_proxies_action_pt      handler;
    void                           *data;     /* a function, for FUNCTION */
    ngx_http_proxies_uri_t         *backend;  /* UPSTREAM, LOCAL */
} ngx_http_proxies_action_t;


/* ------------------------------------------------------ compiled proxy */

typedef struct {
    ngx_str_t                     name;       /* as written */
    ngx_str_t                     lowcase;
    ngx_uint_t                    hash;       /* of lowcase */
    ngx_http_proxies_tpl_t        value;
    unsigned                      remove:1;   /* response header set to "" */
} ngx_http_proxies_header_ovr_t;


typedef struct {
    ngx_str_t                     name;       /* as written */
    ngx_str_t                     encoded;    /* query-encoded name */
    ngx_http_proxies_tpl_t        value;
} ngx_http_proxies_query_ovr_t;


typedef struct {
    ngx_http_proxies_tpl_t       *method;     /* NULL: the client's */
    ngx_array_t                   headers;    /* header_ovr_t */
    ngx_array_t                   query;      /* query_ovr_t */
} ngx_http_proxies_req_ovr_t;


typedef struct {
    ngx_http_proxies_tpl_t       *status;     /* NULL: unchanged */
    ngx_http_proxies_tpl_t       *reason;
    ngx_array_t                   headers;    /* header_ovr_t */
    ngx_http_proxies_tpl_t       *body;       /* NULL: unchanged */
    unsigned                      json_body:1;
    unsigned                      has_content_type:1;
    unsigned                      any:1;      /* anything to do at all */
} ngx_http_proxies_resp_ovr_t;


struct ngx_http_proxies_proxy_s {
    ngx_str_t                     name;
    ngx_uint_t                    order;
    ngx_http_proxies_route_t      route;
    ngx_str_t                    *methods;    /* NULL: all */
    ngx_uint_t                    nmethods;
    ngx_uint_t                    method_mask;  /* NGX_HTTP_GET | ... for
                                                   the methods nginx knows */
    ngx_http_proxies_uri_t       *backend;    /* NULL: no backendUri */
    ngx_http_proxies_req_ovr_t    req;
    ngx_http_proxies_resp_ovr_t   resp;
    ngx_http_proxies_action_t     action;
    ngx_int_t                     debug;      /* -1, 0, 1 */
    unsigned                      monolith:1;  /* the backend is the legacy
                                                  application [extension] */
    ngx_http_proxies_breaker_t   *breaker;    /* NULL: none [extension] */
    ngx_http_proxies_slots_t     *slots;      /* NULL: none [extension] */
    ngx_http_proxies_stat_t      *stat;       /* NULL: no status [ext.] */
};


/* ----------------------------------------------------------------- table */

typedef struct ngx_http_proxies_node_s  ngx_http_proxies_node_t;


/* the route table of one proxies.json; immutable after compile */
typedef struct {
    ngx_str_t                     file;       /* full path */
    ngx_http_proxies_proxy_t     *proxies;    /* enabled ones, file order */
    ngx_uint_t                    nproxies;
    ngx_uint_t                    ndisabled;
    ngx_flag_t                    decode_slashes;
    ngx_flag_t                    local_call;
    ngx_http_proxies_node_t      *root;       /* built by table.c */
    size_t                        mem;        /* bytes used, for reports */
    ngx_http_proxies_stat_t      *nomatch;    /* requests no proxy matched;
                                                 NULL: no status [ext.] */
} ngx_http_proxies_table_t;


typedef struct {
    ngx_str_t                     raw;        /* as the client sent it */
    ngx_str_t                     value;      /* percent-decoded */
} ngx_http_proxies_capture_t;


typedef struct {
    ngx_http_proxies_proxy_t     *proxy;
    ngx_http_proxies_capture_t   *captures;   /* proxy->route.nparams */
} ngx_http_proxies_match_t;


/* ------------------------------------------------------------- run time */

/* what templates are evaluated against */
typedef struct {
    ngx_http_request_t           *r;
    ngx_http_proxies_match_t     *match;
    ngx_flag_t                    decode_slashes;
    /* the request as sent to the backend: response context only */
    ngx_str_t                     backend_method;
    ngx_str_t                     backend_args;
    ngx_list_t                   *backend_headers;
    /* the backend's response: response context only */
    unsigned                      has_backend:1;
} ngx_http_proxies_eval_t;


/* response overrides still to apply, one per proxy hop */
typedef struct {
    ngx_http_proxies_proxy_t     *proxy;
    ngx_http_proxies_capture_t   *captures;
    unsigned                      backend:1;    /* a backend answered: the
                                                   backend.* variables apply */
} ngx_http_proxies_pending_t;


struct ngx_http_proxies_ctx_s {
    ngx_http_request_t           *request;      /* owner: subrequests share
                                                   the pool, not the ctx */
    ngx_http_proxies_match_t      match;
    ngx_http_proxies_action_t    *action;       /* the one this request takes */
    ngx_http_proxies_eval_t       eval;
    ngx_str_t                     backend_url;  /* $proxies_backend_uri */
    ngx_str_t                     backend_method;
    ngx_str_t                     host;         /* Host override */
    ngx_str_t                     trace_id;
    ngx_uint_t                    hops;
    ngx_str_t                     local_path;   /* raw path of a local hop */
    ngx_uint_t                    local_changes;  /* r->uri_changes it left */
    ngx_array_t                   pending;      /* pending_t */
    ngx_str_t                     body;         /* replacement body */
    ngx_http_proxies_breaker_t   *breaker;      /* to tell the outcome, in
                                                   the log phase */
    ngx_uint_t                    probe_period; /* half_opens when it was
                                                   let through */
    unsigned                      probe:1;      /* a half-open probe */
    unsigned                      tracing:1;
    unsigned                      body_set:1;
    unsigned                      body_sent:1;
    unsigned                      header_done:1;
};


/* ------------------------------------------------------------ conf */

typedef struct {
    ngx_str_t                     name;
    ngx_str_t                     value;
} ngx_http_proxies_setting_t;


/* one proxies.json, shared by every location that names it */
typedef struct {
    ngx_str_t                     name;       /* full path */
    ngx_conf_file_t               conf_file;  /* where "proxies" was read */
    ngx_http_proxies_table_t     *table;
} ngx_http_proxies_file_t;


typedef struct {
    ngx_array_t                   settings;     /* setting_t, directives */
    ngx_array_t                   local_hosts;  /* ngx_str_t, lower case */
    ngx_array_t                   files;        /* file_t * */
    ngx_array_t                   functions;    /* function_t *, loaded by
                                                   proxies_functions */
    ngx_flag_t                    decode_slashes;
    ngx_flag_t                    local_call;
    ngx_flag_t                    huge_pages;   /* tables in THP regions */
    size_t                        zone_size;    /* each shared zone */
    ngx_http_handler_pt           proxy_handler;
    /* [extension] ngx_http_proxies_ext.h; NULL until used */
    ngx_array_t                  *breakers;     /* cb_t *, all files */
    ngx_array_t                  *slot_groups;  /* slot_group_t *, all files */
    ngx_array_t                  *pin_allow;    /* ngx_cidr_t */
    ngx_str_t                     admin_token;  /* len 0: none */
    unsigned                      admin_used:1; /* a proxies_admin location */
    unsigned                      status_used:1;  /* a proxies_status
                                                     location: count */
} ngx_http_proxies_main_conf_t;


typedef struct {
    ngx_http_proxies_file_t      *file;       /* NULL: off */
    ngx_flag_t                    fallthrough;
    ngx_flag_t                    trace;
    ngx_flag_t                    forwarded;
    ngx_uint_t                    status;     /* proxies_status: the
                                                 default format [ext.] */
    unsigned                      explicit:1; /* "proxies" written here */
} ngx_http_proxies_loc_conf_t;


/* what compile-time work needs to report errors precisely */
typedef struct {
    ngx_conf_t                   *cf;
    ngx_pool_t                   *pool;       /* cf->pool */
    ngx_pool_t                   *temp_pool;
    ngx_str_t                     file;
    ngx_http_proxies_main_conf_t *pmcf;
    ngx_http_proxies_model_t     *proxy;      /* the one being compiled */
    ngx_http_proxies_route_t     *route;      /* its parsed route */
    ngx_str_t                     field;      /* JSON path of the field */
} ngx_http_proxies_cc_t;


extern ngx_module_t  ngx_http_proxies_module;
extern ngx_module_t  ngx_http_proxies_filter_module;
extern ngx_module_t  ngx_http_proxy_module;


/* load.c: read, strip comments, parse and map into the model */
ngx_int_t ngx_http_proxies_load(ngx_conf_t *cf, ngx_str_t *file,
    ngx_array_t *models);

/* model.c: JSON -> validated model (called by load.c) */
ngx_int_t ngx_http_proxies_model_build(ngx_conf_t *cf, ngx_str_t *file,
    void *root, ngx_array_t *models);

/* route.c */
ngx_int_t ngx_http_proxies_route_parse(ngx_http_proxies_cc_t *cc,
    ngx_str_t *text, ngx_http_proxies_route_t *route);

/* template.c */
ngx_int_t ngx_http_proxies_tpl_compile(ngx_http_proxies_cc_t *cc,
    ngx_str_t *src, ngx_uint_t where, ngx_uint_t escape,
    ngx_http_proxies_tpl_t *tpl);
ngx_int_t ngx_http_proxies_tpl_eval(ngx_http_proxies_eval_t *ev,
    ngx_http_proxies_tpl_t *tpl, ngx_str_t *out);
ngx_int_t ngx_http_proxies_setting_expand(ngx_http_proxies_cc_t *cc,
    ngx_str_t *src, ngx_str_t *dst);
/* NGX_OK, NGX_DECLINED (undefined), NGX_ERROR */
ngx_int_t ngx_http_proxies_setting_lookup(ngx_http_proxies_cc_t *cc,
    ngx_str_t *name, ngx_str_t *value);
/* every parameter "name" (form-decoded, any case), joined with "," */
ngx_int_t ngx_http_proxies_arg_get(ngx_pool_t *pool, ngx_str_t *args,
    ngx_str_t *name, ngx_str_t *value);
ngx_uint_t ngx_http_proxies_arg_name_eq(u_char *p, size_t len,
    ngx_str_t *name);
/* encode for an ESC_* destination; dst NULL: only the length */
size_t ngx_http_proxies_escape(u_char *dst, u_char *src, size_t size,
    ngx_uint_t escape, ngx_flag_t decode_slashes);

/* uri.c: backendUri at compile time, and the URL to call at run time */
ngx_int_t ngx_http_proxies_uri_compile(ngx_http_proxies_cc_t *cc,
    ngx_str_t *src, ngx_http_proxies_uri_t *uri);
ngx_int_t ngx_http_proxies_uri_build(ngx_http_proxies_eval_t *ev,
    ngx_http_proxies_uri_t *uri, ngx_http_proxies_proxy_t *proxy,
    ngx_str_t *path, ngx_str_t *args);
ngx_int_t ngx_http_proxies_query_build(ngx_http_proxies_eval_t *ev,
    ngx_http_proxies_uri_t *uri, ngx_http_proxies_proxy_t *proxy,
    ngx_str_t *args);

/* compile.c: model -> compiled proxies -> table */
ngx_http_proxies_table_t *ngx_http_proxies_compile(ngx_conf_t *cf,
    ngx_str_t *file, ngx_array_t *models);

/*
 * compile.c: the action for a backendUri ("function:NAME", a URL; NULL:
 * the proxy answers by itself), for a proxy, a slot or a fallback
 */
ngx_int_t ngx_http_proxies_compile_action(ngx_http_proxies_cc_t *cc,
    ngx_http_proxies_table_t *table, ngx_str_t *uri,
    ngx_http_proxies_action_t *a);

/* compile.c: NGX_OK when s is an RFC 7230 token */
ngx_int_t ngx_http_proxies_is_token(ngx_str_t *s);
ngx_uint_t ngx_http_proxies_method_mask(ngx_str_t *name);

/* table.c: the trie */
ngx_int_t ngx_http_proxies_table_build(ngx_http_proxies_cc_t *cc,
    ngx_http_proxies_table_t *table);

/* match.c: init fills its byte table (once, at configuration); match
 * returns NGX_OK, NGX_DECLINED (no match), NGX_HTTP_BAD_REQUEST */
void ngx_http_proxies_match_init(void);
ngx_int_t ngx_http_proxies_match(ngx_http_proxies_table_t *table,
    ngx_http_request_t *r, ngx_str_t *path, ngx_http_proxies_match_t *m);

/* handler.c */
ngx_int_t ngx_http_proxies_handler(ngx_http_request_t *r);
ngx_http_proxies_ctx_t *ngx_http_proxies_get_ctx(ngx_http_request_t *r);

/* request.c: requestOverrides (method, headers), hop-by-hop removal and
 * forwarding headers, applied to r before an upstream or local call */
ngx_int_t ngx_http_proxies_request_init(ngx_conf_t *cf);
ngx_int_t ngx_http_proxies_request_apply(ngx_http_request_t *r,
    ngx_http_proxies_ctx_t *ctx);
ngx_int_t ngx_http_proxies_push_pending(ngx_http_request_t *r,
    ngx_http_proxies_ctx_t *ctx);

/* actions */
ngx_int_t ngx_http_proxies_static_action(ngx_http_request_t *r,
    ngx_http_proxies_ctx_t *ctx);
ngx_int_t ngx_http_proxies_send(ngx_http_request_t *r, ngx_str_t *body);
ngx_int_t ngx_http_proxies_upstream_action(ngx_http_request_t *r,
    ngx_http_proxies_ctx_t *ctx);
ngx_int_t ngx_http_proxies_backend_request(ngx_http_request_t *r,
    ngx_http_proxies_ctx_t *ctx, ngx_str_t *path, ngx_str_t *args);
ngx_int_t ngx_http_proxies_local_action(ngx_http_request_t *r,
    ngx_http_proxies_ctx_t *ctx);

/* function.c: C functions as backends ("backendUri": "function:NAME") */
typedef struct ngx_http_proxies_function_s  ngx_http_proxies_function_t;

char *ngx_http_proxies_functions(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
ngx_http_proxies_function_t *ngx_http_proxies_function_find(
    ngx_http_proxies_main_conf_t *pmcf, ngx_str_t *name);
ngx_http_proxies_function_t *ngx_http_proxies_function_local(
    ngx_http_proxies_main_conf_t *pmcf, ngx_http_proxies_uri_t *uri);
ngx_int_t ngx_http_proxies_function_action(ngx_http_request_t *r,
    ngx_http_proxies_ctx_t *ctx);
ngx_int_t ngx_http_proxies_function_init_process(ngx_cycle_t *cycle);
void ngx_http_proxies_function_exit_process(ngx_cycle_t *cycle);

/*
 * response.c: status, reason, headers and body of responseOverrides.
 * Every action pushes its proxy onto ctx->pending; the filter module
 * applies the pending overrides, innermost hop first, to whatever
 * response comes back (static, upstream, local, function).
 */
ngx_int_t ngx_http_proxies_response_apply(ngx_http_request_t *r,
    ngx_http_proxies_ctx_t *ctx, ngx_http_proxies_pending_t *p);

/* variables.c */
ngx_int_t ngx_http_proxies_add_variables(ngx_conf_t *cf);
ngx_int_t ngx_http_proxies_hook_proxy_host(ngx_conf_t *cf);

/*
 * [extension] live status.  stats.c counts every request of a proxies
 * location in the log phase, into the "proxies_stats" zone, with atomic
 * adds only; status.c serves the counters (proxies_status).
 */

#define NGX_HTTP_PROXIES_KIND_MONOLITH   0
#define NGX_HTTP_PROXIES_KIND_UPSTREAM   1
#define NGX_HTTP_PROXIES_KIND_FUNCTION   2
#define NGX_HTTP_PROXIES_KIND_STATIC     3
#define NGX_HTTP_PROXIES_KIND_LOCAL      4    /* another location here */
#define NGX_HTTP_PROXIES_KINDS           5

#define NGX_HTTP_PROXIES_LATENCIES       12   /* the last one is +Inf */


struct ngx_http_proxies_stat_s {
    ngx_str_node_t                sn;         /* keyed by file and proxy */
    ngx_atomic_t                  status[6];  /* [0]: none sent, 1xx..5xx */
    ngx_atomic_t                  kinds[NGX_HTTP_PROXIES_KINDS];
    ngx_atomic_t                  latency[NGX_HTTP_PROXIES_LATENCIES];
                                              /* per bucket, not summed */
    ngx_atomic_t                  latency_ms; /* the sum */
    ngx_atomic_t                  monolith_last;  /* ms since the epoch */
    /* the key follows */
};


extern ngx_msec_t  ngx_http_proxies_latency_bounds[];  /* ms, ascending */

ngx_int_t ngx_http_proxies_stats_init(ngx_conf_t *cf,
    ngx_http_proxies_main_conf_t *pmcf);
char *ngx_http_proxies_status(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);

/* trace.c */
void ngx_http_proxies_trace_start(ngx_http_request_t *r,
    ngx_http_proxies_ctx_t *ctx);
void ngx_http_proxies_trace(ngx_http_request_t *r,
    ngx_http_proxies_ctx_t *ctx, const char *step, ngx_str_t *value);

/*
 * compile.c: compile-time messages, one line each:
 *   proxies: "FILE": proxy "NAME", field "PATH": MESSAGE in nginx.conf:LINE
 * cc_error() logs at emerg and returns NGX_ERROR.
 */
ngx_int_t ngx_http_proxies_cc_error(ngx_http_proxies_cc_t *cc,
    const char *fmt, ...);
void ngx_http_proxies_cc_warn(ngx_http_proxies_cc_t *cc,
    const char *fmt, ...);


#endif /* _NGX_HTTP_PROXIES_H_INCLUDED_ */
