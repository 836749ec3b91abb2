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
int gg_scope_place_id_body(gg_req *r); /* body "place_id" inside scope; loads the place */
int gg_scope_account_param(gg_req *r); /* account :id wholly inside scope */
int gg_scope_account_body(gg_req *r);  /* body "place_ids" wholly inside scope */
int gg_scope_account_update(gg_req *r);/* both of the above */
int gg_scope_case_param(gg_req *r);    /* case :id visible to the caller; loads it into r->obj */
int gg_scope_place_query(gg_req *r);  /* query "place_id" inside scope; loads it into r->obj */
int gg_scope_global(gg_req *r);        /* settings for the whole city: global scope only */

/* writers shared by resources */
void gg_api_place_json(gg_jw *w, const gg_place *p);
void gg_api_account_json(gg_jw *w, const gg_account *a);
void gg_api_unit_json(gg_jw *w, const gg_unit *u);
/* {"items": [ ... ], "next_cursor": …} framing */
void gg_api_list_begin(gg_jw *w);
void gg_api_list_end(gg_jw *w, gg_pool *p, const char *next_key);
/* End a page of rows ordered by id, fetched with limit + 1: n > limit means a
 * next page exists, and its cursor is the id of the last row shown. So
 * next_cursor is null exactly when the list is done. */
void gg_api_list_end_at(gg_jw *w, gg_pool *p, int n, int limit, int64_t last_shown_id);
/* A page whose cursor is a number this server gave out (a row id, an
 * offset): limit as gg_req_page, *after the cursor's number in lo..hi (0
 * without a cursor); anything else is 400 invalid_cursor. */
int gg_api_page_num(gg_req *r, int *limit, int64_t lo, int64_t hi, int64_t *after);
/* Query parameters, one shape for every route: absent gives the default
 * (false, 0, dflt); a value that does not parse is
 * 400 {"error":{"code":"invalid_parameter","field":name,...}}. */
int gg_api_bad_param(gg_req *r, const char *name, const char *msg);
int gg_api_query_bool(gg_req *r, const char *name, bool *out);  /* true or false */
int gg_api_query_id(gg_req *r, const char *name, int64_t *out); /* a row id, >= 1 */
int gg_api_query_int(gg_req *r, const char *name, int64_t lo, int64_t hi, int64_t dflt,
                     int64_t *out);
/* YYYY-MM-DD (the day's start in the display zone) or ISO 8601 with offset, as µs */
int gg_api_query_time(gg_req *r, const char *name, int64_t *out);
/* "level": the level counts are made at, street, community or grid (a place kind) */
int gg_api_query_level(gg_req *r, int dflt, int *kind);
gg_conn *gg_api_reader(gg_req *r);     /* this thread's reader, or 503 in r->err */

/* cases (api/cases.c) */
struct gg_case;
struct gg_case_actor;
struct gg_case_step;
struct gg_case_input;
struct gg_cal;
int gg_api_case_actor(gg_conn *c, gg_pool *p, const gg_principal *who, const struct gg_case *k,
                      struct gg_case_actor *a);
void gg_api_case_json(gg_jw *w, gg_conn *c, gg_pool *p, const struct gg_case *k,
                      const gg_principal *who);
int gg_api_reply_case(gg_req *r, int status, int64_t id);
void gg_api_flow_rec(const struct gg_case *k, const struct gg_case_step *st,
                     const struct gg_case_input *in, int64_t actor, const struct gg_cal *cal,
                     gg_case_flow_rec *f);

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
int gg_h_case_open(gg_req *r);
int gg_h_case_get(gg_req *r);
int gg_h_case_flow(gg_req *r);
int gg_h_case_act(gg_req *r);
int gg_h_cases_list(gg_req *r);
int gg_h_categories_list(gg_req *r);
int gg_h_category_create(gg_req *r);
int gg_h_dispatch_rule_set(gg_req *r);
int gg_h_calendar_get(gg_req *r);
int gg_h_calendar_set(gg_req *r);
int gg_h_case_metrics(gg_req *r);
int gg_h_attachment_upload(gg_req *r);
int gg_h_attachments_list(gg_req *r);
int gg_h_attachment_get(gg_req *r);

/* web UI (#4): api/webui.c, api/cockpit.c, http/events.c */
/* Body "client_key" of a case report: NULL when absent, else validated. */
int gg_api_client_key(gg_req *r, json_t *body, const char **out);
int gg_h_events(gg_req *r);
int gg_h_cockpit(gg_req *r);
int gg_scope_cockpit(gg_req *r);      /* query place_id in scope, default: the caller's place */

#endif
