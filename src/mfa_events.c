
/*
 * Redis's keyspace events: their channels, and the probe's bookkeeping
 * (src/mfa_events.h says what a round writes and hears).
 */


#include <stdio.h>
#include <string.h>

#include "mfa_events.h"


#define MFA_EVENTS_PREFIX     "__keyevent@"

#define mfa_event_bit(e)      (1u << (e))
#define MFA_PROBE_ROUND       (mfa_event_bit(MFA_EVENT_NEW)                  \
                               | mfa_event_bit(MFA_EVENT_HSET)               \
                               | mfa_event_bit(MFA_EVENT_DEL))

_Static_assert(MFA_EVENTS <= 32, "an event is a bit of an unsigned int");


/* as Redis names them (src/notify.c's callers) */
static const char  *mfa_events_names[MFA_EVENTS] = {
    "new",
    "set",
    "hset",
    "del",
    "expired",
    "evicted",
    "setrange",
    "append",
    "incrby",
    "decrby",
    "incrbyfloat",
    "setbit",
    "hdel",
    "hincrby",
    "hincrbyfloat",
    "rename_from",
    "rename_to",
    "move_from",
    "move_to",
    "copy_to",
    "restore",
    /* a list's, a set's or a sorted set's store commands, which replace
       a key of any type: sent only with the classes "l", "s", "z" */
    "sortstore",
    "sinterstore",
    "sunionstore",
    "sdiffstore",
    "zinterstore",
    "zunionstore",
    "zdiffstore",
    "zrangestore",
    "georadiusstore",
    "geosearchstore",
};


static int mfa_probe_round(mfa_str_t base, mfa_str_t key, uint64_t *round);
static int mfa_events_count(const char *info, size_t len, const char *field,
    int required, uint64_t *count);
static int mfa_events_line(const char *info, size_t len, const char *line);
static const char *mfa_events_find(const char *info, size_t len,
    const char *prefix, const char **eol);


size_t
mfa_events_channel(char *buf, long db, mfa_event_t event)
{
    int  n;

    n = snprintf(buf, MFA_EVENTS_CHANNEL_MAX, MFA_EVENTS_PREFIX "%ld__:%s",
                 db, mfa_events_names[event]);

    return (n < 0 || n >= MFA_EVENTS_CHANNEL_MAX) ? 0 : (size_t) n;
}


int
mfa_events_event(const char *channel, size_t len)
{
    int          e;
    size_t       i, n;
    const char  *p, *end;

    n = sizeof(MFA_EVENTS_PREFIX) - 1;

    if (len <= n || memcmp(channel, MFA_EVENTS_PREFIX, n) != 0) {
        return -1;
    }

    end = channel + len;

    for (p = channel + n, i = 0; p < end && *p >= '0' && *p <= '9'; p++) {
        i++;
    }

    if (i == 0 || end - p < 3 || memcmp(p, "__:", 3) != 0) {
        return -1;
    }

    p += 3;

    for (e = 0; e < MFA_EVENTS; e++) {
        n = strlen(mfa_events_names[e]);

        if ((size_t) (end - p) == n && memcmp(p, mfa_events_names[e], n) == 0)
        {
            return e;
        }
    }

    return -1;
}


size_t
mfa_probe_key(char *buf, mfa_str_t base, uint64_t round)
{
    int  n;

    memcpy(buf, base.data, base.len);
    n = snprintf(buf + base.len, 21, "%llu", (unsigned long long) round);

    return base.len + (size_t) n;
}


uint64_t
mfa_probe_heard(mfa_probe_t *p, mfa_str_t base, int event, mfa_str_t key,
    uint64_t first)
{
    uint64_t  round;

    if (event < 0 || mfa_probe_round(base, key, &round) != MFA_OK) {
        return 0;
    }

    if (event == MFA_EVENT_EXPIRED) {
        if (round > p->expired) {
            p->expired = round;
        }

        return 0;
    }

    if (round != p->round) {
        p->round = round;
        p->heard = 0;
    }

    if (event != MFA_EVENT_SET) {
        p->heard |= mfa_event_bit(event);
        return 0;
    }

    if ((p->heard & MFA_PROBE_ROUND) != MFA_PROBE_ROUND
        || (round != first && p->expired != round - 1))
    {
        return 0;
    }

    p->heard = 0;

    return round;
}


/* <base><digits>, digits a round as mfa_probe_key() writes it (no
   leading zero): MFA_OK and the round */

static int
mfa_probe_round(mfa_str_t base, mfa_str_t key, uint64_t *round)
{
    size_t    i;
    uint64_t  n;

    if (key.len <= base.len || key.len - base.len > 19
        || memcmp(key.data, base.data, base.len) != 0
        || key.data[base.len] == '0')
    {
        return MFA_ERROR;
    }

    n = 0;

    for (i = base.len; i < key.len; i++) {
        if (key.data[i] < '0' || key.data[i] > '9') {
            return MFA_ERROR;
        }

        n = n * 10 + (uint64_t) (key.data[i] - '0');
    }

    *round = n;

    return MFA_OK;
}


int
mfa_events_stamp(const char *info, size_t len, mfa_events_stamp_t *st)
{
    if (!mfa_events_line(info, len, "# Stats")
        || !mfa_events_line(info, len, "# Commandstats")
        || mfa_events_count(info, len, "total_commands_processed:", 1,
                            &st->commands) != MFA_OK
        || mfa_events_count(info, len, "cmdstat_config|set:calls=", 0,
                            &st->config_set) != MFA_OK
        || mfa_events_count(info, len, "cmdstat_config|resetstat:calls=", 0,
                            &st->config_resetstat) != MFA_OK
        || mfa_events_count(info, len, "cmdstat_swapdb:calls=", 0,
                            &st->swapdb) != MFA_OK)
    {
        return MFA_ERROR;
    }

    return MFA_OK;
}


int
mfa_events_gap(const mfa_events_stamp_t *prev, const mfa_events_stamp_t *now)
{
    return now->config_set != prev->config_set
           || now->config_resetstat != prev->config_resetstat
           || now->swapdb != prev->swapdb
           || now->commands < prev->commands;
}


/*
 * The first line of the text that starts with "prefix": its start, and in
 * *eol its end (its '\n', or the text's end); NULL without such a line
 */

static const char *
mfa_events_find(const char *info, size_t len, const char *prefix,
    const char **eol)
{
    size_t       n;
    const char  *p, *end, *line;

    n = strlen(prefix);
    end = info + len;

    for (line = info; line < end; line = p + 1) {
        p = memchr(line, '\n', (size_t) (end - line));

        if (p == NULL) {
            p = end;
        }

        if ((size_t) (p - line) >= n && memcmp(line, prefix, n) == 0) {
            *eol = p;
            return line;
        }
    }

    return NULL;
}


/* whether a line of the text is exactly "line" (before its CR LF) */

static int
mfa_events_line(const char *info, size_t len, const char *line)
{
    size_t       n;
    const char  *start, *p, *end;

    n = strlen(line);
    end = info + len;

    for (start = info; start < end; start = p + 1) {
        start = mfa_events_find(start, (size_t) (end - start), line, &p);

        if (start == NULL) {
            return 0;
        }

        if ((size_t) (p - start) == n
            || ((size_t) (p - start) == n + 1 && start[n] == '\r'))
        {
            return 1;
        }
    }

    return 0;
}


/*
 * The first line "<field><digits>...": its number; without such a line,
 * 0, or MFA_ERROR when required; MFA_ERROR when the line has no number
 */

static int
mfa_events_count(const char *info, size_t len, const char *field,
    int required, uint64_t *count)
{
    size_t       n, i;
    uint64_t     v;
    const char  *p, *line;

    *count = 0;

    line = mfa_events_find(info, len, field, &p);

    if (line == NULL) {
        return required ? MFA_ERROR : MFA_OK;
    }

    n = strlen(field);
    v = 0;

    for (i = n; line + i < p && line[i] >= '0' && line[i] <= '9'; i++) {
        if (i - n >= 19) {
            return MFA_ERROR;
        }

        v = v * 10 + (uint64_t) (line[i] - '0');
    }

    if (i == n) {
        return MFA_ERROR;
    }

    *count = v;

    return MFA_OK;
}
