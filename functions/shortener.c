
/*
 * shortener: a URL shortener with click counting.
 *
 *   POST /s               body: the URL      -> 201 {"code": ...}
 *   GET  /s/{code}                           -> 302 Location: the URL
 *   GET  /s/{code}?action=stats              -> {"clicks": N, ...}
 *
 * (see proxies/functions.json: the stats route sets "action" with a
 * requestOverride).  The table lives in each worker process, created by
 * init and freed by exit: with several workers each has its own, which
 * is enough for a demo until state moves to shared memory or Redis.
 */

#include <ngx_proxies_function.h>
#include <stdlib.h>


#define SHORT_SLOTS     4096          /* a power of two */
#define SHORT_MAX       (SHORT_SLOTS / 2)
#define SHORT_CODE_LEN  6
#define SHORT_URL_MAX   2048


typedef struct {
    char            code[SHORT_CODE_LEN + 1];
    char           *url;              /* malloc(): outlives requests */
    size_t          url_len;
    unsigned long   clicks;
} short_entry_t;


typedef struct {
    short_entry_t   slots[SHORT_SLOTS];
    unsigned long   used;
    unsigned long   next;             /* the sequence that makes codes */
    unsigned long   worker;
} short_state_t;


static const char  short_alphabet[] =
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";


static unsigned long
short_hash(const char *s, size_t len)
{
    size_t         i;
    unsigned long  h;

    h = 2166136261u;

    for (i = 0; i < len; i++) {
        h = (h ^ (unsigned char) s[i]) * 16777619u;
    }

    return h;
}


static short_entry_t *
short_find(short_state_t *st, const char *code, size_t len)
{
    unsigned long   i;
    short_entry_t  *e;

    if (len != SHORT_CODE_LEN) {
        return NULL;
    }

    for (i = short_hash(code, len); /* void */; i++) {
        e = &st->slots[i & (SHORT_SLOTS - 1)];

        if (e->url == NULL) {
            return NULL;
        }

        if (memcmp(e->code, code, len) == 0) {
            return e;
        }
    }
}


/* a code that looks random: a bijective scramble of the sequence */
static void
short_code(short_state_t *st, char *code)
{
    int            i;
    unsigned long  x;

    x = (st->next++ * 2654435761u + st->worker * 40503u) % 56800235584u;

    for (i = 0; i < SHORT_CODE_LEN; i++) {
        code[i] = short_alphabet[x % 62];
        x /= 62;
    }

    code[SHORT_CODE_LEN] = '\0';
}


static int
short_json(ngx_proxies_request_t *req, ngx_proxies_response_t *resp,
    int status, ngx_proxies_str_t body)
{
    resp->status = status;
    resp->body = body;

    if (body.data == NULL) {
        resp->error = "out of memory";
        return NGX_PROXIES_ERROR;
    }

    return ngx_proxies_set_header(req, resp, "Content-Type",
                                  "application/json");
}


/* http(s)://, printable ASCII: it goes into a Location header and JSON */
static int
short_url_valid(ngx_proxies_str_t url)
{
    size_t  i;

    if (url.len > SHORT_URL_MAX
        || !((url.len > 7 && strncasecmp(url.data, "http://", 7) == 0)
             || (url.len > 8 && strncasecmp(url.data, "https://", 8) == 0)))
    {
        return 0;
    }

    for (i = 0; i < url.len; i++) {
        if (url.data[i] <= 0x20 || url.data[i] >= 0x7f
            || url.data[i] == '"' || url.data[i] == '\\')
        {
            return 0;
        }
    }

    return 1;
}


static int
short_create(ngx_proxies_request_t *req, ngx_proxies_response_t *resp,
    short_state_t *st)
{
    char               code[SHORT_CODE_LEN + 1];
    unsigned long      i;
    short_entry_t     *e;
    ngx_proxies_str_t  url, location;

    url = req->body;

    while (url.len && (url.data[url.len - 1] == '\n'
                       || url.data[url.len - 1] == '\r'
                       || url.data[url.len - 1] == ' '))
    {
        url.len--;
    }

    if (!short_url_valid(url)) {
        return short_json(req, resp, 400, ngx_proxies_string(
                   "{\"error\": \"the body must be an http:// or https:// "
                   "URL\"}\n"));
    }

    if (st->used >= SHORT_MAX) {
        return short_json(req, resp, 507, ngx_proxies_string(
                   "{\"error\": \"the table is full\"}\n"));
    }

    do {
        short_code(st, code);
    } while (short_find(st, code, SHORT_CODE_LEN));

    for (i = short_hash(code, SHORT_CODE_LEN); /* void */; i++) {
        e = &st->slots[i & (SHORT_SLOTS - 1)];

        if (e->url == NULL) {
            break;
        }
    }

    e->url = malloc(url.len);
    if (e->url == NULL) {
        resp->error = "out of memory";
        return NGX_PROXIES_ERROR;
    }

    memcpy(e->url, url.data, url.len);
    memcpy(e->code, code, sizeof(code));
    e->url_len = url.len;
    e->clicks = 0;
    st->used++;

    location = ngx_proxies_printf(req, "/s/%s", code);

    if (location.data == NULL
        || ngx_proxies_add_header(req, resp, ngx_proxies_string("Location"),
                                  location)
           != NGX_PROXIES_OK)
    {
        resp->error = "out of memory";
        return NGX_PROXIES_ERROR;
    }

    return short_json(req, resp, 201, ngx_proxies_printf(req,
               "{\"code\": \"%s\", \"short\": \"/s/%s\", \"url\": \"%.*s\"}\n",
               code, code, (int) url.len, url.data));
}


static int
short_handler(ngx_proxies_request_t *req, ngx_proxies_response_t *resp)
{
    short_entry_t            *e;
    short_state_t            *st;
    const ngx_proxies_str_t  *code, *action;

    st = req->state;
    code = ngx_proxies_param(req, "code");

    if (code == NULL) {
        if (req->method.len == 4 && memcmp(req->method.data, "POST", 4) == 0)
        {
            return short_create(req, resp, st);
        }

        return short_json(req, resp, 405, ngx_proxies_string(
                   "{\"error\": \"POST a URL to shorten it\"}\n"));
    }

    e = short_find(st, code->data, code->len);

    if (e == NULL) {
        return short_json(req, resp, 404, ngx_proxies_string(
                   "{\"error\": \"no such code\"}\n"));
    }

    action = ngx_proxies_arg(req, "action");

    if (action && action->len == 5 && memcmp(action->data, "stats", 5) == 0) {
        return short_json(req, resp, 200, ngx_proxies_printf(req,
                   "{\"code\": \"%s\", \"url\": \"%.*s\", \"clicks\": %lu}\n",
                   e->code, (int) e->url_len, e->url, e->clicks));
    }

    e->clicks++;

    resp->status = 302;

    /* the entry outlives the request, so the header may point into it */
    return ngx_proxies_add_header(req, resp, ngx_proxies_string("Location"),
                                  (ngx_proxies_str_t) { e->url, e->url_len });
}


static int
short_init(const ngx_proxies_worker_t *worker, void **state)
{
    short_state_t  *st;

    st = calloc(1, sizeof(short_state_t));
    if (st == NULL) {
        return NGX_PROXIES_ERROR;
    }

    st->worker = worker->worker;
    st->next = 1;
    *state = st;

    return NGX_PROXIES_OK;
}


static void
short_exit(void *state)
{
    size_t          i;
    short_state_t  *st;

    st = state;

    for (i = 0; i < SHORT_SLOTS; i++) {
        free(st->slots[i].url);
    }

    free(st);
}


static const ngx_proxies_function_t  shortener = {
    NGX_PROXIES_FUNCTION_VERSION,
    "shortener",
    0,
    short_init,
    short_exit,
    short_handler
};


const ngx_proxies_function_t  *ngx_proxies_functions[] = {
    &shortener,
    NULL
};
