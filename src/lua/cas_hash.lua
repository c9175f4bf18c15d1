-- mfactl key rotate (src/mfactl_key.c): a hash field replaced only if it
-- still holds the value read.  KEYS: 1 the hash; ARGV: 1 the field, 2 the
-- value read, 3 the new value.  Returns 1 when replaced, else 0.

if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
  return 1
end

return 0
