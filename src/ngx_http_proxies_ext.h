
/*
 * ngx_proxies [extension]: circuit breakers, blue/green slots and the admin
 * API.  Private to model.c (the model types), compile.c, handler.c,
 * breaker.c, slots.c and admin.c.
 *
 * Runtime state lives in two shared memory zones, "proxies_breakers" and
 * "proxies_slots", keyed by name (a breaker's name, a slot group's name),
 * so it is shared by every worker and survives a reload.  The state
 * records hold plain integers and wall-clock times in milliseconds only,
 * no pointers into a process, so they can be mirrored elsewhere (Redis)
 * as they are.
 */

#ifndef _NGX_HTTP_PROXIES_EXT_H_INCLUDED_
#define _NGX_HTTP_PROXIES_EXT_H_INCLUDED_


#include "ngx_http_proxies.h"


#define NGX_HTTP_PROXIES_EXT_NAME_LEN    64   /* breaker and group names */
#define NGX_HTTP_PROXIES_SLOTS_MAX       8
#define NGX_HTTP_PROXIES_SLOT_NAME_LEN   32
#define NGX_HTTP_PROXIES_BUCKETS         10   /* of the rolling window */

#define NGX_HTTP_PROXIES_PIN_HEADER      "X-Proxies-Slot"
#define NGX_HTTP_PROXIES_PIN_COOKIE      "proxies_slot"


/* ---------------------------------------------------------------- model */

typedef struct {
    ngx_str_t                     name;
    ngx_str_t                     value;
} ngx_http_proxies_ext_header_t;


/* a backend: a slot's, or a fallback's */
typedef struct {
    ngx_str_t                     name;       /* the slot's */
    ngx_str_t                     uri;        /* backendUri; len 0: none */
    unsigned                      monolith:1;
} ngx_http_proxies_backend_model_t;


typedef struct {
    ngx_str_t                     name;
    ngx_uint_t                    weight;
} ngx_http_proxies_weight_model_t;


typedef struct {
    ngx_str_t                     name;       /* len 0: the proxy's */
    ngx_int_t                     connect_error;  /* -1: not given */
    ngx_int_t                     timeout;
    ngx_array_t                  *statuses;   /* ngx_uint_t; NULL: default */
    ngx_int_t                     consecutive;    /* -1: not given */
    ngx_int_t                     ratio;      /* percent; -1: not given */
    ngx_msec_t                    window;     /* NGX_CONF_UNSET_MSEC */
    ngx_int_t                     minimum;
    ngx_msec_t                    open_for;
    ngx_int_t                     probes;
    ngx_uint_t                    settings;   /* keys besides name and
                                                 fallback */
    ngx_http_proxies_backend_model_t  fallback;
    ngx_int_t                     fb_status;  /* 0: no static response */
    ngx_str_t                     fb_body;
    ngx_array_t                   fb_headers; /* ext_header_t */
    unsigned                      has_fallback:1;
} ngx_http_proxies_breaker_model_t;


typedef struct {
    ngx_str_t                     group;      /* len 0: the proxy alone */
    ngx_str_t                     active;
    ngx_array_t                   backends;   /* backend_model_t */
    ngx_array_t                  *weights;    /* weight_model_t; NULL */
    ngx_str_t                     sticky;     /* "header:X", "cookie:x" */
} ngx_http_proxies_slots_model_t;


/* ------------------------------------------------------- shared state */

typedef enum {
    NGX_HTTP_PROXIES_CLOSED = 0,
    NGX_HTTP_PROXIES_OPEN,
    NGX_HTTP_PROXIES_HALF_OPEN
} ngx_http_proxies_breaker_state_e;


typedef enum {
    NGX_HTTP_PROXIES_FORCE_NONE = 0,
    NGX_HTTP_PROXIES_FORCE_OPEN,
    NGX_HTTP_PROXIES_FORCE_CLOSED
} ngx_http_proxies_force_e;


/* one breaker's state: written under the zone's mutex only */
typedef struct {
    ngx_uint_t                    state;      /* breaker_state_e */
    ngx_uint_t                    forced;     /* force_e */
    uint64_t                      changed;    /* ms since the epoch */
    uint64_t                      open_until; /* ms since the epoch */
    ngx_uint_t                    consecutive;
    ngx_uint_t                    probes;     /* let through, half-open */
    ngx_uint_t                    successes;  /* of the probes */
    ngx_uint_t                    half_opens; /* half-open periods begun:
                                                 a probe answers for its
                                                 own period only */
    uint64_t                      bucket_start[NGX_HTTP_PROXIES_BUCKETS];
    ngx_uint_t                    total[NGX_HTTP_PROXIES_BUCKETS];
    ngx_uint_t                    failures[NGX_HTTP_PROXIES_BUCKETS];
    ngx_uint_t                    opened;     /* times it opened */
    ngx_uint_t                    rejected;   /* requests sent to the
                                                 fallback */
} ngx_http_proxies_breaker_state_t;


/*
 * One slot group's state.  "active" and the weights are single words,
 * stored atomically, so a flip reaches every worker at once; writers also
 * hold the mutex.  Slot names are only ever appended, so an index keeps
 * its meaning for old and new workers across a reload.
 */
typedef struct {
    ngx_atomic_t                  active;     /* index into names */
    ngx_atomic_t                  weighted;   /* 1: split by weights */
    ngx_atomic_t                  weights[NGX_HTTP_PROXIES_SLOTS_MAX];
    ngx_atomic_t                  generation; /* flips and weight changes */
    uint64_t                      changed;    /* ms since the epoch */
    ngx_uint_t                    nnames;
    u_char                        names[NGX_HTTP_PROXIES_SLOTS_MAX]
                                       [NGX_HTTP_PROXIES_SLOT_NAME_LEN];
    u_char                        declared[NGX_HTTP_PROXIES_SLOT_NAME_LEN];
    uint32_t                      declared_crc;  /* of the file's active
                                                    slot and weights */
} ngx_http_proxies_slot_state_t;


/* a named record in a zone: breakers and slot groups alike */
typedef struct ngx_http_proxies_shm_node_s  ngx_http_proxies_shm_node_t;

struct ngx_http_proxies_shm_node_s {
    ngx_http_proxies_shm_node_t  *next;
    u_char                        name[NGX_HTTP_PROXIES_EXT_NAME_LEN];
    size_t                        len;
    /* the state follows */
};


typedef struct {
    ngx_http_proxies_shm_node_t  *head;
} ngx_http_proxies_shm_t;


/* a zone's conf: what to bind to records at zone init */
typedef struct {
    ngx_slab_pool_t              *shpool;
    ngx_http_proxies_shm_t       *sh;
    ngx_array_t                  *items;      /* cb_t * or slot_group_t * */
    size_t                        size;       /* of one state */
    ngx_int_t                   (*bind)(void *item, void *state,
                                        ngx_uint_t fresh);
} ngx_http_proxies_zone_t;


/* what breakers and slot groups begin with: their record's key, zone */
typedef struct {
    ngx_str_t                     name;
    ngx_http_proxies_zone_t      *zone;
} ngx_http_proxies_shm_item_t;


/* admin.c: JSON output, in buffers from the request pool */
typedef struct {
    ngx_pool_t                   *pool;
    ngx_chain_t                  *out;
    ngx_chain_t                 **last;
    ngx_buf_t                    *buf;
} ngx_http_proxies_json_t;


/* ------------------------------------------------------------- compiled */

/* a named breaker, shared by the proxies that name it */
typedef struct {
    ngx_http_proxies_shm_item_t   item;       /* first */
    ngx_str_t                     owner;      /* the proxy configuring it */
    ngx_flag_t                    connect_error;
    ngx_flag_t                    timeout;
    ngx_uint_t                   *statuses;
    ngx_uint_t                    nstatuses;
    ngx_uint_t                    consecutive;    /* 0: off */
    ngx_uint_t                    ratio;          /* percent; 0: off */
    ngx_msec_t                    window;
    ngx_uint_t                    minimum;
    ngx_msec_t                    open_for;
    ngx_uint_t                    probes;
    ngx_http_proxies_breaker_state_t  *state;     /* in the zone */
} ngx_http_proxies_cb_t;


/* a proxy's breaker: the named one, and what serves while it is open */
struct ngx_http_proxies_breaker_s {
    ngx_http_proxies_cb_t        *cb;
    ngx_http_proxies_action_t     action;     /* the fallback backend */
    ngx_int_t                     status;     /* else a static response */
    ngx_str_t                     body;
    ngx_array_t                   headers;    /* ext_header_t */
    unsigned                      has_action:1;
    unsigned                      monolith:1;
};


typedef struct {
    ngx_http_proxies_shm_item_t   item;       /* first; named after the
                                                 group, or the proxy */
    ngx_str_t                     owner;      /* the proxy declaring it */
    ngx_uint_t                    nslots;
    ngx_str_t                     slots[NGX_HTTP_PROXIES_SLOTS_MAX];
    ngx_uint_t                    index[NGX_HTTP_PROXIES_SLOTS_MAX];
                                              /* into the state's names */
    ngx_uint_t                    active;     /* declared */
    ngx_uint_t                    weights[NGX_HTTP_PROXIES_SLOTS_MAX];
    ngx_flag_t                    weighted;
    ngx_str_t                     sticky;     /* header or cookie name */
    ngx_uint_t                    sticky_hash;  /* of the lower case header
                                                   name */
    unsigned                      sticky_cookie:1;
    unsigned                      shared:1;   /* a named group */
    ngx_http_proxies_slot_state_t  *state;
} ngx_http_proxies_slot_group_t;


struct ngx_http_proxies_slots_s {
    ngx_http_proxies_slot_group_t  *group;
    /* the group's order */
    ngx_http_proxies_action_t       actions[NGX_HTTP_PROXIES_SLOTS_MAX];
    u_char                          monolith[NGX_HTTP_PROXIES_SLOTS_MAX];
};


/* slots.c: compile both extensions of a proxy (called by compile.c) */
ngx_int_t ngx_http_proxies_ext_compile(ngx_http_proxies_cc_t *cc,
    ngx_http_proxies_table_t *table, ngx_http_proxies_model_t *m,
    ngx_http_proxies_proxy_t *p);
ngx_int_t ngx_http_proxies_ext_init(ngx_conf_t *cf,
    ngx_http_proxies_main_conf_t *pmcf);
/* handler.c calls this for proxies with slots or a breaker */
ngx_int_t ngx_http_proxies_ext_choose(ngx_http_request_t *r,
    ngx_http_proxies_ctx_t *ctx);
ngx_str_t *ngx_http_proxies_ext_name(ngx_http_proxies_cc_t *cc,
    ngx_str_t *given, char *key);
void *ngx_http_proxies_shm_item_add(ngx_pool_t *pool, ngx_array_t **items,
    size_t size, ngx_str_t *name);
void *ngx_http_proxies_shm_find(ngx_array_t *items, ngx_str_t *name);
ngx_int_t ngx_http_proxies_slots_set(ngx_http_proxies_slot_group_t *g,
    ngx_str_t *active, ngx_uint_t *weights);
ngx_int_t ngx_http_proxies_slots_index(ngx_http_proxies_slot_group_t *g,
    ngx_str_t *name);
ngx_int_t ngx_http_proxies_shm_add(ngx_conf_t *cf, char *name,
    ngx_array_t *items, size_t size,
    ngx_int_t (*bind)(void *item, void *state, ngx_uint_t fresh));

/* breaker.c */
ngx_int_t ngx_http_proxies_breaker_compile(ngx_http_proxies_cc_t *cc,
    ngx_http_proxies_table_t *table, ngx_http_proxies_model_t *m,
    ngx_http_proxies_proxy_t *p);
ngx_int_t ngx_http_proxies_breaker_init(ngx_conf_t *cf,
    ngx_http_proxies_main_conf_t *pmcf);
ngx_int_t ngx_http_proxies_breaker_admit(ngx_http_request_t *r,
    ngx_http_proxies_ctx_t *ctx);
void ngx_http_proxies_breaker_force(ngx_http_proxies_cb_t *cb,
    ngx_uint_t force);
const char *ngx_http_proxies_breaker_state_name(ngx_uint_t state);
ngx_uint_t ngx_http_proxies_breaker_state_at(
    ngx_http_proxies_breaker_state_t *st, uint64_t now);
uint64_t ngx_http_proxies_now(void);

/* admin.c */
char *ngx_http_proxies_admin(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_proxies_admin_token_file(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_proxies_pin_allow(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
ngx_int_t ngx_http_proxies_json_cat(ngx_http_proxies_json_t *j,
    const char *fmt, ...);
ngx_int_t ngx_http_proxies_json_add(ngx_http_proxies_json_t *j, u_char *data,
    size_t len);
ngx_int_t ngx_http_proxies_json_str(ngx_http_proxies_json_t *j,
    ngx_str_t *s);
ngx_int_t ngx_http_proxies_json_send(ngx_http_request_t *r, ngx_uint_t status,
    ngx_str_t *type, ngx_http_proxies_json_t *j);
/* NGX_OK: the request carries the admin token, or comes from an allowed
 * address; NGX_DECLINED: not allowed */
ngx_int_t ngx_http_proxies_admin_allowed(ngx_http_request_t *r,
    ngx_flag_t by_address);


#endif /* _NGX_HTTP_PROXIES_EXT_H_INCLUDED_ */
