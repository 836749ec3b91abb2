/*
 * migrate.h — numbered schema migrations carried inside the binary (the .sql
 * files under store/migrations/<backend>/ are embedded at build time).
 */
#ifndef GG_MIGRATE_H
#define GG_MIGRATE_H

typedef struct gg_migration {
    int number;
    const char *name;
    const char *sql;
} gg_migration;

extern const gg_migration gg_migrations_sqlite[]; /* ends with {0, 0, 0} */

#endif
