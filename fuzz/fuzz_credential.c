
/*
 * Fuzz target for what a credential stores beside its secret, read back
 * from Redis: the TOTP parameters (mfa_totp_params_parse() in
 * src/mfa_totp.c) and the recovery codes' set (mfa_recovery_set_parse()
 * in src/mfa_recovery.c).
 *
 * The input is copied to a heap buffer of its exact size, so that a read
 * past it is caught.  What parses is within the limits the core accepts,
 * formats back to the same text (the set exactly, the parameters up to
 * the case of the algorithm), and that text parses to the same values.
 * What fails leaves the output untouched.
 */


#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mfa_recovery.h"
#include "mfa_totp.h"
#include "fuzz.h"


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int                 rc;
    char               *in;
    char                text[MFA_RECOVERY_SET_TEXT_MAX + MFA_TOTP_PARAMS_TEXT_MAX
                             + 2];
    size_t              n;
    mfa_totp_params_t   p, q;
    mfa_recovery_set_t  set, back;

    in = malloc(size ? size : 1);
    FUZZ_CHECK(in != NULL);
    memcpy(in, data, size);

    /* the TOTP parameters */

    memset(&p, 0x5a, sizeof(p));
    p.skew = 1;
    q = p;

    rc = mfa_totp_params_parse(in, size, &p, NULL);
    FUZZ_CHECK(rc == MFA_OK || rc == MFA_ERROR);

    if (rc != MFA_OK) {
        FUZZ_CHECK(memcmp(&p, &q, sizeof(p)) == 0);

    } else {
        FUZZ_CHECK(p.skew == 1);
        FUZZ_CHECK(mfa_totp_params_check(&p, NULL) == MFA_OK);

        n = mfa_totp_params_format(&p, text);
        FUZZ_CHECK(n <= MFA_TOTP_PARAMS_TEXT_MAX && text[n] == '\0');
        FUZZ_CHECK(n == size && strncasecmp(text, in, n) == 0);

        FUZZ_CHECK(mfa_totp_params_parse(text, n, &q, NULL) == MFA_OK);
        FUZZ_CHECK(q.alg == p.alg && q.digits == p.digits
                   && q.period == p.period);
    }

    /* the recovery codes' set */

    memset(&set, 0x5a, sizeof(set));
    back = set;

    rc = mfa_recovery_set_parse(in, size, &set);
    FUZZ_CHECK(rc == MFA_OK || rc == MFA_ERROR);

    if (rc != MFA_OK) {
        FUZZ_CHECK(memcmp(&set, &back, sizeof(set)) == 0);

    } else {
        FUZZ_CHECK(set.key_id <= 255);

        n = mfa_recovery_set_format(&set, text);
        FUZZ_CHECK(n <= MFA_RECOVERY_SET_TEXT_MAX && text[n] == '\0');
        FUZZ_CHECK(n == size && memcmp(text, in, n) == 0);

        FUZZ_CHECK(mfa_recovery_set_parse(text, n, &back) == MFA_OK);
        FUZZ_CHECK(memcmp(&back, &set, sizeof(set)) == 0);
    }

    free(in);

    return 0;
}
