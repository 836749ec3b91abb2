/*
 * workflow_tables.c — the workflow tables of the case engine, and the names
 * and labels of what they speak of (see workflow.h for the contract; the
 * deciding functions are in workflow.c).
 *
 * Everything a kind of case may do is a row in one of the static tables
 * below. To change a workflow, change a table: the unit tests walk every
 * table as a graph (every state reachable from the initial one, every open
 * state able to reach a closing step) and check the flags against the
 * states, so a bad row fails there.
 *
 * Reading a row: R(kind, from, action, to, roles, relation, guard, flags).
 *   from  a state, ANY_OPEN (every open state) or ANY_ACTIVE (every open
 *         state with a stage clock, i.e. not held as unsolvable 挂账)
 *   to    a state or SAME (flag actions, extensions, report-in, ratings of
 *         departments: recorded in the log, the state does not move)
 * Rows with the same (from, action) are alternatives: one per kind of actor
 * (the holder, or the command centre over its scope, …) or, for ratings, one
 * per outcome (a hotline order rated unsatisfied goes back for 重办).
 */
#include "domain/workflow.h"

#include <string.h>

#include "domain/authz.h"

/* ---- names -------------------------------------------------------------- */

static const struct {
    const char *name;
    const char *zh;
} kind_names[GG_WF_KIND__COUNT] = {
    [GG_WF_KIND_EVENT] = {"event", "网格事件"},
    [GG_WF_KIND_HOTLINE] = {"hotline", "12345工单"},
    [GG_WF_KIND_WHISTLE] = {"whistle", "吹哨"},
    [GG_WF_KIND_SERVICE] = {"service", "点单"},
    [GG_WF_KIND_DISPUTE] = {"dispute", "矛盾纠纷"},
};

static const char *const state_names[GG_WF_S__COUNT] = {
    [GG_WF_S_REPORTED] = "reported",
    [GG_WF_S_ACCEPTED] = "accepted",
    [GG_WF_S_REFUSED] = "refused",
    [GG_WF_S_DISPATCHED] = "dispatched",
    [GG_WF_S_HANDLING] = "handling",
    [GG_WF_S_FEEDBACK] = "feedback",
    [GG_WF_S_VERIFIED] = "verified",
    [GG_WF_S_CLOSED] = "closed",
    [GG_WF_S_RATED] = "rated",
    [GG_WF_S_INTAKE] = "intake",
    [GG_WF_S_ANSWERED] = "answered",
    [GG_WF_S_DONE] = "done",
    [GG_WF_S_REVIEWED] = "reviewed",
    [GG_WF_S_ARCHIVED] = "archived",
    [GG_WF_S_BLOWN] = "blown",
    [GG_WF_S_JOINT_HANDLING] = "joint_handling",
    [GG_WF_S_ORDERED] = "ordered",
    [GG_WF_S_APPROVED] = "approved",
    [GG_WF_S_REJECTED] = "rejected",
    [GG_WF_S_TAKEN] = "taken",
    [GG_WF_S_COMPLETED] = "completed",
    [GG_WF_S_REGISTERED] = "registered",
    [GG_WF_S_INVESTIGATING] = "investigating",
    [GG_WF_S_MEDIATING] = "mediating",
    [GG_WF_S_AGREEMENT] = "agreement",
    [GG_WF_S_FAILED] = "failed",
    [GG_WF_S_REFERRED] = "referred",
    [GG_WF_S_PERFORMING] = "performing",
    [GG_WF_S_FOLLOW_UP] = "follow_up",
    [GG_WF_S_SUSPENDED] = "suspended",
    [GG_WF_S_CANCELLED] = "cancelled",
};

/* Generic labels; action_labels below gives a kind its own wording. */
static const struct {
    const char *name;
    const char *zh;
} action_names[GG_WF_A__COUNT] = {
    [GG_WF_A_ACCEPT] = {"accept", "受理"},
    [GG_WF_A_REFUSE] = {"refuse", "不予受理"},
    [GG_WF_A_REJECT] = {"reject", "驳回"},
    [GG_WF_A_ANSWER] = {"answer", "直接答复"},
    [GG_WF_A_DISPATCH] = {"dispatch", "派单"},
    [GG_WF_A_SIGN] = {"sign", "签收"},
    [GG_WF_A_TAKE] = {"take", "接单"},
    [GG_WF_A_CLAIM] = {"claim", "领单"},
    [GG_WF_A_RETURN] = {"return", "退单"},
    [GG_WF_A_FEEDBACK] = {"feedback", "反馈"},
    [GG_WF_A_VERIFY] = {"verify", "核查"},
    [GG_WF_A_REWORK] = {"rework", "返工"},
    [GG_WF_A_CLOSE] = {"close", "结案"},
    [GG_WF_A_FINISH] = {"finish", "办结"},
    [GG_WF_A_REVIEW] = {"review", "审核"},
    [GG_WF_A_RATE] = {"rate", "评价"},
    [GG_WF_A_ARCHIVE] = {"archive", "归档"},
    [GG_WF_A_REPORT_IN] = {"report_in", "报到"},
    [GG_WF_A_START] = {"start", "开始联合处置"},
    [GG_WF_A_SUMMON] = {"summon", "追加吹哨"},
    [GG_WF_A_RATE_DEPARTMENT] = {"rate_department", "评价报到部门"},
    [GG_WF_A_MEDIATE] = {"mediate", "调解"},
    [GG_WF_A_AGREE] = {"agree", "达成协议"},
    [GG_WF_A_FAIL] = {"fail", "调解不成"},
    [GG_WF_A_REFER] = {"refer", "分流"},
    [GG_WF_A_PERFORM] = {"perform", "履行"},
    [GG_WF_A_REQUEST_EXTENSION] = {"request_extension", "申请延期"},
    [GG_WF_A_APPROVE_EXTENSION] = {"approve_extension", "批准延期"},
    [GG_WF_A_DENY_EXTENSION] = {"deny_extension", "驳回延期"},
    [GG_WF_A_SUSPEND] = {"suspend", "挂账"},
    [GG_WF_A_RESUME] = {"resume", "解除挂账"},
    [GG_WF_A_ESCALATE] = {"escalate", "上报上级"},
    [GG_WF_A_CANCEL] = {"cancel", "撤销"},
    [GG_WF_A_REOPEN] = {"reopen", "重新打开"},
    [GG_WF_A_SUPPORT] = {"support", "附议(+1)"},
    [GG_WF_A_URGE] = {"urge", "催办"},
    [GG_WF_A_SUPERVISE] = {"supervise", "督办"},
    [GG_WF_A_PAUSE_CLOCK] = {"pause_clock", "暂停计时"},
    [GG_WF_A_RESUME_CLOCK] = {"resume_clock", "恢复计时"},
};

static const struct {
    int kind;
    int action;
    const char *zh;
} action_labels[] = {
    {GG_WF_KIND_EVENT, GG_WF_A_DISPATCH, "派遣"},
    {GG_WF_KIND_HOTLINE, GG_WF_A_REWORK, "审核退回"},
    {GG_WF_KIND_HOTLINE, GG_WF_A_RATE, "回访评价"},
    {GG_WF_KIND_HOTLINE, GG_WF_A_ESCALATE, "提级上报"},
    {GG_WF_KIND_WHISTLE, GG_WF_A_RETURN, "退回(非本部门职责)"},
    {GG_WF_KIND_WHISTLE, GG_WF_A_ESCALATE, "提级吹哨"},
    {GG_WF_KIND_WHISTLE, GG_WF_A_CANCEL, "撤哨"},
    {GG_WF_KIND_SERVICE, GG_WF_A_REVIEW, "审核通过"},
    {GG_WF_KIND_SERVICE, GG_WF_A_REJECT, "审核不通过"},
    {GG_WF_KIND_SERVICE, GG_WF_A_FINISH, "完成服务"},
    {GG_WF_KIND_SERVICE, GG_WF_A_RATE, "评单"},
    {GG_WF_KIND_DISPUTE, GG_WF_A_REJECT, "不予受理"},
    {GG_WF_KIND_DISPUTE, GG_WF_A_ESCALATE, "提级调解"},
    {GG_WF_KIND_DISPUTE, GG_WF_A_ARCHIVE, "回访归档"},
    {GG_WF_KIND_DISPUTE, GG_WF_A_CANCEL, "撤回申请"},
};

static const struct {
    const char *name;
    const char *zh;
} stage_names[GG_WF_STAGE__COUNT] = {
    [GG_WF_STAGE_ACCEPT] = {"accept", "受理"},
    [GG_WF_STAGE_DISPATCH] = {"dispatch", "派遣"},
    [GG_WF_STAGE_SIGN] = {"sign", "签收"},
    [GG_WF_STAGE_REPORT_IN] = {"report_in", "报到"},
    [GG_WF_STAGE_HANDLE] = {"handle", "处置"},
    [GG_WF_STAGE_VERIFY] = {"verify", "核查"},
    [GG_WF_STAGE_CLOSE] = {"close", "结案"},
    [GG_WF_STAGE_FOLLOW_UP] = {"follow_up", "回访"},
};

static const struct {
    const char *name;
    const char *zh;
} rating_names[] = {
    [GG_WF_RATING_VERY_UNSATISFIED] = {"very_unsatisfied", "非常不满意"},
    [GG_WF_RATING_UNSATISFIED] = {"unsatisfied", "不满意"},
    [GG_WF_RATING_BASIC] = {"basically_satisfied", "基本满意"},
    [GG_WF_RATING_SATISFIED] = {"satisfied", "满意"},
    [GG_WF_RATING_VERY_SATISFIED] = {"very_satisfied", "非常满意"},
};

/* A kind with rows here requires one of them; other kinds take none. */
static const struct {
    int kind;
    const char *name;
    const char *zh;
} subtypes[] = {
    {GG_WF_KIND_WHISTLE, "management_service", "管理服务哨"},
    {GG_WF_KIND_WHISTLE, "key_work", "重点工作哨"},
    {GG_WF_KIND_WHISTLE, "emergency", "应急处置哨"},
    {GG_WF_KIND_HOTLINE, "consultation", "咨询"},
    {GG_WF_KIND_HOTLINE, "help", "求助"},
    {GG_WF_KIND_HOTLINE, "complaint", "投诉"},
    {GG_WF_KIND_HOTLINE, "report", "举报"},
    {GG_WF_KIND_HOTLINE, "suggestion", "建议"},
};

/* ---- states per kind ---------------------------------------------------- */

#define SI(s, c, st, zh) {GG_WF_S_##s, GG_WF_##c, GG_WF_STAGE_##st, zh}

/* The first state of each table is the kind's initial state. */
static const gg_wf_state_info event_states[] = {
    SI(REPORTED, OPEN, ACCEPT, "已上报"),      SI(ACCEPTED, OPEN, DISPATCH, "已受理"),
    SI(DISPATCHED, OPEN, SIGN, "已派遣"),      SI(HANDLING, OPEN, HANDLE, "处置中"),
    SI(FEEDBACK, OPEN, VERIFY, "已反馈待核查"), SI(VERIFIED, OPEN, CLOSE, "已核查待结案"),
    SI(SUSPENDED, OPEN, NONE, "挂账"),         SI(CLOSED, CLOSED, NONE, "已结案"),
    SI(RATED, TERMINAL, NONE, "已评价"),       SI(REFUSED, TERMINAL, NONE, "不予受理"),
    SI(CANCELLED, TERMINAL, NONE, "已撤销"),
};

static const gg_wf_state_info hotline_states[] = {
    SI(INTAKE, OPEN, DISPATCH, "已受理待派单"), SI(DISPATCHED, OPEN, SIGN, "已派单待签收"),
    SI(HANDLING, OPEN, HANDLE, "办理中"),       SI(DONE, OPEN, VERIFY, "已办结待审核"),
    SI(SUSPENDED, OPEN, NONE, "挂账"),          SI(ANSWERED, CLOSED, NONE, "已直接答复"),
    SI(REVIEWED, CLOSED, NONE, "已审核待回访"), SI(RATED, CLOSED, NONE, "已回访评价"),
    SI(ARCHIVED, TERMINAL, NONE, "已归档"),     SI(CANCELLED, TERMINAL, NONE, "已撤销"),
};

static const gg_wf_state_info whistle_states[] = {
    SI(BLOWN, OPEN, REPORT_IN, "已吹哨待报到"), SI(JOINT_HANDLING, OPEN, HANDLE, "联合处置中"),
    SI(SUSPENDED, OPEN, NONE, "挂账"),          SI(DONE, CLOSED, NONE, "已办结待评价"),
    SI(CLOSED, TERMINAL, NONE, "已结案"),       SI(CANCELLED, TERMINAL, NONE, "已撤哨"),
};

static const gg_wf_state_info service_states[] = {
    SI(ORDERED, OPEN, ACCEPT, "已点单待审核"), SI(APPROVED, OPEN, DISPATCH, "已审核待派单"),
    SI(DISPATCHED, OPEN, SIGN, "已派单待接单"), SI(TAKEN, OPEN, HANDLE, "已接单服务中"),
    SI(COMPLETED, CLOSED, NONE, "已完成待评单"), SI(RATED, TERMINAL, NONE, "已评单"),
    SI(REJECTED, TERMINAL, NONE, "审核未通过"), SI(CANCELLED, TERMINAL, NONE, "已撤销"),
};

static const gg_wf_state_info dispute_states[] = {
    SI(REGISTERED, OPEN, ACCEPT, "受理登记"),  SI(INVESTIGATING, OPEN, HANDLE, "调查中"),
    SI(MEDIATING, OPEN, HANDLE, "调解中"),     SI(AGREEMENT, OPEN, HANDLE, "达成协议待履行"),
    SI(FAILED, OPEN, DISPATCH, "调解不成待分流"), SI(REFERRED, OPEN, HANDLE, "已分流"),
    SI(PERFORMING, OPEN, HANDLE, "履行中"),    SI(FOLLOW_UP, OPEN, FOLLOW_UP, "待回访"),
    SI(ARCHIVED, TERMINAL, NONE, "已归档"),    SI(REJECTED, TERMINAL, NONE, "不予受理"),
    SI(CANCELLED, TERMINAL, NONE, "已撤回"),
};

/* ---- transitions per kind ----------------------------------------------- */

/* Roles. */
#define CMD GG_R(GG_ROLE_COMMAND)
#define COM GG_R(GG_ROLE_COMMUNITY)
#define GW GG_R(GG_ROLE_GRIDWORKER)
#define DEP GG_R(GG_ROLE_DEPARTMENT)
#define MEM GG_R(GG_ROLE_MEMBER)
#define RES GG_R(GG_ROLE_RESIDENT)
#define ANYONE GG_ROLES_ALL
#define SUP (CMD | COM)              /* who supervises */
#define STAFF (CMD | COM | GW)       /* who accepts, dispatches, verifies */
#define HOLD (CMD | COM | GW | DEP)  /* who may hold and handle a case */
#define SERVE (COM | GW | DEP | MEM) /* who may serve a service order */

/* Flags. */
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

#define RS(k, sub, f, a, t, roles, rel, g, fl)                                                     \
    {GG_WF_KIND_##k, GG_WF_S_##f, GG_WF_A_##a, GG_WF_S_##t, (roles), GG_WF_REL_##rel,             \
     GG_WF_G_##g, (sub), (fl)}
#define R(k, f, a, t, roles, rel, g, fl) RS(k, NULL, f, a, t, roles, rel, g, fl)

/* 网格事件: 上报 → 受理/不予受理 → 派遣 → 签收·处置 → 反馈 → 核查 → 结案 → 评价;
 * 核查 or 结案 may send it back for 返工. */
static const gg_wf_transition event_rows[] = {
    R(EVENT, REPORTED, ACCEPT, ACCEPTED, STAFF, ANY_IN_SCOPE, NONE, F_STAGE),
    R(EVENT, REPORTED, REFUSE, REFUSED, STAFF, ANY_IN_SCOPE, NONE, F_NOTE),
    R(EVENT, ACCEPTED, DISPATCH, DISPATCHED, STAFF, OWNER, NONE, F_TGT | F_STAGE),
    R(EVENT, ACCEPTED, DISPATCH, DISPATCHED, CMD, ANY_IN_SCOPE, NONE, F_TGT | F_STAGE),
    R(EVENT, ACCEPTED, ESCALATE, ACCEPTED, STAFF, OWNER, NONE, F_NOTE | F_TGT | F_STAGE),
    R(EVENT, DISPATCHED, SIGN, HANDLING, HOLD, OWNER, NONE, F_STAGE),
    R(EVENT, DISPATCHED, RETURN, ACCEPTED, HOLD, OWNER, NONE, F_NOTE | F_RET | F_STAGE),
    R(EVENT, HANDLING, RETURN, ACCEPTED, HOLD, OWNER, NONE, F_NOTE | F_RET | F_STAGE),
    R(EVENT, HANDLING, FEEDBACK, FEEDBACK, HOLD, OWNER, NONE, F_NOTE | F_STAGE),
    R(EVENT, HANDLING, ESCALATE, ACCEPTED, STAFF, OWNER, NONE, F_NOTE | F_TGT | F_STAGE),
    R(EVENT, HANDLING, REQUEST_EXTENSION, SAME, HOLD, OWNER, NO_EXTENSION, F_NOTE),
    R(EVENT, HANDLING, APPROVE_EXTENSION, SAME, STAFF, DISPATCHER, EXTENSION_PENDING, 0),
    R(EVENT, HANDLING, APPROVE_EXTENSION, SAME, CMD, ANY_IN_SCOPE, EXTENSION_PENDING, 0),
    R(EVENT, HANDLING, DENY_EXTENSION, SAME, STAFF, DISPATCHER, EXTENSION_PENDING, F_NOTE),
    R(EVENT, HANDLING, DENY_EXTENSION, SAME, CMD, ANY_IN_SCOPE, EXTENSION_PENDING, F_NOTE),
    R(EVENT, HANDLING, SUSPEND, SUSPENDED, CMD, ANY_IN_SCOPE, NONE, F_NOTE | F_PAUSE),
    R(EVENT, SUSPENDED, RESUME, HANDLING, CMD, ANY_IN_SCOPE, NONE, F_RESUME),
    R(EVENT, FEEDBACK, VERIFY, VERIFIED, STAFF, ANY_IN_SCOPE, NONE, F_STAGE),
    R(EVENT, FEEDBACK, REWORK, HANDLING, STAFF, ANY_IN_SCOPE, NONE, F_NOTE | F_REWORK | F_STAGE),
    R(EVENT, VERIFIED, CLOSE, CLOSED, SUP, ANY_IN_SCOPE, NONE, F_CLOSES),
    R(EVENT, VERIFIED, REWORK, HANDLING, SUP, ANY_IN_SCOPE, NONE, F_NOTE | F_REWORK | F_STAGE),
    R(EVENT, CLOSED, RATE, RATED, ANYONE, REPORTER, NONE, F_RATING),
    R(EVENT, CLOSED, REOPEN, REPORTED, ANYONE, REPORTER, REOPEN_WINDOW, F_NOTE | F_STAGE),
    R(EVENT, RATED, REOPEN, REPORTED, ANYONE, REPORTER, REOPEN_WINDOW, F_NOTE | F_STAGE),
    R(EVENT, ANY_OPEN, CANCEL, CANCELLED, ANYONE, REPORTER, NONE, F_NOTE),
    R(EVENT, ANY_OPEN, CANCEL, CANCELLED, CMD, ANY_IN_SCOPE, NONE, F_NOTE),
    R(EVENT, ANY_OPEN, URGE, SAME, SUP, ANY_IN_SCOPE, NONE, F_FLAG),
    R(EVENT, ANY_OPEN, URGE, SAME, ANYONE, REPORTER, NONE, F_FLAG),
    R(EVENT, ANY_OPEN, SUPERVISE, SAME, CMD, ANY_IN_SCOPE, NONE, F_NOTE | F_FLAG),
    R(EVENT, ANY_OPEN, SUPPORT, SAME, RES | MEM, NOT_REPORTER, NONE, F_FLAG),
    R(EVENT, ANY_ACTIVE, PAUSE_CLOCK, SAME, HOLD, OWNER, CLOCK_RUNNING, F_NOTE | F_PAUSE),
    R(EVENT, ANY_ACTIVE, RESUME_CLOCK, SAME, HOLD, OWNER, CLOCK_PAUSED, F_RESUME),
};

/* 12345工单: 受理 (咨询 answered at once) → 派单 → 签收 → 办理 (退单/延期, or
 * 二次派单 down the tree) → 办结 → 审核 → 回访评价 → 归档; unsatisfied → 重办. */
static const gg_wf_transition hotline_rows[] = {
    RS(HOTLINE, "consultation", INTAKE, ANSWER, ANSWERED, CMD, ANY_IN_SCOPE, NONE,
       F_NOTE | F_CLOSES),
    R(HOTLINE, INTAKE, DISPATCH, DISPATCHED, CMD, ANY_IN_SCOPE, NONE, F_TGT | F_STAGE),
    R(HOTLINE, INTAKE, DISPATCH, DISPATCHED, SUP, OWNER, NONE, F_TGT | F_STAGE),
    R(HOTLINE, DISPATCHED, SIGN, HANDLING, HOLD, OWNER, NONE, F_STAGE),
    R(HOTLINE, DISPATCHED, RETURN, INTAKE, HOLD, OWNER, NONE, F_NOTE | F_RET | F_STAGE),
    R(HOTLINE, HANDLING, RETURN, INTAKE, HOLD, OWNER, NONE, F_NOTE | F_RET | F_STAGE),
    R(HOTLINE, HANDLING, DISPATCH, DISPATCHED, SUP, OWNER, NONE, F_TGT | F_STAGE),
    R(HOTLINE, HANDLING, FINISH, DONE, HOLD, OWNER, NONE, F_NOTE | F_STAGE),
    R(HOTLINE, HANDLING, ESCALATE, INTAKE, STAFF, OWNER, NONE, F_NOTE | F_TGT | F_STAGE),
    R(HOTLINE, HANDLING, REQUEST_EXTENSION, SAME, HOLD, OWNER, NO_EXTENSION, F_NOTE),
    R(HOTLINE, HANDLING, APPROVE_EXTENSION, SAME, SUP, DISPATCHER, EXTENSION_PENDING, 0),
    R(HOTLINE, HANDLING, APPROVE_EXTENSION, SAME, CMD, ANY_IN_SCOPE, EXTENSION_PENDING, 0),
    R(HOTLINE, HANDLING, DENY_EXTENSION, SAME, SUP, DISPATCHER, EXTENSION_PENDING, F_NOTE),
    R(HOTLINE, HANDLING, DENY_EXTENSION, SAME, CMD, ANY_IN_SCOPE, EXTENSION_PENDING, F_NOTE),
    R(HOTLINE, HANDLING, SUSPEND, SUSPENDED, CMD, ANY_IN_SCOPE, NONE, F_NOTE | F_PAUSE),
    R(HOTLINE, SUSPENDED, RESUME, HANDLING, CMD, ANY_IN_SCOPE, NONE, F_RESUME),
    R(HOTLINE, DONE, REVIEW, REVIEWED, CMD, ANY_IN_SCOPE, NONE, F_CLOSES),
    R(HOTLINE, DONE, REWORK, HANDLING, CMD, ANY_IN_SCOPE, NONE, F_NOTE | F_REWORK | F_STAGE),
    R(HOTLINE, REVIEWED, RATE, RATED, CMD, ANY_IN_SCOPE, RATING_OK, F_RATING),
    R(HOTLINE, REVIEWED, RATE, RATED, ANYONE, REPORTER, RATING_OK, F_RATING),
    R(HOTLINE, REVIEWED, RATE, HANDLING, CMD, ANY_IN_SCOPE, RATING_BAD,
      F_RATING | F_REWORK | F_STAGE),
    R(HOTLINE, REVIEWED, RATE, HANDLING, ANYONE, REPORTER, RATING_BAD,
      F_RATING | F_REWORK | F_STAGE),
    R(HOTLINE, REVIEWED, ARCHIVE, ARCHIVED, CMD, ANY_IN_SCOPE, NONE, F_NOTE),
    R(HOTLINE, RATED, ARCHIVE, ARCHIVED, CMD, ANY_IN_SCOPE, NONE, 0),
    R(HOTLINE, ANSWERED, ARCHIVE, ARCHIVED, CMD, ANY_IN_SCOPE, NONE, 0),
    R(HOTLINE, ANSWERED, REOPEN, INTAKE, ANYONE, REPORTER, REOPEN_WINDOW, F_NOTE | F_STAGE),
    R(HOTLINE, RATED, REOPEN, INTAKE, ANYONE, REPORTER, REOPEN_WINDOW, F_NOTE | F_STAGE),
    R(HOTLINE, ARCHIVED, REOPEN, INTAKE, ANYONE, REPORTER, REOPEN_WINDOW, F_NOTE | F_STAGE),
    R(HOTLINE, ANY_OPEN, CANCEL, CANCELLED, ANYONE, REPORTER, NONE, F_NOTE),
    R(HOTLINE, ANY_OPEN, CANCEL, CANCELLED, CMD, ANY_IN_SCOPE, NONE, F_NOTE),
    R(HOTLINE, ANY_OPEN, URGE, SAME, SUP, ANY_IN_SCOPE, NONE, F_FLAG),
    R(HOTLINE, ANY_OPEN, URGE, SAME, ANYONE, REPORTER, NONE, F_FLAG),
    R(HOTLINE, ANY_OPEN, SUPERVISE, SAME, CMD, ANY_IN_SCOPE, NONE, F_NOTE | F_FLAG),
    R(HOTLINE, ANY_OPEN, SUPPORT, SAME, RES | MEM, NOT_REPORTER, NONE, F_FLAG),
    R(HOTLINE, ANY_ACTIVE, PAUSE_CLOCK, SAME, HOLD, OWNER, CLOCK_RUNNING, F_NOTE | F_PAUSE),
    R(HOTLINE, ANY_ACTIVE, RESUME_CLOCK, SAME, HOLD, OWNER, CLOCK_PAUSED, F_RESUME),
};

/* 吹哨报到: the community or street that blows is the dispatcher; the summoned
 * departments are the holders. 吹哨 → each department 报到 (or returns the
 * summons as not its duty) → 联合处置 → 办结 → the street rates each
 * department → 结案. */
static const gg_wf_transition whistle_rows[] = {
    R(WHISTLE, BLOWN, REPORT_IN, SAME, DEP | COM, OWNER, NONE, 0),
    R(WHISTLE, JOINT_HANDLING, REPORT_IN, SAME, DEP | COM, OWNER, NONE, 0),
    R(WHISTLE, BLOWN, RETURN, SAME, DEP | COM, OWNER, NONE, F_NOTE | F_RET),
    R(WHISTLE, BLOWN, SUMMON, SAME, SUP, DISPATCHER, NONE, F_TGT),
    R(WHISTLE, JOINT_HANDLING, SUMMON, SAME, SUP, DISPATCHER, NONE, F_TGT),
    R(WHISTLE, BLOWN, START, JOINT_HANDLING, SUP, DISPATCHER, NONE, F_STAGE),
    R(WHISTLE, BLOWN, START, JOINT_HANDLING, CMD, ANY_IN_SCOPE, NONE, F_STAGE),
    R(WHISTLE, BLOWN, ESCALATE, BLOWN, SUP, DISPATCHER, NONE, F_NOTE | F_TGT | F_STAGE),
    R(WHISTLE, JOINT_HANDLING, ESCALATE, BLOWN, SUP, DISPATCHER, NONE, F_NOTE | F_TGT | F_STAGE),
    R(WHISTLE, JOINT_HANDLING, FINISH, DONE, SUP, DISPATCHER, NONE, F_NOTE | F_CLOSES),
    R(WHISTLE, JOINT_HANDLING, FINISH, DONE, CMD, ANY_IN_SCOPE, NONE, F_NOTE | F_CLOSES),
    R(WHISTLE, JOINT_HANDLING, SUSPEND, SUSPENDED, CMD, ANY_IN_SCOPE, NONE, F_NOTE | F_PAUSE),
    R(WHISTLE, SUSPENDED, RESUME, JOINT_HANDLING, CMD, ANY_IN_SCOPE, NONE, F_RESUME),
    R(WHISTLE, DONE, RATE_DEPARTMENT, SAME, CMD, ANY_IN_SCOPE, NONE, F_TGT | F_RATING),
    R(WHISTLE, DONE, CLOSE, CLOSED, CMD, ANY_IN_SCOPE, ALL_RATED, 0),
    R(WHISTLE, ANY_OPEN, CANCEL, CANCELLED, SUP, DISPATCHER, NONE, F_NOTE),
    R(WHISTLE, ANY_OPEN, CANCEL, CANCELLED, CMD, ANY_IN_SCOPE, NONE, F_NOTE),
    R(WHISTLE, ANY_OPEN, URGE, SAME, CMD, ANY_IN_SCOPE, NONE, F_FLAG),
    R(WHISTLE, ANY_OPEN, SUPERVISE, SAME, CMD, ANY_IN_SCOPE, NONE, F_NOTE | F_FLAG),
    R(WHISTLE, ANY_ACTIVE, PAUSE_CLOCK, SAME, SUP, DISPATCHER, CLOCK_RUNNING, F_NOTE | F_PAUSE),
    R(WHISTLE, ANY_ACTIVE, RESUME_CLOCK, SAME, SUP, DISPATCHER, CLOCK_PAUSED, F_RESUME),
};

/* 点单: 点单 → 审核 → 派单 → 接单 (the target) / 领单 (a party member or
 * volunteer in scope claims it) → 完成 → 评单. Points are awarded elsewhere. */
static const gg_wf_transition service_rows[] = {
    R(SERVICE, ORDERED, REVIEW, APPROVED, STAFF, ANY_IN_SCOPE, NONE, F_STAGE),
    R(SERVICE, ORDERED, REJECT, REJECTED, STAFF, ANY_IN_SCOPE, NONE, F_NOTE),
    R(SERVICE, APPROVED, DISPATCH, DISPATCHED, STAFF, ANY_IN_SCOPE, NONE, F_TGT | F_STAGE),
    R(SERVICE, APPROVED, CLAIM, TAKEN, MEM, ANY_IN_SCOPE, NONE, F_STAGE),
    R(SERVICE, DISPATCHED, CLAIM, TAKEN, MEM, ANY_IN_SCOPE, NONE, F_STAGE),
    R(SERVICE, DISPATCHED, TAKE, TAKEN, SERVE, OWNER, NONE, F_STAGE),
    R(SERVICE, DISPATCHED, RETURN, APPROVED, SERVE, OWNER, NONE, F_NOTE | F_RET | F_STAGE),
    R(SERVICE, TAKEN, RETURN, APPROVED, SERVE, OWNER, NONE, F_NOTE | F_RET | F_STAGE),
    R(SERVICE, TAKEN, FINISH, COMPLETED, SERVE, OWNER, NONE, F_NOTE | F_CLOSES),
    R(SERVICE, COMPLETED, RATE, RATED, ANYONE, REPORTER, NONE, F_RATING),
    R(SERVICE, ANY_OPEN, CANCEL, CANCELLED, ANYONE, REPORTER, NONE, F_NOTE),
    R(SERVICE, ANY_OPEN, CANCEL, CANCELLED, SUP, ANY_IN_SCOPE, NONE, F_NOTE),
    R(SERVICE, ANY_OPEN, URGE, SAME, SUP, ANY_IN_SCOPE, NONE, F_FLAG),
    R(SERVICE, ANY_OPEN, URGE, SAME, ANYONE, REPORTER, NONE, F_FLAG),
    R(SERVICE, ANY_OPEN, SUPERVISE, SAME, CMD, ANY_IN_SCOPE, NONE, F_NOTE | F_FLAG),
    R(SERVICE, ANY_ACTIVE, PAUSE_CLOCK, SAME, SERVE, OWNER, CLOCK_RUNNING, F_NOTE | F_PAUSE),
    R(SERVICE, ANY_ACTIVE, RESUME_CLOCK, SAME, SERVE, OWNER, CLOCK_PAUSED, F_RESUME),
};

/* 矛盾纠纷: 受理登记 → 调查 → 调解 → 协议 → 履行 → 回访 → 归档, or 调解不成 →
 * 分流 (the receiving body may send it back) → 回访 → 归档. */
static const gg_wf_transition dispute_rows[] = {
    R(DISPUTE, REGISTERED, ACCEPT, INVESTIGATING, STAFF, ANY_IN_SCOPE, NONE, F_STAGE),
    R(DISPUTE, REGISTERED, REJECT, REJECTED, STAFF, ANY_IN_SCOPE, NONE, F_NOTE),
    R(DISPUTE, INVESTIGATING, MEDIATE, MEDIATING, HOLD, OWNER, NONE, F_STAGE),
    R(DISPUTE, INVESTIGATING, ESCALATE, REGISTERED, STAFF, OWNER, NONE, F_NOTE | F_TGT | F_STAGE),
    R(DISPUTE, MEDIATING, ESCALATE, REGISTERED, STAFF, OWNER, NONE, F_NOTE | F_TGT | F_STAGE),
    R(DISPUTE, MEDIATING, AGREE, AGREEMENT, HOLD, OWNER, NONE, F_NOTE | F_STAGE),
    R(DISPUTE, MEDIATING, FAIL, FAILED, HOLD, OWNER, NONE, F_NOTE | F_STAGE),
    R(DISPUTE, MEDIATING, REQUEST_EXTENSION, SAME, HOLD, OWNER, NO_EXTENSION, F_NOTE),
    R(DISPUTE, MEDIATING, APPROVE_EXTENSION, SAME, STAFF, DISPATCHER, EXTENSION_PENDING, 0),
    R(DISPUTE, MEDIATING, APPROVE_EXTENSION, SAME, CMD, ANY_IN_SCOPE, EXTENSION_PENDING, 0),
    R(DISPUTE, MEDIATING, DENY_EXTENSION, SAME, STAFF, DISPATCHER, EXTENSION_PENDING, F_NOTE),
    R(DISPUTE, MEDIATING, DENY_EXTENSION, SAME, CMD, ANY_IN_SCOPE, EXTENSION_PENDING, F_NOTE),
    R(DISPUTE, AGREEMENT, PERFORM, PERFORMING, HOLD, OWNER, NONE, F_STAGE),
    R(DISPUTE, PERFORMING, FINISH, FOLLOW_UP, HOLD, OWNER, NONE, F_NOTE | F_STAGE),
    R(DISPUTE, FAILED, REFER, REFERRED, HOLD, OWNER, NONE, F_NOTE | F_TGT | F_STAGE),
    R(DISPUTE, REFERRED, RETURN, FAILED, HOLD, OWNER, NONE, F_NOTE | F_RET | F_STAGE),
    R(DISPUTE, REFERRED, FINISH, FOLLOW_UP, HOLD, OWNER, NONE, F_NOTE | F_STAGE),
    R(DISPUTE, REFERRED, FINISH, FOLLOW_UP, STAFF, DISPATCHER, NONE, F_NOTE | F_STAGE),
    R(DISPUTE, FOLLOW_UP, ARCHIVE, ARCHIVED, HOLD, OWNER, NONE, F_NOTE | F_CLOSES),
    R(DISPUTE, FOLLOW_UP, ARCHIVE, ARCHIVED, STAFF, ANY_IN_SCOPE, NONE, F_NOTE | F_CLOSES),
    R(DISPUTE, ARCHIVED, REOPEN, REGISTERED, ANYONE, REPORTER, REOPEN_WINDOW, F_NOTE | F_STAGE),
    R(DISPUTE, ANY_OPEN, CANCEL, CANCELLED, ANYONE, REPORTER, NONE, F_NOTE),
    R(DISPUTE, ANY_OPEN, CANCEL, CANCELLED, SUP, ANY_IN_SCOPE, NONE, F_NOTE),
    R(DISPUTE, ANY_OPEN, URGE, SAME, SUP, ANY_IN_SCOPE, NONE, F_FLAG),
    R(DISPUTE, ANY_OPEN, SUPERVISE, SAME, CMD, ANY_IN_SCOPE, NONE, F_NOTE | F_FLAG),
    R(DISPUTE, ANY_ACTIVE, PAUSE_CLOCK, SAME, HOLD, OWNER, CLOCK_RUNNING, F_NOTE | F_PAUSE),
    R(DISPUTE, ANY_ACTIVE, RESUME_CLOCK, SAME, HOLD, OWNER, CLOCK_PAUSED, F_RESUME),
};

/* ---- kinds -------------------------------------------------------------- */

static const struct kind_info {
    const gg_wf_state_info *states; /* states[0] is the initial state */
    int nstates;
    const gg_wf_transition *rows;
    int nrows;
} kinds[GG_WF_KIND__COUNT] = {
#define KIND(k, s, r) [GG_WF_KIND_##k] = {s, (int)GG_ARRAY_LEN(s), r, (int)GG_ARRAY_LEN(r)}
    KIND(EVENT, event_states, event_rows),       KIND(HOTLINE, hotline_states, hotline_rows),
    KIND(WHISTLE, whistle_states, whistle_rows), KIND(SERVICE, service_states, service_rows),
    KIND(DISPUTE, dispute_states, dispute_rows),
#undef KIND
};

/* ---- lookups into the tables -------------------------------------------- */

static const struct kind_info *kind_get(int kind)
{
    return kind > GG_WF_KIND_NONE && kind < GG_WF_KIND__COUNT ? &kinds[kind] : NULL;
}

static const gg_wf_state_info *state_get(const struct kind_info *k, int state)
{
    if (k == NULL)
        return NULL;
    for (int i = 0; i < k->nstates; i++)
        if (k->states[i].state == state)
            return &k->states[i];
    return NULL;
}

static bool action_known(int action)
{
    return action > GG_WF_A_NONE && action < GG_WF_A__COUNT;
}

static bool rating_valid(int rating)
{
    return rating >= GG_WF_RATING_VERY_UNSATISFIED && rating <= GG_WF_RATING_VERY_SATISFIED;
}

/* ---- names and labels --------------------------------------------------- */

const char *gg_wf_kind_name(int kind)
{
    return kind_get(kind) ? kind_names[kind].name : NULL;
}

const char *gg_wf_kind_label_zh(int kind)
{
    return kind_get(kind) ? kind_names[kind].zh : NULL;
}

int gg_wf_kind_parse(const char *name)
{
    for (int k = GG_WF_KIND_NONE + 1; name != NULL && k < GG_WF_KIND__COUNT; k++)
        if (strcmp(kind_names[k].name, name) == 0)
            return k;
    return GG_WF_KIND_NONE;
}

const char *gg_wf_state_name(int state)
{
    return state > GG_WF_S_NONE && state < GG_WF_S__COUNT ? state_names[state] : NULL;
}

const char *gg_wf_state_label_zh(int kind, int state)
{
    const gg_wf_state_info *s = state_get(kind_get(kind), state);
    return s ? s->zh : NULL;
}

int gg_wf_state_parse(int kind, const char *name)
{
    const struct kind_info *k = kind_get(kind);
    for (int i = 0; k != NULL && name != NULL && i < k->nstates; i++)
        if (strcmp(state_names[k->states[i].state], name) == 0)
            return k->states[i].state;
    return GG_WF_S_NONE;
}

const char *gg_wf_action_name(int action)
{
    return action_known(action) ? action_names[action].name : NULL;
}

const char *gg_wf_action_label_zh(int kind, int action)
{
    if (!action_known(action))
        return NULL;
    for (size_t i = 0; i < GG_ARRAY_LEN(action_labels); i++)
        if (action_labels[i].kind == kind && action_labels[i].action == action)
            return action_labels[i].zh;
    return action_names[action].zh;
}

int gg_wf_action_parse(const char *name)
{
    for (int a = GG_WF_A_NONE + 1; name != NULL && a < GG_WF_A__COUNT; a++)
        if (strcmp(action_names[a].name, name) == 0)
            return a;
    return GG_WF_A_NONE;
}

const char *gg_wf_stage_name(int stage)
{
    return stage > GG_WF_STAGE_NONE && stage < GG_WF_STAGE__COUNT ? stage_names[stage].name
                                                                   : NULL;
}

const char *gg_wf_stage_label_zh(int stage)
{
    return stage > GG_WF_STAGE_NONE && stage < GG_WF_STAGE__COUNT ? stage_names[stage].zh : NULL;
}

int gg_wf_stage_parse(const char *name)
{
    for (int s = GG_WF_STAGE_NONE + 1; name != NULL && s < GG_WF_STAGE__COUNT; s++)
        if (strcmp(stage_names[s].name, name) == 0)
            return s;
    return GG_WF_STAGE_NONE;
}

const char *gg_wf_rating_name(int rating)
{
    return rating_valid(rating) ? rating_names[rating].name : NULL;
}

const char *gg_wf_rating_label_zh(int rating)
{
    return rating_valid(rating) ? rating_names[rating].zh : NULL;
}

int gg_wf_rating_parse(const char *name)
{
    for (int r = GG_WF_RATING_VERY_UNSATISFIED; name != NULL && r <= GG_WF_RATING_VERY_SATISFIED;
         r++)
        if (strcmp(rating_names[r].name, name) == 0)
            return r;
    return GG_WF_RATING_NONE;
}

bool gg_wf_rating_ok(int rating)
{
    return rating >= GG_WF_RATING_BASIC && rating <= GG_WF_RATING_VERY_SATISFIED;
}

static bool kind_has_subtypes(int kind)
{
    for (size_t i = 0; i < GG_ARRAY_LEN(subtypes); i++)
        if (subtypes[i].kind == kind)
            return true;
    return false;
}

const char *gg_wf_subtype_label_zh(int kind, const char *subtype)
{
    for (size_t i = 0; subtype != NULL && i < GG_ARRAY_LEN(subtypes); i++)
        if (subtypes[i].kind == kind && strcmp(subtypes[i].name, subtype) == 0)
            return subtypes[i].zh;
    return NULL;
}

bool gg_wf_subtype_valid(int kind, const char *subtype)
{
    if (kind_get(kind) == NULL)
        return false;
    if (!kind_has_subtypes(kind))
        return subtype == NULL;
    return gg_wf_subtype_label_zh(kind, subtype) != NULL;
}

/* ---- the tables --------------------------------------------------------- */

int gg_wf_rows(int kind, const gg_wf_transition **rows)
{
    const struct kind_info *k = kind_get(kind);
    if (rows != NULL)
        *rows = k ? k->rows : NULL;
    return k ? k->nrows : 0;
}

int gg_wf_states(int kind, const gg_wf_state_info **states)
{
    const struct kind_info *k = kind_get(kind);
    if (states != NULL)
        *states = k ? k->states : NULL;
    return k ? k->nstates : 0;
}
