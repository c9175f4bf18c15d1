
/*
 * mfactl: the master key.  genkey makes one; key rotate re-seals every
 * stored TOTP secret (users' and pending enrolments') under a new key,
 * each with a compare-and-set script, so that an enrolment or a disable
 * that happens meanwhile is never undone; key check counts what each key
 * is needed for, and names what none of them opens.
 */


#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "mfactl.h"
#include "mfa_crypto.h"
#include "mfa_recovery.h"
#include "mfa_session.h"
#include "lua/cas_hash.h"
#include "lua/cas_string.h"


#define MFACTL_SCAN_COUNT   "500"


typedef struct {
    mfa_key_t   keys[1 + MFACTL_OLD_MAX];
    size_t      nkeys;
    int         check;              /* key check: count, change nothing */
    long long   resealed;
    long long   current;
    long long   changed;
    long long   failed;
    /* key check: what each key is needed for */
    long long   secrets[1 + MFACTL_OLD_MAX];
    long long   pending[1 + MFACTL_OLD_MAX];
    long long   sets[1 + MFACTL_OLD_MAX];
    long long   undescribed;        /* recovery codes of an unknown key */
} mfactl_rotation_t;


static int mfactl_write_key(const char *path, const uint8_t *key);
static int mfactl_rotate_run(mfactl_t *ctl, mfactl_rotation_t *rot);
static int mfactl_rotate_keys(mfactl_t *ctl, mfactl_rotation_t *rot);
static int mfactl_rotate_scan(mfactl_t *ctl, mfactl_rotation_t *rot,
    const char *kind);
static int mfactl_rotate_one(mfactl_t *ctl, mfactl_rotation_t *rot,
    const char *key, const char *field, const char *uid, size_t uid_len,
    const char *sealed, size_t len, const char *old);
static int mfactl_open_any(mfactl_rotation_t *rot, const mfa_seal_ad_t *ad,
    const char *sealed, size_t len, uint8_t *raw, size_t *raw_len,
    uint8_t *plain, size_t *plain_len);
static int mfactl_reseal(mfactl_rotation_t *rot, const mfa_seal_ad_t *ad,
    const char *sealed, size_t len, char *out);
static int mfactl_check_user(mfactl_t *ctl, mfactl_rotation_t *rot,
    const char *key, const char *uid);
static void mfactl_check_sealed(mfactl_rotation_t *rot,
    const mfa_seal_ad_t *ad, const char *sealed, size_t len,
    long long *counts);
static int mfactl_check_print(mfactl_t *ctl, mfactl_rotation_t *rot);
static void mfactl_glob_escape(const char *s, char *out, size_t size);


int
mfactl_genkey(mfactl_t *ctl)
{
    int      rc;
    uint8_t  key[MFA_KEY_LEN];
    ssize_t  n;

    if (ctl->nargs == 0 && isatty(STDOUT_FILENO)) {
        mfactl_error("refusing to write a key to a terminal: redirect "
                     "stdout (mfactl genkey > file) or name a new file "
                     "(mfactl genkey /etc/nginx/mfa.key)");
        return MFACTL_USAGE;
    }

    if (mfa_random(key, sizeof(key)) != MFA_OK) {
        mfactl_error("the random generator failed");
        return MFACTL_USAGE;
    }

    if (ctl->nargs == 1) {
        rc = mfactl_write_key(ctl->args[0], key);

    } else {
        n = write(STDOUT_FILENO, key, sizeof(key));
        rc = MFACTL_OK;

        if (n != (ssize_t) sizeof(key)) {
            mfactl_error("cannot write the key to stdout: %s",
                         n == -1 ? strerror(errno) : "short write");
            rc = MFACTL_USAGE;
        }
    }

    OPENSSL_cleanse(key, sizeof(key));

    return rc;
}


static int
mfactl_write_key(const char *path, const uint8_t *key)
{
    int          fd;
    ssize_t      n;
    mfa_key_t    k;
    const char  *err;

    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
              0600);

    if (fd == -1) {
        if (errno == EEXIST) {
            mfactl_error("\"%s\" exists: refusing to overwrite a key file",
                         path);

        } else {
            mfactl_error("cannot create \"%s\": %s", path, strerror(errno));
        }

        return MFACTL_USAGE;
    }

    err = NULL;

    if (fchmod(fd, 0600) == -1) {
        err = "chmod";

    } else {
        n = write(fd, key, MFA_KEY_LEN);

        if (n != MFA_KEY_LEN || fsync(fd) == -1) {
            err = "write";
        }
    }

    if (close(fd) == -1 && err == NULL) {
        err = "write";
    }

    if (err != NULL) {
        mfactl_error("cannot %s \"%s\": %s", err, path, strerror(errno));
        unlink(path);
        return MFACTL_USAGE;
    }

    if (mfa_key_from_bytes(&k, key) != MFA_OK) {
        mfactl_error("wrote \"%s\", but OpenSSL cannot derive its sealing "
                     "key", path);
        return MFACTL_USAGE;
    }

    printf("wrote a new key, id %u, to %s\n", (unsigned) k.id, path);
    OPENSSL_cleanse(&k, sizeof(k));

    return MFACTL_OK;
}


int
mfactl_key_rotate(mfactl_t *ctl)
{
    int                 rc;
    char                counts[4][24], id[8];
    const char         *extra[11];
    redisReply         *r;
    mfactl_rotation_t   rot;

    memset(&rot, 0, sizeof(mfactl_rotation_t));

    rc = mfactl_rotate_run(ctl, &rot);

    if (rc != MFACTL_OK) {
        goto done;
    }

    snprintf(id, sizeof(id), "%u", (unsigned) rot.keys[0].id);
    snprintf(counts[0], sizeof(counts[0]), "%lld", rot.resealed);
    snprintf(counts[1], sizeof(counts[1]), "%lld", rot.current);
    snprintf(counts[2], sizeof(counts[2]), "%lld", rot.changed);
    snprintf(counts[3], sizeof(counts[3]), "%lld", rot.failed);

    extra[0] = "key_id";
    extra[1] = id;
    extra[2] = "resealed";
    extra[3] = counts[0];
    extra[4] = "current";
    extra[5] = counts[1];
    extra[6] = "changed";
    extra[7] = counts[2];
    extra[8] = "failed";
    extra[9] = counts[3];
    extra[10] = NULL;

    if (mfactl_audit_append(ctl, "key_rotated", "", "", extra) != MFACTL_OK)
    {
        rc = MFACTL_REDIS;
        goto done;
    }

    r = mfactl_reply(ctl);
    if (r == NULL) {
        rc = MFACTL_REDIS;
        goto done;
    }

    freeReplyObject(r);

    /* one WAIT for the whole run: it covers every write before it */

    rc = mfactl_replicated(ctl);
    if (rc != MFACTL_OK) {
        goto done;
    }

    if (ctl->json) {
        rc = mfactl_json_print(json_pack("{s:i, s:I, s:I, s:I, s:I}",
                                         "key_id", (int) rot.keys[0].id,
                                         "resealed", (json_int_t) rot.resealed,
                                         "current", (json_int_t) rot.current,
                                         "changed", (json_int_t) rot.changed,
                                         "failed", (json_int_t) rot.failed));

    } else {
        printf("key id %s: re-sealed %lld, already current %lld, changed "
               "meanwhile %lld, failed to open %lld\n", id, rot.resealed,
               rot.current, rot.changed, rot.failed);
    }

    if (rc == MFACTL_OK && rot.failed > 0) {
        mfactl_error("%lld secrets could not be opened with the keys given "
                     "(listed above): add the key they were sealed under "
                     "with --old, or reset those users", rot.failed);
        rc = MFACTL_NOT_FOUND;
    }

done:

    OPENSSL_cleanse(rot.keys, sizeof(rot.keys));

    return rc;
}


/* the keys loaded, then every user and pending enrolment, rotated or checked */

static int
mfactl_rotate_run(mfactl_t *ctl, mfactl_rotation_t *rot)
{
    int  rc;

    rc = mfactl_rotate_keys(ctl, rot);

    if (rc == MFACTL_OK) {
        rc = mfactl_connect(ctl);
    }

    if (rc == MFACTL_OK) {
        rc = mfactl_rotate_scan(ctl, rot, MFA_KEY_USER);
    }

    if (rc == MFACTL_OK) {
        rc = mfactl_rotate_scan(ctl, rot, MFA_KEY_PENDING);
    }

    return rc;
}


static int
mfactl_rotate_keys(mfactl_t *ctl, mfactl_rotation_t *rot)
{
    int         i;
    size_t      j;
    mfa_err_t   err;
    mfa_key_t  *k;

    for (i = -1; i < ctl->nold; i++) {
        k = &rot->keys[rot->nkeys];

        if (mfa_key_load(i < 0 ? ctl->key : ctl->old[i], k, &err)
            != MFA_OK)
        {
            mfactl_error("%s", err.msg);
            return MFACTL_USAGE;
        }

        for (j = 0; j < rot->nkeys; j++) {
            if (rot->keys[j].id != k->id) {
                continue;
            }

            if (mfa_ct_equal(rot->keys[j].key, k->key, MFA_KEY_LEN)) {
                mfactl_error("key file \"%s\" is given twice",
                             i < 0 ? ctl->key : ctl->old[i]);

            } else {
                mfactl_error("key files \"%s\" and \"%s\" have the same key "
                             "id %u: make another new key",
                             ctl->key, i < 0 ? ctl->key : ctl->old[i],
                             (unsigned) k->id);
            }

            return MFACTL_USAGE;
        }

        rot->nkeys++;
    }

    return MFACTL_OK;
}


/*
 * Every <prefix>user:<uid> hash (field secret) or <prefix>pending:<digest>
 * string ("<uid> <sealed>"), with SCAN ... TYPE.
 */

static int
mfactl_rotate_scan(mfactl_t *ctl, mfactl_rotation_t *rot, const char *kind)
{
    int            user, rc;
    char           match[MFACTL_KEY_LEN * 2], cursor[32];
    size_t         i, n, plen;
    const char    *name, *uid, *sp;
    redisReply    *r, *keys, *v;
    mfa_seal_ad_t  ad;

    user = (strcmp(kind, MFA_KEY_USER) == 0);

    /* the escaped prefix, the kind ("user:"...), "*" */
    mfactl_glob_escape(ctl->prefix, match, sizeof(match) - 16);
    n = strlen(match);
    snprintf(match + n, sizeof(match) - n, "%s*", kind);
    plen = strlen(ctl->prefix) + strlen(kind);

    strcpy(cursor, "0");
    rc = MFACTL_OK;

    do {
        r = mfactl_command(ctl, "SCAN", cursor, "MATCH", match, "COUNT",
                           MFACTL_SCAN_COUNT, "TYPE",
                           user ? "hash" : "string", MFACTL_END);

        if (r == NULL || r->type != REDIS_REPLY_ARRAY || r->elements != 2) {
            freeReplyObject(r);
            return MFACTL_REDIS;
        }

        snprintf(cursor, sizeof(cursor), "%s", r->element[0]->str);
        keys = r->element[1];

        for (i = 0; rc == MFACTL_OK && i < keys->elements; i++) {
            name = keys->element[i]->str;
            uid = name + plen;

            /* user:<uid>:guard is a hash too; ids hold no colon */
            if (strchr(uid, ':') != NULL) {
                continue;
            }

            if (user && rot->check) {
                rc = mfactl_check_user(ctl, rot, name, uid);
                continue;
            }

            v = user ? mfactl_command(ctl, "HGET", name, MFA_FIELD_SECRET,
                                      MFACTL_END)
                     : mfactl_command(ctl, "GET", name, MFACTL_END);
            if (v == NULL) {
                rc = MFACTL_REDIS;
                break;
            }

            if (v->type != REDIS_REPLY_STRING) {
                freeReplyObject(v);
                continue;
            }

            if (user) {
                rc = mfactl_rotate_one(ctl, rot, name, MFA_FIELD_SECRET, uid,
                                       strlen(uid), v->str, v->len, v->str);

            } else {
                sp = memchr(v->str, ' ', v->len);

                if (sp == NULL) {
                    mfactl_error("%s: not \"<user id> <sealed secret>\"",
                                 name);
                    rot->failed++;

                } else if (rot->check) {
                    ad.prefix.data = ctl->prefix;
                    ad.prefix.len = strlen(ctl->prefix);
                    ad.field = MFA_FIELD_PENDING;
                    ad.owner.data = v->str;
                    ad.owner.len = sp - v->str;

                    mfactl_check_sealed(rot, &ad, sp + 1,
                                        v->len - (sp + 1 - v->str),
                                        rot->pending);

                } else {
                    rc = mfactl_rotate_one(ctl, rot, name,
                                           MFA_FIELD_PENDING, v->str,
                                           sp - v->str, sp + 1,
                                           v->len - (sp + 1 - v->str),
                                           v->str);
                }
            }

            freeReplyObject(v);
        }

        freeReplyObject(r);

    } while (rc == MFACTL_OK && strcmp(cursor, "0") != 0);

    return rc;
}


/* old: the whole stored value, for the compare-and-set */

static int
mfactl_rotate_one(mfactl_t *ctl, mfactl_rotation_t *rot, const char *key,
    const char *field, const char *uid, size_t uid_len, const char *sealed,
    size_t len, const char *old)
{
    int            rc;
    char           b64[MFA_SEALED_TEXT_MAX + 1];
    char           value[MFA_SEALED_TEXT_MAX + MFA_ID_MAX + 2];
    redisReply    *r;
    mfa_seal_ad_t  ad;

    ad.prefix.data = ctl->prefix;
    ad.prefix.len = strlen(ctl->prefix);
    ad.field = field;
    ad.owner.data = uid;
    ad.owner.len = uid_len;

    rc = mfactl_reseal(rot, &ad, sealed, len, b64);

    if (rc == MFA_NOT_FOUND) {
        rot->current++;
        return MFACTL_OK;
    }

    if (rc != MFA_OK) {
        rot->failed++;
        return MFACTL_OK;
    }

    if (old == sealed) {
        r = mfactl_command(ctl, "EVAL", mfa_lua_cas_hash, "1", key,
                           MFA_FIELD_SECRET, old, b64, MFACTL_END);

    } else {
        snprintf(value, sizeof(value), "%.*s %s", (int) uid_len, uid, b64);
        r = mfactl_command(ctl, "EVAL", mfa_lua_cas_string, "1", key, old,
                           value, MFACTL_END);
    }

    OPENSSL_cleanse(b64, sizeof(b64));

    if (r == NULL) {
        return MFACTL_REDIS;
    }

    if (r->type == REDIS_REPLY_INTEGER && r->integer == 1) {
        rot->resealed++;

    } else {
        rot->changed++;
    }

    freeReplyObject(r);

    return MFACTL_OK;
}


/*
 * The sealed value (base64url) opened, into plain, with whichever given
 * key opens it: that key's index, or -1 (named on stderr).
 */

static int
mfactl_open_any(mfactl_rotation_t *rot, const mfa_seal_ad_t *ad,
    const char *sealed, size_t len, uint8_t *raw, size_t *raw_len,
    uint8_t *plain, size_t *plain_len)
{
    size_t       i;
    mfa_err_t    err;
    const char  *what;

    what = (strcmp(ad->field, MFA_FIELD_PENDING) == 0) ? "pending secret"
                                                      : "secret";

    if (mfa_sealed_from_text(sealed, len, raw, raw_len) != MFA_OK) {
        mfactl_error("the %s of user \"%.*s\" is not base64url", what,
                     (int) ad->owner.len, ad->owner.data);
        return -1;
    }

    /* one key at a time: the key id byte alone may lie */

    for (i = 0; i < rot->nkeys; i++) {
        if (mfa_open(&rot->keys[i], 1, ad, raw, *raw_len, plain, plain_len,
                     &err)
            == MFA_OK)
        {
            return (int) i;
        }
    }

    (void) mfa_open(rot->keys, rot->nkeys, ad, raw, *raw_len, plain,
                    plain_len, &err);

    mfactl_error("the %s of user \"%.*s\" cannot be opened: %s", what,
                 (int) ad->owner.len, ad->owner.data, err.msg);

    return -1;
}


/*
 * The sealed value (base64url) opened with any key and sealed again with
 * the first, in the current version, into out; MFA_NOT_FOUND when it is
 * so already (and opens), MFA_ERROR (named on stderr) when it cannot be
 * opened.
 */

static int
mfactl_reseal(mfactl_rotation_t *rot, const mfa_seal_ad_t *ad,
    const char *sealed, size_t len, char *out)
{
    int      rc, i;
    size_t   n, plain_len;
    uint8_t  raw[MFA_SEALED_MAX], plain[MFA_SEALED_MAX];

    i = mfactl_open_any(rot, ad, sealed, len, raw, &n, plain, &plain_len);

    if (i < 0) {
        return MFA_ERROR;
    }

    if (i == 0 && mfa_sealed_version(raw, n) == MFA_SEAL_VERSION) {
        OPENSSL_cleanse(plain, sizeof(plain));
        return MFA_NOT_FOUND;
    }

    rc = mfa_seal_text(&rot->keys[0], ad, plain, plain_len, out, &n);

    if (rc != MFA_OK) {
        mfactl_error("cannot seal the %s of user \"%.*s\"",
                     strcmp(ad->field, MFA_FIELD_PENDING) == 0
                     ? "pending secret" : "secret",
                     (int) ad->owner.len, ad->owner.data);
    }

    OPENSSL_cleanse(plain, sizeof(plain));

    return rc;
}


int
mfactl_key_check(mfactl_t *ctl)
{
    int                 rc;
    mfactl_rotation_t   rot;

    memset(&rot, 0, sizeof(mfactl_rotation_t));
    rot.check = 1;

    rc = mfactl_rotate_run(ctl, &rot);

    if (rc == MFACTL_OK) {
        rc = mfactl_check_print(ctl, &rot);
    }

    if (rc == MFACTL_OK && rot.failed > 0) {
        mfactl_error("%lld values need a key that was not given (listed "
                     "above): give it with --old, or reset those users",
                     rot.failed);
        rc = MFACTL_NOT_FOUND;
    }

    OPENSSL_cleanse(rot.keys, sizeof(rot.keys));

    return rc;
}


/* one user: the secret, and the key the recovery codes were made under */

static int
mfactl_check_user(mfactl_t *ctl, mfactl_rotation_t *rot, const char *key,
    const char *uid)
{
    int                 rc;
    char                rkey[MFACTL_KEY_LEN];
    size_t              i;
    redisReply         *v, *n;
    mfa_seal_ad_t       ad;
    mfa_recovery_set_t  set;

    mfactl_key(ctl, rkey, MFA_KEY_USER, uid, MFA_KEY_USER_RECOVERY);

    v = mfactl_command(ctl, "HMGET", key, MFA_FIELD_SECRET,
                       MFA_FIELD_RECOVERY, MFACTL_END);
    n = mfactl_command(ctl, "SCARD", rkey, MFACTL_END);

    rc = MFACTL_REDIS;

    if (v == NULL || n == NULL || v->type != REDIS_REPLY_ARRAY
        || v->elements != 2)
    {
        goto done;
    }

    rc = MFACTL_OK;

    if (v->element[0]->type == REDIS_REPLY_STRING) {
        ad.prefix.data = ctl->prefix;
        ad.prefix.len = strlen(ctl->prefix);
        ad.field = MFA_FIELD_SECRET;
        ad.owner.data = uid;
        ad.owner.len = strlen(uid);

        mfactl_check_sealed(rot, &ad, v->element[0]->str,
                            v->element[0]->len, rot->secrets);
    }

    if (v->element[1]->type != REDIS_REPLY_STRING) {
        /* codes made before sets were described: any key may be theirs */
        if (n->type == REDIS_REPLY_INTEGER && n->integer > 0) {
            rot->undescribed++;
        }

        goto done;
    }

    if (mfa_recovery_set_parse(v->element[1]->str, v->element[1]->len, &set)
        != MFA_OK)
    {
        mfactl_error("the recovery codes of user \"%s\" are unreadable: "
                     "\"" MFA_FIELD_RECOVERY "\" is not \"<key id> <salt>\"",
                     uid);
        rot->failed++;
        goto done;
    }

    for (i = 0; i < rot->nkeys; i++) {
        if (rot->keys[i].id == set.key_id) {
            rot->sets[i]++;
            goto done;
        }
    }

    mfactl_error("the recovery codes of user \"%s\" were made under key id "
                 "%u, which no key given has", uid, set.key_id);
    rot->failed++;

done:

    freeReplyObject(v);
    freeReplyObject(n);

    return rc;
}


/* counts the sealed value for the key that opens it, or names it */

static void
mfactl_check_sealed(mfactl_rotation_t *rot, const mfa_seal_ad_t *ad,
    const char *sealed, size_t len, long long *counts)
{
    int      i;
    size_t   n, plain_len;
    uint8_t  raw[MFA_SEALED_MAX], plain[MFA_SEALED_MAX];

    i = mfactl_open_any(rot, ad, sealed, len, raw, &n, plain, &plain_len);
    OPENSSL_cleanse(plain, sizeof(plain));

    if (i < 0) {
        rot->failed++;
        return;
    }

    counts[i]++;
}


static int
mfactl_check_print(mfactl_t *ctl, mfactl_rotation_t *rot)
{
    size_t       i;
    json_t      *list, *doc;
    const char  *path;

    if (ctl->json) {
        list = json_array();

        for (i = 0; list != NULL && i < rot->nkeys; i++) {
            json_array_append_new(list, json_pack(
                "{s:i, s:s, s:I, s:I, s:I}",
                "key_id", (int) rot->keys[i].id,
                "file", i ? ctl->old[i - 1] : ctl->key,
                "secrets", (json_int_t) rot->secrets[i],
                "pending", (json_int_t) rot->pending[i],
                "recovery_sets", (json_int_t) rot->sets[i]));
        }

        doc = json_pack("{s:o, s:I, s:I}", "keys", list,
                        "recovery_sets_without_key_id",
                        (json_int_t) rot->undescribed,
                        "failed", (json_int_t) rot->failed);

        return mfactl_json_print(doc);
    }

    for (i = 0; i < rot->nkeys; i++) {
        path = i ? ctl->old[i - 1] : ctl->key;

        printf("key id %u (%s): %lld secrets, %lld pending enrolments, "
               "%lld recovery-code sets\n", (unsigned) rot->keys[i].id,
               path, rot->secrets[i], rot->pending[i], rot->sets[i]);
    }

    if (rot->undescribed > 0) {
        printf("%lld recovery-code sets made before key ids were stored: "
               "under one of the keys listed when they were made\n",
               rot->undescribed);
    }

    for (i = 1; i < rot->nkeys; i++) {
        if (rot->secrets[i] + rot->pending[i] + rot->sets[i] == 0
            && rot->undescribed == 0 && rot->failed == 0)
        {
            printf("key id %u (%s): nothing needs it any more\n",
                   (unsigned) rot->keys[i].id, ctl->old[i - 1]);
        }
    }

    return MFACTL_OK;
}


/* a prefix as a SCAN MATCH pattern: *?[]\ escaped */

static void
mfactl_glob_escape(const char *s, char *out, size_t size)
{
    size_t  n;

    for (n = 0; *s && n + 2 < size; s++) {
        if (strchr("*?[]\\", *s) != NULL) {
            out[n++] = '\\';
        }

        out[n++] = *s;
    }

    out[n] = '\0';
}
