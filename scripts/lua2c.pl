#!/usr/bin/perl
#
# lua2c.pl [--lua] KEYS_H DIR/NAME.lua: a Redis script of src/lua/ as the
# C header that holds it (the string mfa_lua_NAME), or with --lua as the
# Lua that Redis runs (for the tests that run the scripts alone).
#
# Every name in capitals that starts with MFA_ is a #define of KEYS_H
# (src/mfa_keys.h) and is replaced by its value: a quoted string for a
# string, the digits for a number.  A name KEYS_H does not define is an
# error, so that a typo cannot reach Redis as a nil global.

use strict;
use warnings;

my $lua_out = 0;
if (@ARGV && $ARGV[0] eq '--lua') {
    $lua_out = 1;
    shift @ARGV;
}

die "usage: lua2c.pl [--lua] KEYS_H DIR/NAME.lua\n"
    unless @ARGV == 2;

my ($keys_h, $script) = @ARGV;

die "lua2c.pl: $script: the name must be [a-z0-9_]+.lua\n"
    unless $script =~ m{(?:^|/)([a-z0-9_]+)\.lua$};

my $name = "mfa_lua_$1";

my %value;

open my $kh, '<', $keys_h or die "lua2c.pl: cannot open $keys_h: $!\n";
while (<$kh>) {
    if (/^#define\s+(MFA_[A-Z0-9_]+)\s+("[^"\\']*"|\d+)\s*$/) {
        my ($k, $v) = ($1, $2);
        $v =~ s/^"(.*)"$/'$1'/;
        $value{$k} = $v;
    }
}
close $kh;

open my $in, '<', $script or die "lua2c.pl: cannot open $script: $!\n";
my @lines = <$in>;
close $in;

my $n = 0;
for my $line (@lines) {
    $n++;
    $line =~ s{\b(MFA_[A-Z0-9_]+)\b}{
        exists $value{$1} ? $value{$1}
            : die "lua2c.pl: $script:$n: $1 is not defined in $keys_h\n"
    }ge;
}

if ($lua_out) {
    print @lines;
    exit 0;
}

my $guard = uc($name) . '_H_INCLUDED_';

print "\n/*\n * Generated from $script by scripts/lua2c.pl (make lua):\n"
      . " * do not edit.\n */\n\n";
print "#ifndef $guard\n#define $guard\n\n\n";
print "static const char  $name\[\] =\n";
for my $line (@lines) {
    chomp $line;
    $line =~ s/\\/\\\\/g;
    $line =~ s/"/\\"/g;
    print "    \"$line\\n\"\n";
}
print "    ;\n\n\n#endif /* $guard */\n";
