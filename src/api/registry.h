/*
 * registry.h — the registry routes (issue 5): residents, households, houses,
 * organisations, key groups, visits, statistics, reveal and its audit
 * (api/registry.c, registry_places.c, registry_care.c). Import and export
 * are api/registry_io.h.
 *
 * Who: administrators, command centres, community staff and grid workers,
 * each within their scope (departments, members and residents: 403).
 * Every output shows ID numbers and phones masked; the full value is
 * POST /api/v1/residents/:id/reveal, for accounts holding can_reveal, with a
 * purpose, and leaves an audit row.
 *
 * No existence leak: a registry object outside the caller's scope and one
 * that does not exist give the same 403 out_of_scope to a scoped caller
 * (a global administrator gets 404 for a missing one).
 */
#ifndef GG_API_REGISTRY_H
#define GG_API_REGISTRY_H

#include "domain/authz.h"
#include "domain/registry.h"
#include "http/req.h"

#define GG_REG_ROLES (GG_R(GG_ROLE_ADMIN) | GG_R(GG_ROLE_COMMAND) | GG_R(GG_ROLE_COMMUNITY) | \
                      GG_R(GG_ROLE_GRIDWORKER))

/* Deleting a resident: not grid workers (they record, the community decides). */
#define GG_REG_MANAGERS (GG_R(GG_ROLE_ADMIN) | GG_R(GG_ROLE_COMMAND) | GG_R(GG_ROLE_COMMUNITY))

struct gg_keys;
int gg_api_reg_keys(gg_req *r, const struct gg_keys **k);
int64_t gg_api_today(void); /* local day number */
/* The subtree a list covers: query place_id (in scope, else 403), or the
 * caller's scope (root "/" plus scope paths for a scoped caller). */
int gg_api_reg_root(gg_req *r, const char **root, const char *const **scope, int *nscope);
/* The query parameters of the resident list into f: the filters, and the
 * subtree — root's when given (the export, whose scope rule loaded it), else
 * gg_api_reg_root's. The list and the export share it, so they filter alike. */
int gg_api_resident_filter(gg_req *r, const gg_place *root, gg_resident_filter *f);
void gg_api_resident_json(gg_jw *w, const gg_resident *res);

/* scope rules: the object :id inside the caller's scope, loaded into r->obj */
int gg_scope_resident_param(gg_req *r);
int gg_scope_household_param(gg_req *r);
int gg_scope_house_param(gg_req *r);
int gg_scope_org_param(gg_req *r);
/* shared by the above */
int gg_api_reg_out_of_scope(gg_req *r, bool missing, const char *what);

int gg_h_residents_list(gg_req *r);
int gg_h_resident_create(gg_req *r);
int gg_h_resident_get(gg_req *r);
int gg_h_resident_update(gg_req *r);
int gg_h_resident_delete(gg_req *r);
int gg_h_resident_reveal(gg_req *r);
int gg_h_households_list(gg_req *r);
int gg_h_household_create(gg_req *r);
int gg_h_household_get(gg_req *r);
int gg_h_household_update(gg_req *r);
int gg_h_houses_list(gg_req *r);
int gg_h_house_create(gg_req *r);
int gg_h_house_get(gg_req *r);
int gg_h_house_update(gg_req *r);
int gg_h_orgs_list(gg_req *r);
int gg_h_org_create(gg_req *r);
int gg_h_org_get(gg_req *r);
int gg_h_org_update(gg_req *r);
int gg_h_facilities_list(gg_req *r);
int gg_h_facility_create(gg_req *r);
int gg_h_resident_tags(gg_req *r);
int gg_h_resident_tag_set(gg_req *r);
int gg_h_resident_tag_delete(gg_req *r);
int gg_h_resident_visits(gg_req *r);
int gg_h_resident_visit_add(gg_req *r);
int gg_h_key_groups(gg_req *r);
int gg_h_due_visits(gg_req *r);
int gg_h_awareness(gg_req *r);
int gg_h_key_group_counts(gg_req *r);
int gg_h_reveal_audit(gg_req *r);
int gg_h_account_can_reveal(gg_req *r);

#endif
