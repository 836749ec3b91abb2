/*
 * gen_cases.c — fill a copy of the demo database with many cases, fast, for
 * bench/cases.sh to time the metrics query against (10 million by default:
 * through HTTP that would take hours).
 *
 *   gen_cases DB COUNT FROM_DAY TO_DAY NOW_US
 *
 * Writes COUNT gcase rows (schema of src/store/migrations/sqlite/002_cases.sql)
 * created on the local (+08:00) days FROM_DAY..TO_DAY (days since 1970), spread
 * over the demo's 400 grids and 17 categories, and the case_rollup rows that
 * belong to them, counted the way the engine counts (src/domain/case.c):
 * reported and responded on their days, dispatched and signed within 24 h,
 * returned, closed with due / on time / within 7 days on the closing day,
 * an overdue case due on its deadline's day (as the scheduler marks it),
 * reworked, rated and satisfied. Rows and rollups agree with each other; the
 * demo's own rollups are added to (upsert), not replaced. Nothing ever lies
 * after NOW_US.
 *
 * Not written: the flow log, full-text rows, whistle units — the metrics
 * query reads only case_rollup. The secondary indexes of gcase and
 * case_rollup are dropped for the load and rebuilt from their own SQL at the
 * end; the file is left in WAL mode, as gridgov keeps it. A benchmark tool:
 * plain C, SQLite only, built by bench/cases.sh (cc -O2 ... -lsqlite3).
 */
#define _POSIX_C_SOURCE 200809L
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_GRIDS 4096
#define MAX_CATS 64
#define RING 64 /* days a case's counters may trail its creation (closing, rating) */
#define NCOUNT 12
#define US_S INT64_C(1000000)
#define US_H (3600 * US_S)
#define US_D (24 * US_H)
#define OFFSET_US (8 * US_H) /* the demo calendar's zone, +08:00 */

enum { C_REPORTED, C_RESPONDED, C_DISPATCHED, C_SIGNED_24H, C_DUE, C_CLOSED, C_ON_TIME, C_CLOSED_7D,
       C_RETURNED, C_REWORKED, C_RATED, C_SATISFIED };

typedef struct grid {
    int64_t id, worker;
    char path[64], region[16];
} grid;

typedef struct cat {
    int64_t id;
    char kind[16], code[32];
    int64_t limit_us; /* the limit, as wall-clock time (a working day ~ 1.4 days) */
    int weight;
} cat;

static grid grids[MAX_GRIDS];
static cat cats[MAX_CATS];
static int ngrids, ncats, total_weight;
static int64_t units[16];
static int nunits;
static int32_t (*ring)[NCOUNT]; /* [RING][ngrids][ncats] */
static uint64_t rng = UINT64_C(0x67656e5f63617365);

static uint64_t rnext(void)
{
    uint64_t z = (rng += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}
static int64_t rnd(int64_t n) { return n > 0 ? (int64_t)(rnext() % (uint64_t)n) : 0; }
static int32_t day_of(int64_t t) { return (int32_t)((t + OFFSET_US) / US_D); }

static double mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int fail(sqlite3 *db, const char *what)
{
    fprintf(stderr, "gen_cases: %s: %s\n", what, sqlite3_errmsg(db));
    return 1;
}

static int exec(sqlite3 *db, const char *sql)
{
    return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : fail(db, sql);
}

static int32_t *slot(int32_t day, int g, int c)
{
    return ring[((size_t)(day % RING) * (size_t)ngrids + (size_t)g) * (size_t)ncats + (size_t)c];
}

static void add(int32_t day, int g, int c, int counter, int n)
{
    slot(day, g, c)[counter] += n;
}

static int load(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db,
                           "SELECT p.id, p.path, p.region, coalesce((SELECT min(ap.account_id) "
                           "FROM account_place ap JOIN account a ON a.id = ap.account_id "
                           "WHERE ap.place_id = p.id AND a.role = 'gridworker'), 0) "
                           "FROM place p WHERE p.kind = 'grid' AND p.active ORDER BY p.path",
                           -1, &st, NULL) != SQLITE_OK)
        return fail(db, "grids");
    while (ngrids < MAX_GRIDS && sqlite3_step(st) == SQLITE_ROW) {
        grid *g = &grids[ngrids++];
        g->id = sqlite3_column_int64(st, 0);
        snprintf(g->path, sizeof g->path, "%s", (const char *)sqlite3_column_text(st, 1));
        snprintf(g->region, sizeof g->region, "%s", (const char *)sqlite3_column_text(st, 2));
        g->worker = sqlite3_column_int64(st, 3);
    }
    sqlite3_finalize(st);
    /* kind order as the rollup key sorts it, so rows go in near key order */
    if (sqlite3_prepare_v2(db, "SELECT id, kind, code, limit_amount, limit_unit FROM category "
                               "WHERE active ORDER BY kind, id", -1, &st, NULL) != SQLITE_OK)
        return fail(db, "categories");
    static const struct { const char *kind; int weight; } kw[] = {
        {"event", 40}, {"hotline", 26}, {"whistle", 8}, {"service", 14}, {"dispute", 12}};
    while (ncats < MAX_CATS && sqlite3_step(st) == SQLITE_ROW) {
        cat *c = &cats[ncats++];
        c->id = sqlite3_column_int64(st, 0);
        snprintf(c->kind, sizeof c->kind, "%s", (const char *)sqlite3_column_text(st, 1));
        snprintf(c->code, sizeof c->code, "%s", (const char *)sqlite3_column_text(st, 2));
        int64_t amount = sqlite3_column_int64(st, 3);
        const char *unit = (const char *)sqlite3_column_text(st, 4);
        c->limit_us = strcmp(unit, "work_days") == 0 ? amount * US_D * 7 / 5
                    : strcmp(unit, "work_hours") == 0 ? amount * US_H * 24 / 7
                    : strcmp(unit, "natural_days") == 0 ? amount * US_D : amount * US_H;
        for (size_t i = 0; i < sizeof kw / sizeof kw[0]; i++)
            if (strcmp(kw[i].kind, c->kind) == 0) c->weight = kw[i].weight;
    }
    sqlite3_finalize(st);
    for (int i = 0; i < ncats; i++) { /* a kind's weight shared by its categories */
        int same = 0;
        for (int j = 0; j < ncats; j++) same += strcmp(cats[i].kind, cats[j].kind) == 0;
        cats[i].weight = cats[i].weight * 60 / same;
        total_weight += cats[i].weight;
    }
    if (sqlite3_prepare_v2(db, "SELECT id FROM unit ORDER BY id LIMIT 16", -1, &st, NULL) != SQLITE_OK)
        return fail(db, "units");
    while (nunits < 16 && sqlite3_step(st) == SQLITE_ROW) units[nunits++] = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (!ngrids || !ncats || !nunits) {
        fprintf(stderr, "gen_cases: no grids, categories or units: not a demo database?\n");
        return 1;
    }
    return 0;
}

static int pick_cat(void)
{
    int64_t r = rnd(total_weight);
    for (int i = 0; i < ncats; i++)
        if ((r -= cats[i].weight) < 0) return i;
    return ncats - 1;
}

/* How long a case of this kind takes to close, wall-clock: mostly well
 * within its limit, now and then past it. */
static int64_t duration(const cat *c)
{
    int64_t r = rnd(100);
    int64_t base = c->limit_us / 10 + rnd(c->limit_us * 7 / 10);
    return r < 88 ? base : c->limit_us + rnd(c->limit_us * 2);
}

static const char *open_state(const char *kind)
{
    return !strcmp(kind, "event") || !strcmp(kind, "hotline") ? "handling"
         : !strcmp(kind, "whistle") ? "joint_handling" : !strcmp(kind, "service") ? "taken"
         : "mediating";
}

static const char *closed_state(const char *kind, int rated)
{
    return !strcmp(kind, "event") ? (rated ? "rated" : "closed")
         : !strcmp(kind, "hotline") ? (rated ? "rated" : "reviewed")
         : !strcmp(kind, "whistle") ? "closed" : !strcmp(kind, "service") ? (rated ? "rated" : "completed")
         : "archived";
}

static const char *subtype_of(const cat *c)
{
    if (!strcmp(c->kind, "whistle")) return "management_service";
    if (!strcmp(c->kind, "hotline")) return !strcmp(c->code, "consult") ? "consultation" : c->code;
    return NULL;
}

static const char *const titles[] = {"垃圾桶满溢未及时清运", "流动摊贩占道经营", "车辆占用消防通道",
                                     "楼道照明损坏求助", "投诉餐馆油烟扰民", "楼上漏水引发邻里纠纷",
                                     "独居老人助餐送餐", "背街小巷环境整治", "夜间施工噪音扰民",
                                     "共享单车堆积堵塞人行道"};

#define INSERT_SQL                                                                              \
    "INSERT INTO gcase (kind, subtype, state, category_id, place_id, place_path, title, "      \
    "description, address, urgency, reporter_id, source, owner_place_id, owner_unit_id, "      \
    "dispatcher_place_id, o_started, o_run_from, o_acc, o_paused, o_limit, o_ext, o_natural, " \
    "stage, due_at, overdue, urge_count, return_count, rework_count, rating, responded_at, "   \
    "dispatched_at, closed_at, version, created_at, updated_at, region) VALUES (?1, ?2, ?3, "  \
    "?4, ?5, ?6, ?7, ?8, ?9, 'normal', ?10, ?11, ?5, ?12, ?13, ?14, ?14, ?15, ?16, ?17, 0, ?18, " \
    "?19, ?20, ?21, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?14, ?29, ?30)"
#define ROLLUP_SQL                                                                             \
    "INSERT INTO case_rollup (place_path, day, kind, category_id, reported, responded, "      \
    "dispatched, signed_24h, due, closed, closed_on_time, closed_7d, returned, reworked, rated, " \
    "satisfied, region) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "  \
    "?15, ?16, ?17) ON CONFLICT (place_path, day, kind, category_id) DO UPDATE SET "           \
    "reported = reported + ?5, responded = responded + ?6, dispatched = dispatched + ?7, "     \
    "signed_24h = signed_24h + ?8, due = due + ?9, closed = closed + ?10, "                    \
    "closed_on_time = closed_on_time + ?11, closed_7d = closed_7d + ?12, "                     \
    "returned = returned + ?13, reworked = reworked + ?14, rated = rated + ?15, "              \
    "satisfied = satisfied + ?16"

static void bind_opt(sqlite3_stmt *st, int i, int64_t v)
{
    if (v) sqlite3_bind_int64(st, i, v);
    else sqlite3_bind_null(st, i);
}

/* One case created on `day`: its row, and its counters into the ring. */
static int one_case(sqlite3 *db, sqlite3_stmt *st, int32_t day, int64_t now, long n)
{
    int g = (int)rnd(ngrids), ci = pick_cat();
    const grid *gr = &grids[g];
    const cat *c = &cats[ci];
    int64_t created = (int64_t)day * US_D - OFFSET_US + 8 * US_H + rnd(12 * US_H);
    if (created > now - US_H) created = now - US_H - rnd(US_H);
    if (day_of(created) != day) created = (int64_t)day * US_D - OFFSET_US + US_S; /* just after midnight today */
    int32_t d0 = day;
    int dispatch = strcmp(c->kind, "whistle") && strcmp(c->kind, "dispute");
    int64_t responded = rnd(100) < 97 ? created + 10 * 60 * US_S + rnd(2 * US_H) : 0;
    int64_t dispatched = dispatch && responded ? responded + 5 * 60 * US_S + rnd(4 * US_H) : 0;
    int returned = dispatched && rnd(100) < 4;
    int64_t signed_at = dispatched ? dispatched + (rnd(100) < 88 ? rnd(20 * US_H) : US_D + rnd(2 * US_D)) : 0;
    int64_t due = created + c->limit_us;
    int64_t end = created + duration(c);
    int cancelled = rnd(100) < 3;
    if (cancelled) end = created + US_H + rnd(US_D);
    if (end - created > 55 * US_D) end = created + 55 * US_D; /* within the ring */
    cancelled = cancelled && end <= now;
    if (responded > now) responded = 0;
    if (dispatched > now) dispatched = signed_at = 0;
    if (signed_at > now) signed_at = 0;
    int closed = end <= now && !cancelled, open = end > now;
    int overdue = !cancelled && ((closed && end > due) || (open && due < now));
    int reworked = closed && rnd(100) < 6;
    int rating = 0;
    int64_t rated_at = 0;
    if (closed && strcmp(c->kind, "whistle") && strcmp(c->kind, "dispute") && rnd(100) < 60) {
        rated_at = end + rnd(2 * US_D);
        static const int w[] = {5, 9, 16, 32, 38};
        int64_t r = rnd(100);
        for (rating = 1; rating < 5 && (r -= w[rating - 1]) >= 0; rating++) {}
        if (rated_at > now) rated_at = rating = 0;
    }
    add(d0, g, ci, C_REPORTED, 1);
    if (responded) add(day_of(responded), g, ci, C_RESPONDED, 1);
    if (dispatched) {
        add(day_of(dispatched), g, ci, C_DISPATCHED, 1);
        add(day_of(dispatched), g, ci, C_RETURNED, returned);
    }
    if (signed_at) add(day_of(signed_at), g, ci, C_SIGNED_24H, signed_at - dispatched <= US_D);
    if (overdue) add(day_of(due), g, ci, C_DUE, 1);
    if (closed) {
        int32_t d1 = day_of(end);
        add(d1, g, ci, C_CLOSED, 1);
        add(d1, g, ci, C_DUE, !overdue);
        add(d1, g, ci, C_ON_TIME, !overdue);
        add(d1, g, ci, C_CLOSED_7D, end - created <= 7 * US_D);
        add(d1, g, ci, C_REWORKED, reworked);
    }
    if (rating) {
        add(day_of(rated_at), g, ci, C_RATED, 1);
        add(day_of(rated_at), g, ci, C_SATISFIED, rating >= 3);
    }
    char desc[256];
    snprintf(desc, sizeof desc, "%s附近%s，已持续数日，周边居民反映强烈，请尽快处理。（编号%ld）",
             gr->path, titles[n % 10], n);
    int64_t last = rated_at ? rated_at : (closed || cancelled) ? end : signed_at ? signed_at
                 : dispatched ? dispatched : responded ? responded : created;
    if (last > now) last = now;
    int64_t finished = closed || cancelled ? end : 0;
    sqlite3_bind_text(st, 1, c->kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, subtype_of(c), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, cancelled ? "cancelled" : closed ? closed_state(c->kind, rating != 0)
                             : open_state(c->kind), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, c->id);
    sqlite3_bind_int64(st, 5, gr->id);
    sqlite3_bind_text(st, 6, gr->path, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, titles[rnd(10)], -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, desc, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 9, "城北区小桥大街街道小桥社区小桥1号小区东门", -1, SQLITE_STATIC);
    bind_opt(st, 10, gr->worker);
    sqlite3_bind_text(st, 11, "patrol", -1, SQLITE_STATIC);
    bind_opt(st, 12, dispatched ? units[rnd(nunits)] : 0);
    bind_opt(st, 13, dispatched ? gr->id : 0);
    sqlite3_bind_int64(st, 14, created);
    int64_t counted = (finished ? finished : now) - created;
    sqlite3_bind_int64(st, 15, finished ? counted : 0);
    sqlite3_bind_int64(st, 16, finished);
    sqlite3_bind_int64(st, 17, c->limit_us);
    sqlite3_bind_int(st, 18, 0);
    if (open) sqlite3_bind_text(st, 19, "handle", -1, SQLITE_STATIC);
    else sqlite3_bind_null(st, 19);
    sqlite3_bind_int64(st, 20, due);
    sqlite3_bind_int(st, 21, overdue);
    sqlite3_bind_int(st, 22, returned);
    sqlite3_bind_int(st, 23, reworked);
    bind_opt(st, 24, rating);
    bind_opt(st, 25, responded);
    bind_opt(st, 26, dispatched);
    bind_opt(st, 27, finished);
    sqlite3_bind_int(st, 28, 2 + (responded != 0) + (dispatched != 0) + closed + (rating != 0));
    sqlite3_bind_int64(st, 29, last);
    sqlite3_bind_text(st, 30, gr->region, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE) return fail(db, "insert case");
    sqlite3_reset(st);
    return 0;
}

/* Write the finished day's counters (nothing later can land on it) and clear its slot. */
static int flush(sqlite3 *db, sqlite3_stmt *st, int32_t day, long *rows)
{
    for (int g = 0; g < ngrids; g++)
        for (int c = 0; c < ncats; c++) {
            int32_t *v = slot(day, g, c), any = 0;
            for (int i = 0; i < NCOUNT; i++) any |= v[i];
            if (!any) continue;
            sqlite3_bind_text(st, 1, grids[g].path, -1, SQLITE_STATIC);
            sqlite3_bind_int(st, 2, day);
            sqlite3_bind_text(st, 3, cats[c].kind, -1, SQLITE_STATIC);
            sqlite3_bind_int64(st, 4, cats[c].id);
            for (int i = 0; i < NCOUNT; i++) sqlite3_bind_int(st, 5 + i, v[i]);
            sqlite3_bind_text(st, 17, grids[g].region, -1, SQLITE_STATIC);
            if (sqlite3_step(st) != SQLITE_DONE) return fail(db, "rollup");
            sqlite3_reset(st);
            memset(v, 0, sizeof(int32_t) * NCOUNT);
            (*rows)++;
        }
    return 0;
}

static long arg_num(const char *s, long lo, long hi)
{
    char *end = NULL;
    long long v = strtoll(s, &end, 10);
    return end && *end == '\0' && v >= lo && v <= hi ? (long)v : -1;
}

int main(int argc, char **argv)
{
    long count = argc == 6 ? arg_num(argv[2], 1, 1000000000L) : -1;
    long from = argc == 6 ? arg_num(argv[3], 0, 2932896) : -1;
    long to = argc == 6 ? arg_num(argv[4], 0, 2932896) : -1;
    char *end = NULL;
    int64_t now = argc == 6 ? (int64_t)strtoll(argv[5], &end, 10) : 0;
    if (count < 0 || from < 0 || to < from || to - from > 3660 || !end || *end || now <= 0 ||
        day_of(now) < to) {
        fprintf(stderr, "usage: gen_cases DB COUNT FROM_DAY TO_DAY NOW_US (TO_DAY <= today)\n");
        return 2;
    }
    sqlite3 *db = NULL;
    sqlite3_stmt *ins = NULL, *up = NULL, *idx = NULL;
    char *index_sql[32] = {0};
    int nidx = 0, rc = 1;
    long rollups = 0;
    double t0 = mono();
    if (sqlite3_open(argv[1], &db) != SQLITE_OK) return fail(db, "open");
    if (exec(db, "PRAGMA journal_mode=OFF") || exec(db, "PRAGMA synchronous=OFF") ||
        exec(db, "PRAGMA cache_size=-1000000") || exec(db, "PRAGMA temp_store=MEMORY") || load(db))
        goto done;
    ring = calloc((size_t)RING * (size_t)ngrids * (size_t)ncats, sizeof *ring);
    if (!ring) goto done;
    /* drop the secondary indexes for the load; keep their SQL to rebuild them */
    if (sqlite3_prepare_v2(db, "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND "
                               "tbl_name IN ('gcase', 'case_rollup') AND sql IS NOT NULL",
                           -1, &idx, NULL) != SQLITE_OK)
        goto done;
    char drops[4096] = "";
    while (nidx < 32 && sqlite3_step(idx) == SQLITE_ROW) {
        index_sql[nidx++] = strdup((const char *)sqlite3_column_text(idx, 1));
        size_t len = strlen(drops);
        snprintf(drops + len, sizeof drops - len, "DROP INDEX %s;", (const char *)sqlite3_column_text(idx, 0));
    }
    sqlite3_finalize(idx);
    idx = NULL;
    if (exec(db, drops) || sqlite3_prepare_v2(db, INSERT_SQL, -1, &ins, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, ROLLUP_SQL, -1, &up, NULL) != SQLITE_OK) {
        fail(db, "prepare");
        goto done;
    }
    long ndays = to - from + 1, made = 0;
    for (long d = from; d <= to; d++) {
        long today = count / ndays + (d - from < count % ndays ? 1 : 0);
        if (exec(db, "BEGIN")) goto done;
        for (long i = 0; i < today; i++, made++)
            if (one_case(db, ins, (int32_t)d, now, made)) goto done;
        if (flush(db, up, (int32_t)d, &rollups) || exec(db, "COMMIT")) goto done;
        if (d == to) { /* counters that land after the last day of creation, up to now */
            if (exec(db, "BEGIN")) goto done;
            for (int32_t later = (int32_t)to + 1; later <= day_of(now); later++)
                if (flush(db, up, later, &rollups)) goto done;
            if (exec(db, "COMMIT")) goto done;
        }
        if ((d - from) % 30 == 29)
            fprintf(stderr, "gen_cases: %ld cases, %ld rollup rows, %.0f s\n", made, rollups, mono() - t0);
    }
    fprintf(stderr, "gen_cases: rebuilding %d indexes...\n", nidx);
    for (int i = 0; i < nidx; i++)
        if (exec(db, index_sql[i])) goto done;
    if (exec(db, "PRAGMA journal_mode=WAL")) goto done;
    printf("cases %ld rollup_rows %ld seconds %.1f\n", made, rollups, mono() - t0);
    rc = 0;
done:
    for (int i = 0; i < nidx; i++) free(index_sql[i]);
    free(ring);
    sqlite3_finalize(idx);
    sqlite3_finalize(ins);
    sqlite3_finalize(up);
    sqlite3_close(db);
    return rc;
}
