
/*
 * What the fuzz targets of the session readers (fuzz_php, fuzz_pickle,
 * fuzz_marshal) check of a value a reader found.  Uses memmem(): the
 * target defines _GNU_SOURCE before its first include.
 */


#ifndef FUZZ_VALUE_H
#define FUZZ_VALUE_H


#include <string.h>

#include "mfa_session.h"
#include "fuzz.h"


/*
 * Found in rec: shorter than a value's limit and NUL-terminated; a
 * boolean is "true" or "false"; anything else is bytes of the record or
 * an integer's decimal text.
 */
static inline void
fuzz_check_found(const char *rec, size_t len, const mfa_session_value_t *v)
{
    FUZZ_CHECK(v->len < MFA_SESSION_VALUE_MAX);
    FUZZ_CHECK(v->data[v->len] == '\0');

    if (v->boolean) {
        FUZZ_CHECK(strcmp(v->data, "true") == 0
                   || strcmp(v->data, "false") == 0);

    } else if (v->len > 0) {
        FUZZ_CHECK(memmem(rec, len, v->data, v->len) != NULL
                   || strspn(v->data, "-0123456789") == v->len);
    }
}


/* a path read alone: the same answer as read with others */
static inline void
fuzz_check_same(const mfa_session_value_t *alone,
    const mfa_session_value_t *v)
{
    FUZZ_CHECK(alone->found == v->found);
    FUZZ_CHECK(!v->found
               || (alone->len == v->len && alone->boolean == v->boolean
                   && memcmp(alone->data, v->data, v->len) == 0));
}


#endif /* FUZZ_VALUE_H */
