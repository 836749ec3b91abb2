/*
 * db.c — opening the SQLite store: connections with their pragmas, the
 * per-connection prepared-statement cache, per-thread reader connections,
 * and migrations.
 *
 * Every connection runs in WAL mode with synchronous=FULL, foreign keys on
 * and a busy timeout (readers never block the writer in WAL; the timeout
 * only covers checkpoints). The writer connection belongs to the writer
 * thread alone; reader connections belong to the thread that opened them.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/log.h"
#include "core/str.h"
#include "core/timeutil.h"
#include "store/migrate.h"
#include "store/sqlite/db_int.h"

/* The errno of the last failed system call on the write-ahead log or the
 * database file: SQLite keeps one per file (it stays until the next failure
 * on that file), while 3.40 passes none on for a failed COMMIT. */
static int file_errno(sqlite3 *db)
{
    int n = 0;
    sqlite3_file *log = NULL;
    sqlite3_file_control(db, "main", SQLITE_FCNTL_JOURNAL_POINTER, &log);
    if (log && log->pMethods) log->pMethods->xFileControl(log, SQLITE_FCNTL_LAST_ERRNO, &n);
    if (!n) sqlite3_file_control(db, "main", SQLITE_FCNTL_LAST_ERRNO, &n);
    return n;
}

/* SQLite reports a write the file system refused (EROFS from a read-only
 * or error-remounted file system, EPERM from an immutable file) as a plain
 * I/O error; errno tells the operator's problem (full, read-only: the same
 * answer as SQLITE_FULL and SQLITE_READONLY) from the server's own. */
static int storage_class(gg_conn *c, int src)
{
    int prim = src & 0xff;
    if ((prim != SQLITE_IOERR && prim != SQLITE_CANTOPEN) || !c || !c->db) return prim;
    int sys = sqlite3_system_errno(c->db);
    if (!sys) sys = file_errno(c->db);
    if (sys == ENOSPC || sys == EDQUOT) return SQLITE_FULL;
    if (sys == EROFS || sys == EPERM || sys == EACCES) return SQLITE_READONLY;
    return prim;
}

int gg_sqlite_fail(gg_conn *c, int src, gg_error *e, const char *what)
{
    int ext = c && c->db ? sqlite3_extended_errcode(c->db) : src;
    const char *msg = c && c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(src);
    int cls = storage_class(c, src);
    if (cls == SQLITE_CONSTRAINT) {
        return gg_fail(e, GG_ECONFLICT, 409, "conflict", "", "%s: %s", what, msg);
    }
    if (cls == SQLITE_BUSY || cls == SQLITE_LOCKED) {
        return gg_fail(e, GG_EBUSY, 503, "busy", "", "%s: database busy", what);
    }
    if (cls == SQLITE_FULL) {
        gg_error_log("store: %s: disk full (%d)", what, ext);
        return gg_fail(e, GG_EIO, 507, "storage_full", "", "the server's storage is full");
    }
    if (cls == SQLITE_READONLY) {
        gg_error_log("store: %s: database is read-only (%d)", what, ext);
        return gg_fail(e, GG_EIO, 503, "storage_readonly", "", "the server's storage is read-only");
    }
    gg_error_log("store: %s: %s (%d)", what, msg, ext);
    return gg_fail(e, GG_EIO, 500, "internal", "", "storage error");
}

static int conn_pragmas(gg_conn *c, gg_error *e)
{
    static const char *const pragmas =
        "PRAGMA journal_mode=WAL;"
        "PRAGMA synchronous=FULL;"
        "PRAGMA foreign_keys=ON;"
        "PRAGMA temp_store=MEMORY;"
        "PRAGMA cache_size=-16000;";
    sqlite3_busy_timeout(c->db, 5000);
    return gg_exec(c, pragmas, e);
}

int gg_conn_open(gg_store *s, bool writer, gg_conn **out, gg_error *e)
{
    int rc = GG_ENOMEM;
    gg_conn *c = gg_calloc(1, sizeof *c);
    if (!c) return gg_fail(e, GG_ENOMEM, 503, "out_of_memory", "", "out of memory");
    c->writer = writer;
    c->store = s;
    int flags = SQLITE_OPEN_NOMUTEX | (writer ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
                                              : SQLITE_OPEN_READONLY);
    int src = sqlite3_open_v2(s->path, &c->db, flags, NULL);
    if (src != SQLITE_OK) {
        rc = gg_fail(e, GG_EIO, 500, "internal", "", "cannot open database %s: %s", s->path,
                     c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(src));
        goto fail;
    }
    sqlite3_extended_result_codes(c->db, 1);
    /* SQLite quietly opens a file it may not write read-only; the writer
     * would then fail on its first statement with a less helpful word */
    if (writer && sqlite3_db_readonly(c->db, "main") == 1) {
        rc = gg_fail(e, GG_EIO, 503, "storage_readonly", "",
                     "database %s is read-only: the server must be able to write to it "
                     "(check the mount and the file's permissions)",
                     s->path);
        goto fail;
    }
    if (writer) {
        rc = conn_pragmas(c, e);
    } else {
        sqlite3_busy_timeout(c->db, 5000);
        rc = gg_exec(c, "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;", e);
    }
    if (rc) goto fail;
    *out = c;
    return 0;
fail:
    gg_conn_close(c);
    return rc;
}

void gg_conn_close(gg_conn *c)
{
    if (!c) return;
    for (int i = 0; i < GG_STMT_CACHE; i++) {
        if (c->cache[i].st) sqlite3_finalize(c->cache[i].st);
    }
    gg_free(c->ev);
    if (c->db) sqlite3_close(c->db);
    gg_free(c);
}

sqlite3_stmt *gg_stmt(gg_conn *c, const char *sql)
{
    uintptr_t h = ((uintptr_t)sql >> 3) * 2654435761u;
    for (int probe = 0; probe < GG_STMT_CACHE; probe++) {
        int i = (int)((h + (uintptr_t)probe) % GG_STMT_CACHE);
        if (c->cache[i].sql == sql) {
            sqlite3_stmt *st = c->cache[i].st;
            sqlite3_reset(st);
            sqlite3_clear_bindings(st);
            return st;
        }
        if (!c->cache[i].sql) {
            sqlite3_stmt *st = NULL;
            int src = sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
            if (src != SQLITE_OK) {
                gg_error_log("store: prepare failed: %s: %.120s", sqlite3_errmsg(c->db), sql);
                return NULL;
            }
            c->cache[i].sql = sql;
            c->cache[i].st = st;
            return st;
        }
    }
    gg_error_log("store: statement cache full");
    return NULL;
}

int gg_stmt_run(gg_conn *c, sqlite3_stmt *st, gg_error *e, const char *what)
{
    if (!st) return gg_sqlite_fail(c, sqlite3_errcode(c->db), e, what);
    int src = sqlite3_step(st);
    sqlite3_reset(st);
    return src == SQLITE_DONE ? 0 : gg_sqlite_fail(c, src, e, what);
}

int gg_exec(gg_conn *c, const char *sql, gg_error *e)
{
    char *err = NULL;
    int src = sqlite3_exec(c->db, sql, NULL, NULL, &err);
    if (src != SQLITE_OK) {
        int rc = gg_sqlite_fail(c, src, e, "exec");
        gg_error_log("store: exec failed: %s", err ? err : "?");
        sqlite3_free(err);
        return rc;
    }
    return 0;
}

const char *gg_col_text(gg_pool *p, sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    if (!t) return NULL;
    return gg_pstrndup(p, (const char *)t, (size_t)sqlite3_column_bytes(st, col));
}

int gg_bind_text(sqlite3_stmt *st, int i, const char *s)
{
    if (!s) return sqlite3_bind_null(st, i);
    return sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

void gg_bind_path_range(sqlite3_stmt *st, int i, const char *root)
{
    char upper[512]; /* a place path is at most 511 bytes (places.c) */
    size_t n = gg_strlcpy(upper, root, sizeof upper);
    if (n > 0 && n < sizeof upper && upper[n - 1] == '/') upper[n - 1] = '0';
    gg_bind_text(st, i, root);
    gg_bind_text(st, i + 1, upper);
}

const char *gg_paths_json(gg_pool *p, const char *const *paths, int n)
{
    if (n > 0 && !paths) return NULL;
    gg_buf b;
    gg_buf_init(&b, 64 * 1024);
    gg_buf_putc(&b, '[');
    for (int i = 0; i < n; i++) gg_buf_printf(&b, "%s\"%s\"", i ? "," : "", paths[i]);
    gg_buf_putc(&b, ']');
    const char *out = b.data ? gg_pstrndup(p, b.data, b.len) : NULL;
    gg_buf_free(&b);
    return out;
}

/* ---- readers ---- */

gg_conn *gg_store_reader(gg_store *s)
{
    gg_conn *c = pthread_getspecific(s->reader_key);
    if (c) return c;
    gg_error e;
    if (gg_conn_open(s, false, &c, &e)) {
        gg_error_log("store: reader open failed: %s", e.message);
        return NULL;
    }
    pthread_mutex_lock(&s->readers_mu);
    c->next_reader = s->readers;
    s->readers = c;
    pthread_mutex_unlock(&s->readers_mu);
    pthread_setspecific(s->reader_key, c);
    return c;
}

/* ---- migrations ---- */

int gg_store_schema_latest(void)
{
    int n = 0;
    for (const gg_migration *m = gg_migrations_sqlite; m->sql; m++) n = m->number;
    return n;
}

static int schema_version(gg_conn *c)
{
    sqlite3_stmt *st = NULL;
    int v = 0;
    if (sqlite3_prepare_v2(c->db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

int gg_store_schema_version(gg_store *s) { return s->schema; }

/* Each migration runs in its own transaction together with the version bump,
 * so a crash leaves the schema at a whole number. Runs before the writer
 * thread starts (or while it is stopped), on the writer connection. */
int gg_store_migrate(gg_store *s, int *applied, gg_error *e)
{
    int have = schema_version(s->wconn), n = 0;
    for (const gg_migration *m = gg_migrations_sqlite; m->sql; m++) {
        if (m->number <= have) continue;
        char bump[64];
        snprintf(bump, sizeof bump, "PRAGMA user_version=%d;", m->number);
        int rc = gg_exec(s->wconn, "BEGIN IMMEDIATE", e);
        if (!rc) rc = gg_exec(s->wconn, m->sql, e);
        if (!rc) rc = gg_exec(s->wconn, bump, e);
        if (!rc) rc = gg_exec(s->wconn, "COMMIT", e);
        if (rc) {
            gg_exec(s->wconn, "ROLLBACK", NULL);
            gg_error_log("store: migration %s failed", m->name);
            return rc;
        }
        gg_info("store: applied migration %s", m->name);
        n++;
    }
    if (applied) *applied = n;
    s->schema = schema_version(s->wconn);
    return 0;
}

/* ---- open / close ---- */

int gg_store_open(const char *path, const gg_store_opts *o, gg_store **out, gg_error *e)
{
    int rc = GG_ENOMEM;
    gg_store *s = gg_calloc(1, sizeof *s);
    if (!s) return gg_fail(e, rc, 503, "out_of_memory", "", "out of memory");
    s->path = gg_strndup(path, strlen(path));
    if (!s->path) goto fail;
    if (o) s->opts = *o;
    if (s->opts.max_batch <= 0) s->opts.max_batch = 256;
    if (s->opts.max_queue <= 0) s->opts.max_queue = 10000;
    pthread_mutex_init(&s->readers_mu, NULL);
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    pthread_cond_init(&s->idle_cv, NULL);
    pthread_key_create(&s->reader_key, NULL);
    rc = gg_conn_open(s, true, &s->wconn, e);
    if (rc) goto fail;
    if (s->opts.migrate) {
        rc = gg_store_migrate(s, NULL, e);
        if (rc) goto fail;
    } else if (schema_version(s->wconn) < gg_store_schema_latest()) {
        rc = gg_fail(e, GG_EINVAL, 500, "schema_outdated", "",
                     "database schema is at %d, this binary needs %d: run 'gridgov migrate'",
                     schema_version(s->wconn), gg_store_schema_latest());
        goto fail;
    }
    s->schema = schema_version(s->wconn);
    rc = gg_writer_start(s, e);
    if (rc) goto fail;
    *out = s;
    return 0;
fail:
    gg_store_close(s);
    return rc;
}

void gg_store_close(gg_store *s)
{
    if (!s) return;
    gg_writer_stop(s);
    pthread_mutex_lock(&s->readers_mu);
    gg_conn *c = s->readers;
    s->readers = NULL;
    pthread_mutex_unlock(&s->readers_mu);
    while (c) {
        gg_conn *next = c->next_reader;
        gg_conn_close(c);
        c = next;
    }
    if (s->wconn) {
        gg_exec(s->wconn, "PRAGMA wal_checkpoint(TRUNCATE);", NULL);
        gg_conn_close(s->wconn);
    }
    pthread_key_delete(s->reader_key);
    pthread_mutex_destroy(&s->readers_mu);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cv);
    pthread_cond_destroy(&s->idle_cv);
    gg_free(s->path);
    gg_free(s);
}
