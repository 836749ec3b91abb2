/*
 * router.h — the route table: method + pattern with :params, the roles that
 * may call the route, and how the object's scope is found. Authorization
 * lives here and in http/dispatch.c only: deny by default.
 *
 * Every route must name its scope rule (scope != NULL) and either roles or
 * GG_RF_PUBLIC; gg_router_check refuses a table that does not.
 */
#ifndef GG_HTTP_ROUTER_H
#define GG_HTTP_ROUTER_H

#include <stdbool.h>

#include "http/req.h"

enum gg_route_flags {
    GG_RF_PUBLIC = 1,        /* no authentication needed */
    GG_RF_LOOPBACK = 2,      /* public from loopback addresses, else roles apply */
    GG_RF_NO_CSRF = 4,       /* a cookie write that needs no CSRF token (login) */
    GG_RF_RAW = 8,           /* response is not JSON (metrics) */
};

/* A scope rule: 0 when the principal may touch the route's object, else an
 * error in r->err (403 out_of_scope, 404 not_found). */
typedef int (*gg_scope_fn)(gg_req *r);

struct gg_route {
    const char *method;
    const char *pattern;     /* "/api/v1/places/:id/children" */
    gg_handler handler;
    unsigned roles;          /* bit mask of GG_R(role) */
    gg_scope_fn scope;
    const char *scope_rule;  /* words for the docs: "place :id", "parent_id in body", … */
    int flags;
    size_t max_body;         /* 0: the server's limit for JSON bodies */
};

/* Match method and path; fills r->params. Returns the route or NULL; when
 * the path matches under another method only, *method_mismatch is set. */
const gg_route *gg_router_match(const gg_route *table, size_t n, gg_req *r,
                                bool *method_mismatch);
/* Refuse a table where a route lacks a scope rule or roles (deny by default). */
int gg_router_check(const gg_route *table, size_t n, gg_error *e);

#endif
