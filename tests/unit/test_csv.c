/* Unit tests for the CSV reader over a file read block by block (csv_init_fd) and the streaming
 * register import built on it: the records, fields and line numbers are exactly those of the reader
 * over the same text in memory, wherever the block boundaries fall (inside quotes, between the two
 * quotes of "", between CR and LF, inside a UTF-8 character, on a BOM); the streaming check reports
 * the same bad rows on the same lines as the in-memory one, and its write stores the same records. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <unistd.h>

#include "csv.h"
#include "store_fixture.h"
#include "store_register.h"

/* A file holding [text, text+len), positioned at its start (the caller closes it). */
static int file_of(const char *text, size_t len)
{
    FILE *f = tmpfile();
    assert_non_null(f);
    int fd = dup(fileno(f));
    fclose(f);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, len), (ssize_t)len);
    assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
    return fd;
}

/* Reads every record of both readers side by side and asserts they agree; returns the record count. */
static size_t same_records(const char *text, size_t len)
{
    csv_reader mem, file;
    csv_init(&mem, text, len);
    int fd = file_of(text, len);
    assert_int_equal(csv_init_fd(&file, fd), 0);
    size_t n = 0;
    for (;;) {
        json_t *a = NULL, *b = NULL;
        size_t la = 0, lb = 0;
        const char *ea = NULL, *eb = NULL;
        int ra = csv_next(&mem, &a, &la, &ea), rb = csv_next(&file, &b, &lb, &eb);
        assert_int_equal(ra, rb);
        if (ra == 1) {
            assert_int_equal(la, lb);
            assert_true(json_equal(a, b));
            n++;
        } else if (ra < 0) {
            assert_string_equal(ea, eb);
        }
        json_decref(a);
        json_decref(b);
        if (ra != 1)
            break;
    }
    csv_free(&file);
    close(fd);
    return n;
}

/* Text whose tricky bytes land on a block boundary: a first record padded so that `tricky` starts
 * `shift` bytes before the boundary, then more records crossing the next boundaries. */
static size_t boundary_text(char *out, size_t cap, const char *tricky, size_t shift)
{
    size_t n = 0;
    memcpy(out, "\xEF\xBB\xBF" "a,b\r\n", 8);
    n = 8;
    out[n++] = '"';
    while (n < CSV_BLOCK - shift)
        out[n++] = 'x';
    size_t t = strlen(tricky);
    memcpy(out + n, tricky, t);
    n += t;
    while (n + 64 < cap && n < 3 * CSV_BLOCK + 100) {
        static const char row[] = "plain,\"quoted \"\"q\"\" and, comma\",\"two\nlines\",caf\xC3\xA9\r\n";
        memcpy(out + n, row, sizeof row - 1);
        n += sizeof row - 1;
    }
    return n;
}

static void file_reader_matches_memory_at_every_boundary(void **state)
{
    (void)state;
    static const char *const tricky[] = {
        "\"\"y\",end\r\n",        /* "" split between blocks */
        "\",next\r\n",            /* a closing quote on the boundary */
        "\"\r\nz,w\r\n",          /* CR and LF split */
        "\xC3\xA9\",end\n",       /* a two-byte character split */
        "\n\nnext,row\n",         /* blank lines on the boundary */
        "\"text after\n",         /* malformed: text follows a closing quote */
    };
    size_t cap = 4 * CSV_BLOCK;
    char *text = malloc(cap);
    assert_non_null(text);
    for (size_t i = 0; i < sizeof tricky / sizeof tricky[0]; i++)
        for (size_t shift = 0; shift <= 3; shift++) {
            size_t len = boundary_text(text, cap, tricky[i], shift);
            same_records(text, len);
        }
    /* A BOM split from its text by nothing at all, a file without a final line end, an empty file. */
    assert_int_equal(same_records("\xEF\xBB\xBF" "x,y", 5), 1);
    assert_int_equal(same_records("x,\"y", 4), 0); /* unclosed quote: an error in both */
    assert_int_equal(same_records("", 0), 0);
    /* A field longer than a block. */
    memset(text, 'f', 3 * CSV_BLOCK);
    memcpy(text + 3 * CSV_BLOCK, ",g\n", 3);
    assert_int_equal(same_records(text, 3 * CSV_BLOCK + 3), 1);
    free(text);
}

static const char header[] = "document_type,document_number,date_of_birth,given_names,family_name,nationality,status,"
                             "leave_valid,leave_expiry,recourse_to_public_funds\n";

/* A register CSV of n rows (bad ones where bad(i)), in a new string. */
static char *register_csv(size_t n, int (*bad)(size_t), size_t *len)
{
    size_t cap = sizeof header + n * 160;
    char *s = malloc(cap);
    assert_non_null(s);
    size_t k = (size_t)snprintf(s, cap, "%s", header);
    for (size_t i = 0; i < n; i++)
        k += (size_t)snprintf(s + k, cap - k, "passport,N%08zu,%s,\"Given, %zu\",Family,Eritrean,ltr_nrpf,true,,false\n",
                              bad && bad(i) && i % 2 ? (size_t)7 : i, bad && bad(i) && !(i % 2) ? "1985-02-30" : "1985-06-15", i);
    *len = k;
    return s;
}

static int every_997th(size_t i) { return i % 997 == 5; }

static void streaming_check_reports_what_the_memory_check_does(void **state)
{
    (void)state;
    size_t len;
    char *csv = register_csv(20000, every_997th, &len); /* bad dates and documents listed twice */
    register_batch batch;
    json_t *want, *got;
    assert_int_equal(register_import_parse(csv, len, "2026-01-01", 200, &batch, &want), -1);
    int fd = file_of(csv, len), entries = file_of("", 0);
    size_t records;
    assert_int_equal(register_import_check_fd(fd, entries, "2026-01-01", 200, &records, &got), -1);
    assert_true(json_array_size(want) > 10);
    assert_true(json_equal(want, got));
    json_decref(want);
    json_decref(got);
    close(fd);
    close(entries);
    free(csv);
}

static int put_write(store *s, MDB_txn *txn, void *arg)
{
    size_t *out = arg;
    return store_register_put_entries(s, txn, (int)out[0], &out[1], &out[2]);
}

static void streaming_write_stores_every_record(void **state)
{
    fixture *f = *state;
    size_t len;
    char *csv = register_csv(30000, NULL, &len);
    int fd = file_of(csv, len), entries = file_of("", 0);
    size_t records;
    json_t *errors = NULL;
    assert_int_equal(register_import_check_fd(fd, entries, "2026-01-01", 200, &records, &errors), 0);
    assert_null(errors);
    assert_int_equal(records, 30000);
    size_t ctx[3] = {(size_t)entries, 0, 0};
    assert_int_equal(store_write(f->s, put_write, ctx), 0);
    assert_int_equal(ctx[1], 30000);
    assert_int_equal(ctx[2], 30000);
    /* Again: every record replaced, none added. */
    assert_int_equal(store_write(f->s, put_write, ctx), 0);
    assert_int_equal(ctx[1], 30000);
    assert_int_equal(ctx[2], 0);
    MDB_txn *txn;
    assert_int_equal(store_read_begin(f->s, &txn), 0);
    size_t n;
    assert_int_equal(store_register_count(f->s, txn, &n), 0);
    assert_int_equal(n, 30000);
    json_t *rec;
    assert_int_equal(store_register_get(f->s, txn, register_doc_type_code("passport"), "N00012345", &rec), 0);
    store_read_end(f->s, txn);
    assert_string_equal(json_string_value(json_object_get(rec, "given_names")), "Given, 12345");
    assert_string_equal(json_string_value(json_object_get(rec, "date_of_birth")), "1985-06-15");
    assert_true(json_is_true(json_object_get(rec, "leave_valid")));
    assert_null(json_object_get(rec, "leave_expiry"));
    json_decref(rec);
    close(fd);
    close(entries);
    free(csv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(file_reader_matches_memory_at_every_boundary),
        cmocka_unit_test(streaming_check_reports_what_the_memory_check_does),
        cmocka_unit_test_setup_teardown(streaming_write_stores_every_record, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
