
/*
 * ngx_proxies unit tests: the route table and the matcher (table.c,
 * match.c), with the examples of docs/routing.md: matching, captures,
 * and which proxy wins (section 6 of the behaviour spec).
 */


#include "ngx_unit.h"
#include "ngx_http_proxies_table.h"


#define NGX_UNIT_ROUTES  8


/*
 * routes: "[METHODS ]TEMPLATE", in file order; winner: an index into
 * routes, or -1; captures: "name=value[|raw];..."
 */
typedef struct {
    char                         *routes[NGX_UNIT_ROUTES];
    char                         *method;
    char                         *path;
    ngx_int_t                     rc;
    ngx_int_t                     winner;
    char                         *captures;
} ngx_unit_match_case_t;


static ngx_unit_match_case_t  ngx_unit_matches[] = {

    /* matching a request (docs/routing.md) */
    { { "/a/{id}" }, "GET", "/a/42?x=1", NGX_OK, 0, "id=42" },
    { { "/a/{id}" }, "GET", "/a/1/2", NGX_DECLINED, -1, "" },
    { { "/a/{id}" }, "GET", "/a/", NGX_DECLINED, -1, "" },
    { { "/e/{p}/end" }, "GET", "/e/a%2Fb/end", NGX_OK, 0, "p=a/b|a%2Fb" },
    { { "/e/{p}/end" }, "GET", "/e/a/b/end", NGX_DECLINED, -1, "" },
    { { "/w/{*r}" }, "GET", "/w", NGX_OK, 0, "r=" },
    { { "/w/{*r}" }, "GET", "//w//a///b//", NGX_OK, 0, "r=a/b/" },
    { { "/w/{*r}" }, "GET", "/w/a%20b/c", NGX_OK, 0, "r=a b/c|a%20b/c" },
    { { "/c/{*r}" }, "GET", "/c/x/%2e%2E/y", NGX_OK, 0, "r=y" },
    { { "/c/{*r}" }, "GET", "/c/x/y/z/..", NGX_OK, 0, "r=x/y/" },
    { { "/c/{*r}" }, "GET", "/c/./x/./y/.", NGX_OK, 0, "r=x/y/" },
    { { "/{*r}" }, "GET", "/a/../../b", NGX_HTTP_BAD_REQUEST, -1, "" },
    { { "/{*r}" }, "GET", "/%2E%2e", NGX_HTTP_BAD_REQUEST, -1, "" },
    { { "/{*r}" }, "GET", "/a/.../b", NGX_OK, 0, "r=a/.../b" },
    { { "/api/{name}" }, "GET", "/API/MiXeD", NGX_OK, 0, "name=MiXeD" },
    { { "" }, "GET", "/", NGX_OK, 0, "" },
    { { "" }, "GET", "", NGX_OK, 0, "" },
    { { "" }, "GET", "/?q=1", NGX_OK, 0, "" },
    { { "" }, "GET", "/x", NGX_DECLINED, -1, "" },
    { { "/b/" }, "GET", "/b", NGX_OK, 0, "" },
    { { "/Caf%C3%A9/hello world" }, "GET", "/caf%c3%a9/Hello%20World",
      NGX_OK, 0, "" },
    { { "/a%zz" }, "GET", "/A%ZZ", NGX_OK, 0, "" },
    { { "/a%00b" }, "GET", "/a%00c", NGX_DECLINED, -1, "" },
    { { "/f/{name}.{ext}" }, "GET", "/f/report.final.pdf", NGX_OK, 0,
      "name=report.final;ext=pdf" },
    { { "/f/{n}.{e}" }, "GET", "/f/a%2Eb", NGX_OK, 0, "n=a;e=b" },
    { { "/f/{n}.{e}" }, "GET", "/f/%61.%62%63", NGX_OK, 0,
      "n=a|%61;e=bc|%62%63" },
    { { "/f/{n}.{e}" }, "GET", "/f/.pdf", NGX_DECLINED, -1, "" },
    { { "/f/{n}.{e}" }, "GET", "/f/a.", NGX_DECLINED, -1, "" },
    { { "/file-{id}" }, "GET", "/file-", NGX_DECLINED, -1, "" },
    { { "/file-{id}" }, "GET", "/FILE-42", NGX_OK, 0, "id=42" },
    { { "/x/{a}-{b}-{c}" }, "GET", "/x/1-2-3-4", NGX_OK, 0,
      "a=1-2;b=3;c=4" },
    { { "/x/v{a}.{b}.json" }, "GET", "/x/v1.2.3.json", NGX_OK, 0,
      "a=1.2;b=3" },
    { { "/x/v{a}.json" }, "GET", "/x/v.json", NGX_DECLINED, -1, "" },

    /* a literal compare that stopped at "%00" matched past it */
    { { "/{p}.a%00b" }, "GET", "/x.a%00c", NGX_DECLINED, -1, "" },
    { { "/{p}.a%00b" }, "GET", "/x.A%00B", NGX_OK, 0, "p=x" },
    { { "/a%00b{p}" }, "GET", "/a%00cx", NGX_DECLINED, -1, "" },

    /* which proxy wins (docs/routing.md) */
    { { "/a/{id}", "/a/new" }, "GET", "/a/NEW", NGX_OK, 1, "" },
    { { "/{*rest}", "/api/{*rest}" }, "GET", "/api/v1/x", NGX_OK, 1,
      "rest=v1/x" },
    { { "/api/{*rest}", "/api/{x}" }, "GET", "/api/1", NGX_OK, 1, "x=1" },
    { { "/api/{*rest}", "/api/{x}" }, "GET", "/api/1/2", NGX_OK, 0,
      "rest=1/2" },
    { { "/f/{n}", "/f/{n}.{e}" }, "GET", "/f/a.b", NGX_OK, 1, "n=a;e=b" },
    { { "/a/{x}/c", "/a/b/{y}" }, "GET", "/a/b/c", NGX_OK, 1, "y=c" },
    { { "/m", "GET /m" }, "GET", "/m", NGX_OK, 1, "" },
    { { "/m", "GET /m" }, "DELETE", "/m", NGX_OK, 0, "" },
    { { "POST /a/b", "/a/{x}" }, "GET", "/a/b", NGX_OK, 1, "x=b" },
    { { "/a/{*x}", "/a" }, "GET", "/a", NGX_OK, 1, "" },
    { { "/a/{*x}", "/a" }, "GET", "/a/", NGX_OK, 1, "" },
    { { "/{*p}", "" }, "GET", "/", NGX_OK, 1, "" },
    { { "/{*p}", "" }, "GET", "/x", NGX_OK, 0, "p=x" },

    /* the search goes back up when a literal leads nowhere */
    { { "/a/b/c", "/a/{x}/d" }, "GET", "/a/b/d", NGX_OK, 1, "x=b" },
    { { "/a/b/{*r}", "/a/{x}/d" }, "GET", "/a/b/d", NGX_OK, 0, "r=d" },
    { { "GET /a/b", "/a/{x}" }, "POST", "/a/b", NGX_OK, 1, "x=b" },
    { { "GET /a/b" }, "POST", "/a/b", NGX_DECLINED, -1, "" },

    /* complex segments that fit the same request segment */
    { { "/t/{a}.{b}", "/t/{a}-{b}" }, "GET", "/t/x.y-z", NGX_OK, 0,
      "a=x;b=y-z" },
    { { "/t/{a}-{b}", "/t/{a}.{b}" }, "GET", "/t/x.y-z", NGX_OK, 0,
      "a=x.y;b=z" },
    { { "/t/{a}.{b}", "GET /t/{a}-{b}" }, "GET", "/t/x.y-z", NGX_OK, 1,
      "a=x.y;b=z" },
    { { "/t/{a}-{b}/{y}", "/t/{a}.{b}/x" }, "GET", "/t/x.y-z/x", NGX_OK, 1,
      "a=x;b=y-z" },
    { { "/t/{a}-{b}/{*y}", "/t/{a}.{b}/{z}" }, "GET", "/t/x.y-z/x",
      NGX_OK, 1, "a=x;b=y-z;z=x" },

    /* methods nginx does not parse are compared by name, any case */
    { { "PURGE /p", "GET /p" }, "purge", "/p", NGX_OK, 0, "" },
    { { "PURGE /p" }, "GET", "/p", NGX_DECLINED, -1, "" },
    { { "get,Post /p" }, "POST", "/p", NGX_OK, 0, "" },

    { { NULL }, NULL, NULL, 0, 0, NULL }
};


static void ngx_unit_match_case(ngx_unit_match_case_t *t);
static ngx_int_t ngx_unit_match_table(ngx_unit_env_t *env, char **routes);
static void ngx_unit_match_captures(ngx_unit_match_case_t *t,
    ngx_http_proxies_match_t *m);
static void ngx_unit_match_index(void);
static void ngx_unit_match_long(void);
static void ngx_unit_match_same(void);
static void ngx_unit_match_alloc(void);
static void ngx_unit_match_noalloc(void);


void
ngx_unit_match_suite(void)
{
    ngx_unit_match_case_t  *t;

    for (t = ngx_unit_matches; t->path; t++) {
        ngx_unit_match_case(t);
    }

    ngx_unit_match_index();
    ngx_unit_match_long();
    ngx_unit_match_same();
    ngx_unit_match_alloc();
    ngx_unit_match_noalloc();
}


static void
ngx_unit_match_case(ngx_unit_match_case_t *t)
{
    ngx_int_t                  rc, winner;
    ngx_unit_env_t            *env;
    ngx_http_proxies_match_t   m;

    env = ngx_unit_env_create();

    if (ngx_unit_match_table(env, t->routes) != NGX_OK) {
        ngx_unit_ok(0, "%s %s: the table builds", t->method, t->path);
        ngx_unit_diag("  message: %s", ngx_unit_error);
        ngx_unit_env_destroy(env);
        return;
    }

    rc = ngx_unit_match(env, t->method, (u_char *) t->path,
                        ngx_strlen(t->path), &m);

    winner = (rc == NGX_OK) ? (ngx_int_t) m.proxy->order : -1;

    if (!ngx_unit_ok(rc == t->rc && winner == t->winner,
                     "%s \"%s\" with \"%s\"%s%s%s: %s", t->method, t->path,
                     t->routes[0], t->routes[1] ? ", \"" : "",
                     t->routes[1] ? t->routes[1] : "",
                     t->routes[1] ? "\"" : "",
                     t->winner < 0 ? "no proxy" : t->routes[t->winner]))
    {
        ngx_unit_diag("  rc %i, winner %i", rc, winner);
    }

    if (rc == NGX_OK && winner == t->winner) {
        ngx_unit_match_captures(t, &m);
    }

    ngx_unit_env_destroy(env);
}


static ngx_int_t
ngx_unit_match_table(ngx_unit_env_t *env, char **routes)
{
    u_char      *p, *sp;
    size_t       len;
    ngx_uint_t   i;
    u_char       methods[64];

    for (i = 0; i < NGX_UNIT_ROUTES && routes[i]; i++) {
        p = (u_char *) routes[i];
        sp = (u_char *) ngx_strchr(p, ' ');

        if (*p == '/' || *p == '\0' || sp == NULL) {
            if (ngx_unit_add(env, routes[i], NULL) != NGX_OK) {
                return NGX_ERROR;
            }

            continue;
        }

        len = ngx_min((size_t) (sp - p), sizeof(methods) - 1);
        ngx_memcpy(methods, p, len);
        methods[len] = '\0';

        if (ngx_unit_add(env, (char *) sp + 1, (char *) methods) != NGX_OK) {
            return NGX_ERROR;
        }
    }

    return ngx_unit_build(env);
}


static void
ngx_unit_match_captures(ngx_unit_match_case_t *t, ngx_http_proxies_match_t *m)
{
    u_char                      *p, *end, *eq, *bar, *last;
    u_char                       name[64];
    ngx_str_t                    value, raw;
    ngx_http_proxies_capture_t  *cap;

    p = (u_char *) t->captures;
    last = p + ngx_strlen(t->captures);

    for ( /* void */ ; p < last; p = end + 1) {
        end = ngx_strlchr(p, last, ';');
        if (end == NULL) {
            end = last;
        }

        eq = ngx_strlchr(p, end, '=');
        bar = ngx_strlchr(p, end, '|');

        if (eq == NULL || (size_t) (eq - p) >= sizeof(name)) {
            ngx_unit_ok(0, "bad capture \"%*s\" in the test", end - p, p);
            return;
        }

        ngx_memcpy(name, p, eq - p);
        name[eq - p] = '\0';

        value.data = eq + 1;
        value.len = (bar ? bar : end) - value.data;

        cap = ngx_unit_capture(m, (char *) name);

        if (!ngx_unit_ok(cap != NULL, "%s \"%s\": {%s} is a parameter",
                         t->method, t->path, name))
        {
            continue;
        }

        ngx_unit_ok(ngx_unit_eq(&cap->value, &value),
                    "%s \"%s\": {%s} is \"%V\"", t->method, t->path, name,
                    &value);

        raw = value;

        if (bar) {
            raw.data = bar + 1;
            raw.len = end - raw.data;
        }

        if (!ngx_unit_ok(ngx_unit_eq(&cap->raw, &raw),
                         "%s \"%s\": {%s} was sent as \"%V\"", t->method,
                         t->path, name, &raw))
        {
            ngx_unit_diag("  got \"%V\" (\"%V\")", &cap->value, &cap->raw);
        }
    }
}


/*
 * More than NGX_HTTP_PROXIES_LINEAR_MAX literal children are found
 * through an index by hash.
 */

static void
ngx_unit_match_index(void)
{
    u_char                    *p, route[512], path[512];
    ngx_int_t                  rc;
    ngx_uint_t                 i, ok, errors;
    ngx_unit_env_t            *env;
    ngx_http_proxies_node_t   *node;
    ngx_http_proxies_match_t   m;

    env = ngx_unit_env_create();
    errors = ngx_unit_nerrors;

    for (i = 0; i < 40; i++) {
        p = ngx_sprintf(route, "/h/K%ui", i);
        (void) ngx_unit_proxy(env, route, p - route, NULL);
    }

    /* a long key, 300 bytes */
    p = ngx_cpymem(route, "/h/", 3);
    ngx_memset(p, 'L', 300);
    p += 300;
    (void) ngx_unit_proxy(env, route, p - route, NULL);

    (void) ngx_unit_add(env, "/h/{x}", NULL);

    if (!ngx_unit_ok(ngx_unit_build(env) == NGX_OK
                     && ngx_unit_nerrors == errors,
                     "index: 41 literals and a parameter build"))
    {
        ngx_unit_env_destroy(env);
        return;
    }

    /* "h", then its children */
    node = env->table.root->literals[0].node;

    ngx_unit_ok(node->index != NULL && node->nliterals == 41,
                "index: the literals of a node with many are indexed");

    ok = 1;

    for (i = 0; i < 40; i++) {
        p = ngx_sprintf(path, (i % 2) ? "/h/k%ui" : "/H/%%6b%ui", i);
        rc = ngx_unit_match(env, "GET", path, p - path, &m);

        if (rc != NGX_OK || m.proxy->order != i) {
            ngx_unit_diag("  %*s: rc %i", p - path, path, rc);
            ok = 0;
        }
    }

    ngx_unit_ok(ok, "index: every literal is found, in any case, encoded");

    p = ngx_cpymem(path, "/h/", 3);
    ngx_memset(p, 'l', 300);
    p += 300;

    rc = ngx_unit_match(env, "GET", path, p - path, &m);
    ngx_unit_ok(rc == NGX_OK && m.proxy->order == 40,
                "index: the long literal is found");

    rc = ngx_unit_match(env, "GET", (u_char *) "/h/K40", 6, &m);
    ngx_unit_ok(rc == NGX_OK && m.proxy->order == 41,
                "index: a miss goes on to the parameter");

    ngx_unit_env_destroy(env);
}


/* more segments than the stack holds; a complex segment too long for
   the decoding buffer */

static void
ngx_unit_match_long(void)
{
    u_char                      *p, *path;
    size_t                       len;
    ngx_int_t                    rc;
    ngx_uint_t                   i;
    ngx_unit_env_t              *env;
    ngx_http_proxies_match_t     m;
    ngx_http_proxies_capture_t  *cap;

    len = 4096;

    path = malloc(len);
    if (path == NULL) {
        return;
    }

    env = ngx_unit_env_create();

    (void) ngx_unit_add(env, "/r/{*rest}", NULL);
    (void) ngx_unit_add(env, "/f/{n}.{e}", NULL);
    (void) ngx_unit_build(env);

    p = ngx_cpymem(path, "/r", 2);

    for (i = 0; i < 200; i++) {
        p = ngx_sprintf(p, "/%ui", i % 10);
    }

    /* ".." takes one segment back: 199 are left */
    p = ngx_cpymem(p, "/x/..//", 7);

    rc = ngx_unit_match(env, "GET", path, p - path, &m);
    cap = (rc == NGX_OK) ? ngx_unit_capture(&m, "rest") : NULL;

    ngx_unit_ok(cap != NULL && cap->raw.len == 2 * 200
                && cap->raw.data[0] == '0'
                && cap->raw.data[cap->raw.len - 1] == '/',
                "long: 201 segments, one taken back by \"..\"");

    p = ngx_cpymem(path, "/f/", 3);

    for (i = 0; i < 600; i++) {
        p = ngx_cpymem(p, "%41", 3);
    }

    p = ngx_cpymem(p, "%2Ex", 4);

    rc = ngx_unit_match(env, "GET", path, p - path, &m);
    cap = (rc == NGX_OK) ? ngx_unit_capture(&m, "n") : NULL;

    ngx_unit_ok(cap != NULL && cap->value.len == 600
                && cap->raw.len == 1800
                && ngx_unit_capture(&m, "e")->value.len == 1,
                "long: a complex segment of 601 decoded bytes");

    ngx_unit_env_destroy(env);
    free(path);
}


/* a proxy that repeats another's route for the same methods never wins */

static void
ngx_unit_match_same(void)
{
    ngx_uint_t       warns;
    ngx_unit_env_t  *env;

    env = ngx_unit_env_create();
    warns = ngx_unit_nwarnings;

    (void) ngx_unit_add(env, "/a/{x}", "GET");
    (void) ngx_unit_add(env, "/a/{y}", "POST");
    (void) ngx_unit_add(env, "/A/{z}", NULL);
    (void) ngx_unit_build(env);

    ngx_unit_ok(ngx_unit_nwarnings == warns,
                "same route: split by method, no warning");

    (void) ngx_unit_add(env, "a/{id}/", "post,PUT");
    (void) ngx_unit_build(env);

    ngx_unit_ok(ngx_unit_nwarnings == warns + 1
                && ngx_strstr(ngx_unit_warning, "proxy \"p1\" wins"),
                "same route, same method: a warning names the winner");

    ngx_unit_env_destroy(env);
}


/* every allocation of the build may fail: it says so, and no more */

static void
ngx_unit_match_alloc(void)
{
    ngx_int_t        n, rc;
    ngx_uint_t       i;
    ngx_unit_env_t  *env;
    u_char           route[32], *p;

    rc = NGX_ERROR;

    for (n = 0; n < 10000 && rc != NGX_OK; n++) {
        env = ngx_unit_env_create();

        for (i = 0; i < 12; i++) {
            p = ngx_sprintf(route, "/a/%ui/{x}.{y}", i);
            (void) ngx_unit_proxy(env, route, p - route, NULL);
        }

        (void) ngx_unit_add(env, "/a/{x}/{*y}", "GET");

        ngx_unit_alloc_fail = n;
        rc = ngx_unit_build(env);
        ngx_unit_alloc_fail = -1;

        ngx_unit_env_destroy(env);
    }

    ngx_unit_ok(rc == NGX_OK, "a table build survives each of its %i "
                "allocations failing", n - 1);
}


/*
 * Issue 5: a request that matches nothing allocates nothing.  Every
 * allocation after the path's copy fails here, so a miss that allocated
 * would come back NGX_ERROR; a hit with a capture shows that it does.
 */

static void
ngx_unit_match_noalloc(void)
{
    ngx_int_t                  rc;
    ngx_uint_t                 i;
    ngx_unit_env_t            *env;
    ngx_http_proxies_match_t   m;
    u_char                     route[32], *p, **miss;

    static u_char  *misses[] = {
        (u_char *) "/nothing/here",
        (u_char *) "/a/1/c",
        (u_char *) "/h/k99",
        (u_char *) "/s/noext",
        (u_char *) "/A%41/b%2Fc?q=1",
        (u_char *) "/a/./../h/k1/x",
        NULL
    };

    env = ngx_unit_env_create();

    (void) ngx_unit_add(env, "/a/{x}/b", NULL);
    (void) ngx_unit_add(env, "/a/c", NULL);
    (void) ngx_unit_add(env, "/s/{n}.{e}", NULL);

    for (i = 0; i < 12; i++) {
        p = ngx_sprintf(route, "/h/k%ui", i);
        (void) ngx_unit_proxy(env, route, p - route, NULL);
    }

    (void) ngx_unit_build(env);

    for (miss = misses; *miss; miss++) {
        ngx_unit_alloc_fail = 1;
        rc = ngx_unit_match(env, "GET", *miss, ngx_strlen(*miss), &m);
        ngx_unit_alloc_fail = -1;

        ngx_unit_ok(rc == NGX_DECLINED, "no allocation on a miss: %s",
                    *miss);
    }

    ngx_unit_alloc_fail = 1;
    rc = ngx_unit_match(env, "GET", (u_char *) "/a/1/b", 6, &m);
    ngx_unit_alloc_fail = -1;

    ngx_unit_ok(rc == NGX_ERROR, "a hit's captures do allocate (the check "
                "above can fail)");

    ngx_unit_env_destroy(env);
}
