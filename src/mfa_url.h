
/*
 * Percent-encoding, return-URL validation and
 * application/x-www-form-urlencoded parsing.
 */


#ifndef MFA_URL_H
#define MFA_URL_H


#include "mfa_core.h"


/* limits of mfa_form_parse() */
#define MFA_FORM_MAX_FIELDS   16
#define MFA_FORM_MAX_BODY     4096


typedef struct {
    const char  *name;
    size_t       name_len;
    const char  *value;
    size_t       value_len;
} mfa_form_field_t;


typedef struct {
    mfa_form_field_t  fields[MFA_FORM_MAX_FIELDS];
    size_t            n;
    /* decoded names and values point into this buffer */
    char              buf[MFA_FORM_MAX_BODY];
} mfa_form_t;


/* the value of a hex digit in either case, or -1 */
int mfa_hex_value(char c);

/*
 * Percent-encodes everything but RFC 3986 unreserved characters.
 * With out == NULL only returns the length the result needs.
 */
size_t mfa_percent_encode(const char *in, size_t len, char *out);

/*
 * Decodes %XX escapes, and "+" as a space when plus_is_space is set.
 * out may be in.  Fails on a malformed escape.
 */
int mfa_percent_decode(const char *in, size_t len, int plus_is_space,
    char *out, size_t *out_len);

/*
 * A return URL is accepted only as a local path: it starts with exactly
 * one "/" (not "//" nor "/\", even percent-encoded), has no backslash, no
 * control character and no space, and neither has its percent-decoded
 * form, but for an encoded space ("%20").
 */
int mfa_return_url_valid(const char *url, size_t len);

/*
 * Whether a request's Origin ("http://" or "https://" and an authority)
 * names the host of its Host header (host[:port], compared without case).
 * The scheme is not compared: behind a TLS terminator nginx may see
 * plain HTTP for an https origin.  "null", another scheme, a path, user
 * information or a control character: not the host.
 */
int mfa_origin_is_host(const char *origin, size_t len, const char *host,
    size_t host_len);

/*
 * A location prefix for the module's pages: starts and ends with "/",
 * only unreserved characters and "/", no empty, "." or ".." segment.
 */
int mfa_pages_prefix_valid(const char *prefix, size_t len);

/*
 * Parses an urlencoded body or query string into form->fields.  Fails on
 * a body over MFA_FORM_MAX_BODY bytes, more than MFA_FORM_MAX_FIELDS
 * fields, a malformed escape, a field without a name, or a name given
 * twice.
 */
int mfa_form_parse(const char *body, size_t len, mfa_form_t *form,
    mfa_err_t *err);

/* the value of a field, or NULL */
const mfa_form_field_t *mfa_form_get(const mfa_form_t *form,
    const char *name);


#endif /* MFA_URL_H */
