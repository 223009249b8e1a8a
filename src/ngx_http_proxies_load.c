
/*
 * ngx_proxies: reading proxies.json.
 *
 * The file is read once per configuration cycle, at config time, so a
 * plain blocking read is fine.  Real files carry "//" and block comments,
 * which are blanked out before jansson sees the text; jansson then rejects
 * trailing commas, duplicate keys and invalid UTF-8 on its own.
 */


#include "ngx_http_proxies.h"
#include "ngx_http_proxies_table.h"

#include <jansson.h>


static u_char *ngx_http_proxies_read(ngx_conf_t *cf, ngx_str_t *file,
    size_t *size);
static ngx_int_t ngx_http_proxies_strip_comments(ngx_conf_t *cf,
    ngx_str_t *file, u_char *text, size_t *size);
static ngx_uint_t ngx_http_proxies_blank(u_char *p, size_t len);
static void *ngx_http_proxies_json_alloc(size_t size);
static void ngx_http_proxies_json_free(void *p);


/* config time is single-threaded; jansson's hooks take no context */
static ngx_pool_t  *ngx_http_proxies_json_pool;


ngx_int_t
ngx_http_proxies_load(ngx_conf_t *cf, ngx_str_t *file, ngx_array_t *models)
{
    size_t            size;
    u_char           *buf, *text;
    json_t           *root;
    ngx_int_t         rc;
    json_error_t      err;
    json_free_t       saved_free;
    json_malloc_t     saved_alloc;

    buf = ngx_http_proxies_read(cf, file, &size);
    if (buf == NULL) {
        return NGX_ERROR;
    }

    text = buf;

    /* editors on Windows save a byte order mark; Json.NET skipped it */
    if (size >= 3 && text[0] == 0xef && text[1] == 0xbb && text[2] == 0xbf) {
        text += 3;
        size -= 3;
    }

    if (ngx_http_proxies_strip_comments(cf, file, text, &size) != NGX_OK) {
        ngx_pfree(cf->temp_pool, buf);
        return NGX_ERROR;
    }

    if (ngx_http_proxies_blank(text, size)) {
        /* as on Azure: an empty file declares no proxies */
        ngx_pfree(cf->temp_pool, buf);

        ngx_log_debug1(NGX_LOG_DEBUG_HTTP, cf->log, 0,
                       "proxies: \"%V\" is empty", file);
        return NGX_OK;
    }

    if (ngx_http_proxies_pool_is_region(cf->temp_pool)) {
        ngx_http_proxies_json_pool = cf->temp_pool;
        json_get_alloc_funcs(&saved_alloc, &saved_free);
        json_set_alloc_funcs(ngx_http_proxies_json_alloc,
                             ngx_http_proxies_json_free);
    }

    /* the model checks the root's type itself, with a better message */
    root = json_loadb((char *) text, size,
                      JSON_REJECT_DUPLICATES|JSON_DECODE_ANY, &err);

    ngx_pfree(cf->temp_pool, buf);

    if (root == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "proxies: \"%V\" line %d, column %d: %s",
                           file, err.line, err.column, err.text);
        rc = NGX_ERROR;

    } else {
        rc = ngx_http_proxies_model_build(cf, file, root, models);
        json_decref(root);
    }

    if (ngx_http_proxies_json_pool) {
        json_set_alloc_funcs(saved_alloc, saved_free);
        ngx_http_proxies_json_pool = NULL;
    }

    return rc;
}


/*
 * jansson's allocator while a big file is parsed: the scratch region goes
 * as a whole once the table is built (ngx_http_proxies_pool.c says why).
 */

static void *
ngx_http_proxies_json_alloc(size_t size)
{
    return ngx_palloc(ngx_http_proxies_json_pool, size);
}


static void
ngx_http_proxies_json_free(void *p)
{
}


static u_char *
ngx_http_proxies_read(ngx_conf_t *cf, ngx_str_t *file, size_t *size)
{
    u_char           *buf;
    ssize_t           n;
    ngx_fd_t          fd;
    ngx_file_info_t   fi;

    fd = ngx_open_file(file->data, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);

    if (fd == NGX_INVALID_FILE) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "proxies: cannot open \"%V\"", file);
        return NULL;
    }

    buf = NULL;

    if (ngx_fd_info(fd, &fi) == NGX_FILE_ERROR) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "proxies: " ngx_fd_info_n " \"%V\" failed", file);
        goto done;
    }

    if (!ngx_is_file(&fi)) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "proxies: \"%V\" is not a regular file", file);
        goto done;
    }

    *size = (size_t) ngx_file_size(&fi);

    /* one spare byte, so an empty file still gets a buffer */
    buf = ngx_pnalloc(cf->temp_pool, *size + 1);
    if (buf == NULL) {
        goto done;
    }

    n = ngx_read_fd(fd, buf, *size);

    if (n == -1) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "proxies: " ngx_read_fd_n " \"%V\" failed", file);
        ngx_pfree(cf->temp_pool, buf);
        buf = NULL;
        goto done;
    }

    if ((size_t) n != *size) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "proxies: \"%V\" changed while it was read, "
                           "read %z bytes of %uz", file, n, *size);
        ngx_pfree(cf->temp_pool, buf);
        buf = NULL;
    }

done:

    if (ngx_close_file(fd) == NGX_FILE_ERROR) {
        ngx_conf_log_error(NGX_LOG_ALERT, cf, ngx_errno,
                           ngx_close_file_n " \"%V\" failed", file);
    }

    return buf;
}


/*
 * Comments outside strings become blanks, so that jansson's line and
 * column still point into the file as the user sees it: each character
 * of a comment (not each byte) turns into one space, and newlines stay.
 * The text only shrinks, so this works in place.
 */

static ngx_int_t
ngx_http_proxies_strip_comments(ngx_conf_t *cf, ngx_str_t *file,
    u_char *text, size_t *size)
{
    u_char      *p, *w, *end, ch;
    ngx_uint_t   line, column, start_line, start_column;
    enum {
        sw_text = 0,
        sw_string,
        sw_escape,
        sw_line_comment,
        sw_block_comment
    } state;

    state = sw_text;
    line = 1;
    column = 0;
    start_line = 0;
    start_column = 0;

    end = text + *size;

    for (p = text, w = text; p < end; p++) {
        ch = *p;

        if (ch == '\n') {
            line++;
            column = 0;

        } else if ((ch & 0xc0) != 0x80) {
            column++;
        }

        switch (state) {

        case sw_text:
            if (ch == '"') {
                state = sw_string;

            } else if (ch == '/' && p + 1 < end
                       && (p[1] == '/' || p[1] == '*'))
            {
                state = p[1] == '/' ? sw_line_comment : sw_block_comment;
                start_line = line;
                start_column = column;

                *w++ = ' ';
                *w++ = ' ';
                p++;
                column++;
                continue;
            }

            break;

        case sw_string:
            if (ch == '\\') {
                state = sw_escape;

            } else if (ch == '"' || ch == '\n') {
                /* a newline ends it too: jansson reports the bad string */
                state = sw_text;
            }

            break;

        case sw_escape:
            state = sw_string;
            break;

        case sw_line_comment:
            if (ch == '\n') {
                state = sw_text;
                break;
            }

            if ((ch & 0xc0) != 0x80) {
                *w++ = ' ';
            }

            continue;

        case sw_block_comment:
            if (ch == '*' && p + 1 < end && p[1] == '/') {
                state = sw_text;
                *w++ = ' ';
                *w++ = ' ';
                p++;
                column++;
                continue;
            }

            if (ch == '\n' || ch == '\r') {
                break;
            }

            if ((ch & 0xc0) != 0x80) {
                *w++ = ' ';
            }

            continue;
        }

        *w++ = ch;
    }

    if (state == sw_block_comment) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "proxies: \"%V\" line %ui, column %ui: "
                           "comment is not closed, \"*/\" expected",
                           file, start_line, start_column);
        return NGX_ERROR;
    }

    *size = w - text;

    return NGX_OK;
}


static ngx_uint_t
ngx_http_proxies_blank(u_char *p, size_t len)
{
    u_char  *end;

    for (end = p + len; p < end; p++) {
        if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n') {
            return 0;
        }
    }

    return 1;
}
