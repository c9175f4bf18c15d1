
/*
 * Percent-encoding, return-URL validation and form parsing: everything
 * the module reads from a URL or a form body passes through here.
 */


#include <string.h>
#include <strings.h>

#include "mfa_url.h"


static int mfa_url_bad_char(unsigned char c);


static const char  mfa_hex_upper[] = "0123456789ABCDEF";


int
mfa_hex_value(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }

    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }

    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }

    return -1;
}


size_t
mfa_percent_encode(const char *in, size_t len, char *out)
{
    size_t         i, n;
    unsigned char  c;

    n = 0;

    for (i = 0; i < len; i++) {
        c = (unsigned char) in[i];

        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
            || (c >= '0' && c <= '9')
            || c == '-' || c == '.' || c == '_' || c == '~')
        {
            if (out != NULL) {
                out[n] = (char) c;
            }

            n++;
            continue;
        }

        if (out != NULL) {
            out[n] = '%';
            out[n + 1] = mfa_hex_upper[c >> 4];
            out[n + 2] = mfa_hex_upper[c & 0x0f];
        }

        n += 3;
    }

    return n;
}


int
mfa_percent_decode(const char *in, size_t len, int plus_is_space,
    char *out, size_t *out_len)
{
    int     hi, lo;
    size_t  i, n;

    n = 0;

    for (i = 0; i < len; i++) {

        if (in[i] == '%') {
            if (i + 2 >= len) {
                return MFA_ERROR;
            }

            hi = mfa_hex_value(in[i + 1]);
            lo = mfa_hex_value(in[i + 2]);

            if (hi < 0 || lo < 0) {
                return MFA_ERROR;
            }

            out[n++] = (char) ((hi << 4) | lo);
            i += 2;
            continue;
        }

        if (in[i] == '+' && plus_is_space) {
            out[n++] = ' ';
            continue;
        }

        out[n++] = in[i];
    }

    *out_len = n;

    return MFA_OK;
}


static int
mfa_url_bad_char(unsigned char c)
{
    return c <= 0x20 || c == 0x7f || c == '\\';
}


int
mfa_return_url_valid(const char *url, size_t len)
{
    int            hi, lo;
    size_t         i, k;
    unsigned char  c;

    if (len == 0 || url[0] != '/') {
        return 0;
    }

    /* k counts decoded characters: the second one must not be a "/" */

    k = 0;

    for (i = 0; i < len; i++, k++) {
        c = (unsigned char) url[i];

        if (c == '%') {
            if (i + 2 >= len) {
                return 0;
            }

            hi = mfa_hex_value(url[i + 1]);
            lo = mfa_hex_value(url[i + 2]);

            if (hi < 0 || lo < 0) {
                return 0;
            }

            c = (unsigned char) ((hi << 4) | lo);
            i += 2;

            /* an encoded space is fine ("?q=a%20b"), not a control */

            if (c != ' ' && mfa_url_bad_char(c)) {
                return 0;
            }

        } else if (mfa_url_bad_char(c)) {
            return 0;
        }

        if (k == 1 && c == '/') {
            return 0;
        }
    }

    return 1;
}


int
mfa_origin_is_host(const char *origin, size_t len, const char *host,
    size_t host_len)
{
    size_t  i, skip;

    if (len > 7 && strncasecmp(origin, "http://", 7) == 0) {
        skip = 7;

    } else if (len > 8 && strncasecmp(origin, "https://", 8) == 0) {
        skip = 8;

    } else {
        return 0;
    }

    if (host_len == 0 || len - skip != host_len) {
        return 0;
    }

    /* the host has no NUL (a bad character), so strncasecmp() stops at
       an origin's only at a difference */

    for (i = 0; i < host_len; i++) {
        if (host[i] == '/' || host[i] == '@'
            || mfa_url_bad_char((unsigned char) host[i]))
        {
            return 0;
        }
    }

    return strncasecmp(origin + skip, host, host_len) == 0;
}


int
mfa_pages_prefix_valid(const char *prefix, size_t len)
{
    char    c;
    size_t  i, seg, dots;

    if (len < 2 || prefix[0] != '/' || prefix[len - 1] != '/') {
        return 0;
    }

    seg = 0;
    dots = 0;

    for (i = 1; i < len; i++) {
        c = prefix[i];

        if (c == '/') {
            if (seg == 0 || seg == dots) {
                return 0;
            }

            seg = 0;
            dots = 0;
            continue;
        }

        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9')
              || c == '-' || c == '.' || c == '_' || c == '~'))
        {
            return 0;
        }

        seg++;

        if (c == '.') {
            dots++;
        }
    }

    return 1;
}


int
mfa_form_parse(const char *body, size_t len, mfa_form_t *form,
    mfa_err_t *err)
{
    size_t             i, j, k, eq, used, n;
    mfa_form_field_t  *f;

    form->n = 0;

    if (len > MFA_FORM_MAX_BODY) {
        mfa_err_set(err, "form of %zu bytes is over the %d byte limit",
                    len, MFA_FORM_MAX_BODY);
        return MFA_TOO_LARGE;
    }

    used = 0;
    i = 0;

    while (i < len) {

        for (j = i; j < len && body[j] != '&'; j++) {
            /* void */
        }

        if (j == i) {
            i = j + 1;
            continue;
        }

        if (form->n == MFA_FORM_MAX_FIELDS) {
            mfa_err_set(err, "form has more than %d fields",
                        MFA_FORM_MAX_FIELDS);
            return MFA_TOO_LARGE;
        }

        for (eq = i; eq < j && body[eq] != '='; eq++) {
            /* void */
        }

        if (eq == i) {
            mfa_err_set(err, "form field without a name at offset %zu", i);
            return MFA_ERROR;
        }

        f = &form->fields[form->n];

        f->name = &form->buf[used];

        if (mfa_percent_decode(&body[i], eq - i, 1, &form->buf[used], &n)
            != MFA_OK)
        {
            mfa_err_set(err, "malformed escape in form field name");
            return MFA_ERROR;
        }

        f->name_len = n;
        used += n;

        f->value = &form->buf[used];
        n = 0;

        if (eq < j
            && mfa_percent_decode(&body[eq + 1], j - eq - 1, 1,
                                  &form->buf[used], &n)
               != MFA_OK)
        {
            mfa_err_set(err, "malformed escape in form field \"%.*s\"",
                        (int) (f->name_len > 32 ? 32 : f->name_len),
                        f->name);
            return MFA_ERROR;
        }

        f->value_len = n;
        used += n;

        for (k = 0; k < form->n; k++) {
            if (form->fields[k].name_len == f->name_len
                && memcmp(form->fields[k].name, f->name, f->name_len) == 0)
            {
                mfa_err_set(err, "form field \"%.*s\" given twice",
                            (int) (f->name_len > 32 ? 32 : f->name_len),
                            f->name);
                return MFA_ERROR;
            }
        }

        form->n++;
        i = j + 1;
    }

    return MFA_OK;
}


const mfa_form_field_t *
mfa_form_get(const mfa_form_t *form, const char *name)
{
    size_t  i, len;

    len = strlen(name);

    for (i = 0; i < form->n; i++) {
        if (form->fields[i].name_len == len
            && memcmp(form->fields[i].name, name, len) == 0)
        {
            return &form->fields[i];
        }
    }

    return NULL;
}
