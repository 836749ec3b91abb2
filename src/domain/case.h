/*
 * case.h — one step of the case engine, as pure functions: open a case, take
 * an action on it, find the actions an actor may take now, mark it overdue.
 * Who may act and where the case goes come from the workflow tables
 * (domain/workflow.h); clocks run on the working calendar (domain/calendar.h).
 * The api layer loads the case and the facts about the actor, calls these,
 * and hands the result to the store, which writes the case, its flow entry
 * and the rollup counters in one transaction.
 */
#ifndef GG_DOMAIN_CASE_H
#define GG_DOMAIN_CASE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/gg.h"
#include "domain/calendar.h"
#include "domain/model.h"
#include "domain/workflow.h"

#define GG_CASE_REOPEN_WINDOW_S (30 * 86400) /* a reporter may reopen for 30 days */
#define GG_CASE_EXTENSION_MAX 3650           /* an extension, in the stage unit */

/* The category's time limits. */
typedef struct gg_case_limits {
    int64_t amount;
    int unit;               /* enum gg_cal_unit */
    int64_t stage_amount;
    int stage_unit;
} gg_case_limits;

/* Facts about the actor, found by the caller (scope checks need the store). */
typedef struct gg_case_actor {
    int64_t user_id;        /* 0: the system (scheduler) */
    int role;               /* enum gg_role */
    int64_t unit_id;
    bool in_scope;          /* the actor's scope covers the case's place */
    bool owner_scope;       /* … covers the place that holds the case */
    bool dispatcher_scope;  /* … covers the place that dispatched it */
    bool summoned;          /* whistle: the actor's unit is summoned */
    int unrated_units;      /* whistle: summoned units not yet rated */
} gg_case_actor;

typedef struct gg_case_input {
    int action;             /* enum gg_wf_action */
    const char *note;
    int rating;             /* 1–5 or 0 */
    int64_t target_unit_id;
    int64_t target_user_id;
    int64_t target_place_id;
    int target_place_kind;  /* escalate: the target's kind */
    int owner_place_kind;   /* escalate: the kind of the place holding the case */
    int64_t extension_amount; /* request_extension: in the category's stage unit */
} gg_case_input;

/* Counters a step adds to the rollup of its day (see case_rollup). */
typedef struct gg_rollup_delta {
    int reported, responded, dispatched, signed_24h, due, closed, closed_on_time, closed_7d,
        returned, reworked, rated, satisfied;
} gg_rollup_delta;

typedef struct gg_case_step {
    const gg_wf_transition *row; /* NULL for open and overdue steps */
    int action;
    int from, to;
    int64_t at;             /* when the step happened */
    int64_t rollup_at;      /* the instant whose local day the counters belong to */
    gg_rollup_delta delta;
    bool summon_target;     /* whistle: add the target unit to the summoned units */
    bool report_in;         /* whistle: the actor's unit reported in */
    bool rate_unit;         /* whistle: the target unit was rated */
    bool add_support;       /* "+1": one per resident */
    bool withdraw_unit;     /* whistle: the actor's unit returned the whistle */
} gg_case_step;

/* May a user of this role open a case of this kind? (residents report
 * events, hotline requests, service orders and disputes; only community and
 * command staff blow the whistle; departments open nothing.) */
bool gg_case_may_open(int kind, int role);

/* Initial state, clocks started, counters for a new case. c holds what the
 * reporter gave (kind, subtype, category, place, owner place, …). */
int gg_case_open(gg_case *c, const gg_cal *cal, const gg_case_limits *lim, bool answer_now,
                 int64_t now, gg_case_step *st, gg_error *e);

/* Take in->action as actor a at now. On success c holds the case after the
 * step and st what to record. Errors: 403 (not this actor), 409 with code
 * illegal_action (not in this state), 422 (missing note, target, rating…). */
int gg_case_act(gg_case *c, const gg_cal *cal, const gg_case_limits *lim, const gg_case_actor *a,
                const gg_case_input *in, int64_t now, gg_case_step *st, gg_error *e);

/* The actions actor a may take now, in enum order; returns how many (up to cap written). */
int gg_case_allowed(const gg_case *c, const gg_case_actor *a, int64_t now, int *out, int cap);

/* The scheduler's check: an open case past its deadline becomes overdue once
 * (counted as due on its deadline's day) and is urged. Returns true if c changed. */
bool gg_case_mark_overdue(gg_case *c, int64_t now, gg_case_step *st);

/* Recompute due_at and stage_due_at from the clocks (after loading or a step). */
void gg_case_refresh(gg_case *c, const gg_cal *cal, int64_t now);
/* Traffic light of the stage (or, with overall, of the whole case): enum gg_light. */
int gg_case_light(const gg_case *c, const gg_cal *cal, int64_t now, bool overall);

#endif
