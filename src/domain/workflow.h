/*
 * workflow.h — the workflow tables of the case engine, as pure functions
 * (no I/O, no SQL, no allocation).
 *
 * One engine serves five kinds of case (PRODUCT.md §3): grid event 网格事件,
 * hotline work order 12345工单, whistle 吹哨, service order 点单 and dispute
 * 矛盾纠纷. Each kind has a table of states and a table of transitions:
 * (from-state, action) → to-state, the roles that may take the action, the
 * relation the actor must have to the case, an optional guard on facts of the
 * case, and flags that tell the caller what else the step means (a note or a
 * target is required, the stage clock restarts, it counts as a return, …).
 * The functions below only scan those tables (workflow_tables.c holds them,
 * workflow.c decides with them).
 *
 * The caller (api/ and store/) owns everything else: who holds the case,
 * the flow log, clocks, metrics. It describes the actor and the case in a
 * gg_wf_ctx, asks gg_wf_lookup whether an action is legal, applies the row it
 * gets back, and puts gg_wf_allowed() in the case JSON and in a 409 answer.
 *
 * Names of kinds, states, actions, stages and ratings are stable lower_snake
 * ASCII identifiers for the API; each has a Chinese label.
 */
#ifndef GG_DOMAIN_WORKFLOW_H
#define GG_DOMAIN_WORKFLOW_H

#include <stdbool.h>
#include <stdint.h>

#include "core/gg.h"

enum gg_wf_kind {
    GG_WF_KIND_NONE = 0,
    GG_WF_KIND_EVENT,   /* "event"   网格事件 */
    GG_WF_KIND_HOTLINE, /* "hotline" 12345工单 */
    GG_WF_KIND_WHISTLE, /* "whistle" 吹哨 (subtype required) */
    GG_WF_KIND_SERVICE, /* "service" 点单 */
    GG_WF_KIND_DISPUTE, /* "dispute" 矛盾纠纷 */
    GG_WF_KIND__COUNT
};

/* States. One name space for all kinds; each kind uses a subset, and what a
 * state means (its class, its stage clock, its label) is per kind. */
enum gg_wf_state {
    GG_WF_S_ANY_ACTIVE = -3, /* row wildcard: any open state with a stage clock */
    GG_WF_S_ANY_OPEN = -2,   /* row wildcard: any open state */
    GG_WF_S_SAME = -1,       /* row target: no state change */
    GG_WF_S_NONE = 0,
    GG_WF_S_REPORTED,
    GG_WF_S_ACCEPTED,
    GG_WF_S_REFUSED,
    GG_WF_S_DISPATCHED,
    GG_WF_S_HANDLING,
    GG_WF_S_FEEDBACK,
    GG_WF_S_VERIFIED,
    GG_WF_S_CLOSED,
    GG_WF_S_RATED,
    GG_WF_S_INTAKE,
    GG_WF_S_ANSWERED,
    GG_WF_S_DONE,
    GG_WF_S_REVIEWED,
    GG_WF_S_ARCHIVED,
    GG_WF_S_BLOWN,
    GG_WF_S_JOINT_HANDLING,
    GG_WF_S_ORDERED,
    GG_WF_S_APPROVED,
    GG_WF_S_REJECTED,
    GG_WF_S_TAKEN,
    GG_WF_S_COMPLETED,
    GG_WF_S_REGISTERED,
    GG_WF_S_INVESTIGATING,
    GG_WF_S_MEDIATING,
    GG_WF_S_AGREEMENT,
    GG_WF_S_FAILED,
    GG_WF_S_REFERRED,
    GG_WF_S_PERFORMING,
    GG_WF_S_FOLLOW_UP,
    GG_WF_S_SUSPENDED,
    GG_WF_S_CANCELLED,
    GG_WF_S__COUNT
};

/* Actions (fewer than 64: a set of them fits a uint64_t). */
enum gg_wf_action {
    GG_WF_A_NONE = 0,
    GG_WF_A_ACCEPT,
    GG_WF_A_REFUSE,
    GG_WF_A_REJECT,
    GG_WF_A_ANSWER,
    GG_WF_A_DISPATCH,
    GG_WF_A_SIGN,
    GG_WF_A_TAKE,
    GG_WF_A_CLAIM,
    GG_WF_A_RETURN,
    GG_WF_A_FEEDBACK,
    GG_WF_A_VERIFY,
    GG_WF_A_REWORK,
    GG_WF_A_CLOSE,
    GG_WF_A_FINISH,
    GG_WF_A_REVIEW,
    GG_WF_A_RATE,
    GG_WF_A_ARCHIVE,
    GG_WF_A_REPORT_IN,
    GG_WF_A_START,
    GG_WF_A_SUMMON,
    GG_WF_A_RATE_DEPARTMENT,
    GG_WF_A_MEDIATE,
    GG_WF_A_AGREE,
    GG_WF_A_FAIL,
    GG_WF_A_REFER,
    GG_WF_A_PERFORM,
    GG_WF_A_REQUEST_EXTENSION,
    GG_WF_A_APPROVE_EXTENSION,
    GG_WF_A_DENY_EXTENSION,
    GG_WF_A_SUSPEND,
    GG_WF_A_RESUME,
    GG_WF_A_ESCALATE,
    GG_WF_A_CANCEL,
    GG_WF_A_REOPEN,
    GG_WF_A_SUPPORT,
    GG_WF_A_URGE,
    GG_WF_A_SUPERVISE,
    GG_WF_A_PAUSE_CLOCK,
    GG_WF_A_RESUME_CLOCK,
    GG_WF_A__COUNT
};

/* What a state is, per kind. OPEN: work is pending, it sits in someone's
 * queue, clocks may run. CLOSED: the work is over (counted as closed where a
 * row said so) but follow-ups remain — rating, archiving, reopening. TERMINAL:
 * nothing follows except, for some kinds, a reopen by the reporter. */
enum gg_wf_class { GG_WF_CLASS_NONE = 0, GG_WF_OPEN, GG_WF_CLOSED, GG_WF_TERMINAL };

/* Stage clocks: which per-stage time limit applies while a case sits in a
 * state (limits per category × stage are configuration, not here). */
enum gg_wf_stage {
    GG_WF_STAGE_NONE = 0,  /* no stage clock (closed, or held as unsolvable) */
    GG_WF_STAGE_ACCEPT,    /* "accept"    受理 */
    GG_WF_STAGE_DISPATCH,  /* "dispatch"  派遣 */
    GG_WF_STAGE_SIGN,      /* "sign"      签收 */
    GG_WF_STAGE_REPORT_IN, /* "report_in" 报到 */
    GG_WF_STAGE_HANDLE,    /* "handle"    处置 */
    GG_WF_STAGE_VERIFY,    /* "verify"    核查 */
    GG_WF_STAGE_CLOSE,     /* "close"     结案 */
    GG_WF_STAGE_FOLLOW_UP, /* "follow_up" 回访 */
    GG_WF_STAGE__COUNT
};

/* The relation an actor must have to the case, besides a role in the mask. */
enum gg_wf_rel {
    GG_WF_REL_ANY_IN_SCOPE = 0, /* staff whose scope covers the case's place */
    GG_WF_REL_OWNER,            /* the holder, or a member of the holding unit */
    GG_WF_REL_REPORTER,         /* who filed it */
    GG_WF_REL_NOT_REPORTER,     /* anyone but who filed it (+1 support) */
    GG_WF_REL_DISPATCHER,       /* the unit/person that dispatched it to the holder */
};

/* A condition on facts of the case (gg_wf_ctx) or on the rating given. */
enum gg_wf_guard {
    GG_WF_G_NONE = 0,
    GG_WF_G_CLOCK_RUNNING,     /* the clock is not paused */
    GG_WF_G_CLOCK_PAUSED,      /* the clock is paused */
    GG_WF_G_NO_EXTENSION,      /* no extension request pending */
    GG_WF_G_EXTENSION_PENDING, /* an extension request awaits a decision */
    GG_WF_G_REOPEN_WINDOW,     /* closed no longer ago than the reopen window */
    GG_WF_G_ALL_RATED,         /* whistle: every summoned department rated */
    GG_WF_G_RATING_OK,         /* rating basically satisfied or better */
    GG_WF_G_RATING_BAD,        /* rating unsatisfied or very unsatisfied */
};

/* Flags of a transition row. */
enum {
    GG_WF_F_NEEDS_NOTE = 1u << 0,         /* a reason / remark is required */
    GG_WF_F_NEEDS_TARGET = 1u << 1,       /* a target unit or person is required */
    GG_WF_F_NEEDS_RATING = 1u << 2,       /* a rating 1–5 is required */
    GG_WF_F_COUNTS_AS_RETURN = 1u << 3,   /* 退单: a wrong dispatch */
    GG_WF_F_COUNTS_AS_REWORK = 1u << 4,   /* 返工 / 重办 */
    GG_WF_F_PAUSES_CLOCK = 1u << 5,       /* overall and stage clocks stop */
    GG_WF_F_RESUMES_CLOCK = 1u << 6,      /* … and run again */
    GG_WF_F_STARTS_STAGE_CLOCK = 1u << 7, /* a new stage begins: its clock restarts */
    GG_WF_F_CLOSES = 1u << 8,             /* the case counts as closed (结案) from here */
    GG_WF_F_IS_FLAG_ACTION = 1u << 9,     /* urge/supervise/support: own log, no state */
};

/* One row of a workflow table. from may be GG_WF_S_ANY_OPEN/ANY_ACTIVE; to
 * may be GG_WF_S_SAME. Several rows may share (kind, from, action): they are
 * alternatives — different actors, or different ratings leading elsewhere. */
typedef struct gg_wf_transition {
    int kind;
    int from;
    int action;
    int to;
    unsigned roles;      /* mask of GG_R(role) */
    int rel;             /* enum gg_wf_rel */
    int guard;           /* enum gg_wf_guard */
    const char *subtype; /* only for cases of this subtype; NULL: any */
    unsigned flags;      /* GG_WF_F_* */
} gg_wf_transition;

/* The actor and the facts of the case that decide legality. The caller fills
 * it; zero is a safe default for every field (nobody, nothing pending). For
 * a whistle, the summoned departments are the holders: is_owner is true for
 * a member of any summoned unit, and the unit that blew it is the dispatcher. */
typedef struct gg_wf_ctx {
    int role;               /* enum gg_role */
    bool in_scope;          /* the actor's scope covers the case's place */
    bool is_owner;
    bool is_reporter;
    bool is_dispatcher;
    const char *subtype;    /* the case's subtype (NULL if none) */
    bool clock_paused;      /* pause_clock taken and not yet resumed */
    bool extension_pending; /* request_extension taken and not decided */
    int unrated_units;      /* whistle: summoned departments not yet rated */
    int64_t now;            /* seconds, any epoch shared with closed_at */
    int64_t closed_at;      /* when the case last left the open states; 0: never */
    int64_t reopen_window;  /* seconds a reporter may reopen; <= 0: never */
} gg_wf_ctx;

/* Rating levels 1–5 (5 best). Levels 1–2 are unsatisfied: on a hotline order
 * they send it back for 重办. */
enum gg_wf_rating {
    GG_WF_RATING_NONE = 0,
    GG_WF_RATING_VERY_UNSATISFIED = 1, /* 非常不满意 */
    GG_WF_RATING_UNSATISFIED = 2,      /* 不满意 */
    GG_WF_RATING_BASIC = 3,            /* 基本满意 "basically_satisfied" */
    GG_WF_RATING_SATISFIED = 4,        /* 满意 */
    GG_WF_RATING_VERY_SATISFIED = 5,   /* 非常满意 */
};

/* ---- names and labels (NULL / NONE when unknown) ------------------------- */

const char *gg_wf_kind_name(int kind);
const char *gg_wf_kind_label_zh(int kind);
int gg_wf_kind_parse(const char *name);

/* A state's name is global; its label is the kind's ("已派遣" vs "已派单"). */
const char *gg_wf_state_name(int state);
const char *gg_wf_state_label_zh(int kind, int state);
/* Only states of this kind parse. */
int gg_wf_state_parse(int kind, const char *name);

const char *gg_wf_action_name(int action);
/* The kind's label for the action; kind GG_WF_KIND_NONE gives the generic one. */
const char *gg_wf_action_label_zh(int kind, int action);
int gg_wf_action_parse(const char *name);

const char *gg_wf_stage_name(int stage);
const char *gg_wf_stage_label_zh(int stage);
int gg_wf_stage_parse(const char *name);

const char *gg_wf_rating_name(int rating);
const char *gg_wf_rating_label_zh(int rating);
int gg_wf_rating_parse(const char *name);
/* Basically satisfied or better (does not send a case back). */
bool gg_wf_rating_ok(int rating);

/* Subtypes: whistle "management_service" 管理服务哨 | "key_work" 重点工作哨 |
 * "emergency" 应急处置哨 (required); hotline request type "consultation" 咨询 |
 * "help" 求助 | "complaint" 投诉 | "report" 举报 | "suggestion" 建议 (required);
 * other kinds take none (NULL only). */
bool gg_wf_subtype_valid(int kind, const char *subtype);
const char *gg_wf_subtype_label_zh(int kind, const char *subtype);

/* ---- the tables --------------------------------------------------------- */

/* A state as one kind sees it. */
typedef struct gg_wf_state_info {
    int state;
    int cls;        /* enum gg_wf_class */
    int stage;      /* enum gg_wf_stage */
    const char *zh; /* the kind's label */
} gg_wf_state_info;

/* A kind's table of states (the first is the initial state) and its table
 * of transitions, in table order; each returns the count (0 and NULL for an
 * unknown kind). For workflow.c, docs, the OpenAPI file and tests. */
int gg_wf_states(int kind, const gg_wf_state_info **states);
int gg_wf_rows(int kind, const gg_wf_transition **rows);

/* GG_WF_CLASS_NONE if the state is not one of the kind's. */
int gg_wf_state_class(int kind, int state);
int gg_wf_state_stage(int kind, int state);
bool gg_wf_is_open(int kind, int state);

/* The state a new case of this kind starts in; GG_WF_S_NONE if unknown. */
int gg_wf_initial_state(int kind);

/* Check a new case's subtype and give the state it is created in. A hotline
 * consultation answered at once (answer_now) is created closed ("answered",
 * through the "answer" row, which the caller logs as the second step); any
 * other answer_now is refused. 422 invalid_subtype / invalid_answer_now. */
int gg_wf_initial(int kind, const char *subtype, bool answer_now, int *state, gg_error *e);

/* ---- deciding ----------------------------------------------------------- */

/*
 * Is action legal on a case of this kind in this state for this actor?
 * On success *out is the row to apply. rating is the level given with the
 * action (0 when it takes none); it picks between rows that differ by rating.
 * Errors, checked in this order:
 *   GG_EINVAL     422 invalid_kind / invalid_state / invalid_action
 *   GG_ECONFLICT  409 illegal_action — the action does not apply in this state
 *   GG_EFORBIDDEN 403 forbidden      — it applies, but not to this actor
 *   GG_ECONFLICT  409 illegal_action — a guard fails (clock, extension, window)
 *   GG_EINVAL     422 invalid_rating (field "rating") — a rating 1–5 is needed
 */
int gg_wf_lookup(int kind, int state, int action, const gg_wf_ctx *c, int rating,
                 const gg_wf_transition **out, gg_error *e);

/* The actions this actor may take now, each once, in enum order, into out
 * (up to cap). Returns how many there are (may exceed cap), or GG_EINVAL
 * for an unknown kind or state. Rating rows count whatever the rating. */
int gg_wf_allowed(int kind, int state, const gg_wf_ctx *c, int *out, int cap);

/* The state after applying r to a case in state current. */
int gg_wf_next_state(const gg_wf_transition *r, int current);

/* The inputs the row demands: 422 note_required (field "note"),
 * target_required (field "target"). Ratings are checked by gg_wf_lookup. */
int gg_wf_check_input(const gg_wf_transition *r, bool has_note, bool has_target, gg_error *e);

/* Escalation climbs the tree: grid → community → street → district. Given
 * the place kinds (enum gg_place_kind) of the holder's level and of the
 * target's, 0 if the target is strictly higher and at most a district;
 * otherwise 422 invalid_target (field "target"). */
int gg_wf_escalation_check(int holder_place_kind, int target_place_kind, gg_error *e);

#endif
