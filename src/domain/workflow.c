/*
 * workflow.c — deciding with the workflow tables of the case engine (see
 * workflow.h for the contract; the tables are in workflow_tables.c).
 *
 * Whether an action is legal, and which actions an actor may take now, is
 * found by scanning the kind's rows: rows that match (state, action) and the
 * case's subtype apply; of those, the actor's role and relation decide who
 * may; guards on facts of the case (a paused clock, a pending extension, the
 * reopen window) decide whether now; the rating, where one is given, picks
 * between rows that lead to different places. No I/O, no allocation.
 */
#include "domain/workflow.h"

#include <string.h>

#include "domain/authz.h"
#include "domain/place.h"

/* A set of actions is a uint64_t (gg_wf_allowed). */
_Static_assert(GG_WF_A__COUNT <= 64, "actions must fit a 64-bit set");

/* Who a relation names, for 403 messages. */
static const char *const rel_words[] = {
    [GG_WF_REL_ANY_IN_SCOPE] = "staff whose scope covers the case",
    [GG_WF_REL_OWNER] = "the case's holder",
    [GG_WF_REL_REPORTER] = "the reporter",
    [GG_WF_REL_NOT_REPORTER] = "someone other than the reporter",
    [GG_WF_REL_DISPATCHER] = "the dispatcher",
};

/* Why a guard failed, for 409 messages. */
static const char *const guard_words[] = {
    [GG_WF_G_CLOCK_RUNNING] = "the clock is already paused",
    [GG_WF_G_CLOCK_PAUSED] = "the clock is not paused",
    [GG_WF_G_NO_EXTENSION] = "an extension request is already pending",
    [GG_WF_G_EXTENSION_PENDING] = "no extension request is pending",
    [GG_WF_G_REOPEN_WINDOW] = "the time to reopen this case has passed",
    [GG_WF_G_ALL_RATED] = "every summoned department must be rated first",
};

/* ---- small helpers ------------------------------------------------------ */

/* A kind's two tables, as workflow_tables.c gives them. */
struct table {
    const gg_wf_state_info *states;
    int nstates;
    const gg_wf_transition *rows;
    int nrows;
};

static bool table_get(int kind, struct table *t)
{
    t->nstates = gg_wf_states(kind, &t->states);
    t->nrows = gg_wf_rows(kind, &t->rows);
    return t->nstates > 0;
}

static const gg_wf_state_info *state_get(const struct table *t, int state)
{
    for (int i = 0; i < t->nstates; i++)
        if (t->states[i].state == state)
            return &t->states[i];
    return NULL;
}

static const gg_wf_state_info *kind_state(int kind, int state)
{
    struct table t;
    return table_get(kind, &t) ? state_get(&t, state) : NULL;
}

static bool from_matches(const struct table *t, int from, int state)
{
    const gg_wf_state_info *s = state_get(t, state);
    if (s == NULL)
        return false;
    if (from == GG_WF_S_ANY_OPEN)
        return s->cls == GG_WF_OPEN;
    if (from == GG_WF_S_ANY_ACTIVE)
        return s->cls == GG_WF_OPEN && s->stage != GG_WF_STAGE_NONE;
    return from == state;
}

static bool subtype_matches(const gg_wf_transition *r, const gg_wf_ctx *c)
{
    return r->subtype == NULL || (c->subtype != NULL && strcmp(r->subtype, c->subtype) == 0);
}

static bool rel_holds(int rel, const gg_wf_ctx *c)
{
    switch (rel) {
    case GG_WF_REL_ANY_IN_SCOPE: return c->in_scope;
    case GG_WF_REL_OWNER: return c->is_owner;
    case GG_WF_REL_REPORTER: return c->is_reporter;
    case GG_WF_REL_NOT_REPORTER: return !c->is_reporter;
    case GG_WF_REL_DISPATCHER: return c->is_dispatcher;
    default: return false;
    }
}

static bool role_fits(const gg_wf_transition *r, const gg_wf_ctx *c)
{
    return gg_role_allowed(r->roles, c->role);
}

static bool actor_fits(const gg_wf_transition *r, const gg_wf_ctx *c)
{
    return role_fits(r, c) && rel_holds(r->rel, c);
}

/* A reporter may reopen while no more than the window has passed since the
 * case left the open states (a clock that ran backwards counts as no time). */
static bool reopen_window_open(const gg_wf_ctx *c)
{
    if (c->reopen_window <= 0 || c->closed_at <= 0)
        return false;
    return c->now <= c->closed_at || c->now - c->closed_at <= c->reopen_window;
}

/* Guards on facts of the case. Rating guards always hold here: the rating is
 * an input of the action, not a fact of the case (see rating_fits). */
static bool guard_holds(int guard, const gg_wf_ctx *c)
{
    switch (guard) {
    case GG_WF_G_CLOCK_RUNNING: return !c->clock_paused;
    case GG_WF_G_CLOCK_PAUSED: return c->clock_paused;
    case GG_WF_G_NO_EXTENSION: return !c->extension_pending;
    case GG_WF_G_EXTENSION_PENDING: return c->extension_pending;
    case GG_WF_G_REOPEN_WINDOW: return reopen_window_open(c);
    case GG_WF_G_ALL_RATED: return c->unrated_units <= 0;
    default: return true;
    }
}

static bool rating_valid(int rating)
{
    return gg_wf_rating_name(rating) != NULL;
}

static bool rating_fits(int guard, int rating)
{
    if (guard == GG_WF_G_RATING_OK)
        return gg_wf_rating_ok(rating);
    if (guard == GG_WF_G_RATING_BAD)
        return rating_valid(rating) && !gg_wf_rating_ok(rating);
    return true;
}

/* ---- states ------------------------------------------------------------- */

int gg_wf_state_class(int kind, int state)
{
    const gg_wf_state_info *s = kind_state(kind, state);
    return s ? s->cls : GG_WF_CLASS_NONE;
}

int gg_wf_state_stage(int kind, int state)
{
    const gg_wf_state_info *s = kind_state(kind, state);
    return s ? s->stage : GG_WF_STAGE_NONE;
}

bool gg_wf_is_open(int kind, int state)
{
    return gg_wf_state_class(kind, state) == GG_WF_OPEN;
}

int gg_wf_initial_state(int kind)
{
    struct table t;
    return table_get(kind, &t) ? t.states[0].state : GG_WF_S_NONE;
}

/* The row that closes a new case of this subtype at intake, if any. */
static const gg_wf_transition *intake_close_row(const struct table *t, const char *subtype)
{
    for (int i = 0; subtype != NULL && i < t->nrows; i++) {
        const gg_wf_transition *r = &t->rows[i];
        if (r->action == GG_WF_A_ANSWER && r->from == t->states[0].state &&
            r->subtype != NULL && strcmp(r->subtype, subtype) == 0)
            return r;
    }
    return NULL;
}

int gg_wf_initial(int kind, const char *subtype, bool answer_now, int *state, gg_error *e)
{
    struct table t;
    if (!table_get(kind, &t))
        return gg_fail(e, GG_EINVAL, 422, "invalid_kind", "kind", "unknown kind of case");
    if (!gg_wf_subtype_valid(kind, subtype))
        return gg_fail(e, GG_EINVAL, 422, "invalid_subtype", "subtype",
                       gg_wf_subtype_valid(kind, NULL) ? "a %s takes no subtype"
                                                       : "a %s needs one of its subtypes",
                       gg_wf_kind_name(kind));
    const gg_wf_transition *r = intake_close_row(&t, subtype);
    if (answer_now && r == NULL)
        return gg_fail(e, GG_EINVAL, 422, "invalid_answer_now", "answer_now",
                       "only a hotline consultation can be answered at intake");
    if (state != NULL)
        *state = answer_now ? r->to : t.states[0].state;
    return GG_OK;
}

/* ---- deciding ----------------------------------------------------------- */

static int check_args(int kind, int state, int action, struct table *t, gg_error *e)
{
    if (!table_get(kind, t))
        return gg_fail(e, GG_EINVAL, 422, "invalid_kind", "kind", "unknown kind of case");
    if (state_get(t, state) == NULL)
        return gg_fail(e, GG_EINVAL, 422, "invalid_state", "state",
                       "not a state of this kind of case");
    if (gg_wf_action_name(action) == NULL)
        return gg_fail(e, GG_EINVAL, 422, "invalid_action", "action", "unknown action");
    return GG_OK;
}

/* What the rows say about one (state, action) for one actor. */
struct scan {
    bool applies;      /* some row matches the state, action and subtype */
    bool permitted;    /* … and the actor */
    bool needs_rating; /* … and its guard holds, and it takes a rating */
    const gg_wf_transition *role_ok; /* first applying row the role fits */
    const gg_wf_transition *blocked; /* first permitted row whose guard fails */
    const gg_wf_transition *pick;    /* first row that fits everything */
};

static void scan_rows(const struct table *t, int state, int action, const gg_wf_ctx *c,
                      int rating, struct scan *s)
{
    for (int i = 0; i < t->nrows; i++) {
        const gg_wf_transition *r = &t->rows[i];
        if (r->action != action || !from_matches(t, r->from, state) || !subtype_matches(r, c))
            continue;
        s->applies = true;
        if (s->role_ok == NULL && role_fits(r, c))
            s->role_ok = r;
        if (!actor_fits(r, c))
            continue;
        s->permitted = true;
        if (!guard_holds(r->guard, c)) {
            s->blocked = s->blocked ? s->blocked : r;
            continue;
        }
        s->needs_rating = s->needs_rating || (r->flags & GG_WF_F_NEEDS_RATING) != 0;
        if (s->pick == NULL && rating_fits(r->guard, rating))
            s->pick = r;
    }
}

static int fail_forbidden(int action, const gg_wf_transition *role_ok, const gg_wf_ctx *c,
                          gg_error *e)
{
    const char *act = gg_wf_action_name(action);
    if (role_ok != NULL)
        return gg_fail(e, GG_EFORBIDDEN, 403, "forbidden", "", "only %s may %s this case",
                       rel_words[role_ok->rel], act);
    const char *role = gg_role_name(c->role);
    return gg_fail(e, GG_EFORBIDDEN, 403, "forbidden", "", "role %s may not %s this case",
                   role ? role : "(none)", act);
}

int gg_wf_lookup(int kind, int state, int action, const gg_wf_ctx *c, int rating,
                 const gg_wf_transition **out, gg_error *e)
{
    static const gg_wf_ctx nobody = {0};
    struct table t;
    struct scan s = {0};

    if (out != NULL)
        *out = NULL;
    int rc = check_args(kind, state, action, &t, e);
    if (rc != GG_OK)
        return rc;
    c = c ? c : &nobody;
    scan_rows(&t, state, action, c, rating, &s);

    if (!s.applies)
        return gg_fail(e, GG_ECONFLICT, 409, "illegal_action", "",
                       "%s: not applicable to %s cases in state %s", gg_wf_action_name(action),
                       gg_wf_kind_name(kind), gg_wf_state_name(state));
    if (!s.permitted)
        return fail_forbidden(action, s.role_ok, c, e);
    if (s.needs_rating && !rating_valid(rating))
        return gg_fail(e, GG_EINVAL, 422, "invalid_rating", "rating",
                       "a rating from 1 (very unsatisfied) to 5 (very satisfied) is required");
    if (s.pick == NULL)
        return gg_fail(e, GG_ECONFLICT, 409, "illegal_action", "", "cannot %s now: %s",
                       gg_wf_action_name(action),
                       s.blocked ? guard_words[s.blocked->guard] : "no row for this rating");
    if (out != NULL)
        *out = s.pick;
    return GG_OK;
}

int gg_wf_allowed(int kind, int state, const gg_wf_ctx *c, int *out, int cap)
{
    struct table t;
    uint64_t set = 0;
    int n = 0;

    if (c == NULL || check_args(kind, state, GG_WF_A_ACCEPT, &t, NULL) != GG_OK)
        return GG_EINVAL;
    for (int i = 0; i < t.nrows; i++) {
        const gg_wf_transition *r = &t.rows[i];
        if (from_matches(&t, r->from, state) && subtype_matches(r, c) && actor_fits(r, c) &&
            guard_holds(r->guard, c))
            set |= UINT64_C(1) << r->action;
    }
    for (int a = GG_WF_A_NONE + 1; a < GG_WF_A__COUNT; a++) {
        if ((set & (UINT64_C(1) << a)) == 0)
            continue;
        if (out != NULL && n < cap)
            out[n] = a;
        n++;
    }
    return n;
}

int gg_wf_next_state(const gg_wf_transition *r, int current)
{
    return r->to == GG_WF_S_SAME ? current : r->to;
}

int gg_wf_check_input(const gg_wf_transition *r, bool has_note, bool has_target, gg_error *e)
{
    const char *act = gg_wf_action_name(r->action);
    if ((r->flags & GG_WF_F_NEEDS_NOTE) && !has_note)
        return gg_fail(e, GG_EINVAL, 422, "note_required", "note", "%s needs a note", act);
    if ((r->flags & GG_WF_F_NEEDS_TARGET) && !has_target)
        return gg_fail(e, GG_EINVAL, 422, "target_required", "target",
                       "%s needs a target unit or person", act);
    return GG_OK;
}

int gg_wf_escalation_check(int holder_place_kind, int target_place_kind, gg_error *e)
{
    bool holder_ok = holder_place_kind > GG_PK_DISTRICT && holder_place_kind < GG_PK__COUNT;
    if (!holder_ok || target_place_kind < GG_PK_DISTRICT ||
        target_place_kind >= holder_place_kind)
        return gg_fail(e, GG_EINVAL, 422, "invalid_target", "target",
                       "escalation goes up the tree: grid → community → street → district");
    return GG_OK;
}
