
/*
 * ngx_http_mfa_module: the pages' Redis script.
 *
 * Everything that must not race happens inside one script run: the
 * lockout check, the replay check of a TOTP step, the use of a recovery
 * code, the failure counters, and the change that follows a right code
 * (enrolment, verification, disable, new recovery codes) with its audit
 * entry.  The codes themselves are checked in nginx, which holds the key
 * that opens the secrets; the script only sees the sealed secret it must
 * still find in place, the step that matched, and keyed hashes.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <openssl/sha.h>

#include "ngx_http_mfa_store.h"
#include "mfa_keys.h"


/* an IPv6 /64 network: "xxxx:...::/64" */
#define NGX_HTTP_MFA_ADDR_KEY_LEN  (NGX_INET6_ADDRSTRLEN + 3)

#define ngx_http_mfa_stringify(n)  #n
#define ngx_http_mfa_number(n)     ngx_http_mfa_stringify(n)


static u_char *ngx_http_mfa_store_addr(ngx_connection_t *c, u_char *p);
static void ngx_http_mfa_store_done(void *data, redisReply *reply);
static ngx_int_t ngx_http_mfa_store_copy(ngx_http_request_t *r,
    ngx_http_mfa_store_t *st, redisReply *reply);
static ngx_int_t ngx_http_mfa_store_str(ngx_http_request_t *r, ngx_str_t *s,
    redisReply *e);
static ngx_int_t ngx_http_mfa_store_list(ngx_http_request_t *r,
    ngx_http_mfa_store_t *st, redisReply *reply);


/*
 * ARGV: 1 op, 2 the user's key, 3 the user id, 4 the time, 5 the
 * session's pending key, 6 its verified key, 7 the verified TTL, 8 the
 * audit stream, 9 the client address's key, 10 the company, 11 the client
 * address, then the operation's own:
 *
 * "pending" (12 a freshly sealed secret, 13 the active company's key or
 *   ""): the session's pending secret, created from 12 when there is
 *   none; returns {sealed, ttl, 1 when a current code allowed this
 *   session to replace the user's credential (else 0), the company's
 *   display name}.
 * "read" (12 the active company's key or ""): returns {since, secret,
 *   step, recovery codes left, seconds of lockout left, pending secret,
 *   gen, TOTP parameters, recovery-code set, the company's display
 *   name}, nil for what is absent.
 * "attempt" (12 kind "totp"|"recovery"|"pending"|"none", 13 the sealed
 *   secret the code was checked against (for "pending": the pending
 *   secret, a space, and the same secret sealed for the user's "secret"
 *   field), 14 the step that matched, 15
 *   then "enroll"|"verify"|"disable"|"regenerate", 16 the recovery-code
 *   set read, 17 the TOTP parameters of a new credential, 18 the set of
 *   new recovery codes, 19 n, 20.. n hashes a recovery code may have,
 *   then the hashes of new recovery codes; "reenroll" after a right
 *   current code allows this session to replace the credential for
 *   MFA_PENDING_TTL; "replace", with "pending", replaces it, if so
 *   allowed, as "enroll" sets a first one):
 *   returns {1, codes left} on success, {0, lockout} on a failure, {2,
 *   lockout} when locked out before trying, {3, 0} when the secret or
 *   the recovery codes changed since they were read (a key rotation, a
 *   disable, new codes): nothing is counted.  A TOTP code of a step
 *   already used is a failure with a "replay" audit entry.
 * "company" (12 the company's key, 13 its members key, 14 the user key
 *   prefix, 15 the most members listed): {exists, require_2fa,
 *   changed_by, changed_at, members known, members in all, {id, since,
 *   locked until, ...}, display name} for the first members in
 *   alphabetical order.
 * "policy" (12, 13 as above, 14 "1"|"0", 15 who, 16 "1" to create the
 *   company when it is unknown, 17 "who"'s rate key): {1}, or {0} for an
 *   unknown company, or {2} when "who" made MFA_POLICY_RATE changes in
 *   the last minute; a
 *   value the company already has is neither written nor audited.
 * Every audit entry goes to <prefix>audit and, with a company, to
 * <prefix>audit:<cid> too, each capped.
 * Argument 10, the company of the audit entry, is the target company for
 * these two.
 */

static const char  ngx_http_mfa_store_script[] =
"local op, ukey, uid, now = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])\n"
"local pkey, vkey, vttl, akey = ARGV[5], ARGV[6], ARGV[7], ARGV[8]\n"
"local ipkey, cid, addr = ARGV[9], ARGV[10], ARGV[11]\n"
"local rkey = ukey .. '" MFA_KEY_USER_RECOVERY "'\n"
"local xkey = pkey .. '" MFA_KEY_PENDING_REPLACE "'\n"
"-- a new phone is allowed for the credential of one generation only\n"
"local function replace_ok(gen)\n"
"  return redis.call('GET', xkey) == uid .. ' ' .. (gen or '0')\n"
"end\n"
"local gkey = ukey .. '" MFA_KEY_USER_GUARD "'\n"
"local function audit(event, ...)\n"
"  local f = {'event', event, 'user', uid, 'company', cid, 'addr', addr,\n"
"             'time', now, ...}\n"
"  redis.call('XADD', akey, 'MAXLEN', '~', "
    ngx_http_mfa_number(MFA_AUDIT_MAX) ", '*', unpack(f))\n"
"  if cid ~= '' then\n"
"    redis.call('XADD', akey .. ':' .. cid, 'MAXLEN', '~', "
    ngx_http_mfa_number(MFA_AUDIT_COMPANY_MAX) ", '*', unpack(f))\n"
"  end\n"
"end\n"
"local function pending()\n"
"  local v = redis.call('GET', pkey)\n"
"  if v and string.sub(v, 1, #uid + 1) == uid .. ' ' then\n"
"    return string.sub(v, #uid + 2)\n"
"  end\n"
"  return false\n"
"end\n"
"local function lockleft()\n"
"  local left = (tonumber(redis.call('HGET', gkey, 'until')) or 0) - now\n"
"  if (tonumber(redis.call('GET', ipkey)) or 0) >= "
    ngx_http_mfa_number(MFA_ADDR_CAP) " then\n"
"    left = math.max(left, redis.call('TTL', ipkey))\n"
"  end\n"
"  return math.max(left, 0)\n"
"end\n"
"local function fail()\n"
"  -- a counter that is not a number counts as at the cap: fail closed\n"
"  local v = redis.call('HGET', gkey, 'n')\n"
"  local n = 1\n"
"  if v then\n"
"    n = (tonumber(v) or " ngx_http_mfa_number(MFA_GUARD_CAP) " - 1) + 1\n"
"  end\n"
"  redis.call('HSET', gkey, 'n', n)\n"
"  local lock = 0\n"
"  if n >= " ngx_http_mfa_number(MFA_GUARD_CAP) " then\n"
"    lock = " ngx_http_mfa_number(MFA_GUARD_CAP_LOCK) "\n"
"  elseif n >= " ngx_http_mfa_number(MFA_GUARD_FREE) " then\n"
"    lock = math.min(" ngx_http_mfa_number(MFA_GUARD_BASE)
    " * 2 ^ (n - " ngx_http_mfa_number(MFA_GUARD_FREE) "), "
    ngx_http_mfa_number(MFA_GUARD_MAX) ")\n"
"  end\n"
"  if lock > 0 then\n"
"    redis.call('HSET', gkey, 'until', now + lock)\n"
"    audit('lockout', 'failures', n, 'seconds', lock)\n"
"  end\n"
"  redis.call('EXPIRE', gkey, " ngx_http_mfa_number(MFA_GUARD_TTL) ")\n"
"  local a = redis.call('INCR', ipkey)\n"
"  if redis.call('TTL', ipkey) < 0 then\n"
"    redis.call('EXPIRE', ipkey, " ngx_http_mfa_number(MFA_ADDR_WINDOW) ")\n"
"  end\n"
"  if a == " ngx_http_mfa_number(MFA_ADDR_CAP) " then\n"
"    audit('addr_lockout', 'failures', a)\n"
"  end\n"
"  return {0, lockleft()}\n"
"end\n"
"-- a company's display name, false without one\n"
"local function cname(key)\n"
"  if key == '' then return false end\n"
"  local v = redis.pcall('HGET', key, 'name')\n"
"  if type(v) ~= 'string' then return false end\n"
"  return v\n"
"end\n"
"if op == 'pending' then\n"
"  local v = pending()\n"
"  if not v then\n"
"    v = ARGV[12]\n"
"    redis.call('SET', pkey, uid .. ' ' .. v, 'EX', "
    ngx_http_mfa_number(MFA_PENDING_TTL) ")\n"
"  end\n"
"  return {v, redis.call('TTL', pkey),\n"
"          replace_ok(redis.call('HGET', ukey, 'gen')) and 1 or 0,\n"
"          cname(ARGV[13])}\n"
"end\n"
"if op == 'company' or op == 'policy' then\n"
"  local ckey, mkey = ARGV[12], ARGV[13]\n"
"  local known = redis.call('EXISTS', mkey) == 1\n"
"  local exists = known or redis.call('EXISTS', ckey) == 1\n"
"  if op == 'policy' then\n"
"    if not exists and ARGV[16] ~= '1' then return {0} end\n"
"    -- a write that changes nothing: nothing written, nothing audited\n"
"    if exists and (redis.call('HGET', ckey, 'require_2fa') or '0')\n"
"                  == ARGV[14] then\n"
"      return {1}\n"
"    end\n"
"    -- a few changes a minute an actor: no one floods the audit trail\n"
"    local n = redis.call('INCR', ARGV[17])\n"
"    if n == 1 then redis.call('EXPIRE', ARGV[17], 60) end\n"
"    if n > " ngx_http_mfa_number(MFA_POLICY_RATE) " then return {2} end\n"
"    redis.call('HSET', ckey, 'require_2fa', ARGV[14], 'changed_by',\n"
"               ARGV[15], 'changed_at', now)\n"
"    audit('policy', 'value', ARGV[14], 'by', ARGV[15])\n"
"    return {1}\n"
"  end\n"
"  local c = redis.call('HMGET', ckey, 'require_2fa', 'changed_by',\n"
"                       'changed_at', 'name')\n"
"  local list, total = {}, 0\n"
"  local function field(key, f)\n"
"    local v = redis.pcall('HGET', key, f)\n"
"    if type(v) ~= 'string' then return '' end\n"
"    return v\n"
"  end\n"
"  if known then\n"
"    total = redis.call('SCARD', mkey)\n"
"    local m = redis.call('SORT', mkey, 'ALPHA', 'LIMIT', 0,\n"
"                         tonumber(ARGV[15]))\n"
"    for _, id in ipairs(m) do\n"
"      list[#list + 1] = id\n"
"      list[#list + 1] = field(ARGV[14] .. id, 'since')\n"
"      list[#list + 1] = field(ARGV[14] .. id .. '" MFA_KEY_USER_GUARD "',\n"
"                              'until')\n"
"    end\n"
"  end\n"
"  return {exists and 1 or 0, c[1], c[2], c[3], known and 1 or 0, total,\n"
"          list, c[4]}\n"
"end\n"
"local u = redis.call('HMGET', ukey, 'since', 'secret', 'step', 'gen',\n"
"                     '" MFA_FIELD_TOTP "', '" MFA_FIELD_RECOVERY "')\n"
"if op == 'read' then\n"
"  return {u[1], u[2], u[3], redis.call('SCARD', rkey), lockleft(),\n"
"          pending(), u[4], u[5], u[6], cname(ARGV[12])}\n"
"end\n"
"if op ~= 'attempt' then return redis.error_reply('unknown op') end\n"
"local kind, expect, step, after = ARGV[12], ARGV[13], ARGV[14], ARGV[15]\n"
"-- enrolment checks a code of a secret the session was shown: nothing to\n"
"-- guess, so a lockout does not stop it\n"
"if kind ~= 'pending' then\n"
"  local left = lockleft()\n"
"  if left > 0 then return {2, left} end\n"
"end\n"
"local ncand = tonumber(ARGV[19])\n"
"local ok, used, store = false, false, expect\n"
"if kind == 'pending' then\n"
"  -- the pending secret checked, and the same sealed for the user's field\n"
"  local checked\n"
"  checked, store = string.match(expect, '^(%S+) (%S+)$')\n"
"  -- a first credential, or a new phone this session was allowed\n"
"  if after == 'replace' then\n"
"    ok = u[1] and replace_ok(u[4])\n"
"  else\n"
"    ok = not u[1]\n"
"  end\n"
"  ok = ok and checked ~= nil and pending() == checked\n"
"elseif kind == 'totp' or kind == 'recovery' then\n"
"  -- the code was checked against another secret: not the user's fault\n"
"  if not u[1] or u[2] ~= expect then return {3, 0} end\n"
"  if kind == 'totp' then\n"
"    ok = tonumber(step) > (tonumber(u[3]) or -1)\n"
"    if not ok then audit('replay') end\n"
"  elseif kind == 'recovery' then\n"
"    -- hashed with the set read: new codes meanwhile are another set\n"
"    if (u[6] or '') ~= ARGV[16] then return {3, 0} end\n"
"    for i = 1, ncand do\n"
"      if redis.call('SREM', rkey, ARGV[19 + i]) == 1 then\n"
"        ok, used = true, true\n"
"        break\n"
"      end\n"
"    end\n"
"  end\n"
"end\n"
"if not ok then\n"
"  if kind == 'pending' then return {0, 0} end\n"
"  return fail()\n"
"end\n"
"redis.call('DEL', gkey)\n"
"if kind ~= 'recovery' then redis.call('HSET', ukey, 'step', step) end\n"
"if used then audit('recovery_used', 'left', redis.call('SCARD', rkey)) end\n"
"local function replace_codes()\n"
"  redis.call('DEL', rkey)\n"
"  for i = 20 + ncand, #ARGV do redis.call('SADD', rkey, ARGV[i]) end\n"
"  redis.call('HSET', ukey, '" MFA_FIELD_RECOVERY "', ARGV[18])\n"
"end\n"
"if after == 'enroll' or after == 'replace' then\n"
"  -- a new generation: every other session must pass the new phone\n"
"  local gen = redis.call('HINCRBY', ukey, 'gen', 1)\n"
"  redis.call('HSET', ukey, 'secret', store, 'since', now,\n"
"             '" MFA_FIELD_TOTP "', ARGV[17])\n"
"  redis.call('DEL', pkey, xkey)\n"
"  replace_codes()\n"
"  redis.call('SET', vkey, uid .. ' ' .. gen, 'EX', vttl)\n"
"  audit(after == 'enroll' and 'enrolled' or 'reenrolled')\n"
"elseif after == 'reenroll' then\n"
"  redis.call('SET', xkey, uid .. ' ' .. (u[4] or '0'), 'EX',\n"
"             " ngx_http_mfa_number(MFA_PENDING_TTL) ")\n"
"elseif after == 'verify' then\n"
"  redis.call('SET', vkey, uid .. ' ' .. (u[4] or '0'), 'EX', vttl)\n"
"  audit('verified')\n"
"elseif after == 'disable' then\n"
"  redis.call('HINCRBY', ukey, 'gen', 1)\n"
"  redis.call('HDEL', ukey, 'secret', 'since', 'step', '" MFA_FIELD_TOTP "',\n"
"             '" MFA_FIELD_RECOVERY "')\n"
"  redis.call('DEL', rkey, vkey)\n"
"  audit('disabled')\n"
"elseif after == 'regenerate' then\n"
"  replace_codes()\n"
"  audit('regenerated')\n"
"end\n"
"return {1, redis.call('SCARD', rkey)}\n";


static u_char  ngx_http_mfa_store_sha[SHA_DIGEST_LENGTH * 2];


void
ngx_http_mfa_store_init(void)
{
    u_char  md[SHA_DIGEST_LENGTH];

    SHA1((u_char *) ngx_http_mfa_store_script,
         sizeof(ngx_http_mfa_store_script) - 1, md);
    ngx_hex_dump(ngx_http_mfa_store_sha, md, SHA_DIGEST_LENGTH);
}


ngx_int_t
ngx_http_mfa_store_start(ngx_http_request_t *r, ngx_http_mfa_store_t *st,
    const char *op, ngx_str_t *digest)
{
    u_char                    *p, *start;
    size_t                     len;
    ngx_str_t                 *addr;
    ngx_http_mfa_ctx_t        *ctx;
    mfa_session_value_t       *user, *company;
    ngx_http_mfa_loc_conf_t   *mlcf;
    ngx_http_mfa_main_conf_t  *mmcf;

    mlcf = ngx_http_get_module_loc_conf(r, ngx_http_mfa_module);
    mmcf = ngx_http_get_module_main_conf(r, ngx_http_mfa_module);
    ctx = ngx_http_get_module_ctx(r, ngx_http_mfa_module);

    user = &ctx->identity.user;
    company = &ctx->identity.company;
    addr = &r->connection->addr_text;

    /* one allocation for the keys and numbers */

    len = mmcf->key_user.len + user->len
          + 2 * NGX_TIME_T_LEN
          + mmcf->key_pending.len + digest->len
          + mmcf->key_verified.len + digest->len
          + mmcf->key_addr.len
          + ngx_max(addr->len, NGX_HTTP_MFA_ADDR_KEY_LEN);

    p = ngx_pnalloc(r->pool, len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    st->argc = NGX_HTTP_MFA_STORE_NUMKEYS;
    st->failed = 0;
    st->list = NULL;
    st->nlist = 0;

    ngx_http_mfa_store_arg(st, "0", 1);
    ngx_http_mfa_store_arg(st, op, ngx_strlen(op));

    ngx_http_mfa_store_arg(st, p, mmcf->key_user.len + user->len);
    p = ngx_cpymem(p, mmcf->key_user.data, mmcf->key_user.len);
    p = ngx_cpymem(p, user->data, user->len);

    ngx_http_mfa_store_arg(st, user->data, user->len);

    st->argv[st->argc] = (char *) p;
    p = ngx_sprintf(p, "%T", ngx_time());
    st->argvlen[st->argc] = p - (u_char *) st->argv[st->argc];
    st->argc++;

    ngx_http_mfa_store_arg(st, p, mmcf->key_pending.len + digest->len);
    p = ngx_cpymem(p, mmcf->key_pending.data, mmcf->key_pending.len);
    p = ngx_cpymem(p, digest->data, digest->len);

    ngx_http_mfa_store_arg(st, p, mmcf->key_verified.len + digest->len);
    p = ngx_cpymem(p, mmcf->key_verified.data, mmcf->key_verified.len);
    p = ngx_cpymem(p, digest->data, digest->len);

    st->argv[st->argc] = (char *) p;
    p = ngx_sprintf(p, "%T", mlcf->verified_ttl);
    st->argvlen[st->argc] = p - (u_char *) st->argv[st->argc];
    st->argc++;

    ngx_http_mfa_store_arg(st, mmcf->key_audit.data, mmcf->key_audit.len);

    start = p;
    p = ngx_cpymem(p, mmcf->key_addr.data, mmcf->key_addr.len);
    p = ngx_http_mfa_store_addr(r->connection, p);
    ngx_http_mfa_store_arg(st, start, p - start);

    ngx_http_mfa_store_arg(st, company->data,
                           company->found ? company->len : 0);
    ngx_http_mfa_store_arg(st, addr->data, addr->len);

    return NGX_OK;
}


/*
 * What the per-address limit counts: the client's IPv4 address, or the
 * /64 network of an IPv6 one (one site, or one customer of an ISP, holds
 * a whole /64).  IPv4-mapped IPv6 addresses count as IPv4.
 */

static u_char *
ngx_http_mfa_store_addr(ngx_connection_t *c, u_char *p)
{
#if (NGX_HAVE_INET6)
    u_char                net[16];
    struct sockaddr_in6  *sin6;

    if (c->sockaddr->sa_family == AF_INET6) {
        sin6 = (struct sockaddr_in6 *) c->sockaddr;

        if (!IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
            ngx_memcpy(net, sin6->sin6_addr.s6_addr, 8);
            ngx_memzero(net + 8, 8);

            p += ngx_inet6_ntop(net, p, NGX_INET6_ADDRSTRLEN);

            return ngx_cpymem(p, "/64", 3);
        }
    }
#endif

    return ngx_cpymem(p, c->addr_text.data, c->addr_text.len);
}


void
ngx_http_mfa_store_arg(ngx_http_mfa_store_t *st, const void *data,
    size_t len)
{
    if (st->argc >= NGX_HTTP_MFA_STORE_MAX_ARGS) {
        /* a programming error: the arrays are sized for every operation */
        st->failed = 1;
        return;
    }

    /* hiredis wants a pointer even for an empty argument */

    st->argv[st->argc] = len ? data : "";
    st->argvlen[st->argc] = len;
    st->argc++;
}


ngx_int_t
ngx_http_mfa_store_send(ngx_http_request_t *r, ngx_http_mfa_ctx_t *ctx,
    ngx_http_mfa_store_t *st)
{
    ngx_str_t  script, sha;

    if (st->failed) {
        return NGX_ERROR;
    }

    script.data = (u_char *) ngx_http_mfa_store_script;
    script.len = sizeof(ngx_http_mfa_store_script) - 1;
    sha.data = ngx_http_mfa_store_sha;
    sha.len = sizeof(ngx_http_mfa_store_sha);

    st->ctx = ctx;
    ctx->request = r;
    ctx->query = ngx_http_mfa_redis_script(r->connection->log, &script, &sha,
                                           st->argc, st->argv, st->argvlen,
                                           ngx_http_mfa_store_done, st);

    if (ctx->query == NULL) {
        st->failed = 1;
        return NGX_ERROR;
    }

    ctx->waiting = 1;

    return NGX_OK;
}


static void
ngx_http_mfa_store_done(void *data, redisReply *reply)
{
    ngx_http_mfa_store_t  *st = data;

    ngx_http_request_t  *r;
    ngx_http_mfa_ctx_t  *ctx;

    ctx = st->ctx;
    r = ctx->request;
    ctx->query = NULL;

    if (reply == NULL) {
        st->failed = 1;

    } else if (reply->type == REDIS_REPLY_ERROR) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "mfa: Redis answered a page's operation with an "
                      "error: %*s", (size_t) ngx_min(reply->len, 200),
                      reply->str);
        st->failed = 1;

    } else if (ngx_http_mfa_store_copy(r, st, reply) != NGX_OK) {
        st->failed = 1;
    }

    ctx->waiting = 0;

    /* phases are not run from hiredis's callback but from a posted event */

    ngx_post_event(r->connection->write, &ngx_posted_events);
}


static ngx_int_t
ngx_http_mfa_store_copy(ngx_http_request_t *r, ngx_http_mfa_store_t *st,
    redisReply *reply)
{
    size_t       i;
    ngx_str_t   *s;
    redisReply  *e;

    if (reply->type != REDIS_REPLY_ARRAY
        || reply->elements > NGX_HTTP_MFA_STORE_MAX_RES)
    {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "mfa: unexpected reply to a page's operation");
        return NGX_ERROR;
    }

    for (i = 0; i < reply->elements; i++) {
        e = reply->element[i];
        s = &st->res[i];

        switch (e->type) {

        case REDIS_REPLY_INTEGER:
            s->data = ngx_pnalloc(r->pool, NGX_INT64_LEN);
            if (s->data == NULL) {
                return NGX_ERROR;
            }

            s->len = ngx_sprintf(s->data, "%L", e->integer) - s->data;
            break;

        case REDIS_REPLY_STRING:
            if (ngx_http_mfa_store_str(r, s, e) != NGX_OK) {
                return NGX_ERROR;
            }

            break;

        case REDIS_REPLY_ARRAY:
            if (st->list != NULL
                || ngx_http_mfa_store_list(r, st, e) != NGX_OK)
            {
                return NGX_ERROR;
            }

            s->data = NULL;
            s->len = 0;
            break;

        default: /* nil */
            s->data = NULL;
            s->len = 0;
            break;
        }
    }

    st->nres = reply->elements;

    return NGX_OK;
}


/* a string of the reply, copied NUL-terminated for the core */

static ngx_int_t
ngx_http_mfa_store_str(ngx_http_request_t *r, ngx_str_t *s, redisReply *e)
{
    s->data = ngx_pnalloc(r->pool, e->len + 1);
    if (s->data == NULL) {
        return NGX_ERROR;
    }

    ngx_memcpy(s->data, e->str, e->len);
    s->data[e->len] = '\0';
    s->len = e->len;

    return NGX_OK;
}


/* the one array a reply may hold: strings (others are left empty) */

static ngx_int_t
ngx_http_mfa_store_list(ngx_http_request_t *r, ngx_http_mfa_store_t *st,
    redisReply *reply)
{
    size_t       i;
    ngx_str_t   *s;
    redisReply  *e;

    st->list = ngx_pcalloc(r->pool, (reply->elements + 1) * sizeof(ngx_str_t));
    if (st->list == NULL) {
        return NGX_ERROR;
    }

    for (i = 0; i < reply->elements; i++) {
        e = reply->element[i];
        s = &st->list[i];

        if (e->type == REDIS_REPLY_STRING
            && ngx_http_mfa_store_str(r, s, e) != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    st->nlist = reply->elements;

    return NGX_OK;
}
