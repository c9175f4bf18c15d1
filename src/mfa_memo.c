
/*
 * A memo of the gate's inputs: its key and its encoding (src/mfa_memo.h).
 * The memo lives in one worker's memory only: the gate's input is kept
 * as the structure's bytes, the numbers in the machine's order.  Every
 * field of the identity is written when it is read (it is large: not
 * cleared first), and all of it is zeroed when the encoding is refused.
 */


#include <string.h>

#include "mfa_memo.h"


static char *mfa_memo_put_value(char *p, const mfa_session_value_t *v);
static int mfa_memo_get_value(const char **p, const char *end,
    mfa_session_value_t *v);


size_t
mfa_memo_key(char *out, size_t size, mfa_str_t session_key,
    mfa_str_t company, mfa_str_t id)
{
    size_t       i, len;
    char        *p;
    mfa_str_t    parts[3];
    uint32_t     n;

    parts[0] = session_key;
    parts[1] = company;
    parts[2] = id;

    len = 0;

    for (i = 0; i < 3; i++) {
        if (parts[i].len > UINT32_MAX) {
            return 0;
        }

        len += sizeof(uint32_t) + parts[i].len;
    }

    if (len > size) {
        return 0;
    }

    p = out;

    for (i = 0; i < 3; i++) {
        n = (uint32_t) parts[i].len;
        memcpy(p, &n, sizeof(uint32_t));
        p += sizeof(uint32_t);

        if (n) {
            memcpy(p, parts[i].data, n);
            p += n;
        }
    }

    return len;
}


size_t
mfa_memo_write(const mfa_memo_t *m, const mfa_gate_identity_t *id,
    char *out)
{
    char  *p;

    if (m->ndeps > MFA_MEMO_DEPS) {
        return 0;
    }

    p = out;

    memcpy(p, &m->mark, 8);
    p += 8;

    *p++ = (char) (uint8_t) m->ndeps;

    memcpy(p, m->deps, 8 * m->ndeps);
    p += 8 * m->ndeps;

    memcpy(p, &m->in, sizeof(mfa_gate_input_t));
    p += sizeof(mfa_gate_input_t);

    memcpy(p, m->digest, MFA_SESSION_DIGEST_LEN);
    p += MFA_SESSION_DIGEST_LEN;

    *p++ = (char) (id->own_company != 0);

    p = mfa_memo_put_value(p, &id->user);
    p = mfa_memo_put_value(p, &id->company);
    p = mfa_memo_put_value(p, &id->admin);

    return (size_t) (p - out);
}


/* found, boolean, a length of two bytes, the bytes */

static char *
mfa_memo_put_value(char *p, const mfa_session_value_t *v)
{
    size_t  len;

    len = v->found ? v->len : 0;

    *p++ = (char) (v->found ? 1 : 0);
    *p++ = (char) (v->boolean ? 1 : 0);
    *p++ = (char) (len & 0xff);
    *p++ = (char) (len >> 8);

    memcpy(p, v->data, len);

    return p + len;
}


int
mfa_memo_read(mfa_str_t v, mfa_memo_t *m, mfa_gate_identity_t *id)
{
    const char  *p, *end;

    p = v.data;
    end = v.data + v.len;

    if (end - p < 9) {
        goto invalid;
    }

    memcpy(&m->mark, p, 8);
    p += 8;

    m->ndeps = (uint8_t) *p++;

    if (m->ndeps > MFA_MEMO_DEPS
        || (size_t) (end - p) < 8 * m->ndeps + sizeof(mfa_gate_input_t)
                                + MFA_SESSION_DIGEST_LEN + 1)
    {
        goto invalid;
    }

    memcpy(m->deps, p, 8 * m->ndeps);
    p += 8 * m->ndeps;

    memcpy(&m->in, p, sizeof(mfa_gate_input_t));
    p += sizeof(mfa_gate_input_t);

    memcpy(m->digest, p, MFA_SESSION_DIGEST_LEN);
    p += MFA_SESSION_DIGEST_LEN;

    id->own_company = (*p++ != 0);

    if (mfa_memo_get_value(&p, end, &id->user) != MFA_OK
        || mfa_memo_get_value(&p, end, &id->company) != MFA_OK
        || mfa_memo_get_value(&p, end, &id->admin) != MFA_OK
        || p != end)
    {
        goto invalid;
    }

    return MFA_OK;

invalid:

    memset(id, 0, sizeof(mfa_gate_identity_t));

    return MFA_ERROR;
}


static int
mfa_memo_get_value(const char **pp, const char *end, mfa_session_value_t *v)
{
    size_t       len;
    const char  *p;

    p = *pp;

    if (end - p < 4) {
        return MFA_ERROR;
    }

    v->found = (p[0] != 0);
    v->boolean = (p[1] != 0);
    len = (size_t) (uint8_t) p[2] | (size_t) (uint8_t) p[3] << 8;
    p += 4;

    /* a value's bytes and its NUL, as the session readers leave them;
       none when not found */
    if (len >= MFA_SESSION_VALUE_MAX || (size_t) (end - p) < len
        || (!v->found && len != 0))
    {
        return MFA_ERROR;
    }

    memcpy(v->data, p, len);
    v->data[len] = '\0';
    v->len = len;

    *pp = p + len;

    return MFA_OK;
}
