
/*
 * What the fuzz targets share: a property check that aborts (libFuzzer
 * then saves the input), and the hex digit reader and percent-decoder of
 * the reference implementations the targets compare the core against.
 */


#ifndef FUZZ_H
#define FUZZ_H


#include <stdio.h>
#include <stdlib.h>


#define FUZZ_CHECK(cond)                                                      \
    if (!(cond)) {                                                            \
        fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__,      \
                #cond);                                                       \
        abort();                                                              \
    }


/* the value of a hex digit in either case, or -1 */
static inline int
fuzz_hex(unsigned char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }

    c |= 0x20;

    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }

    return -1;
}


/*
 * A reference percent-decoder: %XX, and "+" as a space when plus_is_space;
 * 0 on a malformed escape.
 */
static inline int
fuzz_decode(const char *in, size_t len, int plus_is_space, char *out,
    size_t *n)
{
    size_t  i;

    *n = 0;

    for (i = 0; i < len; i++) {
        if (in[i] == '%') {
            if (len - i < 3
                || fuzz_hex((unsigned char) in[i + 1]) < 0
                || fuzz_hex((unsigned char) in[i + 2]) < 0)
            {
                return 0;
            }

            out[(*n)++] = (char) (fuzz_hex((unsigned char) in[i + 1]) * 16
                                  + fuzz_hex((unsigned char) in[i + 2]));
            i += 2;

        } else {
            out[(*n)++] = (plus_is_space && in[i] == '+') ? ' ' : in[i];
        }
    }

    return 1;
}


#endif /* FUZZ_H */
