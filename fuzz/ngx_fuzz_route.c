
/*
 * ngx_proxies fuzz target: the route template parser (route.c).
 *
 * Any bytes are a route template.  The parser must accept or refuse them
 * without a memory error, and what it accepts must be a well-formed
 * route: one rank digit per segment, a catch-all only last, every
 * parameter bound exactly once, literals lower case and never a dot
 * segment, complex segments with a literal between any two parameters.
 */


#include "ngx_unit.h"


static void ngx_fuzz_route_check(ngx_http_proxies_route_t *route);
static void ngx_fuzz_fail(const char *what, ngx_http_proxies_route_t *route);


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ngx_str_t                  text;
    ngx_unit_env_t            *env;
    ngx_http_proxies_route_t   route;

    env = ngx_unit_env_create();
    if (env == NULL) {
        return 0;
    }

    /* exactly the input's bytes, so that ASan bounds the text */
    text.len = size;
    text.data = ngx_pnalloc(env->temp_pool, size);

    if (text.data) {
        if (size) {
            ngx_memcpy(text.data, data, size);
        }

        if (ngx_http_proxies_route_parse(&env->cc, &text, &route) == NGX_OK) {
            ngx_fuzz_route_check(&route);
        }
    }

    ngx_unit_env_destroy(env);

    return 0;
}


static void
ngx_fuzz_route_check(ngx_http_proxies_route_t *route)
{
    u_char                      *bound;
    ngx_uint_t                   i, k;
    ngx_http_proxies_cpart_t    *part;
    ngx_http_proxies_segment_t  *seg;

    if (route->rank.len != route->nsegs) {
        ngx_fuzz_fail("rank length", route);
    }

    bound = calloc(route->nparams + 1, 1);
    if (bound == NULL) {
        return;
    }

    for (i = 0; i < route->nsegs; i++) {
        seg = &route->segs[i];

        if (route->rank.data[i] != '0' + seg->kind) {
            ngx_fuzz_fail("rank digit", route);
        }

        switch (seg->kind) {

        case NGX_HTTP_PROXIES_SEG_LITERAL:
            if (seg->literal.len == 0
                || (seg->literal.data[0] == '.'
                    && (seg->literal.len == 1
                        || (seg->literal.len == 2
                            && seg->literal.data[1] == '.'))))
            {
                ngx_fuzz_fail("empty or dot literal", route);
            }

            for (k = 0; k < seg->literal.len; k++) {
                if (seg->literal.data[k] >= 'A'
                    && seg->literal.data[k] <= 'Z')
                {
                    ngx_fuzz_fail("upper case literal", route);
                }
            }

            break;

        case NGX_HTTP_PROXIES_SEG_CATCHALL:
            if (i + 1 != route->nsegs) {
                ngx_fuzz_fail("catch-all before the end", route);
            }

            /* fall through */

        case NGX_HTTP_PROXIES_SEG_PARAM:
            if (seg->param >= route->nparams || bound[seg->param]++) {
                ngx_fuzz_fail("parameter index", route);
            }

            break;

        case NGX_HTTP_PROXIES_SEG_COMPLEX:
            if (seg->nparts < 2) {
                ngx_fuzz_fail("complex segment of one part", route);
            }

            for (k = 0; k < seg->nparts; k++) {
                part = &seg->parts[k];

                if (part->literal.len) {
                    continue;
                }

                if (k > 0 && part[-1].literal.len == 0) {
                    ngx_fuzz_fail("two parameters side by side", route);
                }

                if (part->param >= route->nparams || bound[part->param]++) {
                    ngx_fuzz_fail("complex parameter index", route);
                }
            }

            break;

        default:
            ngx_fuzz_fail("segment kind", route);
        }
    }

    for (i = 0; i < route->nparams; i++) {
        if (!bound[i] || route->params[i].len == 0) {
            ngx_fuzz_fail("a parameter without a segment", route);
        }
    }

    free(bound);
}


static void
ngx_fuzz_fail(const char *what, ngx_http_proxies_route_t *route)
{
    fprintf(stderr, "route \"%.*s\": %s\n", (int) route->text.len,
            route->text.data, what);
    abort();
}
