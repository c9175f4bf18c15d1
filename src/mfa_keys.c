
/*
 * A key of the module's schema, "<prefix><id><suffix>": the one builder
 * of the gate's lookup, the pages' store and mfactl.
 */


#include <string.h>

#include "mfa_keys.h"


size_t
mfa_key_len(mfa_str_t prefix, mfa_str_t id, const char *suffix)
{
    return prefix.len + id.len + (suffix != NULL ? strlen(suffix) : 0);
}


/* writes the key at p, which has room for mfa_key_len(); returns its end */

char *
mfa_key_write(char *p, mfa_str_t prefix, mfa_str_t id, const char *suffix)
{
    size_t  n;

    if (prefix.len) {
        memcpy(p, prefix.data, prefix.len);
        p += prefix.len;
    }

    if (id.len) {
        memcpy(p, id.data, id.len);
        p += id.len;
    }

    n = (suffix != NULL) ? strlen(suffix) : 0;

    if (n) {
        memcpy(p, suffix, n);
        p += n;
    }

    return p;
}
