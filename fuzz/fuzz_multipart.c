/*
 * fuzz_multipart.c — libFuzzer harness for photo uploads: the input is the
 * body of a multipart/form-data POST to /api/v1/cases/1/attachments.
 *
 * libmicrohttpd's post processor reads its boundary from a connection's
 * headers, so it cannot run without one: this harness drives the real
 * server (fuzz_server.h) and builds the request around the fuzzed body. A
 * first line "boundary=XXX\n" in the input picks the boundary (else
 * "ggfuzz"), so the fuzzer can also try odd boundaries. Every 100 inputs
 * the server must still answer GET /healthz with 200.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_server.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    static unsigned long runs;
    fz_server_port();
    if (size > (1u << 20)) return 0;
    const char *body = (const char *)data;
    size_t n = size;
    char boundary[80] = "ggfuzz";
    if (n > 9 && memcmp(body, "boundary=", 9) == 0) {
        const char *nl = memchr(body, '\n', n);
        if (nl && (size_t)(nl - body - 9) < sizeof boundary) {
            size_t bl = (size_t)(nl - body - 9);
            memcpy(boundary, body + 9, bl);
            boundary[bl] = 0;
            for (size_t i = 0; i < bl; i++)
                if (boundary[i] == '\r' || boundary[i] == '\0') boundary[i] = '_';
            n -= (size_t)(nl + 1 - body);
            body = nl + 1;
        }
    }
    char head[512];
    int hn = snprintf(head, sizeof head,
                      "POST /api/v1/cases/1/attachments HTTP/1.1\r\nHost: fuzz\r\n"
                      "Authorization: Bearer " FZ_COMMAND_KEY "\r\n"
                      "Content-Type: multipart/form-data; boundary=%s\r\n"
                      "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                      boundary, n);
    char *req = malloc((size_t)hn + n);
    memcpy(req, head, (size_t)hn);
    memcpy(req + hn, body, n);
    int st;
    fz_exchange(req, (size_t)hn + n, 100, &st, NULL, 0);
    free(req);
    if (st >= 500 && st != 503) {
        fprintf(stderr, "fuzz_multipart: an upload was answered %d\n", st);
        abort();
    }
    if (runs++ % 100 == 0) fz_check_alive("fuzz_multipart");
    return 0;
}
