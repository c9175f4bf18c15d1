
/*
 * Unit tests of the memo of the gate's inputs (src/mfa_memo.c): its key
 * tells bindings apart, its encoding gives back what was kept, and what
 * is not an encoding of it is refused; and, with the cache
 * (src/mfa_fcache.c), a memo stays fresh only until a key it was decided
 * from is invalidated, or the cache flushed.
 */


#include "mfa_test.h"
#include "mfa_memo.h"
#include "mfa_fcache.h"


static void
value_set(mfa_session_value_t *v, const char *s)
{
    v->found = 1;
    v->len = strlen(s);
    memcpy(v->data, s, v->len + 1);
}


static void
memo_sample(mfa_memo_t *m, mfa_gate_identity_t *id)
{
    size_t  i;

    memset(m, 0, sizeof(mfa_memo_t));
    memset(id, 0, sizeof(mfa_gate_identity_t));

    m->in.enabled = 1;
    m->in.has_session_id = 1;
    m->in.verified = 1;
    m->in.session = MFA_RECORD_OK;
    m->in.user = MFA_RECORD_OK;
    m->in.policy = MFA_RECORD_ABSENT;
    memset(m->digest, 'd', MFA_SESSION_DIGEST_LEN);
    m->mark = 0x0102030405060708ULL;
    m->ndeps = 4;

    for (i = 0; i < m->ndeps; i++) {
        m->deps[i] = 0x1111111111111111ULL * (i + 1);
    }

    value_set(&id->user, "u42");
    value_set(&id->company, "acme");
    id->admin.found = 1;
    id->admin.boolean = 1;
    value_set(&id->admin, "true");
    id->own_company = 1;
}


static void
test_memo_round_trip(void **state)
{
    char                 out[MFA_MEMO_MAX];
    size_t               len;
    mfa_str_t            v;
    mfa_memo_t           m, back;
    mfa_gate_identity_t  id, id2;

    (void) state;

    memo_sample(&m, &id);
    id.admin.boolean = 1;

    len = mfa_memo_write(&m, &id, out);
    assert_true(len > 0 && len <= MFA_MEMO_MAX);

    v.data = out;
    v.len = len;
    assert_int_equal(mfa_memo_read(v, &back, &id2), MFA_OK);

    assert_memory_equal(&back.in, &m.in, sizeof(mfa_gate_input_t));
    assert_memory_equal(back.digest, m.digest, MFA_SESSION_DIGEST_LEN);
    assert_true(back.mark == m.mark);
    assert_int_equal(back.ndeps, 4);
    assert_memory_equal(back.deps, m.deps, 4 * sizeof(uint64_t));

    assert_true(id2.user.found);
    assert_string_equal(id2.user.data, "u42");
    assert_int_equal(id2.user.len, 3);
    assert_string_equal(id2.company.data, "acme");
    assert_true(id2.admin.boolean);
    assert_true(id2.own_company);

    /* a value not found comes back not found, whatever its bytes were */
    id.company.found = 0;
    len = mfa_memo_write(&m, &id, out);
    v.len = len;
    assert_int_equal(mfa_memo_read(v, &back, &id2), MFA_OK);
    assert_false(id2.company.found);
    assert_int_equal(id2.company.len, 0);

    /* the longest: every dependency, every value as long as it can be */
    m.ndeps = MFA_MEMO_DEPS;
    memset(id.user.data, 'u', MFA_SESSION_VALUE_MAX - 1);
    id.user.len = MFA_SESSION_VALUE_MAX - 1;
    id.company = id.user;
    id.admin = id.user;
    len = mfa_memo_write(&m, &id, out);
    assert_int_equal(len, MFA_MEMO_MAX - 3);
    v.len = len;
    assert_int_equal(mfa_memo_read(v, &back, &id2), MFA_OK);
    assert_int_equal(id2.admin.len, MFA_SESSION_VALUE_MAX - 1);

    m.ndeps = MFA_MEMO_DEPS + 1;
    assert_int_equal(mfa_memo_write(&m, &id, out), 0);
}


static void
test_memo_refused(void **state)
{
    char                 out[MFA_MEMO_MAX + 8];
    size_t               len, cut;
    mfa_str_t            v;
    mfa_memo_t           m, back;
    mfa_gate_identity_t  id, id2;

    (void) state;

    memo_sample(&m, &id);
    len = mfa_memo_write(&m, &id, out);
    v.data = out;

    /* every truncation, and a byte too many */
    for (cut = 0; cut < len; cut++) {
        v.len = cut;
        assert_int_equal(mfa_memo_read(v, &back, &id2), MFA_ERROR);
        assert_false(id2.user.found);
    }

    v.len = len + 1;
    out[len] = 'x';
    assert_int_equal(mfa_memo_read(v, &back, &id2), MFA_ERROR);
    assert_false(id2.user.found);

    /* more dependencies than a memo has */
    out[8] = (char) (MFA_MEMO_DEPS + 1);
    v.len = len;
    assert_int_equal(mfa_memo_read(v, &back, &id2), MFA_ERROR);
}


static void
test_memo_key(void **state)
{
    char    a[64], b[64];
    size_t  na, nb;

    (void) state;

    /* the parts' bounds count: "ab"+"c" is not "a"+"bc" */
    na = mfa_memo_key(a, sizeof(a), MFA_TEST_STR("sess:ab"),
                      MFA_TEST_STR("c"), MFA_TEST_STR("ab"));
    nb = mfa_memo_key(b, sizeof(b), MFA_TEST_STR("sess:a"),
                      MFA_TEST_STR("bc"), MFA_TEST_STR("ab"));
    assert_true(na > 0 && nb > 0);
    assert_false(na == nb && memcmp(a, b, na) == 0);

    /* no company is not an empty part that would match another's */
    na = mfa_memo_key(a, sizeof(a), MFA_TEST_STR("sess:ab"),
                      MFA_TEST_STR(""), MFA_TEST_STR("ab"));
    assert_false(na == nb && memcmp(a, b, na) == 0);

    /* too long for the buffer: none */
    assert_int_equal(mfa_memo_key(a, 16, MFA_TEST_STR("sess:abcdefgh"),
                                  MFA_TEST_STR(""), MFA_TEST_STR("abcdefgh")),
                     0);
}


static void
test_memo_fresh(void **state)
{
    uint64_t      mark, h1, h2;
    mfa_fcache_t  c;

    (void) state;

    assert_int_equal(mfa_fcache_init(&c, 1024 * 1024), MFA_OK);

    h1 = mfa_fcache_hash(MFA_TEST_STR("sess:a"));
    h2 = mfa_fcache_hash(MFA_TEST_STR("mfa:user:u1"));

    mark = mfa_fcache_mark(&c);
    assert_true(mfa_fcache_fresh(&c, h1, mark));
    assert_true(mfa_fcache_fresh(&c, h2, mark));

    /* a key it was decided from, changed: no longer */
    mfa_fcache_invalidate(&c, MFA_TEST_STR("mfa:user:u1"));
    assert_false(mfa_fcache_fresh(&c, h2, mark));

    /* a memo made after it is */
    mark = mfa_fcache_mark(&c);
    assert_true(mfa_fcache_fresh(&c, h2, mark));
    assert_true(mfa_fcache_fresh(&c, h1, mark));

    /* a flush: nothing is */
    mfa_fcache_flush(&c);
    assert_false(mfa_fcache_fresh(&c, h1, mark));
    assert_false(mfa_fcache_fresh(&c, h2, mark));

    mfa_fcache_free(&c);

    /* no cache: never */
    assert_false(mfa_fcache_fresh(&c, h1, 0));
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_memo_round_trip),
        cmocka_unit_test(test_memo_refused),
        cmocka_unit_test(test_memo_key),
        cmocka_unit_test(test_memo_fresh),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
