
/*
 * Fuzz target for the urlencoded form parser (mfa_form_parse() and
 * mfa_form_get() in src/mfa_url.c), which reads every POST body and
 * query string of the module's pages.
 *
 * On success: at most MFA_FORM_MAX_FIELDS fields, every name and value
 * lies inside form.buf, the decoded sizes add up to no more than the
 * input, no name is given twice, and mfa_form_get() finds each field by
 * its name (a name with a NUL in it cannot be asked for as a C string:
 * asking for the part before the NUL must not return it).
 *
 * Whatever the result, it must agree with a reference parser written from
 * the header comment: fields split on "&" (empty ones skipped), the name
 * before the first "=", %XX escapes and "+" as a space decoded in both,
 * and a failure on a body over MFA_FORM_MAX_BODY bytes, too many fields, a
 * malformed escape, an empty name or a repeated name.  On success the
 * fields are the reference's, in order.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mfa_url.h"
#include "fuzz.h"


typedef struct {
    size_t  name_off;
    size_t  name_len;
    size_t  value_off;
    size_t  value_len;
} fuzz_field_t;


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fuzz_ref_parse(const char *body, size_t len, fuzz_field_t *fields,
    size_t *nfields, char *buf);


/* returns 1 when the body is a valid form; buf has room for len bytes */

static int
fuzz_ref_parse(const char *body, size_t len, fuzz_field_t *fields,
    size_t *nfields, char *buf)
{
    size_t        start, end, eq, used, n, k;
    const char   *amp, *p;
    fuzz_field_t  f;

    *nfields = 0;

    if (len > MFA_FORM_MAX_BODY) {
        return 0;
    }

    used = 0;

    for (start = 0; start < len; start = end + 1) {
        amp = memchr(body + start, '&', len - start);
        end = (amp == NULL) ? len : (size_t) (amp - body);

        if (end == start) {
            continue;
        }

        if (*nfields == MFA_FORM_MAX_FIELDS) {
            return 0;
        }

        p = memchr(body + start, '=', end - start);
        eq = (p == NULL) ? end : (size_t) (p - body);

        if (eq == start) {
            return 0;
        }

        f.name_off = used;

        if (!fuzz_decode(body + start, eq - start, 1, buf + used, &n)) {
            return 0;
        }

        f.name_len = n;
        used += n;
        f.value_off = used;
        f.value_len = 0;

        if (eq < end) {
            if (!fuzz_decode(body + eq + 1, end - eq - 1, 1, buf + used, &n)) {
                return 0;
            }

            f.value_len = n;
            used += n;
        }

        for (k = 0; k < *nfields; k++) {
            if (fields[k].name_len == f.name_len
                && memcmp(buf + fields[k].name_off, buf + f.name_off,
                          f.name_len)
                   == 0)
            {
                return 0;
            }
        }

        fields[(*nfields)++] = f;
    }

    return 1;
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int                      rc, ok;
    char                    *name, *ref_buf;
    size_t                   i, k, total, nref;
    const char              *body, *lo, *hi;
    mfa_err_t                err;
    mfa_form_t              *form;
    fuzz_field_t             ref[MFA_FORM_MAX_FIELDS];
    const mfa_form_field_t  *f, *g;

    body = (const char *) data;

    form = malloc(sizeof(mfa_form_t));
    ref_buf = malloc(size + 1);
    name = malloc(size + 1);
    FUZZ_CHECK(form != NULL && ref_buf != NULL && name != NULL);

    memset(form, 0xa5, sizeof(mfa_form_t));
    err.msg[0] = '\0';

    rc = mfa_form_parse(body, size, form, &err);
    ok = fuzz_ref_parse(body, size, ref, &nref, ref_buf);

    FUZZ_CHECK(rc == MFA_OK || rc == MFA_ERROR || rc == MFA_TOO_LARGE);
    FUZZ_CHECK((rc == MFA_OK) == ok);

    if (rc != MFA_OK) {
        /* a failure says why, in a NUL-terminated message */
        FUZZ_CHECK(err.msg[0] != '\0');
        FUZZ_CHECK(memchr(err.msg, '\0', sizeof(err.msg)) != NULL);
        goto done;
    }

    FUZZ_CHECK(form->n <= MFA_FORM_MAX_FIELDS);
    FUZZ_CHECK(form->n == nref);

    lo = form->buf;
    hi = form->buf + sizeof(form->buf);
    total = 0;

    for (i = 0; i < form->n; i++) {
        f = &form->fields[i];

        FUZZ_CHECK(f->name >= lo && f->name <= hi);
        FUZZ_CHECK(f->name_len <= (size_t) (hi - f->name));
        FUZZ_CHECK(f->value >= lo && f->value <= hi);
        FUZZ_CHECK(f->value_len <= (size_t) (hi - f->value));
        FUZZ_CHECK(f->name_len > 0);

        total += f->name_len + f->value_len;

        FUZZ_CHECK(f->name_len == ref[i].name_len);
        FUZZ_CHECK(memcmp(f->name, ref_buf + ref[i].name_off, f->name_len)
                   == 0);
        FUZZ_CHECK(f->value_len == ref[i].value_len);
        FUZZ_CHECK(memcmp(f->value, ref_buf + ref[i].value_off, f->value_len)
                   == 0);

        for (k = 0; k < i; k++) {
            g = &form->fields[k];

            FUZZ_CHECK(g->name_len != f->name_len
                       || memcmp(g->name, f->name, f->name_len) != 0);
        }

        memcpy(name, f->name, f->name_len);
        name[f->name_len] = '\0';

        g = mfa_form_get(form, name);

        if (strlen(name) == f->name_len) {
            FUZZ_CHECK(g == f);

        } else {
            FUZZ_CHECK(g == NULL || g->name_len == strlen(name));
            FUZZ_CHECK(g != f);
        }
    }

    FUZZ_CHECK(total <= size);

    /* the names the module asks for */

    g = mfa_form_get(form, "code");
    FUZZ_CHECK(g == NULL || (g->name_len == 4
                             && memcmp(g->name, "code", 4) == 0));

done:

    free(name);
    free(ref_buf);
    free(form);

    return 0;
}
