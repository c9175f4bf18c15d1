
/*
 * Generated from src/lua/cas_hash.lua by scripts/lua2c.pl (make lua):
 * do not edit.
 */

#ifndef MFA_LUA_CAS_HASH_H_INCLUDED_
#define MFA_LUA_CAS_HASH_H_INCLUDED_


static const char  mfa_lua_cas_hash[] =
    "-- mfactl key rotate (src/mfactl_key.c): a hash field replaced only if it\n"
    "-- still holds the value read.  KEYS: 1 the hash; ARGV: 1 the field, 2 the\n"
    "-- value read, 3 the new value.  Returns 1 when replaced, else 0.\n"
    "\n"
    "if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then\n"
    "  redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])\n"
    "  return 1\n"
    "end\n"
    "\n"
    "return 0\n"
    ;


#endif /* MFA_LUA_CAS_HASH_H_INCLUDED_ */
