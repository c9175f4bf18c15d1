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

# (status, {lower-case header => value}, body, protocol) of one request
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
    my ($status_line, @lines) = split /\r\n/, $head // '';
    my ($proto, $status) = ($status_line // '') =~ m{^(HTTP/\S+) (\d+)};
    my %h = map { /^([^:]+):\s*(.*)$/ ? (lc $1 => $2) : () } @lines;

    return ($status // 0, \%h, $body // '', $proto // '');
}

# the upstream's echo: {lower-case header => [values]}, or undef
sub echoed {
    my ($body) = @_;

    return undef unless $body =~ /^UPSTREAM /;

    my ($head) = split /\n\n/, $body, 2;
    my (undef, undef, @lines) = split /\n/, $head;
    my %h;
    for (@lines) {
        push @{$h{lc $1}}, $2 if /^([^:]+): (.*)$/;
    }
    return \%h;
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

my ($status, $h, $body, $proto) = h2(GET => '/reports',
    headers => [@NAV, 'X-MFA-User: forged']);
is($proto, 'HTTP/2', 'the answer is HTTP/2');
is($status, 200, 'no session: through');
my $up = echoed($body);
is($up && $up->{'x-mfa-status'}[0], 'anonymous', 'no session: anonymous');
is($up && $up->{'x-mfa-user'}, undef,
   "no session: the client's X-MFA-User dropped");

# verified: through, with the user

($status, $h, $body) = h2(GET => '/reports?q=1',
    headers => [@NAV, 'Cookie: sid=S-ok']);
is($status, 200, 'verified: through');
$up = echoed($body);
is($up && $up->{'x-mfa-user'}[0], 'olga', 'verified: X-MFA-User');
is($up && $up->{'x-mfa-status'}[0], 'verified', 'verified: X-MFA-Status');
like($up && $up->{cookie}[0] // '', qr/\bsid=S-ok\b/,
     'verified: the upstream gets the session cookie');

# the cookie in several fields, the session's in the last: the same
# session, decided as one

($status, $h, $body) = h2(GET => '/reports',
    headers => [@NAV, 'cookie: theme=dark', 'cookie: lang=en',
                'cookie: sid=S-ok']);
is($status, 200, 'cookie crumbs: through');
$up = echoed($body);
is($up && $up->{'x-mfa-user'}[0], 'olga',
   'cookie crumbs: the session found in the last field');

($status, $h, $body) = h2(GET => '/reports',
    headers => [@NAV, 'cookie: sid=S-new', 'cookie: theme=dark']);
is($status, 302, 'cookie crumbs: an unenrolled session is sent to enrol');

# must enrol: 302 for a browser, 401 JSON for an API call

($status, $h) = h2(GET => '/reports?tab=2',
    headers => [@NAV, 'Cookie: sid=S-new']);
is($status, 302, 'must enrol: 302');
like($h->{location} // '', qr{/_mfa/enroll\?return=%2Freports%3Ftab%3D2$},
     'must enrol: to the enrolment page, with the way back');

($status, $h, $body) = h2(GET => '/api/items',
    headers => [@XHR, 'Cookie: sid=S-new']);
is($status, 401, 'must enrol, API: 401');
like($body, qr/"error":"mfa_enrollment_required"/,
     'must enrol, API: says so as JSON');

# enrolled, not verified: the challenge

($status, $h) = h2(GET => '/reports',
                   headers => [@NAV, 'Cookie: sid=S-enrolled']);
is($status, 302, 'not verified: 302');
like($h->{location} // '', qr{/_mfa/challenge\?return=%2Freports$},
     'not verified: to the challenge');

# the pages: the enrolment page, and its form posted

($status, $h, $body) = h2(GET => '/_mfa/enroll',
    headers => [@NAV, 'Cookie: sid=S-new']);
is($status, 200, 'enrolment page: 200');
like($h->{'content-security-policy'} // '', qr/default-src 'none'/,
     'enrolment page: its CSP');
my ($csrf) = $body =~ /name="csrf" value="([^"]+)"/;
ok($csrf, 'enrolment page: a CSRF token');

($status, $h, $body) = h2(POST => '/_mfa/enroll',
    headers => [@NAV, 'Cookie: sid=S-new', 'Sec-Fetch-Site: same-origin',
                'Content-Type: application/x-www-form-urlencoded'],
    data => 'code=000000');
is($status, 403, 'a POST without its CSRF token: 403');

($status, $h, $body) = h2(POST => '/_mfa/enroll',
    headers => [@NAV, 'Cookie: sid=S-new', 'Sec-Fetch-Site: same-origin',
                'Content-Type: application/x-www-form-urlencoded'],
    data => "csrf=$csrf&code=000000");
is($status, 200, 'a wrong code: the page again');
like($body, qr/role="alert"/, 'a wrong code: said so');
is($t->redis('HGET', 'mfa:user:nina', 'since'), undef,
   'a wrong code: not enrolled');

$t->done_testing();
