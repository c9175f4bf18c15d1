
/*
 * Unit tests of Redis's keyspace events and the probe (src/mfa_events.c):
 * channels named and recognised as Redis names them, the touches' events
 * not among them, and a round proven only by all of its events, with the
 * previous round's key heard expiring.
 */


#include <limits.h>

#include "mfa_test.h"
#include "mfa_events.h"


#define BASE  "mfa:probe:00ff:"


static void
test_events_channel(void **state)
{
    char    buf[MFA_EVENTS_CHANNEL_MAX];
    size_t  n;
    int     e;

    (void) state;

    n = mfa_events_channel(buf, 0, MFA_EVENT_SET);
    assert_int_equal(n, strlen("__keyevent@0__:set"));
    assert_string_equal(buf, "__keyevent@0__:set");

    n = mfa_events_channel(buf, 15, MFA_EVENT_HINCRBYFLOAT);
    assert_string_equal(buf, "__keyevent@15__:hincrbyfloat");
    assert_int_equal(n, strlen(buf));

    /* the longest name in the longest database number */
    n = mfa_events_channel(buf, LONG_MIN, MFA_EVENT_GEORADIUSSTORE);
    assert_string_equal(buf, "__keyevent@-9223372036854775808__:georadiusstore");
    assert_int_equal(n, strlen(buf));

    /* every channel named is recognised as its event */
    for (e = 0; e < MFA_EVENTS; e++) {
        n = mfa_events_channel(buf, 65535, (mfa_event_t) e);
        assert_true(n > 0);
        assert_int_equal(mfa_events_event(buf, n), e);
    }
}


static void
test_events_others(void **state)
{
    size_t       i;
    const char  *others[] = {
        "__keyevent@0__:expire",          /* a touch */
        "__keyevent@0__:persist",
        "__keyevent@0__:lpush",
        "__keyspace@0__:set",             /* the key's channel */
        "__keyevent@__:set",              /* no database */
        "__keyevent@0x__:set",
        "__keyevent@0__:",
        "__keyevent@0__:sets",
        "__keyevent@0__:se",
        "__keyevent@0_:set",
        "__redis__:invalidate",
        "",
    };

    (void) state;

    for (i = 0; i < mfa_test_nelts(others); i++) {
        assert_int_equal(mfa_events_event(others[i], strlen(others[i])), -1);
    }

    /* the length given, not the NUL */
    assert_int_equal(mfa_events_event("__keyevent@0__:setbit", 18),
                     MFA_EVENT_SET);
}


static void
test_probe_key(void **state)
{
    char    buf[sizeof(BASE) + 20];
    size_t  n;

    (void) state;

    n = mfa_probe_key(buf, MFA_TEST_STR(BASE), 12);
    assert_int_equal(n, sizeof(BASE) - 1 + 2);
    assert_memory_equal(buf, BASE "12", n);

    n = mfa_probe_key(buf, MFA_TEST_STR(BASE), UINT64_MAX);
    assert_memory_equal(buf, BASE "18446744073709551615", n);
}


/* an event about round's key; what it proves */
static uint64_t
hear(mfa_probe_t *p, int event, uint64_t round, uint64_t first)
{
    char    buf[sizeof(BASE) + 20];
    size_t  n;

    n = mfa_probe_key(buf, MFA_TEST_STR(BASE), round);

    return mfa_probe_heard(p, MFA_TEST_STR(BASE), event,
                           (mfa_str_t) { buf, n }, first);
}


/* round's events as Redis makes them: [expired of round - 1,] new, hset,
   del, new, set */
static uint64_t
round_heard(mfa_probe_t *p, uint64_t round, uint64_t first)
{
    if (round != first) {
        assert_int_equal(hear(p, MFA_EVENT_EXPIRED, round - 1, first), 0);
    }

    assert_int_equal(hear(p, MFA_EVENT_NEW, round, first), 0);
    assert_int_equal(hear(p, MFA_EVENT_HSET, round, first), 0);
    assert_int_equal(hear(p, MFA_EVENT_DEL, round, first), 0);
    assert_int_equal(hear(p, MFA_EVENT_NEW, round, first), 0);

    return hear(p, MFA_EVENT_SET, round, first);
}


static void
test_probe_rounds(void **state)
{
    mfa_probe_t  p;

    (void) state;

    memset(&p, 0, sizeof(p));

    assert_int_equal(round_heard(&p, 1, 1), 1);
    assert_int_equal(round_heard(&p, 2, 1), 2);
    assert_int_equal(round_heard(&p, 3, 1), 3);

    /* a new write connection: its first round needs no expiry */
    assert_int_equal(round_heard(&p, 7, 7), 7);
    assert_int_equal(round_heard(&p, 8, 7), 8);
}


static void
test_probe_missing(void **state)
{
    mfa_probe_t  p;

    (void) state;

    memset(&p, 0, sizeof(p));
    assert_int_equal(round_heard(&p, 1, 1), 1);

    /* round 2 without the expiry of round 1's key ("x" off) */
    assert_int_equal(hear(&p, MFA_EVENT_NEW, 2, 1), 0);
    assert_int_equal(hear(&p, MFA_EVENT_HSET, 2, 1), 0);
    assert_int_equal(hear(&p, MFA_EVENT_DEL, 2, 1), 0);
    assert_int_equal(hear(&p, MFA_EVENT_SET, 2, 1), 0);

    /* round 3 without "hset" ("h" off) */
    assert_int_equal(hear(&p, MFA_EVENT_EXPIRED, 2, 1), 0);
    assert_int_equal(hear(&p, MFA_EVENT_NEW, 3, 1), 0);
    assert_int_equal(hear(&p, MFA_EVENT_DEL, 3, 1), 0);
    assert_int_equal(hear(&p, MFA_EVENT_SET, 3, 1), 0);

    /* round 4 without "new" ("n" off) */
    assert_int_equal(hear(&p, MFA_EVENT_EXPIRED, 3, 1), 0);
    assert_int_equal(hear(&p, MFA_EVENT_HSET, 4, 1), 0);
    assert_int_equal(hear(&p, MFA_EVENT_DEL, 4, 1), 0);
    assert_int_equal(hear(&p, MFA_EVENT_SET, 4, 1), 0);

    /* round 5 without "del" ("g" off: no expiry heard either) */
    assert_int_equal(hear(&p, MFA_EVENT_NEW, 5, 1), 0);
    assert_int_equal(hear(&p, MFA_EVENT_HSET, 5, 1), 0);
    assert_int_equal(hear(&p, MFA_EVENT_SET, 5, 1), 0);

    /* a round's events do not count for the next one */
    assert_int_equal(hear(&p, MFA_EVENT_EXPIRED, 5, 1), 0);
    assert_int_equal(hear(&p, MFA_EVENT_NEW, 6, 1), 0);
    assert_int_equal(hear(&p, MFA_EVENT_HSET, 6, 1), 0);
    assert_int_equal(hear(&p, MFA_EVENT_DEL, 6, 1), 0);
    assert_int_equal(hear(&p, MFA_EVENT_SET, 7, 1), 0);

    /* and all of them again: proven */
    assert_int_equal(round_heard(&p, 8, 8), 8);
}


static void
test_probe_other_keys(void **state)
{
    size_t        i;
    mfa_probe_t   p;
    const char   *keys[] = {
        "mfa:probe:00fe:1",               /* another worker's */
        BASE,
        BASE "0",
        BASE "012",                       /* never written so */
        BASE "1x",
        BASE "-1",
        BASE "12345678901234567890",      /* 20 digits */
        "sess:1",
    };

    (void) state;

    memset(&p, 0, sizeof(p));

    for (i = 0; i < mfa_test_nelts(keys); i++) {
        mfa_str_t  k = { keys[i], strlen(keys[i]) };

        assert_int_equal(mfa_probe_heard(&p, MFA_TEST_STR(BASE),
                                         MFA_EVENT_NEW, k, 1), 0);
        assert_int_equal(mfa_probe_heard(&p, MFA_TEST_STR(BASE),
                                         MFA_EVENT_HSET, k, 1), 0);
        assert_int_equal(mfa_probe_heard(&p, MFA_TEST_STR(BASE),
                                         MFA_EVENT_DEL, k, 1), 0);
        assert_int_equal(mfa_probe_heard(&p, MFA_TEST_STR(BASE),
                                         MFA_EVENT_SET, k, 1), 0);
    }

    /* an event not listened to */
    assert_int_equal(hear(&p, -1, 1, 1), 0);
}


#define STATS  "# Stats\r\ntotal_connections_received:3\r\n" \
               "total_commands_processed:1234\r\n\r\n"


/* the stamp of "text", or MFA_ERROR */
static int
stamp(const char *text, mfa_events_stamp_t *st)
{
    return mfa_events_stamp(text, strlen(text), st);
}


static void
test_events_stamp(void **state)
{
    mfa_events_stamp_t  st;

    (void) state;

    assert_int_equal(stamp(STATS "# Commandstats\r\n"
                           "cmdstat_config|setx:calls=9,usec=1\r\n"
                           "cmdstat_config|set:calls=12,usec=7\r\n"
                           "cmdstat_get:calls=100,usec=5\r\n"
                           "cmdstat_swapdb:calls=3,usec=1\r\n"
                           "cmdstat_config|resetstat:calls=1,usec=1030\r\n",
                           &st),
                     MFA_OK);
    assert_int_equal(st.commands, 1234);
    assert_int_equal(st.config_set, 12);
    assert_int_equal(st.config_resetstat, 1);
    assert_int_equal(st.swapdb, 3);

    /* commands never run: 0 */
    assert_int_equal(stamp(STATS "# Commandstats\r\n", &st), MFA_OK);
    assert_int_equal(st.config_set, 0);
    assert_int_equal(st.config_resetstat, 0);
    assert_int_equal(st.swapdb, 0);

    /* the last line without its end */
    assert_int_equal(stamp(STATS "# Commandstats\r\ncmdstat_swapdb:calls=42",
                           &st),
                     MFA_OK);
    assert_int_equal(st.swapdb, 42);

    /* a section missing, a header that is not one, a number missing */
    assert_int_equal(stamp("# Commandstats\r\n", &st), MFA_ERROR);
    assert_int_equal(stamp(STATS, &st), MFA_ERROR);
    assert_int_equal(stamp(STATS "# Commandstatsx\r\n", &st), MFA_ERROR);
    assert_int_equal(stamp("# Stats\r\n# Commandstats\r\n", &st), MFA_ERROR);
    assert_int_equal(stamp("", &st), MFA_ERROR);
    assert_int_equal(stamp(STATS "# Commandstats\r\ncmdstat_swapdb:calls=x\r\n",
                           &st),
                     MFA_ERROR);
    assert_int_equal(stamp(STATS "# Commandstats\r\ncmdstat_swapdb:calls=\n",
                           &st),
                     MFA_ERROR);
    assert_int_equal(stamp(STATS "# Commandstats\r\n"
                           "cmdstat_swapdb:calls=12345678901234567890\r\n",
                           &st),
                     MFA_ERROR);
}


static void
test_events_gap(void **state)
{
    mfa_events_stamp_t  a, b;

    (void) state;

    a = (mfa_events_stamp_t) { 3, 1, 17, 5000 };

    b = a;
    b.commands = 5006;
    assert_false(mfa_events_gap(&a, &b));

    b = a;
    b.config_set++;
    assert_true(mfa_events_gap(&a, &b));

    b = a;
    b.swapdb++;
    assert_true(mfa_events_gap(&a, &b));

    b = a;
    b.config_resetstat++;
    assert_true(mfa_events_gap(&a, &b));

    /* CONFIG RESETSTAT, then the three counts played back: fewer
       commands than before */
    b = a;
    b.commands = 40;
    assert_true(mfa_events_gap(&a, &b));
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_events_channel),
        cmocka_unit_test(test_events_others),
        cmocka_unit_test(test_probe_key),
        cmocka_unit_test(test_probe_rounds),
        cmocka_unit_test(test_probe_missing),
        cmocka_unit_test(test_probe_other_keys),
        cmocka_unit_test(test_events_stamp),
        cmocka_unit_test(test_events_gap),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
