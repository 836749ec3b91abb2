/*
 * place.h — the rules of the place tree, as pure functions (no I/O, no SQL).
 *
 * Kinds, top to bottom: district 区/县 → street 街道/乡镇 → community 社区/村
 * → grid 网格 → compound 小区 → building 楼栋 → unit 单元. A building may
 * also hang directly under a grid (scattered buildings outside a compound).
 *
 * Codes are hierarchical: a child's code is its parent's code followed by a
 * fixed number of digits whose range depends on the child's subtype:
 *   district   6 digits, GB/T 2260: valid province prefix, last two not "00"
 *   street    +3  street 001–099, town 100–199, township 200–399
 *   community +3  community (居委会) 001–199, village (村委会) 200–399
 *   grid      +3  001–999 (basic and dedicated alike)
 *   compound  +3  001–999
 *   building  +3  001–999
 *   unit      +2  01–99
 */
#ifndef GG_DOMAIN_PLACE_H
#define GG_DOMAIN_PLACE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/gg.h"

enum gg_place_kind {
    GG_PK_NONE = 0,
    GG_PK_DISTRICT = 1,
    GG_PK_STREET,
    GG_PK_COMMUNITY,
    GG_PK_GRID,
    GG_PK_COMPOUND,
    GG_PK_BUILDING,
    GG_PK_UNIT,
    GG_PK__COUNT
};

#define GG_PLACE_CODE_MAX 24 /* longest code (23 digits) + NUL */

/* "district", "street", ... ; NULL for an unknown kind. */
const char *gg_place_kind_name(int kind);
/* Parse a kind name; GG_PK_NONE if unknown. */
int gg_place_kind_parse(const char *name);

/* The subtype each kind carries (NULL for none), and its default:
 *   street:    "street" | "town" | "township"          (default "street")
 *   community: "community" | "village"                  (default "community")
 *   grid:      "basic" | "dedicated"                    (default "basic")
 * Other kinds take no subtype. */
const char *gg_place_default_subtype(int kind);
bool gg_place_subtype_valid(int kind, const char *subtype);

/* A dedicated grid names what it covers: school, hospital, enterprise, park,
 * market, government, business_building, other. Required for dedicated grids,
 * refused for every other place. */
bool gg_place_dedicated_kind_valid(const char *dk);

/* Is p (two digits) a GB/T 2260 province-level prefix (11 北京 … 82 澳门)?
 * Shared by place codes and ID numbers (domain/identity.c). */
bool gg_place_province_known(int p);

/* Whether a place of child_kind may hang under a place of parent_kind
 * (parent_kind GG_PK_NONE means "at the root": only districts). */
bool gg_place_child_allowed(int parent_kind, int child_kind);

/* The digits a child of this kind/subtype appends, and their allowed range. */
int gg_place_seq_range(int kind, const char *subtype, int *digits, int *lo, int *hi);

/* Check a full code for a new or moved place. parent_code is NULL for a
 * district. On failure: GG_EINVAL with e->field = "code" and a reason. */
int gg_place_code_check(int kind, const char *subtype, const char *parent_code,
                        const char *code, gg_error *e);

/* Compose parent_code + seq (zero-padded to the kind's digits) into out.
 * GG_EINVAL if seq is outside the range. */
int gg_place_code_compose(int kind, const char *subtype, const char *parent_code, int seq,
                          char *out, size_t cap);

/* Validate a whole new place: kind known, parent kind allows it, subtype and
 * dedicated kind valid, code valid under the parent, name 1–64 code points.
 * parent_kind/parent_code are GG_PK_NONE/NULL for a district. */
typedef struct gg_place_spec {
    int kind;
    const char *subtype;        /* NULL: default */
    const char *dedicated_kind; /* grids with subtype "dedicated" only */
    const char *name;
    const char *code;           /* NULL: to be allocated by the caller */
} gg_place_spec;

int gg_place_validate(const gg_place_spec *s, int parent_kind, const char *parent_code,
                      gg_error *e);

/* Whether the node (with materialized path node_path, e.g. "/1/5/") may move
 * under new_parent (kind, path, active). Refused with a reason when: the new
 * parent is the node or inside its subtree, the kinds do not fit, the new
 * parent is inactive, or it is already the parent. */
typedef struct gg_place_ref {
    long long id;
    int kind;
    const char *path;
    const char *code;
    bool active;
    long long parent_id;
} gg_place_ref;

int gg_place_move_check(const gg_place_ref *node, const gg_place_ref *new_parent, gg_error *e);

/* Replace old_prefix at the start of code with new_prefix (codes of a moved
 * subtree). GG_EINVAL if code does not start with old_prefix or out is small. */
int gg_place_recode(const char *code, const char *old_prefix, const char *new_prefix,
                    char *out, size_t cap);

/* Is path inside (or equal to) the subtree rooted at root_path? Paths are
 * materialized id paths like "/1/5/23/". */
bool gg_path_within(const char *path, const char *root_path);

#endif
