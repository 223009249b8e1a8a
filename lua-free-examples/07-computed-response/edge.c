
/*
 * Two responses computed at the edge, instead of content_by_lua:
 *
 *   health   GET /health: the app settings APP_VERSION and REGION, the
 *            worker and its uptime as JSON; 503 when the app setting
 *            MAINTENANCE is "on".
 *   invoice  GET /api/v2/invoices/{id}: a mock with logic: 400 for an id
 *            that is not a number, 404 above 1000, else a draft invoice
 *            in ?currency= (EUR by default).
 *
 * cc -O2 -Wall -Wextra -fPIC -shared -I include -o edge.so edge.c
 */


#include <ngx_proxies_function.h>

#include <stdlib.h>
#include <time.h>


typedef struct {
    time_t          started;
    unsigned long   worker;
} edge_state_t;


static int edge_init(const ngx_proxies_worker_t *worker, void **state);
static void edge_exit(void *state);
static int health(ngx_proxies_request_t *req, ngx_proxies_response_t *resp);
static int invoice(ngx_proxies_request_t *req, ngx_proxies_response_t *resp);
static ngx_proxies_str_t json_string(ngx_proxies_request_t *req,
    const ngx_proxies_str_t *s);
static int json_response(ngx_proxies_request_t *req,
    ngx_proxies_response_t *resp, int status, ngx_proxies_str_t body);


static const ngx_proxies_function_t  health_function = {
    NGX_PROXIES_FUNCTION_VERSION, "health", 0, edge_init, edge_exit, health
};

static const ngx_proxies_function_t  invoice_function = {
    NGX_PROXIES_FUNCTION_VERSION, "invoice", 0, NULL, NULL, invoice
};

const ngx_proxies_function_t  *ngx_proxies_functions[] = {
    &health_function,
    &invoice_function,
    NULL
};


static int
edge_init(const ngx_proxies_worker_t *worker, void **state)
{
    edge_state_t  *st;

    st = malloc(sizeof(edge_state_t));
    if (st == NULL) {
        return NGX_PROXIES_ERROR;
    }

    st->started = time(NULL);
    st->worker = worker->worker;
    *state = st;

    return NGX_PROXIES_OK;
}


static void
edge_exit(void *state)
{
    free(state);
}


static int
health(ngx_proxies_request_t *req, ngx_proxies_response_t *resp)
{
    int                       down;
    edge_state_t             *st;
    ngx_proxies_str_t         version, region, body;
    const ngx_proxies_str_t  *maintenance;

    st = req->state;

    maintenance = ngx_proxies_setting(req, "MAINTENANCE");
    down = maintenance != NULL && maintenance->len == 2
           && strncasecmp(maintenance->data, "on", 2) == 0;

    /* settings are text from nginx.conf: escape them for JSON */
    version = json_string(req, ngx_proxies_setting(req, "APP_VERSION"));
    region = json_string(req, ngx_proxies_setting(req, "REGION"));

    if (version.data == NULL || region.data == NULL) {
        resp->error = "out of memory";
        return NGX_PROXIES_ERROR;
    }

    body = ngx_proxies_printf(req,
                 "{\"status\":\"%s\",\"version\":%.*s,\"region\":%.*s,"
                 "\"worker\":%lu,\"uptime\":%ld}",
                 down ? "maintenance" : "ok",
                 (int) version.len, version.data,
                 (int) region.len, region.data,
                 st->worker, (long) (time(NULL) - st->started));

    return json_response(req, resp, down ? 503 : 200, body);
}


static int
invoice(ngx_proxies_request_t *req, ngx_proxies_response_t *resp)
{
    size_t                    i;
    long                      n;
    ngx_proxies_str_t         currency, body, eur;
    const ngx_proxies_str_t  *id, *cur;

    id = ngx_proxies_param(req, "id");

    n = 0;

    for (i = 0; id != NULL && i < id->len; i++) {
        if (id->data[i] < '0' || id->data[i] > '9') {
            break;
        }

        /* past 1000 the value no longer matters, only the digits do */
        if (n <= 1000) {
            n = n * 10 + (id->data[i] - '0');
        }
    }

    if (id == NULL || id->len == 0 || i < id->len) {
        return json_response(req, resp, 400, ngx_proxies_string(
                             "{\"error\":\"the invoice id is a number\"}"));
    }

    if (n == 0 || n > 1000) {
        return json_response(req, resp, 404, ngx_proxies_string(
                             "{\"error\":\"no such invoice\"}"));
    }

    eur = ngx_proxies_string("EUR");
    cur = ngx_proxies_arg(req, "currency");
    currency = json_string(req, cur != NULL && cur->len ? cur : &eur);

    body = ngx_proxies_printf(req,
                 "{\"id\":%ld,\"status\":\"draft\",\"total\":0,"
                 "\"currency\":%.*s}",
                 n, (int) currency.len, currency.data);

    return json_response(req, resp, 200, body);
}


/* a JSON string literal, quotes included; NULL data if out of memory */

static ngx_proxies_str_t
json_string(ngx_proxies_request_t *req, const ngx_proxies_str_t *s)
{
    char               *p;
    size_t              i;
    unsigned char       c;
    ngx_proxies_str_t   r;

    r.data = NULL;
    r.len = 0;

    if (s == NULL) {
        r.data = "null";
        r.len = 4;
        return r;
    }

    /* the worst case: every byte as \u00XX */
    p = ngx_proxies_alloc(req, 2 + 6 * s->len);
    if (p == NULL) {
        return r;
    }

    r.data = p;
    *p++ = '"';

    for (i = 0; i < s->len; i++) {
        c = (unsigned char) s->data[i];

        if (c == '"' || c == '\\') {
            *p++ = '\\';
            *p++ = (char) c;

        } else if (c < 0x20) {
            p += sprintf(p, "\\u%04x", c);

        } else {
            *p++ = (char) c;
        }
    }

    *p++ = '"';
    r.len = (size_t) (p - r.data);

    return r;
}


static int
json_response(ngx_proxies_request_t *req, ngx_proxies_response_t *resp,
    int status, ngx_proxies_str_t body)
{
    if (body.data == NULL) {
        resp->error = "out of memory";
        return NGX_PROXIES_ERROR;
    }

    resp->status = status;
    resp->body = body;

    return ngx_proxies_set_header(req, resp, "Content-Type",
                                  "application/json");
}
