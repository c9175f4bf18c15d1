
/*
 * mfactl: one user's 2FA (show), starting it over after a lost phone
 * (reset) and ending a lockout (unlock).
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mfactl.h"
#include "mfa_base64.h"
#include "mfa_crypto.h"


#define MFACTL_SEALED_MAX  256


static int mfactl_user_open(mfactl_t *ctl, const char *uid);
static int mfactl_user_key_id(const redisReply *secret);
static json_t *mfactl_user_companies(mfactl_t *ctl, const redisReply *set);


int
mfactl_user_show(mfactl_t *ctl)
{
    int          rc, key_id;
    char         key[MFACTL_KEY_LEN], t[MFACTL_TIME_LEN];
    size_t       i;
    json_t      *companies, *c, *doc;
    long long    since, gen, left, until, n;
    const char  *uid;
    redisReply  *user, *guard, *set, *r;

    uid = ctl->args[0];

    rc = mfactl_user_open(ctl, uid);
    if (rc != MFACTL_OK) {
        return rc;
    }

    user = guard = set = r = NULL;
    companies = NULL;
    rc = MFACTL_REDIS;

    mfactl_key(ctl, key, MFA_KEY_USER, uid, "");
    if (mfactl_append(ctl, "HMGET", key, MFA_FIELD_SINCE, MFA_FIELD_GEN,
                      MFA_FIELD_SECRET, NULL) != MFACTL_OK)
    {
        return rc;
    }

    mfactl_key(ctl, key, MFA_KEY_USER, uid, MFA_KEY_USER_RECOVERY);
    if (mfactl_append(ctl, "SCARD", key, NULL) != MFACTL_OK) {
        return rc;
    }

    mfactl_key(ctl, key, MFA_KEY_USER, uid, MFA_KEY_USER_GUARD);
    if (mfactl_append(ctl, "HMGET", key, "n", "until", NULL) != MFACTL_OK) {
        return rc;
    }

    mfactl_key(ctl, key, MFA_KEY_USER, uid, MFA_KEY_USER_COMPANIES);
    if (mfactl_append(ctl, "SMEMBERS", key, NULL) != MFACTL_OK) {
        return rc;
    }

    user = mfactl_reply(ctl);
    r = mfactl_reply(ctl);
    guard = mfactl_reply(ctl);
    set = mfactl_reply(ctl);

    if (user == NULL || r == NULL || guard == NULL || set == NULL
        || user->type != REDIS_REPLY_ARRAY || user->elements != 3
        || guard->type != REDIS_REPLY_ARRAY || guard->elements != 2)
    {
        goto done;
    }

    since = mfactl_number(user->element[0], 0);
    gen = mfactl_number(user->element[1], 0);
    key_id = mfactl_user_key_id(user->element[2]);
    left = mfactl_number(r, 0);
    n = mfactl_number(guard->element[0], 0);
    until = mfactl_number(guard->element[1], 0);

    if (until <= time(NULL)) {
        until = 0;
    }

    companies = mfactl_user_companies(ctl, set);
    if (companies == NULL) {
        goto done;
    }

    if (ctl->json) {
        doc = json_pack("{s:s, s:b, s:I, s:I, s:I, s:O, s:I, s:I}",
                        "user", uid, "enrolled", since != 0,
                        "since", (json_int_t) since, "gen", (json_int_t) gen,
                        "recovery_codes_left", (json_int_t) left,
                        "companies", companies,
                        "locked_until", (json_int_t) until,
                        "failures", (json_int_t) n);

        if (doc != NULL) {
            json_object_set_new(doc, "key_id", key_id < 0 ? json_null()
                                : json_integer(key_id));
        }

        rc = mfactl_json_print(doc);
        goto done;
    }

    printf("user %s\n", uid);

    if (since != 0) {
        mfactl_time((time_t) since, t);
        printf("  2FA: enrolled since %s\n", t);

    } else {
        printf("  2FA: not enrolled\n");
    }

    printf("  generation: %lld\n", gen);

    if (key_id >= 0) {
        printf("  secret: sealed under key id %d\n", key_id);
    }

    printf("  recovery codes left: %lld\n", left);

    if (until != 0) {
        mfactl_time((time_t) until, t);
        printf("  locked out until %s (%lld failures in a row)\n", t, n);

    } else {
        printf("  locked out: no (%lld failures in a row)\n", n);
    }

    printf("  companies:");

    for (i = 0; i < json_array_size(companies); i++) {
        c = json_array_get(companies, i);
        printf("%s%s%s", i ? ", " : " ",
               json_string_value(json_object_get(c, "company")),
               json_is_true(json_object_get(c, "require_2fa"))
               ? " (2FA required)" : "");
    }

    printf("%s\n", i ? "" : " none known");

    rc = MFACTL_OK;

done:

    json_decref(companies);
    freeReplyObject(user);
    freeReplyObject(r);
    freeReplyObject(guard);
    freeReplyObject(set);

    return rc;
}


/* the user's companies, sorted, each with whether it requires 2FA */

static json_t *
mfactl_user_companies(mfactl_t *ctl, const redisReply *set)
{
    size_t        i;
    char          key[MFACTL_KEY_LEN];
    char        **ids;
    json_t       *list;
    redisReply   *r;

    if (set->type != REDIS_REPLY_ARRAY) {
        return json_array();
    }

    ids = calloc(set->elements + 1, sizeof(char *));
    if (ids == NULL) {
        mfactl_error("out of memory");
        return NULL;
    }

    for (i = 0; i < set->elements; i++) {
        ids[i] = set->element[i]->str;
    }

    qsort(ids, set->elements, sizeof(char *), mfactl_str_cmp);

    for (i = 0; i < set->elements; i++) {
        mfactl_key(ctl, key, MFA_KEY_COMPANY, ids[i], "");

        if (mfactl_append(ctl, "HGET", key, MFA_FIELD_REQUIRE_2FA, NULL)
            != MFACTL_OK)
        {
            free(ids);
            return NULL;
        }
    }

    list = json_array();

    for (i = 0; i < set->elements; i++) {
        r = mfactl_reply(ctl);

        if (r == NULL) {
            json_decref(list);
            list = NULL;
            break;
        }

        json_array_append_new(list, json_pack("{s:s, s:b}",
                              "company", ids[i],
                              "require_2fa", mfactl_number(r, 0) == 1));
        freeReplyObject(r);
    }

    free(ids);

    return list;
}


static int
mfactl_user_key_id(const redisReply *secret)
{
    size_t   n;
    uint8_t  raw[MFACTL_SEALED_MAX];

    if (secret->type != REDIS_REPLY_STRING
        || mfa_base64url_decode(secret->str, secret->len, raw, sizeof(raw),
                                &n) != MFA_OK)
    {
        return -1;
    }

    return mfa_sealed_key_id(raw, n);
}


int
mfactl_user_reset(mfactl_t *ctl)
{
    int          rc, was;
    char         ukey[MFACTL_KEY_LEN], rkey[MFACTL_KEY_LEN];
    char         gkey[MFACTL_KEY_LEN];
    long long    gen;
    const char  *uid;
    redisReply  *r;

    uid = ctl->args[0];

    rc = mfactl_user_open(ctl, uid);
    if (rc != MFACTL_OK) {
        return rc;
    }

    mfactl_key(ctl, ukey, MFA_KEY_USER, uid, "");
    mfactl_key(ctl, rkey, MFA_KEY_USER, uid, MFA_KEY_USER_RECOVERY);
    mfactl_key(ctl, gkey, MFA_KEY_USER, uid, MFA_KEY_USER_GUARD);

    if (mfactl_multi(ctl) != MFACTL_OK
        || mfactl_append(ctl, "HDEL", ukey, MFA_FIELD_SECRET, MFA_FIELD_SINCE,
                         MFA_FIELD_STEP, NULL) != MFACTL_OK
        || mfactl_append(ctl, "HINCRBY", ukey, MFA_FIELD_GEN, "1", NULL)
           != MFACTL_OK
        || mfactl_append(ctl, "DEL", rkey, gkey, NULL) != MFACTL_OK
        || mfactl_audit_append(ctl, "reset", uid, "", NULL) != MFACTL_OK)
    {
        return MFACTL_REDIS;
    }

    r = mfactl_exec(ctl);
    if (r == NULL) {
        return MFACTL_REDIS;
    }

    was = r->element[0]->integer > 0;
    gen = r->element[1]->integer;
    freeReplyObject(r);

    if (ctl->json) {
        return mfactl_json_print(json_pack("{s:s, s:b, s:b, s:I}",
                                           "user", uid, "reset", 1,
                                           "was_enrolled", was,
                                           "gen", (json_int_t) gen));
    }

    printf("user %s: 2FA reset%s; generation %lld, every verified session "
           "ended; recovery codes and lockout deleted.\n"
           "The user enrols again at the next request if a company "
           "requires 2FA.\n", uid, was ? "" : " (was not enrolled)", gen);

    return MFACTL_OK;
}


int
mfactl_user_unlock(mfactl_t *ctl)
{
    int          rc, was;
    char         gkey[MFACTL_KEY_LEN];
    const char  *uid;
    redisReply  *r;

    uid = ctl->args[0];

    rc = mfactl_user_open(ctl, uid);
    if (rc != MFACTL_OK) {
        return rc;
    }

    mfactl_key(ctl, gkey, MFA_KEY_USER, uid, MFA_KEY_USER_GUARD);

    if (mfactl_multi(ctl) != MFACTL_OK
        || mfactl_append(ctl, "DEL", gkey, NULL) != MFACTL_OK
        || mfactl_audit_append(ctl, "unlocked", uid, "", NULL) != MFACTL_OK)
    {
        return MFACTL_REDIS;
    }

    r = mfactl_exec(ctl);
    if (r == NULL) {
        return MFACTL_REDIS;
    }

    was = r->element[0]->integer > 0;
    freeReplyObject(r);

    if (ctl->json) {
        return mfactl_json_print(json_pack("{s:s, s:b, s:b}",
                                           "user", uid, "unlocked", 1,
                                           "had_failures", was));
    }

    printf("user %s: unlocked%s\n", uid,
           was ? "; the failure count starts again at 0"
               : " (had no failures recorded)");

    return MFACTL_OK;
}


/* checks the id, connects, and MFACTL_NOT_FOUND for an unknown user */

static int
mfactl_user_open(mfactl_t *ctl, const char *uid)
{
    int   rc;
    char  ukey[MFACTL_KEY_LEN], ckey[MFACTL_KEY_LEN];

    if (mfactl_id("user", uid) != MFACTL_OK) {
        return MFACTL_USAGE;
    }

    rc = mfactl_connect(ctl);
    if (rc != MFACTL_OK) {
        return rc;
    }

    mfactl_key(ctl, ukey, MFA_KEY_USER, uid, "");
    mfactl_key(ctl, ckey, MFA_KEY_USER, uid, MFA_KEY_USER_COMPANIES);

    rc = mfactl_exists(ctl, ukey, ckey);

    if (rc == -1) {
        return MFACTL_REDIS;
    }

    if (rc == 0) {
        mfactl_error("unknown user \"%s\": no %s record and no companies",
                     uid, ukey);
        return MFACTL_NOT_FOUND;
    }

    return MFACTL_OK;
}
