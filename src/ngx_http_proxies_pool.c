
/*
 * ngx_proxies: the pool a proxies file's model and compiled table live in.
 *
 * A request reads its own route's trie nodes, proxy, templates and
 * strings.  With 10,000 proxies these lie in about 27 MB, and a mix that
 * hits many routes touches a few pages of each, far more pages than the
 * TLB holds.  The pool is therefore one region of transparent huge pages:
 * a handful of TLB entries then cover the whole table.
 *
 * The region is reserved up front (address space only; the kernel backs
 * what is touched) and serves every allocation of up to an eighth of it,
 * so the trie's big arrays land in it too.  Should a file compile to more
 * than the reserve, the pool goes on in ordinary blocks: slower pages,
 * same result.  The pool is freed with the cycle that made it.
 */


#include "ngx_http_proxies.h"
#include "ngx_http_proxies_table.h"

#include <sys/mman.h>


#define NGX_HTTP_PROXIES_HUGE_PAGE    (2 * 1024 * 1024)

/* how many bytes of table a byte of proxies.json makes, with room to spare */
#define NGX_HTTP_PROXIES_POOL_FACTOR  32

/* below this reserve (a file of under 256 KB, some 1,500 proxies) */
#define NGX_HTTP_PROXIES_POOL_MIN     (4 * NGX_HTTP_PROXIES_HUGE_PAGE)


typedef struct {
    ngx_pool_t  *pool;
    u_char      *base;
    size_t       size;
} ngx_http_proxies_region_t;


static size_t ngx_http_proxies_pool_reserve(ngx_conf_t *cf, ngx_str_t *file);
static void ngx_http_proxies_pool_free(void *data);


ngx_pool_t *
ngx_http_proxies_pool_create(ngx_conf_t *cf, ngx_str_t *file)
{
#if (NGX_LINUX && defined MADV_HUGEPAGE)

    u_char                     *p, *base;
    size_t                      size;
    ngx_pool_t                 *pool;
    ngx_pool_cleanup_t         *cln;
    ngx_http_proxies_region_t  *region;

    size = ngx_http_proxies_pool_reserve(cf, file);

    if (size < NGX_HTTP_PROXIES_POOL_MIN) {
        /* a table this small is a few pages anyway; a region would cost 2M */
        return cf->pool;
    }

    cln = ngx_pool_cleanup_add(cf->pool, sizeof(ngx_http_proxies_region_t));
    if (cln == NULL) {
        return NULL;
    }

    /* one huge page more, to align the start to one */
    p = mmap(NULL, size + NGX_HTTP_PROXIES_HUGE_PAGE, PROT_READ|PROT_WRITE,
             MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE, -1, 0);

    if (p == MAP_FAILED) {
        ngx_conf_log_error(NGX_LOG_WARN, cf, ngx_errno,
                           "proxies: mmap(%uz) for \"%V\" failed, "
                           "the table goes to ordinary pages", size, file);
        return cf->pool;
    }

    base = ngx_align_ptr(p, NGX_HTTP_PROXIES_HUGE_PAGE);

    if (madvise(base, size, MADV_HUGEPAGE) == -1) {
        /* a kernel without THP: the region still works, in small pages */
        ngx_log_debug1(NGX_LOG_DEBUG_HTTP, cf->log, ngx_errno,
                       "proxies: madvise(MADV_HUGEPAGE) failed for \"%V\"",
                       file);
    }

    region = cln->data;
    region->base = p;
    region->size = size + NGX_HTTP_PROXIES_HUGE_PAGE;

    pool = (ngx_pool_t *) base;

    pool->d.last = base + sizeof(ngx_pool_t);
    pool->d.end = base + size;
    pool->d.next = NULL;
    pool->d.failed = 0;
    pool->max = size / 8;
    pool->current = pool;
    pool->chain = NULL;
    pool->large = NULL;
    pool->cleanup = NULL;
    pool->log = cf->log;

    region->pool = pool;
    cln->handler = ngx_http_proxies_pool_free;

    return pool;

#else

    return cf->pool;

#endif
}


/*
 * The bytes handed out from the region, which malloc statistics don't
 * see; an ordinary pool (its max is at most a page) counts there instead.
 */

size_t
ngx_http_proxies_pool_used(ngx_pool_t *pool)
{
    if (pool->max <= NGX_MAX_ALLOC_FROM_POOL) {
        return 0;
    }

    return pool->d.last - (u_char *) pool;
}


static size_t
ngx_http_proxies_pool_reserve(ngx_conf_t *cf, ngx_str_t *file)
{
    size_t           size;
    ngx_file_info_t  fi;

    size = 0;

    /* a missing file is reported by the loader, with its reason */
    if (ngx_file_info(file->data, &fi) != NGX_FILE_ERROR) {
        size = (size_t) ngx_file_size(&fi) * NGX_HTTP_PROXIES_POOL_FACTOR;
    }

    return ngx_align(size, NGX_HTTP_PROXIES_HUGE_PAGE);
}


/*
 * ngx_destroy_pool() without its last step: the first block is the
 * mapped region, not a malloc()ed one.
 */

static void
ngx_http_proxies_pool_free(void *data)
{
    ngx_http_proxies_region_t *region = data;

    ngx_pool_t          *p, *next;
    ngx_pool_large_t    *l;
    ngx_pool_cleanup_t  *c;

    for (c = region->pool->cleanup; c; c = c->next) {
        if (c->handler) {
            c->handler(c->data);
        }
    }

    for (l = region->pool->large; l; l = l->next) {
        if (l->alloc) {
            ngx_free(l->alloc);
        }
    }

    for (p = region->pool->d.next; p; p = next) {
        next = p->d.next;
        ngx_free(p);
    }

    if (munmap(region->base, region->size) == -1) {
        ngx_log_error(NGX_LOG_ALERT, ngx_cycle->log, ngx_errno,
                      "proxies: munmap() failed");
    }
}
