-- mfactl user reset (src/mfactl_user.c): a user's 2FA started over after
-- a lost phone, atomically.
--
-- KEYS: 1 the user, 2 the recovery codes, 3 the guard, 4 the audit
-- stream.  ARGV: 1 now, 2 the audit's MAXLEN, then the audit entry's
-- fields.  A record the module cannot read (another type, a gen that is
-- not an integer) is replaced, with now as its generation: higher than any
-- the user had, so that no verified session survives.  Returns {was
-- enrolled, gen, replaced} (MFACTL_RESET_* in src/mfactl_user.c).

local ukey, now = KEYS[1], tonumber(ARGV[1])
local t = redis.call('TYPE', ukey)['ok']
local was, broken = 0, 0

if t ~= 'hash' and t ~= 'none' then
  redis.call('DEL', ukey)
  broken = 1
else
  was = redis.call('HEXISTS', ukey, MFA_FIELD_SINCE)
  redis.call('HDEL', ukey, MFA_FIELD_SECRET, MFA_FIELD_SINCE, MFA_FIELD_STEP,
             MFA_FIELD_TOTP, MFA_FIELD_RECOVERY)
  local old = redis.call('HGET', ukey, MFA_FIELD_GEN)
  if old and not string.match(old, '^%d+$') then broken = 1 end
end

local gen
if broken == 1 then
  gen = now
  redis.call('HSET', ukey, MFA_FIELD_GEN, gen)
else
  gen = redis.call('HINCRBY', ukey, MFA_FIELD_GEN, 1)
end

redis.call('DEL', KEYS[2], KEYS[3])
redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[2], '*', unpack(ARGV, 3))

return {was, gen, broken}
