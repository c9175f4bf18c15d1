
/*
 * Unit tests of the gate's reads (src/mfa_lookup.c): the facts asked
 * for, stage by stage, the commands that read them, and the decision
 * their replies lead to, against a small model of Redis; the same
 * decision from values kept by a cache; the replies that must fail the
 * lookup; and the key builder the lookup shares with the pages and
 * mfactl (src/mfa_keys.c).
 */


#include "mfa_test.h"
#include "mfa_lookup.h"
#include "mfa_keys.h"


/* a small Redis: strings, hashes and sets, with a time to live */

typedef enum { T_STRING, T_HASH, T_SET } type_e;

typedef struct {
    const char  *key;
    type_e       type;
    long long    pttl;                  /* -1: none */
    const char  *str;                   /* T_STRING */
    const char  *items[80];             /* T_HASH: field, value, ...;
                                           T_SET: members */
    size_t       nitems;
} entry_t;

typedef struct {
    entry_t      e[16];
    size_t       n;
    /* what was sent, and cached values */
    size_t       commands;
    size_t       rounds;
    char         cmdlog[4096];
    struct {
        unsigned  kind;
        char      key[256];
        char      value[MFA_FACT_VALUE_MAX];
        size_t    len;
    } cache[64];
    size_t       ncache;
    int          use_cache;
    /* the session's record given, not read (the app's introspection) */
    const char  *record;
} redis_t;


static entry_t *
find(redis_t *rd, const char *key, size_t len)
{
    size_t  i;

    for (i = 0; i < rd->n; i++) {
        if (strlen(rd->e[i].key) == len
            && memcmp(rd->e[i].key, key, len) == 0)
        {
            return &rd->e[i];
        }
    }

    return NULL;
}


static entry_t *
add(redis_t *rd, const char *key, type_e type)
{
    entry_t  *e;

    e = &rd->e[rd->n++];
    memset(e, 0, sizeof(entry_t));
    e->key = key;
    e->type = type;
    e->pttl = -1;

    return e;
}


static mfa_str_t
s(const char *p)
{
    mfa_str_t  r;

    r.data = p;
    r.len = p ? strlen(p) : 0;

    return r;
}


static int
arg_is(const mfa_command_t *c, int i, const char *v)
{
    return c->argvlen[i] == strlen(v) && memcmp(c->argv[i], v, c->argvlen[i])
                                         == 0;
}


static const char *
hash_get(entry_t *e, const char *field, size_t len)
{
    size_t  i;

    for (i = 0; i + 1 < e->nitems; i += 2) {
        if (strlen(e->items[i]) == len && memcmp(e->items[i], field, len) == 0)
        {
            return e->items[i + 1];
        }
    }

    return NULL;
}


/* the reply Redis gives to a command */

static void
answer(redis_t *rd, const mfa_command_t *c, mfa_reply_t *r, mfa_str_t *elts,
    char *buf)
{
    int        i;
    size_t     end;
    entry_t   *e;
    type_e     want;

    memset(r, 0, sizeof(mfa_reply_t));
    e = find(rd, c->argv[1], c->argvlen[1]);

    rd->commands++;
    strncat(rd->cmdlog, c->argv[0],
            sizeof(rd->cmdlog) - strlen(rd->cmdlog) - 2);
    strcat(rd->cmdlog, " ");

    if (arg_is(c, 0, "PTTL")) {
        r->type = MFA_REPLY_INTEGER;
        r->integer = e == NULL ? -2 : e->pttl;
        return;
    }

    want = (arg_is(c, 0, "GETRANGE") || arg_is(c, 0, "GET")) ? T_STRING
           : arg_is(c, 0, "SMEMBERS") ? T_SET : T_HASH;

    if (e != NULL && e->type != want) {
        r->type = MFA_REPLY_ERROR;
        r->str = s("WRONGTYPE Operation against a key holding the wrong "
                   "kind of value");
        return;
    }

    if (arg_is(c, 0, "GETRANGE")) {
        r->type = MFA_REPLY_STRING;
        end = (size_t) atol(c->argv[3]) + 1;
        r->str = s(e ? e->str : "");

        if (r->str.len > end) {
            r->str.len = end;
        }

        return;
    }

    if (arg_is(c, 0, "GET")) {
        r->type = e ? MFA_REPLY_STRING : MFA_REPLY_NIL;
        r->str = s(e ? e->str : NULL);
        return;
    }

    if (arg_is(c, 0, "HSTRLEN")) {
        r->type = MFA_REPLY_INTEGER;
        r->integer = (long long) strlen(e ? (hash_get(e, c->argv[2],
                                                      c->argvlen[2]) ?: "")
                                          : "");
        return;
    }

    if (arg_is(c, 0, "HGET")) {
        r->str = s(e ? hash_get(e, c->argv[2], c->argvlen[2]) : NULL);
        r->type = r->str.data ? MFA_REPLY_STRING : MFA_REPLY_NIL;
        return;
    }

    r->type = MFA_REPLY_ARRAY;
    r->element = elts;

    if (arg_is(c, 0, "HMGET")) {
        for (i = 2; i < c->argc; i++) {
            elts[i - 2] = s(e ? hash_get(e, c->argv[i], c->argvlen[i]) : NULL);
        }

        r->elements = r->nelement = (size_t) c->argc - 2;
        return;
    }

    /* SMEMBERS */

    r->elements = e ? e->nitems : 0;
    r->nelement = r->elements < MFA_SCOPE_ANY_MAX + 1 ? r->elements
                                                       : MFA_SCOPE_ANY_MAX + 1;

    for (i = 0; i < (int) r->nelement; i++) {
        elts[i] = s(e->items[i]);
    }

    (void) buf;
}


static int
cache_get(redis_t *rd, mfa_fact_t *f, mfa_str_t *v)
{
    size_t  i;

    for (i = 0; i < rd->ncache; i++) {
        if (rd->cache[i].kind == f->kind && strlen(rd->cache[i].key)
            == f->key.len && memcmp(rd->cache[i].key, f->key.data,
                                    f->key.len) == 0)
        {
            v->data = rd->cache[i].value;
            v->len = rd->cache[i].len;
            return 1;
        }
    }

    return 0;
}


static void
cache_put(redis_t *rd, mfa_fact_t *f, mfa_str_t v)
{
    if (rd->ncache == 64) {
        return;
    }

    assert_true(f->key.len < 256 && v.len <= MFA_FACT_VALUE_MAX);

    rd->cache[rd->ncache].kind = f->kind;
    memcpy(rd->cache[rd->ncache].key, f->key.data, f->key.len);
    rd->cache[rd->ncache].key[f->key.len] = '\0';
    memcpy(rd->cache[rd->ncache].value, v.data, v.len);
    rd->cache[rd->ncache].len = v.len;
    rd->ncache++;
}


/*
 * One lookup as the nginx glue runs it: MFA_OK with the decision, or
 * MFA_ERROR when a reply fails it.
 */

/* the last lookup run() made */
static mfa_lookup_t  lk;


static int
run(redis_t *rd, mfa_gate_spec_t *spec, const char *session_key,
    int scope_any, mfa_gate_decision_t *d, mfa_gate_identity_t *id,
    mfa_err_t *err)
{
    int               rc;
    size_t            i, j, n, k;
    long long         ttl;
    mfa_str_t         value, elts[MFA_SCOPE_ANY_MAX + 1];
    mfa_fact_t       *facts[MFA_LOOKUP_FACTS];
    mfa_reply_t       reply;
    mfa_command_t     cmds[MFA_FACT_COMMANDS];
    mfa_gate_input_t  in;
    char              buf[64];

    mfa_lookup_init(&lk, spec, s(session_key), s("mfa:verified:D"),
                    s("mfa:user:"), s("mfa:company:"), scope_any, 1000);

    if (rd->record != NULL) {
        assert_int_equal(mfa_lookup_record(&lk, s(rd->record)), MFA_OK);
        /* given once */
        assert_int_equal(mfa_lookup_record(&lk, s(rd->record)), MFA_ERROR);
    }

    rd->commands = 0;
    rd->rounds = 0;
    rd->cmdlog[0] = '\0';

    while ((n = mfa_lookup_next(&lk, facts, MFA_LOOKUP_FACTS)) > 0) {
        rd->rounds++;

        for (i = 0; i < n; i++) {
            if (rd->use_cache && cache_get(rd, facts[i], &value)) {
                assert_int_equal(mfa_lookup_cached(&lk, facts[i], value),
                                 MFA_OK);
                continue;
            }

            k = mfa_lookup_commands(&lk, facts[i], cmds);
            assert_true(k >= 1 && k <= MFA_FACT_COMMANDS);

            for (j = 0; j < k; j++) {
                answer(rd, &cmds[j], &reply, elts, buf);
                rc = mfa_lookup_reply(&lk, facts[i], j, &reply, &value, &ttl);

                if (rc == MFA_ERROR) {
                    return MFA_ERROR;
                }

                if (j + 1 < k) {
                    assert_int_equal(rc, MFA_AGAIN);
                }

                if (rc == MFA_OK && !rd->use_cache) {
                    cache_put(rd, facts[i], value);
                }
            }
        }
    }

    memset(&in, 0, sizeof(mfa_gate_input_t));
    in.enabled = 1;
    in.has_session_id = 1;
    err->msg[0] = '\0';
    mfa_lookup_input(&lk, &in, id, err);
    mfa_gate_decide(&in, d);

    return MFA_OK;
}


static const mfa_format_t  json_format = { .format = MFA_FORMAT_JSON };
static const mfa_format_t  hash_format = { .format = MFA_FORMAT_HASH };


static mfa_gate_spec_t
json_spec(void)
{
    mfa_gate_spec_t  spec;

    memset(&spec, 0, sizeof(spec));
    spec.format = &json_format;
    spec.paths[MFA_PATH_USER] = s("user.id");
    spec.paths[MFA_PATH_COMPANY] = s("company_id");

    return spec;
}


static void
test_json_not_required(void **state)
{
    redis_t              rd;
    mfa_err_t            err;
    mfa_gate_spec_t      spec;
    mfa_gate_identity_t  id;
    mfa_gate_decision_t  d;

    (void) state;

    memset(&rd, 0, sizeof(rd));
    add(&rd, "sess:s", T_STRING)->str =
        "{\"user\":{\"id\":\"u1\"},\"company_id\":\"acme\"}";
    rd.e[0].pttl = 5000;

    spec = json_spec();
    assert_int_equal(run(&rd, &spec, "sess:s", 0, &d, &id, &err), MFA_OK);

    assert_int_equal(d.action, MFA_GATE_THROUGH);
    assert_string_equal(d.status, "not_required");
    assert_string_equal(id.user.data, "u1");
    assert_string_equal(id.company.data, "acme");
    /* the session and marker, then the user and the company's policy */
    assert_int_equal(rd.rounds, 2);
    assert_string_equal(rd.cmdlog, "PTTL GETRANGE PTTL GET HMGET HGET ");

    /* the same from the values kept: no command at all */
    rd.use_cache = 1;
    assert_int_equal(run(&rd, &spec, "sess:s", 0, &d, &id, &err), MFA_OK);
    assert_int_equal(rd.commands, 0);
    assert_int_equal(d.action, MFA_GATE_THROUGH);
    assert_string_equal(d.status, "not_required");
    assert_string_equal(id.user.data, "u1");
}


static void
test_json_required_and_verified(void **state)
{
    redis_t              rd;
    entry_t             *e;
    mfa_err_t            err;
    mfa_gate_spec_t      spec;
    mfa_gate_identity_t  id;
    mfa_gate_decision_t  d;

    (void) state;

    memset(&rd, 0, sizeof(rd));
    add(&rd, "sess:s", T_STRING)->str =
        "{\"user\":{\"id\":\"u1\"},\"company_id\":\"acme\"}";
    e = add(&rd, "mfa:company:acme", T_HASH);
    e->items[0] = "require_2fa";
    e->items[1] = "1";
    e->nitems = 2;

    spec = json_spec();
    run(&rd, &spec, "sess:s", 0, &d, &id, &err);
    assert_int_equal(d.action, MFA_GATE_ENROLL);

    e = add(&rd, "mfa:user:u1", T_HASH);
    e->items[0] = "gen";
    e->items[1] = "3";
    e->items[2] = "since";
    e->items[3] = "1700000000";
    e->nitems = 4;

    run(&rd, &spec, "sess:s", 0, &d, &id, &err);
    assert_int_equal(d.action, MFA_GATE_CHALLENGE);

    add(&rd, "mfa:verified:D", T_STRING)->str = "u1 3";
    run(&rd, &spec, "sess:s", 0, &d, &id, &err);
    assert_int_equal(d.action, MFA_GATE_THROUGH);
    assert_string_equal(d.status, "verified");

    /* a marker of another generation is none */
    rd.e[rd.n - 1].str = "u1 2";
    run(&rd, &spec, "sess:s", 0, &d, &id, &err);
    assert_int_equal(d.action, MFA_GATE_CHALLENGE);
}


static void
test_absent_visitor_large(void **state)
{
    redis_t              rd;
    mfa_err_t            err;
    mfa_gate_spec_t      spec;
    mfa_gate_identity_t  id;
    mfa_gate_decision_t  d;
    static char          big[1100];

    (void) state;

    spec = json_spec();

    memset(&rd, 0, sizeof(rd));
    run(&rd, &spec, "sess:s", 0, &d, &id, &err);
    assert_int_equal(d.action, MFA_GATE_THROUGH);
    assert_string_equal(d.status, "anonymous");
    assert_int_equal(rd.rounds, 1);

    add(&rd, "sess:s", T_STRING)->str = "{\"cart\":[1]}";
    run(&rd, &spec, "sess:s", 0, &d, &id, &err);
    assert_int_equal(d.action, MFA_GATE_THROUGH);
    assert_int_equal(rd.rounds, 1);

    /* over the 1000 bytes read: denied, with the limit in the log */
    memset(big, 'x', sizeof(big) - 1);
    memcpy(big, "{\"user\":{\"id\":\"u1\"},\"p\":\"", 25);
    rd.e[0].str = big;
    run(&rd, &spec, "sess:s", 0, &d, &id, &err);
    assert_int_equal(d.action, MFA_GATE_DENY);
    assert_non_null(strstr(err.msg, "more than 1000 bytes"));

    /* a key of another type */
    rd.e[0].type = T_HASH;
    run(&rd, &spec, "sess:s", 0, &d, &id, &err);
    assert_int_equal(d.action, MFA_GATE_DENY);
}


/* a marker whose session's record is gone, or names nobody: ended */
static void
test_ended(void **state)
{
    redis_t              rd;
    mfa_err_t            err;
    mfa_gate_spec_t      spec;
    mfa_gate_identity_t  id;
    mfa_gate_decision_t  d;
    static char          big[1100];

    (void) state;

    spec = json_spec();
    memset(&rd, 0, sizeof(rd));

    /* neither */
    run(&rd, &spec, "sess:s", 0, &d, &id, &err);
    assert_false(mfa_lookup_ended(&lk));

    /* the marker alone */
    add(&rd, "mfa:verified:D", T_STRING)->str = "u1 1";
    run(&rd, &spec, "sess:s", 0, &d, &id, &err);
    assert_string_equal(d.status, "anonymous");
    assert_true(mfa_lookup_ended(&lk));

    /* a record that names nobody (a logout that kept it) */
    add(&rd, "sess:s", T_STRING)->str = "{\"cart\":[1]}";
    run(&rd, &spec, "sess:s", 0, &d, &id, &err);
    assert_true(mfa_lookup_ended(&lk));

    /* the user's: the login goes on */
    rd.e[1].str = "{\"user\":{\"id\":\"u1\"},\"company_id\":\"c1\"}";
    run(&rd, &spec, "sess:s", 0, &d, &id, &err);
    assert_false(mfa_lookup_ended(&lk));

    /* unreadable is not gone */
    memset(big, 'x', sizeof(big) - 1);
    memcpy(big, "{\"user\":{\"id\":\"u1\"},\"p\":\"", 25);
    rd.e[1].str = big;
    run(&rd, &spec, "sess:s", 0, &d, &id, &err);
    assert_int_equal(d.action, MFA_GATE_DENY);
    assert_false(mfa_lookup_ended(&lk));

    /* the marker not a string: none */
    rd.e[1].str = "{\"cart\":[1]}";
    rd.e[0].type = T_HASH;
    run(&rd, &spec, "sess:s", 0, &d, &id, &err);
    assert_false(mfa_lookup_ended(&lk));
}


static void
test_hash_session(void **state)
{
    redis_t              rd;
    entry_t             *e;
    mfa_err_t            err;
    mfa_gate_spec_t      spec;
    mfa_gate_identity_t  id;
    mfa_gate_decision_t  d;

    (void) state;

    memset(&spec, 0, sizeof(spec));
    spec.format = &hash_format;
    spec.paths[MFA_PATH_USER] = s("uid");
    spec.paths[MFA_PATH_COMPANY] = s("cid");

    memset(&rd, 0, sizeof(rd));
    e = add(&rd, "h:s", T_HASH);
    e->items[0] = "uid";
    e->items[1] = "u9";
    e->items[2] = "cid";
    e->items[3] = "acme";
    e->nitems = 4;

    run(&rd, &spec, "h:s", 0, &d, &id, &err);
    assert_int_equal(d.action, MFA_GATE_THROUGH);
    assert_string_equal(id.user.data, "u9");
    /* the fields' sizes first, then the fields */
    assert_int_equal(rd.rounds, 3);
    assert_string_equal(rd.cmdlog, "PTTL HSTRLEN HSTRLEN PTTL GET HMGET "
                                   "HMGET HGET ");

    rd.use_cache = 1;
    run(&rd, &spec, "h:s", 0, &d, &id, &err);
    assert_int_equal(rd.commands, 0);
    assert_string_equal(id.user.data, "u9");
}


static void
test_scope_any(void **state)
{
    size_t               i;
    redis_t              rd;
    entry_t             *e;
    mfa_err_t            err;
    mfa_gate_spec_t      spec;
    mfa_gate_identity_t  id;
    mfa_gate_decision_t  d;
    static char          names[70][8];

    (void) state;

    spec = json_spec();

    memset(&rd, 0, sizeof(rd));
    add(&rd, "sess:s", T_STRING)->str = "{\"user\":{\"id\":\"u1\"}}";
    e = add(&rd, "mfa:user:u1:companies", T_SET);
    e->items[0] = "a";
    e->items[1] = "b";
    e->nitems = 2;

    run(&rd, &spec, "sess:s", 1, &d, &id, &err);
    assert_int_equal(d.action, MFA_GATE_THROUGH);
    /* the session; the user and companies; each company's policy */
    assert_int_equal(rd.rounds, 3);
    assert_string_equal(rd.cmdlog, "PTTL GETRANGE PTTL GET HMGET SMEMBERS "
                                   "HGET HGET ");

    e = add(&rd, "mfa:company:b", T_HASH);
    e->items[0] = "require_2fa";
    e->items[1] = "1";
    e->nitems = 2;

    run(&rd, &spec, "sess:s", 1, &d, &id, &err);
    assert_int_equal(d.action, MFA_GATE_ENROLL);

    /* the documented maximum of companies is read, one more is denied */
    e = &rd.e[1];

    for (i = 0; i < 70; i++) {
        snprintf(names[i], sizeof(names[i]), "c%zu", i);
        e->items[i] = names[i];
    }

    e->nitems = MFA_SCOPE_ANY_MAX;
    rd.e[2].key = "mfa:company:c5";
    run(&rd, &spec, "sess:s", 1, &d, &id, &err);
    assert_int_equal(d.action, MFA_GATE_ENROLL);

    e->nitems = MFA_SCOPE_ANY_MAX + 1;
    run(&rd, &spec, "sess:s", 1, &d, &id, &err);
    assert_int_equal(d.action, MFA_GATE_DENY);
    assert_non_null(strstr(d.reason, "compan"));
}


static void
test_forced_company(void **state)
{
    redis_t              rd;
    entry_t             *e;
    mfa_err_t            err;
    mfa_gate_spec_t      spec;
    mfa_gate_identity_t  id;
    mfa_gate_decision_t  d;

    (void) state;

    spec = json_spec();
    spec.company = s("other");

    memset(&rd, 0, sizeof(rd));
    add(&rd, "sess:s", T_STRING)->str =
        "{\"user\":{\"id\":\"u1\"},\"company_id\":\"acme\"}";
    e = add(&rd, "mfa:user:u1:companies", T_SET);
    e->items[0] = "acme";
    e->nitems = 1;

    /* not one of the user's companies */
    run(&rd, &spec, "sess:s", 0, &d, &id, &err);
    assert_int_equal(d.action, MFA_GATE_DENY);

    e->items[1] = "other";
    e->nitems = 2;
    run(&rd, &spec, "sess:s", 0, &d, &id, &err);
    assert_int_equal(d.action, MFA_GATE_THROUGH);

    /* and never a way around the session company's policy */
    e = add(&rd, "mfa:company:acme", T_HASH);
    e->items[0] = "require_2fa";
    e->items[1] = "1";
    e->nitems = 2;
    run(&rd, &spec, "sess:s", 0, &d, &id, &err);
    assert_int_equal(d.action, MFA_GATE_ENROLL);
}


static void
test_bad_replies(void **state)
{
    mfa_str_t         value;
    long long         ttl;
    mfa_fact_t       *facts[MFA_LOOKUP_FACTS];
    mfa_reply_t       r;
    mfa_gate_spec_t   spec;

    static mfa_lookup_t  lk;

    (void) state;

    spec = json_spec();
    mfa_lookup_init(&lk, &spec, s("sess:s"), s("mfa:verified:D"),
                    s("mfa:user:"), s("mfa:company:"), 0, 1000);
    assert_int_equal(mfa_lookup_next(&lk, facts, MFA_LOOKUP_FACTS), 2);
    assert_int_equal(facts[0]->kind, MFA_FACT_SESSION);
    assert_int_equal(facts[1]->kind, MFA_FACT_MARKER);

    /* an error other than WRONGTYPE fails the lookup */
    memset(&r, 0, sizeof(r));
    r.type = MFA_REPLY_ERROR;
    r.str = s("NOPERM this user has no permissions");
    assert_int_equal(mfa_lookup_reply(&lk, facts[0], 0, &r, &value, &ttl),
                     MFA_ERROR);

    /* PTTL answered with a string */
    r.type = MFA_REPLY_STRING;
    r.str = s("5");
    assert_int_equal(mfa_lookup_reply(&lk, facts[1], 0, &r, &value, &ttl),
                     MFA_ERROR);

    /* bytes no cache would hold */
    assert_int_equal(mfa_lookup_cached(&lk, facts[0], s("Zgarbage")),
                     MFA_ERROR);
    assert_int_equal(mfa_lookup_cached(&lk, facts[0], s("O\x01\x00")),
                     MFA_ERROR);
    assert_int_equal(mfa_lookup_cached(&lk, facts[1], s("")), MFA_ERROR);

    /* the ttl given back is the key's, and -1 without one */
    r.type = MFA_REPLY_INTEGER;
    r.integer = 1234;
    assert_int_equal(mfa_lookup_reply(&lk, facts[1], 0, &r, &value, &ttl),
                     MFA_AGAIN);
    r.type = MFA_REPLY_STRING;
    r.str = s("u1 3");
    assert_int_equal(mfa_lookup_reply(&lk, facts[1], 1, &r, &value, &ttl),
                     MFA_OK);
    assert_int_equal(ttl, 1234);
    assert_int_equal(value.len, 5);
    assert_memory_equal(value.data, "Su1 3", 5);
}


/* the schema's one key builder: prefix, id and suffix, nothing more */

static void
test_key_build(void **state)
{
    char        buf[64], *end;
    mfa_str_t   prefix = { "mfa:" MFA_KEY_USER, 9 };
    mfa_str_t   id = { "u1\0x", 2 }, empty = { NULL, 0 };

    (void) state;

    memset(buf, '#', sizeof(buf));

    assert_int_equal(mfa_key_len(prefix, id, MFA_KEY_USER_GUARD), 17);
    end = mfa_key_write(buf, prefix, id, MFA_KEY_USER_GUARD);
    assert_int_equal(end - buf, 17);
    assert_memory_equal(buf, "mfa:user:u1:guard#", 18);

    assert_int_equal(mfa_key_len(prefix, id, NULL), 11);
    end = mfa_key_write(buf, prefix, id, NULL);
    assert_memory_equal(buf, "mfa:user:u1", end - buf);

    assert_int_equal(mfa_key_len(empty, empty, MFA_KEY_AUDIT), 5);
    end = mfa_key_write(buf, empty, empty, MFA_KEY_AUDIT);
    assert_memory_equal(buf, "audit", end - buf);
    assert_int_equal(end - buf, 5);
}


/* the session's record given (the app's introspection): Redis for the rest */

static void
test_record_given(void **state)
{
    redis_t              rd;
    entry_t             *e;
    mfa_err_t            err;
    mfa_lookup_t        *lk;
    mfa_gate_spec_t      spec;
    mfa_gate_identity_t  id;
    mfa_gate_decision_t  d;
    char                 big[1100];

    (void) state;

    memset(&rd, 0, sizeof(rd));
    spec = json_spec();
    spec.paths[MFA_PATH_USER] = s("user");
    spec.paths[MFA_PATH_COMPANY] = s("company");

    /* a record in Redis at the key is not read: the one given is */
    add(&rd, "/who", T_STRING)->str = "{\"user\":\"mallory\"}";
    e = add(&rd, "mfa:company:acme", T_HASH);
    e->items[0] = "require_2fa";
    e->items[1] = "1";
    e->nitems = 2;
    e = add(&rd, "mfa:user:bob", T_HASH);
    e->items[0] = "gen";
    e->items[1] = "2";
    e->items[2] = "since";
    e->items[3] = "1700000000";
    e->nitems = 4;
    add(&rd, "mfa:verified:D", T_STRING)->str = "bob 2";

    rd.record = "{\"session\":\"S\",\"user\":\"bob\",\"company\":\"acme\"}";
    assert_int_equal(run(&rd, &spec, "/who", 0, &d, &id, &err), MFA_OK);
    assert_int_equal(d.action, MFA_GATE_THROUGH);
    assert_string_equal(d.status, "verified");
    assert_string_equal(id.user.data, "bob");
    /* the marker, then the user and the policy: no session command */
    assert_string_equal(rd.cmdlog, "PTTL GET HMGET HGET ");

    /* nobody logged in */
    rd.record = "{\"session\":\"S\",\"user\":null}";
    assert_int_equal(run(&rd, &spec, "/who", 0, &d, &id, &err), MFA_OK);
    assert_int_equal(d.action, MFA_GATE_THROUGH);
    assert_string_equal(d.status, "anonymous");

    /* a user that is no id, a record larger than the lookup reads */
    rd.record = "{\"user\":[1]}";
    assert_int_equal(run(&rd, &spec, "/who", 0, &d, &id, &err), MFA_OK);
    assert_int_equal(d.action, MFA_GATE_DENY);

    memset(big, ' ', sizeof(big) - 3);
    memcpy(big, "{\"user\":\"bob\"", 13);
    big[sizeof(big) - 3] = '}';
    big[sizeof(big) - 2] = '\0';
    rd.record = big;
    assert_int_equal(run(&rd, &spec, "/who", 0, &d, &id, &err), MFA_OK);
    assert_int_equal(d.action, MFA_GATE_DENY);
    assert_non_null(strstr(err.msg, "mfa_session_max_size"));

    /* a hash session cannot be given */
    lk = malloc(sizeof(mfa_lookup_t));
    assert_non_null(lk);
    spec.format = &hash_format;
    mfa_lookup_init(lk, &spec, s("/who"), s("mfa:verified:D"),
                    s("mfa:user:"), s("mfa:company:"), 0, 1000);
    assert_int_equal(mfa_lookup_record(lk, s("{}")), MFA_ERROR);
    free(lk);
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_not_required),
        cmocka_unit_test(test_json_required_and_verified),
        cmocka_unit_test(test_absent_visitor_large),
        cmocka_unit_test(test_ended),
        cmocka_unit_test(test_hash_session),
        cmocka_unit_test(test_scope_any),
        cmocka_unit_test(test_forced_company),
        cmocka_unit_test(test_bad_replies),
        cmocka_unit_test(test_record_given),
        cmocka_unit_test(test_key_build),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
