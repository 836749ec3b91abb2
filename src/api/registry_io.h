/*
 * registry_io.h — the import and export routes of the registry (issue 5):
 * handlers and the scope rule of an import job (api/registry_io.c,
 * api/registry_export.c).
 */
#ifndef GG_API_REGISTRY_IO_H
#define GG_API_REGISTRY_IO_H

#include "domain/authz.h"
#include "http/req.h"

/* The staff who keep the registry: administrators, command centres,
 * community staff and grid workers (each within their scope). */
#define GG_REG_IO_ROLES (GG_R(GG_ROLE_ADMIN) | GG_R(GG_ROLE_COMMAND) | GG_R(GG_ROLE_COMMUNITY) | \
                         GG_R(GG_ROLE_GRIDWORKER))
/* Largest upload: a million-row sheet fits (CSV of 1,000,000 residents is
 * about 150 MiB). The server holds the body in memory while it arrives. */
#define GG_IMPORT_MAX_BODY (200u << 20)

/* Import :id exists (404) and its place lies in the caller's scope (403). */
int gg_scope_import_param(gg_req *r);

/* At shutdown, before the store closes: no new runs, running imports
 * stop at their next row (state failed, import_cancelled; the batches
 * written stay), waiting up to wait_s seconds for them. */
void gg_imports_stop(int wait_s);

int gg_h_import_create(gg_req *r);
int gg_h_import_get(gg_req *r);
int gg_h_import_run(gg_req *r);
int gg_h_import_errors(gg_req *r);
int gg_h_residents_export(gg_req *r);

#endif
