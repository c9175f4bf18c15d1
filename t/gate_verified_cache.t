# mfa_verified_cache: a session that passed as "verified" is let through
# again without asking Redis for at most the configured time (1 s by
# default, never more); other outcomes are never reused, so a policy flip
# applies at the next request; a disable is seen once the time is over.

use strict;
use warnings;

use lib 't/lib';
use MfaTest;
use GateTest;
use Test::More;
use IO::Select;
use IO::Socket::INET;
use POSIX ();
use Time::HiRes qw(sleep time);

my $t = MfaTest->new();
$t->start_redis();
$t->start_upstream();

for my $bad ('2s', '0', 'x', '1001ms') {
    my ($rc, $out) = $t->nginx_t(gate_conf($t,
        server => "mfa_verified_cache $bad;"));
    isnt($rc, 0, "mfa_verified_cache $bad refused");
    like($out, qr/"mfa_verified_cache" directive must be "off" or a time from 1ms to 1s/,
         "mfa_verified_cache $bad: the message says why");
}

# a Redis timeout longer than the cache, for the slow answer below
$t->run(gate_conf($t, timeout => '3s'));

sub get {
    my ($sid) = @_;
    return $t->http(GET => '/r', headers => { %NAV, Cookie => "sid=$sid" });
}

sub evalsha {
    my $info = $t->redis('INFO', 'commandstats');
    return $info =~ /^cmdstat_evalsha:calls=(\d+)/m ? $1 : 0;
}

session($t, 'v', '7', 'acme');
enrol($t, '7', 1);
verify($t, 'v', '7', 1);

my $before = evalsha();
my $r = get('v');
is($r->status, 200, 'verified: through');
is(evalsha() - $before, 1, 'the first request asks Redis');

$before = evalsha();
for (1 .. 10) {
    $r = get('v');
}
is($r->status, 200, 'again: through');
is(saw($r, 'X-MFA-User'), '7', 'with the user');
is(saw($r, 'X-MFA-Status'), 'verified', 'as verified');
ok(evalsha() - $before < 10, 'within the second, Redis is not asked each time');

# another session id with the same record is not served from the cache
$t->redis('SET', 'sess:w', $t->redis('GET', 'sess:v'));
is(get('w')->status, 302, 'another session of the same user: challenge');

# a disable is seen once the second is over
$t->redis('HDEL', 'mfa:user:7', 'since');
$t->redis('HINCRBY', 'mfa:user:7', 'gen', 1);
$t->redis('HSET', 'mfa:company:acme', 'require_2fa', '1');
sleep 1.1;
is(get('v')->status, 302, 'after the second: the disable applies');

# a decision counts from when Redis was asked: an answer slower than the
# cache's second is used once, not kept
session($t, 'slow', '9', 'acme');
enrol($t, '9', 1);
verify($t, 'slow', '9', 1);
$before = evalsha();

my $busy = fork();
die "fork: $!\n" unless defined $busy;

if ($busy == 0) {
    # Redis serves no one else while a script runs: 2.5 s of it
    delete $t->{redis_sock};
    $t->redis('EVAL', <<'LUA', 0, 2500000);
local t0 = redis.call('TIME')
repeat
  local t = redis.call('TIME')
until (t[1] - t0[1]) * 1000000 + (t[2] - t0[2]) >= tonumber(ARGV[1])
return 1
LUA
    POSIX::_exit(0);
}

# the script runs once a PING on a new connection gets no answer
my $running = 0;
for (1 .. 100) {
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
                                  PeerPort => $t->port('redis'))
        or die "redis: connect: $!\n";
    syswrite $s, "PING\r\n";
    $running = !IO::Select->new($s)->can_read(0.1);
    close $s;
    last if $running;
    sleep 0.02;
}
ok($running, 'Redis is busy with a 2.5 s script');

my $t0 = time;
$r = get('slow');
my $took = time - $t0;
waitpid $busy, 0;
is($r->status, 200, 'a slow answer: through');
ok($took > 1, 'answered after more than the cache\'s second');
is(get('slow')->status, 200, 'the next request: through');
is(evalsha() - $before, 2, 'by asking Redis again: the late answer was not kept');

# outcomes other than verified are never reused
session($t, 'n', '8', 'open');
is(get('n')->status, 200, 'not enrolled, not required: through');
$t->redis('HSET', 'mfa:company:open', 'require_2fa', '1');
is(get('n')->status, 302, 'policy flip: the very next request');

$t->done_testing();
