/*
 * fuzz_json_members.c - the stored-record scanners (store/json_members.c) on any bytes.
 *
 * The lists write rows from what json_members_slices finds in a record (fcgi/case_summary_text.c), so
 * a slice must be exactly the member's value. Invariants, on any input:
 *   - json_members_slices never reads outside the text, and every slice it gives lies inside it;
 *   - on an object as jansson writes it (compact, as the store holds records, or indented), the scan
 *     succeeds, each slice parses (alone) to the value jansson holds under that name ("a.b": under
 *     a's member b), and a name jansson does not have gets no slice (the scan compares keys as
 *     written: a key spelled with escapes is not found, which jansson never writes for these names);
 *   - json_slice_count agrees with jansson's array size; json_slice_string_body is the slice without
 *     its quotes; json_slice_uint reads a whole number below 10^18 and refuses anything else;
 *   - json_members_load agrees with the same parse, and fails exactly when a counted member is not an
 *     array or a member whose children it reads is not an object.
 * The names asked for are fixed: a few top-level, nested and absent ones, as the callers ask.
 */
#include <jansson.h>
#include <string.h>

#include "fuzz.h"
#include "json_members.h"

static const char *const names[] = {"a", "b", "c.x", "c.y", "a.x", "zz", "c", "d"};
#define NAMES (sizeof names / sizeof names[0])

/* jansson's value under name ("a" or "a.b"), or NULL. */
FUZZ_REFERENCE static json_t *value_at(json_t *obj, const char *name)
{
    const char *dot = strchr(name, '.');
    if (!dot)
        return json_object_get(obj, name);
    char top[8];
    size_t n = (size_t)(dot - name);
    memcpy(top, name, n);
    top[n] = '\0';
    json_t *parent = json_object_get(obj, top);
    return json_is_object(parent) ? json_object_get(parent, dot + 1) : NULL;
}

/* 1 when a top-level key holds a dot: "c.y" is then both a key and c's member y (records have none). */
FUZZ_REFERENCE static int dotted_keys(json_t *obj)
{
    const char *k;
    json_t *v;
    json_object_foreach(obj, k, v) if (strchr(k, '.')) return 1;
    return 0;
}

/* The invariants against jansson's parse, on a text jansson wrote (as the store holds it). */
FUZZ_REFERENCE static void check_written(json_t *full, size_t flags)
{
    char *text = json_dumps(full, flags);
    if (!text)
        return;
    size_t size = strlen(text);
    json_slice m[NAMES];
    FUZZ_CHECK(json_members_slices(text, size, names, NAMES, m) == 0);
    for (size_t i = 0; i < NAMES; i++) {
        json_t *want = value_at(full, names[i]);
        FUZZ_CHECK((want != NULL) == (m[i].p != NULL));
        if (!want)
            continue;
        json_t *got = json_loadb(m[i].p, m[i].len, JSON_DECODE_ANY, NULL);
        FUZZ_CHECK(got && json_equal(got, want));
        json_decref(got);
        long count = json_slice_count(m[i]);
        FUZZ_CHECK(json_is_array(want) ? count == (long)json_array_size(want) : count == -1);
        long long u = json_slice_uint(m[i]);
        FUZZ_CHECK(json_is_integer(want) && json_integer_value(want) >= 0 && json_integer_value(want) < 1000000000000000000LL
                       ? u == json_integer_value(want)
                       : u == -1);
        json_slice body = json_slice_string_body(m[i]);
        FUZZ_CHECK(json_is_string(want) ? body.p == m[i].p + 1 && body.len == m[i].len - 2 : body.p == NULL);
    }
    const char *load_names[] = {"a", "#b", "c.x", "zz", NULL};
    json_t *some = json_members_load(text, size, load_names);
    /* "#b" counts an array and "c.x" reads an object: any other value makes the load fail (its
     * callers then parse the whole record). */
    json_t *bv = json_object_get(full, "b"), *cv = json_object_get(full, "c");
    FUZZ_CHECK((some != NULL) == ((!bv || json_is_array(bv)) && (!cv || json_is_object(cv))));
    if (!some) {
        free(text);
        return;
    }
    json_t *a = json_object_get(full, "a");
    FUZZ_CHECK(!a || json_equal(a, json_object_get(some, "a")));
    json_t *b = json_object_get(full, "b");
    FUZZ_CHECK(!json_is_array(b) || json_array_size(json_object_get(some, "b")) == json_array_size(b));
    FUZZ_CHECK(!json_object_get(some, "zz") == !json_object_get(full, "zz"));
    json_decref(some);
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* A copy of exactly size bytes on the heap: ASan then catches a read one past the end. */
    char *text = malloc(size ? size : 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    json_slice m[NAMES];
    int rc = json_members_slices(text, size, names, NAMES, m);
    if (rc == 0)
        for (size_t i = 0; i < NAMES; i++)
            FUZZ_CHECK(!m[i].p || (m[i].p >= text && m[i].len <= size && m[i].p + m[i].len <= text + size));
    /* Any bytes: the scan stays inside them. What jansson parses, written back as the store writes it
     * (and, for the scan's white-space handling, indented), gives the parser's values. */
    json_t *full = json_loadb(text, size, 0, NULL);
    if (json_is_object(full) && !dotted_keys(full)) {
        check_written(full, JSON_COMPACT);
        check_written(full, JSON_INDENT(2));
    }
    json_decref(full);
    free(text);
    return 0;
}
