# The Redis client against a scripted fake server that misbehaves: a reply
# slower than mfa_redis_timeout or none at all, a connection closed in the
# middle of a reply, a reply split byte by byte, a reply over 16 KB, -ERR
# and -NOAUTH, a refused port, a server that accepts then closes.  Each
# gets the right answer (fail closed: 503 with Retry-After; mfa_fail open:
# through, unchecked), no worker crash and no alert; and an "mfa off"
# location answers while a lookup is stalled.

use strict;
use warnings;

use lib 't/lib';
use FakeRedis;
use MfaTest;
use GateTest;
use IO::Select;
use IO::Socket::INET;
use Test::More;
use Time::HiRes qw(time);

my @cases = (
    # behaviour, expected status, fake's delay
    ['ok', 200],
    ['big', 200],
    ['bytewise', 200, 0.001],
    ['slow', 503, 1],
    ['silent', 503],
    ['close_mid', 503],
    ['error', 503],
    ['noauth', 503],
    ['accept_close', 503],
    ['refused', 503],
);

for my $case (@cases) {
    my ($behaviour, $want, $delay) = @$case;

    my $t = MfaTest->new();
    my $fake;

    if ($behaviour ne 'refused') {
        $fake = FakeRedis->new(behaviour => $behaviour, delay => $delay,
                               port => $t->port('fake'));
    }

    $t->start_upstream();
    $t->allow_log(qr/mfa: /);
    $t->run(gate_conf($t, redis => '127.0.0.1:%%PORT_FAKE%%',
                      timeout => '300ms', locations => <<'CONF'));
        location /open/ {
            mfa on;
            mfa_fail open;
            proxy_pass http://dashboard;
        }
CONF

    for my $i (1 .. 3) {
        my $r = $t->http(GET => '/reports',
                         headers => { %NAV, Cookie => 'sid=s' });
        is($r->status, $want, "$behaviour, request $i: $want");

        if ($want == 503) {
            is($r->header('Retry-After'), '5', "$behaviour: Retry-After");
            ok(!MfaTest::echoed($r), "$behaviour: not proxied");

        } else {
            is(saw($r, 'X-MFA-User'), '42', "$behaviour: user read");
        }
    }

    if ($want == 503) {
        my $r = $t->http(GET => '/open/x', headers => { Cookie => 'sid=s' });
        is($r->status, 200, "$behaviour, mfa_fail open: through");
        is(saw($r, 'X-MFA-Status'), 'unchecked', "$behaviour: unchecked");
        like($t->error_log, qr/\[warn\].*let through by "mfa_fail open"/,
             "$behaviour, mfa_fail open: logged");

        $r = $t->http(GET => '/reports', headers => { %NAV });
        is($r->status, 200, "$behaviour: no session id needs no Redis");
    }

    like($t->error_log, qr/worker process \d+ exited|start worker/,
         "$behaviour: log readable");
    unlike($t->error_log, qr/exited on signal/, "$behaviour: no crash");

    $t->finish();
    $fake->stop() if $fake;
}

# while a lookup is stalled, other requests are served: the worker does not
# wait for Redis
{
    my $t = MfaTest->new();
    my $fake = FakeRedis->new(behaviour => 'silent', port => $t->port('fake'));

    $t->start_upstream();
    $t->allow_log(qr/mfa: /);
    $t->run(gate_conf($t, redis => '127.0.0.1:%%PORT_FAKE%%',
                      timeout => '3s'));

    my $stalled = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
                                        PeerPort => $t->port('http'))
        or die "connect: $!";
    print $stalled "GET /reports HTTP/1.1\r\nHost: x\r\nCookie: sid=s\r\n"
        . "Connection: close\r\n\r\n";

    my $r = $t->http(GET => '/static/app.js');
    is($r->status, 200, 'mfa off answers while a lookup is stalled');

    my $sel = IO::Select->new($stalled);
    ok(!$sel->can_read(0), 'the stalled request is still waiting then');

    my $raw = '';
    $sel->can_read(10);
    sysread($stalled, $raw, 4096);
    like($raw, qr{^HTTP/1\.1 503}, 'and gets 503 when the lookup times out');

    $t->finish();
    $fake->stop();
}

# The cache's hard bound: the invalidation connection stays open but its
# subscriptions stop being confirmed, as if its messages were lost.  A
# second after the last confirmation, facts are read again.
{
    my $t = MfaTest->new();
    my $reads = $t->path('reads.log');
    my $fake = FakeRedis->new(behaviour => 'mute', delay => 2.5,
                              log => $reads, port => $t->port('fake'));

    $t->start_upstream();
    $t->allow_log(qr/mfa: /);
    $t->run(gate_conf($t, redis => '127.0.0.1:%%PORT_FAKE%%'));

    my $start = time;
    my $lines = sub { my $s = $t->read_file('reads.log') // ''; () = $s =~ /\n/g };
    my $get = sub {
        $t->http(GET => '/reports', headers => { %NAV, Cookie => 'sid=s' })
    };

    my $cached = 0;
    while (time - $start < 2.2) {
        my $before = $lines->();
        is($get->()->status, 200, 'mute: through') unless $cached;
        if ($lines->() == $before) { $cached = 1; last }
        select(undef, undef, undef, 0.02);
    }
    ok($cached, 'while its subscriptions are confirmed, the cache is used');

    # the last confirmation came at most 2.5 s after the start
    select(undef, undef, undef, 3.7 - (time - $start));

    my $before = $lines->();
    my $r = $get->();
    is($r->status, 200, 'a second after the last confirmation: through');
    ok($lines->() > $before, 'read again: nothing cached is used');

    $t->finish();
    $fake->stop();
}

done_testing();
