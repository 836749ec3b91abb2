/*
 * attachments.c — photos of a case (before/after): upload as
 * multipart/form-data (fields "file" and optional "phase"), list, and fetch.
 *
 * The type is decided by the bytes (JPEG, PNG or WebP), never by the name or
 * the client's Content-Type. The file is written, fsync'ed and renamed under
 * its SHA-256 before the database row is committed, so a committed row always
 * has its file; a file whose row did not commit is an orphan, never a hole.
 * Files are served only through the case's scope rule.
 */
#include <microhttpd.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "api/api.h"
#include "core/str.h"
#include "core/timeutil.h"
#include "domain/case.h"
#include "store/files.h"

#define MAX_FILE (10u << 20)
#define MAX_PER_CASE 50

typedef struct upload {
    gg_buf file;
    char phase[16];
    char name[128];
    bool has_file, bad_field, too_big;
} upload;

static enum MHD_Result on_part(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *filename, const char *ctype, const char *enc,
                               const char *data, uint64_t off, size_t size)
{
    upload *u = cls;
    if (!key) { /* a part without a usable name (found by fuzz_multipart) */
        u->bad_field = true;
        return MHD_NO;
    }
    if (strcmp(key, "file") == 0) {
        u->has_file = true;
        if (filename && !u->name[0]) gg_strlcpy(u->name, filename, sizeof u->name);
        if (gg_buf_append(&u->file, data, size) == 0) return MHD_YES;
        u->too_big = true;
        return MHD_NO;
    }
    if (strcmp(key, "phase") == 0) {
        size_t have = strlen(u->phase);
        if (have + size >= sizeof u->phase) return MHD_NO;
        memcpy(u->phase + have, data, size);
        u->phase[have + size] = 0;
        return MHD_YES;
    }
    u->bad_field = true;
    return MHD_NO;
}

static const char *sniff(const unsigned char *p, size_t n)
{
    if (n >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF) return "image/jpeg";
    if (n >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0) return "image/png";
    if (n >= 12 && memcmp(p, "RIFF", 4) == 0 && memcmp(p + 8, "WEBP", 4) == 0) return "image/webp";
    return NULL;
}

static void attachment_json(gg_jw *w, const gg_attachment_rec *a)
{
    gg_jw_obj(w);
    gg_jw_kid(w, "id", a->id);
    gg_jw_kid(w, "case_id", a->case_id);
    gg_jw_kstr(w, "phase", a->phase);
    gg_jw_kstr(w, "mime", a->mime);
    gg_jw_kint(w, "size", a->size);
    gg_jw_kstr(w, "sha256", a->sha256);
    gg_jw_kstr(w, "name", a->name);
    gg_jw_kid(w, "uploaded_by", a->uploaded_by);
    gg_jw_ktime(w, "at", a->at);
    gg_jw_obj_end(w);
}

typedef struct att_job {
    gg_attachment_rec a;
    const char *region;
    gg_pool *pool;
    bool existed; /* the same bytes were uploaded to this case before (#4) */
} att_job;

static int att_fn(gg_conn *w, void *arg, gg_error *e)
{
    att_job *j = arg;
    /* a retried upload (phone back online): the same bytes in the same
     * phase are the photo already there */
    if (gg_attachment_find(w, j->pool, j->a.case_id, j->a.sha256, j->a.phase, &j->a) == 0)
        return (j->existed = true), 0;
    if (gg_attachment_count(w, j->a.case_id) >= MAX_PER_CASE)
        return gg_fail(e, GG_ECONFLICT, 409, "too_many_attachments", "file",
                       "a case holds at most %d photos", MAX_PER_CASE);
    return gg_attachment_insert(w, &j->a, j->region, e);
}

static int att_then(gg_req *r)
{
    att_job *j = r->w.arg;
    gg_req_header_add(r, "Location", gg_pprintf(r->pool, "/api/v1/cases/%lld/attachments/%lld",
                                                (long long)j->a.case_id, (long long)j->a.id));
    attachment_json(gg_req_json(r, j->existed ? 200 : 201), &j->a);
    return 0;
}

static int parse_upload(gg_req *r, upload *u)
{
    const char *ct = gg_req_header(r, "Content-Type");
    if (!ct || strncasecmp(ct, "multipart/form-data", 19) != 0)
        return gg_fail(&r->err, GG_EINVAL, 415, "unsupported_media_type", "",
                       "send the photo as multipart/form-data with a field named file");
    struct MHD_PostProcessor *pp = MHD_create_post_processor(r->conn, 65536, on_part, u);
    if (!pp) return gg_fail(&r->err, GG_EINVAL, 400, "invalid_multipart", "", "cannot read the form");
    enum MHD_Result ok = MHD_post_process(pp, r->body.data ? r->body.data : "", r->body.len);
    MHD_destroy_post_processor(pp);
    if (u->too_big || u->file.len > MAX_FILE)
        return gg_fail(&r->err, GG_ETOOBIG, 413, "file_too_large", "file",
                       "a photo has at most %u bytes", MAX_FILE);
    if (u->bad_field) return gg_fail(&r->err, GG_EINVAL, 422, "unknown_field", "", "only file and phase");
    if (ok != MHD_YES) return gg_fail(&r->err, GG_EINVAL, 400, "invalid_multipart", "", "the form is malformed");
    if (!u->has_file || u->file.len == 0)
        return gg_fail(&r->err, GG_EINVAL, 422, "missing_field", "file", "no file in the form");
    if (!u->phase[0]) gg_strlcpy(u->phase, "other", sizeof u->phase);
    if (strcmp(u->phase, "before") && strcmp(u->phase, "after") && strcmp(u->phase, "other"))
        return gg_fail(&r->err, GG_EINVAL, 422, "invalid_value", "phase", "phase is before, after or other");
    if (!gg_utf8_valid(u->name, strlen(u->name), false)) u->name[0] = 0;
    return 0;
}

int gg_h_attachment_upload(gg_req *r)
{
    const gg_case *k = r->obj;
    upload u = {0};
    gg_buf_init(&u.file, MAX_FILE + 1);
    int rc = parse_upload(r, &u);
    const char *mime = rc ? NULL : sniff((const unsigned char *)u.file.data, u.file.len);
    if (!rc && !mime)
        rc = gg_fail(&r->err, GG_EINVAL, 415, "unsupported_media_type", "file",
                     "a photo is a JPEG, PNG or WebP image");
    att_job *j = rc ? NULL : gg_pcalloc(r->pool, sizeof *j);
    if (!rc && !j) rc = GG_ENOMEM;
    char hex[GG_SHA256_HEX];
    if (!rc) rc = gg_files_put(u.file.data, u.file.len, hex, &r->err);
    if (!rc) {
        j->a = (gg_attachment_rec){.case_id = k->id, .uploaded_by = r->who->user_id,
                                   .at = gg_now_us(), .size = (int64_t)u.file.len,
                                   .sha256 = gg_pstrdup(r->pool, hex), .mime = mime,
                                   .phase = gg_pstrdup(r->pool, u.phase),
                                   .name = u.name[0] ? gg_pstrdup(r->pool, u.name) : NULL};
        j->region = k->region;
        j->pool = r->pool;
    }
    gg_buf_free(&u.file);
    return rc ? rc : gg_req_defer(r, att_fn, j, att_then);
}

int gg_h_attachments_list(gg_req *r)
{
    const gg_case *k = r->obj;
    gg_conn *c = gg_api_reader(r);
    if (!c) return GG_EBUSY;
    gg_attachment_rec *rows;
    int n;
    if (gg_attachment_list(c, r->pool, k->id, &rows, &n)) return GG_EIO;
    gg_jw *w = gg_req_json(r, 200);
    gg_api_list_begin(w);
    for (int i = 0; i < n; i++) attachment_json(w, &rows[i]);
    gg_api_list_end(w, r->pool, NULL);
    return 0;
}

int gg_h_attachment_get(gg_req *r)
{
    const gg_case *k = r->obj;
    int64_t id;
    if (gg_req_param_id(r, "att_id", &id)) return GG_ENOTFOUND;
    gg_conn *c = gg_api_reader(r);
    if (!c) return GG_EBUSY;
    gg_attachment_rec a;
    if (gg_attachment_get(c, r->pool, k->id, id, &a))
        return gg_fail(&r->err, GG_ENOTFOUND, 404, "not_found", "att_id", "no such photo");
    gg_req_status(r, 200);
    int rc = gg_files_get(a.sha256, &r->out, &r->err);
    if (rc) return rc;
    r->content_type = a.mime;
    gg_req_header_add(r, "Cache-Control", "private, max-age=86400, immutable");
    gg_req_header_add(r, "Content-Disposition", "inline");
    return 0;
}
