/*
 * registry_io.c — the store calls of store/registry_io.h (the importer's).
 */
#include <sqlite3.h>

#include "store/registry_io.h"
#include "store/sqlite/db_int.h"

int64_t gg_resident_max_id(gg_conn *c)
{
    sqlite3_stmt *st = gg_stmt(c, "SELECT coalesce(max(id), 0) FROM resident");
    if (!st) return 0;
    int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    return v;
}
