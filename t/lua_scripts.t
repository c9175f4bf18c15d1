# The Redis scripts of src/lua/, alone against a real redis-server, as
# scripts/lua2c.pl makes them for the module and mfactl: each operation's
# writes and its reply, read by the names the C code reads it by (the
# enums of src/ngx_http_mfa_store.h and src/mfactl_user.c); and lua2c.pl
# refusing a name src/mfa_keys.h does not define.

use strict;
use warnings;

use lib 't/lib';
use MfaTest;
use File::Temp qw(tempdir);
use Test::More;

my $REPO = '.';

my $t = MfaTest->new();
$t->start_redis();

# src/mfa_keys.h's numbers, as the scripts get them
my %K;
open my $kh, '<', "$REPO/src/mfa_keys.h" or die "mfa_keys.h: $!";
while (<$kh>) {
    $K{$1} = $2 if /^#define\s+(MFA_[A-Z0-9_]+)\s+(\d+)\s*$/;
}
close $kh;

# the positions of the replies' elements: enum NAME = index
sub enums {
    my ($file) = @_;
    my (%pos, $i);
    open my $fh, '<', $file or die "$file: $!";
    while (<$fh>) {
        if (/^enum\s*\{/) { $i = 0; next; }
        if (/^\};/) { $i = undef; next; }
        if (defined $i && /^\s+([A-Z][A-Z0-9_]+)/) { $pos{$1} = $i++; }
    }
    close $fh;
    return %pos;
}

my %P = (enums("$REPO/src/ngx_http_mfa_store.h"),
         enums("$REPO/src/mfactl_user.c"));

sub script {
    my ($name) = @_;
    my $lua = `perl $REPO/scripts/lua2c.pl --lua $REPO/src/mfa_keys.h $REPO/src/lua/$name.lua`;
    die "lua2c.pl failed on $name.lua\n" if $? != 0;
    return $lua;
}

my %S = map { $_ => script($_) } qw(store reset cas_hash cas_string);

# the reply's element named NAME
sub at {
    my ($reply, $name) = @_;
    die "no position named $name\n" unless exists $P{$name};
    return $reply->[$P{$name}];
}

my $NOW = 1_800_000_000;

# the store script as the module runs it: no keys, ARGV 1..11 fixed
sub store {
    my ($op, %o) = @_;
    my $uid = $o{uid} // 'ann';
    return $t->redis('EVAL', $S{store}, 0, $op, "mfa:user:$uid", $uid,
                     $o{now} // $NOW, 'mfa:pending:d1', 'mfa:verified:d1',
                     3600, 'mfa:audit', $o{addr_key} // 'mfa:addr:127.0.0.1',
                     $o{cid} // 'acme', '127.0.0.1', @{$o{args} // []});
}

sub events {
    my ($key) = @_;
    return [ map { +{ @{$_->[1]} }->{event} }
             @{$t->redis('XRANGE', $key // 'mfa:audit', '-', '+')} ];
}

sub hash_of { +{ @{$t->redis('HGETALL', $_[0])} } }

###########################################################################
# store: pending

$t->redis('HSET', 'mfa:company:acme', 'name', 'Acme Ltd');

my $r = store('pending', args => ['SEALED-A', 'mfa:company:acme']);
is(at($r, 'NGX_HTTP_MFA_PENDING_SECRET'), 'SEALED-A',
   'pending: a first pending secret is the one given');
ok(at($r, 'NGX_HTTP_MFA_PENDING_TTL') > 0
   && at($r, 'NGX_HTTP_MFA_PENDING_TTL') <= $K{MFA_PENDING_TTL},
   'pending: lives at most MFA_PENDING_TTL');
is(at($r, 'NGX_HTTP_MFA_PENDING_REPLACE_OK'), 0,
   'pending: no new phone allowed');
is(at($r, 'NGX_HTTP_MFA_PENDING_COMPANY_NAME'), 'Acme Ltd',
   'pending: the company display name');
is(scalar @$r, $P{NGX_HTTP_MFA_PENDING_N}, 'pending: as many elements as named');
is($t->redis('GET', 'mfa:pending:d1'), 'ann SEALED-A',
   'pending: bound to the user');

$r = store('pending', args => ['SEALED-B', '']);
is(at($r, 'NGX_HTTP_MFA_PENDING_SECRET'), 'SEALED-A',
   'pending: the second call keeps the first secret');
is(at($r, 'NGX_HTTP_MFA_PENDING_COMPANY_NAME'), undef,
   'pending: no company key, no name');

$r = store('pending', uid => 'bob', args => ['SEALED-C', '']);
is(at($r, 'NGX_HTTP_MFA_PENDING_SECRET'), 'SEALED-C',
   "pending: another user's pending secret in the session is not shown");

###########################################################################
# store: read, then enrolment

$t->redis('SET', 'mfa:pending:d1', 'ann SEALED-A', 'EX', 600);

$r = store('read', args => ['mfa:company:acme']);
is(scalar @$r, $P{NGX_HTTP_MFA_READ_N}, 'read: as many elements as named');
is(at($r, 'NGX_HTTP_MFA_READ_SINCE'), undef, 'read: not enrolled');
is(at($r, 'NGX_HTTP_MFA_READ_CODES_LEFT'), 0, 'read: no codes');
is(at($r, 'NGX_HTTP_MFA_READ_LOCK_LEFT'), 0, 'read: no lockout');
is(at($r, 'NGX_HTTP_MFA_READ_PENDING'), 'SEALED-A', 'read: the pending secret');
is(at($r, 'NGX_HTTP_MFA_READ_COMPANY_NAME'), 'Acme Ltd', 'read: the name');

# attempt ARGV 12..: kind, expect, step, after, set read, totp, new set,
# n, n candidates, then the new codes' hashes
sub attempt {
    my ($kind, $expect, $step, $after, %o) = @_;
    my @cand = @{$o{cand} // []};
    return store('attempt', now => $o{now}, args => [
        $kind, $expect, $step, $after, $o{set} // '', $o{totp} // 'SHA1 6 30',
        $o{new_set} // '', scalar @cand, @cand, @{$o{codes} // []} ]);
}

$r = attempt('pending', 'WRONG SEALED-U', 100, 'enroll',
             new_set => 'k1 salt1', codes => ['h1', 'h2', 'h3']);
is(at($r, 'NGX_HTTP_MFA_ATTEMPT_STATUS'), 0,
   'enrol: another pending secret than the session\'s fails');
is($t->redis('EXISTS', 'mfa:user:ann:guard'), 0,
   'enrol: and is not counted as a guess');

$r = attempt('pending', 'SEALED-A SEALED-U', 100, 'enroll',
             new_set => 'k1 salt1', codes => ['h1', 'h2', 'h3']);
is(at($r, 'NGX_HTTP_MFA_ATTEMPT_STATUS'), 1, 'enrol: done');
is(at($r, 'NGX_HTTP_MFA_ATTEMPT_VALUE'), 3, 'enrol: three codes');
my $u = hash_of('mfa:user:ann');
is_deeply([ @$u{qw(gen since secret step totp recovery)} ],
          [ 1, $NOW, 'SEALED-U', 100, 'SHA1 6 30', 'k1 salt1' ],
          'enrol: the user record');
is($t->redis('GET', 'mfa:verified:d1'), 'ann 1',
   'enrol: this session verified for generation 1');
is($t->redis('EXISTS', 'mfa:pending:d1'), 0, 'enrol: the pending secret gone');
is_deeply(events()->[-1], 'enrolled', 'enrol: audited');
is_deeply(events('mfa:audit:acme')->[-1], 'enrolled',
          "enrol: in the company's stream too");

$r = store('read');
is(at($r, 'NGX_HTTP_MFA_READ_SINCE'), $NOW, 'read: enrolled since');
is(at($r, 'NGX_HTTP_MFA_READ_SECRET'), 'SEALED-U', 'read: the secret');
is(at($r, 'NGX_HTTP_MFA_READ_STEP'), 100, 'read: the last step');
is(at($r, 'NGX_HTTP_MFA_READ_CODES_LEFT'), 3, 'read: codes left');
is(at($r, 'NGX_HTTP_MFA_READ_GEN'), 1, 'read: the generation');
is(at($r, 'NGX_HTTP_MFA_READ_TOTP'), 'SHA1 6 30', 'read: the parameters');
is(at($r, 'NGX_HTTP_MFA_READ_RECOVERY'), 'k1 salt1', 'read: the set');

###########################################################################
# store: TOTP, replay, lockout

$r = attempt('totp', 'SEALED-U', 100, 'verify');
is(at($r, 'NGX_HTTP_MFA_ATTEMPT_STATUS'), 0, 'totp: a step used is refused');
is(events()->[-1], 'replay', 'totp: the replay audited');

$r = attempt('totp', 'SEALED-OLD', 101, 'verify');
is_deeply($r, [3, 0], 'totp: checked against another secret: changed');
is($t->redis('HGET', 'mfa:user:ann:guard', 'n'), 1,
   'totp: and the change is not counted (the replay was)');

$r = attempt('totp', 'SEALED-U', 101, 'verify');
is(at($r, 'NGX_HTTP_MFA_ATTEMPT_STATUS'), 1, 'totp: a newer step passes');
is($t->redis('HGET', 'mfa:user:ann', 'step'), 101, 'totp: the step kept');
is($t->redis('EXISTS', 'mfa:user:ann:guard'), 0, 'totp: failures forgotten');

# failures: MFA_GUARD_FREE - 1 free, then MFA_GUARD_BASE, doubling
for my $n (1 .. $K{MFA_GUARD_FREE}) {
    $r = attempt('none', 'SEALED-U', 0, 'verify');
    my $lock = $n < $K{MFA_GUARD_FREE} ? 0 : $K{MFA_GUARD_BASE};
    is_deeply($r, [0, $lock], "failure $n: locked for $lock s");
}
is(hash_of('mfa:user:ann:guard')->{until}, $NOW + $K{MFA_GUARD_BASE},
   'lockout: until, in the guard');
is(events()->[-1], 'lockout', 'lockout: audited');
ok($t->redis('TTL', 'mfa:user:ann:guard') > 0, 'lockout: the guard expires');

$r = attempt('totp', 'SEALED-U', 102, 'verify');
is(at($r, 'NGX_HTTP_MFA_ATTEMPT_STATUS'), 2,
   'lockout: a right code is not even tried');
is(at($r, 'NGX_HTTP_MFA_ATTEMPT_VALUE'), $K{MFA_GUARD_BASE},
   'lockout: the seconds left');

$r = attempt('totp', 'SEALED-U', 102, 'verify',
             now => $NOW + $K{MFA_GUARD_BASE});
is(at($r, 'NGX_HTTP_MFA_ATTEMPT_STATUS'), 1, 'lockout: over in time');

$t->redis('HSET', 'mfa:user:ann:guard', 'n', 'garbage');
$r = attempt('none', 'SEALED-U', 0, 'verify');
is_deeply($r, [0, $K{MFA_GUARD_CAP_LOCK}],
          'a guard counter that is not a number counts as at the cap');
$t->redis('DEL', 'mfa:user:ann:guard');

###########################################################################
# store: recovery codes, new codes, disable

$r = attempt('recovery', 'SEALED-U', 0, 'verify', set => 'k0 other',
             cand => ['h2']);
is_deeply($r, [3, 0], 'recovery: hashed with another set: changed');
is($t->redis('SCARD', 'mfa:user:ann:recovery'), 3, 'recovery: none used');

$r = attempt('recovery', 'SEALED-U', 0, 'verify', set => 'k1 salt1',
             cand => ['nope', 'h2']);
is_deeply($r, [1, 2], 'recovery: a right code, two left');
is(events()->[-2], 'recovery_used', 'recovery: audited');
is($t->redis('SISMEMBER', 'mfa:user:ann:recovery', 'h2'), 0,
   'recovery: the code used is gone');
is($t->redis('HGET', 'mfa:user:ann', 'step'), 102,
   'recovery: the TOTP step untouched');

$r = attempt('recovery', 'SEALED-U', 0, 'verify', set => 'k1 salt1',
             cand => ['h2']);
is(at($r, 'NGX_HTTP_MFA_ATTEMPT_STATUS'), 0, 'recovery: used once only');
$t->redis('DEL', 'mfa:user:ann:guard');

$r = attempt('totp', 'SEALED-U', 103, 'regenerate', new_set => 'k1 salt2',
             codes => ['n1', 'n2']);
is_deeply($r, [1, 2], 'regenerate: the new codes');
is(join(',', sort @{$t->redis('SMEMBERS', 'mfa:user:ann:recovery')}), 'n1,n2',
   'regenerate: only the new codes');
is($t->redis('HGET', 'mfa:user:ann', 'recovery'), 'k1 salt2',
   'regenerate: the new set');

$r = attempt('totp', 'SEALED-U', 104, 'disable');
is(at($r, 'NGX_HTTP_MFA_ATTEMPT_STATUS'), 1, 'disable: done');
is_deeply(hash_of('mfa:user:ann'), { gen => 2 },
          'disable: only the next generation is left');
is($t->redis('EXISTS', 'mfa:verified:d1'), 0, 'disable: the session unverified');
is(events()->[-1], 'disabled', 'disable: audited');

$r = store('frobnicate');
ok(ref $r eq "MfaTest::RedisError" && $r->message =~ /unknown op/,
   'an unknown operation is an error');

###########################################################################
# store: company and policy

sub policy {
    my ($cid, $value, $who, $create) = @_;
    return store('policy', cid => $cid, args => [
        "mfa:company:$cid", "mfa:company:$cid:members", $value, $who,
        $create ? '1' : '0', "mfa:rate:policy:$who" ]);
}

is_deeply(policy('nowhere', 1, 'admin:ann', 0), [0],
          'policy: an unknown company is not created');
is($t->redis('EXISTS', 'mfa:company:nowhere'), 0, 'policy: nothing written');

is_deeply(policy('acme', 1, 'admin:ann', 0), [1], 'policy: set');
is_deeply([ @{hash_of('mfa:company:acme')}{qw(require_2fa changed_by changed_at)} ],
          [ 1, 'admin:ann', $NOW ], 'policy: who and when');
my $before = scalar @{events('mfa:audit:acme')};
is_deeply(policy('acme', 1, 'admin:ann', 0), [1], 'policy: set again');
is(scalar @{events('mfa:audit:acme')}, $before,
   'policy: a value it has is not audited again');

my $last;
for my $i (1 .. $K{MFA_POLICY_RATE}) {
    # 0, 1, 0...: each one a change (acme requires 2FA now)
    $last = policy('acme', ($i + 1) % 2, 'admin:bob', 0);
}
is_deeply($last, [1], 'policy: MFA_POLICY_RATE changes a minute pass');
is_deeply(policy('acme', ($K{MFA_POLICY_RATE} + 2) % 2, 'admin:bob', 0), [2],
          'policy: one more is refused');

$t->redis('SADD', 'mfa:company:acme:members', 'zed', 'amy', 'ann');
$t->redis('HSET', 'mfa:user:amy', 'since', 1700000000);
$t->redis('HSET', 'mfa:user:amy:guard', 'until', $NOW + 60);

$r = store('company', cid => 'acme', args => [
    'mfa:company:acme', 'mfa:company:acme:members', 'mfa:user:', 2 ]);
is(scalar @$r, $P{NGX_HTTP_MFA_COMPANY_N}, 'company: as many elements as named');
is(at($r, 'NGX_HTTP_MFA_COMPANY_EXISTS'), 1, 'company: exists');
is(at($r, 'NGX_HTTP_MFA_COMPANY_CHANGED_BY'), 'admin:bob', 'company: who');
is(at($r, 'NGX_HTTP_MFA_COMPANY_MEMBERS_KNOWN'), 1, 'company: members known');
is(at($r, 'NGX_HTTP_MFA_COMPANY_MEMBERS_TOTAL'), 3, 'company: three members');
is_deeply(at($r, 'NGX_HTTP_MFA_COMPANY_MEMBERS'),
          [ 'amy', 1700000000, $NOW + 60, 'ann', '', '' ],
          'company: the first two, in order, with since and until');
is(at($r, 'NGX_HTTP_MFA_COMPANY_NAME'), 'Acme Ltd', 'company: the name');

###########################################################################
# mfactl's scripts

sub reset_user {
    my ($uid) = @_;
    return $t->redis('EVAL', $S{reset}, 4, "mfa:user:$uid",
                     "mfa:user:$uid:recovery", "mfa:user:$uid:guard",
                     'mfa:audit', $NOW, 1000, 'event', 'reset', 'user', $uid);
}

$t->redis('HSET', 'mfa:user:cy', 'gen', 4, 'since', 1, 'secret', 'S',
          'step', 9, 'totp', 'SHA1 6 30', 'recovery', 'k s');
$t->redis('SADD', 'mfa:user:cy:recovery', 'h');
$t->redis('HSET', 'mfa:user:cy:guard', 'n', 3);
$r = reset_user('cy');
is_deeply([ map { at($r, $_) } qw(MFACTL_RESET_WAS MFACTL_RESET_GEN
                                  MFACTL_RESET_REPLACED) ], [ 1, 5, 0 ],
          'reset: was enrolled, next generation');
is_deeply(hash_of('mfa:user:cy'), { gen => 5 }, 'reset: only gen is left');
is($t->redis('EXISTS', 'mfa:user:cy:recovery') + $t->redis('EXISTS',
   'mfa:user:cy:guard'), 0, 'reset: codes and guard gone');
is(events()->[-1], 'reset', 'reset: audited');

$t->redis('SET', 'mfa:user:dee', 'not a hash');
$r = reset_user('dee');
is_deeply([ map { at($r, $_) } qw(MFACTL_RESET_WAS MFACTL_RESET_GEN
                                  MFACTL_RESET_REPLACED) ], [ 0, $NOW, 1 ],
          'reset: a record of another type replaced, gen = now');
$t->redis('HSET', 'mfa:user:eve', 'gen', 'x');
is(at(reset_user('eve'), 'MFACTL_RESET_GEN'), $NOW,
   'reset: a gen that is not a number replaced by now');

$t->redis('HSET', 'h', 'secret', 'old');
is($t->redis('EVAL', $S{cas_hash}, 1, 'h', 'secret', 'other', 'new'), 0,
   'cas_hash: another value read: not replaced');
is($t->redis('EVAL', $S{cas_hash}, 1, 'h', 'secret', 'old', 'new'), 1,
   'cas_hash: replaced');
is($t->redis('HGET', 'h', 'secret'), 'new', 'cas_hash: the new value');

$t->redis('SET', 's', 'old', 'PX', 100000);
is($t->redis('EVAL', $S{cas_string}, 1, 's', 'other', 'new'), 0,
   'cas_string: another value read: not replaced');
is($t->redis('EVAL', $S{cas_string}, 1, 's', 'old', 'new'), 1,
   'cas_string: replaced');
ok($t->redis('PTTL', 's') > 90000, 'cas_string: its time to live kept');
$t->redis('SET', 'p', 'old');
$t->redis('EVAL', $S{cas_string}, 1, 'p', 'old', 'new');
is($t->redis('TTL', 'p'), -1, 'cas_string: none given to a key without');

###########################################################################
# lua2c.pl

my $dir = tempdir(CLEANUP => 1);
open my $fh, '>', "$dir/typo.lua" or die;
print $fh "local a = 1\nreturn MFA_NO_SUCH_NAME + a\n";
close $fh;
my $err = `perl $REPO/scripts/lua2c.pl $REPO/src/mfa_keys.h $dir/typo.lua 2>&1 >/dev/null`;
isnt($? >> 8, 0, 'lua2c.pl: a name mfa_keys.h lacks fails the build');
like($err, qr{typo\.lua:2: MFA_NO_SUCH_NAME is not defined},
     'lua2c.pl: and names the file, line and name');

like(`perl $REPO/scripts/lua2c.pl $REPO/src/mfa_keys.h $REPO/src/lua/store.lua`,
     qr/static const char  mfa_lua_store\[\] =\n    "-- /,
     'lua2c.pl: the header holds the script as mfa_lua_store');

$t->done_testing();
