
/*
 * ngx_proxies: the pools a big proxies file is parsed and compiled in.
 *
 * A request reads its own route's trie nodes, proxy, templates and
 * strings.  With 10,000 proxies these lie in about 25 MB, and a mix that
 * hits many routes touches a few pages of each, far more pages than the
 * TLB holds.  The table's pool is therefore one region of transparent
 * huge pages: a handful of TLB entries then cover the whole table.
 *
 * The scratch work (jansson's tree of the file, the validator's and the
 * compiler's temporary arrays) goes to a region of its own, unmapped as
 * soon as the table is built.  In malloc() it would leave megabytes of
 * freed chunks in the heap, and every request's pool allocation would then
 * pay for sorting them (500 instructions a request at 10,000 proxies).
 *
 * A region is reserved up front (address space only; the kernel backs
 * what is touched) and serves every allocation of up to an eighth of it,
 * so the trie's big arrays land in it too.  Should a file need more than
 * the reserve, the pool goes on in ordinary blocks: slower pages, same
 * result.
 */


#include "ngx_http_proxies.h"
#include "ngx_http_proxies_table.h"

#include <malloc.h>
#include <sys/mman.h>


#define NGX_HTTP_PROXIES_HUGE_PAGE    (2 * 1024 * 1024)

/* how many bytes a byte of proxies.json makes, with room to spare */
#define NGX_HTTP_PROXIES_POOL_FACTOR  32

/* below this reserve (a file of under 256 KB, some 1,500 proxies) */
#define NGX_HTTP_PROXIES_POOL_MIN     (4 * NGX_HTTP_PROXIES_HUGE_PAGE)


/* at the start of a region, before its pool */
typedef struct {
    u_char  *map;
    size_t   size;
} ngx_http_proxies_region_t;


static size_t ngx_http_proxies_pool_reserve(ngx_str_t *file);
static void ngx_http_proxies_pool_cleanup(void *data);


/* the table's pool: a region of huge pages, or cf->pool for a small file */

ngx_pool_t *
ngx_http_proxies_pool_create(ngx_conf_t *cf, ngx_str_t *file)
{
    size_t               size;
    ngx_pool_t          *pool;
    ngx_pool_cleanup_t  *cln;

    size = ngx_http_proxies_pool_reserve(file);

    if (size < NGX_HTTP_PROXIES_POOL_MIN) {
        /* a table this small is a few pages anyway; a region would cost 2M */
        return cf->pool;
    }

    cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        return NULL;
    }

    pool = ngx_http_proxies_region_create(size, 1, cf->log);

    if (pool == NULL) {
        ngx_conf_log_error(NGX_LOG_WARN, cf, ngx_errno,
                           "proxies: no region of %uz bytes for \"%V\", "
                           "the table goes to ordinary pages", size, file);
        return cf->pool;
    }

    cln->handler = ngx_http_proxies_pool_cleanup;
    cln->data = pool;

    return pool;
}


/* a region for the scratch work on a big file; NULL: use cf->temp_pool */

ngx_pool_t *
ngx_http_proxies_pool_scratch(ngx_str_t *file, ngx_log_t *log)
{
    size_t  size;

    size = ngx_http_proxies_pool_reserve(file);

    if (size < NGX_HTTP_PROXIES_POOL_MIN) {
        return NULL;
    }

    return ngx_http_proxies_region_create(size, 0, log);
}


ngx_uint_t
ngx_http_proxies_pool_is_region(ngx_pool_t *pool)
{
    /* an ordinary pool's max is at most a page */
    return pool->max > NGX_MAX_ALLOC_FROM_POOL;
}


/*
 * The bytes a pool holds: what its blocks have handed out, and its large
 * allocations, whose size only malloc knows.  The pool is walked rather
 * than malloc's statistics read: they do not see a region, and under
 * AddressSanitizer mallinfo2() reports nothing at all.
 */

size_t
ngx_http_proxies_pool_used(ngx_pool_t *pool)
{
    size_t             used;
    ngx_pool_t        *p;
    ngx_pool_large_t  *l;

    used = 0;

    for (p = pool; p; p = p->d.next) {
        used += p->d.last - (u_char *) p;
    }

    for (l = pool->large; l; l = l->next) {
        if (l->alloc) {
            used += malloc_usable_size(l->alloc);
        }
    }

    return used;
}


static size_t
ngx_http_proxies_pool_reserve(ngx_str_t *file)
{
    size_t           size;
    ngx_file_info_t  fi;

    /* a missing file is reported by the loader, with its reason */
    if (ngx_file_info(file->data, &fi) == NGX_FILE_ERROR) {
        return 0;
    }

    size = (size_t) ngx_file_size(&fi) * NGX_HTTP_PROXIES_POOL_FACTOR;

    return ngx_align(size, NGX_HTTP_PROXIES_HUGE_PAGE);
}


static void
ngx_http_proxies_pool_cleanup(void *data)
{
    ngx_http_proxies_region_destroy(data);
}


/*
 * A pool whose first block is a mapped region of size bytes, aligned to
 * a huge page; with "huge", the kernel is asked to back it with them.
 */

ngx_pool_t *
ngx_http_proxies_region_create(size_t size, ngx_uint_t huge, ngx_log_t *log)
{
    u_char                     *map, *base;
    ngx_pool_t                 *pool;
    ngx_http_proxies_region_t  *region;

    /* one huge page more, to align the start to one */
    map = mmap(NULL, size + NGX_HTTP_PROXIES_HUGE_PAGE, PROT_READ|PROT_WRITE,
               MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE, -1, 0);

    if (map == MAP_FAILED) {
        return NULL;
    }

    base = ngx_align_ptr(map, NGX_HTTP_PROXIES_HUGE_PAGE);

#if (NGX_LINUX && defined MADV_HUGEPAGE)

    /* without THP in the kernel the region still works, in small pages */
    if (huge && madvise(base, size, MADV_HUGEPAGE) == -1) {
        ngx_log_debug0(NGX_LOG_DEBUG_HTTP, log, ngx_errno,
                       "proxies: madvise(MADV_HUGEPAGE) failed");
    }

#endif

    region = (ngx_http_proxies_region_t *) base;
    region->map = map;
    region->size = size + NGX_HTTP_PROXIES_HUGE_PAGE;

    pool = (ngx_pool_t *) ngx_align_ptr(base + sizeof(*region),
                                        NGX_POOL_ALIGNMENT);

    pool->d.last = (u_char *) pool + sizeof(ngx_pool_t);
    pool->d.end = base + size;
    pool->d.next = NULL;
    pool->d.failed = 0;
    pool->max = size / 8;
    pool->current = pool;
    pool->chain = NULL;
    pool->large = NULL;
    pool->cleanup = NULL;
    pool->log = log;

    return pool;
}


/*
 * ngx_destroy_pool() without its last step: the first block is the
 * mapped region, not a malloc()ed one.
 */

void
ngx_http_proxies_region_destroy(ngx_pool_t *pool)
{
    u_char                     *base;
    ngx_pool_t                 *p, *next;
    ngx_pool_large_t           *l;
    ngx_pool_cleanup_t         *c;
    ngx_http_proxies_region_t  *region;

    for (c = pool->cleanup; c; c = c->next) {
        if (c->handler) {
            c->handler(c->data);
        }
    }

    for (l = pool->large; l; l = l->next) {
        if (l->alloc) {
            ngx_free(l->alloc);
        }
    }

    for (p = pool->d.next; p; p = next) {
        next = p->d.next;
        ngx_free(p);
    }

    /* the pool follows its region's header, within the first huge page */
    base = (u_char *) ((uintptr_t) pool
                       & ~((uintptr_t) NGX_HTTP_PROXIES_HUGE_PAGE - 1));
    region = (ngx_http_proxies_region_t *) base;

    if (munmap(region->map, region->size) == -1) {
        ngx_log_error(NGX_LOG_ALERT, ngx_cycle->log, ngx_errno,
                      "proxies: munmap() failed");
    }
}
