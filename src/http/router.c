/*
 * router.c — matching a request path against the route table. Patterns are
 * literal segments and ":name" segments; a parameter matches one non-empty
 * segment. The table is small (tens of routes) and scanned in order.
 */
#include <string.h>

#include "http/router.h"

static bool match(const char *pat, const char *path, gg_req *r)
{
    int np = 0;
    while (*pat && *path) {
        if (*pat != '/' || *path != '/') return false;
        pat++;
        path++;
        const char *pe = strchr(pat, '/'), *se = strchr(path, '/');
        size_t pl = pe ? (size_t)(pe - pat) : strlen(pat);
        size_t sl = se ? (size_t)(se - path) : strlen(path);
        if (pl > 0 && pat[0] == ':') {
            if (sl == 0 || np >= GG_MAX_PARAMS) return false;
            if (r) {
                r->param_names[np] = gg_pstrndup(r->pool, pat + 1, pl - 1);
                r->params[np] = gg_pstrndup(r->pool, path, sl);
            }
            np++;
        } else if (pl != sl || memcmp(pat, path, pl) != 0) {
            return false;
        }
        pat += pl;
        path += sl;
    }
    if (*pat || *path) return false;
    if (r) r->nparams = np;
    return true;
}

const gg_route *gg_router_match(const gg_route *table, size_t n, gg_req *r,
                                bool *method_mismatch)
{
    *method_mismatch = false;
    for (size_t i = 0; i < n; i++) {
        if (!match(table[i].pattern, r->path, NULL)) continue;
        bool same = strcmp(table[i].method, r->method_s) == 0 ||
                    (r->method == GG_HEAD && strcmp(table[i].method, "GET") == 0);
        if (!same) {
            *method_mismatch = true;
            continue;
        }
        match(table[i].pattern, r->path, r);
        r->route_index = (int64_t)i;
        return &table[i];
    }
    return NULL;
}

int gg_router_check(const gg_route *table, size_t n, gg_error *e)
{
    for (size_t i = 0; i < n; i++) {
        const gg_route *rt = &table[i];
        if (!rt->handler || !rt->scope || !rt->scope_rule)
            return gg_fail(e, GG_EINVAL, 500, "bad_route", "", "route %s %s has no scope rule",
                           rt->method, rt->pattern);
        if (!rt->roles && !(rt->flags & GG_RF_PUBLIC))
            return gg_fail(e, GG_EINVAL, 500, "bad_route", "",
                           "route %s %s allows no role and is not public", rt->method,
                           rt->pattern);
    }
    return 0;
}
