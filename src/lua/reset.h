
/*
 * Generated from src/lua/reset.lua by scripts/lua2c.pl (make lua):
 * do not edit.
 */

#ifndef MFA_LUA_RESET_H_INCLUDED_
#define MFA_LUA_RESET_H_INCLUDED_


static const char  mfa_lua_reset[] =
    "-- mfactl user reset (src/mfactl_user.c): a user's 2FA started over after\n"
    "-- a lost phone, atomically.\n"
    "--\n"
    "-- KEYS: 1 the user, 2 the recovery codes, 3 the guard, 4 the audit\n"
    "-- stream.  ARGV: 1 now, 2 the audit's MAXLEN, then the audit entry's\n"
    "-- fields.  A record the module cannot read (another type, a gen that is\n"
    "-- not an integer) is replaced, with now as its generation: higher than any\n"
    "-- the user had, so that no verified session survives.  Returns {was\n"
    "-- enrolled, gen, replaced} (MFACTL_RESET_* in src/mfactl_user.c).\n"
    "\n"
    "local ukey, now = KEYS[1], tonumber(ARGV[1])\n"
    "local t = redis.call('TYPE', ukey)['ok']\n"
    "local was, broken = 0, 0\n"
    "\n"
    "if t ~= 'hash' and t ~= 'none' then\n"
    "  redis.call('DEL', ukey)\n"
    "  broken = 1\n"
    "else\n"
    "  was = redis.call('HEXISTS', ukey, 'since')\n"
    "  redis.call('HDEL', ukey, 'secret', 'since', 'step',\n"
    "             'totp', 'recovery')\n"
    "  local old = redis.call('HGET', ukey, 'gen')\n"
    "  if old and not string.match(old, '^%d+$') then broken = 1 end\n"
    "end\n"
    "\n"
    "local gen\n"
    "if broken == 1 then\n"
    "  gen = now\n"
    "  redis.call('HSET', ukey, 'gen', gen)\n"
    "else\n"
    "  gen = redis.call('HINCRBY', ukey, 'gen', 1)\n"
    "end\n"
    "\n"
    "redis.call('DEL', KEYS[2], KEYS[3])\n"
    "redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[2], '*', unpack(ARGV, 3))\n"
    "\n"
    "return {was, gen, broken}\n"
    ;


#endif /* MFA_LUA_RESET_H_INCLUDED_ */
