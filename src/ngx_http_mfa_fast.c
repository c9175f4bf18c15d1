
/*
 * ngx_http_mfa_module: the fast path, for a session this worker let
 * through as verified before.
 *
 * Three plain commands, pipelined, instead of the lookup script:
 * GETRANGE of the session record (at most mfa_session_max_size bytes and
 * one more, so that a larger record is seen as such without being read),
 * GET of the session's verified marker, and HMGET of the user's gen and
 * since.  It decides only when the session is still that user's, enrolled
 * and verified for the current enrolment: the policies do not matter then
 * (docs/internals: the decision table).  Anything else, a record too large
 * among it, goes to the script, which decides every case.  The request's
 * lookup and the background refresh both use it.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_mfa.h"
#include "mfa_keys.h"


static void ngx_http_mfa_fast_session(void *data, redisReply *reply);
static void ngx_http_mfa_fast_marker(void *data, redisReply *reply);
static void ngx_http_mfa_fast_user(void *data, redisReply *reply);
static void ngx_http_mfa_fast_copy(ngx_http_mfa_fast_t *f, ngx_uint_t i,
    redisReply *reply, size_t max);


/*
 * Sends the three commands for the session key, the marker key and the
 * user's key (copied: f owns its arguments' storage only through them,
 * so they must live as long as f).  f->done is called once, with the
 * HMGET's reply or NULL.
 */

ngx_int_t
ngx_http_mfa_fast_start(ngx_http_mfa_fast_t *f, ngx_log_t *log,
    ngx_str_t *session_key, ngx_str_t *verified_key, ngx_str_t *user_key,
    ngx_str_t *max)
{
    f->argv[0] = "GETRANGE";
    f->argvlen[0] = 8;
    f->argv[1] = (char *) session_key->data;
    f->argvlen[1] = session_key->len;
    f->argv[2] = "0";
    f->argvlen[2] = 1;
    f->argv[3] = (char *) max->data;
    f->argvlen[3] = max->len;

    f->argv[4] = "GET";
    f->argvlen[4] = 3;
    f->argv[5] = (char *) verified_key->data;
    f->argvlen[5] = verified_key->len;

    f->argv[6] = "HMGET";
    f->argvlen[6] = 5;
    f->argv[7] = (char *) user_key->data;
    f->argvlen[7] = user_key->len;
    f->argv[8] = MFA_FIELD_GEN;
    f->argvlen[8] = sizeof(MFA_FIELD_GEN) - 1;
    f->argv[9] = MFA_FIELD_SINCE;
    f->argvlen[9] = sizeof(MFA_FIELD_SINCE) - 1;

    f->failed = 0;
    f->lost = 0;
    f->str[0].data = NULL;
    f->str[1].data = NULL;

    f->query[0] = ngx_http_mfa_redis_send(log, 4, &f->argv[0], &f->argvlen[0],
                                          ngx_http_mfa_fast_session, f);
    f->query[1] = ngx_http_mfa_redis_send(log, 2, &f->argv[4], &f->argvlen[4],
                                          ngx_http_mfa_fast_marker, f);
    f->query[2] = ngx_http_mfa_redis_send(log, 4, &f->argv[6], &f->argvlen[6],
                                          ngx_http_mfa_fast_user, f);

    if (f->query[0] && f->query[1] && f->query[2]) {
        return NGX_OK;
    }

    ngx_http_mfa_fast_detach(f);

    return NGX_ERROR;
}


/* the owner goes away: replies still to come are dropped */

void
ngx_http_mfa_fast_detach(ngx_http_mfa_fast_t *f)
{
    ngx_uint_t  i;

    for (i = 0; i < NGX_HTTP_MFA_FAST_QUERIES; i++) {
        if (f->query[i] != NULL) {
            ngx_http_mfa_redis_detach(f->query[i]);
            f->query[i] = NULL;
        }
    }
}


/* the heap copies of a refresh, which outlives its request */

void
ngx_http_mfa_fast_free(ngx_http_mfa_fast_t *f)
{
    ngx_uint_t  i;

    for (i = 0; f->pool == NULL && i < 2; i++) {
        if (f->str[i].data != NULL) {
            ngx_free(f->str[i].data);
            f->str[i].data = NULL;
        }
    }
}


static void
ngx_http_mfa_fast_session(void *data, redisReply *reply)
{
    ngx_http_mfa_fast_t  *f = data;

    f->query[0] = NULL;
    ngx_http_mfa_fast_copy(f, 0, reply, f->max);
}


static void
ngx_http_mfa_fast_marker(void *data, redisReply *reply)
{
    ngx_http_mfa_fast_t  *f = data;

    f->query[1] = NULL;
    ngx_http_mfa_fast_copy(f, 1, reply, MFA_ID_MAX + 24);
}


static void
ngx_http_mfa_fast_user(void *data, redisReply *reply)
{
    ngx_http_mfa_fast_t  *f = data;

    f->query[2] = NULL;

    if (reply == NULL) {
        f->lost = 1;
    }

    f->done(f, reply);
}


/*
 * A string reply kept for the HMGET's: absent, not a string, empty (a
 * missing key to GETRANGE) or longer than max is for the script to decide
 */

static void
ngx_http_mfa_fast_copy(ngx_http_mfa_fast_t *f, ngx_uint_t i,
    redisReply *reply, size_t max)
{
    ngx_str_t  *s;

    if (reply == NULL) {
        f->lost = 1;
        return;
    }

    if (reply->type != REDIS_REPLY_STRING || reply->len == 0
        || reply->len > max)
    {
        f->failed = 1;
        return;
    }

    s = &f->str[i];

    s->data = f->pool ? ngx_pnalloc(f->pool, reply->len)
                      : ngx_alloc(reply->len, f->log);
    if (s->data == NULL) {
        f->lost = 1;
        return;
    }

    ngx_memcpy(s->data, reply->str, reply->len);
    s->len = reply->len;
}


/*
 * The verdict, once the HMGET answered: NGX_OK when the session record is
 * still the user's, enrolled and verified (the marker) for the generation
 * HMGET read; in and id filled.
 */

ngx_int_t
ngx_http_mfa_fast_verified(ngx_http_mfa_fast_t *f, mfa_gate_spec_t *spec,
    ngx_str_t *user, redisReply *hmget, mfa_gate_input_t *in,
    mfa_gate_identity_t *id)
{
    mfa_err_t         err;
    mfa_gate_state_t  st;

    if (f->failed || f->lost || hmget == NULL
        || hmget->type != REDIS_REPLY_ARRAY || hmget->elements != 2)
    {
        return NGX_DECLINED;
    }

    ngx_memzero(&st, sizeof(mfa_gate_state_t));
    st.session = MFA_RECORD_OK;
    st.record.data = (char *) f->str[0].data;
    st.record.len = f->str[0].len;
    st.verified.data = (char *) f->str[1].data;
    st.verified.len = f->str[1].len;
    st.user.data = (char *) user->data;
    st.user.len = user->len;
    st.gen = ngx_http_mfa_reply_str(hmget->element[0]);
    st.since = ngx_http_mfa_reply_str(hmget->element[1]);

    /* the company is not read here: its complaint is not this path's */
    mfa_gate_read(spec, &st, in, id, &err);

    if (in->session != MFA_RECORD_OK || in->user != MFA_RECORD_OK
        || !in->verified)
    {
        return NGX_DECLINED;
    }

    /* enrolled and verified: the policy, unread here, does not matter */

    return NGX_OK;
}
