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
/* Units in scope; with targets, also the units of the places above the
 * caller's (those a case may be dispatched or summoned to), active only. */
int gg_unit_list(gg_conn *c, gg_pool *p, const gg_principal *scope, bool targets, int64_t after,
                 int limit, gg_unit **rows, int *n);
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

/* ---- cases (see domain/case.h; the engine decides, these persist) ---- */
typedef struct gg_category {
    int64_t id;
    const char *kind, *code, *name;
    int64_t limit_amount;
    const char *limit_unit;
    int64_t stage_amount;
    const char *stage_unit;
    bool active;
} gg_category;
int gg_category_get(gg_conn *c, gg_pool *p, int64_t id, gg_category *out);
int gg_category_list(gg_conn *c, gg_pool *p, const char *kind, gg_category **rows, int *n);
int gg_category_insert(gg_conn *w, gg_category *cat, gg_error *e);
/* The unit the dispatch catalogue names for category under place_path (nearest rule up the tree). */
int64_t gg_dispatch_suggest(gg_conn *c, int64_t category_id, const char *place_path);
int gg_dispatch_rule_set(gg_conn *w, int64_t category_id, int64_t place_id, int64_t unit_id,
                         gg_error *e);
/* Special days of the working calendar: kind 'off' or 'work'. */
typedef struct gg_calendar_day { char day[11]; char kind[5]; } gg_calendar_day;
int gg_calendar_days(gg_conn *c, gg_pool *p, gg_calendar_day **rows, int *n);
int gg_calendar_day_set(gg_conn *w, const char *day, const char *kind, gg_error *e); /* kind NULL: remove */

/* What a step writes besides the case row (see gg_case_step). */
typedef struct gg_case_flow_rec {
    int64_t id, case_id, at, actor_id;
    const char *action, *from_state, *to_state, *note;
    int64_t target_unit_id, target_user_id, target_place_id;
    int rating;
    unsigned flags;
    int32_t rollup_day;          /* local day of the counters */
    int64_t due_at;              /* the case's overall deadline after the step */
    const void *delta;           /* const gg_rollup_delta * (NULL: none) */
} gg_case_flow_rec;

int gg_case_get(gg_conn *c, gg_pool *p, int64_t id, gg_case *out);
/* Insert a new case (sets c->id) with its first flow entry and counters. */
int gg_case_insert(gg_conn *w, gg_case *c, gg_case_flow_rec *f, gg_error *e);
/* Write c if its stored version is still expect_version (else 409
 * stale_version: someone acted first), then the flow entry and counters. */
int gg_case_update(gg_conn *w, gg_case *c, int64_t expect_version, gg_case_flow_rec *f,
                   gg_error *e);
int gg_case_flow_list(gg_conn *c, gg_pool *p, int64_t case_id, gg_case_flow_rec **rows, int *n);
/* Whistle departments. */
int gg_case_unit_add(gg_conn *w, int64_t case_id, int64_t unit_id, int64_t at, gg_error *e);
int gg_case_unit_report(gg_conn *w, int64_t case_id, int64_t unit_id, int64_t at, gg_error *e);
int gg_case_unit_rate(gg_conn *w, int64_t case_id, int64_t unit_id, int rating, gg_error *e);
int gg_case_unit_remove(gg_conn *w, int64_t case_id, int64_t unit_id, gg_error *e);
typedef struct gg_case_unit_rec {
    int64_t unit_id, summoned_at, reported_at;
    int rating;
} gg_case_unit_rec;
/* The units summoned to a whistle (at most cap); returns how many or < 0. */
int gg_case_units(gg_conn *c, int64_t case_id, gg_case_unit_rec *out, int cap);
int gg_case_unit_status(gg_conn *c, int64_t case_id, int64_t unit_id, bool *summoned,
                        int *unrated);
int gg_case_support_add(gg_conn *w, int64_t case_id, int64_t account_id, int64_t at, gg_error *e);

typedef struct gg_case_filter {
    const char *root_path;       /* place subtree (required: the caller's scope) */
    const char *const *scope_paths; /* additionally within one of these (NULL: any) */
    int nscope;
    int kind;                    /* 0: any */
    int state;                   /* 0: any */
    int64_t category_id;
    bool open_only, overdue_only, due_soon;
    int64_t due_before;          /* due_soon: due_at < this */
    int64_t from_us, to_us;      /* created_at range, 0: open */
    int64_t reporter_id, owner_unit_id, owner_user_id;
    const char *q;               /* full text: trigram FTS for >= 3 characters, LIKE below */
    int64_t after_id;            /* cursor: id < after_id (newest first) */
    int limit;
} gg_case_filter;
int gg_case_list(gg_conn *c, gg_pool *p, const gg_case_filter *f, gg_case **rows, int *n);
/* Open cases whose deadline passed and are not yet marked, oldest deadline first. */
int gg_case_overdue_candidates(gg_conn *c, gg_pool *p, int64_t now, int limit, gg_case **rows,
                               int *n);

typedef struct gg_rollup_sum {
    int64_t reported, responded, dispatched, signed_24h, due, closed, closed_on_time, closed_7d,
        returned, reworked, rated, satisfied;
} gg_rollup_sum;
/* Sum the rollups of the subtree at root_path for local days [from_day, to_day]. */
int gg_rollup_sum_get(gg_conn *c, const char *root_path, int32_t from_day, int32_t to_day,
                      const char *kind, int64_t category_id, gg_rollup_sum *out);

/* ---- case attachments (photos; the bytes live in store/files.h) ---- */
typedef struct gg_attachment_rec {
    int64_t id, case_id, uploaded_by, at, size;
    const char *sha256, *mime, *phase, *name;
} gg_attachment_rec;
/* Record the file (once) and link it to the case. Sets a->id. */
int gg_attachment_insert(gg_conn *w, gg_attachment_rec *a, const char *region, gg_error *e);
int gg_attachment_get(gg_conn *c, gg_pool *p, int64_t case_id, int64_t id, gg_attachment_rec *out);
int gg_attachment_list(gg_conn *c, gg_pool *p, int64_t case_id, gg_attachment_rec **rows, int *n);
int64_t gg_attachment_count(gg_conn *c, int64_t case_id);

/* ---- audit ---- */
int gg_audit(gg_conn *w, int64_t user_id, const char *action, const char *object_type,
             int64_t object_id, const char *ip, const char *detail);

/* ---- webhooks and the outbox (delivery: notify/webhook.h) ---- */
typedef struct gg_webhook {
    int64_t id;
    const char *url, *secret;
    const char *events;          /* GLOB pattern over event names, e.g. 'case.*' */
    bool active;
    int64_t created_at;
    int64_t pending, delivered, dead; /* outbox rows (gg_webhook_list only) */
} gg_webhook;
int gg_webhook_insert(gg_conn *w, gg_webhook *h, gg_error *e); /* sets id, created_at */
int gg_webhook_list(gg_conn *c, gg_pool *p, gg_webhook **rows, int *n); /* by id, at most 1000 */
int gg_webhook_set_active(gg_conn *w, int64_t id, bool active, gg_error *e); /* 404 if none */

/* Queue the notification of one case step ("case.<action>") for every
 * active webhook whose pattern matches, in the step's own transaction: the
 * rows exist exactly when the step does. Called by the case writes. */
int gg_outbox_case_step(gg_conn *w, const gg_case *c, const gg_case_flow_rec *f, gg_error *e);

typedef struct gg_outbox_item {
    int64_t id, case_id, webhook_id;
    const char *event, *payload;
    const char *url, *secret;    /* of its webhook */
    int attempts;                /* failed attempts so far */
} gg_outbox_item;
/* Pending rows of active webhooks due at now, up to limit, taken in turn
 * from each webhook (so one backlog does not crowd out the others), in id
 * order within a webhook. A row is left out while an earlier pending row
 * of the same webhook and case waits for a later retry, so each case's
 * notifications go out in order (a row that went 'dead' no longer holds
 * the queue). */
int gg_outbox_due(gg_conn *c, gg_pool *p, int64_t now, int limit, gg_outbox_item **rows, int *n);
int gg_outbox_delivered(gg_conn *w, int64_t id, int64_t now, gg_error *e);
/* Record a failed attempt: attempts + 1 and the error; the row is tried
 * again at next_at, or with next_at == 0 it becomes 'dead'. */
int gg_outbox_failed(gg_conn *w, int64_t id, int64_t next_at, const char *error, gg_error *e);

/* ---- backup and restore (store/sqlite/backup.c; for the CLI, outside a server) ---- */
typedef struct gg_backup_info {
    int64_t pages;      /* database pages copied */
    int page_size;
    int64_t bytes;      /* size of the copy */
    int schema;         /* schema version of the copy */
    int64_t micros;     /* wall time taken */
} gg_backup_info;
/* Copy the database at db to dest while a server may keep writing: one
 * backup step of every page inside one read transaction of db (a consistent
 * snapshot), into a temporary file beside dest that is integrity-checked,
 * fsync'ed and renamed. An existing dest is refused (GG_ECONFLICT) unless
 * force; dest is untouched on failure. */
int gg_store_backup(const char *db, const char *dest, bool force, gg_backup_info *out,
                    gg_error *e);
/* Replace the database at db with the backup src. Refused (GG_EINVAL, db
 * untouched) when src is not a SQLite database, fails PRAGMA integrity_check,
 * is not a gridgov database or has a schema newer than this binary's; refused
 * (GG_EBUSY) while another process (a server) has db open, detected by taking
 * SQLite's exclusive lock on db without waiting, held until the swap is done.
 * src is copied to a temporary file beside db, checked there, fsync'ed and
 * renamed over db; db's stale -wal and -shm are removed. */
int gg_store_restore(const char *src, const char *db, gg_backup_info *out, gg_error *e);

/* ---- grid map (#6) ---- */
/* A place's boundary (store/sqlite/geo.c). bbox is {west, south, east, north}. */
typedef struct gg_boundary_rec {
    int64_t place_id;
    const char *geojson;          /* the geometry, WGS 84, 7 decimals */
    const void *wkb;              /* the same for GEOS */
    size_t wkb_len;
    double bbox[4];
    double area_m2, centroid_lon, centroid_lat;
    int64_t vertices, version, updated_at, updated_by;
    /* of the place (filled by reads) */
    int kind;
    int64_t parent_id;
    const char *code, *name, *path;
} gg_boundary_rec;
/* with_geom false leaves geojson and wkb NULL (cheaper). */
int gg_boundary_get(gg_conn *c, gg_pool *p, int64_t place_id, bool with_geom, gg_boundary_rec *out);
/* Insert or replace place_id's boundary (version + 1) and its R*Tree entry. */
int gg_boundary_put(gg_conn *w, gg_boundary_rec *b, gg_error *e);
/* Boundaries of the active children of parent_id that have one, by id (at most limit). */
int gg_boundary_children(gg_conn *c, gg_pool *p, int64_t parent_id, int limit,
                         gg_boundary_rec **rows, int *n);
/* Boundaries of active places of kind (0: any) whose bbox meets bbox, by
 * place id after `after`, at most limit. */
int gg_boundary_in_bbox(gg_conn *c, gg_pool *p, const double bbox[4], int kind, bool with_geom,
                        int64_t after, int limit, gg_boundary_rec **rows, int *n);
/* Boundaries in the subtree of root_path (the root included), kind 0: any, by id. */
int gg_boundary_subtree(gg_conn *c, gg_pool *p, const char *root_path, int kind, int64_t after,
                        int limit, gg_boundary_rec **rows, int *n);
/* Active places of kind whose boundary's bbox holds the point: ids and
 * boundary versions, by id; returns how many (<= cap) or < 0. */
int gg_boundary_candidates(gg_conn *c, double lon, double lat, int kind, int64_t *ids,
                           int64_t *versions, int cap);
int64_t gg_boundary_count(gg_conn *c, int kind);

/* Points of interest on the map. */
typedef struct gg_poi {
    int64_t id;
    const char *kind;             /* service_centre, party_org, volunteer */
    int64_t place_id;
    const char *place_path;
    const char *name, *phone, *hours;
    double lon, lat;
    int64_t account_id, duty_from, duty_to, created_at;
} gg_poi;
int gg_poi_insert(gg_conn *w, gg_poi *poi, gg_error *e);
/* Points of kind (NULL: any) in bbox, volunteers only while on duty at
 * `at`; each row to fn (return nonzero to stop), by id. */
typedef int (*gg_poi_fn)(void *arg, const gg_poi *poi);
int gg_poi_scan(gg_conn *c, gg_pool *p, const char *kind, const double bbox[4], int64_t at,
                gg_poi_fn fn, void *arg);

/* Counts for the map's aggregates: each (place path, bucket) group with its
 * count and the sums of its points' lon and lat. Return nonzero to stop. */
typedef int (*gg_map_count_fn)(void *arg, const char *place_path, int bucket, int64_t count,
                               double sum_lon, double sum_lat);
/* Case buckets, the case engine's words for an open case's deadline. */
enum { GG_MAP_TODO = 0, GG_MAP_DUE_SOON = 1, GG_MAP_OVERDUE = 2, GG_MAP__BUCKETS = 3 };
/* Open located cases in bbox by place and bucket: overdue (marked, or due_at
 * <= now), due soon (due_at < soon), todo (the rest). state < 0: all buckets. */
int gg_map_case_counts(gg_conn *c, const double bbox[4], int64_t now, int64_t soon, int state,
                       gg_map_count_fn fn, void *arg);
typedef struct gg_map_case_pt {
    int64_t id;
    const char *kind, *title, *place_path;
    double lon, lat;
    int bucket;
} gg_map_case_pt;
typedef int (*gg_map_case_fn)(void *arg, const gg_map_case_pt *pt);
int gg_map_case_points(gg_conn *c, gg_pool *p, const double bbox[4], int64_t now, int64_t soon,
                       int state, gg_map_case_fn fn, void *arg);
/* Cases created in [from, to) in the subtree of root_path, by place (bucket 0). */
int gg_map_heat_counts(gg_conn *c, const char *root_path, int64_t from, int64_t to,
                       gg_map_count_fn fn, void *arg);
/* Residents tagged with a key group (registry) under the grids whose box
 * meets bbox, by place and tag (bucket = tag - 1); tag 0: every tag. */
int gg_map_keygroup_counts(gg_conn *c, const double bbox[4], int tag, gg_map_count_fn fn, void *arg);
/* Points of interest in bbox by place and kind (bucket 0 service_centre,
 * 1 party_org, 2 volunteer), volunteers only while on duty at `at`. */
int gg_map_poi_counts(gg_conn *c, const char *kind, const double bbox[4], int64_t at,
                      gg_map_count_fn fn, void *arg);
/* Demo city: spread the cases of the subtree at root_path over the box
 * box = {west, south, east, north}, deterministically by case id. */
int gg_map_demo_scatter_cases(gg_conn *w, const char *root_path, const double box[4], gg_error *e);

/* ---- registry (#5) ---- */
/* Residents, households, houses, organisations (domain/registry.h). ID
 * numbers and phones are sealed (core/sealed.h) with the column name as
 * context, beside a blind index and a mask; plaintext is never written.
 * Every row hangs on a place and carries its path (scope = subtree). */
struct gg_keys;
struct gg_resident;
struct gg_household;
struct gg_house;
struct gg_org;
struct gg_visit;
struct gg_store;

/* The sealing keys of the store s: the key file named by GG_KEY_FILE, else
 * the database's path with ".key" for its extension (data/gridgov.key). Loaded once per process and path, then shared
 * (read-only). A missing file is created (0600) only while the registry
 * holds no sealed value; afterwards a missing key is an error
 * (GG_ENOTFOUND, code "key_file"): a new key would make every sealed value
 * unreadable. */
int gg_store_keys(gg_store *s, const struct gg_keys **out, gg_error *e);
/* The same for the store a connection belongs to. */
int gg_conn_keys(gg_conn *c, const struct gg_keys **out, gg_error *e);

/*
 * Insert or update the resident r (validated by gg_resident_validate: id_norm
 * and the masks filled), keyed by the blind index of (id_type, id_norm).
 * An existing row is updated only if a stored field differs, so writing the
 * same record again changes nothing: *changed = false, version unchanged.
 * House (room) and household (household_no) are found or created under
 * r->place_id. Tags are replaced only when r->tags_given. *id: the row's id.
 * actor: account id (0: system/import). Errors: 422 (place not a
 * grid/compound/building/unit, unknown house/household), 409.
 */
int gg_resident_upsert(gg_conn *w, const struct gg_keys *k, const struct gg_resident *r,
                       int64_t actor, int64_t *id, bool *changed, gg_error *e);
/* Bulk loading (the demo city): r is new (the caller guarantees its document
 * number is unused) and place_path/region are r->place_id's; r->house_id and
 * r->household_id are used as given. No lookups: one insert plus its tags. */
int gg_resident_insert_new(gg_conn *w, const struct gg_keys *k, const struct gg_resident *r,
                           const char *place_path, const char *region, int64_t *id, gg_error *e);
/* The house (place, room) or household (region, number), created if new;
 * path and region are the place's. verified_at: µs (0: now). */
int gg_house_find_or_add(gg_conn *w, int64_t place_id, const char *path, const char *region,
                         const char *room, int use, int64_t verified_at, int64_t *id, gg_error *e);
int gg_household_find_or_add(gg_conn *w, int64_t place_id, const char *path, const char *region,
                             int64_t house_id, const char *number, int64_t *id, gg_error *e);

/* Update row r->id (expect_version: 0 = any) from r; 404 / 409. Changing the
 * document to one another row holds: 409 duplicate_id_number. */
int gg_resident_update(gg_conn *w, const struct gg_keys *k, const struct gg_resident *r,
                       int64_t expect_version, int64_t actor, gg_error *e);
int gg_resident_delete(gg_conn *w, int64_t id, int64_t actor, gg_error *e);

/* One resident. unmasked: id_number / phone hold the opened plaintext
 * (caller holds the reveal permission), else the masks. */
int gg_resident_get(gg_conn *c, gg_pool *p, const struct gg_keys *k, int64_t id, bool unmasked,
                    struct gg_resident *out);
/* The id of the resident holding (id_type, normalised number); 0 if none. */
int64_t gg_resident_find(gg_conn *c, const struct gg_keys *k, int id_type, const char *id_norm);

typedef struct gg_resident_filter {
    const char *root_path;          /* place subtree (required: the caller's scope) */
    const char *const *scope_paths; /* additionally within one of these (NULL: any) */
    int nscope;
    int residence;                  /* 0: any */
    int tag;                        /* 0: any; else has this tag */
    int level;                      /* with tag: at least this level */
    int sex;                        /* 0: any */
    int64_t household_id, house_id; /* 0: any */
    bool party_member;              /* only party members */
    int age_min, age_max;           /* 0: open; needs today */
    int64_t today;                  /* days since the epoch, for ages */
    const char *q;                  /* name starts with */
    int id_type;                    /* with id_norm: exact lookup (blind index) */
    const char *id_norm;
    const char *phone_norm;         /* exact lookup */
    int64_t after_id;               /* cursor: id > after_id (ascending) */
    int limit;                      /* 0: no limit (the iterator) */
} gg_resident_filter;

/* Called per row, in id order; a non-zero return stops the walk and is
 * returned by gg_residents_each. The record and its strings live until the
 * callback returns. */
typedef int (*gg_resident_cb)(void *arg, const struct gg_resident *r);
/* Every resident matching f (export: f->limit 0). unmasked as for
 * gg_resident_get. Memory stays bounded: rows are read one at a time. */
int gg_residents_each(gg_conn *c, const struct gg_keys *k, const gg_resident_filter *f,
                      bool unmasked, gg_resident_cb cb, void *arg, gg_error *e);
/* A page of f->limit rows (masked) into *rows from p. */
int gg_resident_list(gg_conn *c, gg_pool *p, const struct gg_keys *k, const gg_resident_filter *f,
                     struct gg_resident **rows, int *n);

/* Households, houses, organisations: insert (sets id), update, get, list of
 * a subtree (id ascending, after_id cursor). */
typedef struct gg_reg_filter {
    const char *root_path;
    const char *const *scope_paths;
    int nscope;
    int kind;                       /* house: use; org: kind; 0 any */
    const char *q;                  /* name / number / room starts with */
    int64_t place_id;               /* exactly this place, 0 any */
    int64_t after_id;
    int limit;
} gg_reg_filter;
int gg_household_insert(gg_conn *w, struct gg_household *h, gg_error *e);
int gg_household_update(gg_conn *w, const struct gg_household *h, gg_error *e);
int gg_household_get(gg_conn *c, gg_pool *p, int64_t id, struct gg_household *out);
int gg_household_list(gg_conn *c, gg_pool *p, const gg_reg_filter *f, struct gg_household **rows,
                      int *n);
int gg_house_insert(gg_conn *w, struct gg_house *h, gg_error *e);
int gg_house_update(gg_conn *w, const struct gg_house *h, gg_error *e);
int gg_house_get(gg_conn *c, gg_pool *p, int64_t id, struct gg_house *out);
int gg_house_list(gg_conn *c, gg_pool *p, const gg_reg_filter *f, struct gg_house **rows, int *n);
/* Upsert by credit code (when given) else by (place, name); *changed as above. */
int gg_org_upsert(gg_conn *w, const struct gg_keys *k, const struct gg_org *o, int64_t *id,
                  bool *changed, gg_error *e);
int gg_org_update(gg_conn *w, const struct gg_keys *k, const struct gg_org *o, gg_error *e);
int gg_org_get(gg_conn *c, gg_pool *p, const struct gg_keys *k, int64_t id, bool unmasked,
               struct gg_org *out);
int gg_org_list(gg_conn *c, gg_pool *p, const gg_reg_filter *f, struct gg_org **rows, int *n);

/* Facilities (活动室, 消防栓, 监控…): kind is a code word of the domain's list. */
typedef struct gg_facility {
    int64_t id, place_id;
    const char *kind, *name, *address, *place_path;
    int64_t created_at;
} gg_facility;
int gg_facility_insert(gg_conn *w, gg_facility *f, gg_error *e); /* sets id */
int gg_facility_list(gg_conn *c, gg_pool *p, const gg_reg_filter *f, const char *kind,
                     gg_facility **rows, int *n);

/* Key groups: a resident's tags with level and per-group extra fields. */
typedef struct gg_res_tag {
    int64_t resident_id;
    int tag, level;
    int64_t since;                  /* µs */
} gg_res_tag;
int gg_res_tags(gg_conn *c, gg_pool *p, int64_t resident_id, gg_res_tag **rows, int *n);
/* Set (level > 0) or remove (level 0, with its special-group row) one tag;
 * the next visit falls due the interval after the latest visit (or now). */
int gg_res_tag_set(gg_conn *w, int64_t resident_id, int tag, int level, int64_t actor,
                   gg_error *e);

/* The GB/T 31000 fields of a special group (gg_special_fields order): vals[i]
 * text or NULL (integers and booleans as decimal text). set: insert or
 * replace; get: *vals from p, NULL entries for NULL columns, GG_ENOTFOUND
 * when the resident has no row. */
int gg_special_set(gg_conn *w, int64_t resident_id, int tag, const char *const *vals, gg_error *e);
int gg_special_get(gg_conn *c, gg_pool *p, int64_t resident_id, int tag, const char ***vals);

/* Visits */
int gg_visit_insert(gg_conn *w, struct gg_visit *v, gg_error *e); /* also marks verified */
int gg_visit_list(gg_conn *c, gg_pool *p, int64_t resident_id, int64_t after_id, int limit,
                  struct gg_visit **rows, int *n);
typedef struct gg_due_visit {
    int64_t resident_id;
    const char *name;
    int tag, level;
    int64_t last_visit;             /* µs, 0: never */
    int64_t due_at;                 /* µs */
    bool overdue;
    int64_t place_id;
} gg_due_visit;
/* Tagged residents of root_path whose next visit is due before due_before,
 * most overdue first; after_id pages by (due_at, resident, tag) order
 * position. */
int gg_due_visits(gg_conn *c, gg_pool *p, const char *root_path, int64_t now,
                  int64_t due_before, int offset, int limit, gg_due_visit **rows, int *n);

/* 知晓率: of the houses and residents under root_path, how many are known
 * (registered) and verified since `since`. */
typedef struct gg_awareness {
    int64_t place_id;
    int64_t houses, houses_verified;
    int64_t residents, residents_verified;
} gg_awareness;
int gg_awareness_get(gg_conn *c, const char *root_path, int64_t since, gg_awareness *out);

/* Per-place counts of each tag among the children of kind `kind` (grid,
 * community, street) inside root_path: rows of (place_id, tag, count). */
typedef struct gg_tag_count {
    int64_t place_id;
    int tag;
    int64_t count;
} gg_tag_count;
int gg_tag_counts(gg_conn *c, gg_pool *p, const char *root_path, int kind, gg_tag_count **rows,
                  int *n);

/* Reveal permission and its audit. */
int gg_account_can_reveal(gg_conn *c, int64_t account_id);
int gg_account_set_can_reveal(gg_conn *w, int64_t account_id, bool on, gg_error *e);
typedef struct gg_reveal_rec {
    int64_t id, at, actor_id, record_id;
    const char *record_type, *field, *purpose, *ip, *actor_name;
} gg_reveal_rec;
int gg_reveal_audit(gg_conn *w, gg_reveal_rec *a, gg_error *e);
typedef struct gg_reveal_filter {
    int64_t actor_id, record_id;
    const char *record_type, *field, *purpose_q;
    int64_t from_us, to_us;
    int64_t before_id;              /* cursor: id < before_id (newest first) */
    int limit;
} gg_reveal_filter;
int gg_reveal_list(gg_conn *c, gg_pool *p, const gg_reveal_filter *f, gg_reveal_rec **rows, int *n);

/* ---- web UI (#4) ---- */
/* Offline exactly-once (store/sqlite/webui.c): a case opened with a client
 * key is found again by its reporter and key. 0 with *id, or GG_ENOTFOUND. */
int gg_case_by_client_key(gg_conn *c, int64_t reporter_id, const char *key, int64_t *id);
int gg_case_client_key_set(gg_conn *w, int64_t case_id, const char *key, gg_error *e);
/* The photo of case_id with these bytes and phase, if it was uploaded before. */
int gg_attachment_find(gg_conn *c, gg_pool *p, int64_t case_id, const char *sha256,
                       const char *phase, gg_attachment_rec *out);

/* Live events: every committed case step (a flow entry), with what a
 * subscriber needs to decide whether it may see the case. The store calls
 * the hook on the writer thread after the COMMIT that made the steps
 * durable (never for a write that was rolled back), in flow order. */
typedef struct gg_case_event {
    int64_t flow_id, case_id, place_id, reporter_id, owner_unit_id, owner_user_id,
        dispatcher_unit_id, version, at;
    char kind[16], state[32], action[32];
    char place_path[160];
} gg_case_event;
typedef void (*gg_case_event_fn)(const gg_case_event *ev, int n, void *ctx);
void gg_store_on_case_events(gg_store *s, gg_case_event_fn fn, void *ctx);
/* Steps after flow id `after`, oldest first (resume after a reconnect; the
 * scope fields and version are the case's current ones). */
int gg_case_events_since(gg_conn *c, int64_t after, int limit, gg_case_event *out, int *n);

/* Cockpit (api/cockpit.c): the open cases of a subtree, through the partial
 * index of open cases (never the closed ones). fn gets each case's overall
 * clock fields, holder and place path; owner_kind is the holding place's
 * kind name. A non-zero return from fn stops the scan. */
typedef struct gg_open_case {
    int64_t id, category_id, owner_unit_id, due_at;
    bool overdue;
    const char *place_path, *owner_kind;
    gg_case_clock clock;
} gg_open_case;
int gg_case_open_each(gg_conn *c, const char *root_path,
                      int (*fn)(void *ctx, const gg_open_case *k), void *ctx);
/* Overdue open cases of a subtree, longest overdue first (at most limit). */
typedef struct gg_overdue_case {
    int64_t id, place_id, due_at;
    const char *title, *place_name, *kind, *state;
} gg_overdue_case;
int gg_case_overdue_list(gg_conn *c, gg_pool *p, const char *root_path, int limit,
                         gg_overdue_case *out, int *n);
/* Every rollup row of a subtree for local days [d0, d1] (a month or so):
 * its grid-level place path, day, category and counters. */
typedef struct gg_rollup_row {
    const char *path;
    int32_t day;
    int64_t category_id;
    gg_rollup_sum s;
} gg_rollup_row;
int gg_rollup_each(gg_conn *c, const char *root_path, int32_t d0, int32_t d1,
                   void (*fn)(void *ctx, const gg_rollup_row *row), void *ctx);
/* Steps of a subtree at or after `since` (UTC us), per hour of the display
 * day: opened[h] and closing steps closed[h]. */
int gg_flow_by_hour(gg_conn *c, const char *root_path, int64_t day_start, int64_t opened[24],
                    int64_t closed[24]);


#endif
