
/*
 * A JSON session record read in one pass, without building a tree: the
 * whole text is checked as jansson checks it with JSON_REJECT_DUPLICATES
 * (RFC 8259, UTF-8, no NUL in a string, no name twice in an object,
 * integers that fit a long long, reals that do not overflow, at most
 * MFA_JSON_DEPTH_MAX values deep), and the values at the paths are kept
 * on the way.  fuzz/fuzz_session.c holds it to jansson's answers.
 */


#ifndef MFA_JSON_H
#define MFA_JSON_H


#include "mfa_session.h"


/* jansson's JSON_PARSER_MAX_DEPTH: a value nested deeper is an error */
#define MFA_JSON_DEPTH_MAX  2048
/* paths read in one pass */
#define MFA_JSON_PATHS_MAX  4


/* mfa_session_json_get(), which it implements */
int mfa_json_read(const char *json, size_t len, const mfa_str_t *paths,
    size_t n, mfa_session_value_t *values, mfa_err_t *err);

/* a text that is one value, a string, an integer, a boolean or null, as
   the value at path (a hash field's JSON value, path naming the field) */
int mfa_json_read_value(const char *json, size_t len, const mfa_str_t *path,
    mfa_session_value_t *value, mfa_err_t *err);


#endif /* MFA_JSON_H */
