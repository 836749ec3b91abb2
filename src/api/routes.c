/*
 * routes.c — every route of the API, the roles that may call it and how
 * its object's scope is found. This table and http/dispatch.c are the whole
 * of authorization; docs/openapi.json must describe every route here (a
 * test compares them).
 */
#include "api/api.h"
#include "domain/authz.h"

#define ADMIN GG_R(GG_ROLE_ADMIN)
#define ADMIN_CMD (GG_R(GG_ROLE_ADMIN) | GG_R(GG_ROLE_COMMAND))
#define STAFF GG_ROLES_STAFF
#define ALL GG_ROLES_ALL

const gg_route gg_routes[] = {
    {"GET", "/healthz", gg_h_healthz, 0, gg_scope_none, "none", GG_RF_PUBLIC},
    {"GET", "/metrics", gg_h_metrics, ADMIN, gg_scope_none, "none", GG_RF_LOOPBACK | GG_RF_RAW},
    {"GET", "/api/v1/version", gg_h_version, 0, gg_scope_none, "none", GG_RF_PUBLIC},
    {"GET", "/api/v1/roles", gg_h_roles, ALL, gg_scope_none, "none", 0},

    {"POST", "/api/v1/session", gg_h_login, 0, gg_scope_none, "none", GG_RF_PUBLIC | GG_RF_NO_CSRF},
    {"GET", "/api/v1/session", gg_h_me, ALL, gg_scope_self, "self", 0},
    {"DELETE", "/api/v1/session", gg_h_logout, ALL, gg_scope_self, "self", 0},
    {"POST", "/api/v1/session/password", gg_h_password, ALL, gg_scope_self, "self", 0},

    {"GET", "/api/v1/places", gg_h_places_roots, ALL, gg_scope_list, "caller's scope roots", 0},
    {"POST", "/api/v1/places", gg_h_place_create, ADMIN, gg_scope_place_body, "parent_id in body", 0},
    {"GET", "/api/v1/places/:id", gg_h_place_get, ALL, gg_scope_place_param, "place :id", 0},
    {"PATCH", "/api/v1/places/:id", gg_h_place_update, ADMIN, gg_scope_place_param, "place :id", 0},
    {"GET", "/api/v1/places/:id/children", gg_h_place_children, ALL, gg_scope_place_param, "place :id", 0},
    {"GET", "/api/v1/places/:id/subtree", gg_h_place_subtree, STAFF, gg_scope_place_param, "place :id", 0},
    {"GET", "/api/v1/places/:id/history", gg_h_place_history, ADMIN_CMD, gg_scope_place_param, "place :id", 0},
    {"POST", "/api/v1/places/:id/move", gg_h_place_move, ADMIN, gg_scope_place_move, "place :id and parent_id in body", 0},
    {"POST", "/api/v1/places/:id/deactivate", gg_h_place_deactivate, ADMIN, gg_scope_place_param, "place :id", 0},
    {"POST", "/api/v1/places/:id/activate", gg_h_place_activate, ADMIN, gg_scope_place_param, "place :id", 0},

    {"GET", "/api/v1/units", gg_h_units_list, STAFF, gg_scope_list, "filtered to caller's scope", 0},
    {"POST", "/api/v1/units", gg_h_unit_create, ADMIN, gg_scope_unit_body, "place_id in body", 0},
    {"GET", "/api/v1/units/:id", gg_h_unit_get, STAFF, gg_scope_unit_param, "unit :id's place", 0},
    {"PATCH", "/api/v1/units/:id", gg_h_unit_update, ADMIN, gg_scope_unit_param, "unit :id's place", 0},

    {"GET", "/api/v1/accounts", gg_h_accounts_list, ADMIN_CMD, gg_scope_list, "filtered to caller's scope", 0},
    {"POST", "/api/v1/accounts", gg_h_account_create, ADMIN, gg_scope_account_body, "place_ids in body", 0},
    {"GET", "/api/v1/accounts/:id", gg_h_account_get, ADMIN_CMD, gg_scope_account_param, "account :id's places", 0},
    {"PATCH", "/api/v1/accounts/:id", gg_h_account_update, ADMIN, gg_scope_account_update, "account :id's places and place_ids in body", 0},
    {"POST", "/api/v1/accounts/:id/password", gg_h_account_reset_password, ADMIN, gg_scope_account_param, "account :id's places", 0},
    {"GET", "/api/v1/accounts/:id/api-keys", gg_h_apikeys_list, ADMIN, gg_scope_account_param, "account :id's places", 0},
    {"POST", "/api/v1/accounts/:id/api-keys", gg_h_apikey_create, ADMIN, gg_scope_account_param, "account :id's places", 0},
    {"DELETE", "/api/v1/accounts/:id/api-keys/:key_id", gg_h_apikey_revoke, ADMIN, gg_scope_account_param, "account :id's places", 0},
};
const size_t gg_nroutes = sizeof gg_routes / sizeof gg_routes[0];
