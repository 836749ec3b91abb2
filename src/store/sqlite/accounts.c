/*
 * accounts.c — accounts with their scope places, sessions, API keys, units
 * and the audit log, in SQLite. Session tokens and API keys are stored only
 * as BLAKE2b-256 hashes; the plaintext never reaches the database.
 */
#include <stdio.h>
#include <string.h>

#include "core/str.h"
#include "core/timeutil.h"
#include "domain/authz.h"
#include "store/sqlite/db_int.h"

#define ACCOUNT_COLS                                                                 \
    "a.id, a.username, a.display_name, a.role, a.unit_id, a.global_scope, a.active, " \
    "a.failed_logins, a.locked_until, a.created_at, a.updated_at"

/* An account is in a scoped principal's view when one of its places, or its
 * unit's place, lies under one of the principal's roots (?1: JSON array of
 * root paths). */
#define IN_SCOPE(alias_place_path) GG_SQL_UNDER_ANY(alias_place_path, "?1")

static const char SQL_ACC_GET[] = "SELECT " ACCOUNT_COLS " FROM account a WHERE a.id = ?1";
static const char SQL_ACC_BY_NAME[] =
    "SELECT " ACCOUNT_COLS ", a.password_hash FROM account a WHERE a.username = ?1";
static const char SQL_ACC_PLACES[] =
    "SELECT p.id, p.path FROM account_place ap JOIN place p ON p.id = ap.place_id "
    "WHERE ap.account_id = ?1 ORDER BY p.path LIMIT 64";
static const char SQL_ACC_LIST_ALL[] =
    "SELECT " ACCOUNT_COLS " FROM account a WHERE a.id > ?2 ORDER BY a.id LIMIT ?3";
/* The same rule as api/scope.c applies to one account: all its places in
 * scope, or with no places its unit's place; global accounts never. */
static const char SQL_ACC_LIST_SCOPE[] =
    "SELECT " ACCOUNT_COLS " FROM account a WHERE a.id > ?2 AND a.global_scope = 0 AND ("
    "(EXISTS (SELECT 1 FROM account_place ap WHERE ap.account_id = a.id) AND "
    "NOT EXISTS (SELECT 1 FROM account_place ap JOIN place p ON p.id = ap.place_id "
    "WHERE ap.account_id = a.id AND NOT " IN_SCOPE("p.path") ")) OR "
    "(NOT EXISTS (SELECT 1 FROM account_place ap WHERE ap.account_id = a.id) AND "
    "EXISTS (SELECT 1 FROM unit u JOIN place p ON p.id = u.place_id "
    "WHERE u.id = a.unit_id AND " IN_SCOPE("p.path") "))) ORDER BY a.id LIMIT ?3";
static const char SQL_ACC_COUNT[] = "SELECT count(*) FROM account";
static const char SQL_ACC_INSERT[] =
    "INSERT INTO account (username, display_name, role, unit_id, password_hash, global_scope, "
    "active, password_changed_at, created_at, updated_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1, ?7, ?7, ?7)";
static const char SQL_ACC_UPDATE[] =
    "UPDATE account SET display_name = ?2, role = ?3, unit_id = ?4, active = ?5, updated_at = ?6 "
    "WHERE id = ?1";
static const char SQL_ACC_PLACES_DEL[] = "DELETE FROM account_place WHERE account_id = ?1";
static const char SQL_ACC_PLACE_ADD[] =
    "INSERT OR IGNORE INTO account_place (account_id, place_id) VALUES (?1, ?2)";
static const char SQL_ACC_SETPW[] =
    "UPDATE account SET password_hash = ?2, password_changed_at = ?3, updated_at = ?3, "
    "failed_logins = 0, locked_until = 0 WHERE id = ?1";
static const char SQL_ACC_PWHASH[] = "SELECT password_hash FROM account WHERE id = ?1";
static const char SQL_ACC_LOGIN_OK[] =
    "UPDATE account SET failed_logins = 0, locked_until = 0 WHERE id = ?1";
/* A failure after an expired lock starts counting afresh (?4 = now). */
#define FAILURES_AFTER "(CASE WHEN locked_until > 0 AND locked_until <= ?4 THEN 1 ELSE failed_logins + 1 END)"
static const char SQL_ACC_LOGIN_FAIL[] =
    "UPDATE account SET failed_logins = " FAILURES_AFTER ", "
    "locked_until = CASE WHEN " FAILURES_AFTER " >= ?2 THEN ?3 "
    "WHEN locked_until <= ?4 THEN 0 ELSE locked_until END WHERE id = ?1";

static const char SQL_SES_INSERT[] =
    "INSERT INTO session (token_hash, account_id, csrf, created_at, last_seen_at, expires_at, ip, "
    "user_agent) VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6, ?7)";
static const char SQL_SES_GET[] =
    "SELECT account_id, csrf, created_at, last_seen_at, expires_at FROM session "
    "WHERE token_hash = ?1";
static const char SQL_SES_TOUCH[] = "UPDATE session SET last_seen_at = ?2 WHERE token_hash = ?1";
static const char SQL_SES_DEL[] = "DELETE FROM session WHERE token_hash = ?1";
static const char SQL_SES_DEL_USER[] =
    "DELETE FROM session WHERE account_id = ?1 AND token_hash IS NOT ?2";
static const char SQL_SES_PURGE[] =
    "DELETE FROM session WHERE expires_at < ?1 OR last_seen_at < ?1 - ?2";

static const char SQL_KEY_INSERT[] =
    "INSERT INTO api_key (account_id, name, prefix, key_hash, created_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5)";
static const char SQL_KEY_LOOKUP[] =
    "SELECT id, account_id, created_at, revoked_at FROM api_key WHERE key_hash = ?1";
static const char SQL_KEY_LIST[] =
    "SELECT id, account_id, name, prefix, created_at, last_used_at, revoked_at FROM api_key "
    "WHERE account_id = ?1 ORDER BY id LIMIT 200";
static const char SQL_KEY_REVOKE[] =
    "UPDATE api_key SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL";

#define UNIT_COLS                                                                      \
    "u.id, u.name, u.kind, u.place_id, p.path, u.active, u.created_at, u.updated_at " \
    "FROM unit u JOIN place p ON p.id = u.place_id"
static const char SQL_UNIT_GET[] = "SELECT " UNIT_COLS " WHERE u.id = ?1";
static const char SQL_UNIT_LIST_ALL[] =
    "SELECT " UNIT_COLS " WHERE u.id > ?2 ORDER BY u.id LIMIT ?3";
static const char SQL_UNIT_LIST_SCOPE[] =
    "SELECT " UNIT_COLS " WHERE u.id > ?2 AND " IN_SCOPE("p.path") " ORDER BY u.id LIMIT ?3";
/* Dispatch targets: the units of the caller's places and their subtrees,
 * and of the places above them (the district's departments). */
static const char SQL_UNIT_LIST_TARGETS[] =
    "SELECT " UNIT_COLS " WHERE u.id > ?2 AND u.active = 1 AND (" IN_SCOPE("p.path") " OR EXISTS "
    "(SELECT 1 FROM json_each(?1) j WHERE substr(j.value, 1, length(p.path)) = p.path)) "
    "ORDER BY u.id LIMIT ?3";
static const char SQL_UNIT_INSERT[] =
    "INSERT INTO unit (name, kind, place_id, region, active, created_at, updated_at) "
    "VALUES (?1, ?2, ?3, (SELECT region FROM place WHERE id = ?3), 1, ?4, ?4)";
static const char SQL_UNIT_UPDATE[] =
    "UPDATE unit SET name = ?2, kind = ?3, active = ?4, updated_at = ?5 WHERE id = ?1";

static const char SQL_AUDIT[] =
    "INSERT INTO audit (at, account_id, action, object_type, object_id, ip, detail) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";

/* ---- accounts ---- */

static void acc_row(gg_pool *p, sqlite3_stmt *st, gg_account *a)
{
    memset(a, 0, sizeof *a);
    a->id = sqlite3_column_int64(st, 0);
    a->username = gg_col_text(p, st, 1);
    a->display_name = gg_col_text(p, st, 2);
    a->role = gg_role_parse((const char *)sqlite3_column_text(st, 3));
    a->unit_id = sqlite3_column_int64(st, 4);
    a->global_scope = sqlite3_column_int(st, 5) != 0;
    a->active = sqlite3_column_int(st, 6) != 0;
    a->failed_logins = sqlite3_column_int64(st, 7);
    a->locked_until = sqlite3_column_int64(st, 8);
    a->created_at = sqlite3_column_int64(st, 9);
    a->updated_at = sqlite3_column_int64(st, 10);
}

static int acc_places(gg_conn *c, gg_pool *p, gg_account *a)
{
    sqlite3_stmt *st = gg_stmt(c, SQL_ACC_PLACES);
    if (!st) return GG_EIO;
    a->place_ids = gg_palloc(p, sizeof(int64_t) * 64);
    a->place_paths = gg_palloc(p, sizeof(char *) * 64);
    if (!a->place_ids || !a->place_paths) return GG_ENOMEM;
    sqlite3_bind_int64(st, 1, a->id);
    a->nplaces = 0;
    while (a->nplaces < 64 && sqlite3_step(st) == SQLITE_ROW) {
        a->place_ids[a->nplaces] = sqlite3_column_int64(st, 0);
        a->place_paths[a->nplaces] = gg_col_text(p, st, 1);
        a->nplaces++;
    }
    sqlite3_reset(st);
    return 0;
}

int gg_account_get(gg_conn *c, gg_pool *p, int64_t id, gg_account *out)
{
    sqlite3_stmt *st = gg_stmt(c, SQL_ACC_GET);
    if (!st) return GG_EIO;
    sqlite3_bind_int64(st, 1, id);
    int src = sqlite3_step(st);
    if (src != SQLITE_ROW) {
        sqlite3_reset(st);
        return src == SQLITE_DONE ? GG_ENOTFOUND : GG_EIO;
    }
    acc_row(p, st, out);
    sqlite3_reset(st);
    return acc_places(c, p, out);
}

int gg_account_by_username(gg_conn *c, gg_pool *p, const char *username, gg_account *out,
                           char *hash_out, size_t cap)
{
    sqlite3_stmt *st = gg_stmt(c, SQL_ACC_BY_NAME);
    if (!st) return GG_EIO;
    gg_bind_text(st, 1, username);
    int src = sqlite3_step(st);
    if (src != SQLITE_ROW) {
        sqlite3_reset(st);
        return src == SQLITE_DONE ? GG_ENOTFOUND : GG_EIO;
    }
    acc_row(p, st, out);
    const char *h = (const char *)sqlite3_column_text(st, 11);
    gg_strlcpy(hash_out, h ? h : "", cap);
    sqlite3_reset(st);
    return 0;
}

/* JSON array of the principal's root paths, for IN_SCOPE. */
static const char *scope_json(gg_pool *p, const gg_principal *s)
{
    return gg_paths_json(p, (const char *const *)s->place_paths, s->nplaces);
}

int gg_account_list(gg_conn *c, gg_pool *p, const gg_principal *scope, int64_t after, int limit,
                    gg_account **rows, int *n)
{
    bool all = scope->global_scope;
    sqlite3_stmt *st = gg_stmt(c, all ? SQL_ACC_LIST_ALL : SQL_ACC_LIST_SCOPE);
    if (!st) return GG_EIO;
    if (!all) {
        const char *js = scope_json(p, scope);
        if (!js) return GG_ENOMEM;
        gg_bind_text(st, 1, js);
    }
    sqlite3_bind_int64(st, 2, after);
    sqlite3_bind_int(st, 3, limit);
    gg_account *out = gg_palloc(p, sizeof *out * (size_t)(limit > 0 ? limit : 1));
    if (!out) return GG_ENOMEM;
    int k = 0;
    while (k < limit && sqlite3_step(st) == SQLITE_ROW) acc_row(p, st, &out[k++]);
    sqlite3_reset(st);
    for (int i = 0; i < k; i++) {
        int rc = acc_places(c, p, &out[i]);
        if (rc) return rc;
    }
    *rows = out;
    *n = k;
    return 0;
}

int64_t gg_account_count(gg_conn *c)
{
    sqlite3_stmt *st = gg_stmt(c, SQL_ACC_COUNT);
    if (!st) return -1;
    int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_reset(st);
    return v;
}

static int set_places(gg_conn *w, const gg_account *a, gg_error *e)
{
    sqlite3_stmt *st = gg_stmt(w, SQL_ACC_PLACES_DEL);
    if (!st) return gg_sqlite_fail(w, SQLITE_ERROR, e, "account places");
    sqlite3_bind_int64(st, 1, a->id);
    int rc = gg_stmt_run(w, st, e, "account places");
    for (int i = 0; !rc && i < a->nplaces; i++) {
        st = gg_stmt(w, SQL_ACC_PLACE_ADD);
        if (!st) return gg_sqlite_fail(w, SQLITE_ERROR, e, "account places");
        sqlite3_bind_int64(st, 1, a->id);
        sqlite3_bind_int64(st, 2, a->place_ids[i]);
        rc = gg_stmt_run(w, st, e, "account places");
    }
    return rc;
}

int gg_account_insert(gg_conn *w, gg_account *a, const char *pwhash, gg_error *e)
{
    sqlite3_stmt *st = gg_stmt(w, SQL_ACC_INSERT);
    if (!st) return gg_sqlite_fail(w, SQLITE_ERROR, e, "account insert");
    gg_bind_text(st, 1, a->username);
    gg_bind_text(st, 2, a->display_name);
    gg_bind_text(st, 3, gg_role_name(a->role));
    if (a->unit_id) sqlite3_bind_int64(st, 4, a->unit_id);
    gg_bind_text(st, 5, pwhash);
    sqlite3_bind_int(st, 6, a->global_scope);
    sqlite3_bind_int64(st, 7, gg_now_us());
    int src = sqlite3_step(st);
    sqlite3_reset(st);
    if (src != SQLITE_DONE) {
        if (src == SQLITE_CONSTRAINT_UNIQUE)
            return gg_fail(e, GG_ECONFLICT, 409, "username_taken", "username",
                           "username '%s' is already taken", a->username);
        if ((src & 0xff) == SQLITE_CONSTRAINT)
            return gg_fail(e, GG_EINVAL, 422, "invalid_reference", "unit_id", "no such unit");
        return gg_sqlite_fail(w, src, e, "account insert");
    }
    a->id = sqlite3_last_insert_rowid(w->db);
    return set_places(w, a, e);
}

int gg_account_update(gg_conn *w, const gg_account *a, gg_error *e)
{
    sqlite3_stmt *st = gg_stmt(w, SQL_ACC_UPDATE);
    if (!st) return gg_sqlite_fail(w, SQLITE_ERROR, e, "account update");
    sqlite3_bind_int64(st, 1, a->id);
    gg_bind_text(st, 2, a->display_name);
    gg_bind_text(st, 3, gg_role_name(a->role));
    if (a->unit_id) sqlite3_bind_int64(st, 4, a->unit_id);
    sqlite3_bind_int(st, 5, a->active);
    sqlite3_bind_int64(st, 6, gg_now_us());
    int src = sqlite3_step(st);
    sqlite3_reset(st);
    if (src != SQLITE_DONE) {
        if ((src & 0xff) == SQLITE_CONSTRAINT)
            return gg_fail(e, GG_EINVAL, 422, "invalid_reference", "unit_id", "no such unit");
        return gg_sqlite_fail(w, src, e, "account update");
    }
    if (sqlite3_changes(w->db) != 1)
        return gg_fail(e, GG_ENOTFOUND, 404, "not_found", "", "no such account");
    return set_places(w, a, e);
}

int gg_account_set_password(gg_conn *w, int64_t id, const char *pwhash, gg_error *e)
{
    sqlite3_stmt *st = gg_stmt(w, SQL_ACC_SETPW);
    if (!st) return gg_sqlite_fail(w, SQLITE_ERROR, e, "password");
    sqlite3_bind_int64(st, 1, id);
    gg_bind_text(st, 2, pwhash);
    sqlite3_bind_int64(st, 3, gg_now_us());
    return gg_stmt_run(w, st, e, "password");
}

int gg_account_password_hash(gg_conn *c, int64_t id, char *hash_out, size_t cap)
{
    sqlite3_stmt *st = gg_stmt(c, SQL_ACC_PWHASH);
    if (!st) return GG_EIO;
    sqlite3_bind_int64(st, 1, id);
    int src = sqlite3_step(st);
    const char *h = src == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
    gg_strlcpy(hash_out, h ? h : "", cap);
    sqlite3_reset(st);
    return src == SQLITE_ROW ? 0 : GG_ENOTFOUND;
}

int gg_account_login_result(gg_conn *w, int64_t id, bool ok, int max_failures, int64_t lock_until,
                            gg_error *e)
{
    sqlite3_stmt *st = gg_stmt(w, ok ? SQL_ACC_LOGIN_OK : SQL_ACC_LOGIN_FAIL);
    if (!st) return gg_sqlite_fail(w, SQLITE_ERROR, e, "login result");
    sqlite3_bind_int64(st, 1, id);
    if (!ok) {
        sqlite3_bind_int(st, 2, max_failures);
        sqlite3_bind_int64(st, 3, lock_until);
        sqlite3_bind_int64(st, 4, gg_now_us());
    }
    return gg_stmt_run(w, st, e, "login result");
}

/* ---- sessions ---- */

int gg_session_insert(gg_conn *w, const gg_session_rec *s, gg_error *e)
{
    sqlite3_stmt *st = gg_stmt(w, SQL_SES_INSERT);
    if (!st) return gg_sqlite_fail(w, SQLITE_ERROR, e, "session");
    sqlite3_bind_blob(st, 1, s->token_hash, 32, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, s->user_id);
    gg_bind_text(st, 3, s->csrf);
    sqlite3_bind_int64(st, 4, s->created_at);
    sqlite3_bind_int64(st, 5, s->expires_at);
    gg_bind_text(st, 6, s->ip);
    gg_bind_text(st, 7, s->user_agent);
    return gg_stmt_run(w, st, e, "session");
}

int gg_session_get(gg_conn *c, const unsigned char hash[32], gg_session_rec *out)
{
    sqlite3_stmt *st = gg_stmt(c, SQL_SES_GET);
    if (!st) return GG_EIO;
    sqlite3_bind_blob(st, 1, hash, 32, SQLITE_TRANSIENT);
    int src = sqlite3_step(st);
    if (src != SQLITE_ROW) {
        sqlite3_reset(st);
        return src == SQLITE_DONE ? GG_ENOTFOUND : GG_EIO;
    }
    memset(out, 0, sizeof *out);
    memcpy(out->token_hash, hash, 32);
    out->user_id = sqlite3_column_int64(st, 0);
    const char *csrf = (const char *)sqlite3_column_text(st, 1);
    gg_strlcpy(out->csrf, csrf ? csrf : "", sizeof out->csrf);
    out->created_at = sqlite3_column_int64(st, 2);
    out->last_seen_at = sqlite3_column_int64(st, 3);
    out->expires_at = sqlite3_column_int64(st, 4);
    sqlite3_reset(st);
    return 0;
}

static int session_by_hash(gg_conn *w, const char *sql, const unsigned char hash[32], int64_t v,
                           gg_error *e)
{
    sqlite3_stmt *st = gg_stmt(w, sql);
    if (!st) return gg_sqlite_fail(w, SQLITE_ERROR, e, "session");
    sqlite3_bind_blob(st, 1, hash, 32, SQLITE_TRANSIENT);
    if (v) sqlite3_bind_int64(st, 2, v);
    return gg_stmt_run(w, st, e, "session");
}

int gg_session_touch(gg_conn *w, const unsigned char hash[32], int64_t now, gg_error *e)
{
    return session_by_hash(w, SQL_SES_TOUCH, hash, now, e);
}

int gg_session_delete(gg_conn *w, const unsigned char hash[32], gg_error *e)
{
    return session_by_hash(w, SQL_SES_DEL, hash, 0, e);
}

int gg_session_delete_user(gg_conn *w, int64_t user_id, const unsigned char *keep_hash,
                           gg_error *e)
{
    sqlite3_stmt *st = gg_stmt(w, SQL_SES_DEL_USER);
    if (!st) return gg_sqlite_fail(w, SQLITE_ERROR, e, "session");
    sqlite3_bind_int64(st, 1, user_id);
    if (keep_hash) sqlite3_bind_blob(st, 2, keep_hash, 32, SQLITE_TRANSIENT);
    return gg_stmt_run(w, st, e, "session");
}

int gg_session_purge(gg_conn *w, int64_t now, int64_t idle_us, gg_error *e)
{
    sqlite3_stmt *st = gg_stmt(w, SQL_SES_PURGE);
    if (!st) return gg_sqlite_fail(w, SQLITE_ERROR, e, "session purge");
    sqlite3_bind_int64(st, 1, now);
    sqlite3_bind_int64(st, 2, idle_us);
    return gg_stmt_run(w, st, e, "session purge");
}

int gg_principal_load(gg_conn *c, gg_pool *p, int64_t user_id, gg_principal *out)
{
    gg_account a;
    int rc = gg_account_get(c, p, user_id, &a);
    if (rc) return rc;
    if (!a.active) return GG_EUNAUTH;
    /* An account with no places works where its unit is: the same rule by
     * which api/scope.c places such an account in others' scopes. */
    gg_unit u;
    if (a.nplaces == 0 && a.unit_id && gg_unit_get(c, p, a.unit_id, &u) == 0) {
        a.place_ids[0] = u.place_id;
        a.place_paths[0] = u.place_path;
        a.nplaces = 1;
    }
    memset(out, 0, sizeof *out);
    out->user_id = a.id;
    out->role = a.role;
    out->unit_id = a.unit_id;
    out->global_scope = a.global_scope;
    out->username = a.username;
    out->nplaces = a.nplaces;
    out->place_paths = a.place_paths;
    out->place_ids = a.place_ids;
    return 0;
}

/* ---- API keys ---- */

int gg_apikey_insert(gg_conn *w, gg_apikey_rec *k, const unsigned char hash[32], gg_error *e)
{
    sqlite3_stmt *st = gg_stmt(w, SQL_KEY_INSERT);
    if (!st) return gg_sqlite_fail(w, SQLITE_ERROR, e, "api key");
    k->created_at = gg_now_us();
    sqlite3_bind_int64(st, 1, k->user_id);
    gg_bind_text(st, 2, k->name);
    gg_bind_text(st, 3, k->prefix);
    sqlite3_bind_blob(st, 4, hash, 32, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 5, k->created_at);
    int rc = gg_stmt_run(w, st, e, "api key");
    if (!rc) k->id = sqlite3_last_insert_rowid(w->db);
    return rc;
}

int gg_apikey_lookup(gg_conn *c, const unsigned char hash[32], gg_apikey_rec *out)
{
    sqlite3_stmt *st = gg_stmt(c, SQL_KEY_LOOKUP);
    if (!st) return GG_EIO;
    sqlite3_bind_blob(st, 1, hash, 32, SQLITE_TRANSIENT);
    int src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        memset(out, 0, sizeof *out);
        out->id = sqlite3_column_int64(st, 0);
        out->user_id = sqlite3_column_int64(st, 1);
        out->created_at = sqlite3_column_int64(st, 2);
        out->revoked_at = sqlite3_column_int64(st, 3);
    }
    sqlite3_reset(st);
    return src == SQLITE_ROW ? 0 : src == SQLITE_DONE ? GG_ENOTFOUND : GG_EIO;
}

int gg_apikey_list(gg_conn *c, gg_pool *p, int64_t user_id, gg_apikey_rec **rows, int *n)
{
    sqlite3_stmt *st = gg_stmt(c, SQL_KEY_LIST);
    if (!st) return GG_EIO;
    gg_apikey_rec *out = gg_pcalloc(p, sizeof *out * 200);
    if (!out) return GG_ENOMEM;
    sqlite3_bind_int64(st, 1, user_id);
    int k = 0;
    while (k < 200 && sqlite3_step(st) == SQLITE_ROW) {
        out[k].id = sqlite3_column_int64(st, 0);
        out[k].user_id = sqlite3_column_int64(st, 1);
        out[k].name = gg_col_text(p, st, 2);
        out[k].prefix = gg_col_text(p, st, 3);
        out[k].created_at = sqlite3_column_int64(st, 4);
        out[k].last_used_at = sqlite3_column_int64(st, 5);
        out[k].revoked_at = sqlite3_column_int64(st, 6);
        k++;
    }
    sqlite3_reset(st);
    *rows = out;
    *n = k;
    return 0;
}

int gg_apikey_revoke(gg_conn *w, int64_t id, int64_t now, gg_error *e)
{
    sqlite3_stmt *st = gg_stmt(w, SQL_KEY_REVOKE);
    if (!st) return gg_sqlite_fail(w, SQLITE_ERROR, e, "api key");
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, now);
    int rc = gg_stmt_run(w, st, e, "api key");
    if (!rc && sqlite3_changes(w->db) != 1)
        return gg_fail(e, GG_ENOTFOUND, 404, "not_found", "", "no such active key");
    return rc;
}

/* ---- units ---- */

static void unit_row(gg_pool *p, sqlite3_stmt *st, gg_unit *u)
{
    memset(u, 0, sizeof *u);
    u->id = sqlite3_column_int64(st, 0);
    u->name = gg_col_text(p, st, 1);
    u->kind = gg_col_text(p, st, 2);
    u->place_id = sqlite3_column_int64(st, 3);
    u->place_path = gg_col_text(p, st, 4);
    u->active = sqlite3_column_int(st, 5) != 0;
    u->created_at = sqlite3_column_int64(st, 6);
    u->updated_at = sqlite3_column_int64(st, 7);
}

int gg_unit_get(gg_conn *c, gg_pool *p, int64_t id, gg_unit *out)
{
    sqlite3_stmt *st = gg_stmt(c, SQL_UNIT_GET);
    if (!st) return GG_EIO;
    sqlite3_bind_int64(st, 1, id);
    int src = sqlite3_step(st);
    if (src == SQLITE_ROW) unit_row(p, st, out);
    sqlite3_reset(st);
    return src == SQLITE_ROW ? 0 : src == SQLITE_DONE ? GG_ENOTFOUND : GG_EIO;
}

int gg_unit_list(gg_conn *c, gg_pool *p, const gg_principal *scope, bool targets, int64_t after,
                 int limit, gg_unit **rows, int *n)
{
    bool all = scope->global_scope;
    sqlite3_stmt *st = gg_stmt(c, all ? SQL_UNIT_LIST_ALL : targets ? SQL_UNIT_LIST_TARGETS : SQL_UNIT_LIST_SCOPE);
    if (!st) return GG_EIO;
    if (!all) {
        const char *js = scope_json(p, scope);
        if (!js) return GG_ENOMEM;
        gg_bind_text(st, 1, js);
    }
    sqlite3_bind_int64(st, 2, after);
    sqlite3_bind_int(st, 3, limit);
    gg_unit *out = gg_palloc(p, sizeof *out * (size_t)(limit > 0 ? limit : 1));
    if (!out) return GG_ENOMEM;
    int k = 0;
    while (k < limit && sqlite3_step(st) == SQLITE_ROW) unit_row(p, st, &out[k++]);
    sqlite3_reset(st);
    *rows = out;
    *n = k;
    return 0;
}

int gg_unit_insert(gg_conn *w, gg_unit *u, gg_error *e)
{
    sqlite3_stmt *st = gg_stmt(w, SQL_UNIT_INSERT);
    if (!st) return gg_sqlite_fail(w, SQLITE_ERROR, e, "unit insert");
    gg_bind_text(st, 1, u->name);
    gg_bind_text(st, 2, u->kind);
    sqlite3_bind_int64(st, 3, u->place_id);
    sqlite3_bind_int64(st, 4, gg_now_us());
    int src = sqlite3_step(st);
    sqlite3_reset(st);
    if (src == SQLITE_CONSTRAINT_UNIQUE)
        return gg_fail(e, GG_ECONFLICT, 409, "name_taken", "name",
                       "a unit of that name already exists at that place");
    if (src != SQLITE_DONE) return gg_sqlite_fail(w, src, e, "unit insert");
    u->id = sqlite3_last_insert_rowid(w->db);
    return 0;
}

int gg_unit_update(gg_conn *w, const gg_unit *u, gg_error *e)
{
    sqlite3_stmt *st = gg_stmt(w, SQL_UNIT_UPDATE);
    if (!st) return gg_sqlite_fail(w, SQLITE_ERROR, e, "unit update");
    sqlite3_bind_int64(st, 1, u->id);
    gg_bind_text(st, 2, u->name);
    gg_bind_text(st, 3, u->kind);
    sqlite3_bind_int(st, 4, u->active);
    sqlite3_bind_int64(st, 5, gg_now_us());
    int src = sqlite3_step(st);
    sqlite3_reset(st);
    if (src == SQLITE_CONSTRAINT_UNIQUE)
        return gg_fail(e, GG_ECONFLICT, 409, "name_taken", "name",
                       "a unit of that name already exists at that place");
    if (src != SQLITE_DONE) return gg_sqlite_fail(w, src, e, "unit update");
    return 0;
}

/* ---- audit ---- */

int gg_audit(gg_conn *w, int64_t user_id, const char *action, const char *object_type,
             int64_t object_id, const char *ip, const char *detail)
{
    sqlite3_stmt *st = gg_stmt(w, SQL_AUDIT);
    if (!st) return GG_EIO;
    sqlite3_bind_int64(st, 1, gg_now_us());
    if (user_id) sqlite3_bind_int64(st, 2, user_id);
    gg_bind_text(st, 3, action);
    gg_bind_text(st, 4, object_type);
    if (object_id) sqlite3_bind_int64(st, 5, object_id);
    gg_bind_text(st, 6, ip);
    gg_bind_text(st, 7, detail);
    int src = sqlite3_step(st);
    sqlite3_reset(st);
    return src == SQLITE_DONE ? 0 : GG_EIO;
}
