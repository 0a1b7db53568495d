/* register_gen.c - synthetic register records (register_gen.h). */
#include "register_gen.h"

#include <inttypes.h>

#include "calendar.h"
#include "store_register.h"

static const char *const given[] = {"Amina", "Kwame", "Ayesha", "Rahim", "Priya", "Arben", "Yonas", "Hodan",
                                    "Tendai", "Zahra", "Reza", "Noor", "Linh", "Wei", "Joao", "Fatmata"};
static const char *const family[] = {"Okafor", "Mensah", "Khan", "Rahman", "Patel", "Hoxha", "Haile", "Warsame",
                                     "Moyo", "Karimi", "Hassan", "Osman", "Nguyen", "Wang", "Silva", "Kamara"};
static const char *const nationality[] = {"Nigerian", "Ghanaian", "Pakistani", "Bangladeshi", "Indian", "Albanian",
                                          "Eritrean", "Somali", "Zimbabwean", "Iranian", "Afghan", "Sudanese",
                                          "Vietnamese", "Chinese", "Brazilian", "Sierra Leonean"};
static const struct { const char *status; int valid, recourse, expiry; } statuses[] = {
    {"ltr_nrpf", 1, 0, 1},           {"ltr_recourse", 1, 1, 1},        {"asylum_claim_recorded", 0, 0, 0},
    {"no_current_permission", 0, 0, 0}, {"pre_settled_status", 1, 1, 1}, {"appeal_rights_exhausted", 0, 0, 0},
};

json_t *register_gen_record(uint64_t i)
{
    char number[16], dob[11], expiry[11];
    snprintf(number, sizeof number, "GEN%09" PRIu64, i % 1000000000u);
    calendar_date(calendar_day("1940-01-01") + (long)((i * 7919u) % 25000u), dob);
    const size_t ns = sizeof statuses / sizeof statuses[0];
    size_t st = (size_t)((i / 5) % ns);
    calendar_date(calendar_day("2026-01-01") + (long)((i * 31u) % 1500u), expiry);
    json_t *rec = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:b}", "document_type", register_doc_types[i % 5],
                            "document_number", number, "date_of_birth", dob, "given_names", given[(i / 7) % 16],
                            "family_name", family[(i / 3) % 16], "nationality", nationality[(i / 11) % 16], "status",
                            statuses[st].status, "leave_valid", statuses[st].valid, "recourse_to_public_funds",
                            statuses[st].recourse);
    if (rec && statuses[st].expiry)
        json_object_set_new(rec, "leave_expiry", json_string(expiry));
    return rec;
}

typedef struct {
    uint64_t first, count;
} gen_batch;

static int batch_write(store *s, MDB_txn *txn, void *arg)
{
    gen_batch *b = arg;
    json_t *records = json_array();
    if (!records)
        return STORE_NOMEM;
    for (uint64_t i = b->first; i < b->first + b->count; i++) {
        json_t *rec = register_gen_record(i);
        if (!rec || json_array_append_new(records, rec)) {
            json_decref(records);
            return STORE_NOMEM;
        }
    }
    size_t added;
    int rc = store_register_put_all(s, txn, records, &added);
    json_decref(records);
    return rc;
}

int register_gen_bulk(store *s, uint64_t first, uint64_t count, FILE *progress)
{
    const uint64_t batch = 20000;
    for (uint64_t done = 0; done < count;) {
        gen_batch b = {first + done, count - done < batch ? count - done : batch};
        int rc = store_write(s, batch_write, &b);
        if (rc)
            return rc;
        done += b.count;
        if (progress && (done % 100000 == 0 || done == count))
            fprintf(progress, "%" PRIu64 " register records\n", done);
    }
    return 0;
}
