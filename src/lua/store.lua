-- ngx_http_mfa_module: the pages' Redis script (src/ngx_http_mfa_store.c).
--
-- Everything that must not race happens inside one run of this script: the
-- lockout check, the replay check of a TOTP step, the use of a recovery
-- code, the failure counters, and the change that follows a right code
-- (enrolment, verification, disable, new recovery codes) with its audit
-- entry.  The codes themselves are checked in nginx, which holds the key
-- that opens the secrets; the script only sees the sealed secret it must
-- still find in place, the step that matched, and keyed hashes.
--
-- Names in capitals that start with MFA_ are src/mfa_keys.h's: the build
-- (scripts/lua2c.pl) puts their values in.
--
-- ARGV, for every operation (NGX_HTTP_MFA_STORE_* in ngx_http_mfa_store.h):
-- 1 op, 2 the user's key, 3 the user id, 4 the time, 5 the session's
-- pending key, 6 its verified key, 7 the verified TTL, 8 the audit stream,
-- 9 the client address's key, 10 the company (of the audit entry; for
-- "company" and "policy", the target company), 11 the client address;
-- then the operation's own, from 12 on.  The replies' positions are named
-- in ngx_http_mfa_store.h (NGX_HTTP_MFA_<OP>_*).
--
-- "pending" (12 a freshly sealed secret, 13 the active company's key or
--   ""): the session's pending secret, created from 12 when there is none.
--   Returns {sealed, ttl, 1 when a current code allowed this session to
--   replace the user's credential (else 0), the company's display name}.
-- "read" (12 the active company's key or ""): returns {since, secret,
--   step, recovery codes left, seconds of lockout left, pending secret,
--   gen, TOTP parameters, recovery-code set, the company's display name},
--   nil for what is absent.
-- "attempt" (12 kind "totp"|"recovery"|"pending"|"none", 13 the sealed
--   secret the code was checked against (for "pending": the pending
--   secret, a space, and the same secret sealed for the user's "secret"
--   field), 14 the step that matched, 15 then "enroll"|"verify"|"disable"|
--   "regenerate"|"reenroll"|"replace", 16 the recovery-code set read, 17
--   the TOTP parameters of a new credential, 18 the set of new recovery
--   codes, 19 n, 20.. n hashes a recovery code may have, then the hashes
--   of new recovery codes).  "reenroll", after a right current code,
--   allows this session to replace the credential for as long as a
--   pending secret lives; "replace", with "pending", replaces it, if so
--   allowed, as "enroll" sets a first one.  Returns {1, codes left} on
--   success, {0, lockout} on a failure, {2, lockout} when locked out
--   before trying, {3, 0} when the secret or the recovery codes changed
--   since they were read (a key rotation, a disable, new codes): nothing is
--   counted.  A TOTP code of a
--   step already used is a failure with a "replay" audit entry.
-- "company" (12 the company's key, 13 its members key, 14 the user key
--   prefix, 15 the most members listed): {exists, require_2fa, changed_by,
--   changed_at, members known, members in all, {id, since, locked until,
--   ...}, display name} for the first members in alphabetical order.
-- "policy" (12, 13 as above, 14 "1"|"0", 15 who, 16 "1" to create the
--   company when it is unknown, 17 "who"'s rate key): {1}, or {0} for an
--   unknown company, or {2} when "who" made MFA_POLICY_RATE changes in the
--   last minute; a value the company already has is neither written nor
--   audited.
--
-- Every audit entry goes to <prefix>audit and, with a company, to
-- <prefix>audit:<cid> too, each capped.

local op, ukey, uid, now = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local pkey, vkey, vttl, akey = ARGV[5], ARGV[6], ARGV[7], ARGV[8]
local ipkey, cid, addr = ARGV[9], ARGV[10], ARGV[11]
local rkey = ukey .. MFA_KEY_USER_RECOVERY
local xkey = pkey .. MFA_KEY_PENDING_REPLACE
local gkey = ukey .. MFA_KEY_USER_GUARD

-- a new phone is allowed for the credential of one generation only
local function replace_ok(gen)
  return redis.call('GET', xkey) == uid .. ' ' .. (gen or '0')
end

local function audit(event, ...)
  local f = {'event', event, 'user', uid, 'company', cid, 'addr', addr,
             'time', now, ...}
  redis.call('XADD', akey, 'MAXLEN', '~', MFA_AUDIT_MAX, '*', unpack(f))
  if cid ~= '' then
    redis.call('XADD', akey .. ':' .. cid, 'MAXLEN', '~',
               MFA_AUDIT_COMPANY_MAX, '*', unpack(f))
  end
end

local function pending()
  local v = redis.call('GET', pkey)
  if v and string.sub(v, 1, #uid + 1) == uid .. ' ' then
    return string.sub(v, #uid + 2)
  end
  return false
end

local function lockleft()
  local left = (tonumber(redis.call('HGET', gkey, MFA_FIELD_GUARD_UNTIL))
                or 0) - now
  if (tonumber(redis.call('GET', ipkey)) or 0) >= MFA_ADDR_CAP then
    left = math.max(left, redis.call('TTL', ipkey))
  end
  return math.max(left, 0)
end

local function fail()
  -- a counter that is not a number counts as at the cap: fail closed
  local v = redis.call('HGET', gkey, MFA_FIELD_GUARD_COUNT)
  local n = 1
  if v then
    n = (tonumber(v) or MFA_GUARD_CAP - 1) + 1
  end
  redis.call('HSET', gkey, MFA_FIELD_GUARD_COUNT, n)
  local lock = 0
  if n >= MFA_GUARD_CAP then
    lock = MFA_GUARD_CAP_LOCK
  elseif n >= MFA_GUARD_FREE then
    lock = math.min(MFA_GUARD_BASE * 2 ^ (n - MFA_GUARD_FREE), MFA_GUARD_MAX)
  end
  if lock > 0 then
    redis.call('HSET', gkey, MFA_FIELD_GUARD_UNTIL, now + lock)
    audit('lockout', 'failures', n, 'seconds', lock)
  end
  redis.call('EXPIRE', gkey, MFA_GUARD_TTL)
  local a = redis.call('INCR', ipkey)
  if redis.call('TTL', ipkey) < 0 then
    redis.call('EXPIRE', ipkey, MFA_ADDR_WINDOW)
  end
  if a == MFA_ADDR_CAP then
    audit('addr_lockout', 'failures', a)
  end
  return {0, lockleft()}
end

-- a company's display name, false without one
local function cname(key)
  if key == '' then return false end
  local v = redis.pcall('HGET', key, MFA_FIELD_NAME)
  if type(v) ~= 'string' then return false end
  return v
end

if op == 'pending' then
  local v = pending()
  if not v then
    v = ARGV[12]
    redis.call('SET', pkey, uid .. ' ' .. v, 'EX', MFA_PENDING_TTL)
  end
  return {v, redis.call('TTL', pkey),
          replace_ok(redis.call('HGET', ukey, MFA_FIELD_GEN)) and 1 or 0,
          cname(ARGV[13])}
end

if op == 'company' or op == 'policy' then
  local ckey, mkey = ARGV[12], ARGV[13]
  local known = redis.call('EXISTS', mkey) == 1
  local exists = known or redis.call('EXISTS', ckey) == 1
  if op == 'policy' then
    local value, who, rate = ARGV[14], ARGV[15], ARGV[17]
    if not exists and ARGV[16] ~= '1' then return {0} end
    -- a write that changes nothing: nothing written, nothing audited
    if exists and (redis.call('HGET', ckey, MFA_FIELD_REQUIRE_2FA) or '0')
                  == value then
      return {1}
    end
    -- a few changes a minute an actor: no one floods the audit trail
    local n = redis.call('INCR', rate)
    if n == 1 then redis.call('EXPIRE', rate, 60) end
    if n > MFA_POLICY_RATE then return {2} end
    redis.call('HSET', ckey, MFA_FIELD_REQUIRE_2FA, value,
               MFA_FIELD_CHANGED_BY, who, MFA_FIELD_CHANGED_AT, now)
    audit('policy', 'value', value, 'by', who)
    return {1}
  end
  local uprefix, most = ARGV[14], tonumber(ARGV[15])
  local c = redis.call('HMGET', ckey, MFA_FIELD_REQUIRE_2FA,
                       MFA_FIELD_CHANGED_BY, MFA_FIELD_CHANGED_AT,
                       MFA_FIELD_NAME)
  local list, total = {}, 0
  local function field(key, f)
    local v = redis.pcall('HGET', key, f)
    if type(v) ~= 'string' then return '' end
    return v
  end
  if known then
    total = redis.call('SCARD', mkey)
    local m = redis.call('SORT', mkey, 'ALPHA', 'LIMIT', 0, most)
    for _, id in ipairs(m) do
      list[#list + 1] = id
      list[#list + 1] = field(uprefix .. id, MFA_FIELD_SINCE)
      list[#list + 1] = field(uprefix .. id .. MFA_KEY_USER_GUARD,
                              MFA_FIELD_GUARD_UNTIL)
    end
  end
  return {exists and 1 or 0, c[1], c[2], c[3], known and 1 or 0, total,
          list, c[4]}
end

local u = redis.call('HMGET', ukey, MFA_FIELD_SINCE, MFA_FIELD_SECRET,
                     MFA_FIELD_STEP, MFA_FIELD_GEN, MFA_FIELD_TOTP,
                     MFA_FIELD_RECOVERY)
local since, secret, last, gen, set = u[1], u[2], u[3], u[4], u[6]

if op == 'read' then
  return {since, secret, last, redis.call('SCARD', rkey), lockleft(),
          pending(), gen, u[5], set, cname(ARGV[12])}
end

if op ~= 'attempt' then return redis.error_reply('unknown op') end

local kind, expect, step, after = ARGV[12], ARGV[13], ARGV[14], ARGV[15]
local ncand = tonumber(ARGV[19])

-- enrolment checks a code of a secret the session was shown: nothing to
-- guess, so a lockout does not stop it
if kind ~= 'pending' then
  local left = lockleft()
  if left > 0 then return {2, left} end
end

local ok, used, store = false, false, expect
if kind == 'pending' then
  -- the pending secret checked, and the same sealed for the user's field
  local checked
  checked, store = string.match(expect, '^(%S+) (%S+)$')
  -- a first credential, or a new phone this session was allowed
  if after == 'replace' then
    ok = since and replace_ok(gen)
  else
    ok = not since
  end
  ok = ok and checked ~= nil and pending() == checked
elseif kind == 'totp' or kind == 'recovery' then
  -- the code was checked against another secret: not the user's fault
  if not since or secret ~= expect then return {3, 0} end
  if kind == 'totp' then
    ok = tonumber(step) > (tonumber(last) or -1)
    if not ok then audit('replay') end
  else
    -- hashed with the set read: new codes meanwhile are another set
    if (set or '') ~= ARGV[16] then return {3, 0} end
    for i = 1, ncand do
      if redis.call('SREM', rkey, ARGV[19 + i]) == 1 then
        ok, used = true, true
        break
      end
    end
  end
end

if not ok then
  if kind == 'pending' then return {0, 0} end
  return fail()
end

redis.call('DEL', gkey)
if kind ~= 'recovery' then
  redis.call('HSET', ukey, MFA_FIELD_STEP, step)
end
if used then audit('recovery_used', 'left', redis.call('SCARD', rkey)) end

local function replace_codes()
  redis.call('DEL', rkey)
  for i = 20 + ncand, #ARGV do redis.call('SADD', rkey, ARGV[i]) end
  redis.call('HSET', ukey, MFA_FIELD_RECOVERY, ARGV[18])
end

if after == 'enroll' or after == 'replace' then
  -- a new generation: every other session must pass the new phone
  local g = redis.call('HINCRBY', ukey, MFA_FIELD_GEN, 1)
  redis.call('HSET', ukey, MFA_FIELD_SECRET, store, MFA_FIELD_SINCE, now,
             MFA_FIELD_TOTP, ARGV[17])
  redis.call('DEL', pkey, xkey)
  replace_codes()
  redis.call('SET', vkey, uid .. ' ' .. g, 'EX', vttl)
  audit(after == 'enroll' and 'enrolled' or 'reenrolled')
elseif after == 'reenroll' then
  redis.call('SET', xkey, uid .. ' ' .. (gen or '0'), 'EX', MFA_PENDING_TTL)
elseif after == 'verify' then
  redis.call('SET', vkey, uid .. ' ' .. (gen or '0'), 'EX', vttl)
  audit('verified')
elseif after == 'disable' then
  redis.call('HINCRBY', ukey, MFA_FIELD_GEN, 1)
  redis.call('HDEL', ukey, MFA_FIELD_SECRET, MFA_FIELD_SINCE, MFA_FIELD_STEP,
             MFA_FIELD_TOTP, MFA_FIELD_RECOVERY)
  redis.call('DEL', rkey, vkey)
  audit('disabled')
elseif after == 'regenerate' then
  replace_codes()
  audit('regenerated')
end

return {1, redis.call('SCARD', rkey)}
