
/*
 * Unit tests of base32 (src/mfa_base32.c) and base64url
 * (src/mfa_base64.c): RFC 4648 vectors, round trips, the forgiving input
 * base32 accepts, the characters and lengths both reject, and output
 * buffers too small.
 */


#include "mfa_test.h"

#include "mfa_base32.h"
#include "mfa_base64.h"


typedef struct {
    const char  *plain;
    const char  *encoded;
} vector_t;


/* RFC 4648 section 10, without the padding */
static const vector_t  base32_vectors[] = {
    { "", "" },
    { "f", "MY" },
    { "fo", "MZXQ" },
    { "foo", "MZXW6" },
    { "foob", "MZXW6YQ" },
    { "fooba", "MZXW6YTB" },
    { "foobar", "MZXW6YTBOI" }
};

/* RFC 4648 section 10, padded as printed there */
static const char  *base32_padded[] = {
    "", "MY======", "MZXQ====", "MZXW6===", "MZXW6YQ=", "MZXW6YTB",
    "MZXW6YTBOI======"
};

/* RFC 4648 section 10 (base64), without the padding */
static const vector_t  base64_vectors[] = {
    { "", "" },
    { "f", "Zg" },
    { "fo", "Zm8" },
    { "foo", "Zm9v" },
    { "foob", "Zm9vYg" },
    { "fooba", "Zm9vYmE" },
    { "foobar", "Zm9vYmFy" }
};


static int
b32_decode(const char *in, uint8_t *out, size_t out_size, size_t *out_len)
{
    mfa_err_t  err;

    err.msg[0] = '\0';

    return mfa_base32_decode(in, strlen(in), out, out_size, out_len, &err);
}


static void
test_base32_rfc4648_encode(void **state)
{
    char    out[32];
    size_t  i, n, len;

    for (i = 0; i < mfa_test_nelts(base32_vectors); i++) {
        len = strlen(base32_vectors[i].plain);
        memset(out, '#', sizeof(out));

        n = mfa_base32_encode((const uint8_t *) base32_vectors[i].plain, len,
                              out);

        assert_int_equal(n, strlen(base32_vectors[i].encoded));
        assert_int_equal(n, mfa_base32_encoded_len(len));
        assert_memory_equal(out, base32_vectors[i].encoded, n);

        /* nothing written past the length returned */
        assert_int_equal(out[n], '#');
    }
}


static void
test_base32_rfc4648_decode(void **state)
{
    size_t   i, n;
    uint8_t  out[32];

    for (i = 0; i < mfa_test_nelts(base32_vectors); i++) {
        n = 99;
        assert_int_equal(b32_decode(base32_vectors[i].encoded, out,
                                    sizeof(out), &n), MFA_OK);
        assert_int_equal(n, strlen(base32_vectors[i].plain));
        assert_memory_equal(out, base32_vectors[i].plain, n);

        n = 99;
        assert_int_equal(b32_decode(base32_padded[i], out, sizeof(out), &n),
                         MFA_OK);
        assert_int_equal(n, strlen(base32_vectors[i].plain));
        assert_memory_equal(out, base32_vectors[i].plain, n);
    }
}


static void
test_base32_known_secret(void **state)
{
    char     enc[32];
    size_t   n;
    uint8_t  out[32], want[10];

    mfa_test_unhex("48656c6c6f21deadbeef", want, sizeof(want));

    assert_int_equal(b32_decode("JBSWY3DPEHPK3PXP", out, sizeof(out), &n),
                     MFA_OK);
    assert_int_equal(n, 10);
    assert_memory_equal(out, want, 10);

    n = mfa_base32_encode(want, 10, enc);
    assert_int_equal(n, 16);
    assert_memory_equal(enc, "JBSWY3DPEHPK3PXP", 16);

    /* the RFC 4226 seed */
    n = mfa_base32_encode((const uint8_t *) "12345678901234567890", 20, enc);
    assert_int_equal(n, 32);
    assert_memory_equal(enc, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", 32);
}


static void
test_base32_round_trip(void **state)
{
    int      round;
    char     enc[mfa_base32_encoded_len(100) + 1];
    size_t   len, n, m, i;
    uint8_t  in[100], out[100];

    for (round = 0; round < 20; round++) {
        for (len = 0; len <= 100; len++) {
            mfa_test_random(in, len);

            n = mfa_base32_encode(in, len, enc);
            assert_int_equal(n, mfa_base32_encoded_len(len));

            for (i = 0; i < n; i++) {
                assert_non_null(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
                                       enc[i]));
                assert_int_not_equal(enc[i], '\0');
            }

            m = 999;
            assert_int_equal(mfa_base32_decode(enc, n, out, len, &m, NULL),
                             MFA_OK);
            assert_int_equal(m, len);
            assert_memory_equal(out, in, len);
        }
    }
}


static void
test_base32_forgiving_input(void **state)
{
    size_t   i, n;
    uint8_t  out[32], want[10];

    static const char  *forms[] = {
        "jbswy3dpehpk3pxp",
        "JbSwY3dPeHpK3pXp",
        "JBSW Y3DP EHPK 3PXP",
        "jbsw y3dp ehpk 3pxp",
        "JBSW-Y3DP-EHPK-3PXP",
        " JBSWY3DPEHPK3PXP ",
        "JBSWY3DPEHPK3PXP======",
        "JBSWY3DPEHPK3PXP=",
        "J B S W Y 3 D P E H P K 3 P X P",
    };

    mfa_test_unhex("48656c6c6f21deadbeef", want, sizeof(want));

    for (i = 0; i < mfa_test_nelts(forms); i++) {
        n = 0;

        if (b32_decode(forms[i], out, sizeof(out), &n) != MFA_OK) {
            fail_msg("\"%s\" rejected", forms[i]);
        }

        assert_int_equal(n, 10);
        assert_memory_equal(out, want, 10);
    }
}


static void
test_base32_invalid_characters(void **state)
{
    size_t     i, n;
    uint8_t    out[32];
    mfa_err_t  err;

    static const char  *bad[] = {
        "JBSWY3DPEHPK3PX0",
        "JBSWY3DPEHPK3PX1",
        "JBSWY3DPEHPK3PX8",
        "JBSWY3DPEHPK3PX9",
        "JBSWY3DPEHPK3PX!",
        "JBSWY3DPEHPK3PX\xc3\xa9",
        "JBSWY3DPEHPK3PX\x80",
        "JBSWY3DPEHPK3P\tX",
        "JBSWY3DPEHPK3P\nX",
        "JBSWY3DPEHPK3P_X",
        "JBSWY3DPEHPK3P+X",
        "JBSWY3DPEHPK3P/X",
        "JBSWY3DPEHPK3P.X",
        "JBSWY3DPEHPK3P@X",
        "JBSWY3DPEHPK3P[X",
        "JBSWY3DPEHPK3P{X",
    };

    for (i = 0; i < mfa_test_nelts(bad); i++) {
        err.msg[0] = '\0';
        n = 0;

        if (mfa_base32_decode(bad[i], strlen(bad[i]), out, sizeof(out), &n,
                              &err)
            != MFA_ERROR)
        {
            fail_msg("\"%s\" accepted", bad[i]);
        }

        assert_true(mfa_test_contains(err.msg, "invalid base32 character"));
    }

    /* the offset of the bad character is reported */
    err.msg[0] = '\0';
    assert_int_equal(mfa_base32_decode("MZXW0", 5, out, sizeof(out), &n,
                                       &err), MFA_ERROR);
    assert_true(mfa_test_contains(err.msg, "offset 4"));

    /* a NUL inside the given length is a character like any other */
    assert_int_equal(mfa_base32_decode("MZ\0XW6", 6, out, sizeof(out), &n,
                                       NULL), MFA_ERROR);
}


static void
test_base32_impossible_lengths(void **state)
{
    size_t     i, n;
    uint8_t    out[64];
    mfa_err_t  err;

    static const char  *bad[] = {
        "M", "MZX", "MZXW6Y",
        "MZXW6YTBO", "MZXW6YTBOIM", "MZXW6YTBOIMZXW",
        "M=======", "MZX=====", "MZXW6Y==",
        "M Z X",
    };

    static const char  *good[] = {
        "MY", "MZXQ", "MZXW6", "MZXW6YQ", "MZXW6YTB",
        "MZXW6YTBOI", "MZXW6YTBOIMY",
    };

    for (i = 0; i < mfa_test_nelts(bad); i++) {
        err.msg[0] = '\0';

        if (mfa_base32_decode(bad[i], strlen(bad[i]), out, sizeof(out), &n,
                              &err)
            != MFA_ERROR)
        {
            fail_msg("\"%s\" accepted", bad[i]);
        }

        assert_true(mfa_test_contains(err.msg, "impossible length"));
    }

    for (i = 0; i < mfa_test_nelts(good); i++) {
        if (b32_decode(good[i], out, sizeof(out), &n) != MFA_OK) {
            fail_msg("\"%s\" rejected", good[i]);
        }

        assert_int_equal(n, strlen(good[i]) * 5 / 8);
    }
}


static void
test_base32_output_too_small(void **state)
{
    size_t     n, size;
    uint8_t    out[16];
    mfa_err_t  err;

    /* "foobar" is 6 bytes */

    for (size = 0; size < 6; size++) {
        memset(out, 0xa5, sizeof(out));
        err.msg[0] = '\0';

        assert_int_equal(mfa_base32_decode("MZXW6YTBOI", 10, out, size, &n,
                                           &err), MFA_TOO_LARGE);
        assert_true(mfa_test_contains(err.msg, "longer than"));

        /* nothing written past the size given */
        assert_int_equal(out[size], 0xa5);
    }

    assert_int_equal(mfa_base32_decode("MZXW6YTBOI", 10, out, 6, &n, NULL),
                     MFA_OK);
    assert_int_equal(n, 6);
    assert_memory_equal(out, "foobar", 6);

    /* an empty value fits anywhere */
    assert_int_equal(mfa_base32_decode("", 0, out, 0, &n, NULL), MFA_OK);
    assert_int_equal(n, 0);
    assert_int_equal(mfa_base32_decode("  ==--", 6, out, 0, &n, NULL), MFA_OK);
    assert_int_equal(n, 0);
}


static void
test_base64url_rfc4648(void **state)
{
    char     enc[32];
    size_t   i, n, len, enc_len;
    uint8_t  out[32];

    for (i = 0; i < mfa_test_nelts(base64_vectors); i++) {
        len = strlen(base64_vectors[i].plain);

        n = mfa_base64url_encode((const uint8_t *) base64_vectors[i].plain,
                                 len, enc);
        assert_int_equal(n, strlen(base64_vectors[i].encoded));
        assert_int_equal(n, mfa_base64url_encoded_len(len));
        assert_memory_equal(enc, base64_vectors[i].encoded, n);

        enc_len = strlen(base64_vectors[i].encoded);
        n = 99;
        assert_int_equal(mfa_base64url_decode(base64_vectors[i].encoded,
                                              enc_len, out, sizeof(out), &n),
                         MFA_OK);
        assert_int_equal(n, len);
        assert_memory_equal(out, base64_vectors[i].plain, len);
    }
}


static void
test_base64url_alphabet(void **state)
{
    char     enc[8];
    size_t   n;
    uint8_t  in[3], out[3];

    /* 0xfb 0xff: "+/8" in base64, "-_8" in base64url */

    in[0] = 0xfb;
    in[1] = 0xff;

    n = mfa_base64url_encode(in, 2, enc);
    assert_int_equal(n, 3);
    assert_memory_equal(enc, "-_8", 3);

    assert_int_equal(mfa_base64url_decode("-_8", 3, out, sizeof(out), &n),
                     MFA_OK);
    assert_int_equal(n, 2);
    assert_memory_equal(out, in, 2);

    in[0] = 0xff;
    in[1] = 0xff;
    in[2] = 0xff;
    n = mfa_base64url_encode(in, 3, enc);
    assert_int_equal(n, 4);
    assert_memory_equal(enc, "____", 4);
}


static void
test_base64url_round_trip(void **state)
{
    int      round;
    char     enc[mfa_base64url_encoded_len(100) + 1];
    size_t   len, n, m, i;
    uint8_t  in[100], out[100];

    for (round = 0; round < 20; round++) {
        for (len = 0; len <= 100; len++) {
            mfa_test_random(in, len);

            n = mfa_base64url_encode(in, len, enc);
            assert_int_equal(n, mfa_base64url_encoded_len(len));

            for (i = 0; i < n; i++) {
                assert_non_null(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                       "abcdefghijklmnopqrstuvwxyz"
                                       "0123456789-_", enc[i]));
                assert_int_not_equal(enc[i], '\0');
            }

            m = 999;
            assert_int_equal(mfa_base64url_decode(enc, n, out, len, &m),
                             MFA_OK);
            assert_int_equal(m, len);
            assert_memory_equal(out, in, len);

            /* one byte less of room is too little */
            if (len > 0) {
                assert_int_equal(mfa_base64url_decode(enc, n, out, len - 1,
                                                      &m), MFA_TOO_LARGE);
            }
        }
    }
}


static void
test_base64url_rejects(void **state)
{
    size_t   i, n;
    uint8_t  out[32];

    static const char  *bad[] = {
        "Zm9v+mFy", "Zm9v/mFy", "Zm9vYg==", "Zm9vYg=", "Zm8=",
        "Zm9 v", "Zm9v\n", "Zm9v.", "Zm9v\xc3\xa9",
        /* 1 character mod 4 cannot end on a byte */
        "Z", "Zm9vY", "Zm9vYmFyZ",
        /* bits after the last byte: "Zm8" is "fo", "Zm9" its twin */
        "Zm9", "Zh", "AB", "AAB", "-_9",
    };

    for (i = 0; i < mfa_test_nelts(bad); i++) {
        if (mfa_base64url_decode(bad[i], strlen(bad[i]), out, sizeof(out),
                                 &n)
            != MFA_ERROR)
        {
            fail_msg("\"%s\" accepted", bad[i]);
        }
    }

    assert_int_equal(mfa_base64url_decode("Zm\0v", 4, out, sizeof(out), &n),
                     MFA_ERROR);
    assert_int_equal(mfa_base64url_decode("", 0, out, 0, &n), MFA_OK);
    assert_int_equal(n, 0);

    /* the canonical twins decode */
    assert_int_equal(mfa_base64url_decode("Zm8", 3, out, sizeof(out), &n),
                     MFA_OK);
    assert_int_equal(n, 2);
    assert_memory_equal(out, "fo", 2);
    assert_int_equal(mfa_base64url_decode("Zg", 2, out, sizeof(out), &n),
                     MFA_OK);
}


/* what java.util.Base64.getDecoder().decode() answered (OpenJDK 17): the
   value, or NULL for an IllegalArgumentException */
static const vector_t  java_vectors[] = {
    { "abc", "YWJj" }, { "ab", "YWI" }, { "ab", "YWI=" }, { "a", "YQ" },
    { "a", "YQ==" }, { "", "" },
    /* the bits after the last byte do not count */
    { "ab", "YWJ=" }, { "a", "YR" },
    /* padding: complete, and nothing after it */
    { NULL, "YQ=" }, { NULL, "YWJj=" }, { NULL, "YWJj==" },
    { NULL, "YQ===" }, { NULL, "YWJjYQ==YQ==" }, { NULL, "=" },
    { NULL, "==" }, { NULL, "====" },
    /* the standard alphabet only, no white space */
    { NULL, "YW-j" }, { NULL, "YW_j" }, { NULL, "YW Jj" },
    { NULL, "YWJj\n" }, { NULL, "Y" },
};


static void
test_base64_java(void **state)
{
    int      rc;
    char     enc[mfa_base64_padded_len(64)];
    size_t   i, n, len;
    uint8_t  in[64], out[64];

    for (i = 0; i < mfa_test_nelts(java_vectors); i++) {
        n = 99;
        rc = mfa_base64_java_decode(java_vectors[i].encoded,
                                    strlen(java_vectors[i].encoded), out,
                                    sizeof(out), &n);

        if (java_vectors[i].plain == NULL) {
            if (rc != MFA_ERROR) {
                fail_msg("\"%s\" accepted", java_vectors[i].encoded);
            }

            continue;
        }

        assert_int_equal(rc, MFA_OK);
        assert_int_equal(n, strlen(java_vectors[i].plain));
        assert_memory_equal(out, java_vectors[i].plain, n);
    }

    /* what the encoder writes, the decoder reads back */

    for (len = 0; len <= sizeof(in); len++) {
        mfa_test_random(in, len);

        n = mfa_base64_encode_padded(in, len, enc);
        assert_int_equal(n, mfa_base64_padded_len(len));
        assert_int_equal(n % 4, 0);

        assert_int_equal(mfa_base64_java_decode(enc, n, out, len, &i),
                         MFA_OK);
        assert_int_equal(i, len);
        assert_memory_equal(out, in, len);
    }

    n = mfa_base64_encode_padded((const uint8_t *) "\xfb\xff", 2, enc);
    assert_int_equal(n, 4);
    assert_memory_equal(enc, "+/8=", 4);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_base32_rfc4648_encode),
        cmocka_unit_test(test_base32_rfc4648_decode),
        cmocka_unit_test(test_base32_known_secret),
        cmocka_unit_test(test_base32_round_trip),
        cmocka_unit_test(test_base32_forgiving_input),
        cmocka_unit_test(test_base32_invalid_characters),
        cmocka_unit_test(test_base32_impossible_lengths),
        cmocka_unit_test(test_base32_output_too_small),
        cmocka_unit_test(test_base64url_rfc4648),
        cmocka_unit_test(test_base64url_alphabet),
        cmocka_unit_test(test_base64url_round_trip),
        cmocka_unit_test(test_base64url_rejects),
        cmocka_unit_test(test_base64_java),
    };

    return cmocka_run_group_tests_name("base32", tests, NULL, NULL);
}
