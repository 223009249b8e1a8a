
/*
 * ngx_proxies unit tests: the runner.  It prints TAP, so that prove runs
 * it through t/unit.t with the rest of the suite; "ngx_unit NAME" runs
 * one suite only.
 */


#include "ngx_unit.h"


typedef struct {
    char                         *name;
    void                        (*run)(void);
} ngx_unit_suite_t;


static ngx_unit_suite_t  ngx_unit_suites[] = {
    { "route",    ngx_unit_route_suite },
    { "template", ngx_unit_template_suite },
    { "match",    ngx_unit_match_suite },
    { "breaker",  ngx_unit_breaker_suite },
    { "uri",      ngx_unit_uri_suite },
    { NULL, NULL }
};


static ngx_uint_t  ngx_unit_tests;
static ngx_uint_t  ngx_unit_failed;


static void ngx_unit_line(const char *prefix, const char *fmt, va_list args);


int
main(int argc, char **argv)
{
    ngx_uint_t         ran;
    ngx_unit_suite_t  *s;

    /* TAP lines and diagnostics stay in order under prove */
    setvbuf(stdout, NULL, _IONBF, 0);

    ran = 0;

    for (s = ngx_unit_suites; s->name; s++) {
        if (argc > 1 && strcmp(argv[1], s->name) != 0) {
            continue;
        }

        printf("# %s\n", s->name);
        s->run();
        ran++;
    }

    if (ran == 0) {
        fprintf(stderr, "ngx_unit: no suite \"%s\"\n", argv[1]);
        return 2;
    }

    printf("1..%lu\n", (unsigned long) ngx_unit_tests);

    if (ngx_unit_failed) {
        printf("# %lu of %lu failed\n", (unsigned long) ngx_unit_failed,
               (unsigned long) ngx_unit_tests);
        return 1;
    }

    return 0;
}


ngx_int_t
ngx_unit_ok(ngx_int_t cond, const char *fmt, ...)
{
    va_list  args;

    ngx_unit_tests++;

    if (!cond) {
        ngx_unit_failed++;
    }

    printf("%sok %lu - ", cond ? "" : "not ", (unsigned long) ngx_unit_tests);

    va_start(args, fmt);
    ngx_unit_line("", fmt, args);
    va_end(args);

    return cond;
}


ngx_int_t
ngx_unit_is(ngx_str_t *got, char *expected, const char *fmt, ...)
{
    size_t      len;
    va_list     args;
    ngx_int_t   cond;

    len = ngx_strlen(expected);
    cond = got->len == len
           && (len == 0 || ngx_memcmp(got->data, expected, len) == 0);

    ngx_unit_tests++;

    if (!cond) {
        ngx_unit_failed++;
    }

    printf("%sok %lu - ", cond ? "" : "not ", (unsigned long) ngx_unit_tests);

    va_start(args, fmt);
    ngx_unit_line("", fmt, args);
    va_end(args);

    if (!cond) {
        printf("#   got:      \"%.*s\"\n#   expected: \"%s\"\n",
               (int) got->len, got->len ? (char *) got->data : "", expected);
    }

    return cond;
}


ngx_int_t
ngx_unit_is_int(ngx_int_t got, ngx_int_t expected, const char *fmt, ...)
{
    va_list    args;
    ngx_int_t  cond;

    cond = (got == expected);

    ngx_unit_tests++;

    if (!cond) {
        ngx_unit_failed++;
    }

    printf("%sok %lu - ", cond ? "" : "not ", (unsigned long) ngx_unit_tests);

    va_start(args, fmt);
    ngx_unit_line("", fmt, args);
    va_end(args);

    if (!cond) {
        printf("#   got:      %ld\n#   expected: %ld\n", (long) got,
               (long) expected);
    }

    return cond;
}


void
ngx_unit_diag(const char *fmt, ...)
{
    va_list  args;

    va_start(args, fmt);
    ngx_unit_line("# ", fmt, args);
    va_end(args);
}


/* nginx's formats (%V, %s, %ui ...), one line */

static void
ngx_unit_line(const char *prefix, const char *fmt, va_list args)
{
    u_char  *p, *q, buf[NGX_UNIT_MSG_LEN];

    p = ngx_vslprintf(buf, buf + sizeof(buf) - 1, fmt, args);

    for (q = buf; q < p; q++) {
        if (*q == '\n' || *q == '\r') {
            *q = ' ';
        }
    }

    *p = '\0';

    printf("%s%s\n", prefix, buf);
}
