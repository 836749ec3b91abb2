/*
 * api.h — the route table and what the resource files share. Each
 * api/<resource>.c is thin glue: read and validate input, call domain rules
 * and the store, write JSON.
 */
#ifndef GG_API_H
#define GG_API_H

#include "domain/model.h"
#include "http/router.h"

extern const gg_route gg_routes[];
extern const size_t gg_nroutes;

/* scope rules (api/scope.c) */
int gg_scope_none(gg_req *r);          /* no object: role check is all */
int gg_scope_list(gg_req *r);          /* a list the handler filters by r->who's scope */
int gg_scope_self(gg_req *r);          /* the caller's own session or account */
int gg_scope_place_param(gg_req *r);   /* place :id inside scope; loads it into r->obj */
int gg_scope_place_body(gg_req *r);    /* body "parent_id" inside scope (absent: global only) */
int gg_scope_place_move(gg_req *r);    /* place :id and body "parent_id" both inside scope */
int gg_scope_unit_param(gg_req *r);    /* unit :id's place inside scope */
int gg_scope_unit_body(gg_req *r);     /* body "place_id" inside scope */
int gg_scope_account_param(gg_req *r); /* account :id wholly inside scope */
int gg_scope_account_body(gg_req *r);  /* body "place_ids" wholly inside scope */
int gg_scope_account_update(gg_req *r);/* both of the above */

/* writers shared by resources */
void gg_api_place_json(gg_jw *w, const gg_place *p);
void gg_api_account_json(gg_jw *w, const gg_account *a);
void gg_api_unit_json(gg_jw *w, const gg_unit *u);
/* {"items": [ ... ], "next_cursor": …} framing */
void gg_api_list_begin(gg_jw *w);
void gg_api_list_end(gg_jw *w, gg_pool *p, const char *next_key);
gg_conn *gg_api_reader(gg_req *r);     /* this thread's reader, or 503 in r->err */

/* handlers */
int gg_h_healthz(gg_req *r);
int gg_h_metrics(gg_req *r);
int gg_h_version(gg_req *r);
int gg_h_roles(gg_req *r);
int gg_h_login(gg_req *r);
int gg_h_me(gg_req *r);
int gg_h_logout(gg_req *r);
int gg_h_password(gg_req *r);
int gg_h_places_roots(gg_req *r);
int gg_h_place_get(gg_req *r);
int gg_h_place_children(gg_req *r);
int gg_h_place_subtree(gg_req *r);
int gg_h_place_history(gg_req *r);
int gg_h_place_create(gg_req *r);
int gg_h_place_update(gg_req *r);
int gg_h_place_move(gg_req *r);
int gg_h_place_deactivate(gg_req *r);
int gg_h_place_activate(gg_req *r);
int gg_h_units_list(gg_req *r);
int gg_h_unit_get(gg_req *r);
int gg_h_unit_create(gg_req *r);
int gg_h_unit_update(gg_req *r);
int gg_h_accounts_list(gg_req *r);
int gg_h_account_get(gg_req *r);
int gg_h_account_create(gg_req *r);
int gg_h_account_update(gg_req *r);
int gg_h_account_reset_password(gg_req *r);
int gg_h_apikeys_list(gg_req *r);
int gg_h_apikey_create(gg_req *r);
int gg_h_apikey_revoke(gg_req *r);

#endif
