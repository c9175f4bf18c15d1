
/*
 * ngx_http_mfa_module: the gate's Redis lookup.
 *
 * The pure core (src/mfa_lookup.c) says which facts a decision needs:
 * the session, its verified marker, the user's enrolment, companies and
 * policies.  Here each fact is taken from the worker's exact cache
 * (src/ngx_http_mfa_cache.c) or read with plain commands, all of a round
 * pipelined at once; the replies go back to the core, and the facts read
 * to the cache.  At most three rounds; none when everything is cached.
 * No Lua runs on this path (docs/internals.md: the request path).
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_mfa.h"
#include "ngx_http_mfa_cache.h"
#include "ngx_http_mfa_log.h"
#include "mfa_lookup.h"
#include "mfa_memo.h"
#include "mfa_fcache.h"


typedef struct ngx_http_mfa_read_s  ngx_http_mfa_read_t;


/* one command in flight */
struct ngx_http_mfa_read_s {
    ngx_http_mfa_lookup_t       *lookup;
    mfa_fact_t                  *fact;
    size_t                       index;      /* among the fact's commands */
    ngx_http_mfa_redis_query_t  *query;
    ngx_http_mfa_read_t         *next;
};


struct ngx_http_mfa_lookup_s {
    mfa_lookup_t                 lk;
    ngx_http_mfa_lookup_t       *next;          /* when free */
    mfa_gate_spec_t              spec;
    ngx_http_mfa_ctx_t          *ctx;
    /* by fact: the cache's mark and the time when its reading began */
    uint64_t                     mark[MFA_LOOKUP_FACTS];
    ngx_msec_t                   sent[MFA_LOOKUP_FACTS];
    /* the round's commands in flight */
    ngx_http_mfa_read_t         *reads;
    ngx_uint_t                   pending;
    /*
     * while every fact comes from the cache in the request's first turn:
     * the memo to keep, of the facts' keys read since memo_mark, which
     * expires with the first of them
     */
    ngx_str_t                    id;
    uint64_t                     memo_mark;
    uint64_t                     memo_expires;
    size_t                       ndeps;
    uint64_t                     deps[MFA_MEMO_DEPS];
    unsigned                     failed:1;
    unsigned                     cache:1;
    unsigned                     memo:1;
    /* the session read in Redis, not given by the app */
    unsigned                     read:1;
};


static ngx_int_t ngx_http_mfa_lookup_binding(ngx_http_request_t *r,
    ngx_http_mfa_ctx_t *ctx, ngx_http_mfa_loc_conf_t *mlcf);
static size_t ngx_http_mfa_memo_key(ngx_http_mfa_ctx_t *ctx, ngx_str_t *id,
    char *buf);
static ngx_int_t ngx_http_mfa_memo_use(ngx_http_request_t *r,
    ngx_http_mfa_ctx_t *ctx, ngx_http_mfa_loc_conf_t *mlcf, ngx_str_t *id);
static void ngx_http_mfa_memo_keep(ngx_http_mfa_ctx_t *ctx,
    ngx_http_mfa_loc_conf_t *mlcf, mfa_gate_input_t *in);
static ngx_int_t ngx_http_mfa_lookup_marker_key(ngx_http_request_t *r,
    ngx_http_mfa_ctx_t *ctx, ngx_str_t *id, mfa_str_t *marker_key);
static ngx_http_mfa_lookup_t *ngx_http_mfa_lookup_start(ngx_http_request_t *r,
    ngx_http_mfa_ctx_t *ctx, ngx_http_mfa_loc_conf_t *mlcf,
    mfa_str_t marker_key);
static ngx_int_t ngx_http_mfa_lookup_digest(ngx_str_t *id, ngx_str_t *key,
    ngx_uint_t cache, u_char *out);
static ngx_http_mfa_lookup_t *ngx_http_mfa_lookup_alloc(
    ngx_http_request_t *r);
static void ngx_http_mfa_lookup_cleanup(void *data);
static ngx_int_t ngx_http_mfa_lookup_round(ngx_http_request_t *r,
    ngx_http_mfa_lookup_t *lu);
static ngx_int_t ngx_http_mfa_lookup_send(ngx_http_request_t *r,
    ngx_http_mfa_lookup_t *lu, mfa_fact_t *f);
static void ngx_http_mfa_lookup_answer(void *data, redisReply *reply);
static ngx_int_t ngx_http_mfa_lookup_reply(ngx_http_mfa_read_t *rd,
    redisReply *reply);
static void ngx_http_mfa_lookup_finish(ngx_http_request_t *r,
    ngx_http_mfa_ctx_t *ctx);
static void ngx_http_mfa_lookup_end(ngx_http_request_t *r,
    ngx_http_mfa_lookup_t *lu);
static void ngx_http_mfa_lookup_ended(void *data, redisReply *reply);
static void ngx_http_mfa_lookup_input(ngx_http_mfa_loc_conf_t *mlcf,
    mfa_gate_input_t *in);
static void ngx_http_mfa_lookup_users(ngx_http_request_t *r,
    ngx_http_mfa_loc_conf_t *mlcf, mfa_gate_input_t *in);
static void ngx_http_mfa_lookup_decide(ngx_http_request_t *r,
    ngx_http_mfa_ctx_t *ctx, mfa_gate_input_t *in);
static const void *ngx_http_mfa_lookup_scope(ngx_http_mfa_lookup_t *lu,
    mfa_fact_t *f);
static void ngx_http_mfa_wake(ngx_http_request_t *r);


/*
 * Lookups are large (the core's 16 KB of keys and values) and made for
 * every gated request: a worker keeps those of finished requests for the
 * next ones, rather than malloc() and free() each time.
 */
#define NGX_HTTP_MFA_LOOKUPS_KEPT  64

/* visitors' records read, none with a user: "mfa_session_user" is wrong */
#define NGX_HTTP_MFA_VISITORS_WARN  1000

/* the memos' kind of cache entry, apart from the facts' (mfa_fact_e) */
#define NGX_HTTP_MFA_MEMO  16

static ngx_http_mfa_lookup_t  *ngx_http_mfa_lookups_free;
static ngx_uint_t              ngx_http_mfa_lookups_nfree;


ngx_int_t
ngx_http_mfa_lookup(ngx_http_request_t *r, ngx_http_mfa_ctx_t *ctx)
{
    ngx_http_mfa_loc_conf_t  *mlcf;

    mlcf = ngx_http_get_module_loc_conf(r, ngx_http_mfa_module);

    if (ngx_http_mfa_lookup_binding(r, ctx, mlcf) != NGX_OK) {
        return NGX_ERROR;
    }

    if (mlcf->introspect.data != NULL) {
        /*
         * the app says who the request is, with or without a credential
         * the gate reads: it reads the request its own way (the answer
         * comes back here)
         */
        return ngx_http_mfa_introspect(r, ctx);
    }

    if (ctx->sid.len == 0) {
        ngx_http_mfa_lookup_without(r, ctx, NGX_HTTP_MFA_NO_SESSION);
        return NGX_OK;
    }

    return ngx_http_mfa_lookup_facts(r, ctx, &ctx->sid, NULL);
}


/*
 * The facts of the session whose id is given, read in Redis or cached;
 * the session's own record given when it is not NULL (the app's answer).
 */

ngx_int_t
ngx_http_mfa_lookup_facts(ngx_http_request_t *r, ngx_http_mfa_ctx_t *ctx,
    ngx_str_t *id, mfa_str_t *record)
{
    uint64_t                  mark;
    ngx_int_t                 rc;
    mfa_str_t                 marker_key;
    ngx_http_mfa_lookup_t    *lu;
    ngx_http_mfa_loc_conf_t  *mlcf;

    mlcf = ngx_http_get_module_loc_conf(r, ngx_http_mfa_module);

    if (record == NULL && !ctx->no_cache
        && ngx_http_mfa_memo_use(r, ctx, mlcf, id) == NGX_OK)
    {
        return NGX_OK;
    }

    /* after the cache read what Redis sent (ngx_http_mfa_memo_use()) */
    mark = ngx_http_mfa_cache_mark();

    if (ngx_http_mfa_lookup_marker_key(r, ctx, id, &marker_key) != NGX_OK) {
        return NGX_ERROR;
    }

    lu = ngx_http_mfa_lookup_start(r, ctx, mlcf, marker_key);
    if (lu == NULL) {
        return NGX_ERROR;
    }

    lu->read = (record == NULL);
    lu->memo = (lu->read && lu->cache);
    lu->id = *id;
    lu->memo_mark = mark;
    lu->memo_expires = 0;
    lu->ndeps = 0;

    if (record != NULL && mfa_lookup_record(&lu->lk, *record) != MFA_OK) {
        ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                      "mfa: the app's answer cannot be kept for the "
                      "lookup");
        return NGX_ERROR;
    }

    rc = ngx_http_mfa_lookup_round(r, lu);

    if (rc == NGX_AGAIN) {
        ctx->waiting = 1;
        lu->memo = 0;
        return NGX_AGAIN;
    }

    ngx_http_mfa_lookup_finish(r, ctx);

    return NGX_OK;
}


/*
 * Decided without reading Redis: no session id, the app saying nobody is
 * logged in, or the app that could not be asked ("mfa_fail" decides)
 */

void
ngx_http_mfa_lookup_without(ngx_http_request_t *r, ngx_http_mfa_ctx_t *ctx,
    ngx_uint_t why)
{
    mfa_gate_input_t          in;
    ngx_http_mfa_loc_conf_t  *mlcf;

    mlcf = ngx_http_get_module_loc_conf(r, ngx_http_mfa_module);

    ngx_http_mfa_lookup_input(mlcf, &in);

    switch (why) {

    case NGX_HTTP_MFA_NO_SESSION:
        in.has_session_id = 0;
        break;

    case NGX_HTTP_MFA_VISITOR:
        in.session = MFA_RECORD_ABSENT;
        in.visitor = 1;
        break;

    case NGX_HTTP_MFA_GONE:
        in.lookup_failed = 1;
        mfa_gate_decide(&in, &ctx->decision);
        ctx->in = in;
        ctx->done = 1;
        return;

    default: /* NGX_HTTP_MFA_UNREADABLE */
        in.lookup_failed = 1;
    }

    ngx_http_mfa_lookup_decide(r, ctx, &in);
}


/* the request's binding, kept in the context for the decision */

static ngx_int_t
ngx_http_mfa_lookup_binding(ngx_http_request_t *r, ngx_http_mfa_ctx_t *ctx,
    ngx_http_mfa_loc_conf_t *mlcf)
{
    /* $mfa_session_id in the key and company is the id read first */
    ctx->sid_set = 1;
    ctx->request = r;

    return ngx_http_mfa_binding(r, mlcf, &ctx->sid, &ctx->cookie, &ctx->key,
                                &ctx->company);
}


/*
 * What a decision is bound to, as this location evaluates it: the
 * session id (from the cookie as the upstream reads it), the session key
 * (with "mfa_session_introspect", the app's route) and the company
 * ($mfa_session_id in them is the id just read); the key and company are
 * empty when there is no session to read.
 */

ngx_int_t
ngx_http_mfa_binding(ngx_http_request_t *r, ngx_http_mfa_loc_conf_t *mlcf,
    ngx_str_t *id, mfa_cookie_t **cookie, ngx_str_t *key, ngx_str_t *company)
{
    ngx_str_null(key);
    ngx_str_null(company);

    if (ngx_http_mfa_session_id(r, mlcf, id, cookie) != NGX_OK) {
        return NGX_ERROR;
    }

    if (id->len == 0 && mlcf->introspect.data == NULL) {
        /* nothing else is read without a session */
        return NGX_OK;
    }

    if (mlcf->introspect.data != NULL) {
        *key = mlcf->introspect;

    } else if (ngx_http_complex_value(r, mlcf->session_key, key) != NGX_OK) {
        return NGX_ERROR;
    }

    if (mlcf->company != NULL
        && ngx_http_complex_value(r, mlcf->company, company) != NGX_OK)
    {
        return NGX_ERROR;
    }

    return NGX_OK;
}


/*
 * The verified marker's key: "<prefix>verified:<the id's digest>"; the
 * digest stays in the context for the pages (CSRF token, pending secret).
 */

static ngx_int_t
ngx_http_mfa_lookup_marker_key(ngx_http_request_t *r, ngx_http_mfa_ctx_t *ctx,
    ngx_str_t *id, mfa_str_t *marker_key)
{
    u_char                    *p;
    ngx_http_mfa_main_conf_t  *mmcf;

    mmcf = ngx_http_get_module_main_conf(r, ngx_http_mfa_module);

    p = ngx_pnalloc(r->pool, mmcf->key_verified.len + MFA_SESSION_DIGEST_LEN);
    if (p == NULL) {
        return NGX_ERROR;
    }

    ngx_memcpy(p, mmcf->key_verified.data, mmcf->key_verified.len);

    if (ngx_http_mfa_lookup_digest(id, &ctx->key, !ctx->no_cache,
                                   p + mmcf->key_verified.len)
        != NGX_OK)
    {
        ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                      "mfa: OpenSSL cannot compute a session digest");
        return NGX_ERROR;
    }

    marker_key->data = (char *) p;
    marker_key->len = mmcf->key_verified.len + MFA_SESSION_DIGEST_LEN;

    ctx->digest.data = p + mmcf->key_verified.len;
    ctx->digest.len = MFA_SESSION_DIGEST_LEN;

    return NGX_OK;
}


/* the request's lookup, its facts not asked for yet */

static ngx_http_mfa_lookup_t *
ngx_http_mfa_lookup_start(ngx_http_request_t *r, ngx_http_mfa_ctx_t *ctx,
    ngx_http_mfa_loc_conf_t *mlcf, mfa_str_t marker_key)
{
    mfa_str_t                  session_key, user_prefix, company_prefix;
    ngx_http_mfa_lookup_t     *lu;
    ngx_http_mfa_main_conf_t  *mmcf;

    mmcf = ngx_http_get_module_main_conf(r, ngx_http_mfa_module);

    lu = ngx_http_mfa_lookup_alloc(r);
    if (lu == NULL) {
        return NULL;
    }

    lu->ctx = ctx;
    lu->reads = NULL;
    lu->pending = 0;
    lu->failed = 0;
    lu->cache = !ctx->no_cache;

    ngx_http_mfa_spec(mlcf, ctx, &lu->spec);

    session_key.data = (char *) ctx->key.data;
    session_key.len = ctx->key.len;
    user_prefix.data = (char *) mmcf->key_user.data;
    user_prefix.len = mmcf->key_user.len;
    company_prefix.data = (char *) mmcf->key_company.data;
    company_prefix.len = mmcf->key_company.len;

    mfa_lookup_init(&lu->lk, &lu->spec, session_key, marker_key, user_prefix,
                    company_prefix,
                    mlcf->policy_scope == NGX_HTTP_MFA_SCOPE_ANY,
                    mlcf->session_max_size);

    ctx->lookup = lu;

    return lu;
}


/*
 * The session id's digest (an HMAC: two SHA-256 blocks, about a sixth of
 * a cached request's instructions), kept in the cache under the id
 * itself, in a scope of its own: it depends on nothing Redis holds, so no
 * invalidation concerns it, and a session touched at every request (its
 * own entry invalidated each time) keeps its digest.
 */

static ngx_int_t
ngx_http_mfa_lookup_digest(ngx_str_t *id, ngx_str_t *key, ngx_uint_t cache,
    u_char *out)
{
    uint64_t   mark, hashes[2];
    mfa_str_t  k, sk, v;

    static const char  scope[] = "digest";

    k.data = (const char *) id->data;
    k.len = id->len;
    sk.data = (const char *) key->data;
    sk.len = key->len;

    cache = cache && ngx_http_mfa_cache_usable();

    if (cache) {
        /* the session's entry, read next, is fetched meanwhile */
        hashes[0] = ngx_http_mfa_cache_hash(k);
        hashes[1] = ngx_http_mfa_cache_hash(sk);

        ngx_http_mfa_cache_prefetch(hashes, 2);
    }

    if (cache
        && ngx_http_mfa_cache_get(scope, 0, k, hashes[0], &v, NULL)
           == NGX_OK
        && v.len == MFA_SESSION_DIGEST_LEN)
    {
        ngx_memcpy(out, v.data, MFA_SESSION_DIGEST_LEN);
        return NGX_OK;
    }

    mark = ngx_http_mfa_cache_mark();

    if (mfa_session_digest((char *) id->data, id->len, (char *) out)
        != MFA_OK)
    {
        return NGX_ERROR;
    }

    if (cache) {
        v.data = (const char *) out;
        v.len = MFA_SESSION_DIGEST_LEN;

        ngx_http_mfa_cache_put(scope, 0, k, v, mark, ngx_current_msec, -1);
    }

    return NGX_OK;
}


/* not zeroed: the core's storage is large and written as used */

static ngx_http_mfa_lookup_t *
ngx_http_mfa_lookup_alloc(ngx_http_request_t *r)
{
    ngx_pool_cleanup_t     *cln;
    ngx_http_mfa_lookup_t  *lu;

    cln = ngx_pool_cleanup_add(r->pool, 0);
    if (cln == NULL) {
        return NULL;
    }

    lu = ngx_http_mfa_lookups_free;

    if (lu != NULL) {
        ngx_http_mfa_lookups_free = lu->next;
        ngx_http_mfa_lookups_nfree--;

    } else {
        lu = ngx_alloc(sizeof(ngx_http_mfa_lookup_t), r->connection->log);
        if (lu == NULL) {
            return NULL;
        }
    }

    cln->handler = ngx_http_mfa_lookup_cleanup;
    cln->data = lu;

    return lu;
}


/* the request goes away: replies still to come are dropped */

static void
ngx_http_mfa_lookup_cleanup(void *data)
{
    ngx_http_mfa_lookup_t  *lu = data;

    ngx_http_mfa_read_t  *rd;

    for (rd = lu->reads; rd; rd = rd->next) {
        if (rd->query != NULL) {
            ngx_http_mfa_redis_detach(rd->query);
        }
    }

    if (ngx_http_mfa_lookups_nfree < NGX_HTTP_MFA_LOOKUPS_KEPT) {
        lu->next = ngx_http_mfa_lookups_free;
        ngx_http_mfa_lookups_free = lu;
        ngx_http_mfa_lookups_nfree++;
        return;
    }

    ngx_free(lu);
}


/*
 * What the core misses now, from the cache or sent to Redis: NGX_AGAIN
 * while commands are in flight, NGX_OK when nothing is missing (or
 * lu->failed, when Redis cannot be asked).
 */

static ngx_int_t
ngx_http_mfa_lookup_round(ngx_http_request_t *r, ngx_http_mfa_lookup_t *lu)
{
    size_t       i, n;
    ngx_uint_t   cache, sessions, hits;
    uint64_t     hashes[MFA_LOOKUP_FACTS], expires;
    mfa_str_t    value;
    mfa_fact_t  *facts[MFA_LOOKUP_FACTS], *f;

    for ( ;; ) {
        n = mfa_lookup_next(&lu->lk, facts, MFA_LOOKUP_FACTS);

        if (n == 0) {
            return NGX_OK;
        }

        cache = lu->cache && ngx_http_mfa_cache_usable();
        sessions = cache && ngx_http_mfa_cache_sessions();
        hits = 0;

        if (!cache) {
            lu->memo = 0;
        }

        if (cache) {
            for (i = 0; i < n; i++) {
                hashes[i] = ngx_http_mfa_cache_hash(facts[i]->key);
            }

            ngx_http_mfa_cache_prefetch(hashes, n);
        }

        for (i = 0; i < n; i++) {
            f = facts[i];

            if (cache && (sessions || f->kind != MFA_FACT_SESSION)) {
                if (ngx_http_mfa_cache_get(ngx_http_mfa_lookup_scope(lu, f),
                                           f->kind, f->key, hashes[i], &value,
                                           &expires)
                    == NGX_OK
                    && mfa_lookup_cached(&lu->lk, f, value) == MFA_OK)
                {
                    hits++;

                    if (lu->memo && lu->ndeps < MFA_MEMO_DEPS) {
                        lu->deps[lu->ndeps++] = hashes[i];

                        if (expires != 0 && (lu->memo_expires == 0
                                             || expires < lu->memo_expires))
                        {
                            lu->memo_expires = expires;
                        }

                    } else {
                        lu->memo = 0;
                    }

                    continue;
                }
            }

            lu->memo = 0;

            if (ngx_http_mfa_lookup_send(r, lu, f) != NGX_OK) {
                lu->failed = 1;
                break;
            }
        }

        if (cache) {
            ngx_http_mfa_metrics_cache(hits, i - hits);
        }

        ngx_log_debug3(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "mfa: lookup round: %uz facts, %ui from the cache, "
                       "%ui commands sent", n, hits, lu->pending);

        if (lu->pending) {
            return NGX_AGAIN;
        }

        if (lu->failed) {
            return NGX_OK;
        }
    }
}


/* a fact's commands, pipelined behind the others */

static ngx_int_t
ngx_http_mfa_lookup_send(ngx_http_request_t *r, ngx_http_mfa_lookup_t *lu,
    mfa_fact_t *f)
{
    size_t                i, n, k;
    mfa_command_t         cmds[MFA_FACT_COMMANDS];
    ngx_http_mfa_read_t  *rd;

    n = mfa_lookup_commands(&lu->lk, f, cmds);
    k = f - lu->lk.facts;

    if (f->phase == 0) {
        /* a fact read in two steps counts from the first */
        lu->mark[k] = ngx_http_mfa_cache_mark();
        lu->sent[k] = ngx_current_msec;
    }

    for (i = 0; i < n; i++) {
        rd = ngx_palloc(r->pool, sizeof(ngx_http_mfa_read_t));
        if (rd == NULL) {
            return NGX_ERROR;
        }

        rd->lookup = lu;
        rd->fact = f;
        rd->index = i;

        rd->query = ngx_http_mfa_redis_send(r->connection->log, cmds[i].argc,
                                            cmds[i].argv, cmds[i].argvlen,
                                            ngx_http_mfa_lookup_answer, rd);
        if (rd->query == NULL) {
            return NGX_ERROR;
        }

        rd->next = lu->reads;
        lu->reads = rd;
        lu->pending++;
    }

    return NGX_OK;
}


static void
ngx_http_mfa_lookup_answer(void *data, redisReply *reply)
{
    ngx_http_mfa_read_t  *rd = data;

    ngx_http_request_t     *r;
    ngx_http_mfa_ctx_t     *ctx;
    ngx_http_mfa_lookup_t  *lu;

    lu = rd->lookup;
    ctx = lu->ctx;
    r = ctx->request;

    rd->query = NULL;
    lu->pending--;

    if (!lu->failed && ngx_http_mfa_lookup_reply(rd, reply) != NGX_OK) {
        lu->failed = 1;
    }

    if (lu->pending) {
        return;
    }

    lu->reads = NULL;

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "mfa: lookup round answered%s",
                   lu->failed ? ": failed" : "");

    if (!lu->failed && ngx_http_mfa_lookup_round(r, lu) == NGX_AGAIN) {
        return;
    }

    ngx_http_mfa_lookup_finish(r, ctx);

    ctx->waiting = 0;
    ngx_http_mfa_wake(r);
}


/* a reply to the core, and a fact it completes to the cache */

static ngx_int_t
ngx_http_mfa_lookup_reply(ngx_http_mfa_read_t *rd, redisReply *reply)
{
    int                     rc;
    size_t                  i, k;
    mfa_str_t               value, elts[MFA_SCOPE_ANY_MAX + 1];
    long long               ttl;
    mfa_reply_t             rp;
    redisReply             *e;
    mfa_fact_t             *f;
    ngx_log_t              *log;
    ngx_http_mfa_lookup_t  *lu;

    lu = rd->lookup;
    f = rd->fact;
    log = lu->ctx->request->connection->log;

    if (reply == NULL) {
        /* no answer: the connection logs why */
        return NGX_ERROR;
    }

    ngx_memzero(&rp, sizeof(mfa_reply_t));

    switch (reply->type) {

    case REDIS_REPLY_STRING:
        rp.type = MFA_REPLY_STRING;
        rp.str.data = reply->str;
        rp.str.len = reply->len;
        break;

    case REDIS_REPLY_NIL:
        rp.type = MFA_REPLY_NIL;
        break;

    case REDIS_REPLY_INTEGER:
        rp.type = MFA_REPLY_INTEGER;
        rp.integer = reply->integer;
        break;

    case REDIS_REPLY_ERROR:
        rp.type = MFA_REPLY_ERROR;
        rp.str.data = reply->str;
        rp.str.len = reply->len;
        break;

    case REDIS_REPLY_ARRAY:
        rp.type = MFA_REPLY_ARRAY;
        rp.elements = reply->elements;
        rp.element = elts;
        rp.nelement = ngx_min(reply->elements, MFA_SCOPE_ANY_MAX + 1);

        for (i = 0; i < rp.nelement; i++) {
            e = reply->element[i];
            elts[i].data = (e->type == REDIS_REPLY_STRING) ? e->str : NULL;
            elts[i].len = (e->type == REDIS_REPLY_STRING) ? e->len : 0;
        }

        break;

    default:
        rp.type = MFA_REPLY_OTHER;
        break;
    }

    rc = mfa_lookup_reply(&lu->lk, f, rd->index, &rp, &value, &ttl);

    if (rc == MFA_AGAIN) {
        return NGX_OK;
    }

    if (rc != MFA_OK) {
        if (reply->type == REDIS_REPLY_ERROR) {
            ngx_log_error(NGX_LOG_ERR, log, 0,
                          "mfa: Redis answered a lookup with an error: %*s",
                          (size_t) ngx_min(reply->len, 200), reply->str);

        } else {
            ngx_log_error(NGX_LOG_ERR, log, 0,
                          "mfa: unexpected reply of type %d to a lookup",
                          reply->type);
        }

        return NGX_ERROR;
    }

    k = f - lu->lk.facts;

    if (f->kind == MFA_FACT_SESSION && !ngx_http_mfa_cache_sessions()) {
        return NGX_OK;
    }

    ngx_http_mfa_cache_put(ngx_http_mfa_lookup_scope(lu, f), f->kind, f->key,
                           value, lu->mark[k], lu->sent[k], ttl);

    return NGX_OK;
}


/*
 * The session is read with the location's paths and limits: its entry is
 * the location's; the other facts are the same everywhere.
 */

static const void *
ngx_http_mfa_lookup_scope(ngx_http_mfa_lookup_t *lu, mfa_fact_t *f)
{
    if (f->kind != MFA_FACT_SESSION) {
        return NULL;
    }

    return ngx_http_get_module_loc_conf(lu->ctx->request,
                                        ngx_http_mfa_module);
}


static void
ngx_http_mfa_lookup_finish(ngx_http_request_t *r, ngx_http_mfa_ctx_t *ctx)
{
    mfa_err_t                 err;
    ngx_uint_t                unlogged;
    mfa_gate_input_t          in;
    ngx_http_mfa_lookup_t    *lu;
    ngx_http_mfa_loc_conf_t  *mlcf;

    lu = ctx->lookup;
    mlcf = ngx_http_get_module_loc_conf(r, ngx_http_mfa_module);

    ngx_http_mfa_lookup_input(mlcf, &in);

    if (lu->failed) {
        in.lookup_failed = 1;

    } else {
        err.msg[0] = '\0';
        mfa_lookup_input(&lu->lk, &in, &ctx->identity, &err);

        /* the same record, read again and again: a line a second */

        if (err.msg[0] != '\0'
            && ngx_http_mfa_log_due_text(err.msg, &unlogged))
        {
            ngx_http_mfa_log_repeated(r->connection->log, NGX_LOG_ERR,
                                      err.msg, unlogged);
        }

        ngx_http_mfa_lookup_users(r, mlcf, &in);

        if (lu->read && mfa_lookup_ended(&lu->lk)) {
            ngx_http_mfa_lookup_end(r, lu);
        }

        if (lu->memo && err.msg[0] == '\0') {
            ngx_http_mfa_memo_keep(ctx, mlcf, &in);
        }
    }

    ngx_http_mfa_lookup_decide(r, ctx, &in);
}


/*
 * The memo of the request's binding, when no key it was decided from has
 * been invalidated since (docs/internals.md: the memo): the decision is
 * made from it as it was from the facts.  NGX_DECLINED: the facts are
 * read.
 */

static ngx_int_t
ngx_http_mfa_memo_use(ngx_http_request_t *r, ngx_http_mfa_ctx_t *ctx,
    ngx_http_mfa_loc_conf_t *mlcf, ngx_str_t *id)
{
    char        buf[MFA_FCACHE_KEY_MAX];
    size_t      i;
    u_char     *p;
    uint64_t    hash;
    mfa_str_t   key, value;
    mfa_memo_t  m;

    if (!ngx_http_mfa_cache_usable() || !ngx_http_mfa_cache_sessions()) {
        return NGX_DECLINED;
    }

    key.data = buf;
    key.len = ngx_http_mfa_memo_key(ctx, id, buf);

    if (key.len == 0) {
        return NGX_DECLINED;
    }

    hash = ngx_http_mfa_cache_hash(key);

    if (ngx_http_mfa_cache_get(mlcf, NGX_HTTP_MFA_MEMO, key, hash, &value,
                               NULL)
        != NGX_OK)
    {
        return NGX_DECLINED;
    }

    /* the identity, zeroed again unless the memo holds */

    if (mfa_memo_read(value, &m, &ctx->identity) != MFA_OK) {
        return NGX_DECLINED;
    }

    /* its own key's bucket too: a memo of no key would still see a flush */

    if (!ngx_http_mfa_cache_fresh(hash, m.mark)) {
        goto stale;
    }

    for (i = 0; i < m.ndeps; i++) {
        if (!ngx_http_mfa_cache_fresh(m.deps[i], m.mark)) {
            goto stale;
        }
    }

    p = ngx_pnalloc(r->pool, MFA_SESSION_DIGEST_LEN);
    if (p == NULL) {
        goto stale;
    }

    ngx_memcpy(p, m.digest, MFA_SESSION_DIGEST_LEN);
    ctx->digest.data = p;
    ctx->digest.len = MFA_SESSION_DIGEST_LEN;

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "mfa: decided from the memo of the binding, %uz facts",
                   m.ndeps);

    ngx_http_mfa_metrics_cache(m.ndeps, 0);
    ngx_http_mfa_lookup_users(r, mlcf, &m.in);
    ngx_http_mfa_lookup_decide(r, ctx, &m.in);

    return NGX_OK;

stale:

    ngx_memzero(&ctx->identity, sizeof(mfa_gate_identity_t));

    return NGX_DECLINED;
}


/*
 * Every fact of the lookup came from the cache, in the request's first
 * turn: what was decided from them is kept as the binding's memo.
 */

static void
ngx_http_mfa_memo_keep(ngx_http_mfa_ctx_t *ctx, ngx_http_mfa_loc_conf_t *mlcf,
    mfa_gate_input_t *in)
{
    char                    buf[MFA_FCACHE_KEY_MAX], out[MFA_MEMO_MAX];
    mfa_str_t               key, value;
    mfa_memo_t              m;
    ngx_http_mfa_lookup_t  *lu;

    lu = ctx->lookup;

    key.data = buf;
    key.len = ngx_http_mfa_memo_key(ctx, &lu->id, buf);

    if (key.len == 0 || ctx->digest.len != MFA_SESSION_DIGEST_LEN) {
        return;
    }

    m.in = *in;
    m.mark = lu->memo_mark;
    m.ndeps = lu->ndeps;
    ngx_memcpy(m.digest, ctx->digest.data, MFA_SESSION_DIGEST_LEN);
    ngx_memcpy(m.deps, lu->deps, lu->ndeps * sizeof(uint64_t));

    value.data = out;
    value.len = mfa_memo_write(&m, &ctx->identity, out);

    if (value.len == 0) {
        return;
    }

    ngx_http_mfa_cache_keep(mlcf, NGX_HTTP_MFA_MEMO, key, value, m.mark,
                            lu->memo_expires);
}


/* a memo's key: what the request is bound to; 0 when it is too long */

static size_t
ngx_http_mfa_memo_key(ngx_http_mfa_ctx_t *ctx, ngx_str_t *id, char *buf)
{
    mfa_str_t  key, company, sid;

    key.data = (const char *) ctx->key.data;
    key.len = ctx->key.len;
    company.data = (const char *) ctx->company.data;
    company.len = ctx->company.len;
    sid.data = (const char *) id->data;
    sid.len = id->len;

    return mfa_memo_key(buf, MFA_FCACHE_KEY_MAX, key, company, sid);
}


/*
 * The session's record is gone, its verified marker is not: the login it
 * was of has ended (a logout, an expiry), and a dashboard that keeps the
 * id at the next login would otherwise see that login verified.  The
 * marker is deleted, without waiting; its invalidation reaches every
 * worker's cache.
 */

static void
ngx_http_mfa_lookup_end(ngx_http_request_t *r, ngx_http_mfa_lookup_t *lu)
{
    const char  *argv[2];
    size_t       argvlen[2];

    argv[0] = "DEL";
    argvlen[0] = 3;
    argv[1] = lu->lk.marker_key.data;
    argvlen[1] = lu->lk.marker_key.len;

    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                  "mfa: the session's record is gone and its verified "
                  "marker is not: the marker is deleted");

    /* the cycle's log: a reply that outlives the request */

    (void) ngx_http_mfa_redis_send(ngx_cycle->log, 2, argv, argvlen,
                                   ngx_http_mfa_lookup_ended, ngx_cycle->log);
}


static void
ngx_http_mfa_lookup_ended(void *data, redisReply *reply)
{
    ngx_log_t  *log = data;

    ngx_uint_t  unlogged;

    static ngx_http_mfa_log_limit_t  refused_log;

    if ((reply == NULL || reply->type == REDIS_REPLY_ERROR)
        && ngx_http_mfa_log_due(&refused_log, &unlogged))
    {
        ngx_log_error(NGX_LOG_ERR, log, 0,
                      "mfa: the verified marker of an ended session could "
                      "not be deleted: %*s (and %ui more since the last such "
                      "line)",
                      (size_t) (reply != NULL ? ngx_min(reply->len, 200) : 8),
                      reply != NULL ? reply->str : "no reply", unlogged);
    }
}


/* what every answer about a session with an id is decided from */

static void
ngx_http_mfa_lookup_input(ngx_http_mfa_loc_conf_t *mlcf, mfa_gate_input_t *in)
{
    ngx_memzero(in, sizeof(mfa_gate_input_t));
    in->enabled = 1;
    in->has_session_id = 1;
    in->fail_open = (mlcf->fail == NGX_HTTP_MFA_FAIL_OPEN);
    in->visitor_bare = !mlcf->visitor_cookie;
}


/* what to read in the session, from the configuration; ctx may be NULL */

void
ngx_http_mfa_spec(ngx_http_mfa_loc_conf_t *mlcf, ngx_http_mfa_ctx_t *ctx,
    mfa_gate_spec_t *spec)
{
    ngx_memzero(spec, sizeof(mfa_gate_spec_t));
    spec->format = mlcf->session_format;
    spec->paths[MFA_PATH_USER].data = (char *) mlcf->session_user.data;
    spec->paths[MFA_PATH_USER].len = mlcf->session_user.len;
    spec->paths[MFA_PATH_COMPANY].data = (char *) mlcf->session_company.data;
    spec->paths[MFA_PATH_COMPANY].len = mlcf->session_company.len;
    spec->paths[MFA_PATH_ADMIN].data = (char *) mlcf->session_admin.data;
    spec->paths[MFA_PATH_ADMIN].len = mlcf->session_admin.len;

    if (ctx != NULL) {
        spec->company.data = (char *) ctx->company.data;
        spec->company.len = ctx->company.len;
    }
}


static void
ngx_http_mfa_lookup_decide(ngx_http_request_t *r, ngx_http_mfa_ctx_t *ctx,
    mfa_gate_input_t *in)
{
    ngx_uint_t  level, kind, unlogged;

    /* [0] refused, [1] let through by "mfa_fail open" */
    static ngx_http_mfa_log_limit_t  limit[2];

    mfa_gate_decide(in, &ctx->decision);
    ctx->in = *in;
    ctx->done = 1;

    if (ctx->decision.reason == NULL) {
        return;
    }

    level = (ctx->decision.action == MFA_GATE_THROUGH) ? NGX_LOG_WARN
                                                       : NGX_LOG_ERR;

    if (!in->lookup_failed) {
        if (ngx_http_mfa_log_due_text(ctx->decision.reason, &unlogged)) {
            ngx_http_mfa_log_repeated(r->connection->log, level,
                                      ctx->decision.reason, unlogged);
        }

        return;
    }

    /*
     * Redis cannot be asked: every request would say so, and an outage
     * under load would fill the disk.  One line a second for the refused
     * and one for those let through, with the count; the Redis connection
     * logs when it goes and when it is back.
     */

    kind = (ctx->decision.action == MFA_GATE_THROUGH);

    if (ngx_http_mfa_log_due(&limit[kind], &unlogged)) {
        ngx_log_error(level, r->connection->log, 0,
                      "mfa: %s (and for %ui more requests since the last "
                      "such line)", ctx->decision.reason, unlogged);
    }
}


/*
 * A wrong "mfa_session_user" finds no user in any session, and every
 * request goes through as anonymous: when this worker has read many
 * visitors' records and never a user, it says so, once.
 */

static void
ngx_http_mfa_lookup_users(ngx_http_request_t *r,
    ngx_http_mfa_loc_conf_t *mlcf, mfa_gate_input_t *in)
{
    static ngx_uint_t  visitors, users, warned;

    if (in->session == MFA_RECORD_OK) {
        users = 1;
        return;
    }

    if (!in->visitor || users || warned
        || ++visitors < NGX_HTTP_MFA_VISITORS_WARN)
    {
        return;
    }

    warned = 1;

    ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                  "mfa: %ui session records read by this worker, and none "
                  "has a user at \"%V\" (\"mfa_session_user\"): if users "
                  "are logged in, the path is wrong, and each of them goes "
                  "through as anonymous", visitors, &mlcf->session_user);
}


/*
 * Called from hiredis's callback, possibly while it frees the connection:
 * phases are not run from here but from a posted event.
 */

static void
ngx_http_mfa_wake(ngx_http_request_t *r)
{
    ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "mfa: waking the request up");

    ngx_post_event(r->connection->write, &ngx_posted_events);
}
