# The gate and the pages over HTTP/2 (cleartext, prior knowledge, as a
# front proxy or curl speaks it), with curl: every kind of decision, the
# X-MFA-* headers the upstream gets, a session cookie sent as several
# "cookie" fields (RFC 9113 8.2.3), the enrolment page and a form's POST
# with and without its CSRF token.

use strict;
use warnings;

use lib 't/lib';
use MfaTest;
use GateTest;
use Test::More;

my $t = MfaTest->new();
$t->start_redis();
$t->start_upstream();
$t->run(gate_conf($t, server => 'listen 127.0.0.1:%%PORT_H2%% http2;'));

my $H2 = $t->port('h2');

# one request, as an MfaTest::Response (saw() reads the upstream's echo)
sub h2 {
    my ($method, $path, %o) = @_;

    my @cmd = ('curl', '-s', '-i', '--http2-prior-knowledge', '-X', $method);
    push @cmd, map { ('-H', $_) } @{$o{headers} // []};
    push @cmd, '--data-binary', $o{data} if defined $o{data};

    open my $fh, '-|', @cmd, "http://127.0.0.1:$H2$path" or die "curl: $!";
    local $/;
    my $out = <$fh>;
    close $fh;

    my ($head, $body) = split /\r\n\r\n/, $out // '', 2;

    return MfaTest::Response->new($head // '', $body // '');
}

my @NAV = ('Accept: text/html');
my @XHR = ('Accept: application/json', 'X-Requested-With: XMLHttpRequest');

$t->redis('HSET', 'mfa:company:strict', 'require_2fa', '1');
session($t, 'S-new', 'nina', 'strict');
session($t, 'S-ok', 'olga', 'strict');
enrol($t, 'olga', 3);
verify($t, 'S-ok', 'olga', 3);
session($t, 'S-enrolled', 'emil', 'strict');
enrol($t, 'emil', 1);

# no session: through, anonymous; a forged X-MFA-User dropped

my $r = h2(GET => '/reports', headers => [@NAV, 'X-MFA-User: forged']);
is($r->{protocol}, 'HTTP/2', 'the answer is HTTP/2');
is($r->status, 200, 'no session: through');
is(saw($r, 'X-MFA-Status'), 'anonymous', 'no session: anonymous');
is(saw($r, 'X-MFA-User'), undef,
   "no session: the client's X-MFA-User dropped");

# verified: through, with the user

$r = h2(GET => '/reports?q=1', headers => [@NAV, 'Cookie: sid=S-ok']);
is($r->status, 200, 'verified: through');
is(saw($r, 'X-MFA-User'), 'olga', 'verified: X-MFA-User');
is(saw($r, 'X-MFA-Status'), 'verified', 'verified: X-MFA-Status');
like(saw($r, 'Cookie') // '', qr/\bsid=S-ok\b/,
     'verified: the upstream gets the session cookie');

# the cookie in several fields, the session's in the last: the same
# session, decided as one

$r = h2(GET => '/reports',
        headers => [@NAV, 'cookie: theme=dark', 'cookie: lang=en',
                    'cookie: sid=S-ok']);
is($r->status, 200, 'cookie crumbs: through');
is(saw($r, 'X-MFA-User'), 'olga',
   'cookie crumbs: the session found in the last field');

$r = h2(GET => '/reports',
        headers => [@NAV, 'cookie: sid=S-new', 'cookie: theme=dark']);
is($r->status, 302, 'cookie crumbs: an unenrolled session is sent to enrol');

# must enrol: 302 for a browser, 401 JSON for an API call

$r = h2(GET => '/reports?tab=2', headers => [@NAV, 'Cookie: sid=S-new']);
is($r->status, 302, 'must enrol: 302');
like($r->header('Location') // '',
     qr{/_mfa/enroll\?return=%2Freports%3Ftab%3D2$},
     'must enrol: to the enrolment page, with the way back');

$r = h2(GET => '/api/items', headers => [@XHR, 'Cookie: sid=S-new']);
is($r->status, 401, 'must enrol, API: 401');
like($r->body, qr/"error":"mfa_enrollment_required"/,
     'must enrol, API: says so as JSON');

# enrolled, not verified: the challenge

$r = h2(GET => '/reports', headers => [@NAV, 'Cookie: sid=S-enrolled']);
is($r->status, 302, 'not verified: 302');
like($r->header('Location') // '', qr{/_mfa/challenge\?return=%2Freports$},
     'not verified: to the challenge');

# the pages: the enrolment page, and its form posted

$r = h2(GET => '/_mfa/enroll', headers => [@NAV, 'Cookie: sid=S-new']);
is($r->status, 200, 'enrolment page: 200');
like($r->header('Content-Security-Policy') // '', qr/default-src 'none'/,
     'enrolment page: its CSP');
my ($csrf) = $r->body =~ /name="csrf" value="([^"]+)"/;
ok($csrf, 'enrolment page: a CSRF token');

my @FORM = (@NAV, 'Cookie: sid=S-new', 'Sec-Fetch-Site: same-origin',
            'Content-Type: application/x-www-form-urlencoded');

$r = h2(POST => '/_mfa/enroll', headers => \@FORM, data => 'code=000000');
is($r->status, 403, 'a POST without its CSRF token: 403');

$r = h2(POST => '/_mfa/enroll', headers => \@FORM,
        data => "csrf=$csrf&code=000000");
is($r->status, 200, 'a wrong code: the page again');
like($r->body, qr/role="alert"/, 'a wrong code: said so');
is($t->redis('HGET', 'mfa:user:nina', 'since'), undef,
   'a wrong code: not enrolled');

$t->done_testing();
