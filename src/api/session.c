/*
 * session.c — sign in, who am I, sign out, change my password.
 *
 * Login is throttled per address (token bucket) and per account (after
 * GG_LOGIN_MAX_FAILURES failures the account locks for a while); an unknown
 * username is verified against a dummy hash so timing does not tell. The
 * session token (256 random bits) goes to the client in an HttpOnly,
 * SameSite=Strict cookie and is stored only as its hash; the CSRF token is
 * returned in the body for the client to echo in X-CSRF-Token.
 */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "core/crypto.h"
#include "core/str.h"
#include "core/timeutil.h"
#include "domain/account.h"
#include "domain/authz.h"
#include "http/ratelimit.h"
#include "http/server.h"


typedef struct login_job {
    gg_pool *pool;
    int64_t user_id;
    bool ok;
    gg_session_rec s;
    char token[GG_TOKEN_CHARS];
    const char *ip;
    int64_t idle_us; /* sessions idle longer than this are purged */
} login_job;

static int login_fn(gg_conn *w, void *arg, gg_error *e)
{
    login_job *j = arg;
    int64_t now = gg_now_us();
    int rc = gg_account_login_result(w, j->user_id, j->ok, GG_LOGIN_MAX_FAILURES,
                                     now + GG_LOGIN_LOCK_US, e);
    if (!rc && j->ok) rc = gg_session_insert(w, &j->s, e);
    if (!rc && j->ok && (now / 1000000) % 16 == 0) rc = gg_session_purge(w, now, j->idle_us, e);
    if (!rc) gg_audit(w, j->user_id, j->ok ? "login" : "login_failed", "account", j->user_id, j->ip, NULL);
    return rc;
}

static void write_me(gg_req *r, gg_jw *w, const gg_account *a, const char *csrf, int64_t expires)
{
    gg_jw_obj(w);
    gg_jw_key(w, "user");
    gg_api_account_json(w, a);
    gg_jw_kstr(w, "role_label", gg_role_label_zh(a->role));
    gg_jw_kstr(w, "csrf_token", csrf);
    gg_jw_ktime(w, "expires_at", expires);
    gg_jw_obj_end(w);
}

static int login_then(gg_req *r)
{
    login_job *j = r->w.arg;
    if (!j->ok)
        return gg_fail(&r->err, GG_EUNAUTH, 401, "invalid_credentials", "",
                       "wrong username or password");
    const gg_server_opts *o = gg_server_options(r->srv);
    gg_req_header_add(r, "Set-Cookie",
                      gg_pprintf(r->pool, "gg_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d",
                                 j->token, o->session_max_s));
    gg_conn *c = gg_api_reader(r);
    if (!c) return GG_EBUSY;
    gg_account a;
    if (gg_account_get(c, r->pool, j->user_id, &a)) return GG_EIO;
    write_me(r, gg_req_json(r, 200), &a, j->s.csrf, j->s.expires_at);
    return 0;
}

static const gg_jr_field login_fields[] = {
    {"username", GG_JR_STRING, true, false, 1, 64},
    {"password", GG_JR_STRING, true, false, 1, 256},
};

int gg_h_login(gg_req *r)
{
    json_t *j;
    int rc = gg_req_body(r, login_fields, GG_ARRAY_LEN(login_fields), &j);
    if (rc) return rc;
    int retry = 60;
    char key[96];
    snprintf(key, sizeof key, "login:%s", r->ip);
    const gg_server_opts *so = gg_server_options(r->srv);
    if (!gg_rl_take(key, so->login_per_min / 60.0, so->login_per_min, &retry)) {
        gg_req_header_add(r, "Retry-After", gg_pprintf(r->pool, "%d", retry));
        return gg_fail(&r->err, GG_ELIMIT, 429, "too_many_attempts", "",
                       "too many sign-in attempts from this address; retry in %d s", retry);
    }
    gg_conn *c = gg_api_reader(r);
    if (!c) return GG_EBUSY;
    const char *username = gg_jr_str(j, "username", ""), *pw = gg_jr_str(j, "password", "");
    gg_account a;
    char hash[GG_PW_HASH_MAX];
    rc = gg_account_by_username(c, r->pool, username, &a, hash, sizeof hash);
    if (rc == GG_ENOTFOUND || (rc == 0 && !a.active)) {
        gg_pw_verify(NULL, pw); /* same cost as a real check */
        return gg_fail(&r->err, GG_EUNAUTH, 401, "invalid_credentials", "",
                       "wrong username or password");
    }
    if (rc) return gg_fail(&r->err, GG_EIO, 500, "internal", "", "cannot read the account");
    int64_t now = gg_now_us();
    if (a.locked_until > now) {
        int secs = (int)((a.locked_until - now) / 1000000) + 1;
        gg_req_header_add(r, "Retry-After", gg_pprintf(r->pool, "%d", secs));
        return gg_fail(&r->err, GG_ELIMIT, 429, "account_locked", "",
                       "too many failed sign-ins; the account is locked for %d s", secs);
    }
    int v = gg_pw_verify(hash, pw);
    if (v == GG_EBUSY)
        return gg_fail(&r->err, GG_EBUSY, 503, "busy", "", "the server is busy; try again");
    login_job *lj = gg_pcalloc(r->pool, sizeof *lj);
    if (!lj) return GG_ENOMEM;
    lj->pool = r->pool;
    lj->user_id = a.id;
    lj->ok = v == 0;
    lj->ip = r->ip;
    lj->idle_us = (int64_t)so->session_idle_s * 1000000;
    if (lj->ok) {
        const gg_server_opts *o = gg_server_options(r->srv);
        gg_random_token(lj->token, sizeof lj->token);
        gg_hash32(lj->token, strlen(lj->token), lj->s.token_hash);
        gg_random_token(lj->s.csrf, sizeof lj->s.csrf);
        lj->s.user_id = a.id;
        lj->s.created_at = now;
        lj->s.expires_at = now + (int64_t)o->session_max_s * 1000000;
        lj->s.ip = r->ip;
        const char *ua = gg_req_header(r, "User-Agent");
        lj->s.user_agent = ua ? gg_pstrndup(r->pool, ua, strnlen(ua, 200)) : NULL;
    }
    return gg_req_defer(r, login_fn, lj, login_then);
}

int gg_h_me(gg_req *r)
{
    gg_conn *c = gg_api_reader(r);
    if (!c) return GG_EBUSY;
    gg_account a;
    if (gg_account_get(c, r->pool, r->who->user_id, &a)) return GG_EIO;
    gg_session_rec s = {0};
    if (r->who->session_hash) gg_session_get(c, r->who->session_hash, &s);
    write_me(r, gg_req_json(r, 200), &a, r->who->csrf, s.expires_at);
    return 0;
}

typedef struct ses_job {
    unsigned char hash[32];
    int64_t user_id;
    const char *pwhash;
    const char *ip;
} ses_job;

static int logout_fn(gg_conn *w, void *arg, gg_error *e)
{
    ses_job *j = arg;
    int rc = gg_session_delete(w, j->hash, e);
    if (!rc) gg_audit(w, j->user_id, "logout", "account", j->user_id, j->ip, NULL);
    return rc;
}

static int clear_cookie_then(gg_req *r)
{
    gg_req_header_add(r, "Set-Cookie", "gg_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    return gg_req_status(r, 204);
}

int gg_h_logout(gg_req *r)
{
    if (!r->who->session_hash)
        return gg_fail(&r->err, GG_EINVAL, 400, "not_a_session", "",
                       "API keys are revoked, not signed out");
    ses_job *j = gg_pcalloc(r->pool, sizeof *j);
    if (!j) return GG_ENOMEM;
    memcpy(j->hash, r->who->session_hash, 32);
    j->user_id = r->who->user_id;
    j->ip = r->ip;
    return gg_req_defer(r, logout_fn, j, clear_cookie_then);
}

static int password_fn(gg_conn *w, void *arg, gg_error *e)
{
    ses_job *j = arg;
    int rc = gg_account_set_password(w, j->user_id, j->pwhash, e);
    /* every other session of this account ends: a stolen one stops working */
    if (!rc) rc = gg_session_delete_user(w, j->user_id, j->hash, e);
    if (!rc) gg_audit(w, j->user_id, "password_changed", "account", j->user_id, j->ip, NULL);
    return rc;
}

static int no_content_then(gg_req *r) { return gg_req_status(r, 204); }

static const gg_jr_field password_fields[] = {
    {"current_password", GG_JR_STRING, true, false, 1, 256},
    {"new_password", GG_JR_STRING, true, false, 1, 256},
};

int gg_h_password(gg_req *r)
{
    json_t *j;
    int rc = gg_req_body(r, password_fields, GG_ARRAY_LEN(password_fields), &j);
    if (rc) return rc;
    gg_conn *c = gg_api_reader(r);
    if (!c) return GG_EBUSY;
    char hash[GG_PW_HASH_MAX];
    if (gg_account_password_hash(c, r->who->user_id, hash, sizeof hash)) return GG_EIO;
    rc = gg_pw_verify(hash, gg_jr_str(j, "current_password", ""));
    if (rc == GG_EBUSY) return gg_fail(&r->err, rc, 503, "busy", "", "the server is busy; try again");
    if (rc)
        return gg_fail(&r->err, GG_EINVAL, 422, "wrong_password", "current_password",
                       "the current password is wrong");
    const char *np = gg_jr_str(j, "new_password", "");
    rc = gg_password_check(np, r->who->username, "new_password", &r->err);
    if (rc) return rc;
    ses_job *sj = gg_pcalloc(r->pool, sizeof *sj);
    char *nh = gg_palloc(r->pool, GG_PW_HASH_MAX);
    if (!sj || !nh) return GG_ENOMEM;
    if (gg_pw_hash(np, nh)) return gg_fail(&r->err, GG_EBUSY, 503, "busy", "", "the server is busy; try again");
    sj->user_id = r->who->user_id;
    sj->pwhash = nh;
    sj->ip = r->ip;
    if (r->who->session_hash) memcpy(sj->hash, r->who->session_hash, 32);
    return gg_req_defer(r, password_fn, sj, no_content_then);
}
