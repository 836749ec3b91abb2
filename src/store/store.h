/*
 * store.h — persistence. The only layer that speaks SQL; nothing above it
 * knows which database it talks to (SQLite now; PostgreSQL later behind the
 * same functions).
 *
 * Reads: gg_store_reader() hands the calling thread its own connection
 * (opened on first use, closed by gg_store_close). Reads see committed data.
 *
 * Writes: every write runs on the single writer thread. A caller packs its
 * work into a gg_write (a function run inside the writer's transaction) and
 * submits it. The writer takes many queued writes into one transaction
 * (group commit): each write runs in its own savepoint, so a failing write
 * rolls back alone; then one COMMIT makes the whole group durable
 * (WAL, synchronous=FULL), and only then is each write's done() called. A
 * request is answered from done(), so nothing is acknowledged before it is
 * on disk. If COMMIT fails, every write of the group reports GG_EIO.
 */
#ifndef GG_STORE_H
#define GG_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/gg.h"
#include "core/mem.h"
#include "domain/model.h"

typedef struct gg_store gg_store;
typedef struct gg_conn gg_conn; /* a connection: a reader's, or the writer's inside a write */

typedef struct gg_store_opts {
    bool migrate;           /* apply pending migrations at open */
    int max_batch;          /* writes per group commit, default 256 */
    int max_queue;          /* queued writes before submit answers GG_EBUSY, default 10000 */
} gg_store_opts;

int gg_store_open(const char *path, const gg_store_opts *o, gg_store **out, gg_error *e);
/* Stops taking writes, finishes every queued write, closes all connections. */
void gg_store_close(gg_store *s);

int gg_store_schema_version(gg_store *s);   /* applied migrations */
int gg_store_schema_latest(void);            /* migrations this binary carries */
int gg_store_migrate(gg_store *s, int *applied, gg_error *e);

gg_conn *gg_store_reader(gg_store *s);       /* this thread's reader; NULL on failure */

/* ---- writes ---- */
typedef struct gg_write gg_write;
typedef int (*gg_write_fn)(gg_conn *w, void *arg, gg_error *e);
struct gg_write {
    gg_write_fn fn;
    void *arg;
    void (*done)(gg_write *w);  /* on the writer thread, after COMMIT (or failure); may be NULL */
    void *done_arg;
    int rc;                     /* result of fn, or GG_EIO if the commit failed */
    gg_error err;
    gg_write *next;             /* queue link, the store's */
};
int gg_store_submit(gg_store *s, gg_write *w);  /* GG_EBUSY: queue full or closing; done() not called */
/* Submit and wait for the commit: for the CLI and tests, never a request thread. */
int gg_store_write_sync(gg_store *s, gg_write_fn fn, void *arg, gg_error *e);

typedef struct gg_store_stats {
    uint64_t commits;
    uint64_t writes;
    uint64_t failed_commits;
    uint64_t batch_hist[8];     /* group sizes: 1, 2-3, 4-7, 8-15, 16-31, 32-63, 64-127, 128+ */
    int queue_depth;
} gg_store_stats;
void gg_store_get_stats(gg_store *s, gg_store_stats *out);

/* ---- pagination: list calls take a cursor (after) and a limit, and return
 * the next cursor key (empty when the list is done). Keys are opaque to the
 * caller and bounded. ---- */
#define GG_CURSOR_MAX 96

/* ---- places ---- */
int gg_place_get(gg_conn *c, gg_pool *p, int64_t id, gg_place *out);
int gg_place_get_by_code(gg_conn *c, gg_pool *p, const char *code, gg_place *out);
/* Children of parent (0: the roots), ordered by code, after the code 'after'. */
int gg_place_children(gg_conn *c, gg_pool *p, int64_t parent_id, bool include_inactive,
                      const char *after, int limit, gg_place **rows, int *n);
/* Every place inside the subtree of root_path (excluding the root), optionally one kind,
 * ordered by path; an index range scan. */
int gg_place_subtree(gg_conn *c, gg_pool *p, const char *root_path, int kind,
                     bool include_inactive, const char *after, int limit, gg_place **rows,
                     int *n);
int64_t gg_place_subtree_count(gg_conn *c, const char *root_path, int kind);
/* Highest used sequence among the children of parent with codes in [lo, hi]. */
int gg_place_max_seq(gg_conn *c, int64_t parent_id, const char *parent_code, int digits, int lo,
                     int hi, int *out);
bool gg_place_code_taken(gg_conn *c, const char *code);
/* writes (writer connection only) */
int gg_place_insert(gg_conn *w, gg_place *pl, int64_t actor, gg_error *e); /* sets id, path, depth */
int gg_place_update(gg_conn *w, const gg_place *pl, int64_t expect_version, int64_t actor, gg_error *e);
/* Move the subtree of node under new_parent, giving node new_code; descendants'
 * codes and paths follow. */
int gg_place_move(gg_conn *w, const gg_place *node, const gg_place *new_parent,
                  const char *new_code, int64_t actor, gg_error *e);
int gg_place_set_active(gg_conn *w, int64_t id, bool active, int64_t actor, gg_error *e);
int64_t gg_place_active_children(gg_conn *c, int64_t id);
typedef struct gg_place_event {
    int64_t id, at, actor_id, old_parent, new_parent;
    const char *action, *old_code, *new_code, *old_name, *new_name;
} gg_place_event;
/* A place's history, oldest first, after event id `after`. */
int gg_place_history(gg_conn *c, gg_pool *p, int64_t place_id, int64_t after, int limit,
                     gg_place_event **rows, int *n);

/* ---- units (departments, companies, property firms…) ---- */
int gg_unit_get(gg_conn *c, gg_pool *p, int64_t id, gg_unit *out);
int gg_unit_list(gg_conn *c, gg_pool *p, const gg_principal *scope, int64_t after, int limit,
                 gg_unit **rows, int *n);
int gg_unit_insert(gg_conn *w, gg_unit *u, gg_error *e);
int gg_unit_update(gg_conn *w, const gg_unit *u, gg_error *e);

/* ---- accounts, sessions, API keys ---- */
int gg_account_get(gg_conn *c, gg_pool *p, int64_t id, gg_account *out);
/* With its password hash (for login); hash into hash_out (cap >= 128). */
int gg_account_by_username(gg_conn *c, gg_pool *p, const char *username, gg_account *out,
                           char *hash_out, size_t cap);
int gg_account_list(gg_conn *c, gg_pool *p, const gg_principal *scope, int64_t after, int limit,
                    gg_account **rows, int *n);
int64_t gg_account_count(gg_conn *c);
int gg_account_insert(gg_conn *w, gg_account *a, const char *pwhash, gg_error *e);
int gg_account_update(gg_conn *w, const gg_account *a, gg_error *e); /* name, role, unit, active, places */
int gg_account_set_password(gg_conn *w, int64_t id, const char *pwhash, gg_error *e);
int gg_account_password_hash(gg_conn *c, int64_t id, char *hash_out, size_t cap);
/* Record a failed login (locking until lock_until when the count reaches max) or a success. */
int gg_account_login_result(gg_conn *w, int64_t id, bool ok, int max_failures, int64_t lock_until,
                            gg_error *e);

typedef struct gg_session_rec {
    unsigned char token_hash[32];
    int64_t user_id;
    char csrf[48];
    int64_t created_at, last_seen_at, expires_at;
    const char *ip;
    const char *user_agent;
} gg_session_rec;
int gg_session_insert(gg_conn *w, const gg_session_rec *s, gg_error *e);
int gg_session_get(gg_conn *c, const unsigned char hash[32], gg_session_rec *out);
int gg_session_touch(gg_conn *w, const unsigned char hash[32], int64_t now, gg_error *e);
int gg_session_delete(gg_conn *w, const unsigned char hash[32], gg_error *e);
int gg_session_delete_user(gg_conn *w, int64_t user_id, const unsigned char *keep_hash, gg_error *e);
int gg_session_purge(gg_conn *w, int64_t now, int64_t idle_us, gg_error *e);

/* Load a principal's role, unit and scope places. */
int gg_principal_load(gg_conn *c, gg_pool *p, int64_t user_id, gg_principal *out);

typedef struct gg_apikey_rec {
    int64_t id;
    int64_t user_id;
    const char *name;
    const char *prefix;
    int64_t created_at, last_used_at, revoked_at;
} gg_apikey_rec;
int gg_apikey_insert(gg_conn *w, gg_apikey_rec *k, const unsigned char hash[32], gg_error *e);
int gg_apikey_lookup(gg_conn *c, const unsigned char hash[32], gg_apikey_rec *out);
int gg_apikey_list(gg_conn *c, gg_pool *p, int64_t user_id, gg_apikey_rec **rows, int *n);
int gg_apikey_revoke(gg_conn *w, int64_t id, int64_t now, gg_error *e);

/* ---- audit ---- */
int gg_audit(gg_conn *w, int64_t user_id, const char *action, const char *object_type,
             int64_t object_id, const char *ip, const char *detail);

#endif
