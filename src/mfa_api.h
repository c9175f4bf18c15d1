
/*
 * The JSON of the pages' API: <pages>api/status and
 * <pages>api/companies/<cid>/policy (jansson).
 */


#ifndef MFA_API_H
#define MFA_API_H


#include "mfa_buf.h"


/*
 * Parses a policy update: an object with exactly one member,
 * "require_2fa", a boolean.  Fails naming the problem otherwise.
 */
int mfa_api_policy_parse(const char *body, size_t len, int *require,
    mfa_err_t *err);

/*
 * {"company":cid,"require_2fa":bool,"changed_by":str|null,
 *  "changed_at":int|null}
 */
int mfa_api_policy_json(const char *company, int require,
    const char *changed_by, int64_t changed_at, mfa_buf_t *b);

/*
 * {"user":str,"company":str|null,"enrolled":bool,"verified":bool,
 *  "required":bool}
 */
int mfa_api_status_json(const char *user, const char *company, int enrolled,
    int verified, int required, mfa_buf_t *b);

/* {"error":code,"message":message} */
int mfa_api_error_json(const char *code, const char *message, mfa_buf_t *b);


#endif /* MFA_API_H */
