/*
 * registry.h — the registry of people, households, houses and organisations
 * (issue 5) as plain records and pure rules (no I/O, no SQL, no clock).
 *
 * Enumerations travel as stable code words ("registered") in the API and the
 * database, and are shown and imported as Chinese labels ("户籍").
 * gg_reg_parse takes either (and a few common aliases), so an importer can
 * map a spreadsheet cell with one call.
 *
 * Sensitive values (ID numbers, phones) are never stored in the clear: the
 * store seals them (core/sealed.h) and keeps a blind index and a display
 * mask beside them. gg_resident_validate normalises them first, because a
 * blind index only matches the same bytes.
 */
#ifndef GG_DOMAIN_REGISTRY_H
#define GG_DOMAIN_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/gg.h"
#include "domain/identity.h"

/* ---- enumerations ------------------------------------------------------ */

/* The tables gg_reg_parse / gg_reg_code / gg_reg_label know. */
enum gg_reg_table {
    GG_RT_RESIDENCE = 0, /* enum gg_residence */
    GG_RT_SEX,           /* enum gg_sex (identity.h): male 男, female 女 */
    GG_RT_ID_TYPE,       /* enum gg_id_type */
    GG_RT_EDUCATION,     /* enum gg_education */
    GG_RT_POLITICAL,     /* enum gg_political */
    GG_RT_RELATION,      /* enum gg_relation */
    GG_RT_HOUSE_USE,     /* enum gg_house_use */
    GG_RT_ORG_KIND,      /* enum gg_org_kind */
    GG_RT_TAG,           /* enum gg_tag */
    GG_RT_LEVEL,         /* enum gg_level */
    GG_RT__COUNT
};

/* Value 0 is "none / unknown" in every table. */
enum gg_residence {
    GG_RES_REGISTERED = 1, /* registered  户籍人口 */
    GG_RES_FLOATING,       /* floating    流动人口 */
    GG_RES_OVERSEAS,       /* overseas    境外人员 */
    GG_RES_UNREGISTERED,   /* unregistered 未落户人员 */
    GG_RES_LEFT_BEHIND,    /* left_behind 留守人员 */
    GG_RES__COUNT
};

enum gg_id_type {
    GG_IDT_RESIDENT_ID = 1, /* resident_id   居民身份证 (GB 11643) */
    GG_IDT_HKMO_PERMIT,     /* hkmo_permit   港澳居民居住证 (GB 11643, 810000/820000) */
    GG_IDT_TW_PERMIT,       /* tw_permit     台湾居民居住证 (GB 11643, 830000) */
    GG_IDT_HKMO_PASS,       /* hkmo_pass     港澳居民来往内地通行证: H/M + 8 or 10 digits */
    GG_IDT_TW_PASS,         /* tw_pass       台湾居民来往大陆通行证: 8 or 10 digits */
    GG_IDT_PASSPORT,        /* passport      护照: 5-20 letters and digits */
    GG_IDT_FOREIGN_PR,      /* foreign_pr    外国人永久居留身份证: 15 or 18 letters/digits */
    GG_IDT_OTHER,           /* other         其他证件: 1-32 printable ASCII */
    GG_IDT__COUNT
};

/* GB/T 4658, coarse. */
enum gg_education {
    GG_EDU_NONE_ = 1,  /* illiterate 文盲或半文盲 */
    GG_EDU_PRIMARY,    /* primary    小学 */
    GG_EDU_JUNIOR,     /* junior     初中 */
    GG_EDU_SENIOR,     /* senior     高中 */
    GG_EDU_VOCATIONAL, /* vocational 中专/中职 */
    GG_EDU_COLLEGE,    /* college    大专 */
    GG_EDU_BACHELOR,   /* bachelor   本科 */
    GG_EDU_MASTER,     /* master     硕士研究生 */
    GG_EDU_DOCTOR,     /* doctor     博士研究生 */
    GG_EDU__COUNT
};

/* GB/T 4762, coarse. */
enum gg_political {
    GG_POL_CPC_MEMBER = 1,   /* cpc_member        中共党员 */
    GG_POL_CPC_PROBATIONARY, /* cpc_probationary  中共预备党员 */
    GG_POL_CYL_MEMBER,       /* cyl_member        共青团员 */
    GG_POL_DEMOCRATIC_PARTY, /* democratic_party  民主党派 */
    GG_POL_NON_PARTY,        /* non_party         无党派人士 */
    GG_POL_MASSES,           /* masses            群众 */
    GG_POL__COUNT
};
/* Party member: full or probationary. */
bool gg_political_is_party_member(int political);

/* Relation to the head of the household (GB/T 4761, coarse). */
enum gg_relation {
    GG_REL_HEAD = 1,     /* head        户主 */
    GG_REL_SPOUSE,       /* spouse      配偶 */
    GG_REL_CHILD,        /* child       子女 */
    GG_REL_PARENT,       /* parent      父母 */
    GG_REL_GRANDPARENT,  /* grandparent 祖父母/外祖父母 */
    GG_REL_GRANDCHILD,   /* grandchild  孙子女/外孙子女 */
    GG_REL_SIBLING,      /* sibling     兄弟姐妹 */
    GG_REL_CHILD_IN_LAW, /* child_in_law 儿媳/女婿 */
    GG_REL_OTHER,        /* other       其他 */
    GG_REL__COUNT
};

enum gg_house_use {
    GG_HU_OWNER = 1, /* owner_occupied 自住 */
    GG_HU_RENTED,    /* rented         出租 */
    GG_HU_VACANT,    /* vacant         空置 */
    GG_HU_SHOP,      /* shop           商铺 */
    GG_HU__COUNT
};

enum gg_org_kind {
    GG_OK_UNIT = 1,       /* unit             机关事业单位 */
    GG_OK_ENTERPRISE,     /* enterprise       企业 (统一社会信用代码 required) */
    GG_OK_SOCIAL_ORG,     /* social_org       社会组织 */
    GG_OK_PROPERTY,       /* property_company 物业服务企业 */
    GG_OK_OWNERS,         /* owners_committee 业主委员会 */
    GG_OK_INDIVIDUAL,     /* individual       个体工商户 */
    GG_OK__COUNT
};

/* Key groups. The numbering is stable: a resident's tags are a bit set
 * (1u << tag). The last six are the special groups (特殊人群) of GB/T 31000,
 * each with extra fields in its own table. */
enum gg_tag {
    GG_TAG_FLOATING = 1,     /* floating           流动人口 */
    GG_TAG_UNEMPLOYED,       /* unemployed         失业人员 */
    GG_TAG_ASSISTANCE,       /* assistance         救助对象 */
    GG_TAG_KEY_PERSON,       /* key_person         重点人员 */
    GG_TAG_DISABLED,         /* disabled           残疾人 */
    GG_TAG_ELDERLY_ALONE,    /* elderly_alone      独居老人 */
    GG_TAG_DIBAO,            /* dibao              低保对象 */
    GG_TAG_SHIDU,            /* shidu              失独家庭 */
    GG_TAG_GUGUA,            /* gugua              孤寡老人 */
    GG_TAG_LEFT_BEHIND_CHILD,/* left_behind_child  留守儿童 */
    GG_TAG_SEASONAL,         /* seasonal           候鸟人员 */
    GG_TAG_RELEASED,         /* released           刑满释放人员   (GB/T 31000) */
    GG_TAG_CORRECTION,       /* correction         社区矫正人员   (GB/T 31000) */
    GG_TAG_MENTAL,           /* mental             严重精神障碍患者 (GB/T 31000) */
    GG_TAG_DRUG,             /* drug               吸毒人员       (GB/T 31000) */
    GG_TAG_AIDS_RISK,        /* aids_risk          艾滋病危险人员 (GB/T 31000) */
    GG_TAG_KEY_YOUTH,        /* key_youth          重点青少年     (GB/T 31000) */
    GG_TAG__COUNT
};
#define GG_TAG_BIT(t) (1u << (t))
#define GG_TAGS_ALL (((1u << GG_TAG__COUNT) - 1u) & ~1u)

/* Attention level of a tagged person. */
enum gg_level {
    GG_LEVEL_NORMAL = 1, /* normal    一般 */
    GG_LEVEL_ATTENTION,  /* attention 关注 */
    GG_LEVEL_STRICT,     /* strict    重点关注 */
    GG_LEVEL__COUNT
};

/* Code word, Chinese label or alias (n bytes at s, ASCII blanks trimmed;
 * code words case-insensitive) → value of table; 0 if unknown. */
int gg_reg_parse(int table, const char *s, size_t n);
/* The code word / Chinese label of value in table; NULL if unknown. */
const char *gg_reg_code(int table, int value);
const char *gg_reg_label(int table, int value);
/* Number of values of table (values are 1 .. count). */
int gg_reg_count(int table);

/* A tag's defaults: attention level and days between visits per level. */
typedef struct gg_tag_def {
    int tag;
    int level;            /* default level */
    int visit_days[4];    /* [level] days between visits; 0: no schedule */
    bool special;         /* GB/T 31000 special group (extra table) */
} gg_tag_def;
const gg_tag_def *gg_tag_def_get(int tag); /* NULL if unknown */
/* Days between visits for tag at level (0: none). */
int gg_tag_visit_days(int tag, int level);

/* The extra fields of a GB/T 31000 special group (the tags with special
 * set), in the column order of its table. type: 't' text (max code
 * points), 'd' date YYYY-MM-DD, 'i' integer 0..max, 'b' boolean. */
typedef struct gg_special_field {
    const char *name;
    char type;
    int max;
} gg_special_field;
const gg_special_field *gg_special_fields(int tag, int *n); /* NULL, *n = 0 for other tags */
#define GG_SPECIAL_MAX_FIELDS 8

/* Ethnic group (GB/T 3304: the 56 民族, with or without the trailing 族):
 * canonical name with 族 into out (cap >= 32), GG_OK or GG_EINVAL. */
int gg_ethnicity_parse(const char *s, size_t n, char *out, size_t cap);

/* ---- residents --------------------------------------------------------- */

#define GG_RES_ID_MAX 33       /* normalised document number + NUL */
#define GG_RES_MASK_MAX 64     /* mask text + NUL */
#define GG_RES_NAME_MAX 32     /* code points */
#define GG_RES_TEXT_MAX 128    /* code points: employer, addresses */
#define GG_RES_ROOM_MAX 16     /* code points: "1-101" */

typedef struct gg_resident {
    int64_t id;                   /* 0: new (the store sets it) */
    int residence;                /* enum gg_residence (required) */
    const char *name;             /* 1..32 code points (required) */
    int sex;                      /* enum gg_sex; 0: taken from a GB 11643 number */
    char birth_date[11];          /* "YYYY-MM-DD"; "": taken from a GB 11643 number */
    const char *ethnicity;        /* GB/T 3304 name or NULL/"" */
    int id_type;                  /* enum gg_id_type (required) */
    const char *id_number;        /* as entered (required); see id_norm */
    const char *phone;            /* as entered, NULL/"": none; see phone_norm */
    int education;                /* enum gg_education, 0 unknown */
    int political;                /* enum gg_political, 0 unknown */
    const char *employer;         /* 工作单位, NULL/"" */
    const char *registered_address; /* 户籍地址 */
    const char *current_address;  /* 现住址 */
    /* Where: place_id is a grid, compound, building or unit of the place
     * tree (required). A house (room) below it: house_id, or room (e.g.
     * "1-101") under place_id, found or created by the store. */
    int64_t place_id;
    int64_t house_id;             /* 0: none, or find by room */
    const char *room;             /* NULL/"": none */
    /* Household: household_id, or household_no (户号), found or created by
     * the store under place_id; relation to its head. */
    int64_t household_id;
    const char *household_no;     /* NULL/"": none */
    int relation;                 /* enum gg_relation, 0 unknown */
    uint32_t tags;                /* GG_TAG_BIT set of key groups */
    bool tags_given;              /* upsert replaces the tags only when set */
    int64_t verified_at;          /* last verification (知晓率), µs; 0: now at write */
    const char *note;             /* up to 256 code points */

    /* Filled by gg_resident_validate (and by store reads). */
    char id_norm[GG_RES_ID_MAX];      /* normalised number: what is sealed and indexed */
    char phone_norm[24];              /* canonical phone (gg_phone.number) or "" */
    char id_mask[GG_RES_MASK_MAX];    /* "630105********1234" */
    char phone_mask[GG_RES_MASK_MAX]; /* "138****5678" or "" */

    /* Filled by store reads only. */
    const char *place_path;
    const char *household_label;  /* household number, or NULL */
    int64_t version, created_at, updated_at;
} gg_resident;

/*
 * Check and normalise every field of r. today: days since 1970-01-01 (the
 * caller's clock). For GB 11643 document types (resident_id, hkmo_permit,
 * tw_permit) the number is parsed by gg_id_parse (15 digits upgraded), and
 * sex and birth date are taken from it when absent, or must agree with it.
 * Fills id_norm, phone_norm, id_mask, phone_mask; a given birth_date is
 * rewritten as YYYY-MM-DD. On failure: GG_EINVAL, e->status 422, e->field
 * the field name ("id_number", "phone", "birth_date", "name", ...).
 */
int gg_resident_validate(gg_resident *r, int64_t today, gg_error *e);

/* Normalise a document number of id_type into out (GG_RES_ID_MAX bytes),
 * as gg_resident_validate does (for lookup by blind index). */
int gg_res_id_normalise(int id_type, const char *s, size_t n, int64_t today,
                        char out[GG_RES_ID_MAX], gg_id_info *info, gg_error *e);
/* The mask of a normalised document number ("630105********1234";
 * other documents keep the first 2 and last 2). */
int gg_res_id_mask(int id_type, const char *norm, char *out, size_t cap);

/* A date "YYYY-MM-DD" (also "YYYY/MM/DD", "YYYY.MM.DD", "YYYYMMDD", and
 * single-digit month/day) from 1900-01-01 to today → days since the epoch and
 * canonical text (out: 11 bytes). GG_EINVAL with field set. */
int gg_reg_date_parse(const char *s, size_t n, int64_t today, const char *field,
                      int64_t *day, char out[11], gg_error *e);

/* ---- households, houses, organisations -------------------------------- */

typedef struct gg_household {
    int64_t id;
    int64_t place_id;
    int64_t house_id;             /* 0: none */
    const char *number;           /* 户号, 1..32 characters, unique per district */
    int64_t head_id;              /* resident, 0: none yet */
    const char *address;
    int members;                  /* store reads */
    const char *place_path;
    int64_t version, created_at, updated_at;
} gg_household;

typedef struct gg_house {
    int64_t id;
    int64_t place_id;             /* compound, building or unit */
    const char *room;             /* "1-101", 1..16 code points, unique per place */
    int use;                      /* enum gg_house_use */
    double area;                  /* m², 0: unknown */
    const char *owner_name;
    int64_t verified_at;          /* µs */
    int residents;                /* store reads */
    const char *place_path;
    int64_t version, created_at, updated_at;
} gg_house;

typedef struct gg_org {
    int64_t id;
    int64_t place_id;
    int kind;                     /* enum gg_org_kind */
    const char *name;             /* 1..64 code points */
    const char *credit_code;      /* 统一社会信用代码 (GB 32100), upper-cased by validate */
    const char *legal_person;
    const char *address;
    const char *contact_phone;    /* as entered; sealed like a resident's */
    int employees;
    char phone_norm[24];
    char phone_mask[GG_RES_MASK_MAX];
    char credit_norm[19];
    const char *place_path;
    int64_t version, created_at, updated_at;
} gg_org;

/* GB 32100-2015 unified social credit code: 18 characters of
 * 0-9 A-H J-N P-R T-U W-Y (no I O S V Z), positions 3-8 a region code,
 * last character the MOD 31 check character. Lower case accepted. GG_OK
 * with the upper-case code in out (19 bytes), or GG_EINVAL (field
 * "credit_code", code "invalid_credit_code"). */
int gg_credit_code_check(const char *s, size_t n, char out[19], gg_error *e);
/* The check character of the first 17 characters, 0 if they are invalid. */
char gg_credit_code_check_char(const char *s17);

int gg_household_validate(gg_household *h, gg_error *e);
int gg_house_validate(gg_house *h, gg_error *e);
int gg_org_validate(gg_org *o, gg_error *e);

/* Facility kinds: activity_room 活动室, fire_hydrant 消防栓, camera 监控探头,
 * aed 除颤仪, charging_pile 充电桩, garbage_station 垃圾分类站, parking 停车场,
 * other 其他. Code word or label → code word; NULL if unknown. */
const char *gg_facility_kind(const char *s, size_t n);

/* Visits (走访) and the per-tag special-group fields. */
typedef struct gg_visit {
    int64_t id;
    int64_t resident_id;
    int64_t visitor_id;           /* account */
    int64_t at;                   /* µs */
    const char *method;           /* home 入户 | phone 电话 | other 其他 */
    const char *note;             /* up to 500 code points */
    const char *place_path;
} gg_visit;
int gg_visit_validate(gg_visit *v, gg_error *e);

/* Length in code points of valid UTF-8 s without control characters, or -1. */
int gg_reg_text_len(const char *s);

#endif
