/* Unit tests for the case store: name folding, index-backed search and lists, counters, history,
 * the duplicate check, on real LMDB files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case_gen.h"
#include "case_index.h"
#include "json_get.h"
#include "json_members.h"
#include "name_norm.h"
#include "store.h"
#include "store_case.h"
#include "store_recount.h"

static void folding(void **state)
{
    (void)state;
    char out[64];
    name_fold("José  Álvarez-Núñez", out, sizeof out);
    assert_string_equal(out, "josealvareznunez");
    name_fold("O'Brien", out, sizeof out);
    assert_string_equal(out, "obrien");
    name_fold("Łukasz Żółć", out, sizeof out);
    assert_string_equal(out, "lukaszzolc");
    name_fold("Nguyễn", out, sizeof out); /* Vietnamese: ễ is outside Latin-1/Ext-A and kept */
    assert_true(strncmp(out, "nguy", 4) == 0);
    name_tokens t = {0};
    name_tokenize("Mc Donald", 1, &t);
    assert_int_equal(t.n, 3);
    assert_string_equal(t.tok[2], "mcdonald");
}

static void matching(void **state)
{
    (void)state;
    name_tokens name = {0}, q = {0};
    name_tokenize("José Luis", 1, &name);
    name_tokenize("García Márquez", 1, &name);
    name_tokenize("garcia jose", 0, &q); /* swapped, no accents */
    assert_true(name_match(&q, &name));
    name_tokens q2 = {0};
    name_tokenize("garciamarq", 0, &q2); /* spacing */
    assert_true(name_match(&q2, &name));
    name_tokens q3 = {0};
    name_tokenize("garcia pedro", 0, &q3);
    assert_false(name_match(&q3, &name));
    name_tokens q4 = {0};
    name_tokenize("jose luis", 0, &q4); /* joined query matches joined given names too */
    assert_true(name_match(&q4, &name));
    name_tokens mc = {0}, q5 = {0};
    name_tokenize("McDonald", 1, &mc);
    name_tokenize("Siobhan", 1, &mc);
    name_tokenize("siobhan mc donald", 0, &q5); /* a space inside one part of a longer query */
    assert_true(name_match(&q5, &mc));
    name_tokens q6 = {0};
    name_tokenize("mc siobhan", 0, &q6); /* runs in any order, each a prefix */
    assert_true(name_match(&q6, &mc));
    name_tokens q7 = {0};
    name_tokenize("donald siobhan", 0, &q7); /* "donald" alone starts no token */
    assert_false(name_match(&q7, &mc));
}

static void distance(void **state)
{
    (void)state;
    assert_int_equal(name_distance("mohamed", "mohamed", 2), 0);
    assert_int_equal(name_distance("mohamed", "mohammed", 2), 1);
    assert_int_equal(name_distance("mohamed", "mohaemd", 2), 1); /* neighbours swapped */
    assert_int_equal(name_distance("smith", "jones", 2), 3);     /* capped at cap + 1 */
}

#include "store_fixture.h"

typedef struct {
    json_t *rec;
    uint64_t id;
} put_arg;

static int create(store *s, MDB_txn *txn, void *arg)
{
    put_arg *a = arg;
    return store_case_create(s, txn, a->rec, &a->id);
}

static uint64_t add_case(store *s, uint64_t council, const char *given, const char *family, const char *dob,
                         const char *status, uint64_t worker)
{
    json_t *rec = json_pack("{s:I,s:s,s:{s:i,s:s,s:s,s:s,s:s},s:[],s:s,s:s,s:I}", "council_id", (json_int_t)council,
                            "status", status, "principal", "id", 1, "given_names", given, "family_name", family,
                            "date_of_birth", dob, "nationality", "Ghanaian", "dependants", "legislation",
                            "care_act_2014", "household_type", "single_adult", "caseworker_id", (json_int_t)worker);
    put_arg a = {rec, 0};
    assert_int_equal(store_write(s, create, &a), 0);
    json_decref(rec);
    return a.id;
}

static size_t search(store *s, case_query *q, uint64_t *ids, size_t *total, uint64_t *next)
{
    MDB_txn *txn;
    size_t n;
    assert_int_equal(store_read_begin(s, &txn), 0);
    assert_int_equal(store_case_search(s, txn, q, ids, &n, total, next), 0);
    store_read_end(s, txn);
    return n;
}

static void search_by_name_dob_scope(void **state)
{
    fixture *f = *state;
    uint64_t a = add_case(f->s, 1, "José", "Álvarez", "1985-03-02", "open_referral", 7);
    uint64_t b = add_case(f->s, 1, "Kwame", "Mensah", "1990-01-01", "closed", 7);
    uint64_t c = add_case(f->s, 2, "Jose", "Alvarez", "1985-03-02", "open_referral", 9);
    uint64_t ids[10], next;
    size_t total;
    case_query q = {.scope = 1, .kind = CASEQ_NAME, .text = "ALVAREZ jose", .limit = 10};
    assert_int_equal(search(f->s, &q, ids, &total, &next), 1); /* council 1 only */
    assert_int_equal(ids[0], a);
    q.scope = 0; /* every council (the Home Office) */
    assert_int_equal(search(f->s, &q, ids, &total, &next), 2);
    assert_int_equal(ids[0], c); /* newest first */
    assert_int_equal(ids[1], a);
    case_query d = {.scope = 1, .kind = CASEQ_DOB, .limit = 10};
    memcpy(d.dob, "19900101", 9);
    assert_int_equal(search(f->s, &d, ids, &total, &next), 1);
    assert_int_equal(ids[0], b);
    uint64_t mc = add_case(f->s, 1, "Siobhan", "McDonald", "1970-02-02", "open_referral", 7);
    case_query sp = {.scope = 1, .kind = CASEQ_NAME, .text = "siobhan mc donald", .limit = 10};
    assert_int_equal(search(f->s, &sp, ids, &total, &next), 1);
    assert_int_equal(ids[0], mc);
    case_query many = {.scope = 1, .kind = CASEQ_NAME, .text = "mc donald", .limit = 10};
    assert_int_equal(search(f->s, &many, ids, &total, &next), 1);
    uint64_t mh = add_case(f->s, 1, "Mohammed", "Hussein", "1981-04-04", "open_referral", 7);
    case_query typo = {.scope = 1, .kind = CASEQ_NAME, .text = "mohamed hussien", .limit = 10};
    assert_int_equal(search(f->s, &typo, ids, &total, &next), 1); /* spelled a letter or two apart */
    assert_int_equal(ids[0], mh);
    case_query far = {.scope = 1, .kind = CASEQ_NAME, .text = "mohamed hassan", .limit = 10};
    assert_int_equal(search(f->s, &far, ids, &total, &next), 0); /* "hassan" is not "hussein" */
    case_query byid = {.scope = 1, .kind = CASEQ_ID, .id = a, .limit = 10};
    assert_int_equal(search(f->s, &byid, ids, &total, &next), 1); /* a Connect ID in scope */
    byid.scope = 2;
    assert_int_equal(search(f->s, &byid, ids, &total, &next), 0); /* another council's: nothing */
    case_query st = {.scope = 1, .kind = CASEQ_NAME, .text = "mensah", .status = 1, .limit = 10}; /* open_referral */
    assert_int_equal(search(f->s, &st, ids, &total, &next), 0);
}

static void lists_page_and_count(void **state)
{
    fixture *f = *state;
    for (int i = 0; i < 25; i++)
        add_case(f->s, 3, "Ama", "Owusu", "1980-05-05", i % 5 == 0 ? "closed" : "open_supported", (uint64_t)(1 + i % 2));
    uint64_t ids[10], next = 0, seen_last = UINT64_MAX;
    size_t total, got = 0;
    case_query q = {.scope = 3, .kind = CASEQ_ALL, .limit = 10};
    do {
        q.before = next;
        size_t n = search(f->s, &q, ids, &total, &next);
        assert_int_equal(total, 25);
        for (size_t i = 0; i < n; i++) {
            assert_true(ids[i] < seen_last); /* strictly newest first, no repeats */
            seen_last = ids[i];
        }
        got += n;
    } while (next);
    assert_int_equal(got, 25);
    /* two filters: the total is counted from the index */
    case_query two = {.scope = 3, .kind = CASEQ_ALL, .status = 3, .caseworker = 1, .limit = 10};
    search(f->s, &two, ids, &total, &next);
    assert_int_equal(total, 3); /* closed: i = 0, 10, 20 -> caseworker 1 */
    MDB_txn *txn;
    uint64_t count;
    assert_int_equal(store_read_begin(f->s, &txn), 0);
    assert_int_equal(store_case_count(f->s, txn, 3, FACET_STATUS, "closed", &count), 0);
    assert_int_equal(count, 5);
    assert_int_equal(store_case_count(f->s, txn, 0, FACET_ALL, NULL, &count), 0);
    assert_int_equal(count, 25);
    store_read_end(f->s, txn);
}

typedef struct {
    uint64_t id;
} id_arg;

/* The stored case and a copy of it to edit. */
static int case_and_copy(store *s, MDB_txn *txn, uint64_t id, json_t **old, json_t **rec)
{
    int rc = store_case_get(s, txn, id, old);
    if (rc)
        return rc;
    if ((*rec = json_deep_copy(*old)))
        return 0;
    json_decref(*old);
    return STORE_NOMEM;
}

static int close_it(store *s, MDB_txn *txn, void *arg)
{
    id_arg *a = arg;
    json_t *old, *rec;
    int rc = case_and_copy(s, txn, a->id, &old, &rec);
    if (rc)
        return rc;
    json_object_set_new(rec, "status", json_string("closed"));
    json_object_set_new(json_object_get(rec, "principal"), "family_name", json_string("Boateng"));
    rc = store_case_put(s, txn, old, rec);
    if (!rc)
        rc = store_case_history_diff(s, txn, a->id, old, rec, "2026-01-01T00:00:00Z", 5);
    json_decref(old);
    json_decref(rec);
    return rc;
}

static void update_reindexes_and_records_history(void **state)
{
    fixture *f = *state;
    uint64_t id = add_case(f->s, 4, "Yaw", "Asante", "1975-07-07", "open_referral", 0);
    id_arg a = {id};
    assert_int_equal(store_write(f->s, close_it, &a), 0);
    uint64_t ids[4], next;
    size_t total;
    case_query old_name = {.scope = 4, .kind = CASEQ_NAME, .text = "asante", .limit = 4};
    assert_int_equal(search(f->s, &old_name, ids, &total, &next), 0); /* the old name's entries are gone */
    case_query new_name = {.scope = 4, .kind = CASEQ_NAME, .text = "boateng", .status = 3, .limit = 4};
    assert_int_equal(search(f->s, &new_name, ids, &total, &next), 1);
    MDB_txn *txn;
    json_t *rows;
    uint64_t hnext;
    size_t htotal;
    assert_int_equal(store_read_begin(f->s, &txn), 0);
    assert_int_equal(store_case_history_list(f->s, txn, id, 0, 10, &rows, &hnext, &htotal), 0);
    store_read_end(f->s, txn);
    assert_int_equal(json_array_size(rows), 2);
    int saw_name = 0, saw_status = 0;
    for (size_t i = 0; i < 2; i++) {
        const char *field = json_string_value(json_object_get(json_array_get(rows, i), "field"));
        saw_name |= strcmp(field, "principal.family_name") == 0;
        saw_status |= strcmp(field, "status") == 0;
    }
    assert_true(saw_name && saw_status);
    json_decref(rows);
    uint64_t count;
    assert_int_equal(store_read_begin(f->s, &txn), 0);
    assert_int_equal(store_case_count(f->s, txn, 4, FACET_STATUS, "open_referral", &count), 0);
    assert_int_equal(count, 0);
    assert_int_equal(store_case_count(f->s, txn, 4, FACET_STATUS, "closed", &count), 0);
    assert_int_equal(count, 1);
    store_read_end(f->s, txn);
}

static void duplicate_check_finds_similar_cases(void **state)
{
    fixture *f = *state;
    uint64_t open = add_case(f->s, 5, "Mohamed", "Warsame", "1988-08-08", "open_referral", 0);
    uint64_t closed = add_case(f->s, 5, "Mohamed", "Warsame", "1988-08-08", "closed", 0); /* closed: a match too */
    add_case(f->s, 6, "Mohamed", "Warsame", "1988-08-08", "open_referral", 0); /* another council */
    add_case(f->s, 5, "Amina", "Farah", "1988-08-08", "open_referral", 0);     /* another name */
    uint64_t words = add_case(f->s, 5, "José", "García López", "1988-08-08", "open_referral", 0);
    MDB_txn *txn;
    uint64_t ids[8];
    unsigned pids[8];
    size_t n;
    assert_int_equal(store_read_begin(f->s, &txn), 0);
    assert_int_equal(store_case_similar(f->s, txn, 5, "19880808", "Mohammed", "WARSAME", ids, pids, 8, &n), 0);
    assert_int_equal(n, 2); /* the open and the closed case, in id order */
    assert_int_equal(ids[0], open);
    assert_int_equal(ids[1], closed);
    assert_int_equal(pids[0], 1);
    assert_int_equal(store_case_similar(f->s, txn, 5, "19880808", "Warsame", "Mohamed", ids, pids, 8, &n), 0);
    assert_int_equal(n, 2); /* names swapped */
    /* The words in any order, across given and family names; the sorted-word key needs the record. */
    assert_int_equal(store_case_similar(f->s, txn, 5, "19880808", "Lopez Garcia", "Jose", ids, pids, 8, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(ids[0], words);
    assert_int_equal(store_case_similar(f->s, txn, 5, "19880808", "Jose", "Lopez Garcia", ids, pids, 8, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(store_case_similar(f->s, txn, 5, "19880808", "Maria", "Lopez Garcia", ids, pids, 8, &n), 0);
    assert_int_equal(n, 0); /* another given name */
    assert_int_equal(store_case_similar(f->s, txn, 5, "19880809", "Mohamed", "Warsame", ids, pids, 8, &n), 0);
    assert_int_equal(n, 0); /* another date of birth */
    store_read_end(f->s, txn);
}

/* ---- name search from the rarest word, newest first, with a capped total ---- */

/* Brute force: the cases of the scope (0: all) with a person whose index tokens match the query
 * (name_match, as the index does), newest first. */
typedef struct {
    name_tokens query;
    uint64_t scope;
    uint64_t *ids;
    size_t n;
} brute_arg;

static int brute_each(const json_t *rec, void *arg)
{
    brute_arg *b = arg;
    if (b->scope && (uint64_t)json_integer_value(json_object_get(rec, "council_id")) != b->scope)
        return 0;
    const json_t *people[16];
    size_t np = 0;
    people[np++] = json_object_get(rec, "principal");
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(rec, "dependants"), i, d) if (np < 16) people[np++] = d;
    for (size_t k = 0; k < np; k++) {
        name_tokens t = {0};
        name_tokenize(json_string_value(json_object_get(people[k], "family_name")), 1, &t);
        name_tokenize(json_string_value(json_object_get(people[k], "given_names")), 1, &t);
        name_tokenize(json_string_value(json_object_get(people[k], "other_names")), 0, &t);
        if (name_match(&b->query, &t)) {
            b->ids[b->n++] = (uint64_t)json_integer_value(json_object_get(rec, "id"));
            return 0;
        }
    }
    return 0;
}

static int u64_desc(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? 1 : x > y ? -1 : 0;
}

static size_t brute_search(store *s, uint64_t scope, const char *text, uint64_t *ids)
{
    brute_arg b = {.scope = scope, .ids = ids};
    name_tokenize(text, 0, &b.query);
    MDB_txn *txn;
    assert_int_equal(store_read_begin(s, &txn), 0);
    assert_int_equal(store_json_each(s, txn, DB_CASES, brute_each, &b), 0);
    store_read_end(s, txn);
    qsort(ids, b.n, sizeof *ids, u64_desc);
    return b.n;
}

static int many_boatengs(store *s, MDB_txn *txn, void *arg)
{
    (void)arg;
    for (int i = 0; i < 1010; i++) {
        json_t *rec = json_pack("{s:i,s:s,s:{s:i,s:s,s:s,s:s},s:[{s:i,s:s,s:s}]}", "council_id", 1 + i % 3, "status",
                                "open_referral", "principal", "id", 1, "given_names", i % 2 ? "Ama" : "Kofi",
                                "family_name", "Boateng", "date_of_birth", "1980-01-01", "dependants", "id", 2,
                                "given_names", "Yaa", "family_name", "Boateng");
        uint64_t id;
        int rc = store_case_create(s, txn, rec, &id);
        json_decref(rec);
        if (rc)
            return rc;
    }
    return 0;
}

static void name_search_is_the_brute_force_answer(void **state)
{
    fixture *f = *state;
    assert_int_equal(case_gen_bulk(f->s, 3000, 3, 5, NULL), 0);
    assert_int_equal(store_write(f->s, many_boatengs, NULL), 0);
    static uint64_t want[5000], got[5000];
    const char *queries[] = {"boateng", "ama boateng", "boateng ama", "kofi", "khan ayesha", "ahmed", "hussain muhammad",
                             "li na wang", "lina", "maria jose", "dela cruz", "delacruz", "nguy", "kwame khan", "b"};
    for (size_t qi = 0; qi < sizeof queries / sizeof queries[0]; qi++) {
        for (uint64_t scope = 0; scope <= 1; scope++) {
            size_t nwant = brute_search(f->s, scope, queries[qi], want);
            if (nwant == 0)
                continue; /* (the spelling-tolerant pass: the tests above) */
            /* Every page, by the cursor, is the brute force's list cut in pages. */
            size_t seen = 0;
            uint64_t cursor = 0;
            do {
                case_query q = {.scope = scope, .kind = CASEQ_NAME, .text = queries[qi], .limit = 37, .before = cursor};
                size_t total;
                size_t n = search(f->s, &q, got, &total, &cursor);
                for (size_t i = 0; i < n; i++)
                    assert_int_equal(got[i], want[seen + i]);
                seen += n;
                /* Exact up to the cap, else "more than CASE_TOTAL_CAP". */
                assert_int_equal(total, nwant > CASE_TOTAL_CAP ? CASE_TOTAL_CAP + 1 : nwant);
                assert_true(cursor == 0 || n == 37);
            } while (cursor);
            assert_int_equal(seen, nwant);
        }
    }
    /* The common name is more than the cap: said so, not counted to the end. */
    size_t total;
    uint64_t next;
    case_query q = {.kind = CASEQ_NAME, .text = "boateng", .limit = 50};
    assert_int_equal(search(f->s, &q, got, &total, &next), 50);
    assert_int_equal(total, CASE_TOTAL_CAP + 1);
    /* A filter still applies to every match. */
    case_query closed = {.kind = CASEQ_NAME, .text = "boateng", .status = 3, .limit = 50};
    search(f->s, &closed, got, &total, &next);
    assert_true(total < CASE_TOTAL_CAP);
}

static int drop_token_counts(store *s, MDB_txn *txn, void *arg)
{
    (void)arg;
    int rc = 0;
    store_iter it;
    store_iter_begin(&it, s, txn, DB_CASE_COUNT, NULL, 0);
    while (!rc && store_iter_next(&it))
        if (it.key.mv_size > 9 && ((const unsigned char *)it.key.mv_data)[8] == FACET_NAME_TOKEN)
            rc = store_iter_del(&it);
    if ((rc = store_iter_end(&it, rc)))
        return rc;
    return store_del(s, txn, DB_META, "name_token_counts", strlen("name_token_counts"));
}

static void name_token_counts_recount_and_rebuild(void **state)
{
    fixture *f = *state;
    assert_int_equal(case_gen_bulk(f->s, 400, 2, 3, NULL), 0);
    uint64_t id = add_case(f->s, 4, "Yaw", "Asante", "1975-07-07", "open_referral", 0);
    id_arg a = {id};
    assert_int_equal(store_write(f->s, close_it, &a), 0); /* renamed: the old token's count goes down */
    MDB_txn *txn;
    size_t counters, differences;
    uint64_t c;
    assert_int_equal(store_read_begin(f->s, &txn), 0);
    assert_int_equal(store_case_count(f->s, txn, 4, FACET_NAME_TOKEN, "boateng", &c), 0);
    assert_int_equal(c, 1);
    assert_int_equal(store_case_count(f->s, txn, 4, FACET_NAME_TOKEN, "asante", &c), 0);
    assert_int_equal(c, 0);
    assert_int_equal(store_recount(f->s, txn, NULL, &counters, &differences), 0);
    store_read_end(f->s, txn);
    assert_int_equal(differences, 0);
    /* A store written before the counters: they are missing (the check says so) until the upgrade. */
    assert_int_equal(store_write(f->s, drop_token_counts, NULL), 0);
    assert_int_equal(store_read_begin(f->s, &txn), 0);
    assert_int_equal(store_recount(f->s, txn, NULL, &counters, &differences), 0);
    store_read_end(f->s, txn);
    assert_true(differences > 0);
    assert_int_equal(store_upgrade(f->s), 0);
    assert_int_equal(store_read_begin(f->s, &txn), 0);
    assert_int_equal(store_recount(f->s, txn, NULL, &counters, &differences), 0);
    assert_int_equal(store_case_count(f->s, txn, 4, FACET_NAME_TOKEN, "boateng", &c), 0);
    store_read_end(f->s, txn);
    assert_int_equal(differences, 0);
    assert_int_equal(c, 1);
}

/* ---- a record's few members without parsing the rest ---- */

static void members_are_the_parsed_members(void **state)
{
    (void)state;
    const char *names[] = {"a", "#d", "s", "o", NULL};
    const char *text = "{\"x\":{\"a\":\"}]\\\"\",\"d\":[1]},\"a\":\"q\\\"}{\",\"d\":[{\"k\":[1,2,\"]\"]},[],\"x\",null],"
                       "\"s\":-1.5e3,\"o\":{\"a\":[true,false]},\"z\":[]}";
    json_t *m = json_members_load(text, strlen(text), names);
    assert_non_null(m);
    assert_string_equal(json_string_value(json_object_get(m, "a")), "q\"}{"); /* the top level's, not x's */
    assert_int_equal(json_array_size(json_object_get(m, "d")), 4);          /* counted, not parsed */
    assert_true(json_real_value(json_object_get(m, "s")) == -1500.0);
    assert_true(json_is_true(json_array_get(json_object_get(json_object_get(m, "o"), "a"), 0)));
    assert_null(json_object_get(m, "x"));
    json_decref(m);
    const char *dotted[] = {"x.a", "x.#d", "o.zz", NULL}; /* a few members of an object member */
    m = json_members_load(text, strlen(text), dotted);
    assert_non_null(m);
    assert_string_equal(json_string_value(json_object_get(json_object_get(m, "x"), "a")), "}]\"");
    assert_int_equal(json_array_size(json_object_get(json_object_get(m, "x"), "d")), 1);
    assert_int_equal(json_object_size(json_object_get(m, "o")), 0);
    assert_int_equal(json_object_size(m), 2);
    json_decref(m);
    const char *scalars[] = {"n", "t", "f", "z", "u", "big", "w", NULL}; /* read without the parser, same values */
    const char *st = "{\"n\":-42,\"t\":true,\"f\":false,\"z\":null,\"u\":\"Zo\\u00eb \xc3\xa9\",\"big\":-123456789012345678,\"w\":\"\xc3\xa9t\xc3\xa9\"}";
    m = json_members_load(st, strlen(st), scalars);
    json_t *full = json_loads(st, 0, NULL);
    assert_non_null(m);
    assert_non_null(full);
    assert_true(json_equal(m, full));
    json_decref(full);
    json_decref(m);
    const char *first[] = {"a", NULL}; /* found: the rest is not read */
    m = json_members_load("{\"a\":7,\"b\":", strlen("{\"a\":7,\"b\":"), first);
    assert_int_equal(json_integer_value(json_object_get(m, "a")), 7);
    json_decref(m);
    m = json_members_load("{}", 2, names);
    assert_int_equal(json_object_size(m), 0);
    json_decref(m);
    const char *bad[] = {"", "[]", "{\"a\":", "{\"a\":\"open}", "{\"a\":1,}", "{\"a\" 1}", "{\"d\":[1,]}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_null(json_members_load(bad[i], strlen(bad[i]), names));
}

typedef struct {
    store *s;
    MDB_txn *txn;
    size_t n;
} members_arg;

/* Every generated case read both ways gives the same members. */
static int same_members(const json_t *rec, void *arg)
{
    members_arg *a = arg;
    static const char *const names[] = {"id", "council_id", "status", "principal", "#dependants", "caseworker_id",
                                        "team", "legislation", "updated_at", "immigration", "finance.support_start_date",
                                        NULL};
    json_t *m;
    assert_int_equal(store_case_get_members(a->s, a->txn, (uint64_t)json_integer_value(json_object_get(rec, "id")), names, &m), 0);
    for (const char *const *k = names; *k; k++) {
        if (**k == '#')
            assert_int_equal(json_array_size(json_object_get(m, *k + 1)), json_array_size(json_object_get(rec, *k + 1)));
        else
            assert_true(json_equal(json_object_get(m, *k), json_object_get(rec, *k)) ||
                        (!json_object_get(m, *k) && !json_object_get(rec, *k)));
    }
    assert_null(json_object_get(m, "address"));
    const json_t *fin = json_object_get(rec, "finance");
    if (fin)
        assert_true(json_equal(json_object_get(json_object_get(m, "finance"), "support_start_date"),
                               json_object_get(fin, "support_start_date")) ||
                    !json_object_get(fin, "support_start_date"));
    json_decref(m);
    a->n++;
    return 0;
}

static void case_members_match_the_record(void **state)
{
    fixture *f = *state;
    assert_int_equal(case_gen_bulk(f->s, 300, 2, 9, NULL), 0);
    members_arg a = {.s = f->s};
    assert_int_equal(store_read_begin(f->s, &a.txn), 0);
    assert_int_equal(store_json_each(f->s, a.txn, DB_CASES, same_members, &a), 0);
    store_read_end(f->s, a.txn);
    assert_int_equal(a.n, 300);
}

static void generator_makes_valid_indexed_cases(void **state)
{
    fixture *f = *state;
    assert_int_equal(case_gen_bulk(f->s, 500, 3, 1, NULL), 0);
    MDB_txn *txn;
    uint64_t all, open_ref, supported, closed;
    assert_int_equal(store_read_begin(f->s, &txn), 0);
    assert_int_equal(store_case_count(f->s, txn, 0, FACET_ALL, NULL, &all), 0);
    store_case_count(f->s, txn, 0, FACET_STATUS, "open_referral", &open_ref);
    store_case_count(f->s, txn, 0, FACET_STATUS, "open_supported", &supported);
    store_case_count(f->s, txn, 0, FACET_STATUS, "closed", &closed);
    store_read_end(f->s, txn);
    assert_int_equal(all, 500);
    assert_int_equal(open_ref + supported + closed, 500);
    assert_true(closed > 150 && supported > 100 && open_ref > 25);
}

/* ---- an edit rewrites only the index entries that differ (case_index_replace) ---- */

#define ABANDON 7777 /* a write callback's return that discards what it wrote */

typedef struct {
    char *p;
    size_t n, cap;
} dump_buf;

static void dump_add(dump_buf *b, const void *p, size_t n)
{
    if (b->n + n > b->cap) {
        b->cap = 2 * (b->n + n) + 4096;
        b->p = realloc(b->p, b->cap);
        assert_non_null(b->p);
    }
    memcpy(b->p + b->n, p, n);
    b->n += n;
}

/* Every entry and counter of the case indexes, in key order, as one byte string. */
static void index_dump(store *s, MDB_txn *txn, dump_buf *b)
{
    static const store_db dbs[] = {DB_CASE_NAME, DB_CASE_FACET, DB_CASE_DOB, DB_CASE_HOREF, DB_CASE_COUNT};
    for (size_t d = 0; d < sizeof dbs / sizeof dbs[0]; d++) {
        store_iter it;
        store_iter_begin(&it, s, txn, dbs[d], NULL, 0);
        while (store_iter_next(&it)) {
            size_t lens[3] = {d, it.key.mv_size, it.val.mv_size};
            dump_add(b, lens, sizeof lens);
            dump_add(b, it.key.mv_data, it.key.mv_size);
            dump_add(b, it.val.mv_data, it.val.mv_size);
        }
        assert_int_equal(store_iter_end(&it, 0), 0);
    }
}

/* One kind of edit of a case record, by number. */
static void edit_case(json_t *rec, int kind)
{
    json_t *p = json_object_get(rec, "principal"), *deps = json_object_get(rec, "dependants");
    json_t *finance = json_object_get(rec, "finance");
    switch (kind) {
    case 0: json_object_set_new(rec, "address", json_string("1 Edited Road")); break;
    case 1: /* always a change of status */
        json_object_set_new(rec, "status", json_string(json_get_str_is(rec, "status", "closed") ? "open_referral" : "closed"));
        break;
    case 2: json_object_set_new(rec, "status", json_string("open_supported")); break;
    case 3: json_object_set_new(p, "family_name", json_string("Boateng-Mensah")); break;
    case 4: json_object_set_new(p, "given_names", json_string("Ama Serwaa")); break;
    case 5: json_object_set_new(p, "date_of_birth", json_string("1981-02-03")); break;
    case 6:
        json_array_append_new(deps, json_pack("{s:i,s:s,s:s,s:s,s:s}", "id", 9, "given_names", "Kofi", "family_name",
                                              json_string_value(json_object_get(p, "family_name")), "date_of_birth",
                                              "2019-04-05", "relationship", "child"));
        break;
    case 7: json_array_clear(deps); break;
    case 8: json_object_set_new(rec, "caseworker_id", json_integer(json_integer_value(json_object_get(rec, "caseworker_id")) + 1)); break;
    case 9: json_object_set_new(rec, "team", json_string("East Team")); break;
    case 10: json_object_set_new(rec, "legislation", json_string("care_act_2014")); break;
    case 11: json_object_set_new(p, "ho_reference", json_string("B1234567")); break;
    case 12: json_object_set_new(rec, "duplicate_of", json_integer(1)); break;
    case 13:
        if (!finance) {
            finance = json_object();
            json_object_set_new(rec, "finance", finance);
        }
        json_object_set_new(finance, "support_start_date", json_string("2024-01-15"));
        json_object_set_new(finance, "support_end_date", json_string("2025-06-30"));
        break;
    case 14: json_object_del(rec, "finance"); break;
    default: json_object_set_new(rec, "la_involvement", json_string("A note no index holds.")); break;
    }
}
#define EDIT_KINDS 16

typedef struct {
    uint64_t id;
    int kind, by_difference;
    dump_buf dump;
    size_t writes;
} replace_arg;

/* Edits the case one way or the other, dumps the indexes and abandons the transaction. */
static int replace_then_dump(store *s, MDB_txn *txn, void *arg)
{
    replace_arg *a = arg;
    json_t *old, *rec;
    int rc = case_and_copy(s, txn, a->id, &old, &rec);
    if (rc)
        return rc;
    edit_case(rec, a->kind);
    if (a->by_difference) {
        rc = case_index_replace(s, txn, old, rec, &a->writes);
    } else {
        rc = case_index_apply(s, txn, old, 0);
        if (!rc)
            rc = case_index_apply(s, txn, rec, 1);
    }
    json_decref(old);
    json_decref(rec);
    if (rc)
        return rc;
    index_dump(s, txn, &a->dump);
    return ABANDON;
}

static void replace_writes_only_the_difference(void **state)
{
    fixture *f = *state;
    assert_int_equal(case_gen_bulk(f->s, 48, 3, 5, NULL), 0);
    for (uint64_t id = 1; id <= 48; id++) {
        int kind = (int)(id % EDIT_KINDS);
        replace_arg diff = {.id = id, .kind = kind, .by_difference = 1}, whole = {.id = id, .kind = kind};
        assert_int_equal(store_write(f->s, replace_then_dump, &diff), ABANDON);
        assert_int_equal(store_write(f->s, replace_then_dump, &whole), ABANDON);
        /* the same indexes and counters as removing every entry and adding it again */
        assert_int_equal(diff.dump.n, whole.dump.n);
        assert_memory_equal(diff.dump.p, whole.dump.p, diff.dump.n);
        if (kind == 0 || kind == EDIT_KINDS - 1) /* fields no index holds: nothing written */
            assert_int_equal(diff.writes, 0);
        if (kind == 1 || kind == 3)
            assert_true(diff.writes > 0);
        free(diff.dump.p);
        free(whole.dump.p);
    }
}

/* The stored record's top-level keys, in order, joined by ','. */
static void stored_keys(store *s, uint64_t id, char *out, size_t cap)
{
    MDB_txn *txn;
    const void *data;
    size_t len, pos = 0, n = 0;
    assert_int_equal(store_read_begin(s, &txn), 0);
    assert_int_equal(store_case_bytes(s, txn, id, &data, &len), 0);
    json_slice obj = {data, len}, key, value;
    out[0] = 0;
    while (json_slice_object_next(obj, &pos, &key, &value) == 1) {
        assert_true(n + key.len + 2 < cap);
        if (n)
            out[n++] = ',';
        memcpy(out + n, key.p, key.len);
        n += key.len;
        out[n] = 0;
    }
    store_read_end(s, txn);
}

/* A put of the case with null members, top-level (a head one and another) and nested: they are not
 * stored, and the caller's record keeps them. */
static int put_nulls(store *s, MDB_txn *txn, void *arg)
{
    id_arg *a = arg;
    json_t *old, *rec;
    int rc = case_and_copy(s, txn, a->id, &old, &rec);
    if (rc)
        return rc;
    json_object_set_new(rec, "team", json_null());
    json_object_set_new(rec, "address", json_null());
    json_object_set_new(json_object_get(rec, "principal"), "nationality", json_null());
    rc = store_case_put(s, txn, old, rec);
    assert_true(json_is_null(json_object_get(rec, "team")));
    assert_true(json_is_null(json_object_get(rec, "address")));
    assert_true(json_is_null(json_object_get(json_object_get(rec, "principal"), "nationality")));
    json_decref(old);
    json_decref(rec);
    return rc;
}

static void stored_record_puts_the_list_members_first(void **state)
{
    fixture *f = *state;
    uint64_t id = add_case(f->s, 4, "Yaw", "Asante", "1975-07-07", "open_referral", 7);
    char keys[512];
    /* add_case sets them as council_id, status, principal, dependants, legislation, household_type,
     * caseworker_id: stored, the members list rows read come first, in STORE_CASE_HEAD's order */
    stored_keys(f->s, id, keys, sizeof keys);
    assert_string_equal(keys, "id,council_id,status,caseworker_id,legislation,principal,dependants,household_type");
    id_arg a = {id};
    assert_int_equal(store_write(f->s, close_it, &a), 0);
    stored_keys(f->s, id, keys, sizeof keys);
    assert_string_equal(keys, "id,council_id,status,caseworker_id,legislation,principal,dependants,household_type");
    /* and the record is the record: the same members and values as were put */
    MDB_txn *txn;
    json_t *rec;
    assert_int_equal(store_read_begin(f->s, &txn), 0);
    assert_int_equal(store_case_get(f->s, txn, id, &rec), 0);
    store_read_end(f->s, txn);
    assert_string_equal(json_string_value(json_object_get(rec, "status")), "closed");
    assert_string_equal(json_string_value(json_object_get(json_object_get(rec, "principal"), "family_name")), "Boateng");
    assert_int_equal(json_integer_value(json_object_get(rec, "caseworker_id")), 7);
    json_decref(rec);
    /* stored without its null members, in the same order */
    assert_int_equal(store_write(f->s, put_nulls, &a), 0);
    stored_keys(f->s, id, keys, sizeof keys);
    assert_string_equal(keys, "id,council_id,status,caseworker_id,legislation,principal,dependants,household_type");
    assert_int_equal(store_read_begin(f->s, &txn), 0);
    assert_int_equal(store_case_get(f->s, txn, id, &rec), 0);
    store_read_end(f->s, txn);
    assert_null(json_object_get(json_object_get(rec, "principal"), "nationality"));
    assert_string_equal(json_string_value(json_object_get(json_object_get(rec, "principal"), "given_names")), "Yaw");
    json_decref(rec);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(folding),
        cmocka_unit_test(matching),
        cmocka_unit_test(distance),
        cmocka_unit_test_setup_teardown(search_by_name_dob_scope, setup, teardown),
        cmocka_unit_test_setup_teardown(lists_page_and_count, setup, teardown),
        cmocka_unit_test_setup_teardown(update_reindexes_and_records_history, setup, teardown),
        cmocka_unit_test_setup_teardown(duplicate_check_finds_similar_cases, setup, teardown),
        cmocka_unit_test_setup_teardown(generator_makes_valid_indexed_cases, setup, teardown),
        cmocka_unit_test_setup_teardown(name_search_is_the_brute_force_answer, setup, teardown),
        cmocka_unit_test_setup_teardown(name_token_counts_recount_and_rebuild, setup, teardown),
        cmocka_unit_test(members_are_the_parsed_members),
        cmocka_unit_test_setup_teardown(case_members_match_the_record, setup, teardown),
        cmocka_unit_test_setup_teardown(replace_writes_only_the_difference, setup, teardown),
        cmocka_unit_test_setup_teardown(stored_record_puts_the_list_members_first, setup, teardown),
    };
    return cmocka_run_group_tests_name("cases", tests, NULL, NULL);
}
