
/*
 * A memo of the gate's inputs (docs/internals.md: the memo).
 *
 * What a request of a session was decided from: the gate's input, who
 * the session is, the session id's digest; with the hashes of the Redis
 * keys of every fact that was read for it (mfa_fcache_hash()) and the
 * cache's mark taken before they were read.  The glue keeps it in the
 * worker's cache under the request's binding, and uses it for the next
 * request of the same binding only while mfa_fcache_fresh() holds for
 * every one of those keys: no invalidation of any of them since.  It
 * spares that request the facts' gets and their parsing, not their
 * exactness.
 */


#ifndef MFA_MEMO_H
#define MFA_MEMO_H


#include "mfa_crypto.h"
#include "mfa_lookup.h"


#define MFA_MEMO_DEPS   MFA_LOOKUP_FACTS

/* the longest encoding: the fixed part, and the three values at most */
#define MFA_MEMO_MAX    (8 + 1 + 8 * MFA_MEMO_DEPS + sizeof(mfa_gate_input_t) \
                         + MFA_SESSION_DIGEST_LEN + 1                          \
                         + 3 * (4 + MFA_SESSION_VALUE_MAX))


typedef struct {
    mfa_gate_input_t    in;
    char                digest[MFA_SESSION_DIGEST_LEN];
    uint64_t            mark;
    size_t              ndeps;
    uint64_t            deps[MFA_MEMO_DEPS];
} mfa_memo_t;


/*
 * Its key in the cache: the session key, the company and the session id
 * the request is bound to, each length-prefixed.  Returns the length, or
 * 0 when it does not fit in size bytes.
 */
size_t mfa_memo_key(char *out, size_t size, mfa_str_t session_key,
    mfa_str_t company, mfa_str_t id);

/* out has MFA_MEMO_MAX bytes; returns the length, 0 for too many deps */
size_t mfa_memo_write(const mfa_memo_t *m, const mfa_gate_identity_t *id,
    char *out);

/*
 * m and *id from an encoding: MFA_OK, or MFA_ERROR when it is not one
 * mfa_memo_write() made (id is then left zeroed)
 */
int mfa_memo_read(mfa_str_t v, mfa_memo_t *m, mfa_gate_identity_t *id);


#endif /* MFA_MEMO_H */
