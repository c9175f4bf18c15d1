
/*
 * Fuzz target for PHP's session records (src/mfa_php.c).
 *
 * The input's first byte picks the handler and the paths (among names
 * the seed records use, so that the fuzzer reaches values); the rest is
 * the record, in a heap buffer of exactly its size (ASan sees a byte read
 * past it).  Whatever the bytes: the reader answers MFA_OK or MFA_ERROR
 * with a message; a string it finds is bytes of the record and shorter
 * than a value's limit; a boolean is "true" or "false"; an integer is
 * decimal text; and the answers for one path alone are the same as in a
 * read of several paths.
 */


/* memmem() */
#define _GNU_SOURCE

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mfa_php.h"
#include "fuzz.h"
#include "fuzz_value.h"


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static const char  *fuzz_paths[] = {
    "user.id", "company_id", "admin", "user", "o.id", "k.5", "n", "u"
};


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int                   rc, rc1;
    char                 *rec;
    size_t                i, len, n;
    mfa_err_t             err, err1;
    mfa_str_t             paths[MFA_PHP_PATHS_MAX];
    mfa_php_handler_e     h;
    mfa_session_value_t   v[MFA_PHP_PATHS_MAX], one;

    if (size < 1) {
        return 0;
    }

    h = (mfa_php_handler_e) (data[0] % 3);
    n = 1 + (data[0] >> 2) % MFA_PHP_PATHS_MAX;

    for (i = 0; i < n; i++) {
        paths[i].data = fuzz_paths[(data[0] / 3 + i * 3) % 8];
        paths[i].len = strlen(paths[i].data);
    }

    len = size - 1;
    rec = malloc(len ? len : 1);
    FUZZ_CHECK(rec != NULL);
    memcpy(rec, data + 1, len);

    rc = mfa_php_read(rec, len, h, paths, n, v, &err);
    FUZZ_CHECK(rc == MFA_OK || rc == MFA_ERROR);

    if (rc == MFA_ERROR) {
        FUZZ_CHECK(err.msg[0] != '\0');
    }

    for (i = 0; rc == MFA_OK && i < n; i++) {
        if (!v[i].found) {
            continue;
        }

        fuzz_check_found(rec, len, &v[i]);

        /* the same path alone: the same value */
        rc1 = mfa_php_read(rec, len, h, &paths[i], 1, &one, &err1);
        FUZZ_CHECK(rc1 == MFA_OK);
        fuzz_check_same(&one, &v[i]);
    }

    free(rec);

    return 0;
}
