# mfa_redis_sentinel: the gate finds the master through real Redis
# Sentinels (Debian's redis-sentinel: a master, a replica, three
# sentinels, quorum 2), follows "+switch-master", and takes no query from a
# Redis that does not say it is the master (ROLE).  Through a manual
# failover, the master killed (-9), the old master back empty, and every
# sentinel down: a request of a user who must enrol is never let through
# (a failover in progress is Redis down: 503), and the gate reads the new
# master once it is promoted.

use strict;
use warnings;

use lib 't/lib';
use MfaTest;
use GateTest;
use SentinelTest;
use Test::More;
use Time::HiRes qw(sleep time);

my $t = MfaTest->new();
my $m = $t->start_redis(args => [SentinelTest::master_args()]);
my $rp = SentinelTest::start_replica($t, 'replica', $m);
my @s = map { SentinelTest::start_sentinel($t, "sentinel$_", 'mymaster', $m,
                                           quorum => 2) } 1 .. 3;
$t->start_upstream();
$t->allow_log(qr/mfa: |connect\(\) failed|Connection refused/);
$t->write_key_file('mfa.key');

my $dead = $t->port('sentinel-dead');

sub conf {
    my ($sentinels, $more) = @_;

    $more //= '';

    return <<"CONF";
http {
    mfa_redis_sentinel   $sentinels;
    $more
    mfa_redis_timeout    300ms;
    mfa_secret_key_file  %%TESTDIR%%/mfa.key;

    upstream dashboard { server 127.0.0.1:%%PORT_UPSTREAM%%; }

    server {
        listen 127.0.0.1:%%PORT_HTTP%%;

        mfa_session_cookie   sid;
        mfa_session_key      sess:\$mfa_session_id;
        mfa_session_user     user.id;
        mfa_session_company  company_id;

        location / {
            mfa on;
            proxy_pass http://dashboard;
        }
    }
}
CONF
}

# a user verified in a company without a mandate; one who must enrol
session($t, 's1', 'u1', 'open');
enrol($t, 'u1', 1);
verify($t, 's1', 'u1', 1);
session($t, 'p1', 'p1', 'strict');
$t->redis('HSET', 'mfa:company:strict', 'require_2fa', '1');

SentinelTest::wait_for(sub {
    SentinelTest::cli($rp, 'GET', 'sess:p1') =~ /p1/
}, 10, 'the replica to have the records');

sub status {
    my ($sid) = @_;
    return $t->http(GET => '/x', headers => { %NAV, Cookie => "sid=$sid" })
             ->status // 0;
}

# requests for $seconds, or until $until says so: (statuses of s1, of p1)
sub hammer {
    my ($seconds, $until) = @_;

    my (%s1, %p1);
    my $deadline = time() + $seconds;

    while (time() < $deadline) {
        $s1{status('s1')}++;
        $p1{status('p1')}++;
        last if $until && $until->();
    }

    return (\%s1, \%p1);
}

sub counts {
    my ($h) = @_;
    return join ', ', map { "$_: $h->{$_}" } sort keys %$h;
}

# a sentinel with a password of its own

my $auth = SentinelTest::start_sentinel($t, 'sentinel-auth', 'mymaster', $m,
                                        password => 'sentinel-pw');
my $pw = $t->write_file('sentinel.pass', "sentinel-pw\n", 0600);
$t->run(conf("mymaster 127.0.0.1:$auth",
             "mfa_redis_sentinel_password_file $pw;"));

SentinelTest::wait_for(sub { status('s1') == 200 }, 10,
                       'the gate on the master, through a sentinel with '
                       . 'a password');
pass('a sentinel with a password, given: the master found');
unlike($t->error_log, qr/sentinel-pw/, 'the password is not logged');

ok($t->reload(conf("mymaster 127.0.0.1:$auth")), 'without the password');
my ($s1, $p1) = hammer(1);
is($s1->{200} // 0, 0, '... no one through (' . counts($s1) . ')');
like($t->error_log, qr/mfa: sentinel at "127\.0\.0\.1:$auth" refused|sentinel "127\.0\.0\.1:$auth" did not give the address/,
     '... and the log says the sentinel refused');

# a sentinel whose master is the replica: ROLE refuses it

my $stale = SentinelTest::start_sentinel($t, 'sentinel-stale', 'stale', $rp);
ok($t->reload(conf("stale 127.0.0.1:$stale")), 'a stale sentinel');

($s1, $p1) = hammer(1.5);
is($s1->{200} // 0, 0, 'a sentinel that names a replica: no one through ('
   . counts($s1) . ')');
is($p1->{200} // 0, 0, '... not the one who must enrol either ('
   . counts($p1) . ')');
like($t->error_log, qr/mfa: Redis at "127\.0\.0\.1:$rp" is not the master "stale" \(ROLE: slave\): asking the sentinels again/,
     'the log says the Redis named is not the master');

# the real ones, after a sentinel that is down

ok($t->reload(conf("mymaster 127.0.0.1:$dead "
                   . join(' ', map { "127.0.0.1:$_" } @s))), 'reload');

SentinelTest::wait_for(sub { status('s1') == 200 }, 10, 'the gate on the master');
is(status('p1'), 302, 'the one who must enrol: sent to enrolment');
like($t->error_log, qr/mfa: the master "mymaster" is at "127\.0\.0\.1:$m" \(a sentinel's answer\)/,
     'the master found through a sentinel, and logged');

# a manual failover, under requests

SentinelTest::wait_for(sub {
    SentinelTest::cli($s[0], 'SENTINEL', 'replicas', 'mymaster') =~ /\b$rp\b/
}, 20, 'the sentinels to know the replica');

is(SentinelTest::cli($s[0], 'SENTINEL', 'failover', 'mymaster'), "OK\n",
   'SENTINEL FAILOVER');

my $t0 = time();
($s1, $p1) = hammer(30, sub {
    (SentinelTest::master_of($s[0], 'mymaster') // 0) == $rp
        && status('s1') == 200
});
note(sprintf 'failover: %.2f s until verified requests passed again',
     time() - $t0);

is($p1->{200} // 0, 0, 'during the failover, the one who must enrol is '
   . 'never let through (' . counts($p1) . ')');
is(join(',', sort grep { $_ != 200 && $_ != 503 } keys %$s1), '',
   'the verified one: through or 503, nothing else (' . counts($s1) . ')');
like($t->error_log, qr/mfa: the master "mymaster" is at "127\.0\.0\.1:$rp" \(\+switch-master\)/,
     '+switch-master followed');

# the gate reads the new master: a session only it has been asked for

sub getranges {
    my ($port) = @_;
    my ($n) = SentinelTest::cli($port, 'INFO', 'commandstats')
              =~ /cmdstat_getrange:calls=(\d+)/;
    return $n // 0;
}

# ($t->redis is the old master, a replica now)
SentinelTest::cli($rp, 'SET', 'sess:s2',
                  '{"user":{"id":"n2"},"company_id":"open"}');
my $before = getranges($rp);
is(status('s2'), 200, 'a session written on the new master (a user '
   . 'without 2FA): through');
ok(getranges($rp) > $before, 'read on the new master');

# the new master killed: 503 while the sentinels promote the other

SentinelTest::wait_for(sub {
    SentinelTest::cli($m, 'ROLE') =~ /^slave/
        && SentinelTest::cli($m, 'INFO', 'replication')
           =~ /master_link_status:up/
}, 30, 'the old master to be a replica in sync');

SentinelTest::kill_server($t, 'replica', 'KILL');
$t0 = time();
($s1, $p1) = hammer(40, sub {
    (SentinelTest::master_of($s[0], 'mymaster') // 0) == $m
        && status('s1') == 200
});
my $window = time() - $t0;
note(sprintf 'master killed: %.2f s until verified requests passed again '
     . '(down-after 1 s, then the election)', $window);

is($p1->{200} // 0, 0, 'master killed: the one who must enrol is never let '
   . 'through (' . counts($p1) . ')');
ok(($s1->{503} // 0) > 0, 'the verified one got 503 meanwhile ('
   . counts($s1) . ')');
is(status('s1'), 200, 'then through again, on the promoted one');
is(status('p1'), 302, 'and the mandate is still there');

# the killed master back, empty, as a master of its own: the gate stays
# on the one the sentinels name

my $back = SentinelTest::start_server($t, 'replica', $rp);
($s1, $p1) = hammer(3);
is($p1->{200} // 0, 0, 'an empty Redis back on the old address: the one '
   . 'who must enrol still sent to enrolment (' . counts($p1) . ')');
ok(($s1->{200} // 0) > 0 && !$s1->{503},
   'the verified one through all along (' . counts($s1) . ')');

# the sentinels make it a replica of the master they name: still nothing
# changes for the gate

SentinelTest::wait_for(sub {
    SentinelTest::cli($back, 'ROLE') =~ /^slave/
}, 30, 'the sentinels to make the old master a replica');
($s1, $p1) = hammer(1);
ok(($s1->{200} // 0) > 0 && !$s1->{503} && !($p1->{200} // 0),
   'the old master back as a replica: the verified one through, the one '
   . 'who must enrol sent to enrolment (' . counts($s1) . '; '
   . counts($p1) . ')');

# every sentinel down: the connection to the master goes on

SentinelTest::kill_server($t, "sentinel$_", 'KILL') for 1 .. 3;
is(status('s1'), 200, 'every sentinel down: the verified one still through');
is(status('p1'), 302, 'the one who must enrol still sent to enrolment');

$t->done_testing();
