
/*
 * Redis's keyspace events, for sessions kept exact without CLIENT TRACKING
 * ("mfa_session_events"): the events that change or end the value of a
 * key the gate reads, each on its channel "__keyevent@<db>__:<event>",
 * and the probe that proves Redis sends them.
 *
 * Not among them: "expire" and "persist".  A touch (EXPIRE, as
 * express-session and others send at every request) changes nothing the
 * gate reads; a cached entry ends when the key's time to live read with
 * it does, which a touch can only have made longer.  A time to live made
 * shorter (no session store does) is seen when the key is deleted: at
 * its next read by anyone (the dashboard's, in the request the gate let
 * through) or by Redis's active expiry.
 *
 * The store commands of lists, sets and sorted sets replace a key of
 * any type; their events come only with the classes "l", "s", "z",
 * which the probe does not need (a dashboard never writes its sessions
 * so): subscribed, so that a Redis configured with them is exact for
 * them too.
 *
 * The probe: round n writes, in this order, on one connection,
 *
 *     EXISTS <base><n-1>        "expired" of round n-1's key (x)
 *     HSET <base><n> f 1        "new" (n), "hset" (h)
 *     DEL <base><n>             "del" (g)
 *     SET <base><n> 1 PX 1      "new", "set" ($)
 *
 * and is proven when the "set" of its key is heard after its "new",
 * "hset" and "del", and after the "expired" of round n-1's key (unless
 * round n is the first on its connection).  The events come on one
 * connection in the order Redis made them.
 *
 * A round proves that Redis sends the events then, not that it did in
 * between: notify-keyspace-events switched off and on again, or a
 * SWAPDB, between two rounds would go unseen.  So each round also asks
 * INFO stats and commandstats, and a stamp of them (how many CONFIG SET,
 * CONFIG RESETSTAT and SWAPDB Redis ran, and how many commands) unlike
 * the previous round's counts as a round missed: a count changed, or the
 * commands fewer (CONFIG RESETSTAT zeroes every count, and would
 * otherwise let the three come back to where they were).
 */


#ifndef MFA_EVENTS_H
#define MFA_EVENTS_H


#include "mfa_core.h"


typedef enum {
    MFA_EVENT_NEW = 0,
    MFA_EVENT_SET,
    MFA_EVENT_HSET,
    MFA_EVENT_DEL,
    MFA_EVENT_EXPIRED,
    MFA_EVENT_EVICTED,
    MFA_EVENT_SETRANGE,
    MFA_EVENT_APPEND,
    MFA_EVENT_INCRBY,
    MFA_EVENT_DECRBY,
    MFA_EVENT_INCRBYFLOAT,
    MFA_EVENT_SETBIT,
    MFA_EVENT_HDEL,
    MFA_EVENT_HINCRBY,
    MFA_EVENT_HINCRBYFLOAT,
    MFA_EVENT_RENAME_FROM,
    MFA_EVENT_RENAME_TO,
    MFA_EVENT_MOVE_FROM,
    MFA_EVENT_MOVE_TO,
    MFA_EVENT_COPY_TO,
    MFA_EVENT_RESTORE,
    MFA_EVENT_SORTSTORE,
    MFA_EVENT_SINTERSTORE,
    MFA_EVENT_SUNIONSTORE,
    MFA_EVENT_SDIFFSTORE,
    MFA_EVENT_ZINTERSTORE,
    MFA_EVENT_ZUNIONSTORE,
    MFA_EVENT_ZDIFFSTORE,
    MFA_EVENT_ZRANGESTORE,
    MFA_EVENT_GEORADIUSSTORE,
    MFA_EVENT_GEOSEARCHSTORE,
    MFA_EVENTS
} mfa_event_t;

/* "__keyevent@" + a database number + "__:" + the longest name */
#define MFA_EVENTS_CHANNEL_MAX  56

/* the classes of notify-keyspace-events the probe proves */
#define MFA_EVENTS_CLASSES      "Eg$hxn"


typedef struct {
    uint64_t     round;       /* the round whose events are heard now */
    unsigned     heard;       /* its events so far, a bit each */
    uint64_t     expired;     /* the latest round whose key expired */
} mfa_probe_t;


/* what INFO says of the commands that can stop the events or replace the
   data without an event, and of all of them */
typedef struct {
    uint64_t     config_set;
    uint64_t     config_resetstat;
    uint64_t     swapdb;
    uint64_t     commands;
} mfa_events_stamp_t;


/* an event's channel in database db, NUL-terminated; its length */
size_t mfa_events_channel(char *buf, long db, mfa_event_t event);

/* the event a channel carries, or -1 for any other channel */
int mfa_events_event(const char *channel, size_t len);

/* round's key, <base><round>, into buf (base.len + 20 bytes); its length */
size_t mfa_probe_key(char *buf, mfa_str_t base, uint64_t round);

/*
 * An event heard about a key: the round it proves (> 0), or 0.  "first"
 * is the first round sent on the connection that writes the probes now.
 */
uint64_t mfa_probe_heard(mfa_probe_t *p, mfa_str_t base, int event,
    mfa_str_t key, uint64_t first);

/*
 * The stamp of the reply to INFO stats commandstats (a command never run
 * counts 0): MFA_OK, or MFA_ERROR when the text is not those sections.
 */
int mfa_events_stamp(const char *info, size_t len, mfa_events_stamp_t *st);

/* 1 when what happened between two stamps may have gone without events */
int mfa_events_gap(const mfa_events_stamp_t *prev,
    const mfa_events_stamp_t *now);


#endif /* MFA_EVENTS_H */
