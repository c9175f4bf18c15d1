
/*
 * mfactl: the master key.  genkey makes one; key rotate re-seals every
 * stored TOTP secret (users' and pending enrolments') under a new key,
 * each with a compare-and-set script, so that an enrolment or a disable
 * that happens meanwhile is never undone.
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
#include "mfa_session.h"


#define MFACTL_SCAN_COUNT   "500"


typedef struct {
    mfa_key_t   keys[1 + MFACTL_OLD_MAX];
    size_t      nkeys;
    long long   resealed;
    long long   current;
    long long   changed;
    long long   failed;
} mfactl_rotation_t;


/* the stored value is replaced only if it is still the one read */
static const char  mfactl_cas_hash[] =
    "if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then\n"
    "  redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])\n"
    "  return 1\n"
    "end\n"
    "return 0\n";

static const char  mfactl_cas_string[] =
    "if redis.call('GET', KEYS[1]) == ARGV[1] then\n"
    "  local ttl = redis.call('PTTL', KEYS[1])\n"
    "  if ttl > 0 then\n"
    "    redis.call('SET', KEYS[1], ARGV[2], 'PX', ttl)\n"
    "  else\n"
    "    redis.call('SET', KEYS[1], ARGV[2])\n"
    "  end\n"
    "  return 1\n"
    "end\n"
    "return 0\n";


static int mfactl_write_key(const char *path, const uint8_t *key);
static int mfactl_rotate_keys(mfactl_t *ctl, mfactl_rotation_t *rot);
static int mfactl_rotate_scan(mfactl_t *ctl, mfactl_rotation_t *rot,
    const char *kind);
static int mfactl_rotate_one(mfactl_t *ctl, mfactl_rotation_t *rot,
    const char *key, const char *field, const char *uid, size_t uid_len,
    const char *sealed, size_t len, const char *old);
static int mfactl_reseal(mfactl_rotation_t *rot, const mfa_seal_ad_t *ad,
    const char *sealed, size_t len, char *out);
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

    rc = mfactl_rotate_keys(ctl, &rot);

    if (rc == MFACTL_OK) {
        rc = mfactl_connect(ctl);
    }

    if (rc == MFACTL_OK) {
        rc = mfactl_rotate_scan(ctl, &rot, MFA_KEY_USER);
    }

    if (rc == MFACTL_OK) {
        rc = mfactl_rotate_scan(ctl, &rot, MFA_KEY_PENDING);
    }

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
    int          user, rc;
    char         match[MFACTL_KEY_LEN * 2], cursor[32];
    size_t       i, plen;
    const char  *name, *uid, *sp;
    redisReply  *r, *keys, *v;

    user = (strcmp(kind, MFA_KEY_USER) == 0);

    mfactl_glob_escape(ctl->prefix, match, sizeof(match) - 16);
    strcat(match, kind);
    strcat(match, "*");
    plen = strlen(ctl->prefix) + strlen(kind);

    strcpy(cursor, "0");
    rc = MFACTL_OK;

    do {
        r = mfactl_command(ctl, "SCAN", cursor, "MATCH", match, "COUNT",
                           MFACTL_SCAN_COUNT, "TYPE",
                           user ? "hash" : "string", NULL);

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

            v = user ? mfactl_command(ctl, "HGET", name, MFA_FIELD_SECRET,
                                      NULL)
                     : mfactl_command(ctl, "GET", name, NULL);
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
        r = mfactl_command(ctl, "EVAL", mfactl_cas_hash, "1", key,
                           MFA_FIELD_SECRET, old, b64, NULL);

    } else {
        snprintf(value, sizeof(value), "%.*s %s", (int) uid_len, uid, b64);
        r = mfactl_command(ctl, "EVAL", mfactl_cas_string, "1", key, old,
                           value, NULL);
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
 * The sealed value (base64url) opened with any key and sealed again with
 * the first, in the current version, into out; MFA_NOT_FOUND when it is
 * so already (and opens), MFA_ERROR (named on stderr) when it cannot be
 * opened.
 */

static int
mfactl_reseal(mfactl_rotation_t *rot, const mfa_seal_ad_t *ad,
    const char *sealed, size_t len, char *out)
{
    int         rc;
    size_t      n, plain_len;
    uint8_t     raw[MFA_SEALED_MAX], plain[MFA_SEALED_MAX];
    mfa_err_t   err;
    const char *what;

    what = (strcmp(ad->field, MFA_FIELD_PENDING) == 0) ? "pending secret"
                                                      : "secret";

    if (mfa_sealed_from_text(sealed, len, raw, &n) != MFA_OK) {
        mfactl_error("the %s of user \"%.*s\" is not base64url", what,
                     (int) ad->owner.len, ad->owner.data);
        return MFA_ERROR;
    }

    if (mfa_open(rot->keys, rot->nkeys, ad, raw, n, plain, &plain_len, &err)
        != MFA_OK)
    {
        mfactl_error("the %s of user \"%.*s\" cannot be opened: %s",
                     what, (int) ad->owner.len, ad->owner.data, err.msg);
        return MFA_ERROR;
    }

    /* current only when it also opens: the key id byte alone may lie */

    if (mfa_sealed_key_id(raw, n) == rot->keys[0].id
        && mfa_sealed_version(raw, n) == MFA_SEAL_VERSION
        && mfa_open(rot->keys, 1, ad, raw, n, plain, &plain_len, &err)
           == MFA_OK)
    {
        OPENSSL_cleanse(plain, sizeof(plain));
        return MFA_NOT_FOUND;
    }

    rc = mfa_seal_text(&rot->keys[0], ad, plain, plain_len, out, &n);

    if (rc != MFA_OK) {
        mfactl_error("cannot seal the %s of user \"%.*s\"", what,
                     (int) ad->owner.len, ad->owner.data);
    }

    OPENSSL_cleanse(plain, sizeof(plain));

    return rc;
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
