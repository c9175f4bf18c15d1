-- mfactl key rotate (src/mfactl_key.c): a string replaced only if it still
-- holds the value read, keeping its time to live.  KEYS: 1 the key; ARGV:
-- 1 the value read, 2 the new value.  Returns 1 when replaced, else 0.

if redis.call('GET', KEYS[1]) == ARGV[1] then
  local ttl = redis.call('PTTL', KEYS[1])
  if ttl > 0 then
    redis.call('SET', KEYS[1], ARGV[2], 'PX', ttl)
  else
    redis.call('SET', KEYS[1], ARGV[2])
  end
  return 1
end

return 0
