# Brute force (docs/security.md): one failure counter per user for TOTP and
# recovery codes, always with a TTL; after 5 failures a growing lockout,
# told with the time left, that refuses even the right code; a success
# resets it; a hard cap; a limit per client address on top.  Wrong,
# replayed and unknown codes are answered alike.

use strict;
use warnings;

use lib 't/lib';
use MfaTest;
use GateTest;
use PagesTest;
use Test::More;

my $t = MfaTest->new();
$t->start_redis();
$t->start_upstream();
# the client address from X-Real-IP, as behind a trusted proxy
$t->run(gate_conf($t, server => 'set_real_ip_from 127.0.0.1;
        real_ip_header X-Real-IP;'));

session($t, 'E', 'carol', 'acme');
my ($secret, @codes) = enrol_via_pages($t, 'E');
$t->redis('HDEL', 'mfa:user:carol', 'step');

sub try_code {
    my ($sid, $code) = @_;
    session($t, $sid, 'carol', 'acme');
    my $page = page_get($t, $sid, '/_mfa/challenge');
    return page_post($t, $sid, '/_mfa/challenge',
                     { csrf => csrf_of($page), return => '/', code => $code });
}

my $good = totp($secret);
my $bad = sprintf('%06d', ($good + 123457) % 1000000);

# wrong TOTP code, malformed code, wrong recovery code: one counter
my @r = (try_code('F1', $bad), try_code('F2', 'hello'),
         try_code('F3', 'aaaaa-bbbbb'), try_code('F4', $bad));
is_deeply([ map { $_->status } @r ], [ 200, 200, 200, 200 ],
          'four failures: the form again each time');
is(scalar(grep { error_of($_) eq error_of($r[0]) } @r), 4,
   'wrong, malformed and unknown recovery codes are told alike');
is($t->redis('HGET', 'mfa:user:carol:guard', 'n'), 4, 'one counter for all');
my $ttl = $t->redis('TTL', 'mfa:user:carol:guard');
ok($ttl > 0, "the counter has a TTL ($ttl s)");

my $locked = try_code('F5', $bad);
is($locked->status, 429, 'the fifth failure locks out');
like(lock_of($locked), qr/no code is checked until \d\d:\d\d:\d\d UTC \(in \d+ seconds\)\./,
     'told, with the time left');
ok($locked->header('Retry-After') > 25, 'and Retry-After');
my @events = map { $_->{event} } audit($t);
is($events[-1], 'lockout', 'audit: the lockout');

$r[0] = try_code('F6', $good);
is($r[0]->status, 429, 'locked out: even the right code is refused');
is($t->redis('HGET', 'mfa:user:carol:guard', 'n'), 5,
   'and a refused attempt is not counted');
is(page_get($t, 'F6', '/x')->status, 302, 'not verified');

# the lockout ends when its time is over
$t->redis('HSET', 'mfa:user:carol:guard', 'until', time - 1);
my $ok = try_code('F7', $good);
is($ok->status, 303, 'after the lockout: the right code passes');
is($t->redis('EXISTS', 'mfa:user:carol:guard'), 0, 'a success resets the counter');

# growing: each failure past the fifth doubles the lockout
$t->redis('HSET', 'mfa:user:carol:guard', 'n', 6);
my $r7 = try_code('G1', $bad);
my $until7 = $t->redis('HGET', 'mfa:user:carol:guard', 'until');
ok(abs($until7 - time - 120) <= 2, 'the 7th failure: 2 minutes');
like(lock_of($r7), qr/\(in 2 minutes\)\./, 'told in minutes');

# the hard cap: from 20 failures on, a day each
$t->redis('HSET', 'mfa:user:carol:guard', 'n', 19, 'until', 0);
try_code('G2', $bad);
my $until = $t->redis('HGET', 'mfa:user:carol:guard', 'until');
ok(abs($until - time - 86400) <= 2, 'the 20th failure: locked for a day');
$ttl = $t->redis('TTL', 'mfa:user:carol:guard');
ok($ttl > 86400 && $ttl <= 30 * 86400, "the counter outlives the lockout ($ttl s)");
$t->redis('DEL', 'mfa:user:carol:guard');

# settings actions share the counter
session($t, 'S', 'carol', 'acme');
$t->redis('HDEL', 'mfa:user:carol', 'step');
my $page = page_get($t, 'S', '/_mfa/challenge');
page_post($t, 'S', '/_mfa/challenge',
          { csrf => csrf_of($page), return => '/', code => totp($secret) });
$page = page_get($t, 'S', '/_mfa/settings');
my $res = page_post($t, 'S', '/_mfa/settings',
                    { csrf => csrf_of($page), return => '/',
                      action => 'disable', code => $bad });
is($res->status, 200, 'disable without its box ticked: refused');
like(error_of($res), qr/Tick the box to confirm/, '... and told why');
is($t->redis('HGET', 'mfa:user:carol:guard', 'n'), undef,
   '... before any code is checked: nothing counted');
$res = page_post($t, 'S', '/_mfa/settings',
                 { csrf => csrf_of($page), return => '/',
                   action => 'disable', code => $bad, confirm => 1 });
is($res->status, 200, 'disable with a wrong code: refused');
is($t->redis('HGET', 'mfa:user:carol:guard', 'n'), 1, 'counted');
ok($t->redis('HEXISTS', 'mfa:user:carol', 'since'), 'still enrolled');
$t->redis('DEL', 'mfa:user:carol:guard');

# per client address: 50 failures in 15 minutes, whichever the users
$t->redis('SET', 'mfa:addr:127.0.0.1', 49, 'EX', 900);
session($t, 'A0', 'carol', 'acme');
$page = page_get($t, 'A0', '/_mfa/challenge');
$res = page_post($t, 'A0', '/_mfa/challenge',
                 { csrf => csrf_of($page), return => '/', code => $bad });
is($res->status, 429, 'the 50th failure from one address locks it out');
$ttl = $t->redis('TTL', 'mfa:addr:127.0.0.1');
ok($ttl > 0 && $ttl <= 900, "for the rest of the window ($ttl s)");
is($t->redis('HGET', 'mfa:user:carol:guard', 'n'), 1,
   'the user has a single failure');
$page = page_get($t, 'A0', '/_mfa/challenge');
$res = page_post($t, 'A0', '/_mfa/challenge',
                 { csrf => csrf_of($page), return => '/', code => totp($secret) });
is($res->status, 429, 'the address is locked: even a right code');
@events = map { $_->{event} } audit($t);
ok((grep { $_ eq 'addr_lockout' } @events), 'audit: addr_lockout');
$t->redis('DEL', 'mfa:addr:127.0.0.1');

# IPv6: a /64 is one address for the limit; IPv4-mapped ones stay apart
sub try_from {
    my ($sid, $addr, $code) = @_;
    session($t, $sid, 'carol', 'acme');
    my $page = page_get($t, $sid, '/_mfa/challenge', 'X-Real-IP' => $addr);
    return page_post($t, $sid, '/_mfa/challenge',
                     { csrf => csrf_of($page), return => '/', code => $code },
                     'X-Real-IP' => $addr);
}
try_from('I1', '2001:db8:1:2::a', $bad);
try_from('I2', '2001:db8:1:2:ffff::b', $bad);
is($t->redis('GET', 'mfa:addr:2001:db8:1:2::/64'), 2,
   'two addresses of one IPv6 /64: one counter');
try_from('I3', '2001:db8:1:3::a', $bad);
is($t->redis('GET', 'mfa:addr:2001:db8:1:3::/64'), 1, 'another /64: its own');
$t->redis('DEL', 'mfa:user:carol:guard');

# a counter damaged in Redis fails closed: locked out, not uncounted
$t->redis('HSET', 'mfa:user:carol:guard', 'n', 'x');
$r[0] = try_code('D1', $bad);
is($r[0]->status, 429, 'a counter that is not a number: the failure locks out');
my $left = $t->redis('HGET', 'mfa:user:carol:guard', 'until') - time;
ok($left > 86000, "for a day, as at the cap ($left s)");
$t->redis('DEL', 'mfa:user:carol:guard');

# locked out by address, a user can still finish an enrolment
session($t, 'NEW', 'nina', 'acme');
$t->redis('SET', 'mfa:addr:127.0.0.1', 50, 'EX', 900);
$page = page_get($t, 'NEW', '/_mfa/enroll');
my $nsecret = secret_of($page);
$res = page_post($t, 'NEW', '/_mfa/enroll',
                 { csrf => csrf_of($page), return => '/', code => totp($nsecret) });
my @ncodes = codes_of($res);
is(scalar @ncodes, 10, 'enrolment is not stopped by a lockout');
$t->redis('DEL', 'mfa:addr:127.0.0.1');

my $log = join '', grep { /mfa/ } split /^/, $t->error_log;
unlike($log, qr/\Q$good\E|\Q$bad\E|\Q$secret\E/, 'no code in the log');

$t->done_testing();
