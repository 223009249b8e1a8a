
/*
 * echo: answers with a JSON description of the request it received, as
 * the proxy's requestOverrides left it.  Handy to see what a function
 * gets, and to test the pipeline.
 *
 *   { "function": "echo", "proxy": "...", "method": "GET",
 *     "path": "/a/42", "query": "q=1", "params": {"id": "42"},
 *     "args": {"q": "1"}, "headers": {"Host": "..."},
 *     "body": "...", "body_length": 0 }
 *
 * A name that repeats (a header, a query parameter) repeats as a key.
 */

#include <ngx_proxies_function.h>


typedef struct {
    ngx_proxies_request_t  *req;
    char                   *data;
    size_t                  len;
    size_t                  size;
    int                     failed;
} echo_buf_t;


static void
echo_reserve(echo_buf_t *b, size_t n)
{
    char    *p;
    size_t   size;

    if (b->failed || b->len + n <= b->size) {
        return;
    }

    size = b->size ? b->size : 1024;

    while (size < b->len + n) {
        size *= 2;
    }

    /* request memory: the old buffer goes with the request */
    p = ngx_proxies_alloc(b->req, size);
    if (p == NULL) {
        b->failed = 1;
        return;
    }

    if (b->len) {
        memcpy(p, b->data, b->len);
    }

    b->data = p;
    b->size = size;
}


static void
echo_raw(echo_buf_t *b, const char *s, size_t n)
{
    echo_reserve(b, n);

    if (!b->failed) {
        memcpy(b->data + b->len, s, n);
        b->len += n;
    }
}


#define echo_lit(b, s)  echo_raw(b, s, sizeof(s) - 1)


/* the length of a valid UTF-8 sequence at p, or 0 */
static size_t
echo_utf8(const unsigned char *p, size_t n)
{
    size_t    len, i;
    unsigned  c, min, cp;

    c = p[0];

    if (c >= 0xc2 && c <= 0xdf) {
        len = 2; cp = c & 0x1f; min = 0x80;

    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3; cp = c & 0x0f; min = 0x800;

    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4; cp = c & 0x07; min = 0x10000;

    } else {
        return 0;
    }

    if (n < len) {
        return 0;
    }

    for (i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80) {
            return 0;
        }

        cp = (cp << 6) | (p[i] & 0x3f);
    }

    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
        return 0;
    }

    return len;
}


/* a JSON string; bytes that are not UTF-8 become U+FFFD */
static void
echo_string(echo_buf_t *b, ngx_proxies_str_t s)
{
    char                  esc[8];
    size_t                i, n;
    const unsigned char  *p;

    p = (const unsigned char *) s.data;

    echo_lit(b, "\"");

    for (i = 0; i < s.len; /* void */) {

        if (p[i] >= 0x80) {
            n = echo_utf8(p + i, s.len - i);

            if (n) {
                echo_raw(b, (const char *) p + i, n);
                i += n;

            } else {
                echo_lit(b, "\\ufffd");
                i++;
            }

            continue;
        }

        switch (p[i]) {
        case '"':  echo_lit(b, "\\\""); break;
        case '\\': echo_lit(b, "\\\\"); break;
        case '\n': echo_lit(b, "\\n"); break;
        case '\r': echo_lit(b, "\\r"); break;
        case '\t': echo_lit(b, "\\t"); break;
        default:
            if (p[i] < 0x20 || p[i] == 0x7f) {
                snprintf(esc, sizeof(esc), "\\u%04x", p[i]);
                echo_raw(b, esc, 6);

            } else {
                echo_raw(b, (const char *) p + i, 1);
            }
        }

        i++;
    }

    echo_lit(b, "\"");
}


static void
echo_member(echo_buf_t *b, const char *name, ngx_proxies_str_t value)
{
    echo_lit(b, ", ");
    echo_string(b, ngx_proxies_string(name));
    echo_lit(b, ": ");
    echo_string(b, value);
}


static void
echo_object(echo_buf_t *b, const char *name, const ngx_proxies_pair_t *pairs,
    size_t n)
{
    size_t  i;

    echo_lit(b, ", ");
    echo_string(b, ngx_proxies_string(name));
    echo_lit(b, ": {");

    for (i = 0; i < n; i++) {
        if (i) {
            echo_lit(b, ", ");
        }

        echo_string(b, pairs[i].name);
        echo_lit(b, ": ");
        echo_string(b, pairs[i].value);
    }

    echo_lit(b, "}");
}


static int
echo_handler(ngx_proxies_request_t *req, ngx_proxies_response_t *resp)
{
    char        num[32];
    echo_buf_t  b;

    memset(&b, 0, sizeof(echo_buf_t));
    b.req = req;

    echo_lit(&b, "{\"function\": ");
    echo_string(&b, req->function);
    echo_member(&b, "proxy", req->proxy);
    echo_member(&b, "method", req->method);
    echo_member(&b, "path", req->path);
    echo_member(&b, "query", req->query);
    echo_object(&b, "params", req->params, req->nparams);
    echo_object(&b, "args", req->args, req->nargs);
    echo_object(&b, "headers", req->headers, req->nheaders);
    echo_member(&b, "body", req->body);

    snprintf(num, sizeof(num), ", \"body_length\": %zu}\n", req->body.len);
    echo_raw(&b, num, strlen(num));

    if (b.failed) {
        resp->error = "out of memory";
        return NGX_PROXIES_ERROR;
    }

    resp->body.data = b.data;
    resp->body.len = b.len;

    return ngx_proxies_set_header(req, resp, "Content-Type",
                                  "application/json");
}


static const ngx_proxies_function_t  echo = {
    NGX_PROXIES_FUNCTION_VERSION,
    "echo",
    0,
    NULL,
    NULL,
    echo_handler
};


const ngx_proxies_function_t  *ngx_proxies_functions[] = {
    &echo,
    NULL
};
