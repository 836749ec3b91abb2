/*
 * ratelimit.c — see ratelimit.h. 4096 slots, each with its own key hash;
 * 64 striped locks.
 */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "core/timeutil.h"
#include "http/ratelimit.h"

#define SLOTS 4096
#define LOCKS 64

static struct {
    uint64_t key;
    double tokens;
    int64_t last_us;
} slots[SLOTS];
static pthread_mutex_t locks[LOCKS] = {[0 ... LOCKS - 1] = PTHREAD_MUTEX_INITIALIZER};

static uint64_t fnv(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h | 1; /* 0 marks an empty slot */
}

bool gg_rl_take(const char *key, double rate, double burst, int *retry_s)
{
    if (rate <= 0) return true;
    uint64_t h = fnv(key);
    size_t i = (size_t)(h % SLOTS);
    pthread_mutex_t *mu = &locks[i % LOCKS];
    int64_t now = gg_mono_us();
    bool ok;
    pthread_mutex_lock(mu);
    if (slots[i].key != h) {
        slots[i].key = h;
        slots[i].tokens = burst;
        slots[i].last_us = now;
    }
    double t = slots[i].tokens + (double)(now - slots[i].last_us) / 1e6 * rate;
    if (t > burst) t = burst;
    slots[i].last_us = now;
    ok = t >= 1.0;
    if (ok) t -= 1.0;
    slots[i].tokens = t;
    pthread_mutex_unlock(mu);
    if (!ok && retry_s) *retry_s = (int)ceil((1.0 - t) / rate);
    return ok;
}

void gg_rl_reset(void)
{
    for (int l = 0; l < LOCKS; l++) pthread_mutex_lock(&locks[l]);
    memset(slots, 0, sizeof slots);
    for (int l = LOCKS - 1; l >= 0; l--) pthread_mutex_unlock(&locks[l]);
}
