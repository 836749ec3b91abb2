/*
 * backup_cmd.c — 'gridgov backup PATH' and 'gridgov restore PATH': the
 * operator's online copy of the live database and its way back. The work is
 * the store's (store/sqlite/backup.c); this file reads the arguments and
 * says what happened. Exit 0 on success, 1 when refused or failed, 2 on
 * usage errors.
 */
#include <stdio.h>

#include "cli/cli.h"
#include "store/store.h"

static const char *path_arg(const gg_cli_opts *o, const char *cmd)
{
    if (o->nargs != 1) {
        fprintf(stderr, "gridgov %s: which file? (see 'gridgov %s --help')\n", cmd, cmd);
        return NULL;
    }
    return o->args[0];
}

int gg_cmd_backup(const gg_cli_opts *o)
{
    const char *dest = path_arg(o, "backup");
    if (!dest) return 2;
    gg_backup_info info;
    gg_error e = {0};
    if (gg_store_backup(o->db, dest, o->force, &info, &e)) {
        fprintf(stderr, "gridgov backup: %s\n", e.message);
        return 1;
    }
    printf("backup of %s written to %s: %lld pages of %d bytes (%lld bytes), schema %d, "
           "integrity ok, %.3f s\n",
           o->db, dest, (long long)info.pages, info.page_size, (long long)info.bytes, info.schema,
           (double)info.micros / 1e6);
    return 0;
}

int gg_cmd_restore(const gg_cli_opts *o)
{
    const char *src = path_arg(o, "restore");
    if (!src) return 2;
    if (o->force) {
        fprintf(stderr, "gridgov restore: --force belongs to 'backup'\n");
        return 2;
    }
    gg_backup_info info;
    gg_error e = {0};
    if (gg_store_restore(src, o->db, &info, &e)) {
        fprintf(stderr, "gridgov restore: refused: %s; %s is unchanged\n", e.message, o->db);
        return 1;
    }
    printf("%s restored from %s: %lld pages of %d bytes (%lld bytes), schema %d, integrity ok, "
           "%.3f s\n",
           o->db, src, (long long)info.pages, info.page_size, (long long)info.bytes, info.schema,
           (double)info.micros / 1e6);
    return 0;
}
