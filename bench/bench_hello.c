
/*
 * The function of the benchmark's function mode: the smallest useful
 * answer, so the run measures the call path, not the function.
 */

#include <ngx_proxies_function.h>


static int
bench_hello(ngx_proxies_request_t *req, ngx_proxies_response_t *resp)
{
    (void) req;

    resp->status = 200;
    resp->body = ngx_proxies_string("item");

    return NGX_PROXIES_OK;
}


static const ngx_proxies_function_t  bench_hello_function = {
    NGX_PROXIES_FUNCTION_VERSION, "bench_hello", 0, NULL, NULL, bench_hello
};


const ngx_proxies_function_t  *ngx_proxies_functions[] = {
    &bench_hello_function,
    NULL
};
