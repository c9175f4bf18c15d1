-- luacheck's settings for the Redis scripts (make check-lua)

-- Redis runs Lua 5.1 and gives the scripts these
std = "lua51"
read_globals = {"redis", "KEYS", "ARGV"}

-- src/mfa_keys.h's names, which scripts/lua2c.pl replaces by their values
-- (and refuses when mfa_keys.h does not define them)
ignore = {"113/MFA_.*"}

max_line_length = 79
