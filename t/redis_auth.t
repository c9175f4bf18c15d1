# AUTH and SELECT on connect: mfa_redis_password_file ("password" or
# "user password") and mfa_redis_db; a wrong password fails closed and
# says why in the error log.

use strict;
use warnings;

use lib 't/lib';
use MfaTest;
use GateTest;
use Test::More;
use Time::HiRes qw(sleep);

sub gated {
    my ($t) = @_;
    return $t->http(GET => '/reports', headers => { %NAV, Cookie => 'sid=s' });
}

for my $case (['password', "sekret\n"], ['user password', "default sekret"]) {
    my ($name, $file) = @$case;

    my $t = MfaTest->new();
    $t->start_redis(password => 'sekret');
    $t->start_upstream();
    $t->write_file('redis.pass', $file, 0600);

    # the same key in databases 0 and 3, for different users
    session($t, 's', 'user-in-db0', 'acme');
    $t->redis('SELECT', '3');
    session($t, 's', 'user-in-db3', 'acme');

    $t->run(gate_conf($t, http => 'mfa_redis_password_file '
                      . '%%TESTDIR%%/redis.pass; mfa_redis_db 3;'));

    my $r = gated($t);
    is($r->status, 200, "AUTH with \"$name\": through");
    is(saw($r, 'X-MFA-User'), 'user-in-db3', 'SELECT 3: read from database 3');

    $t->finish();
}

# the ACL user of docs/operations.md: the gate reads, and its cache works
# (CLIENT ID, CLIENT TRACKING, SUBSCRIBE to its channels)
{
    my $t = MfaTest->new();
    $t->start_redis(password => 'sekret');
    $t->start_upstream();
    $t->redis('ACL', 'SETUSER', 'mfa', 'on', '>CHANGE-ME-1', 'resetkeys',
              '~mfa:*', '~sess:*', 'resetchannels', '&__redis__:invalidate',
              '&__mfa__:alive:*', '&__keyevent@0__:*', '-@all',
              '+@connection', '+eval', '+evalsha', '+@read', '+@write',
              '+subscribe', '-@admin', '-@dangerous', '+sort');
    $t->write_file('redis.pass', "mfa CHANGE-ME-1\n", 0600);
    session($t, 's', 'ann', 'acme');

    $t->run(gate_conf($t, http => 'mfa_redis_password_file '
                      . '%%TESTDIR%%/redis.pass;'));

    my $r = gated($t);
    is($r->status, 200, 'the documented ACL user: through');
    is(saw($r, 'X-MFA-User'), 'ann', 'the session read');

    my $reads = sub { redis_reads($t) };
    my $cached = defined until_cached($t, sub { gated($t) });
    ok($cached, 'and its cache is used: tracking and invalidations allowed');

    $t->redis('HSET', 'mfa:company:acme', 'require_2fa', '1');
    is(gated($t)->status, 302, 'a flip is seen at the next request');
    unlike($t->error_log, qr/refused|NOPERM/, 'nothing refused');

    $t->finish();
}

# the same user with "mfa_session_events on" (and +info, which it needs
# to see CONFIG SET and SWAPDB): a touch reads nothing, a change is seen;
# without the keyevent channels or INFO nothing is cached, and the log
# says why
for my $case ([ 'the documented user', 1, 1 ],
              [ 'without the keyevent channels', 0, 1 ],
              [ 'without INFO', 1, 0 ])
{
    my ($name, $channels, $info) = @$case;
    my $t = MfaTest->new();
    $t->start_redis(password => 'sekret',
                    args => [ '--notify-keyspace-events', 'Eg$hxn' ]);
    $t->start_upstream();
    $t->redis('ACL', 'SETUSER', 'mfa', 'on', '>CHANGE-ME-1', 'resetkeys',
              '~mfa:*', '~sess:*', 'resetchannels', '&__redis__:invalidate',
              '&__mfa__:alive:*', ($channels ? '&__keyevent@0__:*' : ()),
              '-@all', '+@connection', '+eval', '+evalsha', '+@read',
              '+@write', '+subscribe', '-@admin', '-@dangerous', '+sort',
              ($info ? '+info' : ()));
    $t->write_file('redis.pass', "mfa CHANGE-ME-1\n", 0600);
    $t->allow_log(qr/mfa: /) unless $channels && $info;
    session($t, 's', 'ann', 'acme');

    $t->run(gate_conf($t, http => 'mfa_redis_password_file '
                      . '%%TESTDIR%%/redis.pass; mfa_session_events on;'));

    my $reads = sub { redis_reads($t) };
    my $cached = defined until_cached($t, sub { gated($t) });

    if ($channels && $info) {
        ok($cached, "events, $name: cached");
        $t->redis('EXPIRE', 'sess:s', 3600);
        my $before = $reads->();
        gated($t);
        is($reads->(), $before, "$name: a touch reads nothing");
        session($t, 's', 'bob', 'acme');
        is(saw(gated($t), 'X-MFA-User'), 'bob', "$name: a change is seen at once");
        unlike($t->error_log, qr/refused|NOPERM|no keyspace event/,
               "$name: nothing refused");

    } else {
        ok(!$cached, "events, $name: sessions not cached");
        session($t, 's', 'bob', 'acme');
        is(saw(gated($t), 'X-MFA-User'), 'bob', "$name: a change is seen at once");
        like($t->error_log, $channels
                            ? qr/refused INFO stats commandstats \(NOPERM[^)]*\): sessions are read at every request/
                            : qr/NOPERM/,
             "$name: the refusal is logged");
    }

    $t->finish();
}

{
    my $t = MfaTest->new();
    $t->start_redis(password => 'sekret');
    $t->start_upstream();
    $t->write_file('redis.pass', "wrong\n", 0600);
    $t->allow_log(qr/mfa: /);

    $t->run(gate_conf($t, http => 'mfa_redis_password_file '
                      . '%%TESTDIR%%/redis.pass;'));

    sleep 0.3;
    is(gated($t)->status, 503, 'wrong password: 503');
    like($t->error_log, qr/mfa: Redis at "127\.0\.0\.1:\d+" refused AUTH: WRONGPASS/,
         'wrong password: logged as such');
    unlike($t->error_log, qr/wrong/, 'the password itself is not logged');

    $t->finish();
}

{
    my $t = MfaTest->new();
    $t->start_redis(password => 'sekret');
    $t->start_upstream();
    $t->allow_log(qr/mfa: /);
    $t->run(gate_conf($t));

    is(gated($t)->status, 503, 'no password for a Redis that needs one: 503');
    like($t->error_log, qr/Redis answered a lookup with an error: .*(NOAUTH|unauthenticated)/,
     'the refusal is logged');

    $t->finish();
}

done_testing();
