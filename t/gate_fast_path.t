# The lookup's fast path: a session this worker let through as verified
# before, once that decision expired (mfa_verified_cache), is confirmed
# with GETRANGE (the session, at most mfa_session_max_size), GET (the
# marker) and HMGET (the user's gen and since) instead
# of the script; it decides only "verified", and every other state falls
# back to the script, so the decisions are the same as without it.

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
# the cache's time is long enough for Redis to answer within it (an answer
# slower than that is not kept), even under AddressSanitizer on a busy machine
$t->run(gate_conf($t, server => 'mfa_verified_cache 100ms;',
                  locations => <<'CONF'));
        location /c/ {
            mfa on;
            mfa_company nowhere;
            proxy_pass http://dashboard;
        }
CONF

sub get {
    my ($sid, $uri) = @_;
    sleep 0.15;                       # the cached decision has expired
    return $t->http(GET => $uri // '/r',
                    headers => { %NAV, Cookie => "sid=$sid" });
}

sub calls {
    my $info = $t->redis('INFO', 'commandstats');
    my %n = map { $_ => ($info =~ /^cmdstat_$_:calls=(\d+)/m ? $1 : 0) }
            qw(evalsha eval getrange hmget);
    return \%n;
}

# counts the commands one request sends
sub sent {
    my ($sid, $uri) = @_;
    my $before = calls();
    my $r = get($sid, $uri);
    my $after = calls();
    my %d = map { $_ => $after->{$_} - $before->{$_} } keys %$after;
    return ($r, \%d);
}

$t->redis('HSET', 'mfa:company:acme', 'require_2fa', 1);
session($t, 's1', 'u1', 'acme');
enrol($t, 'u1', 3);
verify($t, 's1', 'u1', 3);

my ($r, $d) = sent('s1');
is($r->status, 200, 'first request: through');
ok($d->{evalsha} >= 1 && $d->{getrange} == 0,
   'the script decided it (EVALSHA, and EVAL the first time)');

($r, $d) = sent('s1');
is($r->status, 200, 'again, the cached decision expired: through');
is(saw($r, 'X-MFA-Status'), 'verified', 'as verified');
is(saw($r, 'X-MFA-User'), 'u1', 'for the same user');
is_deeply([ @$d{qw(evalsha eval getrange hmget)} ], [ 0, 0, 1, 1 ],
          'with one GETRANGE (and one GET) and one HMGET, no script');

# every change of state falls back to the script, which decides as ever

$t->redis('HINCRBY', 'mfa:user:u1', 'gen', 1);
($r, $d) = sent('s1');
is($r->status, 302, 'a new enrolment generation: challenge');
is($d->{evalsha} + $d->{eval}, 1, 'decided by the script');
verify($t, 's1', 'u1', 4);
is(get('s1')->status, 200, 'verified again');

$t->redis('HDEL', 'mfa:user:u1', 'since');
($r, $d) = sent('s1');
is($r->status, 302, '2FA disabled under the mandate: enrolment');
like($r->header('Location'), qr{/_mfa/enroll}, 'to enrolment');
is($d->{evalsha} + $d->{eval}, 1, 'decided by the script');
enrol($t, 'u1', 4);
is(get('s1')->status, 200, 'enrolled again: through');

$t->redis('DEL', "sess:s1");
($r, $d) = sent('s1');
is($r->status, 200, 'logged out: through, as anonymous');
is(saw($r, 'X-MFA-Status'), 'anonymous', 'anonymous');
is($d->{evalsha} + $d->{eval}, 1, 'decided by the script');

session($t, 's1', 'u2', 'acme');
($r, $d) = sent('s1');
is($r->status, 302, 'the same session id, now another user without 2FA: enrolment');
is($d->{evalsha} + $d->{eval}, 1, 'decided by the script');

session($t, 's1', 'u1', 'acme');
get('s1');
$t->redis('DEL', 'mfa:verified:' . digest($t, 's1'));
($r, $d) = sent('s1');
is($r->status, 302, 'the verified marker gone: challenge');

verify($t, 's1', 'u1', 4);
get('s1');
$t->redis('SET', 'mfa:user:u1', 'oops');
($r, $d) = sent('s1');
is($r->status, 403, "the user's record of another type: denied");
is($d->{evalsha} + $d->{eval}, 1, 'by the script');
$t->redis('DEL', 'mfa:user:u1');
enrol($t, 'u1', 4);

# a company named by the request does not matter to a verified user
session($t, 's3', 'u3', 'acme');
enrol($t, 'u3', 1);
verify($t, 's3', 'u3', 1);
is(get('s3', '/c/x')->status, 200, 'verified, mfa_company: through');
($r, $d) = sent('s3', '/c/x');
is($r->status, 200, 'again, by the fast path');
is($d->{getrange}, 1, 'which was used');

# Redis gone during the fast path: mfa_fail decides
get('s1');
$t->kill_redis();
$r = get('s1');
is($r->status, 503, 'Redis down: 503');
$t->allow_log(qr/mfa: .*(Redis|redis)|2FA state could not be read/);

$t->done_testing();
