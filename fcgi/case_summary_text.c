/* case_summary_text.c - CASE_SUMMARY written from the stored bytes (case_summary_text.h). */
#include "case_summary_text.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "case_view.h"
#include "json_get.h"
#include "json_members.h"
#include "ref_text.h"
#include "row_cache.h"
#include "store_case.h"

/* Not the case's "id": the caller looked the record up by it, and a scan that stops at the last
 * member it wants ends, in a record stored in its order (store_case.h), after the dependants. */
enum { M_COUNCIL, M_STATUS, M_GIVEN, M_FAMILY, M_DOB, M_NATIONALITY, M_DEPENDANTS, M_CASEWORKER, M_TEAM,
       M_LEGISLATION, M_UPDATED, M_COUNT };

static const char *const members[M_COUNT] = {
    [M_COUNCIL] = "council_id",
    [M_STATUS] = "status",
    [M_GIVEN] = "principal.given_names",
    [M_FAMILY] = "principal.family_name",
    [M_DOB] = "principal.date_of_birth",
    [M_NATIONALITY] = "principal.nationality",
    [M_DEPENDANTS] = "dependants",
    [M_CASEWORKER] = "caseworker_id",
    [M_TEAM] = "team",
    [M_LEGISLATION] = "legislation",
    [M_UPDATED] = "updated_at",
};

/* The record through jansson, for a text the scan cannot read. */
static int summary_parsed(store *s, MDB_txn *txn, uint64_t id, json_text *out, uint64_t *council)
{
    json_t *rec;
    int rc = store_case_get(s, txn, id, &rec);
    if (rc)
        return rc;
    if (council)
        *council = json_get_u64(rec, "council_id");
    json_t *summary = case_summary(s, txn, rec);
    json_decref(rec);
    return json_text_dump(out, summary) ? STORE_NOMEM : 0;
}

/* The summary written from the stored record (the cache aside). */
static int summary_text(store *s, MDB_txn *txn, uint64_t id, json_text *out, uint64_t *council_out)
{
    const void *data;
    size_t len;
    int rc = store_case_bytes(s, txn, id, &data, &len);
    if (rc)
        return rc;
    json_slice m[M_COUNT];
    long long council = -1, worker = 0;
    long deps = 0;
    if (id == 0 || json_members_slices(data, len, members, M_COUNT, m) ||
        (council = json_slice_uint(m[M_COUNCIL])) < 0 || (m[M_CASEWORKER].p && (worker = json_slice_uint(m[M_CASEWORKER])) < 0) ||
        (m[M_DEPENDANTS].p && (deps = json_slice_count(m[M_DEPENDANTS])) < 0))
        return summary_parsed(s, txn, id, out, council_out);
    if (council_out)
        *council_out = (uint64_t)council;
    json_text_lit(out, "{\"id\":");
    json_text_u64(out, id);
    json_text_lit(out, ",\"connect_id\":\"C");
    json_text_u64(out, id);
    json_text_lit(out, "\",\"council\":");
    if ((rc = ref_text_council(s, txn, council, out)))
        return rc;
    json_text_lit(out, ",\"status\":");
    json_text_slice(out, m[M_STATUS]);
    /* The stored strings' characters are already escaped: joined, they are one valid string. */
    json_slice given = json_slice_string_body(m[M_GIVEN]), family = json_slice_string_body(m[M_FAMILY]);
    json_text_lit(out, ",\"name\":\"");
    json_text_raw(out, given.p, given.len);
    json_text_lit(out, " ");
    json_text_raw(out, family.p, family.len);
    json_text_lit(out, "\",\"date_of_birth\":");
    json_text_slice(out, m[M_DOB]);
    json_text_lit(out, ",\"nationality\":");
    json_text_slice(out, m[M_NATIONALITY]);
    json_text_lit(out, ",\"dependants\":");
    json_text_u64(out, (uint64_t)deps);
    json_text_lit(out, ",\"caseworker\":");
    if ((rc = ref_text_user(s, txn, worker, out)))
        return rc;
    json_text_lit(out, ",\"team\":");
    json_text_slice(out, m[M_TEAM]);
    json_text_lit(out, ",\"legislation\":");
    json_text_slice(out, m[M_LEGISLATION]);
    json_text_lit(out, ",\"updated_at\":");
    json_text_slice(out, m[M_UPDATED]);
    json_text_lit(out, "}");
    return out->failed ? STORE_NOMEM : 0;
}

int case_summary_text(store *s, MDB_txn *txn, uint64_t id, json_text *out, uint64_t *council_out)
{
    uint64_t council = 0;
    if (row_cache_get(s, txn, ROW_CASE_SUMMARY, id, NULL, out, &council)) {
        if (council_out)
            *council_out = council;
        return out->failed ? STORE_NOMEM : 0;
    }
    size_t start = out->len;
    int rc = summary_text(s, txn, id, out, &council);
    if (council_out)
        *council_out = council;
    if (!rc)
        row_cache_put(s, txn, ROW_CASE_SUMMARY, id, NULL, out, start, council);
    return rc;
}
