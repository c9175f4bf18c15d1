
/*
 * Fuzz target for Ruby's session records (src/mfa_marshal.c).
 *
 * The input's first byte picks the paths (among names the seed records
 * use, so that the fuzzer reaches values); the rest is the record, in a
 * heap buffer of exactly its size (ASan sees a byte read past it).
 * Whatever the bytes: the reader answers MFA_OK or MFA_ERROR with a
 * message; a record it refuses with no path is refused with any; a string
 * it finds is bytes of the record and shorter than a value's limit; a
 * boolean is "true" or "false"; an integer is decimal text; and the
 * answer for one path alone is the same as in a read of several paths.
 */


/* memmem() */
#define _GNU_SOURCE

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mfa_marshal.h"
#include "fuzz.h"
#include "fuzz_value.h"


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static const char  *fuzz_paths[] = {
    "user.id", "company_id", "admin", "list.0.id", "a[0]", "5", "u2.id",
    "[warden.user.user.key][0][0]"
};


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int                   rc, rc0, rc1, errors;
    char                 *rec;
    size_t                i, len, n;
    mfa_err_t             err, err1;
    mfa_str_t             paths[MFA_MARSHAL_PATHS_MAX];
    mfa_session_value_t   v[MFA_MARSHAL_PATHS_MAX], one;

    if (size < 1) {
        return 0;
    }

    n = 1 + data[0] % MFA_MARSHAL_PATHS_MAX;

    for (i = 0; i < n; i++) {
        paths[i].data = fuzz_paths[(data[0] / 4 + i * 3) % 8];
        paths[i].len = strlen(paths[i].data);
    }

    len = size - 1;
    rec = malloc(len ? len : 1);
    FUZZ_CHECK(rec != NULL);
    memcpy(rec, data + 1, len);

    /* the record alone: read or not, whatever the paths */
    rc0 = mfa_marshal_read(rec, len, paths, 0, v, &err);
    FUZZ_CHECK(rc0 == MFA_OK || rc0 == MFA_ERROR);

    rc = mfa_marshal_read(rec, len, paths, n, v, &err);
    FUZZ_CHECK(rc == MFA_OK || rc == MFA_ERROR);

    if (rc0 == MFA_ERROR) {
        FUZZ_CHECK(rc == MFA_ERROR);
        FUZZ_CHECK(strncmp(err.msg, "session record ", 15) == 0);
    }

    if (rc == MFA_ERROR) {
        FUZZ_CHECK(err.msg[0] != '\0');
    }

    errors = 0;

    for (i = 0; rc0 == MFA_OK && i < n; i++) {
        /* the same path alone: the same answer */
        rc1 = mfa_marshal_read(rec, len, &paths[i], 1, &one, &err1);

        if (rc1 == MFA_ERROR) {
            FUZZ_CHECK(strncmp(err1.msg, "session path ", 13) == 0
                       || strncmp(err1.msg, "session value ", 14) == 0);
            FUZZ_CHECK(rc == MFA_ERROR);
            errors++;
            continue;
        }

        FUZZ_CHECK(rc1 == MFA_OK);

        if (rc == MFA_ERROR) {
            continue;
        }

        if (v[i].found) {
            fuzz_check_found(rec, len, &v[i]);
        }

        fuzz_check_same(&one, &v[i]);
    }

    FUZZ_CHECK(rc0 == MFA_ERROR || (rc == MFA_ERROR) == (errors > 0));

    free(rec);

    return 0;
}
