/*
 * case_actions.c — taking an action on a case (POST /cases/:id/actions/:action).
 *
 * The whole decision runs inside the writer's transaction on the committed
 * case (see cases.c). When the engine refuses (403, 409 illegal_action) the
 * write records nothing and the answer carries the actions allowed now:
 * {"error":{…},"allowed_actions":[…]}.
 */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "api/calendar.h"
#include "core/str.h"
#include "core/timeutil.h"
#include "domain/authz.h"
#include "domain/case.h"
#include "domain/place.h"

typedef struct act_job {
    gg_pool *pool;
    const gg_principal *who;
    int64_t case_id;
    int64_t expect_version;     /* 0: whatever is current */
    gg_case_input in;
    int refused;                /* the engine's refusal (a status), kept for the answer */
    gg_error err;
    int kind;
    int allowed[GG_WF_A__COUNT];
    int nallowed;
} act_job;

/* Whistle side effects of a step, and "+1" uniqueness. */
static int step_extras(gg_conn *w, const act_job *j, const gg_case_step *st, int64_t now,
                       gg_error *e)
{
    if (st->summon_target) return gg_case_unit_add(w, j->case_id, j->in.target_unit_id, now, e);
    if (st->report_in) return gg_case_unit_report(w, j->case_id, j->who->unit_id, now, e);
    if (st->withdraw_unit) return gg_case_unit_remove(w, j->case_id, j->who->unit_id, e);
    if (st->rate_unit) return gg_case_unit_rate(w, j->case_id, j->in.target_unit_id, j->in.rating, e);
    if (st->add_support) return gg_case_support_add(w, j->case_id, j->who->user_id, now, e);
    return 0;
}

/* Escalation needs the kinds of the holding place and of the target above it. */
static int escalation_kinds(gg_conn *w, gg_pool *p, const gg_case *k, act_job *j, gg_error *e)
{
    if (j->in.action != GG_WF_A_ESCALATE || !j->in.target_place_id) return 0;
    gg_place owner, target;
    if (gg_place_get(w, p, j->in.target_place_id, &target))
        return gg_fail(e, GG_EINVAL, 422, "invalid_reference", "target_place_id", "no such place");
    if (gg_place_get(w, p, k->owner_place_id, &owner) || !gg_path_within(owner.path, target.path))
        return gg_fail(e, GG_EINVAL, 422, "invalid_target", "target_place_id",
                       "escalate to a place above the one holding the case");
    j->in.owner_place_kind = owner.kind;
    j->in.target_place_kind = target.kind;
    return 0;
}

/* Targets that do not exist (or are deactivated) are bad input, refused
 * before the write rather than as a foreign-key failure of it. */
static int check_targets(gg_conn *w, gg_pool *p, const gg_case_input *in, gg_error *e)
{
    gg_unit u;
    gg_account acc;
    if (in->target_unit_id && (gg_unit_get(w, p, in->target_unit_id, &u) || !u.active))
        return gg_fail(e, GG_EINVAL, 422, "invalid_reference", "target_unit_id", "no such unit");
    if (in->target_user_id && (gg_account_get(w, p, in->target_user_id, &acc) || !acc.active))
        return gg_fail(e, GG_EINVAL, 422, "invalid_reference", "target_user_id",
                       "no such account");
    return 0;
}

static int load(gg_conn *w, act_job *j, gg_case *k, gg_case_limits *lim, gg_case_actor *a,
                gg_error *e)
{
    gg_category cat;
    if (gg_case_get(w, j->pool, j->case_id, k))
        return gg_fail(e, GG_ENOTFOUND, 404, "not_found", "", "no such case");
    if (j->expect_version && j->expect_version != k->version)
        return gg_fail(e, GG_ECONFLICT, 409, "stale_version", "version",
                       "someone acted on this case first; reload it and try again");
    if (gg_category_get(w, j->pool, k->category_id, &cat) ||
        gg_api_case_actor(w, j->pool, j->who, k, a))
        return gg_fail(e, GG_EIO, 500, "internal", "", "cannot read the case");
    *lim = (gg_case_limits){cat.limit_amount, gg_cal_unit_parse(cat.limit_unit),
                            cat.stage_amount, gg_cal_unit_parse(cat.stage_unit)};
    return escalation_kinds(w, j->pool, k, j, e);
}

static int act_fn(gg_conn *w, void *arg, gg_error *e)
{
    act_job *j = arg;
    gg_case k;
    gg_case_limits lim;
    gg_case_actor a;
    int rc = load(w, j, &k, &lim, &a, e);
    if (rc) return rc;
    int64_t now = gg_now_us(), version = k.version;
    gg_case_step st;
    gg_case_flow_rec f;
    const gg_cal *cal = gg_calendar_acquire();
    rc = gg_case_act(&k, cal, &lim, &a, &j->in, now, &st, &j->err);
    if (!rc) gg_api_flow_rec(&k, &st, &j->in, j->who->user_id, cal, &f);
    gg_calendar_release();
    if (rc) { /* refused: nothing to write; the answer lists what is allowed */
        j->refused = rc;
        j->kind = k.kind;
        j->nallowed = gg_case_allowed(&k, &a, now, j->allowed, GG_WF_A__COUNT);
        return 0;
    }
    rc = check_targets(w, j->pool, &j->in, e);
    if (!rc) rc = gg_case_update(w, &k, version, &f, e);
    if (!rc) rc = step_extras(w, j, &st, now, e);
    return rc;
}

static int act_then(gg_req *r)
{
    act_job *j = r->w.arg;
    if (!j->refused) return gg_api_reply_case(r, 200, j->case_id);
    gg_jw *w = gg_req_json(r, j->err.status ? j->err.status : 409);
    gg_jw_obj(w);
    gg_jw_key(w, "error");
    gg_jw_obj(w);
    gg_jw_kstr(w, "code", j->err.code ? j->err.code : "illegal_action");
    gg_jw_kstr(w, "message", j->err.message);
    if (j->err.field[0]) gg_jw_kstr(w, "field", j->err.field);
    else gg_jw_knull(w, "field");
    gg_jw_obj_end(w);
    gg_jw_key(w, "allowed_actions");
    gg_jw_arr(w);
    for (int i = 0; i < j->nallowed && i < GG_WF_A__COUNT; i++) {
        gg_jw_obj(w);
        gg_jw_kstr(w, "action", gg_wf_action_name(j->allowed[i]));
        gg_jw_kstr(w, "label", gg_wf_action_label_zh(j->kind, j->allowed[i]));
        gg_jw_obj_end(w);
    }
    gg_jw_arr_end(w);
    gg_jw_obj_end(w);
    return 0;
}

static const gg_jr_field act_fields[] = {
    {"note", GG_JR_STRING, false, true, 0, 2000},
    {"rating", GG_JR_INT, false, true, 1, 5},
    {"target_unit_id", GG_JR_ID, false, true, 0, 0},
    {"target_user_id", GG_JR_ID, false, true, 0, 0},
    {"target_place_id", GG_JR_ID, false, true, 0, 0},
    {"extension_amount", GG_JR_INT, false, true, 1, 3650},
    {"version", GG_JR_INT, false, true, 1, INT32_MAX},
};

int gg_h_case_act(gg_req *r)
{
    const gg_case *k = r->obj;
    const char *name = gg_req_param(r, "action");
    int action = name ? gg_wf_action_parse(name) : 0;
    if (!action)
        return gg_fail(&r->err, GG_ENOTFOUND, 404, "unknown_action", "action", "no such action");
    json_t *j = NULL;
    int rc = r->body.len ? gg_req_body(r, act_fields, GG_ARRAY_LEN(act_fields), &j) : 0;
    if (rc) return rc;
    act_job *aj = gg_pcalloc(r->pool, sizeof *aj);
    if (!aj) return GG_ENOMEM;
    aj->pool = r->pool;
    aj->who = r->who;
    aj->case_id = k->id;
    aj->in.action = action;
    if (j) {
        aj->in.note = gg_jr_str(j, "note", NULL);
        aj->in.rating = (int)gg_jr_int(j, "rating", 0);
        aj->in.target_unit_id = gg_jr_id(j, "target_unit_id");
        aj->in.target_user_id = gg_jr_id(j, "target_user_id");
        aj->in.target_place_id = gg_jr_id(j, "target_place_id");
        aj->in.extension_amount = gg_jr_int(j, "extension_amount", 0);
        aj->expect_version = gg_jr_int(j, "version", 0);
    }
    return gg_req_defer(r, act_fn, aj, act_then);
}
