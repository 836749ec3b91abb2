/*
 * cases.c — cases, their flow log, whistle departments, "+1" support,
 * categories, the dispatch catalogue, the calendar's special days, and the
 * rollup counters, in SQLite. A case row is written only if its version is
 * still the one the actor saw: two people acting at once, one wins.
 */
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/str.h"
#include "core/timeutil.h"
#include "domain/case.h"
#include "domain/workflow.h"
#include "store/sqlite/db_int.h"

#define CASE_COLS                                                                              \
    "id, kind, subtype, state, category_id, place_id, place_path, title, description, "       \
    "address, lat, lon, urgency, source, coalesce(reporter_id, 0), owner_place_id, "            \
    "coalesce(owner_unit_id, 0), coalesce(owner_user_id, 0), coalesce(dispatcher_place_id, 0), " \
    "coalesce(dispatcher_unit_id, 0), "                                                         \
    "o_started, o_run_from, o_acc, o_paused, o_limit, o_ext, o_natural, "                       \
    "s_started, s_run_from, s_acc, s_paused, s_limit, s_ext, s_natural, "                       \
    "stage, coalesce(due_at, 0), coalesce(stage_due_at, 0), overdue, extension_pending, "       \
    "coalesce(extension_amount, 0), urge_count, supervised, support_count, return_count, "      \
    "rework_count, coalesce(rating, 0), coalesce(responded_at, 0), coalesce(dispatched_at, 0), " \
    "coalesce(closed_at, 0), version, created_at, updated_at, region, close_count"

static const char SQL_GET[] = "SELECT " CASE_COLS " FROM gcase WHERE id = ?1";
static const char SQL_NEXT_ID[] = "SELECT coalesce(max(id), 0) + 1 FROM gcase";
/* ?1..?54 in the order of bind_case() */
#define CASE_SET                                                                                \
    "kind = ?2, subtype = ?3, state = ?4, category_id = ?5, place_id = ?6, place_path = ?7, "   \
    "title = ?8, description = ?9, address = ?10, lat = ?11, lon = ?12, urgency = ?13, "        \
    "source = ?14, reporter_id = ?15, owner_place_id = ?16, owner_unit_id = ?17, "              \
    "owner_user_id = ?18, dispatcher_place_id = ?19, dispatcher_unit_id = ?20, "                \
    "o_started = ?21, o_run_from = ?22, o_acc = ?23, o_paused = ?24, o_limit = ?25, "           \
    "o_ext = ?26, o_natural = ?27, s_started = ?28, s_run_from = ?29, s_acc = ?30, "            \
    "s_paused = ?31, s_limit = ?32, s_ext = ?33, s_natural = ?34, stage = ?35, due_at = ?36, "  \
    "stage_due_at = ?37, overdue = ?38, extension_pending = ?39, extension_amount = ?40, "      \
    "urge_count = ?41, supervised = ?42, support_count = ?43, return_count = ?44, "             \
    "rework_count = ?45, rating = ?46, responded_at = ?47, dispatched_at = ?48, "               \
    "closed_at = ?49, version = ?50, created_at = ?51, updated_at = ?52, region = ?53, "        \
    "close_count = ?54"
static const char SQL_INSERT[] =
    "INSERT INTO gcase (id, kind, subtype, state, category_id, place_id, place_path, title, "
    "description, address, lat, lon, urgency, source, reporter_id, owner_place_id, "
    "owner_unit_id, owner_user_id, dispatcher_place_id, dispatcher_unit_id, o_started, "
    "o_run_from, o_acc, o_paused, o_limit, o_ext, o_natural, s_started, s_run_from, s_acc, "
    "s_paused, s_limit, s_ext, s_natural, stage, due_at, stage_due_at, overdue, "
    "extension_pending, extension_amount, urge_count, supervised, support_count, return_count, "
    "rework_count, rating, responded_at, dispatched_at, closed_at, version, created_at, "
    "updated_at, region, close_count) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
    "?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, "
    "?33, ?34, ?35, ?36, ?37, ?38, ?39, ?40, ?41, ?42, ?43, ?44, ?45, ?46, ?47, ?48, ?49, ?50, "
    "?51, ?52, ?53, ?54)";
static const char SQL_UPDATE[] = "UPDATE gcase SET " CASE_SET " WHERE id = ?1 AND version = ?55";
static const char SQL_FTS_INSERT[] =
    "INSERT INTO case_fts (rowid, title, description, address) VALUES (?1, ?2, ?3, ?4)";
static const char SQL_FLOW_INSERT[] =
    "INSERT INTO case_flow (case_id, at, actor_id, action, from_state, to_state, note, "
    "target_unit_id, target_user_id, target_place_id, rating, flags, region, due_at, rollup_day) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)";
static const char SQL_FLOW_LIST[] =
    "SELECT id, case_id, at, coalesce(actor_id, 0), action, from_state, to_state, note, "
    "coalesce(target_unit_id, 0), coalesce(target_user_id, 0), coalesce(target_place_id, 0), "
    "coalesce(rating, 0), flags FROM case_flow WHERE case_id = ?1 ORDER BY id LIMIT 1000";
static const char SQL_ROLLUP[] =
    "INSERT INTO case_rollup (place_path, day, kind, category_id, reported, responded, "
    "dispatched, signed_24h, due, closed, closed_on_time, closed_7d, returned, reworked, rated, "
    "satisfied, region) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
    "?15, ?16, ?17) ON CONFLICT (place_path, day, kind, category_id) DO UPDATE SET "
    "reported = reported + ?5, responded = responded + ?6, dispatched = dispatched + ?7, "
    "signed_24h = signed_24h + ?8, due = due + ?9, closed = closed + ?10, "
    "closed_on_time = closed_on_time + ?11, closed_7d = closed_7d + ?12, "
    "returned = returned + ?13, reworked = reworked + ?14, rated = rated + ?15, "
    "satisfied = satisfied + ?16";
static const char SQL_ROLLUP_SUM[] =
    "SELECT sum(reported), sum(responded), sum(dispatched), sum(signed_24h), sum(due), "
    "sum(closed), sum(closed_on_time), sum(closed_7d), sum(returned), sum(reworked), "
    "sum(rated), sum(satisfied) FROM case_rollup WHERE place_path >= ?1 AND place_path < ?2 "
    "AND day BETWEEN ?3 AND ?4 AND (?5 = '' OR kind = ?5) AND (?6 = 0 OR category_id = ?6)";
static const char SQL_UNIT_ADD[] =
    "INSERT OR IGNORE INTO case_unit (case_id, unit_id, summoned_at) VALUES (?1, ?2, ?3)";
static const char SQL_UNIT_REPORT[] =
    "UPDATE case_unit SET reported_at = ?3 WHERE case_id = ?1 AND unit_id = ?2 AND reported_at IS NULL";
static const char SQL_UNIT_REMOVE[] = "DELETE FROM case_unit WHERE case_id = ?1 AND unit_id = ?2";
static const char SQL_UNIT_LIST[] =
    "SELECT unit_id, summoned_at, coalesce(reported_at, 0), coalesce(rating, 0) FROM case_unit "
    "WHERE case_id = ?1 ORDER BY summoned_at, unit_id LIMIT 64";
static const char SQL_UNIT_RATE[] =
    "UPDATE case_unit SET rating = ?3 WHERE case_id = ?1 AND unit_id = ?2";
static const char SQL_UNIT_STATUS[] =
    "SELECT coalesce(sum(unit_id = ?2), 0), coalesce(sum(rating IS NULL), 0) FROM case_unit "
    "WHERE case_id = ?1";
static const char SQL_SUPPORT[] =
    "INSERT INTO case_support (case_id, account_id, at) VALUES (?1, ?2, ?3)";
static const char SQL_CAT_GET[] =
    "SELECT id, kind, code, name, limit_amount, limit_unit, stage_amount, stage_unit, active "
    "FROM category WHERE id = ?1";
static const char SQL_CAT_LIST[] =
    "SELECT id, kind, code, name, limit_amount, limit_unit, stage_amount, stage_unit, active "
    "FROM category WHERE (?1 = '' OR kind = ?1) ORDER BY kind, code LIMIT 500";
static const char SQL_CAT_INSERT[] =
    "INSERT INTO category (kind, code, name, limit_amount, limit_unit, stage_amount, stage_unit, "
    "active, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1, ?8)";
static const char SQL_SUGGEST[] =
    "SELECT d.unit_id FROM dispatch_rule d JOIN place p ON p.id = d.place_id "
    "WHERE d.category_id = ?1 AND ?2 >= p.path AND ?2 < " GG_SQL_PATH_UPPER("p.path") " "
    "ORDER BY length(p.path) DESC LIMIT 1";
static const char SQL_RULE_SET[] =
    "INSERT INTO dispatch_rule (category_id, place_id, unit_id, region) "
    "VALUES (?1, ?2, ?3, (SELECT region FROM place WHERE id = ?2)) "
    "ON CONFLICT (category_id, place_id) DO UPDATE SET unit_id = ?3";
static const char SQL_CAL_LIST[] = "SELECT day, kind FROM calendar_day ORDER BY day LIMIT 4096";
static const char SQL_CAL_SET[] =
    "INSERT INTO calendar_day (day, kind) VALUES (?1, ?2) ON CONFLICT (day) DO UPDATE SET kind = ?2";
static const char SQL_CAL_DEL[] = "DELETE FROM calendar_day WHERE day = ?1";
static const char SQL_OVERDUE[] =
    "SELECT " CASE_COLS " FROM gcase WHERE closed_at IS NULL AND due_at < ?1 AND overdue = 0 "
    "AND o_paused = 0 ORDER BY due_at LIMIT ?2";

static void bind_opt(sqlite3_stmt *st, int i, int64_t v)
{
    if (v) sqlite3_bind_int64(st, i, v);
    else sqlite3_bind_null(st, i);
}

/* ---- case rows ---- */

static void row_clock(sqlite3_stmt *st, int col, gg_case_clock *k)
{
    k->started = sqlite3_column_int64(st, col);
    k->run_from = sqlite3_column_int64(st, col + 1);
    k->accumulated = sqlite3_column_int64(st, col + 2);
    k->paused_since = sqlite3_column_int64(st, col + 3);
    k->limit = sqlite3_column_int64(st, col + 4);
    k->extension = sqlite3_column_int64(st, col + 5);
    k->natural = sqlite3_column_int(st, col + 6) != 0;
}

static void case_row(gg_pool *p, sqlite3_stmt *st, gg_case *c)
{
    memset(c, 0, sizeof *c);
    c->id = sqlite3_column_int64(st, 0);
    c->kind = gg_wf_kind_parse((const char *)sqlite3_column_text(st, 1));
    c->subtype = gg_col_text(p, st, 2);
    c->state = gg_wf_state_parse(c->kind, (const char *)sqlite3_column_text(st, 3));
    c->category_id = sqlite3_column_int64(st, 4);
    c->place_id = sqlite3_column_int64(st, 5);
    c->place_path = gg_col_text(p, st, 6);
    c->title = gg_col_text(p, st, 7);
    c->description = gg_col_text(p, st, 8);
    c->address = gg_col_text(p, st, 9);
    c->has_location = sqlite3_column_type(st, 10) != SQLITE_NULL;
    c->lat = sqlite3_column_double(st, 10);
    c->lon = sqlite3_column_double(st, 11);
    c->urgency = gg_col_text(p, st, 12);
    c->source = gg_col_text(p, st, 13);
    c->reporter_id = sqlite3_column_int64(st, 14);
    c->owner_place_id = sqlite3_column_int64(st, 15);
    c->owner_unit_id = sqlite3_column_int64(st, 16);
    c->owner_user_id = sqlite3_column_int64(st, 17);
    c->dispatcher_place_id = sqlite3_column_int64(st, 18);
    c->dispatcher_unit_id = sqlite3_column_int64(st, 19);
    row_clock(st, 20, &c->overall);
    row_clock(st, 27, &c->stage_clock);
    c->stage = gg_wf_stage_parse((const char *)sqlite3_column_text(st, 34));
    c->due_at = sqlite3_column_int64(st, 35);
    c->stage_due_at = sqlite3_column_int64(st, 36);
    c->overdue = sqlite3_column_int(st, 37) != 0;
    c->extension_pending = sqlite3_column_int(st, 38) != 0;
    c->extension_amount = sqlite3_column_int64(st, 39);
    c->urge_count = sqlite3_column_int64(st, 40);
    c->supervised = sqlite3_column_int(st, 41) != 0;
    c->support_count = sqlite3_column_int64(st, 42);
    c->return_count = sqlite3_column_int64(st, 43);
    c->rework_count = sqlite3_column_int64(st, 44);
    c->rating = sqlite3_column_int(st, 45);
    c->responded_at = sqlite3_column_int64(st, 46);
    c->dispatched_at = sqlite3_column_int64(st, 47);
    c->closed_at = sqlite3_column_int64(st, 48);
    c->version = sqlite3_column_int64(st, 49);
    c->created_at = sqlite3_column_int64(st, 50);
    c->updated_at = sqlite3_column_int64(st, 51);
    c->region = gg_col_text(p, st, 52);
    c->close_count = sqlite3_column_int64(st, 53);
}

int gg_case_get(gg_conn *c, gg_pool *p, int64_t id, gg_case *out)
{
    sqlite3_stmt *st = gg_stmt(c, SQL_GET);
    if (!st) return GG_EIO;
    sqlite3_bind_int64(st, 1, id);
    int src = sqlite3_step(st);
    if (src == SQLITE_ROW) case_row(p, st, out);
    sqlite3_reset(st);
    return src == SQLITE_ROW ? 0 : src == SQLITE_DONE ? GG_ENOTFOUND : GG_EIO;
}

static void bind_clock(sqlite3_stmt *st, int i, const gg_case_clock *k)
{
    sqlite3_bind_int64(st, i, k->started);
    sqlite3_bind_int64(st, i + 1, k->run_from);
    sqlite3_bind_int64(st, i + 2, k->accumulated);
    sqlite3_bind_int64(st, i + 3, k->paused_since);
    sqlite3_bind_int64(st, i + 4, k->limit);
    sqlite3_bind_int64(st, i + 5, k->extension);
    sqlite3_bind_int(st, i + 6, k->natural);
}

static void bind_case(sqlite3_stmt *st, const gg_case *c)
{
    sqlite3_bind_int64(st, 1, c->id);
    gg_bind_text(st, 2, gg_wf_kind_name(c->kind));
    gg_bind_text(st, 3, c->subtype);
    gg_bind_text(st, 4, gg_wf_state_name(c->state));
    sqlite3_bind_int64(st, 5, c->category_id);
    sqlite3_bind_int64(st, 6, c->place_id);
    gg_bind_text(st, 7, c->place_path);
    gg_bind_text(st, 8, c->title);
    gg_bind_text(st, 9, c->description ? c->description : "");
    gg_bind_text(st, 10, c->address ? c->address : "");
    if (c->has_location) {
        sqlite3_bind_double(st, 11, c->lat);
        sqlite3_bind_double(st, 12, c->lon);
    }
    gg_bind_text(st, 13, c->urgency ? c->urgency : "normal");
    gg_bind_text(st, 14, c->source ? c->source : "web");
    bind_opt(st, 15, c->reporter_id);
    sqlite3_bind_int64(st, 16, c->owner_place_id);
    bind_opt(st, 17, c->owner_unit_id);
    bind_opt(st, 18, c->owner_user_id);
    bind_opt(st, 19, c->dispatcher_place_id);
    bind_opt(st, 20, c->dispatcher_unit_id);
    bind_clock(st, 21, &c->overall);
    bind_clock(st, 28, &c->stage_clock);
    gg_bind_text(st, 35, c->stage ? gg_wf_stage_name(c->stage) : NULL);
    bind_opt(st, 36, c->due_at);
    bind_opt(st, 37, c->stage_due_at);
    sqlite3_bind_int(st, 38, c->overdue);
    sqlite3_bind_int(st, 39, c->extension_pending);
    bind_opt(st, 40, c->extension_amount);
    sqlite3_bind_int64(st, 41, c->urge_count);
    sqlite3_bind_int(st, 42, c->supervised);
    sqlite3_bind_int64(st, 43, c->support_count);
    sqlite3_bind_int64(st, 44, c->return_count);
    sqlite3_bind_int64(st, 45, c->rework_count);
    bind_opt(st, 46, c->rating);
    bind_opt(st, 47, c->responded_at);
    bind_opt(st, 48, c->dispatched_at);
    bind_opt(st, 49, c->closed_at);
    sqlite3_bind_int64(st, 50, c->version);
    sqlite3_bind_int64(st, 51, c->created_at);
    sqlite3_bind_int64(st, 52, c->updated_at);
    gg_bind_text(st, 53, c->region);
    sqlite3_bind_int64(st, 54, c->close_count);
}

static int rollup(gg_conn *w, const gg_case *c, const gg_case_flow_rec *f, gg_error *e)
{
    const gg_rollup_delta *d = f->delta;
    if (!d) return 0;
    static const gg_rollup_delta zero;
    if (memcmp(d, &zero, sizeof zero) == 0) return 0;
    sqlite3_stmt *st = gg_stmt(w, SQL_ROLLUP);
    if (!st) return gg_sqlite_fail(w, SQLITE_ERROR, e, "rollup");
    gg_bind_text(st, 1, c->place_path);
    sqlite3_bind_int(st, 2, f->rollup_day);
    gg_bind_text(st, 3, gg_wf_kind_name(c->kind));
    sqlite3_bind_int64(st, 4, c->category_id);
    const int v[] = {d->reported, d->responded, d->dispatched, d->signed_24h, d->due, d->closed,
                     d->closed_on_time, d->closed_7d, d->returned, d->reworked, d->rated,
                     d->satisfied};
    for (int i = 0; i < 12; i++) sqlite3_bind_int(st, 5 + i, v[i]);
    gg_bind_text(st, 17, c->region);
    return gg_stmt_run(w, st, e, "rollup");
}

static int flow(gg_conn *w, const gg_case *c, gg_case_flow_rec *f, gg_error *e)
{
    sqlite3_stmt *st = gg_stmt(w, SQL_FLOW_INSERT);
    if (!st) return gg_sqlite_fail(w, SQLITE_ERROR, e, "flow");
    sqlite3_bind_int64(st, 1, c->id);
    sqlite3_bind_int64(st, 2, f->at);
    bind_opt(st, 3, f->actor_id);
    gg_bind_text(st, 4, f->action);
    gg_bind_text(st, 5, f->from_state);
    gg_bind_text(st, 6, f->to_state);
    gg_bind_text(st, 7, f->note && *f->note ? f->note : NULL);
    bind_opt(st, 8, f->target_unit_id);
    bind_opt(st, 9, f->target_user_id);
    bind_opt(st, 10, f->target_place_id);
    bind_opt(st, 11, f->rating);
    sqlite3_bind_int64(st, 12, f->flags);
    gg_bind_text(st, 13, c->region);
    bind_opt(st, 14, f->due_at);
    sqlite3_bind_int(st, 15, f->rollup_day);
    int rc = gg_stmt_run(w, st, e, "flow");
    if (!rc) f->id = sqlite3_last_insert_rowid(w->db);
    if (!rc) rc = rollup(w, c, f, e);
    if (!rc) rc = gg_outbox_case_step(w, c, f, e); /* its webhooks, same transaction */
    if (!rc) gg_case_event_note(w, c, f);          /* live views, after the COMMIT (#4) */
    return rc;
}

int gg_case_insert(gg_conn *w, gg_case *c, gg_case_flow_rec *f, gg_error *e)
{
    sqlite3_stmt *st = gg_stmt(w, SQL_NEXT_ID);
    if (!st || sqlite3_step(st) != SQLITE_ROW) return gg_sqlite_fail(w, SQLITE_ERROR, e, "case id");
    c->id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (!(st = gg_stmt(w, SQL_INSERT))) return gg_sqlite_fail(w, SQLITE_ERROR, e, "case");
    c->version = 1;
    bind_case(st, c);
    int rc = gg_stmt_run(w, st, e, "case insert");
    if (rc) return rc;
    if (!(st = gg_stmt(w, SQL_FTS_INSERT))) return gg_sqlite_fail(w, SQLITE_ERROR, e, "fts");
    sqlite3_bind_int64(st, 1, c->id);
    gg_bind_text(st, 2, c->title);
    gg_bind_text(st, 3, c->description ? c->description : "");
    gg_bind_text(st, 4, c->address ? c->address : "");
    if ((rc = gg_stmt_run(w, st, e, "fts"))) return rc;
    return flow(w, c, f, e);
}

int gg_case_update(gg_conn *w, gg_case *c, int64_t expect_version, gg_case_flow_rec *f,
                   gg_error *e)
{
    sqlite3_stmt *st = gg_stmt(w, SQL_UPDATE);
    if (!st) return gg_sqlite_fail(w, SQLITE_ERROR, e, "case");
    c->version = expect_version + 1;
    bind_case(st, c);
    sqlite3_bind_int64(st, 55, expect_version);
    int rc = gg_stmt_run(w, st, e, "case update");
    if (rc) return rc;
    if (sqlite3_changes(w->db) != 1)
        return gg_fail(e, GG_ECONFLICT, 409, "stale_version", "version",
                       "someone acted on this case first; reload it and try again");
    return flow(w, c, f, e);
}

int gg_case_flow_list(gg_conn *c, gg_pool *p, int64_t case_id, gg_case_flow_rec **rows, int *n)
{
    sqlite3_stmt *st = gg_stmt(c, SQL_FLOW_LIST);
    if (!st) return GG_EIO;
    gg_buf b;
    gg_buf_init(&b, 1000 * sizeof(gg_case_flow_rec));
    sqlite3_bind_int64(st, 1, case_id);
    int k = 0, rc = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        gg_case_flow_rec f = {
            .id = sqlite3_column_int64(st, 0), .case_id = sqlite3_column_int64(st, 1),
            .at = sqlite3_column_int64(st, 2), .actor_id = sqlite3_column_int64(st, 3),
            .action = gg_col_text(p, st, 4), .from_state = gg_col_text(p, st, 5),
            .to_state = gg_col_text(p, st, 6), .note = gg_col_text(p, st, 7),
            .target_unit_id = sqlite3_column_int64(st, 8),
            .target_user_id = sqlite3_column_int64(st, 9),
            .target_place_id = sqlite3_column_int64(st, 10), .rating = sqlite3_column_int(st, 11),
            .flags = (unsigned)sqlite3_column_int64(st, 12)};
        if ((rc = gg_buf_append(&b, &f, sizeof f))) break;
        k++;
    }
    sqlite3_reset(st);
    gg_case_flow_rec *out = k ? gg_palloc(p, b.len) : NULL;
    if (out) memcpy(out, b.data, b.len);
    gg_buf_free(&b);
    if (rc || (k && !out)) return GG_ENOMEM;
    *rows = out;
    *n = k;
    return 0;
}

/* ---- whistle units, support ---- */

static int case_unit_op(gg_conn *w, const char *sql, int64_t case_id, int64_t unit_id, int64_t v,
                        gg_error *e)
{
    sqlite3_stmt *st = gg_stmt(w, sql);
    if (!st) return gg_sqlite_fail(w, SQLITE_ERROR, e, "case unit");
    sqlite3_bind_int64(st, 1, case_id);
    sqlite3_bind_int64(st, 2, unit_id);
    if (sqlite3_bind_parameter_count(st) >= 3) sqlite3_bind_int64(st, 3, v); /* at, rating */
    int rc = gg_stmt_run(w, st, e, "case unit");
    if (!rc && sql == SQL_UNIT_REPORT && sqlite3_changes(w->db) != 1)
        return gg_fail(e, GG_ECONFLICT, 409, "already_reported", "",
                       "your unit has already reported in (or was not summoned)");
    if (!rc && sql != SQL_UNIT_ADD && sqlite3_changes(w->db) != 1)
        return gg_fail(e, GG_EINVAL, 422, "not_summoned", "target_unit_id",
                       "that unit was not summoned to this case");
    return rc;
}

int gg_case_unit_add(gg_conn *w, int64_t case_id, int64_t unit_id, int64_t at, gg_error *e)
{
    return case_unit_op(w, SQL_UNIT_ADD, case_id, unit_id, at, e);
}

int gg_case_unit_report(gg_conn *w, int64_t case_id, int64_t unit_id, int64_t at, gg_error *e)
{
    return case_unit_op(w, SQL_UNIT_REPORT, case_id, unit_id, at, e);
}

int gg_case_unit_remove(gg_conn *w, int64_t case_id, int64_t unit_id, gg_error *e)
{
    return case_unit_op(w, SQL_UNIT_REMOVE, case_id, unit_id, 0, e);
}

int gg_case_units(gg_conn *c, int64_t case_id, gg_case_unit_rec *out, int cap)
{
    sqlite3_stmt *st = gg_stmt(c, SQL_UNIT_LIST);
    if (!st) return GG_EIO;
    sqlite3_bind_int64(st, 1, case_id);
    int k = 0;
    while (k < cap && sqlite3_step(st) == SQLITE_ROW) {
        out[k] = (gg_case_unit_rec){sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
                                    sqlite3_column_int64(st, 2), sqlite3_column_int(st, 3)};
        k++;
    }
    sqlite3_reset(st);
    return k;
}

int gg_case_unit_rate(gg_conn *w, int64_t case_id, int64_t unit_id, int rating, gg_error *e)
{
    return case_unit_op(w, SQL_UNIT_RATE, case_id, unit_id, rating, e);
}

int gg_case_unit_status(gg_conn *c, int64_t case_id, int64_t unit_id, bool *summoned,
                        int *unrated)
{
    sqlite3_stmt *st = gg_stmt(c, SQL_UNIT_STATUS);
    if (!st) return GG_EIO;
    sqlite3_bind_int64(st, 1, case_id);
    sqlite3_bind_int64(st, 2, unit_id);
    int src = sqlite3_step(st);
    *summoned = src == SQLITE_ROW && sqlite3_column_int(st, 0) > 0;
    *unrated = src == SQLITE_ROW ? sqlite3_column_int(st, 1) : 0;
    sqlite3_reset(st);
    return src == SQLITE_ROW ? 0 : GG_EIO;
}

int gg_case_support_add(gg_conn *w, int64_t case_id, int64_t account_id, int64_t at, gg_error *e)
{
    sqlite3_stmt *st = gg_stmt(w, SQL_SUPPORT);
    if (!st) return gg_sqlite_fail(w, SQLITE_ERROR, e, "support");
    sqlite3_bind_int64(st, 1, case_id);
    sqlite3_bind_int64(st, 2, account_id);
    sqlite3_bind_int64(st, 3, at);
    int src = sqlite3_step(st);
    sqlite3_reset(st);
    if ((src & 0xff) == SQLITE_CONSTRAINT)
        return gg_fail(e, GG_ECONFLICT, 409, "already_supported", "",
                       "you already support this case");
    return src == SQLITE_DONE ? 0 : gg_sqlite_fail(w, src, e, "support");
}

/* ---- categories, catalogue, calendar ---- */

static void cat_row(gg_pool *p, sqlite3_stmt *st, gg_category *c)
{
    c->id = sqlite3_column_int64(st, 0);
    c->kind = gg_col_text(p, st, 1);
    c->code = gg_col_text(p, st, 2);
    c->name = gg_col_text(p, st, 3);
    c->limit_amount = sqlite3_column_int64(st, 4);
    c->limit_unit = gg_col_text(p, st, 5);
    c->stage_amount = sqlite3_column_int64(st, 6);
    c->stage_unit = gg_col_text(p, st, 7);
    c->active = sqlite3_column_int(st, 8) != 0;
}

int gg_category_get(gg_conn *c, gg_pool *p, int64_t id, gg_category *out)
{
    sqlite3_stmt *st = gg_stmt(c, SQL_CAT_GET);
    if (!st) return GG_EIO;
    sqlite3_bind_int64(st, 1, id);
    int src = sqlite3_step(st);
    if (src == SQLITE_ROW) cat_row(p, st, out);
    sqlite3_reset(st);
    return src == SQLITE_ROW ? 0 : src == SQLITE_DONE ? GG_ENOTFOUND : GG_EIO;
}

int gg_category_list(gg_conn *c, gg_pool *p, const char *kind, gg_category **rows, int *n)
{
    sqlite3_stmt *st = gg_stmt(c, SQL_CAT_LIST);
    if (!st) return GG_EIO;
    gg_category *out = gg_pcalloc(p, sizeof *out * 500);
    if (!out) return GG_ENOMEM;
    gg_bind_text(st, 1, kind ? kind : "");
    int k = 0;
    while (k < 500 && sqlite3_step(st) == SQLITE_ROW) cat_row(p, st, &out[k++]);
    sqlite3_reset(st);
    *rows = out;
    *n = k;
    return 0;
}

int gg_category_insert(gg_conn *w, gg_category *cat, gg_error *e)
{
    sqlite3_stmt *st = gg_stmt(w, SQL_CAT_INSERT);
    if (!st) return gg_sqlite_fail(w, SQLITE_ERROR, e, "category");
    gg_bind_text(st, 1, cat->kind);
    gg_bind_text(st, 2, cat->code);
    gg_bind_text(st, 3, cat->name);
    sqlite3_bind_int64(st, 4, cat->limit_amount);
    gg_bind_text(st, 5, cat->limit_unit);
    sqlite3_bind_int64(st, 6, cat->stage_amount);
    gg_bind_text(st, 7, cat->stage_unit);
    sqlite3_bind_int64(st, 8, gg_now_us());
    int src = sqlite3_step(st);
    sqlite3_reset(st);
    if ((src & 0xff) == SQLITE_CONSTRAINT)
        return gg_fail(e, GG_ECONFLICT, 409, "code_taken", "code",
                       "a category of this kind already has that code");
    if (src != SQLITE_DONE) return gg_sqlite_fail(w, src, e, "category");
    cat->id = sqlite3_last_insert_rowid(w->db);
    return 0;
}

int64_t gg_dispatch_suggest(gg_conn *c, int64_t category_id, const char *place_path)
{
    sqlite3_stmt *st = gg_stmt(c, SQL_SUGGEST);
    if (!st) return 0;
    sqlite3_bind_int64(st, 1, category_id);
    gg_bind_text(st, 2, place_path);
    int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    return v;
}

int gg_dispatch_rule_set(gg_conn *w, int64_t category_id, int64_t place_id, int64_t unit_id,
                         gg_error *e)
{
    sqlite3_stmt *st = gg_stmt(w, SQL_RULE_SET);
    if (!st) return gg_sqlite_fail(w, SQLITE_ERROR, e, "dispatch rule");
    sqlite3_bind_int64(st, 1, category_id);
    sqlite3_bind_int64(st, 2, place_id);
    sqlite3_bind_int64(st, 3, unit_id);
    return gg_stmt_run(w, st, e, "dispatch rule");
}

int gg_calendar_days(gg_conn *c, gg_pool *p, gg_calendar_day **rows, int *n)
{
    sqlite3_stmt *st = gg_stmt(c, SQL_CAL_LIST);
    if (!st) return GG_EIO;
    gg_calendar_day *out = gg_pcalloc(p, sizeof *out * 4096);
    if (!out) return GG_ENOMEM;
    int k = 0;
    while (k < 4096 && sqlite3_step(st) == SQLITE_ROW) {
        const char *d = (const char *)sqlite3_column_text(st, 0);
        const char *kind = (const char *)sqlite3_column_text(st, 1);
        gg_strlcpy(out[k].day, d ? d : "", sizeof out[k].day);
        gg_strlcpy(out[k].kind, kind ? kind : "", sizeof out[k].kind);
        k++;
    }
    sqlite3_reset(st);
    *rows = out;
    *n = k;
    return 0;
}

int gg_calendar_day_set(gg_conn *w, const char *day, const char *kind, gg_error *e)
{
    sqlite3_stmt *st = gg_stmt(w, kind ? SQL_CAL_SET : SQL_CAL_DEL);
    if (!st) return gg_sqlite_fail(w, SQLITE_ERROR, e, "calendar");
    gg_bind_text(st, 1, day);
    if (kind) gg_bind_text(st, 2, kind);
    return gg_stmt_run(w, st, e, "calendar");
}

/* ---- rollups ---- */

int gg_rollup_sum_get(gg_conn *c, const char *root_path, int32_t from_day, int32_t to_day,
                      const char *kind, int64_t category_id, gg_rollup_sum *out)
{
    sqlite3_stmt *st = gg_stmt(c, SQL_ROLLUP_SUM);
    if (!st) return GG_EIO;
    gg_bind_path_range(st, 1, root_path);
    sqlite3_bind_int(st, 3, from_day);
    sqlite3_bind_int(st, 4, to_day);
    gg_bind_text(st, 5, kind ? kind : "");
    sqlite3_bind_int64(st, 6, category_id);
    int src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        int64_t *v[] = {&out->reported, &out->responded, &out->dispatched, &out->signed_24h,
                        &out->due, &out->closed, &out->closed_on_time, &out->closed_7d,
                        &out->returned, &out->reworked, &out->rated, &out->satisfied};
        for (int i = 0; i < 12; i++) *v[i] = sqlite3_column_int64(st, i);
    }
    sqlite3_reset(st);
    return src == SQLITE_ROW ? 0 : GG_EIO;
}

int gg_case_overdue_candidates(gg_conn *c, gg_pool *p, int64_t now, int limit, gg_case **rows,
                               int *n)
{
    sqlite3_stmt *st = gg_stmt(c, SQL_OVERDUE);
    if (!st) return GG_EIO;
    gg_case *out = gg_pcalloc(p, sizeof *out * (size_t)(limit > 0 ? limit : 1));
    if (!out) return GG_ENOMEM;
    sqlite3_bind_int64(st, 1, now);
    sqlite3_bind_int(st, 2, limit);
    int k = 0;
    while (k < limit && sqlite3_step(st) == SQLITE_ROW) case_row(p, st, &out[k++]);
    sqlite3_reset(st);
    *rows = out;
    *n = k;
    return 0;
}

/* ---- listing and search ----
 * Newest first, a page at a time. One statement per access path, each
 * prepared once: by the reporter's, the holding unit's or the holding
 * person's index (each ordered by id), or else a scan by id descending that
 * stops as soon as the page is full — never a sort of the whole scope. Each
 * path comes in three search modes (none, FTS5 trigram for terms of three
 * characters or more, LIKE below). Every other filter is an optional
 * predicate "(?n = 0 OR …)". The cursor is the last id. */
#define LIST_SELECT "SELECT " CASE_COLS " FROM gcase g "
#define BY_SCAN "NOT INDEXED WHERE 1"
#define BY_REPORTER "INDEXED BY gcase_reporter WHERE g.reporter_id = ?13"
#define BY_OWNER_UNIT "INDEXED BY gcase_owner_unit WHERE g.owner_unit_id = ?14"
#define BY_OWNER_USER "INDEXED BY gcase_owner_user WHERE g.owner_user_id = ?15"
#define LIST_WHERE                                                                            \
    " AND g.place_path >= ?1 AND g.place_path < ?2 AND g.id < ?3 "                          \
    "AND (?4 = '' OR " GG_SQL_UNDER_ANY("g.place_path", "?4") ") "                            \
    "AND (?5 = '' OR g.kind = ?5) AND (?6 = '' OR g.state = ?6) "                            \
    "AND (?7 = 0 OR g.category_id = ?7) AND (?8 = 0 OR g.closed_at IS NULL) "                 \
    "AND (?9 = 0 OR g.overdue = 1) AND (?10 = 0 OR (g.closed_at IS NULL AND g.due_at < ?10)) " \
    "AND (?11 = 0 OR g.created_at >= ?11) AND (?12 = 0 OR g.created_at < ?12) "              \
    "AND (?13 = 0 OR g.reporter_id = ?13) AND (?14 = 0 OR g.owner_unit_id = ?14) "            \
    "AND (?15 = 0 OR g.owner_user_id = ?15) "
#define Q_FTS "AND g.id IN (SELECT rowid FROM case_fts WHERE case_fts MATCH ?17) "
#define Q_LIKE                                                                                \
    "AND (g.title LIKE ?17 ESCAPE '\\' OR g.description LIKE ?17 ESCAPE '\\' "             \
    "OR g.address LIKE ?17 ESCAPE '\\') "
#define LIST_ORDER "ORDER BY g.id DESC LIMIT ?16"
#define LIST_SQL(by, q) LIST_SELECT by LIST_WHERE q LIST_ORDER

static const char SQL_L_SCAN[] = LIST_SQL(BY_SCAN, "");
static const char SQL_L_SCAN_FTS[] = LIST_SQL(BY_SCAN, Q_FTS);
static const char SQL_L_SCAN_LIKE[] = LIST_SQL(BY_SCAN, Q_LIKE);
static const char SQL_L_REP[] = LIST_SQL(BY_REPORTER, "");
static const char SQL_L_REP_FTS[] = LIST_SQL(BY_REPORTER, Q_FTS);
static const char SQL_L_REP_LIKE[] = LIST_SQL(BY_REPORTER, Q_LIKE);
static const char SQL_L_UNIT[] = LIST_SQL(BY_OWNER_UNIT, "");
static const char SQL_L_UNIT_FTS[] = LIST_SQL(BY_OWNER_UNIT, Q_FTS);
static const char SQL_L_UNIT_LIKE[] = LIST_SQL(BY_OWNER_UNIT, Q_LIKE);
static const char SQL_L_USER[] = LIST_SQL(BY_OWNER_USER, "");
static const char SQL_L_USER_FTS[] = LIST_SQL(BY_OWNER_USER, Q_FTS);
static const char SQL_L_USER_LIKE[] = LIST_SQL(BY_OWNER_USER, Q_LIKE);
/* [access path][search mode] */
static const char *const list_sql[4][3] = {
    {SQL_L_SCAN, SQL_L_SCAN_FTS, SQL_L_SCAN_LIKE},
    {SQL_L_REP, SQL_L_REP_FTS, SQL_L_REP_LIKE},
    {SQL_L_UNIT, SQL_L_UNIT_FTS, SQL_L_UNIT_LIKE},
    {SQL_L_USER, SQL_L_USER_FTS, SQL_L_USER_LIKE},
};

/* The FTS5 query for a user's term: one quoted phrase ("" doubled), so no
 * operator in the term is interpreted. */
static const char *fts_phrase(gg_pool *p, const char *q)
{
    gg_buf b;
    gg_buf_init(&b, 4096);
    gg_buf_putc(&b, '"');
    for (const char *s = q; *s; s++) {
        if (*s == '"') gg_buf_putc(&b, '"');
        gg_buf_putc(&b, *s);
    }
    gg_buf_putc(&b, '"');
    const char *out = b.data ? gg_pstrndup(p, b.data, b.len) : NULL;
    gg_buf_free(&b);
    return out;
}

static const char *like_pattern(gg_pool *p, const char *q)
{
    gg_buf b;
    gg_buf_init(&b, 4096);
    gg_buf_putc(&b, '%');
    for (const char *s = q; *s; s++) {
        if (*s == '%' || *s == '_' || *s == '\\') gg_buf_putc(&b, '\\');
        gg_buf_putc(&b, *s);
    }
    gg_buf_putc(&b, '%');
    const char *out = b.data ? gg_pstrndup(p, b.data, b.len) : NULL;
    gg_buf_free(&b);
    return out;
}

int gg_case_list(gg_conn *c, gg_pool *p, const gg_case_filter *f, gg_case **rows, int *n)
{
    size_t qlen = f->q ? gg_utf8_len(f->q, strlen(f->q)) : 0;
    int path = f->reporter_id ? 1 : f->owner_unit_id ? 2 : f->owner_user_id ? 3 : 0;
    const char *sql = list_sql[path][qlen == 0 ? 0 : qlen >= 3 ? 1 : 2];
    sqlite3_stmt *st = gg_stmt(c, sql);
    if (!st) return GG_EIO;
    const char *scope =
        f->scope_paths && f->nscope > 0 ? gg_paths_json(p, f->scope_paths, f->nscope) : "";
    if (!scope) return GG_ENOMEM;
    gg_bind_path_range(st, 1, f->root_path);
    sqlite3_bind_int64(st, 3, f->after_id > 0 ? f->after_id : INT64_MAX);
    gg_bind_text(st, 4, scope);
    gg_bind_text(st, 5, f->kind ? gg_wf_kind_name(f->kind) : "");
    gg_bind_text(st, 6, f->state ? gg_wf_state_name(f->state) : "");
    sqlite3_bind_int64(st, 7, f->category_id);
    sqlite3_bind_int(st, 8, f->open_only);
    sqlite3_bind_int(st, 9, f->overdue_only);
    sqlite3_bind_int64(st, 10, f->due_soon ? f->due_before : 0);
    sqlite3_bind_int64(st, 11, f->from_us);
    sqlite3_bind_int64(st, 12, f->to_us);
    sqlite3_bind_int64(st, 13, f->reporter_id);
    sqlite3_bind_int64(st, 14, f->owner_unit_id);
    sqlite3_bind_int64(st, 15, f->owner_user_id);
    sqlite3_bind_int(st, 16, f->limit);
    if (qlen) {
        const char *term = qlen >= 3 ? fts_phrase(p, f->q) : like_pattern(p, f->q);
        if (!term) return GG_ENOMEM;
        gg_bind_text(st, 17, term);
    }
    gg_case *out = gg_pcalloc(p, sizeof *out * (size_t)(f->limit > 0 ? f->limit : 1));
    if (!out) return GG_ENOMEM;
    int k = 0, src;
    while (k < f->limit && (src = sqlite3_step(st)) == SQLITE_ROW) case_row(p, st, &out[k++]);
    sqlite3_reset(st);
    *rows = out;
    *n = k;
    return 0;
}
