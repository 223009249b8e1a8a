
/*
 * sleep: a function that blocks, as one that calls a slow library or a
 * disk would.  GET ...?ms=250 sleeps 250 ms (1000 by default, at most
 * 10000) in one of nginx's threads, while the event loop serves others.
 */

#include <ngx_proxies_function.h>
#include <errno.h>
#include <time.h>


static int
sleep_handler(ngx_proxies_request_t *req, ngx_proxies_response_t *resp)
{
    size_t                    i;
    unsigned long             ms;
    struct timespec           ts;
    const ngx_proxies_str_t  *arg;

    ms = 1000;
    arg = ngx_proxies_arg(req, "ms");

    if (arg) {
        ms = 0;

        for (i = 0; i < arg->len; i++) {
            if (arg->data[i] < '0' || arg->data[i] > '9' || ms > 10000) {
                resp->status = 400;
                resp->body = ngx_proxies_string("ms must be 0 to 10000\n");
                return NGX_PROXIES_OK;
            }

            ms = ms * 10 + (arg->data[i] - '0');
        }

        if (ms > 10000) {
            resp->status = 400;
            resp->body = ngx_proxies_string("ms must be 0 to 10000\n");
            return NGX_PROXIES_OK;
        }
    }

    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (ms % 1000) * 1000000;

    /* a signal interrupts the sleep: sleep the rest */
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
        /* void */
    }

    resp->body = ngx_proxies_printf(req, "slept %lu ms\n", ms);

    if (resp->body.data == NULL) {
        resp->error = "out of memory";
        return NGX_PROXIES_ERROR;
    }

    return ngx_proxies_set_header(req, resp, "Content-Type", "text/plain");
}


static const ngx_proxies_function_t  sleep_function = {
    NGX_PROXIES_FUNCTION_VERSION,
    "sleep",
    NGX_PROXIES_FUNCTION_BLOCKING,
    NULL,
    NULL,
    sleep_handler
};


const ngx_proxies_function_t  *ngx_proxies_functions[] = {
    &sleep_function,
    NULL
};
