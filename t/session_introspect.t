# "mfa_session_introspect": the gate asks one route of the app who the
# request is, in a subrequest, for every gated request, and reads the rest
# (enrolment, marker, policy) in Redis.  The app here stands for one whose
# cookie changes at every response (Laravel encrypts it with a new IV each
# time): the cookie "sid=enc-<n>-<S>" is session S whatever n is (and the
# app also reads "s.id", a spelling the gate does not), and the app
# answers what the file "app-<S>" in the test directory says (a status
# line, then the body), 401 when there is none.  The verified marker is
# bound to the app's "session", so a new spelling of the cookie keeps it;
# without "session" the cookie's value is the session.  The app and the
# upstream get the same Cookie header, as the client sent it.  An app
# that cannot answer is Redis down: "mfa_fail" decides.
# t/session_introspect_apps.t does the same with a real Laravel app.

use strict;
use warnings;

use lib 't/lib';
use MfaTest;
use GateTest;
use PagesTest;
use Test::More;
use IO::Socket::INET;

my $t = MfaTest->new();
$t->start_redis();
$t->start_upstream();
$t->allow_log(qr/too big subrequest response|introspection|2FA state could not be read|connect\(\) failed|session record is unreadable|names no valid user/);

my $dir = $t->testdir();

$t->start_upstream(name => 'app', handler => sub {
    my ($req) = @_;

    my ($s) = ($req->header('cookie') // '')
        =~ /(?:^|;\s*)s\.?id=(?:enc-\d+-)?([^;]*)/;

    return (401, ['Content-Type' => 'application/json'], '{"user":null}')
        unless defined $s && $s =~ /^\w+$/ && -f "$dir/app-$s";

    open my $fh, '<', "$dir/app-$s" or die "app-$s: $!\n";
    local $/;
    my ($status, $body) = split /\n/, <$fh>, 2;

    # "200 slow": the answer after a second
    sleep 1 if $status =~ s/ slow$//;

    return ($status, ['Content-Type' => 'application/json'], $body);
});

$t->write_key_file('mfa.key');
$t->run(<<'CONF');
http {
    mfa_redis            127.0.0.1:%%PORT_REDIS%%;
    mfa_redis_timeout    300ms;
    mfa_secret_key_file  %%TESTDIR%%/mfa.key;

    upstream dashboard { server 127.0.0.1:%%PORT_UPSTREAM%%; }

    server {
        listen 127.0.0.1:%%PORT_HTTP%%;

        mfa_session_cookie      sid;
        mfa_session_introspect  /_introspect?from=gate;

        location / {
            mfa on;
            proxy_pass http://dashboard;
        }

        location = /metrics { mfa_metrics; }

        location = /_introspect {
            internal;
            mfa off;
            proxy_pass http://127.0.0.1:%%PORT_APP%%/mfa/introspect;
            proxy_pass_request_body off;
            proxy_set_header Content-Length "";
            subrequest_output_buffer_size 4k;
        }

        # an app that is down, closed and open
        location /down/ {
            mfa on;
            mfa_session_introspect /_down;
            proxy_pass http://dashboard;
        }

        location /open/ {
            mfa on;
            mfa_fail open;
            mfa_session_introspect /_down;
            proxy_pass http://dashboard;
        }

        location = /_down {
            internal;
            proxy_pass http://127.0.0.1:%%PORT_CLOSED%%;
        }

        # the route in a gated location: the gate's own subrequest passes
        location /gated/ {
            mfa on;
            mfa_session_introspect /_gated;
            proxy_pass http://dashboard;
        }

        location = /_gated {
            mfa on;
            proxy_pass http://127.0.0.1:%%PORT_APP%%/mfa/introspect;
        }

        # the app's own paths for who the session is
        location /paths/ {
            mfa on;
            mfa_session_user     who.id;
            mfa_session_company  org;
            proxy_pass http://dashboard;
        }
    }
}
CONF

# the app's answer for session s
sub app {
    my ($s, $status, $body) = @_;
    $t->write_file("app-$s", "$status\n$body");
}

sub get {
    my ($path, $cookie, %h) = @_;
    return $t->http(GET => $path, headers => {
        %NAV, (defined $cookie ? (Cookie => $cookie) : ()), %h });
}

sub app_requests { return scalar(() = $t->upstream_requests('app')) }

# mfa_introspections_total, by answer
sub answers {
    my $text = $t->http(GET => '/metrics')->body;
    return { $text =~ /^mfa_introspections_total\{answer="(\w+)"\} (\d+)$/mg };
}

my $r;

# nobody: no cookie, and the app is asked all the same

is_deeply(answers(), { record => 0, visitor => 0, failed => 0 },
          'mfa_introspections_total: none yet');

$r = get('/x', undef);
is($r->status, 200, 'no cookie: through');
is(saw($r, 'X-MFA-Status'), 'anonymous', 'as anonymous');
is(app_requests(), 1, 'the app was asked');

# a visitor: 401

$r = get('/x', 'sid=enc-1-V1; theme=dark');
is($r->status, 200, 'a visitor (401): through');
is(saw($r, 'X-MFA-Status'), 'anonymous', 'as anonymous');
is(saw($r, 'Cookie'), 'sid=enc-1-V1; theme=dark',
   'with the Cookie header the app was asked with');

my $q = ($t->upstream_requests('app'))[-1];
is($q->{request_line}, 'GET /mfa/introspect?from=gate HTTP/1.0',
   'the app is asked with a GET of its route, with the arguments given');
is($q->header('cookie'), 'sid=enc-1-V1; theme=dark',
   'with the request\'s cookies');

# logged in, no mandate

app('S1', 200, '{"session":"S1","user":"bob","company":"acme",'
               . '"admin":false}');

$r = get('/x', 'sid=enc-1-S1');
is($r->status, 200, 'bob, no mandate: through');
is_deeply(answers(), { record => 1, visitor => 2, failed => 0 },
          'counted: two visitors, a record');
is(saw($r, 'X-MFA-User'), 'bob', 'as bob');
is(saw($r, 'X-MFA-Status'), 'not_required', 'not required');
is(saw($r, 'Cookie'), 'sid=enc-1-S1', 'with his cookie');

# the mandate: at the next request

$t->redis('HSET', 'mfa:company:acme', 'require_2fa', '1');

$r = get('/x?a=1', 'sid=enc-2-S1');
is($r->status, 302, 'the mandate: bob is sent to enrol');
like($r->header('Location'), qr{/_mfa/enroll\?return=%2Fx%3Fa%3D1$},
     'back to where he was afterwards');

# enrolment through the pages, with the cookie spelt anew each time

my $page = get('/_mfa/enroll?return=%2F', 'sid=enc-3-S1');
is($page->status, 200, 'the enrolment page, for bob');
my $secret = secret_of($page);
ok($secret, 'with a secret');

$r = $t->http_post_form('/_mfa/enroll',
                        { csrf => csrf_of($page), return => '/',
                          code => totp($secret) },
                        headers => { Cookie => 'sid=enc-4-S1' });
my @codes = codes_of($r);
is(scalar @codes, 10,
   'enrolled with the cookie spelt otherwise: the CSRF token is bound to '
   . 'the app\'s session, not to the cookie');

for my $n (5, 6) {
    $r = get('/x', "sid=enc-$n-S1");
    is($r->status, 200, "verified, cookie spelling $n: through");
    is(saw($r, 'X-MFA-Status'), 'verified', 'as verified');
}

ok($t->redis('EXISTS', 'mfa:verified:' . digest($t, 'S1')),
   'the marker is at the digest of the app\'s session id');

# a new login (the app gives a new session id): verify again

app('S1', 200, '{"session":"S1-new","user":"bob","company":"acme"}');

$r = get('/x', 'sid=enc-7-S1');
is($r->status, 302, 'a new session id for the same cookie: not verified');
like($r->header('Location'), qr{/_mfa/challenge\?return=%2Fx$}, 'the challenge');

# the same session, someone else: the marker says bob

app('S1', 200, '{"session":"S1","user":"carol","company":"acme"}');
enrol($t, 'carol', 1);

$r = get('/x', 'sid=enc-8-S1');
is($r->status, 302, 'another user on the verified session: challenged');

# no "session" in the answer: the cookie's value is the session

app('S2', 200, '{"user":"dave","company":"acme"}');
enrol($t, 'dave', 1);
verify($t, 'enc-1-S2', 'dave', 1);

$r = get('/x', 'sid=enc-1-S2');
is(saw($r, 'X-MFA-Status'), 'verified',
   'no "session": the marker of the cookie\'s value counts');
$r = get('/x', 'sid=enc-2-S2');
is($r->status, 302, 'and only for that value');

# the app's own paths

app('S3', 200, '{"session":"S3","who":{"id":"erin"},"org":"globex"}');

$r = get('/paths/x', 'sid=S3');
is(saw($r, 'X-MFA-User'), 'erin', 'mfa_session_user reads the answer');

# who the answer names, unreadable: denied

app('S4', 200, '{"session":"S4","user":{"id":"x"},"company":"acme"}');

$r = get('/x', 'sid=S4');
is($r->status, 403, 'a user that is no id: denied');

# answers the gate cannot read: the app could not be asked

my %bad = (
    S5 => [500, '{"error":"boom"}', qr/introspection \("mfa_session_introspect"\) answered 500, not 200 or 401/],
    S6 => [302, '', qr/answered 302/],
    S7 => [200, 'bob', qr/introspection \("mfa_session_introspect"\): .*JSON/],
    S8 => [200, '{"session":true,"user":"bob"}', qr/"session" is not a non-empty string or an integer/],
    S9 => [200, '', qr/answered 200 without a body/],
);

for my $s (sort keys %bad) {
    my ($status, $body, $log) = @{$bad{$s}};
    app($s, $status, $body);

    $r = get('/x', "sid=$s");
    is($r->status, 503, "$status " . ($body eq '' ? '(empty)' : $body)
       . ': 503, as with Redis down');
    like($t->error_log, $log, '... and the log says why');
}

# an answer larger than "subrequest_output_buffer_size" (4 KB here)
app('S11', 200, '{"session":"S11","user":"bob","pad":"' . ('x' x 9000)
                . '"}');

my $seen = () = $t->upstream_requests();
$r = get('/x', 'sid=S11');
is($r->status, undef,
   'an answer too large to keep: nginx closes the connection (an error '
   . 'of the connection the request shares)');
is(scalar(() = $t->upstream_requests()), $seen,
   'and nothing reaches the dashboard');
like($t->error_log, qr/too big subrequest response[\s\S]*could not be asked or did not answer whole/,
     'nginx says it is too big, the gate that it could not read it');

unlike($t->error_log, qr/boom|xxxx/, 'no byte of an answer is logged');
is(answers()->{failed}, 6, 'the six that could not be read: counted failed');

$r = get('/down/x', 'sid=S1');
is($r->status, 503, 'the app down: 503');
like($t->error_log, qr/introspection \("mfa_session_introspect"\) answered 502/,
     'the log says so (nginx answered the subrequest 502)');

$r = get('/open/x', 'sid=S1');
is($r->status, 200, 'the app down, "mfa_fail open": through');
is(saw($r, 'X-MFA-Status'), 'unchecked', 'unchecked');

# the client gone while the app is asked: no line in the log

app('S14', '200 slow', '{"session":"S14","user":"bob","company":"acme"}');

# (past the second in which the cases above had their lines written)
select(undef, undef, undef, 1.1);
my $gone = qr/introspection|could not be read/;
my $lines = () = $t->error_log =~ /$gone/g;
my $c = IO::Socket::INET->new(PeerAddr => '127.0.0.1:' . $t->port('http'))
    or die "connect: $!\n";
print $c "GET /x HTTP/1.1\r\nHost: localhost\r\nCookie: sid=S14\r\n\r\n";
select(undef, undef, undef, 0.3);
close $c;
select(undef, undef, undef, 1.5);

is(scalar(() = $t->error_log =~ /$gone/g),
   $lines, 'a client that leaves while the app is asked: nothing logged');
like($t->error_log, qr/client prematurely closed connection|client closed/,
     '(nginx noticed it left)');

# the route in a gated location

app('S10', 200, '{"session":"S10","user":"frank","company":"initech"}');

$r = get('/gated/x', 'sid=S10');
is($r->status, 200, 'the route where "mfa on": the gate\'s question passes');
is(saw($r, 'X-MFA-User'), 'frank', 'and is answered');

# what the app is asked with: a GET without the body, the Cookie header
# the upstream gets, no X-MFA-* from the client

my $before = app_requests();

$r = $t->http(POST => '/x', body => 'a=1&b=2', headers => {
    Cookie => 'sid=S10; sid=S1', 'Content-Type' =>
    'application/x-www-form-urlencoded', 'X-MFA-User' => 'admin' });
is($r->status, 200, 'a POST as frank: through');
is(saw($r, 'X-MFA-User'), 'frank', 'the app\'s reading decides');
like($r->body, qr/\na=1&b=2$/, 'the dashboard gets the body');

my @all = $t->upstream_requests('app');
is(scalar @all, $before + 1, 'one question');
my $last = $all[-1];
is($last->{method}, 'GET', 'asked with a GET');
is($last->header('content-length'), undef, 'without Content-Length');
is($last->{body}, '', 'without the body');
is($last->header('cookie'), 'sid=S10; sid=S1',
   'with the Cookie header as the client sent it');
is(saw($r, 'Cookie'), 'sid=S10; sid=S1', 'which the dashboard got too');
is($last->header('x-mfa-user'), undef, 'no X-MFA-User of the client\'s');

# a spelling of the cookie the gate does not read (the app does): the app
# is asked, and its answer decides

$r = get('/x', 's.id=enc-1-S1');
is($r->status, 302, 'bob\'s session in a spelling only the app reads: '
   . 'challenged all the same');

$r = get('/x', 's.id=S10');
is(saw($r, 'X-MFA-User'), 'frank', 'frank\'s: frank');
is(saw($r, 'Cookie'), 's.id=S10', 'and the app gets what it was asked '
   . 'about');

# no credential the gate reads and no "session": a user cannot be bound

app('S12', 200, '{"user":"bob","company":"acme"}');
$r = get('/x', 's.id=S12');
is($r->status, 503, 'a user, but neither a "session" nor a cookie the gate '
   . 'reads: the app cannot be understood');
like($t->error_log, qr/names a user but no "session", and the request has no session credential/,
     'the log says why');

$t->done_testing();
