/*
 * db_int.h — internals of the SQLite backend shared by its files. Nothing
 * outside src/store/sqlite/ includes this.
 */
#ifndef GG_DB_INT_H
#define GG_DB_INT_H

#include <pthread.h>
#include <sqlite3.h>
#include <stdbool.h>

#include "store/store.h"

/* Statements cached per connection (keyed by the address of their SQL). All
 * static SQL of the store goes through it (about 200 strings today); a full
 * cache fails a request with a logged "statement cache full", never crashes. */
#define GG_STMT_CACHE 512

struct gg_conn {
    sqlite3 *db;
    bool writer;
    gg_store *store;
    struct { const char *sql; sqlite3_stmt *st; } cache[GG_STMT_CACHE];
    struct gg_conn *next_reader;  /* the store's list of readers */
    /* writer only: case events of the group being written (web UI, #4) */
    gg_case_event *ev;
    int nev, capev;
};

struct gg_store {
    char *path;
    gg_store_opts opts;
    gg_conn *wconn;
    /* readers */
    pthread_mutex_t readers_mu;
    gg_conn *readers;
    pthread_key_t reader_key;
    /* writer queue */
    pthread_mutex_t mu;
    pthread_cond_t cv;          /* work arrived or closing */
    pthread_cond_t idle_cv;     /* queue drained (write_sync waiters) */
    gg_write *head, *tail;
    int depth;
    bool closing;
    pthread_t writer_thread;
    bool writer_started;
    gg_store_stats stats;
    int schema;                 /* applied migrations, cached at open */
    gg_case_event_fn event_fn;  /* after each COMMIT: its case events (#4) */
    void *event_ctx;
};

int gg_conn_open(gg_store *s, bool writer, gg_conn **out, gg_error *e);
void gg_conn_close(gg_conn *c);

/* The cached prepared statement for sql (a string constant: keyed by its
 * address), reset and with bindings cleared. NULL on failure (logged). */
sqlite3_stmt *gg_stmt(gg_conn *c, const char *sql);
/* Step st (from gg_stmt; NULL when that failed) to its end and reset it:
 * 0 on SQLITE_DONE, else the failure in e as gg_sqlite_fail maps it. */
int gg_stmt_run(gg_conn *c, sqlite3_stmt *st, gg_error *e, const char *what);
int gg_exec(gg_conn *c, const char *sql, gg_error *e);

/* Column text copied into the pool (NULL for SQL NULL or on OOM). */
const char *gg_col_text(gg_pool *p, sqlite3_stmt *st, int col);
int gg_bind_text(sqlite3_stmt *st, int i, const char *s); /* NULL binds NULL */
/* Map an SQLite result to a gg_status, filling e. */
int gg_sqlite_fail(gg_conn *c, int src, gg_error *e, const char *what);

/* Note a committed-to-be case step for the live event hook (webui.c). */
void gg_case_event_note(gg_conn *w, const gg_case *c, const gg_case_flow_rec *f);

int gg_writer_start(gg_store *s, gg_error *e);
void gg_writer_stop(gg_store *s);

/* Bind a path prefix ending in '/' and the upper bound of its subtree at i
 * and i + 1 ("/1/5/" and "/1/50": '/' + 1 == '0'), for
 * "path >= ?i AND path < ?i+1". */
void gg_bind_path_range(sqlite3_stmt *st, int i, const char *root);
/* The same upper bound in SQL, for a path known only per row (a column, a
 * json_each value): x is an SQL expression. */
#define GG_SQL_PATH_UPPER(x) "substr(" x ", 1, length(" x ") - 1) || '0'"
/* SQL: the path column col lies under one of the root paths of the JSON
 * array bound at param (see gg_paths_json). */
#define GG_SQL_UNDER_ANY(col, param)                                                  \
    "EXISTS (SELECT 1 FROM json_each(" param ") j WHERE " col " >= j.value AND " col \
    " < " GG_SQL_PATH_UPPER("j.value") ")"
/* JSON array of n place paths in p, to bind for GG_SQL_UNDER_ANY (a path is
 * digits and '/': nothing to escape). NULL on out of memory, or n > 0 paths
 * given as NULL (a caller's slip fails closed, never unscoped). */
const char *gg_paths_json(gg_pool *p, const char *const *paths, int n);

#endif
