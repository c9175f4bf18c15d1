
/*
 * The gate's counters as the Prometheus text format (version 0.0.4): what
 * "mfa_metrics" answers.  The counters themselves are kept by the nginx
 * glue, summed over the workers; this only names and prints them.
 */


#ifndef MFA_METRICS_H
#define MFA_METRICS_H


#include "mfa_core.h"
#include "mfa_buf.h"
#include "mfa_gate.h"


/* the decisions counted, by the label value they are printed with */
typedef enum {
    MFA_METRIC_VERIFIED = 0,
    MFA_METRIC_NOT_REQUIRED,
    MFA_METRIC_ANONYMOUS,
    MFA_METRIC_UNCHECKED,
    MFA_METRIC_CHALLENGE,
    MFA_METRIC_ENROLL,
    MFA_METRIC_DENY,
    MFA_METRIC_UNAVAILABLE,
    MFA_METRIC_DECISIONS
} mfa_metric_decision_e;

/* why a Redis query got no usable reply */
typedef enum {
    MFA_METRIC_NOT_CONNECTED = 0,   /* failed at once: no connection */
    MFA_METRIC_NO_REPLY,            /* timed out, or the connection lost */
    MFA_METRIC_ERROR_REPLY,         /* Redis answered with an error */
    MFA_METRIC_NOT_REPLICATED,      /* a write no replica confirmed in time */
    MFA_METRIC_ERRORS
} mfa_metric_error_e;

/* the app's answers to "mfa_session_introspect", as mfa_introspect_e */
#define MFA_METRIC_ANSWERS  3

/* round-trip buckets: 0.5 ms to 1 s, then +Inf */
#define MFA_METRIC_BUCKETS  12

typedef struct {
    uint64_t  decisions[MFA_METRIC_DECISIONS];
    uint64_t  cache_hits;
    uint64_t  cache_misses;
    /* round trips by bucket (not cumulative), and their sum */
    uint64_t  round_trips[MFA_METRIC_BUCKETS];
    uint64_t  round_trip_us;
    uint64_t  errors[MFA_METRIC_ERRORS];
    uint64_t  reconnects;
    int64_t   in_flight;
    uint64_t  answers[MFA_METRIC_ANSWERS];
} mfa_metrics_t;


/*
 * The counter a gate decision goes to (action and, for THROUGH, status);
 * MFA_METRIC_DECISIONS for a request it did not decide on (no status)
 */
mfa_metric_decision_e mfa_metrics_decision(mfa_gate_action_e action,
    const char *status);

/* the bucket of a round trip of us microseconds */
unsigned mfa_metrics_bucket(uint64_t us);

/* appends the exposition; the caller checks mfa_buf_status() */
void mfa_metrics_render(const mfa_metrics_t *m, mfa_buf_t *b);

/* what mfa_metrics_render() can need at most */
#define MFA_METRICS_TEXT_MAX  8192


#endif /* MFA_METRICS_H */
