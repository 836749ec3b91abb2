/*
 * demo_cases.c — the demo city's cases: about 3,000 of them over the 400
 * grids and the five kinds, created over the last ninety days, so that a
 * newcomer finds a living system (every state of every kind, overdue ones,
 * extensions, returns, rework, ratings at all five levels, suspended and
 * cancelled ones).
 *
 * Nothing here writes a case by hand. Each case follows a scenario (a list
 * of steps: action, who takes it, what it targets, how long after the step
 * before); the times are laid out first, in the past and never after now,
 * then the case is opened with gg_case_open and every step is taken with
 * gg_case_act by the real account, its facts computed by gg_api_case_actor
 * as a request would, and persisted with gg_case_insert/gg_case_update and
 * the whistle and "+1" calls. The scheduler's overdue pass is replayed at
 * the moment it would have run. So states, owners, clocks, flow logs and
 * rollups agree as if people had done it all over HTTP.
 *
 * Deterministic: a fixed-seed PRNG (splitmix64); the same day gives the
 * same cases. Runs inside the demo's one write transaction.
 */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "api/calendar.h"
#include "cli/cli.h"
#include "core/crypto.h"
#include "core/log.h"
#include "core/rng.h"
#include "core/timeutil.h"
#include "domain/authz.h"
#include "domain/case.h"
#include "domain/place.h"
#include "store/store.h"

#define NCASES 3000
#define NGRIDS 400
#define NUNITS 6           /* dept1..dept5, property1 */
#define MAX_STEPS 32
#define MAX_SUMMON 6
#define MIN_US (INT64_C(60) * GG_US_PER_SEC)
#define SEED UINT64_C(0x6772696467303236) /* "gridg026" */

/* ---- scenarios ---------------------------------------------------------- */

/* Who takes a step: the reporter, the grid's worker, community, street command, the
 * district, the case's desk (who accepts and dispatches), its holder now, a summoned
 * unit, the grid's party member, a neighbour (resident or member, not the reporter). */
enum who {
    W_REP = 1, W_GRID, W_COMM, W_STREET, W_DIST, W_DESK, W_HOLDER, W_UNIT, W_MEMBER, W_NEIGHBOUR
};
/* What it targets: the catalogue's unit, a wrong one, a service provider, the street
 * command account, the community or street place, one more unit to summon, a summoned unit. */
enum tgt {
    T_NONE = 0, T_UNIT, T_WRONG, T_SERVE, T_STREET_USER, T_COMM_PLACE, T_STREET_PLACE, T_EXTRA,
    T_UNITSEL
};
enum { RT_NONE = 0, RT_ANY, RT_GOOD, RT_BAD };
enum { U_NONE = 0, U_EACH, U_FIRST, U_LAST, U_BUT_LAST }; /* whistle: which summoned units */
enum { F_OPT = 1, F_NAT = 2 }; /* optional (taken 35 %); gap in wall-clock, not working, time */
enum { N_MEMBER = 1, N_CONSULT = 2, N_ANSWER_NOW = 4 };

/* One step: the action, who takes it, its target, its rating, and the gap
 * before it in minutes (working time unless F_NAT). */
typedef struct step {
    unsigned char action, who, tgt, rating, units, flags;
    unsigned short lo, hi;
} step;

typedef struct scenario {
    int kind, end, weight, needs;
    const step *steps;
    int n;
} scenario;

#define S(a, w, t, r, u, f, lo, hi) {GG_WF_A_##a, W_##w, T_##t, RT_##r, U_##u, (f), (lo), (hi)}
#define SC(k, end, wt, needs, ...)                                                              \
    {GG_WF_KIND_##k, GG_WF_S_##end, (wt), (needs), (const step[]){__VA_ARGS__},                 \
     (int)(sizeof((const step[]){__VA_ARGS__}) / sizeof(step))}
#define SC0(k, end, wt, needs) {GG_WF_KIND_##k, GG_WF_S_##end, (wt), (needs), NULL, 0}

/* 网格事件: a desk (community or street) accepts and dispatches, the department handles,
 * the grid worker verifies. */
#define E_ACC S(ACCEPT, DESK, NONE, NONE, NONE, 0, 10, 90)
#define E_DSP S(DISPATCH, DESK, UNIT, NONE, NONE, 0, 10, 120)
#define E_SGN S(SIGN, HOLDER, NONE, NONE, NONE, 0, 10, 180)
#define E_FBK S(FEEDBACK, HOLDER, NONE, NONE, NONE, 0, 60, 600)
#define E_VER S(VERIFY, GRID, NONE, NONE, NONE, 0, 20, 240)
#define E_CLS S(CLOSE, DESK, NONE, NONE, NONE, 0, 10, 180)
#define E_RAT S(RATE, REP, NONE, ANY, NONE, F_NAT, 60, 2880)
#define E_EXT S(REQUEST_EXTENSION, HOLDER, NONE, NONE, NONE, 0, 30, 300)
#define E_OPT S(URGE, REP, NONE, NONE, NONE, F_OPT | F_NAT, 30, 600),                         \
              S(SUPPORT, NEIGHBOUR, NONE, NONE, NONE, F_OPT | F_NAT, 10, 600),                \
              S(SUPERVISE, DIST, NONE, NONE, NONE, F_OPT, 10, 300)
#define E_HANDLE E_ACC, E_DSP, E_SGN
/* 12345: the district hotline centre dispatches, reviews, calls back, archives. */
#define H_DSP S(DISPATCH, DIST, UNIT, NONE, NONE, 0, 10, 240)
#define H_SGN S(SIGN, HOLDER, NONE, NONE, NONE, 0, 30, 600)
#define H_FIN S(FINISH, HOLDER, NONE, NONE, NONE, 0, 240, 1600)
#define H_REV S(REVIEW, DIST, NONE, NONE, NONE, 0, 60, 600)
#define H_RAT S(RATE, DIST, NONE, GOOD, NONE, 0, 60, 1500)
#define H_ARC S(ARCHIVE, DIST, NONE, NONE, NONE, 0, 60, 2400)
#define H_OPT S(SUPPORT, NEIGHBOUR, NONE, NONE, NONE, F_OPT | F_NAT, 10, 600),                \
              S(URGE, DIST, NONE, NONE, NONE, F_OPT, 30, 600)
/* 吹哨: the one who blew starts and finishes; each department reports in; the street rates
 * and closes. */
#define W_RIN S(REPORT_IN, UNIT, NONE, NONE, EACH, F_NAT, 8, 50)
#define W_STA S(START, REP, NONE, NONE, NONE, 0, 20, 120)
#define W_FIN S(FINISH, REP, NONE, NONE, NONE, 0, 300, 2000)
#define W_RDP S(RATE_DEPARTMENT, STREET, UNITSEL, ANY, EACH, 0, 30, 600)
#define W_CLS S(CLOSE, STREET, NONE, NONE, NONE, 0, 10, 300)
/* 点单: a desk (grid worker or community) reviews and dispatches; the provider takes and
 * finishes. */
#define V_REV S(REVIEW, DESK, NONE, NONE, NONE, 0, 10, 240)
#define V_DSP S(DISPATCH, DESK, SERVE, NONE, NONE, 0, 10, 240)
#define V_TAK S(TAKE, HOLDER, NONE, NONE, NONE, 0, 10, 300)
#define V_FIN S(FINISH, HOLDER, NONE, NONE, NONE, 0, 60, 600)
#define V_RAT S(RATE, REP, NONE, ANY, NONE, F_NAT, 60, 2880)
/* 矛盾纠纷: the grid (or community) holding it mediates. */
#define D_ACC S(ACCEPT, DESK, NONE, NONE, NONE, 0, 30, 600)
#define D_MED S(MEDIATE, HOLDER, NONE, NONE, NONE, 0, 60, 900)
#define D_AGR S(AGREE, HOLDER, NONE, NONE, NONE, 0, 120, 1200)
#define D_PER S(PERFORM, HOLDER, NONE, NONE, NONE, 0, 60, 1500)
#define D_FNH S(FINISH, HOLDER, NONE, NONE, NONE, 0, 240, 2400)
#define D_ARC S(ARCHIVE, DESK, NONE, NONE, NONE, 0, 120, 1500)
#define D_FAIL S(FAIL, HOLDER, NONE, NONE, NONE, 0, 300, 3000)

static const scenario scenarios[] = {
    SC0(EVENT, REPORTED, 5, 0),
    SC(EVENT, REFUSED, 3, 0, S(REFUSE, DESK, NONE, NONE, NONE, 0, 10, 120)),
    SC(EVENT, ACCEPTED, 4, 0, E_ACC),
    SC(EVENT, DISPATCHED, 5, 0, E_ACC, E_DSP),
    SC(EVENT, HANDLING, 7, 0, E_HANDLE, E_OPT),
    SC(EVENT, HANDLING, 3, 0, E_HANDLE, E_EXT, S(APPROVE_EXTENSION, DESK, NONE, NONE, NONE, 0, 10, 240)),
    SC(EVENT, HANDLING, 2, 0, E_HANDLE, E_EXT),
    SC(EVENT, HANDLING, 1, 0, E_HANDLE, E_EXT, S(DENY_EXTENSION, DESK, NONE, NONE, NONE, 0, 10, 240)),
    SC(EVENT, HANDLING, 2, 0, E_HANDLE, S(PAUSE_CLOCK, HOLDER, NONE, NONE, NONE, 0, 30, 300)),
    SC(EVENT, FEEDBACK, 5, 0, E_HANDLE, E_FBK),
    SC(EVENT, VERIFIED, 4, 0, E_HANDLE, E_FBK, E_VER),
    SC(EVENT, SUSPENDED, 3, 0, E_HANDLE, S(SUSPEND, STREET, NONE, NONE, NONE, 0, 60, 900)),
    SC(EVENT, RATED, 1, 0, E_HANDLE, S(SUSPEND, STREET, NONE, NONE, NONE, 0, 60, 900),
       S(RESUME, STREET, NONE, NONE, NONE, F_NAT, 1440, 20000), E_FBK, E_VER, E_CLS, E_RAT),
    SC(EVENT, CLOSED, 8, 0, E_HANDLE, E_FBK, E_VER, E_CLS),
    SC(EVENT, RATED, 25, 0, E_HANDLE, E_OPT, E_FBK, E_VER, E_CLS, E_RAT),
    SC(EVENT, RATED, 5, 0, E_ACC, S(DISPATCH, DESK, WRONG, NONE, NONE, 0, 10, 120),
       S(RETURN, HOLDER, NONE, NONE, NONE, 0, 30, 300), E_DSP, E_SGN, E_FBK, E_VER, E_CLS, E_RAT),
    SC(EVENT, RATED, 5, 0, E_HANDLE, E_FBK, S(REWORK, GRID, NONE, NONE, NONE, 0, 20, 240), E_FBK,
       E_VER, E_CLS, E_RAT),
    SC(EVENT, CLOSED, 2, 0, E_HANDLE, E_FBK, E_VER, S(REWORK, DESK, NONE, NONE, NONE, 0, 10, 180),
       E_FBK, E_VER, E_CLS),
    SC(EVENT, RATED, 4, 0, E_HANDLE, E_EXT, S(APPROVE_EXTENSION, DESK, NONE, NONE, NONE, 0, 10, 240),
       E_FBK, E_VER, E_CLS, E_RAT),
    SC(EVENT, RATED, 2, 0, E_HANDLE, S(PAUSE_CLOCK, HOLDER, NONE, NONE, NONE, 0, 30, 300),
       S(RESUME_CLOCK, HOLDER, NONE, NONE, NONE, F_NAT, 600, 4000), E_FBK, E_VER, E_CLS, E_RAT),
    SC(EVENT, RATED, 2, 0, E_ACC, S(ESCALATE, HOLDER, STREET_PLACE, NONE, NONE, 0, 30, 300),
       S(DISPATCH, HOLDER, UNIT, NONE, NONE, 0, 10, 180), E_SGN, E_FBK, E_VER, E_CLS, E_RAT),
    SC(EVENT, CANCELLED, 2, 0, E_ACC, S(CANCEL, REP, NONE, NONE, NONE, F_NAT, 30, 1440)),
    SC(EVENT, CANCELLED, 1, 0, S(CANCEL, STREET, NONE, NONE, NONE, 0, 10, 120)),
    SC(EVENT, HANDLING, 1, 0, E_HANDLE, E_FBK, E_VER, E_CLS, S(RATE, REP, NONE, BAD, NONE, F_NAT, 60, 1440),
       S(REOPEN, REP, NONE, NONE, NONE, F_NAT, 60, 2880), E_ACC,
       S(DISPATCH, STREET, UNIT, NONE, NONE, 0, 10, 120), E_SGN),

    SC0(HOTLINE, INTAKE, 4, 0),
    SC0(HOTLINE, ANSWERED, 8, N_CONSULT | N_ANSWER_NOW),
    SC(HOTLINE, ANSWERED, 2, N_CONSULT, S(ANSWER, DIST, NONE, NONE, NONE, 0, 10, 240)),
    SC(HOTLINE, ARCHIVED, 4, N_CONSULT | N_ANSWER_NOW, H_ARC),
    SC(HOTLINE, DISPATCHED, 4, 0, H_DSP),
    SC(HOTLINE, HANDLING, 6, 0, H_DSP, H_SGN, H_OPT),
    SC(HOTLINE, HANDLING, 2, 0, H_DSP, H_SGN, S(REQUEST_EXTENSION, HOLDER, NONE, NONE, NONE, 0, 60, 900),
       S(APPROVE_EXTENSION, DIST, NONE, NONE, NONE, 0, 10, 240)),
    SC(HOTLINE, DONE, 4, 0, H_DSP, H_SGN, H_FIN),
    SC(HOTLINE, SUSPENDED, 2, 0, H_DSP, H_SGN, S(SUSPEND, DIST, NONE, NONE, NONE, 0, 120, 2000)),
    SC(HOTLINE, REVIEWED, 4, 0, H_DSP, H_SGN, H_FIN, H_REV),
    SC(HOTLINE, RATED, 5, 0, H_DSP, H_SGN, H_FIN, H_REV, H_RAT),
    SC(HOTLINE, ARCHIVED, 20, 0, H_DSP, H_SGN, H_OPT, H_FIN, H_REV, H_RAT, H_ARC),
    SC(HOTLINE, ARCHIVED, 4, 0, S(DISPATCH, DIST, WRONG, NONE, NONE, 0, 10, 240),
       S(RETURN, HOLDER, NONE, NONE, NONE, 0, 30, 600), H_DSP, H_SGN, H_FIN, H_REV, H_RAT, H_ARC),
    SC(HOTLINE, ARCHIVED, 3, 0, H_DSP, H_SGN, H_FIN, S(REWORK, DIST, NONE, NONE, NONE, 0, 60, 600),
       H_FIN, H_REV, H_RAT, H_ARC),
    SC(HOTLINE, ARCHIVED, 3, 0, H_DSP, H_SGN, H_FIN, H_REV, S(RATE, DIST, NONE, BAD, NONE, 0, 60, 1500),
       H_FIN, H_REV, H_RAT, H_ARC),
    SC(HOTLINE, HANDLING, 2, 0, H_DSP, H_SGN, H_FIN, H_REV, S(RATE, DIST, NONE, BAD, NONE, 0, 60, 1500)),
    SC(HOTLINE, ARCHIVED, 4, 0, S(DISPATCH, DIST, STREET_USER, NONE, NONE, 0, 10, 240), H_SGN,
       S(DISPATCH, HOLDER, UNIT, NONE, NONE, 0, 30, 600), H_SGN, H_FIN, H_REV, H_RAT, H_ARC),
    SC(HOTLINE, CANCELLED, 2, 0, S(CANCEL, REP, NONE, NONE, NONE, F_NAT, 30, 1440)),

    SC0(WHISTLE, BLOWN, 3, 0),
    SC(WHISTLE, BLOWN, 2, 0, S(REPORT_IN, UNIT, NONE, NONE, FIRST, F_NAT, 8, 50)),
    SC(WHISTLE, JOINT_HANDLING, 5, 0, W_RIN, W_STA, S(URGE, DIST, NONE, NONE, NONE, F_OPT, 60, 900)),
    SC(WHISTLE, JOINT_HANDLING, 2, 0, W_RIN, W_STA, S(SUMMON, REP, EXTRA, NONE, NONE, 0, 60, 600),
       S(REPORT_IN, UNIT, NONE, NONE, LAST, F_NAT, 8, 50)),
    SC(WHISTLE, SUSPENDED, 2, 0, W_RIN, W_STA, S(SUSPEND, STREET, NONE, NONE, NONE, 0, 120, 1200)),
    SC(WHISTLE, DONE, 3, 0, W_RIN, W_STA, W_FIN),
    SC(WHISTLE, DONE, 1, 0, W_RIN, W_STA, W_FIN, S(RATE_DEPARTMENT, STREET, UNITSEL, ANY, FIRST, 0, 30, 600)),
    SC(WHISTLE, CLOSED, 12, 0, W_RIN, W_STA, W_FIN, W_RDP, W_CLS),
    SC(WHISTLE, CLOSED, 2, 0, S(REPORT_IN, UNIT, NONE, NONE, BUT_LAST, F_NAT, 8, 50),
       S(RETURN, UNIT, NONE, NONE, LAST, F_NAT, 10, 50), W_STA, W_FIN, W_RDP, W_CLS),
    SC(WHISTLE, CLOSED, 2, 0, S(ESCALATE, REP, STREET_PLACE, NONE, NONE, 0, 30, 300), W_RIN, W_STA,
       W_FIN, W_RDP, W_CLS),
    SC(WHISTLE, CANCELLED, 2, 0, S(CANCEL, REP, NONE, NONE, NONE, 0, 10, 300)),

    SC0(SERVICE, ORDERED, 4, 0),
    SC(SERVICE, REJECTED, 3, 0, S(REJECT, DESK, NONE, NONE, NONE, 0, 10, 240)),
    SC(SERVICE, APPROVED, 4, 0, V_REV),
    SC(SERVICE, DISPATCHED, 4, 0, V_REV, V_DSP),
    SC(SERVICE, TAKEN, 5, 0, V_REV, V_DSP, V_TAK, S(URGE, REP, NONE, NONE, NONE, F_OPT | F_NAT, 60, 900)),
    SC(SERVICE, COMPLETED, 5, 0, V_REV, V_DSP, V_TAK, V_FIN),
    SC(SERVICE, RATED, 25, 0, V_REV, V_DSP, V_TAK, V_FIN, V_RAT),
    SC(SERVICE, RATED, 4, N_MEMBER, V_REV, S(CLAIM, MEMBER, NONE, NONE, NONE, F_NAT, 30, 900), V_FIN, V_RAT),
    SC(SERVICE, RATED, 3, 0, V_REV, S(DISPATCH, DESK, WRONG, NONE, NONE, 0, 10, 240),
       S(RETURN, HOLDER, NONE, NONE, NONE, 0, 10, 300), V_DSP, V_TAK, V_FIN, V_RAT),
    SC(SERVICE, CANCELLED, 3, 0, S(CANCEL, REP, NONE, NONE, NONE, F_NAT, 30, 1440)),

    SC0(DISPUTE, REGISTERED, 4, 0),
    SC(DISPUTE, REJECTED, 3, 0, S(REJECT, DESK, NONE, NONE, NONE, 0, 60, 600)),
    SC(DISPUTE, INVESTIGATING, 4, 0, D_ACC),
    SC(DISPUTE, MEDIATING, 5, 0, D_ACC, D_MED, S(URGE, COMM, NONE, NONE, NONE, F_OPT, 60, 900)),
    SC(DISPUTE, MEDIATING, 2, 0, D_ACC, D_MED, S(REQUEST_EXTENSION, HOLDER, NONE, NONE, NONE, 0, 60, 900),
       S(APPROVE_EXTENSION, STREET, NONE, NONE, NONE, 0, 30, 600)),
    SC(DISPUTE, AGREEMENT, 4, 0, D_ACC, D_MED, D_AGR),
    SC(DISPUTE, PERFORMING, 4, 0, D_ACC, D_MED, D_AGR, D_PER),
    SC(DISPUTE, FOLLOW_UP, 4, 0, D_ACC, D_MED, D_AGR, D_PER, D_FNH),
    SC(DISPUTE, ARCHIVED, 20, 0, D_ACC, D_MED, D_AGR, D_PER, D_FNH, D_ARC),
    SC(DISPUTE, FAILED, 3, 0, D_ACC, D_MED, D_FAIL),
    SC(DISPUTE, REFERRED, 3, 0, D_ACC, D_MED, D_FAIL, S(REFER, HOLDER, UNIT, NONE, NONE, 0, 60, 600)),
    SC(DISPUTE, ARCHIVED, 5, 0, D_ACC, D_MED, D_FAIL, S(REFER, HOLDER, UNIT, NONE, NONE, 0, 60, 600),
       S(FINISH, HOLDER, NONE, NONE, NONE, 0, 600, 4000), D_ARC),
    SC(DISPUTE, ARCHIVED, 2, 0, D_ACC, D_MED, D_FAIL, S(REFER, HOLDER, WRONG, NONE, NONE, 0, 60, 600),
       S(RETURN, HOLDER, NONE, NONE, NONE, 0, 60, 900), S(REFER, HOLDER, UNIT, NONE, NONE, 0, 60, 600),
       S(FINISH, HOLDER, NONE, NONE, NONE, 0, 600, 4000), D_ARC),
    SC(DISPUTE, ARCHIVED, 3, 0, D_ACC, S(ESCALATE, HOLDER, COMM_PLACE, NONE, NONE, 0, 120, 1200),
       S(ACCEPT, COMM, NONE, NONE, NONE, 0, 60, 600), D_MED, D_AGR, D_PER, D_FNH, D_ARC),
    SC(DISPUTE, CANCELLED, 2, 0, S(CANCEL, REP, NONE, NONE, NONE, F_NAT, 60, 2880)),
};

/* ---- words -------------------------------------------------------------- */

typedef struct topic {
    const char *title, *detail;
} topic;

/* What residents report, per category code (and whistle subtype). */
static const struct {
    const char *code;
    topic t[4];
} topics[] = {
    {"city_appearance", {{"垃圾桶满溢", "垃圾桶满溢多时未清运，周边散落生活垃圾，气味较大"},
                         {"绿化带内堆放建筑垃圾", "有人在绿化带内倾倒装修垃圾约两三车，未做任何遮盖"},
                         {"路面大面积油污", "路面有大片油污，雨天湿滑，已有老人险些滑倒"},
                         {"墙面乱涂乱画", "临街墙面被喷涂小广告和涂鸦，面积约十平方米"}}},
    {"street_order", {{"流动摊贩占道经营", "流动摊贩在人行道上摆摊售卖水果蔬菜，行人只能绕行机动车道"},
                      {"车辆占用消防通道", "多辆私家车长期停放在消防通道内，消防车无法通行"},
                      {"共享单车堆积", "共享单车大量堆积，堵塞人行道和盲道"},
                      {"商户店外经营", "沿街餐馆晚间将桌椅摆到店外经营，占用公共通道"}}},
    {"advertising", {{"违规张贴小广告", "楼道和电线杆上贴满办证、开锁、贷款类小广告"},
                     {"广告牌破损松动", "沿街广告牌边框锈蚀松动，大风天有坠落风险"},
                     {"私拉横幅", "商家在行道树之间私拉促销横幅，遮挡交通标志"}}},
    {"construction", {{"夜间施工噪音扰民", "工地夜间十点后仍在施工，机械噪音很大，影响居民休息"},
                      {"工地扬尘未覆盖", "施工工地裸土未覆盖，渣土车进出带泥上路，扬尘严重"},
                      {"施工围挡倒伏", "施工围挡倒伏破损，紧邻人行道，存在安全隐患"},
                      {"私自开挖路面", "施工队未设置警示标志私自开挖路面，夜间无照明"}}},
    {"emergency", {{"窨井盖缺失", "道路上一处窨井盖缺失，夜间无照明，极易发生危险"},
                   {"自来水管爆裂", "路边自来水管爆裂，大量积水漫上路面，周边居民停水"},
                   {"行道树倒伏", "大风导致行道树倒伏，压住部分车道和电线"},
                   {"楼道燃气异味", "楼道内闻到明显燃气异味，居民担心燃气泄漏"}}},
    {"consult", {{"咨询医保异地备案办理", "来电人咨询医保异地就医备案的办理渠道和所需材料"},
                 {"咨询新生儿落户材料", "来电人咨询新生儿办理户口登记需要准备哪些材料"},
                 {"咨询老年人优待证办理", "来电人咨询老年人优待证的办理地点和办理条件"},
                 {"咨询公租房申请条件", "来电人咨询公共租赁住房的申请条件和申请流程"}}},
    {"help", {{"独居老人家中停水求助", "来电人反映家中独居老人已停水两天，无法正常生活"},
              {"楼道照明损坏求助", "来电人反映单元楼道灯长期不亮，老人夜间上下楼不便"},
              {"下水道堵塞求助", "来电人反映楼下下水道堵塞，污水外溢到路面"},
              {"供暖温度不达标求助", "来电人反映家中室温不足十六度，供暖温度不达标"}}},
    {"complaint", {{"投诉物业服务不到位", "来电人投诉小区物业长期不清理楼道垃圾，报修无人处理"},
                   {"投诉餐馆油烟扰民", "来电人投诉楼下餐馆油烟直排，居民无法开窗"},
                   {"投诉广场舞噪音", "来电人投诉小区广场舞音响声音过大，持续到晚上十点"},
                   {"投诉商户短斤少两", "来电人投诉市场内商户使用不准确的秤，短斤少两"}}},
    {"report", {{"举报无证经营餐饮", "来电人举报一家餐饮店无营业执照和食品经营许可证"},
                {"举报违规群租房", "来电人举报一套住房被隔成多间出租，居住人员复杂"},
                {"举报私设地锁", "来电人举报有人在公共停车位私设地锁占为己用"},
                {"举报违法搭建", "来电人举报顶楼住户在楼顶违法搭建阳光房"}}},
    {"suggestion", {{"建议增设公交站点", "来电人建议在小区附近增设公交站点，方便居民出行"},
                    {"建议增设充电桩", "来电人建议在小区内增设电动车集中充电桩，杜绝飞线充电"},
                    {"建议完善无障碍设施", "来电人建议在社区服务中心入口增设无障碍坡道"},
                    {"建议开办社区食堂", "来电人建议开办社区老年食堂，解决老人吃饭难问题"}}},
    {"management_service", {{"老旧小区管网改造协调", "老旧小区雨污管网改造涉及住建、城管、物业多方，需联合推进"},
                            {"背街小巷环境整治", "背街小巷私搭乱建、占道堆物问题反复出现，需多部门联合整治"},
                            {"违法建设联合拆除", "小区内违法建设经多次劝导未自行拆除，需联合执法"}}},
    {"key_work", {{"文明城市创建迎检整改", "文明城市创建迎检点位存在多处问题，需相关部门限期整改"},
                  {"燃气安全专项排查", "辖区餐饮商户燃气安全隐患较多，需联合开展专项排查"},
                  {"消防通道集中清理", "多个小区消防通道长期被占，需联合开展集中清理"}}},
    {"emergency_whistle", {{"暴雨积水应急处置", "强降雨导致路段积水严重，有车辆被困，需立即联合处置"},
                           {"外墙脱落应急处置", "居民楼外墙保温层大面积脱落，危及行人安全，需立即处置"},
                           {"燃气泄漏应急处置", "居民楼发生燃气泄漏，需立即疏散群众并联合处置"}}},
    {"home_service", {{"上门维修水龙头", "家中厨房水龙头漏水，老人行动不便，希望上门维修"},
                      {"上门疏通下水道", "卫生间下水道堵塞，希望安排人员上门疏通"},
                      {"上门更换灯具", "客厅灯具损坏，家中无人能登高更换，希望上门服务"},
                      {"家电清洗服务", "希望预约上门清洗油烟机和空调"}}},
    {"elder_care", {{"独居老人助餐送餐", "独居老人行动不便，希望每天中午送餐上门"},
                    {"陪同老人就医", "老人需到医院复查，子女在外地，希望有人陪同就医"},
                    {"上门理发服务", "卧床老人需要理发，希望志愿者上门服务"},
                    {"代购生活用品", "老人腿脚不便，希望帮忙代购米面油等生活用品"}}},
    {"neighbour", {{"楼上漏水引发纠纷", "楼上住户卫生间漏水导致楼下天花板受损，双方就赔偿协商不成"},
                   {"装修噪音邻里纠纷", "邻居装修时间过长且周末施工，双方多次发生争吵"},
                   {"楼道堆物引发纠纷", "住户长期在楼道堆放杂物，邻居多次劝说无果引发争执"},
                   {"宠物扰民纠纷", "邻居饲养的犬只夜间吠叫扰民，双方发生口角"}}},
    {"property", {{"物业费收缴纠纷", "业主以服务不到位为由拒交物业费，物业公司催缴引发纠纷"},
                  {"停车位管理纠纷", "业主与物业就小区停车位收费和管理产生纠纷"},
                  {"电梯维修费用纠纷", "电梯大修费用分摊方案业主意见不一，与物业发生纠纷"}}},
    {"family", {{"赡养老人家庭纠纷", "老人有三个子女，就赡养费用和轮流照料问题发生纠纷"},
                {"婚姻家庭财产纠纷", "夫妻双方就离婚后房屋归属问题发生纠纷"},
                {"子女抚养费纠纷", "离异双方就子女抚养费支付问题产生矛盾"}}},
    {"labour", {{"拖欠农民工工资纠纷", "多名农民工反映某工程项目拖欠工资三个月未发放"},
                {"解除劳动合同补偿纠纷", "职工被单位解除劳动合同，双方就经济补偿金额协商不成"},
                {"工伤赔偿纠纷", "职工在工作中受伤，与用人单位就工伤待遇产生纠纷"}}},
};

static const char *const spots[] = {"东门", "南门口", "北侧人行道", "地下车库入口", "1号楼楼下",
                                    "2号楼单元门口", "小广场", "西侧围墙外"};
static const char *const closings[GG_WF_KIND__COUNT][2] = {
    [GG_WF_KIND_EVENT] = {"请尽快派人处理。", "周边居民反映强烈，已现场拍照取证。"},
    [GG_WF_KIND_HOTLINE] = {"来电人希望尽快得到答复。", "请相关部门按时限办理。"},
    [GG_WF_KIND_WHISTLE] = {"请相关部门立即到场报到。", "请各部门按职责协同处置。"},
    [GG_WF_KIND_SERVICE] = {"联系电话已登记。", "希望本周内安排。"},
    [GG_WF_KIND_DISPUTE] = {"双方同意由社区组织调解。", "请尽快组织调解，防止矛盾激化。"},
};

/* Notes of the steps: the kind's own first, then the generic one (kind 0). */
static const struct {
    int kind, action;
    const char *note;
} notes[] = {
    {0, GG_WF_A_ACCEPT, "信息属实，予以受理"},
    {0, GG_WF_A_REFUSE, "经核实不属于受理范围，不予受理"},
    {0, GG_WF_A_REJECT, "不符合受理条件"},
    {0, GG_WF_A_ANSWER, "已电话答复办理渠道和所需材料，来电人表示清楚"},
    {0, GG_WF_A_DISPATCH, "请按时限办理并及时反馈"},
    {0, GG_WF_A_RETURN, "经核实不属于本单位职责范围，申请退回"},
    {0, GG_WF_A_FEEDBACK, "已安排人员到现场处置完毕，附处置前后照片"},
    {0, GG_WF_A_VERIFY, "经现场核查，问题已处置到位"},
    {0, GG_WF_A_REWORK, "经现场核查，问题未彻底解决，请返工"},
    {GG_WF_KIND_HOTLINE, GG_WF_A_REWORK, "答复内容未回应来电人诉求，退回重办"},
    {0, GG_WF_A_CLOSE, "处置到位，予以结案"},
    {GG_WF_KIND_HOTLINE, GG_WF_A_FINISH, "已按来电人诉求办理完毕并电话告知"},
    {GG_WF_KIND_WHISTLE, GG_WF_A_FINISH, "各部门联合处置完毕，现场已恢复正常"},
    {GG_WF_KIND_SERVICE, GG_WF_A_FINISH, "服务已完成，服务对象确认"},
    {GG_WF_KIND_DISPUTE, GG_WF_A_FINISH, "协议内容已履行完毕，待回访"},
    {0, GG_WF_A_REVIEW, "办理结果符合要求"},
    {0, GG_WF_A_ARCHIVE, "回访完毕，予以归档"},
    {0, GG_WF_A_REPORT_IN, "已到场报到"},
    {0, GG_WF_A_START, "各部门已到场，开始联合处置"},
    {0, GG_WF_A_SUMMON, "需增加相关部门参与处置"},
    {0, GG_WF_A_MEDIATE, "已组织双方当面调解"},
    {0, GG_WF_A_AGREE, "经调解，双方自愿达成调解协议"},
    {0, GG_WF_A_FAIL, "双方分歧较大，调解不成"},
    {0, GG_WF_A_REFER, "调解不成，分流至职能部门依法处理"},
    {0, GG_WF_A_PERFORM, "开始履行调解协议"},
    {GG_WF_KIND_DISPUTE, GG_WF_A_REQUEST_EXTENSION, "双方需补充证据材料，申请延长调解期限"},
    {0, GG_WF_A_REQUEST_EXTENSION, "涉及多个部门协调，需采购材料，申请延期"},
    {0, GG_WF_A_APPROVE_EXTENSION, "同意延期"},
    {0, GG_WF_A_DENY_EXTENSION, "问题较简单，不予延期，请按期办结"},
    {0, GG_WF_A_SUSPEND, "涉及历史遗留问题，短期内无法解决，作挂账处理"},
    {0, GG_WF_A_RESUME, "解决条件已具备，恢复办理"},
    {0, GG_WF_A_ESCALATE, "超出本级处置能力，提请上级协调"},
    {GG_WF_KIND_DISPUTE, GG_WF_A_CANCEL, "双方已自行和解，撤回调解申请"},
    {0, GG_WF_A_CANCEL, "问题已自行解决，申请撤销"},
    {0, GG_WF_A_REOPEN, "问题再次出现，申请重新处理"},
    {0, GG_WF_A_SUPERVISE, "群众反映强烈，列入督办"},
    {0, GG_WF_A_URGE, "请加快办理进度"},
    {0, GG_WF_A_PAUSE_CLOCK, "等待当事人补充材料，暂停计时"},
    {0, GG_WF_A_RESUME_CLOCK, "材料已补齐，恢复计时"},
};

static const char *note_for(int kind, int action)
{
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < GG_ARRAY_LEN(notes); i++)
            if (notes[i].action == action && notes[i].kind == (pass ? 0 : kind))
                return notes[i].note;
    return NULL;
}

/* Where the catalogue names no unit: who serves or takes a category. */
static const struct {
    const char *code, *user;
} fallback_units[] = {
    {"home_service", "property1"}, {"elder_care", "dept3"}, {"neighbour", "dept5"},
    {"family", "dept3"},           {"property", "property1"}, {"labour", "dept4"},
};
static const char *const unit_users[NUNITS] = {"dept1", "dept2", "dept3",
                                               "dept4", "dept5", "property1"};

/* ---- the city ----------------------------------------------------------- */

typedef struct grid_info {
    int gi; /* 1..400, as in grid001 */
    gg_place grid, comm, street;
    const char *compound;
    const gg_principal *gw, *community, *streetcmd, *member, *resident;
} grid_info;

typedef struct city {
    gg_conn *w;
    gg_pool *pool;
    const gg_cal *cal;
    int64_t now;
    uint64_t rng;
    grid_info grids[NGRIDS];
    const gg_principal *district;
    const gg_principal *units[NUNITS];
    const gg_principal *all[1024]; /* every account loaded, for holders by user id */
    int nall;
    gg_category *cats;
    int ncats;
    int stopped; /* cases whose scenario the engine refused part way (reported) */
} city;

/* One case being made. */
typedef struct pstep {
    const step *s;
    int unit;   /* whistle: index into units[] */
    double min; /* sampled gap, minutes */
    int64_t at;
} pstep;

typedef struct kase {
    gg_case k;
    gg_case_limits lim;
    const gg_category *cat;
    const grid_info *g;
    const scenario *sc;
    const gg_principal *rep, *desk;
    bool natural;  /* the category counts wall-clock time (emergencies) */
    double slow;   /* how slow the people on this case are */
    double fit;    /* shrinks the gaps of categories with short limits */
    int64_t limit_us; /* the category's limit (working time unless natural) */
    int64_t units[MAX_SUMMON];
    int ninitial, nunits;
    pstep ps[MAX_STEPS];
    int n;
    int64_t created;
} kase;

static int rnd(city *cy, int n)
{
    return n > 0 ? (int)(gg_rng_next(&cy->rng) % (uint64_t)n) : 0;
}
static double rndf(city *cy) { return gg_rng_unit(&cy->rng); }

static const gg_principal *load_user(city *cy, const char *username, gg_error *e)
{
    gg_account acc;
    char hash[GG_PW_HASH_MAX * 2];
    gg_principal *p = gg_pcalloc(cy->pool, sizeof *p);
    if (!p || gg_account_by_username(cy->w, cy->pool, username, &acc, hash, sizeof hash) ||
        gg_principal_load(cy->w, cy->pool, acc.id, p)) {
        gg_fail(e, GG_EIO, 500, "demo", "", "demo account %s cannot be loaded", username);
        return NULL;
    }
    if (cy->nall < (int)GG_ARRAY_LEN(cy->all)) cy->all[cy->nall++] = p;
    return p;
}

static int64_t first_place(const gg_principal *p) { return p && p->nplaces ? p->place_ids[0] : 0; }

static int load_city(city *cy, gg_error *e)
{
    char name[32];
    const gg_principal *comms[40] = {0}, *streets[6] = {0}, *members[3] = {0}, *residents[3] = {0};
    if (!(cy->district = load_user(cy, "command", e))) return GG_EIO;
    for (int u = 0; u < NUNITS; u++)
        if (!(cy->units[u] = load_user(cy, unit_users[u], e))) return GG_EIO;
    for (int i = 0; i < 40; i++) {
        snprintf(name, sizeof name, "community%02d", i + 1);
        if (!(comms[i] = load_user(cy, name, e))) return GG_EIO;
    }
    for (int i = 0; i < 6; i++) {
        snprintf(name, sizeof name, "street%d", i + 1);
        if (!(streets[i] = load_user(cy, name, e))) return GG_EIO;
    }
    for (int i = 0; i < 3; i++) {
        snprintf(name, sizeof name, "member%d", i + 1);
        if (!(members[i] = load_user(cy, name, e))) return GG_EIO;
        snprintf(name, sizeof name, "resident%d", i + 1);
        if (!(residents[i] = load_user(cy, name, e))) return GG_EIO;
    }
    for (int gi = 1; gi <= NGRIDS; gi++) {
        grid_info *g = &cy->grids[gi - 1];
        g->gi = gi;
        snprintf(name, sizeof name, "grid%03d", gi);
        gg_place *kids = NULL;
        int nk = 0;
        if (!(g->gw = load_user(cy, name, e))) return GG_EIO;
        if (gg_place_get(cy->w, cy->pool, first_place(g->gw), &g->grid) ||
            gg_place_get(cy->w, cy->pool, g->grid.parent_id, &g->comm) ||
            gg_place_get(cy->w, cy->pool, g->comm.parent_id, &g->street) ||
            gg_place_children(cy->w, cy->pool, g->grid.id, false, NULL, 1, &kids, &nk))
            return gg_fail(e, GG_EIO, 500, "demo", "", "the places of %s cannot be read", name);
        g->compound = nk ? kids[0].name : g->grid.name;
        for (int i = 0; i < 40; i++)
            if (first_place(comms[i]) == g->comm.id) g->community = comms[i];
        for (int i = 0; i < 6; i++)
            if (first_place(streets[i]) == g->street.id) g->streetcmd = streets[i];
        for (int i = 0; i < 3; i++) {
            if (first_place(members[i]) == g->grid.id) g->member = members[i];
            if (first_place(residents[i]) == g->grid.id) g->resident = residents[i];
        }
        if (!g->community || !g->streetcmd)
            return gg_fail(e, GG_EIO, 500, "demo", "", "no community or street staff for %s", name);
    }
    if (gg_category_list(cy->w, cy->pool, NULL, &cy->cats, &cy->ncats) || cy->ncats == 0)
        return gg_fail(e, GG_EIO, 500, "demo", "", "no categories");
    return 0;
}

static const gg_principal *unit_principal(const city *cy, int64_t unit_id)
{
    for (int u = 0; u < NUNITS; u++)
        if (cy->units[u]->unit_id == unit_id) return cy->units[u];
    return NULL;
}

/* ---- making one case ---------------------------------------------------- */

static int pick_weighted(city *cy, const int *w, int n)
{
    int total = 0;
    for (int i = 0; i < n; i++) total += w[i];
    int r = rnd(cy, total);
    for (int i = 0; i < n; i++)
        if ((r -= w[i]) < 0) return i;
    return n - 1;
}

static const scenario *pick_scenario(city *cy, int kind, const grid_info *g)
{
    int w[GG_ARRAY_LEN(scenarios)];
    for (size_t i = 0; i < GG_ARRAY_LEN(scenarios); i++) {
        const scenario *s = &scenarios[i];
        w[i] = s->kind == kind && (!(s->needs & N_MEMBER) || g->member) ? s->weight : 0;
    }
    return &scenarios[pick_weighted(cy, w, (int)GG_ARRAY_LEN(scenarios))];
}

static const gg_category *pick_category(city *cy, int kind, bool consult)
{
    const gg_category *c[32];
    int n = 0;
    for (int i = 0; i < cy->ncats && n < 32; i++) {
        const gg_category *x = &cy->cats[i];
        bool is_consult = strcmp(x->code, "consult") == 0;
        if (x->active && strcmp(x->kind, gg_wf_kind_name(kind)) == 0 &&
            (kind != GG_WF_KIND_HOTLINE || is_consult == consult))
            c[n++] = x;
    }
    return n ? c[rnd(cy, n)] : NULL;
}

static int rating(city *cy, int sel)
{
    static const int any[] = {6, 10, 16, 30, 38}, good[] = {0, 0, 17, 38, 45},
                     bad[] = {35, 65, 0, 0, 0};
    const int *w = sel == RT_ANY ? any : sel == RT_GOOD ? good : sel == RT_BAD ? bad : NULL;
    return w ? 1 + pick_weighted(cy, w, 5) : 0;
}

/* Who reports, who sits at the desk (accepts, dispatches, reviews). */
static void pick_people(city *cy, kase *kc)
{
    const grid_info *g = kc->g;
    int r = rnd(cy, 100);
    kc->k.source = "web";
    switch (kc->k.kind) {
    case GG_WF_KIND_EVENT:
        kc->rep = g->resident && r < 40 ? g->resident : g->member && r < 55 ? g->member
                  : r % 10 == 0 ? g->community : g->gw;
        kc->k.source = kc->rep == g->gw ? "patrol" : kc->rep == g->community ? "web" : "app";
        kc->desk = rnd(cy, 2) ? g->community : g->streetcmd;
        break;
    case GG_WF_KIND_HOTLINE: {
        /* braces: a declaration may not follow a label in C11 (clang refuses it) */
        bool operator_only = kc->sc->needs & N_ANSWER_NOW; /* answered at intake by 12345 */
        kc->rep = g->resident && r < 40 && !operator_only ? g->resident : cy->district;
        kc->k.source = kc->rep == cy->district ? "hotline" : "app";
        kc->desk = cy->district;
        break;
    }
    case GG_WF_KIND_WHISTLE:
        kc->rep = r < 80 ? g->community : g->streetcmd;
        kc->desk = g->streetcmd;
        break;
    case GG_WF_KIND_SERVICE:
        kc->rep = g->resident && r < 60 ? g->resident : g->gw;
        kc->k.source = kc->rep == g->resident ? "wechat" : "app";
        kc->desk = rnd(cy, 2) ? g->gw : g->community;
        break;
    default:
        kc->rep = g->resident && r < 40 ? g->resident : r < 70 ? g->gw : g->community;
        kc->k.source = kc->rep == g->gw ? "patrol" : "web";
        kc->desk = rnd(cy, 2) ? g->gw : g->community;
        break;
    }
}

static const topic *pick_topic(city *cy, const char *key)
{
    for (size_t i = 0; i < GG_ARRAY_LEN(topics); i++) {
        if (strcmp(topics[i].code, key) != 0) continue;
        int n = 0;
        while (n < 4 && topics[i].t[n].title) n++;
        return &topics[i].t[rnd(cy, n)];
    }
    return NULL;
}

/* Title, description, address, location, urgency: words a person would use. */
static int describe(city *cy, kase *kc, gg_pool *p)
{
    gg_case *k = &kc->k;
    const grid_info *g = kc->g;
    bool whistle = k->kind == GG_WF_KIND_WHISTLE;
    const char *key = !whistle ? kc->cat->code
                    : strcmp(k->subtype, "emergency") == 0 ? "emergency_whistle" : k->subtype;
    const topic *t = pick_topic(cy, key);
    if (!t) t = &topics[0].t[0];
    const char *spot = spots[rnd(cy, (int)GG_ARRAY_LEN(spots))];
    int b = 1 + rnd(cy, 2), u = 1 + rnd(cy, 2);
    if (k->kind == GG_WF_KIND_EVENT) {
        k->title = gg_pprintf(p, "%s%s", g->compound, t->title);
        k->address =
            gg_pprintf(p, "城北区%s%s%s%s", g->street.name, g->comm.name, g->compound, spot);
    } else {
        k->title = whistle ? gg_pprintf(p, "%s%s", g->comm.name, t->title) : t->title;
        k->address = gg_pprintf(p, "城北区%s%s%s%d号楼%d单元", g->street.name, g->comm.name,
                                g->compound, b, u);
    }
    const char *closing = closings[k->kind][rnd(cy, 2)];
    k->description = k->kind == GG_WF_KIND_EVENT
                         ? gg_pprintf(p, "%s%s%s。%s", g->compound, spot, t->detail, closing)
                         : gg_pprintf(p, "%s。%s", t->detail, closing);
    k->has_location = true;
    k->lat = 36.62 + (g->gi % 20) * 0.004 + rndf(cy) * 0.003;
    k->lon = 101.70 + (g->gi / 20) * 0.006 + rndf(cy) * 0.004;
    bool urgent = strcmp(key, "emergency") == 0 || strcmp(key, "emergency_whistle") == 0;
    k->urgency = urgent ? (rnd(cy, 3) ? "urgent" : "critical") : rnd(cy, 10) ? "normal" : "urgent";
    return k->title && k->address && k->description ? 0 : GG_ENOMEM;
}

/* The steps this case will take, with the gaps between them sampled. */
static void expand(city *cy, kase *kc)
{
    int nu = kc->ninitial;
    bool withdrawn[MAX_SUMMON] = {0}; /* returned the whistle: no longer summoned */
    kc->n = 0;
    for (int i = 0; i < kc->sc->n; i++) {
        const step *s = &kc->sc->steps[i];
        if ((s->flags & F_OPT) && rnd(cy, 100) >= 35) continue;
        int from = -1, to = -1; /* units [from, to]; -1: the step names none */
        switch (s->units) {
        case U_EACH: from = 0, to = nu - 1; break;
        case U_FIRST: from = to = 0; break;
        case U_LAST: from = to = nu - 1; break;
        case U_BUT_LAST: from = 0, to = nu - 2; break;
        default: break;
        }
        if (s->tgt == T_EXTRA) { /* summon one more department */
            int64_t cand[NUNITS];
            int nc = 0;
            for (int u = 0; u < NUNITS - 1 && nu < MAX_SUMMON; u++) {
                bool taken = false;
                for (int j = 0; j < nu; j++) taken = taken || kc->units[j] == cy->units[u]->unit_id;
                if (!taken) cand[nc++] = cy->units[u]->unit_id;
            }
            if (!nc) continue;
            kc->units[nu] = cand[rnd(cy, nc)];
            from = to = nu++;
        }
        for (int u = from; u <= to && kc->n < MAX_STEPS; u++) {
            if (u >= 0 && withdrawn[u]) continue;
            if (u >= 0 && s->action == GG_WF_A_RETURN) withdrawn[u] = true;
            pstep *p = &kc->ps[kc->n++];
            p->s = s;
            p->unit = u;
            p->min = s->lo + rnd(cy, s->hi - s->lo + 1);
        }
    }
    kc->nunits = nu;
    /* A prompt case uses about half its category's limit on the steps staff take. */
    double nominal = 0;
    int64_t limit_us = 0;
    bool nat = false;
    for (int i = 0; i < kc->n; i++)
        if (!(kc->ps[i].s->flags & F_NAT)) nominal += (kc->ps[i].s->lo + kc->ps[i].s->hi) / 2.0;
    kc->fit = 1.0;
    if (gg_cal_amount_us(cy->cal, kc->lim.amount, kc->lim.unit, &limit_us, &nat, NULL) == 0 &&
        nominal > 0 && limit_us / 60e6 * 0.5 < nominal)
        kc->fit = limit_us / 60e6 * 0.5 / nominal;
    kc->limit_us = limit_us;
}

static int64_t work_add(const city *cy, int64_t t, int64_t us)
{
    int64_t out;
    return gg_cal_add_working(cy->cal, t, us, &out, NULL) == 0 ? out : t + us;
}

/* Times of the opening and every step from start; returns the last. */
static int64_t lay_out(const city *cy, kase *kc, int64_t start, double scale)
{
    bool staff = kc->rep->role != GG_ROLE_RESIDENT && kc->rep->role != GG_ROLE_MEMBER;
    int64_t t = staff && !kc->natural ? work_add(cy, start, MIN_US) : start;
    kc->created = t;
    for (int i = 0; i < kc->n; i++) {
        pstep *p = &kc->ps[i];
        bool nat = (p->s->flags & F_NAT) != 0;
        double m = nat && !kc->natural ? p->min : p->min * kc->slow * scale * kc->fit;
        int64_t us = (int64_t)(m * 60e6);
        if (us < MIN_US) us = MIN_US;
        t = nat || kc->natural ? t + us : work_add(cy, t, us);
        p->at = t;
    }
    return t;
}

/* How long before now lies the instant `amount` of the case's kind of time
 * (working or wall-clock) before now; a bisection over the calendar. */
static int64_t back(const city *cy, const kase *kc, int64_t amount)
{
    if (kc->natural) return amount;
    int64_t lo = 0, hi = 120 * GG_US_PER_DAY, w;
    while (hi - lo > MIN_US) {
        int64_t mid = lo + (hi - lo) / 2;
        bool enough = gg_cal_working_us(cy->cal, cy->now - mid, cy->now, &w, NULL) == 0 &&
                      w >= amount;
        if (enough) hi = mid;
        else lo = mid;
    }
    return hi;
}

/* Place the case in time: it ended `tail` ago (open cases: recently, or
 * long ago when slow; others anywhere in the ninety days), and never after now. */
static void plan_times(city *cy, kase *kc)
{
    const int64_t day = GG_US_PER_DAY, latest = cy->now - MIN_US;
    bool open = gg_wf_is_open(kc->k.kind, kc->sc->end);
    double scale = 1.0;
    int64_t span = lay_out(cy, kc, cy->now - 60 * day, scale) - kc->created;
    int64_t tail, room = 88 * day - span > day ? 88 * day - span : day;
    if (!open) /* ended anywhere in the window */
        tail = (int64_t)(rndf(cy) * (double)room);
    else if (kc->slow > 1.0) /* stuck for days: overdue, most likely */
        tail = day + (int64_t)(rndf(cy) * 14 * day);
    else /* waiting for its next step, within 40 % of its limit */
        tail = back(cy, kc, 10 * MIN_US + (int64_t)(rndf(cy) * 0.4 * (double)kc->limit_us));
    for (int attempt = 0; attempt < 4; attempt++) {
        int64_t start = cy->now - tail - span, last = 0;
        for (int i = 0; i < 8; i++) {
            last = lay_out(cy, kc, start, scale);
            int64_t diff = cy->now - tail - last;
            if (diff < 10 * MIN_US && diff > -10 * MIN_US) break;
            start += diff;
        }
        for (int i = 0; i < 20 && last > latest; i++) {
            start -= last - latest + 60 * MIN_US;
            last = lay_out(cy, kc, start, scale);
        }
        if (last <= latest && kc->created >= cy->now - 92 * day) return;
        scale *= 0.5;
        tail /= 2;
        span = lay_out(cy, kc, cy->now - 60 * day, scale) - kc->created;
    }
}

/* ---- driving the engine ------------------------------------------------- */

static const gg_principal *holder(const city *cy, const kase *kc)
{
    const gg_case *k = &kc->k;
    const grid_info *g = kc->g;
    if (k->owner_unit_id) return unit_principal(cy, k->owner_unit_id);
    if (k->owner_user_id) {
        for (int i = 0; i < cy->nall; i++)
            if (cy->all[i]->user_id == k->owner_user_id) return cy->all[i];
        return NULL;
    }
    return k->owner_place_id == g->grid.id ? g->gw : k->owner_place_id == g->comm.id ? g->community
         : k->owner_place_id == g->street.id ? g->streetcmd : cy->district;
}

static const gg_principal *actor_of(const city *cy, const kase *kc, const pstep *p)
{
    const grid_info *g = kc->g;
    switch (p->s->who) {
    case W_REP: return kc->rep;
    case W_GRID: return g->gw;
    case W_COMM: return g->community;
    case W_STREET: return g->streetcmd;
    case W_DIST: return cy->district;
    case W_DESK: return kc->desk;
    case W_HOLDER: return holder(cy, kc);
    case W_UNIT: return p->unit >= 0 ? unit_principal(cy, kc->units[p->unit]) : NULL;
    case W_MEMBER: return g->member;
    case W_NEIGHBOUR: return g->resident && g->resident != kc->rep ? g->resident
                             : g->member && g->member != kc->rep ? g->member : NULL;
    default: return NULL;
    }
}

static int place_kind(const kase *kc, int64_t id)
{
    const grid_info *g = kc->g;
    return id == g->grid.id ? GG_PK_GRID : id == g->comm.id ? GG_PK_COMMUNITY
         : id == g->street.id ? GG_PK_STREET : GG_PK_DISTRICT;
}

/* The unit the catalogue suggests (or the fallback), and a wrong one. */
static int64_t right_unit(city *cy, const kase *kc)
{
    int64_t u = gg_dispatch_suggest(cy->w, kc->cat->id, kc->k.place_path);
    for (size_t i = 0; !u && i < GG_ARRAY_LEN(fallback_units); i++)
        if (strcmp(fallback_units[i].code, kc->cat->code) == 0)
            for (int j = 0; j < NUNITS; j++)
                if (strcmp(unit_users[j], fallback_units[i].user) == 0) u = cy->units[j]->unit_id;
    return u ? u : cy->units[0]->unit_id;
}

static void target(city *cy, const kase *kc, const pstep *p, gg_case_input *in)
{
    const grid_info *g = kc->g;
    int64_t right;
    switch (p->s->tgt) {
    case T_SERVE:
        if (g->member && rnd(cy, 2)) {
            in->target_user_id = g->member->user_id;
            break;
        }
        /* fall through */
    case T_UNIT: in->target_unit_id = right_unit(cy, kc); break;
    case T_WRONG:
        right = right_unit(cy, kc);
        do in->target_unit_id = cy->units[rnd(cy, NUNITS)]->unit_id;
        while (in->target_unit_id == right);
        break;
    case T_STREET_USER: in->target_user_id = g->streetcmd->user_id; break;
    case T_COMM_PLACE: in->target_place_id = g->comm.id; break;
    case T_STREET_PLACE: in->target_place_id = g->street.id; break;
    case T_EXTRA:
    case T_UNITSEL: in->target_unit_id = kc->units[p->unit]; break;
    default: break;
    }
    if (in->target_place_id) {
        in->owner_place_kind = place_kind(kc, kc->k.owner_place_id);
        in->target_place_kind = place_kind(kc, in->target_place_id);
    }
}

/* What the server's scheduler (every 30 s) did before t: mark the case overdue and urge it. */
static int overdue_until(city *cy, kase *kc, int64_t t, gg_error *e)
{
    gg_case *k = &kc->k;
    if (k->overdue || !k->due_at || !gg_wf_is_open(k->kind, k->state) || k->overall.paused_since)
        return 0;
    int64_t when = (k->due_at > k->updated_at ? k->due_at : k->updated_at) + 30 * GG_US_PER_SEC;
    int64_t version = k->version;
    gg_case_step st;
    if (when >= t || !gg_case_mark_overdue(k, when, &st)) return 0;
    gg_case_input in = {.action = GG_WF_A_URGE,
                        .note = "逾期自动催办 (overdue: urged by the system)"};
    gg_case_flow_rec f;
    gg_api_flow_rec(k, &st, &in, 0, cy->cal, &f);
    return gg_case_update(cy->w, k, version, &f, e);
}

static int open_case(city *cy, kase *kc, gg_error *e)
{
    gg_case *k = &kc->k;
    k->category_id = kc->cat->id;
    k->place_id = k->owner_place_id = kc->g->grid.id;
    k->place_path = kc->g->grid.path;
    k->region = kc->g->grid.region;
    k->reporter_id = kc->rep->user_id;
    if (k->kind == GG_WF_KIND_WHISTLE) k->dispatcher_place_id = k->place_id;
    if (!gg_case_may_open(k->kind, kc->rep->role))
        return gg_fail(e, GG_EINVAL, 500, "demo", "", "%s may not open a %s", kc->rep->username,
                       gg_wf_kind_name(k->kind));
    gg_case_step st;
    gg_case_flow_rec f;
    bool answer_now = kc->sc->needs & N_ANSWER_NOW;
    int rc = gg_case_open(k, cy->cal, &kc->lim, answer_now, kc->created, &st, e);
    if (rc) return rc;
    gg_api_flow_rec(k, &st, NULL, kc->rep->user_id, cy->cal, &f);
    if ((rc = gg_case_insert(cy->w, k, &f, e))) return rc;
    for (int i = 0; !rc && i < kc->ninitial; i++)
        rc = gg_case_unit_add(cy->w, k->id, kc->units[i], kc->created, e);
    return rc;
}

/* One step as POST /cases/:id/actions/:action would take it. 1: the engine refused. */
static int take_step(city *cy, kase *kc, const pstep *p, gg_pool *pool, gg_error *e)
{
    gg_case *k = &kc->k;
    const gg_principal *who = actor_of(cy, kc, p);
    if (!who && !(p->s->flags & F_OPT))
        gg_warn("demo: case %lld: nobody to take step %s", (long long)k->id,
                gg_wf_action_name(p->s->action));
    if (!who) return p->s->flags & F_OPT ? 0 : 1;
    gg_case_input in = {.action = p->s->action, .note = note_for(k->kind, p->s->action),
                        .rating = rating(cy, p->s->rating)};
    bool hours = kc->lim.stage_unit == GG_CAL_WORK_HOURS || kc->lim.stage_unit == GG_CAL_NATURAL_HOURS;
    if (in.action == GG_WF_A_REQUEST_EXTENSION) /* in the stage's unit */
        in.extension_amount = hours ? 2 + rnd(cy, 6) : 1 + rnd(cy, 3);
    target(cy, kc, p, &in);
    gg_case_actor a;
    gg_case_step st;
    gg_case_flow_rec f;
    gg_error refusal = {0};
    int64_t version = k->version;
    if (gg_api_case_actor(cy->w, pool, who, k, &a))
        return gg_fail(e, GG_EIO, 500, "demo", "", "actor facts");
    if (gg_case_act(k, cy->cal, &kc->lim, &a, &in, p->at, &st, &refusal)) {
        if (p->s->flags & F_OPT) return gg_case_get(cy->w, pool, k->id, k) ? GG_EIO : 0;
        gg_warn("demo: case %lld (%s, %s) step %s by %s refused: %s", (long long)k->id,
                gg_wf_kind_name(k->kind), gg_wf_state_name(k->state), gg_wf_action_name(in.action),
                who->username, refusal.message);
        return gg_case_get(cy->w, pool, k->id, k) ? GG_EIO : 1;
    }
    gg_api_flow_rec(k, &st, &in, who->user_id, cy->cal, &f);
    int rc = gg_case_update(cy->w, k, version, &f, e);
    if (rc) return rc;
    if (st.summon_target) return gg_case_unit_add(cy->w, k->id, in.target_unit_id, p->at, e);
    if (st.report_in) return gg_case_unit_report(cy->w, k->id, who->unit_id, p->at, e);
    if (st.withdraw_unit) return gg_case_unit_remove(cy->w, k->id, who->unit_id, e);
    if (st.rate_unit) return gg_case_unit_rate(cy->w, k->id, in.target_unit_id, in.rating, e);
    if (st.add_support) return gg_case_support_add(cy->w, k->id, who->user_id, p->at, e);
    return 0;
}

/* A whistle summons 1–3 departments (the property firm too, for daily matters). */
static void summon_initial(city *cy, kase *kc)
{
    int n = strcmp(kc->k.subtype, "management_service") == 0 ? NUNITS : NUNITS - 1;
    kc->ninitial = 1 + rnd(cy, 3);
    for (int i = 0; i < kc->ninitial; i++) {
        bool dup;
        do {
            kc->units[i] = cy->units[rnd(cy, n)]->unit_id;
            dup = false;
            for (int j = 0; j < i; j++) dup = dup || kc->units[j] == kc->units[i];
        } while (dup);
    }
}

static int make_case(city *cy, gg_error *e)
{
    static const int kind_weights[GG_WF_KIND__COUNT] = {
        [GG_WF_KIND_EVENT] = 40, [GG_WF_KIND_HOTLINE] = 26, [GG_WF_KIND_WHISTLE] = 8,
        [GG_WF_KIND_SERVICE] = 14, [GG_WF_KIND_DISPUTE] = 12};
    static const char *const whistles[] = {"management_service", "key_work", "emergency"};
    static const char *const hotline_sub[][2] = {{"consult", "consultation"}, {"help", "help"},
        {"complaint", "complaint"}, {"report", "report"}, {"suggestion", "suggestion"}};
    kase kc;
    memset(&kc, 0, sizeof kc);
    gg_case *k = &kc.k;
    k->kind = pick_weighted(cy, kind_weights, GG_WF_KIND__COUNT);
    kc.g = &cy->grids[rnd(cy, 100) < 8 ? rnd(cy, 3) : rnd(cy, NGRIDS)]; /* residents live in 1–3 */
    kc.sc = pick_scenario(cy, k->kind, kc.g);
    kc.cat = pick_category(cy, k->kind, (kc.sc->needs & N_CONSULT) != 0);
    if (!kc.cat)
        return gg_fail(e, GG_EIO, 500, "demo", "", "no category of kind %s",
                       gg_wf_kind_name(k->kind));
    kc.lim = (gg_case_limits){kc.cat->limit_amount, gg_cal_unit_parse(kc.cat->limit_unit),
                              kc.cat->stage_amount, gg_cal_unit_parse(kc.cat->stage_unit)};
    kc.natural = kc.lim.unit == GG_CAL_NATURAL_HOURS || kc.lim.unit == GG_CAL_NATURAL_DAYS;
    if (k->kind == GG_WF_KIND_WHISTLE) k->subtype = whistles[rnd(cy, 3)];
    for (size_t i = 0; k->kind == GG_WF_KIND_HOTLINE && i < GG_ARRAY_LEN(hotline_sub); i++)
        if (strcmp(kc.cat->code, hotline_sub[i][0]) == 0) k->subtype = hotline_sub[i][1];
    if (k->kind == GG_WF_KIND_WHISTLE) summon_initial(cy, &kc);
    int r = rnd(cy, 100);
    kc.slow = r < 80 ? 1.0 : r < 95 ? 2.0 : 4.5;
    pick_people(cy, &kc);
    expand(cy, &kc);
    plan_times(cy, &kc);
    gg_pool *pool = gg_pool_new(8u << 20);
    int rc = pool ? describe(cy, &kc, pool) : GG_ENOMEM;
    if (!rc) rc = open_case(cy, &kc, e);
    for (int i = 0; !rc && i < kc.n; i++) {
        rc = overdue_until(cy, &kc, kc.ps[i].at, e);
        if (!rc) rc = take_step(cy, &kc, &kc.ps[i], pool, e);
    }
    if (rc == 1) cy->stopped++, rc = 0;
    if (!rc) rc = overdue_until(cy, &kc, cy->now, e);
    gg_pool_free(pool);
    return rc;
}

int gg_demo_cases(struct gg_conn *w, struct gg_pool *pool, int *ncases, struct gg_error *e)
{
    city *cy = gg_pcalloc(pool, sizeof *cy);
    if (!cy) return GG_ENOMEM;
    cy->w = w;
    cy->pool = pool;
    cy->now = gg_now_us();
    cy->rng = SEED;
    cy->cal = gg_calendar_acquire();
    int rc = load_city(cy, e);
    for (int i = 0; !rc && i < NCASES; i++) rc = make_case(cy, e);
    gg_calendar_release();
    if (cy->stopped)
        gg_warn("demo: %d cases stopped before the end of their scenario", cy->stopped);
    *ncases = rc ? 0 : NCASES;
    return rc;
}
