
/*
 * ngx_proxies unit tests: value templates (template.c): compiling
 * "{variable}", "{{", "\\" and "%SETTING%" into parts, escaping for each
 * destination, and evaluating route parameters and query arguments.
 */


#include "ngx_unit.h"


typedef struct {
    char                         *src;
    ngx_uint_t                    where;
    ngx_uint_t                    escape;
    char                         *parts;      /* see ngx_unit_tpl_show() */
    char                         *warning;    /* NULL: none */
} ngx_unit_tpl_case_t;


typedef struct {
    char                         *src;
    size_t                        len;        /* 0: strlen(src) */
    ngx_uint_t                    escape;
    char                         *out;
} ngx_unit_esc_case_t;


#define REQ    NGX_HTTP_PROXIES_CTX_REQUEST
#define RESP   NGX_HTTP_PROXIES_CTX_RESPONSE
#define RAW    NGX_HTTP_PROXIES_ESC_RAW
#define HDR    NGX_HTTP_PROXIES_ESC_HEADER
#define PATH   NGX_HTTP_PROXIES_ESC_PATH
#define QUERY  NGX_HTTP_PROXIES_ESC_QUERY
#define JSON   NGX_HTTP_PROXIES_ESC_JSON


/* compiled against the route "/a/{id}/{*Rest}", with MONOLITH set */
static ngx_unit_tpl_case_t  ngx_unit_tpls[] = {
    { "plain text", REQ, RAW, "'plain text'", NULL },
    { "", REQ, RAW, "", NULL },
    { "http://x/{id}/{rest}", REQ, PATH, "'http://x/' p0 '/' p1", NULL },
    { "{ID}", REQ, PATH, "p0", NULL },
    { "{{id}} {{ }}", REQ, RAW, "'{id} { }'", NULL },
    { "{{{id}}}", REQ, RAW, "'{' p0 '}'", NULL },
    { "a\\\"b\\\\c", REQ, RAW, "'a\"b\\c'", NULL },
    { "a\\nb", REQ, RAW, "'a\\nb'", "\"\\n\" is kept as written" },
    { "ab\\", REQ, RAW, "'ab\\'", "a trailing \"\\\" is kept" },
    { "{request.method}", REQ, RAW, "method", NULL },
    { "{request.headers.X-Foo}", REQ, HDR, "header:x-foo", NULL },
    { "{Request.QueryString.Q}", REQ, QUERY, "query:q", NULL },
    { "{backend.response.statusCode}", RESP, RAW, "bestatus", NULL },
    { "{backend.response.headers.ETag}", RESP, RAW, "beheader:etag",
      NULL },
    { "{backend.response.statusCode}", REQ, RAW, "",
      "has no value before the backend is called" },
    { "{nope}", REQ, RAW, "", "\"{nope}\" is not a parameter of the route" },
    { "{request.header.x-a}", REQ, RAW, "",
      "did you mean \"{request.headers.x-a}\"?" },
    { "{request.nope}", REQ, RAW, "",
      "unknown variable \"{request.nope}\" is replaced" },
    { "{request.headers.}", REQ, RAW, "",
      "unknown variable \"{request.headers.}\"" },
    { "{ id }{}{id x}", REQ, RAW, "'{ id }{}{id x}'", NULL },
    { "{id", REQ, RAW, "'{id'", NULL },
    { "%MONOLITH%/x", REQ, PATH, "'127.0.0.1:8081/x'", NULL },
    { "%MONOLITH%%MONOLITH%", REQ, RAW, "'127.0.0.1:8081127.0.0.1:8081'",
      NULL },
    { "caf%C3%A9%20x%", REQ, PATH, "'caf%C3%A9%20x%'", NULL },
    { "%UNDEFINED_SETTING%", REQ, RAW, "'%UNDEFINED_SETTING%'",
      "app setting \"UNDEFINED_SETTING\" is not defined" },
    { "a\r\nb\x01", REQ, HDR, "'ab\x01'",
      "CR, LF and NUL characters are removed" },
    { "a b&c=d/{id}", REQ, QUERY, "'a%20b%26c%3Dd%2F' p0", NULL },
    { NULL, 0, 0, NULL, NULL }
};


static ngx_unit_esc_case_t  ngx_unit_escs[] = {
    { "a b\"\\", 0, RAW, "a b\"\\" },
    { "a\r\nb\0c", 6, HDR, "abc" },
    { "a/b c%~-._!$&'()*+,;=:@", 0, PATH,
      "a%2Fb%20c%25~-._!$&'()*+,;=:@" },
    { "a/b c&=+~", 0, QUERY, "a%2Fb%20c%26%3D%2B~" },
    { "\"\\\b\f\n\r\t\x01\x1f\x7f", 0, JSON,
      "\\\"\\\\\\b\\f\\n\\r\\t\\u0001\\u001F\x7f" },
    { "caf\xc3\xa9", 0, PATH, "caf%C3%A9" },
    { NULL, 0, 0, NULL }
};


static void ngx_unit_tpl_case(ngx_unit_tpl_case_t *t);
static void ngx_unit_tpl_show(ngx_http_proxies_tpl_t *tpl, ngx_str_t *out,
    u_char *buf);
static void ngx_unit_tpl_escape(void);
static void ngx_unit_tpl_eval(void);
static void ngx_unit_tpl_args(void);
static void ngx_unit_tpl_reason(void);


void
ngx_unit_template_suite(void)
{
    ngx_unit_tpl_case_t  *t;

    for (t = ngx_unit_tpls; t->src; t++) {
        ngx_unit_tpl_case(t);
    }

    ngx_unit_tpl_escape();
    ngx_unit_tpl_eval();
    ngx_unit_tpl_args();
    ngx_unit_tpl_reason();
}


static void
ngx_unit_tpl_case(ngx_unit_tpl_case_t *t)
{
    u_char                    buf[NGX_UNIT_MSG_LEN];
    ngx_int_t                 rc;
    ngx_str_t                 src, shown;
    ngx_uint_t                warns;
    ngx_unit_env_t           *env;
    ngx_http_proxies_tpl_t    tpl;
    ngx_http_proxies_route_t  route;

    env = ngx_unit_env_create();

    (void) ngx_unit_setting(env, "MONOLITH", "127.0.0.1:8081");
    (void) ngx_unit_route(env, "/a/{id}/{*Rest}", &route);

    env->cc.route = &route;
    env->model.has_backend = 1;

    src.data = (u_char *) t->src;
    src.len = ngx_strlen(t->src);

    warns = ngx_unit_nwarnings;
    ngx_unit_warning[0] = '\0';

    rc = ngx_http_proxies_tpl_compile(&env->cc, &src, t->where, t->escape,
                                      &tpl);

    if (!ngx_unit_ok(rc == NGX_OK, "template \"%s\" compiles", t->src)) {
        ngx_unit_env_destroy(env);
        return;
    }

    ngx_unit_tpl_show(&tpl, &shown, buf);
    ngx_unit_is(&shown, t->parts, "template \"%s\": parts", t->src);

    if (t->warning) {
        ngx_unit_ok(ngx_unit_nwarnings == warns + 1
                    && ngx_strstr(ngx_unit_warning, t->warning),
                    "template \"%s\": warns %s", t->src, t->warning);

    } else {
        ngx_unit_ok(ngx_unit_nwarnings == warns,
                    "template \"%s\": no warning", t->src);
    }

    if (ngx_unit_nwarnings != warns + (t->warning != NULL)) {
        ngx_unit_diag("  warning: %s", ngx_unit_warning);
    }

    ngx_unit_ok(tpl.is_literal == (tpl.nparts == 0
                                   || (tpl.nparts == 1
                                       && tpl.parts[0].kind
                                          == NGX_HTTP_PROXIES_TP_LITERAL)),
                "template \"%s\": is_literal", t->src);

    ngx_unit_env_destroy(env);
}


/* 'literal' pN method header:NAME query:NAME bestatus beheader:NAME */

static void
ngx_unit_tpl_show(ngx_http_proxies_tpl_t *tpl, ngx_str_t *out, u_char *buf)
{
    u_char                    *p, *last;
    ngx_uint_t                 i;
    ngx_http_proxies_tpart_t  *part;

    p = buf;
    last = buf + NGX_UNIT_MSG_LEN;

    for (i = 0; i < tpl->nparts; i++) {
        part = &tpl->parts[i];

        if (i) {
            p = ngx_slprintf(p, last, " ");
        }

        switch (part->kind) {

        case NGX_HTTP_PROXIES_TP_LITERAL:
            p = ngx_slprintf(p, last, "'%V'", &part->text);
            break;

        case NGX_HTTP_PROXIES_TP_PARAM:
            p = ngx_slprintf(p, last, "p%ui", part->param);
            break;

        case NGX_HTTP_PROXIES_TP_METHOD:
            p = ngx_slprintf(p, last, "method");
            break;

        case NGX_HTTP_PROXIES_TP_REQ_HEADER:
            p = ngx_slprintf(p, last, "header:%V", &part->text);

            if (part->hash != ngx_hash_key_lc(part->text.data,
                                              part->text.len))
            {
                p = ngx_slprintf(p, last, "(bad hash)");
            }

            break;

        case NGX_HTTP_PROXIES_TP_REQ_QUERY:
            p = ngx_slprintf(p, last, "query:%V", &part->text);
            break;

        case NGX_HTTP_PROXIES_TP_BE_STATUS:
            p = ngx_slprintf(p, last, "bestatus");
            break;

        case NGX_HTTP_PROXIES_TP_BE_HEADER:
            p = ngx_slprintf(p, last, "beheader:%V", &part->text);
            break;

        default:
            p = ngx_slprintf(p, last, "kind%ui", (ngx_uint_t) part->kind);
            break;
        }
    }

    out->data = buf;
    out->len = p - buf;
}


static void
ngx_unit_tpl_escape(void)
{
    u_char               *buf;
    size_t                len, n;
    ngx_str_t             out;
    ngx_unit_esc_case_t  *e;

    for (e = ngx_unit_escs; e->src; e++) {

        len = e->len ? e->len : ngx_strlen(e->src);

        n = ngx_http_proxies_escape(NULL, (u_char *) e->src, len, e->escape,
                                    0);
        buf = malloc(n + 1);
        if (buf == NULL) {
            return;
        }

        out.data = buf;
        out.len = ngx_http_proxies_escape(buf, (u_char *) e->src, len,
                                          e->escape, 0);

        ngx_unit_ok(out.len == n, "escape %ui: the length computed first "
                    "is the length written", e->escape);
        ngx_unit_is(&out, e->out, "escape %ui of \"%s\"", e->escape,
                    e->src);

        free(buf);
    }
}


/*
 * Route parameters keep the client's encoding in a path ("%2F" stays,
 * unless slashes are decoded), and go decoded and re-encoded elsewhere.
 */

static void
ngx_unit_tpl_eval(void)
{
    ngx_str_t                    src, out;
    ngx_unit_env_t              *env;
    ngx_http_proxies_tpl_t       path, query, body;
    ngx_http_proxies_eval_t      ev;
    ngx_http_proxies_match_t     m;
    ngx_http_proxies_capture_t  *cap;

    env = ngx_unit_env_create();

    if (ngx_unit_add(env, "/a/{id}/{*rest}", NULL) != NGX_OK
        || ngx_unit_build(env) != NGX_OK)
    {
        ngx_unit_ok(0, "eval: the table builds");
        ngx_unit_env_destroy(env);
        return;
    }

    (void) ngx_unit_match(env, "GET", (u_char *) "/a/x%2Fy%20z/c/%2e%2E/b/",
                          sizeof("/a/x%2Fy%20z/c/%2e%2E/b/") - 1, &m);

    cap = ngx_unit_capture(&m, "id");

    if (!ngx_unit_ok(cap != NULL, "eval: the route matches")) {
        ngx_unit_env_destroy(env);
        return;
    }

    ngx_unit_is(&cap->raw, "x%2Fy%20z", "eval: raw capture");
    ngx_unit_is(&cap->value, "x/y z", "eval: decoded capture");
    ngx_unit_is(&ngx_unit_capture(&m, "rest")->raw, "b/",
                "eval: \"%%2e%%2E\" is resolved before the catch-all");

    env->cc.route = &env->table.proxies[0].route;

    ngx_str_set(&src, "/v2/{id}/{rest}");
    (void) ngx_http_proxies_tpl_compile(&env->cc, &src, REQ, PATH, &path);
    ngx_str_set(&src, "{id}&{rest}");
    (void) ngx_http_proxies_tpl_compile(&env->cc, &src, REQ, QUERY, &query);
    ngx_str_set(&src, "[{id}]");
    (void) ngx_http_proxies_tpl_compile(&env->cc, &src, RESP, RAW, &body);

    ngx_memzero(&ev, sizeof(ngx_http_proxies_eval_t));
    ev.r = &env->request;
    ev.match = &m;

    if (ngx_http_proxies_tpl_eval(&ev, &path, &out) == NGX_OK) {
        ngx_unit_is(&out, "/v2/x%2Fy%20z/b/", "eval: path");
    }

    ev.decode_slashes = 1;

    if (ngx_http_proxies_tpl_eval(&ev, &path, &out) == NGX_OK) {
        ngx_unit_is(&out, "/v2/x/y%20z/b/", "eval: path, slashes decoded");
    }

    if (ngx_http_proxies_tpl_eval(&ev, &query, &out) == NGX_OK) {
        ngx_unit_is(&out, "x%2Fy%20z%26b%2F", "eval: query");
    }

    if (ngx_http_proxies_tpl_eval(&ev, &body, &out) == NGX_OK) {
        ngx_unit_is(&out, "[x/y z]", "eval: body");
    }

    ev.match = NULL;

    if (ngx_http_proxies_tpl_eval(&ev, &path, &out) == NGX_OK) {
        ngx_unit_is(&out, "/v2//", "eval: no match, empty parameters");
    }

    ngx_unit_env_destroy(env);
}


static void
ngx_unit_tpl_args(void)
{
    ngx_str_t        args, name, value;
    ngx_unit_env_t  *env;

    env = ngx_unit_env_create();

    ngx_str_set(&args, "a=1&Q=x+y&b&q=%41%2&%71=z&qq=no&q");
    ngx_str_set(&name, "q");

    if (ngx_http_proxies_arg_get(env->pool, &args, &name, &value) == NGX_OK)
    {
        ngx_unit_is(&value, "x y,A%2,z,",
                    "query: every \"q\", any case, form-decoded");
    }

    ngx_str_set(&name, "b");

    if (ngx_http_proxies_arg_get(env->pool, &args, &name, &value) == NGX_OK)
    {
        ngx_unit_is(&value, "", "query: a name without a value");
    }

    ngx_str_set(&name, "none");

    if (ngx_http_proxies_arg_get(env->pool, &args, &name, &value) == NGX_OK)
    {
        ngx_unit_is(&value, "", "query: an absent name");
    }

    /* a request without "?": r->args has no data (clang's UBSan) */
    ngx_str_null(&args);
    ngx_str_set(&name, "q");

    if (ngx_http_proxies_arg_get(env->pool, &args, &name, &value) == NGX_OK)
    {
        ngx_unit_is(&value, "", "query: none at all");
    }

    ngx_str_set(&name, "a b");

    ngx_unit_ok(ngx_http_proxies_arg_name_eq((u_char *) "A+%62", 5, &name),
                "query: names compare form-decoded, ignoring case");
    ngx_unit_ok(!ngx_http_proxies_arg_name_eq((u_char *) "a+", 2, &name),
                "query: a prefix is not the name");

    ngx_unit_env_destroy(env);
}


/*
 * The backend's reason phrase: from its status line, else nginx's.  No
 * status line means NULL data, and an empty capture too: neither may be
 * offset, even by zero (clang's UBSan, fuzz/ngx_fuzz_template.c).
 */

static void
ngx_unit_tpl_reason(void)
{
    ngx_str_t                 src, out, empty;
    ngx_unit_env_t           *env;
    ngx_http_proxies_tpl_t    tpl;
    ngx_http_proxies_eval_t   ev;

    env = ngx_unit_env_create();

    env->model.has_backend = 1;
    env->request.pool = env->pool;
    env->request.headers_out.status = 502;

    ngx_str_set(&src, "[{backend.response.statusReason}]");
    (void) ngx_http_proxies_tpl_compile(&env->cc, &src, RESP, RAW, &tpl);

    ngx_memzero(&ev, sizeof(ngx_http_proxies_eval_t));
    ev.r = &env->request;
    ev.has_backend = 1;

    if (ngx_http_proxies_tpl_eval(&ev, &tpl, &out) == NGX_OK) {
        ngx_unit_is(&out, "[Bad Gateway]", "reason: nginx's, without a "
                    "status line");
    }

    ngx_str_set(&env->request.headers_out.status_line, "502 Oops");

    if (ngx_http_proxies_tpl_eval(&ev, &tpl, &out) == NGX_OK) {
        ngx_unit_is(&out, "[Oops]", "reason: the backend's");
    }

    ngx_str_null(&empty);

    ngx_unit_ok(ngx_http_proxies_escape(NULL, empty.data, 0, PATH, 0) == 0
                && ngx_http_proxies_escape(NULL, empty.data, 0, RAW, 0) == 0,
                "escape: an empty value without data");

    ngx_unit_env_destroy(env);
}
