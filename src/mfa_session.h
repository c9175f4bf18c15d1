
/*
 * Reading the dashboard's session record: a JSON string (express-session,
 * Flask-Session...) or a Redis hash, and a path in it to the user id, the
 * active company and the admin flag.
 */


#ifndef MFA_SESSION_H
#define MFA_SESSION_H


#include "mfa_core.h"


#define MFA_SESSION_VALUE_MAX  256
#define MFA_ID_MAX             128


typedef struct {
    int         found;
    /* a JSON boolean: an admin flag, never an id */
    int         boolean;
    size_t      len;
    char        data[MFA_SESSION_VALUE_MAX];
} mfa_session_value_t;


/*
 * Looks up each dot path ("user.id", "passport.user", "roles.0") in a
 * JSON document.  A string is taken as it is, an integer in decimal,
 * true/false as "true"/"false" (boolean set); a missing name, an index
 * beyond an array or null is "not found".  Returns MFA_ERROR, naming the
 * problem, when the document is not JSON, the path meets a scalar where
 * it needs an object or a name where it needs an index, or a value has
 * another type or is too long.
 */
int mfa_session_json_get(const char *json, size_t len,
    const mfa_str_t *paths, size_t n, mfa_session_value_t *values,
    mfa_err_t *err);

/*
 * For a record kept as a Redis hash, a path is "field" or
 * "field.json.path" (the rest looked up in the field's JSON value).
 * fields[i] is the value of the field paths[i] names (data NULL when the
 * hash has no such field).  json_fields: every field holds a JSON value
 * (Spring Session's JSON serializer), and a path of a field alone reads
 * that value; else it takes the field's bytes as they are.
 */
int mfa_session_hash_get(const mfa_str_t *fields, const mfa_str_t *paths,
    size_t n, int json_fields, mfa_session_value_t *values, mfa_err_t *err);

/* the field name part of a hash path; *rest: where the rest starts
   (path.len when there is none) */
mfa_str_t mfa_session_hash_field(mfa_str_t path, size_t *rest);

/*
 * The name or index of a path that starts at "at", in *name (bytes of
 * the path); returns where the next one starts, path->len after the last.
 */
size_t mfa_session_path_next(const mfa_str_t *path, size_t at,
    mfa_str_t *name);

/*
 * For the record readers: every value "not found" before a read; after
 * it, the first path's error (rc[i] MFA_ERROR) as the read's, MFA_OK if
 * none; an integer or a boolean kept as the readers keep them.
 */
void mfa_session_values_reset(mfa_session_value_t *values, size_t n);
int mfa_session_path_errors(const int *rc, const mfa_err_t *errs, size_t n,
    mfa_err_t *err);
void mfa_session_value_integer(mfa_session_value_t *v, long long integer);
void mfa_session_value_boolean(mfa_session_value_t *v, int b);

/*
 * A path is one or more names of 1 to 255 bytes, separated by dots: a
 * name without space, control character, ".", "[" or "]", or any bytes
 * but a control character and "]" in brackets; the dot before a name in
 * brackets may be left out ("[warden.user.user.key][0][0]",
 * "users[0].id").
 */
int mfa_session_path_valid(const char *path, size_t len);

/* "true", "1", "yes", "on" (any case), or a non-zero integer */
int mfa_value_truthy(const char *s, size_t len);

/*
 * User and company ids become parts of Redis keys: 1 to MFA_ID_MAX bytes,
 * no control character, space or colon.
 */
int mfa_id_valid(const char *s, size_t len);


#endif /* MFA_SESSION_H */
