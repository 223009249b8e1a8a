
/*
 * ngx_proxies: the interface for functions, C code that nginx runs in
 * process as the backend of a proxy ("backendUri": "function:NAME").
 *
 * A function library is a shared object that exports one symbol,
 *
 *     const ngx_proxies_function_t *ngx_proxies_functions[] = {
 *         &my_function, NULL
 *     };
 *
 * and is loaded with "proxies_functions /path/lib.so;" in nginx.conf.
 * This header needs only the C library: no nginx headers, no linking
 * against nginx.  See docs/functions.md.
 */

#ifndef _NGX_PROXIES_FUNCTION_H_INCLUDED_
#define _NGX_PROXIES_FUNCTION_H_INCLUDED_


#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>


/*
 * The interface version a function is built against.  nginx loads only
 * functions built with the version it implements: rebuild on a change.
 */
#define NGX_PROXIES_FUNCTION_VERSION     1


/* what a handler and an init hook return */
#define NGX_PROXIES_OK                   0
#define NGX_PROXIES_ERROR               -1


/* flags */
#define NGX_PROXIES_FUNCTION_BLOCKING    0x01   /* may block: runs in
                                                   nginx's thread pool */


/* a string of len bytes; not NUL-terminated unless said so */
typedef struct {
    const char                   *data;
    size_t                        len;
} ngx_proxies_str_t;


typedef struct {
    ngx_proxies_str_t             name;
    ngx_proxies_str_t             value;
} ngx_proxies_pair_t;


typedef struct ngx_proxies_request_s   ngx_proxies_request_t;
typedef struct ngx_proxies_response_s  ngx_proxies_response_t;


/* what an init hook gets, once per nginx worker process */
typedef struct {
    const ngx_proxies_pair_t     *settings;   /* proxies_app_setting */
    size_t                        nsettings;
    unsigned long                 worker;     /* the worker's number */
} ngx_proxies_worker_t;


/*
 * The request, after the proxy's requestOverrides.  Everything here is
 * read-only and lives until the response has been sent.
 */
struct ngx_proxies_request_s {
    ngx_proxies_str_t             method;     /* the overridden one, if any */
    ngx_proxies_str_t             path;       /* percent-decoded */
    ngx_proxies_str_t             query;      /* encoded, without the "?" */

    const ngx_proxies_pair_t     *params;     /* route parameters, decoded */
    size_t                        nparams;
    const ngx_proxies_pair_t     *args;       /* query parameters, decoded */
    size_t                        nargs;
    const ngx_proxies_pair_t     *headers;    /* in the order received */
    size_t                        nheaders;
    const ngx_proxies_pair_t     *settings;   /* proxies_app_setting */
    size_t                        nsettings;

    ngx_proxies_str_t             body;       /* the whole request body */

    ngx_proxies_str_t             function;   /* this function's name */
    ngx_proxies_str_t             proxy;      /* the proxy that called it */
    void                         *state;      /* what init stored */

    /* request-scoped memory, freed after the response; NULL if none */
    void                       *(*alloc)(ngx_proxies_request_t *req,
                                         size_t size);
    void                         *internal;   /* the allocator's */
};


/*
 * The response.  nginx sets status 200 and nothing else before the call.
 * Content-Length and hop-by-hop headers are nginx's business and are
 * ignored; Content-Type and Location are sent as given.
 */
struct ngx_proxies_response_s {
    int                           status;     /* 200 to 599 */
    ngx_proxies_str_t             reason;     /* optional reason phrase */
    ngx_proxies_pair_t           *headers;
    size_t                        nheaders;
    size_t                        nalloc;     /* capacity of headers */
    ngx_proxies_str_t             body;
    const char                   *error;      /* why NGX_PROXIES_ERROR was
                                                 returned: logged, not sent */
};


typedef struct {
    unsigned                      version;    /* NGX_PROXIES_FUNCTION_VERSION */
    const char                   *name;       /* [A-Za-z0-9_-], unique */
    unsigned                      flags;

    /* optional: per worker process, before any request, and at its exit */
    int                         (*init)(const ngx_proxies_worker_t *worker,
                                        void **state);
    void                        (*exit)(void *state);

    /*
     * NGX_PROXIES_OK: send the response; NGX_PROXIES_ERROR: the client
     * gets 502 and resp->error is logged.  A blocking function may run
     * in several threads at once: it must lock any state it shares.
     */
    int                         (*handler)(ngx_proxies_request_t *req,
                                           ngx_proxies_response_t *resp);
} ngx_proxies_function_t;


/* the symbol every function library exports: a NULL-terminated list */
extern const ngx_proxies_function_t  *ngx_proxies_functions[];


/* ---------------------------------------------------------- helpers */

static inline ngx_proxies_str_t
ngx_proxies_string(const char *s)
{
    ngx_proxies_str_t  str;

    str.data = s;
    str.len = s ? strlen(s) : 0;

    return str;
}


/* the value of the first pair named name (ASCII case-insensitive) */
static inline const ngx_proxies_str_t *
ngx_proxies_find(const ngx_proxies_pair_t *pairs, size_t n, const char *name)
{
    size_t  i, len;

    len = strlen(name);

    for (i = 0; i < n; i++) {
        if (pairs[i].name.len == len
            && strncasecmp(pairs[i].name.data, name, len) == 0)
        {
            return &pairs[i].value;
        }
    }

    return NULL;
}


#define ngx_proxies_param(req, name)                                         \
    ngx_proxies_find((req)->params, (req)->nparams, name)
#define ngx_proxies_arg(req, name)                                           \
    ngx_proxies_find((req)->args, (req)->nargs, name)
#define ngx_proxies_header(req, name)                                        \
    ngx_proxies_find((req)->headers, (req)->nheaders, name)
#define ngx_proxies_setting(req, name)                                       \
    ngx_proxies_find((req)->settings, (req)->nsettings, name)


static inline void *
ngx_proxies_alloc(ngx_proxies_request_t *req, size_t size)
{
    return req->alloc(req, size);
}


/* printf into request memory; the result is NUL-terminated */
static inline ngx_proxies_str_t
ngx_proxies_printf(ngx_proxies_request_t *req, const char *fmt, ...)
{
    int                n;
    char              *p;
    va_list            args;
    ngx_proxies_str_t  s;

    s.data = NULL;
    s.len = 0;

    va_start(args, fmt);
    n = vsnprintf(NULL, 0, fmt, args);
    va_end(args);

    if (n < 0) {
        return s;
    }

    p = req->alloc(req, (size_t) n + 1);
    if (p == NULL) {
        return s;
    }

    va_start(args, fmt);
    (void) vsnprintf(p, (size_t) n + 1, fmt, args);
    va_end(args);

    s.data = p;
    s.len = (size_t) n;

    return s;
}


/* adds a response header; NGX_PROXIES_ERROR if out of memory */
static inline int
ngx_proxies_add_header(ngx_proxies_request_t *req,
    ngx_proxies_response_t *resp, ngx_proxies_str_t name,
    ngx_proxies_str_t value)
{
    size_t               n;
    ngx_proxies_pair_t  *h;

    if (resp->nheaders == resp->nalloc) {
        n = resp->nalloc ? 2 * resp->nalloc : 4;

        h = req->alloc(req, n * sizeof(ngx_proxies_pair_t));
        if (h == NULL) {
            return NGX_PROXIES_ERROR;
        }

        if (resp->nheaders) {
            memcpy(h, resp->headers,
                   resp->nheaders * sizeof(ngx_proxies_pair_t));
        }

        resp->headers = h;
        resp->nalloc = n;
    }

    resp->headers[resp->nheaders].name = name;
    resp->headers[resp->nheaders].value = value;
    resp->nheaders++;

    return NGX_PROXIES_OK;
}


/*
 * The same with NUL-terminated strings.  Like every response string,
 * they must live until the response is sent: literals, request memory
 * or the function's state.
 */
#define ngx_proxies_set_header(req, resp, name, value)                      \
    ngx_proxies_add_header(req, resp, ngx_proxies_string(name),             \
                           ngx_proxies_string(value))


#endif /* _NGX_PROXIES_FUNCTION_H_INCLUDED_ */
