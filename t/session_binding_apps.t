# Session binding end to end, with the real frameworks behind the gate
# (t/apps/: express, fastify, koa, flask, django, php, rack, spring).  bob works at
# Acme, which requires 2FA, and has not enrolled: he logs in with his
# password only, then sends his session cookie in every spelling of
# t/lib/SpellingTest.pm.  The app must never answer as bob.  Once his
# session is verified, the spellings his framework reads reach the app as
# his session, the others as no session; logged out, he is no one.

use strict;
use warnings;

use lib 't/lib';
use MfaTest;
use GateTest;
use AppsTest;
use SpellingTest;
use Test::More;

my $t = MfaTest->new();
$t->start_redis();
$t->allow_log(qr/mfa: /);

my $NEW = 'new-secret-' . ('n' x 29);
my $OLD = 'old-secret-' . ('o' x 29);
my $GONE = 'gone-secret-' . ('g' x 28);
my $new = $t->write_file('app-new.secret', "$NEW\n", 0600);
my $old = $t->write_file('app-old.secret', "$OLD\n", 0600);

# stacks whose app takes an older secret too (SECRET_FILE_OLD)
my %ROTATES = map { ($_ => 1) } qw(express fastify koa);
my %SIGNED = map { ($_ => 1) } qw(express fastify koa flask);

my $servers = '';

for my $stack (AppsTest::stacks()) {
    my $port = AppsTest::start_app($t, $stack, secret => $new,
                                   ($ROTATES{$stack} ? (secret_old => $old)
                                                     : ()),
                                   ($stack eq 'flask' ? (signer => 1) : ()));
    my $name = AppsTest::cookie_name($stack);
    my $key = AppsTest::session_key_conf($stack);
    my $secrets = !$SIGNED{$stack} ? ''
        : "secret_file=$new" . ($ROTATES{$stack} ? " secret_file=$old" : '');
    my @paths = AppsTest::session_paths($stack);
    my $pass = $stack eq 'php' ? AppsTest::php_fastcgi($t)
                               : "proxy_pass http://127.0.0.1:$port;";

    $servers .= <<"CONF";
    server {
        listen 127.0.0.1:%%PORT_GATE_\U$stack\E%%;

        mfa_session_cookie   $name $stack $secrets;
        mfa_session_key      $key;
        mfa_session_format   @{[ AppsTest::session_format($stack) ]};
        mfa_session_user     $paths[0];
        mfa_session_company  $paths[1];

        location / {
            mfa on;
            $pass
        }
        location = /anon {
            mfa on;
            mfa_visitor_cookie on;
            $pass
        }
    }
CONF
}

# php-fpm speaks FastCGI: a plain location in front of it, without the
# gate, to ask the app itself
$servers .= <<"CONF";
    server {
        listen 127.0.0.1:%%PORT_DIRECT_PHP%%;
        location / {
            @{[ AppsTest::php_fastcgi($t) ]}
        }
    }
CONF

$t->write_key_file('mfa.key');
$t->run(<<"CONF");
http {
    mfa_redis            127.0.0.1:%%PORT_REDIS%%;
    mfa_secret_key_file  %%TESTDIR%%/mfa.key;

$servers
}
CONF

$t->redis('HSET', 'mfa:company:acme', 'require_2fa', '1');

my %API = (Accept => 'application/json');

# GET /whoami through the gate with these Cookie headers: (status, user)
sub whoami {
    my ($port, $headers) = @_;

    my $r = $t->http(GET => '/whoami', port => $port,
                     headers => [%API, map { (Cookie => $_) } @$headers]);
    my $j = $r->status ? eval { $r->json } : undef;

    return ($r->status // 0, ref $j eq 'HASH' ? $j : {});
}

for my $stack (AppsTest::stacks()) {
    my $gate = $t->port("gate_$stack");
    my $name = AppsTest::cookie_name($stack);

    $t->redis('DEL', 'mfa:user:bob');

    # bob logs in with his password, through the gate (no session yet)
    my ($c, $r) = AppsTest::login($t, $gate, 'bob', 'bob-pw');
    is($r->status, 200, "$stack: bob logs in through the gate");

    my $id = AppsTest::session_id($stack, $c) // 'none';
    my @spellings = SpellingTest::spellings(
        flavour => $stack, name => $name, id => $id,
        secret => $SIGNED{$stack} ? $NEW : undef, gone => $GONE,
        old => $ROTATES{$stack} ? $OLD : undef);

    # the canonical form is the one the framework set
    is(join('; ', SpellingTest::canonical($stack, $name, $id,
                                          $SIGNED{$stack} ? $NEW : undef)),
       join('; ', map { "$_=$c->{$_}" } sort keys %$c),
       "$stack: the canonical cookie is the app's own");

    # the app itself, no gate: it reads as its session exactly the
    # spellings the gate takes for it (two Cookie headers aside: how they
    # reach the app depends on its server; the gate makes them one)

    my $direct = $stack eq 'php' ? $t->port('direct_php')
                                 : AppsTest::app_port($t, $stack);

    for my $s (grep { $_->[0] !~ /^two_headers/ } @spellings) {
        my ($kind, $headers) = @$s;
        my ($status, $j) = whoami($direct, $headers);

        my $reads = SpellingTest::reads_alone($stack, $kind);

        is($j->{user}, $reads ? 'bob' : undef,
           "$stack itself, $kind: " . ($reads ? 'bob' : 'no session'));
    }

    for my $s (@spellings) {
        my ($kind, $headers) = @$s;
        my ($status, $j) = whoami($gate, $headers);
        my $reads = SpellingTest::reads($stack, $kind);

        if ($reads) {
            is($status, 401, "$stack bob $kind: stopped at the gate");
            is($j->{error}, 'mfa_enrollment_required',
               "$stack bob $kind: must enrol");

        } else {
            is($status, 200, "$stack bob $kind: through, anonymous");
            ok(exists $j->{user} && !defined $j->{user},
               "$stack bob $kind: the app sees no session")
                or diag(explain $j);
        }
    }

    # a visitor: most of these apps keep a record without a user for
    # every visitor (PHP an empty one, then "visits"); the gate reads it as
    # no one and lets the visitor through, the record in Redis or not, its
    # cookie where "mfa_visitor_cookie on" says (/anon here, a login page
    # in real life), not elsewhere

    my $v = $t->http(GET => '/anon', port => $gate, headers => [%API]);
    is($v->status, 200, "$stack visitor, no cookie: through");
    my $vc = $v->cookies;
    my $vid = AppsTest::session_id($stack, $vc);

    $v = $t->http(GET => '/anon', port => $gate,
                  headers => [%API, Cookie => MfaTest::cookie_header(%$vc)]);
    is($v->status, 200, "$stack visitor, the cookie the app set: through");
    is(eval { AppsTest::record($t, $stack, $vid // '')->{visits} }, 2,
       "$stack visitor: the app read its record and counted 2 visits");

    my ($vs, $vj) = whoami($gate, [MfaTest::cookie_header(%$vc)]);
    is($vs, 200, "$stack visitor at /whoami: through");
    ok(!SpellingTest::session_pairs($stack, $name, $vj->{cookie} // ''),
       "$stack visitor at /whoami: without its session cookie");

    # bob enrols; his session is verified: what his framework reads is his
    # session, anything else none

    enrol($t, 'bob', 1);
    verify($t, $id, 'bob', 1);

    for my $s (@spellings) {
        my ($kind, $headers) = @$s;
        my ($status, $j) = whoami($gate, $headers);

        is($status, 200, "$stack verified $kind: through");
        is($j->{user}, SpellingTest::reads($stack, $kind) ? 'bob' : undef,
           "$stack verified $kind: "
           . (SpellingTest::reads($stack, $kind) ? 'bob' : 'no session'));
    }

    # bob logs out through the gate: his cookie names no one any more

    my $canon = join '; ', SpellingTest::canonical(
        $stack, $name, $id, $SIGNED{$stack} ? $NEW : undef);
    my $out = AppsTest::call($t, $gate, POST => '/logout', cookie => $canon,
                             headers => \%API);
    is($out->status, 200, "$stack: bob logs out through the gate");

    my ($status, $j) = whoami($gate, [$canon]);
    is($status, 200, "$stack, logged out: through");
    ok(exists $j->{user} && !defined $j->{user}, "$stack, logged out: no one");
}

$t->done_testing();
