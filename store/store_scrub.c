/* store_scrub.c - zeroing LMDB's free pages after a destruction (store_scrub.h). */
#include "store_scrub.h"
#include "store_internal.h"

#include <string.h>
#include <time.h>

/* LMDB's page header (MDB_page in mdb.c, the on-disk format of 0.9.x): the page number (pgno_t, a
 * size_t) at 0, flags (uint16) at 10, and for an overflow page its page count (uint32) at 12. */
#define PAGE_HEADER 16
#define PAGE_FLAGS_AT 10
#define PAGE_COUNT_AT 12
#define P_OVERFLOW 0x04

typedef struct {
    size_t value_size; /* one overflow page exactly */
    size_t pages;      /* free pages this pass overwrote */
} fill_ctx;

/* Puts one-page zero records until LMDB hands out a page from the end of the file instead of its
 * free list: by then every page it could reuse has been written with zeros. The page number comes
 * from the header in front of the MDB_RESERVE space, because LMDB tells no other way where a value
 * went; the flags and page count are checked so a different layout fails instead of guessing. */
static int fill_write(store *s, MDB_txn *txn, void *ctx)
{
    fill_ctx *f = ctx;
    f->pages = 0; /* a MAP_FULL retry starts again */
    MDB_envinfo info;
    int rc = mdb_env_info(store_env(s), &info);
    if (rc)
        return rc;
    MDB_dbi dbi = store_dbi(s, DB_SCRUB);
    for (uint64_t i = 1;; i++) {
        unsigned char key[8];
        store_key_u64(key, i);
        MDB_val k = {8, key}, v = {f->value_size, NULL};
        if ((rc = mdb_put(txn, dbi, &k, &v, MDB_RESERVE | MDB_APPEND)))
            return rc;
        memset(v.mv_data, 0, f->value_size);
        const unsigned char *page = (const unsigned char *)v.mv_data - PAGE_HEADER;
        size_t pgno;
        uint16_t flags;
        uint32_t count;
        memcpy(&pgno, page, sizeof pgno);
        memcpy(&flags, page + PAGE_FLAGS_AT, sizeof flags);
        memcpy(&count, page + PAGE_COUNT_AT, sizeof count);
        if (!(flags & P_OVERFLOW) || count != 1)
            return STORE_CORRUPT;
        if (pgno > info.me_last_pgno)
            return 0;
        f->pages++;
    }
}

static int empty_write(store *s, MDB_txn *txn, void *ctx)
{
    (void)ctx;
    return mdb_drop(txn, store_dbi(s, DB_SCRUB), 0);
}

/* Pages on the free list: the first word of each free-list record (an ID list) is its length. */
static int free_pages(store *s, size_t *out)
{
    *out = 0;
    MDB_txn *txn;
    int rc = store_read_begin(s, &txn);
    if (rc)
        return rc;
    MDB_cursor *cur;
    if (!(rc = mdb_cursor_open(txn, 0, &cur))) {
        MDB_val k, v;
        while (!(rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT))) {
            size_t n;
            if (v.mv_size < sizeof n) {
                rc = STORE_CORRUPT;
                break;
            }
            memcpy(&n, v.mv_data, sizeof n);
            *out += n;
        }
        if (rc == MDB_NOTFOUND)
            rc = 0;
        mdb_cursor_close(cur);
    }
    store_read_end(s, txn);
    return rc;
}

int store_scrub(store *s, store_scrub_stats *stats)
{
    memset(stats, 0, sizeof *stats);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = store_reopen(s);
    if (rc)
        return rc;
    MDB_stat st;
    if ((rc = mdb_env_stat(store_env(s), &st)))
        return rc;
    fill_ctx f = {.value_size = st.ms_psize - PAGE_HEADER};
    for (int pass = 0; pass < 2 && !rc; pass++) {
        if (!(rc = store_write(s, fill_write, &f)))
            rc = store_write(s, empty_write, NULL);
        stats->pages += f.pages;
    }
    if (!rc)
        rc = free_pages(s, &stats->free_after);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    stats->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    return rc;
}
