
/*
 * mfactl: one user's 2FA (show), starting it over after a lost phone
 * (reset) and ending a lockout (unlock).
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mfactl.h"
#include "mfa_crypto.h"
#include "mfa_recovery.h"
#include "mfa_totp.h"
#include "lua/reset.h"


/* the reset script's reply (src/lua/reset.lua) */
enum {
    MFACTL_RESET_WAS = 0,               /* 1: was enrolled */
    MFACTL_RESET_GEN,                   /* the new generation */
    MFACTL_RESET_REPLACED,              /* 1: an unreadable record replaced */
    MFACTL_RESET_N
};


static int mfactl_user_open(mfactl_t *ctl, const char *uid);
static int mfactl_user_key_id(const redisReply *secret);
static int mfactl_user_totp(const redisReply *v, mfa_totp_params_t *params);
static int mfactl_user_set(const redisReply *v, mfa_recovery_set_t *set);
static json_t *mfactl_user_companies(mfactl_t *ctl, const redisReply *set);


int
mfactl_user_show(mfactl_t *ctl)
{
    int                 rc, key_id, totp, codes;
    char                key[MFACTL_KEY_LEN], t[MFACTL_TIME_LEN];
    size_t              i;
    json_t             *companies, *c, *doc;
    long long           since, gen, left, until, n;
    const char         *uid;
    redisReply         *user, *guard, *set, *r;
    mfa_totp_params_t   params;
    mfa_recovery_set_t  rset;

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
                      MFA_FIELD_SECRET, MFA_FIELD_TOTP, MFA_FIELD_RECOVERY,
                      MFACTL_END) != MFACTL_OK)
    {
        return rc;
    }

    mfactl_key(ctl, key, MFA_KEY_USER, uid, MFA_KEY_USER_RECOVERY);
    if (mfactl_append(ctl, "SCARD", key, MFACTL_END) != MFACTL_OK) {
        return rc;
    }

    mfactl_key(ctl, key, MFA_KEY_USER, uid, MFA_KEY_USER_GUARD);
    if (mfactl_append(ctl, "HMGET", key, MFA_FIELD_GUARD_COUNT,
                      MFA_FIELD_GUARD_UNTIL, MFACTL_END)
        != MFACTL_OK)
    {
        return rc;
    }

    mfactl_key(ctl, key, MFA_KEY_USER, uid, MFA_KEY_USER_COMPANIES);
    if (mfactl_append(ctl, "SMEMBERS", key, MFACTL_END) != MFACTL_OK) {
        return rc;
    }

    /* a record of another type is shown as unreadable */
    user = mfactl_reply_any(ctl);
    r = mfactl_reply(ctl);
    guard = mfactl_reply(ctl);
    set = mfactl_reply(ctl);

    if (user == NULL || r == NULL || guard == NULL || set == NULL
        || guard->type != REDIS_REPLY_ARRAY || guard->elements != 2)
    {
        goto done;
    }

    since = MFACTL_UNREADABLE;
    gen = 0;
    key_id = -1;
    totp = codes = MFA_NOT_FOUND;

    if (user->type == REDIS_REPLY_ARRAY && user->elements == 5) {
        since = mfactl_since(user->element[0]);
        gen = mfactl_number(user->element[1], MFACTL_UNREADABLE);
        key_id = mfactl_user_key_id(user->element[2]);
        totp = mfactl_user_totp(user->element[3], &params);
        codes = mfactl_user_set(user->element[4], &rset);

        if ((gen == MFACTL_UNREADABLE
             && user->element[1]->type != REDIS_REPLY_NIL)
            || totp == MFA_ERROR || codes == MFA_ERROR)
        {
            since = MFACTL_UNREADABLE;
        }

        gen = (gen < 0) ? 0 : gen;
    }

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
        doc = json_pack("{s:s, s:b, s:b, s:I, s:I, s:I, s:O, s:I, s:I}",
                        "user", uid, "enrolled", since > 0,
                        "unreadable", since == MFACTL_UNREADABLE,
                        "since", (json_int_t) (since > 0 ? since : 0),
                        "gen", (json_int_t) gen,
                        "recovery_codes_left", (json_int_t) left,
                        "companies", companies,
                        "locked_until", (json_int_t) until,
                        "failures", (json_int_t) n);

        if (doc != NULL) {
            json_object_set_new(doc, "key_id", key_id < 0 ? json_null()
                                : json_integer(key_id));
            json_object_set_new(doc, "totp", totp != MFA_OK ? json_null()
                                : json_pack("{s:s, s:i, s:i}",
                                            "algorithm",
                                            mfa_totp_alg_name(params.alg),
                                            "digits", (int) params.digits,
                                            "period", (int) params.period));
            json_object_set_new(doc, "recovery_key_id",
                                codes != MFA_OK ? json_null()
                                : json_integer(rset.key_id));
        }

        rc = mfactl_json_print(doc);
        goto done;
    }

    printf("user %s\n", uid);

    if (since > 0) {
        mfactl_time((time_t) since, t);
        printf("  2FA: enrolled since %s\n", t);

    } else if (since == MFACTL_UNREADABLE) {
        printf("  2FA: UNREADABLE record, the user is denied; \"mfactl user "
               "reset %s\" repairs it\n", uid);

    } else {
        printf("  2FA: not enrolled\n");
    }

    printf("  generation: %lld\n", gen);

    if (key_id >= 0) {
        printf("  secret: sealed under key id %d\n", key_id);
    }

    if (totp == MFA_OK) {
        printf("  TOTP: %s, %u digits, %u s\n", mfa_totp_alg_name(params.alg),
               params.digits, params.period);

    } else if (totp == MFA_ERROR) {
        printf("  TOTP: UNREADABLE parameters (field \"" MFA_FIELD_TOTP
               "\")\n");

    } else if (since > 0) {
        printf("  TOTP: the configured parameters (enrolled before they "
               "were stored)\n");
    }

    printf("  recovery codes left: %lld", left);

    if (codes == MFA_OK) {
        printf(" (made under key id %u)\n", rset.key_id);

    } else if (codes == MFA_ERROR) {
        printf(" (UNREADABLE set, field \"" MFA_FIELD_RECOVERY "\")\n");

    } else if (left > 0) {
        printf(" (made before key ids were stored)\n");

    } else {
        printf("\n");
    }

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

        if (mfactl_append(ctl, "HGET", key, MFA_FIELD_REQUIRE_2FA, MFACTL_END)
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
    if (secret->type != REDIS_REPLY_STRING) {
        return -1;
    }

    return mfa_sealed_text_key_id(secret->str, secret->len);
}


/* MFA_OK with the parameters, MFA_NOT_FOUND when absent, or MFA_ERROR */

static int
mfactl_user_totp(const redisReply *v, mfa_totp_params_t *params)
{
    if (v->type == REDIS_REPLY_NIL) {
        return MFA_NOT_FOUND;
    }

    params->skew = 0;

    if (v->type != REDIS_REPLY_STRING
        || mfa_totp_params_parse(v->str, v->len, params, NULL) != MFA_OK)
    {
        return MFA_ERROR;
    }

    return MFA_OK;
}


/* MFA_OK with the set, MFA_NOT_FOUND when absent, or MFA_ERROR */

static int
mfactl_user_set(const redisReply *v, mfa_recovery_set_t *set)
{
    if (v->type == REDIS_REPLY_NIL) {
        return MFA_NOT_FOUND;
    }

    if (v->type != REDIS_REPLY_STRING
        || mfa_recovery_set_parse(v->str, v->len, set) != MFA_OK)
    {
        return MFA_ERROR;
    }

    return MFA_OK;
}


int
mfactl_user_reset(mfactl_t *ctl)
{
    int          rc, argc, was, broken;
    char         ukey[MFACTL_KEY_LEN], rkey[MFACTL_KEY_LEN];
    char         gkey[MFACTL_KEY_LEN], akey[MFACTL_KEY_LEN], max[24];
    long long    gen;
    const char  *uid, *argv[9 + MFACTL_AUDIT_ARGS];
    redisReply  *r;

    uid = ctl->args[0];

    rc = mfactl_user_open(ctl, uid);
    if (rc != MFACTL_OK) {
        return rc;
    }

    mfactl_key(ctl, ukey, MFA_KEY_USER, uid, "");
    mfactl_key(ctl, rkey, MFA_KEY_USER, uid, MFA_KEY_USER_RECOVERY);
    mfactl_key(ctl, gkey, MFA_KEY_USER, uid, MFA_KEY_USER_GUARD);
    mfactl_key(ctl, akey, MFA_KEY_AUDIT, "", "");
    snprintf(max, sizeof(max), "%d", MFA_AUDIT_MAX);

    argc = 0;
    argv[argc++] = "EVAL";
    argv[argc++] = mfa_lua_reset;
    argv[argc++] = "4";
    argv[argc++] = ukey;
    argv[argc++] = rkey;
    argv[argc++] = gkey;
    argv[argc++] = akey;
    argv[argc++] = ctl->now;
    argv[argc++] = max;
    argc += mfactl_audit_fields(ctl, argv + argc, "reset", uid, "", NULL);

    r = mfactl_command_argv(ctl, argc, argv);
    if (r == NULL) {
        return MFACTL_REDIS;
    }

    if (r->type != REDIS_REPLY_ARRAY || r->elements != MFACTL_RESET_N) {
        mfactl_error("unexpected reply from the reset script");
        freeReplyObject(r);
        return MFACTL_REDIS;
    }

    was = r->element[MFACTL_RESET_WAS]->integer > 0;
    gen = r->element[MFACTL_RESET_GEN]->integer;
    broken = r->element[MFACTL_RESET_REPLACED]->integer > 0;
    freeReplyObject(r);

    rc = mfactl_replicated(ctl);
    if (rc != MFACTL_OK) {
        return rc;
    }

    if (ctl->json) {
        return mfactl_json_print(json_pack("{s:s, s:b, s:b, s:b, s:I}",
                                           "user", uid, "reset", 1,
                                           "was_enrolled", was,
                                           "repaired", broken,
                                           "gen", (json_int_t) gen));
    }

    printf("user %s: 2FA reset%s; generation %lld, every verified session "
           "ended; recovery codes and lockout deleted.\n"
           "The user enrols again at the next request if a company "
           "requires 2FA.\n", uid,
           broken ? " (the unreadable record was replaced)"
                  : was ? "" : " (was not enrolled)", gen);

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
        || mfactl_append(ctl, "DEL", gkey, MFACTL_END) != MFACTL_OK
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
