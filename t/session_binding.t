# Session binding ("mfa_session_cookie"): for each framework, a corpus of
# spellings of a session cookie, sent by bob (Acme requires 2FA, he has
# not enrolled) and by carol (enrolled and verified).  Whatever the
# spelling, an upstream that echoes its request must never get a session
# other than the one the gate decided on: the session cookie at most once,
# canonical, and only when the gate let the request through with it.
#
# Which spellings name the session follows each framework's own parser
# (t/apps_direct.t checks those facts against the real frameworks; t/
# session_binding_apps.t puts the real apps behind the gate).

use strict;
use warnings;

use lib 't/lib';
use MfaTest;
use GateTest;
use SpellingTest;
use Test::More;

my $t = MfaTest->new();

$t->start_redis();
$t->start_upstream();
$t->allow_log(qr/mfa: /);

my %secret = (
    express => 'express secret, the current one',
    old     => 'express secret, the one before',
    gone    => 'a secret the app no longer has',
    fastify => 'fastify secret of at least thirty-two characters',
    koa     => 'koa key',
    flask   => 'flask secret key',
);

$t->write_file("$_.secret", "$secret{$_}\n") for keys %secret;
chmod 0600, $t->path("$_.secret") for keys %secret;

my $dir = $t->testdir;

# the flavours, their cookie and their Redis key
my %F = (
    express => { cookie => 'sid', prefix => 'sess:',
                 secrets => "secret_file=$dir/express.secret "
                            . "secret_file=$dir/old.secret" },
    fastify => { cookie => 'sessionId', prefix => 'sess:',
                 secrets => "secret_file=$dir/fastify.secret" },
    koa     => { cookie => 'koa.sess', prefix => '',
                 secrets => "secret_file=$dir/koa.secret" },
    flask   => { cookie => 'session', prefix => 'session:',
                 secrets => "secret_file=$dir/flask.secret" },
    django  => { cookie => 'sessionid',
                 prefix => ':1:django.contrib.sessions.cache' },
    php     => { cookie => 'PHPSESSID', prefix => 'phpjson:' },
    plain   => { cookie => 'sid', prefix => 'sess:' },
);

my $locations = '';

for my $f (sort keys %F) {
    my $c = $F{$f};
    my $extra = $f eq 'plain'
        ? 'proxy_set_header X-Checked-Id $mfa_session_id;'
          . ' proxy_set_header X-Cookie-Var $http_cookie;' : '';

    $locations .= <<"CONF";
        location /$f/ {
            mfa on;
            mfa_session_cookie $c->{cookie} $f @{[ $c->{secrets} // '' ]};
            mfa_session_key $c->{prefix}\$mfa_session_id;
            proxy_pass http://dashboard;
            $extra
        }
CONF
}

# a login page, where a visitor's cookie goes up
$locations .= <<"CONF";
        location /express_login/ {
            mfa on;
            mfa_session_cookie $F{express}{cookie} express $F{express}{secrets};
            mfa_session_key $F{express}{prefix}\$mfa_session_id;
            mfa_visitor_cookie on;
            proxy_pass http://dashboard;
        }
CONF

$t->run(gate_conf($t, server => 'set $early $http_cookie;',
                  locations => $locations));

# ids as each framework makes them
my %ID = (
    express => { bob => 'B0bExpressSessionId_0123456789ab',
                 carol => 'CarolExpressSessionId-0123456789' },
    fastify => { bob => 'B0bFastifySessionId_0123456789ab',
                 carol => 'CarolFastifySessionId-012345678' },
    koa     => { bob => '0b0b0b0b-1111-4222-8333-444455556666',
                 carol => 'ca401ca4-1111-4222-8333-444455556666' },
    flask   => { bob => '0b0b0b0b-aaaa-4bbb-8ccc-ddddeeeeffff',
                 carol => 'ca401ca4-aaaa-4bbb-8ccc-ddddeeeeffff' },
    django  => { bob => 'b0b0b0b0abcdefghijklmnopqrstuvwx',
                 carol => 'ca401ca4abcdefghijklmnopqrstuvwx' },
    php     => { bob => 'b0b0b0b0a1b2c3d4e5f6a7b8c9d0e1f2',
                 carol => 'ca401ca4a1b2c3d4e5f6a7b8c9d0e1f2' },
    plain   => { bob => 'b0bPlainSessionId0123456789',
                 carol => 'ca401PlainSessionId0123456789' },
);

$t->redis('HSET', 'mfa:company:acme', 'require_2fa', '1');
$t->redis('HSET', 'mfa:company:globex', 'require_2fa', '0');
enrol($t, 'carol', 1);

for my $f (keys %F) {
    my $p = $F{$f}{prefix};
    $t->redis('SET', $p . $ID{$f}{bob},
              '{"user":{"id":"bob"},"company_id":"acme"}');
    $t->redis('SET', $p . $ID{$f}{carol},
              '{"user":{"id":"carol"},"company_id":"globex"}');
    verify($t, $ID{$f}{carol}, 'carol', 1);
}

# the canonical pairs of a session of flavour f
sub canonical {
    my ($f, $id, $secret) = @_;
    return SpellingTest::canonical($f, $F{$f}{cookie}, $id,
                                   $secret // $secret{$f});
}

# one request; checks what reached the upstream, returns the response
sub check {
    my ($f, $who, $kind, $headers, $reads) = @_;

    my @h = map { (Cookie => $_) } @$headers;
    my $r = $t->http(GET => "/$f/page", headers => [%NAV, @h]);
    my $what = "$f $who $kind";
    my $req = MfaTest::echoed($r);

    if (!$req) {
        # stopped at the gate: only bob's session, read as the framework
        # reads it, is sent to enrolment
        ok($who eq 'bob' && $reads && $r->status == 302
           && ($r->header('Location') // '') =~ m{/_mfa/enroll\?},
           "$what: sent to enrolment") or diag($r->status);
        return;
    }

    my @cookies = @{$req->{headers}{cookie} // []};
    my @got = SpellingTest::session_pairs($f, $F{$f}{cookie}, @cookies);
    my $user = saw($r, 'X-MFA-User');

    ok(@cookies <= 1, "$what: one Cookie header at most");
    like(join(';', @cookies), qr/(?:^|; )x=keep%20me(?:;|$)/,
         "$what: the other cookies as they came")
        if grep { /x=keep/ } @$headers;

    if ($reads && $who eq 'carol') {
        # signed with an older secret: as it came (apps do not re-sign)
        my @want = canonical($f, $ID{$f}{carol},
                             $kind eq 'old_secret' ? $secret{old} : undef);

        is($user, 'carol', "$what: through as carol");
        is(join(' ', sort @got), join(' ', sort @want),
           "$what: her session cookie once, canonical");

    } else {
        ok(!defined $user, "$what: through without a user");
        is(saw($r, 'X-MFA-Status'), 'anonymous', "$what: anonymous");
        is(scalar @got, 0, "$what: no spelling of the session cookie")
            or diag(explain \@got);
    }

    return $r;
}

###########################################################################
# the corpus

for my $f (sort keys %F) {
    for my $who (qw(bob carol)) {
        my @s = SpellingTest::spellings(
            flavour => $f, name => $F{$f}{cookie}, id => $ID{$f}{$who},
            secret => $secret{$f}, gone => $secret{gone},
            old => $f eq 'express' ? $secret{old} : undef);

        for my $s (@s) {
            check($f, $who, $s->[0], $s->[1],
                  SpellingTest::reads($f, $s->[0]));
        }
    }
}

# a session that exists without a user (a visitor): its cookie stays out
# (mfa_visitor_cookie off, the default), or goes up in its canonical form
# where the login is; a signed id with no record: the cookie is taken away
$t->redis('SET', 'sess:VisitorSessionId-0123456789ab', '{"cookie":{}}');
my @visitor = canonical('express', 'VisitorSessionId-0123456789ab');
my $r = $t->http(GET => '/express/page',
                 headers => [%NAV, Cookie => "a=1; $visitor[0]"]);
is(saw($r, 'X-MFA-Status'), 'anonymous', 'a visitor: anonymous');
is(saw($r, 'Cookie'), 'a=1', 'a visitor: its cookie stays out (default)');
$r = $t->http(GET => '/express_login/page',
              headers => [%NAV, Cookie => "a=1; "
                          . ($visitor[0] =~ s/%3A/:/r)]);
is(saw($r, 'Cookie'), "a=1; $visitor[0]",
   'a visitor at the login: its session, in the canonical form');

my @unknown = canonical('express', 'NoSuchSessionId-0123456789abcd');
$r = $t->http(GET => '/express/page',
              headers => [%NAV, Cookie => "a=1; $unknown[0]"]);
is(saw($r, 'Cookie'), 'a=1', 'no such session: the cookie is taken away');

$r = $t->http(GET => '/express/page',
              headers => [%NAV, Cookie => $unknown[0]]);
ok(!defined saw($r, 'Cookie'), 'no Cookie header left when it was the only');

# $mfa_session_id, and $http_cookie read before the gate rewrote it
$r = $t->http(GET => '/plain/page', headers => [%NAV,
              Cookie => "a=1; sid=\"$ID{plain}{carol}\"; SID=x"]);
is(saw($r, 'X-Checked-Id'), $ID{plain}{carol}, '$mfa_session_id');
is(saw($r, 'X-Cookie-Var'), "a=1; sid=$ID{plain}{carol}",
   '$http_cookie after the gate: the header it wrote');

# HTTP/2: browsers split the header in several "cookie" fields
$t->stop();
$t->run(gate_conf($t, server => 'listen 127.0.0.1:%%PORT_H2%% http2;',
                  locations => $locations));

sub h2 {
    my ($cookie) = @_;

    open my $fh, '-|', 'curl', '-s', '--http2-prior-knowledge', '-i',
        '-H', 'Accept: text/html', '-H', 'Cookie: a=1', '-H',
        "Cookie: $cookie",
        'http://127.0.0.1:' . $t->port('h2') . '/express/page'
        or die "curl: $!\n";
    local $/;
    my $out = <$fh>;
    close $fh;

    return $out // '';
}

my $out = h2((canonical('express', $ID{express}{bob}))[0]);
like($out, qr{^HTTP/2 302}, 'HTTP/2, two cookie fields: bob enrols');
like($out, qr{location: \S*/_mfa/enroll\?}i, 'to the enrolment page');

my $carol = (canonical('express', $ID{express}{carol}))[0];
$out = h2("$carol; sid=s%3Aforged.sig");
like($out, qr{^HTTP/2 200}, 'HTTP/2: carol through');
like($out, qr{\nCookie: a=1; \Q$carol\E\n}, 'one Cookie header, canonical');

$t->done_testing();
