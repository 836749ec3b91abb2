/*
 * demo_registry.c — the demo city's registry (issue 5): about 200,000
 * residents (GG_DEMO_RESIDENTS, 0 for none) in households in the rooms of
 * every grid's compound, with names drawn by surname frequency, valid ID
 * numbers (district 630105 for the registered, the places floating people
 * come from for the others; unique by construction), phones, addresses from
 * the place tree, key-group shares like a real community's, visits, an
 * organisation and a property company per grid. Deterministic: the same
 * seed gives the same city (relative to today's date).
 *
 * Speed: everything goes through gg_resident_insert_new (no lookups) in the
 * demo's one transaction; sealing and blind indexes cost microseconds each.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/sealed.h"
#include "core/str.h"
#include "core/timeutil.h"
#include "domain/place.h"
#include "domain/registry.h"
#include "store/store.h"

#define DAY_US (86400LL * 1000000LL)

/* Surnames with their share per 10,000 (national frequencies, with the
 * Hui and Tu surnames of Xining — 马, 祁, 韩 — raised). */
static const struct { const char *s; int w; } surnames[] = {
    {"王", 700}, {"李", 690}, {"张", 650}, {"刘", 520}, {"马", 480}, {"陈", 430}, {"杨", 300},
    {"赵", 220}, {"黄", 200}, {"周", 190}, {"吴", 190}, {"徐", 150}, {"孙", 150}, {"胡", 130},
    {"朱", 120}, {"高", 110}, {"韩", 110}, {"郭", 110}, {"何", 100}, {"林", 90}, {"罗", 90},
    {"祁", 90}, {"郑", 85}, {"梁", 80}, {"谢", 70}, {"宋", 60}, {"唐", 60}, {"许", 60},
    {"冯", 55}, {"邓", 55}, {"曹", 50}, {"彭", 50}, {"曾", 45}, {"肖", 45}, {"田", 45},
    {"董", 45}, {"袁", 45}, {"潘", 40}, {"于", 40}, {"蒋", 40}, {"蔡", 40}, {"余", 40},
    {"杜", 40}, {"叶", 35}, {"程", 35}, {"苏", 35}, {"魏", 35}, {"吕", 35}, {"丁", 35},
    {"任", 30}, {"沈", 30}, {"姚", 30}, {"卢", 30}, {"姜", 30}, {"崔", 30}, {"钟", 30},
    {"谭", 30}, {"陆", 30}, {"汪", 30}, {"范", 30}, {"金", 30}, {"石", 30}, {"廖", 25},
    {"贾", 25}, {"夏", 25}, {"付", 25}, {"方", 25}, {"白", 25}, {"邹", 25}, {"孟", 25},
    {"熊", 25}, {"秦", 25}, {"冶", 25}, {"喇", 20}, {"鲁", 20}, {"薛", 20}, {"闫", 20},
    {"段", 20}, {"雷", 20}, {"侯", 20}, {"龙", 20}, {"史", 20}, {"陶", 20}, {"贺", 20},
    {"毛", 20}, {"郝", 20}, {"李", 0},   {"欧阳", 3}, {"司马", 2}, {"上官", 2}};
static const char *const given_m[] = {"伟", "强", "磊", "军", "勇", "杰", "涛", "斌", "超", "明",
                                      "刚", "平", "辉", "鹏", "华", "飞", "鑫", "波", "宁", "海",
                                      "峰", "建国", "志强", "文", "浩", "宇", "俊", "晨", "德", "福"};
static const char *const given_f[] = {"芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "秀英", "玲",
                                      "桂英", "丹", "萍", "红", "燕", "琳", "雪", "慧", "婷", "倩",
                                      "洁", "颖", "梅", "兰", "欣", "怡", "悦", "佳", "晶", "玉"};
static const char *const given_mid[] = {"子", "思", "雨", "嘉", "文", "志", "晓", "春", "国", "永",
                                        "金", "玉", "海", "小", "俊", "一", "天", "明", "家", "欣"};
/* Where floating residents' numbers come from: region code, address. */
static const struct { const char *code, *addr; } origins[] = {
    {"632122", "青海省海东市民和县"}, {"630121", "青海省西宁市大通县"},
    {"630123", "青海省西宁市湟源县"}, {"622921", "甘肃省临夏州临夏县"},
    {"620102", "甘肃省兰州市城关区"}, {"610113", "陕西省西安市雁塔区"},
    {"410105", "河南省郑州市金水区"}, {"510107", "四川省成都市武侯区"},
    {"632523", "青海省海南州贵德县"}, {"640104", "宁夏银川市兴庆区"}};
static const char *const local_regions[] = {"630105", "630102", "630103", "630104"};
static const struct { const char *name; int w; } ethnic[] = {
    {"汉族", 7400}, {"回族", 1650}, {"藏族", 500}, {"土族", 280}, {"撒拉族", 100}, {"蒙古族", 70}};
static const char *const employers[] = {
    "西宁特殊钢股份有限公司", "城北区人民医院", "青海大学附属中学", "朝阳物流园", "城北区人民政府",
    "青海省电力公司", "西宁市公交集团", "万达广场", "个体经营", "自由职业", "西宁火车站",
    "城北区小桥大街小学", "青海盐湖工业股份有限公司", "建设银行西宁分行"};
static const char *const phone_pfx[] = {"133", "135", "136", "137", "138", "139", "150", "151",
                                        "152", "157", "158", "159", "177", "180", "181", "182",
                                        "186", "187", "188", "189", "199"};
static const char credit_chars[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

typedef struct rng { uint64_t s; } rng;

static uint64_t next(rng *r)
{
    r->s ^= r->s << 13, r->s ^= r->s >> 7, r->s ^= r->s << 17;
    return r->s;
}
static int pick(rng *r, int n) { return (int)(next(r) % (uint64_t)n); }
static bool chance(rng *r, int per10000) { return pick(r, 10000) < per10000; }

typedef struct demo_reg {
    gg_conn *w;
    const gg_keys *k;
    rng r;
    int64_t now, today;
    uint16_t *seq;              /* per (region index, birth day) next sequence, for unique numbers */
    int nres, nhouses, nvisits, norgs;
    int total_w;
    int64_t visitor;
    gg_error *e;
} demo_reg;

#define SEQ_DAYS 40000          /* birth days tracked: about 110 years back */
#define N_REGIONS (GG_ARRAY_LEN(origins) + GG_ARRAY_LEN(local_regions))

static void make_name(demo_reg *d, const char *surname, bool male, char *out, size_t cap)
{
    const char *const *g = male ? given_m : given_f;
    size_t ng = male ? GG_ARRAY_LEN(given_m) : GG_ARRAY_LEN(given_f);
    if (chance(&d->r, 6500))
        snprintf(out, cap, "%s%s%s", surname, given_mid[pick(&d->r, GG_ARRAY_LEN(given_mid))], g[pick(&d->r, (int)ng)]);
    else
        snprintf(out, cap, "%s%s", surname, g[pick(&d->r, (int)ng)]);
}

static const char *draw_surname(demo_reg *d)
{
    int x = pick(&d->r, d->total_w);
    for (size_t i = 0; i < GG_ARRAY_LEN(surnames); i++)
        if ((x -= surnames[i].w) < 0) return surnames[i].s;
    return "王";
}

static const char *draw_ethnic(demo_reg *d)
{
    int x = pick(&d->r, 10000);
    for (size_t i = 0; i < GG_ARRAY_LEN(ethnic); i++)
        if ((x -= ethnic[i].w) < 0) return ethnic[i].name;
    return "汉族";
}

/* A GB 11643 number for region ri born on birth_day, unique in the city. */
static int make_id(demo_reg *d, int ri, const char *region, int64_t birth_day, bool male, char out[19])
{
    int64_t back = d->today - birth_day;
    if (back < 0 || back >= SEQ_DAYS) return GG_EINVAL;
    uint16_t *c = &d->seq[(size_t)ri * SEQ_DAYS + (size_t)back];
    if (*c >= 499) return GG_EINVAL; /* 499 people of one region born on one day: never here */
    int s = (*c)++ * 2 + (male ? 1 : 0) + 1;
    int64_t y;
    int m, dd;
    gg_civil_from_days(birth_day, &y, &m, &dd);
    snprintf(out, 19, "%.6s%04d%02d%02d%03d", region, (int)y, m, dd, s % 1000);
    out[17] = gg_id_check_digit(out);
    out[18] = 0;
    return out[17] ? 0 : GG_EINVAL;
}

typedef struct member {
    int age;
    bool male;
    int relation;
    const char *surname;
} member;

typedef struct home {
    int64_t place_id, house_id, household_id;
    const char *path, *region, *address;
    int residence, origin;       /* origin: index into origins for floating households */
    bool village, dibao;
} home;

static int add_person(demo_reg *d, const home *h, const member *m, uint32_t tags)
{
    char name[64], id[19], phone[16];
    gg_resident r = {.residence = h->residence, .name = name, .relation = m->relation,
                     .place_id = h->place_id, .house_id = h->house_id,
                     .household_id = h->household_id, .current_address = h->address};
    make_name(d, m->surname, m->male, name, sizeof name);
    int64_t bday = d->today - (int64_t)m->age * 365 - pick(&d->r, 365);
    int ri = h->residence == GG_RES_FLOATING ? h->origin : pick(&d->r, 8) ? 0 : 1 + pick(&d->r, 3);
    const char *region = h->residence == GG_RES_FLOATING ? origins[ri].code : local_regions[ri];
    if (h->residence != GG_RES_FLOATING) ri += (int)GG_ARRAY_LEN(origins);
    r.ethnicity = draw_ethnic(d);
    if (h->residence == GG_RES_OVERSEAS) {
        snprintf(id, sizeof id, "E%08d", 10000000 + d->nres);
        r.id_type = GG_IDT_PASSPORT;
        r.sex = m->male ? GG_SEX_MALE : GG_SEX_FEMALE;
        int64_t y;
        int mo, dd;
        gg_civil_from_days(bday, &y, &mo, &dd);
        gg_date_format((int)y, mo, dd, r.birth_date);
        r.ethnicity = NULL;
    } else {
        if (make_id(d, ri, region, bday, m->male, id)) return 0; /* skip, never happens */
        r.id_type = GG_IDT_RESIDENT_ID;
    }
    r.id_number = id;
    if (m->age >= 14) {
        snprintf(phone, sizeof phone, "%s%08d", phone_pfx[pick(&d->r, GG_ARRAY_LEN(phone_pfx))],
                 pick(&d->r, 100000000));
        r.phone = phone;
    }
    r.education = m->age < 7 ? 0 : m->age < 13 ? GG_EDU_PRIMARY : m->age < 16 ? GG_EDU_JUNIOR
                  : 1 + pick(&d->r, GG_EDU__COUNT - 1);
    if (m->age >= 18) {
        r.political = chance(&d->r, 900) ? GG_POL_CPC_MEMBER : chance(&d->r, 100) ? GG_POL_CPC_PROBATIONARY
                                                                                : GG_POL_MASSES;
        if (m->age < 60 && chance(&d->r, 8000)) r.employer = employers[pick(&d->r, GG_ARRAY_LEN(employers))];
    } else if (m->age >= 14) {
        r.political = GG_POL_CYL_MEMBER;
    }
    r.registered_address = h->residence == GG_RES_FLOATING ? origins[h->origin].addr : h->address;
    r.tags = tags;
    r.tags_given = true;
    /* verified: most within half a year, the rest up to a year and a half ago */
    r.verified_at = d->now - (int64_t)pick(&d->r, chance(&d->r, 8500) ? 170 : 540) * DAY_US;
    if (gg_resident_validate(&r, d->today, d->e)) return GG_EINVAL;
    int64_t rid;
    int rc = gg_resident_insert_new(d->w, d->k, &r, h->path, h->region, &rid, d->e);
    if (rc) return rc;
    d->nres++;
    /* the vulnerable get visits, some long ago (so some are overdue) */
    uint32_t care = tags & ~(GG_TAG_BIT(GG_TAG_FLOATING) | GG_TAG_BIT(GG_TAG_SEASONAL));
    if (care && chance(&d->r, 7000)) {
        gg_visit v = {.resident_id = rid, .visitor_id = d->visitor, .method = chance(&d->r, 7000) ? "home" : "phone",
                      .at = d->now - (int64_t)pick(&d->r, 60) * DAY_US - pick(&d->r, 36000) * 1000000LL,
                      .note = "入户走访，了解近况"};
        if ((rc = gg_visit_insert(d->w, &v, d->e))) return rc;
        d->nvisits++;
    }
    return 0;
}

/* Members of one household: sizes 1-5, ages and relations that hang together. */
static int make_members(demo_reg *d, home *h, member *ms)
{
    static const int size_w[] = {2000, 3000, 2800, 1400, 800};
    int x = pick(&d->r, 10000), n = 1;
    for (int i = 0; i < 5; i++)
        if ((x -= size_w[i]) < 0) { n = i + 1; break; }
    const char *sur = draw_surname(d);
    bool elder_alone = n == 1 && chance(&d->r, 3000);
    int head_age = elder_alone ? 65 + pick(&d->r, 25) : 25 + pick(&d->r, 50);
    ms[0] = (member){head_age, chance(&d->r, 6500), GG_REL_HEAD, sur};
    int k = 1;
    if (n >= 2) ms[k++] = (member){head_age - 3 + pick(&d->r, 7), !ms[0].male, GG_REL_SPOUSE, draw_surname(d)};
    while (k < n) {
        int ca = head_age - 22 - pick(&d->r, 12);
        if (ca < 0 || (k == 4 && head_age < 60)) {
            ms[k++] = (member){head_age + 22 + pick(&d->r, 8), chance(&d->r, 5000), GG_REL_PARENT, sur};
        } else {
            ms[k++] = (member){ca, chance(&d->r, 5100), GG_REL_CHILD, sur};
        }
    }
    return n;
}

static uint32_t person_tags(demo_reg *d, const home *h, const member *m, int n)
{
    uint32_t t = 0;
    if (h->residence == GG_RES_FLOATING) t |= GG_TAG_BIT(GG_TAG_FLOATING);
    if (n == 1 && m->age >= 65) {
        t |= GG_TAG_BIT(GG_TAG_ELDERLY_ALONE);
        if (chance(&d->r, 1500)) t |= GG_TAG_BIT(GG_TAG_GUGUA);
    }
    if (h->dibao) t |= GG_TAG_BIT(GG_TAG_DIBAO);
    if (h->residence == GG_RES_LEFT_BEHIND && m->age < 16) t |= GG_TAG_BIT(GG_TAG_LEFT_BEHIND_CHILD);
    if (chance(&d->r, 150)) t |= GG_TAG_BIT(GG_TAG_DISABLED);
    if (m->age >= 18 && m->age < 60 && chance(&d->r, 300)) t |= GG_TAG_BIT(GG_TAG_UNEMPLOYED);
    if (chance(&d->r, 100)) t |= GG_TAG_BIT(GG_TAG_ASSISTANCE);
    if (m->age >= 55 && h->residence == GG_RES_REGISTERED && chance(&d->r, 300)) t |= GG_TAG_BIT(GG_TAG_SEASONAL);
    if (m->age >= 55 && n <= 2 && chance(&d->r, 100)) t |= GG_TAG_BIT(GG_TAG_SHIDU);
    if (m->age >= 18) {
        if (chance(&d->r, 20)) t |= GG_TAG_BIT(GG_TAG_KEY_PERSON);
        if (chance(&d->r, 12)) t |= GG_TAG_BIT(GG_TAG_RELEASED);
        if (chance(&d->r, 6)) t |= GG_TAG_BIT(GG_TAG_CORRECTION);
        if (chance(&d->r, 40)) t |= GG_TAG_BIT(GG_TAG_MENTAL);
        if (chance(&d->r, 6)) t |= GG_TAG_BIT(GG_TAG_DRUG);
        if (chance(&d->r, 2)) t |= GG_TAG_BIT(GG_TAG_AIDS_RISK);
    } else if (m->age >= 12 && chance(&d->r, 60)) {
        t |= GG_TAG_BIT(GG_TAG_KEY_YOUTH);
    }
    return t;
}

static int household(demo_reg *d, home *h, int *made, int gi, int seq)
{
    member ms[5];
    int n = make_members(d, h, ms);
    char number[32];
    snprintf(number, sizeof number, "630105%03d%04d", gi, seq);
    int rc = gg_household_find_or_add(d->w, h->place_id, h->path, h->region, h->house_id, number,
                                      &h->household_id, d->e);
    for (int i = 0; i < n && !rc; i++) rc = add_person(d, h, &ms[i], person_tags(d, h, &ms[i], n));
    *made += n;
    return rc;
}

typedef struct grid_ctx {
    gg_place grid, *sub;
    int nsub;
    int gi;
    const char *community;
} grid_ctx;

static const gg_place *by_id(const grid_ctx *g, int64_t id)
{
    for (int i = 0; i < g->nsub; i++)
        if (g->sub[i].id == id) return &g->sub[i];
    return NULL;
}

static int org(demo_reg *d, const grid_ctx *g, int kind, const char *name)
{
    char code[19];
    snprintf(code, sizeof code, "91630105MA");
    for (int i = 10; i < 17; i++) code[i] = credit_chars[pick(&d->r, 31)];
    code[17] = gg_credit_code_check_char(code);
    code[18] = 0;
    char phone[16];
    snprintf(phone, sizeof phone, "0971-%07d", 5000000 + pick(&d->r, 4000000));
    gg_org o = {.place_id = g->grid.id, .kind = kind, .name = name, .credit_code = code,
                .legal_person = "王建国", .contact_phone = phone, .employees = 3 + pick(&d->r, 80)};
    int64_t id;
    bool changed;
    int rc = gg_org_validate(&o, d->e);
    if (!rc) rc = gg_org_upsert(d->w, d->k, &o, &id, &changed, d->e);
    if (!rc) d->norgs++;
    return rc;
}

static int grid(demo_reg *d, grid_ctx *g, gg_pool *p, int target)
{
    const gg_place *units[8];
    int nu = 0;
    for (int i = 0; i < g->nsub && nu < 8; i++)
        if (g->sub[i].kind == GG_PK_UNIT) units[nu++] = &g->sub[i];
    if (!nu) return 0;
    bool village = strstr(g->community, "村") != NULL;
    int made = 0, seq = 0, rc = 0, room_k[8] = {0};
    int quality = 5000 + pick(&d->r, 4800); /* how well this grid keeps its registry */
    for (int u = 0; made < target && !rc; u = (u + 1) % nu) {
        const gg_place *un = units[u], *bld = by_id(g, un->parent_id);
        const gg_place *cmp = bld ? by_id(g, bld->parent_id) : NULL;
        int k = room_k[u]++, floor = k / 3 + 1;
        char room[16], addr[256];
        snprintf(room, sizeof room, "%d%02d", floor, k % 3 + 1);
        snprintf(addr, sizeof addr, "青海省西宁市城北区%s%s%s%s%s室", g->community,
                 cmp ? cmp->name : "", bld ? bld->name : "", un->name, room);
        bool shop = floor == 1 && k % 3 == 0 && chance(&d->r, 3000), vacant = !shop && chance(&d->r, 500);
        home h = {.place_id = un->id, .path = un->path, .region = "630105", .address = gg_pstrdup(p, addr)};
        int x = pick(&d->r, 10000);
        h.residence = x < 7500 ? GG_RES_REGISTERED : x < 9000 ? GG_RES_FLOATING : x < 9500 ? GG_RES_UNREGISTERED
                      : x < 9950 ? (village ? GG_RES_LEFT_BEHIND : GG_RES_REGISTERED) : GG_RES_OVERSEAS;
        if (village && h.residence == GG_RES_REGISTERED && chance(&d->r, 800)) h.residence = GG_RES_LEFT_BEHIND;
        h.origin = pick(&d->r, GG_ARRAY_LEN(origins));
        h.dibao = chance(&d->r, 220);
        int use = shop ? GG_HU_SHOP : vacant ? GG_HU_VACANT : h.residence == GG_RES_FLOATING ? GG_HU_RENTED
                                                                                        : GG_HU_OWNER;
        int64_t ver = d->now - (int64_t)pick(&d->r, chance(&d->r, quality) ? 170 : 540) * DAY_US;
        rc = gg_house_find_or_add(d->w, un->id, un->path, "630105", room, use, ver, &h.house_id, d->e);
        d->nhouses++;
        if (!rc && !shop && !vacant) rc = household(d, &h, &made, g->gi, ++seq);
        if (k > 300) break; /* a full block: the grid is done */
    }
    char name[160];
    snprintf(name, sizeof name, "西宁市城北区%s%d号商贸有限公司", g->community, g->gi);
    if (!rc) rc = org(d, g, GG_OK_ENTERPRISE, name);
    snprintf(name, sizeof name, "%s第%d网格物业服务有限公司", g->community, g->gi);
    if (!rc) rc = org(d, g, GG_OK_PROPERTY, name);
    return rc;
}

static int demo_target(void)
{
    const char *v = getenv("GG_DEMO_RESIDENTS");
    int64_t n = 200000;
    if (v && *v && gg_parse_i64(v, strlen(v), 0, 2000000, &n)) n = 200000;
    return (int)n;
}

/* The community name of a grid: its parent. */
static const char *community_of(gg_conn *w, gg_pool *p, const gg_place *g)
{
    gg_place c;
    return gg_place_get(w, p, g->parent_id, &c) == 0 ? c.name : "";
}

int gg_demo_registry(gg_conn *w, gg_pool *pool, int *nres, gg_error *e)
{
    int target = demo_target();
    *nres = 0;
    demo_reg d = {.w = w, .r = {0x9e3779b97f4a7c15ull}, .now = gg_now_us(), .e = e};
    int64_t s = d.now / 1000000 + (int64_t)gg_display_offset_min() * 60;
    d.today = s / 86400;
    for (size_t i = 0; i < GG_ARRAY_LEN(surnames); i++) d.total_w += surnames[i].w;
    int rc = gg_conn_keys(w, &d.k, e); /* creates gridgov.key (0600) beside the database */
    if (rc || target == 0) return rc;
    gg_account admin;
    char hash[160];
    if (gg_account_by_username(w, pool, "admin", &admin, hash, sizeof hash) == 0)
        gg_account_set_can_reveal(w, admin.id, true, e);
    d.seq = calloc(N_REGIONS * SEQ_DAYS, sizeof *d.seq);
    if (!d.seq) return gg_fail(e, GG_ENOMEM, 500, "demo", "", "out of memory");
    gg_place *grids;
    int ng;
    rc = gg_place_subtree(w, pool, "/", GG_PK_GRID, false, NULL, 5000, &grids, &ng);
    /* grids in creation order: grid worker gridNNN belongs to the NNN-th */
    for (int i = 1; i < ng; i++)
        for (int j = i; j > 0 && grids[j - 1].id > grids[j].id; j--) {
            gg_place t = grids[j];
            grids[j] = grids[j - 1];
            grids[j - 1] = t;
        }
    for (int i = 0; i < ng && !rc; i++) {
        gg_pool *p = gg_pool_new(4u << 20);
        if (!p) { rc = GG_ENOMEM; break; }
        grid_ctx g = {.grid = grids[i], .gi = i + 1};
        g.community = community_of(w, p, &grids[i]);
        char user[32];
        snprintf(user, sizeof user, "grid%03d", i + 1);
        gg_account acc;
        d.visitor = gg_account_by_username(w, p, user, &acc, hash, sizeof hash) == 0 ? acc.id : 0;
        rc = gg_place_subtree(w, p, grids[i].path, 0, false, NULL, 64, &g.sub, &g.nsub);
        int per = target / (ng ? ng : 1);
        if (!rc) rc = grid(&d, &g, p, per * 6 / 10 + pick(&d.r, per * 8 / 10 + 1));
        gg_pool_free(p);
    }
    free(d.seq);
    *nres = d.nres;
    if (!rc)
        printf("registry: %d residents, %d houses, %d organisations, %d visits\n", d.nres, d.nhouses,
               d.norgs, d.nvisits);
    return rc;
}
