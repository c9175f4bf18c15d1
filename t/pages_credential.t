# A credential keeps what it was made with: the TOTP algorithm, digits and
# period of the enrolment (changing the defaults later neither locks its
# user out nor turns the codes into replays), and its recovery codes'
# set, hashed with a salt of its own under a key whose id is stored with
# it.  A replayed code leaves a "replay" audit entry.  Records written
# before (no parameters, no set) keep working; unreadable ones deny that
# user, with a log line, and count no failure.

use strict;
use warnings;

use lib 't/lib';
use MfaTest;
use GateTest;
use PagesTest;
use Digest::SHA qw(hmac_sha256 sha256);
use Test::More;

my $t = MfaTest->new();
$t->start_redis();
$t->start_upstream();
$t->run(gate_conf($t));

my $master = $t->read_file('mfa.key');
my $key_id = ord sha256($master);
my $k = hmac_sha256('mfa/recovery', $master);

# not within a second of a step boundary, so that client and server agree
sub settle { sleep 2 if time % 30 >= 28 }

sub challenge {
    my ($sid, $code) = @_;
    my $page = page_get($t, $sid, '/_mfa/challenge');
    return page_post($t, $sid, '/_mfa/challenge',
                     { csrf => csrf_of($page), return => '/', code => $code });
}

# the documented hashes: salted for a described set, without for the old
sub salted {
    my ($salt, $uid, $code) = @_;
    return unpack 'H*', hmac_sha256(pack('H*', $salt) . hmac_sha256($uid, $k)
                                    . $code, $k);
}

sub legacy {
    my ($uid, $code) = @_;
    return unpack 'H*', hmac_sha256(hmac_sha256($uid, $k) . "\0" . $code, $k);
}

sub members { [ sort @{ $t->redis('SMEMBERS', $_[0]) } ] }

###########################################################################
# what enrolment stores

session($t, 'E', 'bob', 'acme');
my ($secret, @codes) = enrol_via_pages($t, 'E');

is($t->redis('HGET', 'mfa:user:bob', 'totp'), 'SHA1 6 30',
   'enrolment stores the credential\'s algorithm, digits and period');
my ($set_id, $salt) =
    ($t->redis('HGET', 'mfa:user:bob', 'recovery') // '')
        =~ /^(\d+) ([0-9a-f]{32})$/;
is($set_id, $key_id, 'and its recovery codes\' set: the key id ...');
ok(defined $salt, '... and a 128-bit salt');
is_deeply(members('mfa:user:bob:recovery'),
          [ sort map { salted($salt, 'bob', $_) } @codes ],
          'each code stored as HMAC(k, salt HMAC(k, user) code)');

session($t, 'E2', 'eve', 'acme');
my (undef, @eve_codes) = enrol_via_pages($t, 'E2');
my (undef, $eve_salt) = split / /, $t->redis('HGET', 'mfa:user:eve', 'recovery');
isnt($eve_salt, $salt, 'another set, another salt');

###########################################################################
# a replayed code is audited

$t->redis('HDEL', 'mfa:user:bob', 'step');
settle();
my $code = totp($secret);
session($t, 'R1', 'bob', 'acme');
session($t, 'R2', 'bob', 'acme');
is(challenge('R1', $code)->status, 303, 'a code: accepted');
is(challenge('R2', $code)->status, 200, 'the same code again: refused');
my $last = (audit($t))[-1];
is("$last->{event} $last->{user}", 'replay bob', '... with a "replay" audit entry');
is($t->redis('HGET', 'mfa:user:bob:guard', 'n'), 1, '... counted as a failure');
$t->redis('DEL', 'mfa:user:bob:guard');

# a wrong code is not a replay
my $replays = grep { $_->{event} eq 'replay' } audit($t);
session($t, 'R3', 'bob', 'acme');
my $wrong = sprintf '%06d', ($code + 1) % 1000000;
is(challenge('R3', $wrong)->status, 200, 'a wrong code: refused');
is(scalar(grep { $_->{event} eq 'replay' } audit($t)), $replays,
   '... and not audited as a replay');
$t->redis('DEL', 'mfa:user:bob:guard');

###########################################################################
# new defaults: bob keeps his credential, a new user gets the new one

$t->reload(gate_conf($t, http => 'mfa_totp_period 60s; mfa_totp_digits 8;'));

$t->redis('HDEL', 'mfa:user:bob', 'step');
settle();
session($t, 'D1', 'bob', 'acme');
is(challenge('D1', totp($secret))->status, 303,
   'defaults changed to 8 digits, 60 s: bob\'s 6-digit, 30-s code still works');
my $step = $t->redis('HGET', 'mfa:user:bob', 'step');
is($step, int(time / 30), '... his step still counted in 30-s steps');

session($t, 'N', 'carol', 'acme');
my $page = page_get($t, 'N', '/_mfa/enroll?return=%2F');
like($page->body, qr{otpauth://totp/[^"]*digits=8&amp;period=60},
     'a new enrolment shows the new parameters');
my $carol = secret_of($page);
settle();
my $r = page_post($t, 'N', '/_mfa/enroll',
                  { csrf => csrf_of($page), return => '/',
                    code => totp($carol, '--digits=8', '--time-step-size=60s') });
my @carol_codes = codes_of($r);
is(scalar @carol_codes, 10, '... and enrols with an 8-digit, 60-s code');
is($t->redis('HGET', 'mfa:user:carol', 'totp'), 'SHA1 8 60',
   '... stored with the credential');

# a credential with a long period of its own: the window still spans at
# most 120 s either side, as nginx -t asks of the directives
$t->redis('HSET', 'mfa:user:bob', 'totp', 'SHA1 6 3600');
$t->redis('HDEL', 'mfa:user:bob', 'step');
my @hourly = ('--time-step-size=3600s');
session($t, 'H1', 'bob', 'acme');
is(challenge('H1', totp_at($secret, time - 3600, @hourly))->status, 200,
   'a 1-h credential: the previous hour\'s code refused (no step either side)');
$t->redis('DEL', 'mfa:user:bob:guard');
is(challenge('H1', totp_at($secret, undef, @hourly))->status, 303,
   '... this hour\'s accepted');
$t->redis('HSET', 'mfa:user:bob', 'totp', 'SHA1 6 30');
$t->redis('HDEL', 'mfa:user:bob', 'step');

###########################################################################
# records written before: no parameters (the configured ones), no set
# (a hash under each key, unsalted)

$t->reload(gate_conf($t));
$t->redis('HDEL', 'mfa:user:bob', 'totp', 'recovery', 'step');
$t->redis('DEL', 'mfa:user:bob:recovery');
$t->redis('SADD', 'mfa:user:bob:recovery', legacy('bob', $codes[3]));
settle();
session($t, 'L1', 'bob', 'acme');
is(challenge('L1', totp($secret))->status, 303,
   'no parameters stored: the configured ones');
session($t, 'L2', 'bob', 'acme');
is(challenge('L2', $codes[3])->status, 303,
   'a set made before sets were described: its code works');
is($t->redis('SCARD', 'mfa:user:bob:recovery'), 0, '... and is used up');

###########################################################################
# unreadable: that user denied, with a log line, and no failure counted

$t->redis('HSET', 'mfa:user:eve', 'totp', 'SHA1 6');
session($t, 'U1', 'eve', 'acme');
$r = challenge('U1', '123456');
is($r->status, 403, 'TOTP parameters that cannot be read: 403');
like($t->error_log, qr/\[error\].*the credential of user "eve" is unreadable: TOTP parameters are not "<algorithm> <digits> <period>"/,
     '... the log says why');
is($t->redis('EXISTS', 'mfa:user:eve:guard'), 0, '... no failure counted');

$t->redis('HSET', 'mfa:user:eve', 'totp', 'SHA1 6 30', 'recovery', "$key_id zz");
session($t, 'U2', 'eve', 'acme');
$r = challenge('U2', $eve_codes[0]);
is($r->status, 403, 'a recovery-code set that cannot be read: 403');
like($t->error_log, qr/\[error\].*the recovery codes of user "eve" are unreadable: "recovery" is not "<key id> <salt>"/,
     '... the log says why');
is($t->redis('SCARD', 'mfa:user:eve:recovery'), 10, '... no code used');

# repaired, the code works again
$t->redis('HSET', 'mfa:user:eve', 'recovery', "$key_id $eve_salt");
session($t, 'U3', 'eve', 'acme');
is(challenge('U3', $eve_codes[0])->status, 303, 'repaired: the code works');

my $log = join '', grep { /mfa/ } split /^/, $t->error_log;
unlike($log, qr/\Q$secret\E|\Q$codes[3]\E|\Q$eve_codes[0]\E|\Q$salt\E/i,
       'no secret, code or salt in the log');

$t->done_testing();
