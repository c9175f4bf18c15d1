
/*
 * What the gate reads in Redis for one decision, fact by fact.
 *
 * Three stages, each a round trip when nothing is cached: the session
 * and its verified marker; then the user's enrolment, the active
 * company's policy and, when they count, the user's companies and the
 * session's own company's policy; then, for "mfa_policy_scope any" or
 * without an active company, the policy of each of the user's companies.
 *
 * Values, as kept in a cache, start with a state byte:
 *   session  'A' no record, 'V' a visitor's, 'I' <why> unreadable,
 *            'O' <flags> <user> <company> <admin> (each a 2-byte length
 *            and bytes; flags: 1 company found, 2 admin found, 4 admin
 *            is a boolean)
 *   marker   'A' none (or not a string), 'S' <value>
 *   user     'W' not a hash, 'H' <gen> <since> (1 present, length, bytes)
 *   members  'W' not a set, 'M' more than MFA_SCOPE_ANY_MAX, 'S' <count>
 *            then each (1-byte length and bytes; 0 for an invalid id)
 *   policy   'A' none, '0', '1', '!' unreadable
 */


#include <stdio.h>
#include <string.h>

#include "mfa_lookup.h"
#include "mfa_keys.h"


#define MFA_STAGE_SESSION   0
#define MFA_STAGE_USER      1
#define MFA_STAGE_POLICIES  2
#define MFA_STAGE_DONE      3


typedef struct {
    char        *p;
    char        *end;
} mfa_out_t;


typedef struct {
    const char  *p;
    const char  *end;
    int          bad;
} mfa_in_t;


static char *mfa_lookup_alloc(mfa_lookup_t *lk, size_t n);
static mfa_str_t mfa_lookup_key(mfa_lookup_t *lk, mfa_str_t prefix,
    mfa_str_t id, const char *suffix);
static mfa_fact_t *mfa_lookup_fact(mfa_lookup_t *lk, mfa_fact_e kind,
    mfa_str_t key);
static void mfa_lookup_policy(mfa_lookup_t *lk, mfa_str_t company);
static void mfa_lookup_mark(mfa_lookup_t *lk, const char *mark);
static int mfa_lookup_forced(mfa_lookup_t *lk);
static int mfa_lookup_known(mfa_lookup_t *lk, mfa_fact_t *f, mfa_str_t v);
static int mfa_lookup_session(mfa_lookup_t *lk, mfa_fact_t *f, mfa_str_t v);
static void mfa_lookup_stage_user(mfa_lookup_t *lk);
static void mfa_lookup_stage_policies(mfa_lookup_t *lk);
static int mfa_lookup_wrong_type(const mfa_reply_t *reply);
static int mfa_lookup_hash(const mfa_lookup_t *lk);
static int mfa_lookup_identify(mfa_lookup_t *lk, mfa_fact_t *f,
    mfa_gate_state_t *st, mfa_str_t *value);
static int mfa_lookup_value(mfa_lookup_t *lk, mfa_fact_t *f, const char *v,
    size_t len, mfa_str_t *value);

static void mfa_put_byte(mfa_out_t *o, int c);
static void mfa_put_str(mfa_out_t *o, const char *s, size_t len, size_t w);
static int mfa_get_byte(mfa_in_t *in);
static mfa_str_t mfa_get_str(mfa_in_t *in, size_t w);
static void mfa_get_value(mfa_in_t *in, mfa_session_value_t *v);


void
mfa_lookup_init(mfa_lookup_t *lk, const mfa_gate_spec_t *spec,
    mfa_str_t session_key, mfa_str_t marker_key, mfa_str_t user_prefix,
    mfa_str_t company_prefix, int scope_any, size_t max)
{
    /* a lookup is made for every request: the arrays are not zeroed */
    memset(lk, 0, offsetof(mfa_lookup_t, facts));

    lk->spec = spec;
    lk->session_key = session_key;
    lk->marker_key = marker_key;
    lk->user_prefix = user_prefix;
    lk->company_prefix = company_prefix;
    lk->scope_any = scope_any ? 1 : 0;
    lk->max_size = max;

    mfa_lookup_fact(lk, MFA_FACT_SESSION, session_key);
    mfa_lookup_fact(lk, MFA_FACT_MARKER, marker_key);
}


static char *
mfa_lookup_alloc(mfa_lookup_t *lk, size_t n)
{
    char  *p;

    if (n > sizeof(lk->store) - lk->used) {
        return NULL;
    }

    p = lk->store + lk->used;
    lk->used += n;

    return p;
}


/* prefix, id and suffix in the lookup's storage; data NULL: no room */

static mfa_str_t
mfa_lookup_key(mfa_lookup_t *lk, mfa_str_t prefix, mfa_str_t id,
    const char *suffix)
{
    char       *p;
    mfa_str_t   key;

    key.len = mfa_key_len(prefix, id, suffix);
    p = mfa_lookup_alloc(lk, key.len);
    key.data = p;

    if (p != NULL) {
        mfa_key_write(p, prefix, id, suffix);
    }

    return key;
}


static mfa_fact_t *
mfa_lookup_fact(mfa_lookup_t *lk, mfa_fact_e kind, mfa_str_t key)
{
    mfa_fact_t  *f;

    if (key.data == NULL || lk->nfacts == MFA_LOOKUP_FACTS) {
        return NULL;
    }

    f = &lk->facts[lk->nfacts++];
    memset(f, 0, sizeof(mfa_fact_t));
    f->kind = kind;
    f->key = key;
    f->ttl = -1;

    return f;
}


/* a company's policy counts: read unless read already */

static void
mfa_lookup_policy(mfa_lookup_t *lk, mfa_str_t company)
{
    size_t       i;
    mfa_fact_t  *f;

    if (!mfa_id_valid(company.data, company.len)) {
        mfa_lookup_mark(lk, "!");
        return;
    }

    for (i = 0; i < lk->npolicies; i++) {
        if (lk->policy_of[i].len == company.len
            && memcmp(lk->policy_of[i].data, company.data, company.len) == 0)
        {
            return;
        }
    }

    if (lk->npolicies == MFA_LOOKUP_POLICIES) {
        lk->overflow = 1;
        return;
    }

    f = mfa_lookup_fact(lk, MFA_FACT_POLICY,
                        mfa_lookup_key(lk, lk->company_prefix, company,
                                       NULL));
    if (f == NULL) {
        mfa_lookup_mark(lk, "!");
        return;
    }

    f->index = lk->npolicies;
    lk->policy_of[lk->npolicies] = company;
    lk->policies[lk->npolicies].data = NULL;
    lk->policies[lk->npolicies].len = 0;
    lk->npolicies++;
}


/* a policy that is not a company's: "!", "~" or "#" */

static void
mfa_lookup_mark(mfa_lookup_t *lk, const char *mark)
{
    if (lk->npolicies == MFA_LOOKUP_POLICIES) {
        lk->overflow = 1;
        return;
    }

    lk->policy_of[lk->npolicies].data = NULL;
    lk->policy_of[lk->npolicies].len = 0;
    lk->policies[lk->npolicies].data = mark;
    lk->policies[lk->npolicies].len = 1;
    lk->npolicies++;
}


size_t
mfa_lookup_next(mfa_lookup_t *lk, mfa_fact_t **facts, size_t n)
{
    size_t  i, k;

    for ( ;; ) {
        k = 0;

        for (i = 0; i < lk->nfacts; i++) {
            if (!lk->facts[i].known && k < n) {
                facts[k++] = &lk->facts[i];
            }
        }

        if (k > 0 || lk->stage == MFA_STAGE_DONE) {
            return k;
        }

        switch (lk->stage) {

        case MFA_STAGE_SESSION:
            lk->stage = MFA_STAGE_USER;

            if (lk->in.session == MFA_RECORD_OK) {
                mfa_lookup_stage_user(lk);

            } else {
                lk->stage = MFA_STAGE_DONE;
            }

            break;

        case MFA_STAGE_USER:
            lk->stage = MFA_STAGE_POLICIES;
            mfa_lookup_stage_policies(lk);
            break;

        default:
            lk->stage = MFA_STAGE_DONE;
            break;
        }
    }
}


/* the request names an active company other than the session's */

static int
mfa_lookup_forced(mfa_lookup_t *lk)
{
    mfa_str_t  forced;

    forced = lk->spec->company;

    return lk->cid.data != NULL && forced.len
           && !(lk->scid.data != NULL && lk->scid.len == forced.len
                && memcmp(lk->scid.data, forced.data, forced.len) == 0);
}


/*
 * The session names a valid user: the user's enrolment, the active
 * company's policy, and what decides whether more policies count.
 */

static void
mfa_lookup_stage_user(mfa_lookup_t *lk)
{
    mfa_str_t   uid, forced;
    mfa_fact_t *f;

    uid.data = lk->id.user.data;
    uid.len = lk->id.user.len;

    forced = lk->spec->company;

    lk->scid.data = lk->id.company.found ? lk->id.company.data : NULL;
    lk->scid.len = lk->id.company.found ? lk->id.company.len : 0;

    lk->cid = forced.len ? forced : lk->scid;

    if (lk->cid.data != NULL && !mfa_id_valid(lk->cid.data, lk->cid.len)) {
        lk->cid.data = NULL;
        lk->cid.len = 0;
    }

    f = mfa_lookup_fact(lk, MFA_FACT_USER,
                        mfa_lookup_key(lk, lk->user_prefix, uid, NULL));
    if (f == NULL) {
        /* no room: the user record counts as unreadable */
        lk->in.user = MFA_RECORD_INVALID;
    }

    if (lk->cid.data != NULL) {
        mfa_lookup_policy(lk, lk->cid);
    }

    if (mfa_lookup_forced(lk) || lk->scope_any || lk->cid.data == NULL) {
        lk->members = mfa_lookup_fact(lk, MFA_FACT_MEMBERS,
                                      mfa_lookup_key(lk, lk->user_prefix, uid,
                                                     MFA_KEY_USER_COMPANIES));
        if (lk->members == NULL) {
            mfa_lookup_mark(lk, "!");
        }
    }
}


/* the user's companies are known: what they say */

static void
mfa_lookup_stage_policies(mfa_lookup_t *lk)
{
    int          state, found;
    size_t       i, count;
    mfa_in_t     in;
    mfa_str_t    c;

    if (lk->members == NULL) {
        return;
    }

    in.p = lk->members->value;
    in.end = in.p + lk->members->value_len;
    in.bad = 0;

    state = mfa_get_byte(&in);

    if (mfa_lookup_forced(lk)) {
        /* a company named by the request: one of the user's, when they
           are known, and never a way around the session company's */

        if (state == 'W') {
            mfa_lookup_mark(lk, "!");

        } else if (state == 'M') {
            /* not all of them were read: cannot tell */
            mfa_lookup_mark(lk, "#");

        } else if (state == 'S') {
            count = (size_t) mfa_get_byte(&in);
            found = 0;

            for (i = 0; i < count && !in.bad; i++) {
                c = mfa_get_str(&in, 1);

                if (c.len == lk->cid.len
                    && memcmp(c.data, lk->cid.data, c.len) == 0)
                {
                    found = 1;
                }
            }

            if (in.bad) {
                mfa_lookup_mark(lk, "!");

            } else if (count > 0 && !found) {
                mfa_lookup_mark(lk, "~");
            }
        }

        if (lk->scid.data != NULL
            && mfa_id_valid(lk->scid.data, lk->scid.len))
        {
            mfa_lookup_policy(lk, lk->scid);
        }
    }

    if (!lk->scope_any && lk->cid.data != NULL) {
        return;
    }

    in.p = lk->members->value + 1;
    in.bad = 0;

    switch (state) {

    case 'W':
        mfa_lookup_mark(lk, "!");
        break;

    case 'M':
        mfa_lookup_mark(lk, "#");
        break;

    default:
        count = (size_t) mfa_get_byte(&in);

        for (i = 0; i < count && !in.bad; i++) {
            c = mfa_get_str(&in, 1);

            if (c.len == 0) {
                /* not a valid id */
                mfa_lookup_mark(lk, "!");
                continue;
            }

            mfa_lookup_policy(lk, c);
        }

        if (in.bad) {
            mfa_lookup_mark(lk, "!");
        }

        break;
    }
}


size_t
mfa_lookup_commands(mfa_lookup_t *lk, mfa_fact_t *f, mfa_command_t *commands)
{
    size_t          i, n, at;
    mfa_str_t       field;
    mfa_command_t  *c;

#define mfa_arg(c, s, l)                                                      \
    do {                                                                      \
        (c)->argv[(c)->argc] = (s);                                           \
        (c)->argvlen[(c)->argc++] = (l);                                      \
    } while (0)
#define mfa_arg_lit(c, s)  mfa_arg(c, s, sizeof(s) - 1)
#define mfa_arg_key(c)     mfa_arg(c, f->key.data, f->key.len)

    c = &commands[0];
    c->argc = 0;

    switch (f->kind) {

    case MFA_FACT_SESSION:
        if (mfa_lookup_hash(lk) && f->phase == 1) {
            mfa_arg_lit(c, "HMGET");
            mfa_arg_key(c);

            for (i = 0; i < MFA_PATHS; i++) {
                if (lk->spec->paths[i].len) {
                    field = mfa_session_hash_field(lk->spec->paths[i], &at);
                    mfa_arg(c, field.data, field.len);
                }
            }

            return 1;
        }

        /* the key's time to live first: it also tells whether it exists */

        mfa_arg_lit(c, "PTTL");
        mfa_arg_key(c);
        n = 1;

        if (!mfa_lookup_hash(lk)) {
            c = &commands[n++];
            c->argc = 0;
            mfa_arg_lit(c, "GETRANGE");
            mfa_arg_key(c);
            mfa_arg_lit(c, "0");

            /* GETRANGE's end is inclusive: a larger record comes back one
               byte longer than the limit, without the rest */
            snprintf(lk->max_arg, sizeof(lk->max_arg), "%zu", lk->max_size);
            mfa_arg(c, lk->max_arg, strlen(lk->max_arg));
            return n;
        }

        for (i = 0; i < MFA_PATHS; i++) {
            if (lk->spec->paths[i].len) {
                field = mfa_session_hash_field(lk->spec->paths[i], &at);
                c = &commands[n++];
                c->argc = 0;
                mfa_arg_lit(c, "HSTRLEN");
                mfa_arg_key(c);
                mfa_arg(c, field.data, field.len);
            }
        }

        return n;

    case MFA_FACT_MARKER:
        mfa_arg_lit(c, "PTTL");
        mfa_arg_key(c);
        c = &commands[1];
        c->argc = 0;
        mfa_arg_lit(c, "GET");
        mfa_arg_key(c);
        return 2;

    case MFA_FACT_USER:
        mfa_arg_lit(c, "HMGET");
        mfa_arg_key(c);
        mfa_arg_lit(c, MFA_FIELD_GEN);
        mfa_arg_lit(c, MFA_FIELD_SINCE);
        return 1;

    case MFA_FACT_MEMBERS:
        mfa_arg_lit(c, "SMEMBERS");
        mfa_arg_key(c);
        return 1;

    case MFA_FACT_POLICY:
        mfa_arg_lit(c, "HGET");
        mfa_arg_key(c);
        mfa_arg_lit(c, MFA_FIELD_REQUIRE_2FA);
        return 1;
    }

#undef mfa_arg
#undef mfa_arg_lit
#undef mfa_arg_key

    return 0;
}


/* a WRONGTYPE error: the key holds something else, the gate says so */

static int
mfa_lookup_wrong_type(const mfa_reply_t *reply)
{
    return reply->type == MFA_REPLY_ERROR && reply->str.len >= 9
           && memcmp(reply->str.data, "WRONGTYPE", 9) == 0;
}


int
mfa_lookup_reply(mfa_lookup_t *lk, mfa_fact_t *f, size_t i,
    const mfa_reply_t *reply, mfa_str_t *value, long long *ttl)
{
    char              buf[MFA_FACT_VALUE_MAX];
    size_t            k, n;
    mfa_out_t         o;
    mfa_gate_state_t  st;

    if (reply->type == MFA_REPLY_ERROR && !mfa_lookup_wrong_type(reply)) {
        return MFA_ERROR;
    }

    o.p = buf;
    o.end = buf + sizeof(buf);

    /* the first command of the session and the marker: PTTL */

    if (i == 0 && (f->kind == MFA_FACT_MARKER
                   || (f->kind == MFA_FACT_SESSION && f->phase == 0)))
    {
        if (reply->type != MFA_REPLY_INTEGER) {
            return MFA_ERROR;
        }

        f->ttl = reply->integer;
        f->size = 0;
        f->wrong = 0;

        return MFA_AGAIN;
    }

    *ttl = (f->ttl >= 0) ? f->ttl : -1;

    switch (f->kind) {

    case MFA_FACT_SESSION:
        memset(&st, 0, sizeof(mfa_gate_state_t));

        if (!mfa_lookup_hash(lk) || f->phase == 0) {

            if (mfa_lookup_wrong_type(reply)) {
                f->wrong = 1;

            } else if (reply->type == MFA_REPLY_INTEGER) {
                f->size += reply->integer;

            } else if (reply->type == MFA_REPLY_STRING) {
                f->size = (long long) reply->str.len;

            } else {
                return MFA_ERROR;
            }

            n = 1;

            if (mfa_lookup_hash(lk)) {
                for (k = 0; k < MFA_PATHS; k++) {
                    n += (lk->spec->paths[k].len != 0);
                }
            }

            if (i + 1 < (mfa_lookup_hash(lk) ? n : 2)) {
                return MFA_AGAIN;
            }

            if (f->ttl == -2) {
                st.session = MFA_RECORD_ABSENT;

            } else if (f->wrong) {
                st.session = MFA_RECORD_INVALID;

            } else if ((size_t) f->size > lk->max_size) {
                st.session = MFA_RECORD_INVALID;
                st.too_large = lk->max_size;

            } else if (mfa_lookup_hash(lk)) {
                /* the fields, now that their size is known */
                f->phase = 1;
                return MFA_AGAIN;

            } else {
                st.session = MFA_RECORD_OK;
                st.record = reply->str;
            }

            return mfa_lookup_identify(lk, f, &st, value);
        }

        /* a hash session's fields */

        if (mfa_lookup_wrong_type(reply)) {
            st.session = MFA_RECORD_INVALID;
            return mfa_lookup_identify(lk, f, &st, value);
        }

        if (reply->type != MFA_REPLY_ARRAY) {
            return MFA_ERROR;
        }

        n = 0;

        for (k = 0; k < MFA_PATHS; k++) {
            if (lk->spec->paths[k].len == 0) {
                continue;
            }

            if (n < reply->nelement) {
                st.fields[k] = reply->element[n];
            }

            n++;
        }

        if (reply->elements != n) {
            return MFA_ERROR;
        }

        st.session = MFA_RECORD_OK;

        return mfa_lookup_identify(lk, f, &st, value);

    case MFA_FACT_MARKER:
        /* a value no marker has: as good as none */
        if (reply->type == MFA_REPLY_STRING && f->ttl != -2
            && reply->str.len <= MFA_ID_MAX + 24)
        {
            mfa_put_byte(&o, 'S');
            mfa_put_str(&o, reply->str.data, reply->str.len, 0);

        } else {
            mfa_put_byte(&o, 'A');
        }

        break;

    case MFA_FACT_USER:
        if (mfa_lookup_wrong_type(reply)) {
            mfa_put_byte(&o, 'W');
            break;
        }

        if (reply->type != MFA_REPLY_ARRAY || reply->elements != 2
            || reply->nelement != 2)
        {
            return MFA_ERROR;
        }

        mfa_put_byte(&o, 'H');

        for (k = 0; k < 2; k++) {
            mfa_put_byte(&o, reply->element[k].data != NULL);

            if (reply->element[k].len > 64) {
                /* no number is that long: unreadable */
                mfa_put_str(&o, "!", 1, 1);

            } else {
                mfa_put_str(&o, reply->element[k].data,
                            reply->element[k].len, 1);
            }
        }

        break;

    case MFA_FACT_MEMBERS:
        if (mfa_lookup_wrong_type(reply)) {
            mfa_put_byte(&o, 'W');
            break;
        }

        if (reply->type != MFA_REPLY_ARRAY) {
            return MFA_ERROR;
        }

        if (reply->elements > MFA_SCOPE_ANY_MAX
            || reply->nelement < reply->elements)
        {
            mfa_put_byte(&o, 'M');
            break;
        }

        mfa_put_byte(&o, 'S');
        mfa_put_byte(&o, (int) reply->elements);

        for (k = 0; k < reply->elements; k++) {
            if (mfa_id_valid(reply->element[k].data, reply->element[k].len)) {
                mfa_put_str(&o, reply->element[k].data,
                            reply->element[k].len, 1);

            } else {
                mfa_put_str(&o, "", 0, 1);
            }
        }

        break;

    case MFA_FACT_POLICY:
        if (reply->type == MFA_REPLY_NIL) {
            mfa_put_byte(&o, 'A');

        } else if (reply->type == MFA_REPLY_STRING && reply->str.len == 1
                   && (reply->str.data[0] == '0' || reply->str.data[0] == '1'))
        {
            mfa_put_byte(&o, reply->str.data[0]);

        } else if (reply->type == MFA_REPLY_STRING
                   || mfa_lookup_wrong_type(reply))
        {
            mfa_put_byte(&o, '!');

        } else {
            return MFA_ERROR;
        }

        break;
    }

    if (o.p == NULL) {
        return MFA_ERROR;
    }

    return mfa_lookup_value(lk, f, buf, (size_t) (o.p - buf), value);
}


/* the session is a Redis hash, read field by field */

static int
mfa_lookup_hash(const mfa_lookup_t *lk)
{
    return lk->spec->format->format == MFA_FORMAT_HASH;
}


/* the session record read: who it names, as a value */

static int
mfa_lookup_identify(mfa_lookup_t *lk, mfa_fact_t *f, mfa_gate_state_t *st,
    mfa_str_t *value)
{
    char                 buf[MFA_FACT_VALUE_MAX];
    mfa_out_t            o;
    mfa_err_t            err;
    mfa_gate_input_t     in;
    mfa_gate_identity_t  id;

    err.msg[0] = '\0';
    memset(&in, 0, sizeof(mfa_gate_input_t));

    mfa_gate_identify(lk->spec, st, &in, &id, &err);

    o.p = buf;
    o.end = buf + sizeof(buf);

    if (in.session == MFA_RECORD_OK) {
        mfa_put_byte(&o, 'O');
        mfa_put_byte(&o, (id.company.found ? 1 : 0) | (id.admin.found ? 2 : 0)
                         | (id.admin.boolean ? 4 : 0));
        mfa_put_str(&o, id.user.data, id.user.len, 2);
        mfa_put_str(&o, id.company.data, id.company.found ? id.company.len : 0,
                    2);
        mfa_put_str(&o, id.admin.data, id.admin.found ? id.admin.len : 0, 2);

    } else if (in.session == MFA_RECORD_INVALID) {
        mfa_put_byte(&o, 'I');
        mfa_put_str(&o, err.msg, strlen(err.msg), 0);

    } else {
        mfa_put_byte(&o, in.visitor ? 'V' : 'A');
    }

    if (o.p == NULL) {
        return MFA_ERROR;
    }

    return mfa_lookup_value(lk, f, buf, (size_t) (o.p - buf), value);
}


/* the fact is known: its value kept in the lookup's storage */

static int
mfa_lookup_value(mfa_lookup_t *lk, mfa_fact_t *f, const char *v, size_t len,
    mfa_str_t *value)
{
    mfa_str_t  s;

    s.data = v;
    s.len = len;

    if (mfa_lookup_known(lk, f, s) != MFA_OK) {
        return MFA_ERROR;
    }

    value->data = f->value;
    value->len = f->value_len;

    return MFA_OK;
}


int
mfa_lookup_record(mfa_lookup_t *lk, mfa_str_t record)
{
    mfa_str_t          value;
    mfa_fact_t        *f;
    mfa_gate_state_t   st;

    f = &lk->facts[0];

    if (lk->nfacts == 0 || f->kind != MFA_FACT_SESSION || f->known
        || mfa_lookup_hash(lk))
    {
        return MFA_ERROR;
    }

    memset(&st, 0, sizeof(mfa_gate_state_t));

    if (record.len > lk->max_size) {
        st.session = MFA_RECORD_INVALID;
        st.too_large = lk->max_size;

    } else {
        st.session = MFA_RECORD_OK;
        st.record = record;
    }

    return mfa_lookup_identify(lk, f, &st, &value);
}


int
mfa_lookup_cached(mfa_lookup_t *lk, mfa_fact_t *f, mfa_str_t value)
{
    return mfa_lookup_known(lk, f, value);
}


static int
mfa_lookup_known(mfa_lookup_t *lk, mfa_fact_t *f, mfa_str_t v)
{
    int        state;
    mfa_in_t   in;
    mfa_str_t  s;

    if (v.len == 0) {
        return MFA_ERROR;
    }

    f->value = mfa_lookup_alloc(lk, v.len);
    if (f->value == NULL) {
        return MFA_ERROR;
    }

    memcpy(f->value, v.data, v.len);
    f->value_len = v.len;

    in.p = f->value;
    in.end = f->value + v.len;
    in.bad = 0;

    state = mfa_get_byte(&in);

    switch (f->kind) {

    case MFA_FACT_SESSION:
        if (mfa_lookup_session(lk, f, v) != MFA_OK) {
            return MFA_ERROR;
        }

        break;

    case MFA_FACT_MARKER:
        if (state != 'A' && state != 'S') {
            return MFA_ERROR;
        }

        break;

    case MFA_FACT_USER:
        if (state == 'H') {
            mfa_get_byte(&in);
            mfa_get_str(&in, 1);
            mfa_get_byte(&in);
            mfa_get_str(&in, 1);

        } else if (state != 'W') {
            return MFA_ERROR;
        }

        break;

    case MFA_FACT_MEMBERS:
        if (state != 'W' && state != 'M' && state != 'S') {
            return MFA_ERROR;
        }

        break;

    case MFA_FACT_POLICY:
        if (state == 'A') {
            lk->policies[f->index].data = NULL;
            lk->policies[f->index].len = 0;

        } else if (state == '0' || state == '1' || state == '!') {
            s.data = (state == '0') ? "0" : (state == '1') ? "1" : "!";
            s.len = 1;
            lk->policies[f->index] = s;

        } else {
            return MFA_ERROR;
        }

        break;
    }

    if (in.bad) {
        return MFA_ERROR;
    }

    f->known = 1;

    return MFA_OK;
}


/* who the session is, from its value */

static int
mfa_lookup_session(mfa_lookup_t *lk, mfa_fact_t *f, mfa_str_t v)
{
    int        state, flags;
    mfa_in_t   in;
    mfa_str_t  why;

    in.p = f->value;
    in.end = f->value + v.len;
    in.bad = 0;

    state = mfa_get_byte(&in);

    memset(&lk->id, 0, sizeof(mfa_gate_identity_t));
    lk->in.visitor = 0;
    lk->err.msg[0] = '\0';

    switch (state) {

    case 'A':
    case 'V':
        lk->in.session = MFA_RECORD_ABSENT;
        lk->in.visitor = (state == 'V');
        return MFA_OK;

    case 'I':
        lk->in.session = MFA_RECORD_INVALID;
        why.data = in.p;
        why.len = (size_t) (in.end - in.p);

        if (why.len >= MFA_ERR_LEN) {
            return MFA_ERROR;
        }

        memcpy(lk->err.msg, why.data, why.len);
        lk->err.msg[why.len] = '\0';
        return MFA_OK;

    case 'O':
        flags = mfa_get_byte(&in);
        mfa_get_value(&in, &lk->id.user);
        mfa_get_value(&in, &lk->id.company);
        mfa_get_value(&in, &lk->id.admin);

        if (in.bad || in.p != in.end || flags < 0
            || !mfa_id_valid(lk->id.user.data, lk->id.user.len))
        {
            return MFA_ERROR;
        }

        lk->id.user.found = 1;
        lk->id.company.found = (flags & 1) != 0;
        lk->id.admin.found = (flags & 2) != 0;
        lk->id.admin.boolean = (flags & 4) != 0;
        lk->in.session = MFA_RECORD_OK;

        return MFA_OK;
    }

    return MFA_ERROR;
}


int
mfa_lookup_ended(const mfa_lookup_t *lk)
{
    const mfa_fact_t  *session, *marker;

    /* the first two facts, read in the first round */

    if (lk->nfacts < 2) {
        return 0;
    }

    session = &lk->facts[0];
    marker = &lk->facts[1];

    return session->kind == MFA_FACT_SESSION && session->known
           && lk->in.session == MFA_RECORD_ABSENT
           && marker->kind == MFA_FACT_MARKER && marker->known
           && marker->value_len > 0 && marker->value[0] == 'S';
}


void
mfa_lookup_input(mfa_lookup_t *lk, mfa_gate_input_t *in,
    mfa_gate_identity_t *id, mfa_err_t *err)
{
    size_t             i;
    mfa_in_t           r;
    mfa_fact_t        *f;
    mfa_gate_state_t   st;

    in->session = lk->in.session;
    in->visitor = lk->in.visitor;
    in->user = MFA_RECORD_ABSENT;
    in->policy = MFA_RECORD_OK;
    in->verified = 0;
    in->required = 0;

    *id = lk->id;

    if (lk->err.msg[0] != '\0') {
        *err = lk->err;
    }

    if (in->session != MFA_RECORD_OK || lk->in.user == MFA_RECORD_INVALID) {
        if (in->session == MFA_RECORD_OK) {
            mfa_err_set(err, "the user's keys are too long to be read");
            in->user = MFA_RECORD_INVALID;
        }

        return;
    }

    memset(&st, 0, sizeof(mfa_gate_state_t));
    st.session = MFA_RECORD_OK;
    st.user.data = id->user.data;
    st.user.len = id->user.len;
    st.company = lk->cid;

    for (i = 0; i < lk->nfacts; i++) {
        f = &lk->facts[i];

        r.p = f->value;
        r.end = f->value + f->value_len;
        r.bad = 0;

        switch (f->kind) {

        case MFA_FACT_MARKER:
            if (mfa_get_byte(&r) == 'S') {
                st.verified.data = r.p;
                st.verified.len = (size_t) (r.end - r.p);
            }

            break;

        case MFA_FACT_USER:
            if (mfa_get_byte(&r) == 'W') {
                st.gen.data = "!";
                st.gen.len = 1;
                st.since = st.gen;
                break;
            }

            if (mfa_get_byte(&r) == 1) {
                st.gen = mfa_get_str(&r, 1);

            } else {
                mfa_get_str(&r, 1);
            }

            if (mfa_get_byte(&r) == 1) {
                st.since = mfa_get_str(&r, 1);
            }

            break;

        default:
            break;
        }
    }

    st.npolicies = (lk->npolicies < MFA_GATE_MAX_POLICIES ? lk->npolicies
                                                  : MFA_GATE_MAX_POLICIES);

    for (i = 0; i < st.npolicies; i++) {
        st.policies[i] = lk->policies[i];
    }

    if (lk->overflow || lk->npolicies > MFA_GATE_MAX_POLICIES) {
        /* more than can be counted: never fewer reasons to deny */
        st.policies[MFA_GATE_MAX_POLICIES - 1].data = "!";
        st.policies[MFA_GATE_MAX_POLICIES - 1].len = 1;
        st.npolicies = MFA_GATE_MAX_POLICIES;
    }

    mfa_gate_judge(lk->spec, &st, in, id, err);
}


/* the value encoding: bytes, and strings with a 0, 1 or 2-byte length */

static void
mfa_put_byte(mfa_out_t *o, int c)
{
    if (o->p == NULL || o->p == o->end) {
        o->p = NULL;
        return;
    }

    *o->p++ = (char) c;
}


static void
mfa_put_str(mfa_out_t *o, const char *s, size_t len, size_t w)
{
    if (o->p == NULL || (w == 1 && len > 0xff) || (w == 2 && len > 0xffff)
        || len + w > (size_t) (o->end - o->p))
    {
        o->p = NULL;
        return;
    }

    if (w == 2) {
        *o->p++ = (char) (len >> 8);
    }

    if (w >= 1) {
        *o->p++ = (char) (len & 0xff);
    }

    if (len) {
        /* s is NULL only with len 0 */
        /* NOLINTNEXTLINE(clang-analyzer-core.NonNullParamChecker) */
        memcpy(o->p, s, len);
        o->p += len;
    }
}


static int
mfa_get_byte(mfa_in_t *in)
{
    if (in->p >= in->end) {
        in->bad = 1;
        return -1;
    }

    return (unsigned char) *in->p++;
}


static mfa_str_t
mfa_get_str(mfa_in_t *in, size_t w)
{
    size_t     len;
    mfa_str_t  s;

    len = 0;

    if (w == 2) {
        len = (size_t) mfa_get_byte(in) << 8;
    }

    len |= (size_t) mfa_get_byte(in);

    s.data = in->p;
    s.len = 0;

    if (in->bad || len > (size_t) (in->end - in->p)) {
        in->bad = 1;
        return s;
    }

    s.len = len;
    in->p += len;

    return s;
}


static void
mfa_get_value(mfa_in_t *in, mfa_session_value_t *v)
{
    mfa_str_t  s;

    s = mfa_get_str(in, 2);

    if (in->bad || s.len >= sizeof(v->data)) {
        in->bad = 1;
        v->len = 0;
        v->data[0] = '\0';
        return;
    }

    memcpy(v->data, s.data, s.len);
    v->data[s.len] = '\0';
    v->len = s.len;
}
