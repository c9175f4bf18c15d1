
/*
 * Unit tests of the metrics' text (src/mfa_metrics.c): which counter a
 * gate decision goes to, the round-trip buckets at their bounds, and the
 * whole exposition for known counters, as the Prometheus text format
 * wants it (cumulative buckets, the sum in seconds, one TYPE a family).
 */


#include "mfa_test.h"

#include "mfa_metrics.h"


static void
test_decision(void **state)
{
    assert_int_equal(mfa_metrics_decision(MFA_GATE_THROUGH, "verified"),
                     MFA_METRIC_VERIFIED);
    assert_int_equal(mfa_metrics_decision(MFA_GATE_THROUGH, "not_required"),
                     MFA_METRIC_NOT_REQUIRED);
    assert_int_equal(mfa_metrics_decision(MFA_GATE_THROUGH, "anonymous"),
                     MFA_METRIC_ANONYMOUS);
    assert_int_equal(mfa_metrics_decision(MFA_GATE_THROUGH, "unchecked"),
                     MFA_METRIC_UNCHECKED);
    assert_int_equal(mfa_metrics_decision(MFA_GATE_CHALLENGE, NULL),
                     MFA_METRIC_CHALLENGE);
    assert_int_equal(mfa_metrics_decision(MFA_GATE_ENROLL, NULL),
                     MFA_METRIC_ENROLL);
    assert_int_equal(mfa_metrics_decision(MFA_GATE_DENY, NULL),
                     MFA_METRIC_DENY);
    assert_int_equal(mfa_metrics_decision(MFA_GATE_UNAVAILABLE, NULL),
                     MFA_METRIC_UNAVAILABLE);

    /* not decided on: not counted */
    assert_int_equal(mfa_metrics_decision(MFA_GATE_THROUGH, NULL),
                     MFA_METRIC_DECISIONS);
    assert_int_equal(mfa_metrics_decision(MFA_GATE_THROUGH, "challenge"),
                     MFA_METRIC_DECISIONS);
}


static void
test_buckets(void **state)
{
    assert_int_equal(mfa_metrics_bucket(0), 0);
    assert_int_equal(mfa_metrics_bucket(500), 0);
    assert_int_equal(mfa_metrics_bucket(501), 1);
    assert_int_equal(mfa_metrics_bucket(1000), 1);
    assert_int_equal(mfa_metrics_bucket(1001), 2);
    assert_int_equal(mfa_metrics_bucket(999999), 10);
    assert_int_equal(mfa_metrics_bucket(1000000), 10);
    assert_int_equal(mfa_metrics_bucket(1000001), 11);
    assert_int_equal(mfa_metrics_bucket(UINT64_MAX), MFA_METRIC_BUCKETS - 1);
}


static void
test_render(void **state)
{
    char           mem[MFA_METRICS_TEXT_MAX];
    size_t         i;
    mfa_buf_t      b;
    mfa_metrics_t  m;

    memset(&m, 0, sizeof(m));

    for (i = 0; i < MFA_METRIC_DECISIONS; i++) {
        m.decisions[i] = 10 + i;
    }

    m.cache_hits = 7;
    m.cache_misses = 3;
    m.round_trips[0] = 5;
    m.round_trips[2] = 1;
    m.round_trips[MFA_METRIC_BUCKETS - 1] = 2;
    m.round_trip_us = 3001234;
    m.errors[MFA_METRIC_NOT_CONNECTED] = 4;
    m.errors[MFA_METRIC_NO_REPLY] = 2;
    m.errors[MFA_METRIC_ERROR_REPLY] = 1;
    m.errors[MFA_METRIC_NOT_REPLICATED] = 6;
    m.reconnects = 1;
    m.in_flight = -1;
    m.answers[0] = 21;
    m.answers[1] = 22;
    m.answers[2] = 23;

    mfa_buf_init(&b, mem, sizeof(mem) - 1);
    mfa_metrics_render(&m, &b);
    assert_int_equal(mfa_buf_status(&b), MFA_OK);
    mem[b.len] = '\0';

    assert_string_equal(mem,
        "# HELP mfa_requests_total Requests the gate decided on, by "
        "decision.\n"
        "# TYPE mfa_requests_total counter\n"
        "mfa_requests_total{decision=\"verified\"} 10\n"
        "mfa_requests_total{decision=\"not_required\"} 11\n"
        "mfa_requests_total{decision=\"anonymous\"} 12\n"
        "mfa_requests_total{decision=\"unchecked\"} 13\n"
        "mfa_requests_total{decision=\"challenge\"} 14\n"
        "mfa_requests_total{decision=\"enroll\"} 15\n"
        "mfa_requests_total{decision=\"deny\"} 16\n"
        "mfa_requests_total{decision=\"unavailable\"} 17\n"
        "# HELP mfa_cache_facts_total Facts the gate needed, by whether the "
        "worker's cache had them.\n"
        "# TYPE mfa_cache_facts_total counter\n"
        "mfa_cache_facts_total{result=\"hit\"} 7\n"
        "mfa_cache_facts_total{result=\"miss\"} 3\n"
        "# HELP mfa_redis_round_trip_seconds Redis queries answered, by "
        "time from sending to the reply.\n"
        "# TYPE mfa_redis_round_trip_seconds histogram\n"
        "mfa_redis_round_trip_seconds_bucket{le=\"0.0005\"} 5\n"
        "mfa_redis_round_trip_seconds_bucket{le=\"0.001\"} 5\n"
        "mfa_redis_round_trip_seconds_bucket{le=\"0.0025\"} 6\n"
        "mfa_redis_round_trip_seconds_bucket{le=\"0.005\"} 6\n"
        "mfa_redis_round_trip_seconds_bucket{le=\"0.01\"} 6\n"
        "mfa_redis_round_trip_seconds_bucket{le=\"0.025\"} 6\n"
        "mfa_redis_round_trip_seconds_bucket{le=\"0.05\"} 6\n"
        "mfa_redis_round_trip_seconds_bucket{le=\"0.1\"} 6\n"
        "mfa_redis_round_trip_seconds_bucket{le=\"0.25\"} 6\n"
        "mfa_redis_round_trip_seconds_bucket{le=\"0.5\"} 6\n"
        "mfa_redis_round_trip_seconds_bucket{le=\"1\"} 6\n"
        "mfa_redis_round_trip_seconds_bucket{le=\"+Inf\"} 8\n"
        "mfa_redis_round_trip_seconds_sum 3.001234\n"
        "mfa_redis_round_trip_seconds_count 8\n"
        "# HELP mfa_redis_errors_total Redis queries that got no usable "
        "reply, by why.\n"
        "# TYPE mfa_redis_errors_total counter\n"
        "mfa_redis_errors_total{reason=\"not_connected\"} 4\n"
        "mfa_redis_errors_total{reason=\"no_reply\"} 2\n"
        "mfa_redis_errors_total{reason=\"error_reply\"} 1\n"
        "mfa_redis_errors_total{reason=\"not_replicated\"} 6\n"
        "# HELP mfa_redis_reconnects_total Connections to Redis made again "
        "after one was lost or could not be made.\n"
        "# TYPE mfa_redis_reconnects_total counter\n"
        "mfa_redis_reconnects_total 1\n"
        "# HELP mfa_redis_queries_in_flight Redis queries sent and not yet "
        "answered.\n"
        "# TYPE mfa_redis_queries_in_flight gauge\n"
        "mfa_redis_queries_in_flight -1\n"
        "# HELP mfa_introspections_total Answers of the app to "
        "\"mfa_session_introspect\", by kind (failed: the app could not be "
        "asked).\n"
        "# TYPE mfa_introspections_total counter\n"
        "mfa_introspections_total{answer=\"record\"} 21\n"
        "mfa_introspections_total{answer=\"visitor\"} 22\n"
        "mfa_introspections_total{answer=\"failed\"} 23\n");
}


/* the largest counters still fit MFA_METRICS_TEXT_MAX */

static void
test_render_max(void **state)
{
    char           mem[MFA_METRICS_TEXT_MAX];
    mfa_buf_t      b;
    mfa_metrics_t  m;

    memset(&m, 0xff, sizeof(m));
    m.in_flight = INT64_MIN;

    mfa_buf_init(&b, mem, sizeof(mem));
    mfa_metrics_render(&m, &b);
    assert_int_equal(mfa_buf_status(&b), MFA_OK);

    /* a buffer one byte short says so */
    mfa_buf_init(&b, mem, b.len - 1);
    mfa_metrics_render(&m, &b);
    assert_int_not_equal(mfa_buf_status(&b), MFA_OK);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_decision),
        cmocka_unit_test(test_buckets),
        cmocka_unit_test(test_render),
        cmocka_unit_test(test_render_max),
    };

    return cmocka_run_group_tests_name("metrics", tests, NULL, NULL);
}
