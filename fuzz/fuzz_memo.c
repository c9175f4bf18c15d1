
/*
 * Fuzz target for the memo of the gate's inputs (src/mfa_memo.c).
 *
 * Any bytes given to mfa_memo_read() are refused or read; what is read
 * is written back and read again unchanged, within MFA_MEMO_MAX.  And
 * the memo's key tells bindings apart: two different (session key,
 * company, id) triples never share a key.
 */


#include <string.h>

#include "mfa_memo.h"
#include "fuzz.h"


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static void
fuzz_same_value(const mfa_session_value_t *a, const mfa_session_value_t *b)
{
    FUZZ_CHECK(a->found == b->found);
    FUZZ_CHECK(a->boolean == b->boolean);
    FUZZ_CHECK(a->len == b->len);
    FUZZ_CHECK(memcmp(a->data, b->data, a->len) == 0);
    FUZZ_CHECK(a->data[a->len] == '\0');
}


static void
fuzz_keys(const uint8_t *data, size_t size)
{
    char       ka[256], kb[256];
    size_t     i, na, nb, pos, len;
    mfa_str_t  p[6];

    if (size < 6) {
        return;
    }

    /* the first six bytes: the six parts' lengths, taken from the rest */

    for (i = 0, pos = 6; i < 6; i++) {
        len = data[i] & 15;

        if (len > size - pos) {
            len = size - pos;
        }

        p[i].data = (const char *) data + pos;
        p[i].len = len;
        pos += len;
    }

    na = mfa_memo_key(ka, sizeof(ka), p[0], p[1], p[2]);
    nb = mfa_memo_key(kb, sizeof(kb), p[3], p[4], p[5]);

    FUZZ_CHECK(na > 0 && nb > 0);

    if (na == nb && memcmp(ka, kb, na) == 0) {
        for (i = 0; i < 3; i++) {
            FUZZ_CHECK(p[i].len == p[i + 3].len);
            FUZZ_CHECK(memcmp(p[i].data, p[i + 3].data, p[i].len) == 0);
        }
    }
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char                 out[MFA_MEMO_MAX];
    size_t               len;
    mfa_str_t            v;
    mfa_memo_t           m, m2;
    mfa_gate_identity_t  id, id2;

    fuzz_keys(data, size);

    v.data = (const char *) data;
    v.len = size;

    if (mfa_memo_read(v, &m, &id) != MFA_OK) {
        FUZZ_CHECK(!id.user.found && !id.company.found && !id.admin.found);
        return 0;
    }

    len = mfa_memo_write(&m, &id, out);
    FUZZ_CHECK(len > 0 && len <= MFA_MEMO_MAX && len <= size);

    v.data = out;
    v.len = len;
    FUZZ_CHECK(mfa_memo_read(v, &m2, &id2) == MFA_OK);

    FUZZ_CHECK(memcmp(&m.in, &m2.in, sizeof(mfa_gate_input_t)) == 0);
    FUZZ_CHECK(memcmp(m.digest, m2.digest, MFA_SESSION_DIGEST_LEN) == 0);
    FUZZ_CHECK(m.mark == m2.mark && m.ndeps == m2.ndeps);
    FUZZ_CHECK(memcmp(m.deps, m2.deps, m.ndeps * sizeof(uint64_t)) == 0);
    FUZZ_CHECK(id.own_company == id2.own_company);

    fuzz_same_value(&id.user, &id2.user);
    fuzz_same_value(&id.company, &id2.company);
    fuzz_same_value(&id.admin, &id2.admin);

    return 0;
}
