
/*
 * mfactl: the audit trail (stream <prefix>audit, or a company's
 * <prefix>audit:<cid>), the last entries,
 * oldest first, then optionally new ones as they come, until SIGINT.
 */


#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mfactl.h"


/* XREAD blocks this long, so that SIGINT is seen */
#define MFACTL_FOLLOW_BLOCK  "1000"


static void mfactl_audit_entry(mfactl_t *ctl, const redisReply *e,
    json_t *list);
static void mfactl_audit_value(const char *s, size_t len);
static void mfactl_audit_stop(int signo);
static int mfactl_audit_follow(mfactl_t *ctl, const char *key,
    const char *last);


static volatile sig_atomic_t  mfactl_stop;


int
mfactl_audit(mfactl_t *ctl)
{
    int          rc;
    char         key[MFACTL_KEY_LEN], count[24], last[64];
    size_t       i;
    json_t      *list;
    redisReply  *r;

    if (ctl->nargs == 1 && mfactl_id("company", ctl->args[0]) != MFACTL_OK) {
        return MFACTL_USAGE;
    }

    rc = mfactl_connect(ctl);
    if (rc != MFACTL_OK) {
        return rc;
    }

    if (ctl->nargs == 1) {
        /* one company's stream */
        mfactl_key(ctl, key, MFA_KEY_AUDIT, ":", ctl->args[0]);

    } else {
        mfactl_key(ctl, key, MFA_KEY_AUDIT, "", "");
    }
    snprintf(count, sizeof(count), "%ld", ctl->count);
    strcpy(last, "$");

    list = (ctl->json && !ctl->follow) ? json_array() : NULL;
    r = NULL;

    if (ctl->count > 0) {
        r = mfactl_command(ctl, "XREVRANGE", key, "+", "-", "COUNT", count,
                           MFACTL_END);
        if (r == NULL) {
            json_decref(list);
            return MFACTL_REDIS;
        }

        for (i = r->elements; i > 0; i--) {
            mfactl_audit_entry(ctl, r->element[i - 1], list);
        }

        if (r->elements > 0 && r->element[0]->elements == 2) {
            snprintf(last, sizeof(last), "%s", r->element[0]->element[0]->str);
        }

        freeReplyObject(r);
    }

    if (list != NULL) {
        return mfactl_json_print(list);
    }

    fflush(stdout);

    if (!ctl->follow) {
        return MFACTL_OK;
    }

    return mfactl_audit_follow(ctl, key, last);
}


static int
mfactl_audit_follow(mfactl_t *ctl, const char *key, const char *last)
{
    char              id[64];
    size_t            i;
    redisReply       *r, *entries;
    struct sigaction  sa;

    memset(&sa, 0, sizeof(struct sigaction));
    sa.sa_handler = mfactl_audit_stop;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    /* "$" the first time if the stream was empty: entries from now on */
    snprintf(id, sizeof(id), "%s", last);

    while (!mfactl_stop) {
        r = mfactl_command(ctl, "XREAD", "BLOCK", MFACTL_FOLLOW_BLOCK,
                           "STREAMS", key, id, MFACTL_END);
        if (r == NULL) {
            return mfactl_stop ? MFACTL_OK : MFACTL_REDIS;
        }

        if (r->type == REDIS_REPLY_ARRAY && r->elements == 1
            && r->element[0]->elements == 2)
        {
            entries = r->element[0]->element[1];

            for (i = 0; i < entries->elements; i++) {
                mfactl_audit_entry(ctl, entries->element[i], NULL);
                snprintf(id, sizeof(id), "%s",
                         entries->element[i]->element[0]->str);
            }

            fflush(stdout);
        }

        freeReplyObject(r);
    }

    return MFACTL_OK;
}


static void
mfactl_audit_stop(int signo)
{
    mfactl_stop = 1;
}


/*
 * One entry {id, [name, value, ...]}: appended to list, printed as a
 * JSON line (--json --follow), or as a line of text.
 */

static void
mfactl_audit_entry(mfactl_t *ctl, const redisReply *e, json_t *list)
{
    size_t             i;
    char               t[MFACTL_TIME_LEN];
    json_t            *doc;
    const char        *event;
    const redisReply  *f;

    if (e->type != REDIS_REPLY_ARRAY || e->elements != 2
        || e->element[1]->type != REDIS_REPLY_ARRAY)
    {
        return;
    }

    /* the stream id starts with the time in milliseconds */
    mfactl_time((time_t) (strtoll(e->element[0]->str, NULL, 10) / 1000), t);
    f = e->element[1];

    if (ctl->json) {
        doc = json_pack("{s:s, s:s}", "id", e->element[0]->str, "at", t);

        for (i = 0; doc != NULL && i + 1 < f->elements; i += 2) {
            json_object_set_new(doc, f->element[i]->str,
                                json_stringn(f->element[i + 1]->str,
                                             f->element[i + 1]->len));
        }

        if (list != NULL) {
            json_array_append_new(list, doc);
            return;
        }

        if (doc != NULL) {
            json_dumpf(doc, stdout, JSON_COMPACT);
            putchar('\n');
            json_decref(doc);
        }

        return;
    }

    event = "-";

    for (i = 0; i + 1 < f->elements; i += 2) {
        if (strcmp(f->element[i]->str, "event") == 0) {
            event = f->element[i + 1]->str;
        }
    }

    printf("%s %s", t, event);

    for (i = 0; i + 1 < f->elements; i += 2) {
        if (strcmp(f->element[i]->str, "event") == 0
            || strcmp(f->element[i]->str, "time") == 0)
        {
            continue;
        }

        printf(" %s=", f->element[i]->str);
        mfactl_audit_value(f->element[i + 1]->str, f->element[i + 1]->len);
    }

    putchar('\n');
}


/* a value as it is, or quoted with escapes when it would mislead */

static void
mfactl_audit_value(const char *s, size_t len)
{
    size_t          i;
    unsigned char   c;

    for (i = 0; i < len; i++) {
        c = s[i];

        if (c <= 0x20 || c == 0x7f || c == '"' || c == '\\') {
            break;
        }
    }

    if (i == len && len > 0) {
        fwrite(s, 1, len, stdout);
        return;
    }

    putchar('"');

    for (i = 0; i < len; i++) {
        c = s[i];

        if (c < 0x20 || c == 0x7f) {
            printf("\\x%02x", c);

        } else {
            if (c == '"' || c == '\\') {
                putchar('\\');
            }

            putchar(c);
        }
    }

    putchar('"');
}
