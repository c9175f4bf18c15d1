
/*
 * Unit tests of the worker's cache of facts (src/mfa_fcache.c): entries
 * named by key, scope and kind; expiry at the exact millisecond; an
 * invalidation removes every entry of its key and refuses a value read
 * before it; a flush; the byte budget, least recently used first.
 */


#include "mfa_test.h"
#include "mfa_fcache.h"


static int
put(mfa_fcache_t *c, const void *scope, unsigned kind, const char *key,
    const char *value, uint64_t mark, uint64_t expires)
{
    mfa_str_t  k, v;

    k.data = key;
    k.len = strlen(key);
    v.data = value;
    v.len = strlen(value);

    return mfa_fcache_put(c, scope, kind, k, v, mark, expires);
}


/* the value as a string, or NULL */
static const char *
get(mfa_fcache_t *c, const void *scope, unsigned kind, const char *key,
    uint64_t now)
{
    mfa_str_t    k, v;
    static char  buf[4096];

    k.data = key;
    k.len = strlen(key);

    if (mfa_fcache_get(c, scope, kind, k, mfa_fcache_hash(k), now, &v, NULL)
        != MFA_OK)
    {
        return NULL;
    }

    memcpy(buf, v.data, v.len);
    buf[v.len] = '\0';

    return buf;
}


static void
test_put_get(void **state)
{
    int           a, b;
    mfa_fcache_t  c;

    (void) state;

    assert_int_equal(mfa_fcache_init(&c, 1024 * 1024), MFA_OK);

    assert_null(get(&c, NULL, 0, "k", 1));
    assert_int_equal(put(&c, NULL, 0, "k", "v1", 0, 0), MFA_OK);
    assert_string_equal(get(&c, NULL, 0, "k", 1), "v1");

    /* scope and kind name other entries of the same key */
    assert_null(get(&c, &a, 0, "k", 1));
    assert_null(get(&c, NULL, 1, "k", 1));
    assert_int_equal(put(&c, &a, 0, "k", "va", 0, 0), MFA_OK);
    assert_int_equal(put(&c, &b, 0, "k", "vb", 0, 0), MFA_OK);
    assert_string_equal(get(&c, &a, 0, "k", 1), "va");
    assert_string_equal(get(&c, &b, 0, "k", 1), "vb");

    /* a second put replaces */
    assert_int_equal(put(&c, NULL, 0, "k", "v2", 0, 0), MFA_OK);
    assert_string_equal(get(&c, NULL, 0, "k", 1), "v2");
    assert_int_equal(c.count, 3);

    /* an empty value is a value */
    assert_int_equal(put(&c, NULL, 0, "e", "", 0, 0), MFA_OK);
    assert_string_equal(get(&c, NULL, 0, "e", 1), "");

    mfa_fcache_free(&c);
}


static void
test_expiry(void **state)
{
    mfa_fcache_t  c;

    (void) state;

    assert_int_equal(mfa_fcache_init(&c, 1024 * 1024), MFA_OK);

    assert_int_equal(put(&c, NULL, 0, "k", "v", 0, 1000), MFA_OK);
    assert_string_equal(get(&c, NULL, 0, "k", 999), "v");
    assert_null(get(&c, NULL, 0, "k", 1000));
    assert_int_equal(c.count, 0);

    /* 0: until invalidated */
    assert_int_equal(put(&c, NULL, 0, "k", "v", 0, 0), MFA_OK);
    assert_string_equal(get(&c, NULL, 0, "k", UINT64_MAX - 1), "v");

    mfa_fcache_free(&c);
}


static void
test_invalidate(void **state)
{
    int           a;
    uint64_t      before, after;
    mfa_fcache_t  c;

    (void) state;

    assert_int_equal(mfa_fcache_init(&c, 1024 * 1024), MFA_OK);

    put(&c, NULL, 0, "k", "v", 0, 0);
    put(&c, &a, 3, "k", "v", 0, 0);
    put(&c, NULL, 0, "other", "w", 0, 0);

    before = mfa_fcache_mark(&c);
    mfa_fcache_invalidate(&c, MFA_TEST_STR("k"));
    after = mfa_fcache_mark(&c);

    /* every entry of the key goes, whatever its scope and kind */
    assert_null(get(&c, NULL, 0, "k", 1));
    assert_null(get(&c, &a, 3, "k", 1));
    assert_string_equal(get(&c, NULL, 0, "other", 1), "w");

    /* a value read before the invalidation arrived is not kept */
    assert_int_equal(put(&c, NULL, 0, "k", "stale", before, 0),
                     MFA_NOT_FOUND);
    assert_null(get(&c, NULL, 0, "k", 1));

    /* one read after it is */
    assert_int_equal(put(&c, NULL, 0, "k", "fresh", after, 0), MFA_OK);
    assert_string_equal(get(&c, NULL, 0, "k", 1), "fresh");

    /* other keys read before it are kept, unless they share its mark
       slot (then refused: never the other way round) */
    assert_true(put(&c, NULL, 0, "third", "t", before, 0) == MFA_OK
                || put(&c, NULL, 0, "third", "t", before, 0)
                   == MFA_NOT_FOUND);

    /* a key never kept: invalidating it is harmless */
    mfa_fcache_invalidate(&c, MFA_TEST_STR("never"));
    assert_string_equal(get(&c, NULL, 0, "k", 1), "fresh");

    mfa_fcache_free(&c);
}


static void
test_flush(void **state)
{
    uint64_t      before;
    mfa_fcache_t  c;

    (void) state;

    assert_int_equal(mfa_fcache_init(&c, 1024 * 1024), MFA_OK);

    put(&c, NULL, 0, "a", "1", 0, 0);
    put(&c, NULL, 0, "b", "2", 0, 0);
    before = mfa_fcache_mark(&c);

    mfa_fcache_flush(&c);

    assert_null(get(&c, NULL, 0, "a", 1));
    assert_null(get(&c, NULL, 0, "b", 1));
    assert_int_equal(c.count, 0);
    assert_int_equal(c.bytes, 0);

    /* nothing read before the flush is kept, whatever its key */
    assert_int_equal(put(&c, NULL, 0, "z", "1", before, 0), MFA_NOT_FOUND);
    assert_int_equal(put(&c, NULL, 0, "z", "1", mfa_fcache_mark(&c), 0),
                     MFA_OK);

    mfa_fcache_free(&c);
}


static void
test_budget(void **state)
{
    size_t        i, kept;
    char          key[32];
    mfa_fcache_t  c;

    (void) state;

    /* too small for its own index */
    assert_int_equal(mfa_fcache_init(&c, 1000), MFA_ERROR);

    assert_int_equal(mfa_fcache_init(&c, 512 * 1024), MFA_OK);

    /* far more than fits: the budget holds, the newest are there */
    for (i = 0; i < 20000; i++) {
        snprintf(key, sizeof(key), "key:%zu", i);
        assert_int_equal(put(&c, NULL, 0, key, "0123456789abcdef", 0, 0),
                         MFA_OK);

        if (i == 100) {
            /* used again now and then: kept longer than its peers */
            assert_non_null(get(&c, NULL, 0, "key:50", 1));
        }
    }

    assert_true(c.bytes <= c.max);
    assert_true(c.count > 1000);
    assert_non_null(get(&c, NULL, 0, "key:19999", 1));
    assert_null(get(&c, NULL, 0, "key:0", 1));

    kept = 0;

    for (i = 0; i < 20000; i++) {
        snprintf(key, sizeof(key), "key:%zu", i);
        kept += get(&c, NULL, 0, key, 1) != NULL;
    }

    assert_int_equal(kept, c.count);

    /* the least recently used go first */
    mfa_fcache_flush(&c);
    put(&c, NULL, 0, "old", "x", mfa_fcache_mark(&c), 0);
    put(&c, NULL, 0, "older", "x", mfa_fcache_mark(&c), 0);
    assert_non_null(get(&c, NULL, 0, "old", 1));

    for (i = 0; i < 20000; i++) {
        snprintf(key, sizeof(key), "fill:%zu", i);
        put(&c, NULL, 0, key, "0123456789abcdef", mfa_fcache_mark(&c), 0);
        get(&c, NULL, 0, "old", 1);
    }

    assert_null(get(&c, NULL, 0, "older", 1));
    assert_non_null(get(&c, NULL, 0, "old", 1));

    mfa_fcache_free(&c);
}


/*
 * The index is probed linearly: removing an entry moves the later ones
 * of its run back.  Thousands of keys in a small index make long runs,
 * some wrapping past the last slot; every removal, by invalidation,
 * expiry or eviction, must leave every other key findable.
 */
static void
test_index_runs(void **state)
{
    size_t        i, n;
    char          key[32], value[32];
    const char   *v;
    mfa_fcache_t  c;

    (void) state;

    assert_int_equal(mfa_fcache_init(&c, 512 * 1024), MFA_OK);

    n = c.count_max;

    for (i = 0; i < n; i++) {
        snprintf(key, sizeof(key), "k%zu", i);
        snprintf(value, sizeof(value), "v%zu", i);
        assert_int_equal(put(&c, NULL, 0, key, value, 0,
                             i % 5 == 0 ? 100 : 0),
                         MFA_OK);
    }

    assert_int_equal(c.count, n);

    /* a third invalidated, a fifth expired (removed when read) */
    for (i = 0; i < n; i += 3) {
        snprintf(key, sizeof(key), "k%zu", i);
        mfa_fcache_invalidate(&c, (mfa_str_t) { key, strlen(key) });
    }

    for (i = 0; i < n; i++) {
        snprintf(key, sizeof(key), "k%zu", i);
        snprintf(value, sizeof(value), "v%zu", i);
        v = get(&c, NULL, 0, key, 200);

        if (i % 3 == 0 || i % 5 == 0) {
            assert_null(v);

        } else {
            assert_non_null(v);
            assert_string_equal(v, value);
        }
    }

    /* as many again: the oldest go, whatever their place in the index */
    for (i = n; i < 2 * n; i++) {
        snprintf(key, sizeof(key), "k%zu", i);
        snprintf(value, sizeof(value), "v%zu", i);
        assert_int_equal(put(&c, NULL, 0, key, value, mfa_fcache_mark(&c), 0),
                         MFA_OK);
        assert_true(c.count <= c.count_max);
    }

    /* those read before had a second chance: the newest half is there */
    for (i = n + n / 2; i < 2 * n; i++) {
        snprintf(key, sizeof(key), "k%zu", i);
        snprintf(value, sizeof(value), "v%zu", i);
        assert_string_equal(get(&c, NULL, 0, key, 200), value);
    }

    mfa_fcache_free(&c);
}


static void
test_too_large(void **state)
{
    mfa_str_t     k, v;
    mfa_fcache_t  c;
    static char   big[MFA_FCACHE_VALUE_MAX + 2];

    (void) state;

    assert_int_equal(mfa_fcache_init(&c, 1024 * 1024), MFA_OK);

    memset(big, 'x', sizeof(big));
    k = MFA_TEST_STR("k");
    v.data = big;
    v.len = MFA_FCACHE_VALUE_MAX + 1;
    assert_int_equal(mfa_fcache_put(&c, NULL, 0, k, v, 0, 0), MFA_TOO_LARGE);

    v.len = MFA_FCACHE_VALUE_MAX;
    assert_int_equal(mfa_fcache_put(&c, NULL, 0, k, v, 0, 0), MFA_OK);

    k.data = big;
    k.len = MFA_FCACHE_KEY_MAX + 1;
    assert_int_equal(mfa_fcache_put(&c, NULL, 0, k, v, 0, 0), MFA_TOO_LARGE);

    mfa_fcache_free(&c);

    /* a cache never set up keeps nothing and finds nothing */
    memset(&c, 0, sizeof(c));
    assert_int_equal(put(&c, NULL, 0, "k", "v", 0, 0), MFA_TOO_LARGE);
    assert_null(get(&c, NULL, 0, "k", 1));
    mfa_fcache_invalidate(&c, MFA_TEST_STR("k"));
}


/*
 * Two keys whose hashes agree in their low 14 bits and differ in the 15th
 * share a mark in a cache of 16,384 marks (a small one), not in one of
 * 64 MB (262,144 slots, 32,768 marks): there an invalidation of one
 * leaves the other fresh.
 */
static void
test_marks_scale(void **state)
{
    int           i, j;
    char          keys[2][16];
    uint64_t      mark, hash[2];
    mfa_str_t     k;
    mfa_fcache_t  small, big;

    (void) state;

    snprintf(keys[0], sizeof(keys[0]), "k0");
    k.data = keys[0];
    k.len = strlen(keys[0]);
    hash[0] = mfa_fcache_hash(k);

    for (i = 1, j = 0; j == 0 && i < 1000000; i++) {
        snprintf(keys[1], sizeof(keys[1]), "k%d", i);
        k.data = keys[1];
        k.len = strlen(keys[1]);
        hash[1] = mfa_fcache_hash(k);

        j = ((hash[0] ^ hash[1]) & 0x7fff) == 0x4000;
    }

    assert_true(j);

    assert_int_equal(mfa_fcache_init(&small, 1024 * 1024), MFA_OK);
    assert_int_equal(mfa_fcache_init(&big, 64 * 1024 * 1024), MFA_OK);

    /* k is the second key */
    mark = mfa_fcache_mark(&small);
    mfa_fcache_invalidate(&small, k);
    assert_false(mfa_fcache_fresh(&small, hash[0], mark));

    mark = mfa_fcache_mark(&big);
    mfa_fcache_invalidate(&big, k);
    assert_true(mfa_fcache_fresh(&big, hash[0], mark));
    assert_false(mfa_fcache_fresh(&big, hash[1], mark));

    mfa_fcache_free(&small);
    mfa_fcache_free(&big);
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_put_get),
        cmocka_unit_test(test_expiry),
        cmocka_unit_test(test_invalidate),
        cmocka_unit_test(test_flush),
        cmocka_unit_test(test_budget),
        cmocka_unit_test(test_index_runs),
        cmocka_unit_test(test_too_large),
        cmocka_unit_test(test_marks_scale),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
