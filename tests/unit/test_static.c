/*
 * test_static.c — unit tests for the pure parts of src/http/static.c: which
 * decoded paths may be looked up under the web root, and media types by
 * extension. The serving itself is tested over HTTP (tests/api/test_static.py).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "http/static.h"

static void test_safe_paths(void **state)
{
    const char *ok[] = {"/", "/index.html", "/assets/index-3f2a.js", "/cases/12", "/m/report",
                        "/cockpit/", "/icons/icon-192.png", "/a.b.c", "/网格/页面"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) assert_true(gg_static_path_ok(ok[i]));
}

static void test_refused_paths(void **state)
{
    const char *bad[] = {"", "index.html", "/..", "/../x", "/a/../b", "/a/..", "/.", "/./x",
                         "/.git/config", "/.env", "//etc/passwd", "/a//b", "/a\\..\\b", "/%2e%2e/x",
                         "/a%00", "/a\x01", "/a\x7f", "/a\tb", NULL};
    for (size_t i = 0; bad[i]; i++) assert_false(gg_static_path_ok(bad[i]));
    char longseg[300];
    memset(longseg, 'a', sizeof longseg);
    longseg[0] = '/';
    longseg[sizeof longseg - 1] = 0;
    assert_false(gg_static_path_ok(longseg));
}

static void test_mime(void **state)
{
    assert_string_equal(gg_static_mime("/index.html"), "text/html; charset=utf-8");
    assert_string_equal(gg_static_mime("/a.js"), "text/javascript; charset=utf-8");
    assert_string_equal(gg_static_mime("/a.mjs"), "text/javascript; charset=utf-8");
    assert_string_equal(gg_static_mime("/a.CSS"), "text/css; charset=utf-8");
    assert_string_equal(gg_static_mime("/a.svg"), "image/svg+xml");
    assert_string_equal(gg_static_mime("/a.webp"), "image/webp");
    assert_string_equal(gg_static_mime("/a.ico"), "image/x-icon");
    assert_string_equal(gg_static_mime("/manifest.webmanifest"), "application/manifest+json; charset=utf-8");
    assert_string_equal(gg_static_mime("/f.woff2"), "font/woff2");
    assert_string_equal(gg_static_mime("/a.js.map"), "application/json; charset=utf-8");
    assert_string_equal(gg_static_mime("/noext"), "application/octet-stream");
    assert_string_equal(gg_static_mime("/dir.v2/noext"), "application/octet-stream");
    assert_string_equal(gg_static_mime("/a.exe"), "application/octet-stream");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_safe_paths),
        cmocka_unit_test(test_refused_paths),
        cmocka_unit_test(test_mime),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
