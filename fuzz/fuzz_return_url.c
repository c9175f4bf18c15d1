
/*
 * Fuzz target for what the module writes into a Location header:
 * mfa_return_url_valid(), mfa_percent_decode() and mfa_percent_encode()
 * (src/mfa_url.c), mfa_gate_location() and mfa_gate_json_body()
 * (src/mfa_gate.c), and mfa_pages_prefix_valid().
 *
 * mfa_return_url_valid(): a URL it accepts is a local path whatever a
 * browser makes of it: it starts with "/", has no raw space, its
 * percent-decoded form has no control character, no 0x7f, no backslash
 * (a space only as "%20"), and its second decoded character is not "/".
 * It must also accept every such URL (the header comment is the rule,
 * both ways).
 *
 * Percent-encoding: the length-only call equals the written length, the
 * output has only unreserved characters and %XX, and it decodes back to
 * the input with "+" taken either way.  Decoding agrees with a reference
 * decoder, gives the same result in place, and re-encoding what it
 * decoded decodes to the same bytes.
 *
 * mfa_gate_location() with the input as the request URI: the length-only
 * call equals the written length; the output is printable ASCII with no
 * '"' or '\\'; it is the pages prefix, the page and either the encoded URI
 * (which the form parser's decoding turns back into the URI) or "%2F".
 * The JSON body around it has the announced length and is JSON whose
 * "location" is that string.
 *
 * mfa_pages_prefix_valid(): an accepted prefix starts and ends with "/"
 * and has only non-empty segments of unreserved characters, none "." or
 * ".." (nor any other run of dots only), and every such prefix is
 * accepted.
 *
 * mfa_origin_is_host(): "http://" and the input, in either case, is the
 * input's origin exactly when the input is a host (not empty, no "/", "@",
 * space, control character, 0x7f nor backslash); the input as an origin
 * is that of a host "h" only when it is "http://h" or "https://h".
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "mfa_gate.h"
#include "mfa_url.h"
#include "fuzz.h"


#define FUZZ_PAGES  "/_mfa/"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fuzz_unreserved(unsigned char c);
static void fuzz_return_url(const char *url, size_t len);
static void fuzz_percent(const char *in, size_t len);
static void fuzz_location(const char *uri, size_t len,
    mfa_gate_action_e action);
static void fuzz_pages_prefix(const char *prefix, size_t len);
static void fuzz_origin(const char *in, size_t len);


static int
fuzz_unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
           || (c >= '0' && c <= '9')
           || c == '-' || c == '.' || c == '_' || c == '~';
}


static void
fuzz_return_url(const char *url, size_t len)
{
    int            valid, safe, esc;
    char          *dec;
    size_t         i, k, n;
    unsigned char  c;

    dec = malloc(len + 1);
    FUZZ_CHECK(dec != NULL);

    valid = mfa_return_url_valid(url, len);
    FUZZ_CHECK(valid == 0 || valid == 1);

    /* the rule of the header comment, character by character */

    safe = len > 0 && url[0] == '/';

    for (i = 0, k = 0; safe && i < len; i++, k++) {
        c = (unsigned char) url[i];
        esc = 0;

        if (c == '%') {
            if (len - i < 3
                || fuzz_hex((unsigned char) url[i + 1]) < 0
                || fuzz_hex((unsigned char) url[i + 2]) < 0)
            {
                safe = 0;
                break;
            }

            c = (unsigned char) (fuzz_hex((unsigned char) url[i + 1]) * 16
                                 + fuzz_hex((unsigned char) url[i + 2]));
            esc = 1;
            i += 2;
        }

        if (c < 0x20 || c == 0x7f || c == '\\' || (c == ' ' && !esc)
            || (k == 1 && c == '/'))
        {
            safe = 0;
        }
    }

    FUZZ_CHECK(valid == safe);

    if (valid) {
        /* the security property, spelled out */

        FUZZ_CHECK(len > 0 && url[0] == '/');
        FUZZ_CHECK(memchr(url, ' ', len) == NULL);
        FUZZ_CHECK(fuzz_decode(url, len, 0, dec, &n));
        FUZZ_CHECK(n > 0 && dec[0] == '/');
        FUZZ_CHECK(n == 1 || dec[1] != '/');

        for (i = 0; i < n; i++) {
            c = (unsigned char) dec[i];

            FUZZ_CHECK(c >= 0x20 && c != 0x7f && c != '\\');
        }
    }

    free(dec);
}


static void
fuzz_percent(const char *in, size_t len)
{
    int     rc, ok, plus;
    char   *enc, *dec, *ref, *copy;
    size_t  i, elen, n, rn, en;

    /* encode, then decode back */

    elen = mfa_percent_encode(in, len, NULL);
    FUZZ_CHECK(elen >= len && elen <= 3 * len);

    enc = malloc(elen);
    dec = malloc(elen > len ? elen : len);
    ref = malloc(len);
    copy = malloc(len);
    FUZZ_CHECK(enc != NULL && dec != NULL && ref != NULL && copy != NULL);

    FUZZ_CHECK(mfa_percent_encode(in, len, enc) == elen);

    for (i = 0; i < elen; i++) {
        if (enc[i] == '%') {
            FUZZ_CHECK(i + 2 < elen);
            FUZZ_CHECK(fuzz_hex((unsigned char) enc[i + 1]) >= 0
                       && fuzz_hex((unsigned char) enc[i + 2]) >= 0);
            FUZZ_CHECK(!fuzz_unreserved((unsigned char)
                                        (fuzz_hex((unsigned char) enc[i + 1])
                                         * 16
                                         + fuzz_hex((unsigned char)
                                                    enc[i + 2]))));
            i += 2;
            continue;
        }

        FUZZ_CHECK(fuzz_unreserved((unsigned char) enc[i]));
    }

    for (plus = 0; plus <= 1; plus++) {
        n = (size_t) -1;
        rc = mfa_percent_decode(enc, elen, plus, dec, &n);
        FUZZ_CHECK(rc == MFA_OK && n == len);
        FUZZ_CHECK(memcmp(dec, in, len) == 0);
    }

    /* decode the input itself */

    for (plus = 0; plus <= 1; plus++) {
        n = (size_t) -1;
        rc = mfa_percent_decode(in, len, plus, dec, &n);
        ok = fuzz_decode(in, len, plus, ref, &rn);

        FUZZ_CHECK(rc == MFA_OK || rc == MFA_ERROR);
        FUZZ_CHECK((rc == MFA_OK) == ok);

        if (rc != MFA_OK) {
            continue;
        }

        FUZZ_CHECK(n == rn && n <= len);
        FUZZ_CHECK(memcmp(dec, ref, n) == 0);

        /* in place */

        memcpy(copy, in, len);
        rc = mfa_percent_decode(copy, len, plus, copy, &rn);
        FUZZ_CHECK(rc == MFA_OK && rn == n);
        FUZZ_CHECK(memcmp(copy, dec, n) == 0);

        /* decode(encode(decode(x))) == decode(x) */

        en = mfa_percent_encode(dec, n, NULL);
        FUZZ_CHECK(en >= n && en <= 3 * n);

        free(enc);
        enc = malloc(en);
        FUZZ_CHECK(enc != NULL);
        FUZZ_CHECK(mfa_percent_encode(dec, n, enc) == en);

        rc = mfa_percent_decode(enc, en, plus, copy, &rn);
        FUZZ_CHECK(rc == MFA_OK && rn == n);
        FUZZ_CHECK(memcmp(copy, dec, n) == 0);
    }

    free(copy);
    free(ref);
    free(dec);
    free(enc);
}


static void
fuzz_location(const char *uri, size_t len, mfa_gate_action_e action)
{
    int             rc;
    char           *out, *body, *dec;
    size_t          i, n, w, plen, bn, dn;
    json_t         *root, *loc;
    mfa_str_t       pages, u, location;
    const char     *page;
    json_error_t    jerr;
    unsigned char   c;

    pages.data = FUZZ_PAGES;
    pages.len = sizeof(FUZZ_PAGES) - 1;

    u.data = uri;
    u.len = len;

    n = mfa_gate_location(&pages, action, &u, NULL);

    out = malloc(n);
    FUZZ_CHECK(out != NULL);

    w = mfa_gate_location(&pages, action, &u, out);
    FUZZ_CHECK(w == n);

    for (i = 0; i < n; i++) {
        c = (unsigned char) out[i];

        FUZZ_CHECK(c > 0x20 && c < 0x7f && c != '"' && c != '\\');
    }

    page = (action == MFA_GATE_ENROLL) ? "enroll?return="
                                       : "challenge?return=";

    plen = pages.len + strlen(page);

    FUZZ_CHECK(n >= plen);
    FUZZ_CHECK(memcmp(out, pages.data, pages.len) == 0);
    FUZZ_CHECK(memcmp(out + pages.len, page, strlen(page)) == 0);

    if (mfa_return_url_valid(uri, len)) {
        /* the return parameter, read back as the form parser does */

        dec = malloc(n - plen);
        FUZZ_CHECK(dec != NULL);

        rc = mfa_percent_decode(out + plen, n - plen, 1, dec, &dn);
        FUZZ_CHECK(rc == MFA_OK && dn == len);
        FUZZ_CHECK(memcmp(dec, uri, len) == 0);
        FUZZ_CHECK(memchr(out + plen, '&', n - plen) == NULL);

        free(dec);

    } else {
        FUZZ_CHECK(n == plen + 3 && memcmp(out + plen, "%2F", 3) == 0);
    }

    /* the 401 body for a script */

    location.data = out;
    location.len = n;

    bn = mfa_gate_json_body(action, &location, NULL);

    body = malloc(bn);
    FUZZ_CHECK(body != NULL);
    FUZZ_CHECK(mfa_gate_json_body(action, &location, body) == bn);

    root = json_loadb(body, bn, JSON_REJECT_DUPLICATES, &jerr);
    FUZZ_CHECK(root != NULL && json_is_object(root));

    loc = json_object_get(root, "location");
    FUZZ_CHECK(json_is_string(loc));
    FUZZ_CHECK(json_string_length(loc) == n);
    FUZZ_CHECK(memcmp(json_string_value(loc), out, n) == 0);

    json_decref(root);

    free(body);
    free(out);
}


static void
fuzz_pages_prefix(const char *prefix, size_t len)
{
    int     valid, ok;
    size_t  i, seg, dots;

    valid = mfa_pages_prefix_valid(prefix, len);
    FUZZ_CHECK(valid == 0 || valid == 1);

    ok = len >= 2 && prefix[0] == '/' && prefix[len - 1] == '/';
    seg = 0;
    dots = 0;

    for (i = 1; ok && i < len; i++) {
        if (prefix[i] == '/') {
            /* "", "." and "..", and "..." too: refused, harmless */
            if (seg == 0 || dots == seg) {
                ok = 0;
            }

            seg = 0;
            dots = 0;
            continue;
        }

        if (!fuzz_unreserved((unsigned char) prefix[i])) {
            ok = 0;
        }

        seg++;

        if (prefix[i] == '.') {
            dots++;
        }
    }

    FUZZ_CHECK(valid == ok);
}


static void
fuzz_origin(const char *in, size_t len)
{
    int            host;
    char          *origin;
    size_t         i;
    unsigned char  c;

    origin = malloc(len + 8);
    FUZZ_CHECK(origin != NULL);

    host = len > 0;

    for (i = 0; i < len; i++) {
        c = (unsigned char) in[i];

        if (c <= 0x20 || c == 0x7f || c == '\\' || c == '/' || c == '@') {
            host = 0;
        }
    }

    memcpy(origin, "hTTp://", 7);
    memcpy(origin + 7, in, len);

    for (i = 7; i < len + 7; i++) {
        c = (unsigned char) origin[i];

        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
            origin[i] = (char) (c ^ 0x20);
        }
    }

    FUZZ_CHECK(mfa_origin_is_host(origin, len + 7, in, len) == host);

    free(origin);

    FUZZ_CHECK(mfa_origin_is_host(in, len, "h", 1)
               == ((len == 8 && strncasecmp(in, "http://h", 8) == 0)
                   || (len == 9 && strncasecmp(in, "https://h", 9) == 0)));
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char  *s;

    s = (const char *) data;

    fuzz_return_url(s, size);
    fuzz_percent(s, size);
    fuzz_location(s, size, MFA_GATE_CHALLENGE);
    fuzz_location(s, size, MFA_GATE_ENROLL);
    fuzz_pages_prefix(s, size);
    fuzz_origin(s, size);

    return 0;
}
