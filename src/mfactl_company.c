
/*
 * mfactl: a company's 2FA mandate (require, with --dry-run), its policy
 * and members (show), and its compliance (report).
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mfactl.h"


typedef struct {
    redisReply  *hash;       /* HMGET require_2fa changed_by changed_at */
    const char  *require;    /* NULL when absent */
    const char  *by;
    long long    at;
} mfactl_policy_t;


static int mfactl_company_open(mfactl_t *ctl, const char *cid,
    mfactl_policy_t *p, mfactl_members_t *ms, int must_exist);
static const char *mfactl_policy_text(const mfactl_policy_t *p);
static json_t *mfactl_policy_json(const mfactl_policy_t *p);
static int mfactl_member_in(const mfactl_member_t *m, int which);
static json_t *mfactl_member_list(const mfactl_members_t *ms, int which);
static void mfactl_print_list(const char *title, const mfactl_members_t *ms,
    int which);


/* which members a list holds */
#define MFACTL_ALL           0
#define MFACTL_ENROLLED      1
#define MFACTL_NOT_ENROLLED  2
#define MFACTL_LOCKED        3


int
mfactl_company_require(mfactl_t *ctl)
{
    int               rc, on;
    char              key[MFACTL_KEY_LEN];
    const char       *cid, *extra[3];
    json_t           *doc;
    redisReply       *r;
    mfactl_policy_t   p;
    mfactl_members_t  ms;

    cid = ctl->args[0];

    if (strcmp(ctl->args[1], "on") != 0 && strcmp(ctl->args[1], "off") != 0) {
        mfactl_error("company require needs \"on\" or \"off\", not \"%s\"",
                     ctl->args[1]);
        return MFACTL_USAGE;
    }

    on = (ctl->args[1][1] == 'n');

    rc = mfactl_company_open(ctl, cid, &p, &ms, 0);
    if (rc != MFACTL_OK) {
        goto done;
    }

    if (!ctl->dry_run) {
        mfactl_key(ctl, key, MFA_KEY_COMPANY, cid, "");

        extra[0] = "value";
        extra[1] = on ? "1" : "0";
        extra[2] = NULL;

        rc = MFACTL_REDIS;

        if (mfactl_multi(ctl) != MFACTL_OK
            || mfactl_append(ctl, "HSET", key, MFA_FIELD_REQUIRE_2FA,
                             extra[1], MFA_FIELD_CHANGED_BY, ctl->by,
                             MFA_FIELD_CHANGED_AT, ctl->now, MFACTL_END)
               != MFACTL_OK
            || mfactl_audit_append(ctl, "policy", "", cid, extra)
               != MFACTL_OK)
        {
            goto done;
        }

        r = mfactl_exec(ctl);
        if (r == NULL) {
            goto done;
        }

        freeReplyObject(r);
        rc = MFACTL_OK;
    }

    if (ctl->json) {
        doc = json_pack("{s:s, s:b, s:b, s:o, s:I, s:o}",
                        "company", cid, "require_2fa", on,
                        "dry_run", ctl->dry_run,
                        "was", mfactl_policy_json(&p),
                        "members", (json_int_t) ms.n,
                        "without_2fa",
                        mfactl_member_list(&ms, MFACTL_NOT_ENROLLED));
        rc = mfactl_json_print(doc);
        goto done;
    }

    printf("company %s: 2FA %s%s (it was: %s)\n", cid,
           ctl->dry_run ? "would be " : "",
           on ? "required" : "not required", mfactl_policy_text(&p));

    if (!on) {
        goto done;
    }

    printf("%zu of %zu known members have no 2FA%s\n", ms.n - ms.enrolled,
           ms.n, ctl->dry_run ? " and would be sent to enrolment at their "
                                "next request"
                              : ": they enrol at their next request");

    mfactl_print_list(NULL, &ms, MFACTL_NOT_ENROLLED);

done:

    mfactl_members_free(&ms);
    freeReplyObject(p.hash);

    return rc;
}


int
mfactl_company_show(mfactl_t *ctl)
{
    int               rc;
    size_t            i;
    char              t[MFACTL_TIME_LEN], state[128];
    json_t           *doc, *list;
    time_t            now;
    mfactl_policy_t   p;
    mfactl_members_t  ms;

    rc = mfactl_company_open(ctl, ctl->args[0], &p, &ms, 1);
    if (rc != MFACTL_OK) {
        goto done;
    }

    now = time(NULL);

    if (ctl->json) {
        list = json_array();

        for (i = 0; i < ms.n; i++) {
            json_array_append_new(list, json_pack("{s:s, s:b, s:b, s:I, s:I}",
                                  "user", ms.m[i].uid,
                                  "enrolled", ms.m[i].since > 0,
                                  "unreadable",
                                  ms.m[i].since == MFACTL_UNREADABLE,
                                  "since", (json_int_t) (ms.m[i].since > 0
                                                         ? ms.m[i].since : 0),
                                  "locked_until",
                                  (json_int_t) ms.m[i].until));
        }

        doc = json_pack("{s:s, s:o, s:o}", "company", ctl->args[0],
                        "policy", mfactl_policy_json(&p), "members", list);
        rc = mfactl_json_print(doc);
        goto done;
    }

    printf("company %s\n  2FA: %s\n", ctl->args[0], mfactl_policy_text(&p));

    if (p.by != NULL) {
        mfactl_time((time_t) p.at, t);
        printf("  changed: %s by %s\n", t, p.by);
    }

    printf("  members: %zu (%zu enrolled)\n", ms.n, ms.enrolled);

    for (i = 0; i < ms.n; i++) {
        printf("    %-20s %s\n", ms.m[i].uid,
               mfactl_member_state(&ms.m[i], now, state, sizeof(state)));
    }

done:

    mfactl_members_free(&ms);
    freeReplyObject(p.hash);

    return rc;
}


int
mfactl_company_report(mfactl_t *ctl)
{
    int               rc;
    json_t           *doc;
    mfactl_policy_t   p;
    mfactl_members_t  ms;

    rc = mfactl_company_open(ctl, ctl->args[0], &p, &ms, 1);
    if (rc != MFACTL_OK) {
        goto done;
    }

    if (ctl->json) {
        doc = json_pack("{s:s, s:o, s:I, s:{s:I, s:o}, s:{s:I, s:o}, "
                        "s:{s:I, s:o}}",
                        "company", ctl->args[0],
                        "policy", mfactl_policy_json(&p),
                        "members", (json_int_t) ms.n,
                        "enrolled", "count", (json_int_t) ms.enrolled,
                        "users", mfactl_member_list(&ms, MFACTL_ENROLLED),
                        "not_enrolled",
                        "count", (json_int_t) (ms.n - ms.enrolled),
                        "users", mfactl_member_list(&ms, MFACTL_NOT_ENROLLED),
                        "locked_out", "count", (json_int_t) ms.locked,
                        "users", mfactl_member_list(&ms, MFACTL_LOCKED));
        rc = mfactl_json_print(doc);
        goto done;
    }

    printf("company %s: 2FA %s; %zu members, %zu%% enrolled\n",
           ctl->args[0], mfactl_policy_text(&p), ms.n,
           ms.n ? ms.enrolled * 100 / ms.n : 0);

    mfactl_print_list("enrolled", &ms, MFACTL_ENROLLED);
    mfactl_print_list("not enrolled", &ms, MFACTL_NOT_ENROLLED);
    mfactl_print_list("locked out", &ms, MFACTL_LOCKED);

done:

    mfactl_members_free(&ms);
    freeReplyObject(p.hash);

    return rc;
}


/*
 * Checks the id, connects, reads the policy and the members; with
 * must_exist, MFACTL_NOT_FOUND for a company with neither.
 */

static int
mfactl_company_open(mfactl_t *ctl, const char *cid, mfactl_policy_t *p,
    mfactl_members_t *ms, int must_exist)
{
    int          rc;
    char         key[MFACTL_KEY_LEN];
    redisReply  *h;

    memset(p, 0, sizeof(mfactl_policy_t));
    memset(ms, 0, sizeof(mfactl_members_t));

    if (mfactl_id("company", cid) != MFACTL_OK) {
        return MFACTL_USAGE;
    }

    rc = mfactl_connect(ctl);
    if (rc != MFACTL_OK) {
        return rc;
    }

    mfactl_key(ctl, key, MFA_KEY_COMPANY, cid, "");

    if (must_exist) {
        rc = mfactl_exists(ctl, key, NULL);

        if (rc == 0) {
            mfactl_key(ctl, key, MFA_KEY_COMPANY, cid,
                       MFA_KEY_COMPANY_MEMBERS);
            rc = mfactl_exists(ctl, key, NULL);
            mfactl_key(ctl, key, MFA_KEY_COMPANY, cid, "");
        }

        if (rc == -1) {
            return MFACTL_REDIS;
        }

        if (rc == 0) {
            mfactl_error("unknown company \"%s\": no %s hash and no members",
                         cid, key);
            return MFACTL_NOT_FOUND;
        }
    }

    p->hash = mfactl_command(ctl, "HMGET", key, MFA_FIELD_REQUIRE_2FA,
                             MFA_FIELD_CHANGED_BY, MFA_FIELD_CHANGED_AT,
                             MFACTL_END);
    if (p->hash == NULL) {
        return MFACTL_REDIS;
    }

    h = p->hash;

    if (h->type == REDIS_REPLY_ARRAY && h->elements == 3) {
        if (h->element[0]->type == REDIS_REPLY_STRING) {
            p->require = h->element[0]->str;
        }

        if (h->element[1]->type == REDIS_REPLY_STRING) {
            p->by = h->element[1]->str;
        }

        p->at = mfactl_number(h->element[2], 0);
    }

    return mfactl_members_read(ctl, cid, ms);
}


static const char *
mfactl_policy_text(const mfactl_policy_t *p)
{
    if (p->require == NULL || strcmp(p->require, "0") == 0) {
        return "not required";
    }

    if (strcmp(p->require, "1") == 0) {
        return "required";
    }

    return "UNREADABLE require_2fa (users without 2FA are denied)";
}


static json_t *
mfactl_policy_json(const mfactl_policy_t *p)
{
    json_t  *doc;

    doc = json_pack("{s:s?, s:b, s:s?, s:I}",
                    "require_2fa", p->require,
                    "required", p->require != NULL
                                && strcmp(p->require, "1") == 0,
                    "changed_by", p->by,
                    "changed_at", (json_int_t) p->at);

    return doc;
}


static int
mfactl_member_in(const mfactl_member_t *m, int which)
{
    switch (which) {

    case MFACTL_ENROLLED:
        return m->since > 0;

    case MFACTL_NOT_ENROLLED:
        return m->since <= 0;

    case MFACTL_LOCKED:
        return m->until != 0;

    default:
        return 1;
    }
}


static json_t *
mfactl_member_list(const mfactl_members_t *ms, int which)
{
    size_t   i;
    json_t  *list;

    list = json_array();

    for (i = 0; list != NULL && i < ms->n; i++) {
        if (mfactl_member_in(&ms->m[i], which)) {
            json_array_append_new(list, json_string(ms->m[i].uid));
        }
    }

    return list;
}


static void
mfactl_print_list(const char *title, const mfactl_members_t *ms, int which)
{
    size_t  i, n;
    char    state[128];
    time_t  now;

    now = time(NULL);

    if (title != NULL) {
        for (i = 0, n = 0; i < ms->n; i++) {
            n += mfactl_member_in(&ms->m[i], which);
        }

        printf("%s: %zu\n", title, n);
    }

    for (i = 0; i < ms->n; i++) {
        if (mfactl_member_in(&ms->m[i], which)) {
            printf("  %-20s %s\n", ms->m[i].uid,
                   mfactl_member_state(&ms->m[i], now, state, sizeof(state)));
        }
    }
}
