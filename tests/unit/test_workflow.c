/*
 * test_workflow.c — unit tests for the case engine's workflow tables
 * (src/domain/workflow.c, workflow_tables.c): names and labels, the tables
 * as graphs (every state reachable, no open state without a way to a
 * closing step, flags consistent with the states), every kind's happy path
 * with the right actors, every alternative path, 403 for the wrong role or
 * relation, 409 for an action that does not apply, guards, ratings, and the
 * allowed-actions lists (and that they agree with lookup everywhere).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "domain/authz.h"
#include "domain/place.h"
#include "domain/workflow.h"

/* ---- actors ------------------------------------------------------------- */

enum { SCOPE = 1, OWNER = 2, REPORTER = 4, DISPATCHER = 8 };

static gg_wf_ctx who(int role, unsigned rel)
{
    gg_wf_ctx c = {0};
    c.role = role;
    c.in_scope = (rel & SCOPE) != 0;
    c.is_owner = (rel & OWNER) != 0;
    c.is_reporter = (rel & REPORTER) != 0;
    c.is_dispatcher = (rel & DISPATCHER) != 0;
    return c;
}

#define RESIDENT_REPORTER who(GG_ROLE_RESIDENT, REPORTER)
#define OTHER_RESIDENT who(GG_ROLE_RESIDENT, 0)
#define GRIDWORKER who(GG_ROLE_GRIDWORKER, SCOPE)
#define GRIDWORKER_OWNER who(GG_ROLE_GRIDWORKER, SCOPE | OWNER)
#define COMMUNITY who(GG_ROLE_COMMUNITY, SCOPE)
#define COMMUNITY_OWNER who(GG_ROLE_COMMUNITY, SCOPE | OWNER)
#define COMMUNITY_DISPATCHER who(GG_ROLE_COMMUNITY, SCOPE | DISPATCHER)
#define COMMAND who(GG_ROLE_COMMAND, SCOPE)
#define COMMAND_OUTSIDE who(GG_ROLE_COMMAND, 0)
#define DEPT_OWNER who(GG_ROLE_DEPARTMENT, OWNER)
#define DEPT_OTHER who(GG_ROLE_DEPARTMENT, SCOPE)
#define MEMBER who(GG_ROLE_MEMBER, SCOPE)
#define MEMBER_OWNER who(GG_ROLE_MEMBER, SCOPE | OWNER)

/* ---- helpers ------------------------------------------------------------ */

/* Facts of the case, added to an actor. */
enum { EXT = 1, PAUSED = 2, UNRATED = 4 };

static gg_wf_ctx with(gg_wf_ctx c, unsigned facts)
{
    c.extension_pending = (facts & EXT) != 0;
    c.clock_paused = (facts & PAUSED) != 0;
    c.unrated_units = (facts & UNRATED) ? 2 : 0;
    return c;
}

static gg_wf_ctx sub(gg_wf_ctx c, const char *subtype)
{
    c.subtype = subtype;
    return c;
}

static gg_wf_ctx window(gg_wf_ctx c, int64_t closed_at, int64_t now, int64_t reopen_window)
{
    c.closed_at = closed_at;
    c.now = now;
    c.reopen_window = reopen_window;
    return c;
}

/* ---- scenarios as tables ------------------------------------------------- */

/* One step of a scenario: in state `from` (AFTER: where the previous step
 * left the case) an actor takes an action. When rc is 0 it must be legal,
 * lead to `to` on a row that carries every flag in `flags` and none in
 * `absent`, and accept a note and a target; otherwise it must be refused
 * with rc, the status that goes with it, and a message containing msg. */
struct step {
    int line;
    int kind;
    int from;
    int action;
    gg_wf_ctx c;
    int rating;
    int to;
    unsigned flags;
    unsigned absent;
    int rc;
    const char *msg;
};

#define AFTER GG_WF_S_NONE
#define STEP_(k, f, a, c, rating, to, fl, absent, rc, msg)                                        \
    {__LINE__, (k), (f), GG_WF_A_##a, (c), (rating), (to), (fl), (absent), (rc), (msg)}
/* Legal steps: from a state, after the previous step, with a rating. */
#define GO(k, f, a, c, to, fl) STEP_(k, S(f), a, c, 0, S(to), fl, 0, 0, NULL)
#define GOX(k, f, a, c, to, fl, absent) STEP_(k, S(f), a, c, 0, S(to), fl, absent, 0, NULL)
#define THEN(k, a, c, to, fl) STEP_(k, AFTER, a, c, 0, S(to), fl, 0, 0, NULL)
#define RATE(k, f, a, c, lvl, to, fl, absent)                                                     \
    STEP_(k, S(f), a, c, GG_WF_RATING_##lvl, S(to), fl, absent, 0, NULL)
/* Refused steps: with a status, with a reason, for want of a rating. */
#define NO(k, f, a, c, rc) STEP_(k, S(f), a, c, 0, 0, 0, 0, rc, NULL)
#define WHY(k, f, a, c, rc, msg) STEP_(k, S(f), a, c, 0, 0, 0, 0, rc, msg)
#define BAD_RATING(k, f, a, c, r) STEP_(k, S(f), a, c, r, 0, 0, 0, GG_EINVAL, "rating")
#define E403 GG_EFORBIDDEN
#define E409 GG_ECONFLICT

static void refused_step(const struct step *p, int from, int rc, const gg_wf_transition *r,
                         const gg_error *e)
{
    const char *code = p->rc == GG_EFORBIDDEN  ? "forbidden"
                       : p->rc == GG_ECONFLICT ? "illegal_action"
                                               : "invalid_rating";
    bool ok = rc == p->rc && e->status == gg_status_http(p->rc) && r == NULL &&
              strcmp(e->code, code) == 0 && (p->msg == NULL || strstr(e->message, p->msg) != NULL);
    if (!ok)
        print_error("line %d: %s in %s: rc %d %s \"%s\", wanted rc %d %s \"%s\"\n", p->line,
                    gg_wf_action_name(p->action), gg_wf_state_name(from), rc,
                    e->code ? e->code : "", e->message, p->rc, code, p->msg ? p->msg : "");
    assert_true(ok);
}

/* Runs the steps in order; returns the state the last one left. */
static int run_steps(const struct step *steps, size_t n)
{
    int cur = GG_WF_S_NONE;
    for (size_t i = 0; i < n; i++) {
        const struct step *p = &steps[i];
        int from = p->from == AFTER ? cur : p->from;
        const gg_wf_transition *r = NULL;
        gg_error e = {0};
        int rc = gg_wf_lookup(p->kind, from, p->action, &p->c, p->rating, &r, &e);
        if (p->rc != 0) {
            refused_step(p, from, rc, r, &e);
            continue;
        }
        if (rc != GG_OK)
            print_error("line %d: %s in %s: rc %d: %s\n", p->line, gg_wf_action_name(p->action),
                        gg_wf_state_name(from), rc, e.message);
        assert_int_equal(rc, GG_OK);
        assert_int_equal(r->action, p->action);
        assert_int_equal(gg_wf_check_input(r, true, true, &e), GG_OK);
        cur = gg_wf_next_state(r, from);
        bool ok = cur == p->to && (r->flags & p->flags) == p->flags && (r->flags & p->absent) == 0;
        if (!ok)
            print_error("line %d: %s led to %s with flags %#x\n", p->line,
                        gg_wf_action_name(p->action), gg_wf_state_name(cur), r->flags);
        assert_true(ok);
    }
    return cur;
}

#define RUN(steps) run_steps((steps), GG_ARRAY_LEN(steps))

/* The allowed actions must equal the list (terminated by GG_WF_A_NONE). */
static void allowed_at(int kind, int state, gg_wf_ctx c, const int *want, int line)
{
    int got[GG_WF_A__COUNT];
    int n = gg_wf_allowed(kind, state, &c, got, GG_WF_A__COUNT);
    int nwant = 0;
    while (want[nwant] != GG_WF_A_NONE)
        nwant++;
    bool same = n == nwant;
    for (int i = 0; same && i < n; i++)
        same = got[i] == want[i];
    if (!same) {
        print_error("line %d: %s in %s allowed:", line, gg_wf_kind_name(kind),
                    gg_wf_state_name(state));
        for (int i = 0; i < n && i < GG_WF_A__COUNT; i++)
            print_error(" %s", gg_wf_action_name(got[i]));
        print_error("\n");
    }
    assert_true(same);
}

#define ALLOWED(k, s, c, ...)                                                                      \
    allowed_at((k), GG_WF_S_##s, (c), (const int[]){__VA_ARGS__, GG_WF_A_NONE}, __LINE__)
#define NONE_ALLOWED(k, s, c)                                                                      \
    allowed_at((k), GG_WF_S_##s, (c), (const int[]){GG_WF_A_NONE}, __LINE__)

#define A(x) GG_WF_A_##x
#define S(x) GG_WF_S_##x
#define EV GG_WF_KIND_EVENT
#define HL GG_WF_KIND_HOTLINE
#define WH GG_WF_KIND_WHISTLE
#define SV GG_WF_KIND_SERVICE
#define DS GG_WF_KIND_DISPUTE
#define F_NOTE GG_WF_F_NEEDS_NOTE
#define F_TGT GG_WF_F_NEEDS_TARGET
#define F_RATING GG_WF_F_NEEDS_RATING
#define F_RET GG_WF_F_COUNTS_AS_RETURN
#define F_REWORK GG_WF_F_COUNTS_AS_REWORK
#define F_PAUSE GG_WF_F_PAUSES_CLOCK
#define F_RESUME GG_WF_F_RESUMES_CLOCK
#define F_STAGE GG_WF_F_STARTS_STAGE_CLOCK
#define F_CLOSES GG_WF_F_CLOSES
#define F_FLAG GG_WF_F_IS_FLAG_ACTION

static bool has_flag(const gg_wf_transition *r, unsigned f)
{
    return (r->flags & f) != 0;
}

/* Does row r apply in state s of kind (the tables' own wildcard rules)? */
static bool row_from(int kind, const gg_wf_transition *r, int s)
{
    bool open = gg_wf_is_open(kind, s);
    if (r->from == GG_WF_S_ANY_OPEN)
        return open;
    if (r->from == GG_WF_S_ANY_ACTIVE)
        return open && gg_wf_state_stage(kind, s) != GG_WF_STAGE_NONE;
    return r->from == s;
}

/* ---- names -------------------------------------------------------------- */

static void test_names_round_trip(void **unused)
{
    for (int k = GG_WF_KIND_NONE + 1; k < GG_WF_KIND__COUNT; k++) {
        assert_non_null(gg_wf_kind_name(k));
        assert_non_null(gg_wf_kind_label_zh(k));
        assert_int_equal(gg_wf_kind_parse(gg_wf_kind_name(k)), k);
        const gg_wf_state_info *st;
        int n = gg_wf_states(k, &st);
        assert_true(n > 0);
        for (int i = 0; i < n; i++) {
            const char *name = gg_wf_state_name(st[i].state);
            assert_non_null(name);
            assert_non_null(gg_wf_state_label_zh(k, st[i].state));
            assert_int_equal(gg_wf_state_parse(k, name), st[i].state);
            for (int j = 0; j < i; j++) /* a state appears once per kind */
                assert_int_not_equal(st[j].state, st[i].state);
        }
    }
    for (int a = GG_WF_A_NONE + 1; a < GG_WF_A__COUNT; a++) {
        assert_int_equal(gg_wf_action_parse(gg_wf_action_name(a)), a);
        for (int k = GG_WF_KIND_NONE; k < GG_WF_KIND__COUNT; k++)
            assert_non_null(gg_wf_action_label_zh(k, a));
    }
    for (int s = GG_WF_STAGE_NONE + 1; s < GG_WF_STAGE__COUNT; s++) {
        assert_int_equal(gg_wf_stage_parse(gg_wf_stage_name(s)), s);
        assert_non_null(gg_wf_stage_label_zh(s));
    }
    for (int r = GG_WF_RATING_VERY_UNSATISFIED; r <= GG_WF_RATING_VERY_SATISFIED; r++) {
        assert_int_equal(gg_wf_rating_parse(gg_wf_rating_name(r)), r);
        assert_non_null(gg_wf_rating_label_zh(r));
    }
    for (int s = GG_WF_S_NONE + 1; s < GG_WF_S__COUNT; s++) /* every state used somewhere */
        assert_non_null(gg_wf_state_name(s));

    assert_string_equal(gg_wf_kind_name(HL), "hotline");
    assert_string_equal(gg_wf_kind_label_zh(HL), "12345工单");
    assert_string_equal(gg_wf_state_name(S(JOINT_HANDLING)), "joint_handling");
    assert_string_equal(gg_wf_action_name(A(RETURN)), "return");
    assert_string_equal(gg_wf_action_label_zh(GG_WF_KIND_NONE, A(DISPATCH)), "派单");
    assert_string_equal(gg_wf_action_label_zh(EV, A(DISPATCH)), "派遣");
    assert_string_equal(gg_wf_action_label_zh(SV, A(RATE)), "评单");
    assert_string_equal(gg_wf_state_label_zh(EV, S(DISPATCHED)), "已派遣");
    assert_string_equal(gg_wf_state_label_zh(HL, S(DISPATCHED)), "已派单待签收");
    assert_string_equal(gg_wf_rating_label_zh(GG_WF_RATING_BASIC), "基本满意");
    assert_int_equal(gg_wf_rating_parse("very_unsatisfied"), GG_WF_RATING_VERY_UNSATISFIED);

    /* Unknown or foreign names (every NONE is 0); a whistle's state is no
     * event's. */
    const int unknown[] = {
        gg_wf_kind_parse("Event"),       gg_wf_kind_parse(NULL),
        gg_wf_state_parse(EV, "blown"),  gg_wf_state_parse(GG_WF_KIND_NONE, "reported"),
        gg_wf_state_parse(EV, NULL),     gg_wf_action_parse("returns"),
        gg_wf_action_parse(""),          gg_wf_stage_parse("none"),
        gg_wf_rating_parse("ok"),
    };
    for (size_t i = 0; i < GG_ARRAY_LEN(unknown); i++)
        assert_int_equal(unknown[i], 0);
    const char *const unnamed[] = {
        gg_wf_kind_name(0),          gg_wf_kind_name(GG_WF_KIND__COUNT),
        gg_wf_state_name(S(SAME)),   gg_wf_state_name(GG_WF_S__COUNT),
        gg_wf_action_name(0),        gg_wf_action_name(GG_WF_A__COUNT),
        gg_wf_action_label_zh(EV, 0), gg_wf_state_label_zh(EV, S(BLOWN)),
        gg_wf_stage_name(0),         gg_wf_rating_name(0),
        gg_wf_rating_name(6),
    };
    for (size_t i = 0; i < GG_ARRAY_LEN(unnamed); i++)
        assert_null(unnamed[i]);
    for (int r = -1; r <= 6; r++) /* basically satisfied (3) or better is ok */
        assert_int_equal(gg_wf_rating_ok(r), r >= 3 && r <= 5);
}

static void test_subtypes_and_initial(void **unused)
{
    static const struct {
        int kind;
        const char *subtype;
        bool valid;
    } subtypes[] = {
        {WH, "management_service", true}, {WH, "key_work", true},  {WH, "emergency", true},
        {WH, NULL, false},                {WH, "help", false},     {HL, "consultation", true},
        {HL, "complaint", true},          {HL, "suggestion", true}, {HL, "emergency", false},
        {HL, NULL, false},                {EV, NULL, true},        {EV, "emergency", false},
        {DS, NULL, true},                 {0, NULL, false},
    };
    for (size_t i = 0; i < GG_ARRAY_LEN(subtypes); i++)
        assert_int_equal(gg_wf_subtype_valid(subtypes[i].kind, subtypes[i].subtype),
                         subtypes[i].valid);
    assert_string_equal(gg_wf_subtype_label_zh(WH, "emergency"), "应急处置哨");
    assert_null(gg_wf_subtype_label_zh(EV, "emergency"));

    const int initial[GG_WF_KIND__COUNT] = {0, S(REPORTED), S(INTAKE), S(BLOWN), S(ORDERED),
                                            S(REGISTERED)};
    for (int k = 0; k < GG_WF_KIND__COUNT; k++)
        assert_int_equal(gg_wf_initial_state(k), initial[k]);

    int st = -1;
    gg_error e = {0};
    assert_int_equal(gg_wf_initial(HL, "complaint", false, &st, &e), GG_OK);
    assert_int_equal(st, S(INTAKE));
    assert_int_equal(gg_wf_initial(HL, "consultation", true, &st, &e), GG_OK);
    assert_int_equal(st, S(ANSWERED)); /* closed at intake */
    assert_false(gg_wf_is_open(HL, st));
    assert_int_equal(gg_wf_initial(WH, "emergency", false, &st, &e), GG_OK);
    assert_int_equal(st, S(BLOWN));
    assert_int_equal(gg_wf_initial(EV, NULL, false, &st, &e), GG_OK);
    assert_int_equal(st, S(REPORTED));

    assert_int_equal(gg_wf_initial(HL, "complaint", true, &st, &e), GG_EINVAL);
    assert_string_equal(e.field, "answer_now");
    assert_int_equal(gg_wf_initial(EV, NULL, true, &st, &e), GG_EINVAL);
    assert_string_equal(e.field, "answer_now");
    assert_int_equal(gg_wf_initial(WH, NULL, false, &st, &e), GG_EINVAL);
    assert_string_equal(e.code, "invalid_subtype");
    assert_non_null(strstr(e.message, "needs one of its subtypes"));
    assert_int_equal(gg_wf_initial(DS, "key_work", false, &st, &e), GG_EINVAL);
    assert_non_null(strstr(e.message, "takes no subtype"));
    assert_int_equal(gg_wf_initial(9, NULL, false, &st, &e), GG_EINVAL);
    assert_string_equal(e.code, "invalid_kind");
}

/* ---- the tables as graphs ----------------------------------------------- */

/* Walk the graph of a kind from state start (leaving out cancel rows unless
 * with_cancel), marking the states reached in seen; true if some row that
 * closes the case (GG_WF_F_CLOSES) was on the way. */
static bool walk(int kind, int start, bool with_cancel, bool seen[GG_WF_S__COUNT])
{
    const gg_wf_transition *rows;
    int nr = gg_wf_rows(kind, &rows), queue[GG_WF_S__COUNT], head = 0, tail = 0;
    bool closes = false;
    memset(seen, 0, GG_WF_S__COUNT * sizeof seen[0]);
    queue[tail++] = start;
    seen[start] = true;
    while (head < tail) {
        int cur = queue[head++];
        for (int i = 0; i < nr; i++) {
            const gg_wf_transition *r = &rows[i];
            if (!row_from(kind, r, cur) || (!with_cancel && r->action == GG_WF_A_CANCEL))
                continue;
            closes = closes || has_flag(r, GG_WF_F_CLOSES);
            int to = gg_wf_next_state(r, cur);
            if (!seen[to])
                seen[queue[tail++] = to] = true;
        }
    }
    return closes;
}

/* Every state of every kind is reachable from the initial state. */
static void test_tables_reachable(void **unused)
{
    for (int k = GG_WF_KIND_NONE + 1; k < GG_WF_KIND__COUNT; k++) {
        const gg_wf_state_info *st;
        int ns = gg_wf_states(k, &st);
        bool seen[GG_WF_S__COUNT];
        walk(k, gg_wf_initial_state(k), true, seen);
        for (int i = 0; i < ns; i++) {
            if (!seen[st[i].state])
                print_error("%s: %s unreachable\n", gg_wf_kind_name(k),
                            gg_wf_state_name(st[i].state));
            assert_true(seen[st[i].state]);
        }
    }
}

/* No dead ends: every open state can still be brought to a close (without
 * cancelling), and can be cancelled; a closed state has follow-ups; a
 * terminal state allows nothing but a reopen. */
static void test_tables_no_dead_ends(void **unused)
{
    for (int k = GG_WF_KIND_NONE + 1; k < GG_WF_KIND__COUNT; k++) {
        const gg_wf_state_info *st;
        const gg_wf_transition *rows;
        int ns = gg_wf_states(k, &st), nr = gg_wf_rows(k, &rows);
        for (int i = 0; i < ns; i++) {
            int s = st[i].state, out = 0, other = 0;
            bool cancel = false;
            for (int j = 0; j < nr; j++) {
                if (!row_from(k, &rows[j], s))
                    continue;
                out++;
                other += rows[j].action != GG_WF_A_REOPEN;
                cancel = cancel || rows[j].action == GG_WF_A_CANCEL;
            }
            bool seen[GG_WF_S__COUNT];
            if (st[i].cls == GG_WF_OPEN) {
                bool closes = walk(k, s, false, seen);
                if (!closes)
                    print_error("%s: %s is a dead end\n", gg_wf_kind_name(k),
                                gg_wf_state_name(s));
                assert_true(closes && cancel);
            } else if (st[i].cls == GG_WF_CLOSED) {
                assert_true(out > 0);
            } else {
                assert_int_equal(st[i].cls, GG_WF_TERMINAL);
                assert_int_equal(other, 0);
            }
        }
    }
}

/* A rating row has a twin for the other outcome with the same actors. */
static bool has_rating_twin(const gg_wf_transition *rows, int nr, const gg_wf_transition *r)
{
    int want = r->guard == GG_WF_G_RATING_OK ? GG_WF_G_RATING_BAD : GG_WF_G_RATING_OK;
    for (int i = 0; i < nr; i++)
        if (rows[i].from == r->from && rows[i].action == r->action && rows[i].guard == want &&
            rows[i].roles == r->roles && rows[i].rel == r->rel)
            return true;
    return false;
}

/* Row by row: the flags agree with the states and the actions. */
static void test_tables_flags_consistent(void **unused)
{
    for (int k = GG_WF_KIND_NONE + 1; k < GG_WF_KIND__COUNT; k++) {
        const gg_wf_transition *rows;
        int nr = gg_wf_rows(k, &rows);
        for (int i = 0; i < nr; i++) {
            const gg_wf_transition *r = &rows[i];
            bool same = r->to == GG_WF_S_SAME;
            assert_int_equal(r->kind, k);
            assert_true(r->roles != 0 && (r->roles & ~(unsigned)GG_ROLES_ALL) == 0);
            assert_true(r->from < 0 || gg_wf_state_class(k, r->from) != GG_WF_CLASS_NONE);
            assert_true(same || gg_wf_state_class(k, r->to) != GG_WF_CLASS_NONE);
            if (has_flag(r, GG_WF_F_CLOSES))
                assert_false(same || gg_wf_is_open(k, r->to));
            if (has_flag(r, GG_WF_F_IS_FLAG_ACTION))
                assert_true(same && (r->flags & ~(unsigned)(GG_WF_F_IS_FLAG_ACTION |
                                                            GG_WF_F_NEEDS_NOTE)) == 0);
            /* Entering a state with a stage clock starts it, except a resume
             * from 挂账, which continues the stopped clock. */
            bool stage_to = !same && gg_wf_state_stage(k, r->to) != GG_WF_STAGE_NONE;
            if (stage_to && r->action != GG_WF_A_RESUME)
                assert_true(has_flag(r, GG_WF_F_STARTS_STAGE_CLOCK));
            if (!stage_to)
                assert_false(has_flag(r, GG_WF_F_STARTS_STAGE_CLOCK));
            assert_int_equal(has_flag(r, GG_WF_F_COUNTS_AS_RETURN), r->action == GG_WF_A_RETURN);
            assert_int_equal(has_flag(r, GG_WF_F_NEEDS_RATING),
                             r->action == GG_WF_A_RATE || r->action == GG_WF_A_RATE_DEPARTMENT);
            assert_int_equal(r->guard == GG_WF_G_REOPEN_WINDOW, r->action == GG_WF_A_REOPEN);
            if (r->action == GG_WF_A_REOPEN)
                assert_int_equal(r->rel, GG_WF_REL_REPORTER);
            if (r->action == GG_WF_A_RETURN || r->action == GG_WF_A_CANCEL ||
                r->action == GG_WF_A_REFUSE || r->action == GG_WF_A_REJECT ||
                r->action == GG_WF_A_SUSPEND || r->action == GG_WF_A_REQUEST_EXTENSION)
                assert_true(has_flag(r, GG_WF_F_NEEDS_NOTE));
            if (r->action == GG_WF_A_DISPATCH || r->action == GG_WF_A_ESCALATE ||
                r->action == GG_WF_A_REFER || r->action == GG_WF_A_SUMMON)
                assert_true(has_flag(r, GG_WF_F_NEEDS_TARGET));
            if (has_flag(r, GG_WF_F_COUNTS_AS_REWORK))
                assert_false(same);
            if (r->guard == GG_WF_G_RATING_OK || r->guard == GG_WF_G_RATING_BAD)
                assert_true(has_rating_twin(rows, nr, r));
            if (r->from == GG_WF_S_ANY_OPEN || r->from == GG_WF_S_ANY_ACTIVE)
                assert_true(same || r->action == GG_WF_A_CANCEL);
        }
    }
}

/* ---- grid event ---------------------------------------------------------- */

static void test_event_paths(void **unused)
{
    gg_wf_ctx rep_in = window(RESIDENT_REPORTER, 1000, 1000 + 7 * 86400, 7 * 86400);
    const struct step steps[] = {
        /* 上报 → 受理 → 派遣 → 签收 → 反馈 → 核查 → 结案 → 评价. */
        GO(EV, REPORTED, ACCEPT, GRIDWORKER, ACCEPTED, F_STAGE),
        THEN(EV, DISPATCH, COMMUNITY_OWNER, DISPATCHED, F_TGT | F_STAGE),
        THEN(EV, SIGN, DEPT_OWNER, HANDLING, F_STAGE),
        THEN(EV, FEEDBACK, DEPT_OWNER, FEEDBACK, F_NOTE | F_STAGE),
        THEN(EV, VERIFY, GRIDWORKER, VERIFIED, F_STAGE),
        THEN(EV, CLOSE, COMMUNITY, CLOSED, F_CLOSES),
        RATE(EV, CLOSED, RATE, RESIDENT_REPORTER, SATISFIED, RATED, F_RATING, 0),
        /* 不予受理 is final. */
        GO(EV, REPORTED, REFUSE, COMMUNITY, REFUSED, F_NOTE),
        NO(EV, REFUSED, REOPEN, rep_in, E409),
        /* The command centre dispatches anything in its scope; others only
         * what they hold. */
        GO(EV, ACCEPTED, DISPATCH, COMMAND, DISPATCHED, F_TGT),
        NO(EV, ACCEPTED, DISPATCH, GRIDWORKER, E403),
        NO(EV, ACCEPTED, DISPATCH, COMMAND_OUTSIDE, E403),
        /* 退单, before or after signing, back to the dispatcher's desk. */
        GO(EV, DISPATCHED, RETURN, DEPT_OWNER, ACCEPTED, F_NOTE | F_RET | F_STAGE),
        GO(EV, HANDLING, RETURN, DEPT_OWNER, ACCEPTED, F_RET),
        NO(EV, HANDLING, RETURN, DEPT_OTHER, E403),
        /* 返工 from 核查 and from the close review; the handler never verifies. */
        GO(EV, FEEDBACK, REWORK, GRIDWORKER, HANDLING, F_NOTE | F_REWORK | F_STAGE),
        GO(EV, VERIFIED, REWORK, COMMUNITY, HANDLING, F_REWORK),
        NO(EV, VERIFIED, CLOSE, GRIDWORKER, E403),
        NO(EV, FEEDBACK, VERIFY, DEPT_OWNER, E403),
        /* 延期: the holder asks, the dispatcher or the command centre decides. */
        GO(EV, HANDLING, REQUEST_EXTENSION, DEPT_OWNER, HANDLING, F_NOTE),
        WHY(EV, HANDLING, APPROVE_EXTENSION, COMMUNITY_DISPATCHER, E409, "no extension"),
        WHY(EV, HANDLING, REQUEST_EXTENSION, with(DEPT_OWNER, EXT), E409, "already pending"),
        GO(EV, HANDLING, APPROVE_EXTENSION, with(COMMUNITY_DISPATCHER, EXT), HANDLING, 0),
        GO(EV, HANDLING, DENY_EXTENSION, with(COMMAND, EXT), HANDLING, F_NOTE),
        NO(EV, HANDLING, APPROVE_EXTENSION, with(DEPT_OWNER, EXT), E403),
        NO(EV, HANDLING, APPROVE_EXTENSION, with(GRIDWORKER, EXT), E403),
        NO(EV, DISPATCHED, REQUEST_EXTENSION, DEPT_OWNER, E409),
        /* 挂账 and back: the clocks stop, then go on; not a new stage. */
        GO(EV, HANDLING, SUSPEND, COMMAND, SUSPENDED, F_NOTE | F_PAUSE),
        NO(EV, SUSPENDED, PAUSE_CLOCK, DEPT_OWNER, E409),
        NO(EV, SUSPENDED, FEEDBACK, DEPT_OWNER, E409),
        NO(EV, SUSPENDED, RESUME, COMMUNITY, E403),
        GOX(EV, SUSPENDED, RESUME, COMMAND, HANDLING, F_RESUME, F_STAGE),
        NO(EV, HANDLING, SUSPEND, COMMUNITY, E403),
        /* Escalation: the holder passes it up, where it waits for dispatch. */
        GO(EV, ACCEPTED, ESCALATE, COMMUNITY_OWNER, ACCEPTED, F_NOTE | F_TGT | F_STAGE),
        GO(EV, HANDLING, ESCALATE, GRIDWORKER_OWNER, ACCEPTED, F_TGT),
        NO(EV, HANDLING, ESCALATE, DEPT_OWNER, E403),
        NO(EV, DISPATCHED, ESCALATE, COMMUNITY_OWNER, E409),
    };
    assert_int_equal(RUN(steps), S(ACCEPTED));
}

static void test_event_side_actions(void **unused)
{
    const struct step steps[] = {
        /* Cancelled by the reporter or the command centre, while open. */
        GO(EV, DISPATCHED, CANCEL, RESIDENT_REPORTER, CANCELLED, F_NOTE),
        GO(EV, SUSPENDED, CANCEL, COMMAND, CANCELLED, F_NOTE),
        NO(EV, REPORTED, CANCEL, OTHER_RESIDENT, E403),
        NO(EV, REPORTED, CANCEL, COMMAND_OUTSIDE, E403),
        NO(EV, CLOSED, CANCEL, RESIDENT_REPORTER, E409),
        NO(EV, CANCELLED, CANCEL, COMMAND, E409),
        /* Reopened by the reporter from 结案 or after rating, within the
         * window (a clock that ran backwards counts as no time). */
        GO(EV, CLOSED, REOPEN, window(RESIDENT_REPORTER, 1000, 1600, 600), REPORTED,
           F_NOTE | F_STAGE),
        GO(EV, RATED, REOPEN, window(RESIDENT_REPORTER, 1000, 1600, 600), REPORTED, 0),
        GO(EV, CLOSED, REOPEN, window(RESIDENT_REPORTER, 1000, 900, 600), REPORTED, 0),
        WHY(EV, CLOSED, REOPEN, window(RESIDENT_REPORTER, 1000, 1601, 600), E409,
            "time to reopen"),
        NO(EV, CLOSED, REOPEN, window(RESIDENT_REPORTER, 1000, 1001, 0), E409),
        NO(EV, CLOSED, REOPEN, window(RESIDENT_REPORTER, 0, 1, 600), E409),
        NO(EV, CLOSED, REOPEN, window(OTHER_RESIDENT, 1000, 1001, 600), E403),
        /* +1 by other residents, never by the reporter; no state change. */
        GO(EV, HANDLING, SUPPORT, OTHER_RESIDENT, HANDLING, F_FLAG),
        GO(EV, HANDLING, SUPPORT, MEMBER, HANDLING, F_FLAG),
        NO(EV, HANDLING, SUPPORT, RESIDENT_REPORTER, E403),
        NO(EV, HANDLING, SUPPORT, GRIDWORKER, E403),
        NO(EV, CLOSED, SUPPORT, OTHER_RESIDENT, E409),
        /* 催办 and 督办: flags with their own log. */
        GO(EV, HANDLING, URGE, COMMUNITY, HANDLING, F_FLAG),
        GO(EV, HANDLING, URGE, RESIDENT_REPORTER, HANDLING, F_FLAG),
        GO(EV, HANDLING, SUPERVISE, COMMAND, HANDLING, F_FLAG | F_NOTE),
        NO(EV, HANDLING, SUPERVISE, COMMUNITY, E403),
        NO(EV, HANDLING, URGE, OTHER_RESIDENT, E403),
        /* The holder pauses the clock while waiting on the resident. */
        GO(EV, HANDLING, PAUSE_CLOCK, DEPT_OWNER, HANDLING, F_PAUSE | F_NOTE),
        WHY(EV, HANDLING, RESUME_CLOCK, DEPT_OWNER, E409, "not paused"),
        WHY(EV, HANDLING, PAUSE_CLOCK, with(DEPT_OWNER, PAUSED), E409, "already paused"),
        GO(EV, HANDLING, RESUME_CLOCK, with(DEPT_OWNER, PAUSED), HANDLING, F_RESUME),
        NO(EV, HANDLING, PAUSE_CLOCK, DEPT_OTHER, E403),
    };
    RUN(steps);
}

/* ---- 12345 hotline ------------------------------------------------------- */

static void test_hotline(void **unused)
{
    gg_wf_ctx cmd = sub(COMMAND, "complaint"), consult = sub(COMMAND, "consultation");
    gg_wf_ctx rep = RESIDENT_REPORTER;
    const struct step steps[] = {
        /* 受理 → 派单 → 签收 → 办结 → 审核 → 回访评价 → 归档. */
        GO(HL, INTAKE, DISPATCH, cmd, DISPATCHED, F_TGT | F_STAGE),
        THEN(HL, SIGN, DEPT_OWNER, HANDLING, F_STAGE),
        THEN(HL, FINISH, DEPT_OWNER, DONE, F_NOTE | F_STAGE),
        THEN(HL, REVIEW, COMMAND, REVIEWED, F_CLOSES),
        RATE(HL, REVIEWED, RATE, COMMAND, SATISFIED, RATED, F_RATING, F_REWORK),
        THEN(HL, ARCHIVE, COMMAND, ARCHIVED, 0),
        /* A consultation is answered at once and closed at intake. */
        GO(HL, INTAKE, ANSWER, consult, ANSWERED, F_CLOSES | F_NOTE),
        THEN(HL, ARCHIVE, COMMAND, ARCHIVED, 0),
        NO(HL, INTAKE, ANSWER, cmd, E409),
        NO(HL, INTAKE, ANSWER, COMMAND, E409), /* subtype unknown */
        NO(HL, INTAKE, ANSWER, sub(COMMUNITY, "consultation"), E403),
        /* 二次派单 by the street holding it; 退单 and 提级 go back to intake,
         * where the new holder dispatches again. */
        GO(HL, HANDLING, DISPATCH, COMMUNITY_OWNER, DISPATCHED, F_TGT),
        NO(HL, HANDLING, DISPATCH, DEPT_OWNER, E403),
        THEN(HL, RETURN, DEPT_OWNER, INTAKE, F_RET | F_NOTE),
        THEN(HL, DISPATCH, COMMUNITY_OWNER, DISPATCHED, F_TGT),
        GO(HL, HANDLING, RETURN, DEPT_OWNER, INTAKE, F_RET),
        GO(HL, HANDLING, ESCALATE, COMMUNITY_OWNER, INTAKE, F_TGT),
        NO(HL, HANDLING, ESCALATE, DEPT_OWNER, E403),
        /* 审核退回. */
        GO(HL, DONE, REWORK, COMMAND, HANDLING, F_REWORK),
        NO(HL, DONE, REVIEW, COMMUNITY, E403),
        NO(HL, DONE, REVIEW, DEPT_OWNER, E403),
        /* Unsatisfied → 重办; basically satisfied or better → rated. */
        RATE(HL, REVIEWED, RATE, rep, UNSATISFIED, HANDLING, F_RATING | F_REWORK | F_STAGE, 0),
        RATE(HL, REVIEWED, RATE, COMMAND, VERY_UNSATISFIED, HANDLING, F_REWORK, 0),
        RATE(HL, REVIEWED, RATE, rep, BASIC, RATED, F_RATING, F_REWORK),
        RATE(HL, REVIEWED, RATE, rep, VERY_SATISFIED, RATED, 0, F_REWORK),
        BAD_RATING(HL, REVIEWED, RATE, rep, 0),
        BAD_RATING(HL, REVIEWED, RATE, rep, -1),
        BAD_RATING(HL, REVIEWED, RATE, rep, 6),
        NO(HL, REVIEWED, RATE, OTHER_RESIDENT, E403),
        NO(HL, REVIEWED, RATE, DEPT_OWNER, E403),
        NO(HL, DONE, RATE, rep, E409),
        /* Resident not reached: archived without a rating; reopened later. */
        GO(HL, REVIEWED, ARCHIVE, COMMAND, ARCHIVED, F_NOTE),
        THEN(HL, REOPEN, window(rep, 100, 200, 100), INTAKE, F_STAGE),
        GO(HL, ANSWERED, REOPEN, window(rep, 100, 200, 100), INTAKE, 0),
        NO(HL, ARCHIVED, REOPEN, window(rep, 100, 201, 100), E409),
        /* 延期 and 挂账. */
        GO(HL, HANDLING, REQUEST_EXTENSION, DEPT_OWNER, HANDLING, F_NOTE),
        GO(HL, HANDLING, APPROVE_EXTENSION, with(COMMUNITY_DISPATCHER, EXT), HANDLING, 0),
        GO(HL, HANDLING, SUSPEND, COMMAND, SUSPENDED, F_PAUSE),
        THEN(HL, RESUME, COMMAND, HANDLING, F_RESUME),
    };
    assert_int_equal(RUN(steps), S(HANDLING));
}

/* ---- whistle ------------------------------------------------------------- */

static void test_whistle(void **unused)
{
    gg_wf_ctx street = with(COMMAND, UNRATED), all_rated = COMMAND;
    const struct step steps[] = {
        /* Each summoned department reports in; the state does not move. A
         * department summoned wrongly returns the summons (a wrong dispatch). */
        GOX(WH, BLOWN, REPORT_IN, DEPT_OWNER, BLOWN, 0, F_FLAG),
        THEN(WH, REPORT_IN, COMMUNITY_OWNER, BLOWN, 0),
        NO(WH, BLOWN, REPORT_IN, DEPT_OTHER, E403), /* not summoned */
        THEN(WH, RETURN, DEPT_OWNER, BLOWN, F_RET | F_NOTE),
        THEN(WH, SUMMON, COMMUNITY_DISPATCHER, BLOWN, F_TGT),
        NO(WH, BLOWN, START, DEPT_OWNER, E403),
        THEN(WH, START, COMMUNITY_DISPATCHER, JOINT_HANDLING, F_STAGE),
        THEN(WH, REPORT_IN, DEPT_OWNER, JOINT_HANDLING, 0), /* late, still recorded */
        NO(WH, JOINT_HANDLING, FINISH, DEPT_OWNER, E403),
        THEN(WH, FINISH, COMMUNITY_DISPATCHER, DONE, F_CLOSES | F_NOTE),
        /* The street rates each department, then closes. */
        RATE(WH, DONE, RATE_DEPARTMENT, street, SATISFIED, DONE, F_TGT | F_RATING, 0),
        BAD_RATING(WH, DONE, RATE_DEPARTMENT, street, 0),
        NO(WH, DONE, RATE_DEPARTMENT, COMMUNITY_DISPATCHER, E403),
        WHY(WH, DONE, CLOSE, street, E409, "rated first"),
        GO(WH, DONE, CLOSE, all_rated, CLOSED, 0),
        /* 提级吹哨, 挂账, 撤哨; no +1 and no reopen. */
        GO(WH, JOINT_HANDLING, ESCALATE, COMMUNITY_DISPATCHER, BLOWN, F_TGT | F_STAGE),
        THEN(WH, ESCALATE, COMMUNITY_DISPATCHER, BLOWN, F_TGT),
        NO(WH, BLOWN, ESCALATE, DEPT_OWNER, E403),
        GO(WH, JOINT_HANDLING, SUSPEND, COMMAND, SUSPENDED, F_PAUSE),
        THEN(WH, RESUME, COMMAND, JOINT_HANDLING, F_RESUME),
        THEN(WH, CANCEL, COMMUNITY_DISPATCHER, CANCELLED, F_NOTE),
        NO(WH, BLOWN, CANCEL, DEPT_OWNER, E403),
        NO(WH, BLOWN, SUPPORT, OTHER_RESIDENT, E409),
        NO(WH, CLOSED, REOPEN, COMMUNITY_DISPATCHER, E409),
    };
    assert_int_equal(RUN(steps), S(CANCELLED));
}

/* ---- service order ------------------------------------------------------- */

static void test_service_order(void **unused)
{
    const struct step steps[] = {
        /* 点单 → 审核 → 派单 → 接单 → 完成 → 评单. */
        GO(SV, ORDERED, REVIEW, COMMUNITY, APPROVED, F_STAGE),
        THEN(SV, DISPATCH, COMMUNITY, DISPATCHED, F_TGT | F_STAGE),
        THEN(SV, TAKE, DEPT_OWNER, TAKEN, F_STAGE),
        THEN(SV, FINISH, DEPT_OWNER, COMPLETED, F_CLOSES),
        RATE(SV, COMPLETED, RATE, RESIDENT_REPORTER, BASIC, RATED, F_RATING, 0),
        /* 领单: a party member or volunteer in scope claims it, before or
         * after it was dispatched to a team; then it is theirs. */
        GO(SV, APPROVED, CLAIM, MEMBER, TAKEN, F_STAGE),
        THEN(SV, FINISH, MEMBER_OWNER, COMPLETED, F_CLOSES),
        GO(SV, DISPATCHED, CLAIM, MEMBER, TAKEN, 0),
        NO(SV, APPROVED, CLAIM, who(GG_ROLE_MEMBER, 0), E403), /* outside their grid */
        NO(SV, APPROVED, CLAIM, OTHER_RESIDENT, E403),
        NO(SV, DISPATCHED, TAKE, MEMBER, E403), /* take is for the target */
        NO(SV, TAKEN, CLAIM, MEMBER, E409),
        /* A taker gives it back (退单); review may reject it outright. */
        GO(SV, TAKEN, RETURN, MEMBER_OWNER, APPROVED, F_RET | F_NOTE),
        GO(SV, ORDERED, REJECT, GRIDWORKER, REJECTED, F_NOTE),
        GO(SV, ORDERED, CANCEL, RESIDENT_REPORTER, CANCELLED, F_NOTE),
        NO(SV, ORDERED, REVIEW, RESIDENT_REPORTER, E403),
        NO(SV, COMPLETED, RATE, OTHER_RESIDENT, E403),
        NO(SV, ORDERED, SUPPORT, OTHER_RESIDENT, E409),
    };
    RUN(steps);
}

/* ---- dispute ------------------------------------------------------------- */

static void test_dispute(void **unused)
{
    const struct step steps[] = {
        /* 受理登记 → 调查 → 调解 → 协议 → 履行 → 回访 → 归档. */
        GO(DS, REGISTERED, ACCEPT, COMMUNITY, INVESTIGATING, F_STAGE),
        THEN(DS, MEDIATE, COMMUNITY_OWNER, MEDIATING, F_STAGE),
        THEN(DS, AGREE, COMMUNITY_OWNER, AGREEMENT, F_NOTE),
        THEN(DS, PERFORM, COMMUNITY_OWNER, PERFORMING, F_STAGE),
        THEN(DS, FINISH, COMMUNITY_OWNER, FOLLOW_UP, F_STAGE),
        THEN(DS, ARCHIVE, GRIDWORKER, ARCHIVED, F_CLOSES | F_NOTE),
        /* 调解不成 → 分流; the receiving body may send it back; the referring
         * unit records the outcome. */
        GO(DS, MEDIATING, FAIL, COMMUNITY_OWNER, FAILED, F_NOTE),
        THEN(DS, REFER, COMMUNITY_OWNER, REFERRED, F_TGT),
        THEN(DS, RETURN, DEPT_OWNER, FAILED, F_RET),
        THEN(DS, REFER, COMMUNITY_OWNER, REFERRED, F_TGT),
        THEN(DS, FINISH, COMMUNITY_DISPATCHER, FOLLOW_UP, 0),
        THEN(DS, ARCHIVE, COMMUNITY_OWNER, ARCHIVED, F_CLOSES),
        NO(DS, FAILED, AGREE, COMMUNITY_OWNER, E409),
        /* 不予受理, 提级调解, 延期, reopen. */
        GO(DS, REGISTERED, REJECT, COMMUNITY, REJECTED, F_NOTE),
        GO(DS, MEDIATING, ESCALATE, COMMUNITY_OWNER, REGISTERED, F_TGT),
        GO(DS, MEDIATING, REQUEST_EXTENSION, COMMUNITY_OWNER, MEDIATING, F_NOTE),
        GO(DS, MEDIATING, APPROVE_EXTENSION, with(COMMAND, EXT), MEDIATING, 0),
        GO(DS, ARCHIVED, REOPEN, window(RESIDENT_REPORTER, 10, 20, 30), REGISTERED, F_STAGE),
        NO(DS, MEDIATING, AGREE, COMMUNITY, E403), /* in scope, but not the mediator */
        NO(DS, MEDIATING, AGREE, OTHER_RESIDENT, E403),
        NO(DS, MEDIATING, SUPPORT, OTHER_RESIDENT, E409),
    };
    RUN(steps);
}

/* ---- errors -------------------------------------------------------------- */

static void test_errors(void **unused)
{
    const struct step steps[] = {
        /* Wrong role: 403 naming the role; right role, wrong relation: 403
         * naming who may. */
        WHY(EV, REPORTED, ACCEPT, RESIDENT_REPORTER, E403, "role resident may not accept"),
        WHY(EV, DISPATCHED, SIGN, DEPT_OTHER, E403, "only the case's holder may sign"),
        WHY(EV, REPORTED, ACCEPT, COMMAND_OUTSIDE, E403, "scope covers"),
        /* Not applicable in this state: 409, before any question of who. */
        WHY(EV, REPORTED, SIGN, RESIDENT_REPORTER, E409,
            "sign: not applicable to event cases in state reported"),
        NO(EV, REPORTED, REPORT_IN, DEPT_OWNER, E409), /* a whistle's action */
        NO(HL, ARCHIVED, FINISH, DEPT_OWNER, E409),
    };
    RUN(steps);

    gg_wf_ctx c = RESIDENT_REPORTER;
    gg_error e = {0};
    const gg_wf_transition *r = NULL;
    /* Nonsense arguments: 422. */
    assert_int_equal(gg_wf_lookup(0, S(REPORTED), A(ACCEPT), &c, 0, &r, &e), GG_EINVAL);
    assert_string_equal(e.code, "invalid_kind");
    assert_int_equal(gg_wf_lookup(EV, S(BLOWN), A(ACCEPT), &c, 0, &r, &e), GG_EINVAL);
    assert_string_equal(e.code, "invalid_state");
    assert_int_equal(gg_wf_lookup(EV, GG_WF_S_SAME, A(ACCEPT), &c, 0, &r, &e), GG_EINVAL);
    assert_int_equal(gg_wf_lookup(EV, S(REPORTED), 0, &c, 0, &r, &e), GG_EINVAL);
    assert_string_equal(e.code, "invalid_action");
    assert_int_equal(gg_wf_lookup(EV, S(REPORTED), GG_WF_A__COUNT, &c, 0, &r, &e), GG_EINVAL);
    assert_null(r);
    /* No context means nobody; no error struct and no out are fine. */
    assert_int_equal(gg_wf_lookup(EV, S(REPORTED), A(ACCEPT), NULL, 0, &r, &e), GG_EFORBIDDEN);
    assert_non_null(strstr(e.message, "(none)"));
    gg_wf_ctx gw = GRIDWORKER;
    assert_int_equal(gg_wf_lookup(EV, S(REPORTED), A(ACCEPT), &gw, 0, NULL, NULL), GG_OK);

    /* Inputs a row demands. */
    gg_wf_ctx cmd = COMMAND;
    assert_int_equal(gg_wf_lookup(EV, S(ACCEPTED), A(DISPATCH), &cmd, 0, &r, &e), GG_OK);
    assert_int_equal(gg_wf_check_input(r, true, false, &e), GG_EINVAL);
    assert_string_equal(e.code, "target_required");
    assert_string_equal(e.field, "target");
    assert_int_equal(gg_wf_check_input(r, false, true, &e), GG_OK);

    /* Escalation climbs the place tree, never sideways or down. */
    assert_int_equal(gg_wf_escalation_check(GG_PK_GRID, GG_PK_COMMUNITY, &e), GG_OK);
    assert_int_equal(gg_wf_escalation_check(GG_PK_COMMUNITY, GG_PK_STREET, &e), GG_OK);
    assert_int_equal(gg_wf_escalation_check(GG_PK_STREET, GG_PK_DISTRICT, &e), GG_OK);
    assert_int_equal(gg_wf_escalation_check(GG_PK_GRID, GG_PK_DISTRICT, &e), GG_OK);
    assert_int_equal(gg_wf_escalation_check(GG_PK_GRID, GG_PK_GRID, &e), GG_EINVAL);
    assert_string_equal(e.field, "target");
    assert_int_equal(gg_wf_escalation_check(GG_PK_STREET, GG_PK_GRID, &e), GG_EINVAL);
    assert_int_equal(gg_wf_escalation_check(GG_PK_DISTRICT, GG_PK_NONE, &e), GG_EINVAL);
    assert_int_equal(gg_wf_escalation_check(GG_PK_NONE, GG_PK_DISTRICT, &e), GG_EINVAL);
}

/* ---- allowed actions ----------------------------------------------------- */

static void test_allowed_lists(void **unused)
{
    ALLOWED(EV, REPORTED, GRIDWORKER, A(ACCEPT), A(REFUSE));
    ALLOWED(EV, REPORTED, COMMAND, A(ACCEPT), A(REFUSE), A(CANCEL), A(URGE), A(SUPERVISE));
    ALLOWED(EV, REPORTED, RESIDENT_REPORTER, A(CANCEL), A(URGE));
    ALLOWED(EV, REPORTED, OTHER_RESIDENT, A(SUPPORT));
    ALLOWED(EV, HANDLING, DEPT_OWNER, A(RETURN), A(FEEDBACK), A(REQUEST_EXTENSION),
            A(PAUSE_CLOCK));
    ALLOWED(EV, HANDLING, with(DEPT_OWNER, EXT | PAUSED), A(RETURN), A(FEEDBACK),
            A(RESUME_CLOCK));
    ALLOWED(EV, HANDLING, with(COMMAND, EXT), A(APPROVE_EXTENSION), A(DENY_EXTENSION),
            A(SUSPEND), A(CANCEL), A(URGE), A(SUPERVISE));
    ALLOWED(EV, SUSPENDED, COMMAND, A(RESUME), A(CANCEL), A(URGE), A(SUPERVISE));
    NONE_ALLOWED(EV, HANDLING, DEPT_OTHER);
    NONE_ALLOWED(EV, RATED, COMMAND);
    ALLOWED(EV, CLOSED, RESIDENT_REPORTER, A(RATE)); /* no window given */

    ALLOWED(EV, CLOSED, window(RESIDENT_REPORTER, 1, 2, 10), A(RATE), A(REOPEN));
    ALLOWED(HL, ARCHIVED, window(RESIDENT_REPORTER, 1, 11, 10), A(REOPEN));
    NONE_ALLOWED(HL, ARCHIVED, window(RESIDENT_REPORTER, 1, 12, 10));

    ALLOWED(HL, INTAKE, sub(COMMAND, "consultation"), A(ANSWER), A(DISPATCH), A(CANCEL),
            A(URGE), A(SUPERVISE));
    ALLOWED(HL, INTAKE, sub(COMMAND, "complaint"), A(DISPATCH), A(CANCEL), A(URGE),
            A(SUPERVISE));
    ALLOWED(HL, REVIEWED, COMMAND, A(RATE), A(ARCHIVE));
    ALLOWED(HL, DISPATCHED, DEPT_OWNER, A(SIGN), A(RETURN), A(PAUSE_CLOCK));

    ALLOWED(WH, DONE, with(COMMAND, UNRATED), A(RATE_DEPARTMENT));
    ALLOWED(WH, DONE, COMMAND, A(CLOSE), A(RATE_DEPARTMENT));
    ALLOWED(WH, BLOWN, DEPT_OWNER, A(RETURN), A(REPORT_IN));
    ALLOWED(WH, BLOWN, COMMUNITY_DISPATCHER, A(START), A(SUMMON), A(ESCALATE), A(CANCEL),
            A(PAUSE_CLOCK));

    ALLOWED(SV, APPROVED, MEMBER, A(CLAIM));
    ALLOWED(SV, DISPATCHED, MEMBER_OWNER, A(TAKE), A(CLAIM), A(RETURN), A(PAUSE_CLOCK));
    ALLOWED(DS, MEDIATING, COMMUNITY_OWNER, A(AGREE), A(FAIL), A(REQUEST_EXTENSION),
            A(ESCALATE), A(CANCEL), A(URGE), A(PAUSE_CLOCK));

    /* A short buffer still gets the full count; bad arguments are refused. */
    int two[2] = {0, 0};
    gg_wf_ctx c = COMMAND;
    assert_int_equal(gg_wf_allowed(EV, S(REPORTED), &c, two, 2), 5);
    assert_int_equal(two[0], A(ACCEPT));
    assert_int_equal(two[1], A(REFUSE));
    assert_int_equal(gg_wf_allowed(EV, S(REPORTED), &c, NULL, 0), 5);
    assert_int_equal(gg_wf_allowed(EV, S(BLOWN), &c, two, 2), GG_EINVAL);
    assert_int_equal(gg_wf_allowed(0, S(REPORTED), &c, two, 2), GG_EINVAL);
    assert_int_equal(gg_wf_allowed(EV, S(REPORTED), NULL, two, 2), GG_EINVAL);
}

/* An action is in the allowed list exactly when lookup accepts it, and a
 * refusal is 403 or 409. Returns the number of actions checked. */
static int agrees_at(int kind, int state, const gg_wf_ctx *c)
{
    int list[GG_WF_A__COUNT];
    int n = gg_wf_allowed(kind, state, c, list, GG_WF_A__COUNT);
    uint64_t in = 0;
    assert_true(n >= 0 && n < GG_WF_A__COUNT);
    for (int j = 0; j < n; j++)
        in |= UINT64_C(1) << list[j];
    for (int a = GG_WF_A_NONE + 1; a < GG_WF_A__COUNT; a++) {
        int rc = gg_wf_lookup(kind, state, a, c, GG_WF_RATING_SATISFIED, NULL, NULL);
        bool listed = (in >> a) & 1;
        if (listed != (rc == GG_OK))
            print_error("%s %s %s role %d: rc %d\n", gg_wf_kind_name(kind),
                        gg_wf_state_name(state), gg_wf_action_name(a), c->role, rc);
        assert_int_equal(listed, rc == GG_OK);
        assert_true(rc == GG_OK || rc == GG_ECONFLICT || rc == GG_EFORBIDDEN);
    }
    return GG_WF_A__COUNT - 1;
}

/* For every kind, state, role, relation and fact of the case, the list and
 * lookup agree — so a UI that shows the list never offers a refused action. */
static void test_allowed_agrees_with_lookup(void **unused)
{
    static const char *const subs[GG_WF_KIND__COUNT][2] = {
        [GG_WF_KIND_HOTLINE] = {"consultation", "complaint"},
        [GG_WF_KIND_WHISTLE] = {"emergency", "key_work"},
    };
    int checked = 0;
    for (int k = GG_WF_KIND_NONE + 1; k < GG_WF_KIND__COUNT; k++) {
        const gg_wf_state_info *st;
        int ns = gg_wf_states(k, &st);
        /* combo: role × 4 relation bits × 4 fact bits */
        for (int i = 0; i < ns; i++)
            for (unsigned combo = 0; combo < GG_ROLE__COUNT * 256u; combo++) {
                unsigned f = combo % 16;
                gg_wf_ctx c = who((int)(combo / 256), (combo / 16) % 16);
                /* facts: subtype; extension pending; clock paused; reopen
                 * window passed and departments unrated */
                c = with(c, ((f & 2) ? EXT : 0) | ((f & 4) ? PAUSED : 0) | ((f & 8) ? UNRATED : 0));
                c = window(sub(c, subs[k][f & 1]), 100, 150, (f & 8) ? 10 : 100);
                checked += agrees_at(k, st[i].state, &c);
            }
    }
    assert_true(checked > 100000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names_round_trip),
        cmocka_unit_test(test_subtypes_and_initial),
        cmocka_unit_test(test_tables_reachable),
        cmocka_unit_test(test_tables_no_dead_ends),
        cmocka_unit_test(test_tables_flags_consistent),
        cmocka_unit_test(test_event_paths),
        cmocka_unit_test(test_event_side_actions),
        cmocka_unit_test(test_hotline),
        cmocka_unit_test(test_whistle),
        cmocka_unit_test(test_service_order),
        cmocka_unit_test(test_dispute),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_allowed_lists),
        cmocka_unit_test(test_allowed_agrees_with_lookup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
