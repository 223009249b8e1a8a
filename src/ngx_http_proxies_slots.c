
/*
 * ngx_proxies [extension]: blue/green slots (docs/blue-green.md), and
 * what both extensions share: compiling them, the shared memory zones,
 * and the choice of a request's action.
 *
 * A proxy's "slots" name a backend per slot; the slot that serves is
 * read per request from the group's record in the "proxies_slots" zone.
 * A flip is one atomic store of the active index, seen by every worker
 * on its next request: requests in flight finish on the slot they began
 * on, so nothing is lost.
 */


#include "ngx_http_proxies_ext.h"


static ngx_int_t ngx_http_proxies_slots_compile(ngx_http_proxies_cc_t *cc,
    ngx_http_proxies_table_t *table, ngx_http_proxies_model_t *m,
    ngx_http_proxies_proxy_t *p);
static ngx_http_proxies_slot_group_t *ngx_http_proxies_slots_group(
    ngx_http_proxies_cc_t *cc, ngx_http_proxies_slots_model_t *sm,
    ngx_str_t *name);
static ngx_int_t ngx_http_proxies_slots_same(ngx_http_proxies_cc_t *cc,
    ngx_http_proxies_slot_group_t *g, ngx_http_proxies_slots_model_t *sm);
static ngx_int_t ngx_http_proxies_slots_bind(void *item, void *state,
    ngx_uint_t fresh);
static ngx_int_t ngx_http_proxies_slots_declare(
    ngx_http_proxies_slot_group_t *g, ngx_http_proxies_slot_state_t *st);
static ngx_int_t ngx_http_proxies_shm_init(ngx_shm_zone_t *shm_zone,
    void *data);
static ngx_int_t ngx_http_proxies_slots_choose(ngx_http_request_t *r,
    ngx_http_proxies_ctx_t *ctx);
static ngx_int_t ngx_http_proxies_slots_pinned(ngx_http_request_t *r,
    ngx_http_proxies_slot_group_t *g, ngx_str_t *name);
static ngx_uint_t ngx_http_proxies_slots_weighted(ngx_http_request_t *r,
    ngx_http_proxies_slot_group_t *g, ngx_http_proxies_slot_state_t *st);
static ngx_int_t ngx_http_proxies_slots_key(ngx_http_request_t *r,
    ngx_str_t *name, ngx_uint_t hash, ngx_flag_t cookie, ngx_str_t *value);


static ngx_str_t  ngx_http_proxies_pin_cookie =
    ngx_string(NGX_HTTP_PROXIES_PIN_COOKIE);
static ngx_str_t  ngx_http_proxies_pin_header =
    ngx_string(NGX_HTTP_PROXIES_PIN_HEADER);


ngx_int_t
ngx_http_proxies_ext_compile(ngx_http_proxies_cc_t *cc,
    ngx_http_proxies_table_t *table, ngx_http_proxies_model_t *m,
    ngx_http_proxies_proxy_t *p)
{
    if (m->slots
        && ngx_http_proxies_slots_compile(cc, table, m, p) != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (m->breaker
        && ngx_http_proxies_breaker_compile(cc, table, m, p) != NGX_OK)
    {
        return NGX_ERROR;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_proxies_slots_compile(ngx_http_proxies_cc_t *cc,
    ngx_http_proxies_table_t *table, ngx_http_proxies_model_t *m,
    ngx_http_proxies_proxy_t *p)
{
    u_char                              field[sizeof("slots.backends.")
                                              + NGX_HTTP_PROXIES_SLOT_NAME_LEN];
    ngx_str_t                          *name;
    ngx_uint_t                          i, j;
    ngx_http_proxies_slots_t           *sl;
    ngx_http_proxies_slots_model_t     *sm;
    ngx_http_proxies_slot_group_t      *g;
    ngx_http_proxies_backend_model_t   *be;

    sm = m->slots;

    if (m->has_backend) {
        ngx_str_set(&cc->field, "slots");
        return ngx_http_proxies_cc_error(cc, "a proxy with \"slots\" takes "
                                         "no \"backendUri\": each slot "
                                         "names its own");
    }

    sl = ngx_pcalloc(cc->pool, sizeof(ngx_http_proxies_slots_t));
    if (sl == NULL) {
        return NGX_ERROR;
    }

    if (sm->group.len) {
        ngx_str_set(&cc->field, "slots.group");

    } else {
        ngx_str_set(&cc->field, "slots");
    }

    name = ngx_http_proxies_ext_name(cc, &sm->group, "group");
    if (name == NULL) {
        return NGX_ERROR;
    }

    g = ngx_http_proxies_slots_group(cc, sm, name);
    if (g == NULL) {
        return NGX_ERROR;
    }

    if (ngx_http_proxies_slots_same(cc, g, sm) != NGX_OK) {
        return NGX_ERROR;
    }

    sl->group = g;
    be = sm->backends.elts;

    for (i = 0; i < sm->backends.nelts; i++) {
        /* slots_same() found every name */
        j = ngx_http_proxies_slots_index(g, &be[i].name);

        cc->field.data = field;
        cc->field.len = ngx_sprintf(field, "slots.backends.%V", &be[i].name)
                        - field;

        if (ngx_http_proxies_compile_action(cc, table, &be[i].uri,
                                            &sl->actions[j])
            != NGX_OK)
        {
            return NGX_ERROR;
        }

        sl->monolith[j] = be[i].monolith;
    }

    p->slots = sl;
    p->action = sl->actions[g->active];
    p->backend = p->action.backend;

    return NGX_OK;
}


/* the group a proxy's slots belong to: found by name, or new */

static ngx_http_proxies_slot_group_t *
ngx_http_proxies_slots_group(ngx_http_proxies_cc_t *cc,
    ngx_http_proxies_slots_model_t *sm, ngx_str_t *name)
{
    ngx_uint_t                          i, n;
    ngx_http_proxies_main_conf_t       *pmcf;
    ngx_http_proxies_slot_group_t      *g;
    ngx_http_proxies_backend_model_t   *be;
    ngx_http_proxies_weight_model_t    *w;

    pmcf = cc->pmcf;

    g = ngx_http_proxies_shm_find(pmcf->slot_groups, name);

    if (g) {
        if (!g->shared || sm->group.len == 0) {
            (void) ngx_http_proxies_cc_error(cc, "\"%V\" is already the "
                                             "slot group of proxy \"%V\"; "
                                             "name the group to share it",
                                             name, &g->owner);
            return NULL;
        }

        return g;
    }

    g = ngx_http_proxies_shm_item_add(cc->pool, &pmcf->slot_groups,
                                      sizeof(ngx_http_proxies_slot_group_t),
                                      name);
    if (g == NULL) {
        return NULL;
    }

    g->owner = cc->proxy->name;
    g->shared = (sm->group.len != 0);
    g->nslots = sm->backends.nelts;

    be = sm->backends.elts;

    for (i = 0; i < g->nslots; i++) {
        g->slots[i] = be[i].name;

        if (be[i].name.len == sm->active.len
            && ngx_strncmp(be[i].name.data, sm->active.data, sm->active.len)
               == 0)
        {
            g->active = i;
        }

        if (sm->weights == NULL) {
            continue;
        }

        w = sm->weights->elts;

        for (n = 0; n < sm->weights->nelts; n++) {
            if (w[n].name.len == be[i].name.len
                && ngx_strncmp(w[n].name.data, be[i].name.data,
                               be[i].name.len)
                   == 0)
            {
                g->weights[i] = w[n].weight;
            }
        }
    }

    g->weighted = (sm->weights != NULL);

    if (sm->sticky.len) {
        g->sticky_cookie = (sm->sticky.data[0] == 'c');
        g->sticky.len = sm->sticky.len - 7;
        g->sticky.data = ngx_pnalloc(cc->pool, g->sticky.len);
        if (g->sticky.data == NULL) {
            return NULL;
        }

        g->sticky_hash = ngx_hash_strlow(g->sticky.data, sm->sticky.data + 7,
                                         g->sticky.len);
    }

    return g;
}


/* every proxy of a group names the same slots, and agrees on the rest */

static ngx_int_t
ngx_http_proxies_slots_same(ngx_http_proxies_cc_t *cc,
    ngx_http_proxies_slot_group_t *g, ngx_http_proxies_slots_model_t *sm)
{
    ngx_uint_t                         i;
    ngx_http_proxies_backend_model_t  *be;

    be = sm->backends.elts;

    if (sm->backends.nelts != g->nslots) {
        goto differ;
    }

    for (i = 0; i < sm->backends.nelts; i++) {
        if (ngx_http_proxies_slots_index(g, &be[i].name) == NGX_ERROR) {
            goto differ;
        }
    }

    if (ngx_http_proxies_slots_index(g, &sm->active) != (ngx_int_t) g->active
        || g->weighted != (sm->weights != NULL))
    {
        goto differ;
    }

    return NGX_OK;

differ:

    return ngx_http_proxies_cc_error(cc, "the slots differ from those of "
                                     "proxy \"%V\" in group \"%V\": a group "
                                     "needs the same slot names, \"active\" "
                                     "and \"weights\" in every proxy",
                                     &g->owner, &g->item.name);
}


/*
 * The name of a breaker or a slot group: as given, else the proxy's,
 * which must then fit in a zone record.
 */

ngx_str_t *
ngx_http_proxies_ext_name(ngx_http_proxies_cc_t *cc, ngx_str_t *given,
    char *key)
{
    if (given->len) {
        return given;
    }

    if (cc->proxy->name.len >= NGX_HTTP_PROXIES_EXT_NAME_LEN) {
        (void) ngx_http_proxies_cc_error(cc, "without \"%s\", the proxy's "
                                         "name is used, and it is longer "
                                         "than %d characters", key,
                                         NGX_HTTP_PROXIES_EXT_NAME_LEN - 1);
        return NULL;
    }

    return &cc->proxy->name;
}


ngx_int_t
ngx_http_proxies_slots_index(ngx_http_proxies_slot_group_t *g,
    ngx_str_t *name)
{
    ngx_uint_t  i;

    for (i = 0; i < g->nslots; i++) {
        if (g->slots[i].len == name->len
            && ngx_strncmp(g->slots[i].data, name->data, name->len) == 0)
        {
            return i;
        }
    }

    return NGX_ERROR;
}


/* ----------------------------------------------------------------- zones */

ngx_int_t
ngx_http_proxies_ext_init(ngx_conf_t *cf, ngx_http_proxies_main_conf_t *pmcf)
{
    if (pmcf->admin_used && pmcf->admin_token.len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"proxies_admin\" needs "
                           "\"proxies_admin_token_file\"");
        return NGX_ERROR;
    }

    if (pmcf->slot_groups
        && ngx_http_proxies_shm_add(cf, "proxies_slots", pmcf->slot_groups,
                                    sizeof(ngx_http_proxies_slot_state_t),
                                    ngx_http_proxies_slots_bind)
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    return ngx_http_proxies_breaker_init(cf, pmcf);
}


ngx_int_t
ngx_http_proxies_shm_add(ngx_conf_t *cf, char *name, ngx_array_t *items,
    size_t size, ngx_int_t (*bind)(void *item, void *state, ngx_uint_t fresh))
{
    ngx_str_t                      zname;
    ngx_uint_t                     i;
    ngx_shm_zone_t                *shm_zone;
    ngx_http_proxies_zone_t       *z;
    ngx_http_proxies_shm_item_t  **item;
    ngx_http_proxies_main_conf_t  *pmcf;

    pmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_proxies_module);

    z = ngx_pcalloc(cf->pool, sizeof(ngx_http_proxies_zone_t));
    if (z == NULL) {
        return NGX_ERROR;
    }

    z->items = items;
    z->size = size;
    z->bind = bind;

    zname.data = (u_char *) name;
    zname.len = ngx_strlen(name);

    shm_zone = ngx_shared_memory_add(cf, &zname, pmcf->zone_size,
                                     &ngx_http_proxies_module);
    if (shm_zone == NULL) {
        return NGX_ERROR;
    }

    shm_zone->init = ngx_http_proxies_shm_init;
    shm_zone->data = z;

    item = items->elts;

    for (i = 0; i < items->nelts; i++) {
        item[i]->zone = z;
    }

    return NGX_OK;
}


/*
 * On a reload the zone is the same memory: the records are found again
 * by name, so breaker states and active slots carry over.
 */

static ngx_int_t
ngx_http_proxies_shm_init(ngx_shm_zone_t *shm_zone, void *data)
{
    ngx_http_proxies_zone_t *oz = data;

    ngx_str_t                     *name;
    ngx_int_t                      rc;
    ngx_uint_t                     i, fresh;
    ngx_slab_pool_t               *shpool;
    ngx_http_proxies_zone_t       *z;
    ngx_http_proxies_shm_node_t   *node;
    ngx_http_proxies_shm_item_t  **item;

    z = shm_zone->data;
    shpool = (ngx_slab_pool_t *) shm_zone->shm.addr;

    if (oz) {
        z->sh = oz->sh;

    } else if (shm_zone->shm.exists) {
        z->sh = shpool->data;

    } else {
        z->sh = ngx_slab_alloc(shpool, sizeof(ngx_http_proxies_shm_t));
        if (z->sh == NULL) {
            return NGX_ERROR;
        }

        z->sh->head = NULL;
        shpool->data = z->sh;
    }

    z->shpool = shpool;
    rc = NGX_OK;

    item = z->items->elts;

    ngx_shmtx_lock(&shpool->mutex);

    for (i = 0; i < z->items->nelts; i++) {
        name = &item[i]->name;

        for (node = z->sh->head; node; node = node->next) {
            if (node->len == name->len
                && ngx_strncmp(node->name, name->data, name->len) == 0)
            {
                break;
            }
        }

        fresh = (node == NULL);

        if (fresh) {
            node = ngx_slab_calloc_locked(shpool,
                                          sizeof(ngx_http_proxies_shm_node_t)
                                          + z->size);
            if (node == NULL) {
                ngx_log_error(NGX_LOG_EMERG, shm_zone->shm.log, 0,
                              "proxies: zone \"%V\" is full, raise "
                              "\"proxies_zone_size\"", &shm_zone->shm.name);
                rc = NGX_ERROR;
                break;
            }

            ngx_memcpy(node->name, name->data, name->len);
            node->len = name->len;
            node->next = z->sh->head;
            z->sh->head = node;
        }

        rc = z->bind(item[i], node + 1, fresh);
        if (rc != NGX_OK) {
            break;
        }
    }

    ngx_shmtx_unlock(&shpool->mutex);

    return rc;
}


/*
 * Slot names get a fixed index in the record.  The file's "active" wins
 * over a flip only when the file changed it: a reload keeps a flip.
 */

static ngx_int_t
ngx_http_proxies_slots_bind(void *item, void *state, ngx_uint_t fresh)
{
    ngx_http_proxies_slot_group_t *g = item;
    ngx_http_proxies_slot_state_t *st = state;

    ngx_uint_t  i, n;

    g->state = st;

    for (i = 0; i < g->nslots; i++) {
        for (n = 0; n < st->nnames; n++) {
            if (ngx_strlen(st->names[n]) == g->slots[i].len
                && ngx_strncmp(st->names[n], g->slots[i].data,
                               g->slots[i].len)
                   == 0)
            {
                break;
            }
        }

        if (n == NGX_HTTP_PROXIES_SLOTS_MAX) {
            ngx_log_error(NGX_LOG_EMERG, ngx_cycle->log, 0,
                          "proxies: slot group \"%V\" has had more than %d "
                          "slot names; rename the group", &g->item.name,
                          NGX_HTTP_PROXIES_SLOTS_MAX);
            return NGX_ERROR;
        }

        if (n == st->nnames) {
            ngx_memcpy(st->names[n], g->slots[i].data, g->slots[i].len);
            st->nnames++;
        }

        g->index[i] = n;
    }

    return ngx_http_proxies_slots_declare(g, st);
}


static ngx_int_t
ngx_http_proxies_slots_declare(ngx_http_proxies_slot_group_t *g,
    ngx_http_proxies_slot_state_t *st)
{
    uint32_t     crc;
    ngx_str_t   *declared;
    ngx_uint_t   i;

    declared = &g->slots[g->active];

    /* what the file says: the active slot, and the weights by name */
    ngx_crc32_init(crc);
    ngx_crc32_update(&crc, declared->data, declared->len);

    for (i = 0; g->weighted && i < g->nslots; i++) {
        ngx_crc32_update(&crc, g->slots[i].data, g->slots[i].len);
        ngx_crc32_update(&crc, (u_char *) &g->weights[i],
                         sizeof(ngx_uint_t));
    }

    ngx_crc32_final(crc);

    if (st->declared_crc == crc) {
        for (i = 0; i < g->nslots; i++) {
            if (g->index[i] == st->active) {
                /* the flip stands */
                return NGX_OK;
            }
        }
    }

    st->declared_crc = crc;
    ngx_memzero(st->declared, NGX_HTTP_PROXIES_SLOT_NAME_LEN);
    ngx_memcpy(st->declared, declared->data, declared->len);

    for (i = 0; i < NGX_HTTP_PROXIES_SLOTS_MAX; i++) {
        st->weights[i] = 0;
    }

    for (i = 0; i < g->nslots; i++) {
        st->weights[g->index[i]] = g->weights[i];
    }

    st->weighted = g->weighted;
    st->active = g->index[g->active];
    st->generation++;
    st->changed = ngx_http_proxies_now();

    return NGX_OK;
}


/*
 * The admin API: a new active slot (weights off), or new weights
 * (ngx_uint_t per slot, in the group's order).
 */

ngx_int_t
ngx_http_proxies_slots_set(ngx_http_proxies_slot_group_t *g,
    ngx_str_t *active, ngx_uint_t *weights)
{
    ngx_int_t                       i;
    ngx_uint_t                      n;
    ngx_slab_pool_t                *shpool;
    ngx_http_proxies_slot_state_t  *st;

    st = g->state;
    shpool = g->item.zone->shpool;

    i = 0;

    if (active) {
        i = ngx_http_proxies_slots_index(g, active);
        if (i == NGX_ERROR) {
            return NGX_DECLINED;
        }
    }

    /* aligned word stores: a reader sees the old value or the new one */

    ngx_shmtx_lock(&shpool->mutex);

    if (active) {
        st->active = g->index[i];
        ngx_memory_barrier();
        st->weighted = 0;

    } else {
        for (n = 0; n < g->nslots; n++) {
            st->weights[g->index[n]] = weights[n];
        }

        ngx_memory_barrier();
        st->weighted = 1;
    }

    st->generation++;
    st->changed = ngx_http_proxies_now();

    ngx_shmtx_unlock(&shpool->mutex);

    return NGX_OK;
}


/* ------------------------------------------------------------ per request */

ngx_int_t
ngx_http_proxies_ext_choose(ngx_http_request_t *r, ngx_http_proxies_ctx_t *ctx)
{
    ngx_int_t  rc;

    ctx->breaker = NULL;
    ctx->probe = 0;

    if (ctx->match.proxy->slots) {
        rc = ngx_http_proxies_slots_choose(r, ctx);
        if (rc != NGX_OK) {
            return rc;
        }
    }

    if (ctx->match.proxy->breaker) {
        return ngx_http_proxies_breaker_admit(r, ctx);
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_proxies_slots_choose(ngx_http_request_t *r,
    ngx_http_proxies_ctx_t *ctx)
{
    ngx_int_t                       rc;
    ngx_str_t                       pin;
    ngx_uint_t                      i, idx;
    ngx_http_proxies_slots_t       *sl;
    ngx_http_proxies_slot_state_t  *st;
    ngx_http_proxies_slot_group_t  *g;

    sl = ctx->match.proxy->slots;
    g = sl->group;
    st = g->state;

    rc = ngx_http_proxies_slots_pinned(r, g, &pin);

    if (rc != NGX_DECLINED) {
        if (rc < 0) {
            return rc == NGX_ERROR ? NGX_HTTP_INTERNAL_SERVER_ERROR
                                   : NGX_HTTP_FORBIDDEN;
        }

        ngx_http_proxies_trace(r, ctx, "pinned-slot", &g->slots[rc]);

        ctx->action = &sl->actions[rc];
        return NGX_OK;
    }

    if (st->weighted) {
        i = ngx_http_proxies_slots_weighted(r, g, st);

    } else {
        idx = st->active;

        for (i = 0; i < g->nslots; i++) {
            if (g->index[i] == idx) {
                break;
            }
        }

        if (i == g->nslots) {
            i = g->active;
        }
    }

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "proxies: slot \"%V\" of \"%V\"", &g->slots[i],
                   &g->item.name);

    ngx_http_proxies_trace(r, ctx, "slot", &g->slots[i]);

    ctx->action = &sl->actions[i];

    return NGX_OK;
}


/*
 * A slot named by X-Proxies-Slot or the proxies_slot cookie: the slot's
 * position, NGX_DECLINED when none is named, NGX_ABORT when it is not
 * allowed here (or names no slot), NGX_ERROR.
 */

static ngx_int_t
ngx_http_proxies_slots_pinned(ngx_http_request_t *r,
    ngx_http_proxies_slot_group_t *g, ngx_str_t *name)
{
    ngx_int_t  rc, i;

    rc = ngx_http_proxies_slots_key(r, &ngx_http_proxies_pin_header,
                                    ngx_hash_key((u_char *) "x-proxies-slot",
                                        sizeof("x-proxies-slot") - 1),
                                    0, name);

    if (rc == NGX_DECLINED) {
        rc = ngx_http_proxies_slots_key(r, &ngx_http_proxies_pin_cookie, 0, 1,
                                        name);
    }

    if (rc != NGX_OK) {
        return rc;
    }

    rc = ngx_http_proxies_admin_allowed(r, 1);

    if (rc == NGX_ERROR) {
        return NGX_ERROR;
    }

    i = ngx_http_proxies_slots_index(g, name);

    if (rc != NGX_OK || i == NGX_ERROR) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "proxies: slot \"%V\" of \"%V\" asked for %s",
                      name, &g->item.name,
                      rc != NGX_OK ? "without permission" : "does not exist");
        return NGX_ABORT;
    }

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "proxies: slot \"%V\" of \"%V\" pinned", name,
                   &g->item.name);

    return i;
}


/* a slot by weight: the same one for the same sticky key */

static ngx_uint_t
ngx_http_proxies_slots_weighted(ngx_http_request_t *r,
    ngx_http_proxies_slot_group_t *g, ngx_http_proxies_slot_state_t *st)
{
    ngx_str_t   key;
    ngx_uint_t  i, total, w[NGX_HTTP_PROXIES_SLOTS_MAX], pick;

    total = 0;

    for (i = 0; i < g->nslots; i++) {
        w[i] = st->weights[g->index[i]];
        total += w[i];
    }

    if (total == 0) {
        return g->active;
    }

    if (g->sticky.len
        && ngx_http_proxies_slots_key(r, &g->sticky, g->sticky_hash,
                                      g->sticky_cookie, &key)
           == NGX_OK)
    {
        pick = ngx_crc32_short(key.data, key.len) % total;

    } else {
        pick = (ngx_uint_t) ngx_random() % total;
    }

    for (i = 0; i < g->nslots; i++) {
        if (pick < w[i]) {
            return i;
        }

        pick -= w[i];
    }

    return g->active;
}


/* a header (lower case name, its hash) or a cookie; NGX_DECLINED: none */

static ngx_int_t
ngx_http_proxies_slots_key(ngx_http_request_t *r, ngx_str_t *name,
    ngx_uint_t hash, ngx_flag_t cookie, ngx_str_t *value)
{
    ngx_uint_t        i;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

    if (cookie) {
        return ngx_http_parse_multi_header_lines(&r->headers_in.cookies, name,
                                                 value)
               == NGX_DECLINED ? NGX_DECLINED : NGX_OK;
    }

    part = &r->headers_in.headers.part;
    h = part->elts;

    for (i = 0; /* void */; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                return NGX_DECLINED;
            }

            part = part->next;
            h = part->elts;
            i = 0;
        }

        if (h[i].hash == hash && h[i].key.len == name->len
            && ngx_strncasecmp(h[i].lowcase_key, name->data, name->len) == 0)
        {
            *value = h[i].value;
            return NGX_OK;
        }
    }
}
