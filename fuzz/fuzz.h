
/*
 * What the fuzz targets share: a property check that aborts (libFuzzer
 * then saves the input), and a hex digit reader for the reference
 * implementations the targets compare the core against.
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


#endif /* FUZZ_H */
