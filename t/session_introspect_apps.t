# A real Laravel app (Debian's php-laravel-framework, t/apps/laravel)
# behind the gate with "mfa_session_introspect": nginx cannot read its
# cookie (AES-256-CBC under APP_KEY, a new IV in every response), so the
# gate asks the app's /mfa/introspect who the request is.  Log in, the
# mandate, enrolment at the next request through the module's pages,
# verified under cookie values the app writes anew at every response,
# logout, a new login (a new session: the challenge again); and for each
# spelling of the session cookie of the session-binding corpus, the user
# the app acted on is the one the gate decided on.

use strict;
use warnings;

use lib 't/lib';
use MfaTest;
use GateTest;
use PagesTest;
use AppsTest;
use SpellingTest;
use Test::More;

my $t = MfaTest->new();
$t->start_redis();
AppsTest::start_app($t, 'laravel');

my $app = AppsTest::laravel_fastcgi($t);
my $ask = AppsTest::laravel_fastcgi($t, method => 'GET');

$t->write_key_file('mfa.key');
$t->run(<<"CONF");
http {
    mfa_redis            127.0.0.1:%%PORT_REDIS%%;
    mfa_redis_timeout    500ms;
    mfa_secret_key_file  %%TESTDIR%%/mfa.key;

    server {
        listen 127.0.0.1:%%PORT_HTTP%%;

        # no mfa_session_cookie: the app names the session
        mfa_session_introspect  /mfa/introspect;

        location / {
            mfa on;
            add_header X-Gate-Status \$mfa_status always;
            add_header X-Gate-User \$mfa_user always;
$app
        }

        location = /mfa/introspect {
            internal;
            mfa off;
$ask
        }
    }
}
CONF

my $port = $t->port('http');

sub cookie_of {
    my ($c) = @_;
    return 'laravel_session=' . $c->{laravel_session};
}

# GET /whoami through the gate: (response, the user the app saw)
sub whoami {
    my ($cookie, %h) = @_;

    my $r = $t->http(GET => '/whoami', headers => {
        %NAV, (defined $cookie ? (Cookie => $cookie) : ()), %h });
    my $user = $r->status == 200 ? $r->json->{user} : undef;

    return ($r, $user);
}

my ($r, $user);

($r, $user) = whoami(undef);
is($r->status, 200, 'anonymous: through');
is($r->header('X-Gate-Status'), 'anonymous', 'as anonymous');
is($user, undef, 'the app knows nobody');

my ($bob) = AppsTest::login($t, $port, 'bob', 'bob-pw');
ok($bob->{laravel_session}, 'bob logs in through the gate');
my $id = AppsTest::session_id('laravel', $bob);

($r, $user) = whoami(cookie_of($bob));
is($r->header('X-Gate-Status'), 'not_required', 'bob, no mandate: through');
is($r->header('X-Gate-User'), 'bob', 'the gate decided on bob');
is($user, 'bob', 'the app served bob');

# the mandate, at the next request

$t->redis('HSET', 'mfa:company:acme', 'require_2fa', '1');

($r) = whoami(cookie_of($bob));
is($r->status, 302, 'the mandate: bob is sent away at his next request');
like($r->header('Location'), qr{/_mfa/enroll\?return=%2Fwhoami$},
     'to enrolment, and back afterwards');

my $page = $t->http(GET => '/_mfa/enroll?return=%2Fwhoami',
                    headers => { %NAV, Cookie => cookie_of($bob) });
is($page->status, 200, 'the enrolment page, for bob');
my $secret = secret_of($page);

$r = $t->http_post_form('/_mfa/enroll',
                        { csrf => csrf_of($page), return => '/whoami',
                          code => totp($secret) },
                        headers => { Cookie => cookie_of($bob) });
my @codes = codes_of($r);
is(scalar @codes, 10, 'enrolled: ten recovery codes');

ok($t->redis('EXISTS', 'mfa:verified:' . digest($t, $id)),
   'the verified marker is bound to Laravel\'s session id');

# the cookie changes at every response; the session is verified

my $cookie = cookie_of($bob);
my %seen = ($cookie => 1);

for my $n (1 .. 3) {
    ($r, $user) = whoami($cookie);
    is($r->header('X-Gate-Status'), 'verified', "verified ($n)");
    is($user, 'bob', "the app served bob ($n)");

    my $next = $r->cookies->{laravel_session};
    ok($next && !$seen{"laravel_session=$next"},
       "the app wrote a new cookie value ($n)");
    $cookie = "laravel_session=$next";
    $seen{$cookie} = 1;
}

# every spelling: the app acts on whom the gate decided on

my ($carol) = AppsTest::login($t, $port, 'carol', 'carol-pw');
my $v = (split /=/, $cookie, 2)[1];

for my $s (SpellingTest::spellings(flavour => 'plain',
                                   name => 'laravel_session', id => $v)) {
    my ($kind, $headers) = @$s;
    my $res = $t->http(GET => '/whoami',
                       headers => { %NAV, Cookie => $headers });
    my $served = $res->status == 200 ? $res->json->{user} : undef;

    if ($res->status == 200) {
        is($res->header('X-Gate-User') // '', $served // '',
           "$kind: the app served whom the gate decided on ("
           . ($served // 'nobody') . ')');
    } else {
        is($res->status, 302, "$kind: not through: sent to the pages");
    }
}

# PHP reads "." and " " in a cookie's name as "_": spellings the gate
# itself does not read as the session, which the app is asked about all
# the same

for my $name ('laravel.session', 'laravel session') {
    ($r, $user) = whoami("$name=$v");
    is($user, 'bob', "\"$name\": PHP reads it as laravel_session, bob");
    is($r->header('X-Gate-User'), 'bob', '... and the gate decided on bob');
}

my $both = cookie_of($carol) . "; laravel_session=$v";
($r, $user) = whoami($both);
is($user, 'carol', 'carol first, bob second: the app serves carol');
is($r->header('X-Gate-User'), 'carol', '... and the gate decided on carol');

# logout, and a new login: a new session, the challenge again

$r = $t->http_post_form('/logout', {}, headers => { Cookie => $cookie });
is($r->status, 200, 'logout, through the gate');

($r, $user) = whoami($cookie);
is($r->header('X-Gate-Status'), 'anonymous', 'after logout: anonymous');
is($user, undef, 'the app knows nobody');

($bob) = AppsTest::login($t, $port, 'bob', 'bob-pw');
($r) = whoami(cookie_of($bob));
is($r->status, 302, 'bob again: a new session');
like($r->header('Location'), qr{/_mfa/challenge\?return=%2Fwhoami$},
     'the challenge, not enrolment');

# the introspection route is not reachable from outside: nginx's location
# is internal, and the app's route answers only with the FastCGI
# parameter that location sets

is($t->http(GET => '/mfa/introspect',
            headers => { Cookie => cookie_of($bob) })->status, 404,
   'GET /mfa/introspect from a client: 404 (internal)');

for my $path ('/mfa/introspect/', '/index.php/mfa/introspect') {
    $r = $t->http(GET => $path, headers => {
        Cookie => cookie_of($carol), 'X-MFA-Introspection' => '1' });
    is($r->status, 404, "$path, carol's, through the dashboard's location: "
       . '404 from the app');
    unlike($r->body, qr/"session"/, '... without her session id');
}

$t->done_testing();
