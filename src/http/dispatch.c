/*
 * dispatch.c — the one place where a request is authenticated and
 * authorized, in this order:
 *   1. route match (404; 405 with Allow when only the method is wrong)
 *   2. authentication: "Authorization: Bearer <api key>" or the session
 *      cookie; a presented but invalid API key is 401 even on a public
 *      route, but public routes ignore the cookie (a browser keeps sending
 *      a stale one, and must still be able to sign in); an expired session
 *      is deleted lazily
 *   3. roles declared by the route (401 anonymous, 403 wrong role)
 *   4. CSRF: a cookie-authenticated write must echo the session's token in
 *      X-CSRF-Token (403 csrf_failed)
 *   5. the route's scope rule (403 out_of_scope / 404)
 *   6. the handler
 * No handler checks roles itself.
 */
#include <microhttpd.h>
#include <stdio.h>
#include <string.h>

#include "core/crypto.h"
#include "core/log.h"
#include "core/str.h"
#include "core/timeutil.h"
#include "domain/authz.h"
#include "http/server.h"
#include "http/static.h"

#define SESSION_TOUCH_US (60 * 1000000LL)

typedef struct touch_job {
    gg_write w;
    unsigned char hash[32];
    int64_t now;
} touch_job;

static int touch_fn(gg_conn *w, void *arg, gg_error *e)
{
    touch_job *j = arg;
    return gg_session_touch(w, j->hash, j->now, e);
}

static void touch_done(gg_write *w) { gg_free(w->arg); }

/* Fire-and-forget: last_seen is kept to the minute, not per request. */
static void touch_session(gg_store *s, const unsigned char hash[32], int64_t now)
{
    touch_job *j = gg_calloc(1, sizeof *j);
    if (!j) return;
    memcpy(j->hash, hash, 32);
    j->now = now;
    j->w = (gg_write){.fn = touch_fn, .arg = j, .done = touch_done};
    if (gg_store_submit(s, &j->w)) gg_free(j);
}

static int unauth(gg_req *r, const char *code, const char *msg)
{
    return gg_fail(&r->err, GG_EUNAUTH, 401, code, "", "%s", msg);
}

static int auth_api_key(gg_req *r, gg_conn *c, const char *key, gg_principal *p)
{
    gg_apikey_rec k;
    unsigned char h[32];
    size_t n = strlen(key);
    if (n < 8 || n > 128 || strncmp(key, "ggk_", 4) != 0)
        return unauth(r, "invalid_api_key", "the API key is not valid");
    gg_hash32(key, n, h);
    if (gg_apikey_lookup(c, h, &k) != 0 || k.revoked_at)
        return unauth(r, "invalid_api_key", "the API key is not valid or was revoked");
    int rc = gg_principal_load(c, r->pool, k.user_id, p);
    if (rc) return unauth(r, "invalid_api_key", "the API key's account is disabled");
    p->via_api_key = true;
    return 0;
}

static int auth_session(gg_req *r, gg_conn *c, const char *tok, gg_principal *p)
{
    const gg_server_opts *o = gg_server_options(r->srv);
    size_t n = strlen(tok);
    if (n < 16 || n > 128) return unauth(r, "session_invalid", "the session is not valid");
    unsigned char *h = gg_palloc(r->pool, 32);
    if (!h) return GG_ENOMEM;
    gg_hash32(tok, n, h);
    gg_session_rec s;
    if (gg_session_get(c, h, &s) != 0)
        return unauth(r, "session_invalid", "the session is not valid; sign in again");
    int64_t now = gg_now_us();
    int64_t idle_us = (int64_t)o->session_idle_s * 1000000;
    if (now >= s.expires_at || now - s.last_seen_at > idle_us)
        return unauth(r, "session_expired", "the session has expired; sign in again");
    int rc = gg_principal_load(c, r->pool, s.user_id, p);
    if (rc) return unauth(r, "session_invalid", "the account is disabled");
    p->via_cookie = true;
    p->session_hash = h;
    p->csrf = gg_pstrdup(r->pool, s.csrf);
    /* touched well within the idle limit, or a session in use would idle out */
    int64_t touch_us = idle_us / 2 < SESSION_TOUCH_US ? idle_us / 2 : SESSION_TOUCH_US;
    if (now - s.last_seen_at > touch_us) touch_session(r->store, h, now);
    return 0;
}

/* 0 with r->who set (or NULL when no credential was presented). */
static int authenticate(gg_req *r)
{
    const char *authz = gg_req_header(r, "Authorization");
    const char *cookie = (r->route->flags & GG_RF_PUBLIC) ? NULL : gg_req_cookie(r, "gg_session");
    if (!authz && !cookie) return 0;
    gg_conn *c = gg_store_reader(r->store);
    if (!c) return gg_fail(&r->err, GG_EBUSY, 503, "unavailable", "", "storage unavailable");
    gg_principal *p = gg_pcalloc(r->pool, sizeof *p);
    if (!p) return GG_ENOMEM;
    int rc;
    if (authz) {
        if (strncmp(authz, "Bearer ", 7) != 0)
            return unauth(r, "invalid_authorization", "use 'Authorization: Bearer <api key>'");
        rc = auth_api_key(r, c, authz + 7, p);
    } else {
        rc = auth_session(r, c, cookie, p);
    }
    if (rc) return rc;
    r->who = p;
    return 0;
}

static bool is_loopback(const char *ip)
{
    return strncmp(ip, "127.", 4) == 0 || strcmp(ip, "::1") == 0;
}

static int method_not_allowed(gg_req *r, const gg_route *table, size_t n)
{
    char allow[128] = "";
    size_t len = 0;
    gg_req probe = *r;
    for (size_t i = 0; i < n; i++) {
        probe.method_s = table[i].method;
        probe.method = 0;
        bool mm;
        if (gg_router_match(&table[i], 1, &probe, &mm) && len + 10 < sizeof allow)
            len += (size_t)snprintf(allow + len, sizeof allow - len, "%s%s", len ? ", " : "",
                                    table[i].method);
    }
    gg_req_header_add(r, "Allow", gg_pstrdup(r->pool, allow));
    return gg_fail(&r->err, GG_EINVAL, 405, "method_not_allowed", "",
                   "this URL does not take %s", r->method_s);
}

int gg_dispatch(gg_req *r)
{
    const gg_server_opts *o = gg_server_options(r->srv);
    bool mm = false;
    char *q = strchr((char *)r->path, '?');
    if (q) *q = 0;
    const gg_route *rt = gg_router_match(o->routes, o->nroutes, r, &mm);
    if (!rt) {
        if (mm) return method_not_allowed(r, o->routes, o->nroutes);
        if (gg_static_wants(r)) return gg_static_serve(r); /* the web UI (#4) */
        return gg_fail(&r->err, GG_ENOTFOUND, 404, "not_found", "", "no such URL");
    }
    r->route = rt;
    int rc = authenticate(r);
    if (rc) return rc;
    bool public_ok = (rt->flags & GG_RF_PUBLIC) || ((rt->flags & GG_RF_LOOPBACK) && is_loopback(r->ip));
    if (!public_ok) {
        if (!r->who) return unauth(r, "unauthenticated", "sign in first");
        if (!gg_role_allowed(rt->roles, r->who->role))
            return gg_fail(&r->err, GG_EFORBIDDEN, 403, "forbidden", "",
                           "your role may not do this");
    }
    bool write = r->method != GG_GET && r->method != GG_HEAD && r->method != GG_OPTIONS;
    if (write && r->who && r->who->via_cookie && !(rt->flags & GG_RF_NO_CSRF)) {
        const char *tok = gg_req_header(r, "X-CSRF-Token");
        if (!tok || !r->who->csrf || !gg_ct_equal(tok, r->who->csrf))
            return gg_fail(&r->err, GG_EFORBIDDEN, 403, "csrf_failed", "",
                           "missing or wrong X-CSRF-Token header");
    }
    rc = rt->scope(r);
    if (rc) return rc;
    return rt->handler(r);
}
