
/*
 * mfactl: the Redis connection (hiredis, synchronous), commands from
 * argument vectors, pipelines and transactions, the key names and the
 * audit entries.
 */


#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mfactl.h"


#define MFACTL_ARGS_MAX         32
#define MFACTL_CONNECT_TIMEOUT  2
#define MFACTL_TIMEOUT          10


static int mfactl_sentinel_master(mfactl_t *ctl);
static int mfactl_sentinel_ask(mfactl_t *ctl, redisContext *c,
    const char *sentinel);
static int mfactl_is_master(mfactl_t *ctl);
static int mfactl_hello(mfactl_t *ctl);
static int mfactl_timed_out(mfactl_t *ctl);
static void mfactl_where(mfactl_t *ctl, char *buf, size_t size);
static int mfactl_appendv(mfactl_t *ctl, va_list args);
static int mfactl_lost(mfactl_t *ctl);


int
mfactl_connect(mfactl_t *ctl)
{
    char            where[MFACTL_KEY_LEN], db[16];
    redisReply     *r;
    struct timeval  tv;

    tv.tv_sec = MFACTL_CONNECT_TIMEOUT;
    tv.tv_usec = 0;

    if (ctl->nsentinels != 0 && mfactl_sentinel_master(ctl) != MFACTL_OK) {
        return MFACTL_REDIS;
    }

    if (ctl->socket != NULL) {
        ctl->redis = redisConnectUnixWithTimeout(ctl->socket, tv);

    } else {
        ctl->redis = redisConnectWithTimeout(ctl->host, ctl->port, tv);
    }

    mfactl_where(ctl, where, sizeof(where));

    if (ctl->redis == NULL) {
        mfactl_error("cannot reach Redis at %s: out of memory", where);
        return MFACTL_REDIS;
    }

    if (ctl->redis->err) {
        mfactl_error("cannot reach Redis at %s: %s", where,
                     ctl->redis->errstr);
        return MFACTL_REDIS;
    }

    /* a Redis that accepts but does not answer is not reached either */
    redisSetTimeout(ctl->redis, tv);

    if (mfactl_hello(ctl) != MFACTL_OK) {
        return MFACTL_REDIS;
    }

    if (ctl->db != 0) {
        snprintf(db, sizeof(db), "%d", ctl->db);

        r = mfactl_command(ctl, "SELECT", db, MFACTL_END);
        if (r == NULL) {
            return MFACTL_REDIS;
        }

        freeReplyObject(r);
    }

    if (ctl->nsentinels != 0 && mfactl_is_master(ctl) != MFACTL_OK) {
        return MFACTL_REDIS;
    }

    tv.tv_sec = MFACTL_TIMEOUT;
    redisSetTimeout(ctl->redis, tv);

    return MFACTL_OK;
}


int
mfactl_host_port(const char *s, char *host, size_t size, int *port)
{
    long         n;
    char        *end;
    const char  *colon;

    colon = strrchr(s, ':');

    if (colon == NULL || colon == s || colon[1] < '0' || colon[1] > '9') {
        return MFACTL_USAGE;
    }

    errno = 0;
    n = strtol(colon + 1, &end, 10);

    if (errno != 0 || *end != '\0' || n < 1 || n > 65535) {
        return MFACTL_USAGE;
    }

    if (host != NULL) {
        if ((size_t) (colon - s) >= size) {
            return MFACTL_USAGE;
        }

        memcpy(host, s, (size_t) (colon - s));
        host[colon - s] = '\0';
        *port = (int) n;
    }

    return MFACTL_OK;
}


/*
 * The master's address, from the first of the sentinels that gives it
 * (each one that cannot is said why); Redis at that address is then
 * checked to be the master (mfactl_is_master()).
 */

static int
mfactl_sentinel_master(mfactl_t *ctl)
{
    int             i, port;
    char            host[MFACTL_KEY_LEN];
    redisContext   *c;
    struct timeval  tv;

    tv.tv_sec = MFACTL_CONNECT_TIMEOUT;
    tv.tv_usec = 0;
    port = 0;

    for (i = 0; i < ctl->nsentinels; i++) {
        (void) mfactl_host_port(ctl->sentinels[i], host, sizeof(host), &port);

        c = redisConnectWithTimeout(host, port, tv);

        if (c == NULL || c->err) {
            mfactl_error("sentinel %s cannot be reached: %s",
                         ctl->sentinels[i], c ? c->errstr : "out of memory");

        } else {
            redisSetTimeout(c, tv);

            if (mfactl_sentinel_ask(ctl, c, ctl->sentinels[i]) == MFACTL_OK) {
                redisFree(c);
                return MFACTL_OK;
            }
        }

        if (c != NULL) {
            redisFree(c);
        }
    }

    mfactl_error("no sentinel gave the address of the master \"%s\"",
                 ctl->master);

    return MFACTL_REDIS;
}


static int
mfactl_sentinel_ask(mfactl_t *ctl, redisContext *c, const char *sentinel)
{
    int           port;
    char          addr[MFACTL_KEY_LEN];
    const char   *pass;
    redisReply   *r, *h, *p;

    pass = getenv("MFA_SENTINEL_PASSWORD");

    if (pass != NULL) {
        r = redisCommand(c, "AUTH %s", pass);

        if (r == NULL || r->type == REDIS_REPLY_ERROR) {
            mfactl_error("sentinel %s refused the password from "
                         "MFA_SENTINEL_PASSWORD: %s", sentinel,
                         r ? r->str : c->errstr);
            if (r != NULL) {
                freeReplyObject(r);
            }
            return MFACTL_REDIS;
        }

        freeReplyObject(r);
    }

    r = redisCommand(c, "SENTINEL get-master-addr-by-name %s", ctl->master);

    if (r == NULL) {
        mfactl_error("sentinel %s: %s", sentinel,
                     c->err == REDIS_ERR_IO && errno == EAGAIN
                     ? "no answer in time" : c->errstr);
        return MFACTL_REDIS;
    }

    h = (r->type == REDIS_REPLY_ARRAY && r->elements == 2) ? r->element[0]
                                                          : NULL;
    p = (h != NULL) ? r->element[1] : NULL;

    if (h != NULL && h->type == REDIS_REPLY_STRING
        && p->type == REDIS_REPLY_STRING
        && snprintf(addr, sizeof(addr), "%s:%s", h->str, p->str)
           < (int) sizeof(addr)
        && mfactl_host_port(addr, ctl->master_host,
                            sizeof(ctl->master_host), &port)
           == MFACTL_OK)
    {
        ctl->host = ctl->master_host;
        ctl->port = port;
        freeReplyObject(r);
        return MFACTL_OK;
    }

    if (r->type == REDIS_REPLY_NIL) {
        mfactl_error("sentinel %s monitors no master named \"%s\"",
                     sentinel, ctl->master);

    } else if (r->type == REDIS_REPLY_ERROR) {
        mfactl_error("sentinel %s refused: %s", sentinel, r->str);

    } else {
        mfactl_error("sentinel %s did not answer with an address", sentinel);
    }

    freeReplyObject(r);

    return MFACTL_REDIS;
}


/* the Redis the sentinels named is the master still (ROLE) */

static int
mfactl_is_master(mfactl_t *ctl)
{
    int          rc;
    char         where[MFACTL_KEY_LEN];
    redisReply  *r;

    r = mfactl_command(ctl, "ROLE", MFACTL_END);
    if (r == NULL) {
        return MFACTL_REDIS;
    }

    mfactl_where(ctl, where, sizeof(where));

    rc = MFACTL_OK;

    if (r->type != REDIS_REPLY_ARRAY || r->elements == 0
        || r->element[0]->type != REDIS_REPLY_STRING)
    {
        mfactl_error("Redis at %s did not answer ROLE as Redis does",
                     where);
        rc = MFACTL_REDIS;

    } else if (strcmp(r->element[0]->str, "master") != 0) {
        mfactl_error("Redis at %s, which the sentinels name as the master "
                     "\"%s\", is a %s: a failover is under way, try again",
                     where, ctl->master, r->element[0]->str);
        rc = MFACTL_REDIS;
    }

    freeReplyObject(r);

    return rc;
}


/* AUTH with MFA_REDIS_PASSWORD (and MFA_REDIS_USER), or PING */

static int
mfactl_hello(mfactl_t *ctl)
{
    int           argc;
    char          where[MFACTL_KEY_LEN];
    const char   *pass, *user, *argv[3];
    redisReply   *r;

    pass = getenv("MFA_REDIS_PASSWORD");
    user = getenv("MFA_REDIS_USER");

    argc = 0;

    if (pass == NULL) {
        argv[argc++] = "PING";

    } else {
        argv[argc++] = "AUTH";

        if (user != NULL && user[0] != '\0') {
            argv[argc++] = user;
        }

        argv[argc++] = pass;
    }

    r = redisCommandArgv(ctl->redis, argc, argv, NULL);

    mfactl_where(ctl, where, sizeof(where));

    if (r == NULL) {
        if (mfactl_timed_out(ctl)) {
            mfactl_error("cannot reach Redis at %s: no answer within %d s",
                         where, MFACTL_CONNECT_TIMEOUT);

        } else {
            mfactl_error("cannot reach Redis at %s: %s", where,
                         ctl->redis->errstr);
        }

        return MFACTL_REDIS;
    }

    if (r->type == REDIS_REPLY_ERROR) {
        if (pass == NULL) {
            mfactl_error("Redis at %s needs a password: set "
                         "MFA_REDIS_PASSWORD (%s)", where, r->str);

        } else {
            mfactl_error("Redis at %s refused the password from "
                         "MFA_REDIS_PASSWORD: %s", where, r->str);
        }

        freeReplyObject(r);
        return MFACTL_REDIS;
    }

    freeReplyObject(r);

    return MFACTL_OK;
}


static int
mfactl_timed_out(mfactl_t *ctl)
{
    return ctl->redis->err == REDIS_ERR_IO
           && strcmp(ctl->redis->errstr, strerror(EAGAIN)) == 0;
}


void
mfactl_disconnect(mfactl_t *ctl)
{
    if (ctl->redis != NULL) {
        redisFree(ctl->redis);
        ctl->redis = NULL;
    }
}


static void
mfactl_where(mfactl_t *ctl, char *buf, size_t size)
{
    if (ctl->socket != NULL) {
        snprintf(buf, size, "unix:%s", ctl->socket);

    } else {
        snprintf(buf, size, "%s:%d", ctl->host, ctl->port);
    }
}


/* appends a command of NULL-terminated strings */

static int
mfactl_appendv(mfactl_t *ctl, va_list args)
{
    int          argc;
    const char  *a, *argv[MFACTL_ARGS_MAX];

    argc = 0;

    while ((a = va_arg(args, const char *)) != NULL) {
        if (argc == MFACTL_ARGS_MAX) {
            mfactl_error("internal error: too many arguments");
            return MFACTL_REDIS;
        }

        argv[argc++] = a;
    }

    return mfactl_append_argv(ctl, argc, argv);
}


redisReply *
mfactl_command(mfactl_t *ctl, ...)
{
    int      rc;
    va_list  args;

    va_start(args, ctl);
    rc = mfactl_appendv(ctl, args);
    va_end(args);

    return (rc == MFACTL_OK) ? mfactl_reply(ctl) : NULL;
}


redisReply *
mfactl_command_argv(mfactl_t *ctl, int argc, const char **argv)
{
    if (mfactl_append_argv(ctl, argc, argv) != MFACTL_OK) {
        return NULL;
    }

    return mfactl_reply(ctl);
}


int
mfactl_append(mfactl_t *ctl, ...)
{
    int      rc;
    va_list  args;

    va_start(args, ctl);
    rc = mfactl_appendv(ctl, args);
    va_end(args);

    return rc;
}


int
mfactl_append_argv(mfactl_t *ctl, int argc, const char **argv)
{
    if (redisAppendCommandArgv(ctl->redis, argc, argv, NULL) != REDIS_OK) {
        return mfactl_lost(ctl);
    }

    ctl->pending++;

    return MFACTL_OK;
}


redisReply *
mfactl_reply(mfactl_t *ctl)
{
    redisReply  *r;

    r = mfactl_reply_any(ctl);

    if (r != NULL && r->type == REDIS_REPLY_ERROR) {
        mfactl_error("Redis refused a command: %s", r->str);
        freeReplyObject(r);
        return NULL;
    }

    return r;
}


redisReply *
mfactl_reply_any(mfactl_t *ctl)
{
    void  *reply;

    if (redisGetReply(ctl->redis, &reply) != REDIS_OK) {
        mfactl_lost(ctl);
        return NULL;
    }

    ctl->pending--;

    return reply;
}


static int
mfactl_lost(mfactl_t *ctl)
{
    char  where[MFACTL_KEY_LEN];

    mfactl_where(ctl, where, sizeof(where));

    if (mfactl_timed_out(ctl)) {
        mfactl_error("no answer from Redis at %s within %d s", where,
                     MFACTL_TIMEOUT);

    } else {
        mfactl_error("lost the connection to Redis at %s: %s", where,
                     ctl->redis->errstr[0] ? ctl->redis->errstr : "no reply");
    }

    return MFACTL_REDIS;
}


int
mfactl_replicated(mfactl_t *ctl)
{
    char         n[24], ms[24], where[MFACTL_KEY_LEN];
    long long    got;
    redisReply  *r;

    if (ctl->replicas == 0) {
        return MFACTL_OK;
    }

    snprintf(n, sizeof(n), "%ld", ctl->replicas);
    snprintf(ms, sizeof(ms), "%ld",
             ctl->replicas_timeout ? ctl->replicas_timeout : 500);

    mfactl_where(ctl, where, sizeof(where));

    r = mfactl_command(ctl, "WAIT", n, ms, MFACTL_END);
    if (r == NULL) {
        mfactl_error("the change is made at %s, but whether the replicas "
                     "have it is not known: a failover now may lose it",
                     where);
        return MFACTL_REDIS;
    }

    got = (r->type == REDIS_REPLY_INTEGER) ? r->integer : 0;
    freeReplyObject(r);

    if (got >= ctl->replicas) {
        return MFACTL_OK;
    }

    mfactl_error("the change is made at %s, but %lld of the %ld replicas "
                 "asked for confirmed it within %s ms: a failover now may "
                 "lose it", where, got, ctl->replicas, ms);

    return MFACTL_REDIS;
}


int
mfactl_multi(mfactl_t *ctl)
{
    return mfactl_append(ctl, "MULTI", MFACTL_END);
}


/* reads every reply of the transaction; returns EXEC's once replicated */

redisReply *
mfactl_exec(mfactl_t *ctl)
{
    int          failed;
    size_t       i;
    redisReply  *r;

    if (mfactl_append(ctl, "EXEC", MFACTL_END) != MFACTL_OK) {
        return NULL;
    }

    failed = 0;

    while (ctl->pending > 1) {
        r = mfactl_reply(ctl);

        if (r == NULL) {
            if (ctl->redis->err) {
                return NULL;
            }

            failed = 1;
            continue;
        }

        freeReplyObject(r);
    }

    r = mfactl_reply(ctl);

    if (r != NULL && (failed || r->type != REDIS_REPLY_ARRAY)) {
        mfactl_error("Redis did not run the transaction");
        freeReplyObject(r);
        return NULL;
    }

    for (i = 0; r != NULL && i < r->elements; i++) {
        if (r->element[i]->type == REDIS_REPLY_ERROR) {
            mfactl_error("Redis refused a command: %s", r->element[i]->str);
            freeReplyObject(r);
            return NULL;
        }
    }

    if (r != NULL && mfactl_replicated(ctl) != MFACTL_OK) {
        freeReplyObject(r);
        return NULL;
    }

    return r;
}


int
mfactl_audit_append(mfactl_t *ctl, const char *event, const char *user,
    const char *company, const char **extra)
{
    int          argc;
    char         key[MFACTL_KEY_LEN], max[24];
    const char  *argv[6 + MFACTL_AUDIT_ARGS];

    mfactl_key(ctl, key, MFA_KEY_AUDIT, "", "");
    snprintf(max, sizeof(max), "%d", MFA_AUDIT_MAX);

    argv[0] = "XADD";
    argv[1] = key;
    argv[2] = "MAXLEN";
    argv[3] = "~";
    argv[4] = max;
    argv[5] = "*";

    argc = 6 + mfactl_audit_fields(ctl, argv + 6, event, user, company,
                                   extra);

    return mfactl_append_argv(ctl, argc, argv);
}


int
mfactl_audit_fields(mfactl_t *ctl, const char **argv, const char *event,
    const char *user, const char *company, const char **extra)
{
    int  argc;

    argc = 0;
    argv[argc++] = "event";
    argv[argc++] = event;
    argv[argc++] = "user";
    argv[argc++] = user;
    argv[argc++] = "company";
    argv[argc++] = company;
    argv[argc++] = "addr";
    argv[argc++] = "mfactl";
    argv[argc++] = "time";
    argv[argc++] = ctl->now;
    argv[argc++] = "by";
    argv[argc++] = ctl->by;

    while (extra != NULL && *extra != NULL
           && argc + 2 <= MFACTL_AUDIT_ARGS)
    {
        argv[argc++] = *extra++;
        argv[argc++] = *extra++;
    }

    return argc;
}


/*
 * The schema's builder (src/mfa_keys.c), as the module builds its keys.
 * An id typed on the command line is checked by mfactl_id(), so its key
 * fits; an id read from Redis (a member of a set the dashboard writes, a
 * key SCAN found) may not.  Such a key is never cut, which would name
 * another user's key: it becomes "", which the schema never uses (every
 * use of it is a read, of nothing), and mfactl says so.
 */

void
mfactl_key(mfactl_t *ctl, char *key, const char *a, const char *id,
    const char *b)
{
    char       *p;
    mfa_str_t   prefix, kind, name, none;

    prefix.data = ctl->prefix;
    prefix.len = strlen(ctl->prefix);
    kind.data = a;
    kind.len = strlen(a);
    name.data = id;
    name.len = strlen(id);
    none.data = NULL;
    none.len = 0;

    if (mfa_key_len(prefix, kind, NULL) + mfa_key_len(none, name, b)
        >= MFACTL_KEY_LEN)
    {
        fprintf(stderr, "mfactl: an id of %zu bytes in Redis is longer than "
                "any key may be (%s%s...): read as absent\n", name.len,
                ctl->prefix, a);
        key[0] = '\0';
        return;
    }

    p = mfa_key_write(key, prefix, kind, NULL);
    p = mfa_key_write(p, none, name, b);
    *p = '\0';
}


int
mfactl_exists(mfactl_t *ctl, const char *key1, const char *key2)
{
    long long    n;
    redisReply  *r;

    r = mfactl_command(ctl, "EXISTS", key1, key2, MFACTL_END);
    if (r == NULL) {
        return -1;
    }

    n = (r->type == REDIS_REPLY_INTEGER) ? r->integer : 0;
    freeReplyObject(r);

    return n > 0;
}
