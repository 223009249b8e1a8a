
/*
 * ngx_proxies unit tests: the circuit breaker state machine
 * (breaker.c, docs/resilience.md): closed, open, half-open, forced; what
 * counts as a failure; Retry-After.
 */


#include "ngx_unit.h"


#define CLOSED     NGX_HTTP_PROXIES_CLOSED
#define OPEN       NGX_HTTP_PROXIES_OPEN
#define HALF_OPEN  NGX_HTTP_PROXIES_HALF_OPEN

#define STATUS     NGX_UNIT_CB_STATUS
#define ANSWERED   NGX_UNIT_CB_ANSWERED
#define NO_HEADER  NGX_UNIT_CB_NO_HEADER


static void ngx_unit_breaker_defaults(void);
static void ngx_unit_breaker_consecutive(void);
static void ngx_unit_breaker_half_open(void);
static void ngx_unit_breaker_probes(void);
static void ngx_unit_breaker_lost(void);
static void ngx_unit_breaker_late_probe(void);
static void ngx_unit_breaker_ratio(void);
static void ngx_unit_breaker_late(void);
static void ngx_unit_breaker_forced(void);
static void ngx_unit_breaker_failed(void);
static void ngx_unit_breaker_retry_after(void);
static ngx_unit_cb_t *ngx_unit_breaker_replaced(ngx_unit_cb_req_t *lost,
    ngx_unit_cb_req_t *probe);
static ngx_int_t ngx_unit_breaker_run(ngx_unit_cb_t *b, uint64_t now,
    ngx_uint_t status, ngx_uint_t n);
static ngx_int_t ngx_unit_breaker_state(ngx_unit_cb_t *b, ngx_uint_t state,
    const char *what);


void
ngx_unit_breaker_suite(void)
{
    ngx_unit_breaker_defaults();
    ngx_unit_breaker_consecutive();
    ngx_unit_breaker_half_open();
    ngx_unit_breaker_probes();
    ngx_unit_breaker_lost();
    ngx_unit_breaker_late_probe();
    ngx_unit_breaker_ratio();
    ngx_unit_breaker_late();
    ngx_unit_breaker_forced();
    ngx_unit_breaker_failed();
    ngx_unit_breaker_retry_after();
}


static void
ngx_unit_breaker_defaults(void)
{
    ngx_unit_cb_t          *b;
    ngx_http_proxies_cb_t  *cb;

    b = ngx_unit_cb_create();

    if (!ngx_unit_ok(ngx_unit_cb_compile(b) == NGX_OK,
                     "breaker: compiles with nothing given"))
    {
        ngx_unit_cb_destroy(b);
        return;
    }

    cb = b->cb;

    ngx_unit_ok(cb->consecutive == 5 && cb->ratio == 0
                && cb->window == 10000 && cb->minimum == 20
                && cb->open_for == 30000 && cb->probes == 1
                && cb->connect_error && cb->timeout,
                "breaker defaults: 5 in a row, 30 s open, 1 probe");

    ngx_unit_ok(cb->nstatuses == 4 && cb->statuses[0] == 500
                && cb->statuses[3] == 504,
                "breaker defaults: 500, 502, 503, 504 are failures");

    ngx_unit_ok(b->proxy.breaker->status == 503
                && b->proxy.breaker->body.len,
                "breaker defaults: the fallback is a 503");

    ngx_unit_ok(ngx_unit_cb_check(b) == NULL && b->state.state == CLOSED,
                "breaker: a fresh state is closed");

    b->bm.ratio = 50;
    (void) ngx_unit_cb_compile(b);

    ngx_unit_ok(b->cb->consecutive == 0 && b->cb->ratio == 50,
                "breaker: with only a ratio, consecutive failures do not "
                "count");

    b->bm.consecutive = 3;
    b->bm.connect_error = 0;
    b->bm.timeout = 0;
    (void) ngx_unit_cb_compile(b);

    ngx_unit_ok(b->cb->consecutive == 3 && b->cb->ratio == 50
                && !b->cb->connect_error && !b->cb->timeout,
                "breaker: both given, both count");

    ngx_unit_cb_destroy(b);
}


static void
ngx_unit_breaker_consecutive(void)
{
    ngx_unit_cb_t  *b;

    b = ngx_unit_cb_create();
    (void) ngx_unit_cb_compile(b);

    (void) ngx_unit_breaker_run(b, 1000, 502, 4);
    (void) ngx_unit_breaker_run(b, 1000, 200, 1);
    (void) ngx_unit_breaker_run(b, 1000, 503, 4);

    ngx_unit_breaker_state(b, CLOSED, "4 failures, a success, 4 failures");

    (void) ngx_unit_breaker_run(b, 1001, 404, 1);
    (void) ngx_unit_breaker_run(b, 1002, 500, 4);

    ngx_unit_breaker_state(b, CLOSED, "a 404 is a success");

    (void) ngx_unit_breaker_run(b, 2000, 504, 1);

    ngx_unit_breaker_state(b, OPEN, "the 5th failure in a row");

    ngx_unit_ok(b->state.opened == 1 && b->state.open_until == 32000,
                "open for 30 s, counted once");

    ngx_unit_ok(ngx_unit_breaker_run(b, 31999, 200, 3) == 0
                && b->state.rejected == 3,
                "open: requests go to the fallback, and are counted");

    ngx_unit_breaker_state(b, OPEN, "fallback answers do not count");

    ngx_unit_cb_destroy(b);
}


static void
ngx_unit_breaker_half_open(void)
{
    ngx_unit_cb_t      *b;
    ngx_unit_cb_req_t   probe, other, late;

    b = ngx_unit_cb_create();
    (void) ngx_unit_cb_compile(b);

    (void) ngx_unit_breaker_run(b, 0, 500, 5);

    ngx_unit_ok(ngx_unit_cb_admit(b, &probe, 30000) == NGX_OK
                && probe.ctx.probe,
                "half-open: when openFor has passed, a probe goes through");

    ngx_unit_breaker_state(b, HALF_OPEN, "after openFor");

    ngx_unit_ok(ngx_unit_cb_admit(b, &other, 30001) == NGX_DECLINED,
                "half-open: only halfOpenProbes requests go through");

    ngx_unit_cb_finish(b, &probe, 30100, 0, STATUS);

    ngx_unit_ok(b->state.probes == 0 && b->state.state == HALF_OPEN,
                "half-open: an undecided probe frees its place");

    ngx_unit_ok(ngx_unit_cb_admit(b, &probe, 30200) == NGX_OK
                && probe.ctx.probe,
                "half-open: another request probes");

    ngx_unit_cb_finish(b, &probe, 30300, 503, ANSWERED);

    ngx_unit_breaker_state(b, OPEN, "a failed probe opens it again");

    ngx_unit_ok(b->state.opened == 2 && b->state.open_until == 60300,
                "open again, for openFor from the failed probe");

    /* lost probes: nothing comes back for openFor */

    ngx_unit_ok(ngx_unit_cb_admit(b, &late, 60300) == NGX_OK
                && late.ctx.probe,
                "half-open again at the new time");

    ngx_unit_ok(ngx_unit_cb_admit(b, &other, 90299) == NGX_DECLINED,
                "half-open: the probe is not yet given up");

    ngx_unit_ok(ngx_unit_cb_admit(b, &probe, 90300) == NGX_OK
                && probe.ctx.probe,
                "half-open: a probe lost for openFor is replaced");

    ngx_unit_cb_finish(b, &probe, 90400, 200, ANSWERED);

    ngx_unit_breaker_state(b, CLOSED, "a successful probe closes it");

    ngx_unit_ok(b->state.consecutive == 0 && b->state.total[0] == 0
                && b->state.open_until == 0,
                "closed: counting from zero");

    ngx_unit_cb_finish(b, &late, 90500, 200, ANSWERED);

    ngx_unit_breaker_state(b, CLOSED, "a late probe's answer changes "
                           "nothing");

    ngx_unit_cb_destroy(b);
}


static void
ngx_unit_breaker_probes(void)
{
    ngx_uint_t          i;
    ngx_unit_cb_t      *b;
    ngx_unit_cb_req_t   rq[4];

    b = ngx_unit_cb_create();
    b->bm.probes = 3;
    b->bm.consecutive = 1;
    b->bm.open_for = 1000;
    (void) ngx_unit_cb_compile(b);

    (void) ngx_unit_breaker_run(b, 0, 500, 1);

    ngx_unit_breaker_state(b, OPEN, "consecutive 1: one failure");

    for (i = 0; i < 4; i++) {
        (void) ngx_unit_cb_admit(b, &rq[i], 1000 + i);
    }

    ngx_unit_ok(rq[0].ctx.probe && rq[1].ctx.probe && rq[2].ctx.probe
                && rq[3].ctx.breaker == NULL,
                "halfOpenProbes 3: three probes, the fourth is refused");

    ngx_unit_cb_finish(b, &rq[0], 1100, 200, ANSWERED);
    ngx_unit_cb_finish(b, &rq[1], 1100, 200, ANSWERED);

    ngx_unit_breaker_state(b, HALF_OPEN, "two probes of three succeeded");

    ngx_unit_cb_finish(b, &rq[2], 1100, 200, ANSWERED);

    ngx_unit_breaker_state(b, CLOSED, "three probes of three succeeded");

    ngx_unit_cb_destroy(b);
}


/*
 * openFor 1 s, opened at 0 by one failure; "lost" probes at 1000 and is
 * never answered in time, "probe" takes its place at 2000
 */

static ngx_unit_cb_t *
ngx_unit_breaker_replaced(ngx_unit_cb_req_t *lost, ngx_unit_cb_req_t *probe)
{
    ngx_unit_cb_t  *b;

    b = ngx_unit_cb_create();
    b->bm.consecutive = 1;
    b->bm.open_for = 1000;
    (void) ngx_unit_cb_compile(b);

    (void) ngx_unit_breaker_run(b, 0, 500, 1);

    (void) ngx_unit_cb_admit(b, lost, 1000);
    (void) ngx_unit_cb_admit(b, probe, 2000);

    return b;
}


/*
 * A probe given up as lost, then undecided (its client went away), after
 * another took its place: the count of probes must not go below zero,
 * which left the breaker without probes for another openFor (found by
 * fuzz/ngx_fuzz_breaker.c).
 */

static void
ngx_unit_breaker_lost(void)
{
    ngx_unit_cb_t      *b;
    ngx_unit_cb_req_t   lost, probe, next;

    b = ngx_unit_breaker_replaced(&lost, &probe);

    ngx_unit_ok(lost.ctx.probe && probe.ctx.probe,
                "lost probe: replaced after openFor");

    ngx_unit_cb_finish(b, &lost, 2100, 0, NO_HEADER);
    ngx_unit_cb_finish(b, &probe, 2200, 499, STATUS);

    ngx_unit_ok(b->state.probes == 0, "lost probe: both undecided, no "
                "probe counted");

    ngx_unit_ok(ngx_unit_cb_admit(b, &next, 2300) == NGX_OK
                && next.ctx.probe,
                "lost probe: the next request probes at once");

    ngx_unit_cb_finish(b, &next, 2400, 200, ANSWERED);

    ngx_unit_breaker_state(b, CLOSED, "the next probe succeeded");

    ngx_unit_cb_destroy(b);
}


/*
 * A probe given up as lost answers after another took its place: its
 * half-open period is over, so neither its success nor its failure
 * decides; the current period's probe does.
 */

static void
ngx_unit_breaker_late_probe(void)
{
    ngx_unit_cb_t      *b;
    ngx_unit_cb_req_t   lost, probe, other;

    b = ngx_unit_breaker_replaced(&lost, &probe);

    ngx_unit_ok(lost.ctx.probe && probe.ctx.probe
                && lost.ctx.probe_period != probe.ctx.probe_period,
                "late probe: each in a half-open period of its own");

    ngx_unit_cb_finish(b, &lost, 2100, 200, ANSWERED);

    ngx_unit_breaker_state(b, HALF_OPEN, "late probe: its success does "
                           "not close it");

    ngx_unit_ok(b->state.probes == 1 && b->state.successes == 0,
                "late probe: the current probe still holds its place");

    ngx_unit_ok(ngx_unit_cb_admit(b, &other, 2150) == NGX_DECLINED,
                "late probe: no third request goes through");

    ngx_unit_cb_finish(b, &probe, 2200, 500, ANSWERED);

    ngx_unit_breaker_state(b, OPEN, "the current probe failed: open");

    /* and a late failure does not open it again */

    (void) ngx_unit_cb_admit(b, &lost, 3200);
    (void) ngx_unit_cb_admit(b, &probe, 4200);

    ngx_unit_cb_finish(b, &lost, 4300, 500, ANSWERED);

    ngx_unit_breaker_state(b, HALF_OPEN, "late probe: its failure does not "
                           "open it");

    ngx_unit_cb_finish(b, &probe, 4400, 200, ANSWERED);

    ngx_unit_breaker_state(b, CLOSED, "the current probe succeeded: closed");

    ngx_unit_cb_destroy(b);
}


/* window 1000 ms, ten buckets of 100 ms; 50% of at least 4 requests */

static void
ngx_unit_breaker_ratio(void)
{
    ngx_unit_cb_t  *b;

    b = ngx_unit_cb_create();
    b->bm.ratio = 50;
    b->bm.minimum = 4;
    b->bm.window = 1000;
    (void) ngx_unit_cb_compile(b);

    (void) ngx_unit_breaker_run(b, 0, 500, 3);

    ngx_unit_breaker_state(b, CLOSED, "3 failures, fewer than minimum");

    (void) ngx_unit_breaker_run(b, 1500, 200, 3);
    (void) ngx_unit_breaker_run(b, 1550, 500, 1);

    ngx_unit_breaker_state(b, CLOSED, "old failures leave the window");

    (void) ngx_unit_breaker_run(b, 1650, 500, 1);

    ngx_unit_breaker_state(b, CLOSED, "2 failures of 5: 40%");

    (void) ngx_unit_breaker_run(b, 2400, 500, 1);

    ngx_unit_breaker_state(b, OPEN, "3 failures of 6: 50%");

    ngx_unit_cb_destroy(b);
}


/* answers to requests let through before it opened do not count */

static void
ngx_unit_breaker_late(void)
{
    ngx_unit_cb_t      *b;
    ngx_unit_cb_req_t   slow;

    b = ngx_unit_cb_create();
    (void) ngx_unit_cb_compile(b);

    (void) ngx_unit_cb_admit(b, &slow, 0);
    (void) ngx_unit_breaker_run(b, 10, 502, 5);

    ngx_unit_cb_finish(b, &slow, 20, 200, ANSWERED);

    ngx_unit_breaker_state(b, OPEN, "a slow success after it opened");

    ngx_unit_ok(b->state.opened == 1, "a slow answer does not reopen it");

    ngx_unit_cb_destroy(b);
}


static void
ngx_unit_breaker_forced(void)
{
    ngx_unit_cb_t      *b;
    ngx_unit_cb_req_t   rq;

    b = ngx_unit_cb_create();
    (void) ngx_unit_cb_compile(b);

    ngx_unit_cb_force(b, NGX_HTTP_PROXIES_FORCE_OPEN, 0);

    ngx_unit_ok(ngx_unit_cb_admit(b, &rq, 100000) == NGX_DECLINED,
                "forced open: no probe, whatever the time");

    ngx_unit_breaker_state(b, OPEN, "forced open");

    ngx_unit_cb_force(b, NGX_HTTP_PROXIES_FORCE_CLOSED, 100000);

    ngx_unit_ok(ngx_unit_breaker_run(b, 100000, 500, 20) == 20,
                "forced closed: failures go through");

    ngx_unit_breaker_state(b, CLOSED, "forced closed, 20 failures");

    ngx_unit_cb_force(b, NGX_HTTP_PROXIES_FORCE_NONE, 100000);

    ngx_unit_ok(b->state.consecutive == 0, "reset: counting from zero");

    (void) ngx_unit_breaker_run(b, 100000, 500, 5);

    ngx_unit_breaker_state(b, OPEN, "reset, then 5 failures");

    ngx_unit_cb_destroy(b);
}


static void
ngx_unit_breaker_failed(void)
{
    ngx_uint_t      statuses[] = { 429 };
    ngx_array_t     a;
    ngx_unit_cb_t  *b;

    b = ngx_unit_cb_create();
    (void) ngx_unit_cb_compile(b);

    ngx_unit_is_int(ngx_unit_cb_failed(b, 504, NO_HEADER, 0), 1,
                    "failed: a timeout");
    ngx_unit_is_int(ngx_unit_cb_failed(b, 502, NO_HEADER, 0), 1,
                    "failed: a connect error");
    ngx_unit_is_int(ngx_unit_cb_failed(b, 502, NO_HEADER, 1), -1,
                    "failed: neither, when the client went away");
    ngx_unit_is_int(ngx_unit_cb_failed(b, 0, NO_HEADER, 0), -1,
                    "failed: neither, without any status");
    ngx_unit_is_int(ngx_unit_cb_failed(b, 503, ANSWERED, 0), 1,
                    "failed: a 503 from the backend");
    ngx_unit_is_int(ngx_unit_cb_failed(b, 404, ANSWERED, 0), 0,
                    "failed: a 404 from the backend is a success");
    ngx_unit_is_int(ngx_unit_cb_failed(b, 499, STATUS, 0), -1,
                    "failed: neither, when the client closed (499)");
    ngx_unit_is_int(ngx_unit_cb_failed(b, 500, STATUS, 0), 1,
                    "failed: a 500 from a function");

    b->bm.connect_error = 0;
    b->bm.timeout = 0;

    a.elts = statuses;
    a.nelts = 1;
    b->bm.statuses = &a;

    (void) ngx_unit_cb_compile(b);

    ngx_unit_is_int(ngx_unit_cb_failed(b, 504, NO_HEADER, 0), 0,
                    "failed: timeouts off");
    ngx_unit_is_int(ngx_unit_cb_failed(b, 502, NO_HEADER, 0), 0,
                    "failed: connect errors off");
    ngx_unit_is_int(ngx_unit_cb_failed(b, 429, ANSWERED, 0), 1,
                    "failed: a listed status");
    ngx_unit_is_int(ngx_unit_cb_failed(b, 500, ANSWERED, 0), 0,
                    "failed: an unlisted 500");

    ngx_unit_cb_destroy(b);
}


static void
ngx_unit_breaker_retry_after(void)
{
    ngx_str_t       value;
    ngx_unit_cb_t  *b;

    b = ngx_unit_cb_create();
    (void) ngx_unit_cb_compile(b);

    (void) ngx_unit_breaker_run(b, 0, 500, 5);

    if (ngx_unit_cb_retry_after(b, 100, &value) == NGX_OK) {
        ngx_unit_is(&value, "30", "Retry-After: seconds left, rounded up");
    }

    if (ngx_unit_cb_retry_after(b, 29999, &value) == NGX_OK) {
        ngx_unit_is(&value, "1", "Retry-After: at least 1");
    }

    if (ngx_unit_cb_retry_after(b, 40000, &value) == NGX_OK) {
        ngx_unit_is(&value, "30", "Retry-After: past the time, openFor");
    }

    ngx_unit_cb_force(b, NGX_HTTP_PROXIES_FORCE_OPEN, 50000);

    if (ngx_unit_cb_retry_after(b, 60000, &value) == NGX_OK) {
        ngx_unit_is(&value, "30", "Retry-After: forced open, openFor");
    }

    ngx_unit_cb_destroy(b);
}


/* n requests at now, all with status; returns how many went through */

static ngx_int_t
ngx_unit_breaker_run(ngx_unit_cb_t *b, uint64_t now, ngx_uint_t status,
    ngx_uint_t n)
{
    ngx_int_t           passed;
    ngx_unit_cb_req_t   rq;

    for (passed = 0; n--; /* void */) {
        if (ngx_unit_cb_admit(b, &rq, now) == NGX_OK) {
            passed++;
        }

        ngx_unit_cb_finish(b, &rq, now, status, ANSWERED);
    }

    return passed;
}


static ngx_int_t
ngx_unit_breaker_state(ngx_unit_cb_t *b, ngx_uint_t state, const char *what)
{
    char  *broken;

    broken = ngx_unit_cb_check(b);

    if (!ngx_unit_ok(b->state.state == state && broken == NULL,
                     "breaker %s: %s",
                     ngx_http_proxies_breaker_state_name(state), what))
    {
        ngx_unit_diag("  state %s%s%s",
                      ngx_http_proxies_breaker_state_name(b->state.state),
                      broken ? ", " : "", broken ? broken : "");
        return 0;
    }

    return 1;
}
