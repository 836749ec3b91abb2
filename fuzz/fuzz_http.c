/*
 * fuzz_http.c — libFuzzer harness for the whole request path: each input
 * is sent as raw bytes on a loopback TCP connection to the real server
 * (libmicrohttpd, http/server.c, dispatch, routes, handlers, store), the
 * write side is closed, and the answer is read with a short timeout. Every
 * 100 inputs (and at the first) GET /healthz must still answer 200.
 *
 * Seeds (fuzz/corpus/fuzz_http) use the fixture of fuzz_server.h: API keys,
 * places 1-4, category 1, case 1.
 */
#include <string.h>

#include "fuzz_server.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    static unsigned long runs;
    fz_server_port();
    if (size > (1u << 20)) return 0;
    int st;
    fz_exchange(data, size, 100, &st, NULL, 0);
    if (runs++ % 100 == 0) fz_check_alive("fuzz_http");
    return 0;
}
