
/*
 * ngx_proxies: the route table, a trie over route segments.
 *
 * Built recursively: the routes that reach a node are sorted by their
 * segment at the node's depth, and every run of equal segments becomes one
 * child.  Sorting keeps the build O(n log n) for 10,000 routes that share
 * a prefix, where inserting routes one by one would compare every new
 * literal with every existing one.
 */


#include "ngx_http_proxies.h"
#include "ngx_http_proxies_table.h"


typedef struct {
    ngx_http_proxies_proxy_t     *proxy;
    ngx_http_proxies_segment_t   *seg;        /* at this depth; NULL: the
                                                 route ends here */
} ngx_http_proxies_titem_t;


typedef struct {
    ngx_http_proxies_cc_t        *cc;
    ngx_http_proxies_table_t     *table;
} ngx_http_proxies_tbuild_t;


static ngx_http_proxies_node_t *ngx_http_proxies_table_node(
    ngx_http_proxies_tbuild_t *tb, ngx_http_proxies_titem_t *items,
    ngx_uint_t n, ngx_uint_t depth);
static ngx_int_t ngx_http_proxies_table_children(ngx_http_proxies_tbuild_t *tb,
    ngx_http_proxies_node_t *node, ngx_http_proxies_titem_t *items,
    ngx_uint_t n, ngx_uint_t depth);
static ngx_int_t ngx_http_proxies_table_terminals(
    ngx_http_proxies_tbuild_t *tb, ngx_http_proxies_node_t *node,
    ngx_http_proxies_titem_t *items, ngx_uint_t n);
static void ngx_http_proxies_table_warn_same(ngx_http_proxies_tbuild_t *tb,
    ngx_http_proxies_proxy_t **terms, ngx_uint_t n);
static ngx_uint_t ngx_http_proxies_table_overlap(ngx_http_proxies_proxy_t *a,
    ngx_http_proxies_proxy_t *b);
static ngx_int_t ngx_http_proxies_table_index(ngx_http_proxies_tbuild_t *tb,
    ngx_http_proxies_node_t *node);
static void *ngx_http_proxies_table_alloc(ngx_http_proxies_tbuild_t *tb,
    size_t size);
static int ngx_libc_cdecl ngx_http_proxies_table_cmp(const void *one,
    const void *two);
static ngx_int_t ngx_http_proxies_seg_cmp(ngx_http_proxies_segment_t *a,
    ngx_http_proxies_segment_t *b);
static ngx_int_t ngx_http_proxies_str_cmp(ngx_str_t *a, ngx_str_t *b);


ngx_int_t
ngx_http_proxies_table_build(ngx_http_proxies_cc_t *cc,
    ngx_http_proxies_table_t *table)
{
    ngx_uint_t                  i;
    ngx_http_proxies_titem_t   *items;
    ngx_http_proxies_tbuild_t   tb;

    tb.cc = cc;
    tb.table = table;

    items = ngx_palloc(cc->temp_pool, (table->nproxies + 1)
                                      * sizeof(ngx_http_proxies_titem_t));
    if (items == NULL) {
        return NGX_ERROR;
    }

    for (i = 0; i < table->nproxies; i++) {
        items[i].proxy = &table->proxies[i];
    }

    table->mem = 0;

    table->root = ngx_http_proxies_table_node(&tb, items, table->nproxies, 0);
    if (table->root == NULL) {
        return NGX_ERROR;
    }

    ngx_log_debug3(NGX_LOG_DEBUG_HTTP, cc->cf->log, 0,
                   "proxies table \"%V\": %ui routes, %uz bytes",
                   &table->file, table->nproxies, table->mem);

    return NGX_OK;
}


static ngx_http_proxies_node_t *
ngx_http_proxies_table_node(ngx_http_proxies_tbuild_t *tb,
    ngx_http_proxies_titem_t *items, ngx_uint_t n, ngx_uint_t depth)
{
    ngx_uint_t                 i;
    ngx_http_proxies_route_t  *route;
    ngx_http_proxies_node_t   *node;

    node = ngx_http_proxies_table_alloc(tb, sizeof(ngx_http_proxies_node_t));
    if (node == NULL) {
        return NULL;
    }

    for (i = 0; i < n; i++) {
        route = &items[i].proxy->route;
        items[i].seg = (depth < route->nsegs) ? &route->segs[depth] : NULL;
    }

    ngx_qsort(items, n, sizeof(ngx_http_proxies_titem_t),
              ngx_http_proxies_table_cmp);

    for (i = 0; i < n && items[i].seg == NULL; i++) { /* void */ }

    if (i && ngx_http_proxies_table_terminals(tb, node, items, i) != NGX_OK) {
        return NULL;
    }

    if (ngx_http_proxies_table_children(tb, node, items + i, n - i, depth)
        != NGX_OK)
    {
        return NULL;
    }

    if (node->nliterals > NGX_HTTP_PROXIES_LINEAR_MAX
        && ngx_http_proxies_table_index(tb, node) != NGX_OK)
    {
        return NULL;
    }

    return node;
}


/* items are sorted: runs of equal segments, literals first */

static ngx_int_t
ngx_http_proxies_table_children(ngx_http_proxies_tbuild_t *tb,
    ngx_http_proxies_node_t *node, ngx_http_proxies_titem_t *items,
    ngx_uint_t n, ngx_uint_t depth)
{
    ngx_uint_t                   i, j, nlit, ncpx;
    ngx_http_proxies_node_t     *child;
    ngx_http_proxies_ledge_t    *le;
    ngx_http_proxies_segment_t  *seg;

    nlit = 0;
    ncpx = 0;

    for (i = 0; i < n; i++) {
        if (i > 0 && ngx_http_proxies_seg_cmp(items[i - 1].seg, items[i].seg)
                     == 0)
        {
            continue;
        }

        nlit += (items[i].seg->kind == NGX_HTTP_PROXIES_SEG_LITERAL);
        ncpx += (items[i].seg->kind == NGX_HTTP_PROXIES_SEG_COMPLEX);
    }

    if (nlit) {
        node->literals = ngx_http_proxies_table_alloc(tb,
                                    nlit * sizeof(ngx_http_proxies_ledge_t));
        if (node->literals == NULL) {
            return NGX_ERROR;
        }
    }

    if (ncpx) {
        node->complex = ngx_http_proxies_table_alloc(tb,
                                    ncpx * sizeof(ngx_http_proxies_cedge_t));
        if (node->complex == NULL) {
            return NGX_ERROR;
        }
    }

    for (i = 0; i < n; i = j) {
        seg = items[i].seg;

        for (j = i + 1;
             j < n && ngx_http_proxies_seg_cmp(seg, items[j].seg) == 0;
             j++)
        { /* void */ }

        if (seg->kind == NGX_HTTP_PROXIES_SEG_CATCHALL) {
            node->catchall = ngx_http_proxies_table_alloc(tb,
                                            sizeof(ngx_http_proxies_node_t));
            if (node->catchall == NULL
                || ngx_http_proxies_table_terminals(tb, node->catchall,
                                                    items + i, j - i)
                   != NGX_OK)
            {
                return NGX_ERROR;
            }

            continue;
        }

        child = ngx_http_proxies_table_node(tb, items + i, j - i, depth + 1);
        if (child == NULL) {
            return NGX_ERROR;
        }

        switch (seg->kind) {

        case NGX_HTTP_PROXIES_SEG_LITERAL:
            le = &node->literals[node->nliterals++];
            le->key = seg->literal;
            le->hash = ngx_hash_key(seg->literal.data, seg->literal.len);
            le->node = child;
            break;

        case NGX_HTTP_PROXIES_SEG_COMPLEX:
            node->complex[node->ncomplex].seg = seg;
            node->complex[node->ncomplex++].node = child;
            break;

        default: /* NGX_HTTP_PROXIES_SEG_PARAM */
            node->param = child;
            break;
        }
    }

    return NGX_OK;
}


/* items are sorted: explicit methods first, then file order */

static ngx_int_t
ngx_http_proxies_table_terminals(ngx_http_proxies_tbuild_t *tb,
    ngx_http_proxies_node_t *node, ngx_http_proxies_titem_t *items,
    ngx_uint_t n)
{
    ngx_uint_t  i;

    node->terminals = ngx_http_proxies_table_alloc(tb,
                                        n * sizeof(ngx_http_proxies_proxy_t *));
    if (node->terminals == NULL) {
        return NGX_ERROR;
    }

    for (i = 0; i < n; i++) {
        node->terminals[i] = items[i].proxy;
    }

    node->nterminals = n;

    ngx_http_proxies_table_warn_same(tb, node->terminals, n);

    return NGX_OK;
}


/*
 * A proxy that repeats the template of an earlier one for the same methods
 * can never win.  One route split over several proxies by method is
 * common and fine, and so is a method-less proxy behind explicit ones.
 */

static void
ngx_http_proxies_table_warn_same(ngx_http_proxies_tbuild_t *tb,
    ngx_http_proxies_proxy_t **terms, ngx_uint_t n)
{
    ngx_uint_t                 i, j;
    ngx_http_proxies_cc_t     *cc;
    ngx_http_proxies_model_t   model, *saved;

    cc = tb->cc;
    saved = cc->proxy;

    for (j = 1; j < n; j++) {
        for (i = 0; i < j; i++) {

            if (!ngx_http_proxies_table_overlap(terms[i], terms[j])) {
                continue;
            }

            ngx_memzero(&model, sizeof(ngx_http_proxies_model_t));
            model.name = terms[j]->name;
            model.order = terms[j]->order;
            model.route = terms[j]->route.text;

            cc->proxy = &model;
            ngx_str_set(&cc->field, "matchCondition.route");

            ngx_http_proxies_cc_warn(cc,
                "route \"%V\" is the same as that of proxy \"%V\" for "
                "some methods; proxy \"%V\" wins for those",
                &terms[j]->route.text, &terms[i]->name, &terms[i]->name);
            break;
        }
    }

    cc->proxy = saved;
}


static ngx_uint_t
ngx_http_proxies_table_overlap(ngx_http_proxies_proxy_t *a,
    ngx_http_proxies_proxy_t *b)
{
    ngx_uint_t  i, k;

    if (a->nmethods == 0 || b->nmethods == 0) {
        return a->nmethods == b->nmethods;
    }

    if (a->method_mask & b->method_mask) {
        return 1;
    }

    for (i = 0; i < a->nmethods; i++) {
        for (k = 0; k < b->nmethods; k++) {
            if (a->methods[i].len == b->methods[k].len
                && ngx_strncasecmp(a->methods[i].data, b->methods[k].data,
                                   a->methods[i].len)
                   == 0)
            {
                return 1;
            }
        }
    }

    return 0;
}


/* the index of a node with many literal children: see table.h */

static ngx_int_t
ngx_http_proxies_table_index(ngx_http_proxies_tbuild_t *tb,
    ngx_http_proxies_node_t *node)
{
    ngx_uint_t  i, k, size, bits;

    for (bits = 1; ((ngx_uint_t) 1 << bits) < 2 * node->nliterals; bits++) {
        /* void */
    }

    size = (ngx_uint_t) 1 << bits;

    node->index = ngx_http_proxies_table_alloc(tb, size * sizeof(uint32_t));
    if (node->index == NULL) {
        return NGX_ERROR;
    }

    ngx_memzero(node->index, size * sizeof(uint32_t));
    node->mask = size - 1;
    node->shift = 64 - bits;

    for (i = 0; i < node->nliterals; i++) {
        k = ngx_http_proxies_index_slot(node, node->literals[i].hash);

        while (node->index[k]) {
            k = (k + 1) & node->mask;
        }

        node->index[k] = (uint32_t) (i + 1);
    }

    return NGX_OK;
}


static void *
ngx_http_proxies_table_alloc(ngx_http_proxies_tbuild_t *tb, size_t size)
{
    tb->table->mem += size;

    return ngx_pcalloc(tb->cc->pool, size);
}


/*
 * Routes ending here first; then segments by kind (literal, complex,
 * parameter, catch-all) and text; then explicit methods before none, then
 * file order.  The last two keys order the terminal lists.
 */

static int ngx_libc_cdecl
ngx_http_proxies_table_cmp(const void *one, const void *two)
{
    ngx_int_t                  rc;
    ngx_http_proxies_proxy_t  *a, *b;
    ngx_http_proxies_titem_t  *x, *y;

    x = (ngx_http_proxies_titem_t *) one;
    y = (ngx_http_proxies_titem_t *) two;

    if (x->seg == NULL || y->seg == NULL) {
        rc = (x->seg != NULL) - (y->seg != NULL);

    } else {
        rc = ngx_http_proxies_seg_cmp(x->seg, y->seg);
    }

    if (rc) {
        return (int) rc;
    }

    a = x->proxy;
    b = y->proxy;

    if ((a->nmethods == 0) != (b->nmethods == 0)) {
        return (a->nmethods == 0) ? 1 : -1;
    }

    return (a->order > b->order) - (a->order < b->order);
}


/* equal segments match the same path segments; parameter names differ */

static ngx_int_t
ngx_http_proxies_seg_cmp(ngx_http_proxies_segment_t *a,
    ngx_http_proxies_segment_t *b)
{
    ngx_int_t                  rc;
    ngx_uint_t                 i;
    ngx_http_proxies_cpart_t  *pa, *pb;

    if (a->kind != b->kind) {
        return (a->kind > b->kind) ? 1 : -1;
    }

    switch (a->kind) {

    case NGX_HTTP_PROXIES_SEG_LITERAL:
        return ngx_http_proxies_str_cmp(&a->literal, &b->literal);

    case NGX_HTTP_PROXIES_SEG_COMPLEX:
        if (a->nparts != b->nparts) {
            return (a->nparts > b->nparts) ? 1 : -1;
        }

        for (i = 0; i < a->nparts; i++) {
            pa = &a->parts[i];
            pb = &b->parts[i];

            rc = ngx_http_proxies_str_cmp(&pa->literal, &pb->literal);
            if (rc) {
                return rc;
            }
        }

        return 0;

    default:
        return 0;
    }
}


/* a parameter's part of a complex segment has no text */

static ngx_int_t
ngx_http_proxies_str_cmp(ngx_str_t *a, ngx_str_t *b)
{
    if (a->len != b->len) {
        return (a->len > b->len) ? 1 : -1;
    }

    return a->len ? ngx_memcmp(a->data, b->data, a->len) : 0;
}
