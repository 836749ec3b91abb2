/*
 * registry_int.h — what the registry's SQLite files share (registry.c:
 * keys and residents; registry_more.c: houses, households, organisations,
 * tags, visits, statistics, reveal audit). Nothing outside src/store/sqlite/
 * includes this.
 */
#ifndef GG_REGISTRY_INT_H
#define GG_REGISTRY_INT_H

#include "core/sealed.h"
#include "store/sqlite/db_int.h"

/* Associated data of the sealed columns and contexts of their blind indexes. */
#define GG_CTX_ID "resident.id_number"
#define GG_CTX_PHONE "resident.phone"
#define GG_CTX_ORG_PHONE "org.contact_phone"

/* Places a resident, house or household may hang on. */
#define GG_REG_HOME_KINDS \
    ((1u << GG_PK_GRID) | (1u << GG_PK_COMPOUND) | (1u << GG_PK_BUILDING) | (1u << GG_PK_UNIT))

/* Whether a subtree is the whole city, a district or a street: lists of it
 * walk the rowid in id order (a page ends early) rather than sort the
 * subtree's rows taken from the path index (right for communities and below). */
bool gg_reg_big_root(const char *path);

/* Seal plain (NUL-terminated) under ctx into sealed (text form); when blind
 * is not NULL, also its blind index over blind_prefix || plain. */
int gg_reg_seal(const gg_keys *k, const char *plain, const char *ctx, char *sealed, size_t cap,
                unsigned char blind[GG_BLIND_BYTES], const char *blind_prefix);
/* Open the sealed text of column col into p; NULL if none or it fails. */
const char *gg_reg_unseal(gg_pool *p, const gg_keys *k, sqlite3_stmt *st, int col,
                          const char *ctx);
int gg_reg_id_blind(const gg_keys *k, int id_type, const char *norm,
                    unsigned char blind[GG_BLIND_BYTES]);
int gg_reg_place(gg_conn *c, gg_pool *p, int64_t place_id, unsigned kinds, const char **path,
                 const char **region, gg_error *e);

/* The house (place_id, room), created with `use` if new. */
int gg_house_resolve(gg_conn *w, gg_pool *p, int64_t place_id, const char *path,
                     const char *region, const char *room, int use, int64_t *id, gg_error *e);
/* The household numbered `number` in region, created under place_id if new. */
int gg_household_resolve(gg_conn *w, int64_t place_id, const char *path, const char *region,
                         int64_t house_id, const char *number, int64_t *id, gg_error *e);
/* Row id of table exists (and, with path, lies within it): else 422 on field. */
int gg_reg_row_within(gg_conn *c, const char *table, int64_t id, const char *path,
                      const char *field, gg_error *e);
/* Bring resident_tag in line with the bit set `tags` (was old_tags). */
int gg_res_tags_sync(gg_conn *w, int64_t resident_id, const char *path, uint32_t old_tags,
                     uint32_t tags, int64_t now, gg_error *e);

#endif
