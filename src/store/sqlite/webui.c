/*
 * webui.c — what the web UI (#4) needs from SQLite: client keys for offline
 * exactly-once, the case events collected in the writer's transaction and
 * published after its COMMIT, and the cockpit's
 * aggregates (open cases through the partial index of open cases, rollups
 * per day and category, today's steps per hour).
 */
#include <string.h>

#include "core/str.h"
#include "domain/workflow.h"
#include "store/sqlite/db_int.h"

static const char SQL_KEY_GET[] =
    "SELECT id FROM gcase WHERE reporter_id = ?1 AND client_key = ?2";
static const char SQL_KEY_SET[] = "UPDATE gcase SET client_key = ?2 WHERE id = ?1";
#define EVENT_COLS                                                                           \
    "f.id, f.case_id, g.place_id, coalesce(g.reporter_id, 0), coalesce(g.owner_unit_id, 0), " \
    "coalesce(g.owner_user_id, 0), coalesce(g.dispatcher_unit_id, 0), g.version, f.at, "     \
    "g.kind, f.to_state, f.action, g.place_path"
static const char SQL_EVENTS_SINCE[] =
    "SELECT " EVENT_COLS " FROM case_flow f JOIN gcase g ON g.id = f.case_id "
    "WHERE f.id > ?1 ORDER BY f.id LIMIT ?2";
static const char SQL_OPEN_SCAN[] =
    "SELECT g.id, g.category_id, coalesce(g.owner_unit_id, 0), coalesce(g.due_at, 0), g.overdue, "
    "g.place_path, (SELECT p.kind FROM place p WHERE p.id = g.owner_place_id), "
    "g.o_started, g.o_run_from, g.o_acc, g.o_paused, g.o_limit, g.o_ext, g.o_natural "
    "FROM gcase g INDEXED BY gcase_open_path "
    "WHERE g.place_path >= ?1 AND g.place_path < ?2 AND g.closed_at IS NULL";
static const char SQL_OVERDUE_LIST[] =
    "SELECT g.id, g.place_id, coalesce(g.due_at, 0), g.title, p.name, g.kind, g.state "
    "FROM gcase g INDEXED BY gcase_open_path JOIN place p ON p.id = g.place_id "
    "WHERE g.place_path >= ?1 AND g.place_path < ?2 AND g.closed_at IS NULL AND g.overdue = 1 "
    "ORDER BY g.due_at, g.id LIMIT ?3";
/* The rollup rows of a subtree over a window of days (a month at most), one
 * scan for every aggregate of the cockpit. A row is one place, day, kind and
 * category (a category has one kind). The days are enumerated so that each
 * one is a seek into the day index followed by the subtree's path range:
 * exactly the rows wanted are read, for a district as for a community. */
static const char SQL_ROLLUP_ROWS[] =
    "WITH RECURSIVE d(x) AS (SELECT ?3 UNION ALL SELECT x + 1 FROM d WHERE x < ?4) "
    "SELECT r.place_path, r.day, r.category_id, r.reported, r.responded, r.dispatched, "
    "r.signed_24h, r.due, r.closed, r.closed_on_time, r.closed_7d, r.returned, r.reworked, "
    "r.rated, r.satisfied FROM d JOIN case_rollup r INDEXED BY case_rollup_day "
    "ON r.day = d.x AND r.place_path >= ?1 AND r.place_path < ?2";
static const char SQL_BY_HOUR[] =
    "SELECT (f.at - ?3) / 3600000000, f.action = 'open', (f.flags & ?4) != 0 "
    "FROM case_flow f INDEXED BY case_flow_at JOIN gcase g ON g.id = f.case_id "
    "WHERE f.at >= ?3 AND f.at < ?3 + 86400000000 AND g.place_path >= ?1 AND g.place_path < ?2";

/* ---- client keys ---- */

int gg_case_by_client_key(gg_conn *c, int64_t reporter_id, const char *key, int64_t *id)
{
    sqlite3_stmt *st = gg_stmt(c, SQL_KEY_GET);
    if (!st) return GG_EIO;
    sqlite3_bind_int64(st, 1, reporter_id);
    gg_bind_text(st, 2, key);
    int src = sqlite3_step(st);
    if (src == SQLITE_ROW) *id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return src == SQLITE_ROW ? 0 : src == SQLITE_DONE ? GG_ENOTFOUND : GG_EIO;
}

int gg_case_client_key_set(gg_conn *w, int64_t case_id, const char *key, gg_error *e)
{
    sqlite3_stmt *st = gg_stmt(w, SQL_KEY_SET);
    if (!st) return gg_sqlite_fail(w, SQLITE_ERROR, e, "client key");
    sqlite3_bind_int64(st, 1, case_id);
    gg_bind_text(st, 2, key);
    return gg_stmt_run(w, st, e, "client key");
}

/* ---- case events ---- */

void gg_store_on_case_events(gg_store *s, gg_case_event_fn fn, void *ctx)
{
    pthread_mutex_lock(&s->mu);
    s->event_fn = fn;
    s->event_ctx = ctx;
    pthread_mutex_unlock(&s->mu);
}

/* Called by the case writes for each flow entry, inside the write's
 * savepoint: kept on the writer connection until the group commits. */
void gg_case_event_note(gg_conn *w, const gg_case *c, const gg_case_flow_rec *f)
{
    if (!w->store || !w->store->event_fn) return;
    if (w->nev == w->capev) {
        int cap = w->capev ? w->capev * 2 : 64;
        if (cap > 65536) return; /* a giant group (an import): live views reload */
        gg_case_event *ev = gg_realloc(w->ev, sizeof *ev * (size_t)cap);
        if (!ev) return;
        w->ev = ev;
        w->capev = cap;
    }
    gg_case_event *ev = &w->ev[w->nev++];
    memset(ev, 0, sizeof *ev);
    ev->flow_id = f->id;
    ev->case_id = c->id;
    ev->place_id = c->place_id;
    ev->reporter_id = c->reporter_id;
    ev->owner_unit_id = c->owner_unit_id;
    ev->owner_user_id = c->owner_user_id;
    ev->dispatcher_unit_id = c->dispatcher_unit_id;
    ev->version = c->version;
    ev->at = f->at;
    gg_strlcpy(ev->kind, gg_wf_kind_name(c->kind), sizeof ev->kind);
    gg_strlcpy(ev->state, f->to_state ? f->to_state : "", sizeof ev->state);
    gg_strlcpy(ev->action, f->action ? f->action : "", sizeof ev->action);
    gg_strlcpy(ev->place_path, c->place_path ? c->place_path : "", sizeof ev->place_path);
}

int gg_case_events_since(gg_conn *c, int64_t after, int limit, gg_case_event *out, int *n)
{
    sqlite3_stmt *st = gg_stmt(c, SQL_EVENTS_SINCE);
    if (!st) return GG_EIO;
    sqlite3_bind_int64(st, 1, after);
    sqlite3_bind_int(st, 2, limit);
    int k = 0;
    while (k < limit && sqlite3_step(st) == SQLITE_ROW) {
        gg_case_event *ev = &out[k++];
        memset(ev, 0, sizeof *ev);
        int64_t *v[] = {&ev->flow_id, &ev->case_id, &ev->place_id, &ev->reporter_id,
                        &ev->owner_unit_id, &ev->owner_user_id, &ev->dispatcher_unit_id,
                        &ev->version, &ev->at};
        for (int i = 0; i < 9; i++) *v[i] = sqlite3_column_int64(st, i);
        const char *t;
        if ((t = (const char *)sqlite3_column_text(st, 9))) gg_strlcpy(ev->kind, t, sizeof ev->kind);
        if ((t = (const char *)sqlite3_column_text(st, 10))) gg_strlcpy(ev->state, t, sizeof ev->state);
        if ((t = (const char *)sqlite3_column_text(st, 11))) gg_strlcpy(ev->action, t, sizeof ev->action);
        if ((t = (const char *)sqlite3_column_text(st, 12)))
            gg_strlcpy(ev->place_path, t, sizeof ev->place_path);
    }
    sqlite3_reset(st);
    *n = k;
    return 0;
}

/* ---- cockpit ---- */

int gg_case_open_each(gg_conn *c, const char *root_path,
                      int (*fn)(void *ctx, const gg_open_case *k), void *ctx)
{
    sqlite3_stmt *st = gg_stmt(c, SQL_OPEN_SCAN);
    if (!st) return GG_EIO;
    gg_bind_path_range(st, 1, root_path);
    int src, rc = 0;
    while (!rc && (src = sqlite3_step(st)) == SQLITE_ROW) {
        gg_open_case k = {
            .id = sqlite3_column_int64(st, 0),
            .category_id = sqlite3_column_int64(st, 1),
            .owner_unit_id = sqlite3_column_int64(st, 2),
            .due_at = sqlite3_column_int64(st, 3),
            .overdue = sqlite3_column_int(st, 4) != 0,
            .place_path = (const char *)sqlite3_column_text(st, 5),
            .owner_kind = (const char *)sqlite3_column_text(st, 6),
        };
        k.clock.started = sqlite3_column_int64(st, 7);
        k.clock.run_from = sqlite3_column_int64(st, 8);
        k.clock.accumulated = sqlite3_column_int64(st, 9);
        k.clock.paused_since = sqlite3_column_int64(st, 10);
        k.clock.limit = sqlite3_column_int64(st, 11);
        k.clock.extension = sqlite3_column_int64(st, 12);
        k.clock.natural = sqlite3_column_int(st, 13) != 0;
        rc = fn(ctx, &k);
    }
    sqlite3_reset(st);
    return rc > 0 ? 0 : rc;
}

int gg_case_overdue_list(gg_conn *c, gg_pool *p, const char *root_path, int limit,
                         gg_overdue_case *out, int *n)
{
    sqlite3_stmt *st = gg_stmt(c, SQL_OVERDUE_LIST);
    if (!st) return GG_EIO;
    gg_bind_path_range(st, 1, root_path);
    sqlite3_bind_int(st, 3, limit);
    int k = 0;
    while (k < limit && sqlite3_step(st) == SQLITE_ROW) {
        gg_overdue_case *o = &out[k++];
        o->id = sqlite3_column_int64(st, 0);
        o->place_id = sqlite3_column_int64(st, 1);
        o->due_at = sqlite3_column_int64(st, 2);
        o->title = gg_col_text(p, st, 3);
        o->place_name = gg_col_text(p, st, 4);
        o->kind = gg_col_text(p, st, 5);
        o->state = gg_col_text(p, st, 6);
    }
    sqlite3_reset(st);
    *n = k;
    return 0;
}

int gg_rollup_each(gg_conn *c, const char *root_path, int32_t d0, int32_t d1,
                   void (*fn)(void *ctx, const gg_rollup_row *row), void *ctx)
{
    if (d1 < d0 || d1 - d0 > 400) return GG_EINVAL;
    sqlite3_stmt *st = gg_stmt(c, SQL_ROLLUP_ROWS);
    if (!st) return GG_EIO;
    gg_bind_path_range(st, 1, root_path);
    sqlite3_bind_int(st, 3, d0);
    sqlite3_bind_int(st, 4, d1);
    int src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        gg_rollup_row row = {.path = (const char *)sqlite3_column_text(st, 0),
                             .day = sqlite3_column_int(st, 1),
                             .category_id = sqlite3_column_int64(st, 2)};
        gg_rollup_sum *s = &row.s;
        int64_t *v[] = {&s->reported, &s->responded, &s->dispatched, &s->signed_24h, &s->due,
                        &s->closed, &s->closed_on_time, &s->closed_7d, &s->returned,
                        &s->reworked, &s->rated, &s->satisfied};
        for (int i = 0; i < 12; i++) *v[i] = sqlite3_column_int64(st, 3 + i);
        if (row.path) fn(ctx, &row);
    }
    sqlite3_reset(st);
    return src == SQLITE_DONE ? 0 : GG_EIO;
}

int gg_flow_by_hour(gg_conn *c, const char *root_path, int64_t day_start, int64_t opened[24],
                    int64_t closed[24])
{
    sqlite3_stmt *st = gg_stmt(c, SQL_BY_HOUR);
    if (!st) return GG_EIO;
    gg_bind_path_range(st, 1, root_path);
    sqlite3_bind_int64(st, 3, day_start);
    sqlite3_bind_int64(st, 4, GG_WF_F_CLOSES);
    memset(opened, 0, sizeof(int64_t) * 24);
    memset(closed, 0, sizeof(int64_t) * 24);
    while (sqlite3_step(st) == SQLITE_ROW) {
        int h = sqlite3_column_int(st, 0);
        if (h < 0 || h > 23) continue;
        opened[h] += sqlite3_column_int(st, 1);
        closed[h] += sqlite3_column_int(st, 2);
    }
    sqlite3_reset(st);
    return 0;
}
