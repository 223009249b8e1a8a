
/*
 * ngx_proxies unit tests: stand-ins for the nginx core functions that the
 * pure pieces of the module call.
 *
 * They keep nginx's contracts where the module depends on them (string
 * comparisons stop at NUL as nginx's do, hash keys are nginx's), and
 * differ where a test gains from it: every pool allocation
 * is its own malloc(), so that ASan bounds each one, and any of them can
 * be made to fail (ngx_unit_alloc_fail).
 */


#include "ngx_unit.h"


ngx_int_t                ngx_unit_alloc_fail = -1;

static ngx_time_t        ngx_unit_time;
volatile ngx_time_t     *ngx_cached_time = &ngx_unit_time;


static u_char *ngx_unit_number(u_char *buf, u_char *last, uint64_t n,
    ngx_uint_t hex, ngx_uint_t width, u_char pad);


void
ngx_unit_set_time(uint64_t ms)
{
    ngx_unit_time.sec = (time_t) (ms / 1000);
    ngx_unit_time.msec = (ngx_msec_t) (ms % 1000);
}


/* ------------------------------------------------------------- pools */

ngx_pool_t *
ngx_create_pool(size_t size, ngx_log_t *log)
{
    ngx_pool_t  *pool;

    pool = calloc(1, sizeof(ngx_pool_t));
    if (pool == NULL) {
        return NULL;
    }

    pool->log = log;

    return pool;
}


void
ngx_destroy_pool(ngx_pool_t *pool)
{
    ngx_pool_large_t  *l, *next;

    for (l = pool->large; l; l = next) {
        next = l->next;
        free(l->alloc);
        free(l);
    }

    free(pool);
}


void *
ngx_palloc(ngx_pool_t *pool, size_t size)
{
    void              *p;
    ngx_pool_large_t  *l;

    if (ngx_unit_alloc_fail == 0) {
        return NULL;
    }

    if (ngx_unit_alloc_fail > 0) {
        ngx_unit_alloc_fail--;
    }

    /* nginx answers a zero size with a valid pointer too */
    p = malloc(size ? size : 1);
    if (p == NULL) {
        return NULL;
    }

    l = malloc(sizeof(ngx_pool_large_t));
    if (l == NULL) {
        free(p);
        return NULL;
    }

    l->alloc = p;
    l->next = pool->large;
    pool->large = l;

    return p;
}


void *
ngx_pnalloc(ngx_pool_t *pool, size_t size)
{
    return ngx_palloc(pool, size);
}


void *
ngx_pcalloc(ngx_pool_t *pool, size_t size)
{
    void  *p;

    p = ngx_palloc(pool, size);
    if (p) {
        ngx_memzero(p, size);
    }

    return p;
}


/* ------------------------------------------------------ arrays, lists */

void *
ngx_array_push_n(ngx_array_t *a, ngx_uint_t n)
{
    void        *elts;
    ngx_uint_t   nalloc;

    if (a->nelts + n > a->nalloc) {
        nalloc = 2 * ngx_max(n, a->nalloc);

        elts = ngx_palloc(a->pool, nalloc * a->size);
        if (elts == NULL) {
            return NULL;
        }

        if (a->nelts) {
            ngx_memcpy(elts, a->elts, a->nelts * a->size);
        }

        a->elts = elts;
        a->nalloc = nalloc;
    }

    elts = (u_char *) a->elts + a->nelts * a->size;
    a->nelts += n;

    return elts;
}


void *
ngx_array_push(ngx_array_t *a)
{
    return ngx_array_push_n(a, 1);
}


ngx_array_t *
ngx_array_create(ngx_pool_t *p, ngx_uint_t n, size_t size)
{
    ngx_array_t  *a;

    a = ngx_palloc(p, sizeof(ngx_array_t));
    if (a == NULL) {
        return NULL;
    }

    if (ngx_array_init(a, p, n, size) != NGX_OK) {
        return NULL;
    }

    return a;
}


void *
ngx_list_push(ngx_list_t *l)
{
    void             *elt;
    ngx_list_part_t  *last;

    last = l->last;

    if (last->nelts == l->nalloc) {
        last = ngx_palloc(l->pool, sizeof(ngx_list_part_t));
        if (last == NULL) {
            return NULL;
        }

        last->elts = ngx_palloc(l->pool, l->nalloc * l->size);
        if (last->elts == NULL) {
            return NULL;
        }

        last->nelts = 0;
        last->next = NULL;

        l->last->next = last;
        l->last = last;
    }

    elt = (u_char *) last->elts + l->size * last->nelts;
    last->nelts++;

    return elt;
}


/* ----------------------------------------------------------- strings */

void
ngx_strlow(u_char *dst, u_char *src, size_t n)
{
    while (n--) {
        *dst++ = ngx_tolower(*src);
        src++;
    }
}


/* as nginx's: case-blind for ASCII only, and a NUL ends both strings */

ngx_int_t
ngx_strncasecmp(u_char *s1, u_char *s2, size_t n)
{
    ngx_uint_t  c1, c2;

    for ( /* void */ ; n; n--) {
        c1 = ngx_tolower(*s1);
        c2 = ngx_tolower(*s2);
        s1++;
        s2++;

        if (c1 != c2) {
            return c1 - c2;
        }

        if (c1 == '\0') {
            return 0;
        }
    }

    return 0;
}


/* s2 is n + 1 bytes long, as nginx's callers pass it */

u_char *
ngx_strlcasestrn(u_char *s1, u_char *last, u_char *s2, size_t n)
{
    u_char  *p;

    for (p = s1; p + n < last; p++) {
        if (ngx_tolower(*p) == ngx_tolower(*s2)
            && ngx_strncasecmp(p + 1, s2 + 1, n) == 0)
        {
            return p;
        }
    }

    return NULL;
}


u_char *
ngx_cpystrn(u_char *dst, u_char *src, size_t n)
{
    if (n == 0) {
        return dst;
    }

    for ( /* void */ ; n > 1 && *src; n--) {
        *dst++ = *src++;
    }

    *dst = '\0';

    return dst;
}


/* as nginx's: NGX_ERROR for no digits, a non-digit, or an overflow */

ngx_int_t
ngx_atoi(u_char *line, size_t n)
{
    ngx_int_t  value, d;

    if (n == 0) {
        return NGX_ERROR;
    }

    for (value = 0; n; n--, line++) {
        if (*line < '0' || *line > '9') {
            return NGX_ERROR;
        }

        d = *line - '0';

        if (value > (NGX_MAX_INT_T_VALUE - d) / 10) {
            return NGX_ERROR;
        }

        value = value * 10 + d;
    }

    return value;
}


ngx_int_t
ngx_hextoi(u_char *line, size_t n)
{
    u_char     c;
    ngx_int_t  value, d;

    if (n == 0) {
        return NGX_ERROR;
    }

    for (value = 0; n; n--, line++) {
        c = *line;

        if (c >= '0' && c <= '9') {
            d = c - '0';

        } else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') {
            d = (c | 0x20) - 'a' + 10;

        } else {
            return NGX_ERROR;
        }

        if (value > (NGX_MAX_INT_T_VALUE - d) / 16) {
            return NGX_ERROR;
        }

        value = value * 16 + d;
    }

    return value;
}


u_char *
ngx_pstrdup(ngx_pool_t *pool, ngx_str_t *src)
{
    u_char  *dst;

    dst = ngx_pnalloc(pool, src->len);
    if (dst == NULL) {
        return NULL;
    }

    if (src->len) {
        ngx_memcpy(dst, src->data, src->len);
    }

    return dst;
}


/*
 * nginx's formats, those the module uses: %V, %s, %*s, %c, %%, and
 * numbers %d %i %l %z %L %O %T %M with "u", "x", "X", a width and "0".
 */

u_char *
ngx_vslprintf(u_char *buf, u_char *last, const char *fmt, va_list args)
{
    u_char      *s, pad;
    size_t       len;
    int64_t      i64;
    uint64_t     u64;
    ngx_str_t   *v;
    ngx_uint_t   width, hex, sign;

    while (*fmt && buf < last) {

        if (*fmt != '%') {
            *buf++ = *fmt++;
            continue;
        }

        fmt++;
        pad = ' ';
        width = 0;
        hex = 0;
        sign = 1;
        len = (size_t) -1;

        if (*fmt == '0') {
            pad = '0';
        }

        while (*fmt >= '0' && *fmt <= '9') {
            width = width * 10 + (*fmt++ - '0');
        }

        for ( ;; ) {
            if (*fmt == 'u') {
                sign = 0;

            } else if (*fmt == 'x' || *fmt == 'X') {
                hex = (*fmt == 'x') ? 1 : 2;
                sign = 0;

            } else if (*fmt == '*') {
                len = va_arg(args, size_t);

            } else {
                break;
            }

            fmt++;
        }

        switch (*fmt++) {

        case 'V':
            v = va_arg(args, ngx_str_t *);
            len = ngx_min((size_t) (last - buf), v->len);
            buf = len ? ngx_cpymem(buf, v->data, len) : buf;
            continue;

        case 's':
            s = va_arg(args, u_char *);

            if (len == (size_t) -1) {
                while (*s && buf < last) {
                    *buf++ = *s++;
                }

                continue;
            }

            /* with a length, NULs are copied too */
            len = ngx_min((size_t) (last - buf), len);
            buf = len ? ngx_cpymem(buf, s, len) : buf;
            continue;

        case 'c':
            *buf++ = (u_char) va_arg(args, int);
            continue;

        case '%':
            *buf++ = '%';
            continue;

        case 'd':
            if (sign) {
                i64 = va_arg(args, int);

            } else {
                i64 = va_arg(args, u_int);
            }

            break;

        case 'D':
            if (sign) {
                i64 = va_arg(args, int32_t);

            } else {
                i64 = va_arg(args, uint32_t);
            }

            break;

        case 'i':
        case 'l':
            if (sign) {
                i64 = va_arg(args, ngx_int_t);

            } else {
                i64 = (int64_t) va_arg(args, ngx_uint_t);
            }

            break;

        case 'z':
            if (sign) {
                i64 = va_arg(args, ssize_t);

            } else {
                i64 = (int64_t) va_arg(args, size_t);
            }

            break;

        case 'L':
            i64 = va_arg(args, int64_t);
            break;

        case 'O':
            i64 = va_arg(args, off_t);
            break;

        case 'T':
            i64 = va_arg(args, time_t);
            break;

        case 'M':
            i64 = (int64_t) va_arg(args, ngx_msec_t);
            break;

        default:
            /* nginx copies what it does not know */
            *buf++ = (u_char) fmt[-1];
            continue;
        }

        if (sign && i64 < 0) {
            *buf++ = '-';
            u64 = 0 - (uint64_t) i64;

        } else {
            u64 = (uint64_t) i64;
        }

        buf = ngx_unit_number(buf, last, u64, hex, width, pad);
    }

    return buf;
}


static u_char *
ngx_unit_number(u_char *buf, u_char *last, uint64_t n, ngx_uint_t hex,
    ngx_uint_t width, u_char pad)
{
    u_char         *p, tmp[NGX_INT64_LEN + 1];
    size_t          len;
    static u_char   lower[] = "0123456789abcdef";
    static u_char   upper[] = "0123456789ABCDEF";

    p = tmp + sizeof(tmp);

    do {
        if (hex) {
            *--p = (hex == 1 ? lower : upper)[n & 0xf];
            n >>= 4;

        } else {
            *--p = (u_char) ('0' + n % 10);
            n /= 10;
        }

    } while (n);

    len = tmp + sizeof(tmp) - p;

    while (width-- > len && buf < last) {
        *buf++ = pad;
    }

    len = ngx_min((size_t) (last - buf), len);

    return ngx_cpymem(buf, p, len);
}


u_char * ngx_cdecl
ngx_slprintf(u_char *buf, u_char *last, const char *fmt, ...)
{
    u_char   *p;
    va_list   args;

    va_start(args, fmt);
    p = ngx_vslprintf(buf, last, fmt, args);
    va_end(args);

    return p;
}


u_char * ngx_cdecl
ngx_sprintf(u_char *buf, const char *fmt, ...)
{
    u_char   *p;
    va_list   args;

    va_start(args, fmt);
    p = ngx_vslprintf(buf, (u_char *) -1, fmt, args);
    va_end(args);

    return p;
}


u_char *
ngx_http_time(u_char *buf, time_t t)
{
    struct tm  tm;

    (void) gmtime_r(&t, &tm);

    return buf + strftime((char *) buf, sizeof("Mon, 28 Sep 1970 06:00:00 GMT"),
                          "%a, %d %b %Y %H:%M:%S GMT", &tm);
}


/* ------------------------------------------------------------ hashes */

ngx_uint_t
ngx_hash_key(u_char *data, size_t len)
{
    ngx_uint_t  key;

    for (key = 0; len--; data++) {
        key = ngx_hash(key, *data);
    }

    return key;
}


ngx_uint_t
ngx_hash_key_lc(u_char *data, size_t len)
{
    ngx_uint_t  key;

    for (key = 0; len--; data++) {
        key = ngx_hash(key, ngx_tolower(*data));
    }

    return key;
}


ngx_uint_t
ngx_hash_strlow(u_char *dst, u_char *src, size_t n)
{
    ngx_uint_t  key;

    for (key = 0; n--; dst++, src++) {
        *dst = ngx_tolower(*src);
        key = ngx_hash(key, *dst);
    }

    return key;
}


/* ----------------------------------------------- logs, locks, requests */

void ngx_cdecl
ngx_log_error_core(ngx_uint_t level, ngx_log_t *log, ngx_err_t err,
    const char *fmt, ...)
{
    u_char   *p, buf[NGX_MAX_ERROR_STR];
    va_list   args;

    va_start(args, fmt);
    p = ngx_vslprintf(buf, buf + sizeof(buf) - 1, fmt, args);
    va_end(args);

    if (getenv("NGX_UNIT_LOG")) {
        *p = '\0';
        fprintf(stderr, "# log: %s\n", buf);
    }
}


/* the tests run in one thread: nothing to lock */

void
ngx_shmtx_lock(ngx_shmtx_t *mtx)
{
}


void
ngx_shmtx_unlock(ngx_shmtx_t *mtx)
{
}


ngx_int_t
ngx_http_discard_request_body(ngx_http_request_t *r)
{
    return NGX_OK;
}
