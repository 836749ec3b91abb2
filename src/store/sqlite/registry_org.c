/*
 * registry_org.c — households, houses and organisations in SQLite: writes,
 * one-row reads and the paged lists of a subtree (id ascending). An
 * organisation's contact phone is sealed like a resident's (registry.c);
 * its credit code is public by law and kept in the clear.
 */
#include <stdio.h>
#include <string.h>

#include "core/str.h"
#include "core/timeutil.h"
#include "domain/place.h"
#include "domain/registry.h"
#include "store/sqlite/registry_int.h"

/* ?1 ?2 root range, ?3 after id, ?4 scope paths (JSON or NULL), ?5 kind, ?6 q,
 * ?7 place, ?8 limit. */
#define LIST_WHERE(kindcol, qcol) LIST_WHERE_ID("x.id", kindcol, qcol)
/* "+x.id": a subtree takes the path index and sorts its rows; the whole
 * city walks the rowid (see registry.c) */
#define LIST_WHERE_SUB(kindcol, qcol) LIST_WHERE_ID("+x.id", kindcol, qcol)
#define LIST_WHERE_ID(idcol, kindcol, qcol)                                                   \
    " WHERE x.place_path >= ?1 AND x.place_path < ?2 AND " idcol " > ?3 AND (?4 IS NULL OR " \
    GG_SQL_UNDER_ANY("x.place_path", "?4") ") AND (?5 IS NULL OR " kindcol                  \
    " = ?5) AND (?6 IS NULL OR substr(" qcol ", 1, length(?6)) = ?6) AND (?7 = 0 OR "       \
    "x.place_id = ?7) ORDER BY x.id LIMIT ?8"

static int bind_list(sqlite3_stmt *st, gg_pool *p, const gg_reg_filter *f, const char *kind,
                     int kind_int)
{
    gg_bind_path_range(st, 1, f->root_path);
    sqlite3_bind_int64(st, 3, f->after_id);
    if (f->nscope > 0) {
        const char *js = gg_paths_json(p, f->scope_paths, f->nscope);
        if (!js) return GG_ENOMEM;
        gg_bind_text(st, 4, js);
    }
    if (kind) gg_bind_text(st, 5, kind);
    else if (kind_int) sqlite3_bind_int(st, 5, kind_int);
    gg_bind_text(st, 6, f->q && *f->q ? f->q : NULL);
    sqlite3_bind_int64(st, 7, f->place_id);
    sqlite3_bind_int(st, 8, f->limit);
    return 0;
}

/* gg_stmt_run, a broken unique key answered as a duplicate record. */
static int finish(gg_conn *w, sqlite3_stmt *st, gg_error *e, const char *what)
{
    int rc = gg_stmt_run(w, st, e, what);
    if (rc == GG_ECONFLICT)
        rc = gg_fail(e, GG_ECONFLICT, 409, "duplicate", "", "%s: such a record exists already", what);
    return rc;
}

/* ---- houses ------------------------------------------------------------------ */

#define HOUSE_COLS                                                                        \
    "x.id, x.place_id, x.place_path, x.room, x.use, x.area, x.owner_name, x.verified_at, " \
    "x.version, x.created_at, x.updated_at, (SELECT count(*) FROM resident r WHERE "      \
    "r.house_id = x.id)"

static void house_row(gg_pool *p, sqlite3_stmt *st, gg_house *h)
{
    memset(h, 0, sizeof *h);
    h->id = sqlite3_column_int64(st, 0);
    h->place_id = sqlite3_column_int64(st, 1);
    h->place_path = gg_col_text(p, st, 2);
    h->room = gg_col_text(p, st, 3);
    const char *use = (const char *)sqlite3_column_text(st, 4);
    h->use = use ? gg_reg_parse(GG_RT_HOUSE_USE, use, strlen(use)) : 0;
    h->area = sqlite3_column_double(st, 5);
    h->owner_name = gg_col_text(p, st, 6);
    h->verified_at = sqlite3_column_int64(st, 7);
    h->version = sqlite3_column_int64(st, 8);
    h->created_at = sqlite3_column_int64(st, 9);
    h->updated_at = sqlite3_column_int64(st, 10);
    h->residents = sqlite3_column_int(st, 11);
}

int gg_house_insert(gg_conn *w, gg_house *h, gg_error *e)
{
    gg_pool *p = gg_pool_new(16 * 1024);
    const char *path, *region;
    int rc = p ? gg_reg_place(w, p, h->place_id, GG_REG_HOME_KINDS, &path, &region, e) : GG_ENOMEM;
    if (rc) goto out;
    sqlite3_stmt *st = gg_stmt(w, "INSERT INTO house (place_id, place_path, room, use, area, "
                                  "owner_name, verified_at, region, created_at, updated_at) "
                                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?7, ?7)");
    if (st) {
        sqlite3_bind_int64(st, 1, h->place_id);
        gg_bind_text(st, 2, path);
        gg_bind_text(st, 3, h->room);
        gg_bind_text(st, 4, gg_reg_code(GG_RT_HOUSE_USE, h->use));
        if (h->area > 0) sqlite3_bind_double(st, 5, h->area);
        gg_bind_text(st, 6, h->owner_name);
        sqlite3_bind_int64(st, 7, gg_now_us());
        gg_bind_text(st, 8, region);
    }
    rc = finish(w, st, e, "house");
    if (!rc) h->id = sqlite3_last_insert_rowid(w->db);
out:
    gg_pool_free(p);
    return rc;
}

int gg_house_update(gg_conn *w, const gg_house *h, gg_error *e)
{
    /* an edit by a grid worker is a verification of the house */
    sqlite3_stmt *st = gg_stmt(w, "UPDATE house SET room = ?2, use = ?3, area = ?4, owner_name = ?5, "
                                  "verified_at = ?6, updated_at = ?6, version = version + 1 "
                                  "WHERE id = ?1");
    if (st) {
        sqlite3_bind_int64(st, 1, h->id);
        gg_bind_text(st, 2, h->room);
        gg_bind_text(st, 3, gg_reg_code(GG_RT_HOUSE_USE, h->use));
        if (h->area > 0) sqlite3_bind_double(st, 4, h->area);
        gg_bind_text(st, 5, h->owner_name);
        sqlite3_bind_int64(st, 6, gg_now_us());
    }
    return finish(w, st, e, "house");
}

int gg_house_get(gg_conn *c, gg_pool *p, int64_t id, gg_house *out)
{
    sqlite3_stmt *st = gg_stmt(c, "SELECT " HOUSE_COLS " FROM house x WHERE x.id = ?1");
    if (!st) return GG_EIO;
    sqlite3_bind_int64(st, 1, id);
    int src = sqlite3_step(st);
    if (src == SQLITE_ROW) house_row(p, st, out);
    sqlite3_reset(st);
    return src == SQLITE_ROW ? 0 : src == SQLITE_DONE ? GG_ENOTFOUND : GG_EIO;
}

int gg_house_list(gg_conn *c, gg_pool *p, const gg_reg_filter *f, gg_house **rows, int *n)
{
    sqlite3_stmt *st = gg_stmt(c, gg_reg_big_root(f->root_path)
                                   ? "SELECT " HOUSE_COLS " FROM house x" LIST_WHERE("x.use", "x.room")
                                   : "SELECT " HOUSE_COLS " FROM house x" LIST_WHERE_SUB("x.use", "x.room"));
    if (!st) return GG_EIO;
    int rc = bind_list(st, p, f, f->kind ? gg_reg_code(GG_RT_HOUSE_USE, f->kind) : NULL, 0);
    gg_house *out = gg_pcalloc(p, sizeof *out * (size_t)(f->limit > 0 ? f->limit : 1));
    int k = 0;
    while (!rc && out && k < f->limit && sqlite3_step(st) == SQLITE_ROW) house_row(p, st, &out[k++]);
    sqlite3_reset(st);
    *rows = out;
    *n = k;
    return rc ? rc : out ? 0 : GG_ENOMEM;
}

/* ---- households ---------------------------------------------------------------- */

#define HH_COLS                                                                              \
    "x.id, x.place_id, x.place_path, x.house_id, x.number, x.head_id, x.address, x.version, " \
    "x.created_at, x.updated_at, (SELECT count(*) FROM resident r WHERE r.household_id = x.id)"

static void hh_row(gg_pool *p, sqlite3_stmt *st, gg_household *h)
{
    memset(h, 0, sizeof *h);
    h->id = sqlite3_column_int64(st, 0);
    h->place_id = sqlite3_column_int64(st, 1);
    h->place_path = gg_col_text(p, st, 2);
    h->house_id = sqlite3_column_int64(st, 3);
    h->number = gg_col_text(p, st, 4);
    h->head_id = sqlite3_column_int64(st, 5);
    h->address = gg_col_text(p, st, 6);
    h->version = sqlite3_column_int64(st, 7);
    h->created_at = sqlite3_column_int64(st, 8);
    h->updated_at = sqlite3_column_int64(st, 9);
    h->members = sqlite3_column_int(st, 10);
}

int gg_household_insert(gg_conn *w, gg_household *h, gg_error *e)
{
    gg_pool *p = gg_pool_new(16 * 1024);
    const char *path, *region;
    int rc = p ? gg_reg_place(w, p, h->place_id, GG_REG_HOME_KINDS, &path, &region, e) : GG_ENOMEM;
    if (!rc && h->house_id) rc = gg_reg_row_within(w, "house", h->house_id, path, "house_id", e);
    if (rc) goto out;
    sqlite3_stmt *st = gg_stmt(w, "INSERT INTO household (place_id, place_path, house_id, number, "
                                  "address, region, created_at, updated_at) "
                                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)");
    if (st) {
        sqlite3_bind_int64(st, 1, h->place_id);
        gg_bind_text(st, 2, path);
        if (h->house_id) sqlite3_bind_int64(st, 3, h->house_id);
        gg_bind_text(st, 4, h->number);
        gg_bind_text(st, 5, h->address);
        gg_bind_text(st, 6, region);
        sqlite3_bind_int64(st, 7, gg_now_us());
    }
    rc = finish(w, st, e, "household");
    if (!rc) h->id = sqlite3_last_insert_rowid(w->db);
out:
    gg_pool_free(p);
    return rc;
}

int gg_household_update(gg_conn *w, const gg_household *h, gg_error *e)
{
    int rc = 0;
    if (h->head_id) {
        sqlite3_stmt *st = gg_stmt(w, "SELECT 1 FROM resident WHERE id = ?1 AND household_id = ?2");
        if (!st) return GG_EIO;
        sqlite3_bind_int64(st, 1, h->head_id);
        sqlite3_bind_int64(st, 2, h->id);
        bool member = sqlite3_step(st) == SQLITE_ROW;
        sqlite3_reset(st);
        if (!member)
            return gg_fail(e, GG_EINVAL, 422, "invalid_reference", "head_id",
                           "the head must be a member of the household");
    }
    sqlite3_stmt *st = gg_stmt(w, "UPDATE household SET number = ?2, address = ?3, head_id = ?4, "
                                  "house_id = ?5, version = version + 1, updated_at = ?6 WHERE id = ?1");
    if (st) {
        sqlite3_bind_int64(st, 1, h->id);
        gg_bind_text(st, 2, h->number);
        gg_bind_text(st, 3, h->address);
        if (h->head_id) sqlite3_bind_int64(st, 4, h->head_id);
        if (h->house_id) sqlite3_bind_int64(st, 5, h->house_id);
        sqlite3_bind_int64(st, 6, gg_now_us());
    }
    rc = finish(w, st, e, "household");
    return rc;
}

int gg_household_get(gg_conn *c, gg_pool *p, int64_t id, gg_household *out)
{
    sqlite3_stmt *st = gg_stmt(c, "SELECT " HH_COLS " FROM household x WHERE x.id = ?1");
    if (!st) return GG_EIO;
    sqlite3_bind_int64(st, 1, id);
    int src = sqlite3_step(st);
    if (src == SQLITE_ROW) hh_row(p, st, out);
    sqlite3_reset(st);
    return src == SQLITE_ROW ? 0 : src == SQLITE_DONE ? GG_ENOTFOUND : GG_EIO;
}

int gg_household_list(gg_conn *c, gg_pool *p, const gg_reg_filter *f, gg_household **rows,
                      int *n)
{
    sqlite3_stmt *st = gg_stmt(c, gg_reg_big_root(f->root_path)
                                   ? "SELECT " HH_COLS " FROM household x" LIST_WHERE("NULL", "x.number")
                                   : "SELECT " HH_COLS " FROM household x" LIST_WHERE_SUB("NULL", "x.number"));
    if (!st) return GG_EIO;
    int rc = bind_list(st, p, f, NULL, 0);
    gg_household *out = gg_pcalloc(p, sizeof *out * (size_t)(f->limit > 0 ? f->limit : 1));
    int k = 0;
    while (!rc && out && k < f->limit && sqlite3_step(st) == SQLITE_ROW) hh_row(p, st, &out[k++]);
    sqlite3_reset(st);
    *rows = out;
    *n = k;
    return rc ? rc : out ? 0 : GG_ENOMEM;
}

/* ---- organisations --------------------------------------------------------------- */

#define ORG_COLS                                                                             \
    "x.id, x.place_id, x.place_path, x.kind, x.name, x.credit_code, x.legal_person, "        \
    "x.address, x.phone_mask, x.employees, x.version, x.created_at, x.updated_at, "          \
    "x.phone_sealed"

static void org_row(gg_pool *p, const gg_keys *k, sqlite3_stmt *st, bool unmasked, gg_org *o)
{
    memset(o, 0, sizeof *o);
    o->id = sqlite3_column_int64(st, 0);
    o->place_id = sqlite3_column_int64(st, 1);
    o->place_path = gg_col_text(p, st, 2);
    o->kind = sqlite3_column_int(st, 3);
    o->name = gg_col_text(p, st, 4);
    o->credit_code = gg_col_text(p, st, 5);
    if (o->credit_code) gg_strlcpy(o->credit_norm, o->credit_code, sizeof o->credit_norm);
    o->legal_person = gg_col_text(p, st, 6);
    o->address = gg_col_text(p, st, 7);
    const char *pm = (const char *)sqlite3_column_text(st, 8);
    gg_strlcpy(o->phone_mask, pm ? pm : "", sizeof o->phone_mask);
    o->contact_phone = o->phone_mask[0] ? o->phone_mask : NULL;
    o->employees = sqlite3_column_int(st, 9);
    o->version = sqlite3_column_int64(st, 10);
    o->created_at = sqlite3_column_int64(st, 11);
    o->updated_at = sqlite3_column_int64(st, 12);
    if (unmasked && k) {
        const char *ph = gg_reg_unseal(p, k, st, 13, GG_CTX_ORG_PHONE);
        if (ph) o->contact_phone = ph;
    }
}

static const char SQL_ORG_FIND_CODE[] = "SELECT id FROM org WHERE credit_code = ?1";
static const char SQL_ORG_FIND_NAME[] = "SELECT id FROM org WHERE place_id = ?1 AND name = ?2";
static const char SQL_ORG_INSERT[] =
    "INSERT INTO org (place_id, place_path, kind, name, credit_code, legal_person, address, "
    "phone_blind, phone_sealed, phone_mask, employees, region, created_at, updated_at) "
    "VALUES (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14)";
static const char SQL_ORG_UPDATE[] =
    "UPDATE org SET place_id = ?2, place_path = ?3, kind = ?4, name = ?5, credit_code = ?6, "
    "legal_person = ?7, address = ?8, phone_blind = ?9, phone_sealed = ?10, phone_mask = ?11, "
    "employees = ?12, region = ?13, updated_at = ?14, version = version + 1 WHERE id = ?1 "
    "AND NOT (place_id IS ?2 AND kind IS ?4 AND name IS ?5 AND credit_code IS ?6 AND "
    "legal_person IS ?7 AND address IS ?8 AND phone_blind IS ?9 AND employees IS ?12)";

static const char *opt(const char *s)
{
    return s && *s ? s : NULL;
}

static int org_write(gg_conn *w, const gg_keys *k, const gg_org *o, int64_t id, bool *changed,
                     gg_error *e)
{
    gg_pool *p = gg_pool_new(16 * 1024);
    const char *path, *region;
    unsigned kinds = GG_REG_HOME_KINDS | (1u << GG_PK_COMMUNITY) | (1u << GG_PK_STREET) |
                     (1u << GG_PK_DISTRICT);
    int rc = p ? gg_reg_place(w, p, o->place_id, kinds, &path, &region, e) : GG_ENOMEM;
    char sealed[GG_SEAL_TEXT_LEN(24)];
    unsigned char blind[GG_BLIND_BYTES];
    if (!rc && o->phone_norm[0] &&
        gg_reg_seal(k, o->phone_norm, GG_CTX_ORG_PHONE, sealed, sizeof sealed, blind, NULL))
        rc = gg_fail(e, GG_EIO, 500, "internal", "", "cannot seal the phone");
    if (rc) goto out;
    sqlite3_stmt *st = gg_stmt(w, id ? SQL_ORG_UPDATE : SQL_ORG_INSERT);
    if (!st) { rc = GG_EIO; goto out; }
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, o->place_id);
    gg_bind_text(st, 3, path);
    sqlite3_bind_int(st, 4, o->kind);
    gg_bind_text(st, 5, o->name);
    gg_bind_text(st, 6, opt(o->credit_norm));
    gg_bind_text(st, 7, opt(o->legal_person));
    gg_bind_text(st, 8, opt(o->address));
    if (o->phone_norm[0]) {
        sqlite3_bind_blob(st, 9, blind, GG_BLIND_BYTES, SQLITE_TRANSIENT);
        gg_bind_text(st, 10, sealed);
        gg_bind_text(st, 11, o->phone_mask);
    }
    sqlite3_bind_int(st, 12, o->employees);
    gg_bind_text(st, 13, region);
    sqlite3_bind_int64(st, 14, gg_now_us());
    int src = sqlite3_step(st);
    sqlite3_reset(st);
    if ((src & 0xff) == SQLITE_CONSTRAINT)
        rc = gg_fail(e, GG_ECONFLICT, 409, "duplicate", "credit_code",
                     "another organisation has this credit code or name at this place");
    else if (src != SQLITE_DONE) rc = gg_sqlite_fail(w, src, e, "organisation");
    if (!rc && changed) *changed = sqlite3_changes(w->db) > 0;
out:
    gg_pool_free(p);
    return rc;
}

static int64_t org_find(gg_conn *w, const gg_org *o)
{
    sqlite3_stmt *st = gg_stmt(w, o->credit_norm[0] ? SQL_ORG_FIND_CODE : SQL_ORG_FIND_NAME);
    if (!st) return -1;
    if (o->credit_norm[0]) {
        gg_bind_text(st, 1, o->credit_norm);
    } else {
        sqlite3_bind_int64(st, 1, o->place_id);
        gg_bind_text(st, 2, o->name);
    }
    int64_t id = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    return id;
}

int gg_org_upsert(gg_conn *w, const gg_keys *k, const gg_org *o, int64_t *id, bool *changed,
                  gg_error *e)
{
    int64_t found = org_find(w, o);
    if (found < 0) return GG_EIO;
    int rc = org_write(w, k, o, found, changed, e);
    if (!rc) *id = found ? found : sqlite3_last_insert_rowid(w->db);
    return rc;
}

int gg_org_update(gg_conn *w, const gg_keys *k, const gg_org *o, gg_error *e)
{
    return org_write(w, k, o, o->id, NULL, e);
}

int gg_org_get(gg_conn *c, gg_pool *p, const gg_keys *k, int64_t id, bool unmasked, gg_org *out)
{
    sqlite3_stmt *st = gg_stmt(c, "SELECT " ORG_COLS " FROM org x WHERE x.id = ?1");
    if (!st) return GG_EIO;
    sqlite3_bind_int64(st, 1, id);
    int src = sqlite3_step(st);
    if (src == SQLITE_ROW) org_row(p, k, st, unmasked, out);
    sqlite3_reset(st);
    return src == SQLITE_ROW ? 0 : src == SQLITE_DONE ? GG_ENOTFOUND : GG_EIO;
}

int gg_org_list(gg_conn *c, gg_pool *p, const gg_reg_filter *f, gg_org **rows, int *n)
{
    sqlite3_stmt *st = gg_stmt(c, gg_reg_big_root(f->root_path)
                                   ? "SELECT " ORG_COLS " FROM org x" LIST_WHERE("x.kind", "x.name")
                                   : "SELECT " ORG_COLS " FROM org x" LIST_WHERE_SUB("x.kind", "x.name"));
    if (!st) return GG_EIO;
    int rc = bind_list(st, p, f, NULL, f->kind);
    gg_org *out = gg_pcalloc(p, sizeof *out * (size_t)(f->limit > 0 ? f->limit : 1));
    int k = 0;
    while (!rc && out && k < f->limit && sqlite3_step(st) == SQLITE_ROW)
        org_row(p, NULL, st, false, &out[k++]);
    sqlite3_reset(st);
    *rows = out;
    *n = k;
    return rc ? rc : out ? 0 : GG_ENOMEM;
}

/* ---- facilities ------------------------------------------------------------------ */

int gg_facility_insert(gg_conn *w, gg_facility *f, gg_error *e)
{
    gg_pool *p = gg_pool_new(16 * 1024);
    const char *path, *region;
    unsigned kinds = GG_REG_HOME_KINDS | (1u << GG_PK_COMMUNITY) | (1u << GG_PK_STREET);
    int rc = p ? gg_reg_place(w, p, f->place_id, kinds, &path, &region, e) : GG_ENOMEM;
    if (rc) goto out;
    sqlite3_stmt *st = gg_stmt(w, "INSERT INTO facility (place_id, place_path, kind, name, address, region, "
                                  "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    f->created_at = gg_now_us();
    if (st) {
        sqlite3_bind_int64(st, 1, f->place_id);
        gg_bind_text(st, 2, path);
        gg_bind_text(st, 3, f->kind);
        gg_bind_text(st, 4, f->name);
        gg_bind_text(st, 5, f->address);
        gg_bind_text(st, 6, region);
        sqlite3_bind_int64(st, 7, f->created_at);
    }
    rc = finish(w, st, e, "facility");
    if (!rc) f->id = sqlite3_last_insert_rowid(w->db);
out:
    gg_pool_free(p);
    return rc;
}

int gg_facility_list(gg_conn *c, gg_pool *p, const gg_reg_filter *f, const char *kind,
                     gg_facility **rows, int *n)
{
    sqlite3_stmt *st = gg_stmt(c, "SELECT x.id, x.place_id, x.kind, x.name, x.address, x.created_at "
                                  "FROM facility x" LIST_WHERE_SUB("x.kind", "x.name"));
    if (!st) return GG_EIO;
    int rc = bind_list(st, p, f, kind, 0);
    gg_facility *out = gg_pcalloc(p, sizeof *out * (size_t)(f->limit > 0 ? f->limit : 1));
    int k = 0;
    while (!rc && out && k < f->limit && sqlite3_step(st) == SQLITE_ROW) {
        gg_facility *x = &out[k++];
        x->id = sqlite3_column_int64(st, 0);
        x->place_id = sqlite3_column_int64(st, 1);
        x->kind = gg_col_text(p, st, 2);
        x->name = gg_col_text(p, st, 3);
        x->address = gg_col_text(p, st, 4);
        x->created_at = sqlite3_column_int64(st, 5);
    }
    sqlite3_reset(st);
    *rows = out;
    *n = k;
    return rc ? rc : out ? 0 : GG_ENOMEM;
}
