
/*
 * Unit tests of the verified-decision table (src/mfa_cache.c): hits,
 * expiry, the one refresh at half the time, drops, forgetting a user,
 * what is never kept, the choice of the entry to replace, and that a
 * table a third full keeps every key (one set a key lost about one in a
 * hundred).
 */


#include "mfa_test.h"

#include "mfa_cache.h"


#define NOW         1000000
#define TTL         1000
#define MANY        10000
#define MANY_SLOTS  32768
#define FULL        16


static int  scope_a, scope_b;


/* the key the module builds: "<session id>\n<session key>" */

static mfa_str_t
session_key(char *buf, size_t size, unsigned n)
{
    int  len;

    len = snprintf(buf, size, "s%u\nsess:s%u", n, n);

    return (mfa_str_t) { buf, (size_t) len };
}


static void
assert_user(mfa_str_t user, const char *want)
{
    assert_int_equal(user.len, strlen(want));
    assert_memory_equal(user.data, want, user.len);
}


static void
test_hit_and_expiry(void **state)
{
    mfa_cache_t  c;
    mfa_str_t    user;

    assert_int_equal(mfa_cache_init(&c, 64), MFA_OK);

    assert_int_equal(mfa_cache_get(&c, &scope_a, MFA_TEST_STR("s1\nk1"), NOW,
                                   &user),
                     MFA_CACHE_MISS);

    mfa_cache_put(&c, &scope_a, MFA_TEST_STR("s1\nk1"), MFA_TEST_STR("alice"),
                  NOW, TTL);

    assert_int_equal(mfa_cache_get(&c, &scope_a, MFA_TEST_STR("s1\nk1"), NOW,
                                   &user),
                     MFA_CACHE_HIT);
    assert_user(user, "alice");

    /* the last millisecond of its time, then gone */
    assert_int_equal(mfa_cache_get(&c, &scope_a, MFA_TEST_STR("s1\nk1"),
                                   NOW + TTL - 1, &user),
                     MFA_CACHE_REFRESH);
    assert_int_equal(mfa_cache_get(&c, &scope_a, MFA_TEST_STR("s1\nk1"),
                                   NOW + TTL, &user),
                     MFA_CACHE_MISS);

    /* another scope, another key, a key that only starts the same */
    mfa_cache_put(&c, &scope_a, MFA_TEST_STR("s2\nk2"), MFA_TEST_STR("bob"),
                  NOW, TTL);
    assert_int_equal(mfa_cache_get(&c, &scope_b, MFA_TEST_STR("s2\nk2"), NOW,
                                   &user),
                     MFA_CACHE_MISS);
    assert_int_equal(mfa_cache_get(&c, &scope_a, MFA_TEST_STR("s2\nk"), NOW,
                                   &user),
                     MFA_CACHE_MISS);
    assert_int_equal(mfa_cache_get(&c, &scope_a, MFA_TEST_STR("s2\nk22"), NOW,
                                   &user),
                     MFA_CACHE_MISS);

    /* a put again replaces the user and the time */
    mfa_cache_put(&c, &scope_a, MFA_TEST_STR("s2\nk2"), MFA_TEST_STR("carol"),
                  NOW + 500, TTL);
    assert_int_equal(mfa_cache_get(&c, &scope_a, MFA_TEST_STR("s2\nk2"),
                                   NOW + 900, &user),
                     MFA_CACHE_HIT);
    assert_user(user, "carol");

    mfa_cache_free(&c);
}


static void
test_refresh_once(void **state)
{
    mfa_cache_t  c;
    mfa_str_t    user, key;

    key = MFA_TEST_STR("s1\nk1");

    assert_int_equal(mfa_cache_init(&c, 64), MFA_OK);

    mfa_cache_put(&c, &scope_a, key, MFA_TEST_STR("alice"), NOW, TTL);

    /* half the time left is not yet less than half */
    assert_int_equal(mfa_cache_get(&c, &scope_a, key, NOW + TTL / 2, &user),
                     MFA_CACHE_HIT);

    /* the first caller after half its time refreshes, the others pass */
    assert_int_equal(mfa_cache_get(&c, &scope_a, key, NOW + TTL / 2 + 1,
                                   &user),
                     MFA_CACHE_REFRESH);
    assert_user(user, "alice");
    assert_int_equal(mfa_cache_get(&c, &scope_a, key, NOW + TTL / 2 + 2,
                                   &user),
                     MFA_CACHE_HIT);

    /* a refresh that could not tell: the next caller tries again */
    mfa_cache_drop(&c, &scope_a, key, NOW + 600, 0);
    assert_int_equal(mfa_cache_get(&c, &scope_a, key, NOW + 601, &user),
                     MFA_CACHE_REFRESH);

    /* a refresh that confirmed: a new full time */
    mfa_cache_put(&c, &scope_a, key, MFA_TEST_STR("alice"), NOW + 700, TTL);
    assert_int_equal(mfa_cache_get(&c, &scope_a, key, NOW + 1100, &user),
                     MFA_CACHE_HIT);
    assert_int_equal(mfa_cache_get(&c, &scope_a, key, NOW + 1201, &user),
                     MFA_CACHE_REFRESH);

    /* a refresh that found the session changed: gone at once */
    mfa_cache_drop(&c, &scope_a, key, NOW + 1210, 1);
    assert_int_equal(mfa_cache_get(&c, &scope_a, key, NOW + 1210, &user),
                     MFA_CACHE_MISS);

    mfa_cache_free(&c);
}


static void
test_user_hint(void **state)
{
    mfa_cache_t  c;
    mfa_str_t    user, key;

    key = MFA_TEST_STR("s1\nk1");

    assert_int_equal(mfa_cache_init(&c, 64), MFA_OK);

    assert_int_equal(mfa_cache_user(&c, &scope_a, key, &user), MFA_NOT_FOUND);

    mfa_cache_put(&c, &scope_a, key, MFA_TEST_STR("alice"), NOW, TTL);

    /* long expired, still a hint; not for another scope */
    assert_int_equal(mfa_cache_get(&c, &scope_a, key, NOW + 5000, &user),
                     MFA_CACHE_MISS);
    assert_int_equal(mfa_cache_user(&c, &scope_a, key, &user), MFA_OK);
    assert_user(user, "alice");
    assert_int_equal(mfa_cache_user(&c, &scope_b, key, &user), MFA_NOT_FOUND);

    mfa_cache_free(&c);
}


static void
test_forget(void **state)
{
    mfa_cache_t  c;
    mfa_str_t    user;

    assert_int_equal(mfa_cache_init(&c, 64), MFA_OK);

    mfa_cache_put(&c, &scope_a, MFA_TEST_STR("s1\nk"), MFA_TEST_STR("alice"),
                  NOW, TTL);
    mfa_cache_put(&c, &scope_b, MFA_TEST_STR("s2\nk"), MFA_TEST_STR("alice"),
                  NOW, TTL);
    mfa_cache_put(&c, &scope_a, MFA_TEST_STR("s3\nk"), MFA_TEST_STR("alicia"),
                  NOW, TTL);
    mfa_cache_put(&c, &scope_a, MFA_TEST_STR("s4\nk"), MFA_TEST_STR("bob"),
                  NOW, TTL);

    mfa_cache_forget(&c, MFA_TEST_STR("alice"), NOW + 10);

    /* every session of alice, in every scope; nobody else */
    assert_int_equal(mfa_cache_get(&c, &scope_a, MFA_TEST_STR("s1\nk"),
                                   NOW + 10, &user),
                     MFA_CACHE_MISS);
    assert_int_equal(mfa_cache_get(&c, &scope_b, MFA_TEST_STR("s2\nk"),
                                   NOW + 10, &user),
                     MFA_CACHE_MISS);
    assert_int_equal(mfa_cache_get(&c, &scope_a, MFA_TEST_STR("s3\nk"),
                                   NOW + 10, &user),
                     MFA_CACHE_HIT);
    assert_user(user, "alicia");
    assert_int_equal(mfa_cache_get(&c, &scope_a, MFA_TEST_STR("s4\nk"),
                                   NOW + 10, &user),
                     MFA_CACHE_HIT);

    mfa_cache_free(&c);
}


static void
test_never_kept(void **state)
{
    char         key[MFA_CACHE_KEY_MAX + 2], name[MFA_CACHE_USER_MAX + 2];
    mfa_cache_t  c;
    mfa_str_t    user;

    assert_int_equal(mfa_cache_init(&c, 64), MFA_OK);

    memset(key, 'k', sizeof(key));
    memset(name, 'u', sizeof(name));

    /* the longest key and user id are kept, one more is not */
    mfa_cache_put(&c, &scope_a, (mfa_str_t) { key, MFA_CACHE_KEY_MAX },
                  (mfa_str_t) { name, MFA_CACHE_USER_MAX }, NOW, TTL);
    assert_int_equal(mfa_cache_get(&c, &scope_a,
                                   (mfa_str_t) { key, MFA_CACHE_KEY_MAX },
                                   NOW, &user),
                     MFA_CACHE_HIT);
    assert_int_equal(user.len, MFA_CACHE_USER_MAX);

    mfa_cache_put(&c, &scope_a, (mfa_str_t) { key, MFA_CACHE_KEY_MAX + 1 },
                  MFA_TEST_STR("alice"), NOW, TTL);
    assert_int_equal(mfa_cache_get(&c, &scope_a,
                                   (mfa_str_t) { key, MFA_CACHE_KEY_MAX + 1 },
                                   NOW, &user),
                     MFA_CACHE_MISS);

    mfa_cache_put(&c, &scope_a, MFA_TEST_STR("s1\nk"),
                  (mfa_str_t) { name, MFA_CACHE_USER_MAX + 1 }, NOW, TTL);
    mfa_cache_put(&c, &scope_a, MFA_TEST_STR("s2\nk"), MFA_TEST_STR(""),
                  NOW, TTL);
    mfa_cache_put(&c, &scope_a, MFA_TEST_STR("s3\nk"), MFA_TEST_STR("bob"),
                  NOW, 0);

    assert_int_equal(mfa_cache_get(&c, &scope_a, MFA_TEST_STR("s1\nk"), NOW,
                                   &user),
                     MFA_CACHE_MISS);
    assert_int_equal(mfa_cache_get(&c, &scope_a, MFA_TEST_STR("s2\nk"), NOW,
                                   &user),
                     MFA_CACHE_MISS);
    assert_int_equal(mfa_cache_get(&c, &scope_a, MFA_TEST_STR("s3\nk"), NOW,
                                   &user),
                     MFA_CACHE_MISS);

    /* never longer than a second, whatever the caller asks */
    mfa_cache_put(&c, &scope_a, MFA_TEST_STR("s4\nk"), MFA_TEST_STR("bob"),
                  NOW, 60000);
    assert_int_equal(mfa_cache_get(&c, &scope_a, MFA_TEST_STR("s4\nk"),
                                   NOW + MFA_CACHE_MAX_TTL - 1, &user),
                     MFA_CACHE_REFRESH);
    assert_int_equal(mfa_cache_get(&c, &scope_a, MFA_TEST_STR("s4\nk"),
                                   NOW + MFA_CACHE_MAX_TTL, &user),
                     MFA_CACHE_MISS);

    mfa_cache_free(&c);
}


static void
test_bad_size(void **state)
{
    mfa_cache_t  c;
    mfa_str_t    user;

    assert_int_equal(mfa_cache_init(&c, 0), MFA_ERROR);
    assert_int_equal(mfa_cache_init(&c, MFA_CACHE_WAYS - 1), MFA_ERROR);
    assert_int_equal(mfa_cache_init(&c, MFA_CACHE_WAYS + 1), MFA_ERROR);

    /* a table that failed keeps nothing and breaks nothing */
    mfa_cache_put(&c, &scope_a, MFA_TEST_STR("s1\nk"), MFA_TEST_STR("alice"),
                  NOW, TTL);
    assert_int_equal(mfa_cache_get(&c, &scope_a, MFA_TEST_STR("s1\nk"), NOW,
                                   &user),
                     MFA_CACHE_MISS);
    mfa_cache_forget(&c, MFA_TEST_STR("alice"), NOW);
    mfa_cache_free(&c);
}


/*
 * A table of one set: a new key takes the place of the entry closest to
 * expiring, an expired one first, never a longer-lived one.
 */

static void
test_replacement(void **state)
{
    char         buf[32];
    unsigned     i;
    mfa_cache_t  c;
    mfa_str_t    user;

    assert_int_equal(mfa_cache_init(&c, MFA_CACHE_WAYS), MFA_OK);

    for (i = 0; i < MFA_CACHE_WAYS; i++) {
        mfa_cache_put(&c, &scope_a, session_key(buf, sizeof(buf), i),
                      MFA_TEST_STR("u"), NOW + i * 10, TTL);
    }

    /* key 0 is closest to expiring */
    mfa_cache_put(&c, &scope_a, session_key(buf, sizeof(buf), 100),
                  MFA_TEST_STR("u"), NOW + 100, TTL);

    assert_int_equal(mfa_cache_get(&c, &scope_a,
                                   session_key(buf, sizeof(buf), 0),
                                   NOW + 100, &user),
                     MFA_CACHE_MISS);

    for (i = 1; i < MFA_CACHE_WAYS; i++) {
        assert_int_equal(mfa_cache_get(&c, &scope_a,
                                       session_key(buf, sizeof(buf), i),
                                       NOW + 100, &user),
                         MFA_CACHE_HIT);
    }

    /* key 2 expired: it goes before key 1, which has 10 ms left */
    mfa_cache_drop(&c, &scope_a, session_key(buf, sizeof(buf), 2), NOW + 100,
                   1);
    mfa_cache_put(&c, &scope_a, session_key(buf, sizeof(buf), 101),
                  MFA_TEST_STR("u"), NOW + 1000, TTL);

    assert_int_equal(mfa_cache_get(&c, &scope_a,
                                   session_key(buf, sizeof(buf), 1),
                                   NOW + 1000, &user),
                     MFA_CACHE_REFRESH);
    assert_int_equal(mfa_cache_user(&c, &scope_a,
                                    session_key(buf, sizeof(buf), 2), &user),
                     MFA_NOT_FOUND);

    mfa_cache_free(&c);
}


/*
 * 10,000 sessions put at once in the module's 32,768 slots, then the
 * same sessions again in turn for a while, as the benchmark sends them:
 * every one is still there.  With one set a key, the sets that drew more
 * than four lost keys, and the keys of such a set evicted each other at
 * every turn.
 */

/*
 * A table filled to its last entry, so that keys move to their other set:
 * every key answers with its own user or not at all, and each is there
 * once (a second copy would answer once other keys took the place of the
 * first, dropped one).
 */

static void
test_moves_keep_one_entry(void **state)
{
    char         buf[32], name[8];
    unsigned     i, kept;
    mfa_cache_t  c;
    mfa_str_t    user;

    assert_int_equal(mfa_cache_init(&c, FULL), MFA_OK);

    for (i = 0; i < FULL; i++) {
        snprintf(name, sizeof(name), "u%u", i);
        /* the later a key comes, the sooner it expires */
        mfa_cache_put(&c, &scope_a, session_key(buf, sizeof(buf), i),
                      (mfa_str_t) { name, strlen(name) }, NOW + FULL - i,
                      TTL);
    }

    kept = 0;

    for (i = 0; i < FULL; i++) {
        snprintf(name, sizeof(name), "u%u", i);

        if (mfa_cache_get(&c, &scope_a, session_key(buf, sizeof(buf), i),
                          NOW + FULL, &user)
            == MFA_CACHE_HIT)
        {
            assert_user(user, name);
            kept++;
        }

        mfa_cache_drop(&c, &scope_a, session_key(buf, sizeof(buf), i),
                       NOW + FULL, 1);
        assert_int_equal(mfa_cache_get(&c, &scope_a,
                                       session_key(buf, sizeof(buf), i),
                                       NOW + FULL, &user),
                         MFA_CACHE_MISS);
    }

    /* a full table keeps most of what it can hold */
    assert_true(kept >= FULL - MFA_CACHE_WAYS);

    /* other keys take the expired places: none of the dropped comes back */
    for (i = 0; i < FULL; i++) {
        mfa_cache_put(&c, &scope_a, session_key(buf, sizeof(buf), 100 + i),
                      MFA_TEST_STR("other"), NOW + FULL + 1, TTL);
    }

    for (i = 0; i < FULL; i++) {
        assert_int_equal(mfa_cache_get(&c, &scope_a,
                                       session_key(buf, sizeof(buf), i),
                                       NOW + FULL + 1, &user),
                         MFA_CACHE_MISS);
    }

    mfa_cache_free(&c);
}


static void
test_a_third_full_keeps_all(void **state)
{
    char         buf[32];
    unsigned     i, round, lost;
    mfa_cache_t  c;
    mfa_str_t    user;

    assert_int_equal(mfa_cache_init(&c, MANY_SLOTS), MFA_OK);

    for (i = 0; i < MANY; i++) {
        mfa_cache_put(&c, &scope_a, session_key(buf, sizeof(buf), i),
                      MFA_TEST_STR("u"), NOW, TTL);
    }

    lost = 0;

    for (round = 1; round <= 3; round++) {
        for (i = 0; i < MANY; i++) {
            if (mfa_cache_get(&c, &scope_a, session_key(buf, sizeof(buf), i),
                              NOW + round, &user)
                == MFA_CACHE_MISS)
            {
                lost++;
                mfa_cache_put(&c, &scope_a, session_key(buf, sizeof(buf), i),
                              MFA_TEST_STR("u"), NOW + round, TTL);
            }
        }
    }

    assert_int_equal(lost, 0);

    mfa_cache_free(&c);
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hit_and_expiry),
        cmocka_unit_test(test_refresh_once),
        cmocka_unit_test(test_user_hint),
        cmocka_unit_test(test_forget),
        cmocka_unit_test(test_never_kept),
        cmocka_unit_test(test_bad_size),
        cmocka_unit_test(test_replacement),
        cmocka_unit_test(test_moves_keep_one_entry),
        cmocka_unit_test(test_a_third_full_keeps_all),
    };

    return cmocka_run_group_tests_name("cache", tests, NULL, NULL);
}
