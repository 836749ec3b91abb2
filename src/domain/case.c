/*
 * case.c — see case.h. The workflow tables decide whether an action is
 * legal and where it leads; this file applies what the row says to the case:
 * ownership, clocks, counters. Every effect is keyed by the row's flags or
 * by a small per-action table, never by kind-specific branches.
 */
#include <string.h>

#include "domain/authz.h"
#include "domain/case.h"

#define US_PER_S INT64_C(1000000)
#define DAY_US (INT64_C(86400) * US_PER_S)

static gg_clock to_clock(const gg_case_clock *k)
{
    return (gg_clock){k->started, k->run_from, k->accumulated, k->paused_since, k->limit,
                      k->extension, k->natural};
}

static gg_case_clock from_clock(const gg_clock *c)
{
    return (gg_case_clock){c->started, c->run_from, c->accumulated, c->paused_since, c->limit,
                           c->extension, c->natural};
}

void gg_case_refresh(gg_case *c, const gg_cal *cal, int64_t now)
{
    gg_clock o = to_clock(&c->overall), s = to_clock(&c->stage_clock);
    int64_t d = 0;
    c->due_at = o.limit > 0 && gg_clock_deadline(&o, cal, now, &d, NULL) == 0 ? d : 0;
    c->stage_due_at = s.limit > 0 && gg_clock_deadline(&s, cal, now, &d, NULL) == 0 ? d : 0;
}

int gg_case_light(const gg_case *c, const gg_cal *cal, int64_t now, bool overall)
{
    gg_clock k = to_clock(overall ? &c->overall : &c->stage_clock);
    int light = 0;
    if (k.limit <= 0 || gg_clock_light(&k, cal, now, &light, NULL)) return 0;
    return light;
}

static int start_stage(gg_case *c, const gg_cal *cal, const gg_case_limits *lim, int64_t now,
                       gg_error *e)
{
    c->stage = gg_wf_state_stage(c->kind, c->state);
    memset(&c->stage_clock, 0, sizeof c->stage_clock);
    if (c->stage == GG_WF_STAGE_NONE) return 0;
    gg_clock k;
    int rc = gg_clock_start(&k, cal, now, lim->stage_amount, lim->stage_unit, e);
    if (!rc) c->stage_clock = from_clock(&k);
    return rc;
}

bool gg_case_may_open(int kind, int role)
{
    static const unsigned openers[GG_WF_KIND__COUNT] = {
        [GG_WF_KIND_EVENT] = GG_R(GG_ROLE_GRIDWORKER) | GG_R(GG_ROLE_COMMUNITY) |
                             GG_R(GG_ROLE_COMMAND) | GG_R(GG_ROLE_MEMBER) | GG_R(GG_ROLE_RESIDENT),
        [GG_WF_KIND_HOTLINE] = GG_R(GG_ROLE_COMMUNITY) | GG_R(GG_ROLE_COMMAND) |
                               GG_R(GG_ROLE_RESIDENT),
        [GG_WF_KIND_WHISTLE] = GG_R(GG_ROLE_COMMUNITY) | GG_R(GG_ROLE_COMMAND),
        [GG_WF_KIND_SERVICE] = GG_R(GG_ROLE_COMMUNITY) | GG_R(GG_ROLE_GRIDWORKER) |
                               GG_R(GG_ROLE_RESIDENT),
        [GG_WF_KIND_DISPUTE] = GG_R(GG_ROLE_GRIDWORKER) | GG_R(GG_ROLE_COMMUNITY) |
                               GG_R(GG_ROLE_COMMAND) | GG_R(GG_ROLE_RESIDENT),
    };
    return kind > 0 && kind < GG_WF_KIND__COUNT && gg_role_allowed(openers[kind], role);
}

int gg_case_open(gg_case *c, const gg_cal *cal, const gg_case_limits *lim, bool answer_now,
                 int64_t now, gg_case_step *st, gg_error *e)
{
    memset(st, 0, sizeof *st);
    int rc = gg_wf_initial(c->kind, c->subtype, answer_now, &c->state, e);
    if (rc) return rc;
    gg_clock k;
    if ((rc = gg_clock_start(&k, cal, now, lim->amount, lim->unit, e))) return rc;
    c->overall = from_clock(&k);
    if ((rc = start_stage(c, cal, lim, now, e))) return rc;
    c->created_at = c->updated_at = now;
    c->version = 1;
    st->from = GG_WF_S_NONE;
    st->to = c->state;
    st->at = st->rollup_at = now;
    st->delta.reported = 1;
    if (!gg_wf_is_open(c->kind, c->state)) { /* a consultation answered at intake */
        c->closed_at = c->responded_at = now;
        st->delta.responded = st->delta.closed = st->delta.due = st->delta.closed_on_time = 1;
        st->delta.closed_7d = 1;
    }
    gg_case_refresh(c, cal, now);
    return 0;
}

static void fill_ctx(const gg_case *c, const gg_case_actor *a, int64_t now, gg_wf_ctx *x)
{
    bool staff = a->role == GG_ROLE_ADMIN || a->role == GG_ROLE_COMMAND ||
                 a->role == GG_ROLE_COMMUNITY || a->role == GG_ROLE_GRIDWORKER;
    bool holds_unit = c->owner_unit_id && a->unit_id == c->owner_unit_id;
    bool holds_user = c->owner_user_id && a->user_id == c->owner_user_id;
    /* a whistle is held by its summoned units, never by the place that blew it */
    bool holds_place = c->kind != GG_WF_KIND_WHISTLE && !c->owner_unit_id && !c->owner_user_id &&
                       staff && a->owner_scope;
    memset(x, 0, sizeof *x);
    x->role = a->role;
    x->in_scope = a->in_scope;
    x->is_owner = holds_unit || holds_user || holds_place || (c->kind == GG_WF_KIND_WHISTLE && a->summoned);
    x->is_reporter = a->user_id && a->user_id == c->reporter_id;
    x->is_dispatcher = (c->dispatcher_unit_id && a->unit_id == c->dispatcher_unit_id) ||
                       (staff && c->dispatcher_place_id && a->dispatcher_scope);
    x->subtype = c->subtype;
    x->clock_paused = c->overall.paused_since != 0 && gg_wf_is_open(c->kind, c->state) &&
                      c->state != GG_WF_S_SUSPENDED;
    x->extension_pending = c->extension_pending;
    x->unrated_units = a->unrated_units;
    x->now = now / US_PER_S;
    x->closed_at = c->closed_at / US_PER_S;
    x->reopen_window = GG_CASE_REOPEN_WINDOW_S;
}

int gg_case_allowed(const gg_case *c, const gg_case_actor *a, int64_t now, int *out, int cap)
{
    gg_wf_ctx x;
    fill_ctx(c, a, now, &x);
    return gg_wf_allowed(c->kind, c->state, &x, out, cap);
}

/* ---- effects ---- */

static void clocks_pause(gg_case *c, const gg_cal *cal, int64_t now)
{
    gg_clock o = to_clock(&c->overall), s = to_clock(&c->stage_clock);
    if (o.limit > 0 && !o.paused_since && gg_clock_pause(&o, cal, now, NULL) == 0)
        c->overall = from_clock(&o);
    if (s.limit > 0 && !s.paused_since && gg_clock_pause(&s, cal, now, NULL) == 0)
        c->stage_clock = from_clock(&s);
}

static void clocks_resume(gg_case *c, int64_t now)
{
    gg_clock o = to_clock(&c->overall), s = to_clock(&c->stage_clock);
    if (o.paused_since && gg_clock_resume(&o, now, NULL) == 0) c->overall = from_clock(&o);
    if (s.paused_since && gg_clock_resume(&s, now, NULL) == 0) c->stage_clock = from_clock(&s);
}

static int extend(gg_case *c, const gg_cal *cal, const gg_case_limits *lim, gg_error *e)
{
    int64_t amt = c->extension_amount;
    gg_clock o = to_clock(&c->overall), s = to_clock(&c->stage_clock);
    bool stage_natural = lim->stage_unit == GG_CAL_NATURAL_HOURS || lim->stage_unit == GG_CAL_NATURAL_DAYS;
    int ounit = o.natural == stage_natural ? lim->stage_unit : lim->unit;
    int rc = gg_clock_extend(&o, cal, amt, ounit, e);
    if (!rc && s.limit > 0) rc = gg_clock_extend(&s, cal, amt, lim->stage_unit, e);
    if (rc) return rc;
    c->overall = from_clock(&o);
    c->stage_clock = from_clock(&s);
    return 0;
}

/* Who holds the case after ownership-moving actions. */
static int move_owner(gg_case *c, const gg_case_actor *a, const gg_case_input *in, gg_error *e)
{
    switch (in->action) {
    case GG_WF_A_DISPATCH:
    case GG_WF_A_REFER:
        if (!in->target_unit_id && !in->target_user_id)
            return gg_fail(e, GG_EINVAL, 422, "target_required", "target",
                           "name the unit or person to hand the case to");
        c->dispatcher_place_id = c->owner_place_id;
        c->dispatcher_unit_id = c->owner_unit_id ? c->owner_unit_id : a->unit_id;
        c->owner_unit_id = in->target_unit_id;
        c->owner_user_id = in->target_user_id;
        return 0;
    case GG_WF_A_ESCALATE: {
        int rc = gg_wf_escalation_check(in->owner_place_kind, in->target_place_kind, e);
        if (rc) return rc;
        c->dispatcher_place_id = c->owner_place_id;
        c->owner_place_id = in->target_place_id;
        c->owner_unit_id = c->owner_user_id = 0;
        return 0;
    }
    case GG_WF_A_RETURN:
        if (c->kind == GG_WF_KIND_WHISTLE) return 0; /* the unit withdraws (step->withdraw_unit) */
        c->owner_unit_id = c->owner_user_id = 0;
        if (c->dispatcher_place_id) c->owner_place_id = c->dispatcher_place_id;
        return 0;
    case GG_WF_A_REOPEN: /* it starts over where it was filed */
        c->owner_place_id = c->place_id;
        c->owner_unit_id = c->owner_user_id = 0;
        return 0;
    case GG_WF_A_TAKE:
    case GG_WF_A_CLAIM:
        c->owner_user_id = a->user_id;
        c->owner_unit_id = 0;
        return 0;
    default:
        return 0;
    }
}

static bool is_response(int action)
{
    static const int responses[] = {GG_WF_A_ACCEPT, GG_WF_A_REFUSE, GG_WF_A_REJECT,
                                    GG_WF_A_ANSWER, GG_WF_A_SIGN,   GG_WF_A_TAKE,
                                    GG_WF_A_CLAIM,  GG_WF_A_REPORT_IN, GG_WF_A_REVIEW};
    for (size_t i = 0; i < GG_ARRAY_LEN(responses); i++)
        if (responses[i] == action) return true;
    return false;
}

static void count(gg_case *c, const gg_case_input *in, unsigned flags, int64_t now,
                  gg_case_step *st)
{
    gg_rollup_delta *d = &st->delta;
    if (is_response(in->action) && !c->responded_at) {
        c->responded_at = now;
        d->responded = 1;
    }
    if (in->action == GG_WF_A_DISPATCH) {
        c->dispatched_at = now;
        d->dispatched = 1;
    }
    if (in->action == GG_WF_A_SIGN && c->dispatched_at && now - c->dispatched_at <= DAY_US)
        d->signed_24h = 1;
    if (flags & GG_WF_F_COUNTS_AS_RETURN) {
        c->return_count++;
        d->returned = 1;
    }
    if (flags & GG_WF_F_COUNTS_AS_REWORK) {
        c->rework_count++;
        d->reworked = 1;
    }
    /* a case counts as closed (and due) once, at its first closing: closing
     * again after 重办 or a reopen counts as rework, not as another case */
    if ((flags & GG_WF_F_CLOSES) && c->close_count++ == 0) {
        d->closed = 1;
        d->due = c->overdue ? 0 : 1; /* an overdue case was counted due on its deadline */
        d->closed_on_time = !c->overdue && (!c->due_at || now <= c->due_at);
        d->closed_7d = now - c->created_at <= 7 * DAY_US;
    }
    if ((flags & GG_WF_F_NEEDS_RATING) && in->action == GG_WF_A_RATE) {
        c->rating = in->rating;
        d->rated = 1;
        d->satisfied = gg_wf_rating_ok(in->rating);
    }
}

static int flag_effects(gg_case *c, const gg_case_input *in, gg_case_step *st, gg_error *e)
{
    switch (in->action) {
    case GG_WF_A_URGE: c->urge_count++; break;
    case GG_WF_A_SUPERVISE: c->supervised = true; break;
    case GG_WF_A_SUPPORT:
        c->support_count++;
        st->add_support = true;
        break;
    case GG_WF_A_REQUEST_EXTENSION:
        if (in->extension_amount <= 0 || in->extension_amount > GG_CASE_EXTENSION_MAX)
            return gg_fail(e, GG_EINVAL, 422, "out_of_range", "extension_amount",
                           "an extension is 1 to %d units of the stage's limit",
                           GG_CASE_EXTENSION_MAX);
        c->extension_pending = true;
        c->extension_amount = in->extension_amount;
        break;
    case GG_WF_A_DENY_EXTENSION: c->extension_pending = false; break;
    case GG_WF_A_SUMMON: st->summon_target = true; break;
    case GG_WF_A_REPORT_IN: st->report_in = true; break;
    case GG_WF_A_RETURN: st->withdraw_unit = c->kind == GG_WF_KIND_WHISTLE; break;
    case GG_WF_A_RATE_DEPARTMENT: st->rate_unit = true; break;
    default: break;
    }
    return 0;
}

int gg_case_act(gg_case *c, const gg_cal *cal, const gg_case_limits *lim, const gg_case_actor *a,
                const gg_case_input *in, int64_t now, gg_case_step *st, gg_error *e)
{
    memset(st, 0, sizeof *st);
    gg_wf_ctx x;
    fill_ctx(c, a, now, &x);
    const gg_wf_transition *row = NULL;
    int rc = gg_wf_lookup(c->kind, c->state, in->action, &x, in->rating, &row, e);
    if (rc) return rc;
    bool has_target = in->target_unit_id || in->target_user_id || in->target_place_id;
    if ((rc = gg_wf_check_input(row, in->note && *in->note, has_target, e))) return rc;
    st->row = row;
    st->action = in->action;
    st->from = c->state;
    st->at = st->rollup_at = now;
    if ((rc = move_owner(c, a, in, e))) return rc;
    if ((rc = flag_effects(c, in, st, e))) return rc;
    if (in->action == GG_WF_A_APPROVE_EXTENSION) {
        if ((rc = extend(c, cal, lim, e))) return rc;
        c->extension_pending = false;
    }
    count(c, in, row->flags, now, st);
    int from_stage = c->stage;
    c->state = gg_wf_next_state(row, c->state);
    st->to = c->state;
    bool was_open = gg_wf_is_open(c->kind, st->from), open = gg_wf_is_open(c->kind, c->state);
    if (row->flags & GG_WF_F_PAUSES_CLOCK) clocks_pause(c, cal, now);
    if (row->flags & GG_WF_F_RESUMES_CLOCK) clocks_resume(c, now);
    if (was_open && !open) {
        clocks_pause(c, cal, now);
        c->closed_at = now;
    } else if (!was_open && open) { /* reopened: the clocks start afresh */
        gg_clock k;
        if ((rc = gg_clock_start(&k, cal, now, lim->amount, lim->unit, e))) return rc;
        c->overall = from_clock(&k);
        c->closed_at = 0;
        c->overdue = false;
        c->rating = 0;
        from_stage = -1;
    }
    if (open && ((row->flags & GG_WF_F_STARTS_STAGE_CLOCK) ||
                 gg_wf_state_stage(c->kind, c->state) != from_stage))
        if ((rc = start_stage(c, cal, lim, now, e))) return rc;
    c->updated_at = now;
    gg_case_refresh(c, cal, now);
    return 0;
}

bool gg_case_mark_overdue(gg_case *c, int64_t now, gg_case_step *st)
{
    memset(st, 0, sizeof *st);
    if (c->overdue || !c->due_at || now <= c->due_at || !gg_wf_is_open(c->kind, c->state) ||
        c->overall.paused_since)
        return false;
    /* counted due once per case: a reopened case that runs late again is urged, not recounted */
    st->delta.due = c->close_count == 0;
    c->overdue = true;
    c->urge_count++;
    c->updated_at = now;
    st->action = GG_WF_A_URGE;
    st->from = st->to = c->state;
    st->at = now;
    st->rollup_at = c->due_at;
    return true;
}
