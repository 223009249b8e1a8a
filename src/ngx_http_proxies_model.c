
/*
 * ngx_proxies: proxies.json -> validated model.
 *
 * Validation is table driven, in the manner of NGINX Unit's
 * nxt_conf_validation.c: each JSON object is described by a table of
 * members (name, allowed types, required, handler), and one walker checks
 * every object against its table.  The handlers map the values into
 * ngx_http_proxies_model_t; nothing is compiled here.
 *
 * Real files were written for Json.NET, which matches property names
 * case-insensitively, so known keys are accepted in any case (with a
 * warning), and a few other habits of real files are tolerated
 * (section 21 of the spec).  Everything else is refused at the first
 * error, with the proxy, the JSON path, what was found and what was
 * expected.
 */


#include "ngx_http_proxies_ext.h"

#include <jansson.h>


#define NGX_HTTP_PROXIES_J_OBJECT    0x01
#define NGX_HTTP_PROXIES_J_ARRAY     0x02
#define NGX_HTTP_PROXIES_J_STRING    0x04
#define NGX_HTTP_PROXIES_J_INTEGER   0x08
#define NGX_HTTP_PROXIES_J_REAL      0x10
#define NGX_HTTP_PROXIES_J_BOOLEAN   0x20
#define NGX_HTTP_PROXIES_J_NULL      0x40

#define NGX_HTTP_PROXIES_REQUIRED    1

#define NGX_HTTP_PROXIES_PATH_LEN    512
#define NGX_HTTP_PROXIES_FOUND_LEN   64
#define NGX_HTTP_PROXIES_KEY_MAX     64


typedef struct {
    ngx_http_proxies_cc_t         cc;
    ngx_http_proxies_model_t     *model;      /* the proxy being read */
    ngx_array_t                  *models;
    ngx_array_t                   normalized; /* ngx_str_t, per model */
    ngx_hash_keys_arrays_t        names;      /* normalized, lower case */
    ngx_array_t                   spellings;  /* ngx_str_t, warned keys */
    u_char                        path[NGX_HTTP_PROXIES_PATH_LEN];
    size_t                        plen;
    void                         *ext;        /* breaker or slots model */
    ngx_http_proxies_backend_model_t  *backend;  /* being read */
} ngx_http_proxies_vctx_t;


typedef ngx_int_t (*ngx_http_proxies_vhandler_pt)(ngx_http_proxies_vctx_t *vc,
    json_t *value);


typedef struct {
    ngx_str_t                     name;
    ngx_uint_t                    types;
    ngx_uint_t                    flags;
    ngx_http_proxies_vhandler_pt  handler;    /* NULL: checked, ignored */
} ngx_http_proxies_vmember_t;


/* an override key: exact, or a prefix (ending in ".") plus a name */
typedef struct {
    ngx_str_t                     key;
    ngx_http_proxies_ovr_kind_e   kind;
    ngx_uint_t                    types;
} ngx_http_proxies_okey_t;


/* keys people write instead of the right ones */
typedef struct {
    ngx_str_t                     wrong;
    ngx_str_t                     right;
} ngx_http_proxies_alias_t;


/* a JSON body being serialized */
typedef struct {
    ngx_array_t                  *pieces;     /* json_piece_t, cf->pool */
    ngx_array_t                   text;       /* u_char, the literal run */
    ngx_pool_t                   *pool;
} ngx_http_proxies_jser_t;


static ngx_int_t ngx_http_proxies_vobject(ngx_http_proxies_vctx_t *vc,
    json_t *obj, ngx_http_proxies_vmember_t *members);
static ngx_int_t ngx_http_proxies_vcase_warn(ngx_http_proxies_vctx_t *vc,
    const char *key, size_t len, ngx_http_proxies_vmember_t *m);
static ngx_http_proxies_vmember_t *ngx_http_proxies_vfind(
    ngx_http_proxies_vmember_t *members, const char *key, size_t len);
static ngx_int_t ngx_http_proxies_vunknown(ngx_http_proxies_vctx_t *vc,
    const char *key, size_t len, ngx_http_proxies_vmember_t *members);
static ngx_int_t ngx_http_proxies_vtype(ngx_http_proxies_vctx_t *vc,
    json_t *value, ngx_uint_t types);
static ngx_uint_t ngx_http_proxies_jtype(json_t *value);
static u_char *ngx_http_proxies_vfound(u_char *p, u_char *last,
    json_t *value);
static u_char *ngx_http_proxies_vfound_string(u_char *p, u_char *last,
    json_t *value);
static u_char *ngx_http_proxies_real(u_char *p, u_char *last, double d);

static ngx_int_t ngx_http_proxies_v_proxies(ngx_http_proxies_vctx_t *vc,
    json_t *value);
static ngx_int_t ngx_http_proxies_v_proxy(ngx_http_proxies_vctx_t *vc,
    const char *name, size_t len, json_t *value);
static ngx_int_t ngx_http_proxies_v_name(ngx_http_proxies_vctx_t *vc,
    ngx_str_t *name);
static ngx_int_t ngx_http_proxies_v_match(ngx_http_proxies_vctx_t *vc,
    json_t *value);
static ngx_int_t ngx_http_proxies_v_route(ngx_http_proxies_vctx_t *vc,
    json_t *value);
static ngx_int_t ngx_http_proxies_v_methods(ngx_http_proxies_vctx_t *vc,
    json_t *value);
static void ngx_http_proxies_v_split_warn(ngx_http_proxies_vctx_t *vc,
    ngx_str_t *item, ngx_uint_t first);
static ngx_int_t ngx_http_proxies_v_method(ngx_http_proxies_vctx_t *vc,
    ngx_str_t *item, u_char *start, u_char *end);
static ngx_int_t ngx_http_proxies_v_backend(ngx_http_proxies_vctx_t *vc,
    json_t *value);
static ngx_int_t ngx_http_proxies_v_request(ngx_http_proxies_vctx_t *vc,
    json_t *value);
static ngx_int_t ngx_http_proxies_v_response(ngx_http_proxies_vctx_t *vc,
    json_t *value);
static ngx_int_t ngx_http_proxies_v_overrides(ngx_http_proxies_vctx_t *vc,
    json_t *value, ngx_array_t *ovrs, ngx_uint_t response);
static ngx_int_t ngx_http_proxies_v_okey(ngx_http_proxies_vctx_t *vc,
    ngx_str_t *key, ngx_uint_t response, ngx_http_proxies_ovr_model_t *ovr,
    ngx_uint_t *types);
static ngx_http_proxies_okey_t *ngx_http_proxies_okey_find(
    ngx_http_proxies_okey_t *keys, ngx_str_t *key, ngx_str_t *name);
static ngx_int_t ngx_http_proxies_okey_unknown(ngx_http_proxies_vctx_t *vc,
    ngx_str_t *key, ngx_uint_t response);
static ngx_int_t ngx_http_proxies_okey_suggest(ngx_str_t *key,
    ngx_uint_t response, u_char *buf, size_t size, ngx_str_t *hint);
static ngx_int_t ngx_http_proxies_v_ovalue(ngx_http_proxies_vctx_t *vc,
    json_t *value, ngx_http_proxies_ovr_model_t *ovr);
static ngx_int_t ngx_http_proxies_v_body(ngx_http_proxies_vctx_t *vc,
    json_t *value, ngx_http_proxies_ovr_model_t *ovr);
static ngx_int_t ngx_http_proxies_v_disabled(ngx_http_proxies_vctx_t *vc,
    json_t *value);
static ngx_int_t ngx_http_proxies_v_debug(ngx_http_proxies_vctx_t *vc,
    json_t *value);
static ngx_int_t ngx_http_proxies_v_desc(ngx_http_proxies_vctx_t *vc,
    json_t *value);
static ngx_int_t ngx_http_proxies_v_monolith(ngx_http_proxies_vctx_t *vc,
    json_t *value);
static ngx_int_t ngx_http_proxies_v_breaker(ngx_http_proxies_vctx_t *vc,
    json_t *value);
static ngx_int_t ngx_http_proxies_v_slots(ngx_http_proxies_vctx_t *vc,
    json_t *value);

static ngx_int_t ngx_http_proxies_jser(ngx_http_proxies_jser_t *js,
    json_t *value);
static ngx_int_t ngx_http_proxies_jser_add(ngx_http_proxies_jser_t *js,
    u_char *data, size_t len);
static ngx_int_t ngx_http_proxies_jser_flush(ngx_http_proxies_jser_t *js);
static ngx_int_t ngx_http_proxies_json_escape(ngx_array_t *out, u_char *s,
    size_t len);

static size_t ngx_http_proxies_path_push(ngx_http_proxies_vctx_t *vc,
    const char *fmt, ...);
static void ngx_http_proxies_path_pop(ngx_http_proxies_vctx_t *vc,
    size_t len);
static void ngx_http_proxies_clean(ngx_str_t *s, u_char *buf, size_t size);
static ngx_int_t ngx_http_proxies_copy(ngx_http_proxies_vctx_t *vc,
    json_t *value, ngx_str_t *dst);
static ngx_uint_t ngx_http_proxies_distance(u_char *a, size_t n, u_char *b,
    size_t m);
static ngx_uint_t ngx_http_proxies_similar(u_char *a, size_t n, u_char *b,
    size_t m);


static ngx_http_proxies_vmember_t  ngx_http_proxies_root_members[] = {

    { ngx_string("$schema"),
      NGX_HTTP_PROXIES_J_STRING,
      0,
      NULL },

    { ngx_string("proxies"),
      NGX_HTTP_PROXIES_J_OBJECT,
      NGX_HTTP_PROXIES_REQUIRED,
      ngx_http_proxies_v_proxies },

    { ngx_null_string, 0, 0, NULL }
};


static ngx_http_proxies_vmember_t  ngx_http_proxies_proxy_members[] = {

    { ngx_string("matchCondition"),
      NGX_HTTP_PROXIES_J_OBJECT,
      NGX_HTTP_PROXIES_REQUIRED,
      ngx_http_proxies_v_match },

    { ngx_string("backendUri"),
      NGX_HTTP_PROXIES_J_STRING,
      0,
      ngx_http_proxies_v_backend },

    { ngx_string("requestOverrides"),
      NGX_HTTP_PROXIES_J_OBJECT,
      0,
      ngx_http_proxies_v_request },

    { ngx_string("responseOverrides"),
      NGX_HTTP_PROXIES_J_OBJECT,
      0,
      ngx_http_proxies_v_response },

    { ngx_string("disabled"),
      NGX_HTTP_PROXIES_J_BOOLEAN,
      0,
      ngx_http_proxies_v_disabled },

    { ngx_string("debug"),
      NGX_HTTP_PROXIES_J_BOOLEAN,
      0,
      ngx_http_proxies_v_debug },

    { ngx_string("desc"),
      NGX_HTTP_PROXIES_J_ARRAY,
      0,
      ngx_http_proxies_v_desc },

    { ngx_string("monolith"),
      NGX_HTTP_PROXIES_J_BOOLEAN,
      0,
      ngx_http_proxies_v_monolith },

    { ngx_string("circuitBreaker"),
      NGX_HTTP_PROXIES_J_OBJECT,
      0,
      ngx_http_proxies_v_breaker },

    { ngx_string("slots"),
      NGX_HTTP_PROXIES_J_OBJECT,
      0,
      ngx_http_proxies_v_slots },

    { ngx_null_string, 0, 0, NULL }
};


static ngx_http_proxies_vmember_t  ngx_http_proxies_match_members[] = {

    { ngx_string("route"),
      NGX_HTTP_PROXIES_J_STRING,
      NGX_HTTP_PROXIES_REQUIRED,
      ngx_http_proxies_v_route },

    { ngx_string("methods"),
      NGX_HTTP_PROXIES_J_ARRAY,
      0,
      ngx_http_proxies_v_methods },

    { ngx_null_string, 0, 0, NULL }
};


static ngx_http_proxies_okey_t  ngx_http_proxies_request_keys[] = {

    { ngx_string("backend.request.method"),
      NGX_HTTP_PROXIES_OVR_METHOD,
      NGX_HTTP_PROXIES_J_STRING },

    { ngx_string("backend.request.querystring."),
      NGX_HTTP_PROXIES_OVR_REQ_QUERY,
      NGX_HTTP_PROXIES_J_STRING },

    { ngx_string("backend.request.headers."),
      NGX_HTTP_PROXIES_OVR_REQ_HEADER,
      NGX_HTTP_PROXIES_J_STRING },

    { ngx_null_string, 0, 0 }
};


static ngx_http_proxies_okey_t  ngx_http_proxies_response_keys[] = {

    { ngx_string("response.statusCode"),
      NGX_HTTP_PROXIES_OVR_STATUS,
      NGX_HTTP_PROXIES_J_STRING|NGX_HTTP_PROXIES_J_INTEGER },

    { ngx_string("response.statusReason"),
      NGX_HTTP_PROXIES_OVR_REASON,
      NGX_HTTP_PROXIES_J_STRING },

    { ngx_string("response.body"),
      NGX_HTTP_PROXIES_OVR_BODY,
      NGX_HTTP_PROXIES_J_STRING|NGX_HTTP_PROXIES_J_OBJECT
      |NGX_HTTP_PROXIES_J_ARRAY },

    { ngx_string("response.headers."),
      NGX_HTTP_PROXIES_OVR_RESP_HEADER,
      NGX_HTTP_PROXIES_J_STRING },

    { ngx_null_string, 0, 0 }
};


static ngx_http_proxies_alias_t  ngx_http_proxies_request_aliases[] = {
    { ngx_string("request.headers."), ngx_string("backend.request.headers.") },
    { ngx_string("request.querystring."),
      ngx_string("backend.request.querystring.") },
    { ngx_string("request.method"), ngx_string("backend.request.method") },
    { ngx_string("backend.request.query."),
      ngx_string("backend.request.querystring.") },
    { ngx_string("backend.request.queryparameters."),
      ngx_string("backend.request.querystring.") },
    { ngx_string("backend.request.verb"),
      ngx_string("backend.request.method") },
    { ngx_null_string, ngx_null_string }
};


static ngx_http_proxies_alias_t  ngx_http_proxies_response_aliases[] = {
    { ngx_string("backend.response.headers."),
      ngx_string("response.headers.") },
    { ngx_string("response.status"), ngx_string("response.statusCode") },
    { ngx_string("response.code"), ngx_string("response.statusCode") },
    { ngx_string("response.statusText"),
      ngx_string("response.statusReason") },
    { ngx_string("response.reason"), ngx_string("response.statusReason") },
    { ngx_string("response.reasonPhrase"),
      ngx_string("response.statusReason") },
    { ngx_string("response.content"), ngx_string("response.body") },
    { ngx_null_string, ngx_null_string }
};


/* the methods the proxies.json schema lists; others draw a warning */
static ngx_str_t  ngx_http_proxies_schema_methods[] = {
    ngx_string("GET"),
    ngx_string("POST"),
    ngx_string("HEAD"),
    ngx_string("OPTIONS"),
    ngx_string("PUT"),
    ngx_string("TRACE"),
    ngx_string("DELETE"),
    ngx_string("PATCH"),
    ngx_string("CONNECT"),
    ngx_null_string
};


/* response.c computes these itself */
static ngx_str_t  ngx_http_proxies_framing_headers[] = {
    ngx_string("Content-Length"),
    ngx_string("Transfer-Encoding"),
    ngx_null_string
};


ngx_int_t
ngx_http_proxies_model_build(ngx_conf_t *cf, ngx_str_t *file, void *root,
    ngx_array_t *models)
{
    u_char                   found[NGX_HTTP_PROXIES_FOUND_LEN], *last;
    json_t                  *json;
    ngx_http_proxies_vctx_t  *vc;

    json = root;

    vc = ngx_pcalloc(cf->temp_pool, sizeof(ngx_http_proxies_vctx_t));
    if (vc == NULL) {
        return NGX_ERROR;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     vc->cc.proxy = NULL;
     *     vc->cc.route = NULL;
     *     vc->model = NULL;
     *     vc->plen = 0;
     */

    vc->cc.cf = cf;
    vc->cc.pool = cf->pool;
    vc->cc.temp_pool = cf->temp_pool;
    vc->cc.file = *file;
    vc->cc.pmcf = ngx_http_conf_get_module_main_conf(cf,
                                                     ngx_http_proxies_module);
    vc->cc.field.data = vc->path;
    vc->models = models;

    vc->names.pool = cf->temp_pool;
    vc->names.temp_pool = cf->temp_pool;

    if (ngx_hash_keys_array_init(&vc->names, NGX_HASH_LARGE) != NGX_OK
        || ngx_array_init(&vc->normalized, cf->temp_pool, 16,
                          sizeof(ngx_str_t))
           != NGX_OK
        || ngx_array_init(&vc->spellings, cf->temp_pool, 4, sizeof(ngx_str_t))
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (!json_is_object(json)) {
        last = ngx_http_proxies_vfound(found, found + sizeof(found), json);
        return ngx_http_proxies_cc_error(&vc->cc,
                   "the file must hold a JSON object "
                   "{\"proxies\": {...}}, found %*s", last - found, found);
    }

    return ngx_http_proxies_vobject(vc, json, ngx_http_proxies_root_members);
}


/*
 * The walker: every key of "obj" must be a member of the table (in any
 * case, as Json.NET matched them), of one of the member's types; then
 * the member's handler maps the value.
 */

static ngx_int_t
ngx_http_proxies_vobject(ngx_http_proxies_vctx_t *vc, json_t *obj,
    ngx_http_proxies_vmember_t *members)
{
    size_t                       len, saved;
    json_t                      *value;
    ngx_uint_t                   i, n;
    const char                  *key, *seen[16];
    ngx_http_proxies_vmember_t  *m;

    ngx_memzero(seen, sizeof(seen));

    json_object_keylen_foreach(obj, key, len, value) {

        saved = ngx_http_proxies_path_push(vc, "%s%s",
                                           vc->plen ? "." : "", key);

        m = ngx_http_proxies_vfind(members, key, len);

        if (m == NULL) {
            return ngx_http_proxies_vunknown(vc, key, len, members);
        }

        i = m - members;

        if (seen[i]) {
            return ngx_http_proxies_cc_error(&vc->cc,
                       "\"%s\" and \"%s\" are the same key, "
                       "as keys match case-insensitively; keep one",
                       seen[i], key);
        }

        seen[i] = key;

        if (ngx_strcmp(key, m->name.data) != 0
            && ngx_http_proxies_vcase_warn(vc, key, len, m) != NGX_OK)
        {
            return NGX_ERROR;
        }

        if (ngx_http_proxies_vtype(vc, value, m->types) != NGX_OK) {
            return NGX_ERROR;
        }

        if (m->handler && m->handler(vc, value) != NGX_OK) {
            return NGX_ERROR;
        }

        ngx_http_proxies_path_pop(vc, saved);
    }

    for (n = 0; members[n].name.len; n++) {
        if (!(members[n].flags & NGX_HTTP_PROXIES_REQUIRED) || seen[n]) {
            continue;
        }

        (void) ngx_http_proxies_path_push(vc, "%s%V", vc->plen ? "." : "",
                                          &members[n].name);

        return ngx_http_proxies_cc_error(&vc->cc,
                                         "required key \"%V\" is missing",
                                         &members[n].name);
    }

    return NGX_OK;
}


/* once per spelling: a file written in PascalCase would repeat it */
static ngx_int_t
ngx_http_proxies_vcase_warn(ngx_http_proxies_vctx_t *vc, const char *key,
    size_t len, ngx_http_proxies_vmember_t *m)
{
    ngx_str_t   *s;
    ngx_uint_t   i;

    s = vc->spellings.elts;

    for (i = 0; i < vc->spellings.nelts; i++) {
        if (s[i].len == len && ngx_strncmp(s[i].data, key, len) == 0) {
            return NGX_OK;
        }
    }

    s = ngx_array_push(&vc->spellings);
    if (s == NULL) {
        return NGX_ERROR;
    }

    s->data = (u_char *) key;
    s->len = len;

    ngx_http_proxies_cc_warn(&vc->cc,
        "key \"%s\" is read as \"%V\" (Azure matched keys "
        "case-insensitively); please write \"%V\"",
        key, &m->name, &m->name);

    return NGX_OK;
}


static ngx_http_proxies_vmember_t *
ngx_http_proxies_vfind(ngx_http_proxies_vmember_t *members, const char *key,
    size_t len)
{
    ngx_http_proxies_vmember_t  *m;

    for (m = members; m->name.len; m++) {
        if (m->name.len == len
            && ngx_strncasecmp(m->name.data, (u_char *) key, len) == 0)
        {
            return m;
        }
    }

    return NULL;
}


static ngx_int_t
ngx_http_proxies_vunknown(ngx_http_proxies_vctx_t *vc, const char *key,
    size_t len, ngx_http_proxies_vmember_t *members)
{
    u_char                      *p, *last, buf[256];
    ngx_http_proxies_vmember_t  *m;

    for (m = members; m->name.len; m++) {
        if (ngx_http_proxies_similar((u_char *) key, len, m->name.data,
                                     m->name.len))
        {
            return ngx_http_proxies_cc_error(&vc->cc,
                       "unknown key \"%s\"; did you mean \"%V\"?",
                       key, &m->name);
        }
    }

    p = buf;
    last = buf + sizeof(buf);

    for (m = members; m->name.len; m++) {
        p = ngx_slprintf(p, last, "%s\"%V\"",
                         m == members ? ""
                                      : (m[1].name.len ? ", " : " or "),
                         &m->name);
    }

    return ngx_http_proxies_cc_error(&vc->cc,
                                     "unknown key \"%s\"; expected %*s",
                                     key, p - buf, buf);
}


static ngx_int_t
ngx_http_proxies_vtype(ngx_http_proxies_vctx_t *vc, json_t *value,
    ngx_uint_t types)
{
    u_char      *p, *last, expected[128], found[NGX_HTTP_PROXIES_FOUND_LEN];
    ngx_uint_t   i, n, left;

    static const char  *names[] = {
        "an object", "an array", "a string", "an integer", "a number",
        "a boolean (true or false)", "null"
    };

    if (ngx_http_proxies_jtype(value) & types) {
        return NGX_OK;
    }

    if (types & NGX_HTTP_PROXIES_J_REAL) {
        /* "a number" covers the integers too */
        types &= ~NGX_HTTP_PROXIES_J_INTEGER;
    }

    left = 0;
    for (i = 0; i < 7; i++) {
        if (types & (1 << i)) {
            left++;
        }
    }

    p = expected;
    last = expected + sizeof(expected);

    for (i = 0, n = 0; i < 7; i++) {
        if (!(types & (1 << i))) {
            continue;
        }

        n++;
        p = ngx_slprintf(p, last, "%s%s",
                         n == 1 ? "" : (n == left ? " or " : ", "),
                         names[i]);
    }

    last = ngx_http_proxies_vfound(found, found + sizeof(found), value);

    return ngx_http_proxies_cc_error(&vc->cc, "must be %*s, found %*s",
                                     p - expected, expected,
                                     last - found, found);
}


static ngx_uint_t
ngx_http_proxies_jtype(json_t *value)
{
    switch (json_typeof(value)) {

    case JSON_OBJECT:
        return NGX_HTTP_PROXIES_J_OBJECT;

    case JSON_ARRAY:
        return NGX_HTTP_PROXIES_J_ARRAY;

    case JSON_STRING:
        return NGX_HTTP_PROXIES_J_STRING;

    case JSON_INTEGER:
        return NGX_HTTP_PROXIES_J_INTEGER;

    case JSON_REAL:
        return NGX_HTTP_PROXIES_J_REAL;

    case JSON_TRUE:
    case JSON_FALSE:
        return NGX_HTTP_PROXIES_J_BOOLEAN;

    default:
        return NGX_HTTP_PROXIES_J_NULL;
    }
}


/* what was found, for messages: the type, and a short value */
static u_char *
ngx_http_proxies_vfound(u_char *p, u_char *last, json_t *value)
{
    switch (json_typeof(value)) {

    case JSON_OBJECT:
        return ngx_slprintf(p, last, "an object");

    case JSON_ARRAY:
        return ngx_slprintf(p, last, "an array");

    case JSON_STRING:
        return ngx_http_proxies_vfound_string(p, last, value);

    case JSON_INTEGER:
        return ngx_slprintf(p, last, "the number %L",
                            (int64_t) json_integer_value(value));

    case JSON_REAL:
        p = ngx_slprintf(p, last, "the number ");
        return ngx_http_proxies_real(p, last, json_real_value(value));

    case JSON_TRUE:
        return ngx_slprintf(p, last, "true");

    case JSON_FALSE:
        return ngx_slprintf(p, last, "false");

    default:
        return ngx_slprintf(p, last, "null");
    }
}


/* a short, one-line quote of a string */
static u_char *
ngx_http_proxies_vfound_string(u_char *p, u_char *last, json_t *value)
{
    u_char  *s, *end, *cut;

    s = (u_char *) json_string_value(value);
    end = s + json_string_length(value);
    cut = end;

    if (end - s > 24) {
        /* not inside a UTF-8 sequence */
        for (cut = s + 24; cut > s && (*cut & 0xc0) == 0x80; cut--) {
            /* void */
        }
    }

    p = ngx_slprintf(p, last, "the string \"");

    for ( /* void */ ; s < cut && p < last; s++) {
        *p++ = (*s < 0x20 || *s == 0x7f) ? '?' : *s;
    }

    return ngx_slprintf(p, last, "%s\"", cut < end ? "..." : "");
}


/*
 * jansson keeps no number text, so a real is printed with the fewest
 * digits that read back as the same double: 0.1 stays "0.1".
 */

static u_char *
ngx_http_proxies_real(u_char *p, u_char *last, double d)
{
    int     prec;
    char    buf[32];
    size_t  len;

    for (prec = 1; prec < 17; prec++) {
        snprintf(buf, sizeof(buf), "%.*g", prec, d);

        if (strtod(buf, NULL) == d) {
            break;
        }
    }

    if (prec == 17) {
        snprintf(buf, sizeof(buf), "%.17g", d);
    }

    len = ngx_strlen(buf);

    if (strpbrk(buf, ".eE") == NULL && len + 2 < sizeof(buf)) {
        /* keep it a real */
        buf[len++] = '.';
        buf[len++] = '0';
    }

    if ((size_t) (last - p) < len) {
        len = last - p;
    }

    return ngx_cpymem(p, buf, len);
}


/* ---------------------------------------------------------------- proxies */

static ngx_int_t
ngx_http_proxies_v_proxies(ngx_http_proxies_vctx_t *vc, json_t *value)
{
    size_t       len;
    json_t      *proxy;
    ngx_int_t    rc;
    const char  *name;

    /*
     * Fields are reported relative to the proxy, so the path restarts;
     * the caller pops it back to the top level afterwards.
     */

    json_object_keylen_foreach(value, name, len, proxy) {

        vc->plen = 0;
        vc->cc.field.len = 0;

        rc = ngx_http_proxies_v_proxy(vc, name, len, proxy);

        vc->cc.proxy = NULL;
        vc->model = NULL;

        if (rc != NGX_OK) {
            return rc;
        }
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_proxies_v_proxy(ngx_http_proxies_vctx_t *vc, const char *name,
    size_t len, json_t *value)
{
    ngx_pool_t                *pool;
    ngx_http_proxies_model_t  *m;

    pool = vc->cc.pool;

    m = ngx_array_push(vc->models);
    if (m == NULL) {
        return NGX_ERROR;
    }

    ngx_memzero(m, sizeof(ngx_http_proxies_model_t));

    /*
     * set by ngx_memzero():
     *
     *     m->methods = NULL;
     *     m->backend = { 0, NULL };
     *     m->disabled = 0;
     *     m->has_backend = 0;
     */

    m->order = vc->models->nelts - 1;
    m->debug = -1;

    m->name.len = len;
    m->name.data = ngx_pnalloc(pool, len + 1);
    if (m->name.data == NULL) {
        return NGX_ERROR;
    }

    ngx_cpystrn(m->name.data, (u_char *) name, len + 1);

    if (ngx_array_init(&m->req, pool, 2, sizeof(ngx_http_proxies_ovr_model_t))
        != NGX_OK
        || ngx_array_init(&m->resp, pool, 2,
                          sizeof(ngx_http_proxies_ovr_model_t))
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    vc->model = m;
    vc->cc.proxy = m;

    if (ngx_http_proxies_v_name(vc, &m->name) != NGX_OK) {
        return NGX_ERROR;
    }

    if (!json_is_object(value)) {
        return ngx_http_proxies_vtype(vc, value, NGX_HTTP_PROXIES_J_OBJECT);
    }

    if (ngx_http_proxies_vobject(vc, value, ngx_http_proxies_proxy_members)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (!m->has_backend && m->req.nelts) {
        vc->cc.field.len = ngx_sprintf(vc->path, "requestOverrides")
                           - vc->path;

        ngx_http_proxies_cc_warn(&vc->cc,
            "the proxy has no \"backendUri\", so there is no backend "
            "request to override; ignored");
    }

    ngx_log_debug3(NGX_LOG_DEBUG_HTTP, vc->cc.cf->log, 0,
                   "proxies model: \"%V\" route \"%V\" backend \"%V\"",
                   &m->name, &m->route, &m->backend);

    return NGX_OK;
}


/*
 * Azure made a function name of each proxy name by keeping only
 * [A-Za-z0-9_-], and function names had to be unique ignoring case.
 * Names are only labels here, but a file Azure refused stays refused.
 */

static ngx_int_t
ngx_http_proxies_v_name(ngx_http_proxies_vctx_t *vc, ngx_str_t *name)
{
    u_char      *p, *end, *d, c;
    ngx_int_t    rc;
    ngx_str_t   *norm, *prev;
    ngx_uint_t   i;

    norm = ngx_array_push(&vc->normalized);
    if (norm == NULL) {
        return NGX_ERROR;
    }

    norm->data = ngx_pnalloc(vc->cc.temp_pool, name->len);
    if (norm->data == NULL) {
        return NGX_ERROR;
    }

    d = norm->data;

    for (p = name->data, end = p + name->len; p < end; p++) {
        c = *p;

        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
            || (c >= '0' && c <= '9') || c == '_' || c == '-')
        {
            *d++ = c;
        }
    }

    norm->len = d - norm->data;

    if (norm->len == 0) {
        return ngx_http_proxies_cc_error(&vc->cc,
                   "the proxy name has no letter, digit, \"_\" or \"-\"; "
                   "Azure names a proxy by those characters alone");
    }

    /* a hash finds a clash; the scan below only names it */
    rc = ngx_hash_add_key(&vc->names, norm, norm, 0);

    if (rc != NGX_BUSY) {
        return rc == NGX_OK ? NGX_OK : NGX_ERROR;
    }

    prev = vc->normalized.elts;

    for (i = 0; i + 1 < vc->normalized.nelts; i++) {
        if (prev[i].len == norm->len
            && ngx_strncasecmp(prev[i].data, norm->data, norm->len) == 0)
        {
            return ngx_http_proxies_cc_error(&vc->cc,
                       "the proxy name clashes with proxy \"%V\": both "
                       "read \"%V\" when only letters, digits, \"_\" and "
                       "\"-\" are kept, ignoring case",
                       &((ngx_http_proxies_model_t *)
                         vc->models->elts)[i].name, norm);
        }
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_proxies_v_match(ngx_http_proxies_vctx_t *vc, json_t *value)
{
    return ngx_http_proxies_vobject(vc, value,
                                    ngx_http_proxies_match_members);
}


/* the route's syntax is route.c's business, at compile time */
static ngx_int_t
ngx_http_proxies_v_route(ngx_http_proxies_vctx_t *vc, json_t *value)
{
    return ngx_http_proxies_copy(vc, value, &vc->model->route);
}


static ngx_int_t
ngx_http_proxies_v_methods(ngx_http_proxies_vctx_t *vc, json_t *value)
{
    u_char      *p, *end, *comma;
    size_t       i, saved;
    json_t      *item;
    ngx_str_t    s;
    ngx_uint_t   first;

    if (json_array_size(value) == 0) {
        return ngx_http_proxies_cc_error(&vc->cc,
                   "must list at least one method; "
                   "leave \"methods\" out to match every method");
    }

    vc->model->methods = ngx_array_create(vc->cc.pool,
                                          json_array_size(value),
                                          sizeof(ngx_str_t));
    if (vc->model->methods == NULL) {
        return NGX_ERROR;
    }

    json_array_foreach(value, i, item) {

        saved = ngx_http_proxies_path_push(vc, "[%uz]", i);

        if (ngx_http_proxies_vtype(vc, item, NGX_HTTP_PROXIES_J_STRING)
            != NGX_OK)
        {
            return NGX_ERROR;
        }

        s.data = (u_char *) json_string_value(item);
        s.len = json_string_length(item);
        end = s.data + s.len;

        first = vc->model->methods->nelts;

        for (p = s.data; ; p = comma + 1) {
            comma = ngx_strlchr(p, end, ',');

            if (ngx_http_proxies_v_method(vc, &s, p, comma ? comma : end)
                != NGX_OK)
            {
                return NGX_ERROR;
            }

            if (comma == NULL) {
                break;
            }
        }

        if (vc->model->methods->nelts - first > 1) {
            ngx_http_proxies_v_split_warn(vc, &s, first);
        }

        ngx_http_proxies_path_pop(vc, saved);
    }

    return NGX_OK;
}


/* seen in real files: "methods": ["GET, POST"] */
static void
ngx_http_proxies_v_split_warn(ngx_http_proxies_vctx_t *vc, ngx_str_t *item,
    ngx_uint_t first)
{
    u_char      *p, *last, buf[256];
    ngx_str_t   *m;
    ngx_uint_t   i;

    m = vc->model->methods->elts;
    p = buf;
    last = buf + sizeof(buf);

    for (i = first; i < vc->model->methods->nelts; i++) {
        p = ngx_slprintf(p, last, "%s\"%V\"", i == first ? "" : ", ", &m[i]);
    }

    ngx_http_proxies_cc_warn(&vc->cc,
        "\"%V\" names several methods in one string; read as [%*s], "
        "please write it so", item, p - buf, buf);
}


static ngx_int_t
ngx_http_proxies_v_method(ngx_http_proxies_vctx_t *vc, ngx_str_t *item,
    u_char *start, u_char *end)
{
    u_char       buf[NGX_HTTP_PROXIES_FOUND_LEN];
    ngx_str_t   *method, *m, token;
    ngx_uint_t   i;

    while (start < end && (*start == ' ' || *start == '\t')) {
        start++;
    }

    while (end > start && (end[-1] == ' ' || end[-1] == '\t')) {
        end--;
    }

    if (start == end) {
        token = *item;
        ngx_http_proxies_clean(&token, buf, sizeof(buf));

        return ngx_http_proxies_cc_error(&vc->cc,
                   "\"%V\" holds an empty method name; expected a method "
                   "such as \"GET\"", &token);
    }

    token.data = start;
    token.len = end - start;

    if (ngx_http_proxies_is_token(&token) != NGX_OK) {
        ngx_http_proxies_clean(&token, buf, sizeof(buf));

        return ngx_http_proxies_cc_error(&vc->cc,
                   "\"%V\" is not a method name: expected an RFC 7230 "
                   "token such as \"GET\"", &token);
    }

    method = ngx_array_push(vc->model->methods);
    if (method == NULL) {
        return NGX_ERROR;
    }

    method->len = end - start;
    method->data = ngx_pnalloc(vc->cc.pool, method->len);
    if (method->data == NULL) {
        return NGX_ERROR;
    }

    /* methods compare case-insensitively, as on Azure */
    for (i = 0; i < method->len; i++) {
        method->data[i] = ngx_toupper(start[i]);
    }

    m = vc->model->methods->elts;

    for (i = 0; i + 1 < vc->model->methods->nelts; i++) {
        if (m[i].len == method->len
            && ngx_strncmp(m[i].data, method->data, method->len) == 0)
        {
            return ngx_http_proxies_cc_error(&vc->cc,
                       "method \"%V\" is listed twice", method);
        }
    }

    for (m = ngx_http_proxies_schema_methods; m->len; m++) {
        if (m->len == method->len
            && ngx_strncmp(m->data, method->data, m->len) == 0)
        {
            return NGX_OK;
        }
    }

    ngx_http_proxies_cc_warn(&vc->cc,
        "method \"%V\" is not one of GET, POST, HEAD, OPTIONS, PUT, "
        "TRACE, DELETE, PATCH, CONNECT of the proxies.json schema; "
        "accepted", method);

    return NGX_OK;
}


/* the URI itself is checked by uri.c, after %SETTING% expansion */
static ngx_int_t
ngx_http_proxies_v_backend(ngx_http_proxies_vctx_t *vc, json_t *value)
{
    if (json_string_length(value) == 0) {
        return ngx_http_proxies_cc_error(&vc->cc,
                   "must not be empty; expected an absolute http:// or "
                   "https:// URL, or no \"backendUri\" at all for a proxy "
                   "that answers by itself");
    }

    vc->model->has_backend = 1;

    return ngx_http_proxies_copy(vc, value, &vc->model->backend);
}


static ngx_int_t
ngx_http_proxies_v_disabled(ngx_http_proxies_vctx_t *vc, json_t *value)
{
    vc->model->disabled = json_is_true(value);
    return NGX_OK;
}


static ngx_int_t
ngx_http_proxies_v_debug(ngx_http_proxies_vctx_t *vc, json_t *value)
{
    vc->model->debug = json_is_true(value);
    return NGX_OK;
}


static ngx_int_t
ngx_http_proxies_v_monolith(ngx_http_proxies_vctx_t *vc, json_t *value)
{
    vc->model->monolith = json_is_true(value);
    return NGX_OK;
}


/* portal metadata: only checked */
static ngx_int_t
ngx_http_proxies_v_desc(ngx_http_proxies_vctx_t *vc, json_t *value)
{
    size_t   i, saved;
    json_t  *item;

    json_array_foreach(value, i, item) {

        saved = ngx_http_proxies_path_push(vc, "[%uz]", i);

        if (ngx_http_proxies_vtype(vc, item, NGX_HTTP_PROXIES_J_STRING)
            != NGX_OK)
        {
            return NGX_ERROR;
        }

        ngx_http_proxies_path_pop(vc, saved);
    }

    return NGX_OK;
}


/* -------------------------------------------------------------- overrides */

static ngx_int_t
ngx_http_proxies_v_request(ngx_http_proxies_vctx_t *vc, json_t *value)
{
    return ngx_http_proxies_v_overrides(vc, value, &vc->model->req, 0);
}


static ngx_int_t
ngx_http_proxies_v_response(ngx_http_proxies_vctx_t *vc, json_t *value)
{
    return ngx_http_proxies_v_overrides(vc, value, &vc->model->resp, 1);
}


static ngx_int_t
ngx_http_proxies_v_overrides(ngx_http_proxies_vctx_t *vc, json_t *value,
    ngx_array_t *ovrs, ngx_uint_t response)
{
    size_t                         len, saved;
    json_t                        *item;
    ngx_str_t                      key;
    ngx_uint_t                     i, types;
    const char                    *name;
    ngx_http_proxies_ovr_model_t  *ovr, *prev;

    json_object_keylen_foreach(value, name, len, item) {

        saved = ngx_http_proxies_path_push(vc, ".%s", name);

        key.data = (u_char *) name;
        key.len = len;

        ovr = ngx_array_push(ovrs);
        if (ovr == NULL) {
            return NGX_ERROR;
        }

        ngx_memzero(ovr, sizeof(ngx_http_proxies_ovr_model_t));

        if (ngx_http_proxies_v_okey(vc, &key, response, ovr, &types)
            != NGX_OK)
        {
            return NGX_ERROR;
        }

        /* names of headers and parameters compare ignoring case */
        prev = ovrs->elts;

        for (i = 0; i + 1 < ovrs->nelts; i++) {
            if (prev[i].key.len == len
                && ngx_strncasecmp(prev[i].key.data, key.data, len) == 0)
            {
                return ngx_http_proxies_cc_error(&vc->cc,
                           "\"%V\" sets the same thing as \"%V\" "
                           "(names are not case-sensitive); keep one",
                           &key, &prev[i].key);
            }
        }

        if (ngx_http_proxies_vtype(vc, item, types) != NGX_OK) {
            return NGX_ERROR;
        }

        if (ngx_http_proxies_v_ovalue(vc, item, ovr) != NGX_OK) {
            return NGX_ERROR;
        }

        ngx_http_proxies_path_pop(vc, saved);
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_proxies_v_okey(ngx_http_proxies_vctx_t *vc, ngx_str_t *key,
    ngx_uint_t response, ngx_http_proxies_ovr_model_t *ovr,
    ngx_uint_t *types)
{
    ngx_str_t                 name, *h;
    ngx_http_proxies_okey_t  *k;

    *types = 0;

    k = ngx_http_proxies_okey_find(response ? ngx_http_proxies_response_keys
                                            : ngx_http_proxies_request_keys,
                                   key, &name);

    if (k == NULL) {
        return ngx_http_proxies_okey_unknown(vc, key, response);
    }

    if (k->key.data[k->key.len - 1] == '.' && name.len == 0) {
        return ngx_http_proxies_cc_error(&vc->cc,
                   "\"%V\" names no %s; expected \"%V<name>\"",
                   key,
                   k->kind == NGX_HTTP_PROXIES_OVR_REQ_QUERY
                       ? "query parameter" : "header",
                   &k->key);
    }

    if ((k->kind == NGX_HTTP_PROXIES_OVR_REQ_HEADER
         || k->kind == NGX_HTTP_PROXIES_OVR_RESP_HEADER)
        && ngx_http_proxies_is_token(&name) != NGX_OK)
    {
        return ngx_http_proxies_cc_error(&vc->cc,
                   "\"%V\" is not a valid header name; expected an "
                   "RFC 7230 token (letters, digits, "
                   "!#$%%&'*+-.^_`|~)", &name);
    }

    if (k->kind == NGX_HTTP_PROXIES_OVR_RESP_HEADER) {
        for (h = ngx_http_proxies_framing_headers; h->len; h++) {
            if (h->len == name.len
                && ngx_strncasecmp(h->data, name.data, name.len) == 0)
            {
                ngx_http_proxies_cc_warn(&vc->cc,
                    "\"%V\" is set by nginx for the body it sends; "
                    "this override is ignored", &name);
            }
        }
    }

    ovr->kind = k->kind;
    *types = k->types;

    ovr->key.len = key->len;
    ovr->key.data = ngx_pstrdup(vc->cc.pool, key);
    if (ovr->key.data == NULL) {
        return NGX_ERROR;
    }

    /* the name is the tail of the key as written */
    ovr->name.len = name.len;
    ovr->name.data = ovr->key.data + (key->len - name.len);

    return NGX_OK;
}


static ngx_http_proxies_okey_t *
ngx_http_proxies_okey_find(ngx_http_proxies_okey_t *keys, ngx_str_t *key,
    ngx_str_t *name)
{
    size_t                    len;
    ngx_http_proxies_okey_t  *k;

    for (k = keys; k->key.len; k++) {
        len = k->key.len;

        if (k->key.data[len - 1] != '.') {
            if (key->len == len
                && ngx_strncasecmp(key->data, k->key.data, len) == 0)
            {
                name->len = 0;
                name->data = NULL;
                return k;
            }

            continue;
        }

        /* "response.headers" without a name is reported as such */
        if (key->len >= len - 1
            && ngx_strncasecmp(key->data, k->key.data, len - 1) == 0
            && (key->len == len - 1 || key->data[len - 1] == '.'))
        {
            name->data = key->data + ngx_min(len, key->len);
            name->len = key->len - (name->data - key->data);
            return k;
        }
    }

    return NULL;
}


static ngx_int_t
ngx_http_proxies_okey_unknown(ngx_http_proxies_vctx_t *vc, ngx_str_t *key,
    ngx_uint_t response)
{
    u_char                   buf[NGX_HTTP_PROXIES_PATH_LEN];
    ngx_str_t                name, hint;
    ngx_http_proxies_okey_t  *other;

    other = response ? ngx_http_proxies_request_keys
                     : ngx_http_proxies_response_keys;

    if (ngx_http_proxies_okey_find(other, key, &name)) {
        return ngx_http_proxies_cc_error(&vc->cc,
                   "\"%V\" belongs in \"%s\", not in \"%s\"",
                   key,
                   response ? "requestOverrides" : "responseOverrides",
                   response ? "responseOverrides" : "requestOverrides");
    }

    if (ngx_http_proxies_okey_suggest(key, response, buf, sizeof(buf), &hint)
        == NGX_OK)
    {
        return ngx_http_proxies_cc_error(&vc->cc,
                   "unknown override \"%V\"; did you mean \"%V\"?",
                   key, &hint);
    }

    if (response) {
        return ngx_http_proxies_cc_error(&vc->cc,
                   "unknown override \"%V\"; expected "
                   "\"response.statusCode\", \"response.statusReason\", "
                   "\"response.body\" or \"response.headers.<name>\"", key);
    }

    return ngx_http_proxies_cc_error(&vc->cc,
               "unknown override \"%V\"; expected "
               "\"backend.request.method\", "
               "\"backend.request.querystring.<name>\" or "
               "\"backend.request.headers.<name>\"", key);
}


/*
 * A hint for a misspelt key: a known alias ("request.headers.X"), or a
 * known key within two edits, comparing a prefix such as
 * "backend.request.header." with the same number of dots of the key.
 */

static ngx_int_t
ngx_http_proxies_okey_suggest(ngx_str_t *key, ngx_uint_t response,
    u_char *buf, size_t size, ngx_str_t *hint)
{
    u_char                    *p, *end, *rest;
    ngx_uint_t                 dots;
    ngx_http_proxies_alias_t  *a;
    ngx_http_proxies_okey_t   *k;

    a = response ? ngx_http_proxies_response_aliases
                 : ngx_http_proxies_request_aliases;

    for ( /* void */ ; a->wrong.len; a++) {
        if (a->wrong.data[a->wrong.len - 1] == '.'
            ? key->len > a->wrong.len
              && ngx_strncasecmp(key->data, a->wrong.data, a->wrong.len) == 0
            : key->len == a->wrong.len
              && ngx_strncasecmp(key->data, a->wrong.data, key->len) == 0)
        {
            rest = key->data + a->wrong.len;
            hint->data = buf;
            hint->len = ngx_slprintf(buf, buf + size, "%V%*s", &a->right,
                                     key->data + key->len - rest, rest)
                        - buf;
            return NGX_OK;
        }
    }

    k = response ? ngx_http_proxies_response_keys
                 : ngx_http_proxies_request_keys;

    for ( /* void */ ; k->key.len; k++) {

        if (k->key.data[k->key.len - 1] != '.') {
            if (ngx_http_proxies_similar(key->data, key->len, k->key.data,
                                         k->key.len))
            {
                *hint = k->key;
                return NGX_OK;
            }

            continue;
        }

        dots = 0;
        for (p = k->key.data, end = p + k->key.len; p < end; p++) {
            dots += (*p == '.');
        }

        for (p = key->data, end = p + key->len; p < end; p++) {
            if (*p == '.' && --dots == 0) {
                break;
            }
        }

        if (p == end
            || !ngx_http_proxies_similar(key->data, p + 1 - key->data,
                                         k->key.data, k->key.len))
        {
            continue;
        }

        hint->data = buf;
        hint->len = ngx_slprintf(buf, buf + size, "%V%*s", &k->key,
                                 end - p - 1, p + 1)
                    - buf;
        return NGX_OK;
    }

    return NGX_DECLINED;
}


static ngx_int_t
ngx_http_proxies_v_ovalue(ngx_http_proxies_vctx_t *vc, json_t *value,
    ngx_http_proxies_ovr_model_t *ovr)
{
    json_int_t  n;

    if (json_is_string(value)) {
        return ngx_http_proxies_copy(vc, value, &ovr->value);
    }

    if (ovr->kind == NGX_HTTP_PROXIES_OVR_BODY) {
        return ngx_http_proxies_v_body(vc, value, ovr);
    }

    /* only response.statusCode may be a number */

    n = json_integer_value(value);

    if (n < 100 || n > 599) {
        return ngx_http_proxies_cc_error(&vc->cc,
                   "status code %L is out of range; expected an integer "
                   "from 100 to 599", (int64_t) n);
    }

    ovr->number = (ngx_int_t) n;
    ovr->is_number = 1;

    ovr->value.data = ngx_pnalloc(vc->cc.pool, NGX_INT_T_LEN);
    if (ovr->value.data == NULL) {
        return NGX_ERROR;
    }

    ovr->value.len = ngx_sprintf(ovr->value.data, "%i", ovr->number)
                     - ovr->value.data;

    return NGX_OK;
}


/*
 * An object body (or an array of objects, as the schema allows) is
 * serialized compactly, keys in file order.  It becomes pieces: literal
 * JSON text, quotes included, and the decoded contents of each string
 * value between them, which are templated and JSON-escaped per request.
 * ovr->value holds the whole text, for messages and traces.
 */

static ngx_int_t
ngx_http_proxies_v_body(ngx_http_proxies_vctx_t *vc, json_t *value,
    ngx_http_proxies_ovr_model_t *ovr)
{
    u_char                         *p;
    size_t                          i, saved;
    json_t                         *item;
    ngx_array_t                     all;
    ngx_uint_t                      k;
    ngx_http_proxies_jser_t         js;
    ngx_http_proxies_json_piece_t  *piece;

    if (json_is_array(value)) {
        if (json_array_size(value) == 0) {
            return ngx_http_proxies_cc_error(&vc->cc,
                       "must not be an empty array; expected a string, "
                       "an object or an array of objects");
        }

        json_array_foreach(value, i, item) {
            saved = ngx_http_proxies_path_push(vc, "[%uz]", i);

            if (ngx_http_proxies_vtype(vc, item, NGX_HTTP_PROXIES_J_OBJECT)
                != NGX_OK)
            {
                return NGX_ERROR;
            }

            ngx_http_proxies_path_pop(vc, saved);
        }
    }

    js.pool = vc->cc.pool;
    js.pieces = ngx_array_create(js.pool, 4,
                                 sizeof(ngx_http_proxies_json_piece_t));
    if (js.pieces == NULL) {
        return NGX_ERROR;
    }

    if (ngx_array_init(&js.text, vc->cc.temp_pool, 256, 1) != NGX_OK
        || ngx_array_init(&all, vc->cc.temp_pool, 256, 1) != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (ngx_http_proxies_jser(&js, value) != NGX_OK
        || ngx_http_proxies_jser_flush(&js) != NGX_OK)
    {
        return NGX_ERROR;
    }

    piece = js.pieces->elts;

    for (k = 0; k < js.pieces->nelts; k++) {
        if (piece[k].string) {
            if (ngx_http_proxies_json_escape(&all, piece[k].text.data,
                                             piece[k].text.len)
                != NGX_OK)
            {
                return NGX_ERROR;
            }

            continue;
        }

        p = ngx_array_push_n(&all, piece[k].text.len);
        if (p == NULL) {
            return NGX_ERROR;
        }

        ngx_memcpy(p, piece[k].text.data, piece[k].text.len);
    }

    ovr->json = js.pieces;

    ovr->value.len = all.nelts;
    ovr->value.data = ngx_pnalloc(vc->cc.pool, all.nelts);
    if (ovr->value.data == NULL) {
        return NGX_ERROR;
    }

    ngx_memcpy(ovr->value.data, all.elts, all.nelts);

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, vc->cc.cf->log, 0,
                   "proxies model: json body %V, %ui pieces",
                   &ovr->value, js.pieces->nelts);

    return NGX_OK;
}


static ngx_int_t
ngx_http_proxies_jser(ngx_http_proxies_jser_t *js, json_t *value)
{
    u_char                         *p, buf[64];
    size_t                          i, len;
    json_t                         *item;
    ngx_uint_t                      first;
    const char                     *key;
    ngx_http_proxies_json_piece_t  *piece;

    switch (json_typeof(value)) {

    case JSON_OBJECT:
        if (ngx_http_proxies_jser_add(js, (u_char *) "{", 1) != NGX_OK) {
            return NGX_ERROR;
        }

        first = 1;

        json_object_keylen_foreach(value, key, len, item) {
            if ((!first
                 && ngx_http_proxies_jser_add(js, (u_char *) ",", 1)
                    != NGX_OK)
                || ngx_http_proxies_jser_add(js, (u_char *) "\"", 1) != NGX_OK
                || ngx_http_proxies_json_escape(&js->text, (u_char *) key,
                                                len)
                   != NGX_OK
                || ngx_http_proxies_jser_add(js, (u_char *) "\":", 2)
                   != NGX_OK
                || ngx_http_proxies_jser(js, item) != NGX_OK)
            {
                return NGX_ERROR;
            }

            first = 0;
        }

        return ngx_http_proxies_jser_add(js, (u_char *) "}", 1);

    case JSON_ARRAY:
        if (ngx_http_proxies_jser_add(js, (u_char *) "[", 1) != NGX_OK) {
            return NGX_ERROR;
        }

        json_array_foreach(value, i, item) {
            if ((i && ngx_http_proxies_jser_add(js, (u_char *) ",", 1)
                      != NGX_OK)
                || ngx_http_proxies_jser(js, item) != NGX_OK)
            {
                return NGX_ERROR;
            }
        }

        return ngx_http_proxies_jser_add(js, (u_char *) "]", 1);

    case JSON_STRING:
        if (ngx_http_proxies_jser_add(js, (u_char *) "\"", 1) != NGX_OK) {
            return NGX_ERROR;
        }

        len = json_string_length(value);

        /* an empty string has nothing to substitute */
        if (len) {
            if (ngx_http_proxies_jser_flush(js) != NGX_OK) {
                return NGX_ERROR;
            }

            piece = ngx_array_push(js->pieces);
            if (piece == NULL) {
                return NGX_ERROR;
            }

            piece->string = 1;
            piece->text.len = len;
            piece->text.data = ngx_pnalloc(js->pool, len);
            if (piece->text.data == NULL) {
                return NGX_ERROR;
            }

            ngx_memcpy(piece->text.data, json_string_value(value), len);
        }

        return ngx_http_proxies_jser_add(js, (u_char *) "\"", 1);

    case JSON_INTEGER:
        p = ngx_sprintf(buf, "%L", (int64_t) json_integer_value(value));
        return ngx_http_proxies_jser_add(js, buf, p - buf);

    case JSON_REAL:
        p = ngx_http_proxies_real(buf, buf + sizeof(buf),
                                  json_real_value(value));
        return ngx_http_proxies_jser_add(js, buf, p - buf);

    case JSON_TRUE:
        return ngx_http_proxies_jser_add(js, (u_char *) "true", 4);

    case JSON_FALSE:
        return ngx_http_proxies_jser_add(js, (u_char *) "false", 5);

    default:
        return ngx_http_proxies_jser_add(js, (u_char *) "null", 4);
    }
}


static ngx_int_t
ngx_http_proxies_jser_add(ngx_http_proxies_jser_t *js, u_char *data,
    size_t len)
{
    u_char  *p;

    p = ngx_array_push_n(&js->text, len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    ngx_memcpy(p, data, len);

    return NGX_OK;
}


/* the literal run so far becomes a piece */
static ngx_int_t
ngx_http_proxies_jser_flush(ngx_http_proxies_jser_t *js)
{
    ngx_http_proxies_json_piece_t  *piece;

    if (js->text.nelts == 0) {
        return NGX_OK;
    }

    piece = ngx_array_push(js->pieces);
    if (piece == NULL) {
        return NGX_ERROR;
    }

    piece->string = 0;
    piece->text.len = js->text.nelts;
    piece->text.data = ngx_pnalloc(js->pool, js->text.nelts);
    if (piece->text.data == NULL) {
        return NGX_ERROR;
    }

    ngx_memcpy(piece->text.data, js->text.elts, js->text.nelts);

    js->text.nelts = 0;

    return NGX_OK;
}


/* JSON string contents; the input is valid UTF-8, kept as is */
static ngx_int_t
ngx_http_proxies_json_escape(ngx_array_t *out, u_char *s, size_t len)
{
    u_char   *p, *end, c;
    size_t    n;

    static u_char  hex[] = "0123456789abcdef";

    n = len;

    for (p = s, end = s + len; p < end; p++) {
        switch (*p) {
        case '"':
        case '\\':
        case '\n':
        case '\r':
        case '\t':
        case '\b':
        case '\f':
            n++;
            break;
        default:
            if (*p < 0x20) {
                n += 5;
            }
        }
    }

    p = ngx_array_push_n(out, n);
    if (p == NULL) {
        return NGX_ERROR;
    }

    for ( /* void */ ; s < end; s++) {
        c = *s;

        if (c >= 0x20 && c != '"' && c != '\\') {
            *p++ = c;
            continue;
        }

        *p++ = '\\';

        switch (c) {
        case '"':
        case '\\':
            *p++ = c;
            break;
        case '\n':
            *p++ = 'n';
            break;
        case '\r':
            *p++ = 'r';
            break;
        case '\t':
            *p++ = 't';
            break;
        case '\b':
            *p++ = 'b';
            break;
        case '\f':
            *p++ = 'f';
            break;
        default:
            *p++ = 'u';
            *p++ = '0';
            *p++ = '0';
            *p++ = hex[c >> 4];
            *p++ = hex[c & 0xf];
            break;
        }
    }

    return NGX_OK;
}


/* ---------------------------------------------------------------- helpers */

static size_t
ngx_http_proxies_path_push(ngx_http_proxies_vctx_t *vc, const char *fmt, ...)
{
    u_char   *p, *q;
    size_t    saved;
    va_list   args;

    saved = vc->plen;

    va_start(args, fmt);
    p = ngx_vslprintf(vc->path + vc->plen,
                      vc->path + NGX_HTTP_PROXIES_PATH_LEN, fmt, args);
    va_end(args);

    /* keys may hold escaped control characters; messages are one line */
    for (q = vc->path + vc->plen; q < p; q++) {
        if (*q < 0x20 || *q == 0x7f) {
            *q = '?';
        }
    }

    vc->plen = p - vc->path;
    vc->cc.field.len = vc->plen;

    return saved;
}


static void
ngx_http_proxies_path_pop(ngx_http_proxies_vctx_t *vc, size_t len)
{
    vc->plen = len;
    vc->cc.field.len = len;
}


/* a one-line copy of s for messages, cut to size */
static void
ngx_http_proxies_clean(ngx_str_t *s, u_char *buf, size_t size)
{
    size_t  i;

    for (i = 0; i < s->len && i < size; i++) {
        buf[i] = (s->data[i] < 0x20 || s->data[i] == 0x7f) ? '?'
                                                           : s->data[i];
    }

    s->data = buf;
    s->len = i;
}


static ngx_int_t
ngx_http_proxies_copy(ngx_http_proxies_vctx_t *vc, json_t *value,
    ngx_str_t *dst)
{
    dst->len = json_string_length(value);

    /* NUL-terminated: later stages may hand it to C string functions */
    dst->data = ngx_pnalloc(vc->cc.pool, dst->len + 1);
    if (dst->data == NULL) {
        return NGX_ERROR;
    }

    ngx_memcpy(dst->data, json_string_value(value), dst->len);
    dst->data[dst->len] = '\0';

    return NGX_OK;
}


/* close enough to be a typo: at most two edits, and not a short word */
static ngx_uint_t
ngx_http_proxies_similar(u_char *a, size_t n, u_char *b, size_t m)
{
    ngx_uint_t  d;

    d = ngx_http_proxies_distance(a, n, b, m);

    return d <= 2 && d * 3 < ngx_max(n, m);
}


/* Levenshtein distance, ASCII case-insensitive */
static ngx_uint_t
ngx_http_proxies_distance(u_char *a, size_t n, u_char *b, size_t m)
{
    u_char      ca;
    size_t      i, j;
    ngx_uint_t  row[NGX_HTTP_PROXIES_KEY_MAX + 1], diag, up, best;

    if (n > NGX_HTTP_PROXIES_KEY_MAX || m > NGX_HTTP_PROXIES_KEY_MAX) {
        return NGX_MAX_UINT32_VALUE;
    }

    for (j = 0; j <= m; j++) {
        row[j] = j;
    }

    for (i = 1; i <= n; i++) {
        diag = row[0];
        row[0] = i;
        ca = ngx_tolower(a[i - 1]);

        for (j = 1; j <= m; j++) {
            up = row[j];

            best = diag + (ca != ngx_tolower(b[j - 1]));
            best = ngx_min(best, up + 1);
            best = ngx_min(best, row[j - 1] + 1);

            row[j] = best;
            diag = up;
        }
    }

    return row[m];
}


/* ------------------------------------------------------------- extensions */

/*
 * [extension] "circuitBreaker" and "slots": see docs/resilience.md and
 * docs/blue-green.md.  Only shapes and ranges are checked here; names
 * are resolved across proxies by breaker.c and slots.c.
 */

static ngx_int_t ngx_http_proxies_v_ext_name(ngx_http_proxies_vctx_t *vc,
    const char *name, size_t len, ngx_str_t *dst, size_t max, char *extra);
static ngx_int_t ngx_http_proxies_v_count(ngx_http_proxies_vctx_t *vc,
    json_t *value, ngx_int_t min, ngx_int_t *dst);
static ngx_int_t ngx_http_proxies_v_duration(ngx_http_proxies_vctx_t *vc,
    json_t *value, ngx_msec_t *dst);
static ngx_int_t ngx_http_proxies_v_cb_name(ngx_http_proxies_vctx_t *vc,
    json_t *value);
static ngx_int_t ngx_http_proxies_v_failure_on(ngx_http_proxies_vctx_t *vc,
    json_t *value);
static ngx_int_t ngx_http_proxies_v_fo_connect(ngx_http_proxies_vctx_t *vc,
    json_t *value);
static ngx_int_t ngx_http_proxies_v_fo_timeout(ngx_http_proxies_vctx_t *vc,
    json_t *value);
static ngx_int_t ngx_http_proxies_v_fo_statuses(ngx_http_proxies_vctx_t *vc,
    json_t *value);
static ngx_int_t ngx_http_proxies_v_cb_consecutive(
    ngx_http_proxies_vctx_t *vc, json_t *value);
static ngx_int_t ngx_http_proxies_v_cb_ratio(ngx_http_proxies_vctx_t *vc,
    json_t *value);
static ngx_int_t ngx_http_proxies_v_cb_window(ngx_http_proxies_vctx_t *vc,
    json_t *value);
static ngx_int_t ngx_http_proxies_v_cb_minimum(ngx_http_proxies_vctx_t *vc,
    json_t *value);
static ngx_int_t ngx_http_proxies_v_cb_open_for(ngx_http_proxies_vctx_t *vc,
    json_t *value);
static ngx_int_t ngx_http_proxies_v_cb_probes(ngx_http_proxies_vctx_t *vc,
    json_t *value);
static ngx_int_t ngx_http_proxies_v_fallback(ngx_http_proxies_vctx_t *vc,
    json_t *value);
static ngx_int_t ngx_http_proxies_v_fb_response(ngx_http_proxies_vctx_t *vc,
    json_t *value);
static ngx_int_t ngx_http_proxies_v_fb_status(ngx_http_proxies_vctx_t *vc,
    json_t *value);
static ngx_int_t ngx_http_proxies_v_fb_body(ngx_http_proxies_vctx_t *vc,
    json_t *value);
static ngx_int_t ngx_http_proxies_v_fb_headers(ngx_http_proxies_vctx_t *vc,
    json_t *value);
static ngx_int_t ngx_http_proxies_v_be_uri(ngx_http_proxies_vctx_t *vc,
    json_t *value);
static ngx_int_t ngx_http_proxies_v_be_monolith(ngx_http_proxies_vctx_t *vc,
    json_t *value);
static ngx_int_t ngx_http_proxies_v_sl_group(ngx_http_proxies_vctx_t *vc,
    json_t *value);
static ngx_int_t ngx_http_proxies_v_sl_active(ngx_http_proxies_vctx_t *vc,
    json_t *value);
static ngx_int_t ngx_http_proxies_v_sl_backends(ngx_http_proxies_vctx_t *vc,
    json_t *value);
static ngx_int_t ngx_http_proxies_v_sl_weights(ngx_http_proxies_vctx_t *vc,
    json_t *value);
static ngx_int_t ngx_http_proxies_v_sl_sticky(ngx_http_proxies_vctx_t *vc,
    json_t *value);
static ngx_int_t ngx_http_proxies_v_sl_check(ngx_http_proxies_vctx_t *vc,
    ngx_http_proxies_slots_model_t *sm);
static ngx_http_proxies_backend_model_t *ngx_http_proxies_slot_find(
    ngx_http_proxies_slots_model_t *sm, ngx_str_t *name);


static ngx_http_proxies_vmember_t  ngx_http_proxies_breaker_members[] = {

    { ngx_string("name"),
      NGX_HTTP_PROXIES_J_STRING,
      0,
      ngx_http_proxies_v_cb_name },

    { ngx_string("failureOn"),
      NGX_HTTP_PROXIES_J_OBJECT,
      0,
      ngx_http_proxies_v_failure_on },

    { ngx_string("consecutiveFailures"),
      NGX_HTTP_PROXIES_J_INTEGER,
      0,
      ngx_http_proxies_v_cb_consecutive },

    { ngx_string("failureRatio"),
      NGX_HTTP_PROXIES_J_INTEGER|NGX_HTTP_PROXIES_J_REAL,
      0,
      ngx_http_proxies_v_cb_ratio },

    { ngx_string("window"),
      NGX_HTTP_PROXIES_J_STRING,
      0,
      ngx_http_proxies_v_cb_window },

    { ngx_string("minimumRequests"),
      NGX_HTTP_PROXIES_J_INTEGER,
      0,
      ngx_http_proxies_v_cb_minimum },

    { ngx_string("openFor"),
      NGX_HTTP_PROXIES_J_STRING,
      0,
      ngx_http_proxies_v_cb_open_for },

    { ngx_string("halfOpenProbes"),
      NGX_HTTP_PROXIES_J_INTEGER,
      0,
      ngx_http_proxies_v_cb_probes },

    { ngx_string("fallback"),
      NGX_HTTP_PROXIES_J_OBJECT,
      0,
      ngx_http_proxies_v_fallback },

    { ngx_null_string, 0, 0, NULL }
};


static ngx_http_proxies_vmember_t  ngx_http_proxies_failure_members[] = {

    { ngx_string("connectError"),
      NGX_HTTP_PROXIES_J_BOOLEAN,
      0,
      ngx_http_proxies_v_fo_connect },

    { ngx_string("timeout"),
      NGX_HTTP_PROXIES_J_BOOLEAN,
      0,
      ngx_http_proxies_v_fo_timeout },

    { ngx_string("statusCodes"),
      NGX_HTTP_PROXIES_J_ARRAY,
      0,
      ngx_http_proxies_v_fo_statuses },

    { ngx_null_string, 0, 0, NULL }
};


static ngx_http_proxies_vmember_t  ngx_http_proxies_fallback_members[] = {

    { ngx_string("backendUri"),
      NGX_HTTP_PROXIES_J_STRING,
      0,
      ngx_http_proxies_v_be_uri },

    { ngx_string("monolith"),
      NGX_HTTP_PROXIES_J_BOOLEAN,
      0,
      ngx_http_proxies_v_be_monolith },

    { ngx_string("response"),
      NGX_HTTP_PROXIES_J_OBJECT,
      0,
      ngx_http_proxies_v_fb_response },

    { ngx_null_string, 0, 0, NULL }
};


static ngx_http_proxies_vmember_t  ngx_http_proxies_fb_response_members[] = {

    { ngx_string("statusCode"),
      NGX_HTTP_PROXIES_J_INTEGER,
      0,
      ngx_http_proxies_v_fb_status },

    { ngx_string("body"),
      NGX_HTTP_PROXIES_J_STRING,
      0,
      ngx_http_proxies_v_fb_body },

    { ngx_string("headers"),
      NGX_HTTP_PROXIES_J_OBJECT,
      0,
      ngx_http_proxies_v_fb_headers },

    { ngx_null_string, 0, 0, NULL }
};


static ngx_http_proxies_vmember_t  ngx_http_proxies_slots_members[] = {

    { ngx_string("group"),
      NGX_HTTP_PROXIES_J_STRING,
      0,
      ngx_http_proxies_v_sl_group },

    { ngx_string("active"),
      NGX_HTTP_PROXIES_J_STRING,
      NGX_HTTP_PROXIES_REQUIRED,
      ngx_http_proxies_v_sl_active },

    { ngx_string("backends"),
      NGX_HTTP_PROXIES_J_OBJECT,
      NGX_HTTP_PROXIES_REQUIRED,
      ngx_http_proxies_v_sl_backends },

    { ngx_string("weights"),
      NGX_HTTP_PROXIES_J_OBJECT,
      0,
      ngx_http_proxies_v_sl_weights },

    { ngx_string("sticky"),
      NGX_HTTP_PROXIES_J_STRING,
      0,
      ngx_http_proxies_v_sl_sticky },

    { ngx_null_string, 0, 0, NULL }
};


static ngx_http_proxies_vmember_t  ngx_http_proxies_slot_members[] = {

    { ngx_string("backendUri"),
      NGX_HTTP_PROXIES_J_STRING,
      NGX_HTTP_PROXIES_REQUIRED,
      ngx_http_proxies_v_be_uri },

    { ngx_string("monolith"),
      NGX_HTTP_PROXIES_J_BOOLEAN,
      0,
      ngx_http_proxies_v_be_monolith },

    { ngx_null_string, 0, 0, NULL }
};


static ngx_int_t
ngx_http_proxies_v_breaker(ngx_http_proxies_vctx_t *vc, json_t *value)
{
    size_t                             len;
    json_t                            *item;
    const char                        *key;
    ngx_http_proxies_breaker_model_t  *bm;

    bm = ngx_pcalloc(vc->cc.pool, sizeof(ngx_http_proxies_breaker_model_t));
    if (bm == NULL) {
        return NGX_ERROR;
    }

    bm->connect_error = -1;
    bm->timeout = -1;
    bm->consecutive = -1;
    bm->ratio = -1;
    bm->window = NGX_CONF_UNSET_MSEC;
    bm->minimum = -1;
    bm->open_for = NGX_CONF_UNSET_MSEC;
    bm->probes = -1;

    if (ngx_array_init(&bm->fb_headers, vc->cc.pool, 2,
                       sizeof(ngx_http_proxies_ext_header_t))
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    vc->ext = bm;
    vc->backend = &bm->fallback;

    if (ngx_http_proxies_vobject(vc, value, ngx_http_proxies_breaker_members)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    /* a breaker named by several proxies is configured by one of them */
    json_object_keylen_foreach(value, key, len, item) {
        if ((len != 4 || ngx_strncasecmp((u_char *) key, (u_char *) "name", 4)
                         != 0)
            && (len != 8
                || ngx_strncasecmp((u_char *) key, (u_char *) "fallback", 8)
                   != 0))
        {
            bm->settings++;
        }
    }

    vc->model->breaker = bm;

    return NGX_OK;
}


static ngx_int_t
ngx_http_proxies_v_cb_name(ngx_http_proxies_vctx_t *vc, json_t *value)
{
    ngx_http_proxies_breaker_model_t  *bm = vc->ext;

    return ngx_http_proxies_v_ext_name(vc, json_string_value(value),
                                       json_string_length(value), &bm->name,
                                       NGX_HTTP_PROXIES_EXT_NAME_LEN - 1,
                                       ".");
}


/* names of breakers, groups and slots appear in URLs of the admin API */
static ngx_int_t
ngx_http_proxies_v_ext_name(ngx_http_proxies_vctx_t *vc, const char *name,
    size_t len, ngx_str_t *dst, size_t max, char *extra)
{
    u_char  *p, *end, c;

    dst->len = len;
    dst->data = ngx_pnalloc(vc->cc.pool, len + 1);
    if (dst->data == NULL) {
        return NGX_ERROR;
    }

    ngx_cpystrn(dst->data, (u_char *) name, len + 1);

    for (p = dst->data, end = p + dst->len; p < end; p++) {
        c = *p;

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9') || c == '_' || c == '-'
              || (c && ngx_strchr(extra, c))))
        {
            break;
        }
    }

    if (dst->len == 0 || dst->len > max || p != end) {
        return ngx_http_proxies_cc_error(&vc->cc,
                   "\"%V\" is not a valid name; expected 1 to %uz of "
                   "A-Z, a-z, 0-9, \"_\", \"-\"%s", dst, max,
                   *extra ? " and \".\"" : "");
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_proxies_v_failure_on(ngx_http_proxies_vctx_t *vc, json_t *value)
{
    return ngx_http_proxies_vobject(vc, value,
                                    ngx_http_proxies_failure_members);
}


static ngx_int_t
ngx_http_proxies_v_fo_connect(ngx_http_proxies_vctx_t *vc, json_t *value)
{
    ngx_http_proxies_breaker_model_t  *bm = vc->ext;

    bm->connect_error = json_is_true(value);
    return NGX_OK;
}


static ngx_int_t
ngx_http_proxies_v_fo_timeout(ngx_http_proxies_vctx_t *vc, json_t *value)
{
    ngx_http_proxies_breaker_model_t  *bm = vc->ext;

    bm->timeout = json_is_true(value);
    return NGX_OK;
}


static ngx_int_t
ngx_http_proxies_v_fo_statuses(ngx_http_proxies_vctx_t *vc, json_t *value)
{
    size_t                             i, saved;
    json_t                            *item;
    ngx_uint_t                        *status;
    json_int_t                         n;
    ngx_http_proxies_breaker_model_t  *bm = vc->ext;

    bm->statuses = ngx_array_create(vc->cc.pool, json_array_size(value) + 1,
                                    sizeof(ngx_uint_t));
    if (bm->statuses == NULL) {
        return NGX_ERROR;
    }

    json_array_foreach(value, i, item) {
        saved = ngx_http_proxies_path_push(vc, "[%uz]", i);

        if (ngx_http_proxies_vtype(vc, item, NGX_HTTP_PROXIES_J_INTEGER)
            != NGX_OK)
        {
            return NGX_ERROR;
        }

        n = json_integer_value(item);

        if (n < 100 || n > 599) {
            return ngx_http_proxies_cc_error(&vc->cc,
                       "status code %L is out of range; expected an "
                       "integer from 100 to 599", (int64_t) n);
        }

        status = ngx_array_push(bm->statuses);
        if (status == NULL) {
            return NGX_ERROR;
        }

        *status = (ngx_uint_t) n;

        ngx_http_proxies_path_pop(vc, saved);
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_proxies_v_count(ngx_http_proxies_vctx_t *vc, json_t *value,
    ngx_int_t min, ngx_int_t *dst)
{
    json_int_t  n;

    n = json_integer_value(value);

    if (n < min || n > 1000000) {
        return ngx_http_proxies_cc_error(&vc->cc,
                   "%L is out of range; expected an integer from %i "
                   "to 1000000", (int64_t) n, min);
    }

    *dst = (ngx_int_t) n;

    return NGX_OK;
}


static ngx_int_t
ngx_http_proxies_v_duration(ngx_http_proxies_vctx_t *vc, json_t *value,
    ngx_msec_t *dst)
{
    ngx_str_t  s;
    ngx_int_t  ms;

    s.data = (u_char *) json_string_value(value);
    s.len = json_string_length(value);

    ms = ngx_parse_time(&s, 0);

    if (ms == NGX_ERROR || ms == 0) {
        return ngx_http_proxies_cc_error(&vc->cc,
                   "\"%V\" is not a duration; expected nginx's time "
                   "syntax, such as \"30s\", \"500ms\" or \"1m\"", &s);
    }

    *dst = (ngx_msec_t) ms;

    return NGX_OK;
}


static ngx_int_t
ngx_http_proxies_v_cb_consecutive(ngx_http_proxies_vctx_t *vc, json_t *value)
{
    ngx_http_proxies_breaker_model_t  *bm = vc->ext;

    /* 0: only the ratio opens the breaker */
    return ngx_http_proxies_v_count(vc, value, 0, &bm->consecutive);
}


static ngx_int_t
ngx_http_proxies_v_cb_ratio(ngx_http_proxies_vctx_t *vc, json_t *value)
{
    double                             r;
    ngx_http_proxies_breaker_model_t  *bm = vc->ext;

    r = json_number_value(value);

    if (r <= 0 || r > 1) {
        return ngx_http_proxies_cc_error(&vc->cc,
                   "must be a number above 0 and at most 1, such as 0.5");
    }

    bm->ratio = (ngx_int_t) (r * 100 + 0.5);

    if (bm->ratio == 0) {
        bm->ratio = 1;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_proxies_v_cb_window(ngx_http_proxies_vctx_t *vc, json_t *value)
{
    ngx_http_proxies_breaker_model_t  *bm = vc->ext;

    return ngx_http_proxies_v_duration(vc, value, &bm->window);
}


static ngx_int_t
ngx_http_proxies_v_cb_minimum(ngx_http_proxies_vctx_t *vc, json_t *value)
{
    ngx_http_proxies_breaker_model_t  *bm = vc->ext;

    return ngx_http_proxies_v_count(vc, value, 1, &bm->minimum);
}


static ngx_int_t
ngx_http_proxies_v_cb_open_for(ngx_http_proxies_vctx_t *vc, json_t *value)
{
    ngx_http_proxies_breaker_model_t  *bm = vc->ext;

    return ngx_http_proxies_v_duration(vc, value, &bm->open_for);
}


static ngx_int_t
ngx_http_proxies_v_cb_probes(ngx_http_proxies_vctx_t *vc, json_t *value)
{
    ngx_http_proxies_breaker_model_t  *bm = vc->ext;

    return ngx_http_proxies_v_count(vc, value, 1, &bm->probes);
}


static ngx_int_t
ngx_http_proxies_v_fallback(ngx_http_proxies_vctx_t *vc, json_t *value)
{
    ngx_http_proxies_breaker_model_t  *bm = vc->ext;

    if (ngx_http_proxies_vobject(vc, value,
                                 ngx_http_proxies_fallback_members)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    if ((bm->fallback.uri.len != 0) == (bm->fb_status != 0)) {
        return ngx_http_proxies_cc_error(&vc->cc,
                   "expected either \"backendUri\" or \"response\"");
    }

    bm->has_fallback = 1;

    return NGX_OK;
}


static ngx_int_t
ngx_http_proxies_v_fb_response(ngx_http_proxies_vctx_t *vc, json_t *value)
{
    ngx_http_proxies_breaker_model_t  *bm = vc->ext;

    bm->fb_status = 503;

    return ngx_http_proxies_vobject(vc, value,
                                    ngx_http_proxies_fb_response_members);
}


static ngx_int_t
ngx_http_proxies_v_fb_status(ngx_http_proxies_vctx_t *vc, json_t *value)
{
    ngx_http_proxies_breaker_model_t  *bm = vc->ext;

    if (ngx_http_proxies_v_count(vc, value, 200, &bm->fb_status) != NGX_OK) {
        return NGX_ERROR;
    }

    if (bm->fb_status > 599) {
        return ngx_http_proxies_cc_error(&vc->cc,
                   "status code %i is out of range; expected an integer "
                   "from 200 to 599", bm->fb_status);
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_proxies_v_fb_body(ngx_http_proxies_vctx_t *vc, json_t *value)
{
    ngx_http_proxies_breaker_model_t  *bm = vc->ext;

    return ngx_http_proxies_copy(vc, value, &bm->fb_body);
}


static ngx_int_t
ngx_http_proxies_v_fb_headers(ngx_http_proxies_vctx_t *vc, json_t *value)
{
    size_t                              len, saved;
    json_t                             *item;
    const char                         *key;
    ngx_http_proxies_ext_header_t      *h;
    ngx_http_proxies_breaker_model_t   *bm = vc->ext;

    json_object_keylen_foreach(value, key, len, item) {
        saved = ngx_http_proxies_path_push(vc, ".%s", key);

        if (ngx_http_proxies_vtype(vc, item, NGX_HTTP_PROXIES_J_STRING)
            != NGX_OK)
        {
            return NGX_ERROR;
        }

        h = ngx_array_push(&bm->fb_headers);
        if (h == NULL) {
            return NGX_ERROR;
        }

        h->name.data = (u_char *) key;
        h->name.len = len;

        if (len == 0 || ngx_http_proxies_is_token(&h->name) != NGX_OK) {
            return ngx_http_proxies_cc_error(&vc->cc,
                       "not a header name: expected an RFC 7230 token");
        }

        if (ngx_http_proxies_copy(vc, item, &h->value) != NGX_OK) {
            return NGX_ERROR;
        }

        /* jansson owns the key; the name must outlive it */
        h->name.data = ngx_pstrdup(vc->cc.pool, &h->name);
        if (h->name.data == NULL) {
            return NGX_ERROR;
        }

        ngx_http_proxies_path_pop(vc, saved);
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_proxies_v_be_uri(ngx_http_proxies_vctx_t *vc, json_t *value)
{
    if (json_string_length(value) == 0) {
        return ngx_http_proxies_cc_error(&vc->cc,
                   "must not be empty; expected an http:// or https:// "
                   "URL, or \"function:NAME\"");
    }

    return ngx_http_proxies_copy(vc, value, &vc->backend->uri);
}


static ngx_int_t
ngx_http_proxies_v_be_monolith(ngx_http_proxies_vctx_t *vc, json_t *value)
{
    vc->backend->monolith = json_is_true(value);
    return NGX_OK;
}


static ngx_int_t
ngx_http_proxies_v_slots(ngx_http_proxies_vctx_t *vc, json_t *value)
{
    ngx_http_proxies_slots_model_t  *sm;

    sm = ngx_pcalloc(vc->cc.pool, sizeof(ngx_http_proxies_slots_model_t));
    if (sm == NULL) {
        return NGX_ERROR;
    }

    if (ngx_array_init(&sm->backends, vc->cc.pool, 2,
                       sizeof(ngx_http_proxies_backend_model_t))
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    vc->ext = sm;

    if (ngx_http_proxies_vobject(vc, value, ngx_http_proxies_slots_members)
        != NGX_OK
        || ngx_http_proxies_v_sl_check(vc, sm) != NGX_OK)
    {
        return NGX_ERROR;
    }

    vc->model->slots = sm;

    return NGX_OK;
}


static ngx_int_t
ngx_http_proxies_v_sl_group(ngx_http_proxies_vctx_t *vc, json_t *value)
{
    ngx_http_proxies_slots_model_t  *sm = vc->ext;

    return ngx_http_proxies_v_ext_name(vc, json_string_value(value),
                                       json_string_length(value), &sm->group,
                                       NGX_HTTP_PROXIES_EXT_NAME_LEN - 1,
                                       ".");
}


static ngx_int_t
ngx_http_proxies_v_sl_active(ngx_http_proxies_vctx_t *vc, json_t *value)
{
    ngx_http_proxies_slots_model_t  *sm = vc->ext;

    return ngx_http_proxies_copy(vc, value, &sm->active);
}


/* "blue": "http://..." or "blue": {"backendUri": "...", "monolith": true} */
static ngx_int_t
ngx_http_proxies_v_sl_backends(ngx_http_proxies_vctx_t *vc, json_t *value)
{
    size_t                             len, saved;
    json_t                            *item;
    const char                        *key;
    ngx_http_proxies_slots_model_t    *sm = vc->ext;
    ngx_http_proxies_backend_model_t  *be;

    if (json_object_size(value) == 0
        || json_object_size(value) > NGX_HTTP_PROXIES_SLOTS_MAX)
    {
        return ngx_http_proxies_cc_error(&vc->cc,
                   "must name 1 to %d slots", NGX_HTTP_PROXIES_SLOTS_MAX);
    }

    json_object_keylen_foreach(value, key, len, item) {
        saved = ngx_http_proxies_path_push(vc, ".%s", key);

        be = ngx_array_push(&sm->backends);
        if (be == NULL) {
            return NGX_ERROR;
        }

        ngx_memzero(be, sizeof(ngx_http_proxies_backend_model_t));

        if (ngx_http_proxies_v_ext_name(vc, key, len, &be->name,
                                        NGX_HTTP_PROXIES_SLOT_NAME_LEN - 1,
                                        "")
            != NGX_OK)
        {
            return NGX_ERROR;
        }

        if (ngx_http_proxies_vtype(vc, item, NGX_HTTP_PROXIES_J_STRING
                                             |NGX_HTTP_PROXIES_J_OBJECT)
            != NGX_OK)
        {
            return NGX_ERROR;
        }

        vc->backend = be;

        if (json_is_string(item)) {
            if (ngx_http_proxies_v_be_uri(vc, item) != NGX_OK) {
                return NGX_ERROR;
            }

        } else if (ngx_http_proxies_vobject(vc, item,
                                            ngx_http_proxies_slot_members)
                   != NGX_OK)
        {
            return NGX_ERROR;
        }

        ngx_http_proxies_path_pop(vc, saved);
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_proxies_v_sl_weights(ngx_http_proxies_vctx_t *vc, json_t *value)
{
    size_t                            len, saved;
    json_t                           *item;
    ngx_int_t                         n;
    const char                       *key;
    ngx_http_proxies_slots_model_t   *sm = vc->ext;

    n = 0;
    ngx_http_proxies_weight_model_t  *w;

    sm->weights = ngx_array_create(vc->cc.pool, 2,
                                   sizeof(ngx_http_proxies_weight_model_t));
    if (sm->weights == NULL) {
        return NGX_ERROR;
    }

    json_object_keylen_foreach(value, key, len, item) {
        saved = ngx_http_proxies_path_push(vc, ".%s", key);

        if (ngx_http_proxies_vtype(vc, item, NGX_HTTP_PROXIES_J_INTEGER)
            != NGX_OK
            || ngx_http_proxies_v_count(vc, item, 0, &n) != NGX_OK)
        {
            return NGX_ERROR;
        }

        w = ngx_array_push(sm->weights);
        if (w == NULL) {
            return NGX_ERROR;
        }

        w->name.len = len;
        w->name.data = ngx_pnalloc(vc->cc.pool, len);
        if (w->name.data == NULL) {
            return NGX_ERROR;
        }

        ngx_memcpy(w->name.data, key, len);
        w->weight = n;

        ngx_http_proxies_path_pop(vc, saved);
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_proxies_v_sl_sticky(ngx_http_proxies_vctx_t *vc, json_t *value)
{
    ngx_str_t                        name;
    ngx_http_proxies_slots_model_t  *sm = vc->ext;

    if (ngx_http_proxies_copy(vc, value, &sm->sticky) != NGX_OK) {
        return NGX_ERROR;
    }

    name = sm->sticky;

    if (name.len > 7 && ngx_strncmp(name.data, "header:", 7) == 0) {
        name.data += 7;
        name.len -= 7;

    } else if (name.len > 7 && ngx_strncmp(name.data, "cookie:", 7) == 0) {
        name.data += 7;
        name.len -= 7;

    } else {
        name.len = 0;
    }

    if (name.len == 0 || ngx_http_proxies_is_token(&name) != NGX_OK) {
        return ngx_http_proxies_cc_error(&vc->cc,
                   "\"%V\" is not a sticky key; expected \"header:NAME\" "
                   "or \"cookie:NAME\"", &sm->sticky);
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_proxies_v_sl_check(ngx_http_proxies_vctx_t *vc,
    ngx_http_proxies_slots_model_t *sm)
{
    size_t                            saved;
    ngx_uint_t                        i, sum;
    ngx_http_proxies_weight_model_t  *w;

    saved = ngx_http_proxies_path_push(vc, ".active");

    if (ngx_http_proxies_slot_find(sm, &sm->active) == NULL) {
        return ngx_http_proxies_cc_error(&vc->cc,
                   "\"%V\" is not one of the slots in \"backends\"",
                   &sm->active);
    }

    ngx_http_proxies_path_pop(vc, saved);

    if (sm->weights == NULL) {
        if (sm->sticky.len) {
            (void) ngx_http_proxies_path_push(vc, ".sticky");
            return ngx_http_proxies_cc_error(&vc->cc,
                       "only applies to a split by \"weights\"");
        }

        return NGX_OK;
    }

    w = sm->weights->elts;
    sum = 0;

    for (i = 0; i < sm->weights->nelts; i++) {
        saved = ngx_http_proxies_path_push(vc, ".weights.%V", &w[i].name);

        if (ngx_http_proxies_slot_find(sm, &w[i].name) == NULL) {
            return ngx_http_proxies_cc_error(&vc->cc,
                       "\"%V\" is not one of the slots in \"backends\"",
                       &w[i].name);
        }

        ngx_http_proxies_path_pop(vc, saved);
        sum += w[i].weight;
    }

    if (sum == 0) {
        (void) ngx_http_proxies_path_push(vc, ".weights");
        return ngx_http_proxies_cc_error(&vc->cc,
                   "the weights add up to 0; expected at least one above 0");
    }

    return NGX_OK;
}


static ngx_http_proxies_backend_model_t *
ngx_http_proxies_slot_find(ngx_http_proxies_slots_model_t *sm,
    ngx_str_t *name)
{
    ngx_uint_t                         i;
    ngx_http_proxies_backend_model_t  *be;

    be = sm->backends.elts;

    for (i = 0; i < sm->backends.nelts; i++) {
        if (be[i].name.len == name->len
            && ngx_strncmp(be[i].name.data, name->data, name->len) == 0)
        {
            return &be[i];
        }
    }

    return NULL;
}
