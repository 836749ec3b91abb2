/*
 * demo.c — a deterministic demo city: 城北区 (630105) with 6 streets and
 * towns, 40 communities and villages, 400 grids (every tenth a dedicated
 * grid), a compound with buildings and units in every grid, departments, a
 * property company, and accounts for every role. Same input, same rows.
 *
 * All demo accounts share GG_DEMO_PASSWORD and, to keep `make run` fast, one
 * argon2id hash of it (computed once here); real accounts each get their own.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "core/crypto.h"
#include "domain/authz.h"
#include "domain/place.h"
#include "store/store.h"

static const struct {
    const char *name, *subtype;
    int seq, communities;
} streets[] = {
    {"小桥大街街道", "street", 1, 7}, {"马坊街道", "street", 2, 7},
    {"朝阳街道", "street", 3, 7},     {"火车西站街道", "street", 4, 7},
    {"大堡子镇", "town", 101, 6},     {"廿里铺镇", "town", 102, 6},
};
static const char *const community_names[] = {
    "小桥", "新海", "毛胜寺", "北川", "建设", "幸福", "康乐", "民和", "光明", "和平",
    "欣乐", "宁湖", "青年", "朝阳", "祁连", "山川", "海湖", "文汇", "银河", "静安",
    "枫林", "锦绣", "福苑", "红星", "团结", "丰收", "向阳", "金桥", "柳湾", "新村",
    "东风", "陶家", "乙思观", "汪家寨", "吧浪", "宋家寨", "晨光", "红光", "陶新", "鲍家寨"};
static const char *const dedicated[] = {"school", "hospital", "enterprise", "park", "market"};
static const char *const dedicated_zh[] = {"学校", "医院", "企业", "公园", "市场"};
static const struct {
    const char *name, *kind, *user;
} units[] = {
    {"区城市管理局", "department", "dept1"},     {"区住房和城乡建设局", "department", "dept2"},
    {"区民政局", "department", "dept3"},         {"区市场监督管理局", "department", "dept4"},
    {"公安城北分局", "department", "dept5"},     {"城北物业服务有限公司", "property", "property1"},
};

/* Categories with their time limits (GB/T 30428 city-management classes,
 * hotline request types, whistle types, service menu, dispute types), and
 * the department the dispatch catalogue names for each (index into units[],
 * -1: none). */
static const struct {
    const char *kind, *code, *name;
    int amount;
    const char *unit;
    int stage;
    const char *stage_unit;
    int dept;
} categories[] = {
    {"event", "city_appearance", "市容环境", 3, "work_days", 1, "work_days", 0},
    {"event", "street_order", "街面秩序", 2, "work_days", 4, "work_hours", 0},
    {"event", "advertising", "宣传广告", 3, "work_days", 1, "work_days", 0},
    {"event", "construction", "施工管理", 5, "work_days", 2, "work_days", 1},
    {"event", "emergency", "突发事件", 4, "natural_hours", 1, "natural_hours", 4},
    {"hotline", "consult", "咨询", 1, "work_days", 4, "work_hours", -1},
    {"hotline", "help", "求助", 5, "work_days", 2, "work_days", 2},
    {"hotline", "complaint", "投诉", 5, "work_days", 1, "work_days", 3},
    {"hotline", "report", "举报", 10, "work_days", 2, "work_days", 3},
    {"hotline", "suggestion", "建议", 15, "work_days", 3, "work_days", 2},
    {"whistle", "whistle", "吹哨报到", 5, "work_days", 1, "natural_hours", -1},
    {"service", "home_service", "上门服务", 3, "work_days", 1, "work_days", -1},
    {"service", "elder_care", "助老服务", 2, "work_days", 1, "work_days", -1},
    {"dispute", "neighbour", "邻里纠纷", 15, "work_days", 5, "work_days", -1},
    {"dispute", "property", "物业纠纷", 15, "work_days", 5, "work_days", 5},
    {"dispute", "family", "婚姻家庭纠纷", 15, "work_days", 5, "work_days", -1},
    {"dispute", "labour", "劳动纠纷", 30, "work_days", 10, "work_days", 3},
};

typedef struct demo_ctx {
    gg_pool *pool;
    const char *hash;
    int places, accounts, cases;
} demo_ctx;

static int add_place(demo_ctx *d, gg_conn *w, gg_place *parent, int kind, const char *subtype,
                     const char *dk, int seq, const char *name, gg_place *out, gg_error *e)
{
    char *code = gg_palloc(d->pool, GG_PLACE_CODE_MAX);
    if (!code) return GG_ENOMEM;
    if (gg_place_code_compose(kind, subtype, parent->code, seq, code, GG_PLACE_CODE_MAX))
        return gg_fail(e, GG_EINVAL, 500, "demo", "", "bad demo code");
    *out = (gg_place){.parent_id = parent->id, .kind = kind, .subtype = subtype,
                      .dedicated_kind = dk, .code = code, .name = gg_pstrdup(d->pool, name),
                      .path = parent->path, .depth = parent->depth + 1};
    int rc = gg_place_insert(w, out, 0, e);
    if (rc) return rc;
    out->path = gg_pprintf(d->pool, "%s%lld/", parent->path, (long long)out->id);
    d->places++;
    return out->path ? 0 : GG_ENOMEM;
}

static int add_account(demo_ctx *d, gg_conn *w, const char *user, const char *name, int role,
                       int64_t place_id, int64_t unit_id, bool global, gg_error *e)
{
    gg_account a = {.username = user, .display_name = name, .role = role, .unit_id = unit_id,
                    .global_scope = global, .nplaces = place_id ? 1 : 0, .place_ids = &place_id};
    d->accounts++;
    return gg_account_insert(w, &a, d->hash, e);
}

static int build_grid(demo_ctx *d, gg_conn *w, gg_place *comm, int g, int ci, gg_error *e)
{
    gg_place grid, comp, bld, unit;
    char name[96];
    bool ded = g == 10;
    const char *dk = ded ? dedicated[ci % 5] : NULL;
    if (ded) snprintf(name, sizeof name, "%s%s专属网格", comm->name, dedicated_zh[ci % 5]);
    else snprintf(name, sizeof name, "第%d网格", g);
    int rc = add_place(d, w, comm, GG_PK_GRID, ded ? "dedicated" : "basic", dk, g, name, &grid, e);
    if (rc) return rc;
    snprintf(name, sizeof name, "%s%d号小区", community_names[ci], g);
    if ((rc = add_place(d, w, &grid, GG_PK_COMPOUND, NULL, NULL, 1, name, &comp, e))) return rc;
    for (int b = 1; b <= 2 && !rc; b++) {
        snprintf(name, sizeof name, "%d号楼", b);
        rc = add_place(d, w, &comp, GG_PK_BUILDING, NULL, NULL, b, name, &bld, e);
        for (int u = 1; u <= 2 && !rc; u++) {
            snprintf(name, sizeof name, "%d单元", u);
            rc = add_place(d, w, &bld, GG_PK_UNIT, NULL, NULL, u, name, &unit, e);
        }
    }
    if (rc) return rc;
    int gi = ci * 10 + g;
    char user[32], disp[64];
    snprintf(user, sizeof user, "grid%03d", gi);
    snprintf(disp, sizeof disp, "网格员%03d", gi);
    rc = add_account(d, w, user, disp, GG_ROLE_GRIDWORKER, grid.id, 0, false, e);
    if (!rc && gi <= 3) {
        snprintf(user, sizeof user, "member%d", gi);
        snprintf(disp, sizeof disp, "党员志愿者%d", gi);
        rc = add_account(d, w, user, disp, GG_ROLE_MEMBER, grid.id, 0, false, e);
        snprintf(user, sizeof user, "resident%d", gi);
        snprintf(disp, sizeof disp, "居民%d", gi);
        if (!rc) rc = add_account(d, w, user, disp, GG_ROLE_RESIDENT, grid.id, 0, false, e);
    }
    return rc;
}

static int demo_fn(gg_conn *w, void *arg, gg_error *e)
{
    demo_ctx *d = arg;
    gg_place district = {.kind = GG_PK_DISTRICT, .code = "630105", .name = "城北区", .depth = 0};
    int rc = gg_place_insert(w, &district, 0, e);
    if (rc) return rc;
    district.path = gg_pprintf(d->pool, "/%lld/", (long long)district.id);
    d->places++;
    if ((rc = add_account(d, w, "admin", "系统管理员", GG_ROLE_ADMIN, 0, 0, true, e))) return rc;
    if ((rc = add_account(d, w, "command", "区指挥中心", GG_ROLE_COMMAND, district.id, 0, false, e)))
        return rc;
    int64_t unit_ids[GG_ARRAY_LEN(units)];
    for (size_t u = 0; u < GG_ARRAY_LEN(units); u++) {
        gg_unit un = {.name = units[u].name, .kind = units[u].kind, .place_id = district.id};
        if ((rc = gg_unit_insert(w, &un, e))) return rc;
        unit_ids[u] = un.id;
        char disp[96];
        snprintf(disp, sizeof disp, "%s处置员", units[u].name);
        if ((rc = add_account(d, w, units[u].user, disp, GG_ROLE_DEPARTMENT, 0, un.id, false, e)))
            return rc;
    }
    for (size_t i = 0; i < GG_ARRAY_LEN(categories) && !rc; i++) {
        gg_category cat = {.kind = categories[i].kind, .code = categories[i].code,
                           .name = categories[i].name, .limit_amount = categories[i].amount,
                           .limit_unit = categories[i].unit, .stage_amount = categories[i].stage,
                           .stage_unit = categories[i].stage_unit};
        rc = gg_category_insert(w, &cat, e);
        if (!rc && categories[i].dept >= 0)
            rc = gg_dispatch_rule_set(w, cat.id, district.id, unit_ids[categories[i].dept], e);
    }
    if (rc) return rc;
    int ci = 0;
    for (size_t s = 0; s < GG_ARRAY_LEN(streets); s++) {
        gg_place st;
        rc = add_place(d, w, &district, GG_PK_STREET, streets[s].subtype, NULL, streets[s].seq,
                       streets[s].name, &st, e);
        char user[32], disp[192];
        snprintf(user, sizeof user, "street%zu", s + 1);
        snprintf(disp, sizeof disp, "%s指挥中心", streets[s].name);
        if (!rc) rc = add_account(d, w, user, disp, GG_ROLE_COMMAND, st.id, 0, false, e);
        bool town = strcmp(streets[s].subtype, "town") == 0;
        for (int c = 1; c <= streets[s].communities && !rc; c++, ci++) {
            gg_place comm;
            char name[96];
            snprintf(name, sizeof name, "%s%s", community_names[ci], town ? "村" : "社区");
            rc = add_place(d, w, &st, GG_PK_COMMUNITY, town ? "village" : "community", NULL,
                           town ? 200 + c : c, name, &comm, e);
            snprintf(user, sizeof user, "community%02d", ci + 1);
            snprintf(disp, sizeof disp, "%s工作人员", name);
            if (!rc) rc = add_account(d, w, user, disp, GG_ROLE_COMMUNITY, comm.id, 0, false, e);
            for (int g = 1; g <= 10 && !rc; g++) rc = build_grid(d, w, &comm, g, ci, e);
        }
        if (rc) return rc;
    }
    rc = gg_demo_cases(w, d->pool, &d->cases, e);
    /* grid map (#6) */
    if (!rc) {
        int gg_demo_geo(gg_conn *, gg_pool *, int64_t, int *, gg_error *); /* cli/demo_geo.h */
        int nb = 0;
        rc = gg_demo_geo(w, d->pool, district.id, &nb, e);
    }

    /* registry (#5) */
    if (!rc) rc = gg_demo_registry(w, d->pool, &(int){0}, e);

    return rc;
}

int gg_cmd_demo(const gg_cli_opts *o)
{
    struct stat sb;
    if (stat(o->db, &sb) == 0) {
        fprintf(stderr, "gridgov: %s exists; the demo city is made only in a new database\n", o->db);
        return 1;
    }
    if (gg_crypto_init()) return 1;
    gg_store *s = NULL;
    gg_error e = {0};
    gg_store_opts so = {.migrate = true};
    if (gg_store_open(o->db, &so, &s, &e)) {
        fprintf(stderr, "gridgov: %s\n", e.message);
        return 1;
    }
    chmod(o->db, 0600);
    char hash[GG_PW_HASH_MAX];
    demo_ctx d = {.pool = gg_pool_new(256u << 20), .hash = hash};
    int rc = d.pool ? gg_pw_hash(GG_DEMO_PASSWORD, hash) : GG_ENOMEM;
    if (!rc) rc = gg_store_write_sync(s, demo_fn, &d, &e);
    if (rc) fprintf(stderr, "gridgov: demo failed: %s\n", e.message);
    else printf("demo city written to %s: %d places, %d accounts, %d cases\n", o->db, d.places,
                d.accounts, d.cases);
    gg_pool_free(d.pool);
    gg_store_close(s);
    return rc ? 1 : 0;
}

int gg_cmd_demo_logins(const gg_cli_opts *o)
{
    printf("\nDemo logins (password for all: %s)\n"
           "  admin        administrator (whole city)\n"
           "  command      district command centre; street1..street6 street command centres\n"
           "  community01  community staff (community01..community40)\n"
           "  grid001      grid worker (grid001..grid400)\n"
           "  dept1        department handler, 区城市管理局 (dept1..dept5, property1)\n"
           "  member1      party member / volunteer (member1..member3)\n"
           "  resident1    resident (resident1..resident3)\n\n",
           GG_DEMO_PASSWORD);
    return 0;
}
