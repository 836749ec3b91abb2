/*
 * registry_tables.c — the code words, Chinese labels and aliases of the
 * registry's enumerations, the key-group defaults and the GB/T 3304 ethnic
 * groups. Tables only; the rules are in registry.c.
 */
#include <string.h>
#include <strings.h>

#include "domain/registry.h"

typedef struct entry {
    const char *code, *label;
    const char *alias[4]; /* further Chinese or English spellings, NULL-terminated */
} entry;

static const entry residence_t[] = {
    {"registered", "户籍", {"户籍人口", "常住", "本地"}},
    {"floating", "流动", {"流动人口", "外来"}},
    {"overseas", "境外", {"境外人员", "境外人口"}},
    {"unregistered", "未落户", {"未落户人员", "人户分离"}},
    {"left_behind", "留守", {"留守人员"}},
};
static const entry sex_t[] = {
    {"male", "男", {"m", "男性"}},
    {"female", "女", {"f", "女性"}},
};
static const entry id_type_t[] = {
    {"resident_id", "居民身份证", {"身份证", "二代身份证", "id_card"}},
    {"hkmo_permit", "港澳居民居住证", {"港澳居住证"}},
    {"tw_permit", "台湾居民居住证", {"台湾居住证"}},
    {"hkmo_pass", "港澳居民来往内地通行证", {"回乡证", "港澳通行证"}},
    {"tw_pass", "台湾居民来往大陆通行证", {"台胞证"}},
    {"passport", "护照", {"外国护照"}},
    {"foreign_pr", "外国人永久居留身份证", {"永久居留证", "绿卡"}},
    {"other", "其他证件", {"其他"}},
};
static const entry education_t[] = {
    {"illiterate", "文盲或半文盲", {"文盲", "半文盲", "不识字"}},
    {"primary", "小学", {"小学文化"}},
    {"junior", "初中", {"初级中学"}},
    {"senior", "高中", {"高级中学", "普通高中"}},
    {"vocational", "中专", {"中职", "职高", "技校"}},
    {"college", "大专", {"大学专科", "专科", "高职"}},
    {"bachelor", "本科", {"大学本科", "大学"}},
    {"master", "硕士研究生", {"硕士", "研究生"}},
    {"doctor", "博士研究生", {"博士"}},
};
static const entry political_t[] = {
    {"cpc_member", "中共党员", {"党员", "中国共产党党员"}},
    {"cpc_probationary", "中共预备党员", {"预备党员"}},
    {"cyl_member", "共青团员", {"团员"}},
    {"democratic_party", "民主党派", {"民主党派成员"}},
    {"non_party", "无党派人士", {"无党派"}},
    {"masses", "群众", {"普通群众"}},
};
static const entry relation_t[] = {
    {"head", "户主", {"本人"}},
    {"spouse", "配偶", {"妻", "夫", "妻子"}},
    {"child", "子女", {"子", "女", "儿子"}},
    {"parent", "父母", {"父亲", "母亲", "父"}},
    {"grandparent", "祖父母", {"外祖父母", "祖父", "祖母"}},
    {"grandchild", "孙子女", {"外孙子女", "孙子", "孙女"}},
    {"sibling", "兄弟姐妹", {"兄弟", "姐妹"}},
    {"child_in_law", "儿媳女婿", {"儿媳", "女婿"}},
    {"other", "其他", {"其他亲属", "非亲属"}},
};
static const entry house_use_t[] = {
    {"owner_occupied", "自住", {"自有", "自用"}},
    {"rented", "出租", {"租住", "租赁"}},
    {"vacant", "空置", {"闲置"}},
    {"shop", "商铺", {"门面", "经营"}},
};
static const entry org_kind_t[] = {
    {"unit", "机关事业单位", {"单位", "机关", "事业单位"}},
    {"enterprise", "企业", {"公司"}},
    {"social_org", "社会组织", {"社团"}},
    {"property_company", "物业服务企业", {"物业公司", "物业"}},
    {"owners_committee", "业主委员会", {"业委会"}},
    {"individual", "个体工商户", {"个体户"}},
};
static const entry tag_t[] = {
    {"floating", "流动人口", {0}},
    {"unemployed", "失业人员", {"失业"}},
    {"assistance", "救助对象", {"困难救助", "救助"}},
    {"key_person", "重点人员", {0}},
    {"disabled", "残疾人", {"残疾"}},
    {"elderly_alone", "独居老人", {"空巢老人"}},
    {"dibao", "低保对象", {"低保", "低保户"}},
    {"shidu", "失独家庭", {"失独"}},
    {"gugua", "孤寡老人", {"孤寡"}},
    {"left_behind_child", "留守儿童", {0}},
    {"seasonal", "候鸟人员", {"候鸟"}},
    {"released", "刑满释放人员", {"刑满释放"}},
    {"correction", "社区矫正人员", {"社区矫正", "社区矫正对象"}},
    {"mental", "严重精神障碍患者", {"严重精神障碍", "精神障碍"}},
    {"drug", "吸毒人员", {"吸毒"}},
    {"aids_risk", "艾滋病危险人员", {"艾滋病危险"}},
    {"key_youth", "重点青少年", {0}},
};
static const entry level_t[] = {
    {"normal", "一般", {"低"}},
    {"attention", "关注", {"中"}},
    {"strict", "重点关注", {"高", "严管"}},
};

static const struct {
    const entry *t;
    int n;
} tables[GG_RT__COUNT] = {
    [GG_RT_RESIDENCE] = {residence_t, GG_ARRAY_LEN(residence_t)},
    [GG_RT_SEX] = {sex_t, GG_ARRAY_LEN(sex_t)},
    [GG_RT_ID_TYPE] = {id_type_t, GG_ARRAY_LEN(id_type_t)},
    [GG_RT_EDUCATION] = {education_t, GG_ARRAY_LEN(education_t)},
    [GG_RT_POLITICAL] = {political_t, GG_ARRAY_LEN(political_t)},
    [GG_RT_RELATION] = {relation_t, GG_ARRAY_LEN(relation_t)},
    [GG_RT_HOUSE_USE] = {house_use_t, GG_ARRAY_LEN(house_use_t)},
    [GG_RT_ORG_KIND] = {org_kind_t, GG_ARRAY_LEN(org_kind_t)},
    [GG_RT_TAG] = {tag_t, GG_ARRAY_LEN(tag_t)},
    [GG_RT_LEVEL] = {level_t, GG_ARRAY_LEN(level_t)},
};

_Static_assert(GG_ARRAY_LEN(residence_t) == GG_RES__COUNT - 1, "residence table");
_Static_assert(GG_ARRAY_LEN(id_type_t) == GG_IDT__COUNT - 1, "id type table");
_Static_assert(GG_ARRAY_LEN(education_t) == GG_EDU__COUNT - 1, "education table");
_Static_assert(GG_ARRAY_LEN(political_t) == GG_POL__COUNT - 1, "political table");
_Static_assert(GG_ARRAY_LEN(relation_t) == GG_REL__COUNT - 1, "relation table");
_Static_assert(GG_ARRAY_LEN(house_use_t) == GG_HU__COUNT - 1, "house use table");
_Static_assert(GG_ARRAY_LEN(org_kind_t) == GG_OK__COUNT - 1, "org kind table");
_Static_assert(GG_ARRAY_LEN(tag_t) == GG_TAG__COUNT - 1, "tag table");
_Static_assert(GG_ARRAY_LEN(level_t) == GG_LEVEL__COUNT - 1, "level table");
_Static_assert(GG_TAG__COUNT <= 32, "tags are a 32-bit set");

static bool eq_n(const char *z, const char *s, size_t n, bool icase)
{
    if (!z || strlen(z) != n) return false;
    return icase ? strncasecmp(z, s, n) == 0 : memcmp(z, s, n) == 0;
}

int gg_reg_parse(int table, const char *s, size_t n)
{
    if (table < 0 || table >= GG_RT__COUNT || !s) return 0;
    while (n && (*s == ' ' || *s == '\t')) s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r')) n--;
    if (!n) return 0;
    for (int i = 0; i < tables[table].n; i++) {
        const entry *en = &tables[table].t[i];
        if (eq_n(en->code, s, n, true) || eq_n(en->label, s, n, false)) return i + 1;
        for (int a = 0; a < 4 && en->alias[a]; a++)
            if (eq_n(en->alias[a], s, n, true)) return i + 1;
    }
    return 0;
}

const char *gg_reg_code(int table, int value)
{
    if (table < 0 || table >= GG_RT__COUNT || value < 1 || value > tables[table].n) return NULL;
    return tables[table].t[value - 1].code;
}

const char *gg_reg_label(int table, int value)
{
    if (table < 0 || table >= GG_RT__COUNT || value < 1 || value > tables[table].n) return NULL;
    return tables[table].t[value - 1].label;
}

int gg_reg_count(int table)
{
    return table < 0 || table >= GG_RT__COUNT ? 0 : tables[table].n;
}

/* Visit intervals in days by level (normal, attention, strict): the common
 * practice of community work plans — the vulnerable monthly, the special
 * groups of GB/T 31000 more often the closer they are watched. */
static const gg_tag_def tag_defs[] = {
    {GG_TAG_FLOATING, GG_LEVEL_NORMAL, {0, 90, 60, 30}, false},
    {GG_TAG_UNEMPLOYED, GG_LEVEL_NORMAL, {0, 90, 60, 30}, false},
    {GG_TAG_ASSISTANCE, GG_LEVEL_ATTENTION, {0, 60, 30, 14}, false},
    {GG_TAG_KEY_PERSON, GG_LEVEL_STRICT, {0, 30, 14, 7}, false},
    {GG_TAG_DISABLED, GG_LEVEL_ATTENTION, {0, 60, 30, 14}, false},
    {GG_TAG_ELDERLY_ALONE, GG_LEVEL_ATTENTION, {0, 30, 14, 7}, false},
    {GG_TAG_DIBAO, GG_LEVEL_ATTENTION, {0, 60, 30, 14}, false},
    {GG_TAG_SHIDU, GG_LEVEL_ATTENTION, {0, 60, 30, 14}, false},
    {GG_TAG_GUGUA, GG_LEVEL_ATTENTION, {0, 30, 14, 7}, false},
    {GG_TAG_LEFT_BEHIND_CHILD, GG_LEVEL_ATTENTION, {0, 60, 30, 14}, false},
    {GG_TAG_SEASONAL, GG_LEVEL_NORMAL, {0, 180, 90, 30}, false},
    {GG_TAG_RELEASED, GG_LEVEL_ATTENTION, {0, 90, 30, 7}, true},
    {GG_TAG_CORRECTION, GG_LEVEL_STRICT, {0, 30, 14, 7}, true},
    {GG_TAG_MENTAL, GG_LEVEL_STRICT, {0, 30, 14, 7}, true},
    {GG_TAG_DRUG, GG_LEVEL_STRICT, {0, 30, 14, 7}, true},
    {GG_TAG_AIDS_RISK, GG_LEVEL_ATTENTION, {0, 90, 30, 14}, true},
    {GG_TAG_KEY_YOUTH, GG_LEVEL_ATTENTION, {0, 60, 30, 14}, true},
};
_Static_assert(GG_ARRAY_LEN(tag_defs) == GG_TAG__COUNT - 1, "tag defaults");

const gg_tag_def *gg_tag_def_get(int tag)
{
    return tag >= 1 && tag < GG_TAG__COUNT ? &tag_defs[tag - 1] : NULL;
}

int gg_tag_visit_days(int tag, int level)
{
    const gg_tag_def *d = gg_tag_def_get(tag);
    if (!d || level < GG_LEVEL_NORMAL || level >= GG_LEVEL__COUNT) return 0;
    return d->visit_days[level];
}

/* GB/T 3304-1991, in its order. */
static const char *const ethnic[] = {
    "汉", "蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶",
    "白", "土家", "哈尼", "哈萨克", "傣", "黎", "傈僳", "佤", "畲", "高山", "拉祜", "水",
    "东乡", "纳西", "景颇", "柯尔克孜", "土", "达斡尔", "仫佬", "羌", "布朗", "撒拉", "毛南",
    "仡佬", "锡伯", "阿昌", "普米", "塔吉克", "怒", "乌孜别克", "俄罗斯", "鄂温克", "德昂",
    "保安", "裕固", "京", "塔塔尔", "独龙", "鄂伦春", "赫哲", "门巴", "珞巴", "基诺"};
_Static_assert(GG_ARRAY_LEN(ethnic) == 56, "56 ethnic groups");

int gg_ethnicity_parse(const char *s, size_t n, char *out, size_t cap)
{
    static const char zu[] = "族";
    const size_t zl = sizeof zu - 1;
    if (!s || !out || cap < 32) return GG_EINVAL;
    out[0] = 0;
    while (n && s[0] == ' ') s++, n--;
    while (n && s[n - 1] == ' ') n--;
    if (n > zl && memcmp(s + n - zl, zu, zl) == 0) n -= zl;
    for (size_t i = 0; i < GG_ARRAY_LEN(ethnic); i++) {
        if (strlen(ethnic[i]) == n && memcmp(ethnic[i], s, n) == 0) {
            memcpy(out, s, n);
            memcpy(out + n, zu, zl + 1);
            return GG_OK;
        }
    }
    return GG_EINVAL;
}

/* GB/T 31000 special groups: the columns of their tables (006_registry.sql). */
static const gg_special_field sg_released[] = {
    {"crime", 't', 64}, {"sentence", 't', 32}, {"prison", 't', 64}, {"released_on", 'd', 0},
    {"risk", 't', 32}, {"placement", 't', 64}, {"recidivist", 'b', 1}};
static const gg_special_field sg_correction[] = {
    {"correction_no", 't', 32}, {"correction_type", 't', 16}, {"crime", 't', 64},
    {"start_on", 'd', 0}, {"end_on", 'd', 0}, {"group_formed", 'b', 1}};
static const gg_special_field sg_mental[] = {
    {"diagnosis", 't', 64}, {"first_onset", 'd', 0}, {"risk_level", 'i', 5},
    {"guardian_name", 't', 32}, {"treatment", 't', 64}, {"incident_history", 'b', 1}};
static const gg_special_field sg_drug[] = {
    {"first_found", 'd', 0}, {"control_status", 't', 32}, {"drug_kind", 't', 32},
    {"criminal_history", 'b', 1}, {"helper", 't', 32}};
static const gg_special_field sg_aids_risk[] = {
    {"infection_route", 't', 32}, {"criminal_history", 'b', 1}, {"attention_type", 't', 32},
    {"treatment", 't', 64}};
static const gg_special_field sg_key_youth[] = {
    {"youth_type", 't', 32}, {"guardian_name", 't', 32}, {"family", 't', 64},
    {"offended", 'b', 1}, {"help", 't', 64}};

const gg_special_field *gg_special_fields(int tag, int *n)
{
    static const struct {
        const gg_special_field *f;
        int n;
    } t[GG_TAG__COUNT] = {
        [GG_TAG_RELEASED] = {sg_released, GG_ARRAY_LEN(sg_released)},
        [GG_TAG_CORRECTION] = {sg_correction, GG_ARRAY_LEN(sg_correction)},
        [GG_TAG_MENTAL] = {sg_mental, GG_ARRAY_LEN(sg_mental)},
        [GG_TAG_DRUG] = {sg_drug, GG_ARRAY_LEN(sg_drug)},
        [GG_TAG_AIDS_RISK] = {sg_aids_risk, GG_ARRAY_LEN(sg_aids_risk)},
        [GG_TAG_KEY_YOUTH] = {sg_key_youth, GG_ARRAY_LEN(sg_key_youth)},
    };
    *n = 0;
    if (tag < 1 || tag >= GG_TAG__COUNT || !t[tag].f) return NULL;
    *n = t[tag].n;
    return t[tag].f;
}

const char *gg_facility_kind(const char *s, size_t n)
{
    static const char *const kinds[][2] = {
        {"activity_room", "活动室"}, {"fire_hydrant", "消防栓"}, {"camera", "监控探头"},
        {"aed", "除颤仪"},           {"charging_pile", "充电桩"}, {"garbage_station", "垃圾分类站"},
        {"parking", "停车场"},       {"other", "其他"}};
    for (size_t i = 0; s && i < GG_ARRAY_LEN(kinds); i++)
        for (int j = 0; j < 2; j++)
            if (strlen(kinds[i][j]) == n && memcmp(kinds[i][j], s, n) == 0) return kinds[i][0];
    return NULL;
}
