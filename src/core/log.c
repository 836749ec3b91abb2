/*
 * log.c — one diagnostic line per call on stderr, the access log on stdout.
 *
 * Each line is built in a stack buffer and leaves in a single write(2) (or
 * writev(2) for the access log), so lines from different threads never
 * interleave and no lock is needed. Messages longer than the buffer are cut
 * and marked with "..."; control characters are replaced by spaces so a
 * value from a request cannot forge a second log line.
 */
#include "core/log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "core/timeutil.h"

#define LOG_LINE_MAX 2048

static atomic_int log_level = GG_LOG_INFO;

static const char *const level_names[] = {"DEBUG", "INFO", "WARN", "ERROR"};

void gg_log_set_level(int level)
{
    atomic_store_explicit(&log_level, level, memory_order_relaxed);
}

/* Write all of iov, retrying on EINTR and after a short write. Logging has
 * nowhere to report its own failure, so errors are dropped. */
static void write_all(int fd, struct iovec *iov, int cnt)
{
    while (cnt > 0) {
        ssize_t w = writev(fd, iov, cnt);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return;
        }
        size_t left = (size_t)w;
        while (cnt > 0 && left >= iov->iov_len) {
            left -= iov->iov_len;
            iov++;
            cnt--;
        }
        if (cnt > 0) {
            iov->iov_base = (char *)iov->iov_base + left;
            iov->iov_len -= left;
        }
    }
}

/* "2026-11-21T19:30:05.123+08:00" into dst (at least 40 bytes). */
static size_t log_timestamp(char *dst, size_t cap)
{
    int64_t now = gg_now_us();
    int64_t ms = (now / 1000) % 1000;
    if (ms < 0)
        ms += 1000;
    char t[40];
    gg_time_format(now, gg_display_offset_min(), t, sizeof t);
    /* gg_time_format writes "YYYY-MM-DDTHH:MM:SS" (19 bytes for any
     * four-digit year) followed by the zone; the milliseconds go between. */
    int n = snprintf(dst, cap, "%.19s.%03d%s", t, (int)ms, strlen(t) > 19 ? t + 19 : "");
    return n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap - 1;
}

void gg_log(int level, const char *fmt, ...)
{
    if (level < atomic_load_explicit(&log_level, memory_order_relaxed))
        return;
    if (level < GG_LOG_DEBUG || level > GG_LOG_ERROR)
        level = GG_LOG_ERROR;

    char line[LOG_LINE_MAX];
    size_t len = log_timestamp(line, sizeof line);
    int k = snprintf(line + len, sizeof line - len, " %s ", level_names[level]);
    if (k > 0)
        len += (size_t)k;

    size_t msg_start = len;
    size_t room = sizeof line - len - 1; /* keep one byte for '\n' */
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(line + len, room + 1, fmt, ap);
    va_end(ap);
    if (m < 0)
        m = 0;
    if ((size_t)m > room) {
        len += room;
        memcpy(line + len - 3, "...", 3);
    } else {
        len += (size_t)m;
    }
    for (size_t i = msg_start; i < len; i++)
        if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
            line[i] = ' ';
    line[len++] = '\n';

    struct iovec iov = {line, len};
    write_all(STDERR_FILENO, &iov, 1);
}

void gg_log_access(const char *line, size_t n)
{
    struct iovec iov[2] = {{(void *)line, n}, {(void *)"\n", 1}};
    write_all(STDOUT_FILENO, iov, 2);
}
