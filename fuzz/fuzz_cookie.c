
/*
 * Fuzz target for the session cookie (src/mfa_cookie.c).  The input's
 * first byte picks the framework and whether it has a secret; the rest is
 * up to four Cookie headers, split at "\n".
 *
 *   mfa_cookie_read() returns MFA_OK, MFA_NOT_FOUND or MFA_ERROR (with a
 *   message); with MFA_OK the id is 1 to MFA_COOKIE_ID_MAX printable
 *   ASCII bytes, NUL-terminated, and its canonical pairs fit.
 *
 *   mfa_cookie_write(), with the session read or without one, writes at
 *   most mfa_cookie_write_max() bytes, and what it writes holds no
 *   spelling of the session cookie (by a reference check written from
 *   mfa_cookie_spelling()'s header comment: the name before "=" of every
 *   ";" chunk and "," part) but the canonical pairs.
 *
 *   The written header read again names the same session, or none when
 *   it was written without one, and written again it is the same bytes.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mfa_cookie.h"
#include "fuzz.h"


#define FUZZ_HEADERS  4


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fuzz_is_pair(const mfa_cookie_spec_t *spec, const mfa_cookie_t *c,
    const char *s, size_t len);
static size_t fuzz_npairs(const mfa_cookie_t *c);
static void fuzz_check_written(const mfa_cookie_spec_t *spec,
    const mfa_cookie_t *c, const char *out, size_t len);
static size_t fuzz_split(const char *in, size_t len, mfa_str_t *headers);


static const char  *fuzz_names[] = {
    "sid", "sid", "sessionId", "koa.sess", "session", "sessionid",
    "PHPSESS_ID", "rack.session", "SESSION"
};

/* the secrets of the unit tests' vectors, which the seeds use */
static const char  *fuzz_secrets[] = {
    "", "keyboard cat", "a-secret-with-at-least-32-characters!!",
    "koa-key-1", "flask-secret", "", "", "", ""
};


static size_t
fuzz_split(const char *in, size_t len, mfa_str_t *headers)
{
    size_t       n;
    const char  *nl, *end;

    n = 0;
    end = in + len;

    while (n < FUZZ_HEADERS) {
        nl = memchr(in, '\n', (size_t) (end - in));

        headers[n].data = in;
        headers[n].len = (size_t) ((nl ? nl : end) - in);
        n++;

        if (nl == NULL) {
            break;
        }

        in = nl + 1;
    }

    return n;
}


/* whether s is one of c's canonical pairs */

static int
fuzz_is_pair(const mfa_cookie_spec_t *spec, const mfa_cookie_t *c,
    const char *s, size_t len)
{
    int     i;
    char    pair[MFA_COOKIE_PAIR_MAX];
    size_t  n;

    for (i = 0; c != NULL && i < 2; i++) {
        n = mfa_cookie_canonical(spec, c, i, pair);
        FUZZ_CHECK(n <= MFA_COOKIE_PAIR_MAX);

        if (n != 0 && n == len && memcmp(pair, s, len) == 0) {
            return 1;
        }
    }

    return 0;
}


/* how many canonical pairs c has */

static size_t
fuzz_npairs(const mfa_cookie_t *c)
{
    return (c == NULL) ? 0 : (c->sig_chunk != 0) ? 2 : 1;
}


static void
fuzz_check_written(const mfa_cookie_spec_t *spec, const mfa_cookie_t *c,
    const char *out, size_t len)
{
    size_t       n, seen;
    const char  *p, *end, *semi, *comma, *eq, *part;

    p = out;
    end = out + len;
    seen = 0;

    while (p < end) {
        semi = memchr(p, ';', (size_t) (end - p));
        n = (size_t) ((semi ? semi : end) - p);

        /* chunks are joined with "; " and never empty */
        while (n > 0 && *p == ' ') {
            p++;
            n--;
        }

        FUZZ_CHECK(n > 0);

        if (fuzz_is_pair(spec, c, p, n)) {
            seen++;

        } else {
            for (part = p; part <= p + n; part = comma + 1) {
                comma = memchr(part, ',', (size_t) (p + n - part));
                if (comma == NULL) {
                    comma = p + n;
                }

                eq = memchr(part, '=', (size_t) (comma - part));

                FUZZ_CHECK(!mfa_cookie_spelling(spec, part,
                                                (size_t) ((eq ? eq : comma)
                                                          - part)));
            }
        }

        p += n + 1;
    }

    FUZZ_CHECK(seen == fuzz_npairs(c));
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int                rc, again;
    char              *out, *out2;
    size_t             i, n, len, len2, max;
    mfa_str_t          headers[FUZZ_HEADERS], written;
    mfa_err_t          err;
    mfa_cookie_t      *c, *c2;
    mfa_cookie_spec_t  spec;

    if (size < 1) {
        return 0;
    }

    memset(&spec, 0, sizeof(spec));
    spec.flavour = (mfa_cookie_flavour_e) ((data[0] & 0x7f)
                                           % (sizeof(fuzz_names)
                                              / sizeof(fuzz_names[0])));
    spec.name.data = fuzz_names[spec.flavour];
    spec.name.len = strlen(spec.name.data);

    if ((data[0] & 0x80 || mfa_cookie_signed(spec.flavour))
        && mfa_cookie_can_sign(spec.flavour))
    {
        spec.secrets[0].data = fuzz_secrets[spec.flavour];
        spec.secrets[0].len = strlen(spec.secrets[0].data);
        spec.secrets[1].data = "an older secret";
        spec.secrets[1].len = 15;
        spec.nsecrets = 2;
    }

    n = fuzz_split((const char *) data + 1, size - 1, headers);

    c = malloc(sizeof(mfa_cookie_t));
    c2 = malloc(sizeof(mfa_cookie_t));
    FUZZ_CHECK(c != NULL && c2 != NULL);

    err.msg[0] = '\0';
    rc = mfa_cookie_read(&spec, headers, n, c, &err);

    FUZZ_CHECK(rc == MFA_OK || rc == MFA_NOT_FOUND || rc == MFA_ERROR);
    FUZZ_CHECK(rc != MFA_ERROR || err.msg[0] != '\0');

    if (rc == MFA_OK) {
        FUZZ_CHECK(c->id_len >= 1 && c->id_len <= MFA_COOKIE_ID_MAX);
        FUZZ_CHECK(c->id[c->id_len] == '\0');
        FUZZ_CHECK(c->chunk != 0 && c->chunk != c->sig_chunk);
        FUZZ_CHECK(c->value_len <= MFA_COOKIE_VALUE_MAX);
        FUZZ_CHECK(c->sig_len <= MFA_COOKIE_SIG_MAX);

        for (i = 0; i < c->id_len; i++) {
            FUZZ_CHECK(c->id[i] > 0x20 && c->id[i] < 0x7f);
        }
    }

    /* with the session (when there is one), then without */

    for (again = 0; again < 2; again++) {
        if (again == 0 && rc != MFA_OK) {
            continue;
        }

        max = mfa_cookie_write_max(headers, n, again ? NULL : c);
        out = malloc(max + 1);
        FUZZ_CHECK(out != NULL);

        len = mfa_cookie_write(&spec, headers, n, again ? NULL : c, out);
        FUZZ_CHECK(len <= max);

        fuzz_check_written(&spec, again ? NULL : c, out, len);

        /* read again: the same session, or none at all */

        written.data = out;
        written.len = len;

        rc = mfa_cookie_read(&spec, &written, 1, c2, &err);

        if (again) {
            FUZZ_CHECK(rc == MFA_NOT_FOUND);

        } else {
            FUZZ_CHECK(rc == MFA_OK);
            FUZZ_CHECK(c2->id_len == c->id_len
                       && memcmp(c2->id, c->id, c->id_len) == 0);

            out2 = malloc(mfa_cookie_write_max(&written, 1, c2) + 1);
            FUZZ_CHECK(out2 != NULL);

            len2 = mfa_cookie_write(&spec, &written, 1, c2, out2);
            FUZZ_CHECK(len2 == len && memcmp(out2, out, len) == 0);

            free(out2);
            rc = MFA_OK;
        }

        free(out);
    }

    free(c);
    free(c2);

    return 0;
}
