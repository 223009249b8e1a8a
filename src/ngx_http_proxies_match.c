
/*
 * ngx_proxies: the per-request matcher.
 *
 * The raw path (up to "?", see handler.c) is split into segments on the
 * stack, dot segments resolved, and each segment's decoded length and
 * hash computed in one pass.  The trie is then searched depth first in
 * the order of precedence: literal, complex, parameter, catch-all.  The
 * first route found through a literal or a parameter edge is the best
 * one; only sibling complex edges can tie, and are compared.  Nothing is
 * allocated until a proxy has won.
 */


#include "ngx_http_proxies.h"
#include "ngx_http_proxies_table.h"


typedef struct {
    u_char                       *raw;
    size_t                        len;        /* raw */
    size_t                        dlen;       /* decoded */
    ngx_uint_t                    hash;       /* decoded, lower case */
    ngx_uint_t                    encoded;    /* has a "%XX" */
} ngx_http_proxies_pseg_t;


typedef struct {
    size_t                        start;      /* decoded offsets */
    size_t                        end;
} ngx_http_proxies_range_t;


typedef struct {
    ngx_http_request_t           *r;
    ngx_http_proxies_pseg_t      *segs;
    ngx_uint_t                    nsegs;
    ngx_uint_t                    nalloc;
    ngx_uint_t                    trailing;   /* the path ends with "/" */
    u_char                        dbuf[NGX_HTTP_PROXIES_DECODE_BUF];
} ngx_http_proxies_mctx_t;


/*
 * A path byte in lower case, or 0 for the bytes the splitter must look
 * at: "/", "?", "#", "%", "." and NUL.  One load per byte on the common
 * path instead of a chain of comparisons.
 */
static u_char  ngx_http_proxies_pchar[256];


static ngx_int_t ngx_http_proxies_match_split(ngx_http_proxies_mctx_t *mc,
    u_char *p, u_char **last);
static ngx_int_t ngx_http_proxies_match_push(ngx_http_proxies_mctx_t *mc);
static ngx_http_proxies_proxy_t *ngx_http_proxies_match_node(
    ngx_http_proxies_mctx_t *mc, ngx_http_proxies_node_t *node, ngx_uint_t i);
static ngx_http_proxies_node_t *ngx_http_proxies_match_literal(
    ngx_http_proxies_node_t *node, ngx_http_proxies_pseg_t *seg);
static ngx_uint_t ngx_http_proxies_match_eq(ngx_http_proxies_pseg_t *seg,
    ngx_http_proxies_ledge_t *le);
static ngx_http_proxies_proxy_t *ngx_http_proxies_match_complex(
    ngx_http_proxies_mctx_t *mc, ngx_http_proxies_node_t *node, ngx_uint_t i);
static u_char *ngx_http_proxies_match_decoded(ngx_http_proxies_mctx_t *mc,
    ngx_http_proxies_pseg_t *seg);
static ngx_uint_t ngx_http_proxies_complex_eq(ngx_http_proxies_segment_t *cs,
    u_char *d, size_t n, ngx_http_proxies_range_t *out);
static ngx_uint_t ngx_http_proxies_literal_at(u_char *d, ngx_str_t *literal);
static ngx_http_proxies_proxy_t *ngx_http_proxies_match_pick(
    ngx_http_proxies_mctx_t *mc, ngx_http_proxies_node_t *node);
static ngx_http_proxies_proxy_t *ngx_http_proxies_match_better(
    ngx_http_proxies_proxy_t *a, ngx_http_proxies_proxy_t *b);
static ngx_int_t ngx_http_proxies_match_captures(ngx_http_proxies_mctx_t *mc,
    ngx_http_proxies_match_t *m);
static ngx_int_t ngx_http_proxies_capture_complex(ngx_http_proxies_mctx_t *mc,
    ngx_http_proxies_segment_t *cs, ngx_http_proxies_pseg_t *seg,
    ngx_http_proxies_capture_t *caps);
static ngx_int_t ngx_http_proxies_capture_rest(ngx_http_proxies_mctx_t *mc,
    ngx_uint_t i, ngx_http_proxies_capture_t *cap);
static ngx_int_t ngx_http_proxies_capture_set(ngx_http_request_t *r,
    ngx_http_proxies_capture_t *cap, u_char *raw, size_t len,
    ngx_uint_t encoded);
static size_t ngx_http_proxies_raw_offset(ngx_http_proxies_pseg_t *seg,
    size_t doff);


void
ngx_http_proxies_match_init(void)
{
    ngx_uint_t  c;

    for (c = 0; c < 256; c++) {
        ngx_http_proxies_pchar[c] = ngx_tolower(c);
    }

    ngx_http_proxies_pchar['/'] = 0;
    ngx_http_proxies_pchar['?'] = 0;
    ngx_http_proxies_pchar['#'] = 0;
    ngx_http_proxies_pchar['%'] = 0;
    ngx_http_proxies_pchar['.'] = 0;
}


ngx_int_t
ngx_http_proxies_match(ngx_http_proxies_table_t *table, ngx_http_request_t *r,
    ngx_str_t *path, ngx_http_proxies_match_t *m)
{
    u_char                   *p, *end;
    ngx_int_t                 rc;
    ngx_http_proxies_mctx_t   mc;
    ngx_http_proxies_pseg_t   segs[NGX_HTTP_PROXIES_MAX_SEGMENTS];

    mc.r = r;
    mc.segs = segs;
    mc.nsegs = 0;
    mc.nalloc = NGX_HTTP_PROXIES_MAX_SEGMENTS;
    mc.trailing = 0;

    p = path->data;
    end = p + path->len;

    rc = ngx_http_proxies_match_split(&mc, p, &end);

    if (rc != NGX_OK) {
        ngx_log_debug3(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "proxies match \"%*s\": %i (\"..\" above the root)",
                       (size_t) (end - p), p, rc);
        return rc;
    }

    m->proxy = ngx_http_proxies_match_node(&mc, table->root, 0);

    if (m->proxy == NULL) {
        ngx_log_debug3(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "proxies match \"%*s\" %ui segments: none",
                       (size_t) (end - p), p, mc.nsegs);
        return NGX_DECLINED;
    }

    ngx_log_debug4(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "proxies match \"%*s\": proxy \"%V\" route \"%V\"",
                   (size_t) (end - p), p, &m->proxy->name,
                   &m->proxy->route.text);

    return ngx_http_proxies_match_captures(&mc, m);
}


/*
 * The path ends at "?" or "#" (*last is moved there).  Empty segments are
 * dropped ("//" is "/"); "." and ".." are resolved, also when written
 * "%2E", so that a capture cannot smuggle a dot segment to the backend.
 */

static ngx_int_t
ngx_http_proxies_match_split(ngx_http_proxies_mctx_t *mc, u_char *p,
    u_char **last)
{
    u_char                   *q, *end, c, lc;
    ngx_int_t                 v;
    ngx_uint_t                hash, dots, other, dot_last;
    ngx_http_proxies_pseg_t  *seg;

    dot_last = 0;
    end = *last;

    while (p < end) {

        if (*p == '/') {
            p++;
            continue;
        }

        if (*p == '?' || *p == '#') {
            end = p;
            break;
        }

        if (mc->nsegs == mc->nalloc && ngx_http_proxies_match_push(mc)
                                       != NGX_OK)
        {
            return NGX_ERROR;
        }

        seg = &mc->segs[mc->nsegs];
        seg->raw = p;
        seg->encoded = 0;
        seg->dlen = 0;

        hash = 0;
        dots = 0;
        other = 0;

        for (q = p; q < end; q++, seg->dlen++) {
            c = *q;
            lc = ngx_http_proxies_pchar[c];

            if (lc == 0) {
                if (c == '/') {
                    break;
                }

                if (c == '?' || c == '#') {
                    end = q;
                    break;
                }

                if (c == '%' && (v = ngx_http_proxies_unhex(q, end)) >= 0) {
                    c = (u_char) v;
                    seg->encoded = 1;
                    q += 2;
                }

                lc = ngx_tolower(c);

                if (c == '.') {
                    dots++;

                } else {
                    other = 1;
                }

            } else {
                other = 1;
            }

            hash = ngx_hash(hash, lc);
        }

        seg->len = q - p;
        seg->hash = hash;
        p = q;

        dot_last = (!other && dots <= 2);

        if (!dot_last) {
            mc->nsegs++;
            continue;
        }

        if (dots == 2) {
            if (mc->nsegs == 0) {
                return NGX_HTTP_BAD_REQUEST;
            }

            mc->nsegs--;
        }
    }

    *last = end;
    mc->trailing = mc->nsegs && (end[-1] == '/' || dot_last);

    return NGX_OK;
}


/* a path longer than the stack array: rare, so it may allocate */

static ngx_int_t
ngx_http_proxies_match_push(ngx_http_proxies_mctx_t *mc)
{
    ngx_http_proxies_pseg_t  *segs;

    segs = ngx_palloc(mc->r->pool,
                      2 * mc->nalloc * sizeof(ngx_http_proxies_pseg_t));
    if (segs == NULL) {
        return NGX_ERROR;
    }

    ngx_memcpy(segs, mc->segs, mc->nsegs * sizeof(ngx_http_proxies_pseg_t));

    mc->segs = segs;
    mc->nalloc *= 2;

    return NGX_OK;
}


/*
 * Each edge consumes one segment, so the first digit where two rank
 * strings differ is decided at one node: a literal edge that leads to
 * any route beats everything else, and so on.  When the path is used up,
 * the node's own routes beat a catch-all that binds nothing.
 */

static ngx_http_proxies_proxy_t *
ngx_http_proxies_match_node(ngx_http_proxies_mctx_t *mc,
    ngx_http_proxies_node_t *node, ngx_uint_t i)
{
    ngx_http_proxies_node_t   *child;
    ngx_http_proxies_proxy_t  *p;

    if (i == mc->nsegs) {
        p = ngx_http_proxies_match_pick(mc, node);

        if (p == NULL && node->catchall) {
            p = ngx_http_proxies_match_pick(mc, node->catchall);
        }

        return p;
    }

    if (node->nliterals) {
        child = ngx_http_proxies_match_literal(node, &mc->segs[i]);

        if (child) {
            p = ngx_http_proxies_match_node(mc, child, i + 1);
            if (p) {
                return p;
            }
        }
    }

    if (node->ncomplex) {
        p = ngx_http_proxies_match_complex(mc, node, i);
        if (p) {
            return p;
        }
    }

    if (node->param) {
        p = ngx_http_proxies_match_node(mc, node->param, i + 1);
        if (p) {
            return p;
        }
    }

    if (node->catchall) {
        return ngx_http_proxies_match_pick(mc, node->catchall);
    }

    return NULL;
}


static ngx_http_proxies_node_t *
ngx_http_proxies_match_literal(ngx_http_proxies_node_t *node,
    ngx_http_proxies_pseg_t *seg)
{
    ngx_uint_t                 k, i;
    ngx_http_proxies_ledge_t  *le;

    le = node->literals;

    if (node->index == NULL) {
        for (k = 0; k < node->nliterals; k++) {
            if (ngx_http_proxies_match_eq(seg, &le[k])) {
                return le[k].node;
            }
        }

        return NULL;
    }

    for (i = ngx_http_proxies_index_slot(node, seg->hash);
         node->index[i];
         i = (i + 1) & node->mask)
    {
        k = node->index[i] - 1;

        if (ngx_http_proxies_match_eq(seg, &le[k])) {
            return le[k].node;
        }
    }

    return NULL;
}


/* the key is lower case; seg is decoded on the fly */

static ngx_uint_t
ngx_http_proxies_match_eq(ngx_http_proxies_pseg_t *seg,
    ngx_http_proxies_ledge_t *le)
{
    u_char     *p, *end, *key, c, lc;
    ngx_int_t   v;

    if (le->hash != seg->hash || le->key.len != seg->dlen) {
        return 0;
    }

    p = seg->raw;
    end = p + seg->len;
    key = le->key.data;

    for ( /* void */ ; p < end; p++) {
        c = *p;
        lc = ngx_http_proxies_pchar[c];

        if (lc == 0) {
            if (c == '%' && seg->encoded
                && (v = ngx_http_proxies_unhex(p, end)) >= 0)
            {
                c = (u_char) v;
                p += 2;
            }

            lc = ngx_tolower(c);
        }

        if (lc != *key++) {
            return 0;
        }
    }

    return 1;
}


/* several complex shapes may fit one segment: the best route wins */

static ngx_http_proxies_proxy_t *
ngx_http_proxies_match_complex(ngx_http_proxies_mctx_t *mc,
    ngx_http_proxies_node_t *node, ngx_uint_t i)
{
    u_char                    *d;
    ngx_uint_t                 k;
    ngx_http_proxies_pseg_t   *seg;
    ngx_http_proxies_proxy_t  *p, *best;
    ngx_http_proxies_cedge_t  *ce;

    seg = &mc->segs[i];
    ce = node->complex;
    best = NULL;

    for (k = 0; k < node->ncomplex; k++) {

        /* a deeper complex edge reuses mc->dbuf: decode again */

        d = ngx_http_proxies_match_decoded(mc, seg);
        if (d == NULL) {
            return NULL;
        }

        if (!ngx_http_proxies_complex_eq(ce[k].seg, d, seg->dlen, NULL)) {
            continue;
        }

        p = ngx_http_proxies_match_node(mc, ce[k].node, i + 1);

        if (p) {
            best = best ? ngx_http_proxies_match_better(p, best) : p;
        }
    }

    return best;
}


static u_char *
ngx_http_proxies_match_decoded(ngx_http_proxies_mctx_t *mc,
    ngx_http_proxies_pseg_t *seg)
{
    u_char  *d;

    if (!seg->encoded) {
        return seg->raw;
    }

    if (seg->dlen <= NGX_HTTP_PROXIES_DECODE_BUF) {
        d = mc->dbuf;

    } else {
        d = ngx_pnalloc(mc->r->pool, seg->dlen);
        if (d == NULL) {
            return NULL;
        }
    }

    (void) ngx_http_proxies_decode(d, seg->raw, seg->len);

    return d;
}


/*
 * ASP.NET semantics: literals are matched right to left, each at its
 * right-most place that leaves a parameter at least one character; the
 * last literal must end the segment and the first must start it.
 */

static ngx_uint_t
ngx_http_proxies_complex_eq(ngx_http_proxies_segment_t *cs, u_char *d,
    size_t n, ngx_http_proxies_range_t *out)
{
    size_t                     end, s, len;
    ngx_uint_t                 i, pending;
    ngx_http_proxies_cpart_t  *part;

    end = n;
    pending = 0;

    for (i = cs->nparts; i-- > 0; /* void */) {
        part = &cs->parts[i];
        len = part->literal.len;

        if (len == 0) {
            pending = 1;
            continue;
        }

        if (!pending) {
            if (len > end
                || !ngx_http_proxies_literal_at(d + end - len, &part->literal))
            {
                return 0;
            }

            end -= len;
            continue;
        }

        if (end < len + 1) {
            return 0;
        }

        for (s = end - len - 1; /* void */; s--) {
            if (ngx_http_proxies_literal_at(d + s, &part->literal)) {
                break;
            }

            if (s == 0) {
                return 0;
            }
        }

        if (out) {
            out[i + 1].start = s + len;
            out[i + 1].end = end;
        }

        end = s;
        pending = 0;
    }

    if (!pending) {
        return end == 0;
    }

    if (end == 0) {
        return 0;
    }

    if (out) {
        out[0].start = 0;
        out[0].end = end;
    }

    return 1;
}


/*
 * The literal (lower case) at d, ignoring the case of d.  Not
 * ngx_strncasecmp(): it stops at a NUL, and "%00" decodes to one.
 */

static ngx_uint_t
ngx_http_proxies_literal_at(u_char *d, ngx_str_t *literal)
{
    size_t  i;

    for (i = 0; i < literal->len; i++) {
        if (ngx_tolower(d[i]) != literal->data[i]) {
            return 0;
        }
    }

    return 1;
}


/* terminals are sorted: explicit methods first, then file order */

static ngx_http_proxies_proxy_t *
ngx_http_proxies_match_pick(ngx_http_proxies_mctx_t *mc,
    ngx_http_proxies_node_t *node)
{
    ngx_uint_t                 k, j;
    ngx_http_request_t        *r;
    ngx_http_proxies_proxy_t  *p;

    r = mc->r;

    for (k = 0; k < node->nterminals; k++) {
        p = node->terminals[k];

        if (p->nmethods == 0 || (p->method_mask & r->method)) {
            return p;
        }

        if (r->method != NGX_HTTP_UNKNOWN) {
            continue;
        }

        for (j = 0; j < p->nmethods; j++) {
            if (p->methods[j].len == r->method_name.len
                && ngx_strncasecmp(p->methods[j].data, r->method_name.data,
                                   r->method_name.len)
                   == 0)
            {
                return p;
            }
        }
    }

    return NULL;
}


/* section 6: rank strings (the shorter padded with "0"), explicit
   methods, file order */

static ngx_http_proxies_proxy_t *
ngx_http_proxies_match_better(ngx_http_proxies_proxy_t *a,
    ngx_http_proxies_proxy_t *b)
{
    u_char      ca, cb;
    ngx_uint_t  i, n;
    ngx_str_t  *ra, *rb;

    ra = &a->route.rank;
    rb = &b->route.rank;
    n = ngx_max(ra->len, rb->len);

    for (i = 0; i < n; i++) {
        ca = (i < ra->len) ? ra->data[i] : '0';
        cb = (i < rb->len) ? rb->data[i] : '0';

        if (ca != cb) {
            return (ca < cb) ? a : b;
        }
    }

    if ((a->nmethods == 0) != (b->nmethods == 0)) {
        return a->nmethods ? a : b;
    }

    return (a->order < b->order) ? a : b;
}


static ngx_int_t
ngx_http_proxies_match_captures(ngx_http_proxies_mctx_t *mc,
    ngx_http_proxies_match_t *m)
{
    ngx_uint_t                   k;
    ngx_http_proxies_pseg_t     *seg;
    ngx_http_proxies_route_t    *route;
    ngx_http_proxies_segment_t  *rs;
    ngx_http_proxies_capture_t  *caps;

    route = &m->proxy->route;
    m->captures = NULL;

    if (route->nparams == 0) {
        return NGX_OK;
    }

    caps = ngx_pcalloc(mc->r->pool,
                       route->nparams * sizeof(ngx_http_proxies_capture_t));
    if (caps == NULL) {
        return NGX_ERROR;
    }

    m->captures = caps;

    for (k = 0; k < route->nsegs; k++) {
        rs = &route->segs[k];
        seg = (k < mc->nsegs) ? &mc->segs[k] : NULL;

        switch (rs->kind) {

        case NGX_HTTP_PROXIES_SEG_PARAM:
            if (ngx_http_proxies_capture_set(mc->r, &caps[rs->param],
                                             seg->raw, seg->len,
                                             seg->encoded)
                != NGX_OK)
            {
                return NGX_ERROR;
            }

            break;

        case NGX_HTTP_PROXIES_SEG_COMPLEX:
            if (ngx_http_proxies_capture_complex(mc, rs, seg, caps)
                != NGX_OK)
            {
                return NGX_ERROR;
            }

            break;

        case NGX_HTTP_PROXIES_SEG_CATCHALL:
            if (ngx_http_proxies_capture_rest(mc, k, &caps[rs->param])
                != NGX_OK)
            {
                return NGX_ERROR;
            }

            break;

        default:
            break;
        }
    }

#if (NGX_DEBUG)
    for (k = 0; k < route->nparams; k++) {
        ngx_log_debug3(NGX_LOG_DEBUG_HTTP, mc->r->connection->log, 0,
                       "proxies match {%V}: \"%V\" raw \"%V\"",
                       &route->params[k], &caps[k].value, &caps[k].raw);
    }
#endif

    return NGX_OK;
}


static ngx_int_t
ngx_http_proxies_capture_complex(ngx_http_proxies_mctx_t *mc,
    ngx_http_proxies_segment_t *cs, ngx_http_proxies_pseg_t *seg,
    ngx_http_proxies_capture_t *caps)
{
    u_char                    *d;
    size_t                     start, end;
    ngx_uint_t                 i;
    ngx_http_proxies_range_t  *out;

    out = ngx_palloc(mc->r->pool,
                     cs->nparts * sizeof(ngx_http_proxies_range_t));
    if (out == NULL) {
        return NGX_ERROR;
    }

    d = ngx_http_proxies_match_decoded(mc, seg);
    if (d == NULL) {
        return NGX_ERROR;
    }

    if (!ngx_http_proxies_complex_eq(cs, d, seg->dlen, out)) {
        return NGX_ERROR;
    }

    for (i = 0; i < cs->nparts; i++) {
        if (cs->parts[i].literal.len) {
            continue;
        }

        start = ngx_http_proxies_raw_offset(seg, out[i].start);
        end = ngx_http_proxies_raw_offset(seg, out[i].end);

        if (ngx_http_proxies_capture_set(mc->r, &caps[cs->parts[i].param],
                                         seg->raw + start, end - start,
                                         seg->encoded)
            != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


/*
 * The rest of the path, segments joined with "/", with the client's
 * trailing slash.  Segments still next to each other in the request (no
 * "//" or dot segment in between) are used in place.
 */

static ngx_int_t
ngx_http_proxies_capture_rest(ngx_http_proxies_mctx_t *mc, ngx_uint_t i,
    ngx_http_proxies_capture_t *cap)
{
    u_char                   *p;
    size_t                    len;
    ngx_uint_t                k, encoded, inplace;
    ngx_http_proxies_pseg_t  *seg;

    if (i == mc->nsegs) {
        return NGX_OK;
    }

    seg = mc->segs;
    len = 0;
    encoded = 0;
    inplace = 1;

    for (k = i; k < mc->nsegs; k++) {
        len += seg[k].len + 1;
        encoded |= seg[k].encoded;

        if (k > i && seg[k].raw != seg[k - 1].raw + seg[k - 1].len + 1) {
            inplace = 0;
        }
    }

    len -= !mc->trailing;

    if (inplace && mc->trailing
        && seg[mc->nsegs - 1].raw[seg[mc->nsegs - 1].len] != '/')
    {
        inplace = 0;
    }

    if (inplace) {
        return ngx_http_proxies_capture_set(mc->r, cap, seg[i].raw, len,
                                            encoded);
    }

    p = ngx_pnalloc(mc->r->pool, len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    cap->raw.data = p;
    cap->raw.len = len;

    for (k = i; k < mc->nsegs; k++) {
        p = ngx_cpymem(p, seg[k].raw, seg[k].len);

        if (k + 1 < mc->nsegs || mc->trailing) {
            *p++ = '/';
        }
    }

    return ngx_http_proxies_capture_set(mc->r, cap, cap->raw.data, len,
                                        encoded);
}


static ngx_int_t
ngx_http_proxies_capture_set(ngx_http_request_t *r,
    ngx_http_proxies_capture_t *cap, u_char *raw, size_t len,
    ngx_uint_t encoded)
{
    cap->raw.data = raw;
    cap->raw.len = len;

    if (!encoded) {
        cap->value = cap->raw;
        return NGX_OK;
    }

    cap->value.data = ngx_pnalloc(r->pool, len);
    if (cap->value.data == NULL) {
        return NGX_ERROR;
    }

    cap->value.len = ngx_http_proxies_decode(cap->value.data, raw, len);

    return NGX_OK;
}


/* where the decoded offset doff starts in the raw segment */

static size_t
ngx_http_proxies_raw_offset(ngx_http_proxies_pseg_t *seg, size_t doff)
{
    u_char  *p, *end;

    if (!seg->encoded) {
        return doff;
    }

    p = seg->raw;
    end = p + seg->len;

    while (doff-- && p < end) {
        p += (ngx_http_proxies_unhex(p, end) >= 0) ? 3 : 1;
    }

    return p - seg->raw;
}
