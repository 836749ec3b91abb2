/*
 * log.h — diagnostics to stderr, one line each, with an ISO time and level.
 * Thread-safe (one write(2) per line).
 */
#ifndef GG_LOG_H
#define GG_LOG_H

#include <stddef.h>

enum gg_log_level { GG_LOG_DEBUG, GG_LOG_INFO, GG_LOG_WARN, GG_LOG_ERROR };

void gg_log_set_level(int level);
void gg_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Write one raw line (a newline is appended) to stdout: the access log. */
void gg_log_access(const char *line, size_t n);

#define gg_info(...) gg_log(GG_LOG_INFO, __VA_ARGS__)
#define gg_warn(...) gg_log(GG_LOG_WARN, __VA_ARGS__)
#define gg_error_log(...) gg_log(GG_LOG_ERROR, __VA_ARGS__)
#define gg_debug(...) gg_log(GG_LOG_DEBUG, __VA_ARGS__)

#endif
