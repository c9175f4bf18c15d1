# Every state a person can reach is an honest page: the gate's 503 and its
# answer to a form are pages for a browser (and stay JSON or plain text for
# scripts); a lockout shows on a page merely loaded; enrolment says who
# requires it, or offers a way back; a new phone replaces the old one only
# after a current code, and ends the old one's sessions.

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

my %FORM = (Accept => 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8',
            'Content-Type' => 'application/x-www-form-urlencoded');

# a form submitted just after a mandate: a 303 to enrolment, never JSON
$t->redis('HSET', 'mfa:company:globex', 'require_2fa', 1, 'name', 'Globex Inc');
session($t, 'G1', 'gail', 'globex');
my $r = $t->http(POST => '/tickets?list=open', body => 'title=x',
                 headers => { %FORM, Cookie => 'sid=G1' });
is($r->status, 303, 'a browser form after a mandate: 303');
like($r->header('Location'), qr{/_mfa/enroll\?return=%2Ftickets%3Flist%3Dopen$},
     '... to enrolment, and back to the form\'s URL');
$r = $t->http(POST => '/tickets', body => 'title=x',
              headers => { %FORM, 'Content-Type' => 'text/plain',
                           'Sec-Fetch-Mode' => 'navigate',
                           Cookie => 'sid=G1' });
is($r->status, 303, 'Sec-Fetch-Mode: navigate: 303 too');
$r = $t->http(POST => '/api/tickets', body => '{}',
              headers => { Accept => 'application/json',
                           'Content-Type' => 'application/json',
                           Cookie => 'sid=G1' });
is($r->status, 401, 'a script\'s POST: still 401');
like($r->header('Content-Type'), qr{^application/json}, '... with JSON');
$r = $t->http(POST => '/tickets', body => 'title=x',
              headers => { %FORM, 'Sec-Fetch-Mode' => 'cors',
                           Cookie => 'sid=G1' });
is($r->status, 401, 'a fetch() of a form body: 401');
is(scalar(grep { $_->{uri} =~ m{^/(api/)?tickets} } $t->upstream_requests()), 0,
   'none of them reached the dashboard');

# enrolment says who requires it, and offers no way round it
$r = page_get($t, 'G1', '/_mfa/enroll?return=%2Freports');
like($r->body, qr{<p id="required" class="warning"><strong>Globex Inc</strong> requires two-factor authentication},
     'enrolment names the company that requires it');
unlike($r->body, qr{id="cancel"}, 'no cancel under a mandate');
like($r->body, qr{<p id="limit">This key is yours for 10 minutes}, 'the 10 minutes stated');
like($r->body, qr{<button type="button" id="copy-key" class="secondary" hidden data-done="Copied" data-copy="[A-Z2-7]{32}">},
     'a copy button for the key without spaces');

# optional: a way back
session($t, 'F1', 'finn', 'free');
$r = page_get($t, 'F1', '/_mfa/enroll?return=%2F_mfa%2Fsettings');
like($r->body, qr{<a id="cancel" class="button secondary" href="/_mfa/settings">Cancel</a>},
     'optional 2FA: Cancel goes back where the user came from');
unlike($r->body, qr{id="required"}, 'and no mandate is claimed');

# a lockout shows on a page merely loaded, with its end; buttons disabled
my ($secret) = enrol_via_pages($t, 'F1');
session($t, 'F2', 'finn', 'free');
$t->redis('HSET', 'mfa:user:finn:guard', 'n', 5, 'until', time + 300);
$r = page_get($t, 'F2', '/_mfa/challenge?return=%2F');
is($r->status, 200, 'the challenge during a lockout: shown');
like(lock_of($r), qr{no code is checked until \d\d:\d\d:\d\d UTC \(in 5 minutes\)\.},
     'the lockout and its end, at once');
is(() = $r->body =~ / disabled data-wait="\d+">/g, 2, 'both buttons disabled');
is(error_of($r), undef, 'no code called wrong');

# a right code during the lockout: not checked, and not called wrong
$r = page_post($t, 'F2', '/_mfa/challenge',
               { csrf => csrf_of($r), return => '/', code => totp($secret) });
is($r->status, 429, 'a right code during a lockout: refused');
ok(lock_of($r), '... told it is the lockout');
is(error_of($r), undef, '... not that the code is wrong');
$t->redis('DEL', 'mfa:user:finn:guard');

# a wrong recovery code: the error in the recovery form, its panel open
$r = page_get($t, 'F2', '/_mfa/challenge?return=%2F');
$r = page_post($t, 'F2', '/_mfa/challenge',
               { csrf => csrf_of($r), return => '/', form => 'recovery',
                 code => 'aaaaa-aaaaa' });
like($r->body, qr{<details open>}, 'a wrong recovery code: the recovery panel open');
like($r->body, qr{id="recovery-form">(?:(?!</form>).)*id="error"}s, '... the error in that form');
like($r->body, qr{<input [^>]*id="recovery-code"[^>]*aria-invalid="true"[^>]*autofocus>},
     '... its field flagged and focused');
unlike($r->body, qr{<input [^>]*id="code"[^>]*aria-invalid}, '... the app code\'s field left alone');
like($r->body, qr{<title>Error – }, '... and the title says so');
$t->redis('DEL', 'mfa:user:finn:guard');

# a new phone: a current code first, then the new key; the old one ends
$r = page_get($t, 'F1', '/_mfa/settings');
like($r->body, qr{id="reenroll-form"}, 'settings offer a new phone');
$r = page_get($t, 'F1', '/_mfa/enroll?replace=1&return=%2F');
is($r->status, 303, 'a new phone without a current code: no');
like($r->header('Location'), qr{/_mfa/settings$}, '... back to the settings');
wait_next_step();
my $page = page_get($t, 'F1', '/_mfa/settings');
$r = page_post($t, 'F1', '/_mfa/settings',
               { csrf => csrf_of($page), return => '/reports',
                 action => 'reenroll', code => '000000' });
like($r->body, qr{id="reenroll-form">(?:(?!</form>).)*id="error"}s, 'a wrong current code: told in that form');
is($t->redis('HGET', 'mfa:user:finn:guard', 'n'), 1, '... and counted');
$r = page_post($t, 'F1', '/_mfa/settings',
               { csrf => csrf_of($page), return => '/reports',
                 action => 'reenroll', code => totp($secret) });
is($r->status, 303, 'a right current code: on to the new key');
like($r->header('Location'), qr{/_mfa/enroll\?replace=1&return=%2Freports$}, '... with the way back');
$r = page_get($t, 'F1', '/_mfa/enroll?replace=1&return=%2Freports');
like($r->body, qr{<title>Set up a new phone</title>}, 'the new phone\'s page');
like($r->body, qr{<a id="cancel"[^>]*href="/reports">}, '... which can be left');
my $secret2 = secret_of($r);
isnt($secret2, $secret, '... with a new key');
is(page_get($t, 'F2', '/x')->status, 302, 'meanwhile the old phone still rules other sessions');
my $gen = $t->redis('HGET', 'mfa:user:finn', 'gen');
$r = page_post($t, 'F1', '/_mfa/enroll',
               { csrf => csrf_of($r), return => '/reports', replace => 1,
                 code => totp($secret2) });
is($r->status, 200, 'the new phone\'s code: done');
like($r->body, qr{<p id="notice"[^>]*>Your new phone is set up}, '... told so');
my @codes = codes_of($r);
is(scalar @codes, 10, '... with new recovery codes');
is($t->redis('HGET', 'mfa:user:finn', 'gen'), $gen + 1, 'a new generation');
is((audit($t))[-1]{event}, 'reenrolled', 'audit: reenrolled');
is(page_get($t, 'F1', '/x')->status, 200, 'this session goes on');
session($t, 'F3', 'finn', 'free');
$r = page_get($t, 'F3', '/_mfa/challenge?return=%2F');
$r = page_post($t, 'F3', '/_mfa/challenge',
               { csrf => csrf_of($r), return => '/', code => totp($secret) });
is($r->status, 200, 'the old phone\'s code no longer works');
wait_next_step();
$r = page_post($t, 'F3', '/_mfa/challenge',
               { csrf => csrf_of($r), return => '/', code => totp($secret2) });
is($r->status, 303, 'the new one does');
$r = page_get($t, 'F1', '/_mfa/enroll?replace=1&return=%2F');
is($r->status, 303, 'the permission was used up');

# a permission is for one credential: void once it changed
$page = page_get($t, 'F1', '/_mfa/settings');
$r = page_post($t, 'F1', '/_mfa/settings',
               { csrf => csrf_of($page), return => '/', action => 'reenroll',
                 code => $codes[0] });
is($r->status, 303, 'a recovery code allows a new phone too');
my $g = $t->redis('HINCRBY', 'mfa:user:finn', 'gen', 1);
$t->redis('SET', 'mfa:verified:' . digest($t, 'F1'), "finn $g");
is(page_get($t, 'F1', '/x')->status, 200, 'this session verified for the new generation');
$r = page_get($t, 'F1', '/_mfa/enroll?replace=1&return=%2F');
is($r->status, 303, 'the credential changed since: the permission is void');
like($r->header('Location'), qr{/_mfa/settings$}, '... back to the settings');
$t->redis('DEL', 'mfa:user:finn:guard');

# Redis down: a browser gets the translated page, a script plain text
$t->kill_redis();
$r = $t->http(GET => '/reports?tab=2',
              headers => { %NAV, Cookie => 'sid=G1', 'Accept-Language' => 'fr' });
is($r->status, 503, 'Redis down: 503');
like($r->header('Content-Type'), qr{^text/html}, '... an HTML page for a browser');
like($r->body, qr{<html lang="fr">.*<title>Momentanément indisponible</title>}s, '... translated');
like($r->body, qr{<a id="back" class="button" href="/reports\?tab=2">Réessayer</a>},
     '... whose link tries the same page again');
ok($r->header('Retry-After'), '... with Retry-After');
like($r->header('Content-Security-Policy') // '', qr{default-src 'none'}, '... under the pages\' CSP');
$r = $t->http(POST => '/tickets', body => 'title=x',
              headers => { %FORM, Cookie => 'sid=G1' });
like($r->header('Content-Type'), qr{^text/html}, 'a browser form: the page too');
$r = $t->http(GET => '/api/x', headers => { Accept => 'application/json', Cookie => 'sid=G1' });
is($r->status, 503, 'a script: 503');
like($r->header('Content-Type'), qr{^text/plain}, '... in plain text');
$t->allow_log(qr/could not be read|Redis/);

$t->done_testing();
