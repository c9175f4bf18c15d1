
/*
 * Fuzz target for the RESP writer (src/mfa_resp.c), against hiredis's
 * own formatting (redisFormatCommandArgv), an independent implementation
 * of the same protocol.
 *
 * The input is cut into arguments: each byte 0xff ends one, so that
 * arguments of any bytes and length, empty ones included, come out.  The
 * writer formats them into a heap buffer of exactly the promised length
 * (ASan sees a byte past it), and the bytes must be hiredis's.
 */


#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "mfa_resp.h"
#include "fuzz.h"


#define FUZZ_ARGS_MAX  64


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int          argc, ref_len;
    char        *buf, *end, *ref;
    size_t       i, start, len, argvlen[FUZZ_ARGS_MAX];
    const char  *argv[FUZZ_ARGS_MAX];

    argc = 0;
    start = 0;

    for (i = 0; i <= size && argc < FUZZ_ARGS_MAX; i++) {
        if (i == size || data[i] == 0xff) {
            argv[argc] = (const char *) data + start;
            argvlen[argc++] = i - start;
            start = i + 1;
        }
    }

    len = mfa_resp_len(argc, argv, argvlen);

    buf = malloc(len);
    FUZZ_CHECK(buf != NULL);

    end = mfa_resp_write(buf, argc, argv, argvlen);
    FUZZ_CHECK(end == buf + len);

    ref_len = redisFormatCommandArgv(&ref, argc, argv, argvlen);
    FUZZ_CHECK(ref_len >= 0);
    FUZZ_CHECK((size_t) ref_len == len);
    FUZZ_CHECK(memcmp(ref, buf, len) == 0);

    redisFreeCommand(ref);
    free(buf);

    return 0;
}
