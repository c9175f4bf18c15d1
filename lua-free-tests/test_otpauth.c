
/*
 * Unit tests of the otpauth:// URI builder (src/mfa_otpauth.c): golden
 * strings for the default and non-default profiles, percent-encoding of
 * the label and issuer, what it refuses, and buffers too small.
 */


#include "mfa_test.h"

#include "mfa_otpauth.h"


#define GOLDEN  "otpauth://totp/Acme%20Dashboard:alice%40example.com" \
                "?secret=JBSWY3DPEHPK3PXP&issuer=Acme%20Dashboard"


static const mfa_totp_params_t  defaults = { MFA_TOTP_SHA1, 6, 30, 1 };


static size_t
hello_secret(uint8_t *secret)
{
    /* JBSWY3DPEHPK3PXP */
    return mfa_test_unhex("48656c6c6f21deadbeef", secret, 10);
}


static void
test_golden_default(void **state)
{
    int                rc;
    char               out[256];
    size_t             n, len;
    uint8_t            secret[10];
    mfa_err_t          err;
    mfa_totp_params_t  p;

    len = hello_secret(secret);

    memset(out, '#', sizeof(out));
    n = 0;

    rc = mfa_otpauth_uri("Acme Dashboard", "alice@example.com", secret, len,
                         &defaults, out, sizeof(out), &n, &err);

    assert_int_equal(rc, MFA_OK);
    assert_string_equal(out, GOLDEN);
    assert_int_equal(n, strlen(GOLDEN));

    /* the skew is not part of the URI */

    p = defaults;
    p.skew = 0;

    rc = mfa_otpauth_uri("Acme Dashboard", "alice@example.com", secret, len,
                         &p, out, sizeof(out), &n, &err);
    assert_int_equal(rc, MFA_OK);
    assert_string_equal(out, GOLDEN);
}


static void
test_golden_non_default(void **state)
{
    char               out[256];
    size_t             n, len;
    uint8_t            secret[10];
    mfa_err_t          err;
    mfa_totp_params_t  p;

    len = hello_secret(secret);

    p.alg = MFA_TOTP_SHA256;
    p.digits = 8;
    p.period = 60;
    p.skew = 1;

    assert_int_equal(mfa_otpauth_uri("Acme Dashboard", "alice@example.com",
                                     secret, len, &p, out, sizeof(out), &n,
                                     &err), MFA_OK);
    assert_string_equal(out, GOLDEN "&algorithm=SHA256&digits=8&period=60");
    assert_int_equal(n, strlen(out));

    /* each parameter alone */

    p.alg = MFA_TOTP_SHA512;
    p.digits = 6;
    p.period = 30;
    assert_int_equal(mfa_otpauth_uri("Acme Dashboard", "alice@example.com",
                                     secret, len, &p, out, sizeof(out), &n,
                                     &err), MFA_OK);
    assert_string_equal(out, GOLDEN "&algorithm=SHA512");

    p.alg = MFA_TOTP_SHA1;
    p.digits = 7;
    assert_int_equal(mfa_otpauth_uri("Acme Dashboard", "alice@example.com",
                                     secret, len, &p, out, sizeof(out), &n,
                                     &err), MFA_OK);
    assert_string_equal(out, GOLDEN "&digits=7");

    p.digits = 6;
    p.period = 45;
    assert_int_equal(mfa_otpauth_uri("Acme Dashboard", "alice@example.com",
                                     secret, len, &p, out, sizeof(out), &n,
                                     &err), MFA_OK);
    assert_string_equal(out, GOLDEN "&period=45");
}


static void
test_encoding(void **state)
{
    char       out[512];
    size_t     n;
    uint8_t    secret[20];
    mfa_err_t  err;

    memcpy(secret, "12345678901234567890", 20);

    assert_int_equal(mfa_otpauth_uri("Caf\xc3\xa9 & Co", "bob+x/y?z#w@ex.org",
                                     secret, 20, &defaults, out, sizeof(out),
                                     &n, &err), MFA_OK);
    assert_string_equal(out,
                        "otpauth://totp/Caf%C3%A9%20%26%20Co:"
                        "bob%2Bx%2Fy%3Fz%23w%40ex.org"
                        "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
                        "&issuer=Caf%C3%A9%20%26%20Co");
    assert_int_equal(n, strlen(out));

    /* an issuer that tries to add parameters cannot */
    assert_int_equal(mfa_otpauth_uri("X&secret=AAAA", "a", secret, 20,
                                     &defaults, out, sizeof(out), &n, &err),
                     MFA_OK);
    assert_string_equal(out, "otpauth://totp/X%26secret%3DAAAA:a"
                        "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
                        "&issuer=X%26secret%3DAAAA");
}


static void
test_rejects(void **state)
{
    char               out[512];
    size_t             n;
    uint8_t            secret[65];
    mfa_err_t          err;
    mfa_totp_params_t  p;

    memset(secret, 0x5a, sizeof(secret));

    /* a colon in the issuer or the account */

    err.msg[0] = '\0';
    assert_int_equal(mfa_otpauth_uri("Acme:Dash", "alice", secret, 20,
                                     &defaults, out, sizeof(out), &n, &err),
                     MFA_ERROR);
    assert_true(mfa_test_contains(err.msg, "colon"));

    err.msg[0] = '\0';
    assert_int_equal(mfa_otpauth_uri("Acme", "alice:admin", secret, 20,
                                     &defaults, out, sizeof(out), &n, &err),
                     MFA_ERROR);
    assert_true(mfa_test_contains(err.msg, "colon"));

    assert_int_equal(mfa_otpauth_uri(":", "a", secret, 20, &defaults, out,
                                     sizeof(out), &n, &err), MFA_ERROR);
    assert_int_equal(mfa_otpauth_uri("a", ":", secret, 20, &defaults, out,
                                     sizeof(out), &n, &err), MFA_ERROR);

    /* empty issuer or account */

    assert_int_equal(mfa_otpauth_uri("", "alice", secret, 20, &defaults, out,
                                     sizeof(out), &n, &err), MFA_ERROR);
    assert_int_equal(mfa_otpauth_uri("Acme", "", secret, 20, &defaults, out,
                                     sizeof(out), &n, &err), MFA_ERROR);

    /* secret of 0 or more than 64 bytes; 64 is fine */

    assert_int_equal(mfa_otpauth_uri("Acme", "alice", secret, 0, &defaults,
                                     out, sizeof(out), &n, &err), MFA_ERROR);
    assert_int_equal(mfa_otpauth_uri("Acme", "alice", secret, 65, &defaults,
                                     out, sizeof(out), &n, &err), MFA_ERROR);
    assert_int_equal(mfa_otpauth_uri("Acme", "alice", secret, 64, &defaults,
                                     out, sizeof(out), &n, &err), MFA_OK);
    assert_int_equal(n, strlen("otpauth://totp/Acme:alice?secret=")
                        + 103 + strlen("&issuer=Acme"));

    /* bad parameters */

    p = defaults;
    p.digits = 9;
    err.msg[0] = '\0';
    assert_int_equal(mfa_otpauth_uri("Acme", "alice", secret, 20, &p, out,
                                     sizeof(out), &n, &err), MFA_ERROR);
    assert_true(mfa_test_contains(err.msg, "digits"));

    p = defaults;
    p.period = 0;
    assert_int_equal(mfa_otpauth_uri("Acme", "alice", secret, 20, &p, out,
                                     sizeof(out), &n, &err), MFA_ERROR);
}


static void
test_too_small(void **state)
{
    char               out[256];
    size_t             size, n, len, want;
    uint8_t            secret[10];
    mfa_err_t          err;
    mfa_totp_params_t  p;

    len = hello_secret(secret);
    want = strlen(GOLDEN);

    /* every size short of the URI and its NUL; nothing written past it */

    for (size = 0; size <= want; size++) {
        memset(out, '#', sizeof(out));
        err.msg[0] = '\0';

        if (mfa_otpauth_uri("Acme Dashboard", "alice@example.com", secret,
                            len, &defaults, out, size, &n, &err)
            != MFA_TOO_LARGE)
        {
            fail_msg("buffer of %zu bytes: not MFA_TOO_LARGE", size);
        }

        assert_true(mfa_test_contains(err.msg, "longer than"));
        assert_int_equal(out[size], '#');
    }

    memset(out, '#', sizeof(out));
    assert_int_equal(mfa_otpauth_uri("Acme Dashboard", "alice@example.com",
                                     secret, len, &defaults, out, want + 1,
                                     &n, &err), MFA_OK);
    assert_int_equal(n, want);
    assert_string_equal(out, GOLDEN);
    assert_int_equal(out[want + 1], '#');

    /* the extra parameters count too */

    p.alg = MFA_TOTP_SHA256;
    p.digits = 8;
    p.period = 60;
    p.skew = 1;

    assert_int_equal(mfa_otpauth_uri("Acme Dashboard", "alice@example.com",
                                     secret, len, &p, out, want + 1, &n,
                                     &err), MFA_TOO_LARGE);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_golden_default),
        cmocka_unit_test(test_golden_non_default),
        cmocka_unit_test(test_encoding),
        cmocka_unit_test(test_rejects),
        cmocka_unit_test(test_too_small),
    };

    return cmocka_run_group_tests_name("otpauth", tests, NULL, NULL);
}
