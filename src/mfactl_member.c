
/*
 * mfactl: company membership.  The two sets (the company's members and
 * the user's companies) change together in one transaction; the members'
 * 2FA status is read with one pipeline.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mfactl.h"


static int mfactl_member_change(mfactl_t *ctl, const char *op,
    const char *event);


int
mfactl_member_add(mfactl_t *ctl)
{
    return mfactl_member_change(ctl, "SADD", "member_added");
}


int
mfactl_member_remove(mfactl_t *ctl)
{
    return mfactl_member_change(ctl, "SREM", "member_removed");
}


static int
mfactl_member_change(mfactl_t *ctl, const char *op, const char *event)
{
    int          rc, changed;
    char         members[MFACTL_KEY_LEN], companies[MFACTL_KEY_LEN];
    const char  *cid, *uid;
    redisReply  *r;

    cid = ctl->args[0];
    uid = ctl->args[1];

    if (mfactl_id("company", cid) != MFACTL_OK
        || mfactl_id("user", uid) != MFACTL_OK)
    {
        return MFACTL_USAGE;
    }

    rc = mfactl_connect(ctl);
    if (rc != MFACTL_OK) {
        return rc;
    }

    mfactl_key(ctl, members, MFA_KEY_COMPANY, cid, MFA_KEY_COMPANY_MEMBERS);
    mfactl_key(ctl, companies, MFA_KEY_USER, uid, MFA_KEY_USER_COMPANIES);

    if (mfactl_multi(ctl) != MFACTL_OK
        || mfactl_append(ctl, op, members, uid, MFACTL_END) != MFACTL_OK
        || mfactl_append(ctl, op, companies, cid, MFACTL_END) != MFACTL_OK
        || mfactl_audit_append(ctl, event, uid, cid, NULL) != MFACTL_OK)
    {
        return MFACTL_REDIS;
    }

    r = mfactl_exec(ctl);
    if (r == NULL) {
        return MFACTL_REDIS;
    }

    changed = (r->element[0]->integer + r->element[1]->integer) > 0;
    freeReplyObject(r);

    if (ctl->json) {
        return mfactl_json_print(json_pack("{s:s, s:s, s:s, s:b}",
                                           "company", cid, "user", uid,
                                           "event", event,
                                           "changed", changed));
    }

    if (op[1] == 'A') {
        printf("%s is %s a member of %s\n", uid,
               changed ? "now" : "already", cid);

    } else {
        printf("%s is %s a member of %s\n", uid,
               changed ? "no longer" : "not", cid);
    }

    return MFACTL_OK;
}


/* the company's members, sorted, each with its 2FA status */

int
mfactl_members_read(mfactl_t *ctl, const char *cid, mfactl_members_t *ms)
{
    size_t            i;
    char              key[MFACTL_KEY_LEN];
    redisReply       *r;
    mfactl_member_t  *m;

    memset(ms, 0, sizeof(mfactl_members_t));

    mfactl_key(ctl, key, MFA_KEY_COMPANY, cid, MFA_KEY_COMPANY_MEMBERS);

    ms->set = mfactl_command(ctl, "SMEMBERS", key, MFACTL_END);
    if (ms->set == NULL) {
        return MFACTL_REDIS;
    }

    if (ms->set->type != REDIS_REPLY_ARRAY || ms->set->elements == 0) {
        return MFACTL_OK;
    }

    ms->n = ms->set->elements;
    ms->m = calloc(ms->n, sizeof(mfactl_member_t));
    if (ms->m == NULL) {
        mfactl_error("out of memory");
        return MFACTL_REDIS;
    }

    for (i = 0; i < ms->n; i++) {
        ms->m[i].uid = ms->set->element[i]->str;
    }

    qsort(ms->m, ms->n, sizeof(mfactl_member_t), mfactl_str_cmp);

    for (i = 0; i < ms->n; i++) {
        mfactl_key(ctl, key, MFA_KEY_USER, ms->m[i].uid, "");

        if (mfactl_append(ctl, "HGET", key, MFA_FIELD_SINCE, MFACTL_END)
            != MFACTL_OK)
        {
            return MFACTL_REDIS;
        }

        mfactl_key(ctl, key, MFA_KEY_USER, ms->m[i].uid, MFA_KEY_USER_GUARD);

        if (mfactl_append(ctl, "HGET", key, MFA_FIELD_GUARD_UNTIL, MFACTL_END)
            != MFACTL_OK)
        {
            return MFACTL_REDIS;
        }
    }

    for (i = 0; i < ms->n; i++) {
        m = &ms->m[i];

        /* a record of another type is shown, not an error */
        r = mfactl_reply_any(ctl);
        m->since = mfactl_since(r);
        freeReplyObject(r);

        if (r == NULL) {
            return MFACTL_REDIS;
        }

        r = mfactl_reply_any(ctl);
        m->until = mfactl_number(r, 0);
        freeReplyObject(r);

        if (r == NULL) {
            return MFACTL_REDIS;
        }

        if (m->until <= time(NULL)) {
            m->until = 0;
        }

        ms->enrolled += (m->since > 0);
        ms->locked += (m->until != 0);
    }

    return MFACTL_OK;
}


void
mfactl_members_free(mfactl_members_t *ms)
{
    free(ms->m);

    if (ms->set != NULL) {
        freeReplyObject(ms->set);
    }
}


/* "enrolled since ...", "not enrolled", "... locked out until ..." */

const char *
mfactl_member_state(const mfactl_member_t *m, time_t now, char *buf,
    size_t size)
{
    int   n;
    char  t[MFACTL_TIME_LEN];

    if (m->since > 0) {
        mfactl_time((time_t) m->since, t);
        n = snprintf(buf, size, "enrolled since %s", t);

    } else if (m->since == MFACTL_UNREADABLE) {
        n = snprintf(buf, size, "UNREADABLE record, denied (user reset "
                     "repairs it)");

    } else {
        n = snprintf(buf, size, "not enrolled");
    }

    if (m->until > now && n > 0 && (size_t) n < size) {
        mfactl_time((time_t) m->until, t);
        snprintf(buf + n, size - n, ", locked out until %s", t);
    }

    return buf;
}
