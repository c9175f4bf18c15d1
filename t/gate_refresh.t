# Refreshing cached verified decisions ahead of time: a request served
# from the cache after half of mfa_verified_cache confirms the session in
# the background (GETRANGE, GET, HMGET), so an active session never waits for
# Redis; a session that changed is dropped, and no decision is ever older
# than mfa_verified_cache.

use strict;
use warnings;

use lib 't/lib';
use MfaTest;
use GateTest;
use Test::More;
use Time::HiRes qw(sleep time);

my $t = MfaTest->new();
$t->start_redis();
$t->start_upstream();
$t->run(gate_conf($t, server => 'mfa_verified_cache 400ms;'));

sub get {
    return $t->http(GET => '/r', headers => { %NAV, Cookie => "sid=$_[0]" });
}

sub calls {
    my $info = $t->redis('INFO', 'commandstats');
    return { map { $_ => ($info =~ /^cmdstat_$_:calls=(\d+)/m ? $1 : 0) }
             qw(evalsha eval getrange hmget) };
}

sub script_calls { my $c = calls(); $c->{evalsha} + $c->{eval} }

$t->redis('HSET', 'mfa:company:acme', 'require_2fa', 1);
session($t, 's1', 'u1', 'acme');
enrol($t, 'u1', 1);
verify($t, 's1', 'u1', 1);

my $t0 = time;
is(get('s1')->status, 200, 'verified: through, the script asked');
my $scripts = script_calls();
my $getranges = calls()->{getrange};
my $hmgets = calls()->{hmget};               # the script's count too

sleep 0.25;                                   # past half of 400 ms
my $r = get('s1');
is($r->status, 200, 'past half its time: still from the cache');
is(saw($r, 'X-MFA-Status'), 'verified', 'as verified');
sleep 0.05;
is(calls()->{getrange}, $getranges + 1, 'and one refresh was sent in the background');
is(calls()->{hmget}, $hmgets + 1, 'with its HMGET');

sleep 0.25;                                   # 550 ms after the first decision
my $before = calls();
$r = get('s1');
is($r->status, 200, 'after the first entry would have expired: through');
my $after = calls();
is($after->{evalsha} + $after->{eval}, $before->{evalsha} + $before->{eval},
   'no script: the refresh renewed the entry');
ok($after->{getrange} - $before->{getrange} <= 1,
   'served from the cache (at most one more refresh, in the background)');

# a disable is seen within mfa_verified_cache, refresh or not
$t->redis('HDEL', 'mfa:user:u1', 'since');
for (1 .. 8) {
    sleep 0.06;
    get('s1');                                # keeps refreshing meanwhile
}
$r = get('s1');
is($r->status, 302, 'disabled: refused within 400 ms + one refresh');
like($r->header('Location'), qr{/_mfa/enroll}, 'sent to enrolment');
ok(script_calls() > $scripts, 'by the script');

# logged out: the refresh drops the entry
enrol($t, 'u1', 2);
verify($t, 's1', 'u1', 2);
get('s1');
sleep 0.25;
get('s1');                                    # starts a refresh
$t->redis('DEL', 'sess:s1');
sleep 0.45;
$r = get('s1');
is(saw($r, 'X-MFA-Status'), 'anonymous', 'logged out: anonymous at the next request');

$t->done_testing();
