
/*
 * mfactl, the admin CLI of ngx_http_mfa_module: what its files share.
 *
 * Every verb returns an exit status (MFACTL_*), after naming any problem
 * on stderr; main() frees what the context holds.
 */


#ifndef MFACTL_H
#define MFACTL_H


#include <time.h>

#include <hiredis/hiredis.h>
#include <jansson.h>

#include "mfa_core.h"
#include "mfa_keys.h"


/* exit statuses */
#define MFACTL_OK          0
#define MFACTL_USAGE       1
#define MFACTL_NOT_FOUND   2
#define MFACTL_REDIS       3

#define MFACTL_PREFIX_MAX  32
#define MFACTL_KEY_LEN     256
#define MFACTL_BY_LEN      80
#define MFACTL_OLD_MAX     8
#define MFACTL_SENTINELS_MAX  8
#define MFACTL_TIME_LEN    32

/* a record the module cannot read (another type, not a number) */
#define MFACTL_UNREADABLE  -1

/* the options a verb takes besides --json and --help */
#define MFACTL_OPT_DRY_RUN  0x01
#define MFACTL_OPT_COUNT    0x02
#define MFACTL_OPT_FOLLOW   0x04
#define MFACTL_OPT_KEYS     0x08
#define MFACTL_OPT_SESSION  0x10

/* a secret file of --secret-file, as nginx's NGX_HTTP_MFA_SECRET_MAX */
#define MFACTL_SECRET_MAX   256


typedef struct {
    /* connection */
    const char     *host;
    int             port;
    const char     *socket;
    int             db;
    /* -h, -p or -s given: one Redis named */
    int             addressed;
    /* --sentinel (host:port), --master: the master found through them */
    const char     *sentinels[MFACTL_SENTINELS_MAX];
    int             nsentinels;
    const char     *master;
    char            master_host[MFACTL_KEY_LEN];
    /* --replicas, --replicas-timeout: a change waits for them (WAIT) */
    long            replicas;
    long            replicas_timeout;
    const char     *prefix;
    redisContext   *redis;
    int             pending;

    /* output */
    int             json;

    /* the verb's positional arguments and options */
    char          **args;
    int             nargs;
    int             dry_run;
    long            count;
    int             follow;
    const char     *key;
    const char     *old[MFACTL_OLD_MAX];
    int             nold;
    /* session inspect: the format and the paths, as nginx has them */
    const char     *format;
    const char     *paths[3];
    const char     *serializer;
    const char     *salt;
    const char     *secret_files[4];
    int             nsecret_files;

    /* "mfactl:<login>" and the Unix time, for the audit trail */
    char            by[MFACTL_BY_LEN];
    char            now[24];
} mfactl_t;


/* the verbs */
int mfactl_company_require(mfactl_t *ctl);
int mfactl_company_show(mfactl_t *ctl);
int mfactl_company_report(mfactl_t *ctl);
int mfactl_user_show(mfactl_t *ctl);
int mfactl_user_reset(mfactl_t *ctl);
int mfactl_user_unlock(mfactl_t *ctl);
int mfactl_member_add(mfactl_t *ctl);
int mfactl_member_remove(mfactl_t *ctl);
int mfactl_audit(mfactl_t *ctl);
int mfactl_genkey(mfactl_t *ctl);
int mfactl_key_rotate(mfactl_t *ctl);
int mfactl_key_check(mfactl_t *ctl);
int mfactl_session_inspect(mfactl_t *ctl);


/* mfactl_redis.c: the connection and the commands */
int mfactl_connect(mfactl_t *ctl);
/* "host:port" split (host NULL: only checked); MFACTL_USAGE when it is not */
int mfactl_host_port(const char *s, char *host, size_t size, int *port);
void mfactl_disconnect(mfactl_t *ctl);
/*
 * After a change: MFACTL_OK once --replicas replicas have every write of
 * the connection (WAIT), MFACTL_REDIS (said on stderr) when they do not
 * within --replicas-timeout
 */
int mfactl_replicated(mfactl_t *ctl);

/* the end of a command's strings: a null pointer of the arguments' type */
#define MFACTL_END  ((const char *) NULL)

/*
 * One command from strings ending with MFACTL_END (binary-safe: never
 * formatted into a command line).  NULL after naming the problem, for a
 * lost connection or an error reply.
 */
redisReply *mfactl_command(mfactl_t *ctl, ...);
redisReply *mfactl_command_argv(mfactl_t *ctl, int argc, const char **argv);

/* pipelining: append commands, then read their replies in order */
int mfactl_append(mfactl_t *ctl, ...);
int mfactl_append_argv(mfactl_t *ctl, int argc, const char **argv);
redisReply *mfactl_reply(mfactl_t *ctl);
/* the next reply, error replies included: NULL only for a lost connection */
redisReply *mfactl_reply_any(mfactl_t *ctl);

/* MULTI, the appended commands, then mfactl_exec() for EXEC's array */
int mfactl_multi(mfactl_t *ctl);
redisReply *mfactl_exec(mfactl_t *ctl);

/*
 * An audit entry as the module writes them (event, user, company, addr,
 * time) with addr "mfactl" and "by"; extra is NULL or NULL-terminated
 * name/value pairs.  Appended to the pipeline (inside a MULTI).
 */
int mfactl_audit_append(mfactl_t *ctl, const char *event, const char *user,
    const char *company, const char **extra);
/* the entry's fields only, into argv (MFACTL_AUDIT_ARGS); returns argc */
int mfactl_audit_fields(mfactl_t *ctl, const char **argv, const char *event,
    const char *user, const char *company, const char **extra);

#define MFACTL_AUDIT_ARGS  24

/* <prefix><a><id><b> into key (MFACTL_KEY_LEN bytes) */
void mfactl_key(mfactl_t *ctl, char *key, const char *a, const char *id,
    const char *b);

/* whether a key or set exists, -1 on failure */
int mfactl_exists(mfactl_t *ctl, const char *key1, const char *key2);


/* mfactl_out.c: checks and output */
int mfactl_id(const char *what, const char *id);
void mfactl_error(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__ ((format (printf, 1, 2)))
#endif
    ;
void mfactl_time(time_t t, char *buf);
/* a reply string as a number, or dflt when absent or not a number */
long long mfactl_number(const redisReply *r, long long dflt);
/* an enrolment time: 0 when absent, MFACTL_UNREADABLE when not a number */
long long mfactl_since(const redisReply *r);
int mfactl_json_print(json_t *doc);
int mfactl_str_cmp(const void *a, const void *b);


/* mfactl_member.c: the members of a company and their 2FA status */
typedef struct {
    char       *uid;        /* first: sorted with mfactl_str_cmp() */
    long long   since;      /* 0: not enrolled, or MFACTL_UNREADABLE */
    long long   until;      /* locked out until, 0: not */
} mfactl_member_t;

typedef struct {
    redisReply       *set;  /* SMEMBERS; the uids point into it */
    mfactl_member_t  *m;
    size_t            n;
    size_t            enrolled;
    size_t            locked;
} mfactl_members_t;

int mfactl_members_read(mfactl_t *ctl, const char *cid,
    mfactl_members_t *ms);
void mfactl_members_free(mfactl_members_t *ms);
const char *mfactl_member_state(const mfactl_member_t *m, time_t now,
    char *buf, size_t size);


#endif /* MFACTL_H */
