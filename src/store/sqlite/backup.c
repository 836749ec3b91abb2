/*
 * backup.c — online backup and restore of the SQLite store (gridgov backup /
 * gridgov restore). Runs in the CLI's own process, beside or instead of a
 * server, on plain sqlite3 connections (no gg_store: nothing is migrated).
 *
 * Backup: the SQLite online backup API, from a read-only connection. The
 * source is held in one read transaction while one backup step copies every
 * page, so the copy is the snapshot of one commit however fast the server
 * writes (WAL: the reader never blocks the writer). The copy is written to a
 * temporary file beside the destination, integrity-checked, fsync'ed and
 * renamed; a failed backup leaves the destination as it was.
 *
 * Restore: the file is copied beside the database, checked there (SQLite
 * header, PRAGMA integrity_check, schema version), fsync'ed, and renamed over
 * the database while this process holds SQLite's exclusive lock on it. The
 * lock is how a running server is detected: in WAL mode every connection
 * keeps a SHARED lock on the database file for as long as it is open, so
 * taking EXCLUSIVE (locking_mode=EXCLUSIVE, busy timeout 0) fails at once
 * while a server (or any other gridgov process) has the database open.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/timeutil.h"
#include "store/sqlite/db_int.h"

#define BUSY_RETRIES 100 /* x 50 ms: the source busy (WAL recovery) or locked */

static void nap_ms(int ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static int io_fail(gg_error *e, const char *what, const char *path)
{
    return gg_fail(e, GG_EIO, 500, "io_error", "", "%s %s: %s", what, path, strerror(errno));
}

static int db_fail(sqlite3 *db, int src, gg_error *e, const char *what, const char *path)
{
    const char *msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(src);
    if ((src & 0xff) == SQLITE_NOTADB)
        return gg_fail(e, GG_EINVAL, 400, "not_a_database", "", "%s is not a SQLite database",
                       path);
    if ((src & 0xff) == SQLITE_CORRUPT)
        return gg_fail(e, GG_EINVAL, 400, "corrupt", "", "%s is damaged: %s", path, msg);
    return gg_fail(e, GG_EIO, 500, "io_error", "", "%s %s: %s", what, path, msg);
}

static void unlink_sidecars(const char *path)
{
    char p[4096];
    snprintf(p, sizeof p, "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", path);
    unlink(p);
    snprintf(p, sizeof p, "%s-journal", path);
    unlink(p);
}

/* fsync a file, or the directory holding path (so a rename is durable). */
static int fsync_path(const char *path, bool parent, gg_error *e)
{
    char dir[4096];
    const char *target = path;
    if (parent) {
        const char *slash = strrchr(path, '/');
        if (!slash)
            snprintf(dir, sizeof dir, ".");
        else if (slash == path)
            snprintf(dir, sizeof dir, "/");
        else
            snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
        target = dir;
    }
    int fd = open(target, (parent ? O_RDONLY | O_DIRECTORY : O_RDWR) | O_CLOEXEC);
    if (fd < 0) return io_fail(e, "cannot open", target);
    int rc = fsync(fd) == 0 ? 0 : io_fail(e, "cannot fsync", target);
    close(fd);
    return rc;
}

static int64_t file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (int64_t)st.st_size : -1;
}

static int pragma_int(sqlite3 *db, const char *sql, int64_t *out)
{
    sqlite3_stmt *st = NULL;
    int src = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (src == SQLITE_OK) {
        src = sqlite3_step(st);
        if (src == SQLITE_ROW) {
            *out = sqlite3_column_int64(st, 0);
            src = SQLITE_OK;
        }
    }
    sqlite3_finalize(st);
    return src;
}

/* PRAGMA integrity_check, page size, page count and schema version of an
 * open database; the first problem the check reports goes into e. */
static int check_db(sqlite3 *db, const char *label, gg_backup_info *info, gg_error *e)
{
    sqlite3_stmt *st = NULL;
    int src = sqlite3_prepare_v2(db, "PRAGMA integrity_check(20)", -1, &st, NULL);
    if (src != SQLITE_OK) return db_fail(db, src, e, "cannot check", label);
    int rc = 0, problems = 0;
    char first[160] = "";
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        const char *row = (const char *)sqlite3_column_text(st, 0);
        if (!row || strcmp(row, "ok") == 0) continue;
        /* a row may hold several problems, one a line, after a "*** in database" line */
        for (const char *l = row; *l;) {
            const char *nl = strchr(l, '\n');
            int len = nl ? (int)(nl - l) : (int)strlen(l);
            if (len > 0 && strncmp(l, "***", 3) != 0 && !problems++)
                snprintf(first, sizeof first, "%.*s", len, l);
            l += len + (nl ? 1 : 0);
        }
    }
    if (src != SQLITE_DONE) rc = db_fail(db, src, e, "cannot check", label);
    sqlite3_finalize(st);
    if (rc) return rc;
    if (problems)
        return gg_fail(e, GG_EINVAL, 400, "corrupt", "",
                       "%s fails the integrity check (%d%s problem%s; first: %s)", label, problems,
                       problems >= 20 ? " or more" : "", problems == 1 ? "" : "s", first);
    int64_t psize = 0, pages = 0, schema = 0;
    if ((src = pragma_int(db, "PRAGMA page_size", &psize)) != SQLITE_OK ||
        (src = pragma_int(db, "PRAGMA page_count", &pages)) != SQLITE_OK ||
        (src = pragma_int(db, "PRAGMA user_version", &schema)) != SQLITE_OK)
        return db_fail(db, src, e, "cannot read", label);
    info->page_size = (int)psize;
    info->pages = pages;
    info->schema = (int)schema;
    return 0;
}

/* ---- backup ---- */

/* Copy every page of src into dst inside one read transaction of src. */
static int copy_snapshot(sqlite3 *src, sqlite3 *dst, const char *db, gg_error *e)
{
    int rc = 0, s = SQLITE_OK;
    for (int i = 0; i < BUSY_RETRIES; i++) {
        s = sqlite3_exec(src, "BEGIN; SELECT count(*) FROM sqlite_master;", NULL, NULL, NULL);
        if ((s & 0xff) != SQLITE_BUSY && (s & 0xff) != SQLITE_LOCKED) break;
        sqlite3_exec(src, "ROLLBACK", NULL, NULL, NULL);
        nap_ms(50);
    }
    if (s != SQLITE_OK) return db_fail(src, s, e, "cannot read", db);
    sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
    if (!b) {
        rc = db_fail(dst, sqlite3_errcode(dst), e, "cannot start the backup of", db);
        goto out;
    }
    for (int i = 0; i < BUSY_RETRIES; i++) {
        s = sqlite3_backup_step(b, -1); /* -1: every page, in this one snapshot */
        if (s != SQLITE_BUSY && s != SQLITE_LOCKED) break;
        nap_ms(50);
    }
    int fin = sqlite3_backup_finish(b);
    if (s != SQLITE_DONE)
        rc = db_fail(src, s, e, "cannot copy", db);
    else if (fin != SQLITE_OK)
        rc = db_fail(dst, fin, e, "cannot write the copy of", db);
out:
    sqlite3_exec(src, "COMMIT", NULL, NULL, NULL);
    return rc;
}

int gg_store_backup(const char *db, const char *dest, bool force, gg_backup_info *out, gg_error *e)
{
    int64_t t0 = gg_mono_us();
    sqlite3 *src = NULL, *dst = NULL;
    char tmp[4096];
    gg_backup_info info = {0};
    int rc = 0;
    struct stat st;
    if (stat(db, &st) != 0)
        return gg_fail(e, GG_ENOTFOUND, 404, "not_found", "", "no database at %s", db);
    if (!force && lstat(dest, &st) == 0)
        return gg_fail(e, GG_ECONFLICT, 409, "exists", "", "%s exists (use --force to replace it)",
                       dest);
    if (snprintf(tmp, sizeof tmp, "%s.tmp-%ld", dest, (long)getpid()) >= (int)sizeof tmp)
        return gg_fail(e, GG_EINVAL, 400, "bad_path", "", "path too long: %s", dest);
    unlink(tmp);
    unlink_sidecars(tmp);
    int s = sqlite3_open_v2(db, &src, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
    if (s != SQLITE_OK) {
        rc = db_fail(src, s, e, "cannot open", db);
        goto fail;
    }
    sqlite3_busy_timeout(src, 5000);
    s = sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL);
    if (s != SQLITE_OK) {
        rc = db_fail(dst, s, e, "cannot create", tmp);
        goto fail;
    }
    chmod(tmp, 0600); /* people's personal data */
    sqlite3_busy_timeout(dst, 5000);
    sqlite3_exec(dst, "PRAGMA synchronous=FULL", NULL, NULL, NULL);
    rc = copy_snapshot(src, dst, db, e);
    sqlite3_close(src);
    src = NULL;
    if (rc) goto fail;
    /* check what reached the file, through a fresh connection */
    sqlite3_close(dst);
    dst = NULL;
    s = sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
    if (s != SQLITE_OK) {
        rc = db_fail(dst, s, e, "cannot reopen", tmp);
        goto fail;
    }
    rc = check_db(dst, "the copy", &info, e);
    sqlite3_close(dst); /* last connection: its -wal and -shm go with it */
    dst = NULL;
    if (rc) goto fail;
    if ((rc = fsync_path(tmp, false, e))) goto fail;
    if (force) unlink_sidecars(dest); /* never pair the new file with the old one's log */
    if (rename(tmp, dest) != 0) {
        rc = io_fail(e, "cannot rename the copy to", dest);
        goto fail;
    }
    if ((rc = fsync_path(dest, true, e))) return rc;
    info.bytes = file_size(dest);
    info.micros = gg_mono_us() - t0;
    if (out) *out = info;
    return 0;
fail:
    sqlite3_close(src);
    sqlite3_close(dst);
    unlink(tmp);
    unlink_sidecars(tmp);
    return rc;
}

/* ---- restore ---- */

/* Copy src to a new file tmp (0600) and fsync it. */
static int copy_file(const char *src, const char *tmp, gg_error *e)
{
    char buf[1 << 16];
    int rc = 0, in = open(src, O_RDONLY | O_CLOEXEC), outfd = -1;
    if (in < 0) return io_fail(e, "cannot open", src);
    outfd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (outfd < 0) {
        rc = io_fail(e, "cannot create", tmp);
        goto out;
    }
    for (;;) {
        ssize_t n = read(in, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            rc = io_fail(e, "cannot read", src);
            goto out;
        }
        if (n == 0) break;
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write(outfd, buf + off, (size_t)(n - off));
            if (w < 0 && errno == EINTR) continue;
            if (w < 0) {
                rc = io_fail(e, "cannot write", tmp);
                goto out;
            }
            off += w;
        }
    }
    if (fsync(outfd) != 0) rc = io_fail(e, "cannot fsync", tmp);
out:
    close(in);
    if (outfd >= 0) close(outfd);
    return rc;
}

/* Is the file a gridgov database this binary can serve? Checked on the copy
 * that will be installed, so what is checked is what is restored. */
static int check_restorable(const char *tmp, const char *label, gg_backup_info *info, gg_error *e)
{
    char head[16] = {0};
    int fd = open(tmp, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return io_fail(e, "cannot open", tmp);
    ssize_t n = read(fd, head, sizeof head);
    close(fd);
    /* SQLite takes an empty file for an empty database: say what it is */
    if (n != (ssize_t)sizeof head || memcmp(head, "SQLite format 3", 16) != 0)
        return gg_fail(e, GG_EINVAL, 400, "not_a_database", "",
                       "%s is not a SQLite database (no SQLite header)", label);
    sqlite3 *db = NULL;
    int s = sqlite3_open_v2(tmp, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
    int rc =
        s == SQLITE_OK ? check_db(db, label, info, e) : db_fail(db, s, e, "cannot open", label);
    sqlite3_close(db);
    if (rc) return rc;
    int64_t size = file_size(tmp);
    if (size >= 0 && size < info->pages * (int64_t)info->page_size)
        return gg_fail(e, GG_EINVAL, 400, "corrupt", "",
                       "%s is truncated (%lld bytes, its header says %lld pages of %d)", label,
                       (long long)size, (long long)info->pages, info->page_size);
    if (info->schema <= 0)
        return gg_fail(e, GG_EINVAL, 400, "not_gridgov", "",
                       "%s is a SQLite database but not a gridgov one (schema version 0)", label);
    if (info->schema > gg_store_schema_latest())
        return gg_fail(e, GG_EINVAL, 400, "schema_newer", "",
                       "%s has schema %d, newer than this binary's %d: restore it with a newer "
                       "gridgov",
                       label, info->schema, gg_store_schema_latest());
    return 0;
}

/* Take SQLite's exclusive lock on db without waiting, keeping it until *lock
 * is closed. The WAL is opened in heap memory (no -shm) and kept on close
 * (PERSIST_WAL), so closing after the rename touches no file by name. */
static int lock_db(const char *db, sqlite3 **lock, gg_error *e)
{
    int one = 1;
    int s = sqlite3_open_v2(db, lock, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
    if (s == SQLITE_OK) {
        sqlite3_file_control(*lock, "main", SQLITE_FCNTL_PERSIST_WAL, &one);
        sqlite3_busy_timeout(*lock, 0);
        s = sqlite3_exec(*lock,
                         "PRAGMA locking_mode=EXCLUSIVE; SELECT count(*) FROM sqlite_master;", NULL,
                         NULL, NULL);
    }
    if (s == SQLITE_OK) return 0;
    if ((s & 0xff) == SQLITE_BUSY || (s & 0xff) == SQLITE_LOCKED)
        return gg_fail(e, GG_EBUSY, 503, "in_use", "",
                       "%s is in use by another process (a running server?): stop it first", db);
    /* A damaged database cannot be locked through SQLite, yet replacing it is
     * what restore is for: then ask the kernel whether anyone holds SQLite's
     * lock bytes (PENDING_BYTE 0x40000000 .. the shared range) instead. */
    sqlite3_close(*lock);
    *lock = NULL;
    int fd = open(db, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return io_fail(e, "cannot open", db);
    struct flock fl = {
        .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0x40000000, .l_len = 512 + 2};
    int busy = fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK;
    close(fd);
    if (busy)
        return gg_fail(e, GG_EBUSY, 503, "in_use", "",
                       "%s is in use by another process (a running server?): stop it first", db);
    return 0;
}

int gg_store_restore(const char *src, const char *db, gg_backup_info *out, gg_error *e)
{
    int64_t t0 = gg_mono_us();
    char tmp[4096], side[4096];
    gg_backup_info info = {0};
    sqlite3 *lock = NULL;
    struct stat st;
    int rc = 0;
    if (stat(src, &st) != 0)
        return gg_fail(e, GG_ENOTFOUND, 404, "not_found", "", "no file at %s", src);
    if (!S_ISREG(st.st_mode))
        return gg_fail(e, GG_EINVAL, 400, "not_a_file", "", "%s is not a regular file", src);
    snprintf(side, sizeof side, "%s-wal", src);
    if (file_size(side) > 0)
        return gg_fail(e, GG_EINVAL, 400, "live_database", "",
                       "%s has a write-ahead log beside it (%s): it is a live database, not a "
                       "backup; make one with 'gridgov backup'",
                       src, side);
    if (snprintf(tmp, sizeof tmp, "%s.restore-%ld", db, (long)getpid()) >= (int)sizeof tmp)
        return gg_fail(e, GG_EINVAL, 400, "bad_path", "", "path too long: %s", db);
    unlink(tmp);
    unlink_sidecars(tmp);
    if ((rc = copy_file(src, tmp, e))) goto fail;
    if ((rc = check_restorable(tmp, src, &info, e))) goto fail;
    if (stat(db, &st) == 0 && (rc = lock_db(db, &lock, e))) goto fail;
    unlink_sidecars(db); /* stale: they belong to the file being replaced */
    if (rename(tmp, db) != 0) {
        rc = io_fail(e, "cannot rename the restored copy to", db);
        goto fail;
    }
    rc = fsync_path(db, true, e);
    sqlite3_close(lock);
    if (rc) return rc;
    info.bytes = file_size(db);
    info.micros = gg_mono_us() - t0;
    if (out) *out = info;
    return 0;
fail:
    sqlite3_close(lock);
    unlink(tmp);
    unlink_sidecars(tmp);
    return rc;
}
