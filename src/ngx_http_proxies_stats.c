
/*
 * ngx_proxies [extension]: live status counters (docs/status.md).
 *
 * Every proxy of every proxies.json, and every file's "no match", has a
 * record in the "proxies_stats" zone, keyed by the file and the proxy's
 * name, so a reload finds the same record again and the counts go on.
 * Records are created and bound to the compiled proxies at zone init, in
 * the master; requests only add to them, with atomic adds in the log
 * phase, and never take the zone's lock.  The zone exists only when some
 * location serves proxies_status.
 */


#include "ngx_http_proxies_ext.h"


typedef struct {
    ngx_rbtree_t                  rbtree;
    ngx_rbtree_node_t             sentinel;
} ngx_http_proxies_stats_sh_t;


typedef struct {
    ngx_http_proxies_stats_sh_t  *sh;
    ngx_slab_pool_t              *shpool;
    ngx_http_proxies_main_conf_t *pmcf;
} ngx_http_proxies_stats_zone_t;


static ngx_int_t ngx_http_proxies_stats_init_zone(ngx_shm_zone_t *shm_zone,
    void *data);
static ngx_int_t ngx_http_proxies_stats_bind(ngx_shm_zone_t *shm_zone,
    ngx_http_proxies_stats_zone_t *z, ngx_http_proxies_table_t *table);
static ngx_http_proxies_stat_t *ngx_http_proxies_stats_get(
    ngx_shm_zone_t *shm_zone, ngx_http_proxies_stats_zone_t *z,
    ngx_str_t *file, ngx_str_t *name);
static ngx_int_t ngx_http_proxies_stats_log(ngx_http_request_t *r);
static ngx_uint_t ngx_http_proxies_stats_kind(ngx_http_request_t *r,
    ngx_http_proxies_ctx_t *ctx, ngx_flag_t *monolith);


ngx_msec_t  ngx_http_proxies_latency_bounds[NGX_HTTP_PROXIES_LATENCIES] = {
    5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, NGX_MAX_INT_T_VALUE
};


static ngx_str_t  ngx_http_proxies_stats_name = ngx_string("proxies_stats");


ngx_int_t
ngx_http_proxies_stats_init(ngx_conf_t *cf,
    ngx_http_proxies_main_conf_t *pmcf)
{
    ngx_shm_zone_t                 *shm_zone;
    ngx_http_handler_pt            *h;
    ngx_http_core_main_conf_t      *cmcf;
    ngx_http_proxies_stats_zone_t  *z;

    if (!pmcf->status_used) {
        return NGX_OK;
    }

    z = ngx_pcalloc(cf->pool, sizeof(ngx_http_proxies_stats_zone_t));
    if (z == NULL) {
        return NGX_ERROR;
    }

    z->pmcf = pmcf;

    shm_zone = ngx_shared_memory_add(cf, &ngx_http_proxies_stats_name,
                                     pmcf->zone_size,
                                     &ngx_http_proxies_module);
    if (shm_zone == NULL) {
        return NGX_ERROR;
    }

    shm_zone->init = ngx_http_proxies_stats_init_zone;
    shm_zone->data = z;

    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_LOG_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    *h = ngx_http_proxies_stats_log;

    return NGX_OK;
}


/*
 * Like limit_req: on a reload the old zone's tree is taken over, so the
 * records of proxies that still exist keep counting.  Records of proxies
 * gone from the file stay (old workers may still be adding to them).
 */

static ngx_int_t
ngx_http_proxies_stats_init_zone(ngx_shm_zone_t *shm_zone, void *data)
{
    ngx_http_proxies_stats_zone_t *oz = data;

    ngx_int_t                       rc;
    ngx_uint_t                      i;
    ngx_slab_pool_t                *shpool;
    ngx_http_proxies_file_t       **files;
    ngx_http_proxies_stats_zone_t  *z;

    z = shm_zone->data;
    shpool = (ngx_slab_pool_t *) shm_zone->shm.addr;
    z->shpool = shpool;

    /* a full zone is reported once, below, with the directive to raise */
    shpool->log_nomem = 0;

    if (oz) {
        z->sh = oz->sh;

    } else if (shm_zone->shm.exists) {
        z->sh = shpool->data;

    } else {
        z->sh = ngx_slab_alloc(shpool, sizeof(ngx_http_proxies_stats_sh_t));
        if (z->sh == NULL) {
            return NGX_ERROR;
        }

        shpool->data = z->sh;

        ngx_rbtree_init(&z->sh->rbtree, &z->sh->sentinel,
                        ngx_str_rbtree_insert_value);
    }

    rc = NGX_OK;
    files = z->pmcf->files.elts;

    ngx_shmtx_lock(&shpool->mutex);

    for (i = 0; i < z->pmcf->files.nelts; i++) {
        rc = ngx_http_proxies_stats_bind(shm_zone, z, files[i]->table);
        if (rc != NGX_OK) {
            break;
        }
    }

    ngx_shmtx_unlock(&shpool->mutex);

    return rc;
}


static ngx_int_t
ngx_http_proxies_stats_bind(ngx_shm_zone_t *shm_zone,
    ngx_http_proxies_stats_zone_t *z, ngx_http_proxies_table_t *table)
{
    ngx_uint_t                 i;
    ngx_http_proxies_proxy_t  *p;

    table->nomatch = ngx_http_proxies_stats_get(shm_zone, z, &table->file,
                                                NULL);
    if (table->nomatch == NULL) {
        return NGX_ERROR;
    }

    p = table->proxies;

    for (i = 0; i < table->nproxies; i++) {
        p[i].stat = ngx_http_proxies_stats_get(shm_zone, z, &table->file,
                                               &p[i].name);
        if (p[i].stat == NULL) {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


/*
 * The key is "p" FILE NUL NAME for a proxy, "n" FILE for the requests no
 * proxy of FILE matched: no proxy name can make one look like another.
 */

static ngx_http_proxies_stat_t *
ngx_http_proxies_stats_get(ngx_shm_zone_t *shm_zone,
    ngx_http_proxies_stats_zone_t *z, ngx_str_t *file, ngx_str_t *name)
{
    u_char                   *p;
    size_t                    len;
    uint32_t                  hash;
    ngx_str_node_t           *sn;
    ngx_http_proxies_stat_t  *st;
    u_char                    buf[NGX_MAX_PATH + 2];
    ngx_str_t                 key;

    len = 1 + file->len + (name ? 1 + name->len : 0);

    if (len > sizeof(buf)) {
        p = ngx_alloc(len, shm_zone->shm.log);
        if (p == NULL) {
            return NULL;
        }

    } else {
        p = buf;
    }

    key.data = p;
    key.len = len;

    *p++ = name ? 'p' : 'n';
    p = ngx_cpymem(p, file->data, file->len);

    if (name) {
        *p++ = '\0';
        ngx_memcpy(p, name->data, name->len);
    }

    hash = ngx_crc32_short(key.data, key.len);

    sn = ngx_str_rbtree_lookup(&z->sh->rbtree, &key, hash);

    if (sn) {
        st = (ngx_http_proxies_stat_t *) sn;
        goto done;
    }

    st = ngx_slab_calloc_locked(z->shpool,
                                sizeof(ngx_http_proxies_stat_t) + key.len);
    if (st == NULL) {
        ngx_log_error(NGX_LOG_EMERG, shm_zone->shm.log, 0,
                      "proxies: zone \"%V\" is full, raise "
                      "\"proxies_zone_size\"", &shm_zone->shm.name);
        goto done;
    }

    st->sn.str.data = (u_char *) (st + 1);
    st->sn.str.len = key.len;
    ngx_memcpy(st->sn.str.data, key.data, key.len);
    st->sn.node.key = hash;

    ngx_rbtree_insert(&z->sh->rbtree, &st->sn.node);

done:

    if (key.data != buf) {
        ngx_free(key.data);
    }

    return st;
}


/* ------------------------------------------------------------ per request */

static ngx_int_t
ngx_http_proxies_stats_log(ngx_http_request_t *r)
{
    ngx_int_t                     ms;
    ngx_uint_t                    i, status, kind;
    ngx_flag_t                    monolith;
    ngx_time_t                   *tp;
    ngx_http_proxies_ctx_t       *ctx;
    ngx_http_proxies_stat_t      *st;
    ngx_http_core_loc_conf_t     *clcf;
    ngx_http_proxies_loc_conf_t  *plcf;

    ctx = ngx_http_proxies_get_ctx(r);
    kind = NGX_HTTP_PROXIES_KINDS;
    monolith = 0;

    if (ctx && ctx->match.proxy) {
        st = ctx->match.proxy->stat;
        kind = ngx_http_proxies_stats_kind(r, ctx, &monolith);

    } else {
        /* matched nothing: only where proxies serve, not the status page */
        plcf = ngx_http_get_module_loc_conf(r, ngx_http_proxies_module);
        clcf = ngx_http_get_module_loc_conf(r, ngx_http_core_module);

        if (plcf->file == NULL || plcf->file->table == NULL
            || clcf->handler != ngx_http_proxies_handler)
        {
            return NGX_OK;
        }

        st = plcf->file->table->nomatch;
    }

    if (st == NULL) {
        return NGX_OK;
    }

    status = r->err_status ? r->err_status : r->headers_out.status;
    status = (status >= 100 && status < 600) ? status / 100 : 0;

    tp = ngx_timeofday();
    ms = (ngx_int_t) ((tp->sec - r->start_sec) * 1000
                      + (tp->msec - r->start_msec));
    ms = ngx_max(ms, 0);

    for (i = 0; (ngx_msec_t) ms > ngx_http_proxies_latency_bounds[i]; i++) {
        /* the last bound is never exceeded */
    }

    (void) ngx_atomic_fetch_add(&st->status[status], 1);
    (void) ngx_atomic_fetch_add(&st->latency[i], 1);
    (void) ngx_atomic_fetch_add(&st->latency_ms, ms);

    if (kind < NGX_HTTP_PROXIES_KINDS) {
        (void) ngx_atomic_fetch_add(&st->kinds[kind], 1);
    }

    if (monolith) {
        /* a single word: readers see the old time or the new one */
        st->monolith_last = (ngx_atomic_uint_t) tp->sec * 1000 + tp->msec;
    }

    ngx_log_debug3(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "proxies: stats status class %ui kind %ui %Mms",
                   status, kind, (ngx_msec_t) ms);

    return NGX_OK;
}


/*
 * What served: the action taken, and whether it is the monolith.  A
 * breaker's fallback is the monolith only when marked so; a slot is when
 * it, or its proxy, is marked.  A local call that matched a proxy again
 * counts there, as that proxy's action: "local" is what other locations
 * of this server answered.
 */

static ngx_uint_t
ngx_http_proxies_stats_kind(ngx_http_request_t *r,
    ngx_http_proxies_ctx_t *ctx, ngx_flag_t *monolith)
{
    ngx_uint_t                 i;
    ngx_http_proxies_proxy_t  *p;

    p = ctx->match.proxy;
    *monolith = p->monolith;

    if (ctx->action == NULL) {
        return NGX_HTTP_PROXIES_KINDS;
    }

    if (p->breaker && ctx->action == &p->breaker->action) {
        *monolith = p->breaker->monolith;

    } else if (p->slots && ctx->action != &p->action) {
        for (i = 0; i < NGX_HTTP_PROXIES_SLOTS_MAX; i++) {
            if (ctx->action == &p->slots->actions[i]) {
                *monolith |= p->slots->monolith[i];
                break;
            }
        }
    }

    if (*monolith) {
        return NGX_HTTP_PROXIES_KIND_MONOLITH;
    }

    switch (ctx->action->kind) {

    case NGX_HTTP_PROXIES_ACTION_UPSTREAM:
        return NGX_HTTP_PROXIES_KIND_UPSTREAM;

    case NGX_HTTP_PROXIES_ACTION_FUNCTION:
        return NGX_HTTP_PROXIES_KIND_FUNCTION;

    case NGX_HTTP_PROXIES_ACTION_LOCAL:
        /* another port of this host is called over the network */
        return r->internal ? NGX_HTTP_PROXIES_KIND_LOCAL
                           : NGX_HTTP_PROXIES_KIND_UPSTREAM;

    default: /* NGX_HTTP_PROXIES_ACTION_STATIC */
        return NGX_HTTP_PROXIES_KIND_STATIC;
    }
}
