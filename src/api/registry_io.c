/*
 * registry_io.c — import jobs (issue 5): upload a spreadsheet, look at its
 * header, mapping and first rows, then run the import in a background
 * thread that writes through the writer in batches, and read its progress
 * and its report of rejected rows.
 *
 * Jobs live in this process (a table of at most MAX_JOBS; a restart forgets
 * them, the imported rows stay) with their files under
 * <files dir>/imports/<id>/: "upload" (the file as sent) and "errors"
 * (the report, one JSON object per line, at most MAX_REPORT lines). A job
 * id is 128 random bits in hex. A finished job is forgotten (files removed)
 * after JOB_TTL or when the table is full.
 *
 * Who: administrators, command centres, community staff and grid workers
 * (the staff who keep the registry), for places in their scope; the job's
 * place is its scope for every later call.
 */
#include <errno.h>
#include <microhttpd.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "api/api.h"
#include "api/registry_io.h"
#include "core/log.h"
#include "core/str.h"
#include "core/timeutil.h"
#include "domain/authz.h"
#include "domain/identity.h"
#include "domain/place.h"
#include "io/import_run.h"
#include "store/files.h"

#define MAX_JOBS 64
#define MAX_RUNNING 4
#define MAX_REPORT 100000          /* rejection lines kept in the report */
#define JOB_TTL (24 * 3600 * 1000000LL)
#define PREVIEW_ROWS 20
#define PREVIEW_CELL 200            /* bytes of a preview cell */

enum { JS_READY = 1, JS_RUNNING, JS_DONE, JS_FAILED };
static const char *const state_name[] = {"", "ready", "running", "done", "failed"};

typedef struct job {
    char id[33];
    int state;
    int64_t created_at, started_at, finished_at;
    int64_t owner, place_id;
    char place_path[256];
    char dir[512];
    char format[8], encoding[16];
    int mode;
    gg_imp_map map;
    gg_imp_stats st;
    uint64_t report_lines;
    bool report_truncated;
    gg_error err;
    gg_store *store;
    FILE *report;
    volatile int cancel;
} job;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ended = PTHREAD_COND_INITIALIZER; /* a run thread finished */
static job *jobs[MAX_JOBS];
static int nthreads;      /* run threads alive, under mu */
static bool stopping;     /* gg_imports_stop was called: no new runs */

/* ---- job table ---------------------------------------------------------------- */

static void rm_job_files(const job *j)
{
    char p[600];
    snprintf(p, sizeof p, "%s/upload", j->dir);
    unlink(p);
    snprintf(p, sizeof p, "%s/errors", j->dir);
    unlink(p);
    rmdir(j->dir);
}

/* Under mu: a free slot, evicting expired or (when full) the oldest finished job. */
static int free_slot(int64_t now)
{
    int slot = -1, oldest = -1;
    for (int i = 0; i < MAX_JOBS; i++) {
        job *j = jobs[i];
        if (j && j->state != JS_RUNNING && now - j->created_at > JOB_TTL) {
            rm_job_files(j);
            gg_free(j);
            jobs[i] = NULL;
        }
        if (!jobs[i]) {
            if (slot < 0) slot = i;
        } else if (jobs[i]->state != JS_RUNNING &&
                   (oldest < 0 || jobs[i]->created_at < jobs[oldest]->created_at)) {
            oldest = i;
        }
    }
    if (slot < 0 && oldest >= 0) {
        rm_job_files(jobs[oldest]);
        gg_free(jobs[oldest]);
        jobs[oldest] = NULL;
        slot = oldest;
    }
    return slot;
}

static job *job_find(const char *id)
{
    for (int i = 0; id && i < MAX_JOBS; i++)
        if (jobs[i] && strcmp(jobs[i]->id, id) == 0) return jobs[i];
    return NULL;
}

int gg_scope_import_param(gg_req *r)
{
    const char *id = gg_req_param(r, "id");
    job *snap = gg_palloc(r->pool, sizeof *snap);
    if (!snap) return GG_ENOMEM;
    pthread_mutex_lock(&mu);
    job *j = job_find(id);
    bool found = j != NULL, in = j && gg_scope_covers(r->who, j->place_path);
    if (j) *snap = *j; /* a snapshot: the table may drop the job while we answer */
    pthread_mutex_unlock(&mu);
    if (!found) return gg_fail(&r->err, GG_ENOTFOUND, 404, "not_found", "id", "no such import");
    if (!in)
        return gg_fail(&r->err, GG_EFORBIDDEN, 403, "out_of_scope", "",
                       "this import lies outside the places assigned to you");
    r->obj = snap;
    return 0;
}

/* ---- upload ------------------------------------------------------------------- */

typedef struct upload {
    FILE *f;
    bool has_file, bad_field, io_error;
    uint64_t bytes;
} upload;

static enum MHD_Result on_part(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *filename, const char *ctype, const char *enc,
                               const char *data, uint64_t off, size_t size)
{
    upload *u = cls;
    if (!key || strcmp(key, "file") != 0) {
        u->bad_field = true;
        return MHD_NO;
    }
    u->has_file = true;
    if (size && fwrite(data, 1, size, u->f) != size) {
        u->io_error = true;
        return MHD_NO;
    }
    u->bytes += size;
    return MHD_YES;
}

/* The body (raw bytes, or the "file" field of a multipart form) into f. */
static int save_body(gg_req *r, FILE *f)
{
    const char *ct = gg_req_header(r, "Content-Type");
    upload u = {.f = f};
    if (ct && strncasecmp(ct, "multipart/form-data", 19) == 0) {
        struct MHD_PostProcessor *pp = MHD_create_post_processor(r->conn, 65536, on_part, &u);
        if (!pp) return gg_fail(&r->err, GG_EINVAL, 400, "invalid_multipart", "", "cannot read the form");
        enum MHD_Result ok = MHD_post_process(pp, r->body.data ? r->body.data : "", r->body.len);
        MHD_destroy_post_processor(pp);
        if (u.io_error) return gg_fail(&r->err, GG_EIO, 500, "import_io", "", "cannot store the file");
        if (u.bad_field) return gg_fail(&r->err, GG_EINVAL, 422, "unknown_field", "", "only a field named file");
        if (ok != MHD_YES) return gg_fail(&r->err, GG_EINVAL, 400, "invalid_multipart", "", "the form is malformed");
        if (!u.has_file || u.bytes == 0)
            return gg_fail(&r->err, GG_EINVAL, 422, "missing_field", "file", "no file in the form");
    } else {
        if (ct && (strncasecmp(ct, "application/json", 16) == 0 ||
                   strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0))
            return gg_fail(&r->err, GG_EINVAL, 415, "unsupported_media_type", "file",
                           "send the spreadsheet as multipart/form-data (field file) or as the raw body");
        if (r->body.len == 0)
            return gg_fail(&r->err, GG_EINVAL, 422, "empty_file", "file", "the body is empty: send the file");
        if (fwrite(r->body.data, 1, r->body.len, f) != r->body.len)
            return gg_fail(&r->err, GG_EIO, 500, "import_io", "", "cannot store the file");
    }
    if (fflush(f) || fsync(fileno(f)))
        return gg_fail(&r->err, GG_EIO, 500, "import_io", "", "cannot store the file");
    return 0;
}

static int make_dir(const char *p)
{
    return mkdir(p, 0700) == 0 || errno == EEXIST ? 0 : -1;
}

static int job_files(job *j, gg_req *r)
{
    char base[512];
    snprintf(base, sizeof base, "%s/imports", gg_files_dir());
    if (make_dir(gg_files_dir()) || make_dir(base) ||
        (size_t)snprintf(j->dir, sizeof j->dir, "%s/%s", base, j->id) >= sizeof j->dir ||
        make_dir(j->dir))
        return gg_fail(&r->err, GG_EIO, 500, "import_io", "", "cannot create the import directory");
    char p[600];
    snprintf(p, sizeof p, "%s/upload", j->dir);
    FILE *f = fopen(p, "wb");
    if (!f) return gg_fail(&r->err, GG_EIO, 500, "import_io", "", "cannot store the file");
    int rc = save_body(r, f);
    if (fclose(f) && !rc) rc = gg_fail(&r->err, GG_EIO, 500, "import_io", "", "cannot store the file");
    return rc;
}

/* ---- JSON --------------------------------------------------------------------- */

static void mapping_json(gg_jw *w, const gg_imp_map *m)
{
    gg_jw_key(w, "mapping");
    gg_jw_obj(w);
    for (int c = 0; c < GG_IC_COUNT; c++) {
        if (m->col[c] >= 0) gg_jw_kstr(w, gg_imp_col_name(c), m->header[m->col[c]]);
        else gg_jw_knull(w, gg_imp_col_name(c));
    }
    gg_jw_obj_end(w);
    gg_jw_key(w, "missing");
    gg_jw_arr(w);
    for (int c = 0; c < GG_IC_COUNT; c++)
        if (gg_imp_col_required(c) && m->col[c] < 0) gg_jw_str(w, gg_imp_col_name(c));
    gg_jw_arr_end(w);
}

static void job_json(gg_jw *w, const job *j)
{
    gg_jw_obj(w);
    gg_jw_kstr(w, "id", j->id);
    gg_jw_kstr(w, "state", state_name[j->state]);
    gg_jw_kid(w, "place_id", j->place_id);
    gg_jw_kstr(w, "format", j->format);
    gg_jw_kstr(w, "encoding", j->encoding[0] ? j->encoding : NULL);
    if (j->mode) gg_jw_kstr(w, "mode", gg_imp_mode_name(j->mode));
    else gg_jw_knull(w, "mode");
    gg_jw_kint(w, "rows_read", (int64_t)j->st.rows_read);
    gg_jw_kint(w, "inserted", (int64_t)j->st.inserted);
    gg_jw_kint(w, "updated", (int64_t)j->st.updated);
    gg_jw_kint(w, "unchanged", (int64_t)j->st.unchanged);
    gg_jw_kint(w, "rejected", (int64_t)j->st.rejected);
    gg_jw_key(w, "progress");
    gg_jw_double(w, j->state == JS_DONE ? 1.0 : j->state == JS_READY ? 0.0 : j->st.progress);
    gg_jw_kbool(w, "report_truncated", j->report_truncated);
    gg_jw_ktime(w, "created_at", j->created_at);
    gg_jw_ktime(w, "started_at", j->started_at);
    gg_jw_ktime(w, "finished_at", j->finished_at);
    if (j->state == JS_FAILED) {
        gg_jw_key(w, "error");
        gg_jw_obj(w);
        gg_jw_kstr(w, "code", j->err.code ? j->err.code : "import_failed");
        gg_jw_kstr(w, "message", j->err.message);
        gg_jw_obj_end(w);
    } else {
        gg_jw_knull(w, "error");
    }
    mapping_json(w, &j->map);
    gg_jw_obj_end(w);
}

typedef struct preview {
    gg_jw *w;
    const gg_imp_map *m;
} preview;

/* ID numbers and phones of the preview are masked: the answer may be
 * logged or cached by a browser; the file itself stays on the server. */
static int preview_row(void *ud, const gg_imp_row *row)
{
    preview *pv = ud;
    gg_jw_obj(pv->w);
    gg_jw_kint(pv->w, "row", (int64_t)row->row);
    gg_jw_key(pv->w, "cells");
    gg_jw_arr(pv->w);
    for (size_t i = 0; i < row->n && i < pv->m->nheaders; i++) {
        const gg_imp_cell *c = &row->cell[i];
        char out[PREVIEW_CELL + 8];
        size_t n = c->len < PREVIEW_CELL ? c->len : PREVIEW_CELL;
        while (n > 0 && n < c->len && ((unsigned char)c->s[n] & 0xC0) == 0x80) n--;
        memcpy(out, c->s, n);
        out[n] = 0;
        char masked[PREVIEW_CELL + 8];
        if ((int)i == pv->m->col[GG_IC_ID_NUMBER] && n) gg_mask(out, 6, 4, masked, sizeof masked);
        else if ((int)i == pv->m->col[GG_IC_PHONE] && n) gg_mask(out, 3, 4, masked, sizeof masked);
        else gg_strlcpy(masked, gg_utf8_valid(out, n, false) ? out : "", sizeof masked);
        gg_jw_str(pv->w, masked);
    }
    gg_jw_arr_end(pv->w);
    gg_jw_obj_end(pv->w);
    return 0;
}

/* ---- POST /api/v1/imports ------------------------------------------------------ */

static int import_open(job *j, gg_req *r)
{
    gg_import *im;
    char p[600];
    snprintf(p, sizeof p, "%s/upload", j->dir);
    int rc = gg_imp_open(p, &im, &r->err);
    if (rc) return rc;
    gg_jw *w = gg_req_json(r, 201);
    gg_jw_obj(w);
    gg_jw_kstr(w, "id", j->id);
    gg_jw_kid(w, "place_id", j->place_id);
    gg_jw_key(w, "preview");
    gg_jw_arr(w);
    preview pv = {w, &j->map};
    rc = gg_imp_header(im, &j->map, PREVIEW_ROWS, preview_row, &pv, &r->err);
    gg_jw_arr_end(w);
    gg_strlcpy(j->format, gg_imp_format_name(im), sizeof j->format);
    gg_strlcpy(j->encoding, gg_imp_encoding(im), sizeof j->encoding);
    gg_imp_close(im);
    if (rc) {
        gg_buf_reset(&r->out);
        return rc < 0 ? rc : GG_EINVAL;
    }
    gg_jw_kstr(w, "state", "ready");
    gg_jw_kstr(w, "format", j->format);
    gg_jw_kstr(w, "encoding", j->encoding[0] ? j->encoding : NULL);
    gg_jw_key(w, "headers");
    gg_jw_arr(w);
    for (size_t i = 0; i < j->map.nheaders; i++) gg_jw_str(w, j->map.header[i]);
    gg_jw_arr_end(w);
    gg_jw_kint(w, "header_row", (int64_t)j->map.header_row);
    mapping_json(w, &j->map);
    gg_jw_key(w, "columns");
    gg_jw_arr(w);
    for (int c = 0; c < GG_IC_COUNT; c++) {
        gg_jw_obj(w);
        gg_jw_kstr(w, "key", gg_imp_col_name(c));
        gg_jw_kstr(w, "label", gg_imp_col_label(c));
        gg_jw_kbool(w, "required", gg_imp_col_required(c));
        gg_jw_obj_end(w);
    }
    gg_jw_arr_end(w);
    gg_jw_obj_end(w);
    return 0;
}

int gg_h_import_create(gg_req *r)
{
    const gg_place *pl = r->obj;
    job *j = gg_calloc(1, sizeof *j);
    if (!j) return GG_ENOMEM;
    unsigned char rnd[16];
    randombytes_buf(rnd, sizeof rnd);
    gg_hex_encode(rnd, sizeof rnd, j->id);
    j->state = JS_READY;
    j->created_at = gg_now_us();
    j->owner = r->who->user_id;
    j->place_id = pl->id;
    j->store = r->store;
    if (strlen(pl->path) >= sizeof j->place_path) {
        gg_free(j);
        return gg_fail(&r->err, GG_ETOOBIG, 422, "invalid_parameter", "place_id", "place too deep");
    }
    gg_strlcpy(j->place_path, pl->path, sizeof j->place_path);
    int rc = job_files(j, r);
    if (!rc) rc = import_open(j, r);
    if (!rc) {
        pthread_mutex_lock(&mu);
        int slot = free_slot(j->created_at);
        if (slot >= 0) jobs[slot] = j;
        pthread_mutex_unlock(&mu);
        if (slot < 0)
            rc = gg_fail(&r->err, GG_EBUSY, 503, "too_many_imports", "",
                         "all %d import slots hold running imports; try again later", MAX_JOBS);
    }
    if (rc) {
        gg_buf_reset(&r->out);
        r->status = 0;
        if (j->dir[0]) rm_job_files(j);
        gg_free(j);
        return rc;
    }
    gg_req_header_add(r, "Location", gg_pprintf(r->pool, "/api/v1/imports/%s", j->id));
    return 0;
}

/* ---- the background run ----------------------------------------------------------- */

static void on_reject(void *ud, const gg_imp_reject *rj)
{
    job *j = ud;
    if (!j->report) return;
    if (j->report_lines >= MAX_REPORT) {
        j->report_truncated = true;
        return;
    }
    json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "row", (json_int_t)rj->row, "column",
                          rj->column ? rj->column : "", "field", rj->field ? rj->field : "",
                          "code", rj->code ? rj->code : "invalid_value", "message", rj->en,
                          "message_zh", rj->zh);
    if (!o) return;
    if (json_dumpf(o, j->report, JSON_COMPACT | JSON_ENSURE_ASCII) == 0) {
        fputc('\n', j->report);
        j->report_lines++;
    }
    json_decref(o);
}

static void on_progress(void *ud, const gg_imp_stats *st)
{
    job *j = ud;
    pthread_mutex_lock(&mu);
    j->st = *st;
    pthread_mutex_unlock(&mu);
    if (j->report) fflush(j->report);
}

static int64_t today_local(void)
{
    int64_t s = gg_now_us() / 1000000 + (int64_t)gg_display_offset_min() * 60;
    return s >= 0 ? s / 86400 : (s - 86399) / 86400;
}

static void *run_thread(void *arg)
{
    job *j = arg;
    char p[600];
    gg_import *im = NULL;
    gg_error e = {0};
    gg_imp_stats st = {0};
    snprintf(p, sizeof p, "%s/upload", j->dir);
    int rc = gg_imp_open(p, &im, &e);
    if (!rc) {
        gg_imp_run_opts o = {.store = j->store, .place_id = j->place_id,
                             .place_path = j->place_path, .mode = j->mode, .actor = j->owner,
                             .today = today_local(), .on_reject = on_reject,
                             .on_progress = on_progress, .ud = j, .cancel = &j->cancel};
        rc = gg_imp_run(im, &j->map, &o, &st, &e);
    }
    gg_imp_close(im);
    if (j->report) {
        fclose(j->report);
        j->report = NULL;
    }
    pthread_mutex_lock(&mu);
    j->st = st;
    j->err = e;
    j->state = rc ? JS_FAILED : JS_DONE;
    j->finished_at = gg_now_us();
    nthreads--;
    pthread_cond_broadcast(&ended);
    pthread_mutex_unlock(&mu);
    gg_log(GG_LOG_INFO, "import %s %s: rows=%llu inserted=%llu updated=%llu unchanged=%llu rejected=%llu",
                j->id, rc ? "failed" : "done", (unsigned long long)st.rows_read,
                (unsigned long long)st.inserted, (unsigned long long)st.updated,
                (unsigned long long)st.unchanged, (unsigned long long)st.rejected);
    return NULL;
}

static const gg_jr_field run_fields[] = {
    {"mode", GG_JR_STRING, false, false, 1, 32},
    {"mapping", GG_JR_OBJECT, false, true, 0, 0},
};

/* Apply the body's mapping ({"id_number": "证件号码", "sex": null}) to m. */
static int apply_mapping(gg_req *r, json_t *mp, gg_imp_map *m)
{
    const char *k;
    json_t *v;
    json_object_foreach(mp, k, v) {
        const char *h = json_is_null(v) ? "" : json_string_value(v);
        if (!h || strlen(h) >= GG_IMP_MAX_HEADER)
            return gg_fail(&r->err, GG_EINVAL, 422, "invalid_mapping", "mapping",
                           "mapping values are header texts, column letters or null");
        int rc = gg_imp_map_set(m, k, h, &r->err);
        if (rc) return rc;
    }
    return gg_imp_map_check(m, &r->err);
}

static int running_count(void)
{
    int n = 0;
    for (int i = 0; i < MAX_JOBS; i++) n += jobs[i] && jobs[i]->state == JS_RUNNING;
    return n;
}

int gg_h_import_run(gg_req *r)
{
    const job *snap = r->obj;
    json_t *b;
    int rc = gg_req_body(r, run_fields, GG_ARRAY_LEN(run_fields), &b);
    if (rc) return rc;
    int mode = gg_imp_mode_parse(gg_jr_str(b, "mode", "all_or_nothing"));
    if (!mode)
        return gg_fail(&r->err, GG_EINVAL, 422, "invalid_value", "mode",
                       "mode is all_or_nothing or keep_good");
    gg_imp_map *m = gg_palloc(r->pool, sizeof *m);
    if (!m) return GG_ENOMEM;
    *m = snap->map; /* the job's map is only written below, under mu, once */
    json_t *mp = json_object_get(b, "mapping");
    rc = mp && !json_is_null(mp) ? apply_mapping(r, mp, m) : gg_imp_map_check(m, &r->err);
    if (rc) return rc;
    char p[600];
    snprintf(p, sizeof p, "%s/errors", snap->dir);
    pthread_mutex_lock(&mu);
    job *j = job_find(snap->id);
    if (!j) rc = gg_fail(&r->err, GG_ENOTFOUND, 404, "not_found", "id", "no such import");
    else if (stopping) rc = gg_fail(&r->err, GG_EBUSY, 503, "shutting_down", "", "the server is shutting down");
    else if (j->state != JS_READY) rc = gg_fail(&r->err, GG_ECONFLICT, 409, "invalid_state", "",
                                           "this import has already run (state %s)",
                                           state_name[j->state]);
    else if (running_count() >= MAX_RUNNING)
        rc = gg_fail(&r->err, GG_EBUSY, 503, "too_many_imports", "",
                     "%d imports are running; try again shortly", MAX_RUNNING);
    else if (!(j->report = fopen(p, "w")))
        rc = gg_fail(&r->err, GG_EIO, 500, "import_io", "", "cannot create the report");
    if (!rc) {
        j->map = *m;
        j->mode = mode;
        j->state = JS_RUNNING;
        j->started_at = gg_now_us();
        pthread_t t;
        pthread_attr_t at;
        pthread_attr_init(&at);
        pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
        if (pthread_create(&t, &at, run_thread, j)) {
            fclose(j->report);
            j->report = NULL;
            j->state = JS_READY;
            rc = gg_fail(&r->err, GG_EBUSY, 503, "unavailable", "", "cannot start the import");
        } else {
            nthreads++;
        }
        pthread_attr_destroy(&at);
    }
    if (!rc) job_json(gg_req_json(r, 202), j);
    pthread_mutex_unlock(&mu);
    if (!rc) gg_req_header_add(r, "Location", gg_pprintf(r->pool, "/api/v1/imports/%s", j->id));
    return rc;
}

int gg_h_import_get(gg_req *r)
{
    const job *j = r->obj;
    pthread_mutex_lock(&mu);
    job_json(gg_req_json(r, 200), j);
    pthread_mutex_unlock(&mu);
    return 0;
}

/* ---- the report ------------------------------------------------------------------ */

static void csv_cell(gg_buf *b, const char *s)
{
    gg_buf_putc(b, '"');
    for (; *s; s++) {
        if (*s == '"') gg_buf_putc(b, '"');
        gg_buf_putc(b, *s);
    }
    gg_buf_putc(b, '"');
}

/* One report line as CSV: row,column,field,code,说明,message */
static void report_csv_line(gg_buf *b, const char *line)
{
    json_error_t je;
    json_t *o = json_loads(line, 0, &je);
    if (!o) return;
    gg_buf_printf(b, "%lld,", (long long)json_integer_value(json_object_get(o, "row")));
    static const char *const keys[] = {"column", "field", "code", "message_zh", "message"};
    for (size_t i = 0; i < GG_ARRAY_LEN(keys); i++) {
        const char *s = json_string_value(json_object_get(o, keys[i]));
        csv_cell(b, s ? s : "");
        gg_buf_puts(b, i + 1 < GG_ARRAY_LEN(keys) ? "," : "\r\n");
    }
    json_decref(o);
}

static int report_csv(gg_req *r, FILE *f, const job *j)
{
    gg_req_status(r, 200);
    gg_buf_puts(&r->out, "\xEF\xBB\xBF行号 row,列 column,字段 field,原因 code,说明,message\r\n");
    char line[4096];
    while (fgets(line, sizeof line, f)) report_csv_line(&r->out, line);
    r->content_type = "text/csv; charset=utf-8";
    gg_req_header_add(r, "Content-Disposition",
                      gg_pprintf(r->pool, "attachment; filename=\"import-%s-errors.csv\"", j->id));
    return 0;
}

static int report_page(gg_req *r, FILE *f)
{
    int limit;
    int64_t off;
    int rc = gg_api_page_num(r, &limit, 0, INT64_MAX, &off);
    if (rc) return rc;
    if (fseeko(f, (off_t)off, SEEK_SET))
        return gg_fail(&r->err, GG_EINVAL, 400, "invalid_cursor", "cursor", "bad cursor");
    gg_jw *w = gg_req_json(r, 200);
    gg_api_list_begin(w);
    char line[4096];
    int n = 0;
    int64_t pos = off;
    while (n < limit && fgets(line, sizeof line, f)) {
        size_t len = strlen(line);
        if (len == 0 || line[len - 1] != '\n') break; /* a line still being written */
        gg_jw_raw(w, line, len - 1);
        pos += (int64_t)len;
        n++;
    }
    bool more = false;
    if (n == limit) {
        int c = fgetc(f);
        more = c != EOF;
    }
    gg_api_list_end(w, r->pool, more ? gg_pprintf(r->pool, "%lld", (long long)pos) : "");
    return 0;
}

int gg_h_import_errors(gg_req *r)
{
    const job *j = r->obj;
    const char *fmt = gg_req_query(r, "format");
    if (fmt && strcmp(fmt, "csv") && strcmp(fmt, "json"))
        return gg_fail(&r->err, GG_EINVAL, 400, "invalid_parameter", "format", "format is json or csv");
    char p[600];
    snprintf(p, sizeof p, "%s/errors", j->dir);
    FILE *f = fopen(p, "r");
    if (!f && errno != ENOENT) return gg_fail(&r->err, GG_EIO, 500, "import_io", "", "cannot read the report");
    if (!f) f = fopen("/dev/null", "r");
    if (!f) return GG_EIO;
    int rc = fmt && strcmp(fmt, "csv") == 0 ? report_csv(r, f, j) : report_page(r, f);
    fclose(f);
    return rc;
}

void gg_imports_stop(int wait_s)
{
    pthread_mutex_lock(&mu);
    stopping = true;
    for (int i = 0; i < MAX_JOBS; i++)
        if (jobs[i] && jobs[i]->state == JS_RUNNING) jobs[i]->cancel = 1;
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += wait_s;
    while (nthreads > 0)
        if (pthread_cond_timedwait(&ended, &mu, &until)) break;
    if (nthreads > 0) gg_log(GG_LOG_WARN, "imports: %d still running at shutdown", nthreads);
    pthread_mutex_unlock(&mu);
}
