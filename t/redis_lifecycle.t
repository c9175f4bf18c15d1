# The per-worker Redis connection over its life: the real redis-server
# killed (503 while it is down) and restarted (back to normal without an
# nginx reload); clients going away while their lookup is in flight; reload
# and graceful quit while lookups are stalled.

use strict;
use warnings;

use lib 't/lib';
use FakeRedis;
use IO::Socket::INET;
use IO::Select;
use MfaTest;
use GateTest;
use Test::More;
use Time::HiRes qw(sleep time);

sub gated {
    my ($t) = @_;
    return $t->http(GET => '/reports', headers => { %NAV, Cookie => 'sid=s' });
}

# sends a gated request on a new connection and leaves it waiting
sub stall {
    my ($t) = @_;
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
                                  PeerPort => $t->port('http'))
        or die "connect: $!";
    print $s "GET /reports HTTP/1.1\r\nHost: x\r\nCookie: sid=s\r\n"
        . "Connection: close\r\n\r\n";
    return $s;
}

sub answer {
    my ($s, $wait) = @_;
    my $raw = '';
    IO::Select->new($s)->can_read($wait) or return '';
    sysread($s, $raw, 4096);
    return $raw;
}

# --- the real redis-server killed and restarted
{
    my $t = MfaTest->new();
    $t->start_redis();
    $t->start_upstream();
    $t->allow_log(qr/mfa: /);
    $t->run(gate_conf($t));

    session($t, 's', '42', 'acme');
    is(gated($t)->status, 200, 'Redis up: through');

    $t->kill_redis();

    for my $i (1 .. 3) {
        my $r = gated($t);
        is($r->status, 503, "Redis down, request $i: 503");
        is($r->header('Retry-After'), '5', "Redis down, request $i: Retry-After");
    }

    is($t->http(GET => '/static/x')->status, 200, 'Redis down: mfa off served');

    $t->start_redis();
    session($t, 's', '42', 'acme');

    my $status = 0;
    for (1 .. 100) {
        $status = gated($t)->status;
        last if $status == 200;
        sleep 0.1;
    }

    is($status, 200, 'Redis back: through again, without a reload');
    like($t->error_log, qr/lost the connection to Redis/, 'the loss was logged');

    $t->finish();
}

# --- 200 clients go away while their lookups are in flight
{
    my $t = MfaTest->new();
    my $fake = FakeRedis->new(behaviour => 'silent', port => $t->port('fake'));

    $t->start_upstream();
    $t->allow_log(qr/mfa: /);
    $t->run(gate_conf($t, redis => '127.0.0.1:%%PORT_FAKE%%',
                      timeout => '1s'));

    for (1 .. 200) {
        $t->http(GET => '/reports', headers => { Cookie => 'sid=s' },
                 aborted => 0.02);
    }

    # the lookups fail at their timeout: nothing may touch the gone requests
    # (each client waits 20 ms, time enough for nginx to have read it)
    sleep 1.5;

    is($t->http(GET => '/static/x')->status, 200, 'still serving after aborts');

    my $aborted = () = $t->read_file('access.log') =~ /" 499 /g;
    ok($aborted >= 150, "aborts seen while the lookups were in flight "
                        . "($aborted of 200 logged 499)");
    unlike($t->error_log, qr/exited on signal/, 'no worker crash');

    $t->finish();
    $fake->stop();
}

# --- reload and graceful quit while lookups are stalled
{
    my $t = MfaTest->new();
    my $fake = FakeRedis->new(behaviour => 'silent', port => $t->port('fake'));

    $t->start_upstream();
    $t->allow_log(qr/mfa: /);
    $t->run(gate_conf($t, redis => '127.0.0.1:%%PORT_FAKE%%',
                      timeout => '2s'));

    my @old = $t->worker_pids();
    my @stalled = map { stall($t) } 1 .. 5;

    ok($t->reload(), 'reload accepted while lookups are stalled');
    is($t->http(GET => '/static/x')->status, 200, 'new workers serve');

    for my $i (0 .. $#stalled) {
        like(answer($stalled[$i], 10), qr{^HTTP/1\.1 503},
             "stalled request $i answered 503 by the old worker");
    }

    my $gone = 0;
    for (1 .. 100) {
        $gone = !grep { kill 0, $_ } @old;
        last if $gone;
        sleep 0.1;
    }

    ok($gone, 'the old worker exited after its lookups ended');

    @stalled = map { stall($t) } 1 .. 5;
    sleep 0.2;

    # the harness's stop() checks that nginx exits on QUIT in time
    $t->stop(timeout => 8);

    for my $i (0 .. $#stalled) {
        like(answer($stalled[$i], 1), qr{^HTTP/1\.1 503},
             "stalled request $i answered before exiting");
    }

    $t->finish();
    $fake->stop();
}

done_testing();
