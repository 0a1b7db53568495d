/* metrics.c - the shared request and process counters (see metrics.h for where they live and why). */
#include "metrics.h"

#include <stdatomic.h>
#include <stdint.h>
#include <sys/mman.h>

#include "router.h"

_Static_assert(ATOMIC_LLONG_LOCK_FREE == 2, "the shared counters need lock-free 64-bit atomics");

/* The status codes counted one by one; any other falls in the last column ("other"). */
static const int statuses[] = {200, 201, 204, 304, 400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 500, 503, 507};
#define STATUS_COLUMNS (sizeof statuses / sizeof statuses[0] + 1)

/* Upper bounds of the latency buckets, in microseconds (rendered in seconds); +Inf is the count. */
static const long bucket_micros[] = {1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000, 1000000, 2500000,
                                     10000000};
#define BUCKETS (sizeof bucket_micros / sizeof bucket_micros[0])

typedef struct {
    atomic_ullong by_status[STATUS_COLUMNS];
    atomic_ullong in_bucket[BUCKETS + 1]; /* non-cumulative; the last one is above every bound */
    atomic_ullong micros_sum;
} route_row;

typedef struct {
    atomic_ullong worker_restarts, sender_restarts;
    route_row rows[]; /* [0]: no route matched; [i]: route i - 1 */
} shared_table;

static shared_table *table;
static size_t row_count;
static char backups[4096];
static long backups_interval;

const char *metrics_backup_dir(void) { return backups; }
long metrics_backup_interval(void) { return backups_interval; }

int metrics_init(const char *backup_dir, long backup_interval)
{
    snprintf(backups, sizeof backups, "%s", backup_dir);
    backups_interval = backup_interval;
    row_count = router_route_count() + 1;
    size_t bytes = sizeof(shared_table) + row_count * sizeof(route_row);
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return -1;
    table = p; /* a fresh anonymous mapping is zero-filled: every counter starts at 0 */
    return 0;
}

static size_t status_column(int status)
{
    for (size_t i = 0; i < STATUS_COLUMNS - 1; i++)
        if (statuses[i] == status)
            return i;
    return STATUS_COLUMNS - 1;
}

void metrics_count_request(int route_slot, int status, long micros)
{
    if (!table || route_slot < 0 || (size_t)route_slot >= row_count)
        return;
    route_row *row = &table->rows[route_slot];
    atomic_fetch_add_explicit(&row->by_status[status_column(status)], 1, memory_order_relaxed);
    size_t b = 0;
    while (b < BUCKETS && micros > bucket_micros[b])
        b++;
    atomic_fetch_add_explicit(&row->in_bucket[b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&row->micros_sum, (unsigned long long)(micros > 0 ? micros : 0), memory_order_relaxed);
}

void metrics_count_worker_restart(void)
{
    if (table)
        atomic_fetch_add_explicit(&table->worker_restarts, 1, memory_order_relaxed);
}

void metrics_count_sender_restart(void)
{
    if (table)
        atomic_fetch_add_explicit(&table->sender_restarts, 1, memory_order_relaxed);
}

static void route_labels(size_t slot, const char **method, const char **pattern)
{
    if (slot == 0) {
        *method = "";
        *pattern = "unmatched";
    } else {
        router_route_at(slot - 1, method, pattern);
    }
}

void metrics_render_counters(FILE *out)
{
    if (!table)
        return;
    fputs("# HELP connect_http_requests_total API requests answered by connectd, by route and status.\n"
          "# TYPE connect_http_requests_total counter\n",
          out);
    for (size_t r = 0; r < row_count; r++) {
        const char *method, *pattern;
        route_labels(r, &method, &pattern);
        for (size_t c = 0; c < STATUS_COLUMNS; c++) {
            unsigned long long n = atomic_load_explicit(&table->rows[r].by_status[c], memory_order_relaxed);
            if (!n)
                continue;
            if (c < STATUS_COLUMNS - 1)
                fprintf(out, "connect_http_requests_total{method=\"%s\",route=\"%s\",status=\"%d\"} %llu\n", method,
                        pattern, statuses[c], n);
            else
                fprintf(out, "connect_http_requests_total{method=\"%s\",route=\"%s\",status=\"other\"} %llu\n",
                        method, pattern, n);
        }
    }
    fputs("# HELP connect_http_request_duration_seconds Time connectd took to answer an API request, by route.\n"
          "# TYPE connect_http_request_duration_seconds histogram\n",
          out);
    for (size_t r = 0; r < row_count; r++) {
        const route_row *row = &table->rows[r];
        unsigned long long cumulative = 0, counts[BUCKETS + 1];
        for (size_t b = 0; b <= BUCKETS; b++)
            cumulative += counts[b] = atomic_load_explicit(&row->in_bucket[b], memory_order_relaxed);
        if (!cumulative)
            continue; /* a route never asked for: no series (they appear with their first request) */
        const char *method, *pattern;
        route_labels(r, &method, &pattern);
        unsigned long long running = 0;
        for (size_t b = 0; b < BUCKETS; b++) {
            running += counts[b];
            fprintf(out, "connect_http_request_duration_seconds_bucket{method=\"%s\",route=\"%s\",le=\"%g\"} %llu\n",
                    method, pattern, (double)bucket_micros[b] / 1e6, running);
        }
        fprintf(out, "connect_http_request_duration_seconds_bucket{method=\"%s\",route=\"%s\",le=\"+Inf\"} %llu\n",
                method, pattern, cumulative);
        fprintf(out, "connect_http_request_duration_seconds_sum{method=\"%s\",route=\"%s\"} %.6f\n", method, pattern,
                (double)atomic_load_explicit(&row->micros_sum, memory_order_relaxed) / 1e6);
        fprintf(out, "connect_http_request_duration_seconds_count{method=\"%s\",route=\"%s\"} %llu\n", method, pattern,
                cumulative);
    }
    fprintf(out,
            "# HELP connect_worker_restarts_total Worker processes that ended unexpectedly and were restarted.\n"
            "# TYPE connect_worker_restarts_total counter\n"
            "connect_worker_restarts_total %llu\n"
            "# HELP connect_mail_sender_restarts_total Times the mail sender and scheduler process was restarted.\n"
            "# TYPE connect_mail_sender_restarts_total counter\n"
            "connect_mail_sender_restarts_total %llu\n",
            atomic_load_explicit(&table->worker_restarts, memory_order_relaxed),
            atomic_load_explicit(&table->sender_restarts, memory_order_relaxed));
}
