
/*
 * What the gate reads in Redis for one decision, fact by fact, with plain
 * commands (docs/internals.md: the request path).
 *
 * A fact is what one Redis key says: who a session is, its verified
 * marker, a user's enrolment, a user's companies, a company's policy.
 * The caller asks mfa_lookup_next() which facts are missing, answers
 * each one from its cache (mfa_lookup_cached()) or by sending the
 * fact's commands to Redis and giving back their replies in order
 * (mfa_lookup_reply()), and asks again until nothing is missing; then
 * mfa_lookup_input() gives the gate its input.  Each fact read from
 * Redis yields its value as bytes for the cache, and the time it may be
 * kept when the key expires in Redis.  Nothing here talks to Redis.
 */


#ifndef MFA_LOOKUP_H
#define MFA_LOOKUP_H


#include "mfa_gate.h"


typedef enum {
    MFA_FACT_SESSION = 0,       /* who the session is (read with a spec) */
    MFA_FACT_MARKER,            /* the session's verified marker */
    MFA_FACT_USER,              /* the user's gen and since */
    MFA_FACT_MEMBERS,           /* the user's companies */
    MFA_FACT_POLICY             /* a company's require_2fa */
} mfa_fact_e;


typedef enum {
    MFA_REPLY_NIL = 0,
    MFA_REPLY_STRING,
    MFA_REPLY_INTEGER,
    MFA_REPLY_ARRAY,
    MFA_REPLY_ERROR,
    MFA_REPLY_OTHER
} mfa_reply_e;


/* the Redis reply to one command, as the caller's client read it */
typedef struct {
    mfa_reply_e         type;
    mfa_str_t           str;            /* STRING, ERROR */
    long long           integer;        /* INTEGER */
    size_t              elements;       /* ARRAY: how many */
    /* ARRAY: the first nelement of them (data NULL: nil or not a
       string); the caller gives at least MFA_SCOPE_ANY_MAX + 1 */
    const mfa_str_t    *element;
    size_t              nelement;
} mfa_reply_t;


#define MFA_FACT_ARGS       (2 + MFA_PATHS)
#define MFA_FACT_COMMANDS   (1 + MFA_PATHS)
/* a value's longest form: the companies of a user */
#define MFA_FACT_VALUE_MAX  (2 + (MFA_SCOPE_ANY_MAX + 1) * (MFA_ID_MAX + 2))


typedef struct {
    int                 argc;
    const char         *argv[MFA_FACT_ARGS];
    size_t              argvlen[MFA_FACT_ARGS];
} mfa_command_t;


typedef struct {
    mfa_fact_e          kind;
    mfa_str_t           key;            /* the Redis key read */
    /* reading a hash session: its fields' sizes first (phase 0) */
    unsigned            phase;
    long long           ttl;            /* the key's PTTL, -1: none */
    long long           size;
    unsigned            wrong:1;        /* a key of another type */
    unsigned            known:1;
    /* the value, mfa_lookup_t's storage */
    char               *value;
    size_t              value_len;
    size_t              index;          /* a policy's company */
} mfa_fact_t;


#define MFA_LOOKUP_POLICIES (MFA_GATE_MAX_POLICIES + 2)
#define MFA_LOOKUP_FACTS    (4 + MFA_LOOKUP_POLICIES)


typedef struct {
    /* given to mfa_lookup_init() */
    const mfa_gate_spec_t  *spec;
    mfa_str_t               session_key;
    mfa_str_t               marker_key;
    mfa_str_t               user_prefix;
    mfa_str_t               company_prefix;
    unsigned                scope_any:1;
    size_t                  max_size;

    /* what was read */
    mfa_gate_input_t        in;
    mfa_gate_identity_t     id;
    mfa_err_t               err;
    unsigned                stage;
    size_t                  nfacts;
    /* the policies that count ("0", "1", absent, or a mark: "!", "~",
       "#"), the companies they are of (below), and the active company */
    size_t                  npolicies;
    unsigned                overflow:1;
    mfa_str_t               cid;
    mfa_str_t               scid;
    mfa_fact_t             *members;
    size_t                  used;

    /* from here on, written before read: mfa_lookup_init() zeroes the
       above only */
    mfa_fact_t              facts[MFA_LOOKUP_FACTS];
    mfa_str_t               policies[MFA_LOOKUP_POLICIES];
    mfa_str_t               policy_of[MFA_LOOKUP_POLICIES];

    /* keys, command arguments and values */
    char                    max_arg[24];
    char                    store[16384];
} mfa_lookup_t;


/*
 * The keys: the session's, its verified marker's, and the prefixes of
 * the user and company keys; max the largest session record read.  The
 * strings must outlive the lookup.
 */
void mfa_lookup_init(mfa_lookup_t *lk, const mfa_gate_spec_t *spec,
    mfa_str_t session_key, mfa_str_t marker_key, mfa_str_t user_prefix,
    mfa_str_t company_prefix, int scope_any, size_t max);

/* the facts missing now, at most n; 0 once the decision can be made */
size_t mfa_lookup_next(mfa_lookup_t *lk, mfa_fact_t **facts, size_t n);

/* the commands that read a fact now, at most MFA_FACT_COMMANDS: how many */
size_t mfa_lookup_commands(mfa_lookup_t *lk, mfa_fact_t *f,
    mfa_command_t *commands);

/* a fact's value from a cache: MFA_OK, MFA_ERROR for bytes it cannot read */
int mfa_lookup_cached(mfa_lookup_t *lk, mfa_fact_t *f, mfa_str_t value);

/*
 * The reply to command i of a fact's commands.  After the last one, the
 * fact is known: MFA_OK, with its value for a cache and the time it may
 * be kept, ttl (ms; -1: until the key changes).  MFA_AGAIN before the
 * last command, MFA_ERROR for a reply no command gives (the decision
 * cannot be made: Redis answered nonsense).
 */
#define MFA_AGAIN  1

int mfa_lookup_reply(mfa_lookup_t *lk, mfa_fact_t *f, size_t i,
    const mfa_reply_t *reply, mfa_str_t *value, long long *ttl);

/*
 * The session fact given rather than read in Redis: a JSON record, the
 * app's answer to the gate's introspection, read with the spec's paths
 * (its format must be JSON).  Before mfa_lookup_next(); MFA_ERROR when
 * the session is known already.
 */
int mfa_lookup_record(mfa_lookup_t *lk, mfa_str_t record);

/*
 * Once nothing is missing: whether the session's record is gone (or
 * names nobody: a logout that kept the id) while its verified marker is
 * still there.  That marker is of a login that ended; a later login on
 * the same id must not inherit it, so the caller deletes it.
 */
int mfa_lookup_ended(const mfa_lookup_t *lk);

/* the gate's input and who the session is, once nothing is missing */
void mfa_lookup_input(mfa_lookup_t *lk, mfa_gate_input_t *in,
    mfa_gate_identity_t *id, mfa_err_t *err);


#endif /* MFA_LOOKUP_H */
