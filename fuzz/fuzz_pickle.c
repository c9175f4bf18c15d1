
/*
 * Fuzz target for Python's pickles of a session (src/mfa_pickle.c).
 *
 * The input's first byte picks the paths (among names the seed records
 * use, so that the fuzzer reaches values); the rest is the record, in a
 * heap buffer of exactly its size (ASan sees a byte read past it).
 * Whatever the bytes: the reader answers MFA_OK or MFA_ERROR with a
 * message, the byte it names within the record; a string it finds is
 * bytes of the record and shorter than a value's limit; a boolean is
 * "true" or "false"; an integer is decimal text; and the answers for one
 * path alone are the same as in a read of several paths.
 */


/* memmem() */
#define _GNU_SOURCE

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mfa_pickle.h"
#include "fuzz.h"
#include "fuzz_value.h"


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static const char  *fuzz_paths[] = {
    "user.id", "company_id", "_permanent", "_auth_user_id", "a.id",
    "roles.1.0", "id", "0"
};


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int                   rc, rc1;
    char                 *rec;
    const char           *at;
    size_t                i, len, n;
    mfa_err_t             err, err1;
    mfa_str_t             paths[MFA_PICKLE_PATHS_MAX];
    mfa_session_value_t   v[MFA_PICKLE_PATHS_MAX], one;

    if (size < 1) {
        return 0;
    }

    n = 1 + (data[0] >> 3) % MFA_PICKLE_PATHS_MAX;

    for (i = 0; i < n; i++) {
        paths[i].data = fuzz_paths[(data[0] + i * 3) % 8];
        paths[i].len = strlen(paths[i].data);
    }

    len = size - 1;
    rec = malloc(len ? len : 1);
    FUZZ_CHECK(rec != NULL);
    memcpy(rec, data + 1, len);

    rc = mfa_pickle_read(rec, len, paths, n, v, &err);
    FUZZ_CHECK(rc == MFA_OK || rc == MFA_ERROR);

    if (rc == MFA_ERROR) {
        FUZZ_CHECK(err.msg[0] != '\0');

        at = strstr(err.msg, " at byte ");

        if (at != NULL) {
            FUZZ_CHECK(strtoull(at + 9, NULL, 10) <= len);
        }
    }

    for (i = 0; rc == MFA_OK && i < n; i++) {
        if (!v[i].found) {
            continue;
        }

        fuzz_check_found(rec, len, &v[i]);

        /* the same path alone: the same value */
        rc1 = mfa_pickle_read(rec, len, &paths[i], 1, &one, &err1);
        FUZZ_CHECK(rc1 == MFA_OK);
        fuzz_check_same(&one, &v[i]);
    }

    free(rec);

    return 0;
}
