
/*
 * ngx_proxies [extension]: the status endpoint (docs/status.md).
 *
 * "proxies_status [html|json|prometheus];" serves the counters of
 * stats.c: an HTML page (inline CSS, no scripts, no external assets), a
 * JSON document, or Prometheus text.  "?format=" picks another one.  The
 * counters are read once into a snapshot, so the totals and the rows of
 * one answer agree even while requests keep counting.
 */


#include "ngx_http_proxies_ext.h"


#define NGX_HTTP_PROXIES_STATUS_HTML        1
#define NGX_HTTP_PROXIES_STATUS_JSON        2
#define NGX_HTTP_PROXIES_STATUS_PROMETHEUS  3


/* one row: a proxy, or a file's requests that matched no proxy */
typedef struct {
    ngx_str_t                    *file;
    ngx_http_proxies_proxy_t     *proxy;      /* NULL: no match */
    uint64_t                      requests;
    uint64_t                      status[6];
    uint64_t                      kinds[NGX_HTTP_PROXIES_KINDS];
    uint64_t                      latency[NGX_HTTP_PROXIES_LATENCIES];
                                              /* cumulative */
    uint64_t                      latency_ms;
    uint64_t                      monolith_last;
} ngx_http_proxies_row_t;


typedef struct {
    ngx_http_proxies_row_t       *rows;
    ngx_uint_t                    nrows;
    ngx_uint_t                    nfiles;
    uint64_t                      now;        /* ms since the epoch */
    uint64_t                      routed;     /* requests a proxy matched */
    uint64_t                      unmatched;
    uint64_t                      kinds[NGX_HTTP_PROXIES_KINDS];
    uint64_t                      monolith_last;
} ngx_http_proxies_snapshot_t;


static ngx_int_t ngx_http_proxies_status_handler(ngx_http_request_t *r);
static ngx_int_t ngx_http_proxies_status_format(ngx_http_request_t *r,
    ngx_uint_t *format);
static ngx_uint_t ngx_http_proxies_status_find(ngx_str_t *name);
static ngx_int_t ngx_http_proxies_status_snapshot(ngx_http_request_t *r,
    ngx_http_proxies_snapshot_t *s);
static void ngx_http_proxies_status_read(ngx_http_proxies_row_t *row,
    ngx_http_proxies_stat_t *st);
static ngx_int_t ngx_http_proxies_status_json(ngx_http_proxies_json_t *j,
    ngx_http_proxies_snapshot_t *s);
static ngx_int_t ngx_http_proxies_status_json_row(ngx_http_proxies_json_t *j,
    ngx_http_proxies_row_t *row);
static ngx_int_t ngx_http_proxies_status_prometheus(
    ngx_http_proxies_json_t *j, ngx_http_proxies_snapshot_t *s);
static ngx_int_t ngx_http_proxies_status_prom_row(ngx_http_proxies_json_t *j,
    ngx_http_proxies_row_t *row, ngx_uint_t metric);
static ngx_int_t ngx_http_proxies_status_labels(ngx_http_proxies_json_t *j,
    ngx_http_proxies_row_t *row, const char *metric);
static ngx_int_t ngx_http_proxies_status_html(ngx_http_proxies_json_t *j,
    ngx_http_proxies_snapshot_t *s);
static ngx_int_t ngx_http_proxies_status_html_summary(
    ngx_http_proxies_json_t *j, ngx_http_proxies_snapshot_t *s);
static ngx_int_t ngx_http_proxies_status_html_row(ngx_http_proxies_json_t *j,
    ngx_http_proxies_snapshot_t *s, ngx_http_proxies_row_t *row);
static ngx_int_t ngx_http_proxies_status_ago(ngx_http_proxies_json_t *j,
    ngx_http_proxies_snapshot_t *s, uint64_t when);
static ngx_int_t ngx_http_proxies_status_str(ngx_http_proxies_json_t *j,
    ngx_str_t *s, ngx_uint_t format);
static u_char *ngx_http_proxies_status_pct(u_char *p, uint64_t part,
    uint64_t whole);
static ngx_int_t ngx_http_proxies_status_send(ngx_http_request_t *r,
    ngx_uint_t format, ngx_http_proxies_json_t *j);


static ngx_str_t  ngx_http_proxies_status_formats[] = {
    ngx_null_string,
    ngx_string("html"),
    ngx_string("json"),
    ngx_string("prometheus")
};

static ngx_str_t  ngx_http_proxies_status_types[] = {
    ngx_null_string,
    ngx_string("text/html; charset=utf-8"),
    ngx_string("application/json"),
    ngx_string("text/plain; version=0.0.4; charset=utf-8")
};

static const char  *ngx_http_proxies_kind_names[] = {
    "monolith", "upstream", "function", "static", "local"
};

static const char  *ngx_http_proxies_kind_titles[] = {
    "Monolith", "Upstream service", "Function", "Static", "Local"
};

static const char  *ngx_http_proxies_class_names[] = {
    "none", "1xx", "2xx", "3xx", "4xx", "5xx"
};


char *
ngx_http_proxies_status(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_proxies_loc_conf_t *plcf = conf;

    ngx_str_t                     *value;
    ngx_uint_t                     i;
    ngx_http_core_loc_conf_t      *clcf;
    ngx_http_proxies_main_conf_t  *pmcf;

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    pmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_proxies_module);

    if (clcf->handler) {
        return "is duplicate, or the location has another handler";
    }

    plcf->status = NGX_HTTP_PROXIES_STATUS_HTML;

    if (cf->args->nelts == 2) {
        value = cf->args->elts;
        i = ngx_http_proxies_status_find(&value[1]);

        if (i == 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid format \"%V\", expected \"html\", "
                               "\"json\" or \"prometheus\"", &value[1]);
            return NGX_CONF_ERROR;
        }

        plcf->status = i;
    }

    clcf->handler = ngx_http_proxies_status_handler;
    pmcf->status_used = 1;

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_proxies_status_handler(ngx_http_request_t *r)
{
    ngx_int_t                    rc;
    ngx_uint_t                   format;
    ngx_http_proxies_json_t      j;
    ngx_http_proxies_snapshot_t  s;

    if (!(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD))) {
        return NGX_HTTP_NOT_ALLOWED;
    }

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    rc = ngx_http_proxies_status_format(r, &format);
    if (rc != NGX_OK) {
        return rc;
    }

    if (ngx_http_proxies_status_snapshot(r, &s) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_memzero(&j, sizeof(ngx_http_proxies_json_t));
    j.pool = r->pool;
    j.last = &j.out;

    switch (format) {

    case NGX_HTTP_PROXIES_STATUS_JSON:
        rc = ngx_http_proxies_status_json(&j, &s);
        break;

    case NGX_HTTP_PROXIES_STATUS_PROMETHEUS:
        rc = ngx_http_proxies_status_prometheus(&j, &s);
        break;

    default: /* NGX_HTTP_PROXIES_STATUS_HTML */
        rc = ngx_http_proxies_status_html(&j, &s);
    }

    if (rc != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_proxies_status_send(r, format, &j);
}


static ngx_int_t
ngx_http_proxies_status_format(ngx_http_request_t *r, ngx_uint_t *format)
{
    ngx_str_t                     value;
    ngx_http_proxies_loc_conf_t  *plcf;

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_proxies_module);
    *format = plcf->status;

    if (ngx_http_arg(r, (u_char *) "format", 6, &value) != NGX_OK) {
        return NGX_OK;
    }

    *format = ngx_http_proxies_status_find(&value);

    return *format ? NGX_OK : NGX_HTTP_BAD_REQUEST;
}


/* 0: not a format */

static ngx_uint_t
ngx_http_proxies_status_find(ngx_str_t *name)
{
    ngx_uint_t  i;

    for (i = 1; i <= NGX_HTTP_PROXIES_STATUS_PROMETHEUS; i++) {
        if (name->len == ngx_http_proxies_status_formats[i].len
            && ngx_strncmp(name->data, ngx_http_proxies_status_formats[i].data,
                           name->len)
               == 0)
        {
            return i;
        }
    }

    return 0;
}


/* ---------------------------------------------------------- the snapshot */

static ngx_int_t
ngx_http_proxies_status_snapshot(ngx_http_request_t *r,
    ngx_http_proxies_snapshot_t *s)
{
    ngx_uint_t                     i, k, m, n;
    ngx_time_t                    *tp;
    ngx_http_proxies_row_t        *row;
    ngx_http_proxies_table_t      *t;
    ngx_http_proxies_file_t      **files;
    ngx_http_proxies_main_conf_t  *pmcf;

    pmcf = ngx_http_get_module_main_conf(r, ngx_http_proxies_module);

    ngx_memzero(s, sizeof(ngx_http_proxies_snapshot_t));

    tp = ngx_timeofday();
    s->now = (uint64_t) tp->sec * 1000 + tp->msec;

    files = pmcf->files.elts;
    s->nfiles = pmcf->files.nelts;
    n = 0;

    for (i = 0; i < s->nfiles; i++) {
        n += files[i]->table->nproxies + 1;
    }

    s->rows = ngx_pcalloc(r->pool, (n + 1) * sizeof(ngx_http_proxies_row_t));
    if (s->rows == NULL) {
        return NGX_ERROR;
    }

    row = s->rows;

    for (i = 0; i < s->nfiles; i++) {
        t = files[i]->table;

        for (k = 0; k < t->nproxies; k++, row++) {
            row->file = &t->file;
            row->proxy = &t->proxies[k];
            ngx_http_proxies_status_read(row, t->proxies[k].stat);

            s->routed += row->requests;
            s->monolith_last = ngx_max(s->monolith_last, row->monolith_last);

            for (m = 0; m < NGX_HTTP_PROXIES_KINDS; m++) {
                s->kinds[m] += row->kinds[m];
            }
        }

        row->file = &t->file;
        ngx_http_proxies_status_read(row, t->nomatch);
        s->unmatched += row->requests;
        row++;
    }

    s->nrows = row - s->rows;

    return NGX_OK;
}


static void
ngx_http_proxies_status_read(ngx_http_proxies_row_t *row,
    ngx_http_proxies_stat_t *st)
{
    ngx_uint_t  i;
    uint64_t    sum;

    if (st == NULL) {
        return;
    }

    for (i = 0; i < 6; i++) {
        row->status[i] = st->status[i];
        row->requests += row->status[i];
    }

    for (i = 0; i < NGX_HTTP_PROXIES_KINDS; i++) {
        row->kinds[i] = st->kinds[i];
    }

    sum = 0;

    for (i = 0; i < NGX_HTTP_PROXIES_LATENCIES; i++) {
        sum += st->latency[i];
        row->latency[i] = sum;
    }

    row->latency_ms = st->latency_ms;
    row->monolith_last = st->monolith_last;
}


/* ------------------------------------------------------------------ JSON */

static ngx_int_t
ngx_http_proxies_status_json(ngx_http_proxies_json_t *j,
    ngx_http_proxies_snapshot_t *s)
{
    u_char                  *p, share[32], starved[32];
    ngx_uint_t               i, n;
    ngx_http_proxies_row_t  *row;

    p = ngx_http_proxies_status_pct(share, s->kinds[0], s->routed);
    *p = '\0';
    p = ngx_http_proxies_status_pct(starved, s->routed - s->kinds[0],
                                    s->routed);
    *p = '\0';

    if (ngx_http_proxies_json_cat(j, "{\"now_ms\":%uL,\"totals\":{"
                                  "\"requests\":%uL,\"routed\":%uL,"
                                  "\"unmatched\":%uL,\"kinds\":{",
                                  s->now, s->routed + s->unmatched,
                                  s->routed, s->unmatched)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    for (i = 0; i < NGX_HTTP_PROXIES_KINDS; i++) {
        if (ngx_http_proxies_json_cat(j, "%s\"%s\":%uL", i ? "," : "",
                                      ngx_http_proxies_kind_names[i],
                                      s->kinds[i])
            != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    if (ngx_http_proxies_json_cat(j, "},\"monolith_share\":%s,"
                                  "\"starved\":%s,\"monolith_last_ms\":",
                                  share, starved)
        != NGX_OK
        || (s->monolith_last
            ? ngx_http_proxies_json_cat(j, "%uL", s->monolith_last)
            : ngx_http_proxies_json_cat(j, "null"))
           != NGX_OK
        || ngx_http_proxies_json_cat(j, "},\"proxies\":[") != NGX_OK)
    {
        return NGX_ERROR;
    }

    row = s->rows;
    n = 0;

    for (i = 0; i < s->nrows; i++) {
        if (row[i].proxy == NULL) {
            continue;
        }

        if ((n++ && ngx_http_proxies_json_cat(j, ",") != NGX_OK)
            || ngx_http_proxies_status_json_row(j, &row[i]) != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    if (ngx_http_proxies_json_cat(j, "],\"unmatched\":[") != NGX_OK) {
        return NGX_ERROR;
    }

    n = 0;

    for (i = 0; i < s->nrows; i++) {
        if (row[i].proxy != NULL) {
            continue;
        }

        if ((n++ && ngx_http_proxies_json_cat(j, ",") != NGX_OK)
            || ngx_http_proxies_status_json_row(j, &row[i]) != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    return ngx_http_proxies_json_cat(j, "]}");
}


static ngx_int_t
ngx_http_proxies_status_json_row(ngx_http_proxies_json_t *j,
    ngx_http_proxies_row_t *row)
{
    u_char                    *p, share[32];
    ngx_uint_t                 i;
    ngx_http_proxies_proxy_t  *px;

    px = row->proxy;

    if (ngx_http_proxies_json_cat(j, "{\"file\":") != NGX_OK
        || ngx_http_proxies_status_str(j, row->file,
                                       NGX_HTTP_PROXIES_STATUS_JSON)
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (px) {
        p = ngx_http_proxies_status_pct(share, row->kinds[0], row->requests);
        *p = '\0';

        if (ngx_http_proxies_json_cat(j, ",\"name\":") != NGX_OK
            || ngx_http_proxies_status_str(j, &px->name,
                                           NGX_HTTP_PROXIES_STATUS_JSON)
               != NGX_OK
            || ngx_http_proxies_json_cat(j, ",\"route\":") != NGX_OK
            || ngx_http_proxies_status_str(j, &px->route.text,
                                           NGX_HTTP_PROXIES_STATUS_JSON)
               != NGX_OK
            || ngx_http_proxies_json_cat(j, ",\"monolith\":%s,"
                                         "\"monolith_share\":%s",
                                         px->monolith ? "true" : "false",
                                         share)
               != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    if (ngx_http_proxies_json_cat(j, ",\"requests\":%uL,\"status\":{",
                                  row->requests)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    for (i = 0; i < 6; i++) {
        if (ngx_http_proxies_json_cat(j, "%s\"%s\":%uL", i ? "," : "",
                                      ngx_http_proxies_class_names[i],
                                      row->status[i])
            != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    if (px) {
        if (ngx_http_proxies_json_cat(j, "},\"kinds\":{") != NGX_OK) {
            return NGX_ERROR;
        }

        for (i = 0; i < NGX_HTTP_PROXIES_KINDS; i++) {
            if (ngx_http_proxies_json_cat(j, "%s\"%s\":%uL", i ? "," : "",
                                          ngx_http_proxies_kind_names[i],
                                          row->kinds[i])
                != NGX_OK)
            {
                return NGX_ERROR;
            }
        }
    }

    if (ngx_http_proxies_json_cat(j, "},\"latency_ms\":{\"sum\":%uL,"
                                  "\"buckets\":{", row->latency_ms)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    for (i = 0; i < NGX_HTTP_PROXIES_LATENCIES - 1; i++) {
        if (ngx_http_proxies_json_cat(j, "%s\"%M\":%uL", i ? "," : "",
                                      ngx_http_proxies_latency_bounds[i],
                                      row->latency[i])
            != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    if (ngx_http_proxies_json_cat(j, ",\"+Inf\":%uL}}", row->latency[i])
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (px == NULL) {
        return ngx_http_proxies_json_cat(j, "}");
    }

    return row->monolith_last
           ? ngx_http_proxies_json_cat(j, ",\"monolith_last_ms\":%uL}",
                                       row->monolith_last)
           : ngx_http_proxies_json_cat(j, ",\"monolith_last_ms\":null}");
}


/* ------------------------------------------------------------ Prometheus */

#define NGX_HTTP_PROXIES_PROM_REQUESTS   0
#define NGX_HTTP_PROXIES_PROM_KINDS      1
#define NGX_HTTP_PROXIES_PROM_LATENCY    2
#define NGX_HTTP_PROXIES_PROM_MONOLITH   3
#define NGX_HTTP_PROXIES_PROM_UNMATCHED  4


static const char  *ngx_http_proxies_prom_heads[] = {
    "# HELP proxies_requests_total Requests a proxy matched, by status "
    "class (none: no status was sent).\n"
    "# TYPE proxies_requests_total counter\n",

    "# HELP proxies_backend_requests_total Requests a proxy matched, by the "
    "kind of backend that served them.\n"
    "# TYPE proxies_backend_requests_total counter\n",

    "# HELP proxies_request_duration_seconds Time from the first byte of "
    "the request to the log phase.\n"
    "# TYPE proxies_request_duration_seconds histogram\n",

    "# HELP proxies_monolith_last_hit_seconds When the monolith last served "
    "a request of this proxy (Unix time, 0: never).\n"
    "# TYPE proxies_monolith_last_hit_seconds gauge\n",

    "# HELP proxies_unmatched_requests_total Requests that matched no "
    "proxy, by status class.\n"
    "# TYPE proxies_unmatched_requests_total counter\n"
};


static ngx_int_t
ngx_http_proxies_status_prometheus(ngx_http_proxies_json_t *j,
    ngx_http_proxies_snapshot_t *s)
{
    ngx_uint_t  i, m;

    for (m = 0; m <= NGX_HTTP_PROXIES_PROM_UNMATCHED; m++) {
        if (ngx_http_proxies_json_cat(j, "%s", ngx_http_proxies_prom_heads[m])
            != NGX_OK)
        {
            return NGX_ERROR;
        }

        for (i = 0; i < s->nrows; i++) {
            if ((s->rows[i].proxy == NULL)
                != (m == NGX_HTTP_PROXIES_PROM_UNMATCHED))
            {
                continue;
            }

            if (ngx_http_proxies_status_prom_row(j, &s->rows[i], m)
                != NGX_OK)
            {
                return NGX_ERROR;
            }
        }
    }

    return ngx_http_proxies_json_cat(j,
               "# HELP proxies_monolith_requests_ratio Share of the "
               "requests a proxy matched that the monolith served.\n"
               "# TYPE proxies_monolith_requests_ratio gauge\n"
               "proxies_monolith_requests_ratio %.4f\n",
               s->routed ? (double) s->kinds[0] / s->routed : 0.0);
}


static ngx_int_t
ngx_http_proxies_status_prom_row(ngx_http_proxies_json_t *j,
    ngx_http_proxies_row_t *row, ngx_uint_t metric)
{
    ngx_int_t    rc;
    ngx_uint_t   i;
    ngx_msec_t   b;

    static const char  *names[] = {
        "proxies_requests_total", "proxies_backend_requests_total",
        "proxies_request_duration_seconds_bucket",
        "proxies_monolith_last_hit_seconds",
        "proxies_unmatched_requests_total"
    };

    switch (metric) {

    case NGX_HTTP_PROXIES_PROM_REQUESTS:
    case NGX_HTTP_PROXIES_PROM_UNMATCHED:
        for (i = 0; i < 6; i++) {
            if (ngx_http_proxies_status_labels(j, row, names[metric])
                != NGX_OK
                || ngx_http_proxies_json_cat(j, ",status=\"%s\"} %uL\n",
                                             ngx_http_proxies_class_names[i],
                                             row->status[i])
                   != NGX_OK)
            {
                return NGX_ERROR;
            }
        }

        return NGX_OK;

    case NGX_HTTP_PROXIES_PROM_KINDS:
        for (i = 0; i < NGX_HTTP_PROXIES_KINDS; i++) {
            if (ngx_http_proxies_status_labels(j, row, names[metric])
                != NGX_OK
                || ngx_http_proxies_json_cat(j, ",kind=\"%s\"} %uL\n",
                                             ngx_http_proxies_kind_names[i],
                                             row->kinds[i])
                   != NGX_OK)
            {
                return NGX_ERROR;
            }
        }

        return NGX_OK;

    case NGX_HTTP_PROXIES_PROM_LATENCY:
        for (i = 0; i < NGX_HTTP_PROXIES_LATENCIES; i++) {
            if (ngx_http_proxies_status_labels(j, row, names[metric])
                != NGX_OK)
            {
                return NGX_ERROR;
            }

            b = ngx_http_proxies_latency_bounds[i];

            if (i == NGX_HTTP_PROXIES_LATENCIES - 1) {
                rc = ngx_http_proxies_json_cat(j, ",le=\"+Inf\"} %uL\n",
                                               row->latency[i]);

            } else {
                rc = ngx_http_proxies_json_cat(j, ",le=\"%M.%03M\"} %uL\n",
                                               b / 1000, b % 1000,
                                               row->latency[i]);
            }

            if (rc != NGX_OK) {
                return NGX_ERROR;
            }
        }

        if (ngx_http_proxies_status_labels(j, row,
                "proxies_request_duration_seconds_sum")
            != NGX_OK
            || ngx_http_proxies_json_cat(j, "} %uL.%03uL\n",
                                         row->latency_ms / 1000,
                                         row->latency_ms % 1000)
               != NGX_OK
            || ngx_http_proxies_status_labels(j, row,
                   "proxies_request_duration_seconds_count")
               != NGX_OK)
        {
            return NGX_ERROR;
        }

        return ngx_http_proxies_json_cat(j, "} %uL\n", row->requests);

    default: /* NGX_HTTP_PROXIES_PROM_MONOLITH */
        if (ngx_http_proxies_status_labels(j, row, names[metric]) != NGX_OK) {
            return NGX_ERROR;
        }

        return ngx_http_proxies_json_cat(j, "} %uL.%03uL\n",
                                         row->monolith_last / 1000,
                                         row->monolith_last % 1000);
    }
}


/* a metric's name and its first labels: {file="...",proxy="..." */

static ngx_int_t
ngx_http_proxies_status_labels(ngx_http_proxies_json_t *j,
    ngx_http_proxies_row_t *row, const char *metric)
{
    if (ngx_http_proxies_json_cat(j, "%s{file=", metric) != NGX_OK
        || ngx_http_proxies_status_str(j, row->file,
                                       NGX_HTTP_PROXIES_STATUS_PROMETHEUS)
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (row->proxy == NULL) {
        return NGX_OK;
    }

    if (ngx_http_proxies_json_cat(j, ",proxy=") != NGX_OK) {
        return NGX_ERROR;
    }

    return ngx_http_proxies_status_str(j, &row->proxy->name,
                                       NGX_HTTP_PROXIES_STATUS_PROMETHEUS);
}


/* ------------------------------------------------------------------ HTML */

static const char  ngx_http_proxies_html_head[] =
    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
    "<meta http-equiv=\"refresh\" content=\"10\">\n"
    "<link rel=\"icon\" href=\"data:,\">\n"
    "<title>proxies status</title>\n<style>\n"
    "body{font:13px/1.45 system-ui,-apple-system,\"Segoe UI\",Roboto,"
    "sans-serif;margin:20px 24px;color:#1f2328;background:#fff}\n"
    "h1{font-size:22px;margin:0 0 2px}\n"
    "h2{font-size:14px;font-weight:600;margin:24px 0 6px;color:#57606a}\n"
    ".sub{color:#57606a;margin:0 0 18px}\n"
    ".cards{display:flex;flex-wrap:wrap;gap:12px;margin:0 0 16px}\n"
    ".card{border:1px solid #d0d7de;border-radius:8px;padding:10px 16px;"
    "min-width:150px}\n"
    ".card b{display:block;font-size:26px;font-weight:600}\n"
    ".card small{color:#57606a}\n"
    ".hot b{color:#cf222e}\n"
    ".legend{margin:0 0 8px;color:#57606a}\n"
    ".legend i{display:inline-block;width:10px;height:10px;"
    "border-radius:2px;margin:0 4px 0 14px;vertical-align:-1px}\n"
    "table{border-collapse:collapse;width:100%}\n"
    "th,td{padding:5px;border-bottom:1px solid #eaeef2;"
    "text-align:right;white-space:nowrap}\n"
    "th{font-weight:600;background:#f6f8fa;white-space:normal;"
    "vertical-align:bottom}\n"
    ".l{text-align:left}\n"
    "code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace}\n"
    ".bar{display:flex;width:96px;height:12px;border-radius:3px;"
    "overflow:hidden;background:#eaeef2}\n"
    ".bar i{display:block;height:100%}\n"
    ".k0{background:#cf222e}.k1{background:#0969da}"
    ".k2{background:#8250df}.k3{background:#1a7f37}"
    ".k4{background:#bf8700}\n"
    ".tag{font-size:11px;color:#cf222e;border:1px solid #cf222e;"
    "border-radius:8px;padding:0 5px;margin-left:6px}\n"
    ".none{color:#8c959f}\n"
    "</style></head><body>\n<h1>proxies status</h1>\n";


static ngx_int_t
ngx_http_proxies_status_html(ngx_http_proxies_json_t *j,
    ngx_http_proxies_snapshot_t *s)
{
    ngx_uint_t               i, k;
    ngx_http_proxies_row_t  *row;

    /* longer than what json_cat() formats at once */

    if (ngx_http_proxies_json_add(j, (u_char *) ngx_http_proxies_html_head,
                                  sizeof(ngx_http_proxies_html_head) - 1)
        != NGX_OK
        || ngx_http_proxies_status_html_summary(j, s) != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (ngx_http_proxies_json_cat(j, "<p class=\"legend\">Where traffic "
                                  "goes:")
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    for (k = 0; k < NGX_HTTP_PROXIES_KINDS; k++) {
        if (ngx_http_proxies_json_cat(j, "<i class=\"k%ui\"></i>%s", k,
                                      ngx_http_proxies_kind_titles[k])
            != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    if (ngx_http_proxies_json_cat(j, "</p>\n") != NGX_OK) {
        return NGX_ERROR;
    }

    row = s->rows;

    for (i = 0; i < s->nrows; i++) {
        if (i == 0 || row[i - 1].proxy == NULL) {
            /* a file begins */
            if (ngx_http_proxies_json_cat(j, "<h2>") != NGX_OK
                || ngx_http_proxies_status_str(j, row[i].file,
                                               NGX_HTTP_PROXIES_STATUS_HTML)
                   != NGX_OK
                || ngx_http_proxies_json_cat(j,
                       "</h2>\n<table><thead><tr><th class=\"l\">Proxy</th>"
                       "<th class=\"l\">Route</th><th>Requests</th>"
                       "<th class=\"l\">Where it goes</th>"
                       "<th>Monolith</th><th>Upstream</th><th>Function</th>"
                       "<th>Static</th><th>Local</th>"
                       "<th>To monolith</th><th>2xx</th><th>3xx</th>"
                       "<th>4xx</th><th>5xx</th><th>Avg ms</th>"
                       "<th class=\"l\">Monolith hit</th></tr></thead>"
                       "<tbody>\n")
                   != NGX_OK)
            {
                return NGX_ERROR;
            }
        }

        if (ngx_http_proxies_status_html_row(j, s, &row[i]) != NGX_OK) {
            return NGX_ERROR;
        }

        if (row[i].proxy == NULL
            && ngx_http_proxies_json_cat(j, "</tbody></table>\n") != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    return ngx_http_proxies_json_cat(j, "</body></html>\n");
}


static ngx_int_t
ngx_http_proxies_status_html_summary(ngx_http_proxies_json_t *j,
    ngx_http_proxies_snapshot_t *s)
{
    u_char     *p, share[32], starved[32], date[64];
    ngx_tm_t    tm;

    ngx_gmtime((time_t) (s->now / 1000), &tm);
    p = ngx_sprintf(date, "%4d-%02d-%02d %02d:%02d:%02d UTC",
                    tm.ngx_tm_year, tm.ngx_tm_mon, tm.ngx_tm_mday,
                    tm.ngx_tm_hour, tm.ngx_tm_min, tm.ngx_tm_sec);
    *p = '\0';

    p = ngx_http_proxies_status_pct(share, s->kinds[0], s->routed);
    *p = '\0';
    p = ngx_http_proxies_status_pct(starved, s->routed - s->kinds[0],
                                    s->routed);
    *p = '\0';

    if (ngx_http_proxies_json_cat(j, "<p class=\"sub\">%s &middot; "
                                  "counted since the zone was created, "
                                  "across reloads</p>\n", date)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (s->routed == 0) {
        if (ngx_http_proxies_json_cat(j, "<p id=\"summary\">No proxy has "
                                      "served a request yet.</p>\n")
            != NGX_OK)
        {
            return NGX_ERROR;
        }

    } else if (ngx_http_proxies_json_cat(j,
                   "<p id=\"summary\">The monolith is <b>%s%%</b> "
                   "starved: <b>%uL</b> of <b>%uL</b> routed requests "
                   "(%s%%) still reach it.</p>\n",
                   starved, s->kinds[0], s->routed, share)
               != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (ngx_http_proxies_json_cat(j,
            "<div class=\"cards\">"
            "<div class=\"card hot\">Monolith starved"
            "<b id=\"starved\">%s%%</b><small>of routed requests go "
            "elsewhere</small></div>"
            "<div class=\"card\">Still reach the monolith"
            "<b id=\"monolith-share\">%s%%</b><small><span id=\"monolith\">"
            "%uL</span> of <span id=\"routed\">%uL</span> requests"
            "</small></div>"
            "<div class=\"card\">Matched no proxy<b id=\"unmatched\">%uL</b>"
            "<small>requests</small></div>"
            "<div class=\"card\">Monolith last hit<b id=\"monolith-last\">",
            starved, share, s->kinds[0], s->routed, s->unmatched)
        != NGX_OK
        || ngx_http_proxies_status_ago(j, s, s->monolith_last) != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (s->monolith_last) {
        ngx_gmtime((time_t) (s->monolith_last / 1000), &tm);
        p = ngx_sprintf(date, "%4d-%02d-%02d %02d:%02d:%02d UTC",
                        tm.ngx_tm_year, tm.ngx_tm_mon, tm.ngx_tm_mday,
                        tm.ngx_tm_hour, tm.ngx_tm_min, tm.ngx_tm_sec);

    } else {
        p = ngx_cpymem(date, "never", 5);
    }

    *p = '\0';

    return ngx_http_proxies_json_cat(j, "</b><small>%s</small></div>"
                                     "</div>\n", date);
}


static ngx_int_t
ngx_http_proxies_status_html_row(ngx_http_proxies_json_t *j,
    ngx_http_proxies_snapshot_t *s, ngx_http_proxies_row_t *row)
{
    u_char      *p, share[32], width[32];
    ngx_uint_t   k;
    uint64_t     avg;

    if (row->proxy == NULL) {
        if (ngx_http_proxies_json_cat(j, "<tr class=\"nomatch\">"
                                      "<td class=\"l none\">no match</td>"
                                      "<td class=\"l none\">&mdash;</td>"
                                      "<td class=\"requests\">%uL</td>"
                                      "<td></td><td></td><td></td><td></td>"
                                      "<td></td><td></td><td></td>",
                                      row->requests)
            != NGX_OK)
        {
            return NGX_ERROR;
        }

        goto status;
    }

    if (ngx_http_proxies_json_cat(j, "<tr data-proxy=\"") != NGX_OK
        || ngx_http_proxies_status_str(j, &row->proxy->name,
                                       NGX_HTTP_PROXIES_STATUS_HTML)
           != NGX_OK
        || ngx_http_proxies_json_cat(j, "\"><td class=\"l\">") != NGX_OK
        || ngx_http_proxies_status_str(j, &row->proxy->name,
                                       NGX_HTTP_PROXIES_STATUS_HTML)
           != NGX_OK
        || (row->proxy->monolith
            && ngx_http_proxies_json_cat(j, "<span class=\"tag\">monolith"
                                         "</span>")
               != NGX_OK)
        || ngx_http_proxies_json_cat(j, "</td><td class=\"l\"><code>")
           != NGX_OK
        || ngx_http_proxies_status_str(j, &row->proxy->route.text,
                                       NGX_HTTP_PROXIES_STATUS_HTML)
           != NGX_OK
        || ngx_http_proxies_json_cat(j, "</code></td><td class=\"requests\">"
                                     "%uL</td><td class=\"l\">"
                                     "<div class=\"bar\">", row->requests)
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    for (k = 0; k < NGX_HTTP_PROXIES_KINDS; k++) {
        if (row->kinds[k] == 0) {
            continue;
        }

        p = ngx_http_proxies_status_pct(width, row->kinds[k], row->requests);
        *p = '\0';

        if (ngx_http_proxies_json_cat(j, "<i class=\"k%ui\" style=\"width:"
                                      "%s%%\" title=\"%s\"></i>", k, width,
                                      ngx_http_proxies_kind_titles[k])
            != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    if (ngx_http_proxies_json_cat(j, "</div></td>") != NGX_OK) {
        return NGX_ERROR;
    }

    for (k = 0; k < NGX_HTTP_PROXIES_KINDS; k++) {
        if (ngx_http_proxies_json_cat(j, "<td class=\"kind-%s%s\">%uL</td>",
                                      ngx_http_proxies_kind_names[k],
                                      row->kinds[k] ? "" : " none",
                                      row->kinds[k])
            != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    p = ngx_http_proxies_status_pct(share, row->kinds[0], row->requests);
    *p = '\0';

    if (ngx_http_proxies_json_cat(j, "<td class=\"share\">%s%%</td>", share)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

status:

    for (k = 2; k < 6; k++) {
        if (ngx_http_proxies_json_cat(j, "<td class=\"s%ui%s\">%uL</td>", k,
                                      row->status[k] ? "" : " none",
                                      row->status[k])
            != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    avg = row->requests ? row->latency_ms / row->requests : 0;

    if (ngx_http_proxies_json_cat(j, "<td class=\"avg\">%uL</td>"
                                  "<td class=\"l last\">", avg)
        != NGX_OK
        || (row->proxy
            && ngx_http_proxies_status_ago(j, s, row->monolith_last)
               != NGX_OK))
    {
        return NGX_ERROR;
    }

    return ngx_http_proxies_json_cat(j, "</td></tr>\n");
}


static ngx_int_t
ngx_http_proxies_status_ago(ngx_http_proxies_json_t *j,
    ngx_http_proxies_snapshot_t *s, uint64_t when)
{
    uint64_t  ago;

    if (when == 0) {
        return ngx_http_proxies_json_cat(j, "never");
    }

    ago = s->now > when ? (s->now - when) / 1000 : 0;

    if (ago < 120) {
        return ngx_http_proxies_json_cat(j, "%uL s ago", ago);
    }

    if (ago < 7200) {
        return ngx_http_proxies_json_cat(j, "%uL min ago", ago / 60);
    }

    if (ago < 172800) {
        return ngx_http_proxies_json_cat(j, "%uL h ago", ago / 3600);
    }

    return ngx_http_proxies_json_cat(j, "%uL days ago", ago / 86400);
}


/* ------------------------------------------------------------- helpers */

/* a string, quoted and escaped for JSON and Prometheus, escaped for HTML */

static ngx_int_t
ngx_http_proxies_status_str(ngx_http_proxies_json_t *j, ngx_str_t *s,
    ngx_uint_t format)
{
    u_char      *p, *q, c;
    ngx_uint_t   i;

    if (format == NGX_HTTP_PROXIES_STATUS_JSON) {
        return ngx_http_proxies_json_str(j, s);
    }

    /* at most six bytes for one: "&quot;" */

    p = ngx_pnalloc(j->pool, s->len * 6 + 2);
    if (p == NULL) {
        return NGX_ERROR;
    }

    q = p;

    if (format == NGX_HTTP_PROXIES_STATUS_PROMETHEUS) {
        *q++ = '"';
    }

    for (i = 0; i < s->len; i++) {
        c = s->data[i];

        if (format == NGX_HTTP_PROXIES_STATUS_PROMETHEUS) {
            if (c == '\\' || c == '"') {
                *q++ = '\\';
                *q++ = c;

            } else if (c == '\n') {
                *q++ = '\\';
                *q++ = 'n';

            } else {
                *q++ = c;
            }

            continue;
        }

        switch (c) {
        case '&':
            q = ngx_cpymem(q, "&amp;", 5);
            break;
        case '<':
            q = ngx_cpymem(q, "&lt;", 4);
            break;
        case '>':
            q = ngx_cpymem(q, "&gt;", 4);
            break;
        case '"':
            q = ngx_cpymem(q, "&quot;", 6);
            break;
        case '\'':
            q = ngx_cpymem(q, "&#39;", 5);
            break;
        default:
            *q++ = c;
        }
    }

    if (format == NGX_HTTP_PROXIES_STATUS_PROMETHEUS) {
        *q++ = '"';
    }

    return ngx_http_proxies_json_add(j, p, q - p);
}


/* part of whole in percent, one decimal, rounded: "25.0"; "0.0" of none */

static u_char *
ngx_http_proxies_status_pct(u_char *p, uint64_t part, uint64_t whole)
{
    uint64_t  tenths;

    tenths = whole ? (part * 2000 + whole) / (whole * 2) : 0;

    return ngx_sprintf(p, "%uL.%uL", tenths / 10, tenths % 10);
}


static ngx_int_t
ngx_http_proxies_status_send(ngx_http_request_t *r, ngx_uint_t format,
    ngx_http_proxies_json_t *j)
{
    ngx_table_elt_t  *h;

    if (format == NGX_HTTP_PROXIES_STATUS_JSON
        && ngx_http_proxies_json_cat(j, "\n") != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    h->hash = 1;
    ngx_str_set(&h->key, "Cache-Control");
    ngx_str_set(&h->value, "no-store");

    return ngx_http_proxies_json_send(r, NGX_HTTP_OK,
                                      &ngx_http_proxies_status_types[format],
                                      j);
}
