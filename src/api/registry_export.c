/*
 * registry_export.c — GET /api/v1/residents/export: the residents under
 * place_id that match the list filters, as .xlsx or .csv (io/export.h), in
 * the importer's columns so the file imports back.
 *
 * ID numbers and phones are masked unless the caller asks for them with
 * unmasked=true and a purpose, and holds the reveal permission; then one
 * audit record (record_type "resident_export", the place as record id,
 * fields "id_number,phone", the purpose and the filters) is committed
 * before any byte of the file is made.
 *
 * The file is built in an unlinked temporary file under the files
 * directory (XLSX by libxlsxwriter in constant-memory mode, CSV through a
 * 1 MiB buffer) and sent from it (gg_req_body_file): memory stays bounded
 * whatever the number of rows; the disk holds the file while it is sent.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/api.h"
#include "api/registry.h"
#include "api/registry_io.h"
#include "core/sealed.h"
#include "core/str.h"
#include "core/timeutil.h"
#include "domain/registry.h"
#include "io/export.h"
#include "store/files.h"

#define CODE_CACHE 64

typedef struct exp_job {
    gg_resident_filter f;
    bool unmasked, xlsx;
    const char *purpose;
    gg_reveal_rec audit;
} exp_job;

typedef struct code_ent {
    int64_t id;
    char code[40];
} code_ent;

typedef struct exp_ctx {
    gg_req *r;
    gg_conn *c;
    gg_pool *scratch;
    code_ent codes[CODE_CACHE];
    gg_xexport *x;
    FILE *csv;          /* CSV: the temporary file, fed from buf */
    gg_buf buf;
    uint64_t rows;
    gg_error err;
} exp_ctx;

static const char *place_code(exp_ctx *x, int64_t id)
{
    code_ent *slot = &x->codes[(uint64_t)id % CODE_CACHE];
    if (slot->id == id) return slot->code;
    gg_place pl;
    if (gg_place_get(x->c, x->scratch, id, &pl)) return "";
    slot->id = id;
    gg_strlcpy(slot->code, pl.code ? pl.code : "", sizeof slot->code);
    return slot->code;
}

static int csv_flush(exp_ctx *x)
{
    if (x->buf.len && fwrite(x->buf.data, 1, x->buf.len, x->csv) != x->buf.len)
        return gg_fail(&x->err, GG_EIO, 507, "storage_full", "", "cannot write the export file");
    gg_buf_reset(&x->buf);
    return 0;
}

static int each_row(void *arg, const gg_resident *res)
{
    exp_ctx *x = arg;
    gg_export_row row;
    gg_export_row_fill(&row, res, place_code(x, res->place_id));
    x->rows++;
    if (x->x) return gg_xexport_row(x->x, &row, &x->err);
    if (gg_export_csv_row(&x->buf, &row))
        return gg_fail(&x->err, GG_ETOOBIG, 413, "export_too_large", "", "a row is too long");
    return x->buf.len >= (1u << 20) ? csv_flush(x) : 0;
}

/* Sends the finished file at path: opened, unlinked (it lives on while
 * open) and handed to the response. */
static int send_file(gg_req *r, const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    unlink(path);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb)) {
        if (fd >= 0) close(fd);
        return gg_fail(&r->err, GG_EIO, 500, "export_io", "", "cannot read the export file");
    }
    return gg_req_body_file(r, fd, (uint64_t)sb.st_size);
}

static int build(gg_req *r, exp_job *j)
{
    exp_ctx *x = gg_pcalloc(r->pool, sizeof *x);
    if (!x) return GG_ENOMEM;
    x->r = r;
    x->c = gg_api_reader(r);
    if (!x->c) return GG_EBUSY;
    const gg_keys *keys;
    int rc = gg_store_keys(r->store, &keys, &r->err);
    if (rc) return rc;
    x->scratch = gg_pool_new(1u << 20);
    if (!x->scratch) return GG_ENOMEM;
    gg_pool_cleanup(r->pool, (void (*)(void *))gg_pool_free, x->scratch);
    char path[512];
    gg_req_status(r, 200);
    mkdir(gg_files_dir(), 0700);
    snprintf(path, sizeof path, "%s/export-XXXXXX", gg_files_dir());
    int fd = mkstemp(path);
    if (fd < 0) return gg_fail(&r->err, GG_EIO, 500, "export_io", "", "cannot create a temporary file");
    if (j->xlsx) {
        close(fd);
        rc = gg_xexport_open(path, gg_files_dir(), &x->x, &r->err);
    } else {
        gg_buf_init(&x->buf, 4u << 20);
        x->csv = fdopen(fd, "wb");
        if (!x->csv) close(fd);
        rc = !x->csv ? gg_fail(&r->err, GG_EIO, 500, "export_io", "", "cannot open the export file")
                     : gg_export_csv_header(&x->buf);
    }
    if (!rc) {
        rc = gg_residents_each(x->c, keys, &j->f, j->unmasked, each_row, x, &r->err);
        if (rc && x->err.code) r->err = x->err;
    }
    if (x->x) {
        int rc2 = gg_xexport_close(x->x, rc ? NULL : &r->err);
        if (!rc) rc = rc2;
    }
    if (x->csv) {
        if (!rc && (rc = csv_flush(x))) r->err = x->err;
        if ((fflush(x->csv) || fsync(fileno(x->csv))) && !rc)
            rc = gg_fail(&r->err, GG_EIO, 507, "storage_full", "", "cannot write the export file");
        fclose(x->csv);
        gg_buf_free(&x->buf);
    }
    if (!rc) rc = send_file(r, path);
    else unlink(path);
    if (rc) return rc;
    r->content_type = j->xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                              : "text/csv; charset=utf-8";
    gg_req_header_add(r, "Content-Disposition",
                      gg_pprintf(r->pool, "attachment; filename=\"residents.%s\"",
                                 j->xlsx ? "xlsx" : "csv"));
    gg_req_header_add(r, "Cache-Control", "no-store");
    gg_req_header_add(r, "X-Gridgov-Rows", gg_pprintf(r->pool, "%llu", (unsigned long long)x->rows));
    return 0;
}

/* ---- query ------------------------------------------------------------------ */

/* The list's filters (gg_api_resident_filter) under the place the scope rule
 * loaded, and the format. */
static int parse_query(gg_req *r, exp_job *j)
{
    int rc = gg_api_resident_filter(r, r->obj, &j->f);
    if (!rc) rc = gg_api_query_bool(r, "unmasked", &j->unmasked);
    if (rc) return rc;
    const char *fmt = gg_req_query(r, "format");
    if (fmt && strcmp(fmt, "xlsx") && strcmp(fmt, "csv"))
        return gg_api_bad_param(r, "format", "format is xlsx or csv");
    j->xlsx = !fmt || strcmp(fmt, "xlsx") == 0;
    return 0;
}

/* ---- reveal: permission, purpose, audit ---------------------------------------- */

static int audit_fn(gg_conn *w, void *arg, gg_error *e)
{
    exp_job *j = arg;
    return gg_reveal_audit(w, &j->audit, e);
}

static int audit_then(gg_req *r)
{
    if (r->w.rc) {
        r->err = r->w.err;
        return r->w.rc;
    }
    return build(r, r->w.arg);
}

static int reveal_check(gg_req *r, exp_job *j)
{
    const char *purpose = gg_req_query(r, "purpose");
    size_t n = purpose ? strlen(purpose) : 0;
    if (n == 0 || n > 500 || !gg_utf8_valid(purpose, n, false) || gg_utf8_len(purpose, n) < 2)
        return gg_fail(&r->err, GG_EINVAL, 422, "purpose_required", "purpose",
                       "an unmasked export needs a purpose (2-200 characters) stating why");
    gg_conn *c = gg_api_reader(r);
    if (!c) return GG_EBUSY;
    if (gg_account_can_reveal(c, r->who->user_id) <= 0)
        return gg_fail(&r->err, GG_EFORBIDDEN, 403, "reveal_not_allowed", "unmasked",
                       "you do not hold the permission to see full ID numbers and phones");
    const gg_place *pl = r->obj;
    j->purpose = purpose;
    j->audit = (gg_reveal_rec){.at = gg_now_us(), .actor_id = r->who->user_id,
                               .record_id = pl->id, .record_type = "resident_export",
                               .field = "id_number,phone", .purpose = purpose, .ip = r->ip};
    return 0;
}

int gg_h_residents_export(gg_req *r)
{
    exp_job *j = gg_pcalloc(r->pool, sizeof *j);
    if (!j) return GG_ENOMEM;
    int rc = parse_query(r, j);
    if (rc) return rc;
    if (!j->unmasked) return build(r, j);
    if ((rc = reveal_check(r, j))) return rc;
    return gg_req_defer(r, audit_fn, j, audit_then);
}
