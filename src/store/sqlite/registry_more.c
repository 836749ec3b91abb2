/*
 * registry_more.c — houses, households, organisations, key-group tags,
 * visits, the statistics of a subtree (知晓率, key-group counts, due visits)
 * and the audit of revealed values, in SQLite. See registry.c for the
 * residents themselves and the rules on sealed values.
 *
 * Every statement is the connection's cached one (gg_stmt), reset before
 * the function returns so no read stays open.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/str.h"
#include "core/timeutil.h"
#include "domain/place.h"
#include "domain/registry.h"
#include "store/sqlite/registry_int.h"

#define DAY_US (86400LL * 1000000LL)

/* ---- resolving references ---------------------------------------------------- */

int gg_reg_row_within(gg_conn *c, const char *table, int64_t id, const char *path,
                      const char *field, gg_error *e)
{
    const char *sql = strcmp(table, "house") == 0
                          ? "SELECT place_path FROM house WHERE id = ?1"
                          : "SELECT place_path FROM household WHERE id = ?1";
    sqlite3_stmt *st = gg_stmt(c, sql);
    if (!st) return GG_EIO;
    sqlite3_bind_int64(st, 1, id);
    bool ok = false;
    if (sqlite3_step(st) == SQLITE_ROW) {
        const char *pp = (const char *)sqlite3_column_text(st, 0);
        ok = !path || (pp && (gg_path_within(pp, path) || gg_path_within(path, pp)));
    }
    sqlite3_reset(st);
    return ok ? 0 : gg_fail(e, GG_EINVAL, 422, "invalid_reference", field,
                            "no such %s at this place", table);
}

static const char SQL_HOUSE_FIND[] = "SELECT id FROM house WHERE place_id = ?1 AND room = ?2";
static const char SQL_HOUSE_INSERT[] =
    "INSERT INTO house (place_id, place_path, room, use, area, owner_name, verified_at, region, "
    "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)";

int gg_house_resolve(gg_conn *w, gg_pool *p, int64_t place_id, const char *path,
                     const char *region, const char *room, int use, int64_t *id, gg_error *e)
{
    (void)p;
    sqlite3_stmt *st = gg_stmt(w, SQL_HOUSE_FIND);
    if (!st) return GG_EIO;
    sqlite3_bind_int64(st, 1, place_id);
    gg_bind_text(st, 2, room);
    int src = sqlite3_step(st);
    *id = src == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    if (*id) return 0;
    st = gg_stmt(w, SQL_HOUSE_INSERT);
    if (!st) return GG_EIO;
    int64_t now = gg_now_us();
    sqlite3_bind_int64(st, 1, place_id);
    gg_bind_text(st, 2, path);
    gg_bind_text(st, 3, room);
    gg_bind_text(st, 4, gg_reg_code(GG_RT_HOUSE_USE, use));
    sqlite3_bind_int64(st, 7, now);
    gg_bind_text(st, 8, region);
    sqlite3_bind_int64(st, 9, now);
    src = sqlite3_step(st);
    sqlite3_reset(st);
    if (src != SQLITE_DONE) return gg_sqlite_fail(w, src, e, "house");
    *id = sqlite3_last_insert_rowid(w->db);
    return 0;
}

static const char SQL_HOUSE_VERIFIED[] = "UPDATE house SET verified_at = ?2 WHERE id = ?1";

int gg_house_find_or_add(gg_conn *w, int64_t place_id, const char *path, const char *region,
                         const char *room, int use, int64_t verified_at, int64_t *id, gg_error *e)
{
    int rc = gg_house_resolve(w, NULL, place_id, path, region, room, use, id, e);
    if (rc || !verified_at) return rc;
    sqlite3_stmt *st = gg_stmt(w, SQL_HOUSE_VERIFIED);
    if (!st) return GG_EIO;
    sqlite3_bind_int64(st, 1, *id);
    sqlite3_bind_int64(st, 2, verified_at);
    return gg_stmt_run(w, st, e, "house");
}

int gg_household_find_or_add(gg_conn *w, int64_t place_id, const char *path, const char *region,
                             int64_t house_id, const char *number, int64_t *id, gg_error *e)
{
    return gg_household_resolve(w, place_id, path, region, house_id, number, id, e);
}

static const char SQL_HH_FIND[] = "SELECT id FROM household WHERE region = ?1 AND number = ?2";
static const char SQL_HH_INSERT[] =
    "INSERT INTO household (place_id, place_path, house_id, number, region, created_at, "
    "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)";

int gg_household_resolve(gg_conn *w, int64_t place_id, const char *path, const char *region,
                         int64_t house_id, const char *number, int64_t *id, gg_error *e)
{
    sqlite3_stmt *st = gg_stmt(w, SQL_HH_FIND);
    if (!st) return GG_EIO;
    gg_bind_text(st, 1, region);
    gg_bind_text(st, 2, number);
    int src = sqlite3_step(st);
    *id = src == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    if (*id) return 0;
    st = gg_stmt(w, SQL_HH_INSERT);
    if (!st) return GG_EIO;
    sqlite3_bind_int64(st, 1, place_id);
    gg_bind_text(st, 2, path);
    if (house_id) sqlite3_bind_int64(st, 3, house_id);
    gg_bind_text(st, 4, number);
    gg_bind_text(st, 5, region);
    sqlite3_bind_int64(st, 6, gg_now_us());
    src = sqlite3_step(st);
    sqlite3_reset(st);
    if (src != SQLITE_DONE) return gg_sqlite_fail(w, src, e, "household");
    *id = sqlite3_last_insert_rowid(w->db);
    return 0;
}

/* ---- tags -------------------------------------------------------------------- */

static const char SQL_TAG_PUT[] =
    "INSERT INTO resident_tag (resident_id, tag, level, since, next_due, place_path) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (resident_id, tag) DO UPDATE SET "
    "level = excluded.level, next_due = excluded.next_due, place_path = excluded.place_path";
static const char SQL_TAG_DEL[] = "DELETE FROM resident_tag WHERE resident_id = ?1 AND tag = ?2";
static const char SQL_TAG_BITS[] =
    "UPDATE resident SET tags = (SELECT coalesce(sum(1 << tag), 0) FROM resident_tag "
    "WHERE resident_id = ?1) WHERE id = ?1";
static const char *const special_del[] = {
    [GG_TAG_RELEASED] = "DELETE FROM sg_released WHERE resident_id = ?1",
    [GG_TAG_CORRECTION] = "DELETE FROM sg_correction WHERE resident_id = ?1",
    [GG_TAG_MENTAL] = "DELETE FROM sg_mental WHERE resident_id = ?1",
    [GG_TAG_DRUG] = "DELETE FROM sg_drug WHERE resident_id = ?1",
    [GG_TAG_AIDS_RISK] = "DELETE FROM sg_aids_risk WHERE resident_id = ?1",
    [GG_TAG_KEY_YOUTH] = "DELETE FROM sg_key_youth WHERE resident_id = ?1",
};

static int tag_put(gg_conn *w, int64_t rid, int tag, int level, int64_t since, int64_t base,
                   const char *path, gg_error *e)
{
    sqlite3_stmt *st = gg_stmt(w, SQL_TAG_PUT);
    if (!st) return GG_EIO;
    int days = gg_tag_visit_days(tag, level);
    sqlite3_bind_int64(st, 1, rid);
    sqlite3_bind_int(st, 2, tag);
    sqlite3_bind_int(st, 3, level);
    sqlite3_bind_int64(st, 4, since);
    if (days) sqlite3_bind_int64(st, 5, base + days * DAY_US);
    gg_bind_text(st, 6, path);
    return gg_stmt_run(w, st, e, "tag");
}

static int tag_del(gg_conn *w, int64_t rid, int tag, gg_error *e)
{
    sqlite3_stmt *st = gg_stmt(w, SQL_TAG_DEL);
    if (!st) return GG_EIO;
    sqlite3_bind_int64(st, 1, rid);
    sqlite3_bind_int(st, 2, tag);
    int rc = gg_stmt_run(w, st, e, "tag");
    if (rc) return rc;
    if (tag < (int)GG_ARRAY_LEN(special_del) && special_del[tag]) {
        sqlite3_stmt *s2 = gg_stmt(w, special_del[tag]);
        if (s2) sqlite3_bind_int64(s2, 1, rid);
        return gg_stmt_run(w, s2, e, "special group");
    }
    return 0;
}

/* resident.tags, the bit set of the rows of resident_tag, brought up to date. */
static int tag_bits(gg_conn *w, int64_t resident_id, gg_error *e)
{
    sqlite3_stmt *st = gg_stmt(w, SQL_TAG_BITS);
    if (!st) return GG_EIO;
    sqlite3_bind_int64(st, 1, resident_id);
    return gg_stmt_run(w, st, e, "tags");
}

int gg_res_tags_sync(gg_conn *w, int64_t resident_id, const char *path, uint32_t old_tags,
                     uint32_t tags, int64_t now, gg_error *e)
{
    int rc = 0;
    for (int t = 1; t < GG_TAG__COUNT && !rc; t++) {
        bool was = old_tags & GG_TAG_BIT(t), is = tags & GG_TAG_BIT(t);
        if (is && !was) rc = tag_put(w, resident_id, t, gg_tag_def_get(t)->level, now, now, path, e);
        else if (was && !is) rc = tag_del(w, resident_id, t, e);
    }
    return rc ? rc : tag_bits(w, resident_id, e);
}

int gg_res_tags(gg_conn *c, gg_pool *p, int64_t resident_id, gg_res_tag **rows, int *n)
{
    sqlite3_stmt *st = gg_stmt(c, "SELECT tag, level, since, next_due FROM resident_tag "
                                  "WHERE resident_id = ?1 ORDER BY tag");
    if (!st) return GG_EIO;
    sqlite3_bind_int64(st, 1, resident_id);
    gg_res_tag *out = gg_pcalloc(p, sizeof *out * GG_TAG__COUNT);
    int k = 0;
    while (out && k < GG_TAG__COUNT && sqlite3_step(st) == SQLITE_ROW) {
        out[k].resident_id = resident_id;
        out[k].tag = sqlite3_column_int(st, 0);
        out[k].level = sqlite3_column_int(st, 1);
        out[k].since = sqlite3_column_int64(st, 2);
        k++;
    }
    sqlite3_reset(st);
    *rows = out;
    *n = k;
    return out ? 0 : GG_ENOMEM;
}

int gg_res_tag_set(gg_conn *w, int64_t resident_id, int tag, int level, int64_t actor,
                   gg_error *e)
{
    (void)actor;
    sqlite3_stmt *st = gg_stmt(w, "SELECT place_path, (SELECT max(at) FROM visit v WHERE "
                                  "v.resident_id = r.id), (SELECT since FROM resident_tag t WHERE "
                                  "t.resident_id = r.id AND t.tag = ?2) FROM resident r WHERE r.id = ?1");
    if (!st) return GG_EIO;
    sqlite3_bind_int64(st, 1, resident_id);
    sqlite3_bind_int(st, 2, tag);
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_reset(st);
        return gg_fail(e, GG_ENOTFOUND, 404, "not_found", "", "no such resident");
    }
    char path[256];
    gg_strlcpy(path, (const char *)sqlite3_column_text(st, 0), sizeof path);
    int64_t last = sqlite3_column_int64(st, 1), since = sqlite3_column_int64(st, 2);
    sqlite3_reset(st);
    int64_t now = gg_now_us();
    int rc = level > 0 ? tag_put(w, resident_id, tag, level, since ? since : now,
                                 last ? last : since ? since : now, path, e)
                       : tag_del(w, resident_id, tag, e);
    return rc ? rc : tag_bits(w, resident_id, e);
}

/* ---- visits ------------------------------------------------------------------ */

int gg_visit_insert(gg_conn *w, gg_visit *v, gg_error *e)
{
    sqlite3_stmt *st = gg_stmt(w, "INSERT INTO visit (resident_id, visitor_id, at, method, note, "
                                  "place_path, region) SELECT id, ?2, ?3, ?4, ?5, place_path, region "
                                  "FROM resident WHERE id = ?1");
    if (!st) return GG_EIO;
    if (!v->at) v->at = gg_now_us();
    sqlite3_bind_int64(st, 1, v->resident_id);
    if (v->visitor_id) sqlite3_bind_int64(st, 2, v->visitor_id);
    sqlite3_bind_int64(st, 3, v->at);
    gg_bind_text(st, 4, v->method);
    gg_bind_text(st, 5, v->note);
    int rc = gg_stmt_run(w, st, e, "visit");
    if (rc) return rc;
    if (sqlite3_changes(w->db) == 0)
        return gg_fail(e, GG_ENOTFOUND, 404, "not_found", "", "no such resident");
    v->id = sqlite3_last_insert_rowid(w->db);
    /* A visit verifies the person and their house, and restarts the clock of
     * every key group they are in. */
    static const char *const after[] = {
        "UPDATE resident SET verified_at = max(verified_at, ?2) WHERE id = ?1",
        "UPDATE house SET verified_at = max(verified_at, ?2) "
        "WHERE id = (SELECT house_id FROM resident WHERE id = ?1)",
    };
    for (size_t i = 0; i < GG_ARRAY_LEN(after) && !rc; i++) {
        st = gg_stmt(w, after[i]);
        if (st) sqlite3_bind_int64(st, 1, v->resident_id), sqlite3_bind_int64(st, 2, v->at);
        rc = gg_stmt_run(w, st, e, "visit");
    }
    gg_res_tag tags[GG_TAG__COUNT];
    int n = 0;
    st = gg_stmt(w, "SELECT tag, level FROM resident_tag WHERE resident_id = ?1");
    if (!st) return GG_EIO;
    sqlite3_bind_int64(st, 1, v->resident_id);
    while (n < GG_TAG__COUNT && sqlite3_step(st) == SQLITE_ROW) {
        tags[n].tag = sqlite3_column_int(st, 0);
        tags[n++].level = sqlite3_column_int(st, 1);
    }
    sqlite3_reset(st);
    for (int i = 0; i < n && !rc; i++) {
        int days = gg_tag_visit_days(tags[i].tag, tags[i].level);
        if (!days) continue;
        /* due = the latest visit (a late-logged older one changes nothing) + interval */
        st = gg_stmt(w, "UPDATE resident_tag SET next_due = (SELECT max(at) FROM visit "
                        "WHERE resident_id = ?1) + ?3 WHERE resident_id = ?1 AND tag = ?2");
        if (st) {
            sqlite3_bind_int64(st, 1, v->resident_id);
            sqlite3_bind_int(st, 2, tags[i].tag);
            sqlite3_bind_int64(st, 3, days * DAY_US);
        }
        rc = gg_stmt_run(w, st, e, "visit");
    }
    return rc;
}

int gg_visit_list(gg_conn *c, gg_pool *p, int64_t resident_id, int64_t after_id, int limit,
                  gg_visit **rows, int *n)
{
    sqlite3_stmt *st = gg_stmt(c, "SELECT id, resident_id, visitor_id, at, method, note, place_path "
                                  "FROM visit WHERE resident_id = ?1 AND id > ?2 ORDER BY id LIMIT ?3");
    if (!st) return GG_EIO;
    sqlite3_bind_int64(st, 1, resident_id);
    sqlite3_bind_int64(st, 2, after_id);
    sqlite3_bind_int(st, 3, limit);
    gg_visit *out = gg_pcalloc(p, sizeof *out * (size_t)(limit > 0 ? limit : 1));
    int k = 0;
    while (out && k < limit && sqlite3_step(st) == SQLITE_ROW) {
        gg_visit *v = &out[k++];
        v->id = sqlite3_column_int64(st, 0);
        v->resident_id = sqlite3_column_int64(st, 1);
        v->visitor_id = sqlite3_column_int64(st, 2);
        v->at = sqlite3_column_int64(st, 3);
        v->method = gg_col_text(p, st, 4);
        v->note = gg_col_text(p, st, 5);
        v->place_path = gg_col_text(p, st, 6);
    }
    sqlite3_reset(st);
    *rows = out;
    *n = k;
    return out ? 0 : GG_ENOMEM;
}

int gg_due_visits(gg_conn *c, gg_pool *p, const char *root_path, int64_t now,
                  int64_t due_before, int offset, int limit, gg_due_visit **rows, int *n)
{
    sqlite3_stmt *st = gg_stmt(c,
        "SELECT t.resident_id, r.name, t.tag, t.level, t.next_due, r.place_id, "
        "(SELECT max(at) FROM visit v WHERE v.resident_id = t.resident_id) "
        "FROM resident_tag t JOIN resident r ON r.id = t.resident_id "
        "WHERE t.place_path >= ?1 AND t.place_path < ?2 AND t.next_due IS NOT NULL "
        "AND t.next_due < ?3 ORDER BY t.next_due, t.resident_id, t.tag LIMIT ?4 OFFSET ?5");
    if (!st) return GG_EIO;
    gg_bind_path_range(st, 1, root_path);
    sqlite3_bind_int64(st, 3, due_before);
    sqlite3_bind_int(st, 4, limit);
    sqlite3_bind_int(st, 5, offset);
    gg_due_visit *out = gg_pcalloc(p, sizeof *out * (size_t)(limit > 0 ? limit : 1));
    int k = 0;
    while (out && k < limit && sqlite3_step(st) == SQLITE_ROW) {
        gg_due_visit *d = &out[k++];
        d->resident_id = sqlite3_column_int64(st, 0);
        d->name = gg_col_text(p, st, 1);
        d->tag = sqlite3_column_int(st, 2);
        d->level = sqlite3_column_int(st, 3);
        d->due_at = sqlite3_column_int64(st, 4);
        d->place_id = sqlite3_column_int64(st, 5);
        d->last_visit = sqlite3_column_int64(st, 6);
        d->overdue = d->due_at < now;
    }
    sqlite3_reset(st);
    *rows = out;
    *n = k;
    return out ? 0 : GG_ENOMEM;
}

/* ---- statistics ---------------------------------------------------------------- */

int gg_awareness_get(gg_conn *c, const char *root_path, int64_t since, gg_awareness *out)
{
    static const char *const sql[2] = {
        "SELECT count(*), coalesce(sum(verified_at >= ?3), 0) FROM resident "
        "WHERE place_path >= ?1 AND place_path < ?2",
        "SELECT count(*), coalesce(sum(verified_at >= ?3), 0) FROM house "
        "WHERE place_path >= ?1 AND place_path < ?2",
    };
    int64_t *dst[2][2] = {{&out->residents, &out->residents_verified},
                          {&out->houses, &out->houses_verified}};
    for (int i = 0; i < 2; i++) {
        sqlite3_stmt *st = gg_stmt(c, sql[i]);
        if (!st) return GG_EIO;
        gg_bind_path_range(st, 1, root_path);
        sqlite3_bind_int64(st, 3, since);
        int src = sqlite3_step(st);
        if (src == SQLITE_ROW) {
            *dst[i][0] = sqlite3_column_int64(st, 0);
            *dst[i][1] = sqlite3_column_int64(st, 1);
        }
        sqlite3_reset(st);
        if (src != SQLITE_ROW) return GG_EIO;
    }
    return 0;
}

int gg_tag_counts(gg_conn *c, gg_pool *p, const char *root_path, int kind, gg_tag_count **rows,
                  int *n)
{
    sqlite3_stmt *st = gg_stmt(c,
        "SELECT pl.id, t.tag, count(*) FROM place pl JOIN resident_tag t "
        "ON t.place_path >= pl.path AND t.place_path < " GG_SQL_PATH_UPPER("pl.path") " "
        "WHERE pl.kind = ?3 AND pl.path >= ?1 AND pl.path < ?2 "
        "GROUP BY pl.id, t.tag ORDER BY pl.id, t.tag LIMIT 100000");
    if (!st) return GG_EIO;
    gg_bind_path_range(st, 1, root_path);
    gg_bind_text(st, 3, gg_place_kind_name(kind));
    size_t cap = 256, k = 0;
    gg_tag_count *out = gg_palloc(p, sizeof *out * cap);
    int src;
    while (out && (src = sqlite3_step(st)) == SQLITE_ROW) {
        if (k == cap) {
            gg_tag_count *bigger = gg_palloc(p, sizeof *out * cap * 2);
            if (bigger) memcpy(bigger, out, sizeof *out * cap);
            out = bigger;
            cap *= 2;
            if (!out) break;
        }
        out[k].place_id = sqlite3_column_int64(st, 0);
        out[k].tag = sqlite3_column_int(st, 1);
        out[k++].count = sqlite3_column_int64(st, 2);
    }
    sqlite3_reset(st);
    *rows = out;
    *n = (int)k;
    return out ? 0 : GG_ENOMEM;
}

/* ---- reveal permission and audit ---------------------------------------------- */

int gg_account_can_reveal(gg_conn *c, int64_t account_id)
{
    sqlite3_stmt *st = gg_stmt(c, "SELECT can_reveal FROM account WHERE id = ?1 AND active = 1");
    if (!st) return 0;
    sqlite3_bind_int64(st, 1, account_id);
    int v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    sqlite3_reset(st);
    return v != 0;
}

int gg_account_set_can_reveal(gg_conn *w, int64_t account_id, bool on, gg_error *e)
{
    sqlite3_stmt *st = gg_stmt(w, "UPDATE account SET can_reveal = ?2, updated_at = ?3 WHERE id = ?1");
    if (st) {
        sqlite3_bind_int64(st, 1, account_id);
        sqlite3_bind_int(st, 2, on);
        sqlite3_bind_int64(st, 3, gg_now_us());
    }
    int rc = gg_stmt_run(w, st, e, "account");
    if (!rc && sqlite3_changes(w->db) == 0)
        rc = gg_fail(e, GG_ENOTFOUND, 404, "not_found", "", "no such account");
    return rc;
}

int gg_reveal_audit(gg_conn *w, gg_reveal_rec *a, gg_error *e)
{
    sqlite3_stmt *st = gg_stmt(w, "INSERT INTO reveal_audit (at, actor_id, record_type, record_id, "
                                  "field, purpose, ip) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    if (!a->at) a->at = gg_now_us();
    if (st) {
        sqlite3_bind_int64(st, 1, a->at);
        sqlite3_bind_int64(st, 2, a->actor_id);
        gg_bind_text(st, 3, a->record_type);
        sqlite3_bind_int64(st, 4, a->record_id);
        gg_bind_text(st, 5, a->field);
        gg_bind_text(st, 6, a->purpose);
        gg_bind_text(st, 7, a->ip);
    }
    int rc = gg_stmt_run(w, st, e, "reveal audit");
    if (!rc) a->id = sqlite3_last_insert_rowid(w->db);
    return rc;
}

int gg_reveal_list(gg_conn *c, gg_pool *p, const gg_reveal_filter *f, gg_reveal_rec **rows, int *n)
{
    sqlite3_stmt *st = gg_stmt(c,
        "SELECT a.id, a.at, a.actor_id, a.record_type, a.record_id, a.field, a.purpose, a.ip, "
        "(SELECT username FROM account u WHERE u.id = a.actor_id) FROM reveal_audit a "
        "WHERE a.id < ?1 AND (?2 = 0 OR a.actor_id = ?2) AND (?3 = 0 OR a.record_id = ?3) "
        "AND (?4 IS NULL OR a.record_type = ?4) AND (?5 IS NULL OR a.field = ?5) "
        "AND (?6 IS NULL OR instr(a.purpose, ?6) > 0) AND (?7 = 0 OR a.at >= ?7) "
        "AND (?8 = 0 OR a.at < ?8) ORDER BY a.id DESC LIMIT ?9");
    if (!st) return GG_EIO;
    sqlite3_bind_int64(st, 1, f->before_id > 0 ? f->before_id : INT64_MAX);
    sqlite3_bind_int64(st, 2, f->actor_id);
    sqlite3_bind_int64(st, 3, f->record_id);
    gg_bind_text(st, 4, f->record_type);
    gg_bind_text(st, 5, f->field);
    gg_bind_text(st, 6, f->purpose_q);
    sqlite3_bind_int64(st, 7, f->from_us);
    sqlite3_bind_int64(st, 8, f->to_us);
    sqlite3_bind_int(st, 9, f->limit);
    gg_reveal_rec *out = gg_pcalloc(p, sizeof *out * (size_t)(f->limit > 0 ? f->limit : 1));
    int k = 0;
    while (out && k < f->limit && sqlite3_step(st) == SQLITE_ROW) {
        gg_reveal_rec *a = &out[k++];
        a->id = sqlite3_column_int64(st, 0);
        a->at = sqlite3_column_int64(st, 1);
        a->actor_id = sqlite3_column_int64(st, 2);
        a->record_type = gg_col_text(p, st, 3);
        a->record_id = sqlite3_column_int64(st, 4);
        a->field = gg_col_text(p, st, 5);
        a->purpose = gg_col_text(p, st, 6);
        a->ip = gg_col_text(p, st, 7);
        a->actor_name = gg_col_text(p, st, 8);
    }
    sqlite3_reset(st);
    *rows = out;
    *n = k;
    return out ? 0 : GG_ENOMEM;
}

/* ---- GB/T 31000 special groups --------------------------------------------------- */

static const struct {
    const char *set, *get;
} special_sql[GG_TAG__COUNT] = {
    [GG_TAG_RELEASED] = {"INSERT OR REPLACE INTO sg_released (resident_id, crime, sentence, prison, "
                         "released_on, risk, placement, recidivist) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                         "SELECT crime, sentence, prison, released_on, risk, placement, recidivist "
                         "FROM sg_released WHERE resident_id = ?1"},
    [GG_TAG_CORRECTION] = {"INSERT OR REPLACE INTO sg_correction (resident_id, correction_no, "
                           "correction_type, crime, start_on, end_on, group_formed) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                           "SELECT correction_no, correction_type, crime, start_on, end_on, "
                           "group_formed FROM sg_correction WHERE resident_id = ?1"},
    [GG_TAG_MENTAL] = {"INSERT OR REPLACE INTO sg_mental (resident_id, diagnosis, first_onset, "
                       "risk_level, guardian_name, treatment, incident_history) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                       "SELECT diagnosis, first_onset, risk_level, guardian_name, treatment, "
                       "incident_history FROM sg_mental WHERE resident_id = ?1"},
    [GG_TAG_DRUG] = {"INSERT OR REPLACE INTO sg_drug (resident_id, first_found, control_status, "
                     "drug_kind, criminal_history, helper) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                     "SELECT first_found, control_status, drug_kind, criminal_history, helper "
                     "FROM sg_drug WHERE resident_id = ?1"},
    [GG_TAG_AIDS_RISK] = {"INSERT OR REPLACE INTO sg_aids_risk (resident_id, infection_route, "
                          "criminal_history, attention_type, treatment) VALUES (?1, ?2, ?3, ?4, ?5)",
                          "SELECT infection_route, criminal_history, attention_type, treatment "
                          "FROM sg_aids_risk WHERE resident_id = ?1"},
    [GG_TAG_KEY_YOUTH] = {"INSERT OR REPLACE INTO sg_key_youth (resident_id, youth_type, "
                          "guardian_name, family, offended, help) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                          "SELECT youth_type, guardian_name, family, offended, help "
                          "FROM sg_key_youth WHERE resident_id = ?1"},
};

int gg_special_set(gg_conn *w, int64_t resident_id, int tag, const char *const *vals, gg_error *e)
{
    int n;
    const gg_special_field *f = gg_special_fields(tag, &n);
    if (!f) return gg_fail(e, GG_EINVAL, 422, "invalid_value", "tag", "not a special group");
    sqlite3_stmt *st = gg_stmt(w, special_sql[tag].set);
    if (st) {
        sqlite3_bind_int64(st, 1, resident_id);
        for (int i = 0; i < n; i++) {
            if (vals[i] && (f[i].type == 'i' || f[i].type == 'b'))
                sqlite3_bind_int64(st, i + 2, strtoll(vals[i], NULL, 10));
            else
                gg_bind_text(st, i + 2, vals[i]);
        }
    }
    return gg_stmt_run(w, st, e, "special group");
}

int gg_special_get(gg_conn *c, gg_pool *p, int64_t resident_id, int tag, const char ***vals)
{
    int n;
    *vals = NULL;
    if (!gg_special_fields(tag, &n)) return GG_ENOTFOUND;
    sqlite3_stmt *st = gg_stmt(c, special_sql[tag].get);
    if (!st) return GG_EIO;
    sqlite3_bind_int64(st, 1, resident_id);
    int src = sqlite3_step(st), rc = src == SQLITE_ROW ? 0 : src == SQLITE_DONE ? GG_ENOTFOUND : GG_EIO;
    const char **out = rc ? NULL : gg_pcalloc(p, sizeof *out * (size_t)n);
    for (int i = 0; out && i < n; i++) out[i] = gg_col_text(p, st, i);
    sqlite3_reset(st);
    if (!rc && !out) rc = GG_ENOMEM;
    *vals = out;
    return rc;
}
