/*
 * accounts.c — accounts, their scope places, password resets and API keys.
 * Only administrators write; an administrator manages only accounts whose
 * places lie inside their own scope (api/scope.c), and only a global
 * administrator creates global ones (domain/authz.c).
 */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "core/crypto.h"
#include "core/str.h"
#include "core/timeutil.h"
#include "domain/account.h"
#include "domain/authz.h"

typedef struct acc_job {
    gg_pool *pool;
    gg_account a;
    const char *pwhash;
    int64_t actor;
    const char *ip;
    bool end_sessions;
    gg_apikey_rec key;
    unsigned char key_hash[32];
    const char *key_plain;
} acc_job;

static int reply_account(gg_req *r, int status, int64_t id)
{
    gg_conn *c = gg_api_reader(r);
    if (!c) return GG_EBUSY;
    gg_account a;
    if (gg_account_get(c, r->pool, id, &a)) return gg_fail(&r->err, GG_ENOTFOUND, 404, "not_found", "", "no such account");
    gg_api_account_json(gg_req_json(r, status), &a);
    return 0;
}

int gg_h_accounts_list(gg_req *r)
{
    int limit;
    int64_t after_id;
    int rc = gg_api_page_num(r, &limit, 0, INT64_MAX, &after_id);
    if (rc) return rc;
    gg_conn *c = gg_api_reader(r);
    if (!c) return GG_EBUSY;
    gg_account *rows;
    int n;
    rc = gg_account_list(c, r->pool, r->who, after_id, limit + 1, &rows, &n);
    if (rc) return gg_fail(&r->err, rc, 500, "internal", "", "cannot list accounts");
    gg_jw *w = gg_req_json(r, 200);
    gg_api_list_begin(w);
    for (int i = 0; i < n && i < limit; i++) gg_api_account_json(w, &rows[i]);
    gg_api_list_end_at(w, r->pool, n, limit, n > limit ? rows[limit - 1].id : 0);
    return 0;
}

int gg_h_account_get(gg_req *r)
{
    gg_api_account_json(gg_req_json(r, 200), r->obj);
    return 0;
}

/* place_ids (already scope-checked) into a->place_ids. */
static int read_place_ids(gg_req *r, json_t *j, gg_account *a)
{
    json_t *ids = json_object_get(j, "place_ids"), *v;
    size_t i;
    a->nplaces = 0;
    a->place_ids = gg_palloc(r->pool, sizeof(int64_t) * 33);
    if (!a->place_ids) return GG_ENOMEM;
    json_array_foreach(ids, i, v) {
        json_t *one = json_pack("{sO}", "id", v);
        a->place_ids[a->nplaces++] = one ? gg_jr_id(one, "id") : 0;
        json_decref(one);
    }
    return 0;
}

static int check_shape(gg_req *r, const gg_account *a)
{
    if (!gg_role_may_grant(r->who, a->role, a->global_scope))
        return gg_fail(&r->err, GG_EFORBIDDEN, 403, "forbidden", "role",
                       "you may not grant this role or scope");
    if (a->role == GG_ROLE_DEPARTMENT && !a->unit_id)
        return gg_fail(&r->err, GG_EINVAL, 422, "missing_field", "unit_id",
                       "a department handler belongs to a unit");
    if (!a->global_scope && a->nplaces == 0 && !a->unit_id)
        return gg_fail(&r->err, GG_EINVAL, 422, "missing_field", "place_ids",
                       "assign at least one place (the account's scope)");
    if (a->unit_id) {
        gg_conn *c = gg_api_reader(r);
        gg_unit u;
        if (!c || gg_unit_get(c, r->pool, a->unit_id, &u))
            return gg_fail(&r->err, GG_EINVAL, 422, "invalid_reference", "unit_id", "no such unit");
        if (!gg_scope_covers(r->who, u.place_path))
            return gg_fail(&r->err, GG_EFORBIDDEN, 403, "out_of_scope", "unit_id",
                           "the unit lies outside your scope");
    }
    return 0;
}

static int create_fn(gg_conn *w, void *arg, gg_error *e)
{
    acc_job *j = arg;
    int rc = gg_account_insert(w, &j->a, j->pwhash, e);
    if (!rc) gg_audit(w, j->actor, "account_created", "account", j->a.id, j->ip, j->a.username);
    return rc;
}

static int create_then(gg_req *r)
{
    acc_job *j = r->w.arg;
    gg_req_header_add(r, "Location", gg_pprintf(r->pool, "/api/v1/accounts/%lld", (long long)j->a.id));
    return reply_account(r, 201, j->a.id);
}

static const gg_jr_field create_fields[] = {
    {"username", GG_JR_STRING, true, false, 3, 64},
    {"display_name", GG_JR_STRING, true, false, 1, 64},
    {"role", GG_JR_STRING, true, false, 1, 32},
    {"password", GG_JR_STRING, true, false, 1, 256},
    {"unit_id", GG_JR_ID, false, true, 0, 0},
    {"place_ids", GG_JR_ARRAY, false, true, 0, 32},
    {"global_scope", GG_JR_BOOL, false, false, 0, 0},
};

int gg_h_account_create(gg_req *r)
{
    json_t *j;
    int rc = gg_req_body(r, create_fields, GG_ARRAY_LEN(create_fields), &j);
    if (rc) return rc;
    acc_job *aj = gg_pcalloc(r->pool, sizeof *aj);
    char *h = gg_palloc(r->pool, GG_PW_HASH_MAX);
    if (!aj || !h) return GG_ENOMEM;
    gg_account *a = &aj->a;
    a->username = gg_jr_str(j, "username", "");
    a->display_name = gg_jr_str(j, "display_name", "");
    a->role = gg_role_parse(gg_jr_str(j, "role", ""));
    a->unit_id = gg_jr_id(j, "unit_id");
    a->global_scope = gg_jr_bool(j, "global_scope", false);
    if ((rc = gg_username_check(a->username, &r->err))) return rc;
    if (a->role == GG_ROLE_NONE)
        return gg_fail(&r->err, GG_EINVAL, 422, "invalid_value", "role",
                       "unknown role (admin, command, community, gridworker, department, member, resident)");
    if ((rc = read_place_ids(r, j, a))) return rc;
    if ((rc = check_shape(r, a))) return rc;
    const char *pw = gg_jr_str(j, "password", "");
    if ((rc = gg_password_check(pw, a->username, "password", &r->err))) return rc;
    if (gg_pw_hash(pw, h)) return gg_fail(&r->err, GG_EBUSY, 503, "busy", "", "the server is busy; try again");
    aj->pwhash = h;
    aj->actor = r->who->user_id;
    aj->ip = r->ip;
    return gg_req_defer(r, create_fn, aj, create_then);
}

static int update_fn(gg_conn *w, void *arg, gg_error *e)
{
    acc_job *j = arg;
    int rc = gg_account_update(w, &j->a, e);
    if (!rc && j->end_sessions) rc = gg_session_delete_user(w, j->a.id, NULL, e);
    if (!rc) gg_audit(w, j->actor, "account_updated", "account", j->a.id, j->ip, NULL);
    return rc;
}

static int update_then(gg_req *r)
{
    acc_job *j = r->w.arg;
    return reply_account(r, 200, j->a.id);
}

static const gg_jr_field update_fields[] = {
    {"display_name", GG_JR_STRING, false, false, 1, 64},
    {"role", GG_JR_STRING, false, false, 1, 32},
    {"unit_id", GG_JR_ID, false, true, 0, 0},
    {"place_ids", GG_JR_ARRAY, false, false, 0, 32},
    {"active", GG_JR_BOOL, false, false, 0, 0},
};

int gg_h_account_update(gg_req *r)
{
    json_t *j;
    int rc = gg_req_body(r, update_fields, GG_ARRAY_LEN(update_fields), &j);
    if (rc) return rc;
    const gg_account *cur = r->obj;
    acc_job *aj = gg_pcalloc(r->pool, sizeof *aj);
    if (!aj) return GG_ENOMEM;
    aj->a = *cur;
    gg_account *a = &aj->a;
    a->display_name = gg_jr_str(j, "display_name", cur->display_name);
    if (gg_jr_has(j, "role") && (a->role = gg_role_parse(gg_jr_str(j, "role", ""))) == GG_ROLE_NONE)
        return gg_fail(&r->err, GG_EINVAL, 422, "invalid_value", "role", "unknown role");
    if (gg_jr_has(j, "unit_id")) a->unit_id = gg_jr_id(j, "unit_id");
    if (gg_jr_has(j, "place_ids") && (rc = read_place_ids(r, j, a))) return rc;
    a->active = gg_jr_bool(j, "active", cur->active);
    if (a->id == r->who->user_id && (!a->active || a->role != cur->role))
        return gg_fail(&r->err, GG_EINVAL, 422, "invalid_value", a->active ? "role" : "active",
                       "you may not disable or demote your own account");
    if ((rc = check_shape(r, a))) return rc;
    aj->end_sessions = !a->active;
    aj->actor = r->who->user_id;
    aj->ip = r->ip;
    return gg_req_defer(r, update_fn, aj, update_then);
}

static int reset_fn(gg_conn *w, void *arg, gg_error *e)
{
    acc_job *j = arg;
    int rc = gg_account_set_password(w, j->a.id, j->pwhash, e);
    if (!rc) rc = gg_session_delete_user(w, j->a.id, NULL, e);
    if (!rc) gg_audit(w, j->actor, "password_reset", "account", j->a.id, j->ip, NULL);
    return rc;
}

static int no_content_then(gg_req *r) { return gg_req_status(r, 204); }

static const gg_jr_field reset_fields[] = {{"password", GG_JR_STRING, true, false, 1, 256}};

int gg_h_account_reset_password(gg_req *r)
{
    json_t *j;
    int rc = gg_req_body(r, reset_fields, 1, &j);
    if (rc) return rc;
    const gg_account *cur = r->obj;
    const char *pw = gg_jr_str(j, "password", "");
    if ((rc = gg_password_check(pw, cur->username, "password", &r->err))) return rc;
    acc_job *aj = gg_pcalloc(r->pool, sizeof *aj);
    char *h = gg_palloc(r->pool, GG_PW_HASH_MAX);
    if (!aj || !h) return GG_ENOMEM;
    if (gg_pw_hash(pw, h)) return gg_fail(&r->err, GG_EBUSY, 503, "busy", "", "the server is busy; try again");
    aj->a = *cur;
    aj->pwhash = h;
    aj->actor = r->who->user_id;
    aj->ip = r->ip;
    return gg_req_defer(r, reset_fn, aj, no_content_then);
}

/* ---- API keys ---- */

static void key_json(gg_jw *w, const gg_apikey_rec *k, const char *plain)
{
    gg_jw_obj(w);
    gg_jw_kid(w, "id", k->id);
    gg_jw_kid(w, "account_id", k->user_id);
    gg_jw_kstr(w, "name", k->name);
    gg_jw_kstr(w, "prefix", k->prefix);
    if (plain) gg_jw_kstr(w, "key", plain);
    gg_jw_ktime(w, "created_at", k->created_at);
    gg_jw_ktime(w, "revoked_at", k->revoked_at);
    gg_jw_obj_end(w);
}

int gg_h_apikeys_list(gg_req *r)
{
    const gg_account *a = r->obj;
    gg_conn *c = gg_api_reader(r);
    if (!c) return GG_EBUSY;
    gg_apikey_rec *rows;
    int n;
    if (gg_apikey_list(c, r->pool, a->id, &rows, &n)) return GG_EIO;
    gg_jw *w = gg_req_json(r, 200);
    gg_api_list_begin(w);
    for (int i = 0; i < n; i++) key_json(w, &rows[i], NULL);
    gg_api_list_end(w, r->pool, NULL);
    return 0;
}

static int key_fn(gg_conn *w, void *arg, gg_error *e)
{
    acc_job *j = arg;
    int rc = gg_apikey_insert(w, &j->key, j->key_hash, e);
    if (!rc) gg_audit(w, j->actor, "api_key_created", "account", j->a.id, j->ip, j->key.name);
    return rc;
}

static int key_then(gg_req *r)
{
    acc_job *j = r->w.arg;
    key_json(gg_req_json(r, 201), &j->key, j->key_plain);
    return 0;
}

static const gg_jr_field key_fields[] = {{"name", GG_JR_STRING, true, false, 1, 64}};

int gg_h_apikey_create(gg_req *r)
{
    json_t *j;
    int rc = gg_req_body(r, key_fields, 1, &j);
    if (rc) return rc;
    const gg_account *a = r->obj;
    acc_job *aj = gg_pcalloc(r->pool, sizeof *aj);
    char tok[GG_TOKEN_CHARS];
    if (!aj) return GG_ENOMEM;
    gg_random_token(tok, sizeof tok);
    aj->key_plain = gg_pprintf(r->pool, "ggk_%s", tok);
    if (!aj->key_plain) return GG_ENOMEM;
    gg_hash32(aj->key_plain, strlen(aj->key_plain), aj->key_hash);
    aj->a = *a;
    aj->key.user_id = a->id;
    aj->key.name = gg_jr_str(j, "name", "");
    aj->key.prefix = gg_pstrndup(r->pool, aj->key_plain, 10);
    aj->actor = r->who->user_id;
    aj->ip = r->ip;
    return gg_req_defer(r, key_fn, aj, key_then);
}

typedef struct revoke_job {
    int64_t key_id, account_id, actor;
    const char *ip;
} revoke_job;

static int revoke_fn(gg_conn *w, void *arg, gg_error *e)
{
    revoke_job *j = arg;
    int rc = gg_apikey_revoke(w, j->key_id, gg_now_us(), e);
    if (!rc) gg_audit(w, j->actor, "api_key_revoked", "account", j->account_id, j->ip, NULL);
    return rc;
}

int gg_h_apikey_revoke(gg_req *r)
{
    const gg_account *a = r->obj;
    int64_t kid;
    if (gg_req_param_id(r, "key_id", &kid)) return GG_ENOTFOUND;
    gg_conn *c = gg_api_reader(r);
    if (!c) return GG_EBUSY;
    gg_apikey_rec *rows;
    int n;
    bool found = false;
    if (gg_apikey_list(c, r->pool, a->id, &rows, &n)) return GG_EIO;
    for (int i = 0; i < n; i++) found = found || rows[i].id == kid;
    if (!found) return gg_fail(&r->err, GG_ENOTFOUND, 404, "not_found", "key_id", "no such key");
    revoke_job *j = gg_pcalloc(r->pool, sizeof *j);
    if (!j) return GG_ENOMEM;
    *j = (revoke_job){kid, a->id, r->who->user_id, r->ip};
    return gg_req_defer(r, revoke_fn, j, no_content_then);
}
