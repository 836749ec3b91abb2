/*
 * routes.c — every route of the API, the roles that may call it and how
 * its object's scope is found. This table and http/dispatch.c are the whole
 * of authorization; docs/openapi.json must describe every route here (a
 * test compares them).
 */
#include "api/api.h"
#include "api/map.h" /* grid map (#6) */
#include "api/registry.h"
#include "api/registry_io.h"
#include "domain/authz.h"

#define ADMIN GG_R(GG_ROLE_ADMIN)
#define ADMIN_CMD (GG_R(GG_ROLE_ADMIN) | GG_R(GG_ROLE_COMMAND))
#define STAFF GG_ROLES_STAFF
#define ALL GG_ROLES_ALL
/* who may open some kind of case (domain/case.c decides which kinds) */
#define OPENERS (GG_R(GG_ROLE_COMMAND) | GG_R(GG_ROLE_COMMUNITY) | GG_R(GG_ROLE_GRIDWORKER) | \
                 GG_R(GG_ROLE_MEMBER) | GG_R(GG_ROLE_RESIDENT))

const gg_route gg_routes[] = {
    {"GET", "/healthz", gg_h_healthz, 0, gg_scope_none, "none", GG_RF_PUBLIC, 0},
    {"GET", "/metrics", gg_h_metrics, ADMIN, gg_scope_none, "none", GG_RF_LOOPBACK | GG_RF_RAW, 0},
    {"GET", "/api/v1/version", gg_h_version, 0, gg_scope_none, "none", GG_RF_PUBLIC, 0},
    {"GET", "/api/v1/roles", gg_h_roles, ALL, gg_scope_none, "none", 0, 0},

    {"POST", "/api/v1/session", gg_h_login, 0, gg_scope_none, "none", GG_RF_PUBLIC | GG_RF_NO_CSRF, 0},
    {"GET", "/api/v1/session", gg_h_me, ALL, gg_scope_self, "self", 0, 0},
    {"DELETE", "/api/v1/session", gg_h_logout, ALL, gg_scope_self, "self", 0, 0},
    {"POST", "/api/v1/session/password", gg_h_password, ALL, gg_scope_self, "self", 0, 0},

    {"GET", "/api/v1/places", gg_h_places_roots, ALL, gg_scope_list, "caller's scope roots", 0, 0},
    {"POST", "/api/v1/places", gg_h_place_create, ADMIN, gg_scope_place_body, "parent_id in body", 0, 0},
    {"GET", "/api/v1/places/:id", gg_h_place_get, ALL, gg_scope_place_param, "place :id", 0, 0},
    {"PATCH", "/api/v1/places/:id", gg_h_place_update, ADMIN, gg_scope_place_param, "place :id", 0, 0},
    {"GET", "/api/v1/places/:id/children", gg_h_place_children, ALL, gg_scope_place_param, "place :id", 0, 0},
    {"GET", "/api/v1/places/:id/subtree", gg_h_place_subtree, STAFF, gg_scope_place_param, "place :id", 0, 0},
    {"GET", "/api/v1/places/:id/history", gg_h_place_history, ADMIN_CMD, gg_scope_place_param, "place :id", 0, 0},
    {"POST", "/api/v1/places/:id/move", gg_h_place_move, ADMIN, gg_scope_place_move, "place :id and parent_id in body", 0, 0},
    {"POST", "/api/v1/places/:id/deactivate", gg_h_place_deactivate, ADMIN, gg_scope_place_param, "place :id", 0, 0},
    {"POST", "/api/v1/places/:id/activate", gg_h_place_activate, ADMIN, gg_scope_place_param, "place :id", 0, 0},

    {"GET", "/api/v1/units", gg_h_units_list, STAFF, gg_scope_list, "filtered to caller's scope", 0, 0},
    {"POST", "/api/v1/units", gg_h_unit_create, ADMIN, gg_scope_place_id_body, "place_id in body", 0, 0},
    {"GET", "/api/v1/units/:id", gg_h_unit_get, STAFF, gg_scope_unit_param, "unit :id's place", 0, 0},
    {"PATCH", "/api/v1/units/:id", gg_h_unit_update, ADMIN, gg_scope_unit_param, "unit :id's place", 0, 0},

    {"GET", "/api/v1/accounts", gg_h_accounts_list, ADMIN_CMD, gg_scope_list, "filtered to caller's scope", 0, 0},
    {"POST", "/api/v1/accounts", gg_h_account_create, ADMIN, gg_scope_account_body, "place_ids in body", 0, 0},
    {"GET", "/api/v1/accounts/:id", gg_h_account_get, ADMIN_CMD, gg_scope_account_param, "account :id's places", 0, 0},
    {"PATCH", "/api/v1/accounts/:id", gg_h_account_update, ADMIN, gg_scope_account_update, "account :id's places and place_ids in body", 0, 0},
    {"POST", "/api/v1/accounts/:id/password", gg_h_account_reset_password, ADMIN, gg_scope_account_param, "account :id's places", 0, 0},
    {"GET", "/api/v1/accounts/:id/api-keys", gg_h_apikeys_list, ADMIN, gg_scope_account_param, "account :id's places", 0, 0},
    {"POST", "/api/v1/accounts/:id/api-keys", gg_h_apikey_create, ADMIN, gg_scope_account_param, "account :id's places", 0, 0},
    {"DELETE", "/api/v1/accounts/:id/api-keys/:key_id", gg_h_apikey_revoke, ADMIN, gg_scope_account_param, "account :id's places", 0, 0},

    {"GET", "/api/v1/cases", gg_h_cases_list, ALL, gg_scope_list, "filtered to caller's scope", 0, 0},
    {"POST", "/api/v1/cases", gg_h_case_open, OPENERS, gg_scope_case_open, "place_id in body, or the grid holding lat/lon", 0, 0},
    {"GET", "/api/v1/cases/:id", gg_h_case_get, ALL, gg_scope_case_param, "case :id visible to caller", 0, 0},
    {"GET", "/api/v1/cases/:id/flow", gg_h_case_flow, ALL, gg_scope_case_param, "case :id visible to caller", 0, 0},
    {"POST", "/api/v1/cases/:id/actions/:action", gg_h_case_act, ALL, gg_scope_case_param, "case :id visible to caller", 0, 0},
    {"GET", "/api/v1/cases/:id/attachments", gg_h_attachments_list, ALL, gg_scope_case_param, "case :id visible to caller", 0, 0},
    {"POST", "/api/v1/cases/:id/attachments", gg_h_attachment_upload, ALL, gg_scope_case_param, "case :id visible to caller", 0, 11u << 20},
    {"GET", "/api/v1/cases/:id/attachments/:att_id", gg_h_attachment_get, ALL, gg_scope_case_param, "case :id visible to caller", GG_RF_RAW, 0},
    {"GET", "/api/v1/case-metrics", gg_h_case_metrics, STAFF, gg_scope_place_query, "place_id in query", 0, 0},
    {"GET", "/api/v1/categories", gg_h_categories_list, ALL, gg_scope_none, "none", 0, 0},
    {"POST", "/api/v1/categories", gg_h_category_create, ADMIN, gg_scope_global, "global administrator", 0, 0},
    {"PUT", "/api/v1/dispatch-rules", gg_h_dispatch_rule_set, ADMIN, gg_scope_place_id_body, "place_id in body", 0, 0},
    {"GET", "/api/v1/calendar", gg_h_calendar_get, ALL, gg_scope_none, "none", 0, 0},
    {"PUT", "/api/v1/calendar/:day", gg_h_calendar_set, ADMIN, gg_scope_global, "global administrator", 0, 0},

    /* grid map (#6) */
    {"PUT", "/api/v1/places/:id/boundary", gg_h_boundary_put, ADMIN, gg_scope_place_param, "place :id", 0, 4u << 20},
    {"GET", "/api/v1/places/:id/boundary", gg_h_boundary_get, ALL, gg_scope_place_param, "place :id", 0, 0},
    {"POST", "/api/v1/boundaries/import", gg_h_boundaries_import, ADMIN, gg_scope_list, "every feature's place inside caller's scope", 0, 8u << 20},
    {"GET", "/api/v1/boundaries/export", gg_h_boundaries_export, STAFF, gg_scope_place_query, "place_id in query", 0, 0},
    {"GET", "/api/v1/map/boundaries", gg_h_map_boundaries, ALL, gg_scope_list, "filtered to caller's scope", 0, 0},
    {"GET", "/api/v1/map/locate", gg_h_map_locate, ALL, gg_scope_list, "filtered to caller's scope", 0, 0},
    {"GET", "/api/v1/map/layers/cases", gg_h_map_layer_cases, STAFF, gg_scope_list, "filtered to caller's scope", 0, 0},
    {"GET", "/api/v1/map/layers/pois", gg_h_map_layer_pois, ALL, gg_scope_list, "filtered to caller's scope", 0, 0},
    {"GET", "/api/v1/map/nearest-centre", gg_h_map_nearest_centre, ALL, gg_scope_none, "none", 0, 0},
    {"GET", "/api/v1/map/heat", gg_h_map_heat, STAFF, gg_scope_place_query, "place_id in query", 0, 0},
    {"GET", "/api/v1/map/layers/key-groups", gg_h_map_layer_key_groups, GG_REG_ROLES, gg_scope_list, "filtered to caller's scope", 0, 0},

    /* registry (#5) */
    /* import/export (registry_io.c): export first, before any /residents/:id (first match wins) */
    {"GET", "/api/v1/residents/export", gg_h_residents_export, GG_REG_IO_ROLES, gg_scope_place_query, "place_id in query", GG_RF_RAW, 0},

    {"POST", "/api/v1/imports", gg_h_import_create, GG_REG_IO_ROLES, gg_scope_place_query, "place_id in query", 0, GG_IMPORT_MAX_BODY},
    {"GET", "/api/v1/imports/:id", gg_h_import_get, GG_REG_IO_ROLES, gg_scope_import_param, "import :id's place", 0, 0},
    {"POST", "/api/v1/imports/:id/run", gg_h_import_run, GG_REG_IO_ROLES, gg_scope_import_param, "import :id's place", 0, 0},
    {"GET", "/api/v1/imports/:id/errors", gg_h_import_errors, GG_REG_IO_ROLES, gg_scope_import_param, "import :id's place", 0, 0},
    /* registry: residents, households, houses, organisations, key groups, visits, reveal (registry*.c) */
    {"GET", "/api/v1/residents", gg_h_residents_list, GG_REG_ROLES, gg_scope_list, "filtered to caller's scope", 0, 0},
    {"POST", "/api/v1/residents", gg_h_resident_create, GG_REG_ROLES, gg_scope_place_id_body, "place_id in body", 0, 0},
    {"GET", "/api/v1/residents/:id", gg_h_resident_get, GG_REG_ROLES, gg_scope_resident_param, "resident :id's place", 0, 0},
    {"PATCH", "/api/v1/residents/:id", gg_h_resident_update, GG_REG_ROLES, gg_scope_resident_param, "resident :id's place", 0, 0},
    {"DELETE", "/api/v1/residents/:id", gg_h_resident_delete, GG_REG_MANAGERS, gg_scope_resident_param, "resident :id's place", 0, 0},
    {"POST", "/api/v1/residents/:id/reveal", gg_h_resident_reveal, GG_REG_ROLES, gg_scope_resident_param, "resident :id's place", 0, 0},
    {"GET", "/api/v1/residents/:id/tags", gg_h_resident_tags, GG_REG_ROLES, gg_scope_resident_param, "resident :id's place", 0, 0},
    {"PUT", "/api/v1/residents/:id/tags/:tag", gg_h_resident_tag_set, GG_REG_ROLES, gg_scope_resident_param, "resident :id's place", 0, 0},
    {"DELETE", "/api/v1/residents/:id/tags/:tag", gg_h_resident_tag_delete, GG_REG_ROLES, gg_scope_resident_param, "resident :id's place", 0, 0},
    {"GET", "/api/v1/residents/:id/visits", gg_h_resident_visits, GG_REG_ROLES, gg_scope_resident_param, "resident :id's place", 0, 0},
    {"POST", "/api/v1/residents/:id/visits", gg_h_resident_visit_add, GG_REG_ROLES, gg_scope_resident_param, "resident :id's place", 0, 0},
    {"GET", "/api/v1/households", gg_h_households_list, GG_REG_ROLES, gg_scope_list, "filtered to caller's scope", 0, 0},
    {"POST", "/api/v1/households", gg_h_household_create, GG_REG_ROLES, gg_scope_place_id_body, "place_id in body", 0, 0},
    {"GET", "/api/v1/households/:id", gg_h_household_get, GG_REG_ROLES, gg_scope_household_param, "household :id's place", 0, 0},
    {"PATCH", "/api/v1/households/:id", gg_h_household_update, GG_REG_ROLES, gg_scope_household_param, "household :id's place", 0, 0},
    {"GET", "/api/v1/houses", gg_h_houses_list, GG_REG_ROLES, gg_scope_list, "filtered to caller's scope", 0, 0},
    {"POST", "/api/v1/houses", gg_h_house_create, GG_REG_ROLES, gg_scope_place_id_body, "place_id in body", 0, 0},
    {"GET", "/api/v1/houses/:id", gg_h_house_get, GG_REG_ROLES, gg_scope_house_param, "house :id's place", 0, 0},
    {"PATCH", "/api/v1/houses/:id", gg_h_house_update, GG_REG_ROLES, gg_scope_house_param, "house :id's place", 0, 0},
    {"GET", "/api/v1/organisations", gg_h_orgs_list, GG_REG_ROLES, gg_scope_list, "filtered to caller's scope", 0, 0},
    {"POST", "/api/v1/organisations", gg_h_org_create, GG_REG_ROLES, gg_scope_place_id_body, "place_id in body", 0, 0},
    {"GET", "/api/v1/organisations/:id", gg_h_org_get, GG_REG_ROLES, gg_scope_org_param, "organisation :id's place", 0, 0},
    {"PATCH", "/api/v1/organisations/:id", gg_h_org_update, GG_REG_ROLES, gg_scope_org_param, "organisation :id's place", 0, 0},
    {"GET", "/api/v1/facilities", gg_h_facilities_list, GG_REG_ROLES, gg_scope_list, "filtered to caller's scope", 0, 0},
    {"POST", "/api/v1/facilities", gg_h_facility_create, GG_REG_ROLES, gg_scope_place_id_body, "place_id in body", 0, 0},
    {"GET", "/api/v1/registry/key-groups", gg_h_key_groups, GG_REG_ROLES, gg_scope_none, "none", 0, 0},
    {"GET", "/api/v1/registry/due-visits", gg_h_due_visits, GG_REG_ROLES, gg_scope_place_query, "place_id in query", 0, 0},
    {"GET", "/api/v1/registry/awareness", gg_h_awareness, GG_REG_ROLES, gg_scope_place_query, "place_id in query", 0, 0},
    {"GET", "/api/v1/registry/key-group-counts", gg_h_key_group_counts, GG_REG_ROLES, gg_scope_place_query, "place_id in query", 0, 0},
    {"GET", "/api/v1/audit", gg_h_reveal_audit, ADMIN, gg_scope_global, "global administrator", 0, 0},
    {"PUT", "/api/v1/accounts/:id/can-reveal", gg_h_account_can_reveal, ADMIN, gg_scope_account_param, "account :id's places", 0, 0},

    /* web UI: events, static files (#4) */
    {"GET", "/api/v1/events", gg_h_events, ALL, gg_scope_list, "filtered to caller's scope", GG_RF_RAW, 0},
    {"GET", "/api/v1/cockpit", gg_h_cockpit, STAFF, gg_scope_cockpit, "place_id in query", 0, 0},

};
const size_t gg_nroutes = sizeof gg_routes / sizeof gg_routes[0];
