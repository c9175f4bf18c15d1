
/*
 * Helpers shared by the unit tests of the pure core: the cmocka includes
 * in the order cmocka needs them, hex decoding and small string helpers.
 */


#ifndef MFA_TEST_H
#define MFA_TEST_H


#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "mfa_core.h"


/* an mfa_str_t of a string literal */
#define MFA_TEST_STR(s)  ((mfa_str_t) { (s), sizeof(s) - 1 })

#define mfa_test_nelts(a)  (sizeof(a) / sizeof((a)[0]))


static inline int
mfa_test_hex_digit(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }

    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }

    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }

    return -1;
}


/*
 * Decodes a hex string into out (of out_size bytes) and returns the number
 * of bytes; fails the test on bad input.
 */

static inline size_t
mfa_test_unhex(const char *hex, uint8_t *out, size_t out_size)
{
    int     hi, lo;
    size_t  i, len;

    len = strlen(hex);

    assert_int_equal(len % 2, 0);
    assert_true(len / 2 <= out_size);

    for (i = 0; i < len / 2; i++) {
        hi = mfa_test_hex_digit(hex[2 * i]);
        lo = mfa_test_hex_digit(hex[2 * i + 1]);

        assert_true(hi >= 0 && lo >= 0);

        out[i] = (uint8_t) ((hi << 4) | lo);
    }

    return len / 2;
}


/* lower case hex of len bytes and a NUL; out needs 2 * len + 1 bytes */

static inline void
mfa_test_hex(const uint8_t *in, size_t len, char *out)
{
    size_t  i;

    static const char  digits[] = "0123456789abcdef";

    for (i = 0; i < len; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 0x0f];
    }

    out[2 * len] = '\0';
}


/* random bytes from OpenSSL's CSPRNG; fails the test if it fails */

static inline void
mfa_test_random(void *buf, size_t len)
{
    assert_int_equal(RAND_bytes(buf, (int) len), 1);
}


/* a random integer in [0, n) (n small: the bias does not matter here) */

static inline uint32_t
mfa_test_random_below(uint32_t n)
{
    uint32_t  r;

    mfa_test_random(&r, sizeof(r));

    return r % n;
}


/* 1 when the bytes of needle occur in the bytes of haystack */

static inline int
mfa_test_memmem(const void *haystack, size_t hlen, const void *needle,
    size_t nlen)
{
    size_t  i;

    for (i = 0; i + nlen <= hlen; i++) {
        if (memcmp((const char *) haystack + i, needle, nlen) == 0) {
            return 1;
        }
    }

    return 0;
}


/* 1 when needle occurs in the NUL-terminated haystack */

static inline int
mfa_test_contains(const char *haystack, const char *needle)
{
    return strstr(haystack, needle) != NULL;
}


#endif /* MFA_TEST_H */
