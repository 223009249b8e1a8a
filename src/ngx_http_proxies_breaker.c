
/*
 * ngx_proxies [extension]: circuit breakers (docs/resilience.md).
 *
 * A breaker is named (by default after its proxy) and its state is a
 * record in the "proxies_breakers" zone, shared by every worker and kept
 * across reloads.  Requests are admitted in the content phase; their
 * outcome is recorded in the log phase, from the upstream's state (a
 * connect error, a timeout, the status) or the final status of any other
 * action.  Closed: failures are counted, consecutive and per window.
 * Open: the backend gets nothing, the fallback serves.  When openFor has
 * passed, half-open: halfOpenProbes requests go through; all succeed and
 * it closes, one fails and it opens again.
 */


#include "ngx_http_proxies_ext.h"


static ngx_http_proxies_cb_t *ngx_http_proxies_breaker_get(
    ngx_http_proxies_cc_t *cc, ngx_http_proxies_breaker_model_t *bm,
    ngx_str_t *name);
static void ngx_http_proxies_breaker_configure(ngx_http_proxies_cb_t *cb,
    ngx_http_proxies_breaker_model_t *bm);
static ngx_int_t ngx_http_proxies_breaker_fallback(ngx_http_proxies_cc_t *cc,
    ngx_http_proxies_table_t *table, ngx_http_proxies_breaker_model_t *bm,
    ngx_http_proxies_breaker_t *b);
static ngx_int_t ngx_http_proxies_breaker_bind(void *item, void *state,
    ngx_uint_t fresh);
static ngx_int_t ngx_http_proxies_breaker_respond(ngx_http_request_t *r,
    ngx_http_proxies_ctx_t *ctx);
static ngx_int_t ngx_http_proxies_breaker_retry_after(ngx_http_request_t *r,
    ngx_http_proxies_cb_t *cb);
static ngx_int_t ngx_http_proxies_breaker_log(ngx_http_request_t *r);
static ngx_int_t ngx_http_proxies_breaker_failed(ngx_http_request_t *r,
    ngx_http_proxies_cb_t *cb);
static ngx_uint_t ngx_http_proxies_breaker_record(ngx_http_proxies_cb_t *cb,
    ngx_int_t failed, ngx_uint_t period, uint64_t now);
static ngx_flag_t ngx_http_proxies_breaker_ratio(ngx_http_proxies_cb_t *cb,
    uint64_t now);
static void ngx_http_proxies_breaker_set(ngx_http_proxies_cb_t *cb,
    ngx_uint_t state, uint64_t now);


static ngx_uint_t  ngx_http_proxies_default_statuses[] = { 500, 502, 503, 504 };

static const char  *ngx_http_proxies_breaker_states[] = {
    "closed", "open", "half-open"
};


uint64_t
ngx_http_proxies_now(void)
{
    ngx_time_t  *tp;

    tp = ngx_timeofday();

    return (uint64_t) tp->sec * 1000 + tp->msec;
}


ngx_int_t
ngx_http_proxies_breaker_compile(ngx_http_proxies_cc_t *cc,
    ngx_http_proxies_table_t *table, ngx_http_proxies_model_t *m,
    ngx_http_proxies_proxy_t *p)
{
    ngx_str_t                          *name;
    ngx_http_proxies_breaker_t         *b;
    ngx_http_proxies_breaker_model_t   *bm;

    bm = m->breaker;

    ngx_str_set(&cc->field, "circuitBreaker");

    name = ngx_http_proxies_ext_name(cc, &bm->name, "name");
    if (name == NULL) {
        return NGX_ERROR;
    }

    b = ngx_pcalloc(cc->pool, sizeof(ngx_http_proxies_breaker_t));
    if (b == NULL) {
        return NGX_ERROR;
    }

    b->cb = ngx_http_proxies_breaker_get(cc, bm, name);
    if (b->cb == NULL) {
        return NGX_ERROR;
    }

    if (ngx_http_proxies_breaker_fallback(cc, table, bm, b) != NGX_OK) {
        return NGX_ERROR;
    }

    p->breaker = b;

    return NGX_OK;
}


/* a breaker named by several proxies takes its settings from one */

static ngx_http_proxies_cb_t *
ngx_http_proxies_breaker_get(ngx_http_proxies_cc_t *cc,
    ngx_http_proxies_breaker_model_t *bm, ngx_str_t *name)
{
    ngx_http_proxies_cb_t         *cb;
    ngx_http_proxies_main_conf_t  *pmcf;

    pmcf = cc->pmcf;
    cb = ngx_http_proxies_shm_find(pmcf->breakers, name);

    if (cb && cb->owner.len && bm->settings) {
        (void) ngx_http_proxies_cc_error(cc, "breaker \"%V\" is configured "
                                         "by proxy \"%V\"; give only "
                                         "\"name\" and \"fallback\" here",
                                         name, &cb->owner);
        return NULL;
    }

    if (cb == NULL) {
        cb = ngx_http_proxies_shm_item_add(cc->pool, &pmcf->breakers,
                                           sizeof(ngx_http_proxies_cb_t),
                                           name);
        if (cb == NULL) {
            return NULL;
        }

        ngx_http_proxies_breaker_configure(cb, bm);
    }

    if (bm->settings) {
        ngx_http_proxies_breaker_configure(cb, bm);
        cb->owner = cc->proxy->name;
    }

    return cb;
}


static void
ngx_http_proxies_breaker_configure(ngx_http_proxies_cb_t *cb,
    ngx_http_proxies_breaker_model_t *bm)
{
    cb->connect_error = (bm->connect_error != 0);
    cb->timeout = (bm->timeout != 0);

    if (bm->statuses) {
        cb->statuses = bm->statuses->elts;
        cb->nstatuses = bm->statuses->nelts;

    } else {
        cb->statuses = ngx_http_proxies_default_statuses;
        cb->nstatuses = sizeof(ngx_http_proxies_default_statuses)
                        / sizeof(ngx_uint_t);
    }

    /* with only a ratio given, consecutive failures do not count */
    cb->consecutive = bm->consecutive >= 0 ? (ngx_uint_t) bm->consecutive
                      : (bm->ratio > 0 ? 0 : 5);
    cb->ratio = bm->ratio > 0 ? (ngx_uint_t) bm->ratio : 0;
    cb->window = bm->window != NGX_CONF_UNSET_MSEC ? bm->window : 10000;
    cb->minimum = bm->minimum > 0 ? (ngx_uint_t) bm->minimum : 20;
    cb->open_for = bm->open_for != NGX_CONF_UNSET_MSEC ? bm->open_for
                                                       : 30000;
    cb->probes = bm->probes > 0 ? (ngx_uint_t) bm->probes : 1;
}


/*
 * While open: another backend (compiled like any backendUri), or a
 * static response, by default a plain 503; it carries Retry-After (and
 * is sent here, as nginx's error pages drop every header).
 */

static ngx_int_t
ngx_http_proxies_breaker_fallback(ngx_http_proxies_cc_t *cc,
    ngx_http_proxies_table_t *table, ngx_http_proxies_breaker_model_t *bm,
    ngx_http_proxies_breaker_t *b)
{
    if (bm->fallback.uri.len) {
        ngx_str_set(&cc->field, "circuitBreaker.fallback.backendUri");

        b->has_action = 1;
        b->monolith = bm->fallback.monolith;

        return ngx_http_proxies_compile_action(cc, table, &bm->fallback.uri,
                                               &b->action);
    }

    b->action.kind = NGX_HTTP_PROXIES_ACTION_STATIC;
    b->action.handler = ngx_http_proxies_breaker_respond;
    b->status = bm->fb_status ? bm->fb_status : NGX_HTTP_SERVICE_UNAVAILABLE;
    b->body = bm->fb_body;
    b->headers = bm->fb_headers;

    if (bm->fb_status == 0) {
        ngx_str_set(&b->body, "503 Service Unavailable\n");
    }

    return NGX_OK;
}


/* the zone and the log-phase handler, when any breaker is configured */

ngx_int_t
ngx_http_proxies_breaker_init(ngx_conf_t *cf,
    ngx_http_proxies_main_conf_t *pmcf)
{
    ngx_http_handler_pt        *h;
    ngx_http_core_main_conf_t  *cmcf;

    if (pmcf->breakers == NULL) {
        return NGX_OK;
    }

    if (ngx_http_proxies_shm_add(cf, "proxies_breakers", pmcf->breakers,
                                 sizeof(ngx_http_proxies_breaker_state_t),
                                 ngx_http_proxies_breaker_bind)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_LOG_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    *h = ngx_http_proxies_breaker_log;

    return NGX_OK;
}


static ngx_int_t
ngx_http_proxies_breaker_bind(void *item, void *state, ngx_uint_t fresh)
{
    ngx_http_proxies_cb_t *cb = item;

    /* a fresh record is zeroed: closed, nothing counted */
    cb->state = state;

    return NGX_OK;
}


/* ------------------------------------------------------------ per request */

ngx_int_t
ngx_http_proxies_breaker_admit(ngx_http_request_t *r,
    ngx_http_proxies_ctx_t *ctx)
{
    uint64_t                           now;
    ngx_flag_t                         pass;
    ngx_slab_pool_t                   *shpool;
    ngx_http_proxies_cb_t             *cb;
    ngx_http_proxies_breaker_t        *b;
    ngx_http_proxies_breaker_state_t  *st;

    b = ctx->match.proxy->breaker;
    cb = b->cb;
    st = cb->state;

    /* the common case takes no lock: a stale read only delays by one */
    if (st->state == NGX_HTTP_PROXIES_CLOSED
        && st->forced == NGX_HTTP_PROXIES_FORCE_NONE)
    {
        ctx->breaker = b;
        return NGX_OK;
    }

    shpool = cb->item.zone->shpool;
    now = ngx_http_proxies_now();
    pass = 0;

    ngx_shmtx_lock(&shpool->mutex);

    if (st->forced == NGX_HTTP_PROXIES_FORCE_CLOSED) {
        pass = 1;

    } else if (st->forced == NGX_HTTP_PROXIES_FORCE_OPEN) {
        pass = 0;

    } else if (st->state == NGX_HTTP_PROXIES_CLOSED) {
        pass = 1;

    } else {
        /* half-open when the time is up, or when probes got lost */
        if ((st->state == NGX_HTTP_PROXIES_OPEN && now >= st->open_until)
            || (st->state == NGX_HTTP_PROXIES_HALF_OPEN
                && now >= st->changed + cb->open_for))
        {
            st->state = NGX_HTTP_PROXIES_HALF_OPEN;
            st->changed = now;
            st->probes = 0;
            st->successes = 0;
            st->half_opens++;
        }

        if (st->state == NGX_HTTP_PROXIES_HALF_OPEN
            && st->probes < cb->probes)
        {
            st->probes++;
            ctx->probe = 1;
            ctx->probe_period = st->half_opens;
            pass = 1;
        }
    }

    if (!pass) {
        st->rejected++;
    }

    ngx_shmtx_unlock(&shpool->mutex);

    if (pass) {
        ngx_log_debug2(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "proxies: breaker \"%V\" lets through%s",
                       &cb->item.name, ctx->probe ? " a probe" : "");

        ctx->breaker = b;
        return NGX_OK;
    }

    ngx_http_proxies_trace(r, ctx, "circuit-breaker-open",
                           &cb->item.name);

    ctx->action = &b->action;

    return NGX_OK;
}


static ngx_int_t
ngx_http_proxies_breaker_respond(ngx_http_request_t *r,
    ngx_http_proxies_ctx_t *ctx)
{
    ngx_int_t                       rc;
    ngx_uint_t                      i;
    ngx_table_elt_t                *h;
    ngx_http_proxies_breaker_t     *b;
    ngx_http_proxies_ext_header_t  *eh;

    b = ctx->match.proxy->breaker;

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    if (ngx_http_proxies_breaker_retry_after(r, b->cb) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_str_set(&r->headers_out.content_type, "text/plain");
    r->headers_out.content_type_len = r->headers_out.content_type.len;

    eh = b->headers.elts;

    for (i = 0; i < b->headers.nelts; i++) {
        h = ngx_list_push(&r->headers_out.headers);
        if (h == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        h->hash = 1;
        h->key = eh[i].name;
        h->value = eh[i].value;

        if (eh[i].name.len == sizeof("Content-Type") - 1
            && ngx_strncasecmp(eh[i].name.data, (u_char *) "Content-Type",
                               eh[i].name.len)
               == 0)
        {
            h->hash = 0;
            r->headers_out.content_type = eh[i].value;
            r->headers_out.content_type_len = eh[i].value.len;
        }
    }

    r->headers_out.status = b->status;

    return ngx_http_proxies_send(r, &b->body);
}


/* the seconds until the breaker lets a probe through, at least 1 */

static ngx_int_t
ngx_http_proxies_breaker_retry_after(ngx_http_request_t *r,
    ngx_http_proxies_cb_t *cb)
{
    uint64_t          now, until, secs;
    ngx_table_elt_t  *h;

    now = ngx_http_proxies_now();
    until = cb->state->open_until;

    if (cb->state->forced == NGX_HTTP_PROXIES_FORCE_OPEN || until < now) {
        until = now + cb->open_for;
    }

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    h->value.data = ngx_pnalloc(r->pool, NGX_TIME_T_LEN);
    if (h->value.data == NULL) {
        return NGX_ERROR;
    }

    h->hash = 1;
    ngx_str_set(&h->key, "Retry-After");
    secs = (until - now + 999) / 1000;

    h->value.len = ngx_sprintf(h->value.data, "%uL", secs ? secs : 1)
                   - h->value.data;

    return NGX_OK;
}


/* --------------------------------------------------------------- outcome */

static ngx_int_t
ngx_http_proxies_breaker_log(ngx_http_request_t *r)
{
    uint64_t                 now;
    ngx_int_t                failed;
    ngx_uint_t               change;
    ngx_http_proxies_cb_t   *cb;
    ngx_http_proxies_ctx_t  *ctx;

    ctx = ngx_http_proxies_get_ctx(r);

    if (ctx == NULL || ctx->breaker == NULL) {
        return NGX_OK;
    }

    cb = ctx->breaker->cb;
    failed = ngx_http_proxies_breaker_failed(r, cb);
    now = ngx_http_proxies_now();

    ngx_shmtx_lock(&cb->item.zone->shpool->mutex);
    change = ngx_http_proxies_breaker_record(cb, failed,
                                             ctx->probe ? ctx->probe_period
                                                        : 0,
                                             now);
    ngx_shmtx_unlock(&cb->item.zone->shpool->mutex);

    ctx->breaker = NULL;

    if (change != (ngx_uint_t) -1) {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "proxies: circuit breaker \"%V\" is %s",
                      &cb->item.name, ngx_http_proxies_breaker_states[change]);
    }

    return NGX_OK;
}


/*
 * 1: a failure, 0: a success, -1: neither (the client went away).
 * Without a response header from the backend, 504 is a timeout and any
 * other status a connect error (refused, reset, closed early).
 */

static ngx_int_t
ngx_http_proxies_breaker_failed(ngx_http_request_t *r,
    ngx_http_proxies_cb_t *cb)
{
    ngx_uint_t                 i, status;
    ngx_http_upstream_state_t  *us;

    status = r->headers_out.status;

    if (r->upstream_states && r->upstream_states->nelts) {
        us = r->upstream_states->elts;
        us = &us[r->upstream_states->nelts - 1];

        if (us->header_time == (ngx_msec_t) -1 || us->status == 0) {
            if (us->status == NGX_HTTP_GATEWAY_TIME_OUT) {
                return cb->timeout;
            }

            if (us->status == 0 || r->connection->error) {
                return -1;
            }

            return cb->connect_error;
        }

        status = us->status;
    }

    if (status == 0 || status == NGX_HTTP_CLIENT_CLOSED_REQUEST) {
        return -1;
    }

    for (i = 0; i < cb->nstatuses; i++) {
        if (cb->statuses[i] == status) {
            return 1;
        }
    }

    return 0;
}


/*
 * Under the mutex; period: the half-open period a probe was let through
 * in, 0 for any other request.  Returns the new state, or -1 when it did
 * not change.
 */

static ngx_uint_t
ngx_http_proxies_breaker_record(ngx_http_proxies_cb_t *cb, ngx_int_t failed,
    ngx_uint_t period, uint64_t now)
{
    uint64_t                           width, start;
    ngx_uint_t                         k;
    ngx_http_proxies_breaker_state_t  *st;

    st = cb->state;

    if (period) {
        /*
         * a probe given up as lost answers late: its period is over and
         * its place was taken, so only the current period's probes decide
         */
        if (st->state != NGX_HTTP_PROXIES_HALF_OPEN
            || period != st->half_opens)
        {
            return (ngx_uint_t) -1;
        }

        if (failed == 1) {
            ngx_http_proxies_breaker_set(cb, NGX_HTTP_PROXIES_OPEN, now);
            return NGX_HTTP_PROXIES_OPEN;
        }

        if (failed == -1) {
            /* undecided: another request may probe in its place */
            st->probes--;
            return (ngx_uint_t) -1;
        }

        if (++st->successes < cb->probes) {
            return (ngx_uint_t) -1;
        }

        ngx_http_proxies_breaker_set(cb, NGX_HTTP_PROXIES_CLOSED, now);
        return NGX_HTTP_PROXIES_CLOSED;
    }

    if (st->state != NGX_HTTP_PROXIES_CLOSED || failed == -1) {
        /* answers to requests let through before it opened */
        return (ngx_uint_t) -1;
    }

    width = cb->window / NGX_HTTP_PROXIES_BUCKETS;
    width = width ? width : 1;
    start = now - now % width;
    k = (now / width) % NGX_HTTP_PROXIES_BUCKETS;

    if (st->bucket_start[k] != start) {
        st->bucket_start[k] = start;
        st->total[k] = 0;
        st->failures[k] = 0;
    }

    st->total[k]++;
    st->failures[k] += failed;
    st->consecutive = failed ? st->consecutive + 1 : 0;

    if (st->forced != NGX_HTTP_PROXIES_FORCE_NONE) {
        return (ngx_uint_t) -1;
    }

    if ((cb->consecutive && st->consecutive >= cb->consecutive)
        || (failed && ngx_http_proxies_breaker_ratio(cb, now)))
    {
        ngx_http_proxies_breaker_set(cb, NGX_HTTP_PROXIES_OPEN, now);
        return NGX_HTTP_PROXIES_OPEN;
    }

    return (ngx_uint_t) -1;
}


static ngx_flag_t
ngx_http_proxies_breaker_ratio(ngx_http_proxies_cb_t *cb, uint64_t now)
{
    ngx_uint_t                         k, total, failures;
    ngx_http_proxies_breaker_state_t  *st;

    if (cb->ratio == 0) {
        return 0;
    }

    st = cb->state;
    total = 0;
    failures = 0;

    for (k = 0; k < NGX_HTTP_PROXIES_BUCKETS; k++) {
        if (st->bucket_start[k] + cb->window > now) {
            total += st->total[k];
            failures += st->failures[k];
        }
    }

    return total >= cb->minimum && failures * 100 >= cb->ratio * total;
}


/* open or closed, counting from zero */

static void
ngx_http_proxies_breaker_set(ngx_http_proxies_cb_t *cb, ngx_uint_t state,
    uint64_t now)
{
    ngx_http_proxies_breaker_state_t  *st;

    st = cb->state;

    st->state = state;
    st->changed = now;
    st->consecutive = 0;
    st->probes = 0;
    st->successes = 0;

    ngx_memzero(st->bucket_start, sizeof(st->bucket_start));
    ngx_memzero(st->total, sizeof(st->total));
    ngx_memzero(st->failures, sizeof(st->failures));

    if (state == NGX_HTTP_PROXIES_OPEN) {
        st->open_until = now + cb->open_for;
        st->opened++;

    } else {
        st->open_until = 0;
    }
}


/* the admin API: force open, force closed, or back to normal (reset) */

void
ngx_http_proxies_breaker_force(ngx_http_proxies_cb_t *cb, ngx_uint_t force)
{
    uint64_t  now;

    now = ngx_http_proxies_now();

    ngx_shmtx_lock(&cb->item.zone->shpool->mutex);

    cb->state->forced = force;

    ngx_http_proxies_breaker_set(cb, force == NGX_HTTP_PROXIES_FORCE_OPEN
                                     ? NGX_HTTP_PROXIES_OPEN
                                     : NGX_HTTP_PROXIES_CLOSED, now);

    ngx_shmtx_unlock(&cb->item.zone->shpool->mutex);
}


const char *
ngx_http_proxies_breaker_state_name(ngx_uint_t state)
{
    return ngx_http_proxies_breaker_states[state];
}


/*
 * The state the next request finds: the record turns half-open only when
 * a request comes after openFor, but a breaker whose openFor is over is
 * half-open already, requests or not.
 */

ngx_uint_t
ngx_http_proxies_breaker_state_at(ngx_http_proxies_breaker_state_t *st,
    uint64_t now)
{
    if (st->state == NGX_HTTP_PROXIES_OPEN
        && st->forced == NGX_HTTP_PROXIES_FORCE_NONE
        && now >= st->open_until)
    {
        return NGX_HTTP_PROXIES_HALF_OPEN;
    }

    return st->state;
}
