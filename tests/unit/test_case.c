/*
 * test_case.c — unit tests for one step of the case engine (src/domain/case.c):
 * opening a case (states, clocks, counters), who holds it after dispatch,
 * claim, return and escalation, the counters each step adds, pausing and
 * resuming the clocks, extensions moving the deadline, closing and rating,
 * reopening with fresh clocks, the overdue mark, and refusals.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "core/timeutil.h"
#include "domain/authz.h"
#include "domain/case.h"
#include "domain/place.h"

static gg_cal cal;
static const gg_case_limits event_limits = {3, GG_CAL_WORK_DAYS, 1, GG_CAL_WORK_DAYS};

/* Local time "2026-11-23T10:00:00" (+08:00) as UTC microseconds. */
static int64_t at(const char *iso)
{
    int64_t t = 0;
    char buf[40];
    size_t n = strlen(iso);
    memcpy(buf, iso, n);
    memcpy(buf + n, "+08:00", 7);
    assert_int_equal(gg_time_parse(buf, strlen(buf), 480, &t), 0);
    return t;
}

static gg_case new_case(int kind, const char *subtype)
{
    gg_case c;
    memset(&c, 0, sizeof c);
    c.kind = kind;
    c.subtype = subtype;
    c.category_id = 1;
    c.place_id = c.owner_place_id = 40;
    c.place_path = "/1/2/3/40/";
    c.reporter_id = 100;
    return c;
}

static gg_case_actor actor(int64_t user, int role, int64_t unit)
{
    gg_case_actor a = {.user_id = user, .role = role, .unit_id = unit, .in_scope = true,
                       .owner_scope = true, .dispatcher_scope = true};
    return a;
}

static int act(gg_case *c, gg_case_actor a, int action, int64_t now, gg_case_step *st)
{
    gg_case_input in = {.action = action};
    gg_error e;
    return gg_case_act(c, &cal, &event_limits, &a, &in, now, st, &e);
}

static int act_in(gg_case *c, gg_case_actor a, gg_case_input in, int64_t now, gg_case_step *st,
                  gg_error *e)
{
    return gg_case_act(c, &cal, &event_limits, &a, &in, now, st, e);
}

/* An event opened at t and accepted at t by the community (user 10, held by
 * place 40): where most scenarios below begin. Both steps must succeed. */
static gg_case accepted_event(int64_t t, gg_case_step *st)
{
    gg_case c = new_case(GG_WF_KIND_EVENT, NULL);
    gg_error e;
    assert_int_equal(gg_case_open(&c, &cal, &event_limits, false, t, st, &e), 0);
    assert_int_equal(act(&c, actor(10, GG_ROLE_COMMUNITY, 0), GG_WF_A_ACCEPT, t, st), 0);
    return c;
}

static int setup(void **state)
{
    gg_cal_init(&cal);
    return gg_cal_load_defaults(&cal, NULL);
}

static void test_open(void **state)
{
    gg_case c = new_case(GG_WF_KIND_EVENT, NULL);
    gg_case_step st;
    gg_error e;
    int64_t t0 = at("2026-11-23T10:00:00"); /* Monday */
    assert_int_equal(gg_case_open(&c, &cal, &event_limits, false, t0, &st, &e), 0);
    assert_int_equal(c.state, GG_WF_S_REPORTED);
    assert_int_equal(st.delta.reported, 1);
    assert_int_equal(st.delta.closed, 0);
    /* 3 working days from Monday 10:00 is Thursday 10:00; the stage (1 day) Tuesday 10:00 */
    assert_true(c.due_at == at("2026-11-26T10:00:00"));
    assert_true(c.stage_due_at == at("2026-11-24T10:00:00"));
    assert_int_equal(gg_case_light(&c, &cal, t0, true), GG_LIGHT_GREEN);
    assert_int_equal(gg_case_light(&c, &cal, at("2026-11-26T12:00:00"), true), GG_LIGHT_RED);
}

static void test_consultation_answered_at_intake(void **state)
{
    gg_case c = new_case(GG_WF_KIND_HOTLINE, "consultation");
    gg_case_step st;
    gg_error e;
    int rc = gg_case_open(&c, &cal, &event_limits, true, at("2026-11-23T10:00:00"), &st, &e);
    assert_int_equal(rc, 0);
    assert_false(gg_wf_is_open(c.kind, c.state));
    assert_int_equal(st.delta.closed, 1);
    assert_int_equal(st.delta.responded, 1);
    assert_true(c.closed_at != 0);
}

static void test_dispatch_sign_return(void **state)
{
    gg_case c = new_case(GG_WF_KIND_EVENT, NULL);
    gg_case_step st;
    gg_error e;
    int64_t t = at("2026-11-23T10:00:00");
    assert_int_equal(gg_case_open(&c, &cal, &event_limits, false, t, &st, &e), 0);
    gg_case_actor com = actor(10, GG_ROLE_COMMUNITY, 0);
    assert_int_equal(act(&c, com, GG_WF_A_ACCEPT, t + 60000000, &st), 0);
    assert_int_equal(st.delta.responded, 1);
    /* dispatch needs a target */
    gg_case_input in = {.action = GG_WF_A_DISPATCH};
    assert_int_equal(act_in(&c, com, in, t + 120000000, &st, &e), GG_EINVAL);
    in.target_unit_id = 7;
    assert_int_equal(act_in(&c, com, in, t + 120000000, &st, &e), 0);
    assert_int_equal(c.owner_unit_id, 7);
    assert_int_equal(c.dispatcher_place_id, 40);
    assert_int_equal(st.delta.dispatched, 1);
    /* a department of another unit may not sign */
    gg_case_actor other = actor(20, GG_ROLE_DEPARTMENT, 8);
    assert_int_equal(act(&c, other, GG_WF_A_SIGN, t + 180000000, &st), GG_EFORBIDDEN);
    gg_case_actor dept = actor(21, GG_ROLE_DEPARTMENT, 7);
    assert_int_equal(act(&c, dept, GG_WF_A_SIGN, t + 180000000, &st), 0);
    assert_int_equal(st.delta.signed_24h, 1);
    /* return: back to the dispatcher, counted as a wrong dispatch */
    gg_case_input ret = {.action = GG_WF_A_RETURN, .note = "不属于本部门职责"};
    assert_int_equal(act_in(&c, dept, ret, t + 240000000, &st, &e), 0);
    assert_int_equal(c.owner_unit_id, 0);
    assert_int_equal(c.owner_place_id, 40);
    assert_int_equal(c.return_count, 1);
    assert_int_equal(st.delta.returned, 1);
}

static void test_sign_after_a_day_not_counted(void **state)
{
    gg_case_step st;
    gg_error e;
    int64_t t = at("2026-11-23T10:00:00");
    gg_case c = accepted_event(t, &st);
    gg_case_actor com = actor(10, GG_ROLE_COMMUNITY, 0);
    gg_case_input in = {.action = GG_WF_A_DISPATCH, .target_unit_id = 7};
    assert_int_equal(act_in(&c, com, in, t, &st, &e), 0);
    gg_case_actor dept = actor(21, GG_ROLE_DEPARTMENT, 7);
    assert_int_equal(act(&c, dept, GG_WF_A_SIGN, t + 25 * GG_US_PER_HOUR, &st), 0);
    assert_int_equal(st.delta.signed_24h, 0);
}

static void test_pause_and_extension_move_deadline(void **state)
{
    gg_case_step st;
    gg_error e;
    int64_t t = at("2026-11-23T10:00:00");
    gg_case c = accepted_event(t, &st);
    gg_case_actor com = actor(10, GG_ROLE_COMMUNITY, 0);
    int64_t due = c.due_at;
    /* pausing for a whole working day pushes the deadline by one working day */
    assert_int_equal(act(&c, com, GG_WF_A_PAUSE_CLOCK, t, &st), GG_EINVAL); /* needs a reason */
    gg_case_input pause = {.action = GG_WF_A_PAUSE_CLOCK, .note = "等待居民补充材料"};
    assert_int_equal(act_in(&c, com, pause, t, &st, &e), 0);
    assert_true(c.overall.paused_since != 0);
    assert_int_equal(act(&c, com, GG_WF_A_RESUME_CLOCK, at("2026-11-24T10:00:00"), &st), 0);
    assert_true(c.overall.paused_since == 0);
    assert_true(due == at("2026-11-26T10:00:00"));
    assert_true(c.due_at == at("2026-11-27T10:00:00"));
    /* dispatch, sign, then an approved extension of 2 working days */
    gg_case_input d = {.action = GG_WF_A_DISPATCH, .target_unit_id = 7};
    assert_int_equal(act_in(&c, com, d, at("2026-11-24T10:00:00"), &st, &e), 0);
    gg_case_actor dept = actor(21, GG_ROLE_DEPARTMENT, 7);
    assert_int_equal(act(&c, dept, GG_WF_A_SIGN, at("2026-11-24T11:00:00"), &st), 0);
    gg_case_input x = {.action = GG_WF_A_REQUEST_EXTENSION, .note = "需协调物业", .extension_amount = 2};
    assert_int_equal(act_in(&c, dept, x, at("2026-11-24T12:00:00"), &st, &e), 0);
    assert_true(c.extension_pending);
    int64_t before = c.due_at;
    gg_case_input ok = {.action = GG_WF_A_APPROVE_EXTENSION};
    assert_int_equal(act_in(&c, com, ok, at("2026-11-24T14:00:00"), &st, &e), 0);
    assert_false(c.extension_pending);
    assert_true(c.due_at > before);
    assert_true(c.due_at == at("2026-12-01T10:00:00")); /* Fri 10:00 + 2 working days = Tue */
    /* an extension of 0 or beyond the bound is refused */
    gg_case_input bad = {.action = GG_WF_A_REQUEST_EXTENSION, .note = "x", .extension_amount = 0};
    assert_int_not_equal(act_in(&c, dept, bad, at("2026-11-24T15:00:00"), &st, &e), 0);
}

/* walk an event to closed as of `end`, returning the close step */
static gg_case_step run_to_close(gg_case *c, int64_t t0, int64_t end)
{
    gg_case_step st;
    gg_error e;
    gg_case_open(c, &cal, &event_limits, false, t0, &st, &e);
    gg_case_actor com = actor(10, GG_ROLE_COMMUNITY, 0), dept = actor(21, GG_ROLE_DEPARTMENT, 7);
    assert_int_equal(act(c, com, GG_WF_A_ACCEPT, t0, &st), 0);
    gg_case_input d = {.action = GG_WF_A_DISPATCH, .target_unit_id = 7};
    assert_int_equal(act_in(c, com, d, t0, &st, &e), 0);
    assert_int_equal(act(c, dept, GG_WF_A_SIGN, t0, &st), 0);
    gg_case_input fb = {.action = GG_WF_A_FEEDBACK, .note = "已处置"};
    assert_int_equal(act_in(c, dept, fb, t0, &st, &e), 0);
    assert_int_equal(act(c, com, GG_WF_A_VERIFY, end, &st), 0);
    assert_int_equal(act(c, com, GG_WF_A_CLOSE, end, &st), 0);
    return st;
}

static void test_close_on_time_and_late(void **state)
{
    gg_case c = new_case(GG_WF_KIND_EVENT, NULL);
    int64_t t0 = at("2026-11-23T10:00:00");
    gg_case_step st = run_to_close(&c, t0, at("2026-11-25T10:00:00"));
    assert_false(gg_wf_is_open(c.kind, c.state));
    assert_int_equal(st.delta.closed, 1);
    assert_int_equal(st.delta.due, 1);
    assert_int_equal(st.delta.closed_on_time, 1);
    assert_int_equal(st.delta.closed_7d, 1);
    gg_case late = new_case(GG_WF_KIND_EVENT, NULL);
    st = run_to_close(&late, t0, at("2026-12-03T10:00:00"));
    assert_int_equal(st.delta.closed_on_time, 0);
    assert_int_equal(st.delta.closed_7d, 0);
}

static void test_overdue_counts_due_once(void **state)
{
    gg_case c = new_case(GG_WF_KIND_EVENT, NULL);
    gg_case_step st;
    gg_error e;
    int64_t t0 = at("2026-11-23T10:00:00");
    gg_case_open(&c, &cal, &event_limits, false, t0, &st, &e);
    assert_false(gg_case_mark_overdue(&c, at("2026-11-25T10:00:00"), &st)); /* not yet */
    assert_true(gg_case_mark_overdue(&c, at("2026-11-27T10:00:00"), &st));
    assert_true(c.overdue);
    assert_int_equal(c.urge_count, 1);
    assert_int_equal(st.delta.due, 1);
    assert_true(st.rollup_at == c.due_at);
    assert_false(gg_case_mark_overdue(&c, at("2026-11-28T10:00:00"), &st)); /* once */
    /* closing an overdue case adds closed but not due again, and not on time */
    gg_case_actor com = actor(10, GG_ROLE_COMMUNITY, 0), dept = actor(21, GG_ROLE_DEPARTMENT, 7);
    act(&c, com, GG_WF_A_ACCEPT, at("2026-11-27T11:00:00"), &st);
    gg_case_input d = {.action = GG_WF_A_DISPATCH, .target_unit_id = 7};
    act_in(&c, com, d, at("2026-11-27T11:00:00"), &st, &e);
    act(&c, dept, GG_WF_A_SIGN, at("2026-11-27T11:00:00"), &st);
    gg_case_input fb = {.action = GG_WF_A_FEEDBACK, .note = "done"};
    act_in(&c, dept, fb, at("2026-11-27T11:00:00"), &st, &e);
    act(&c, com, GG_WF_A_VERIFY, at("2026-11-27T12:00:00"), &st);
    assert_int_equal(act(&c, com, GG_WF_A_CLOSE, at("2026-11-27T12:00:00"), &st), 0);
    assert_int_equal(st.delta.closed, 1);
    assert_int_equal(st.delta.due, 0);
    assert_int_equal(st.delta.closed_on_time, 0);
}

static void test_rate_and_reopen(void **state)
{
    gg_case c = new_case(GG_WF_KIND_EVENT, NULL);
    int64_t t0 = at("2026-11-23T10:00:00");
    run_to_close(&c, t0, at("2026-11-24T10:00:00"));
    gg_case_step st;
    gg_error e;
    gg_case_actor reporter = actor(100, GG_ROLE_RESIDENT, 0);
    reporter.owner_scope = reporter.dispatcher_scope = false;
    gg_case_input r = {.action = GG_WF_A_RATE, .rating = 2};
    assert_int_equal(act_in(&c, reporter, r, at("2026-11-24T11:00:00"), &st, &e), 0);
    assert_int_equal(st.delta.rated, 1);
    assert_int_equal(st.delta.satisfied, 0);
    assert_int_equal(c.rating, 2);
    /* another resident may not rate or reopen it */
    gg_case_actor other = actor(101, GG_ROLE_RESIDENT, 0);
    assert_int_equal(act(&c, other, GG_WF_A_REOPEN, at("2026-11-24T12:00:00"), &st), GG_EFORBIDDEN);
    gg_case_input ro = {.action = GG_WF_A_REOPEN, .note = "问题复发"};
    assert_int_equal(act_in(&c, reporter, ro, at("2026-11-24T12:00:00"), &st, &e), 0);
    assert_true(gg_wf_is_open(c.kind, c.state));
    assert_int_equal(c.closed_at, 0);
    assert_int_equal(c.rating, 0);
    assert_true(c.overall.started == at("2026-11-24T12:00:00")); /* fresh clock */
    /* reopening is refused after the window */
    gg_case late = new_case(GG_WF_KIND_EVENT, NULL);
    run_to_close(&late, t0, at("2026-11-24T10:00:00"));
    assert_int_not_equal(act_in(&late, reporter, ro, at("2027-02-24T12:00:00"), &st, &e), 0);
}

static void test_escalate_and_claim(void **state)
{
    gg_case_step st;
    gg_error e;
    int64_t t = at("2026-11-23T10:00:00");
    gg_case c = accepted_event(t, &st);
    gg_case_actor com = actor(10, GG_ROLE_COMMUNITY, 0);
    /* escalating downwards is refused; upwards moves the holder */
    gg_case_input down = {.action = GG_WF_A_ESCALATE, .note = "x", .target_place_id = 41,
                          .owner_place_kind = GG_PK_COMMUNITY, .target_place_kind = GG_PK_GRID};
    assert_int_not_equal(act_in(&c, com, down, t, &st, &e), 0);
    gg_case_input up = {.action = GG_WF_A_ESCALATE, .note = "社区无法解决", .target_place_id = 2,
                        .owner_place_kind = GG_PK_GRID, .target_place_kind = GG_PK_STREET};
    assert_int_equal(act_in(&c, com, up, t, &st, &e), 0);
    assert_int_equal(c.owner_place_id, 2);
    assert_int_equal(c.owner_unit_id, 0);
    /* service order: a member claims it and holds it */
    gg_case s = new_case(GG_WF_KIND_SERVICE, NULL);
    gg_case_open(&s, &cal, &event_limits, false, t, &st, &e);
    act(&s, com, GG_WF_A_REVIEW, t, &st);
    gg_case_actor mem = actor(50, GG_ROLE_MEMBER, 0);
    mem.owner_scope = false;
    assert_int_equal(act(&s, mem, GG_WF_A_CLAIM, t, &st), 0);
    assert_int_equal(s.owner_user_id, 50);
}

static void test_refusals(void **state)
{
    gg_case c = new_case(GG_WF_KIND_EVENT, NULL);
    gg_case_step st;
    gg_error e;
    int64_t t = at("2026-11-23T10:00:00");
    gg_case_open(&c, &cal, &event_limits, false, t, &st, &e);
    int64_t v = c.version;
    gg_case before = c;
    /* a resident cannot accept; a department cannot close; nothing changes */
    assert_int_equal(act(&c, actor(100, GG_ROLE_RESIDENT, 0), GG_WF_A_ACCEPT, t, &st), GG_EFORBIDDEN);
    assert_int_equal(act(&c, actor(10, GG_ROLE_COMMUNITY, 0), GG_WF_A_CLOSE, t, &st), GG_ECONFLICT);
    assert_int_equal(c.state, before.state);
    assert_int_equal(c.version, v);
    /* allowed actions for community staff in the reported state include accept, not close */
    int acts[GG_WF_A__COUNT];
    int n = gg_case_allowed(&c, &(gg_case_actor){.user_id = 10, .role = GG_ROLE_COMMUNITY,
                                                 .in_scope = true, .owner_scope = true},
                            t, acts, GG_WF_A__COUNT);
    bool accept = false, close = false;
    for (int i = 0; i < n; i++) {
        accept = accept || acts[i] == GG_WF_A_ACCEPT;
        close = close || acts[i] == GG_WF_A_CLOSE;
    }
    assert_true(accept);
    assert_false(close);
}

static void test_may_open(void **state)
{
    assert_true(gg_case_may_open(GG_WF_KIND_EVENT, GG_ROLE_RESIDENT));
    assert_false(gg_case_may_open(GG_WF_KIND_WHISTLE, GG_ROLE_RESIDENT));
    assert_true(gg_case_may_open(GG_WF_KIND_WHISTLE, GG_ROLE_COMMAND));
    assert_false(gg_case_may_open(GG_WF_KIND_EVENT, GG_ROLE_DEPARTMENT));
    assert_false(gg_case_may_open(0, GG_ROLE_ADMIN));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_open),
        cmocka_unit_test(test_consultation_answered_at_intake),
        cmocka_unit_test(test_dispatch_sign_return),
        cmocka_unit_test(test_sign_after_a_day_not_counted),
        cmocka_unit_test(test_pause_and_extension_move_deadline),
        cmocka_unit_test(test_close_on_time_and_late),
        cmocka_unit_test(test_overdue_counts_due_once),
        cmocka_unit_test(test_rate_and_reopen),
        cmocka_unit_test(test_escalate_and_claim),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_may_open),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
