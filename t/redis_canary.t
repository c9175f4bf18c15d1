# mfa_redis_canary_key: a Redis that lost the module's data (restarted
# without persistence, flushed, another database) fails closed instead of
# answering "no policy, not enrolled".  Without the directive, a user who
# logs in again after such a loss passes as "not_required": the hazard the
# key is for.  With it, that Redis counts as down (503) until the key is
# written again: at the start, after FLUSHALL, after the key's deletion,
# within a second of a SWAPDB (which Redis does not announce), and after a
# restart empty; and everything comes back once it is there.

use strict;
use warnings;

use lib 't/lib';
use MfaTest;
use GateTest;
use SentinelTest;
use Test::More;

my $t = MfaTest->new();
$t->start_redis();
$t->start_upstream();
$t->write_key_file('mfa.key');
$t->allow_log(qr/mfa: the key "mfa:canary" is missing|mfa: lost the|mfa: cannot connect|mfa: 2FA state could not be read|mfa: Redis at .* is back|connect\(\) failed/);

sub seed {
    session($t, 'bob1', 'bob', 'acme');
    $t->redis('HSET', 'mfa:company:acme', 'require_2fa', '1');
    enrol($t, 'bob', 1);
    session($t, 'ann1', 'ann', 'acme');
    enrol($t, 'ann', 1);
    verify($t, 'ann1', 'ann', 1);
}

sub get {
    my ($sid) = @_;
    return $t->http(GET => '/x', headers => { %NAV, Cookie => "sid=$sid" });
}

# the dashboard writes a new session for bob after a login
sub login_again {
    session($t, 'bob2', 'bob', 'acme');
    return get('bob2');
}

sub restart_empty {
    $t->kill_redis();
    $t->start_redis();
}

# Redis in the same turn as the writes before it: their invalidations sent
sub settle { $t->redis('PING') }

# without the key: the hazard

seed();
$t->run(gate_conf($t));
is(get('bob1')->status, 302, 'bob, enrolled in a company that requires '
   . '2FA: challenged');

restart_empty();
SentinelTest::wait_for(sub { get('ann1')->status != 503 }, 10,
                       'the gate on the empty Redis');
my $r = login_again();
is($r->status, 200, 'without the key, Redis restarted empty: bob logs in '
   . 'again and passes');
is(saw($r, 'X-MFA-Status'), 'not_required',
   '... as not required: the mandate and his enrolment are gone');

# with the key

ok($t->reload(gate_conf($t, http => 'mfa_redis_canary_key mfa:canary;')),
   'mfa_redis_canary_key mfa:canary');
$t->redis('FLUSHALL');
seed();

SentinelTest::wait_for(sub { get('ann1')->status == 503 }, 10,
                       'the new workers to refuse a Redis without the key');
is(get('bob1')->status, 503, 'the key missing: bob gets 503');
like($t->error_log, qr/mfa: the key "mfa:canary" is missing at Redis "127\.0\.0\.1:\d+" \(EXISTS: 0\): its data is not the module's \(started empty, flushed, another database\?\), so every request fails as when Redis is down until the key is there again/,
     'the log says why');
is($t->http(GET => '/x', headers => \%NAV)->status, 200,
   'a request without a session still goes through');

sub count { my ($re) = @_; return scalar(() = $t->error_log =~ /$re/g) }

my $back = count(qr/mfa: Redis at "[^"]*" is back/);
SentinelTest::wait_for(sub { count(qr/mfa: the key "mfa:canary" is missing/) >= 2 },
                       10, 'the worker to try again');
is(count(qr/mfa: Redis at "[^"]*" is back/), $back,
   'tried again and again: never logged as "back" meanwhile');

$t->redis('SET', 'mfa:canary', 'written by the operator');
SentinelTest::wait_for(sub { get('ann1')->status == 200 }, 10,
                       'the gate back once the key is written');
is(get('bob1')->status, 302, 'the key there: bob challenged again');

# FLUSHALL: the next request is refused

$t->redis('FLUSHALL');
settle();
is(login_again()->status, 503, 'FLUSHALL: bob, logging in again, gets 503');
is(get('ann1')->status, 503, '... and so does everyone');

seed();
$t->redis('SET', 'mfa:canary', '1');
SentinelTest::wait_for(sub { get('ann1')->status == 200 }, 10,
                       'the data and the key back');

# the key deleted: the next request is refused

$t->redis('DEL', 'mfa:canary');
settle();
is(get('ann1')->status, 503, 'the key deleted: 503 at the next request');
$t->redis('SET', 'mfa:canary', '1');
SentinelTest::wait_for(sub { get('ann1')->status == 200 }, 10,
                       'the key written again');
is(get('bob1')->status, 302, '... bob challenged');

# SWAPDB, which Redis 7.0 does not tell tracking clients of: found by the
# check once a second, and nothing read meanwhile is kept

$t->redis('SWAPDB', '0', '1');
session($t, 'bob3', 'bob', 'acme');
get('bob3');
SentinelTest::wait_for(sub { get('ann1')->status == 503 }, 10,
                       'the check to find the key gone');
pass('SWAPDB to an empty database: 503 within the second');
$t->redis('SWAPDB', '0', '1');
SentinelTest::wait_for(sub { get('ann1')->status == 200 }, 10,
                       'the data back in database 0');
is(get('bob1')->status, 302, 'SWAPDB back: bob challenged (no fact of the '
   . 'empty database kept)');

# Redis restarted empty: bob logs in again and is refused, not let through

restart_empty();
SentinelTest::wait_for(sub { $t->error_log =~ /mfa: lost the connection/ },
                       10, 'the gate to see the restart');
$r = login_again();
is($r->status, 503, 'Redis restarted empty: bob, logging in again, gets 503');
is(get('ann1')->status, 503, '... and so does everyone');

seed();
$t->redis('SET', 'mfa:canary', '1');
SentinelTest::wait_for(sub { get('bob2')->status == 302 }, 10,
                       'the data restored');
pass('the data restored: bob challenged again');

$t->done_testing();
