
/*
 * Unit tests of the core when OpenSSL fails: with a default property query
 * that no provider matches, every HMAC, digest, derivation and cipher the
 * core asks for fails.  Each keyed hash then says so, and no check built
 * on one passes, not even for values that were right a moment before
 * (a CSRF token, a TOTP code, a framework's cookie signature, a sealed
 * secret): the core fails closed.
 */


#include "mfa_test.h"

#include <openssl/evp.h>

#include "mfa_cookie.h"
#include "mfa_crypto.h"
#include "mfa_recovery.h"
#include "mfa_totp.h"


/* the express-session cookie of test_cookie.c, signed with "keyboard cat" */
#define EXPRESS_COOKIE  "sid=s:abcDEF123-_x." \
                        "iVYCe5XFM5444m4zUp+ACPo4yx7D26+8HeIaMn9mw7E"


typedef struct {
    mfa_key_t          key;
    uint8_t            secret[20];
    char               token[MFA_TOKEN_LEN];
    char               code[MFA_TOTP_MAX_DIGITS + 1];
    uint8_t            sealed[64];
    size_t             sealed_len;
    mfa_seal_ad_t      ad;
    mfa_totp_params_t  params;
    mfa_cookie_spec_t  spec;
} fixture_t;


static fixture_t  fx;


static void
break_openssl(void)
{
    assert_int_equal(EVP_set_default_properties(NULL, "provider=nowhere"),
                     1);
}


static void
mend_openssl(void)
{
    assert_int_equal(EVP_set_default_properties(NULL, ""), 1);
}


/* values that are right while OpenSSL works */

static int
setup(void **state)
{
    uint8_t   bytes[MFA_KEY_LEN];
    uint32_t  value;

    memset(bytes, 7, sizeof(bytes));
    memset(fx.secret, 9, sizeof(fx.secret));

    if (mfa_key_from_bytes(&fx.key, bytes) != MFA_OK) {
        return -1;
    }

    if (mfa_token_make(fx.key.key, "csrf", "s", 1, 2000, fx.token) != MFA_OK
        || mfa_token_check(fx.key.key, "csrf", "s", 1, fx.token,
                           MFA_TOKEN_LEN, 1000) != 1)
    {
        return -1;
    }

    fx.params.alg = MFA_TOTP_SHA1;
    fx.params.digits = 6;
    fx.params.period = 30;
    fx.params.skew = 1;

    if (mfa_hotp(fx.secret, sizeof(fx.secret), 1000 / 30, MFA_TOTP_SHA1, 6,
                 &value)
        != MFA_OK)
    {
        return -1;
    }

    mfa_hotp_format(value, 6, fx.code);

    fx.ad.prefix = MFA_TEST_STR("mfa:");
    fx.ad.field = "secret";
    fx.ad.owner = MFA_TEST_STR("42");

    if (mfa_seal(&fx.key, &fx.ad, fx.secret, sizeof(fx.secret), fx.sealed,
                 &fx.sealed_len)
        != MFA_OK)
    {
        return -1;
    }

    fx.spec.flavour = MFA_COOKIE_EXPRESS;
    fx.spec.name = MFA_TEST_STR("sid");
    fx.spec.nsecrets = 1;
    fx.spec.secrets[0] = MFA_TEST_STR("keyboard cat");

    return 0;
}


static void
test_keyed_hashes_fail(void **state)
{
    char       digest[MFA_SESSION_DIGEST_LEN], token[MFA_TOKEN_LEN];
    uint8_t    out[64];
    mfa_key_t  key;

    break_openssl();

    assert_int_equal(mfa_hmac_sha256(fx.key.key, MFA_KEY_LEN, "m", 1, out),
                     MFA_ERROR);
    assert_int_equal(mfa_hmac_sha1(fx.key.key, MFA_KEY_LEN, "m", 1, out),
                     MFA_ERROR);
    assert_int_equal(mfa_key_derive(&fx.key, "csrf", out), MFA_ERROR);
    assert_int_equal(mfa_key_from_bytes(&key, fx.secret), MFA_ERROR);
    assert_int_equal(mfa_token_make(fx.key.key, "csrf", "s", 1, 2000, token),
                     MFA_ERROR);
    assert_int_equal(mfa_recovery_hash(fx.key.key, NULL, "42", 2,
                                       "abcde-fghjk", out),
                     MFA_ERROR);
    assert_int_equal(mfa_session_digest_init(&fx.key), MFA_ERROR);
    assert_int_equal(mfa_session_digest("id", 2, digest), MFA_ERROR);

    mend_openssl();

    /* and it was OpenSSL: mended, they work */
    assert_int_equal(mfa_session_digest_init(&fx.key), MFA_OK);
    assert_int_equal(mfa_session_digest("id", 2, digest), MFA_OK);
    assert_int_equal(mfa_key_derive(&fx.key, "csrf", out), MFA_OK);
}


static void
test_checks_fail_closed(void **state)
{
    char          out[MFA_COOKIE_SIG_MAX];
    size_t        len;
    uint8_t       plain[64];
    uint64_t      step;
    mfa_err_t     err;
    mfa_str_t     header;
    mfa_cookie_t  c;

    header = MFA_TEST_STR(EXPRESS_COOKIE);

    /* right while OpenSSL works */
    assert_int_equal(mfa_totp_verify(&fx.params, fx.secret, sizeof(fx.secret),
                                     1000, fx.code, 6, &step), 1);
    assert_int_equal(mfa_cookie_read(&fx.spec, &header, 1, &c, &err), MFA_OK);

    break_openssl();

    assert_int_equal(mfa_token_check(fx.key.key, "csrf", "s", 1, fx.token,
                                     MFA_TOKEN_LEN, 1000), 0);
    assert_true(mfa_totp_verify(&fx.params, fx.secret, sizeof(fx.secret),
                                1000, fx.code, 6, &step) != 1);
    assert_int_equal(mfa_cookie_sign(&fx.spec, &fx.spec.secrets[0],
                                     "abcDEF123-_x", 12, out), 0);
    assert_int_not_equal(mfa_cookie_read(&fx.spec, &header, 1, &c, &err),
                         MFA_OK);
    assert_int_not_equal(mfa_open(&fx.key, 1, &fx.ad, fx.sealed,
                                  fx.sealed_len, plain, &len, &err),
                         MFA_OK);

    mend_openssl();

    assert_int_equal(mfa_token_check(fx.key.key, "csrf", "s", 1, fx.token,
                                     MFA_TOKEN_LEN, 1000), 1);
    assert_int_equal(mfa_open(&fx.key, 1, &fx.ad, fx.sealed, fx.sealed_len,
                              plain, &len, &err), MFA_OK);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_keyed_hashes_fail),
        cmocka_unit_test(test_checks_fail_closed),
    };

    return cmocka_run_group_tests_name("crypto_fail", tests, setup, NULL);
}
