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
use Time::HiRes qw(sleep);

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

$t->run(gate_conf($t));

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

# outcomes other than verified are never reused
session($t, 'n', '8', 'open');
is(get('n')->status, 200, 'not enrolled, not required: through');
$t->redis('HSET', 'mfa:company:open', 'require_2fa', '1');
is(get('n')->status, 302, 'policy flip: the very next request');

$t->done_testing();
