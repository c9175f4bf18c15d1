
/*
 * The dashboard's session record, in the format its framework writes: the
 * readers of each (src/mfa_json.c, mfa_php.c, mfa_pickle.c, mfa_marshal.c,
 * and Django's signed envelope in mfa_django.c) behind one call, and a
 * guess at the format of a record that does not read, for the log line
 * that says which directive would read it.
 */


#ifndef MFA_RECORD_H
#define MFA_RECORD_H


#include "mfa_session.h"


/* paths read in one pass, by every reader */
#define MFA_RECORD_PATHS_MAX   4
/* "secret_file=" of "mfa_session_format django" */
#define MFA_RECORD_SECRETS_MAX 4


typedef enum {
    MFA_FORMAT_JSON = 0,
    MFA_FORMAT_HASH,
    MFA_FORMAT_PHP,
    MFA_FORMAT_PHP_SERIALIZE,
    MFA_FORMAT_PHP_BINARY,
    MFA_FORMAT_PICKLE,
    MFA_FORMAT_MARSHAL,
    MFA_FORMAT_DJANGO
} mfa_format_e;


typedef struct {
    mfa_format_e   format;
    /* django: what is inside the envelope (JSON or PICKLE), the salt of
       the signature (empty: Django's default, MFA_DJANGO_SALT), and the
       secrets that may have signed it (none: the signature is not
       checked) */
    mfa_format_e   inner;
    mfa_str_t      salt;
    size_t         nsecrets;
    mfa_str_t      secrets[MFA_RECORD_SECRETS_MAX];
    /* hash: every field holds a JSON value ("serializer=json", Spring
       Session's GenericJackson2JsonRedisSerializer) */
    unsigned       json_fields:1;
} mfa_format_t;


/*
 * Looks up each path in a string record of format f, as
 * mfa_session_json_get() does (src/mfa_session.h): MFA_OK with each value
 * found or not, or MFA_ERROR naming the problem.  Not for a hash.
 */
int mfa_record_read(const mfa_format_t *f, const char *rec, size_t len,
    const mfa_str_t *paths, size_t n, mfa_session_value_t *values,
    mfa_err_t *err);

/* the format's name as "mfa_session_format" takes it; -1: none */
const char *mfa_format_name(mfa_format_e format);
int mfa_format_parse(const char *name, size_t len);
/* the names, for a message that lists them */
#define MFA_FORMAT_NAMES  "json, hash, php, php_serialize, php_binary, " \
                          "pickle, marshal or django"

/* Django's serializer, "json" or "pickle": MFA_FORMAT_JSON or
   MFA_FORMAT_PICKLE; -1: neither */
int mfa_format_serializer(const char *name, size_t len);

/*
 * What a record that another format does not read looks like: a format
 * of this module's (*format set), or another that it cannot read
 * (*format -1: Java serialization, igbinary, Laravel's encryption...);
 * NULL when it looks like nothing known.  For the log line only: a
 * record is never read by a guess.
 */
const char *mfa_record_guess(const char *rec, size_t len, int *format);


#endif /* MFA_RECORD_H */
