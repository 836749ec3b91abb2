/*
 * model.h — the plain data records that travel between the layers (places,
 * units, accounts, the calling principal). No behaviour here and nothing that
 * knows about HTTP or SQL. String members point into the request's pool (or
 * whichever pool the reader passed) and live as long as it does.
 */
#ifndef GG_DOMAIN_MODEL_H
#define GG_DOMAIN_MODEL_H

#include <stdbool.h>
#include <stdint.h>

typedef struct gg_place {
    int64_t id;
    int64_t parent_id;      /* 0 for a district */
    int kind;               /* enum gg_place_kind */
    const char *subtype;    /* may be NULL */
    const char *dedicated_kind;
    const char *code;
    const char *name;
    const char *path;       /* materialized id path "/1/5/23/" */
    int depth;
    const char *region;     /* district code the row belongs to */
    bool active;
    int64_t version;
    int64_t created_at;
    int64_t updated_at;
    int64_t child_count;    /* active children; filled by list/get */
} gg_place;

typedef struct gg_unit {
    int64_t id;
    const char *name;
    const char *kind;
    int64_t place_id;
    const char *place_path;
    bool active;
    int64_t created_at;
    int64_t updated_at;
} gg_unit;

typedef struct gg_account {
    int64_t id;
    const char *username;
    const char *display_name;
    int role;               /* enum gg_role */
    int64_t unit_id;
    bool global_scope;
    bool active;
    int64_t failed_logins;
    int64_t locked_until;
    int64_t created_at;
    int64_t updated_at;
    int nplaces;
    int64_t *place_ids;
    const char **place_paths;
} gg_account;

/* Who is calling: resolved once per request from the session or API key. */
typedef struct gg_principal {
    int64_t user_id;
    int role;
    int64_t unit_id;
    bool global_scope;
    bool via_api_key;
    bool via_cookie;
    const char *username;
    const char *csrf;       /* session's CSRF token (cookie sessions only) */
    const unsigned char *session_hash; /* 32 bytes, cookie sessions only */
    int nplaces;
    const char **place_paths;
    int64_t *place_ids;
} gg_principal;

/* A case of any kind (see domain/workflow.h); clocks as in domain/calendar.h. */
typedef struct gg_case_clock {
    int64_t started, run_from, accumulated, paused_since, limit, extension;
    bool natural;
} gg_case_clock;

typedef struct gg_case {
    int64_t id;
    int kind;                 /* enum gg_wf_kind */
    const char *subtype;
    int state;                /* enum gg_wf_state */
    int64_t category_id;
    int64_t place_id;
    const char *place_path;
    const char *title, *description, *address;
    bool has_location;
    double lat, lon;
    const char *urgency;
    const char *source;
    int64_t reporter_id;
    int64_t owner_place_id, owner_unit_id, owner_user_id;
    int64_t dispatcher_place_id, dispatcher_unit_id;
    gg_case_clock overall, stage_clock;
    int stage;                /* enum gg_wf_stage */
    int64_t due_at, stage_due_at;
    bool overdue;
    bool extension_pending;
    int64_t extension_amount;
    int64_t urge_count, support_count, return_count, rework_count;
    bool supervised;
    int rating;
    int64_t responded_at, dispatched_at, closed_at;
    int64_t close_count;      /* closings so far; metrics count the first */
    int64_t version, created_at, updated_at;
    const char *region;
} gg_case;

#endif
