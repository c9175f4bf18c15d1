
/*
 * mfactl: checking ids, naming problems on stderr, printing times,
 * numbers and JSON.
 */


#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mfactl.h"
#include "mfa_session.h"


int
mfactl_id(const char *what, const char *id)
{
    if (!mfa_id_valid(id, strlen(id))) {
        mfactl_error("invalid %s id \"%s\": 1 to %d bytes without spaces, "
                     "colons or control characters", what, id, MFA_ID_MAX);
        return MFACTL_USAGE;
    }

    return MFACTL_OK;
}


void
mfactl_error(const char *fmt, ...)
{
    va_list  args;

    fflush(stdout);
    fputs("mfactl: ", stderr);

    va_start(args, fmt);
    vfprintf(stderr, fmt, args);
    va_end(args);

    fputc('\n', stderr);
}


/* ISO 8601, UTC: 2026-11-28T13:49:36Z */

void
mfactl_time(time_t t, char *buf)
{
    struct tm  tm;

    if (gmtime_r(&t, &tm) == NULL
        || strftime(buf, MFACTL_TIME_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
    {
        snprintf(buf, MFACTL_TIME_LEN, "%lld", (long long) t);
    }
}


long long
mfactl_number(const redisReply *r, long long dflt)
{
    char       *end;
    long long   n;

    if (r == NULL) {
        return dflt;
    }

    if (r->type == REDIS_REPLY_INTEGER) {
        return r->integer;
    }

    if (r->type != REDIS_REPLY_STRING || r->len == 0) {
        return dflt;
    }

    n = strtoll(r->str, &end, 10);

    return (*end == '\0') ? n : dflt;
}


long long
mfactl_since(const redisReply *r)
{
    if (r == NULL || r->type == REDIS_REPLY_NIL) {
        return 0;
    }

    return mfactl_number(r, MFACTL_UNREADABLE);
}


int
mfactl_json_print(json_t *doc)
{
    int  rc;

    if (doc == NULL) {
        mfactl_error("out of memory");
        return MFACTL_REDIS;
    }

    rc = json_dumpf(doc, stdout, JSON_INDENT(2));
    json_decref(doc);

    if (rc != 0) {
        mfactl_error("cannot write the JSON output");
        return MFACTL_REDIS;
    }

    putchar('\n');

    return MFACTL_OK;
}


/* qsort() of C strings */

int
mfactl_str_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}
