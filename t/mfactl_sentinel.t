# mfactl --sentinel host:port --master NAME: the master found through real
# Redis Sentinels (Debian's redis-sentinel), a master and a replica; the
# sentinels tried in turn; after a failover, writes go to the new master;
# a Redis that is no master (ROLE) is refused, as are usage mistakes.

use strict;
use warnings;

use lib 't/lib';
use MfaTest;
use MfactlTest;
use SentinelTest;
use Test::More;

my $t = MfaTest->new();
my $m = $t->start_redis(args => [SentinelTest::master_args()]);
my $r = SentinelTest::start_replica($t, 'replica', $m);
my $s1 = SentinelTest::start_sentinel($t, 'sentinel1', 'mymaster', $m);
my $s2 = SentinelTest::start_sentinel($t, 'sentinel2', 'mymaster', $m);
my $down = $t->port('sentinel-down');

sub ctl { return MfactlTest::mfactl_raw({}, @_) }

my @via = ('--sentinel', "127.0.0.1:$s1", '--master', 'mymaster');

my ($rc, $out, $err) = ctl(@via, 'company', 'require', 'acme', 'on');
is($rc, 0, 'company require through the sentinel: exit 0') or diag $err;
is(SentinelTest::cli($m, 'HGET', 'mfa:company:acme', 'require_2fa'), "1\n",
   'written on the master');

($rc, $out, $err) = ctl('--sentinel', "127.0.0.1:$down", @via, 'company',
                        'show', 'acme');
is($rc, 0, 'the first sentinel down: the next one answers');
like($out, qr/2FA: required/, 'with the policy');
like($err, qr/sentinel 127\.0\.0\.1:$down cannot be reached/,
     'the one down is named');

($rc, $out, $err) = ctl('--sentinel', "127.0.0.1:$down", '--master',
                        'mymaster', 'company', 'show', 'acme');
is($rc, 3, 'no sentinel answers: exit 3');
like($err, qr/no sentinel gave the address of the master "mymaster"/,
     'and says so');

($rc, $out, $err) = ctl('--sentinel', "127.0.0.1:$s1", '--master', 'other',
                        'company', 'show', 'acme');
is($rc, 3, 'a name the sentinels do not monitor: exit 3');
like($err, qr/sentinel 127\.0\.0\.1:$s1 monitors no master named "other"/,
     'named');

# a sentinel with a password of its own: MFA_SENTINEL_PASSWORD

my $auth = SentinelTest::start_sentinel($t, 'sentinel-auth', 'mymaster', $m,
                                        password => 'sentinel-pw');
($rc, $out, $err) = MfactlTest::mfactl_raw(
    { MFA_SENTINEL_PASSWORD => 'sentinel-pw' }, '--sentinel',
    "127.0.0.1:$auth", '--master', 'mymaster', 'company', 'show', 'acme');
is($rc, 0, 'a sentinel with a password, MFA_SENTINEL_PASSWORD given: exit 0')
    or diag $err;

($rc, $out, $err) = ctl('--sentinel', "127.0.0.1:$auth", '--master',
                        'mymaster', 'company', 'show', 'acme');
is($rc, 3, '... not given: exit 3');
like($err, qr/sentinel 127\.0\.0\.1:$auth refused: NOAUTH/,
     '... the sentinel\'s refusal said');

($rc, $out, $err) = MfactlTest::mfactl_raw(
    { MFA_SENTINEL_PASSWORD => 'wrong' }, '--sentinel', "127.0.0.1:$auth",
    '--master', 'mymaster', 'company', 'show', 'acme');
is($rc, 3, '... a wrong one: exit 3');
like($err, qr/refused the password from MFA_SENTINEL_PASSWORD/, '... said');
unlike($err, qr/wrong|sentinel-pw/, 'no password printed');

# a failover: the replica becomes the master, writes follow it

SentinelTest::wait_for(sub {
    SentinelTest::cli($s1, 'SENTINEL', 'replicas', 'mymaster') =~ /\b$r\b/
}, 20, 'the sentinel to know the replica');

# (replication is asynchronous: what the test checks after the failover
# must be on the replica first)
SentinelTest::wait_for(sub {
    SentinelTest::cli($r, 'HGET', 'mfa:company:acme', 'require_2fa') eq "1\n"
}, 20, 'the replica to have the policy');

is(SentinelTest::cli($s1, 'SENTINEL', 'failover', 'mymaster'), "OK\n",
   'SENTINEL FAILOVER');

SentinelTest::wait_for(sub {
    (SentinelTest::master_of($s1, 'mymaster') // 0) == $r
        && SentinelTest::cli($r, 'ROLE') =~ /^master/
}, 30, 'the replica to be promoted');

($rc, $out, $err) = ctl(@via, 'company', 'require', 'globex', 'on');
is($rc, 0, 'after the failover: exit 0') or diag $err;
is(SentinelTest::cli($r, 'HGET', 'mfa:company:globex', 'require_2fa'),
   "1\n", 'written on the new master');
is(SentinelTest::cli($r, 'HGET', 'mfa:company:acme', 'require_2fa'), "1\n",
   'which has what was written before the failover');

# a Redis that is not the master: a sentinel whose view is out of date,
# played by a sentinel that monitors the old master's replica under
# another name (it answers with a replica's address)

SentinelTest::wait_for(sub {
    SentinelTest::cli($m, 'ROLE') =~ /^slave/
}, 30, 'the old master to become a replica');

my $s3 = SentinelTest::start_sentinel($t, 'sentinel3', 'stale', $m);
($rc, $out, $err) = ctl('--sentinel', "127.0.0.1:$s3", '--master', 'stale',
                        'company', 'require', 'initech', 'on');
is($rc, 3, 'the address is a replica\'s: exit 3');
like($err, qr/Redis at 127\.0\.0\.1:$m, which the sentinels name as the master "stale", is a slave: a failover is under way, try again/,
     'nothing written, and it says why');
is(SentinelTest::cli($r, 'HGET', 'mfa:company:initech', 'require_2fa'), "\n",
   'nothing written on the master either');

# usage

for my $case (
    [['--sentinel', "127.0.0.1:$s1", 'company', 'show', 'acme'],
     qr/"--sentinel" and "--master" go together/],
    [['--master', 'mymaster', 'company', 'show', 'acme'],
     qr/"--sentinel" and "--master" go together/],
    [[@via, '-p', $m, 'company', 'show', 'acme'],
     qr/cannot be used with -h, -p or -s/],
    [['--sentinel', '127.0.0.1', '--master', 'x', 'company', 'show', 'a'],
     qr/invalid --sentinel "127\.0\.0\.1": host:port/],
    [['--sentinel', '127.0.0.1:0', '--master', 'x', 'company', 'show', 'a'],
     qr/invalid --sentinel/],
    [['--sentinel', ':26379', '--master', 'x', 'company', 'show', 'a'],
     qr/invalid --sentinel/],
    [['--sentinel', "127.0.0.1:$s1", '--master', '', 'company', 'show', 'a'],
     qr/"--master" needs the name/],
) {
    my ($argv, $want) = @$case;
    ($rc, $out, $err) = ctl(@$argv);
    is($rc, 1, "@$argv: exit 1");
    like($err, $want, '... and says why');
}

$t->done_testing();
