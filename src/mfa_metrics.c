
/*
 * The gate's counters in the Prometheus text format: one HELP and TYPE
 * line a family, samples with their labels, the round-trip histogram's
 * buckets cumulative with "le" in seconds, as the format asks.
 */


#include <string.h>

#include "mfa_metrics.h"


static void mfa_metrics_counters(mfa_buf_t *b, const char *name,
    const char *help, const char *label, const char **values,
    const uint64_t *counts, size_t n);


static const char  *mfa_metric_decision_names[MFA_METRIC_DECISIONS] = {
    "verified", "not_required", "anonymous", "unchecked", "challenge",
    "enroll", "deny", "unavailable"
};

static const char  *mfa_metric_error_names[MFA_METRIC_ERRORS] = {
    "not_connected", "no_reply", "error_reply", "not_replicated"
};

/* the buckets' upper bounds, in microseconds and as printed */
/* as mfa_introspect_e (src/mfa_introspect.h) */
static const char  *mfa_metric_answer_names[MFA_METRIC_ANSWERS] = {
    "record", "visitor", "failed"
};

static const uint64_t  mfa_metric_bounds[MFA_METRIC_BUCKETS - 1] = {
    500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000,
    1000000
};

static const char  *mfa_metric_le[MFA_METRIC_BUCKETS] = {
    "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1",
    "0.25", "0.5", "1", "+Inf"
};


mfa_metric_decision_e
mfa_metrics_decision(mfa_gate_action_e action, const char *status)
{
    size_t  i;

    switch (action) {

    case MFA_GATE_CHALLENGE:
        return MFA_METRIC_CHALLENGE;

    case MFA_GATE_ENROLL:
        return MFA_METRIC_ENROLL;

    case MFA_GATE_DENY:
        return MFA_METRIC_DENY;

    case MFA_GATE_UNAVAILABLE:
        return MFA_METRIC_UNAVAILABLE;

    default:
        break;
    }

    for (i = MFA_METRIC_VERIFIED; status && i <= MFA_METRIC_UNCHECKED; i++) {
        if (strcmp(status, mfa_metric_decision_names[i]) == 0) {
            return (mfa_metric_decision_e) i;
        }
    }

    /* a request the gate did not decide on (mfa off, its own pages) */
    return MFA_METRIC_DECISIONS;
}


unsigned
mfa_metrics_bucket(uint64_t us)
{
    unsigned  i;

    for (i = 0; i < MFA_METRIC_BUCKETS - 1; i++) {
        if (us <= mfa_metric_bounds[i]) {
            return i;
        }
    }

    return MFA_METRIC_BUCKETS - 1;
}


/* a counter family with one label, one sample per label value */

static void
mfa_metrics_counters(mfa_buf_t *b, const char *name, const char *help,
    const char *label, const char **values, const uint64_t *counts,
    size_t n)
{
    size_t  i;

    mfa_buf_printf(b, "# HELP %s %s\n# TYPE %s counter\n", name, help, name);

    for (i = 0; i < n; i++) {
        mfa_buf_printf(b, "%s{%s=\"%s\"} %llu\n", name, label, values[i],
                       (unsigned long long) counts[i]);
    }
}


void
mfa_metrics_render(const mfa_metrics_t *m, mfa_buf_t *b)
{
    size_t              i;
    unsigned long long  n;

    mfa_metrics_counters(b, "mfa_requests_total",
                         "Requests the gate decided on, by decision.",
                         "decision", mfa_metric_decision_names,
                         m->decisions, MFA_METRIC_DECISIONS);

    mfa_buf_printf(b,
        "# HELP mfa_cache_facts_total Facts the gate needed, by whether the "
        "worker's cache had them.\n"
        "# TYPE mfa_cache_facts_total counter\n"
        "mfa_cache_facts_total{result=\"hit\"} %llu\n"
        "mfa_cache_facts_total{result=\"miss\"} %llu\n",
        (unsigned long long) m->cache_hits,
        (unsigned long long) m->cache_misses);

    mfa_buf_str(b,
        "# HELP mfa_redis_round_trip_seconds Redis queries answered, by "
        "time from sending to the reply.\n"
        "# TYPE mfa_redis_round_trip_seconds histogram\n");

    n = 0;

    for (i = 0; i < MFA_METRIC_BUCKETS; i++) {
        n += m->round_trips[i];
        mfa_buf_printf(b, "mfa_redis_round_trip_seconds_bucket{le=\"%s\"} "
                       "%llu\n", mfa_metric_le[i], n);
    }

    mfa_buf_printf(b, "mfa_redis_round_trip_seconds_sum %llu.%06llu\n"
                   "mfa_redis_round_trip_seconds_count %llu\n",
                   (unsigned long long) (m->round_trip_us / 1000000),
                   (unsigned long long) (m->round_trip_us % 1000000), n);

    mfa_metrics_counters(b, "mfa_redis_errors_total",
                         "Redis queries that got no usable reply, by why.",
                         "reason", mfa_metric_error_names, m->errors,
                         MFA_METRIC_ERRORS);

    mfa_buf_printf(b,
        "# HELP mfa_redis_reconnects_total Connections to Redis made again "
        "after one was lost or could not be made.\n"
        "# TYPE mfa_redis_reconnects_total counter\n"
        "mfa_redis_reconnects_total %llu\n"
        "# HELP mfa_redis_queries_in_flight Redis queries sent and not yet "
        "answered.\n"
        "# TYPE mfa_redis_queries_in_flight gauge\n"
        "mfa_redis_queries_in_flight %lld\n",
        (unsigned long long) m->reconnects, (long long) m->in_flight);

    mfa_metrics_counters(b, "mfa_introspections_total",
                         "Answers of the app to \"mfa_session_introspect\", "
                         "by kind (failed: the app could not be asked).",
                         "answer", mfa_metric_answer_names, m->answers,
                         MFA_METRIC_ANSWERS);
}
