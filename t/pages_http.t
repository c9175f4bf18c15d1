# What every page does (docs/pages.md): CSRF on every POST (403, nothing
# changes), cross-site POSTs refused, "return" accepted only as a local
# path, English and French, methods and bodies, anonymous visitors, Redis
# down, and the pending secret across a reload and after it expires.

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

session($t, 'S1', 'erin', 'acme');
session($t, 'S2', 'erin', 'acme');
my $page = page_get($t, 'S1', '/_mfa/enroll');
my $secret = secret_of($page);
my $csrf = csrf_of($page);
like($csrf, qr/^[A-Za-z0-9_-]{32}$/, 'a CSRF token in the form');

sub enrolled { $t->redis('HEXISTS', 'mfa:user:erin', 'since') }

# CSRF: missing, forged, of another session
my %form = (return => '/', code => totp($secret));
my $r = page_post($t, 'S1', '/_mfa/enroll', { %form });
is($r->status, 403, 'no CSRF token: 403');
like($r->body, qr{<p id="message">This form has expired}, 'explained');
(my $forged = $csrf) =~ s/^(.)/$1 eq 'A' ? 'B' : 'A'/e;
$r = page_post($t, 'S1', '/_mfa/enroll', { %form, csrf => $forged });
is($r->status, 403, 'a forged token: 403');
my $other = csrf_of(page_get($t, 'S2', '/_mfa/enroll'));
$r = page_post($t, 'S1', '/_mfa/enroll', { %form, csrf => $other });
is($r->status, 403, "another session's token: 403");
$r = page_post($t, 'S1', '/_mfa/enroll', { %form, csrf => $csrf },
               'Sec-Fetch-Site' => 'cross-site');
is($r->status, 403, 'a cross-site POST, even with the token: 403');
$r = page_post($t, 'S1', '/_mfa/enroll', { %form, csrf => $csrf },
               Origin => 'http://evil.example');
is($r->status, 403, 'no Sec-Fetch-Site, an Origin of another host: 403');
ok(!enrolled(), 'nothing changed');
$r = page_post($t, 'S1', '/_mfa/enroll', { %form, csrf => $csrf },
               'Sec-Fetch-Site' => 'same-origin', Origin => 'http://localhost');
is($r->status, 200, 'the same POST, same-origin, with the token: accepted');
ok(enrolled(), 'enrolled');
$t->redis('HDEL', 'mfa:user:erin', 'step');

# return: only local paths; anything else becomes /
my %attacks = (
    '//evil.example/x'          => '/',
    '/\\evil.example'           => '/',
    'https://evil.example/'     => '/',
    'javascript:alert(1)'       => '/',
    "/ok\r\nSet-Cookie: x=1"    => '/',
    '/%2F%2Fevil.example'       => '/',
    '/%0d%0aX: y'               => '/',
    'evil.example'              => '/',
    '/reports?tab=2&x=%20y'     => '/reports?tab=2&x=%20y',
    '/a/b#frag'                 => '/a/b#frag',
);
my $n = 0;
for my $ret (sort keys %attacks) {
    my $sid = 'RT' . $n++;
    session($t, $sid, 'erin', 'acme');
    my $p = page_get($t, $sid, '/_mfa/challenge?return=' . MfaTest::urlencode($ret));
    my ($field) = $p->body =~ /name="return" value="([^"]*)"/;
    $field =~ s/&amp;/&/g;
    is($field, $attacks{$ret}, "return " . ($ret =~ s/[\r\n]/ /gr) . " in the form");
    $t->redis('HDEL', 'mfa:user:erin', 'step');
    $r = page_post($t, $sid, '/_mfa/challenge',
                   { csrf => csrf_of($p), return => $ret, code => totp($secret) });
    my $loc = ($r->header('Location') // '') =~ s{^http://[^/]+}{}r;
    is($loc, $attacks{$ret}, "POST return " . ($ret =~ s/[\r\n]/ /gr) . ": Location");
}

# French from Accept-Language
session($t, 'FR', 'frank', 'acme');
$r = page_get($t, 'FR', '/_mfa/enroll',
              'Accept-Language' => 'fr-FR,fr;q=0.9,en;q=0.8');
like($r->body, qr{<html lang="fr">}, 'French: lang="fr"');
like($r->body, qr{Activer la double authentification}, 'French text');
$r = page_get($t, 'FR', '/_mfa/enroll', 'Accept-Language' => 'en-US,fr;q=0.5');
like($r->body, qr{<html lang="en">}, 'English preferred: lang="en"');
$r = page_get($t, 'FR', '/_mfa/settings', 'Accept-Language' => 'fr');
like($r->body, qr{La double authentification est désactivée}, 'settings in French');

# methods, bodies, unknown pages
$r = $t->http(PUT => '/_mfa/enroll', headers => { Cookie => 'sid=S1' });
is($r->status, 405, 'PUT: 405');
is($r->header('Allow'), 'GET, HEAD, POST', 'with Allow');
$r = $t->http(POST => '/_mfa/enroll', body => '{"code":1}',
              headers => { Cookie => 'sid=S1', 'Content-Type' => 'application/json' });
is($r->status, 415, 'not a form: 415');
$r = page_post($t, 'S1', '/_mfa/enroll', { pad => 'x' x 5000 });
is($r->status, 413, 'a body over 4 KB: 413');
$r = $t->http(POST => '/_mfa/challenge', body => 'csrf=x&code=1',
              headers => { Cookie => 'sid=S1',
                           'Content-Type' => 'application/x-www-form-urlencoded' },
              chunked => 4);
ok($r->status == 403 || $r->status == 303, 'a chunked form is read (' . $r->status . ')');
$r = page_post($t, 'S1', '/_mfa/challenge', [ code => 1, code => 2 ]);
is($r->status, 400, 'a field given twice: 400');
is(page_get($t, 'S1', '/_mfa/nothing')->status, 404, 'unknown page: 404');
is(page_get($t, 'S1', '/_mfa/enroll/x')->status, 404, 'below a page: 404');
$r = $t->http(HEAD => '/_mfa/enroll', headers => { Cookie => 'sid=FR' });
is($r->status, 200, 'HEAD');
is($r->body, '', 'without a body');
is(scalar(grep { /_mfa/ } map { $_->{line} } $t->upstream_requests), 0,
   'the pages never reach the upstream');

# anonymous visitors
$r = $t->http(GET => '/_mfa/enroll', headers => \%NAV);
is($r->status, 403, 'no session: 403');
like($r->body, qr{<p id="message">Log in to the dashboard first\.</p>}, 'told to log in');
$r = page_get($t, 'nosuchsession', '/_mfa/challenge');
is($r->status, 403, 'a session unknown to Redis: 403');

# the pending secret: the same after a reload of nginx, a new one once it
# expired (a code for the old one is refused, with the reason)
session($t, 'P1', 'gina', 'acme');
$page = page_get($t, 'P1', '/_mfa/enroll');
my $pending = secret_of($page);
$t->reload();
is(secret_of(page_get($t, 'P1', '/_mfa/enroll')), $pending,
   'the same pending secret after a reload');
my ($key) = grep { /^mfa:pending:/ && $t->redis('GET', $_) =~ /^gina / }
            @{$t->redis('KEYS', 'mfa:pending:*')};
$t->redis('PEXPIRE', $key, 1);
select(undef, undef, undef, 0.1);
$r = page_post($t, 'P1', '/_mfa/enroll',
               { csrf => csrf_of($page), return => '/', code => totp($pending) });
is($r->status, 200, 'a code for an expired pending secret: the form again');
like(error_of($r), qr/That key expired/, 'saying it expired');
isnt(secret_of($r), $pending, 'with a new secret');
ok(!$t->redis('HEXISTS', 'mfa:user:gina', 'since'), 'not enrolled');

# Redis down: the pages say so, 503 with Retry-After
$t->kill_redis();
$r = page_get($t, 'P1', '/_mfa/enroll');
is($r->status, 503, 'Redis down: 503');
ok($r->header('Retry-After'), 'with Retry-After');
like($r->body, qr{cannot be checked for a moment}, 'a plain explanation');
$t->allow_log(qr/mfa: .*(Redis|redis)/);

$t->done_testing();
