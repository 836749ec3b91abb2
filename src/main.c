/*
 * main.c — the gridgov command line: serve, init, demo, migrate, version.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const struct {
    const char *name;
    int (*fn)(const gg_cli_opts *);
    const char *usage;
    const char *help;
} cmds[] = {
    {"serve", gg_cmd_serve, "serve [--db PATH] [--listen ADDR:PORT] [--threads N] [--web-dir DIR]",
     "Serve the API (and the web UI) until SIGTERM/SIGINT, then shut down gracefully.\n"
     "  The UI is served from --web-dir (GG_WEB_DIR), else web/dist (see make web)."},
    {"init", gg_cmd_init, "init [--db PATH] [--admin-user NAME] [--admin-password PW]",
     "Create the database, apply migrations and create the first (global) administrator.\n"
     "  Without --admin-password (or GG_ADMIN_PASSWORD) a random password is printed."},
    {"demo", gg_cmd_demo, "demo [--db PATH]",
     "Create a deterministic demo city (1 district, 6 streets, 40 communities, 400 grids)\n"
     "  with staff accounts for every role, in a new database."},
    {"demo-logins", gg_cmd_demo_logins, "demo-logins [--db PATH]", "Print the demo city's logins."},
    {"migrate", gg_cmd_migrate, "migrate [--db PATH]", "Apply pending schema migrations."},
    {"version", gg_cmd_version, "version [--db PATH]",
     "Print the program version and schema versions (of the binary and, with --db, the database)."},
    {"routes", gg_cmd_routes, "routes",
     "Print the route table (method, path, roles, scope rule, flags)."},
    {"scheduler-run", gg_cmd_scheduler_run, "scheduler-run [--db PATH] [--now ISO8601]",
     "Run one pass of the scheduler (mark overdue cases and urge them) as of now or --now.\n"
     "  Safe while a server runs on the same database."},
    {"webhook", gg_cmd_webhook,
     "webhook {add URL [--secret S] [--events PATTERN] | list | disable ID} [--db PATH]",
     "Manage the webhooks that receive case notifications (one POST per case step).\n"
     "  add      register URL (http:// or https://); --events is a pattern over event\n"
     "           names, default 'case.*' (e.g. 'case.close'); without --secret a random\n"
     "           secret is made and printed once. Each POST carries X-Gridgov-Event,\n"
     "           X-Gridgov-Delivery (an id to deduplicate on) and X-Gridgov-Signature\n"
     "           (sha256= HMAC-SHA256 of the body keyed by the secret).\n"
     "  list     print id, state, pattern, pending/delivered/dead counts, URL.\n"
     "  disable  stop delivering to webhook ID (its pending notifications wait).\n"
     "  Safe while a server runs on the same database."},
    {"backup", gg_cmd_backup, "backup PATH [--db DB] [--force]",
     "Copy the database to PATH while a server keeps writing (SQLite online backup: one\n"
     "  consistent snapshot), check the copy with PRAGMA integrity_check, and print its pages\n"
     "  and the time taken. An existing PATH is refused unless --force."},
    {"restore", gg_cmd_restore, "restore PATH [--db DB]",
     "Replace the database with the backup PATH. Refused, with the database untouched, when\n"
     "  PATH is not a SQLite database, fails PRAGMA integrity_check, is not a gridgov database\n"
     "  or has a newer schema than this binary, and while a server has the database open\n"
     "  (detected by taking SQLite's exclusive lock on it without waiting). The copy is made\n"
     "  beside the database, fsync'ed and renamed over it; stale -wal/-shm files are removed."},
    {"import", gg_cmd_import, "import residents FILE PLACE_CODE [all_or_nothing|keep_good] [--db DB]",
     "Import residents from FILE (.xlsx or .csv in UTF-8 or GBK, told by its bytes) under the\n"
     "  place PLACE_CODE, as POST /api/v1/imports does. all_or_nothing (default) writes nothing\n"
     "  when any row is rejected; keep_good writes the good rows. Rejected rows go to stderr as\n"
     "  CSV (row, column, code, message), the counts and rows/s to stdout. See docs/import.md."},
};

static void usage(FILE *f)
{
    fprintf(f, "gridgov — grid-based grassroots governance (网格化服务管理)\n\nUsage:\n");
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        fprintf(f, "  gridgov %s\n", cmds[i].usage);
    fprintf(f, "\nEnvironment: GG_DB (default data/gridgov.db), GG_LISTEN (127.0.0.1:8080),\n"
               "  GG_THREADS (cores), GG_RATE_LIMIT (requests/s per address, 0 = off),\n"
               "  GG_MAX_BODY (bytes), GG_ACCESS_LOG (0 = off), GG_ADMIN_PASSWORD,\n"
               "  GG_LOGIN_PER_MIN (sign-ins per address per minute), GG_SESSION_IDLE and\n"
               "  GG_SESSION_MAX (seconds), GG_IDLE_TIMEOUT and GG_BODY_TIMEOUT (seconds),\n"
               "  GG_MAX_CONNS (open connections before 429), GG_SCHEDULER_INTERVAL (seconds),\n"
               "  GG_WEBHOOK_INTERVAL (seconds between deliveries, default 2),\n"
               "  GG_WEBHOOK_RETRY_BASE_MS (first retry delay, default 5000, doubling to 1 h),\n"
               "  GG_WEBHOOK_MAX_ATTEMPTS (before a notification is kept as dead, default 20),\n"
               "  GG_FILES_DIR (photos; default: files/ beside the database),\n"
               "  GG_WEB_DIR (the built web UI; default web/dist),\n"
               "  GG_KEY_FILE (registry sealing key; default <db stem>.key: back it up),\n"
               "  GG_MAX_EVENT_STREAMS (live event streams before 429, default 100),\n"
               "  GG_DEMO_RESIDENTS (residents 'demo' generates, default 200000).\n"
               "Run 'gridgov COMMAND --help' for one command.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "--version") == 0) argv[1] = "version";
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        if (strcmp(argv[1], cmds[i].name) != 0) continue;
        gg_cli_opts o;
        if (gg_cli_parse(argc, argv, 2, &o)) return 2;
        /* positional arguments */
        int max_args = cmds[i].fn == gg_cmd_import                                   ? 4
                       : cmds[i].fn == gg_cmd_webhook                                ? 2
                       : cmds[i].fn == gg_cmd_backup || cmds[i].fn == gg_cmd_restore ? 1
                                                                                     : 0;
        if (o.nargs > max_args) {
            fprintf(stderr, "gridgov %s: unexpected argument '%s' (see --help)\n", argv[1],
                    o.args[max_args]);
            return 2;
        }
        if (o.help) {
            printf("Usage: gridgov %s\n\n  %s\n", cmds[i].usage, cmds[i].help);
            return 0;
        }
        return cmds[i].fn(&o);
    }
    fprintf(stderr, "gridgov: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return 2;
}
