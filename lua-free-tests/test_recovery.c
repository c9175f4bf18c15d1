
/*
 * Unit tests of recovery codes (src/mfa_recovery.c): the shape and
 * alphabet of generated codes, their distinctness and uniformity, the
 * forgiving normalisation of typed codes and what it rejects, the keyed
 * hash (salted per set, and without a salt for sets made before), and the
 * text of a set's description.
 */


#include "mfa_test.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "mfa_crypto.h"
#include "mfa_recovery.h"


#define ALPHABET      "23456789abcdefghjkmnpqrstuvwxyz"
#define ALPHABET_LEN  31
#define DISTINCT      1000
#define UNIFORM       100000


static const uint8_t *test_expected(const uint8_t *key,
    const mfa_recovery_set_t *set, const char *user, const char *code);


static int
code_cmp(const void *a, const void *b)
{
    return memcmp(a, b, MFA_RECOVERY_LEN);
}


/* ^[alphabet]{5}-[alphabet]{5}$ */

static int
code_shape_ok(const char *code)
{
    size_t  i;

    if (strlen(code) != 11) {
        return 0;
    }

    for (i = 0; i < 11; i++) {
        if (i == 5) {
            if (code[i] != '-') {
                return 0;
            }

            continue;
        }

        if (code[i] == '\0' || strchr(ALPHABET, code[i]) == NULL) {
            return 0;
        }
    }

    return 1;
}


static void
test_generate_shape(void **state)
{
    int   i;
    char  code[MFA_RECOVERY_LEN + 8];

    assert_int_equal(MFA_RECOVERY_LEN, 11);

    /* the checker itself */
    assert_true(code_shape_ok("23456-789ab"));
    assert_false(code_shape_ok("23456-789a0"));
    assert_false(code_shape_ok("23456_789ab"));
    assert_false(code_shape_ok("23456-789abc"));

    for (i = 0; i < 1000; i++) {
        memset(code, '#', sizeof(code));
        assert_int_equal(mfa_recovery_generate(code), MFA_OK);

        if (!code_shape_ok(code)) {
            fail_msg("generated code \"%.*s\" has the wrong shape",
                     (int) sizeof(code), code);
        }

        /* a NUL, then nothing written */
        assert_int_equal(code[MFA_RECOVERY_LEN], '\0');
        assert_int_equal(code[MFA_RECOVERY_LEN + 1], '#');
    }
}


static void
test_generate_distinct(void **state)
{
    int    i;
    char  (*codes)[MFA_RECOVERY_LEN + 1];

    codes = calloc(DISTINCT, sizeof(*codes));
    assert_non_null(codes);

    for (i = 0; i < DISTINCT; i++) {
        assert_int_equal(mfa_recovery_generate(codes[i]), MFA_OK);
    }

    qsort(codes, DISTINCT, sizeof(*codes), code_cmp);

    for (i = 1; i < DISTINCT; i++) {
        if (code_cmp(codes[i - 1], codes[i]) == 0) {
            fail_msg("code \"%s\" generated twice", codes[i]);
        }
    }

    free(codes);
}


static void
test_generate_every_symbol_uniform(void **state)
{
    int     i, j, k;
    char    code[MFA_RECOVERY_LEN + 1];
    size_t  count[ALPHABET_LEN], positions[10][ALPHABET_LEN];
    double  expected, low, high;

    memset(count, 0, sizeof(count));
    memset(positions, 0, sizeof(positions));

    for (i = 0; i < UNIFORM; i++) {
        assert_int_equal(mfa_recovery_generate(code), MFA_OK);

        for (j = 0, k = 0; j < MFA_RECOVERY_LEN; j++) {
            if (j == 5) {
                continue;
            }

            count[strchr(ALPHABET, code[j]) - ALPHABET]++;
            positions[k++][strchr(ALPHABET, code[j]) - ALPHABET]++;
        }
    }

    /*
     * 10^6 symbols: 32258 expected for each, standard deviation about 177.
     * A modulo bias (256 = 8 * 31 + 8) would give the first 8 symbols
     * 35156 and the others 31250, well outside 6 deviations.
     */

    expected = 10.0 * UNIFORM / ALPHABET_LEN;
    low = expected - 6 * 177;
    high = expected + 6 * 177;

    for (i = 0; i < ALPHABET_LEN; i++) {
        if (count[i] == 0) {
            fail_msg("symbol '%c' never generated", ALPHABET[i]);
        }

        if (count[i] < low || count[i] > high) {
            fail_msg("symbol '%c' generated %zu times, expected %.0f",
                     ALPHABET[i], count[i], expected);
        }
    }

    /* every position uses the whole alphabet */

    for (k = 0; k < 10; k++) {
        for (i = 0; i < ALPHABET_LEN; i++) {
            if (positions[k][i] < expected / 10 / 2) {
                fail_msg("symbol '%c' at position %d: %zu times",
                         ALPHABET[i], k, positions[k][i]);
            }
        }
    }
}


static void
assert_normalizes(const char *in, size_t len, const char *want)
{
    char  out[MFA_RECOVERY_LEN + 8];

    memset(out, '#', sizeof(out));

    if (mfa_recovery_normalize(in, len, out) != MFA_OK) {
        fail_msg("\"%.*s\" rejected", (int) len, in);
    }

    assert_string_equal(out, want);
    assert_int_equal(out[MFA_RECOVERY_LEN + 1], '#');
}


static void
assert_rejected(const char *in, size_t len)
{
    char  out[MFA_RECOVERY_LEN + 8];

    if (mfa_recovery_normalize(in, len, out) != MFA_ERROR) {
        fail_msg("\"%.*s\" accepted", (int) len, in);
    }
}


#define NORMALIZES(in, want)  assert_normalizes(in, sizeof(in) - 1, want)
#define REJECTED(in)          assert_rejected(in, sizeof(in) - 1)


static void
test_normalize_accepts(void **state)
{
    int   i;
    char  code[MFA_RECOVERY_LEN + 1], out[MFA_RECOVERY_LEN + 1];

    NORMALIZES("abcde-fghjk", "abcde-fghjk");
    NORMALIZES("ABCDE-FGHJK", "abcde-fghjk");
    NORMALIZES("AbCdE-fGhJk", "abcde-fghjk");
    NORMALIZES("abcdefghjk", "abcde-fghjk");
    NORMALIZES("ABCDEFGHJK", "abcde-fghjk");
    NORMALIZES(" abcde-fghjk ", "abcde-fghjk");
    NORMALIZES("abcde - fghjk", "abcde-fghjk");
    NORMALIZES("abc de fg hjk", "abcde-fghjk");
    NORMALIZES("a b c d e f g h j k", "abcde-fghjk");
    NORMALIZES("\tabcde-fghjk\t", "abcde-fghjk");
    NORMALIZES("abcde\t-\tfghjk", "abcde-fghjk");
    NORMALIZES("abcde\tfghjk", "abcde-fghjk");
    NORMALIZES("ab cde- fg hjk", "abcde-fghjk");
    NORMALIZES("23456-789zz", "23456-789zz");

    /* every generated code is its own canonical form */

    for (i = 0; i < 100; i++) {
        assert_int_equal(mfa_recovery_generate(code), MFA_OK);
        assert_int_equal(mfa_recovery_normalize(code, 11, out), MFA_OK);
        assert_string_equal(out, code);
    }
}


static void
test_normalize_rejects(void **state)
{
    /* the hyphen only after the fifth symbol, once */
    REJECTED("abcd-efghjk");
    REJECTED("abcdef-ghjk");
    REJECTED("-abcdefghjk");
    REJECTED("abcdefghjk-");
    REJECTED("abcde--fghjk");
    REJECTED("abcde- -fghjk");
    REJECTED("abcde-fghj-k");
    REJECTED("ab-cde-fghjk");

    /* look-alikes, in either case */
    REJECTED("0bcde-fghjk");
    REJECTED("obcde-fghjk");
    REJECTED("Obcde-fghjk");
    REJECTED("1bcde-fghjk");
    REJECTED("lbcde-fghjk");
    REJECTED("Lbcde-fghjk");
    REJECTED("ibcde-fghjk");
    REJECTED("Ibcde-fghjk");
    REJECTED("abcde-fghj0");
    REJECTED("abcde-fghj1");

    /* wrong lengths */
    REJECTED("");
    REJECTED("-");
    REJECTED("     ");
    REJECTED("abcde");
    REJECTED("abcde-");
    REJECTED("abcde-fghj");
    REJECTED("abcdefghj");
    REJECTED("abcde-fghjkm");
    REJECTED("abcdefghjkm");
    REJECTED("abcde-fghjk-abcde-fghjk");

    /* other characters */
    REJECTED("abcde_fghjk");
    REJECTED("abcde.fghjk");
    REJECTED("abcde-fghj\n");
    REJECTED("abcde-fghjk\n");
    REJECTED("abcde-fghjk\r");
    REJECTED("abcde\xc2\xa0" "fghjk");
    REJECTED("abcde-fgh\xc3\xa9");
    REJECTED("abcde-fghj!");
    REJECTED("abcde-fgh\0k");
}


static void
test_hash(void **state)
{
    uint8_t    key[MFA_KEY_LEN], other[MFA_KEY_LEN];
    uint8_t    h[MFA_RECOVERY_HASH_LEN], h2[MFA_RECOVERY_HASH_LEN];

    mfa_test_random(key, sizeof(key));
    mfa_test_random(other, sizeof(other));

    mfa_recovery_hash(key, NULL, "42", 2, "abcde-fghjk", h);

    /* deterministic */
    mfa_recovery_hash(key, NULL, "42", 2, "abcde-fghjk", h2);
    assert_memory_equal(h, h2, sizeof(h));

    /* depends on the user */
    mfa_recovery_hash(key, NULL, "43", 2, "abcde-fghjk", h2);
    assert_memory_not_equal(h, h2, sizeof(h));
    mfa_recovery_hash(key, NULL, "420", 3, "abcde-fghjk", h2);
    assert_memory_not_equal(h, h2, sizeof(h));
    mfa_recovery_hash(key, NULL, "4", 1, "abcde-fghjk", h2);
    assert_memory_not_equal(h, h2, sizeof(h));

    /* on the key */
    mfa_recovery_hash(other, NULL, "42", 2, "abcde-fghjk", h2);
    assert_memory_not_equal(h, h2, sizeof(h));

    /* on the code, to its last character */
    mfa_recovery_hash(key, NULL, "42", 2, "abcde-fghjm", h2);
    assert_memory_not_equal(h, h2, sizeof(h));
    mfa_recovery_hash(key, NULL, "42", 2, "bbcde-fghjk", h2);
    assert_memory_not_equal(h, h2, sizeof(h));

    /* it is not the code, nor contains it */
    assert_false(mfa_test_memmem(h, sizeof(h), "abcde", 5));

    /* the documented construction, computed with OpenSSL alone */
    assert_memory_equal(h, test_expected(key, NULL, "42", "abcde-fghjk"),
                        sizeof(h));
}


/* HMAC(key, [salt] HMAC(key, user) [0] code), spelled out */

static const uint8_t *
test_expected(const uint8_t *key, const mfa_recovery_set_t *set,
    const char *user, const char *code)
{
    size_t          n;
    unsigned        len;
    uint8_t         msg[128];

    static uint8_t  out[MFA_RECOVERY_HASH_LEN];

    n = 0;

    if (set != NULL) {
        memcpy(msg, set->salt, MFA_RECOVERY_SALT_LEN);
        n = MFA_RECOVERY_SALT_LEN;
    }

    assert_non_null(HMAC(EVP_sha256(), key, MFA_KEY_LEN,
                         (const uint8_t *) user, strlen(user), msg + n,
                         &len));
    n += len;

    if (set == NULL) {
        msg[n++] = 0;
    }

    memcpy(msg + n, code, MFA_RECOVERY_LEN);
    n += MFA_RECOVERY_LEN;

    assert_non_null(HMAC(EVP_sha256(), key, MFA_KEY_LEN, msg, n, out, &len));

    return out;
}


static void
test_hash_salted(void **state)
{
    uint8_t             key[MFA_KEY_LEN];
    uint8_t             h[MFA_RECOVERY_HASH_LEN], h2[MFA_RECOVERY_HASH_LEN];
    mfa_recovery_set_t  set, other;

    mfa_test_random(key, sizeof(key));

    assert_int_equal(mfa_recovery_set_new(7, &set), MFA_OK);
    assert_int_equal(set.key_id, 7);
    assert_int_equal(mfa_recovery_set_new(7, &other), MFA_OK);
    assert_memory_not_equal(set.salt, other.salt, MFA_RECOVERY_SALT_LEN);

    mfa_recovery_hash(key, &set, "42", 2, "abcde-fghjk", h);
    assert_memory_equal(h, test_expected(key, &set, "42", "abcde-fghjk"),
                        sizeof(h));

    /* the salt makes the same code of the same user another hash */
    mfa_recovery_hash(key, &other, "42", 2, "abcde-fghjk", h2);
    assert_memory_not_equal(h, h2, sizeof(h));
    mfa_recovery_hash(key, NULL, "42", 2, "abcde-fghjk", h2);
    assert_memory_not_equal(h, h2, sizeof(h));

    /* still the user's and the code's */
    mfa_recovery_hash(key, &set, "43", 2, "abcde-fghjk", h2);
    assert_memory_not_equal(h, h2, sizeof(h));
    mfa_recovery_hash(key, &set, "42", 2, "abcde-fghjm", h2);
    assert_memory_not_equal(h, h2, sizeof(h));
}


static void
test_set_text(void **state)
{
    char                text[MFA_RECOVERY_SET_TEXT_MAX + 1];
    size_t              n;
    mfa_recovery_set_t  set, back;

    memset(&set, 0, sizeof(set));
    set.key_id = 189;
    memcpy(set.salt, "\x00\x01\xab\xcd\xef\x10\x20\x30"
                     "\x40\x50\x60\x70\x80\x90\xa0\xff", 16);

    n = mfa_recovery_set_format(&set, text);
    assert_string_equal(text, "189 0001abcdef102030405060708090a0ff");
    assert_int_equal(n, strlen(text));
    assert_true(n <= MFA_RECOVERY_SET_TEXT_MAX);

    assert_int_equal(mfa_recovery_set_parse(text, n, &back), MFA_OK);
    assert_int_equal(back.key_id, 189);
    assert_memory_equal(back.salt, set.salt, MFA_RECOVERY_SALT_LEN);

    set.key_id = 0;
    n = mfa_recovery_set_format(&set, text);
    assert_string_equal(text, "0 0001abcdef102030405060708090a0ff");
    assert_int_equal(mfa_recovery_set_parse(text, n, &back), MFA_OK);
    assert_int_equal(back.key_id, 0);

    set.key_id = 255;
    n = mfa_recovery_set_format(&set, text);
    assert_int_equal(n, MFA_RECOVERY_SET_TEXT_MAX);

#define BAD(s)                                                               \
    assert_int_equal(mfa_recovery_set_parse(s, sizeof(s) - 1, &back),        \
                     MFA_ERROR)

    BAD("");
    BAD("189");
    BAD("189 ");
    BAD("256 0001abcdef102030405060708090a0ff");
    BAD("1890 0001abcdef102030405060708090a0ff");
    BAD("089 0001abcdef102030405060708090a0ff");
    BAD("-1 0001abcdef102030405060708090a0ff");
    BAD(" 189 0001abcdef102030405060708090a0ff");
    BAD("189  0001abcdef102030405060708090a0ff");
    BAD("189 0001ABCDEF102030405060708090A0FF");
    BAD("189 0001abcdef102030405060708090a0f");
    BAD("189 0001abcdef102030405060708090a0ff0");
    BAD("189 0001abcdef102030405060708090a0fg");
    BAD("189 0001abcdef102030405060708090a0ff ");
    BAD("189\t0001abcdef102030405060708090a0ff");

#undef BAD
}


static void
assert_kind(const char *in, mfa_code_kind_e want, const char *code)
{
    char  out[MFA_RECOVERY_LEN + 1];

    memset(out, 0, sizeof(out));

    if (mfa_code_classify(in, strlen(in), out) != want) {
        fail_msg("\"%s\": not kind %d", in, (int) want);
    }

    if (code != NULL) {
        assert_string_equal(out, code);
    }
}


static void
test_code_classify(void **state)
{
    (void) state;

    /* TOTP codes: digits, spaces anywhere (as authenticator apps show) */
    assert_kind("123456", MFA_CODE_TOTP, NULL);
    assert_kind("123 456", MFA_CODE_TOTP, NULL);
    assert_kind(" 12345678 ", MFA_CODE_TOTP, NULL);
    /* too short or too long for TOTP, and yet digits: TOTP, and wrong */
    assert_kind("1", MFA_CODE_TOTP, NULL);
    assert_kind("12345678901", MFA_CODE_TOTP, NULL);

    /* recovery codes, in any case, with or without the hyphen */
    assert_kind("abcde-fghjk", MFA_CODE_RECOVERY, "abcde-fghjk");
    assert_kind("ABCDE FGHJK", MFA_CODE_RECOVERY, "abcde-fghjk");
    assert_kind("2345a6789b", MFA_CODE_RECOVERY, "2345a-6789b");
    /* ten digits: a recovery code of digits only (no TOTP is that long) */
    assert_kind("23456-78923", MFA_CODE_RECOVERY, "23456-78923");
    assert_kind("2345678923", MFA_CODE_RECOVERY, "23456-78923");
    assert_kind("23456 78923", MFA_CODE_RECOVERY, "23456-78923");

    /* neither */
    assert_kind("", MFA_CODE_NONE, NULL);
    assert_kind("   ", MFA_CODE_NONE, NULL);
    assert_kind("0123456789", MFA_CODE_NONE, NULL);     /* 0, 1: no symbol */
    assert_kind("12345a", MFA_CODE_NONE, NULL);
    assert_kind("123-456", MFA_CODE_NONE, NULL);
    assert_kind("abcde-fghj", MFA_CODE_NONE, NULL);
    assert_kind("abcde-fghjkl", MFA_CODE_NONE, NULL);
    assert_kind("12345\n6", MFA_CODE_NONE, NULL);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_generate_shape),
        cmocka_unit_test(test_generate_distinct),
        cmocka_unit_test(test_generate_every_symbol_uniform),
        cmocka_unit_test(test_normalize_accepts),
        cmocka_unit_test(test_normalize_rejects),
        cmocka_unit_test(test_hash),
        cmocka_unit_test(test_hash_salted),
        cmocka_unit_test(test_set_text),
        cmocka_unit_test(test_code_classify),
    };

    return cmocka_run_group_tests_name("recovery", tests, NULL, NULL);
}
