
/*
 * calc: arithmetic from route parameters and the query.
 *
 *   route "/calc/{op}/{a}/{b}", GET /calc/div/1/3?precision=4
 *     -> {"op": "div", "a": 1, "b": 3, "precision": 4, "result": 0.3333}
 *
 * op is add, sub, mul or div; precision (digits after the point) is 0 to
 * 15, 2 by default.  Bad input gets 400 with {"error": "..."}.
 */

#include <ngx_proxies_function.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>


static int
calc_error(ngx_proxies_request_t *req, ngx_proxies_response_t *resp,
    const char *text)
{
    resp->status = 400;
    resp->body = ngx_proxies_printf(req, "{\"error\": \"%s\"}\n", text);

    if (resp->body.data == NULL) {
        resp->error = "out of memory";
        return NGX_PROXIES_ERROR;
    }

    return ngx_proxies_set_header(req, resp, "Content-Type",
                                  "application/json");
}


/* a finite decimal number that is the whole of s */
static int
calc_number(ngx_proxies_request_t *req, const ngx_proxies_str_t *s, double *v)
{
    char    *copy, *end;
    size_t   i;

    if (s == NULL || s->len == 0 || s->len > 64) {
        return -1;
    }

    for (i = 0; i < s->len; i++) {
        if (strchr("0123456789.-+eE", s->data[i]) == NULL) {
            return -1;
        }
    }

    copy = ngx_proxies_alloc(req, s->len + 1);
    if (copy == NULL) {
        return -1;
    }

    memcpy(copy, s->data, s->len);
    copy[s->len] = '\0';

    errno = 0;
    *v = strtod(copy, &end);

    if (*end != '\0' || errno == ERANGE || !isfinite(*v)) {
        return -1;
    }

    return 0;
}


static int
calc_handler(ngx_proxies_request_t *req, ngx_proxies_response_t *resp)
{
    int                       precision;
    double                    a, b, r;
    const ngx_proxies_str_t  *op, *p;

    op = ngx_proxies_param(req, "op");

    if (calc_number(req, ngx_proxies_param(req, "a"), &a) != 0
        || calc_number(req, ngx_proxies_param(req, "b"), &b) != 0)
    {
        return calc_error(req, resp, "a and b must be decimal numbers");
    }

    precision = 2;
    p = ngx_proxies_arg(req, "precision");

    if (p) {
        if (p->len == 0 || p->len > 2 || p->data[0] < '0' || p->data[0] > '9'
            || (p->len == 2 && (p->data[1] < '0' || p->data[1] > '9')))
        {
            return calc_error(req, resp, "precision must be 0 to 15");
        }

        precision = p->data[0] - '0';

        if (p->len == 2) {
            precision = precision * 10 + p->data[1] - '0';
        }

        if (precision > 15) {
            return calc_error(req, resp, "precision must be 0 to 15");
        }
    }

    if (op == NULL || op->len != 3) {
        return calc_error(req, resp, "op must be add, sub, mul or div");
    }

    if (memcmp(op->data, "add", 3) == 0) {
        r = a + b;

    } else if (memcmp(op->data, "sub", 3) == 0) {
        r = a - b;

    } else if (memcmp(op->data, "mul", 3) == 0) {
        r = a * b;

    } else if (memcmp(op->data, "div", 3) == 0) {
        if (b == 0) {
            return calc_error(req, resp, "division by zero");
        }

        r = a / b;

    } else {
        return calc_error(req, resp, "op must be add, sub, mul or div");
    }

    if (!isfinite(r)) {
        return calc_error(req, resp, "the result is out of range");
    }

    resp->body = ngx_proxies_printf(req,
                     "{\"op\": \"%.3s\", \"a\": %.17g, \"b\": %.17g, "
                     "\"precision\": %d, \"result\": %.*f}\n",
                     op->data, a, b, precision, precision, r);

    if (resp->body.data == NULL) {
        resp->error = "out of memory";
        return NGX_PROXIES_ERROR;
    }

    return ngx_proxies_set_header(req, resp, "Content-Type",
                                  "application/json");
}


static const ngx_proxies_function_t  calc = {
    NGX_PROXIES_FUNCTION_VERSION,
    "calc",
    0,
    NULL,
    NULL,
    calc_handler
};


const ngx_proxies_function_t  *ngx_proxies_functions[] = {
    &calc,
    NULL
};
