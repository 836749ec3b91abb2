/*
 * cli.h — the gridgov sub-commands and their shared option parsing.
 */
#ifndef GG_CLI_H
#define GG_CLI_H

#include <stdbool.h>

typedef struct gg_cli_opts {
    const char *db;
    const char *listen;
    int threads;
    const char *admin_user;
    const char *admin_password;
    const char *now;
    const char *secret;         /* webhook add */
    const char *events;         /* webhook add */
    bool force;                 /* backup: replace an existing file */
    const char *web_dir;        /* serve: the built web UI (GG_WEB_DIR) */
    const char *args[4];        /* positional arguments (sub-commands that take them) */
    int nargs;
    bool help;
} gg_cli_opts;

/* Parse argv[first..] into o (flags override environment variables).
 * Returns 0, or prints the problem and returns 2. */
int gg_cli_parse(int argc, char **argv, int first, gg_cli_opts *o);

int gg_cmd_serve(const gg_cli_opts *o);
int gg_cmd_init(const gg_cli_opts *o);
int gg_cmd_demo(const gg_cli_opts *o);
int gg_cmd_demo_logins(const gg_cli_opts *o);
int gg_cmd_migrate(const gg_cli_opts *o);
int gg_cmd_version(const gg_cli_opts *o);
int gg_cmd_routes(const gg_cli_opts *o);
int gg_cmd_scheduler_run(const gg_cli_opts *o);
int gg_cmd_webhook(const gg_cli_opts *o);
int gg_cmd_backup(const gg_cli_opts *o);
int gg_cmd_restore(const gg_cli_opts *o);
int gg_cmd_import(const gg_cli_opts *o); /* cli/import_cmd.c (registry, #5) */

/* The demo city's cases (cli/demo_cases.c), inside the demo's write. */
struct gg_conn;
struct gg_pool;
struct gg_error;
int gg_demo_cases(struct gg_conn *w, struct gg_pool *pool, int *ncases, struct gg_error *e);
/* The demo city's registry (cli/demo_registry.c): GG_DEMO_RESIDENTS residents (200,000). */
int gg_demo_registry(struct gg_conn *w, struct gg_pool *pool, int *nres, struct gg_error *e);

#define GG_DEMO_PASSWORD "gridgov-demo-2026"

#endif
