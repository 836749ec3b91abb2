/*
 * req.c — the calls handlers use to read a request and write a response.
 */
#include <microhttpd.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/str.h"
#include "http/server.h"

const char *gg_req_param(gg_req *r, const char *name)
{
    for (int i = 0; i < r->nparams; i++)
        if (strcmp(r->param_names[i], name) == 0) return r->params[i];
    return NULL;
}

int gg_req_param_id(gg_req *r, const char *name, int64_t *out)
{
    const char *v = gg_req_param(r, name);
    if (!v || gg_parse_i64(v, strlen(v), 1, INT64_MAX / 2, out) != 0 || v[0] == '0')
        return gg_fail(&r->err, GG_ENOTFOUND, 404, "not_found", name, "no such object");
    return 0;
}

const char *gg_req_query(gg_req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *gg_req_header(gg_req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *gg_req_cookie(gg_req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

static void free_json(void *j) { json_decref(j); }

int gg_req_json_parsed(gg_req *r, json_t **out)
{
    if (r->json) {
        *out = r->json;
        return 0;
    }
    const char *ct = gg_req_header(r, "Content-Type");
    /* the media type itself, then only parameters: "application/jsonp" or
     * "application/json-seq" are other types */
    if (!ct || strncasecmp(ct, "application/json", 16) != 0 ||
        (ct[16] != '\0' && ct[16] != ';' && ct[16] != ' ' && ct[16] != '\t'))
        return gg_fail(&r->err, GG_EINVAL, 415, "unsupported_media_type", "",
                       "send the body as application/json");
    json_t *j = NULL;
    int rc = gg_jr_parse(r->body.data ? r->body.data : "", r->body.len, GG_JR_DEFAULT_DEPTH, &j,
                         &r->err);
    if (rc) return rc;
    if (gg_pool_cleanup(r->pool, free_json, j)) return GG_ENOMEM;
    r->json = j;
    *out = j;
    return 0;
}

int gg_req_body(gg_req *r, const gg_jr_field *fields, size_t n, json_t **out)
{
    json_t *j = NULL;
    int rc = gg_req_json_parsed(r, &j);
    if (rc) return rc;
    rc = gg_jr_fields(j, fields, n, &r->err);
    if (rc) return rc;
    *out = j;
    return 0;
}

int gg_req_page(gg_req *r, int *limit, char *after, size_t cap)
{
    const char *l = gg_req_query(r, "limit");
    int64_t v = 50;
    if (l && gg_parse_i64(l, strlen(l), 1, 200, &v) != 0)
        return gg_fail(&r->err, GG_EINVAL, 400, "invalid_parameter", "limit",
                       "limit must be a whole number from 1 to 200");
    *limit = (int)v;
    after[0] = 0;
    const char *c = gg_req_query(r, "cursor");
    if (c && *c && gg_cursor_decode(c, after, cap) != 0)
        return gg_fail(&r->err, GG_EINVAL, 400, "invalid_cursor", "cursor",
                       "the cursor is not one this server gave out");
    return 0;
}

int gg_cursor_decode(const char *c, char *after, size_t cap)
{
    size_t n = 0, len = strlen(c);
    after[0] = 0;
    if (cap < 2 || len > 2 * GG_CURSOR_MAX ||
        gg_b64url_decode(c, len, (unsigned char *)after, cap - 1, &n) != 0 || n < 2 ||
        after[0] != 'c' || !gg_utf8_valid(after, n, false)) {
        after[0] = 0;
        return GG_EINVAL;
    }
    after[n] = 0;
    memmove(after, after + 1, n); /* drop the version byte */
    return 0;
}

const char *gg_cursor_encode(gg_pool *p, const char *key)
{
    if (!key || !*key) return NULL;
    size_t n = strlen(key);
    if (n + 1 > GG_CURSOR_MAX) return NULL;
    char raw[GG_CURSOR_MAX + 1];
    raw[0] = 'c';
    memcpy(raw + 1, key, n);
    char *out = gg_palloc(p, gg_b64url_enc_len(n + 1) + 1);
    if (out) gg_b64url_encode((const unsigned char *)raw, n + 1, out);
    return out;
}

gg_jw *gg_req_json(gg_req *r, int status)
{
    r->status = status;
    gg_buf_reset(&r->out);
    gg_jw_init(&r->jw, &r->out);
    return &r->jw;
}

int gg_req_status(gg_req *r, int status)
{
    r->status = status;
    gg_buf_reset(&r->out);
    return 0;
}

int gg_req_header_add(gg_req *r, const char *name, const char *value)
{
    if (r->nhdrs >= GG_MAX_RESP_HEADERS || !value) return GG_ETOOBIG;
    r->hdr_names[r->nhdrs] = name;
    r->hdr_values[r->nhdrs] = value;
    r->nhdrs++;
    return 0;
}

static void deferred_done(gg_write *w)
{
    gg_server_resume(w->done_arg);
}

int gg_req_defer(gg_req *r, gg_write_fn fn, void *arg, int (*then)(gg_req *r))
{
    r->w = (gg_write){.fn = fn, .arg = arg, .done = deferred_done, .done_arg = r};
    r->then = then;
    /* suspend first: the writer may finish before this thread returns */
    MHD_suspend_connection(r->conn);
    int rc = gg_store_submit(r->store, &r->w);
    if (rc) {
        MHD_resume_connection(r->conn);
        r->w.rc = rc;
        gg_fail(&r->w.err, GG_EBUSY, 503, "overloaded", "", "too many writes queued; try again");
        r->w.err.status = 503;
    }
    return GG_DEFER;
}

void gg_req_error(gg_req *r, int rc)
{
    if (!r->err.code) {
        r->err.status = gg_status_http(rc);
        r->err.code = gg_status_code(rc);
        if (!r->err.message[0]) gg_strlcpy(r->err.message, r->err.code, sizeof r->err.message);
    }
    gg_jw *w = gg_req_json(r, r->err.status ? r->err.status : 500);
    r->content_type = NULL;
    gg_jw_obj(w);
    gg_jw_key(w, "error");
    gg_jw_obj(w);
    gg_jw_kstr(w, "code", r->err.code);
    gg_jw_kstr(w, "message", r->err.message);
    if (r->err.field[0]) gg_jw_kstr(w, "field", r->err.field);
    else gg_jw_knull(w, "field");
    gg_jw_obj_end(w);
    gg_jw_obj_end(w);
}

int gg_err_field(gg_req *r, int rc, int status, const char *code, const char *field,
                 const char *msg)
{
    return gg_fail(&r->err, rc, status, code, field, "%s", msg);
}

static void close_fd_cb(void *p)
{
    int *fd = p;
    if (*fd >= 0) close(*fd);
    *fd = -1;
}

int gg_req_body_file(gg_req *r, int fd, uint64_t size)
{
    int *slot = gg_palloc(r->pool, sizeof *slot);
    if (!slot) {
        close(fd);
        return GG_ENOMEM;
    }
    *slot = fd;
    if (gg_pool_cleanup(r->pool, close_fd_cb, slot)) return GG_ENOMEM; /* closed at once */
    r->body_fd = slot;
    r->body_fd_size = size;
    gg_buf_reset(&r->out);
    return 0;
}
