
/*
 * ngx_proxies: the route table (trie), private to route.c, table.c and
 * match.c.
 *
 * Every edge consumes exactly one path segment, so a node sits at a fixed
 * depth and the matcher visits each node at most once per request.
 */

#ifndef _NGX_HTTP_PROXIES_TABLE_H_INCLUDED_
#define _NGX_HTTP_PROXIES_TABLE_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>
#include "ngx_http_proxies.h"


/* more literal children than this are looked up through an index */
#define NGX_HTTP_PROXIES_LINEAR_MAX      8

/* decoded segments up to this size are matched against complex segments
   in a stack buffer */
#define NGX_HTTP_PROXIES_DECODE_BUF      512


typedef struct {
    ngx_str_t                     key;        /* decoded, lower case */
    ngx_uint_t                    hash;       /* ngx_hash_key() of key */
    ngx_http_proxies_node_t      *node;
} ngx_http_proxies_ledge_t;


/* complex segments of the same shape share an edge */
typedef struct {
    ngx_http_proxies_segment_t   *seg;        /* of the first route */
    ngx_http_proxies_node_t      *node;
} ngx_http_proxies_cedge_t;


/*
 * Many literal children get an open-addressing index by hash (at most
 * half full): a lookup compares the full hash of one or two keys, where an
 * ngx_hash_t bucket would be scanned key by key.
 */
struct ngx_http_proxies_node_s {
    ngx_http_proxies_ledge_t     *literals;
    ngx_uint_t                    nliterals;
    uint32_t                     *index;      /* 1 + literal, 0: free;
                                                 NULL: search linearly */
    ngx_uint_t                    mask;       /* index size - 1 */
    ngx_uint_t                    shift;      /* 64 - log2(index size) */
    ngx_http_proxies_cedge_t     *complex;
    ngx_uint_t                    ncomplex;
    ngx_http_proxies_node_t      *param;
    ngx_http_proxies_node_t      *catchall;   /* has terminals only */
    ngx_http_proxies_proxy_t    **terminals;  /* explicit methods first,
                                                 then file order */
    ngx_uint_t                    nterminals;
};


static ngx_inline ngx_int_t
ngx_http_proxies_hexval(u_char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }

    c |= 0x20;

    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }

    return -1;
}


/*
 * One percent-escape at p: the decoded byte, or -1 when p does not start a
 * valid "%XX".  An invalid escape is kept as a literal '%', both in routes
 * and in request paths, so the two always agree.
 */
static ngx_inline ngx_int_t
ngx_http_proxies_unhex(u_char *p, u_char *end)
{
    ngx_int_t  hi, lo;

    if (end - p < 3 || p[0] != '%') {
        return -1;
    }

    hi = ngx_http_proxies_hexval(p[1]);
    lo = ngx_http_proxies_hexval(p[2]);

    if (hi < 0 || lo < 0) {
        return -1;
    }

    return hi * 16 + lo;
}


/*
 * The first index slot of a hash.  Keys such as "svc1".."svc9999" have
 * runs of consecutive ngx_hash_key() values, which would pile up into
 * long probe chains: the hash is spread by a Fibonacci multiply first.
 */
static ngx_inline ngx_uint_t
ngx_http_proxies_index_slot(ngx_http_proxies_node_t *node, ngx_uint_t hash)
{
    return (ngx_uint_t) (((uint64_t) hash * 0x9e3779b97f4a7c15ULL)
                         >> node->shift);
}


/* decodes src into dst (at least len bytes); returns the decoded length */
size_t ngx_http_proxies_decode(u_char *dst, u_char *src, size_t len);

ngx_pool_t *ngx_http_proxies_pool_create(ngx_conf_t *cf, ngx_str_t *file);
ngx_pool_t *ngx_http_proxies_pool_scratch(ngx_str_t *file, ngx_log_t *log);
ngx_uint_t ngx_http_proxies_pool_is_region(ngx_pool_t *pool);
size_t ngx_http_proxies_pool_used(ngx_pool_t *pool);
ngx_pool_t *ngx_http_proxies_region_create(size_t size, ngx_uint_t huge,
    ngx_log_t *log);
void ngx_http_proxies_region_destroy(ngx_pool_t *pool);


#endif /* _NGX_HTTP_PROXIES_TABLE_H_INCLUDED_ */
