
/*
 * Unit tests of recovery codes (src/mfa_recovery.c): the shape and
 * alphabet of generated codes, their distinctness and uniformity, the
 * forgiving normalisation of typed codes and what it rejects, and the
 * keyed hash.
 */


#include "mfa_test.h"

#include "mfa_crypto.h"
#include "mfa_recovery.h"


#define ALPHABET      "23456789abcdefghjkmnpqrstuvwxyz"
#define ALPHABET_LEN  31
#define DISTINCT      1000
#define UNIFORM       100000


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

    mfa_recovery_hash(key, "42", 2, "abcde-fghjk", h);

    /* deterministic */
    mfa_recovery_hash(key, "42", 2, "abcde-fghjk", h2);
    assert_memory_equal(h, h2, sizeof(h));

    /* depends on the user */
    mfa_recovery_hash(key, "43", 2, "abcde-fghjk", h2);
    assert_memory_not_equal(h, h2, sizeof(h));
    mfa_recovery_hash(key, "420", 3, "abcde-fghjk", h2);
    assert_memory_not_equal(h, h2, sizeof(h));
    mfa_recovery_hash(key, "4", 1, "abcde-fghjk", h2);
    assert_memory_not_equal(h, h2, sizeof(h));

    /* on the key */
    mfa_recovery_hash(other, "42", 2, "abcde-fghjk", h2);
    assert_memory_not_equal(h, h2, sizeof(h));

    /* on the code, to its last character */
    mfa_recovery_hash(key, "42", 2, "abcde-fghjm", h2);
    assert_memory_not_equal(h, h2, sizeof(h));
    mfa_recovery_hash(key, "42", 2, "bbcde-fghjk", h2);
    assert_memory_not_equal(h, h2, sizeof(h));

    /* it is not the code, nor contains it */
    assert_false(mfa_test_memmem(h, sizeof(h), "abcde", 5));
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
    };

    return cmocka_run_group_tests_name("recovery", tests, NULL, NULL);
}
