
/*
 * Fuzz target for the normalisation of typed recovery codes
 * (mfa_recovery_normalize() in src/mfa_recovery.c).
 *
 * The output buffer is exactly MFA_RECOVERY_LEN + 1 bytes on the heap.
 * On success the output is the canonical "xxxxx-xxxxx" from the code
 * alphabet with a NUL after it, normalising it again gives itself, and
 * it is what the input says once spaces and tabs are dropped and letters
 * lowered.  Whatever the result, it agrees with a reference written from
 * the header comment: any case, spaces and tabs anywhere, at most one
 * hyphen and only after the fifth symbol, ten symbols in all.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mfa_recovery.h"
#include "fuzz.h"


#define FUZZ_ALPHABET  "23456789abcdefghjkmnpqrstuvwxyz"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fuzz_symbol(char c);
static int fuzz_ref_normalize(const char *in, size_t len, char *out);


static int
fuzz_symbol(char c)
{
    return c != '\0' && strchr(FUZZ_ALPHABET, c) != NULL;
}


static int
fuzz_ref_normalize(const char *in, size_t len, char *out)
{
    char    c;
    size_t  i, n, hyphens;

    n = 0;
    hyphens = 0;

    for (i = 0; i < len; i++) {
        c = in[i];

        if (c == ' ' || c == '\t') {
            continue;
        }

        if (c == '-') {
            if (n != 5 || hyphens == 1) {
                return 0;
            }

            hyphens++;
            continue;
        }

        if (c >= 'A' && c <= 'Z') {
            c = (char) (c | 0x20);
        }

        if (!fuzz_symbol(c) || n == 10) {
            return 0;
        }

        out[n < 5 ? n : n + 1] = c;
        n++;
    }

    if (n != 10) {
        return 0;
    }

    out[5] = '-';
    out[11] = '\0';

    return 1;
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int          rc, ok;
    char        *out, *again, ref[MFA_RECOVERY_LEN + 1],
                 bare[MFA_RECOVERY_CHARS];
    size_t       i;
    const char  *in;

    in = (const char *) data;

    out = malloc(MFA_RECOVERY_LEN + 1);
    again = malloc(MFA_RECOVERY_LEN + 1);
    FUZZ_CHECK(out != NULL && again != NULL);

    rc = mfa_recovery_normalize(in, size, out);
    FUZZ_CHECK(rc == MFA_OK || rc == MFA_ERROR);

    ok = fuzz_ref_normalize(in, size, ref);
    FUZZ_CHECK((rc == MFA_OK) == ok);

    if (rc != MFA_OK) {
        goto done;
    }

    FUZZ_CHECK(MFA_RECOVERY_LEN == 11);
    FUZZ_CHECK(out[MFA_RECOVERY_LEN] == '\0');
    FUZZ_CHECK(memcmp(out, ref, MFA_RECOVERY_LEN + 1) == 0);

    for (i = 0; i < MFA_RECOVERY_LEN; i++) {
        if (i == MFA_RECOVERY_CHARS / 2) {
            FUZZ_CHECK(out[i] == '-');

        } else {
            FUZZ_CHECK(fuzz_symbol(out[i]));
        }
    }

    rc = mfa_recovery_normalize(out, MFA_RECOVERY_LEN, again);
    FUZZ_CHECK(rc == MFA_OK);
    FUZZ_CHECK(memcmp(again, out, MFA_RECOVERY_LEN + 1) == 0);

    /* without the hyphen too */

    memcpy(bare, out, 5);
    memcpy(bare + 5, out + 6, 5);

    rc = mfa_recovery_normalize(bare, MFA_RECOVERY_CHARS, again);
    FUZZ_CHECK(rc == MFA_OK);
    FUZZ_CHECK(memcmp(again, out, MFA_RECOVERY_LEN + 1) == 0);

done:

    free(again);
    free(out);

    return 0;
}
