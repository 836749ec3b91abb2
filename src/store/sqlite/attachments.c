/*
 * attachments.c — which photos belong to which case, in SQLite.
 */
#include <string.h>

#include "store/sqlite/db_int.h"

static const char SQL_FILE[] =
    "INSERT OR IGNORE INTO attachment (sha256, mime, size, created_at) VALUES (?1, ?2, ?3, ?4)";
static const char SQL_LINK[] =
    "INSERT INTO case_attachment (case_id, sha256, phase, name, uploaded_by, at, region) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
#define COLS                                                                              \
    "ca.id, ca.case_id, coalesce(ca.uploaded_by, 0), ca.at, a.size, ca.sha256, a.mime, " \
    "ca.phase, ca.name FROM case_attachment ca JOIN attachment a ON a.sha256 = ca.sha256"
static const char SQL_GET[] = "SELECT " COLS " WHERE ca.case_id = ?1 AND ca.id = ?2";
static const char SQL_LIST[] = "SELECT " COLS " WHERE ca.case_id = ?1 ORDER BY ca.id LIMIT 200";
static const char SQL_FIND[] = "SELECT " COLS " WHERE ca.case_id = ?1 AND ca.sha256 = ?2 "
                                "AND ca.phase = ?3 ORDER BY ca.id LIMIT 1";
static const char SQL_COUNT[] = "SELECT count(*) FROM case_attachment WHERE case_id = ?1";

int gg_attachment_insert(gg_conn *w, gg_attachment_rec *a, const char *region, gg_error *e)
{
    sqlite3_stmt *st = gg_stmt(w, SQL_FILE);
    if (!st) return gg_sqlite_fail(w, SQLITE_ERROR, e, "attachment");
    gg_bind_text(st, 1, a->sha256);
    gg_bind_text(st, 2, a->mime);
    sqlite3_bind_int64(st, 3, a->size);
    sqlite3_bind_int64(st, 4, a->at);
    int rc = gg_stmt_run(w, st, e, "attachment");
    if (rc) return rc;
    if (!(st = gg_stmt(w, SQL_LINK))) return gg_sqlite_fail(w, SQLITE_ERROR, e, "attachment");
    sqlite3_bind_int64(st, 1, a->case_id);
    gg_bind_text(st, 2, a->sha256);
    gg_bind_text(st, 3, a->phase);
    gg_bind_text(st, 4, a->name);
    if (a->uploaded_by) sqlite3_bind_int64(st, 5, a->uploaded_by);
    sqlite3_bind_int64(st, 6, a->at);
    gg_bind_text(st, 7, region);
    rc = gg_stmt_run(w, st, e, "attachment");
    if (!rc) a->id = sqlite3_last_insert_rowid(w->db);
    return rc;
}

static void row(gg_pool *p, sqlite3_stmt *st, gg_attachment_rec *a)
{
    a->id = sqlite3_column_int64(st, 0);
    a->case_id = sqlite3_column_int64(st, 1);
    a->uploaded_by = sqlite3_column_int64(st, 2);
    a->at = sqlite3_column_int64(st, 3);
    a->size = sqlite3_column_int64(st, 4);
    a->sha256 = gg_col_text(p, st, 5);
    a->mime = gg_col_text(p, st, 6);
    a->phase = gg_col_text(p, st, 7);
    a->name = gg_col_text(p, st, 8);
}

int gg_attachment_get(gg_conn *c, gg_pool *p, int64_t case_id, int64_t id, gg_attachment_rec *out)
{
    sqlite3_stmt *st = gg_stmt(c, SQL_GET);
    if (!st) return GG_EIO;
    sqlite3_bind_int64(st, 1, case_id);
    sqlite3_bind_int64(st, 2, id);
    int src = sqlite3_step(st);
    if (src == SQLITE_ROW) row(p, st, out);
    sqlite3_reset(st);
    return src == SQLITE_ROW ? 0 : src == SQLITE_DONE ? GG_ENOTFOUND : GG_EIO;
}

int gg_attachment_list(gg_conn *c, gg_pool *p, int64_t case_id, gg_attachment_rec **rows, int *n)
{
    sqlite3_stmt *st = gg_stmt(c, SQL_LIST);
    if (!st) return GG_EIO;
    gg_attachment_rec *out = gg_pcalloc(p, sizeof *out * 200);
    if (!out) return GG_ENOMEM;
    sqlite3_bind_int64(st, 1, case_id);
    int k = 0;
    while (k < 200 && sqlite3_step(st) == SQLITE_ROW) row(p, st, &out[k++]);
    sqlite3_reset(st);
    *rows = out;
    *n = k;
    return 0;
}

int64_t gg_attachment_count(gg_conn *c, int64_t case_id)
{
    sqlite3_stmt *st = gg_stmt(c, SQL_COUNT);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, case_id);
    int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_reset(st);
    return v;
}

/* The photo already uploaded to the case at this phase (the web UI's
 * offline retry, #4). */
int gg_attachment_find(gg_conn *c, gg_pool *p, int64_t case_id, const char *sha256,
                       const char *phase, gg_attachment_rec *a)
{
    sqlite3_stmt *st = gg_stmt(c, SQL_FIND);
    if (!st) return GG_EIO;
    sqlite3_bind_int64(st, 1, case_id);
    gg_bind_text(st, 2, sha256);
    gg_bind_text(st, 3, phase);
    int src = sqlite3_step(st);
    if (src == SQLITE_ROW) row(p, st, a);
    sqlite3_reset(st);
    return src == SQLITE_ROW ? 0 : src == SQLITE_DONE ? GG_ENOTFOUND : GG_EIO;
}
