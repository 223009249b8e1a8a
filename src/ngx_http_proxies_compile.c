
/*
 * ngx_proxies: model -> compiled proxies -> route table.
 *
 * Every name is resolved here, once: route parameters, app settings,
 * backend hosts (as nginx upstreams), and the action of each proxy.
 * Disabled proxies are compiled too, so a mistake in one still fails
 * "nginx -t", and are then left out of the table.
 */


#include "ngx_http_proxies_ext.h"
#include "ngx_http_proxies_table.h"


static ngx_int_t ngx_http_proxies_compile_proxy(ngx_http_proxies_cc_t *cc,
    ngx_http_proxies_table_t *table, ngx_http_proxies_model_t *m,
    ngx_http_proxies_proxy_t *p);
static ngx_flag_t ngx_http_proxies_compile_function(
    ngx_http_proxies_cc_t *cc, ngx_str_t *uri, ngx_http_proxies_action_t *a);
static ngx_int_t ngx_http_proxies_compile_methods(ngx_http_proxies_cc_t *cc,
    ngx_http_proxies_model_t *m, ngx_http_proxies_proxy_t *p);
static ngx_int_t ngx_http_proxies_compile_req(ngx_http_proxies_cc_t *cc,
    ngx_http_proxies_model_t *m, ngx_http_proxies_proxy_t *p);
static ngx_int_t ngx_http_proxies_compile_resp(ngx_http_proxies_cc_t *cc,
    ngx_http_proxies_model_t *m, ngx_http_proxies_proxy_t *p);
static ngx_int_t ngx_http_proxies_compile_header(ngx_http_proxies_cc_t *cc,
    ngx_http_proxies_ovr_model_t *o, ngx_uint_t where, ngx_uint_t escape,
    ngx_array_t *headers);
static ngx_int_t ngx_http_proxies_compile_status(ngx_http_proxies_cc_t *cc,
    ngx_http_proxies_ovr_model_t *o, ngx_http_proxies_proxy_t *p);
static ngx_int_t ngx_http_proxies_compile_body(ngx_http_proxies_cc_t *cc,
    ngx_http_proxies_ovr_model_t *o, ngx_http_proxies_proxy_t *p);
static ngx_int_t ngx_http_proxies_push_piece(ngx_http_proxies_cc_t *cc,
    ngx_array_t *parts, ngx_http_proxies_tpl_t *piece);
static ngx_int_t ngx_http_proxies_push_literal(ngx_http_proxies_cc_t *cc,
    ngx_array_t *parts, ngx_str_t *text, ngx_uint_t json_escape);
static ngx_int_t ngx_http_proxies_add_upstream(ngx_http_proxies_cc_t *cc,
    ngx_http_proxies_uri_t *uri);
static ngx_flag_t ngx_http_proxies_setting_true(ngx_http_proxies_cc_t *cc,
    char *name);
static ngx_int_t ngx_http_proxies_cc_field(ngx_http_proxies_cc_t *cc,
    char *object, ngx_str_t *key);
static void ngx_http_proxies_cc_log(ngx_http_proxies_cc_t *cc,
    ngx_uint_t level, const char *fmt, va_list args);
static u_char *ngx_http_proxies_cc_prefix(ngx_http_proxies_cc_t *cc,
    u_char *buf, u_char *last);


typedef struct {
    ngx_str_t   name;
    ngx_uint_t  mask;
} ngx_http_proxies_method_t;


/* the methods nginx parses into r->method; others compare by name */
static ngx_http_proxies_method_t  ngx_http_proxies_methods[] = {
    { ngx_string("GET"),       NGX_HTTP_GET },
    { ngx_string("HEAD"),      NGX_HTTP_HEAD },
    { ngx_string("POST"),      NGX_HTTP_POST },
    { ngx_string("PUT"),       NGX_HTTP_PUT },
    { ngx_string("DELETE"),    NGX_HTTP_DELETE },
    { ngx_string("MKCOL"),     NGX_HTTP_MKCOL },
    { ngx_string("COPY"),      NGX_HTTP_COPY },
    { ngx_string("MOVE"),      NGX_HTTP_MOVE },
    { ngx_string("OPTIONS"),   NGX_HTTP_OPTIONS },
    { ngx_string("PROPFIND"),  NGX_HTTP_PROPFIND },
    { ngx_string("PROPPATCH"), NGX_HTTP_PROPPATCH },
    { ngx_string("LOCK"),      NGX_HTTP_LOCK },
    { ngx_string("UNLOCK"),    NGX_HTTP_UNLOCK },
    { ngx_string("PATCH"),     NGX_HTTP_PATCH },
    { ngx_string("TRACE"),     NGX_HTTP_TRACE },
    { ngx_string("CONNECT"),   NGX_HTTP_CONNECT },
    { ngx_null_string, 0 }
};


ngx_http_proxies_table_t *
ngx_http_proxies_compile(ngx_conf_t *cf, ngx_str_t *file, ngx_array_t *models)
{
    size_t                     used;
    ngx_uint_t                 i;
    ngx_http_proxies_cc_t      cc;
    ngx_http_proxies_proxy_t   scratch, *p;
    ngx_http_proxies_model_t  *m;
    ngx_http_proxies_table_t  *table;

    used = ngx_http_proxies_pool_used(cf->pool);

    table = ngx_pcalloc(cf->pool, sizeof(ngx_http_proxies_table_t));
    if (table == NULL) {
        return NULL;
    }

    table->file = *file;

    ngx_memzero(&cc, sizeof(ngx_http_proxies_cc_t));
    cc.cf = cf;
    cc.pool = cf->pool;
    cc.temp_pool = cf->temp_pool;
    cc.file = *file;
    cc.pmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_proxies_module);

    table->decode_slashes = cc.pmcf->decode_slashes
        || ngx_http_proxies_setting_true(&cc,
               "AZURE_FUNCTION_PROXY_BACKEND_URL_DECODE_SLASHES");
    table->local_call = cc.pmcf->local_call
        && !ngx_http_proxies_setting_true(&cc,
               "AZURE_FUNCTION_PROXY_DISABLE_LOCAL_CALL");

    table->proxies = ngx_pcalloc(cf->pool, (models->nelts + 1)
                                           * sizeof(ngx_http_proxies_proxy_t));
    if (table->proxies == NULL) {
        return NULL;
    }

    m = models->elts;

    for (i = 0; i < models->nelts; i++) {
        p = m[i].disabled ? &scratch : &table->proxies[table->nproxies];
        ngx_memzero(p, sizeof(ngx_http_proxies_proxy_t));

        if (ngx_http_proxies_compile_proxy(&cc, table, &m[i], p) != NGX_OK) {
            return NULL;
        }

        if (m[i].disabled) {
            table->ndisabled++;

        } else {
            table->nproxies++;
        }
    }

    cc.proxy = NULL;
    cc.route = NULL;
    ngx_str_null(&cc.field);

    if (ngx_http_proxies_table_build(&cc, table) != NGX_OK) {
        return NULL;
    }

    used = ngx_http_proxies_pool_used(cf->pool) - used;

    ngx_conf_log_error(NGX_LOG_NOTICE, cf, 0,
                       "proxies: \"%V\": %ui proxies (%ui disabled), "
                       "%uz bytes compiled, %uz per proxy, of which the "
                       "route trie %uz", file, table->nproxies,
                       table->ndisabled, used,
                       used / (table->nproxies + table->ndisabled + 1),
                       table->mem);

    return table;
}


static ngx_int_t
ngx_http_proxies_compile_proxy(ngx_http_proxies_cc_t *cc,
    ngx_http_proxies_table_t *table, ngx_http_proxies_model_t *m,
    ngx_http_proxies_proxy_t *p)
{
    cc->proxy = m;
    cc->route = &p->route;

    p->name = m->name;
    p->order = m->order;
    p->debug = m->debug;
    p->monolith = m->monolith;

    ngx_str_set(&cc->field, "matchCondition.route");

    if (ngx_http_proxies_route_parse(cc, &m->route, &p->route) != NGX_OK) {
        return NGX_ERROR;
    }

    if (ngx_http_proxies_compile_methods(cc, m, p) != NGX_OK) {
        return NGX_ERROR;
    }

    ngx_str_set(&cc->field, "backendUri");

    if (ngx_http_proxies_compile_action(cc, table,
                                        m->has_backend ? &m->backend : NULL,
                                        &p->action)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    p->backend = p->action.backend;

    if (ngx_http_proxies_compile_req(cc, m, p) != NGX_OK
        || ngx_http_proxies_compile_resp(cc, m, p) != NGX_OK)
    {
        return NGX_ERROR;
    }

    /* [extension] slots and circuitBreaker: ngx_http_proxies_ext.h */
    return ngx_http_proxies_ext_compile(cc, table, m, p);
}


/*
 * "function:NAME" names a loaded C function.  Returns 0 for any other
 * backendUri; otherwise 1, with a->data NULL after an error.
 */

static ngx_flag_t
ngx_http_proxies_compile_function(ngx_http_proxies_cc_t *cc, ngx_str_t *uri,
    ngx_http_proxies_action_t *a)
{
    ngx_str_t  name;

    if (uri->len < sizeof("function:") - 1
        || ngx_strncasecmp(uri->data, (u_char *) "function:",
                           sizeof("function:") - 1)
           != 0)
    {
        return 0;
    }

    name.data = uri->data + sizeof("function:") - 1;
    name.len = uri->len - (sizeof("function:") - 1);

    a->kind = NGX_HTTP_PROXIES_ACTION_FUNCTION;
    a->handler = ngx_http_proxies_function_action;
    a->data = ngx_http_proxies_function_find(cc->pmcf, &name);

    if (a->data == NULL) {
        (void) ngx_http_proxies_cc_error(cc, "unknown function \"%V\", "
                                         "expected one loaded by "
                                         "\"proxies_functions\"", &name);
    }

    return 1;
}


static ngx_int_t
ngx_http_proxies_compile_methods(ngx_http_proxies_cc_t *cc,
    ngx_http_proxies_model_t *m, ngx_http_proxies_proxy_t *p)
{
    ngx_uint_t  i, mask;

    if (m->methods == NULL) {
        return NGX_OK;
    }

    p->methods = m->methods->elts;
    p->nmethods = m->methods->nelts;

    for (i = 0; i < p->nmethods; i++) {
        mask = ngx_http_proxies_method_mask(&p->methods[i]);

        /* others are compared by name: NGX_HTTP_UNKNOWN covers them all */
        if (mask != NGX_HTTP_UNKNOWN) {
            p->method_mask |= mask;
        }
    }

    return NGX_OK;
}


/* NGX_HTTP_UNKNOWN for a method nginx does not parse into r->method */

ngx_uint_t
ngx_http_proxies_method_mask(ngx_str_t *name)
{
    ngx_http_proxies_method_t  *m;

    for (m = ngx_http_proxies_methods; m->name.len; m++) {
        if (m->name.len == name->len
            && ngx_strncmp(m->name.data, name->data, name->len) == 0)
        {
            return m->mask;
        }
    }

    return NGX_HTTP_UNKNOWN;
}


static ngx_int_t
ngx_http_proxies_compile_req(ngx_http_proxies_cc_t *cc,
    ngx_http_proxies_model_t *m, ngx_http_proxies_proxy_t *p)
{
    ngx_uint_t                     i;
    ngx_http_proxies_tpl_t        *tpl;
    ngx_http_proxies_query_ovr_t  *q;
    ngx_http_proxies_ovr_model_t  *o;

    if (ngx_array_init(&p->req.headers, cc->pool, 2,
                       sizeof(ngx_http_proxies_header_ovr_t))
        != NGX_OK
        || ngx_array_init(&p->req.query, cc->pool, 2,
                          sizeof(ngx_http_proxies_query_ovr_t))
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    o = m->req.elts;

    for (i = 0; i < m->req.nelts; i++) {
        if (ngx_http_proxies_cc_field(cc, "requestOverrides.", &o[i].key)
            != NGX_OK)
        {
            return NGX_ERROR;
        }

        switch (o[i].kind) {

        case NGX_HTTP_PROXIES_OVR_METHOD:
            tpl = ngx_pcalloc(cc->pool, sizeof(ngx_http_proxies_tpl_t));
            if (tpl == NULL) {
                return NGX_ERROR;
            }

            if (ngx_http_proxies_tpl_compile(cc, &o[i].value,
                                             NGX_HTTP_PROXIES_CTX_REQUEST,
                                             NGX_HTTP_PROXIES_ESC_HEADER, tpl)
                != NGX_OK)
            {
                return NGX_ERROR;
            }

            if (tpl->is_literal
                && (tpl->literal.len == 0
                    || ngx_http_proxies_is_token(&tpl->literal) != NGX_OK))
            {
                return ngx_http_proxies_cc_error(cc,
                           "\"%V\" is not an HTTP method, expected a token "
                           "such as \"POST\"", &tpl->literal);
            }

            p->req.method = tpl;
            break;

        case NGX_HTTP_PROXIES_OVR_REQ_HEADER:
            if (ngx_http_proxies_compile_header(cc, &o[i],
                                                NGX_HTTP_PROXIES_CTX_REQUEST,
                                                NGX_HTTP_PROXIES_ESC_HEADER,
                                                &p->req.headers)
                != NGX_OK)
            {
                return NGX_ERROR;
            }

            break;

        default: /* NGX_HTTP_PROXIES_OVR_REQ_QUERY */
            q = ngx_array_push(&p->req.query);
            if (q == NULL) {
                return NGX_ERROR;
            }

            q->name = o[i].name;
            q->encoded.len = o[i].name.len
                + 2 * ngx_escape_uri(NULL, o[i].name.data, o[i].name.len,
                                     NGX_ESCAPE_ARGS);
            q->encoded.data = ngx_pnalloc(cc->pool, q->encoded.len);
            if (q->encoded.data == NULL) {
                return NGX_ERROR;
            }

            ngx_escape_uri(q->encoded.data, o[i].name.data, o[i].name.len,
                           NGX_ESCAPE_ARGS);

            if (ngx_http_proxies_tpl_compile(cc, &o[i].value,
                                             NGX_HTTP_PROXIES_CTX_REQUEST,
                                             NGX_HTTP_PROXIES_ESC_QUERY,
                                             &q->value)
                != NGX_OK)
            {
                return NGX_ERROR;
            }

            break;
        }
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_proxies_compile_resp(ngx_http_proxies_cc_t *cc,
    ngx_http_proxies_model_t *m, ngx_http_proxies_proxy_t *p)
{
    ngx_uint_t                      i;
    ngx_http_proxies_tpl_t         *tpl;
    ngx_http_proxies_header_ovr_t  *h;
    ngx_http_proxies_ovr_model_t   *o;

    if (ngx_array_init(&p->resp.headers, cc->pool, 2,
                       sizeof(ngx_http_proxies_header_ovr_t))
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    o = m->resp.elts;

    for (i = 0; i < m->resp.nelts; i++) {
        if (ngx_http_proxies_cc_field(cc, "responseOverrides.", &o[i].key)
            != NGX_OK)
        {
            return NGX_ERROR;
        }
        p->resp.any = 1;

        switch (o[i].kind) {

        case NGX_HTTP_PROXIES_OVR_STATUS:
            if (ngx_http_proxies_compile_status(cc, &o[i], p) != NGX_OK) {
                return NGX_ERROR;
            }

            break;

        case NGX_HTTP_PROXIES_OVR_REASON:
            tpl = ngx_pcalloc(cc->pool, sizeof(ngx_http_proxies_tpl_t));
            if (tpl == NULL) {
                return NGX_ERROR;
            }

            if (ngx_http_proxies_tpl_compile(cc, &o[i].value,
                                             NGX_HTTP_PROXIES_CTX_RESPONSE,
                                             NGX_HTTP_PROXIES_ESC_HEADER, tpl)
                != NGX_OK)
            {
                return NGX_ERROR;
            }

            p->resp.reason = tpl;
            break;

        case NGX_HTTP_PROXIES_OVR_RESP_HEADER:
            if (ngx_http_proxies_compile_header(cc, &o[i],
                                                NGX_HTTP_PROXIES_CTX_RESPONSE,
                                                NGX_HTTP_PROXIES_ESC_HEADER,
                                                &p->resp.headers)
                != NGX_OK)
            {
                return NGX_ERROR;
            }

            h = p->resp.headers.elts;
            h = &h[p->resp.headers.nelts - 1];

            if (h->lowcase.len == sizeof("content-type") - 1
                && ngx_strncmp(h->lowcase.data, "content-type",
                               h->lowcase.len) == 0)
            {
                p->resp.has_content_type = 1;
            }

            break;

        default: /* NGX_HTTP_PROXIES_OVR_BODY */
            if (ngx_http_proxies_compile_body(cc, &o[i], p) != NGX_OK) {
                return NGX_ERROR;
            }

            break;
        }
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_proxies_compile_header(ngx_http_proxies_cc_t *cc,
    ngx_http_proxies_ovr_model_t *o, ngx_uint_t where, ngx_uint_t escape,
    ngx_array_t *headers)
{
    ngx_http_proxies_header_ovr_t  *h;

    h = ngx_array_push(headers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    ngx_memzero(h, sizeof(ngx_http_proxies_header_ovr_t));

    h->name = o->name;
    h->lowcase.len = o->name.len;
    h->lowcase.data = ngx_pnalloc(cc->pool, o->name.len);
    if (h->lowcase.data == NULL) {
        return NGX_ERROR;
    }

    h->hash = ngx_hash_strlow(h->lowcase.data, o->name.data, o->name.len);
    h->remove = (o->value.len == 0);

    return ngx_http_proxies_tpl_compile(cc, &o->value, where, escape,
                                        &h->value);
}


static ngx_int_t
ngx_http_proxies_compile_status(ngx_http_proxies_cc_t *cc,
    ngx_http_proxies_ovr_model_t *o, ngx_http_proxies_proxy_t *p)
{
    ngx_int_t                status;
    ngx_str_t                text;
    ngx_http_proxies_tpl_t  *tpl;

    tpl = ngx_pcalloc(cc->pool, sizeof(ngx_http_proxies_tpl_t));
    if (tpl == NULL) {
        return NGX_ERROR;
    }

    if (o->is_number) {
        text.data = ngx_pnalloc(cc->pool, NGX_INT_T_LEN);
        if (text.data == NULL) {
            return NGX_ERROR;
        }

        text.len = ngx_sprintf(text.data, "%i", o->number) - text.data;

    } else {
        text = o->value;
    }

    if (ngx_http_proxies_tpl_compile(cc, &text, NGX_HTTP_PROXIES_CTX_RESPONSE,
                                     NGX_HTTP_PROXIES_ESC_HEADER, tpl)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (tpl->is_literal) {
        status = ngx_atoi(tpl->literal.data, tpl->literal.len);

        if (status < 100 || status > 599) {
            return ngx_http_proxies_cc_error(cc,
                       "\"%V\" is not a status code, expected an integer "
                       "from 100 to 599", &tpl->literal);
        }
    }

    p->resp.status = tpl;

    return NGX_OK;
}


/*
 * A JSON body is one template: the JSON text between string values is
 * literal, and each string value is a template whose output is
 * JSON-escaped; its literal text is escaped here, once.
 */

static ngx_int_t
ngx_http_proxies_compile_body(ngx_http_proxies_cc_t *cc,
    ngx_http_proxies_ovr_model_t *o, ngx_http_proxies_proxy_t *p)
{
    ngx_uint_t                      i;
    ngx_array_t                     parts;
    ngx_http_proxies_tpl_t         *tpl, piece;
    ngx_http_proxies_json_piece_t  *jp;

    tpl = ngx_pcalloc(cc->pool, sizeof(ngx_http_proxies_tpl_t));
    if (tpl == NULL) {
        return NGX_ERROR;
    }

    p->resp.body = tpl;

    if (o->json == NULL) {
        return ngx_http_proxies_tpl_compile(cc, &o->value,
                                            NGX_HTTP_PROXIES_CTX_RESPONSE,
                                            NGX_HTTP_PROXIES_ESC_RAW, tpl);
    }

    p->resp.json_body = 1;

    if (ngx_array_init(&parts, cc->pool, 8, sizeof(ngx_http_proxies_tpart_t))
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    jp = o->json->elts;

    for (i = 0; i < o->json->nelts; i++) {

        if (!jp[i].string) {
            if (ngx_http_proxies_push_literal(cc, &parts, &jp[i].text, 0)
                != NGX_OK)
            {
                return NGX_ERROR;
            }

            continue;
        }

        if (ngx_http_proxies_tpl_compile(cc, &jp[i].text,
                                         NGX_HTTP_PROXIES_CTX_RESPONSE,
                                         NGX_HTTP_PROXIES_ESC_JSON, &piece)
            != NGX_OK)
        {
            return NGX_ERROR;
        }

        if (ngx_http_proxies_push_piece(cc, &parts, &piece) != NGX_OK) {
            return NGX_ERROR;
        }

        tpl->uses_backend |= piece.uses_backend;
    }

    tpl->parts = parts.elts;
    tpl->nparts = parts.nelts;

    return NGX_OK;
}


static ngx_int_t
ngx_http_proxies_push_piece(ngx_http_proxies_cc_t *cc, ngx_array_t *parts,
    ngx_http_proxies_tpl_t *piece)
{
    ngx_uint_t                 i;
    ngx_http_proxies_tpart_t  *part;

    if (piece->is_literal) {
        return ngx_http_proxies_push_literal(cc, parts, &piece->literal, 1);
    }

    for (i = 0; i < piece->nparts; i++) {

        if (piece->parts[i].kind == NGX_HTTP_PROXIES_TP_LITERAL) {
            if (ngx_http_proxies_push_literal(cc, parts, &piece->parts[i].text,
                                              1)
                != NGX_OK)
            {
                return NGX_ERROR;
            }

            continue;
        }

        part = ngx_array_push(parts);
        if (part == NULL) {
            return NGX_ERROR;
        }

        *part = piece->parts[i];
        part->escape = NGX_HTTP_PROXIES_ESC_JSON;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_proxies_push_literal(ngx_http_proxies_cc_t *cc, ngx_array_t *parts,
    ngx_str_t *text, ngx_uint_t json_escape)
{
    size_t                     n;
    ngx_http_proxies_tpart_t  *part;

    if (text->len == 0) {
        return NGX_OK;
    }

    part = ngx_array_push(parts);
    if (part == NULL) {
        return NGX_ERROR;
    }

    ngx_memzero(part, sizeof(ngx_http_proxies_tpart_t));
    part->kind = NGX_HTTP_PROXIES_TP_LITERAL;
    part->escape = NGX_HTTP_PROXIES_ESC_RAW;
    part->text = *text;

    if (!json_escape) {
        return NGX_OK;
    }

    n = ngx_escape_json(NULL, text->data, text->len);
    if (n == 0) {
        return NGX_OK;
    }

    part->text.len = text->len + n;
    part->text.data = ngx_pnalloc(cc->pool, part->text.len);
    if (part->text.data == NULL) {
        return NGX_ERROR;
    }

    (void) ngx_escape_json(part->text.data, text->data, text->len);

    return NGX_OK;
}


/* cc->field names the backendUri, for messages */

ngx_int_t
ngx_http_proxies_compile_action(ngx_http_proxies_cc_t *cc,
    ngx_http_proxies_table_t *table, ngx_str_t *uri,
    ngx_http_proxies_action_t *a)
{
    ngx_http_proxies_uri_t  *be;

    if (uri == NULL) {
        a->kind = NGX_HTTP_PROXIES_ACTION_STATIC;
        a->handler = ngx_http_proxies_static_action;
        return NGX_OK;
    }

    if (ngx_http_proxies_compile_function(cc, uri, a)) {
        return a->data ? NGX_OK : NGX_ERROR;
    }

    be = ngx_pcalloc(cc->pool, sizeof(ngx_http_proxies_uri_t));
    if (be == NULL) {
        return NGX_ERROR;
    }

    if (ngx_http_proxies_uri_compile(cc, uri, be) != NGX_OK) {
        return NGX_ERROR;
    }

    a->backend = be;

    /* Azure's http://localhost/api/NAME: a function before any proxy */
    a->data = ngx_http_proxies_function_local(cc->pmcf, be);

    if (a->data) {
        a->kind = NGX_HTTP_PROXIES_ACTION_FUNCTION;
        a->handler = ngx_http_proxies_function_action;
        return NGX_OK;
    }

    if (be->localhost && table->local_call) {
        a->kind = NGX_HTTP_PROXIES_ACTION_LOCAL;
        a->handler = ngx_http_proxies_local_action;

        /* with a port, it may be another server: see local.c */
        return be->port ? ngx_http_proxies_add_upstream(cc, be) : NGX_OK;
    }

    if (ngx_http_proxies_add_upstream(cc, be) != NGX_OK) {
        return NGX_ERROR;
    }

    a->kind = NGX_HTTP_PROXIES_ACTION_UPSTREAM;
    a->handler = ngx_http_proxies_upstream_action;

    return NGX_OK;
}


/*
 * The backend host becomes an nginx upstream, as "proxy_pass" would make
 * it: an upstream{} block of that name is used as is, any other host is
 * resolved now, so requests need no resolver.  The upstream module has
 * already initialized its upstreams, so a new one is initialized here.
 */

static ngx_int_t
ngx_http_proxies_add_upstream(ngx_http_proxies_cc_t *cc,
    ngx_http_proxies_uri_t *uri)
{
    ngx_url_t                       u;
    ngx_uint_t                      n;
    ngx_http_upstream_srv_conf_t   *uscf;
    ngx_http_upstream_main_conf_t  *umcf;

    umcf = ngx_http_conf_get_module_main_conf(cc->cf, ngx_http_upstream_module);

    ngx_memzero(&u, sizeof(ngx_url_t));

    u.url = uri->authority;
    u.default_port = (uri->scheme.len == 5) ? 443 : 80;
    u.no_resolve = 1;

    n = umcf->upstreams.nelts;

    uscf = ngx_http_upstream_add(cc->cf, &u, 0);
    if (uscf == NULL) {
        return ngx_http_proxies_cc_error(cc, "invalid backend host \"%V\"",
                                         &uri->authority);
    }

    if (umcf->upstreams.nelts == n) {
        return NGX_OK;
    }

    if (ngx_http_upstream_init_round_robin(cc->cf, uscf) != NGX_OK) {
        return ngx_http_proxies_cc_error(cc, "backend host \"%V\" cannot be "
                                         "resolved, expected a host name, an "
                                         "address or an upstream{} block",
                                         &uri->host);
    }

    return NGX_OK;
}


static ngx_flag_t
ngx_http_proxies_setting_true(ngx_http_proxies_cc_t *cc, char *name)
{
    u_char                      *env;
    size_t                       len;
    ngx_uint_t                   i;
    ngx_http_proxies_setting_t  *s;

    len = ngx_strlen(name);
    s = cc->pmcf->settings.elts;

    for (i = 0; i < cc->pmcf->settings.nelts; i++) {
        if (s[i].name.len == len
            && ngx_strncmp(s[i].name.data, name, len) == 0)
        {
            return s[i].value.len == 4
                   && ngx_strncasecmp(s[i].value.data, (u_char *) "true", 4)
                      == 0;
        }
    }

    env = (u_char *) getenv(name);

    return env && ngx_strcasecmp(env, (u_char *) "true") == 0;
}


ngx_int_t
ngx_http_proxies_is_token(ngx_str_t *s)
{
    u_char      c;
    ngx_uint_t  i;

    for (i = 0; i < s->len; i++) {
        c = s->data[i];

        if (c <= 0x20 || c >= 0x7f
            || ngx_strchr("()<>@,;:\\\"/[]?={}", c) != NULL)
        {
            return NGX_DECLINED;
        }
    }

    return NGX_OK;
}


/* messages name the full JSON path, as the model's own messages do */

static ngx_int_t
ngx_http_proxies_cc_field(ngx_http_proxies_cc_t *cc, char *object,
    ngx_str_t *key)
{
    size_t  len;

    len = ngx_strlen(object);

    cc->field.data = ngx_pnalloc(cc->temp_pool, len + key->len);
    if (cc->field.data == NULL) {
        return NGX_ERROR;
    }

    cc->field.len = ngx_cpymem(ngx_cpymem(cc->field.data, object, len),
                               key->data, key->len)
                    - cc->field.data;

    return NGX_OK;
}


static u_char *
ngx_http_proxies_cc_prefix(ngx_http_proxies_cc_t *cc, u_char *buf,
    u_char *last)
{
    buf = ngx_slprintf(buf, last, "proxies: \"%V\"", &cc->file);

    if (cc->proxy) {
        buf = ngx_slprintf(buf, last, ": proxy \"%V\"", &cc->proxy->name);
    }

    if (cc->field.len) {
        buf = ngx_slprintf(buf, last, ", field \"%V\"", &cc->field);
    }

    return ngx_slprintf(buf, last, ": ");
}


ngx_int_t
ngx_http_proxies_cc_error(ngx_http_proxies_cc_t *cc, const char *fmt, ...)
{
    va_list  args;

    va_start(args, fmt);
    ngx_http_proxies_cc_log(cc, NGX_LOG_EMERG, fmt, args);
    va_end(args);

    return NGX_ERROR;
}


void
ngx_http_proxies_cc_warn(ngx_http_proxies_cc_t *cc, const char *fmt, ...)
{
    va_list  args;

    va_start(args, fmt);
    ngx_http_proxies_cc_log(cc, NGX_LOG_WARN, fmt, args);
    va_end(args);
}


static void
ngx_http_proxies_cc_log(ngx_http_proxies_cc_t *cc, ngx_uint_t level,
    const char *fmt, va_list args)
{
    u_char  *p, *last;
    u_char   buf[NGX_MAX_CONF_ERRSTR];

    last = buf + NGX_MAX_CONF_ERRSTR;
    p = ngx_http_proxies_cc_prefix(cc, buf, last);
    p = ngx_vslprintf(p, last, fmt, args);

    ngx_conf_log_error(level, cc->cf, 0, "%*s", p - buf, buf);
}
