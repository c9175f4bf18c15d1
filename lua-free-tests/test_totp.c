
/*
 * Unit tests of HOTP and TOTP (src/mfa_totp.c): the RFC 4226 Appendix D
 * and RFC 6238 Appendix B vectors with their correct seeds, the wrong
 * values of known implementation pitfalls (never produced), leading
 * zeros, 64-bit time, the verification window, code syntax, parameter
 * checks, and a cross-check of random secrets against oathtool.
 */


#include "mfa_test.h"

#include <inttypes.h>
#include <sys/wait.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "mfa_base32.h"
#include "mfa_totp.h"


/* RFC 4226 Appendix D and RFC 6238 Appendix A seeds */
#define SEED20  "12345678901234567890"
#define SEED32  "12345678901234567890123456789012"
#define SEED64  "12345678901234567890123456789012" \
                "34567890123456789012345678901234"

/* the cross-check against oathtool */
#define CROSS_CHECKS        1000
#define HOTP_CROSS_CHECKS   100
/* 2500-01-01T00:00:00Z */
#define YEAR_2500           16725225600LL


typedef struct {
    int64_t          time;
    uint64_t         step;
    mfa_totp_alg_e   alg;
    const char      *totp;
} rfc6238_vector_t;


static const char  *rfc4226_hotp[] = {
    "755224", "287082", "359152", "969429", "338314",
    "254676", "287922", "162583", "399871", "520489"
};


static const rfc6238_vector_t  rfc6238[] = {
    { 59, 0x1, MFA_TOTP_SHA1, "94287082" },
    { 59, 0x1, MFA_TOTP_SHA256, "46119246" },
    { 59, 0x1, MFA_TOTP_SHA512, "90693936" },
    { 1111111109, 0x23523EC, MFA_TOTP_SHA1, "07081804" },
    { 1111111109, 0x23523EC, MFA_TOTP_SHA256, "68084774" },
    { 1111111109, 0x23523EC, MFA_TOTP_SHA512, "25091201" },
    { 1111111111, 0x23523ED, MFA_TOTP_SHA1, "14050471" },
    { 1111111111, 0x23523ED, MFA_TOTP_SHA256, "67062674" },
    { 1111111111, 0x23523ED, MFA_TOTP_SHA512, "99943326" },
    { 1234567890, 0x273EF07, MFA_TOTP_SHA1, "89005924" },
    { 1234567890, 0x273EF07, MFA_TOTP_SHA256, "91819424" },
    { 1234567890, 0x273EF07, MFA_TOTP_SHA512, "93441116" },
    { 2000000000, 0x3F940AA, MFA_TOTP_SHA1, "69279037" },
    { 2000000000, 0x3F940AA, MFA_TOTP_SHA256, "90698825" },
    { 2000000000, 0x3F940AA, MFA_TOTP_SHA512, "38618901" },
    { 20000000000LL, 0x27BC86AA, MFA_TOTP_SHA1, "65353130" },
    { 20000000000LL, 0x27BC86AA, MFA_TOTP_SHA256, "77737706" },
    { 20000000000LL, 0x27BC86AA, MFA_TOTP_SHA512, "47863826" }
};


/* the same rows, 6 digits (security_bar 1.4.2) */
static const char  *rfc6238_six[] = {
    "287082", "119246", "693936",
    "081804", "084774", "091201",
    "050471", "062674", "943326",
    "005924", "819424", "441116",
    "279037", "698825", "618901",
    "353130", "737706", "863826"
};


static const uint8_t *
seed_for(mfa_totp_alg_e alg, size_t *len)
{
    switch (alg) {
    case MFA_TOTP_SHA256:
        *len = 32;
        return (const uint8_t *) SEED32;
    case MFA_TOTP_SHA512:
        *len = 64;
        return (const uint8_t *) SEED64;
    default:
        *len = 20;
        return (const uint8_t *) SEED20;
    }
}


/* an HOTP code as a string: mfa_hotp then mfa_hotp_format */

static void
hotp_string(const uint8_t *key, size_t key_len, uint64_t counter,
    mfa_totp_alg_e alg, unsigned digits, char *out)
{
    uint32_t  code;

    code = 0xffffffff;

    assert_int_equal(mfa_hotp(key, key_len, counter, alg, digits, &code),
                     MFA_OK);
    assert_true(code < 100000000);

    mfa_hotp_format(code, digits, out);
    assert_int_equal(strlen(out), digits);
}


/*
 * A deliberately configurable HOTP used to reproduce the pitfalls:
 * counter_len 8 or 4 bytes (big-endian), the offset from the last byte
 * or from byte 19.
 */

static uint32_t
pitfall_hotp(const EVP_MD *md, const uint8_t *key, size_t key_len,
    uint64_t counter, size_t counter_len, int offset_from_19,
    unsigned digits)
{
    int       i;
    uint8_t   msg[8], mac[EVP_MAX_MD_SIZE];
    unsigned  mac_len, off;
    uint32_t  bin, mod;

    for (i = (int) counter_len - 1; i >= 0; i--) {
        msg[i] = (uint8_t) (counter & 0xff);
        counter >>= 8;
    }

    assert_non_null(HMAC(md, key, (int) key_len, msg, counter_len, mac,
                         &mac_len));

    off = (offset_from_19 ? mac[19] : mac[mac_len - 1]) & 0x0f;

    bin = ((uint32_t) (mac[off] & 0x7f) << 24)
          | ((uint32_t) mac[off + 1] << 16)
          | ((uint32_t) mac[off + 2] << 8)
          | (uint32_t) mac[off + 3];

    for (mod = 1; digits > 0; digits--) {
        mod *= 10;
    }

    return bin % mod;
}


static void
test_rfc4226_appendix_d(void **state)
{
    char      code[16];
    uint64_t  c;

    for (c = 0; c < 10; c++) {
        hotp_string((const uint8_t *) SEED20, 20, c, MFA_TOTP_SHA1, 6, code);
        assert_string_equal(code, rfc4226_hotp[c]);
    }
}


static void
test_rfc4226_extra_digits(void **state)
{
    char  code[16];

    /* Botan hotp.vec: the same key, 7 and 8 digits */

    hotp_string((const uint8_t *) SEED20, 20, 7, MFA_TOTP_SHA1, 7, code);
    assert_string_equal(code, "2162583");
    hotp_string((const uint8_t *) SEED20, 20, 8, MFA_TOTP_SHA1, 7, code);
    assert_string_equal(code, "3399871");
    hotp_string((const uint8_t *) SEED20, 20, 7, MFA_TOTP_SHA1, 8, code);
    assert_string_equal(code, "82162583");
    hotp_string((const uint8_t *) SEED20, 20, 8, MFA_TOTP_SHA1, 8, code);
    assert_string_equal(code, "73399871");
}


static void
test_rfc4226_modulo_digits(void **state)
{
    uint32_t  code;

    /*
     * RFC 4226 Appendix D row 1: the truncated value is 1094287082; the
     * code is that modulo 10^digits.
     */

    assert_int_equal(mfa_hotp((const uint8_t *) SEED20, 20, 1,
                              MFA_TOTP_SHA1, 8, &code), MFA_OK);
    assert_int_equal(code, 94287082);
    assert_int_equal(mfa_hotp((const uint8_t *) SEED20, 20, 1,
                              MFA_TOTP_SHA1, 7, &code), MFA_OK);
    assert_int_equal(code, 4287082);
    assert_int_equal(mfa_hotp((const uint8_t *) SEED20, 20, 1,
                              MFA_TOTP_SHA1, 6, &code), MFA_OK);
    assert_int_equal(code, 287082);
}


static void
test_rfc6238_appendix_b(void **state)
{
    char                     code[16];
    size_t                   i, len;
    uint64_t                 step;
    const uint8_t           *seed;
    const rfc6238_vector_t  *v;

    for (i = 0; i < mfa_test_nelts(rfc6238); i++) {
        v = &rfc6238[i];
        seed = seed_for(v->alg, &len);

        step = mfa_totp_step(v->time, 30);
        assert_int_equal(step, v->step);

        hotp_string(seed, len, step, v->alg, 8, code);

        if (strcmp(code, v->totp) != 0) {
            fail_msg("RFC 6238 row %zu (t=%" PRId64 ", %s): got %s, want %s",
                     i, v->time, mfa_totp_alg_name(v->alg), code, v->totp);
        }
    }
}


static void
test_rfc6238_six_digits(void **state)
{
    char                     code[16];
    size_t                   i, len;
    const uint8_t           *seed;
    const rfc6238_vector_t  *v;

    for (i = 0; i < mfa_test_nelts(rfc6238); i++) {
        v = &rfc6238[i];
        seed = seed_for(v->alg, &len);

        hotp_string(seed, len, mfa_totp_step(v->time, 30), v->alg, 6, code);
        assert_string_equal(code, rfc6238_six[i]);

        /* 6 digits are the last 6 of the 8 */
        assert_string_equal(code, v->totp + 2);
    }
}


static void
test_rfc6238_verify(void **state)
{
    size_t                   i, len;
    uint64_t                 step;
    const uint8_t           *seed;
    mfa_totp_params_t        p;
    const rfc6238_vector_t  *v;

    /* every row is accepted by mfa_totp_verify at its own time, skew 0 */

    for (i = 0; i < mfa_test_nelts(rfc6238); i++) {
        v = &rfc6238[i];
        seed = seed_for(v->alg, &len);

        p.alg = v->alg;
        p.digits = 8;
        p.period = 30;
        p.skew = 0;

        step = 0;
        assert_int_equal(mfa_totp_verify(&p, seed, len, v->time, v->totp, 8,
                                         &step), 1);
        assert_int_equal(step, v->step);

        /* and not one step later */
        assert_int_equal(mfa_totp_verify(&p, seed, len, v->time + 30,
                                         v->totp, 8, &step), 0);
    }
}


static void
test_pitfall_values_never_produced(void **state)
{
    char           code[16];
    uint32_t       value;
    const EVP_MD  *sha256, *sha512;

    sha256 = EVP_sha256();
    sha512 = EVP_sha512();

    /*
     * Each pitfall reproduced here gives exactly the wrong value that
     * security_bar 1.3 lists, so the wrong values are the ones the bugs
     * produce; the module must give the right one instead.
     */

    /* offset from byte 19 with SHA-256/512 */

    assert_int_equal(pitfall_hotp(sha256, (const uint8_t *) SEED32, 32, 1, 8,
                                  1, 8), 88769542);
    assert_int_equal(pitfall_hotp(sha512, (const uint8_t *) SEED64, 64, 1, 8,
                                  1, 8), 31748108);

    hotp_string((const uint8_t *) SEED32, 32, 1, MFA_TOTP_SHA256, 8, code);
    assert_string_not_equal(code, "88769542");
    assert_string_not_equal(code, "32247374");
    assert_string_equal(code, "46119246");

    hotp_string((const uint8_t *) SEED64, 64, 1, MFA_TOTP_SHA512, 8, code);
    assert_string_not_equal(code, "31748108");
    assert_string_not_equal(code, "69342147");
    assert_string_equal(code, "90693936");

    /* the 20-byte seed for SHA-256/512 (RFC 6238 erratum) */

    assert_int_equal(pitfall_hotp(sha256, (const uint8_t *) SEED20, 20, 1, 8,
                                  0, 8), 32247374);
    assert_int_equal(pitfall_hotp(sha512, (const uint8_t *) SEED20, 20, 1, 8,
                                  0, 8), 69342147);

    /* the module computes the same given the same (wrong) seed */

    hotp_string((const uint8_t *) SEED20, 20, 1, MFA_TOTP_SHA256, 8, code);
    assert_string_equal(code, "32247374");
    hotp_string((const uint8_t *) SEED20, 20, 1, MFA_TOTP_SHA512, 8, code);
    assert_string_equal(code, "69342147");

    /* a 4-byte counter */

    assert_int_equal(pitfall_hotp(EVP_sha1(), (const uint8_t *) SEED20, 20, 1,
                                  4, 0, 6), 675152);

    assert_int_equal(mfa_hotp((const uint8_t *) SEED20, 20, 1, MFA_TOTP_SHA1,
                              6, &value), MFA_OK);
    assert_int_not_equal(value, 675152);
    assert_int_equal(value, 287082);
}


static void
test_leading_zero_kept(void **state)
{
    char               code[16];
    uint32_t           value;
    uint64_t           step;
    mfa_totp_params_t  p;

    assert_int_equal(mfa_hotp((const uint8_t *) SEED20, 20,
                              mfa_totp_step(1111111109, 30), MFA_TOTP_SHA1, 8,
                              &value), MFA_OK);
    assert_int_equal(value, 7081804);

    memset(code, 'x', sizeof(code));
    mfa_hotp_format(value, 8, code);
    assert_string_equal(code, "07081804");

    mfa_hotp_format(0, 6, code);
    assert_string_equal(code, "000000");
    mfa_hotp_format(5924, 6, code);
    assert_string_equal(code, "005924");
    mfa_hotp_format(99999999, 8, code);
    assert_string_equal(code, "99999999");

    p.alg = MFA_TOTP_SHA1;
    p.digits = 8;
    p.period = 30;
    p.skew = 1;

    assert_int_equal(mfa_totp_verify(&p, (const uint8_t *) SEED20, 20,
                                     1111111109, "07081804", 8, &step), 1);
    assert_int_equal(step, 0x23523EC);

    /* the zero is part of the code, not optional */
    assert_int_equal(mfa_totp_verify(&p, (const uint8_t *) SEED20, 20,
                                     1111111109, "7081804", 7, &step), 0);
    assert_int_equal(mfa_totp_verify(&p, (const uint8_t *) SEED20, 20,
                                     1111111109, "7081804 ", 8, &step), 0);
}


static void
test_64bit_time(void **state)
{
    char               code[16];
    uint64_t           step;
    mfa_totp_params_t  p;

    /* 20000000000 is past 2^32: T = 0x27BC86AA */

    assert_int_equal(mfa_totp_step(20000000000LL, 30), 0x27BC86AAULL);
    assert_int_equal(mfa_totp_step(4294967296LL * 30, 30), 4294967296ULL);
    assert_int_equal(mfa_totp_step(INT64_MAX, 1), (uint64_t) INT64_MAX);

    /* times before 1970 give step 0 */
    assert_int_equal(mfa_totp_step(-1, 30), 0);
    assert_int_equal(mfa_totp_step(INT64_MIN, 30), 0);
    assert_int_equal(mfa_totp_step(29, 30), 0);
    assert_int_equal(mfa_totp_step(30, 30), 1);
    assert_int_equal(mfa_totp_step(59, 30), 1);
    assert_int_equal(mfa_totp_step(60, 30), 2);

    p.alg = MFA_TOTP_SHA1;
    p.digits = 8;
    p.period = 30;
    p.skew = 1;

    assert_int_equal(mfa_totp_verify(&p, (const uint8_t *) SEED20, 20,
                                     20000000000LL, "65353130", 8, &step), 1);
    assert_int_equal(step, 0x27BC86AAULL);

    /* a counter beyond 32 bits differs from its low 32 bits */

    hotp_string((const uint8_t *) SEED20, 20, 0x100000001ULL, MFA_TOTP_SHA1,
                6, code);
    assert_string_not_equal(code, "287082");
}


static void
window_code(uint64_t counter, char *code)
{
    hotp_string((const uint8_t *) SEED20, 20, counter, MFA_TOTP_SHA1, 6,
                code);
}


static int
verify6(unsigned skew, int64_t now, const char *code, uint64_t *step)
{
    mfa_totp_params_t  p;

    p.alg = MFA_TOTP_SHA1;
    p.digits = 6;
    p.period = 30;
    p.skew = skew;

    return mfa_totp_verify(&p, (const uint8_t *) SEED20, 20, now, code,
                           strlen(code), step);
}


static void
test_window_one_step(void **state)
{
    char      t1[8], t2[8];
    int64_t   now;
    uint64_t  step;

    window_code(1, t1);
    window_code(2, t2);
    assert_string_equal(t1, "287082");
    assert_string_not_equal(t1, t2);

    /* the T=1 code: T=0 (+1), T=1 (0), T=2 (-1); not T=3 */

    for (now = 0; now < 90; now++) {
        step = 12345;
        if (verify6(1, now, t1, &step) != 1) {
            fail_msg("T=1 code rejected at t=%" PRId64, now);
        }

        assert_int_equal(step, 1);
    }

    for (now = 90; now < 150; now++) {
        if (verify6(1, now, t1, &step) != 0) {
            fail_msg("T=1 code accepted at t=%" PRId64, now);
        }
    }

    assert_int_equal(verify6(1, 89, t1, &step), 1);
    assert_int_equal(verify6(1, 119, t1, &step), 0);

    /* the T=2 code: from t=30 (T=1) to t=119 (T=3) */

    assert_int_equal(verify6(1, 29, t2, &step), 0);
    assert_int_equal(verify6(1, 30, t2, &step), 1);
    assert_int_equal(step, 2);
    assert_int_equal(verify6(1, 119, t2, &step), 1);
    assert_int_equal(step, 2);
    assert_int_equal(verify6(1, 120, t2, &step), 0);
}


static void
test_window_matched_step(void **state)
{
    char      code[8];
    uint64_t  step, c;

    /* the step returned is the code's own step, whichever side it is */

    for (c = 2; c < 40; c++) {
        window_code(c, code);

        step = 0;
        assert_int_equal(verify6(1, (int64_t) (c - 1) * 30, code, &step), 1);
        assert_int_equal(step, c);        /* +1 */

        step = 0;
        assert_int_equal(verify6(1, (int64_t) c * 30 + 15, code, &step), 1);
        assert_int_equal(step, c);        /* 0 */

        step = 0;
        assert_int_equal(verify6(1, (int64_t) (c + 1) * 30 + 29, code,
                                 &step), 1);
        assert_int_equal(step, c);        /* -1 */

        assert_int_equal(verify6(1, (int64_t) (c - 2) * 30 + 29, code,
                                 &step), 0);
        assert_int_equal(verify6(1, (int64_t) (c + 2) * 30, code, &step), 0);
    }

    /* a wider window: two steps each side */

    window_code(100, code);
    assert_int_equal(verify6(2, 98 * 30, code, &step), 1);
    assert_int_equal(step, 100);
    assert_int_equal(verify6(2, 102 * 30 + 29, code, &step), 1);
    assert_int_equal(step, 100);
    assert_int_equal(verify6(2, 97 * 30 + 29, code, &step), 0);
    assert_int_equal(verify6(2, 103 * 30, code, &step), 0);

    /* step may be NULL */
    assert_int_equal(verify6(1, 100 * 30, code, NULL), 1);
}


static void
test_window_skew_zero(void **state)
{
    char      prev[8], cur[8], next[8];
    int64_t   now;
    uint64_t  step;

    window_code(9, prev);
    window_code(10, cur);
    window_code(11, next);

    for (now = 300; now < 330; now++) {
        assert_int_equal(verify6(0, now, cur, &step), 1);
        assert_int_equal(step, 10);
        assert_int_equal(verify6(0, now, prev, &step), 0);
        assert_int_equal(verify6(0, now, next, &step), 0);
    }

    assert_int_equal(verify6(0, 299, cur, &step), 0);
    assert_int_equal(verify6(0, 330, cur, &step), 0);
}


static void
test_window_at_epoch(void **state)
{
    char      code[8], c0[8], c1[8], c2[8];
    uint64_t  step;

    /*
     * At T=0 the steps before it do not exist: they must not wrap to the
     * end of the 64-bit counter space.
     */

    window_code(0, c0);
    window_code(1, c1);
    window_code(2, c2);

    window_code(UINT64_MAX, code);
    assert_string_not_equal(code, c0);
    assert_string_not_equal(code, c1);
    assert_string_not_equal(code, c2);
    assert_int_equal(verify6(2, 0, code, &step), 0);
    assert_int_equal(verify6(2, -100, code, &step), 0);

    window_code(UINT64_MAX - 1, code);
    assert_string_not_equal(code, c0);
    assert_string_not_equal(code, c1);
    assert_string_not_equal(code, c2);
    assert_int_equal(verify6(2, 0, code, &step), 0);

    window_code(0, code);
    assert_int_equal(verify6(2, 0, code, &step), 1);
    assert_int_equal(step, 0);
    assert_int_equal(verify6(2, -100, code, &step), 1);
    assert_int_equal(step, 0);
}


static void
test_code_syntax(void **state)
{
    char               code[8], buf[32];
    uint64_t           step;
    mfa_totp_params_t  p;

    p.alg = MFA_TOTP_SHA1;
    p.digits = 6;
    p.period = 30;
    p.skew = 0;

    window_code(1, code);
    assert_string_equal(code, "287082");        /* T=1: t=30..59 */

    assert_int_equal(verify6(0, 45, "287082", &step), 1);

    /* spaces anywhere are ignored */
    assert_int_equal(verify6(0, 45, "287 082", &step), 1);
    assert_int_equal(verify6(0, 45, " 287082", &step), 1);
    assert_int_equal(verify6(0, 45, "287082 ", &step), 1);
    assert_int_equal(verify6(0, 45, "2 8 7 0 8 2", &step), 1);
    assert_int_equal(verify6(0, 45, "  287   082  ", &step), 1);

    /* wrong length */
    assert_int_equal(verify6(0, 45, "", &step), 0);
    assert_int_equal(verify6(0, 45, "      ", &step), 0);
    assert_int_equal(verify6(0, 45, "28708", &step), 0);
    assert_int_equal(verify6(0, 45, "2870820", &step), 0);
    assert_int_equal(verify6(0, 45, "0287082", &step), 0);
    assert_int_equal(verify6(0, 45, "94287082", &step), 0);

    /* other characters */
    assert_int_equal(verify6(0, 45, "287-082", &step), 0);
    assert_int_equal(verify6(0, 45, "287\t082", &step), 0);
    assert_int_equal(verify6(0, 45, "+287082", &step), 0);
    assert_int_equal(verify6(0, 45, "28708a", &step), 0);
    assert_int_equal(verify6(0, 45, "287082\n", &step), 0);
    assert_int_equal(verify6(0, 45, "\xef\xbc\x92" "87082", &step), 0);

    /* an embedded NUL is a character, not the end */
    memcpy(buf, "287\0" "082", 7);
    assert_int_equal(mfa_totp_verify(&p, (const uint8_t *) SEED20, 20, 45,
                                     buf, 7, &step), 0);

    /* the length given is the length read */
    assert_int_equal(mfa_totp_verify(&p, (const uint8_t *) SEED20, 20, 45,
                                     "2870829", 6, &step), 1);
    assert_int_equal(mfa_totp_verify(&p, (const uint8_t *) SEED20, 20, 45,
                                     "287082", 5, &step), 0);

    /* a wrong code of the right shape */
    assert_int_equal(verify6(0, 45, "287083", &step), 0);
    assert_int_equal(verify6(0, 45, "000000", &step), 0);
}


static void
test_bad_params(void **state)
{
    uint32_t           value;
    uint64_t           step;
    mfa_err_t          err;
    mfa_totp_params_t  p;

    p.alg = MFA_TOTP_SHA1;
    p.digits = 6;
    p.period = 30;
    p.skew = 1;

    assert_int_equal(mfa_totp_params_check(&p, &err), MFA_OK);

    p.digits = 5;
    assert_int_equal(mfa_totp_verify(&p, (const uint8_t *) SEED20, 20, 59,
                                     "87082", 5, &step), MFA_ERROR);
    err.msg[0] = '\0';
    assert_int_equal(mfa_totp_params_check(&p, &err), MFA_ERROR);
    assert_true(mfa_test_contains(err.msg, "digits"));

    p.digits = 9;
    assert_int_equal(mfa_totp_verify(&p, (const uint8_t *) SEED20, 20, 59,
                                     "094287082", 9, &step), MFA_ERROR);
    assert_int_equal(mfa_totp_params_check(&p, NULL), MFA_ERROR);

    p.digits = 6;
    p.period = 0;
    assert_int_equal(mfa_totp_verify(&p, (const uint8_t *) SEED20, 20, 59,
                                     "287082", 6, &step), MFA_ERROR);
    err.msg[0] = '\0';
    assert_int_equal(mfa_totp_params_check(&p, &err), MFA_ERROR);
    assert_true(mfa_test_contains(err.msg, "period"));

    p.period = MFA_TOTP_MAX_PERIOD + 1;
    assert_int_equal(mfa_totp_params_check(&p, NULL), MFA_ERROR);
    p.period = MFA_TOTP_MAX_PERIOD;
    assert_int_equal(mfa_totp_params_check(&p, NULL), MFA_OK);

    p.period = 30;
    p.skew = MFA_TOTP_MAX_SKEW + 1;
    assert_int_equal(mfa_totp_verify(&p, (const uint8_t *) SEED20, 20, 59,
                                     "287082", 6, &step), MFA_ERROR);
    err.msg[0] = '\0';
    assert_int_equal(mfa_totp_params_check(&p, &err), MFA_ERROR);
    assert_true(mfa_test_contains(err.msg, "skew"));
    p.skew = MFA_TOTP_MAX_SKEW;
    assert_int_equal(mfa_totp_params_check(&p, NULL), MFA_OK);

    p.skew = 1;
    p.alg = (mfa_totp_alg_e) 3;
    assert_int_equal(mfa_totp_verify(&p, (const uint8_t *) SEED20, 20, 59,
                                     "287082", 6, &step), MFA_ERROR);
    err.msg[0] = '\0';
    assert_int_equal(mfa_totp_params_check(&p, &err), MFA_ERROR);
    assert_true(mfa_test_contains(err.msg, "algorithm"));

    /* mfa_hotp itself */
    assert_int_equal(mfa_hotp((const uint8_t *) SEED20, 20, 1, MFA_TOTP_SHA1,
                              5, &value), MFA_ERROR);
    assert_int_equal(mfa_hotp((const uint8_t *) SEED20, 20, 1, MFA_TOTP_SHA1,
                              9, &value), MFA_ERROR);
    assert_int_equal(mfa_hotp((const uint8_t *) SEED20, 0, 1, MFA_TOTP_SHA1,
                              6, &value), MFA_ERROR);
    assert_int_equal(mfa_hotp((const uint8_t *) SEED20, 20, 1,
                              (mfa_totp_alg_e) 7, 6, &value), MFA_ERROR);

    /* an empty key makes verification fail, not match */
    p.alg = MFA_TOTP_SHA1;
    assert_int_equal(mfa_totp_verify(&p, (const uint8_t *) SEED20, 0, 59,
                                     "287082", 6, &step), MFA_ERROR);
}


static void
test_params_text(void **state)
{
    char               text[MFA_TOTP_PARAMS_TEXT_MAX + 1];
    mfa_err_t          err;
    mfa_totp_params_t  p, q;

    p.alg = MFA_TOTP_SHA512;
    p.digits = 8;
    p.period = 3600;
    p.skew = 3;

    assert_int_equal(mfa_totp_params_format(&p, text), 13);
    assert_string_equal(text, "SHA512 8 3600");

    /* the skew is not the credential's: kept as it was */
    memset(&q, 0, sizeof(q));
    q.skew = 1;
    assert_int_equal(mfa_totp_params_parse(text, strlen(text), &q, &err),
                     MFA_OK);
    assert_int_equal(q.alg, MFA_TOTP_SHA512);
    assert_int_equal(q.digits, 8);
    assert_int_equal(q.period, 3600);
    assert_int_equal(q.skew, 1);

    assert_int_equal(mfa_totp_params_parse("SHA1 6 30", 9, &q, &err), MFA_OK);
    assert_int_equal(q.alg, MFA_TOTP_SHA1);
    assert_int_equal(q.digits, 6);
    assert_int_equal(q.period, 30);

#define BAD(in, want)                                                        \
    q.period = 77;                                                           \
    assert_int_equal(mfa_totp_params_parse(in, sizeof(in) - 1, &q, &err),    \
                     MFA_ERROR);                                             \
    assert_string_equal(err.msg, want);                                      \
    assert_int_equal(q.period, 77)

    BAD("", "TOTP parameters are not \"<algorithm> <digits> <period>\"");
    BAD("SHA1 6", "TOTP parameters are not \"<algorithm> <digits> <period>\"");
    BAD("SHA1 6 30 1",
        "TOTP parameters are not \"<algorithm> <digits> <period>\"");
    BAD("SHA1  6 30",
        "TOTP parameters are not \"<algorithm> <digits> <period>\"");
    BAD(" SHA1 6 30",
        "TOTP parameters are not \"<algorithm> <digits> <period>\"");
    BAD("SHA1 6 30 ",
        "TOTP parameters are not \"<algorithm> <digits> <period>\"");
    BAD("MD5 6 30",
        "TOTP parameters are not \"<algorithm> <digits> <period>\"");
    BAD("SHA1 06 30",
        "TOTP parameters are not \"<algorithm> <digits> <period>\"");
    BAD("SHA1 6 +30",
        "TOTP parameters are not \"<algorithm> <digits> <period>\"");
    BAD("SHA1 6 30s",
        "TOTP parameters are not \"<algorithm> <digits> <period>\"");
    BAD("SHA1 6 99999",
        "TOTP parameters are not \"<algorithm> <digits> <period>\"");
    BAD("SHA1 9 30", "TOTP digits must be from 6 to 8");
    BAD("SHA1 5 30", "TOTP digits must be from 6 to 8");
    BAD("SHA1 6 0",
        "TOTP parameters are not \"<algorithm> <digits> <period>\"");
    BAD("SHA1 6 3601", "TOTP period must be from 1 to 3600 seconds");

#undef BAD
}


static void
test_alg_parse(void **state)
{
    mfa_totp_alg_e  alg;

    alg = (mfa_totp_alg_e) 99;
    assert_int_equal(mfa_totp_alg_parse("sha1", 4, &alg), MFA_OK);
    assert_int_equal(alg, MFA_TOTP_SHA1);
    assert_int_equal(mfa_totp_alg_parse("SHA256", 6, &alg), MFA_OK);
    assert_int_equal(alg, MFA_TOTP_SHA256);
    assert_int_equal(mfa_totp_alg_parse("Sha512", 6, &alg), MFA_OK);
    assert_int_equal(alg, MFA_TOTP_SHA512);
    assert_int_equal(mfa_totp_alg_parse("SHA1", 4, &alg), MFA_OK);
    assert_int_equal(alg, MFA_TOTP_SHA1);

    /* the length given is the string */
    assert_int_equal(mfa_totp_alg_parse("sha256x", 6, &alg), MFA_OK);
    assert_int_equal(alg, MFA_TOTP_SHA256);

    alg = MFA_TOTP_SHA512;
    assert_int_equal(mfa_totp_alg_parse("sha256", 5, &alg), MFA_ERROR);
    assert_int_equal(mfa_totp_alg_parse("sha1 ", 5, &alg), MFA_ERROR);
    assert_int_equal(mfa_totp_alg_parse("sha", 3, &alg), MFA_ERROR);
    assert_int_equal(mfa_totp_alg_parse("sha384", 6, &alg), MFA_ERROR);
    assert_int_equal(mfa_totp_alg_parse("sha-1", 5, &alg), MFA_ERROR);
    assert_int_equal(mfa_totp_alg_parse("md5", 3, &alg), MFA_ERROR);
    assert_int_equal(mfa_totp_alg_parse("", 0, &alg), MFA_ERROR);
    assert_int_equal(mfa_totp_alg_parse("sha5120", 7, &alg), MFA_ERROR);
    assert_int_equal(alg, MFA_TOTP_SHA512);

    assert_string_equal(mfa_totp_alg_name(MFA_TOTP_SHA1), "SHA1");
    assert_string_equal(mfa_totp_alg_name(MFA_TOTP_SHA256), "SHA256");
    assert_string_equal(mfa_totp_alg_name(MFA_TOTP_SHA512), "SHA512");
}


/* runs a command, returns its one line of output without the newline */

static void
run_oathtool(const char *cmd, char *out, size_t size)
{
    int     status;
    FILE   *f;
    size_t  n;

    f = popen(cmd, "r");
    if (f == NULL) {
        fail_msg("popen(\"%s\") failed", cmd);
    }

    out[0] = '\0';

    if (fgets(out, (int) size, f) == NULL) {
        out[0] = '\0';
    }

    status = pclose(f);

    if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fail_msg("\"%s\" failed (status %d, output \"%s\"); is oathtool "
                 "installed?", cmd, status, out);
    }

    n = strlen(out);

    if (n > 0 && out[n - 1] == '\n') {
        out[--n] = '\0';
    }
}


static void
test_oathtool_present(void **state)
{
    char  out[256];

    /* the cross-checks below need it: its absence is a failure */
    run_oathtool("oathtool --version 2>&1", out, sizeof(out));
    assert_true(mfa_test_contains(out, "oathtool"));

    /* and it agrees with the RFC, so it is a fair reference */
    run_oathtool("oathtool --totp=SHA256 --digits=8 --now=@59 "
                 "3132333435363738393031323334353637383930313233343536373839"
                 "303132 2>&1", out, sizeof(out));
    assert_string_equal(out, "46119246");
}


static void
test_oathtool_cross_check_totp(void **state)
{
    int                i;
    char               cmd[512], key[2 * 64 + 1], ours[16], theirs[64];
    size_t             len, n;
    int64_t            now;
    uint8_t            secret[64];
    uint64_t           r, step;
    mfa_totp_params_t  p;

    static const char  *modes[] = { "SHA1", "SHA256", "SHA512" };

    for (i = 0; i < CROSS_CHECKS; i++) {
        len = 10 + mfa_test_random_below(55);
        mfa_test_random(secret, len);

        p.alg = (mfa_totp_alg_e) mfa_test_random_below(3);
        p.digits = 6 + mfa_test_random_below(3);
        p.period = mfa_test_random_below(2) ? 60 : 30;
        p.skew = 0;

        mfa_test_random(&r, sizeof(r));

        /* one in ten past 2^40 s, where T no longer fits in 32 bits */
        now = (int64_t) (r % (i % 10 == 9 ? (1ULL << 40)
                                          : (uint64_t) YEAR_2500));

        /* base32 (our encoder against oathtool's decoder), or hex */

        if (i % 2 == 0) {
            n = mfa_base32_encode(secret, len, key);
            key[n] = '\0';

        } else {
            mfa_test_hex(secret, len, key);
        }

        snprintf(cmd, sizeof(cmd),
                 "oathtool --totp=%s %s--digits=%u --time-step-size=%us "
                 "--now=@%" PRId64 " %s 2>&1",
                 modes[p.alg], i % 2 == 0 ? "-b " : "", p.digits, p.period,
                 now, key);

        run_oathtool(cmd, theirs, sizeof(theirs));

        step = mfa_totp_step(now, p.period);
        hotp_string(secret, len, step, p.alg, p.digits, ours);

        if (strcmp(ours, theirs) != 0) {
            fail_msg("%s: oathtool says \"%s\", we say \"%s\"", cmd, theirs,
                     ours);
        }

        if (mfa_totp_verify(&p, secret, len, now, theirs, strlen(theirs),
                            &step) != 1
            || step != mfa_totp_step(now, p.period))
        {
            fail_msg("%s: mfa_totp_verify rejects \"%s\"", cmd, theirs);
        }
    }
}


static void
test_oathtool_cross_check_hotp(void **state)
{
    int       i;
    char      cmd[512], key[2 * 64 + 1], ours[16], theirs[64];
    size_t    len;
    uint8_t   secret[64];
    uint64_t  counter;
    unsigned  digits;

    /* full 64-bit counters: HOTP is SHA-1 only in oathtool */

    for (i = 0; i < HOTP_CROSS_CHECKS; i++) {
        len = 10 + mfa_test_random_below(55);
        mfa_test_random(secret, len);
        mfa_test_random(&counter, sizeof(counter));
        digits = 6 + mfa_test_random_below(3);

        mfa_test_hex(secret, len, key);

        snprintf(cmd, sizeof(cmd),
                 "oathtool --hotp --digits=%u --counter=%" PRIu64 " %s 2>&1",
                 digits, counter, key);

        run_oathtool(cmd, theirs, sizeof(theirs));
        hotp_string(secret, len, counter, MFA_TOTP_SHA1, digits, ours);

        if (strcmp(ours, theirs) != 0) {
            fail_msg("%s: oathtool says \"%s\", we say \"%s\"", cmd, theirs,
                     ours);
        }
    }
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_rfc4226_appendix_d),
        cmocka_unit_test(test_rfc4226_extra_digits),
        cmocka_unit_test(test_rfc4226_modulo_digits),
        cmocka_unit_test(test_rfc6238_appendix_b),
        cmocka_unit_test(test_rfc6238_six_digits),
        cmocka_unit_test(test_rfc6238_verify),
        cmocka_unit_test(test_pitfall_values_never_produced),
        cmocka_unit_test(test_leading_zero_kept),
        cmocka_unit_test(test_64bit_time),
        cmocka_unit_test(test_window_one_step),
        cmocka_unit_test(test_window_matched_step),
        cmocka_unit_test(test_window_skew_zero),
        cmocka_unit_test(test_window_at_epoch),
        cmocka_unit_test(test_code_syntax),
        cmocka_unit_test(test_bad_params),
        cmocka_unit_test(test_alg_parse),
        cmocka_unit_test(test_params_text),
        cmocka_unit_test(test_oathtool_present),
        cmocka_unit_test(test_oathtool_cross_check_totp),
        cmocka_unit_test(test_oathtool_cross_check_hotp),
    };

    return cmocka_run_group_tests_name("totp", tests, NULL, NULL);
}
