/*
 * registry.c — residents in SQLite, and the sealing keys of a store.
 *
 * An ID number or phone reaches this file normalised (gg_resident_validate)
 * and leaves it sealed, with its blind index and mask; the plaintext is
 * only ever bound as the input of gg_seal / gg_blind_index, never to SQL.
 *
 * Upsert = find by the blind index of "<id type>:<number>", then one UPDATE
 * whose WHERE clause skips a row that already holds every value: writing
 * the same record again leaves the row, its version and its verified_at
 * alone, and sqlite3_changes() says whether anything changed.
 *
 * Hot statements (upsert, get) use the connection's statement cache; list
 * queries are built per call (their filters vary) and finalized after use,
 * which keeps the shared cache small.
 */
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/sealed.h"
#include "core/str.h"
#include "core/timeutil.h"
#include "domain/place.h"
#include "domain/registry.h"
#include "store/sqlite/db_int.h"
#include "store/sqlite/registry_int.h"

/* ---- keys --------------------------------------------------------------- */

static pthread_mutex_t keys_mu = PTHREAD_MUTEX_INITIALIZER;
static struct {
    char path[512];
    gg_keys *keys;
} keys_cache[8];

static bool registry_empty(gg_store *s)
{
    gg_conn *c = gg_store_reader(s);
    if (!c) return false;
    sqlite3_stmt *st = NULL;
    bool empty = false;
    if (sqlite3_prepare_v2(c->db,
                           "SELECT NOT EXISTS (SELECT 1 FROM resident) AND "
                           "NOT EXISTS (SELECT 1 FROM org WHERE phone_sealed IS NOT NULL)",
                           -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        empty = sqlite3_column_int(st, 0) != 0;
    sqlite3_finalize(st);
    return empty;
}

/* GG_KEY_FILE, else the database's path with its extension (if any)
 * replaced by ".key": data/gridgov.db -> data/gridgov.key. Not
 * "gridgov.db.key": what starts with the database's name is SQLite's (and
 * backup/restore's) to manage. */
static int keys_path(gg_store *s, char *out, size_t cap)
{
    const char *env = getenv("GG_KEY_FILE");
    if (env && *env) {
        int n = snprintf(out, cap, "%s", env);
        return n > 0 && (size_t)n < cap ? 0 : GG_EINVAL;
    }
    const char *slash = strrchr(s->path, '/'), *dot = strrchr(s->path, '.');
    size_t stem = dot && (!slash || dot > slash + 1) ? (size_t)(dot - s->path) : strlen(s->path);
    int n = snprintf(out, cap, "%.*s.key", (int)stem, s->path);
    return n > 0 && (size_t)n < cap ? 0 : GG_EINVAL;
}

int gg_store_keys(gg_store *s, const gg_keys **out, gg_error *e)
{
    char path[512];
    *out = NULL;
    if (keys_path(s, path, sizeof path))
        return gg_fail(e, GG_EINVAL, 500, "key_file", "", "key file path too long");
    int rc = 0;
    pthread_mutex_lock(&keys_mu);
    size_t i;
    for (i = 0; i < GG_ARRAY_LEN(keys_cache) && keys_cache[i].keys; i++) {
        if (strcmp(keys_cache[i].path, path) == 0) {
            *out = keys_cache[i].keys;
            goto done;
        }
    }
    if (i == GG_ARRAY_LEN(keys_cache)) {
        rc = gg_fail(e, GG_ENOMEM, 500, "key_file", "", "too many key files in one process");
        goto done;
    }
    gg_keys *k = NULL;
    rc = gg_keys_load(path, &k, e);
    if (rc == GG_ENOTFOUND) {
        /* A new key only for a registry that has nothing sealed yet: with
         * sealed rows, a missing key is a lost key, and a fresh one would
         * hide that until someone tries to reveal a value. */
        if (!registry_empty(s)) {
            rc = gg_fail(e, GG_ENOTFOUND, 500, "key_file", "",
                         "the key file %s is missing but the registry holds sealed values; "
                         "restore it from the backup", path);
            goto done;
        }
        rc = gg_keys_create(path, e);
        if (rc == GG_ECONFLICT) rc = 0; /* another process was first */
        if (!rc) rc = gg_keys_load(path, &k, e);
    }
    if (!rc) {
        gg_strlcpy(keys_cache[i].path, path, sizeof keys_cache[i].path);
        keys_cache[i].keys = k;
        *out = k;
    }
done:
    pthread_mutex_unlock(&keys_mu);
    return rc;
}

int gg_conn_keys(gg_conn *c, const gg_keys **out, gg_error *e)
{
    return gg_store_keys(c->store, out, e);
}

/* ---- sealing helpers (shared with registry_more.c) ------------------------ */

int gg_reg_seal(const gg_keys *k, const char *plain, const char *ctx, char *sealed, size_t cap,
                unsigned char blind[GG_BLIND_BYTES], const char *blind_prefix)
{
    size_t n = strlen(plain);
    if (gg_seal_text(k, plain, n, ctx, sealed, cap)) return GG_EINVAL;
    if (!blind) return 0;
    char v[96];
    int m = snprintf(v, sizeof v, "%s%s", blind_prefix ? blind_prefix : "", plain);
    if (m < 0 || (size_t)m >= sizeof v) return GG_EINVAL;
    int rc = gg_blind_index(k, v, (size_t)m, ctx, blind);
    sodium_memzero(v, sizeof v);
    return rc;
}

const char *gg_reg_unseal(gg_pool *p, const gg_keys *k, sqlite3_stmt *st, int col,
                          const char *ctx)
{
    const char *t = (const char *)sqlite3_column_text(st, col);
    if (!t || !k) return NULL;
    char buf[128];
    size_t n = 0;
    if (gg_unseal_text(k, t, (size_t)sqlite3_column_bytes(st, col), ctx, buf, sizeof buf - 1, &n))
        return NULL;
    const char *out = gg_pstrndup(p, buf, n);
    sodium_memzero(buf, sizeof buf);
    return out;
}

int gg_reg_id_blind(const gg_keys *k, int id_type, const char *norm,
                    unsigned char blind[GG_BLIND_BYTES])
{
    char v[64];
    int m = snprintf(v, sizeof v, "%s:%s", gg_reg_code(GG_RT_ID_TYPE, id_type), norm);
    if (m < 0 || (size_t)m >= sizeof v) return GG_EINVAL;
    return gg_blind_index(k, v, (size_t)m, GG_CTX_ID, blind);
}

/* The place a registry row hangs on: its path and region; refused unless
 * one of the kinds allowed (bit mask of 1 << kind). */
int gg_reg_place(gg_conn *c, gg_pool *p, int64_t place_id, unsigned kinds, const char **path,
                 const char **region, gg_error *e)
{
    gg_place pl;
    if (gg_place_get(c, p, place_id, &pl))
        return gg_fail(e, GG_EINVAL, 422, "unknown_place", "place_id", "no such place");
    if (!(kinds & (1u << pl.kind)))
        return gg_fail(e, GG_EINVAL, 422, "invalid_place", "place_id",
                       "a %s cannot hold this record", gg_place_kind_name(pl.kind));
    if (!pl.active)
        return gg_fail(e, GG_EINVAL, 422, "inactive_place", "place_id", "the place is inactive");
    *path = pl.path;
    *region = pl.region;
    return 0;
}

/* ---- residents: writes ---------------------------------------------------- */

#define RES_WRITE_COLS                                                                     \
    "residence, name, sex, birth_date, ethnicity, id_type, id_blind, id_sealed, id_mask, " \
    "phone_blind, phone_sealed, phone_mask, education, political, employer, "               \
    "registered_address, current_address, place_id, place_path, house_id, household_id, "  \
    "relation, note, verified_at, region"

static const char SQL_RES_INSERT[] =
    "INSERT INTO resident (" RES_WRITE_COLS ", tags, created_at, updated_at) VALUES "
    "(?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, "
    "?21, ?22, ?23, ?24, ?25, ?26, ?28, ?27, ?27)";
static const char SQL_RES_UPDATE[] =
    "UPDATE resident SET residence = ?2, name = ?3, sex = ?4, birth_date = ?5, ethnicity = ?6, "
    "id_type = ?7, id_blind = ?8, id_sealed = ?9, id_mask = ?10, phone_blind = ?11, "
    "phone_sealed = ?12, phone_mask = ?13, education = ?14, political = ?15, employer = ?16, "
    "registered_address = ?17, current_address = ?18, place_id = ?19, place_path = ?20, "
    "house_id = ?21, household_id = ?22, relation = ?23, note = ?24, verified_at = ?25, "
    "region = ?26, version = version + 1, updated_at = ?27 "
    "WHERE id = ?1 AND NOT (residence IS ?2 AND name IS ?3 AND sex IS ?4 AND birth_date IS ?5 "
    "AND ethnicity IS ?6 AND id_type IS ?7 AND id_blind IS ?8 AND phone_blind IS ?11 "
    "AND education IS ?14 AND political IS ?15 AND employer IS ?16 "
    "AND registered_address IS ?17 AND current_address IS ?18 AND place_id IS ?19 "
    "AND house_id IS ?21 AND household_id IS ?22 AND relation IS ?23 AND note IS ?24)";
static const char SQL_RES_FIND[] = "SELECT id, tags, version FROM resident WHERE id_blind = ?1";
static const char SQL_RES_HEAD[] =
    "UPDATE household SET head_id = ?2, updated_at = ?3, version = version + 1 "
    "WHERE id = ?1 AND head_id IS NOT ?2";

static const char *opt(const char *s)
{
    if (!s) return NULL;
    while (*s == ' ') s++;
    return *s ? s : NULL;
}

static void bind_opt_id(sqlite3_stmt *st, int i, int64_t v)
{
    if (v > 0) sqlite3_bind_int64(st, i, v);
    else sqlite3_bind_null(st, i);
}

/* What is written besides r: sealed values, indexes, resolved places. */
typedef struct res_write {
    char id_sealed[GG_SEAL_TEXT_LEN(GG_RES_ID_MAX)];
    char phone_sealed[GG_SEAL_TEXT_LEN(24)];
    unsigned char id_blind[GG_BLIND_BYTES], phone_blind[GG_BLIND_BYTES];
    char ethnicity[32];
    const char *path, *region;
    int64_t house_id, household_id, now;
} res_write;

static void bind_resident(sqlite3_stmt *st, const gg_resident *r, const res_write *x)
{
    sqlite3_bind_int64(st, 1, r->id);
    sqlite3_bind_int(st, 2, r->residence);
    gg_bind_text(st, 3, r->name);
    sqlite3_bind_int(st, 4, r->sex);
    gg_bind_text(st, 5, r->birth_date[0] ? r->birth_date : NULL);
    gg_bind_text(st, 6, x->ethnicity[0] ? x->ethnicity : NULL);
    sqlite3_bind_int(st, 7, r->id_type);
    sqlite3_bind_blob(st, 8, x->id_blind, GG_BLIND_BYTES, SQLITE_TRANSIENT);
    gg_bind_text(st, 9, x->id_sealed);
    gg_bind_text(st, 10, r->id_mask);
    if (r->phone_norm[0]) {
        sqlite3_bind_blob(st, 11, x->phone_blind, GG_BLIND_BYTES, SQLITE_TRANSIENT);
        gg_bind_text(st, 12, x->phone_sealed);
        gg_bind_text(st, 13, r->phone_mask);
    }
    sqlite3_bind_int(st, 14, r->education);
    sqlite3_bind_int(st, 15, r->political);
    gg_bind_text(st, 16, opt(r->employer));
    gg_bind_text(st, 17, opt(r->registered_address));
    gg_bind_text(st, 18, opt(r->current_address));
    sqlite3_bind_int64(st, 19, r->place_id);
    gg_bind_text(st, 20, x->path);
    bind_opt_id(st, 21, x->house_id);
    bind_opt_id(st, 22, x->household_id);
    sqlite3_bind_int(st, 23, r->relation);
    gg_bind_text(st, 24, opt(r->note));
    sqlite3_bind_int64(st, 25, r->verified_at > 0 ? r->verified_at : x->now);
    gg_bind_text(st, 26, x->region);
    sqlite3_bind_int64(st, 27, x->now);
    sqlite3_bind_int64(st, 28, (int64_t)(r->tags_given ? r->tags : 0));
}

/* Seal, index and resolve everything r refers to. */
static int prepare_write(gg_conn *w, gg_pool *p, const gg_keys *k, const gg_resident *r,
                         res_write *x, gg_error *e)
{
    memset(x, 0, sizeof *x);
    x->now = gg_now_us();
    if (!r->id_norm[0] || !r->id_mask[0])
        return gg_fail(e, GG_EINVAL, 422, "invalid_id_number", "id_number",
                       "the record was not validated");
    if (gg_reg_id_blind(k, r->id_type, r->id_norm, x->id_blind) ||
        gg_reg_seal(k, r->id_norm, GG_CTX_ID, x->id_sealed, sizeof x->id_sealed, NULL, NULL))
        return gg_fail(e, GG_EIO, 500, "internal", "", "cannot seal the ID number");
    if (r->phone_norm[0] && gg_reg_seal(k, r->phone_norm, GG_CTX_PHONE, x->phone_sealed,
                                        sizeof x->phone_sealed, x->phone_blind, NULL))
        return gg_fail(e, GG_EIO, 500, "internal", "", "cannot seal the phone");
    if (opt(r->ethnicity) &&
        gg_ethnicity_parse(r->ethnicity, strlen(r->ethnicity), x->ethnicity, sizeof x->ethnicity))
        return gg_fail(e, GG_EINVAL, 422, "invalid_ethnicity", "ethnicity", "unknown ethnicity");
    int rc = gg_reg_place(w, p, r->place_id, GG_REG_HOME_KINDS, &x->path, &x->region, e);
    if (rc) return rc;
    x->house_id = r->house_id;
    if (!x->house_id && opt(r->room))
        rc = gg_house_resolve(w, p, r->place_id, x->path, x->region, opt(r->room),
                              r->residence == GG_RES_FLOATING ? GG_HU_RENTED : GG_HU_OWNER,
                              &x->house_id, e);
    else if (x->house_id)
        rc = gg_reg_row_within(w, "house", x->house_id, x->path, "house_id", e);
    if (rc) return rc;
    x->household_id = r->household_id;
    if (!x->household_id && opt(r->household_no))
        rc = gg_household_resolve(w, r->place_id, x->path, x->region, x->house_id,
                                  opt(r->household_no), &x->household_id, e);
    else if (x->household_id)
        rc = gg_reg_row_within(w, "household", x->household_id, NULL, "household_id", e);
    return rc;
}

static int after_write(gg_conn *w, const gg_resident *r, int64_t id, const res_write *x,
                       uint32_t old_tags, bool tags, gg_error *e)
{
    if (r->relation == GG_REL_HEAD && x->household_id) {
        sqlite3_stmt *st = gg_stmt(w, SQL_RES_HEAD);
        if (!st) return GG_EIO;
        sqlite3_bind_int64(st, 1, x->household_id);
        sqlite3_bind_int64(st, 2, id);
        sqlite3_bind_int64(st, 3, x->now);
        int rc = gg_stmt_run(w, st, e, "household head");
        if (rc) return rc;
    }
    if (!tags || old_tags == r->tags) return 0;
    return gg_res_tags_sync(w, id, x->path, old_tags, r->tags, x->now, e);
}

int gg_resident_upsert(gg_conn *w, const gg_keys *k, const gg_resident *r, int64_t actor,
                       int64_t *id, bool *changed, gg_error *e)
{
    (void)actor;
    gg_pool *p = gg_pool_new(64 * 1024);
    if (!p) return gg_fail(e, GG_ENOMEM, 503, "out_of_memory", "", "out of memory");
    res_write x;
    int rc = prepare_write(w, p, k, r, &x, e);
    if (rc) goto out;
    sqlite3_stmt *st = gg_stmt(w, SQL_RES_FIND);
    if (!st) { rc = GG_EIO; goto out; }
    sqlite3_bind_blob(st, 1, x.id_blind, GG_BLIND_BYTES, SQLITE_STATIC);
    int src = sqlite3_step(st);
    int64_t found = src == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    uint32_t old_tags = src == SQLITE_ROW ? (uint32_t)sqlite3_column_int64(st, 1) : 0;
    sqlite3_reset(st);
    if (src != SQLITE_ROW && src != SQLITE_DONE) { rc = gg_sqlite_fail(w, src, e, "resident"); goto out; }
    gg_resident rr = *r;
    rr.id = found;
    st = gg_stmt(w, found ? SQL_RES_UPDATE : SQL_RES_INSERT);
    if (!st) { rc = GG_EIO; goto out; }
    bind_resident(st, &rr, &x);
    src = sqlite3_step(st);
    sqlite3_reset(st);
    if (src != SQLITE_DONE) { rc = gg_sqlite_fail(w, src, e, "resident"); goto out; }
    bool ch = sqlite3_changes(w->db) > 0;
    *id = found ? found : sqlite3_last_insert_rowid(w->db);
    bool tags = r->tags_given || !found;
    if (tags && old_tags != r->tags) ch = true;
    if (!found) old_tags = 0;
    rc = after_write(w, r, *id, &x, old_tags, tags, e);
    if (changed) *changed = ch;
out:
    gg_pool_free(p);
    return rc;
}

int gg_resident_insert_new(gg_conn *w, const gg_keys *k, const gg_resident *r,
                           const char *place_path, const char *region, int64_t *id, gg_error *e)
{
    res_write x;
    memset(&x, 0, sizeof x);
    x.now = gg_now_us();
    x.path = place_path;
    x.region = region;
    x.house_id = r->house_id;
    x.household_id = r->household_id;
    if (gg_reg_id_blind(k, r->id_type, r->id_norm, x.id_blind) ||
        gg_reg_seal(k, r->id_norm, GG_CTX_ID, x.id_sealed, sizeof x.id_sealed, NULL, NULL) ||
        (r->phone_norm[0] && gg_reg_seal(k, r->phone_norm, GG_CTX_PHONE, x.phone_sealed,
                                         sizeof x.phone_sealed, x.phone_blind, NULL)))
        return gg_fail(e, GG_EIO, 500, "internal", "", "cannot seal");
    if (opt(r->ethnicity)) gg_strlcpy(x.ethnicity, r->ethnicity, sizeof x.ethnicity);
    sqlite3_stmt *st = gg_stmt(w, SQL_RES_INSERT);
    if (!st) return GG_EIO;
    bind_resident(st, r, &x);
    int rc = gg_stmt_run(w, st, e, "resident");
    if (rc) return rc;
    *id = sqlite3_last_insert_rowid(w->db);
    return after_write(w, r, *id, &x, 0, true, e);
}

static const char SQL_RES_VERSION[] = "SELECT version, tags FROM resident WHERE id = ?1";

int gg_resident_update(gg_conn *w, const gg_keys *k, const gg_resident *r,
                       int64_t expect_version, int64_t actor, gg_error *e)
{
    (void)actor;
    gg_pool *p = gg_pool_new(64 * 1024);
    if (!p) return gg_fail(e, GG_ENOMEM, 503, "out_of_memory", "", "out of memory");
    res_write x;
    int rc = prepare_write(w, p, k, r, &x, e);
    if (rc) goto out;
    sqlite3_stmt *st = gg_stmt(w, SQL_RES_VERSION);
    if (!st) { rc = GG_EIO; goto out; }
    sqlite3_bind_int64(st, 1, r->id);
    int src = sqlite3_step(st);
    int64_t version = src == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    uint32_t old_tags = src == SQLITE_ROW ? (uint32_t)sqlite3_column_int64(st, 1) : 0;
    sqlite3_reset(st);
    if (!version) { rc = gg_fail(e, GG_ENOTFOUND, 404, "not_found", "", "no such resident"); goto out; }
    if (expect_version && version != expect_version) {
        rc = gg_fail(e, GG_ECONFLICT, 409, "stale_version", "version",
                     "the record was changed by someone else (version %lld)", (long long)version);
        goto out;
    }
    st = gg_stmt(w, SQL_RES_UPDATE);
    if (!st) { rc = GG_EIO; goto out; }
    bind_resident(st, r, &x);
    src = sqlite3_step(st);
    sqlite3_reset(st);
    if ((src & 0xff) == SQLITE_CONSTRAINT) {
        rc = gg_fail(e, GG_ECONFLICT, 409, "duplicate_id_number", "id_number",
                     "another resident holds this document number");
        goto out;
    }
    if (src != SQLITE_DONE) { rc = gg_sqlite_fail(w, src, e, "resident"); goto out; }
    rc = after_write(w, r, r->id, &x, old_tags, r->tags_given, e);
out:
    gg_pool_free(p);
    return rc;
}

int gg_resident_delete(gg_conn *w, int64_t id, int64_t actor, gg_error *e)
{
    (void)actor;
    static const char *const sql[] = {
        "UPDATE household SET head_id = NULL WHERE head_id = ?1",
        "DELETE FROM resident WHERE id = ?1",
    };
    for (size_t i = 0; i < GG_ARRAY_LEN(sql); i++) {
        sqlite3_stmt *st = gg_stmt(w, sql[i]);
        if (st) sqlite3_bind_int64(st, 1, id);
        int rc = gg_stmt_run(w, st, e, "resident delete");
        if (rc) return rc;
    }
    if (sqlite3_changes(w->db) == 0)
        return gg_fail(e, GG_ENOTFOUND, 404, "not_found", "", "no such resident");
    return 0;
}

/* ---- residents: reads ------------------------------------------------------ */

bool gg_reg_big_root(const char *path)
{
    int slashes = 0;
    for (const char *p = path; *p; p++) slashes += *p == '/';
    return slashes <= 3; /* "/", a district "/1/" or a street "/1/2/" */
}

#define RES_READ_COLS                                                                        \
    "r.id, r.residence, r.name, r.sex, r.birth_date, r.ethnicity, r.id_type, r.id_mask, "    \
    "r.phone_mask, r.education, r.political, r.employer, r.registered_address, "             \
    "r.current_address, r.place_id, r.place_path, r.house_id, r.household_id, r.relation, "  \
    "r.tags, r.note, r.verified_at, r.version, r.created_at, r.updated_at, r.id_sealed, "    \
    "r.phone_sealed, (SELECT number FROM household h WHERE h.id = r.household_id), "         \
    "(SELECT room FROM house o WHERE o.id = r.house_id)"

static const char SQL_RES_GET[] = "SELECT " RES_READ_COLS " FROM resident r WHERE r.id = ?1";

static int res_row(gg_pool *p, const gg_keys *k, sqlite3_stmt *st, bool unmasked, gg_resident *o)
{
    memset(o, 0, sizeof *o);
    o->id = sqlite3_column_int64(st, 0);
    o->residence = sqlite3_column_int(st, 1);
    o->name = gg_col_text(p, st, 2);
    o->sex = sqlite3_column_int(st, 3);
    const char *bd = (const char *)sqlite3_column_text(st, 4);
    if (bd) gg_strlcpy(o->birth_date, bd, sizeof o->birth_date);
    o->ethnicity = gg_col_text(p, st, 5);
    o->id_type = sqlite3_column_int(st, 6);
    const char *im = (const char *)sqlite3_column_text(st, 7);
    const char *pm = (const char *)sqlite3_column_text(st, 8);
    gg_strlcpy(o->id_mask, im ? im : "", sizeof o->id_mask);
    gg_strlcpy(o->phone_mask, pm ? pm : "", sizeof o->phone_mask);
    o->education = sqlite3_column_int(st, 9);
    o->political = sqlite3_column_int(st, 10);
    o->employer = gg_col_text(p, st, 11);
    o->registered_address = gg_col_text(p, st, 12);
    o->current_address = gg_col_text(p, st, 13);
    o->place_id = sqlite3_column_int64(st, 14);
    o->place_path = gg_col_text(p, st, 15);
    o->house_id = sqlite3_column_int64(st, 16);
    o->household_id = sqlite3_column_int64(st, 17);
    o->relation = sqlite3_column_int(st, 18);
    o->tags = (uint32_t)sqlite3_column_int64(st, 19);
    o->tags_given = true;
    o->note = gg_col_text(p, st, 20);
    o->verified_at = sqlite3_column_int64(st, 21);
    o->version = sqlite3_column_int64(st, 22);
    o->created_at = sqlite3_column_int64(st, 23);
    o->updated_at = sqlite3_column_int64(st, 24);
    o->household_no = gg_col_text(p, st, 27);
    o->household_label = o->household_no;
    o->room = gg_col_text(p, st, 28);
    o->id_number = o->id_mask;
    o->phone = o->phone_mask[0] ? o->phone_mask : NULL;
    if (unmasked) {
        const char *id = gg_reg_unseal(p, k, st, 25, GG_CTX_ID);
        const char *ph = gg_reg_unseal(p, k, st, 26, GG_CTX_PHONE);
        if (!id) return GG_EIO; /* a value that does not open: wrong key or tampering */
        o->id_number = id;
        gg_strlcpy(o->id_norm, id, sizeof o->id_norm);
        if (ph) {
            o->phone = ph;
            gg_strlcpy(o->phone_norm, ph, sizeof o->phone_norm);
        }
    }
    return o->name && o->place_path ? 0 : GG_ENOMEM;
}

int gg_resident_get(gg_conn *c, gg_pool *p, const gg_keys *k, int64_t id, bool unmasked,
                    gg_resident *out)
{
    sqlite3_stmt *st = gg_stmt(c, SQL_RES_GET);
    if (!st) return GG_EIO;
    sqlite3_bind_int64(st, 1, id);
    int src = sqlite3_step(st);
    int rc = src == SQLITE_ROW ? res_row(p, k, st, unmasked, out)
             : src == SQLITE_DONE ? GG_ENOTFOUND : GG_EIO;
    sqlite3_reset(st);
    return rc;
}

int64_t gg_resident_find(gg_conn *c, const gg_keys *k, int id_type, const char *id_norm)
{
    unsigned char blind[GG_BLIND_BYTES];
    if (gg_reg_id_blind(k, id_type, id_norm, blind)) return 0;
    sqlite3_stmt *st = gg_stmt(c, SQL_RES_FIND);
    if (!st) return 0;
    sqlite3_bind_blob(st, 1, blind, GG_BLIND_BYTES, SQLITE_TRANSIENT);
    int64_t id = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    return id;
}

/* The birth date a person of `years` has at most/least today, as text. */
static void age_bound(int64_t today, int years, char out[11])
{
    int64_t y;
    int m, d;
    gg_civil_from_days(today, &y, &m, &d);
    y -= years;
    if (m == 2 && d == 29) d = 28;
    snprintf(out, 11, "%04d-%02d-%02d", (int)y, m, d);
}

/* Build the filtered query; bindings by number (see res_bind). */
static int res_sql(const gg_resident_filter *f, gg_buf *b)
{
    /* Which index: the whole city walks the rowid (id order, stops after a
     * page); a subtree or a name prefix takes its own index and sorts its
     * few rows ("+" keeps the planner off the rowid range). */
    bool big = gg_reg_big_root(f->root_path), q = f->q && *f->q;
    gg_buf_puts(b, "SELECT " RES_READ_COLS " FROM resident r ");
    gg_buf_puts(b, big ? (q ? "INDEXED BY resident_name " : "") : "INDEXED BY resident_path ");
    gg_buf_puts(b, "WHERE r.place_path >= ?1 AND r.place_path < ?2 AND ");
    gg_buf_puts(b, big && !q ? "r.id > ?3" : "+r.id > ?3");
    if (f->nscope > 0)
        gg_buf_puts(b, " AND " GG_SQL_UNDER_ANY("r.place_path", "?4"));
    if (f->residence) gg_buf_puts(b, " AND r.residence = ?5");
    if (f->tag) gg_buf_puts(b, " AND (r.tags & ?6) != 0");
    if (f->tag && f->level > 1)
        gg_buf_puts(b, " AND EXISTS (SELECT 1 FROM resident_tag t WHERE t.resident_id = r.id "
                       "AND t.tag = ?7 AND t.level >= ?8)");
    if (f->sex) gg_buf_puts(b, " AND r.sex = ?9");
    if (f->household_id) gg_buf_puts(b, " AND r.household_id = ?10");
    if (f->house_id) gg_buf_puts(b, " AND r.house_id = ?11");
    if (f->party_member) gg_buf_puts(b, " AND r.political IN (1, 2)");
    if (f->age_min > 0) gg_buf_puts(b, " AND r.birth_date <= ?12");
    if (f->age_max > 0) gg_buf_puts(b, " AND r.birth_date > ?13");
    if (f->q && *f->q) /* a range on the name index: every name starting with q */
        gg_buf_puts(b, " AND r.name >= ?14 AND r.name < ?14 || char(1114111)");
    if (f->id_norm) gg_buf_puts(b, " AND r.id_blind = ?15");
    if (f->phone_norm) gg_buf_puts(b, " AND r.phone_blind = ?16");
    gg_buf_puts(b, " ORDER BY r.id LIMIT ?17");
    return b->data ? 0 : GG_ENOMEM;
}

static int res_bind(sqlite3_stmt *st, gg_pool *p, const gg_keys *k, const gg_resident_filter *f)
{
    char lo[11], hi[11];
    gg_bind_path_range(st, 1, f->root_path);
    sqlite3_bind_int64(st, 3, f->after_id);
    if (f->nscope > 0) {
        const char *js = gg_paths_json(p, f->scope_paths, f->nscope);
        if (!js) return GG_ENOMEM;
        gg_bind_text(st, 4, js);
    }
    sqlite3_bind_int(st, 5, f->residence);
    sqlite3_bind_int64(st, 6, f->tag > 0 && f->tag < 32 ? (int64_t)GG_TAG_BIT(f->tag) : 0);
    sqlite3_bind_int(st, 7, f->tag);
    sqlite3_bind_int(st, 8, f->level);
    sqlite3_bind_int(st, 9, f->sex);
    sqlite3_bind_int64(st, 10, f->household_id);
    sqlite3_bind_int64(st, 11, f->house_id);
    age_bound(f->today, f->age_min, lo);
    age_bound(f->today, f->age_max + 1, hi);
    gg_bind_text(st, 12, lo);
    gg_bind_text(st, 13, hi);
    gg_bind_text(st, 14, f->q);
    unsigned char b1[GG_BLIND_BYTES], b2[GG_BLIND_BYTES];
    if (f->id_norm) {
        if (gg_reg_id_blind(k, f->id_type, f->id_norm, b1)) return GG_EINVAL;
        sqlite3_bind_blob(st, 15, b1, GG_BLIND_BYTES, SQLITE_TRANSIENT);
    }
    if (f->phone_norm) {
        if (gg_blind_index(k, f->phone_norm, strlen(f->phone_norm), GG_CTX_PHONE, b2))
            return GG_EINVAL;
        sqlite3_bind_blob(st, 16, b2, GG_BLIND_BYTES, SQLITE_TRANSIENT);
    }
    sqlite3_bind_int(st, 17, f->limit > 0 ? f->limit : -1);
    return 0;
}

int gg_residents_each(gg_conn *c, const gg_keys *k, const gg_resident_filter *f, bool unmasked,
                      gg_resident_cb cb, void *arg, gg_error *e)
{
    gg_buf b;
    gg_buf_init(&b, 16 * 1024);
    gg_pool *p = gg_pool_new(1u << 20);
    sqlite3_stmt *st = NULL;
    int rc = p ? res_sql(f, &b) : GG_ENOMEM;
    if (rc) goto out;
    int src = sqlite3_prepare_v2(c->db, b.data, (int)b.len, &st, NULL);
    if (src != SQLITE_OK) { rc = gg_sqlite_fail(c, src, e, "residents"); goto out; }
    if ((rc = res_bind(st, p, k, f))) goto out;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        gg_pool *rp = gg_pool_new(64 * 1024); /* per row: memory stays flat over a million */
        gg_resident r;
        rc = rp ? res_row(rp, k, st, unmasked, &r) : GG_ENOMEM;
        if (!rc) rc = cb(arg, &r);
        gg_pool_free(rp);
        if (rc) goto out;
    }
    if (src != SQLITE_DONE) rc = gg_sqlite_fail(c, src, e, "residents");
out:
    if (rc == GG_ENOMEM) gg_fail(e, GG_ENOMEM, 503, "out_of_memory", "", "out of memory");
    sqlite3_finalize(st);
    gg_buf_free(&b);
    gg_pool_free(p);
    return rc;
}

int gg_resident_list(gg_conn *c, gg_pool *p, const gg_keys *k, const gg_resident_filter *f,
                     gg_resident **rows, int *n)
{
    gg_buf b;
    gg_buf_init(&b, 16 * 1024);
    sqlite3_stmt *st = NULL;
    int limit = f->limit > 0 ? f->limit : 1;
    gg_resident *out = gg_palloc(p, sizeof *out * (size_t)limit);
    int rc = out ? res_sql(f, &b) : GG_ENOMEM, k2 = 0, src;
    if (rc) goto done;
    if (sqlite3_prepare_v2(c->db, b.data, (int)b.len, &st, NULL) != SQLITE_OK) { rc = GG_EIO; goto done; }
    if ((rc = res_bind(st, p, k, f))) goto done;
    while (k2 < limit && (src = sqlite3_step(st)) == SQLITE_ROW) {
        if ((rc = res_row(p, k, st, false, &out[k2]))) break;
        k2++;
    }
done:
    sqlite3_finalize(st);
    gg_buf_free(&b);
    *rows = out;
    *n = k2;
    return rc;
}
