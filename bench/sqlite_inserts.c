/*
 * sqlite_inserts.c — the floor under bench/cases.sh: how many rows per
 * second plain SQLite makes durable on this machine, with nothing else
 * around it (no HTTP, no JSON, no engine, no flow log, no rollups, no FTS).
 *
 *   sqlite_inserts DB BATCH SECONDS
 *
 * Inserts rows shaped like a case (the text and integer columns a case row
 * carries, about 600 bytes) into a fresh table in DB, which is opened the way
 * gridgov opens its own: WAL, synchronous=FULL. BATCH rows per transaction
 * (1: every row its own COMMIT, like one request without group commit).
 * Runs for SECONDS and prints one line: "rows N seconds S rows_per_s R".
 * Built and run by bench/cases.sh (cc -O2 ... -lsqlite3).
 */
#define _POSIX_C_SOURCE 200809L
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int exec(sqlite3 *db, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "sqlite_inserts: %s: %s\n", sql, err ? err : "?");
        sqlite3_free(err);
        return 1;
    }
    return 0;
}

/* A whole positive number from argv, or -1. */
static long arg_num(const char *s, long max)
{
    char *end = NULL;
    long v = strtol(s, &end, 10);
    return end && *end == '\0' && v > 0 && v <= max ? v : -1;
}

int main(int argc, char **argv)
{
    long batch = argc == 4 ? arg_num(argv[2], 100000) : -1;
    long seconds = argc == 4 ? arg_num(argv[3], 3600) : -1;
    if (batch < 0 || seconds < 0) {
        fprintf(stderr, "usage: sqlite_inserts DB BATCH SECONDS\n");
        return 2;
    }
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int rc = 1;
    if (sqlite3_open(argv[1], &db) != SQLITE_OK) {
        fprintf(stderr, "sqlite_inserts: cannot open %s\n", argv[1]);
        goto done;
    }
    if (exec(db, "PRAGMA journal_mode=WAL") || exec(db, "PRAGMA synchronous=FULL") ||
        exec(db, "CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, "
                 "state TEXT NOT NULL, category_id INTEGER NOT NULL, place_id INTEGER NOT NULL, "
                 "place_path TEXT NOT NULL, title TEXT NOT NULL, description TEXT NOT NULL, "
                 "address TEXT NOT NULL, urgency TEXT NOT NULL, reporter_id INTEGER, "
                 "o_started INTEGER, o_limit INTEGER, s_started INTEGER, s_limit INTEGER, "
                 "due_at INTEGER, version INTEGER NOT NULL, created_at INTEGER NOT NULL, "
                 "updated_at INTEGER NOT NULL, region TEXT NOT NULL)") ||
        exec(db, "CREATE INDEX IF NOT EXISTS t_path ON t(place_path, id)"))
        goto done;
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO t (kind, state, category_id, place_id, place_path, title, "
                           "description, address, urgency, reporter_id, o_started, o_limit, "
                           "s_started, s_limit, due_at, version, created_at, updated_at, region) "
                           "VALUES ('event', 'reported', ?1, ?2, ?3, ?4, ?5, ?6, 'normal', ?7, "
                           "?8, 75600000000, ?8, 25200000000, ?9, 1, ?8, ?8, '630105')",
                           -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "sqlite_inserts: %s\n", sqlite3_errmsg(db));
        goto done;
    }
    const char *desc = "小桥1号小区东门垃圾桶满溢多时未清运，周边散落生活垃圾，气味较大。"
                       "周边居民反映强烈，已现场拍照取证。";
    double t0 = mono(), t = t0;
    long n = 0;
    char path[64], title[96];
    while (t - t0 < (double)seconds) {
        if (exec(db, "BEGIN")) goto done;
        for (long i = 0; i < batch; i++, n++) {
            long long now = (long long)time(NULL) * 1000000LL;
            snprintf(path, sizeof path, "/1/%ld/%ld/%ld/", 2 + n % 6, 10 + n % 40, 100 + n % 400);
            snprintf(title, sizeof title, "小桥%ld号小区垃圾桶满溢", 1 + n % 10);
            sqlite3_bind_int64(st, 1, 1 + n % 5);
            sqlite3_bind_int64(st, 2, 100 + n % 400);
            sqlite3_bind_text(st, 3, path, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(st, 4, title, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(st, 5, desc, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 6, "城北区小桥大街街道小桥社区小桥1号小区东门", -1, SQLITE_STATIC);
            sqlite3_bind_int64(st, 7, 11 + n % 400);
            sqlite3_bind_int64(st, 8, now);
            sqlite3_bind_int64(st, 9, now + 3 * 86400000000LL);
            if (sqlite3_step(st) != SQLITE_DONE) {
                fprintf(stderr, "sqlite_inserts: %s\n", sqlite3_errmsg(db));
                goto done;
            }
            sqlite3_reset(st);
        }
        if (exec(db, "COMMIT")) goto done;
        t = mono();
    }
    printf("rows %ld seconds %.3f rows_per_s %.1f\n", n, t - t0, (double)n / (t - t0));
    rc = 0;
done:
    sqlite3_finalize(st);
    sqlite3_close(db);
    return rc;
}
