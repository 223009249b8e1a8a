
/*
 * ngx_proxies unit tests: a circuit breaker to drive.
 *
 * The state machine of breaker.c is spread over static functions (the
 * admission in the content phase, the outcome in the log phase), so the
 * file is compiled here as part of this one, and each step is called as
 * nginx would call it: no copy of the logic, no change to the module.
 * The shared zone's mutex is a no-op (ngx_unit_core.c), and the clock is
 * ngx_unit_set_time().
 */


#include "ngx_http_proxies_breaker.c"

#include "ngx_unit.h"


ngx_unit_cb_t *
ngx_unit_cb_create(void)
{
    ngx_unit_cb_t  *b;

    b = calloc(1, sizeof(ngx_unit_cb_t));
    if (b == NULL) {
        return NULL;
    }

    b->env = ngx_unit_env_create();
    if (b->env == NULL) {
        free(b);
        return NULL;
    }

    /* what model.c leaves when a key is not given */
    b->bm.connect_error = -1;
    b->bm.timeout = -1;
    b->bm.consecutive = -1;
    b->bm.ratio = -1;
    b->bm.window = NGX_CONF_UNSET_MSEC;
    b->bm.minimum = -1;
    b->bm.open_for = NGX_CONF_UNSET_MSEC;
    b->bm.probes = -1;

    return b;
}


ngx_int_t
ngx_unit_cb_compile(ngx_unit_cb_t *b)
{
    ngx_http_proxies_model_t  *m;

    m = &b->env->model;
    m->breaker = &b->bm;
    ngx_str_set(&b->proxy.name, "unit");

    if (ngx_array_init(&b->bm.fb_headers, b->env->pool, 1,
                       sizeof(ngx_http_proxies_ext_header_t))
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    /* every compile names a new breaker, with the settings given */
    b->env->pmcf.breakers = NULL;
    b->bm.settings = 1;

    if (ngx_http_proxies_breaker_compile(&b->env->cc, &b->env->table, m,
                                         &b->proxy)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    b->cb = b->proxy.breaker->cb;

    ngx_memzero(&b->state, sizeof(ngx_http_proxies_breaker_state_t));

    b->zone.shpool = &b->shpool;
    b->cb->item.zone = &b->zone;

    return ngx_http_proxies_breaker_bind(b->cb, &b->state, 1);
}


void
ngx_unit_cb_destroy(ngx_unit_cb_t *b)
{
    ngx_unit_env_destroy(b->env);
    free(b);
}


static void
ngx_unit_cb_request(ngx_unit_cb_t *b, ngx_unit_cb_req_t *rq)
{
    ngx_memzero(rq, sizeof(ngx_unit_cb_req_t));

    rq->c.log = &b->env->log;
    rq->r.connection = &rq->c;
    rq->r.pool = b->env->pool;
    rq->ctx.request = &rq->r;
    rq->ctx.match.proxy = &b->proxy;
    rq->ctx.action = &b->proxy.action;
}


ngx_int_t
ngx_unit_cb_admit(ngx_unit_cb_t *b, ngx_unit_cb_req_t *rq, uint64_t now)
{
    ngx_unit_cb_request(b, rq);
    ngx_unit_set_time(now);

    (void) ngx_http_proxies_breaker_admit(&rq->r, &rq->ctx);

    if (rq->ctx.breaker == NULL) {
        return (rq->ctx.action == &b->proxy.breaker->action) ? NGX_DECLINED
                                                             : NGX_ERROR;
    }

    return NGX_OK;
}


static void
ngx_unit_cb_outcome(ngx_unit_cb_req_t *rq, ngx_uint_t status,
    ngx_uint_t upstream)
{
    rq->r.headers_out.status = status;

    if (upstream == NGX_UNIT_CB_STATUS) {
        rq->r.upstream_states = NULL;
        return;
    }

    rq->states.elts = &rq->us;
    rq->states.nelts = 1;
    rq->states.size = sizeof(ngx_http_upstream_state_t);
    rq->states.nalloc = 1;
    rq->r.upstream_states = &rq->states;

    rq->us.status = status;
    rq->us.header_time = (upstream == NGX_UNIT_CB_NO_HEADER)
                         ? (ngx_msec_t) -1 : 10;
}


void
ngx_unit_cb_finish(ngx_unit_cb_t *b, ngx_unit_cb_req_t *rq, uint64_t now,
    ngx_uint_t status, ngx_uint_t upstream)
{
    ngx_unit_cb_outcome(rq, status, upstream);
    ngx_unit_set_time(now);

    ngx_unit_ctx = &rq->ctx;
    (void) ngx_http_proxies_breaker_log(&rq->r);
    ngx_unit_ctx = NULL;
}


ngx_int_t
ngx_unit_cb_failed(ngx_unit_cb_t *b, ngx_uint_t status, ngx_uint_t upstream,
    ngx_uint_t client_error)
{
    ngx_unit_cb_req_t  rq;

    ngx_unit_cb_request(b, &rq);
    ngx_unit_cb_outcome(&rq, status, upstream);
    rq.c.error = client_error;

    return ngx_http_proxies_breaker_failed(&rq.r, b->cb);
}


void
ngx_unit_cb_force(ngx_unit_cb_t *b, ngx_uint_t force, uint64_t now)
{
    ngx_unit_set_time(now);
    ngx_http_proxies_breaker_force(b->cb, force);
}


ngx_int_t
ngx_unit_cb_retry_after(ngx_unit_cb_t *b, uint64_t now, ngx_str_t *value)
{
    ngx_table_elt_t    *h;
    ngx_unit_cb_req_t   rq;

    ngx_unit_cb_request(b, &rq);
    ngx_unit_set_time(now);

    if (ngx_list_init(&rq.r.headers_out.headers, b->env->pool, 2,
                      sizeof(ngx_table_elt_t))
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (ngx_http_proxies_breaker_retry_after(&rq.r, b->cb) != NGX_OK) {
        return NGX_ERROR;
    }

    h = rq.r.headers_out.headers.part.elts;

    if (rq.r.headers_out.headers.part.nelts != 1
        || h->key.len != sizeof("Retry-After") - 1)
    {
        return NGX_ERROR;
    }

    *value = h->value;

    return NGX_OK;
}


char *
ngx_unit_cb_check(ngx_unit_cb_t *b)
{
    ngx_uint_t                         k;
    ngx_http_proxies_cb_t             *cb;
    ngx_http_proxies_breaker_state_t  *st;

    cb = b->cb;
    st = cb->state;

    if (st->state > NGX_HTTP_PROXIES_HALF_OPEN
        || st->forced > NGX_HTTP_PROXIES_FORCE_CLOSED)
    {
        return "state or forced out of range";
    }

    if (st->state == NGX_HTTP_PROXIES_OPEN
        && st->open_until != st->changed + cb->open_for)
    {
        return "open, but not until openFor after it opened";
    }

    /* half-open keeps the time it was open until: the admin API shows it */
    if (st->state == NGX_HTTP_PROXIES_CLOSED && st->open_until != 0) {
        return "closed, with a time to open until";
    }

    if (st->state == NGX_HTTP_PROXIES_HALF_OPEN
        && (st->probes > cb->probes || st->successes >= cb->probes))
    {
        return "half-open, with more probes or successes than it takes";
    }

    if (st->state != NGX_HTTP_PROXIES_HALF_OPEN
        && (st->probes || st->successes))
    {
        return "probes counted while not half-open";
    }

    if (st->state == NGX_HTTP_PROXIES_CLOSED
        && st->forced == NGX_HTTP_PROXIES_FORCE_NONE
        && cb->consecutive && st->consecutive >= cb->consecutive)
    {
        return "closed after enough consecutive failures to open";
    }

    if (st->state == NGX_HTTP_PROXIES_OPEN
        && st->forced == NGX_HTTP_PROXIES_FORCE_CLOSED)
    {
        return "open while forced closed";
    }

    if (st->state != NGX_HTTP_PROXIES_OPEN
        && st->forced == NGX_HTTP_PROXIES_FORCE_OPEN)
    {
        return "not open while forced open";
    }

    for (k = 0; k < NGX_HTTP_PROXIES_BUCKETS; k++) {
        if (st->failures[k] > st->total[k]) {
            return "more failures than requests in a bucket";
        }
    }

    return NULL;
}
