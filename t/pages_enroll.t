# Enrolment through the pages (docs/pages.md): the
# pending secret, the QR code and otpauth URI, a wrong code that stores
# nothing, a right one that turns 2FA on atomically and shows 10 recovery
# codes once, and the way back to the page the user was on.

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
$t->run(gate_conf($t, http => 'mfa_issuer "Acme Dashboard";',
                  server => 'mfa_logout_url /logout;'));

session($t, 'S1', 'alice', 'acme');
$t->redis('HSET', 'mfa:company:acme', 'require_2fa', '1');

my $r = page_get($t, 'S1', '/reports?tab=2');
is($r->status, 302, 'mandate: the gate sends to enrolment');
my $location = $r->header('Location') =~ s{^http://[^/]+}{}r;
like($location, qr{^/_mfa/enroll\?return=%2Freports%3Ftab%3D2$},
     'with the page to come back to');

my $page = page_get($t, 'S1', $location);
is($page->status, 200, 'the enrolment page');
my $body = $page->body;
my $secret = secret_of($page);
like($secret, qr/^[A-Z2-7]{32}$/, '160-bit secret in base32, no padding');
like($body, qr{<div id="qr" class="qr"><svg [^>]*>.*</svg></div>}s,
     'an inline SVG QR code');
like($body, qr{<a id="otpauth" href="otpauth://totp/Acme%20Dashboard:alice\?secret=$secret&amp;issuer=Acme%20Dashboard"},
     'the otpauth URI as a link');
like($body, qr{<input type="text" id="code" name="code" autocomplete="one-time-code"[^>]* inputmode="numeric" autofocus},
     'the code field: one-time-code, numeric, focused');
like($body, qr{<label for="code">}, 'the field has a label');
like($body, qr{<a id="logout" href="/logout">}, 'a way to log out');
like($body, qr{name="return" value="/reports\?tab=2"},
     'the return URL travels in the form');
is($page->header('Cache-Control'), 'no-store', 'no-store');
is($page->header('X-Frame-Options'), 'DENY', 'X-Frame-Options');
like($page->header('Content-Security-Policy'),
     qr{^default-src 'none'; style-src 'nonce-([A-Za-z0-9_-]{22})'; script-src 'nonce-\1'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'$},
     'a strict CSP');
my ($nonce) = $page->header('Content-Security-Policy') =~ /nonce-([^']+)/;
like($body, qr{<style nonce="$nonce">}, 'the style carries the nonce');
unlike($body, qr{<img|src=}i, 'no external asset');
my @scripts = $body =~ /<script\b([^>]*)>/gi;
is_deeply(\@scripts, [qq{ nonce="$nonce"}], 'one inline script, under the nonce');
like($page->header('Content-Type'), qr{^text/html; charset=utf-8$},
     'HTML in UTF-8');

# the pending secret: the same on reload, kept in Redis
is(secret_of(page_get($t, 'S1', $location)), $secret,
   'a reload shows the same pending secret');
my ($pending) = grep { /^mfa:pending:/ } @{$t->redis('KEYS', 'mfa:*')};
ok($pending, 'the pending secret is in Redis');
my $ttl = $t->redis('TTL', $pending);
ok($ttl > 590 && $ttl <= 600, "it expires in 10 minutes ($ttl s)");
unlike($t->redis('GET', $pending), qr/$secret/i,
       'sealed, not the secret in clear');

# a wrong code: the same page with an error, nothing stored
my $code = totp($secret);
my $wrong = sprintf('%06d', ($code + 500000) % 1000000);
$r = page_post($t, 'S1', '/_mfa/enroll',
               { csrf => csrf_of($page), return => '/reports?tab=2',
                 code => $wrong });
is($r->status, 200, 'wrong code: the form again');
ok(error_of($r), 'with an error');
like($r->body, qr{aria-invalid="true" aria-describedby="error"},
     'the field points at the error');
is(secret_of($r), $secret, 'the same secret');
is($t->redis('EXISTS', 'mfa:user:alice'), 0, 'nothing stored');
is(page_get($t, 'S1', '/reports?tab=2')->status, 302, 'still gated');

# the right code
$r = page_post($t, 'S1', '/_mfa/enroll',
               { csrf => csrf_of($page), return => '/reports?tab=2',
                 code => $code });
is($r->status, 200, 'right code: the recovery codes page');
my @codes = codes_of($r);
is(scalar @codes, 10, '10 recovery codes');
is(scalar(grep { /^[23456789abcdefghjkmnpqrstuvwxyz]{5}-[23456789abcdefghjkmnpqrstuvwxyz]{5}$/ } @codes),
   10, 'each xxxxx-xxxxx from the alphabet without look-alikes');
my %seen = map { $_ => 1 } @codes;
is(scalar keys %seen, 10, 'all different');
like($r->body, qr{<textarea id="recovery-text" readonly[^>]*>\Q$codes[0]\E\n},
     'to copy');
like($r->body, qr{<a id="download" class="button secondary" download="[\w.-]*recovery-codes.txt" href="data:text/plain;charset=utf-8,[^"]*Account%3A%20alice%0A[^"]*%0A%0A\Q$codes[0]\E%0A},
     'to download, with a header');
like($r->body, qr{<a id="continue" class="button" href="/reports\?tab=2">},
     'a link back to where the user was');

my %u = @{$t->redis('HGETALL', 'mfa:user:alice')};
is($u{gen}, 1, 'enrolment generation bumped');
ok($u{since} >= time - 5 && $u{since} <= time, 'enrolled since now');
ok($u{secret} && $u{secret} !~ /$secret/i, 'the secret is stored sealed');
is($t->redis('SCARD', 'mfa:user:alice:recovery'), 10, '10 hashes stored');
my $hashes = join ' ', @{$t->redis('SMEMBERS', 'mfa:user:alice:recovery')};
ok(!(grep { $hashes =~ /\Q$_\E/ } @codes), 'no recovery code in clear');
is($t->redis('EXISTS', $pending), 0, 'the pending secret is gone');

$r = page_get($t, 'S1', '/reports?tab=2');
is($r->status, 200, 'this session is verified: through');
is(saw($r, 'X-MFA-Status'), 'verified', 'X-MFA-Status: verified');
is(saw($r, 'X-MFA-User'), 'alice', 'X-MFA-User');

my @audit = audit($t);
is($audit[-1]{event}, 'enrolled', 'audit: enrolled');
is($audit[-1]{user}, 'alice', 'audit: the user');
is($audit[-1]{company}, 'acme', 'audit: the company');
is($audit[-1]{addr}, '127.0.0.1', 'audit: the client address');
ok(abs($audit[-1]{time} - time) < 5, 'audit: the time');

# a new session of the same user: challenge, not enrolment
session($t, 'S2', 'alice', 'acme');
$r = page_get($t, 'S2', '/reports?tab=2');
like($r->header('Location'), qr{/_mfa/challenge\?return=}, 'new session: challenge');

# enrolled: the enrolment page sends back
$r = page_get($t, 'S1', '/_mfa/enroll?return=%2Fx');
is($r->status, 303, 'already enrolled: enrolment page redirects');
like($r->header('Location'), qr{^(http://[^/]+)?/x$}, 'to the return URL');

# the log never holds a secret or a code
my $log = $t->error_log;
unlike($log, qr/\Q$secret\E|\Q$code\E|\Q$codes[0]\E/, 'no secret or code in the log');

$t->done_testing();
