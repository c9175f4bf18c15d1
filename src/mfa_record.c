
/*
 * The session record's readers behind one call (src/mfa_record.h), and
 * what a record looks like when it does not read.
 */


#include <stdlib.h>
#include <string.h>

#include "mfa_record.h"
#include "mfa_django.h"
#include "mfa_marshal.h"
#include "mfa_php.h"
#include "mfa_pickle.h"


/* the largest payload Django's envelope may unpack to */
#define MFA_RECORD_INFLATE_MAX  (1024 * 1024)


static int mfa_record_django(const mfa_format_t *f, const char *rec,
    size_t len, const mfa_str_t *paths, size_t n,
    mfa_session_value_t *values, mfa_err_t *err);
static int mfa_record_php_name(const unsigned char *p, size_t len);
static int mfa_record_django_like(const unsigned char *p, size_t len);
static size_t mfa_record_span(const unsigned char *p, size_t len,
    const char *extra);


static const char  *mfa_format_names[] = {
    "json", "hash", "php", "php_serialize", "php_binary", "pickle",
    "marshal", "django"
};


int
mfa_record_read(const mfa_format_t *f, const char *rec, size_t len,
    const mfa_str_t *paths, size_t n, mfa_session_value_t *values,
    mfa_err_t *err)
{
    if (n > MFA_RECORD_PATHS_MAX) {
        mfa_err_set(err, "more than %d session paths", MFA_RECORD_PATHS_MAX);
        return MFA_ERROR;
    }

    switch (f->format) {

    case MFA_FORMAT_PHP:
    case MFA_FORMAT_PHP_SERIALIZE:
    case MFA_FORMAT_PHP_BINARY:
        return mfa_php_read(rec, len,
                            (mfa_php_handler_e) (f->format - MFA_FORMAT_PHP),
                            paths, n, values, err);

    case MFA_FORMAT_PICKLE:
        return mfa_pickle_read(rec, len, paths, n, values, err);

    case MFA_FORMAT_MARSHAL:
        return mfa_marshal_read(rec, len, paths, n, values, err);

    case MFA_FORMAT_DJANGO:
        return mfa_record_django(f, rec, len, paths, n, values, err);

    default:
        return mfa_session_json_get(rec, len, paths, n, values, err);
    }
}


/* the envelope opened (its signature checked), then what it holds read */

static int
mfa_record_django(const mfa_format_t *f, const char *rec, size_t len,
    const mfa_str_t *paths, size_t n, mfa_session_value_t *values,
    mfa_err_t *err)
{
    int     rc;
    char   *payload;
    size_t  size;

    payload = malloc(MFA_RECORD_INFLATE_MAX);
    if (payload == NULL) {
        mfa_err_set(err, "out of memory");
        return MFA_ERROR;
    }

    rc = mfa_django_decode(rec, len, f->salt.data, f->salt.len, f->secrets,
                           f->nsecrets, payload, MFA_RECORD_INFLATE_MAX,
                           &size, err);

    if (rc == MFA_OK) {
        rc = (f->inner == MFA_FORMAT_PICKLE)
             ? mfa_pickle_read(payload, size, paths, n, values, err)
             : mfa_session_json_get(payload, size, paths, n, values, err);
    }

    free(payload);

    return rc;
}


const char *
mfa_format_name(mfa_format_e format)
{
    if ((size_t) format >= sizeof(mfa_format_names) / sizeof(char *)) {
        return "?";
    }

    return mfa_format_names[format];
}


int
mfa_format_parse(const char *name, size_t len)
{
    size_t  i;

    for (i = 0; i < sizeof(mfa_format_names) / sizeof(char *); i++) {
        if (strlen(mfa_format_names[i]) == len
            && memcmp(mfa_format_names[i], name, len) == 0)
        {
            return (int) i;
        }
    }

    return -1;
}


int
mfa_format_serializer(const char *name, size_t len)
{
    int  format;

    format = mfa_format_parse(name, len);

    return (format == MFA_FORMAT_JSON || format == MFA_FORMAT_PICKLE)
           ? format : -1;
}


const char *
mfa_record_guess(const char *rec, size_t len, int *format)
{
    size_t                k;
    const unsigned char  *p;

    p = (const unsigned char *) rec;
    *format = -1;

    if (len >= 2 && p[0] == 0x80 && p[1] >= 2 && p[1] <= 5) {
        *format = MFA_FORMAT_PICKLE;
        return "a Python pickle";
    }

    if (len >= 2 && p[0] == 0x04 && p[1] == 0x08) {
        *format = MFA_FORMAT_MARSHAL;
        return "Ruby's Marshal";
    }

    if (len >= 2 && p[0] == 0xac && p[1] == 0xed) {
        return "Java serialization, which the module does not read "
               "(Spring Session: store the attributes as JSON)";
    }

    if (len >= 4 && memcmp(p, "\0\0\0\2", 4) == 0) {
        return "PHP's igbinary, which the module does not read "
               "(session.serialize_handler: php, php_serialize or "
               "php_binary)";
    }

    if (len >= 8 && memcmp(p, "eyJpdiI6", 8) == 0) {
        return "a record encrypted by the app (Laravel), which the module "
               "cannot read";
    }

    for (k = 0; k < len && (p[k] == ' ' || p[k] == '\t' || p[k] == '\r'
                            || p[k] == '\n');
         k++)
    {
        /* void */
    }

    if (k < len && p[k] == '{') {
        *format = MFA_FORMAT_JSON;
        return "JSON";
    }

    if (len >= 3 && p[0] == 'a' && p[1] == ':' && p[2] >= '0' && p[2] <= '9')
    {
        *format = MFA_FORMAT_PHP_SERIALIZE;
        return "PHP's \"php_serialize\" session format";
    }

    if (mfa_record_php_name(p, len)) {
        *format = MFA_FORMAT_PHP;
        return "PHP's \"php\" session format";
    }

    if (len >= 3 && p[0] >= 1 && p[0] < 0x80 && (size_t) p[0] + 2 < len
        && p[p[0] + 1] != '\0' && strchr("NbidsaOCrR", p[p[0] + 1]) != NULL
        && (p[p[0] + 2] == ':' || p[p[0] + 2] == ';'))
    {
        *format = MFA_FORMAT_PHP_BINARY;
        return "PHP's \"php_binary\" session format";
    }

    if (mfa_record_django_like(p, len)) {
        *format = MFA_FORMAT_DJANGO;
        return "Django's signed session encoding";
    }

    return NULL;
}


/* "name|": a variable of PHP's "php" handler */

static int
mfa_record_php_name(const unsigned char *p, size_t len)
{
    size_t  k;

    k = mfa_record_span(p, len, "_");

    return k > 0 && k < len && p[k] == '|';
}


/* "<base64url>:<base62 time>:<43 bytes of base64url>" */

static int
mfa_record_django_like(const unsigned char *p, size_t len)
{
    size_t  a, b;

    a = (len > 0 && p[0] == '.') ? 1 : 0;
    a += mfa_record_span(p + a, len - a, "-_");

    if (a == 0 || a >= len || p[a] != ':') {
        return 0;
    }

    a++;
    b = mfa_record_span(p + a, len - a, "");

    return b > 0 && a + b < len && p[a + b] == ':'
           && len - (a + b + 1) == 43
           && mfa_record_span(p + a + b + 1, 43, "-_") == 43;
}


/* how many bytes from p are letters, digits or in extra */

static size_t
mfa_record_span(const unsigned char *p, size_t len, const char *extra)
{
    size_t  k;

    for (k = 0; k < len; k++) {
        if (!((p[k] >= 'a' && p[k] <= 'z') || (p[k] >= 'A' && p[k] <= 'Z')
              || (p[k] >= '0' && p[k] <= '9')
              || (p[k] != '\0' && strchr(extra, p[k]) != NULL)))
        {
            break;
        }
    }

    return k;
}
