/*
 * fuzz_server.h — the whole gridgov server in-process for the HTTP
 * harnesses (fuzz_http.c, fuzz_multipart.c), started once per process.
 *
 * fz_server_port starts it on first call: a fresh SQLite database with
 * every migration in a new temp dir (no demo), photos in that dir, rate
 * limits and the access log off, 127.0.0.1 on a free port. It then adds a
 * fixture the seeds can rely on, all with fixed ids on the fresh database:
 *   accounts  1 "admin" (admin, global, password FZ_ADMIN_PW)
 *             2 "command" (command centre, global)
 *   API keys  FZ_ADMIN_KEY, FZ_COMMAND_KEY
 *   places    1 district 630102, 2 street, 3 community, 4 grid
 *   category  1 (event, 3 working days)
 *   case      1 (event in grid 4)
 * Any failure aborts: a harness that cannot start proves nothing.
 */
#ifndef GG_FUZZ_SERVER_H
#define GG_FUZZ_SERVER_H

#include <stddef.h>

#define FZ_ADMIN_PW "fuzz-Admin-pw-2026"
#define FZ_ADMIN_KEY "ggk_fuzzadmin0000000000000000000"
#define FZ_COMMAND_KEY "ggk_fuzzcommand00000000000000000"

int fz_server_port(void);

/* Send req[0..n) on a new loopback connection, close the write side, read
 * the answer until EOF or timeout_ms of silence. The first answer's status
 * (0 when none) in *status; up to cap-1 bytes of the answer in out (NUL-
 * terminated) when out is not NULL. Returns bytes read or -1 when the
 * connection could not be made. */
long fz_exchange(const void *req, size_t n, int timeout_ms, int *status, char *out, size_t cap);

/* GET /healthz answers 200; aborts with a message otherwise. */
void fz_check_alive(const char *who);

#endif
