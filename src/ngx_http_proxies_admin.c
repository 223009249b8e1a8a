
/*
 * ngx_proxies [extension]: the admin API (docs/admin-api.md).
 *
 * Off unless "proxies_admin;" is written in a location.  Every request
 * needs the bearer token of "proxies_admin_token_file", compared in
 * constant time.  Reads answer JSON: the proxies with their compiled
 * routes, breaker states, slot states.  Writes flip slots, set weights,
 * and force or reset breakers; each is logged at notice with the client
 * address.
 */


#include "ngx_http_proxies_ext.h"


typedef ngx_int_t (*ngx_http_proxies_section_pt)(ngx_http_request_t *r,
    ngx_http_proxies_json_t *j, ngx_str_t *name);
typedef ngx_int_t (*ngx_http_proxies_item_pt)(ngx_http_proxies_json_t *j,
    void *item);


/* a part of the overview (GET on the location itself) */
typedef struct {
    ngx_str_t                     name;
    ngx_http_proxies_section_pt   write;
} ngx_http_proxies_section_t;


static ngx_int_t ngx_http_proxies_admin_handler(ngx_http_request_t *r);
static ngx_int_t ngx_http_proxies_admin_serve(ngx_http_request_t *r,
    ngx_http_proxies_json_t *j);
static ngx_int_t ngx_http_proxies_admin_token(ngx_http_request_t *r);
static ngx_int_t ngx_http_proxies_admin_get(ngx_http_request_t *r,
    ngx_http_proxies_json_t *j, ngx_str_t *what, ngx_str_t *name);
static ngx_int_t ngx_http_proxies_admin_post(ngx_http_request_t *r,
    ngx_http_proxies_json_t *j, ngx_str_t *what, ngx_str_t *name,
    ngx_str_t *verb);
static ngx_int_t ngx_http_proxies_admin_slot_post(ngx_http_request_t *r,
    ngx_http_proxies_slot_group_t *g, ngx_str_t *verb);
static ngx_int_t ngx_http_proxies_admin_weights(ngx_http_request_t *r,
    ngx_http_proxies_slot_group_t *g, ngx_str_t *text);
static ngx_int_t ngx_http_proxies_admin_breaker_post(ngx_http_request_t *r,
    ngx_http_proxies_cb_t *cb, ngx_str_t *verb);
static ngx_int_t ngx_http_proxies_admin_send(ngx_http_request_t *r,
    ngx_uint_t status, ngx_http_proxies_json_t *j);
static ngx_int_t ngx_http_proxies_admin_error(ngx_http_request_t *r,
    ngx_uint_t status, char *message);
static ngx_int_t ngx_http_proxies_admin_proxies(ngx_http_request_t *r,
    ngx_http_proxies_json_t *j, ngx_str_t *name);
static ngx_int_t ngx_http_proxies_admin_proxy(ngx_http_proxies_json_t *j,
    ngx_http_proxies_table_t *table, ngx_http_proxies_proxy_t *p);
static ngx_int_t ngx_http_proxies_admin_action(ngx_http_proxies_json_t *j,
    ngx_http_proxies_action_t *a);
static ngx_int_t ngx_http_proxies_admin_breakers(ngx_http_request_t *r,
    ngx_http_proxies_json_t *j, ngx_str_t *name);
static ngx_int_t ngx_http_proxies_admin_items(ngx_http_request_t *r,
    ngx_http_proxies_json_t *j, ngx_str_t *name, ngx_array_t *items,
    ngx_http_proxies_item_pt write, char *missing);
static ngx_int_t ngx_http_proxies_admin_breaker(ngx_http_proxies_json_t *j,
    void *item);
static ngx_int_t ngx_http_proxies_admin_slots(ngx_http_request_t *r,
    ngx_http_proxies_json_t *j, ngx_str_t *name);
static ngx_int_t ngx_http_proxies_admin_group(ngx_http_proxies_json_t *j,
    void *item);
static void ngx_http_proxies_admin_split(ngx_str_t *path, ngx_str_t *part);


static ngx_http_proxies_section_t  ngx_http_proxies_sections[] = {
    { ngx_string("proxies"), ngx_http_proxies_admin_proxies },
    { ngx_string("breakers"), ngx_http_proxies_admin_breakers },
    { ngx_string("slots"), ngx_http_proxies_admin_slots },
    /* live counters join here: a name and a writer */
    { ngx_null_string, NULL }
};


static const char  *ngx_http_proxies_kinds[] = {
    "", "static", "upstream", "local", "function"
};


static const char  *ngx_http_proxies_forces[] = {
    "none", "open", "closed"
};


/*
 * Why a request failed, set by admin_error() and read back by the
 * handler in the same call: a worker runs one handler at a time.
 */
static char  *ngx_http_proxies_admin_message;


/* ------------------------------------------------------------ directives */

char *
ngx_http_proxies_admin(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_core_loc_conf_t      *clcf;
    ngx_http_proxies_main_conf_t  *pmcf;

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    pmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_proxies_module);

    if (clcf->handler) {
        return "is duplicate, or the location has another handler";
    }

    clcf->handler = ngx_http_proxies_admin_handler;
    pmcf->admin_used = 1;

    return NGX_CONF_OK;
}


/* read once, at configuration time: workers never open the file */

char *
ngx_http_proxies_admin_token_file(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_proxies_main_conf_t *pmcf = conf;

    u_char           *p;
    ssize_t           n;
    ngx_str_t        *value, name;
    ngx_file_t        file;
    ngx_file_info_t   fi;

    if (pmcf->admin_token.len) {
        return "is duplicate";
    }

    value = cf->args->elts;
    name = value[1];

    if (ngx_conf_full_name(cf->cycle, &name, 1) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    ngx_memzero(&file, sizeof(ngx_file_t));
    file.name = name;
    file.log = cf->log;

    file.fd = ngx_open_file(name.data, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);
    if (file.fd == NGX_INVALID_FILE) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           ngx_open_file_n " \"%V\" failed", &name);
        return NGX_CONF_ERROR;
    }

    n = NGX_ERROR;

    if (ngx_fd_info(file.fd, &fi) != NGX_FILE_ERROR
        && ngx_file_size(&fi) < 4096)
    {
        p = ngx_pnalloc(cf->pool, ngx_file_size(&fi) + 1);
        if (p != NULL) {
            n = ngx_read_file(&file, p, ngx_file_size(&fi), 0);
            pmcf->admin_token.data = p;
        }
    }

    (void) ngx_close_file(file.fd);

    if (n == NGX_ERROR) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "cannot read \"%V\", "
                           "expected a file of less than 4096 bytes",
                           &name);
        return NGX_CONF_ERROR;
    }

    /* the token is the first line, without surrounding white space */
    p = pmcf->admin_token.data;

    while (n && (p[n - 1] == '\n' || p[n - 1] == '\r' || p[n - 1] == ' '
                 || p[n - 1] == '\t'))
    {
        n--;
    }

    while (n && (*p == ' ' || *p == '\t')) {
        p++;
        n--;
    }

    if (n < 16 || ngx_strlchr(p, p + n, '\n') || ngx_strlchr(p, p + n, ' ')) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "\"%V\" must hold one token "
                           "of at least 16 characters, without spaces",
                           &name);
        return NGX_CONF_ERROR;
    }

    pmcf->admin_token.data = p;
    pmcf->admin_token.len = n;

    return NGX_CONF_OK;
}


char *
ngx_http_proxies_pin_allow(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_proxies_main_conf_t *pmcf = conf;

    ngx_int_t    rc;
    ngx_str_t   *value;
    ngx_uint_t   i;
    ngx_cidr_t  *cidr;

    if (pmcf->pin_allow == NULL) {
        pmcf->pin_allow = ngx_array_create(cf->pool, 4, sizeof(ngx_cidr_t));
        if (pmcf->pin_allow == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    value = cf->args->elts;

    for (i = 1; i < cf->args->nelts; i++) {
        cidr = ngx_array_push(pmcf->pin_allow);
        if (cidr == NULL) {
            return NGX_CONF_ERROR;
        }

        rc = ngx_ptocidr(&value[i], cidr);

        if (rc == NGX_ERROR) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid address or network \"%V\"",
                               &value[i]);
            return NGX_CONF_ERROR;
        }

        if (rc == NGX_DONE) {
            ngx_conf_log_error(NGX_LOG_WARN, cf, 0,
                               "low address bits of %V are meaningless",
                               &value[i]);
        }
    }

    return NGX_CONF_OK;
}


/* ---------------------------------------------------------- permission */

/*
 * May this request choose a slot?  The admin token, or (by_address) a
 * client address of "proxies_slot_pin_allow".  The token is not passed
 * on to the backend.
 */

ngx_int_t
ngx_http_proxies_admin_allowed(ngx_http_request_t *r, ngx_flag_t by_address)
{
    ngx_uint_t                     i;
    ngx_list_t                     headers;
    ngx_list_part_t               *part;
    ngx_table_elt_t               *h, *nh;
    ngx_http_proxies_main_conf_t  *pmcf;

    pmcf = ngx_http_get_module_main_conf(r, ngx_http_proxies_module);

    if (by_address && pmcf->pin_allow
        && ngx_cidr_match(r->connection->sockaddr, pmcf->pin_allow)
           == NGX_OK)
    {
        return NGX_OK;
    }

    if (ngx_http_proxies_admin_token(r) != NGX_OK) {
        return NGX_DECLINED;
    }

    if (ngx_list_init(&headers, r->pool, 20, sizeof(ngx_table_elt_t))
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    part = &r->headers_in.headers.part;
    h = part->elts;

    for (i = 0; /* void */; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                break;
            }

            part = part->next;
            h = part->elts;
            i = 0;
        }

        if (&h[i] == r->headers_in.authorization) {
            continue;
        }

        nh = ngx_list_push(&headers);
        if (nh == NULL) {
            return NGX_ERROR;
        }

        *nh = h[i];
    }

    r->headers_in.headers = headers;
    r->headers_in.authorization = NULL;

    return NGX_OK;
}


/* NGX_OK: the right token; NGX_DECLINED: none; NGX_ABORT: a wrong one */

static ngx_int_t
ngx_http_proxies_admin_token(ngx_http_request_t *r)
{
    u_char                         diff;
    size_t                         i, len;
    ngx_str_t                      t, *token;
    ngx_http_proxies_main_conf_t  *pmcf;

    pmcf = ngx_http_get_module_main_conf(r, ngx_http_proxies_module);
    token = &pmcf->admin_token;

    if (r->headers_in.authorization == NULL || token->len == 0) {
        return NGX_DECLINED;
    }

    t = r->headers_in.authorization->value;

    if (t.len < sizeof("Bearer ") - 1
        || ngx_strncasecmp(t.data, (u_char *) "Bearer ",
                           sizeof("Bearer ") - 1)
           != 0)
    {
        return NGX_DECLINED;
    }

    t.data += sizeof("Bearer ") - 1;
    t.len -= sizeof("Bearer ") - 1;

    /* the time taken depends on the length given, not on the token */
    diff = (t.len != token->len);
    len = t.len;

    for (i = 0; i < len; i++) {
        diff |= t.data[i] ^ token->data[i % token->len];
    }

    return diff ? NGX_ABORT : NGX_OK;
}


/* --------------------------------------------------------------- handler */

static ngx_int_t
ngx_http_proxies_admin_handler(ngx_http_request_t *r)
{
    ngx_int_t                rc;
    ngx_http_proxies_json_t  j;

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    ngx_memzero(&j, sizeof(ngx_http_proxies_json_t));
    j.pool = r->pool;
    j.last = &j.out;

    ngx_http_proxies_admin_message = "internal error";

    rc = ngx_http_proxies_admin_serve(r, &j);

    if (rc == NGX_OK) {
        return ngx_http_proxies_admin_send(r, NGX_HTTP_OK, &j);
    }

    if (rc < NGX_HTTP_SPECIAL_RESPONSE) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_memzero(&j, sizeof(ngx_http_proxies_json_t));
    j.pool = r->pool;
    j.last = &j.out;

    if (ngx_http_proxies_json_cat(&j, "{\"error\":\"%s\"}",
                                  ngx_http_proxies_admin_message)
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_proxies_admin_send(r, rc, &j);
}


/* NGX_OK with the answer in j, or an HTTP error status */

static ngx_int_t
ngx_http_proxies_admin_serve(ngx_http_request_t *r,
    ngx_http_proxies_json_t *j)
{
    ngx_int_t                  rc;
    ngx_str_t                  path, what, name, verb;
    ngx_table_elt_t           *h;
    ngx_http_core_loc_conf_t  *clcf;

    rc = ngx_http_proxies_admin_token(r);

    if (rc == NGX_DECLINED) {
        h = ngx_list_push(&r->headers_out.headers);
        if (h == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        h->hash = 1;
        ngx_str_set(&h->key, "WWW-Authenticate");
        ngx_str_set(&h->value, "Bearer realm=\"proxies\"");
        r->headers_out.www_authenticate = h;

        return ngx_http_proxies_admin_error(r, NGX_HTTP_UNAUTHORIZED,
                                            "a bearer token is required");
    }

    if (rc != NGX_OK) {
        ngx_log_error(NGX_LOG_NOTICE, r->connection->log, 0,
                      "proxies admin: wrong token from %V",
                      &r->connection->addr_text);
        return ngx_http_proxies_admin_error(r, NGX_HTTP_FORBIDDEN,
                                            "wrong token");
    }

    clcf = ngx_http_get_module_loc_conf(r, ngx_http_core_module);

    path = r->uri;

    if (path.len >= clcf->name.len
        && ngx_strncmp(path.data, clcf->name.data, clcf->name.len) == 0)
    {
        path.data += clcf->name.len;
        path.len -= clcf->name.len;
    }

    ngx_http_proxies_admin_split(&path, &what);
    ngx_http_proxies_admin_split(&path, &name);
    ngx_http_proxies_admin_split(&path, &verb);

    if (path.len) {
        return ngx_http_proxies_admin_error(r, NGX_HTTP_NOT_FOUND,
                                            "no such resource");
    }

    if (r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD)) {
        if (verb.len) {
            return ngx_http_proxies_admin_error(r, NGX_HTTP_NOT_FOUND,
                                                "no such resource");
        }

        return ngx_http_proxies_admin_get(r, j, &what, &name);
    }

    if (r->method == NGX_HTTP_POST) {
        return ngx_http_proxies_admin_post(r, j, &what, &name, &verb);
    }

    return ngx_http_proxies_admin_error(r, NGX_HTTP_NOT_ALLOWED,
                                        "expected GET or POST");
}


/* the next path segment, without its slashes */

static void
ngx_http_proxies_admin_split(ngx_str_t *path, ngx_str_t *part)
{
    u_char  *p, *end;

    p = path->data;
    end = p + path->len;

    while (p < end && *p == '/') {
        p++;
    }

    part->data = p;

    while (p < end && *p != '/') {
        p++;
    }

    part->len = p - part->data;

    while (p < end && *p == '/') {
        p++;
    }

    path->len = end - p;
    path->data = p;
}


static ngx_int_t
ngx_http_proxies_admin_get(ngx_http_request_t *r, ngx_http_proxies_json_t *j,
    ngx_str_t *what, ngx_str_t *name)
{
    ngx_http_proxies_section_t  *s;

    if (what->len == 0) {
        for (s = ngx_http_proxies_sections; s->name.len; s++) {
            if (ngx_http_proxies_json_cat(j, s == ngx_http_proxies_sections
                                             ? "{\"%V\":" : ",\"%V\":",
                                          &s->name)
                != NGX_OK
                || s->write(r, j, NULL) != NGX_OK)
            {
                return NGX_HTTP_INTERNAL_SERVER_ERROR;
            }
        }

        return ngx_http_proxies_json_cat(j, "}") == NGX_OK
               ? NGX_OK : NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    for (s = ngx_http_proxies_sections; s->name.len; s++) {
        if (s->name.len == what->len
            && ngx_strncmp(s->name.data, what->data, what->len) == 0)
        {
            return s->write(r, j, name->len ? name : NULL);
        }
    }

    return ngx_http_proxies_admin_error(r, NGX_HTTP_NOT_FOUND,
                                        "no such resource");
}


static ngx_int_t
ngx_http_proxies_admin_post(ngx_http_request_t *r, ngx_http_proxies_json_t *j,
    ngx_str_t *what, ngx_str_t *name, ngx_str_t *verb)
{
    ngx_int_t                       rc;
    ngx_http_proxies_cb_t          *cb;
    ngx_http_proxies_main_conf_t   *pmcf;
    ngx_http_proxies_slot_group_t  *g;

    pmcf = ngx_http_get_module_main_conf(r, ngx_http_proxies_module);

    if (what->len == 5 && ngx_strncmp(what->data, "slots", 5) == 0) {
        g = ngx_http_proxies_shm_find(pmcf->slot_groups, name);
        if (g == NULL) {
            return ngx_http_proxies_admin_error(r, NGX_HTTP_NOT_FOUND,
                                                "no such slot group");
        }

        rc = ngx_http_proxies_admin_slot_post(r, g, verb);
        if (rc != NGX_OK) {
            return rc;
        }

        return ngx_http_proxies_admin_group(j, g) == NGX_OK
               ? NGX_OK : NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (what->len == 8 && ngx_strncmp(what->data, "breakers", 8) == 0) {
        cb = ngx_http_proxies_shm_find(pmcf->breakers, name);
        if (cb == NULL) {
            return ngx_http_proxies_admin_error(r, NGX_HTTP_NOT_FOUND,
                                                "no such breaker");
        }

        rc = ngx_http_proxies_admin_breaker_post(r, cb, verb);
        if (rc != NGX_OK) {
            return rc;
        }

        return ngx_http_proxies_admin_breaker(j, cb) == NGX_OK
               ? NGX_OK : NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_proxies_admin_error(r, NGX_HTTP_NOT_FOUND,
                                        "no such resource");
}


/*
 * POST slots/NAME/flip          the next slot becomes active
 * POST slots/NAME?active=SLOT   that slot becomes active (weights off)
 * POST slots/NAME?weights=blue:90,green:10
 */

static ngx_int_t
ngx_http_proxies_admin_slot_post(ngx_http_request_t *r,
    ngx_http_proxies_slot_group_t *g, ngx_str_t *verb)
{
    ngx_str_t   active, weights, from;
    ngx_uint_t  i, idx;

    ngx_str_null(&active);
    ngx_str_null(&weights);

    idx = g->state->active;

    for (i = 0; i < g->nslots; i++) {
        if (g->index[i] == idx) {
            break;
        }
    }

    from = (i < g->nslots) ? g->slots[i] : g->slots[g->active];

    if (verb->len) {
        if (verb->len != 4 || ngx_strncmp(verb->data, "flip", 4) != 0) {
            return ngx_http_proxies_admin_error(r, NGX_HTTP_NOT_FOUND,
                                                "no such action");
        }

        active = g->slots[(i + 1) % g->nslots];

    } else if (ngx_http_arg(r, (u_char *) "weights", 7, &weights) == NGX_OK)
    {
        return ngx_http_proxies_admin_weights(r, g, &weights);

    } else if (ngx_http_arg(r, (u_char *) "active", 6, &active) != NGX_OK) {
        return ngx_http_proxies_admin_error(r, NGX_HTTP_BAD_REQUEST,
                                            "expected /flip, ?active=SLOT "
                                            "or ?weights=SLOT:N,...");
    }

    if (ngx_http_proxies_slots_set(g, &active, NULL) != NGX_OK) {
        return ngx_http_proxies_admin_error(r, NGX_HTTP_BAD_REQUEST,
                                            "no such slot");
    }

    ngx_log_error(NGX_LOG_NOTICE, r->connection->log, 0,
                  "proxies admin: %V made slot \"%V\" of \"%V\" active "
                  "(was \"%V\")", &r->connection->addr_text, &active,
                  &g->item.name, &from);

    return NGX_OK;
}


static ngx_int_t
ngx_http_proxies_admin_weights(ngx_http_request_t *r,
    ngx_http_proxies_slot_group_t *g, ngx_str_t *text)
{
    u_char      *p, *end, *colon, *comma;
    ngx_int_t    i, n;
    ngx_str_t    name;
    ngx_uint_t   w[NGX_HTTP_PROXIES_SLOTS_MAX], sum;

    ngx_memzero(w, sizeof(w));
    sum = 0;

    end = text->data + text->len;

    for (p = text->data; p < end; p = comma + 1) {
        comma = ngx_strlchr(p, end, ',');
        if (comma == NULL) {
            comma = end;
        }

        colon = ngx_strlchr(p, comma, ':');
        if (colon == NULL) {
            goto invalid;
        }

        name.data = p;
        name.len = colon - p;

        i = ngx_http_proxies_slots_index(g, &name);
        n = ngx_atoi(colon + 1, comma - colon - 1);

        if (i == NGX_ERROR || n == NGX_ERROR || n > 1000000) {
            goto invalid;
        }

        w[i] = n;
        sum += n;
    }

    if (sum == 0) {
        goto invalid;
    }

    (void) ngx_http_proxies_slots_set(g, NULL, w);

    ngx_log_error(NGX_LOG_NOTICE, r->connection->log, 0,
                  "proxies admin: %V set the weights of \"%V\" to %V",
                  &r->connection->addr_text, &g->item.name, text);

    return NGX_OK;

invalid:

    return ngx_http_proxies_admin_error(r, NGX_HTTP_BAD_REQUEST,
                                        "expected weights=SLOT:N,... with "
                                        "known slots and a sum above 0");
}


/* POST breakers/NAME/open, /close (forced, until reset), /reset */

static ngx_int_t
ngx_http_proxies_admin_breaker_post(ngx_http_request_t *r,
    ngx_http_proxies_cb_t *cb, ngx_str_t *verb)
{
    ngx_uint_t  force;

    if (verb->len == 4 && ngx_strncmp(verb->data, "open", 4) == 0) {
        force = NGX_HTTP_PROXIES_FORCE_OPEN;

    } else if (verb->len == 5 && ngx_strncmp(verb->data, "close", 5) == 0) {
        force = NGX_HTTP_PROXIES_FORCE_CLOSED;

    } else if (verb->len == 5 && ngx_strncmp(verb->data, "reset", 5) == 0) {
        force = NGX_HTTP_PROXIES_FORCE_NONE;

    } else {
        return ngx_http_proxies_admin_error(r, NGX_HTTP_NOT_FOUND,
                                            "expected open, close or reset");
    }

    ngx_http_proxies_breaker_force(cb, force);

    ngx_log_error(NGX_LOG_NOTICE, r->connection->log, 0,
                  "proxies admin: %V %s breaker \"%V\"",
                  &r->connection->addr_text,
                  force == NGX_HTTP_PROXIES_FORCE_OPEN ? "forced open"
                  : force == NGX_HTTP_PROXIES_FORCE_CLOSED ? "forced closed"
                  : "reset", &cb->item.name);

    return NGX_OK;
}


static ngx_int_t
ngx_http_proxies_admin_error(ngx_http_request_t *r, ngx_uint_t status,
    char *message)
{
    ngx_http_proxies_admin_message = message;

    return status;
}


static ngx_int_t
ngx_http_proxies_admin_send(ngx_http_request_t *r, ngx_uint_t status,
    ngx_http_proxies_json_t *j)
{
    static ngx_str_t  type = ngx_string("application/json");

    if (ngx_http_proxies_json_cat(j, "\n") != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_proxies_json_send(r, status, &type, j);
}


/* what j holds, as the whole response (JSON, or any other text) */

ngx_int_t
ngx_http_proxies_json_send(ngx_http_request_t *r, ngx_uint_t status,
    ngx_str_t *type, ngx_http_proxies_json_t *j)
{
    ngx_int_t     rc;
    ngx_chain_t  *cl;

    r->headers_out.status = status;
    r->headers_out.content_length_n = 0;

    for (cl = j->out; cl; cl = cl->next) {
        r->headers_out.content_length_n += cl->buf->last - cl->buf->pos;

        if (cl->next == NULL) {
            cl->buf->last_buf = (r == r->main);
            cl->buf->last_in_chain = 1;
        }
    }

    r->headers_out.content_type = *type;
    r->headers_out.content_type_len = type->len;

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    if (j->out == NULL) {
        return ngx_http_send_special(r, NGX_HTTP_LAST);
    }

    return ngx_http_output_filter(r, j->out);
}


/* ------------------------------------------------------------------ JSON */

static ngx_int_t
ngx_http_proxies_admin_proxies(ngx_http_request_t *r,
    ngx_http_proxies_json_t *j, ngx_str_t *name)
{
    ngx_uint_t                     i, k, n;
    ngx_http_proxies_file_t      **files;
    ngx_http_proxies_table_t      *t;
    ngx_http_proxies_main_conf_t  *pmcf;

    pmcf = ngx_http_get_module_main_conf(r, ngx_http_proxies_module);
    files = pmcf->files.elts;
    n = 0;

    if (ngx_http_proxies_json_cat(j, "[") != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    for (i = 0; i < pmcf->files.nelts; i++) {
        t = files[i]->table;

        for (k = 0; k < t->nproxies; k++) {
            if (name && (name->len != t->proxies[k].name.len
                         || ngx_strncmp(name->data, t->proxies[k].name.data,
                                        name->len)
                            != 0))
            {
                continue;
            }

            if ((n++ && ngx_http_proxies_json_cat(j, ",") != NGX_OK)
                || ngx_http_proxies_admin_proxy(j, t, &t->proxies[k])
                   != NGX_OK)
            {
                return NGX_HTTP_INTERNAL_SERVER_ERROR;
            }
        }
    }

    return ngx_http_proxies_json_cat(j, "]") == NGX_OK
           ? NGX_OK : NGX_HTTP_INTERNAL_SERVER_ERROR;
}


static ngx_int_t
ngx_http_proxies_admin_proxy(ngx_http_proxies_json_t *j,
    ngx_http_proxies_table_t *table, ngx_http_proxies_proxy_t *p)
{
    ngx_uint_t  i;

    if (ngx_http_proxies_json_cat(j, "{\"name\":") != NGX_OK
        || ngx_http_proxies_json_str(j, &p->name) != NGX_OK
        || ngx_http_proxies_json_cat(j, ",\"file\":") != NGX_OK
        || ngx_http_proxies_json_str(j, &table->file) != NGX_OK
        || ngx_http_proxies_json_cat(j, ",\"route\":") != NGX_OK
        || ngx_http_proxies_json_str(j, &p->route.text) != NGX_OK
        || ngx_http_proxies_json_cat(j, ",\"rank\":\"%V\",\"params\":[",
                                     &p->route.rank)
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    for (i = 0; i < p->route.nparams; i++) {
        if ((i && ngx_http_proxies_json_cat(j, ",") != NGX_OK)
            || ngx_http_proxies_json_str(j, &p->route.params[i]) != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    if (ngx_http_proxies_json_cat(j, "],\"methods\":%s",
                                  p->methods ? "[" : "null")
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    for (i = 0; p->methods && i < p->nmethods; i++) {
        if (ngx_http_proxies_json_cat(j, i ? ",\"%V\"" : "\"%V\"",
                                      &p->methods[i])
            != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    if ((p->methods && ngx_http_proxies_json_cat(j, "]") != NGX_OK)
        || ngx_http_proxies_json_cat(j, ",\"monolith\":%s,\"action\":",
                                     p->monolith ? "true" : "false")
           != NGX_OK
        || ngx_http_proxies_admin_action(j, &p->action) != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (p->slots) {
        if (ngx_http_proxies_json_cat(j, ",\"slots\":") != NGX_OK
            || ngx_http_proxies_json_str(j, &p->slots->group->item.name)
               != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    if (p->breaker) {
        if (ngx_http_proxies_json_cat(j, ",\"circuitBreaker\":") != NGX_OK
            || ngx_http_proxies_json_str(j, &p->breaker->cb->item.name)
               != NGX_OK
            || ngx_http_proxies_json_cat(j, ",\"fallback\":") != NGX_OK)
        {
            return NGX_ERROR;
        }

        if (p->breaker->has_action) {
            if (ngx_http_proxies_admin_action(j, &p->breaker->action)
                != NGX_OK)
            {
                return NGX_ERROR;
            }

        } else if (ngx_http_proxies_json_cat(j, "{\"kind\":\"response\","
                                             "\"status\":%i}",
                                             p->breaker->status)
                   != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    return ngx_http_proxies_json_cat(j, "}");
}


static ngx_int_t
ngx_http_proxies_admin_action(ngx_http_proxies_json_t *j,
    ngx_http_proxies_action_t *a)
{
    if (ngx_http_proxies_json_cat(j, "{\"kind\":\"%s\"",
                                  ngx_http_proxies_kinds[a->kind])
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (a->backend) {
        if (ngx_http_proxies_json_cat(j, ",\"backend\":") != NGX_OK
            || ngx_http_proxies_json_str(j, &a->backend->text) != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    return ngx_http_proxies_json_cat(j, "}");
}


static ngx_int_t
ngx_http_proxies_admin_breakers(ngx_http_request_t *r,
    ngx_http_proxies_json_t *j, ngx_str_t *name)
{
    ngx_http_proxies_main_conf_t  *pmcf;

    pmcf = ngx_http_get_module_main_conf(r, ngx_http_proxies_module);

    return ngx_http_proxies_admin_items(r, j, name, pmcf->breakers,
                                        ngx_http_proxies_admin_breaker,
                                        "no such breaker");
}


/* one item by name, or all of them as an object keyed by name */

static ngx_int_t
ngx_http_proxies_admin_items(ngx_http_request_t *r, ngx_http_proxies_json_t *j,
    ngx_str_t *name, ngx_array_t *items, ngx_http_proxies_item_pt write,
    char *missing)
{
    void                          *one;
    ngx_uint_t                     i, n;
    ngx_http_proxies_shm_item_t  **item;

    if (name) {
        one = ngx_http_proxies_shm_find(items, name);
        if (one == NULL) {
            return ngx_http_proxies_admin_error(r, NGX_HTTP_NOT_FOUND,
                                                missing);
        }

        return write(j, one) == NGX_OK ? NGX_OK
                                       : NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    n = items ? items->nelts : 0;
    item = n ? items->elts : NULL;

    if (ngx_http_proxies_json_cat(j, "{") != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    for (i = 0; i < n; i++) {
        if ((i && ngx_http_proxies_json_cat(j, ",") != NGX_OK)
            || ngx_http_proxies_json_str(j, &item[i]->name) != NGX_OK
            || ngx_http_proxies_json_cat(j, ":") != NGX_OK
            || write(j, item[i]) != NGX_OK)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    return ngx_http_proxies_json_cat(j, "}") == NGX_OK
           ? NGX_OK : NGX_HTTP_INTERNAL_SERVER_ERROR;
}


/* a copy taken under the mutex: one consistent picture */

static ngx_int_t
ngx_http_proxies_admin_breaker(ngx_http_proxies_json_t *j, void *item)
{
    ngx_http_proxies_cb_t *cb = item;

    uint64_t                          now;
    ngx_uint_t                        k, total, failures;
    ngx_http_proxies_breaker_state_t  st;

    ngx_shmtx_lock(&cb->item.zone->shpool->mutex);
    st = *cb->state;
    ngx_shmtx_unlock(&cb->item.zone->shpool->mutex);

    now = ngx_http_proxies_now();
    total = 0;
    failures = 0;

    for (k = 0; k < NGX_HTTP_PROXIES_BUCKETS; k++) {
        if (st.bucket_start[k] + cb->window > now) {
            total += st.total[k];
            failures += st.failures[k];
        }
    }

    return ngx_http_proxies_json_cat(j,
               "{\"state\":\"%s\",\"forced\":\"%s\",\"changed\":%uL,"
               "\"openUntil\":%uL,\"consecutiveFailures\":%ui,"
               "\"window\":{\"requests\":%ui,\"failures\":%ui},"
               "\"probes\":%ui,\"probeSuccesses\":%ui,"
               "\"opened\":%ui,\"rejected\":%ui,"
               "\"config\":{\"consecutiveFailures\":%ui,"
               "\"failureRatio\":%ui.%02ui,\"window\":%M,"
               "\"minimumRequests\":%ui,\"openFor\":%M,"
               "\"halfOpenProbes\":%ui}}",
               ngx_http_proxies_breaker_state_name(
                   ngx_http_proxies_breaker_state_at(&st, now)),
               ngx_http_proxies_forces[st.forced], st.changed,
               st.open_until, st.consecutive, total, failures, st.probes,
               st.successes, st.opened, st.rejected, cb->consecutive,
               cb->ratio / 100, cb->ratio % 100, cb->window, cb->minimum,
               cb->open_for, cb->probes);
}


static ngx_int_t
ngx_http_proxies_admin_slots(ngx_http_request_t *r,
    ngx_http_proxies_json_t *j, ngx_str_t *name)
{
    ngx_http_proxies_main_conf_t  *pmcf;

    pmcf = ngx_http_get_module_main_conf(r, ngx_http_proxies_module);

    return ngx_http_proxies_admin_items(r, j, name, pmcf->slot_groups,
                                        ngx_http_proxies_admin_group,
                                        "no such slot group");
}


static ngx_int_t
ngx_http_proxies_admin_group(ngx_http_proxies_json_t *j, void *item)
{
    ngx_http_proxies_slot_group_t *g = item;

    ngx_uint_t                      i, active;
    ngx_http_proxies_slot_state_t  *st;

    st = g->state;
    active = g->active;

    for (i = 0; i < g->nslots; i++) {
        if (g->index[i] == st->active) {
            active = i;
        }
    }

    if (ngx_http_proxies_json_cat(j, "{\"active\":\"%V\",\"declared\":"
                                  "\"%V\",\"weighted\":%s,\"generation\":"
                                  "%uA,\"changed\":%uL,\"slots\":{",
                                  &g->slots[active], &g->slots[g->active],
                                  st->weighted ? "true" : "false",
                                  st->generation, st->changed)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    for (i = 0; i < g->nslots; i++) {
        if (ngx_http_proxies_json_cat(j, "%s\"%V\":{\"weight\":%uA}",
                                      i ? "," : "", &g->slots[i],
                                      st->weights[g->index[i]])
            != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    return ngx_http_proxies_json_cat(j, "}}");
}


/*
 * Output in 4k buffers.  Names of slots and groups are plain (the model
 * allows no characters that need escaping); other strings go through
 * ngx_http_proxies_json_str().
 */

ngx_int_t
ngx_http_proxies_json_cat(ngx_http_proxies_json_t *j, const char *fmt, ...)
{
    u_char   *p, buf[1024];
    va_list   args;

    va_start(args, fmt);
    p = ngx_vslprintf(buf, buf + sizeof(buf), fmt, args);
    va_end(args);

    return ngx_http_proxies_json_add(j, buf, p - buf);
}


ngx_int_t
ngx_http_proxies_json_add(ngx_http_proxies_json_t *j, u_char *data,
    size_t len)
{
    ngx_chain_t  *cl;

    if (j->buf == NULL || (size_t) (j->buf->end - j->buf->last) < len) {
        j->buf = ngx_create_temp_buf(j->pool, ngx_max(len, 4096));
        cl = ngx_alloc_chain_link(j->pool);
        if (j->buf == NULL || cl == NULL) {
            return NGX_ERROR;
        }

        cl->buf = j->buf;
        cl->next = NULL;
        *j->last = cl;
        j->last = &cl->next;
    }

    j->buf->last = ngx_cpymem(j->buf->last, data, len);

    return NGX_OK;
}


ngx_int_t
ngx_http_proxies_json_str(ngx_http_proxies_json_t *j, ngx_str_t *s)
{
    u_char  *p;
    size_t   len;

    len = s->len + ngx_escape_json(NULL, s->data, s->len) + 2;

    p = ngx_pnalloc(j->pool, len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    p[0] = '"';
    (void) ngx_escape_json(p + 1, s->data, s->len);
    p[len - 1] = '"';

    return ngx_http_proxies_json_add(j, p, len);
}
