
/*
 * Generated from src/lua/cas_string.lua by scripts/lua2c.pl (make lua):
 * do not edit.
 */

#ifndef MFA_LUA_CAS_STRING_H_INCLUDED_
#define MFA_LUA_CAS_STRING_H_INCLUDED_


static const char  mfa_lua_cas_string[] =
    "-- mfactl key rotate (src/mfactl_key.c): a string replaced only if it still\n"
    "-- holds the value read, keeping its time to live.  KEYS: 1 the key; ARGV:\n"
    "-- 1 the value read, 2 the new value.  Returns 1 when replaced, else 0.\n"
    "\n"
    "if redis.call('GET', KEYS[1]) == ARGV[1] then\n"
    "  local ttl = redis.call('PTTL', KEYS[1])\n"
    "  if ttl > 0 then\n"
    "    redis.call('SET', KEYS[1], ARGV[2], 'PX', ttl)\n"
    "  else\n"
    "    redis.call('SET', KEYS[1], ARGV[2])\n"
    "  end\n"
    "  return 1\n"
    "end\n"
    "\n"
    "return 0\n"
    ;


#endif /* MFA_LUA_CAS_STRING_H_INCLUDED_ */
