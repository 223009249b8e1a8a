
/*
 * ngx_proxies fuzz target: the circuit breaker state machine (breaker.c).
 *
 * Input: six bytes of settings, then operations, one or two bytes each:
 * a request admitted, a request in flight finished with some outcome,
 * the admin API forcing a state, the clock moving on, Retry-After asked.
 * After every step the state's invariants must hold (ngx_unit_cb_check()),
 * and admission must follow the documented rules: closed or forced
 * closed lets everything through, forced open nothing, open nothing
 * before openFor has passed.
 */


#include "ngx_unit.h"


#define NGX_FUZZ_INFLIGHT  8


static void ngx_fuzz_fail(ngx_unit_cb_t *b, const char *what);


/* an outcome: the status, and how the upstream module left it */
static ngx_uint_t  ngx_fuzz_outcomes[][2] = {
    { 200, NGX_UNIT_CB_ANSWERED },
    { 404, NGX_UNIT_CB_ANSWERED },
    { 500, NGX_UNIT_CB_ANSWERED },
    { 503, NGX_UNIT_CB_ANSWERED },
    { 504, NGX_UNIT_CB_NO_HEADER },
    { 502, NGX_UNIT_CB_NO_HEADER },
    { 0, NGX_UNIT_CB_NO_HEADER },
    { 499, NGX_UNIT_CB_STATUS },
    { 500, NGX_UNIT_CB_STATUS },
    { 200, NGX_UNIT_CB_STATUS },
    { 0, NGX_UNIT_CB_STATUS }
};


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    u_char                             op, arg;
    uint64_t                           now;
    ngx_int_t                          rc;
    ngx_str_t                          value;
    ngx_uint_t                         i, k, state, forced, inflight;
    ngx_unit_cb_t                     *b;
    ngx_unit_cb_req_t                 *rq;
    ngx_http_proxies_breaker_state_t  *st;

    if (size < 6) {
        return 0;
    }

    b = ngx_unit_cb_create();
    if (b == NULL) {
        return 0;
    }

    b->bm.consecutive = data[0] % 8;
    b->bm.ratio = (data[1] % 5) * 25;
    b->bm.window = 100 + (data[2] % 20) * 100;
    b->bm.minimum = 1 + data[3] % 10;
    b->bm.open_for = (data[4] % 8) * 500;
    b->bm.probes = 1 + data[5] % 4;

    rq = calloc(NGX_FUZZ_INFLIGHT, sizeof(ngx_unit_cb_req_t));

    if (rq == NULL || ngx_unit_cb_compile(b) != NGX_OK) {
        goto done;
    }

    st = b->cb->state;
    now = 1700000000000;
    inflight = 0;

    for (i = 6; i < size; i++) {
        op = data[i];
        arg = (i + 1 < size) ? data[++i] : 0;

        state = st->state;
        forced = st->forced;

        switch (op % 6) {

        case 0:
        case 1:
            now += arg;

            if (inflight == NGX_FUZZ_INFLIGHT) {
                break;
            }

            rc = ngx_unit_cb_admit(b, &rq[inflight], now);

            if (rc == NGX_ERROR) {
                ngx_fuzz_fail(b, "admitted neither way");
            }

            if ((forced == NGX_HTTP_PROXIES_FORCE_CLOSED
                 || (forced == NGX_HTTP_PROXIES_FORCE_NONE
                     && state == NGX_HTTP_PROXIES_CLOSED))
                && rc != NGX_OK)
            {
                ngx_fuzz_fail(b, "closed, and a request was refused");
            }

            if (forced == NGX_HTTP_PROXIES_FORCE_OPEN && rc == NGX_OK) {
                ngx_fuzz_fail(b, "forced open, and a request went through");
            }

            if (forced == NGX_HTTP_PROXIES_FORCE_NONE
                && state == NGX_HTTP_PROXIES_OPEN && now < st->open_until
                && rc == NGX_OK)
            {
                ngx_fuzz_fail(b, "open, and a request went through early");
            }

            if (rc == NGX_OK) {
                inflight++;
            }

            break;

        case 2:
        case 3:
            if (inflight == 0) {
                break;
            }

            k = arg % inflight;
            now += arg / 16;

            ngx_unit_cb_finish(b, &rq[k], now,
                               ngx_fuzz_outcomes[op / 6 % 11][0],
                               ngx_fuzz_outcomes[op / 6 % 11][1]);

            rq[k] = rq[--inflight];
            break;

        case 4:
            if (op & 0x80) {
                ngx_unit_cb_force(b, arg % 3, now);
            }

            now += (uint64_t) arg * 100;
            break;

        default:
            if (ngx_unit_cb_retry_after(b, now, &value) != NGX_OK
                || value.len == 0 || value.data[0] == '0'
                || value.data[0] == '-')
            {
                ngx_fuzz_fail(b, "Retry-After is not a positive number");
            }

            break;
        }

        if (ngx_unit_cb_check(b) != NULL) {
            ngx_fuzz_fail(b, ngx_unit_cb_check(b));
        }
    }

done:

    free(rq);
    ngx_unit_cb_destroy(b);

    return 0;
}


static void
ngx_fuzz_fail(ngx_unit_cb_t *b, const char *what)
{
    ngx_http_proxies_breaker_state_t  *st;

    st = b->cb->state;

    fprintf(stderr, "breaker: %s\n"
            "state %lu forced %lu probes %lu successes %lu consecutive %lu "
            "settings: consecutive %lu ratio %lu probes %lu\n",
            what, (unsigned long) st->state, (unsigned long) st->forced,
            (unsigned long) st->probes, (unsigned long) st->successes,
            (unsigned long) st->consecutive,
            (unsigned long) b->cb->consecutive,
            (unsigned long) b->cb->ratio, (unsigned long) b->cb->probes);
    abort();
}
