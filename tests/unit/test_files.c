/*
 * test_files.c — unit tests for src/store/files.c: a put reads back whole
 * under its SHA-256 name, a second put of the same bytes is a no-op, a bad
 * name is 404, and threads putting the same bytes at once all succeed with
 * the file whole (each writes its own temporary file).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/files.h"

#define BIG (2u << 20)
#define THREADS 8

static char dir[64];
static unsigned char *data;

static int setup(void **state)
{
    (void)state;
    if (sodium_init() < 0) return -1;
    snprintf(dir, sizeof dir, "/tmp/gg_files_XXXXXX");
    if (!mkdtemp(dir)) return -1;
    gg_files_set_dir(dir);
    data = malloc(BIG);
    if (!data) return -1;
    for (size_t i = 0; i < BIG; i++) data[i] = (unsigned char)(i * 2654435761u >> 13);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(data);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void expect_whole(const char *hex, const void *want, size_t n)
{
    gg_buf b;
    gg_buf_init(&b, 4u << 20);
    gg_error e = {0};
    assert_int_equal(gg_files_get(hex, &b, &e), 0);
    assert_int_equal(b.len, n);
    assert_memory_equal(b.data, want, n);
    gg_buf_free(&b);
}

static void test_put_get(void **state)
{
    (void)state;
    char hex[GG_SHA256_HEX], again[GG_SHA256_HEX], want[GG_SHA256_HEX];
    gg_error e = {0};
    assert_int_equal(gg_files_put("hello", 5, hex, &e), 0);
    gg_sha256_hex("hello", 5, want);
    assert_string_equal(hex, want);
    assert_int_equal(gg_files_put("hello", 5, again, &e), 0);
    assert_string_equal(again, hex);
    expect_whole(hex, "hello", 5);

    gg_buf b;
    gg_buf_init(&b, 1024);
    assert_int_equal(gg_files_get("../../etc/passwd", &b, &e), GG_ENOTFOUND);
    assert_int_equal(e.status, 404);
    gg_buf_free(&b);
}

typedef struct {
    int rc;
    char hex[GG_SHA256_HEX];
} put_job;

static void *put_thread(void *arg)
{
    put_job *j = arg;
    gg_error e = {0};
    j->rc = gg_files_put(data, BIG, j->hex, &e);
    return NULL;
}

static void test_same_bytes_at_once(void **state)
{
    (void)state;
    for (int round = 0; round < 4; round++) {
        data[0] = (unsigned char)round; /* new content, so no put finds it there */
        pthread_t t[THREADS];
        put_job jobs[THREADS];
        for (int i = 0; i < THREADS; i++)
            assert_int_equal(pthread_create(&t[i], NULL, put_thread, &jobs[i]), 0);
        for (int i = 0; i < THREADS; i++) pthread_join(t[i], NULL);
        for (int i = 0; i < THREADS; i++) {
            assert_int_equal(jobs[i].rc, 0);
            assert_string_equal(jobs[i].hex, jobs[0].hex);
        }
        expect_whole(jobs[0].hex, data, BIG);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_put_get),
        cmocka_unit_test(test_same_bytes_at_once),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
