
/*
 * The dashboard's session cookie, read from a request's Cookie headers
 * the way the dashboard's framework reads it (name, whitespace, quotes,
 * percent-decoding, which duplicate wins, its signature), and the Cookie
 * header the dashboard gets instead: the session cookie at most once, in
 * the framework's canonical form, and no other spelling of it.
 */


#ifndef MFA_COOKIE_H
#define MFA_COOKIE_H


#include "mfa_core.h"


/* a session id: printable ASCII, what the store's key is made of */
#define MFA_COOKIE_ID_MAX       256
#define MFA_COOKIE_NAME_MAX     128
#define MFA_COOKIE_SECRETS_MAX  8
/* the longest signature, as the cookie carries it */
#define MFA_COOKIE_SIG_MAX      64
/* the longest value read: "s:<id>.<signature>" */
#define MFA_COOKIE_VALUE_MAX    (2 + MFA_COOKIE_ID_MAX + 1 + MFA_COOKIE_SIG_MAX)
/* one canonical pair, "<name>.sig=<value>", the value percent-encoded */
#define MFA_COOKIE_PAIR_MAX     (MFA_COOKIE_NAME_MAX + 5 \
                                 + 3 * MFA_COOKIE_VALUE_MAX)


typedef enum {
    MFA_COOKIE_PLAIN = 0,
    MFA_COOKIE_EXPRESS,
    MFA_COOKIE_FASTIFY,
    MFA_COOKIE_KOA,
    MFA_COOKIE_FLASK,
    MFA_COOKIE_DJANGO,
    MFA_COOKIE_PHP,
    MFA_COOKIE_RACK,
    MFA_COOKIE_SPRING
} mfa_cookie_flavour_e;


typedef struct {
    mfa_cookie_flavour_e  flavour;
    mfa_str_t             name;
    /* the framework's signing secrets, the current one and older ones */
    size_t                nsecrets;
    mfa_str_t             secrets[MFA_COOKIE_SECRETS_MAX];
} mfa_cookie_spec_t;


/* the session cookie read: what its canonical pairs are made of */
typedef struct {
    size_t                id_len;
    char                  id[MFA_COOKIE_ID_MAX + 1];
    /* the value as the framework reads it, and whether it sets it
       percent-encoded */
    size_t                value_len;
    char                  value[MFA_COOKIE_VALUE_MAX];
    unsigned              encode:1;
    /* koa's signature cookie; sig_chunk 0 without one */
    size_t                sig_len;
    char                  sig[MFA_COOKIE_SIG_MAX];
    /* the chunks (counted from 1 over all headers) they were read from */
    size_t                chunk;
    size_t                sig_chunk;
} mfa_cookie_t;


/* "express" -> MFA_COOKIE_EXPRESS; -1 for an unknown name */
int mfa_cookie_flavour(const char *name, size_t len);
const char *mfa_cookie_flavour_name(mfa_cookie_flavour_e flavour);
/* whether the framework signs its session cookie, and must be given
   its secret */
int mfa_cookie_signed(mfa_cookie_flavour_e flavour);
/* whether a secret may be given (the framework can sign) */
int mfa_cookie_can_sign(mfa_cookie_flavour_e flavour);

/* a cookie name: 1 to MFA_COOKIE_NAME_MAX RFC 6265 token characters */
int mfa_cookie_name_valid(const char *name, size_t len);

/*
 * Finds the session cookie in the request's Cookie headers.  MFA_OK: c
 * holds the session id and what its canonical pairs are made of;
 * MFA_NOT_FOUND: there is
 * no session cookie; MFA_ERROR: there is one, but it names no session
 * (bad signature, not signed, characters the framework refuses), err
 * says which without quoting the cookie.
 */
int mfa_cookie_read(const mfa_cookie_spec_t *spec, const mfa_str_t *headers,
    size_t n, mfa_cookie_t *c, mfa_err_t *err);

/*
 * The Cookie header for the upstream: every pair of the headers that is
 * no spelling of the session cookie, as it came, and c's canonical pairs
 * where the pairs they were read from stood (c NULL: none), joined with
 * "; ".  out needs mfa_cookie_write_max() bytes; returns the length.
 */
size_t mfa_cookie_write_max(const mfa_str_t *headers, size_t n,
    const mfa_cookie_t *c);
size_t mfa_cookie_write(const mfa_cookie_spec_t *spec,
    const mfa_str_t *headers, size_t n, const mfa_cookie_t *c, char *out);

/*
 * A canonical pair of c as the framework sets it: 0 the session cookie,
 * 1 koa's signature cookie.  out needs MFA_COOKIE_PAIR_MAX bytes; returns
 * the length, 0 for a pair c does not have.
 */
size_t mfa_cookie_canonical(const mfa_cookie_spec_t *spec,
    const mfa_cookie_t *c, int which, char *out);

/*
 * Whether a cookie name is a spelling of the session cookie (or, for koa,
 * of its signature cookie) for any framework: white space, quotes and
 * percent-encoding around or in it, any case, and PHP's folding of ".",
 * " ", "+" and "[" to "_".
 */
int mfa_cookie_spelling(const mfa_cookie_spec_t *spec, const char *name,
    size_t len);

/*
 * The framework's signature of a value with one secret, as the cookie
 * carries it; out needs MFA_COOKIE_SIG_MAX bytes.  Returns the length,
 * 0 when it cannot be computed (no signature then matches).
 */
size_t mfa_cookie_sign(const mfa_cookie_spec_t *spec, const mfa_str_t *secret,
    const char *value, size_t len, char *out);


#endif /* MFA_COOKIE_H */
