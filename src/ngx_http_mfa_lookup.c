
/*
 * ngx_http_mfa_module: the gate's Redis lookup.
 *
 * One round trip a request: a Lua script reads the dashboard's session,
 * finds the user and the active company in it, and returns the session
 * record with the user's 2FA record, the session's verified marker and
 * the policies in scope.  The record is then parsed again here by the
 * pure core, which is authoritative: the ids the script used must be the
 * ones the core finds.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <openssl/sha.h>

#include "ngx_http_mfa.h"
#include "ngx_http_mfa_cache.h"
#include "ngx_http_mfa_log.h"
#include "mfa_keys.h"


#define ngx_http_mfa_stringify(n)  #n
#define ngx_http_mfa_number(n)     ngx_http_mfa_stringify(n)


/* the command's arguments (ctx->argv), in order */
enum {
    NGX_HTTP_MFA_ARG_COMMAND = 0,           /* EVALSHA or EVAL */
    NGX_HTTP_MFA_ARG_SCRIPT,                /* its digest, or the script */
    NGX_HTTP_MFA_ARG_NUMKEYS,
    NGX_HTTP_MFA_ARG_SESSION_KEY,           /* KEYS[1] */
    NGX_HTTP_MFA_ARG_FORMAT,                /* ARGV[1] ... */
    NGX_HTTP_MFA_ARG_USER_PATH,
    NGX_HTTP_MFA_ARG_COMPANY_PATH,
    NGX_HTTP_MFA_ARG_ADMIN_PATH,
    NGX_HTTP_MFA_ARG_COMPANY,
    NGX_HTTP_MFA_ARG_USER_PREFIX,
    NGX_HTTP_MFA_ARG_COMPANY_PREFIX,
    NGX_HTTP_MFA_ARG_VERIFIED_KEY,
    NGX_HTTP_MFA_ARG_SCOPE,
    NGX_HTTP_MFA_ARG_SCOPE_MAX,
    NGX_HTTP_MFA_ARG_SESSION_MAX
};


static ngx_int_t ngx_http_mfa_lookup_send(ngx_http_request_t *r,
    ngx_http_mfa_ctx_t *ctx);
static void ngx_http_mfa_lookup_done(void *data, redisReply *reply);
static ngx_int_t ngx_http_mfa_fast_send(ngx_http_request_t *r,
    ngx_http_mfa_ctx_t *ctx, ngx_str_t *user);
static void ngx_http_mfa_fast_done(ngx_http_mfa_fast_t *f, redisReply *reply);
static void ngx_http_mfa_lookup_input(ngx_http_request_t *r,
    mfa_gate_input_t *in);
static void ngx_http_mfa_lookup_failed(ngx_http_request_t *r,
    ngx_http_mfa_ctx_t *ctx);
static void ngx_http_mfa_lookup_finish(ngx_http_request_t *r,
    ngx_http_mfa_ctx_t *ctx, mfa_gate_input_t *in);

static ngx_int_t ngx_http_mfa_lookup_state(redisReply *reply,
    mfa_gate_state_t *st);
static void ngx_http_mfa_lookup_decide(ngx_http_request_t *r,
    ngx_http_mfa_ctx_t *ctx, mfa_gate_input_t *in);
static void ngx_http_mfa_arg(ngx_http_mfa_ctx_t *ctx, ngx_uint_t n,
    void *data, size_t len);
static void ngx_http_mfa_wake(ngx_http_request_t *r);


/*
 * KEYS[1] the session key; ARGV: 1 "json"|"hash", 2-4 the user, company
 * and admin paths ("" when unset), 5 the company given by "mfa_company",
 * 6 the user key prefix, 7 the company key prefix, 8 the verified key,
 * 9 "active"|"any", 10 the most companies "any" reads, 11 the largest
 * session record read ("mfa_session_max_size").
 *
 * Returns {0} without a session, {2} for a key of the wrong type, {3,
 * size} for a record larger than that (nothing of it is read), else
 * {1, record, user, company, gen, since, verified, {policies}}, with nil
 * for what is absent and "!" for what has the wrong type.  The policies
 * are the active company's; with a company named by the request, also
 * the session's company's, and "~" when the user's company set is known
 * and does not hold it; with scope "any", or when no active company is
 * known, those of every company in the user's set, or "#" when it holds
 * more than MFA_SCOPE_ANY_MAX.
 */

static const char  ngx_http_mfa_script[] =
"local fmt, upath, cpath, apath, cforce = "
    "ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]\n"
"local ukp, ckp, vkey, scope, maxc, maxs = ARGV[6], ARGV[7], ARGV[8], "
    "ARGV[9], tonumber(ARGV[10]), tonumber(ARGV[11])\n"
"local function walk(v, path)\n"
"  for name in string.gmatch(path, '[^.]+') do\n"
"    if type(v) ~= 'table' then return nil end\n"
"    local n = v[name]\n"
"    if n == nil and string.match(name, '^%d+$') then\n"
"      n = v[tonumber(name) + 1]\n"
"    end\n"
"    v = n\n"
"  end\n"
"  return v\n"
"end\n"
"local function scalar(v)\n"
"  local t = type(v)\n"
"  if t == 'string' then return v end\n"
"  if t == 'boolean' then return v and 'true' or 'false' end\n"
"  if t == 'number' and v == math.floor(v) and v > -2^53 and v < 2^53 then\n"
"    return string.format('%d', v)\n"
"  end\n"
"  return nil\n"
"end\n"
"local function lookup(text, path)\n"
"  if path == '' or not text then return nil end\n"
"  local ok, doc = pcall(cjson.decode, text)\n"
"  if not ok then return nil end\n"
"  return scalar(walk(doc, path))\n"
"end\n"
"local function valid(id)\n"
"  return id and #id > 0 and #id <= 128\n"
"     and not string.find(id, '[%z\\1-\\32:\\127]')\n"
"end\n"
"local record, uid, cid, scid\n"
"if fmt == 'json' then\n"
"  local size = redis.pcall('STRLEN', KEYS[1])\n"
"  if type(size) == 'table' then return {2} end\n"
"  if size > maxs then return {3, size} end\n"
"  record = redis.pcall('GET', KEYS[1])\n"
"  if type(record) == 'table' then return {2} end\n"
"  if not record then return {0} end\n"
"  uid = lookup(record, upath)\n"
"  cid = lookup(record, cpath)\n"
"else\n"
"  local t = redis.call('TYPE', KEYS[1]).ok\n"
"  if t == 'none' then return {0} end\n"
"  if t ~= 'hash' then return {2} end\n"
"  local function field(p) return string.match(p, '^[^.]*') end\n"
"  local size = 0\n"
"  for _, p in ipairs({upath, cpath, apath}) do\n"
"    size = size + redis.call('HSTRLEN', KEYS[1], field(p))\n"
"  end\n"
"  if size > maxs then return {3, size} end\n"
"  record = redis.call('HMGET', KEYS[1], field(upath), field(cpath),\n"
"                      field(apath))\n"
"  local function hvalue(i, p)\n"
"    if p == '' or not record[i] then return nil end\n"
"    local rest = string.match(p, '^[^.]*%.(.*)$')\n"
"    if not rest then return record[i] end\n"
"    return lookup(record[i], rest)\n"
"  end\n"
"  uid = hvalue(1, upath)\n"
"  cid = hvalue(2, cpath)\n"
"end\n"
"scid = cid\n"
"if cforce ~= '' then cid = cforce end\n"
"if not valid(uid) then return {1, record} end\n"
"if not valid(cid) then cid = nil end\n"
"local ukey = ukp .. uid\n"
"local u = redis.pcall('HMGET', ukey, 'gen', 'since')\n"
"local gen, since = '!', '!'\n"
"if not u.err then gen, since = u[1], u[2] end\n"
"local verified = redis.pcall('GET', vkey)\n"
"if type(verified) == 'table' then verified = '!' end\n"
"local policies = {}\n"
"local function policy(c)\n"
"  local p = '!'\n"
"  if valid(c) then\n"
"    p = redis.pcall('HGET', ckp .. c, 'require_2fa')\n"
"    if type(p) == 'table' then p = '!' end\n"
"  end\n"
"  policies[#policies + 1] = p\n"
"end\n"
"if cid then policy(cid) end\n"
"if cid and cforce ~= '' and cforce ~= scid then\n"
"  -- a company named by the request: one of the user's, when they are\n"
"  -- known, and never a way around the session company's policy\n"
"  local m = redis.pcall('SISMEMBER', ukey .. ':companies', cid)\n"
"  if type(m) == 'table' then\n"
"    policies[#policies + 1] = '!'\n"
"  elseif m == 0 and\n"
"      redis.pcall('EXISTS', ukey .. ':companies') == 1 then\n"
"    policies[#policies + 1] = '~'\n"
"  end\n"
"  if valid(scid) then policy(scid) end\n"
"end\n"
"if scope == 'any' or not cid then\n"
"  local m = redis.pcall('SMEMBERS', ukey .. ':companies')\n"
"  if m.err then\n"
"    policies[#policies + 1] = '!'\n"
"  elseif #m > maxc then\n"
"    policies[#policies + 1] = '#'\n"
"  else\n"
"    for _, c in ipairs(m) do policy(c) end\n"
"  end\n"
"end\n"
"return {1, record, uid, cid or false, gen, since, verified, policies}\n";


static u_char  ngx_http_mfa_script_sha[SHA_DIGEST_LENGTH * 2];


void
ngx_http_mfa_lookup_init(void)
{
    u_char  md[SHA_DIGEST_LENGTH];

    SHA1((u_char *) ngx_http_mfa_script, sizeof(ngx_http_mfa_script) - 1, md);
    ngx_hex_dump(ngx_http_mfa_script_sha, md, SHA_DIGEST_LENGTH);
}


ngx_int_t
ngx_http_mfa_lookup(ngx_http_request_t *r, ngx_http_mfa_ctx_t *ctx)
{
    u_char                    *p;
    ngx_int_t                  rc;
    ngx_str_t                  id, key, company, user;
    mfa_gate_input_t           in;
    ngx_http_mfa_loc_conf_t   *mlcf;
    ngx_http_mfa_main_conf_t  *mmcf;

    mlcf = ngx_http_get_module_loc_conf(r, ngx_http_mfa_module);
    mmcf = ngx_http_get_module_main_conf(r, ngx_http_mfa_module);

    ngx_memzero(&in, sizeof(mfa_gate_input_t));
    in.enabled = 1;
    in.fail_open = (mlcf->fail == NGX_HTTP_MFA_FAIL_OPEN);

    if (ngx_http_mfa_session_id(r, mlcf, &id, &ctx->cookie) != NGX_OK) {
        return NGX_ERROR;
    }

    ctx->sid = id;
    ctx->sid_set = 1;

    if (id.len == 0) {
        ngx_http_mfa_lookup_decide(r, ctx, &in);
        return NGX_OK;
    }

    in.has_session_id = 1;

    /* $mfa_session_id in them is the id just read */

    if (ngx_http_complex_value(r, mlcf->session_key, &key) != NGX_OK) {
        return NGX_ERROR;
    }

    ngx_str_null(&company);

    if (mlcf->company != NULL
        && ngx_http_complex_value(r, mlcf->company, &company) != NGX_OK)
    {
        return NGX_ERROR;
    }

    ctx->key = key;
    ctx->company = company;

    if (mlcf->verified_cache && !ctx->no_cache) {
        ctx->cache_key.len = id.len + 1 + key.len;
        ctx->cache_key.data = ngx_pnalloc(r->pool, ctx->cache_key.len);
        if (ctx->cache_key.data == NULL) {
            return NGX_ERROR;
        }

        p = ngx_cpymem(ctx->cache_key.data, id.data, id.len);
        *p++ = '\n';
        ngx_memcpy(p, key.data, key.len);

        rc = ngx_http_mfa_cache_get(mlcf, &ctx->cache_key, &user);
        ngx_http_mfa_metrics_cache(rc == NGX_OK || rc == NGX_AGAIN);

        ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "mfa: verified cache %s",
                       rc == NGX_OK ? "hit" : rc == NGX_AGAIN
                       ? "hit, refreshing" : "miss");

        if (rc == NGX_OK || rc == NGX_AGAIN) {

            if (rc == NGX_AGAIN) {
                /* half its time gone: confirmed again in the background */
                ngx_http_mfa_refresh(r, &ctx->cache_key, &key, &id, &user);
            }

            ngx_memcpy(ctx->identity.user.data, user.data, user.len);
            ctx->identity.user.data[user.len] = '\0';
            ctx->identity.user.len = user.len;
            ctx->identity.user.found = 1;

            ctx->decision.action = MFA_GATE_THROUGH;
            ctx->decision.status = "verified";
            ctx->decision.reason = NULL;
            ctx->decision.session = 1;
            ctx->done = 1;

            return NGX_OK;
        }
    }

    /* the verified key: "<prefix>verified:<digest>" */

    p = ngx_pnalloc(r->pool, mmcf->key_verified.len + MFA_SESSION_DIGEST_LEN);
    if (p == NULL) {
        return NGX_ERROR;
    }

    ngx_memcpy(p, mmcf->key_verified.data, mmcf->key_verified.len);

    if (mfa_session_digest((char *) id.data, id.len,
                           (char *) p + mmcf->key_verified.len)
        != MFA_OK)
    {
        ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                      "mfa: OpenSSL cannot compute a session digest");
        return NGX_ERROR;
    }

    /* configuration and request strings outlive the query: no copies */

    ngx_http_mfa_arg(ctx, NGX_HTTP_MFA_ARG_NUMKEYS, "1", 1);
    ngx_http_mfa_arg(ctx, NGX_HTTP_MFA_ARG_SESSION_KEY, key.data, key.len);

    if (mlcf->session_format == NGX_HTTP_MFA_FORMAT_HASH) {
        ngx_http_mfa_arg(ctx, NGX_HTTP_MFA_ARG_FORMAT, "hash", 4);

    } else {
        ngx_http_mfa_arg(ctx, NGX_HTTP_MFA_ARG_FORMAT, "json", 4);
    }

    ngx_http_mfa_arg(ctx, NGX_HTTP_MFA_ARG_USER_PATH,
                     mlcf->session_user.data, mlcf->session_user.len);
    ngx_http_mfa_arg(ctx, NGX_HTTP_MFA_ARG_COMPANY_PATH,
                     mlcf->session_company.data, mlcf->session_company.len);
    ngx_http_mfa_arg(ctx, NGX_HTTP_MFA_ARG_ADMIN_PATH,
                     mlcf->session_admin.data, mlcf->session_admin.len);
    ngx_http_mfa_arg(ctx, NGX_HTTP_MFA_ARG_COMPANY, company.data, company.len);
    ngx_http_mfa_arg(ctx, NGX_HTTP_MFA_ARG_USER_PREFIX,
                     mmcf->key_user.data, mmcf->key_user.len);
    ngx_http_mfa_arg(ctx, NGX_HTTP_MFA_ARG_COMPANY_PREFIX,
                     mmcf->key_company.data, mmcf->key_company.len);
    ngx_http_mfa_arg(ctx, NGX_HTTP_MFA_ARG_VERIFIED_KEY, p,
                     mmcf->key_verified.len + MFA_SESSION_DIGEST_LEN);

    if (mlcf->policy_scope == NGX_HTTP_MFA_SCOPE_ANY) {
        ngx_http_mfa_arg(ctx, NGX_HTTP_MFA_ARG_SCOPE, "any", 3);

    } else {
        ngx_http_mfa_arg(ctx, NGX_HTTP_MFA_ARG_SCOPE, "active", 6);
    }

    ngx_http_mfa_arg(ctx, NGX_HTTP_MFA_ARG_SCOPE_MAX,
                     ngx_http_mfa_number(MFA_SCOPE_ANY_MAX),
                     sizeof(ngx_http_mfa_number(MFA_SCOPE_ANY_MAX)) - 1);
    ngx_http_mfa_arg(ctx, NGX_HTTP_MFA_ARG_SESSION_MAX,
                     mlcf->session_max_arg.data, mlcf->session_max_arg.len);

    ctx->request = r;
    ctx->asked = ngx_current_msec;

    /*
     * A session this worker saw verified before, whose decision expired:
     * the plain commands that confirm it cost Redis a tenth of the script.
     */

    if (ctx->cache_key.len
        && mlcf->session_format == NGX_HTTP_MFA_FORMAT_JSON
        && ngx_http_mfa_cache_user(mlcf, &ctx->cache_key, &user) == NGX_OK
        && ngx_http_mfa_fast_send(r, ctx, &user) == NGX_OK)
    {
        ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "mfa: fast path sent (GETRANGE, GET, HMGET)");
        ctx->waiting = 1;
        return NGX_AGAIN;
    }

    if (ngx_http_mfa_lookup_send(r, ctx) != NGX_OK) {
        in.lookup_failed = 1;
        ngx_http_mfa_lookup_decide(r, ctx, &in);
        return NGX_OK;
    }

    ctx->waiting = 1;

    return NGX_AGAIN;
}


static void
ngx_http_mfa_arg(ngx_http_mfa_ctx_t *ctx, ngx_uint_t n, void *data,
    size_t len)
{
    /* hiredis wants a pointer even for an empty argument */

    ctx->argv[n] = len ? data : "";
    ctx->argvlen[n] = len;
}


static ngx_int_t
ngx_http_mfa_lookup_send(ngx_http_request_t *r, ngx_http_mfa_ctx_t *ctx)
{
    ngx_str_t  script, sha;

    script.data = (u_char *) ngx_http_mfa_script;
    script.len = sizeof(ngx_http_mfa_script) - 1;
    sha.data = ngx_http_mfa_script_sha;
    sha.len = sizeof(ngx_http_mfa_script_sha);

    ctx->query = ngx_http_mfa_redis_script(r->connection->log, &script, &sha,
                                           NGX_HTTP_MFA_ARGS, ctx->argv,
                                           ctx->argvlen,
                                           ngx_http_mfa_lookup_done, ctx);

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "mfa: lookup script %s", ctx->query ? "sent" : "not sent");

    return ctx->query != NULL ? NGX_OK : NGX_ERROR;
}


static void
ngx_http_mfa_lookup_done(void *data, redisReply *reply)
{
    ngx_http_mfa_ctx_t  *ctx = data;

    mfa_err_t                 err;
    mfa_gate_spec_t           spec;
    mfa_gate_state_t          st;
    mfa_gate_input_t          in;
    ngx_http_request_t       *r;
    ngx_http_mfa_loc_conf_t  *mlcf;

    r = ctx->request;
    ctx->query = NULL;

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "mfa: lookup script answered: %s",
                   reply == NULL ? "no answer" : "a reply");

    mlcf = ngx_http_get_module_loc_conf(r, ngx_http_mfa_module);

    ngx_http_mfa_lookup_input(r, &in);

    if (reply == NULL) {
        in.lookup_failed = 1;

    } else if (reply->type == REDIS_REPLY_ERROR) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "mfa: Redis answered the lookup with an error: %*s",
                      (size_t) ngx_min(reply->len, 200), reply->str);
        in.lookup_failed = 1;

    } else if (ngx_http_mfa_lookup_state(reply, &st) != NGX_OK) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "mfa: unexpected reply to the lookup script");
        in.lookup_failed = 1;

    } else {
        ngx_http_mfa_spec(mlcf, ctx, &spec);

        err.msg[0] = '\0';
        mfa_gate_read(&spec, &st, &in, &ctx->identity, &err);

        if (err.msg[0] != '\0') {
            ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                          "mfa: %s", err.msg);
        }
    }

    ngx_http_mfa_lookup_finish(r, ctx, &in);
}


/*
 * A lookup's answer: the decision, a verified one kept in the cache, and
 * the request woken up.
 */

static void
ngx_http_mfa_lookup_finish(ngx_http_request_t *r, ngx_http_mfa_ctx_t *ctx,
    mfa_gate_input_t *in)
{
    ngx_str_t                 user;
    ngx_http_mfa_loc_conf_t  *mlcf;

    ngx_http_mfa_lookup_decide(r, ctx, in);

    if (ctx->cache_key.len && ctx->decision.action == MFA_GATE_THROUGH
        && in->verified && ctx->identity.user.found)
    {
        mlcf = ngx_http_get_module_loc_conf(r, ngx_http_mfa_module);

        user.data = (u_char *) ctx->identity.user.data;
        user.len = ctx->identity.user.len;
        ngx_http_mfa_cache_put(mlcf, &ctx->cache_key, &user, ctx->asked,
                               mlcf->verified_cache);
    }

    ctx->waiting = 0;
    ngx_http_mfa_wake(r);
}


/* what to read in the session, from the configuration; ctx may be NULL */

void
ngx_http_mfa_spec(ngx_http_mfa_loc_conf_t *mlcf, ngx_http_mfa_ctx_t *ctx,
    mfa_gate_spec_t *spec)
{
    ngx_memzero(spec, sizeof(mfa_gate_spec_t));
    spec->hash_format = (mlcf->session_format == NGX_HTTP_MFA_FORMAT_HASH);
    spec->paths[MFA_PATH_USER].data = (char *) mlcf->session_user.data;
    spec->paths[MFA_PATH_USER].len = mlcf->session_user.len;
    spec->paths[MFA_PATH_COMPANY].data = (char *) mlcf->session_company.data;
    spec->paths[MFA_PATH_COMPANY].len = mlcf->session_company.len;
    spec->paths[MFA_PATH_ADMIN].data = (char *) mlcf->session_admin.data;
    spec->paths[MFA_PATH_ADMIN].len = mlcf->session_admin.len;

    if (ctx != NULL) {
        spec->company.data = ctx->argv[NGX_HTTP_MFA_ARG_COMPANY];
        spec->company.len = ctx->argvlen[NGX_HTTP_MFA_ARG_COMPANY];
    }
}


/*
 * The fast path (src/ngx_http_mfa_fast.c), for the user the session was
 * verified for last time; what it does not decide goes to the script.
 */

static ngx_int_t
ngx_http_mfa_fast_send(ngx_http_request_t *r, ngx_http_mfa_ctx_t *ctx,
    ngx_str_t *user)
{
    u_char                    *p;
    ngx_str_t                  session_key, verified_key, user_key;
    ngx_http_mfa_loc_conf_t   *mlcf;
    ngx_http_mfa_main_conf_t  *mmcf;

    mlcf = ngx_http_get_module_loc_conf(r, ngx_http_mfa_module);
    mmcf = ngx_http_get_module_main_conf(r, ngx_http_mfa_module);

    /* the user id and its key: the cache entry may change meanwhile */

    p = ngx_pnalloc(r->pool, user->len + mmcf->key_user.len + user->len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    ctx->fast_user.data = p;
    ctx->fast_user.len = user->len;
    p = ngx_cpymem(p, user->data, user->len);

    user_key.data = p;
    user_key.len = mmcf->key_user.len + user->len;
    p = ngx_cpymem(p, mmcf->key_user.data, mmcf->key_user.len);
    ngx_memcpy(p, user->data, user->len);

    session_key.data = (u_char *) ctx->argv[NGX_HTTP_MFA_ARG_SESSION_KEY];
    session_key.len = ctx->argvlen[NGX_HTTP_MFA_ARG_SESSION_KEY];
    verified_key.data = (u_char *) ctx->argv[NGX_HTTP_MFA_ARG_VERIFIED_KEY];
    verified_key.len = ctx->argvlen[NGX_HTTP_MFA_ARG_VERIFIED_KEY];

    ctx->fast.max = mlcf->session_max_size;
    ctx->fast.pool = r->pool;
    ctx->fast.log = r->connection->log;
    ctx->fast.data = ctx;
    ctx->fast.done = ngx_http_mfa_fast_done;

    return ngx_http_mfa_fast_start(&ctx->fast, r->connection->log,
                                   &session_key, &verified_key, &user_key,
                                   &mlcf->session_max_arg);
}


static void
ngx_http_mfa_fast_done(ngx_http_mfa_fast_t *f, redisReply *reply)
{
    ngx_http_mfa_ctx_t  *ctx = f->data;

    mfa_gate_spec_t           spec;
    mfa_gate_input_t          in;
    ngx_http_request_t       *r;
    ngx_http_mfa_loc_conf_t  *mlcf;

    r = ctx->request;

    ngx_log_debug3(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "mfa: fast path answered:%s%s%s",
                   reply == NULL ? " no answer" : " a reply",
                   f->failed ? ", for the script" : "",
                   f->lost ? ", lost" : "");

    if (reply == NULL) {
        /* the connection failed: the script would too */
        ngx_http_mfa_lookup_failed(r, ctx);
        return;
    }

    mlcf = ngx_http_get_module_loc_conf(r, ngx_http_mfa_module);

    ngx_http_mfa_lookup_input(r, &in);
    ngx_http_mfa_spec(mlcf, ctx, &spec);

    if (ngx_http_mfa_fast_verified(f, &spec, &ctx->fast_user, reply, &in,
                                   &ctx->identity)
        == NGX_OK)
    {
        ngx_http_mfa_lookup_finish(r, ctx, &in);
        return;
    }

    if (ngx_http_mfa_lookup_send(r, ctx) != NGX_OK) {
        ngx_http_mfa_lookup_failed(r, ctx);
    }
}


/* what every answer about a session with an id is decided from */

static void
ngx_http_mfa_lookup_input(ngx_http_request_t *r, mfa_gate_input_t *in)
{
    ngx_http_mfa_loc_conf_t  *mlcf;

    mlcf = ngx_http_get_module_loc_conf(r, ngx_http_mfa_module);

    ngx_memzero(in, sizeof(mfa_gate_input_t));
    in->enabled = 1;
    in->has_session_id = 1;
    in->fail_open = (mlcf->fail == NGX_HTTP_MFA_FAIL_OPEN);
}


/* Redis could not be asked: "mfa_fail" decides */

static void
ngx_http_mfa_lookup_failed(ngx_http_request_t *r, ngx_http_mfa_ctx_t *ctx)
{
    mfa_gate_input_t  in;

    ngx_http_mfa_lookup_input(r, &in);
    in.lookup_failed = 1;

    ngx_http_mfa_lookup_finish(r, ctx, &in);
}


mfa_str_t
ngx_http_mfa_reply_str(redisReply *reply)
{
    mfa_str_t  s;

    if (reply->type == REDIS_REPLY_STRING) {
        s.data = reply->str;
        s.len = reply->len;

    } else {
        s.data = NULL;
        s.len = 0;
    }

    return s;
}


static ngx_int_t
ngx_http_mfa_lookup_state(redisReply *reply, mfa_gate_state_t *st)
{
    size_t       i;
    redisReply  *e, *f;

    ngx_memzero(st, sizeof(mfa_gate_state_t));

    if (reply->type != REDIS_REPLY_ARRAY || reply->elements == 0
        || reply->element[0]->type != REDIS_REPLY_INTEGER)
    {
        return NGX_ERROR;
    }

    e = reply->element[0];

    if (e->integer == 0) {
        st->session = MFA_RECORD_ABSENT;
        return NGX_OK;
    }

    if (e->integer == 2) {
        st->session = MFA_RECORD_INVALID;
        return NGX_OK;
    }

    if (e->integer == 3) {
        /* too large to be read: its size */
        st->session = MFA_RECORD_INVALID;
        st->too_large = (reply->elements == 2
                         && reply->element[1]->type == REDIS_REPLY_INTEGER)
                        ? (size_t) reply->element[1]->integer : 1;
        return NGX_OK;
    }

    if (e->integer != 1 || reply->elements < 2) {
        return NGX_ERROR;
    }

    st->session = MFA_RECORD_OK;

    f = reply->element[1];

    if (f->type == REDIS_REPLY_ARRAY) {
        for (i = 0; i < f->elements && i < MFA_PATHS; i++) {
            st->fields[i] = ngx_http_mfa_reply_str(f->element[i]);
        }

    } else {
        st->record = ngx_http_mfa_reply_str(f);
    }

    if (reply->elements < 8) {
        /* the script found no valid user id: the core will say why */
        return NGX_OK;
    }

    st->user = ngx_http_mfa_reply_str(reply->element[2]);
    st->company = ngx_http_mfa_reply_str(reply->element[3]);
    st->gen = ngx_http_mfa_reply_str(reply->element[4]);
    st->since = ngx_http_mfa_reply_str(reply->element[5]);
    st->verified = ngx_http_mfa_reply_str(reply->element[6]);

    f = reply->element[7];

    if (f->type != REDIS_REPLY_ARRAY || f->elements > MFA_GATE_MAX_POLICIES) {
        return NGX_ERROR;
    }

    for (i = 0; i < f->elements; i++) {
        st->policies[i] = ngx_http_mfa_reply_str(f->element[i]);
    }

    st->npolicies = f->elements;

    return NGX_OK;
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
        ngx_log_error(level, r->connection->log, 0, "mfa: %s",
                      ctx->decision.reason);
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
