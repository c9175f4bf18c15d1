# The settings page (docs/pages.md): voluntary
# enrolment, the status, disabling under a mandate (the next request goes
# to enrolment), new recovery codes, and re-enrolment: every old recovery
# code and verified session stops working at once.

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
$t->run(gate_conf($t));

# voluntary: no mandate, the user enrols from the settings page
session($t, 'S1', 'dave', 'free');
my $r = page_get($t, 'S1', '/_mfa/settings');
is($r->status, 200, 'settings of a user without 2FA');
like($r->body, qr{<p id="status">Two-factor authentication is off\.</p>}, 'says it is off');
like($r->body, qr{<a id="enable" class="button" href="/_mfa/enroll\?return=/_mfa/settings">},
     'a link to turn it on');
is(page_get($t, 'S1', '/x')->status, 200, 'not required: through');

my ($secret, @codes) = enrol_via_pages($t, 'S1');
$r = page_get($t, 'S1', '/_mfa/settings');
like($r->body, qr{<time id="since">\d{4}-\d\d-\d\d \d\d:\d\d UTC</time>}, 'enrolled since');
like($r->body, qr{<strong id="codes-left">10</strong>}, '10 recovery codes left');
like($r->body, qr{id="regenerate-form".*name="action" value="regenerate"}s, 'regenerate form');
like($r->body, qr{id="disable-form".*name="action" value="disable"}s, 'disable form');

# promise 1: enrolled voluntarily, a new session needs the challenge
session($t, 'S2', 'dave', 'free');
like(page_get($t, 'S2', '/x')->header('Location'), qr{/_mfa/challenge},
     'voluntary 2FA: a new session is challenged');
$r = page_get($t, 'S2', '/_mfa/settings');
is($r->status, 303, 'an unverified session cannot see the settings');
like($r->header('Location'), qr{/_mfa/challenge\?return=%2F_mfa%2Fsettings$},
     'it is challenged first');

# an action without a current code: refused, nothing changes
my $page = page_get($t, 'S1', '/_mfa/settings');
$r = page_post($t, 'S1', '/_mfa/settings',
               { csrf => csrf_of($page), return => '/', action => 'regenerate' });
is($r->status, 200, 'regenerate without a code: refused');
is($t->redis('SCARD', 'mfa:user:dave:recovery'), 10, 'codes unchanged');
$r = page_post($t, 'S1', '/_mfa/settings',
               { csrf => csrf_of($page), return => '/', action => 'explode',
                 code => '123456' });
is($r->status, 400, 'an unknown action: 400');

# regenerate with a recovery code: 10 new ones, every old one dead
$r = page_post($t, 'S1', '/_mfa/settings',
               { csrf => csrf_of($page), return => '/',
                 action => 'regenerate', code => $codes[0] });
is($r->status, 200, 'regenerate with a recovery code');
my @fresh = codes_of($r);
is(scalar @fresh, 10, '10 new codes shown');
like($r->body, qr{<p id="notice"[^>]*>Here are your new recovery codes}, 'with a notice');
is((audit($t))[-1]{event}, 'regenerated', 'audit: regenerated');

sub challenge_with {
    my ($sid, $code) = @_;
    session($t, $sid, 'dave', 'free');
    my $p = page_get($t, $sid, '/_mfa/challenge');
    return page_post($t, $sid, '/_mfa/challenge',
                     { csrf => csrf_of($p), return => '/', code => $code })
        ->status;
}

is(challenge_with('O1', $codes[5]), 200, 'an old recovery code fails at once');
is(challenge_with('O2', $fresh[5]), 303, 'a new one works');
$t->redis('DEL', 'mfa:user:dave:guard');

# promise 5: under a mandate, disable; the next request goes to enrolment
$t->redis('HSET', 'mfa:company:free', 'require_2fa', '1');
is(page_get($t, 'S1', '/x')->status, 200, 'mandate, enrolled, verified: through');
$t->redis('HDEL', 'mfa:user:dave', 'step');
$page = page_get($t, 'S1', '/_mfa/settings');
like($page->body, qr{Your company requires two-factor authentication}, 'warned about the mandate');
$r = page_post($t, 'S1', '/_mfa/settings',
               { csrf => csrf_of($page), return => '/',
                 action => 'disable', code => totp($secret), confirm => 1 });
is($r->status, 200, 'disable with a current code');
like($r->body, qr{<p id="notice"[^>]*>Two-factor authentication was turned off\.}, 'told');
like($r->body, qr{<p id="status">Two-factor authentication is off\.}, 'status off');
is((audit($t))[-1]{event}, 'disabled', 'audit: disabled');
ok(!$t->redis('HEXISTS', 'mfa:user:dave', 'secret'), 'the secret is gone');
is($t->redis('EXISTS', 'mfa:user:dave:recovery'), 0, 'the recovery codes are gone');
$r = page_get($t, 'S1', '/reports?tab=2');
is($r->status, 302, 'the next request of the same session: stopped');
like($r->header('Location'), qr{/_mfa/enroll\?return=%2Freports%3Ftab%3D2$},
     'sent to enrolment, and back afterwards');
is(page_get($t, 'O2', '/x')->status, 302, 'other verified sessions end too');

# re-enrolment: a new secret and new codes; the old ones fail
my ($secret2, @codes2) = enrol_via_pages($t, 'S1');
isnt($secret2, $secret, 'a new secret');
is(challenge_with('N1', $fresh[6]), 200, 'a recovery code of the old enrolment fails');
is(challenge_with('N2', $codes2[0]), 303, 'one of the new enrolment works');
is($t->redis('HGET', 'mfa:user:dave', 'gen'), 3, 'gen: enrol, disable, enrol');

# disable with a recovery code is possible too (lost phone)
$page = page_get($t, 'N2', '/_mfa/settings');
$r = page_post($t, 'N2', '/_mfa/settings',
               { csrf => csrf_of($page), return => '/',
                 action => 'disable', code => $codes2[1], confirm => 1 });
like($r->body, qr{id="notice"}, 'disabled with a recovery code');
$r = page_post($t, 'N2', '/_mfa/settings',
               { csrf => csrf_of($page), return => '/',
                 action => 'disable', code => $codes2[2], confirm => 1 });
is($r->status, 303, 'disable when not enrolled: back to the settings');

$t->done_testing();
