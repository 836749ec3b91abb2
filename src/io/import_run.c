/*
 * import_run.c — residents import: labels, place, validation, duplicates,
 * and batched upserts through the writer (see import_run.h).
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "core/mem.h"
#include "core/sealed.h"
#include "core/str.h"
#include "domain/place.h"
#include "domain/registry.h"
#include "io/import_run.h"
#include "store/registry_io.h"

#define BATCH_DEFAULT 500
#define BATCH_MAX 5000
#define GRID_CACHE 16

int gg_imp_mode_parse(const char *s)
{
    if (!s) return 0;
    if (strcmp(s, "keep_good") == 0) return GG_IMP_KEEP_GOOD;
    if (strcmp(s, "all_or_nothing") == 0) return GG_IMP_ALL_OR_NOTHING;
    return 0;
}

const char *gg_imp_mode_name(int mode)
{
    return mode == GG_IMP_ALL_OR_NOTHING ? "all_or_nothing" : "keep_good";
}

typedef struct grid_ent {
    char code[40];
    int64_t id;     /* 0: unknown code; -1: outside the import's place */
} grid_ent;

/* One batch of residents, their strings in its own pool. */
typedef struct batch {
    gg_pool *pool;
    gg_resident *r;
    uint64_t *row;
    int n, cap;
    const gg_keys *keys;
    int64_t actor;
    /* results of the write */
    uint64_t inserted, updated, unchanged;
    int failed_at;   /* index of the row the store refused, -1 none */
    gg_error err;
} batch;

typedef struct run {
    gg_import *im;
    const gg_imp_map *m;
    const gg_imp_run_opts *o;
    gg_imp_stats *st;
    gg_conn *rd;
    const gg_keys *keys;
    gg_imp_dupset *dups;
    grid_ent grid[GRID_CACHE];
    int grid_next;
    gg_pool *scratch;
    batch b;
    int64_t file_size;
    gg_error *e;
    int fatal;       /* a failure that stops the scan */
    bool counting;   /* this pass counts rows and reports rejections (the first one) */
    bool single;     /* keep_good: one pass that checks and writes */
} run;

static void progress(run *R);

/* ---- turning a record into a resident ------------------------------------- */

static int reject(run *R, gg_imp_reject *rj)
{
    if (R->counting) { /* a second pass meets the same rows again */
        R->st->rejected++;
        if (R->o->on_reject) R->o->on_reject(R->o->ud, rj);
    }
    return 1;
}

static const char *dup_text(run *R, const gg_imp_rec *rec, int col)
{
    return rec->len[col] ? gg_pstrndup(R->scratch, rec->v[col], rec->len[col]) : NULL;
}

/* Enumeration column: "" gives dflt, an unknown label is a rejection. */
static int label(run *R, const gg_imp_rec *rec, int col, int table, int dflt, int *out,
                 gg_imp_reject *rj)
{
    *out = dflt;
    if (!rec->len[col]) return 0;
    *out = gg_reg_parse(table, rec->v[col], rec->len[col]);
    if (*out) return 0;
    char d[80];
    snprintf(d, sizeof d, "%.*s", (int)(rec->len[col] < 60 ? rec->len[col] : 60), rec->v[col]);
    gg_imp_reject_set(rj, R->m, col, "invalid_value", d);
    return 1;
}

/* Tags: labels or codes separated by , ， 、 ; ； or blanks. */
static int tags(run *R, const gg_imp_rec *rec, uint32_t *out, gg_imp_reject *rj)
{
    const char *p = rec->v[GG_IC_TAGS], *end = p + rec->len[GG_IC_TAGS];
    static const char *const seps[] = {",", ";", " ", "，", "、", "；", "\xE3\x80\x80"};
    *out = 0;
    while (p < end) {
        const char *q = p;
        size_t w = 0;
        for (; q < end; q++) {
            for (size_t i = 0; i < GG_ARRAY_LEN(seps) && !w; i++)
                if ((size_t)(end - q) >= strlen(seps[i]) && memcmp(q, seps[i], strlen(seps[i])) == 0)
                    w = strlen(seps[i]);
            if (w) break;
        }
        if (q > p) {
            int t = gg_reg_parse(GG_RT_TAG, p, (size_t)(q - p));
            if (!t) {
                char d[80];
                snprintf(d, sizeof d, "%.*s", (int)(q - p < 60 ? q - p : 60), p);
                gg_imp_reject_set(rj, R->m, GG_IC_TAGS, "invalid_value", d);
                return 1;
            }
            *out |= GG_TAG_BIT(t);
        }
        p = q + w;
    }
    return 0;
}

/* The grid column: a place code inside the import's place. */
static int grid_place(run *R, const gg_imp_rec *rec, int64_t *out, gg_imp_reject *rj)
{
    *out = R->o->place_id;
    size_t n = rec->len[GG_IC_GRID];
    if (!n) return 0;
    char code[40];
    if (n >= sizeof code) n = sizeof code - 1;
    memcpy(code, rec->v[GG_IC_GRID], n);
    code[n] = 0;
    grid_ent *g = NULL;
    for (int i = 0; i < GRID_CACHE && !g; i++)
        if (strcmp(R->grid[i].code, code) == 0) g = &R->grid[i];
    if (!g) {
        g = &R->grid[R->grid_next++ % GRID_CACHE];
        gg_strlcpy(g->code, code, sizeof g->code);
        gg_place pl;
        g->id = 0;
        if (gg_place_get_by_code(R->rd, R->scratch, code, &pl) == 0)
            g->id = gg_path_within(pl.path, R->o->place_path) ? pl.id : -1;
    }
    if (g->id > 0) {
        *out = g->id;
        return 0;
    }
    gg_imp_reject_set(rj, R->m, GG_IC_GRID, "invalid_value", code);
    snprintf(rj->zh, sizeof rj->zh, "%s：%s", g->id ? "网格不在本次导入的范围内" : "没有这个网格编码", code);
    snprintf(rj->en, sizeof rj->en, "%s: %s",
             g->id ? "the grid lies outside the place of this import" : "no place has this code",
             code);
    rj->code = g->id ? "out_of_scope" : "unknown_grid";
    return 1;
}

/* gg_resident_validate's field names → import columns. */
static int col_of_field(const char *f)
{
    static const struct { const char *f; int c; } t[] = {
        {"residence", GG_IC_KIND}, {"political", GG_IC_POLITICAL},
        {"relation", GG_IC_RELATION}, {"sex", GG_IC_SEX},
    };
    for (size_t i = 0; i < GG_ARRAY_LEN(t); i++)
        if (strcmp(f, t[i].f) == 0) return t[i].c;
    return gg_imp_col_by_name(f);
}

static int fill(run *R, const gg_imp_rec *rec, gg_resident *r, gg_imp_reject *rj)
{
    memset(r, 0, sizeof *r);
    if (label(R, rec, GG_IC_KIND, GG_RT_RESIDENCE, GG_RES_REGISTERED, &r->residence, rj) ||
        label(R, rec, GG_IC_SEX, GG_RT_SEX, 0, &r->sex, rj) ||
        label(R, rec, GG_IC_ID_TYPE, GG_RT_ID_TYPE, GG_IDT_RESIDENT_ID, &r->id_type, rj) ||
        label(R, rec, GG_IC_EDUCATION, GG_RT_EDUCATION, 0, &r->education, rj) ||
        label(R, rec, GG_IC_POLITICAL, GG_RT_POLITICAL, 0, &r->political, rj) ||
        label(R, rec, GG_IC_RELATION, GG_RT_RELATION, 0, &r->relation, rj))
        return 1;
    if (R->m->col[GG_IC_TAGS] >= 0) {
        r->tags_given = true;
        if (tags(R, rec, &r->tags, rj)) return 1;
    }
    if (grid_place(R, rec, &r->place_id, rj)) return 1;
    r->name = dup_text(R, rec, GG_IC_NAME);
    if (rec->len[GG_IC_BIRTH_DATE] == 10) memcpy(r->birth_date, rec->v[GG_IC_BIRTH_DATE], 10);
    r->ethnicity = dup_text(R, rec, GG_IC_ETHNICITY);
    r->id_number = dup_text(R, rec, GG_IC_ID_NUMBER);
    r->phone = dup_text(R, rec, GG_IC_PHONE);
    r->employer = dup_text(R, rec, GG_IC_EMPLOYER);
    r->registered_address = dup_text(R, rec, GG_IC_REG_ADDRESS);
    r->current_address = dup_text(R, rec, GG_IC_ADDRESS);
    r->household_no = dup_text(R, rec, GG_IC_HOUSEHOLD);
    r->room = dup_text(R, rec, GG_IC_ROOM);
    r->note = dup_text(R, rec, GG_IC_NOTE);
    gg_error e = {0};
    if (gg_resident_validate(r, R->o->today, &e) == 0) return 0;
    int col = col_of_field(e.field);
    gg_imp_reject_set(rj, R->m, col, e.code ? e.code : "invalid_value", NULL);
    snprintf(rj->en, sizeof rj->en, "%s", e.message);
    snprintf(rj->zh, sizeof rj->zh, "%s无效：%.200s", col >= 0 ? gg_imp_col_label(col) : "字段",
             e.message);
    return 1;
}

/* A data row: 0 good (r filled), 1 rejected, 2 skipped. */
static int check_row(run *R, const gg_imp_row *row, gg_resident *r)
{
    gg_imp_rec rec;
    gg_imp_reject rj;
    char buf[16];
    int rc = gg_imp_record(R->m, row, &rec, buf, sizeof buf, &rj);
    if (rc == 2) return 2;
    if (R->counting) R->st->rows_read++;
    if (rc == 1 || fill(R, &rec, r, &rj)) return reject(R, &rj);
    char key[GG_RES_ID_MAX + 8];
    int kn = snprintf(key, sizeof key, "%d:%s", r->id_type, r->id_norm);
    uint64_t first = gg_imp_dupset_add(R->dups, key, (size_t)kn, row->row);
    if (first) {
        gg_imp_reject_set(&rj, R->m, GG_IC_ID_NUMBER, "duplicate_row", NULL);
        snprintf(rj.zh, sizeof rj.zh, "与第 %llu 行的证件号码重复", (unsigned long long)first);
        snprintf(rj.en, sizeof rj.en, "the same document number as row %llu",
                 (unsigned long long)first);
        return reject(R, &rj);
    }
    size_t mem = gg_imp_dupset_memory(R->dups);
    if (mem > R->st->peak_memory) R->st->peak_memory = mem;
    return 0;
}

/* ---- writing ----------------------------------------------------------------- */

static int batch_fn(gg_conn *w, void *arg, gg_error *e)
{
    batch *b = arg;
    b->inserted = b->updated = b->unchanged = 0;
    b->failed_at = -1;
    /* the writer runs one write at a time: ids above this are this batch's inserts */
    int64_t max_before = gg_resident_max_id(w);
    for (int i = 0; i < b->n; i++) {
        const gg_resident *r = &b->r[i];
        bool changed = false;
        int64_t id = 0;
        int rc = gg_resident_upsert(w, b->keys, r, b->actor, &id, &changed, e);
        if (rc) {
            b->failed_at = i;
            return rc; /* the savepoint rolls the whole batch back */
        }
        if (!changed) b->unchanged++;
        else if (id <= max_before) b->updated++;
        else b->inserted++;
    }
    return 0;
}

static void batch_count(run *R, const batch *b)
{
    R->st->inserted += b->inserted;
    R->st->updated += b->updated;
    R->st->unchanged += b->unchanged;
}

/* Write the batch; when the store refuses a row, write the rows one by one
 * to find and report every refused one (keep_good), or stop (all_or_nothing). */
static int flush(run *R)
{
    batch *b = &R->b;
    if (b->n == 0) return 0;
    int rc = gg_store_write_sync(R->o->store, batch_fn, b, &b->err);
    if (rc == 0) {
        batch_count(R, b);
    } else if (b->failed_at < 0) {
        *R->e = b->err;   /* not a row's fault: the store itself */
        return rc;
    } else if (R->o->mode == GG_IMP_ALL_OR_NOTHING) {
        gg_fail(R->e, rc, b->err.status ? b->err.status : 422, "write_refused", b->err.field,
                "row %llu: %s (rows before it are written)",
                (unsigned long long)b->row[b->failed_at], b->err.message);
        return rc;
    } else {
        batch one = *b;
        for (int i = 0; i < b->n; i++) {
            one.r = &b->r[i];
            one.n = 1;
            if (gg_store_write_sync(R->o->store, batch_fn, &one, &one.err) == 0) {
                batch_count(R, &one);
                continue;
            }
            if (one.failed_at < 0) {
                *R->e = one.err;
                return GG_EIO;
            }
            gg_imp_reject rj;
            memset(&rj, 0, sizeof rj);
            rj.row = b->row[i];
            gg_imp_reject_set(&rj, R->m, col_of_field(one.err.field),
                              one.err.code ? one.err.code : "invalid_value", NULL);
            snprintf(rj.en, sizeof rj.en, "%s", one.err.message);
            snprintf(rj.zh, sizeof rj.zh, "保存失败：%.200s", one.err.message);
            R->st->rejected++;
            if (R->o->on_reject) R->o->on_reject(R->o->ud, &rj);
        }
    }
    R->st->written += (uint64_t)b->n;
    b->n = 0;
    progress(R);
    gg_pool_free(b->pool);
    b->pool = gg_pool_new(64u << 20);
    return b->pool ? 0 : GG_ENOMEM;
}

static const char *keep(gg_pool *p, const char *s) { return s ? gg_pstrdup(p, s) : NULL; }

static int add_to_batch(run *R, const gg_resident *r, uint64_t row)
{
    batch *b = &R->b;
    gg_resident *d = &b->r[b->n];
    *d = *r;
    d->name = keep(b->pool, r->name);
    d->ethnicity = keep(b->pool, r->ethnicity);
    d->id_number = keep(b->pool, r->id_number);
    d->phone = keep(b->pool, r->phone);
    d->employer = keep(b->pool, r->employer);
    d->registered_address = keep(b->pool, r->registered_address);
    d->current_address = keep(b->pool, r->current_address);
    d->household_no = keep(b->pool, r->household_no);
    d->room = keep(b->pool, r->room);
    d->note = keep(b->pool, r->note);
    if (!d->name || !d->id_number) return GG_ENOMEM;
    b->row[b->n++] = row;
    return b->n >= b->cap ? flush(R) : 0;
}

/* ---- the passes ---------------------------------------------------------------- */

static void progress(run *R)
{
    gg_imp_stats *st = R->st;
    if (st->pass == 1) {
        double f = gg_imp_scan_fraction(R->im); /* CSV only: by bytes */
        st->progress = f > 0 ? 0.5 * f : 0;
    } else if (st->pass == 2 && R->single) {
        double f = gg_imp_scan_fraction(R->im);
        st->progress = f > 0 ? f : 0;
    } else if (st->pass == 2) {
        st->progress = st->good ? 0.5 + 0.5 * (double)st->written / (double)st->good : 0.5;
    } else {
        st->progress = 1;
    }
    if (R->o->on_progress) R->o->on_progress(R->o->ud, st);
}

static int on_row(void *ud, const gg_imp_row *row)
{
    run *R = ud;
    if (R->o->cancel && *R->o->cancel)
        return R->fatal = gg_fail(R->e, GG_EBUSY, 503, "import_cancelled", "", "the import was stopped");
    if (row->row <= R->m->header_row) return 0;
    gg_resident r;
    int rc = check_row(R, row, &r);
    if (rc == 0 && R->counting) {
        R->st->good++;
        if (R->st->good % 10000 == 0 && !R->single) progress(R);
    }
    if (rc == 0 && R->st->pass == 2 && (rc = add_to_batch(R, &r, row->row)))
        R->fatal = rc;
    /* the scratch pool holds one row's strings and the grid lookups */
    if (gg_pool_used(R->scratch) > (1u << 20)) {
        gg_pool_free(R->scratch);
        R->scratch = gg_pool_new(4u << 20);
        if (!R->scratch) return R->fatal = GG_ENOMEM;
    }
    return R->fatal;
}

static int pass(run *R, int which)
{
    R->st->pass = which;
    R->counting = which == 1 || R->single;
    gg_imp_dupset_free(R->dups);
    R->dups = gg_imp_dupset_new();
    if (!R->dups) return GG_ENOMEM;
    int rc = gg_imp_scan(R->im, on_row, R, R->e);
    if (rc) return R->fatal ? R->fatal : rc;
    return which == 2 ? flush(R) : 0;
}

static int run_init(run *R, gg_error *e)
{
    const gg_imp_run_opts *o = R->o;
    R->rd = gg_store_reader(o->store);
    if (!R->rd) return gg_fail(e, GG_EBUSY, 503, "unavailable", "", "storage unavailable");
    int rc = gg_store_keys(o->store, &R->keys, e);
    if (rc) return rc;
    R->b.cap = o->batch > 0 ? (o->batch < BATCH_MAX ? o->batch : BATCH_MAX) : BATCH_DEFAULT;
    R->b.r = gg_calloc((size_t)R->b.cap, sizeof *R->b.r);
    R->b.row = gg_calloc((size_t)R->b.cap, sizeof *R->b.row);
    R->b.pool = gg_pool_new(64u << 20);
    R->b.keys = R->keys;
    R->b.actor = o->actor;
    R->scratch = gg_pool_new(4u << 20);
    if (!R->b.r || !R->b.row || !R->b.pool || !R->scratch) return GG_ENOMEM;
    return 0;
}

int gg_imp_run(gg_import *im, const gg_imp_map *m, const gg_imp_run_opts *o, gg_imp_stats *st,
               gg_error *e)
{
    run R = {.im = im, .m = m, .o = o, .st = st, .e = e};
    memset(st, 0, sizeof *st);
    int rc = gg_imp_map_check(m, e);
    if (!rc) rc = run_init(&R, e);
    R.single = o->mode != GG_IMP_ALL_OR_NOTHING;
    if (!rc && !R.single) rc = pass(&R, 1);
    if (!rc && !R.single && st->rejected)
        rc = gg_fail(e, GG_EINVAL, 422, "rows_rejected", "",
                     "%llu of %llu rows were rejected; nothing was imported (all_or_nothing)",
                     (unsigned long long)st->rejected, (unsigned long long)st->rows_read);
    if (!rc) {
        progress(&R);
        rc = pass(&R, 2);
    }
    st->pass = 3;
    progress(&R);
    gg_imp_dupset_free(R.dups);
    gg_free(R.b.r);
    gg_free(R.b.row);
    gg_pool_free(R.b.pool);
    gg_pool_free(R.scratch);
    return rc;
}

/* ---- header and preview --------------------------------------------------------- */

typedef struct head_ctx {
    gg_imp_map *m;
    bool found;
    int left;
    gg_imp_preview_fn fn;
    void *ud;
} head_ctx;

static int head_row(void *ud, const gg_imp_row *row)
{
    head_ctx *h = ud;
    if (!h->found) {
        bool any = false;
        for (size_t i = 0; i < row->n && !any; i++) any = row->cell[i].len > 0;
        if (!any) return 0;
        gg_imp_map_guess(h->m, row);
        h->found = true;
        return h->left > 0 ? 0 : 1;
    }
    if (h->left-- <= 0) return 1;
    if (h->fn && h->fn(h->ud, row)) return 1;
    return h->left > 0 ? 0 : 1;
}

int gg_imp_header(gg_import *im, gg_imp_map *m, int max_preview, gg_imp_preview_fn fn, void *ud,
                  gg_error *e)
{
    head_ctx h = {.m = m, .left = max_preview, .fn = fn, .ud = ud};
    memset(m, 0, sizeof *m);
    for (int i = 0; i < GG_IC_COUNT; i++) m->col[i] = -1;
    int rc = gg_imp_scan(im, head_row, &h, e);
    if (rc < 0) return rc;
    if (!h.found) return gg_fail(e, GG_EINVAL, 422, "no_header", "file", "the file has no header row");
    m->date1904 = gg_imp_date1904(im);
    return 0;
}
