# The other stacks' session records as their apps write them, read by the
# gate and by "mfactl session inspect": PHP's php_serialize and php_binary
# handlers (php-fpm's own records), Django's signed encoding (the
# app's own SessionBase.encode(), kept in Redis as django-redis-sessions
# keeps it), checked with the app's secret; Flask's pickle and Rack's
# Marshal; Spring Session's hash of JSON attributes behind
# "mfa_session_preset spring", and its default (JDK serialization) named in
# the log; a record of another format named in the log with the directive
# that reads it, once a second; "mfa_session_preset flask"; logout.
# t/session_binding_apps.t runs the cookie corpus for each stack.

use strict;
use warnings;

use lib 't/lib';
use MfaTest;
use GateTest;
use AppsTest;
use MfactlTest;
use Test::More;
use Time::HiRes qw(sleep);

my $t = MfaTest->new();
$t->start_redis();
$t->allow_log(qr/mfa: /);

my $secret = $t->write_file('django.secret', 'django-secret-' . ('d' x 30)
                                             . "\n", 0600);
my $wrong = $t->write_file('wrong.secret', 'another-secret-' . ('w' x 30)
                                           . "\n", 0600);

my $django = AppsTest::start_app($t, 'django', secret => 'django.secret',
                                 env => { DJANGO_SESSIONS => 'signed' });
my $flask = AppsTest::start_app($t, 'flask');
my $rack = AppsTest::start_app($t, 'rack');
my $spring = AppsTest::start_app($t, 'spring');

# PHP, under the serialize handlers other than its default (which
# t/session_binding_apps.t runs): one php-fpm at a time, each its server
my $php_servers = '';

for my $h (qw(php_serialize php_binary)) {
    $php_servers .= <<"CONF";
    server {
        listen 127.0.0.1:%%PORT_\U$h\E%%;
        mfa_session_preset   php;
        mfa_session_format   $h;
        mfa_session_user     user.id;
        location / {
            mfa on;
            @{[ AppsTest::php_fastcgi($t) ]}
        }
    }
CONF
}

$t->write_key_file('mfa.key');
$t->run(<<"CONF");
http {
    mfa_redis            127.0.0.1:%%PORT_REDIS%%;
    mfa_secret_key_file  %%TESTDIR%%/mfa.key;
    mfa_session_user     user.id;
    mfa_session_company  company_id;

    server {
        listen 127.0.0.1:%%PORT_DJANGO%%;
        mfa_session_cookie   sessionid django;
        mfa_session_key      session:\$mfa_session_id;
        mfa_session_format   django secret_file=$wrong secret_file=$secret;
        location / { mfa on; proxy_pass http://127.0.0.1:$django; }
    }
    server {
        listen 127.0.0.1:%%PORT_DJANGO_WRONG%%;
        mfa_session_cookie   sessionid django;
        mfa_session_key      session:\$mfa_session_id;
        mfa_session_format   django secret_file=$wrong;
        location / { mfa on; proxy_pass http://127.0.0.1:$django; }
    }
    server {
        listen 127.0.0.1:%%PORT_FLASK_AS_JSON%%;
        mfa_session_cookie   session flask;
        mfa_session_key      session:\$mfa_session_id;
        location / { mfa on; proxy_pass http://127.0.0.1:$flask; }
    }
    server {
        listen 127.0.0.1:%%PORT_FLASK_PRESET%%;
        mfa_session_preset   flask;
        mfa_session_user     user.id;       # the app's, not Flask-Login's
        location / { mfa on; proxy_pass http://127.0.0.1:$flask; }
    }
    server {
        listen 127.0.0.1:%%PORT_RACK%%;
        mfa_session_cookie   rack.session rack;
        mfa_session_key      rack:session:2::\$mfa_session_id_sha256;
        mfa_session_format   marshal;
        location / { mfa on; proxy_pass http://127.0.0.1:$rack; }
    }
    server {
        listen 127.0.0.1:%%PORT_SPRING%%;
        mfa_session_preset   spring;
        mfa_session_company  [sessionAttr:company_id];
        location / { mfa on; proxy_pass http://127.0.0.1:$spring; }
    }
$php_servers
}
CONF

$t->redis('HSET', 'mfa:company:acme', 'require_2fa', '1');

my %API = (Accept => 'application/json');

sub whoami {
    my ($port, $cookies) = @_;
    return $t->http(GET => '/whoami', port => $port,
                    headers => [%API, Cookie => MfaTest::cookie_header(
                                    %$cookies)]);
}

# Django, signed: bob logs in through the gate; his next request must
# enrol; verified, it goes through; logged out, he is no one

my $gate = $t->port('django');
my ($c, $r) = AppsTest::login($t, $gate, 'bob', 'bob-pw');
is($r->status, 200, 'django signed: bob logs in through the gate');
my $id = $c->{sessionid};
like($t->redis('GET', "session:$id") // '', qr/^[\w-]+:[0-9A-Za-z]+:[\w-]{43}$/,
     "django signed: the app's record is Django's signed encoding");

$r = whoami($gate, $c);
is($r->status, 401, 'django signed: mandated, not enrolled: stopped');
is(eval { $r->json->{error} }, 'mfa_enrollment_required',
   'django signed: must enrol');

$r = whoami($t->port('django_wrong'), $c);
is($r->status, 403, 'django signed, another secret: denied');
like($t->error_log, qr/signature/, 'django signed: the log says why');

enrol($t, 'bob', 1);
verify($t, $id, 'bob', 1);
$r = whoami($gate, $c);
is($r->status, 200, 'django signed, verified: through');
is(eval { $r->json->{user} }, 'bob', 'django signed: the app sees bob');

$r = AppsTest::call($t, $gate, POST => '/logout', cookie => $c,
                    headers => \%API);
is($r->status, 200, 'django signed: logout through the gate');
is($t->redis('EXISTS', "session:$id"), 0, 'django signed: record deleted');
$r = whoami($gate, $c);
is($r->status, 200, 'django signed, logged out: through');
is(eval { $r->json->{user} }, undef, 'django signed, logged out: no one');

# Rack: the record at Rack's private id, in Marshal

$t->redis('DEL', 'mfa:user:bob');
$gate = $t->port('rack');
($c, $r) = AppsTest::login($t, $gate, 'bob', 'bob-pw');
is($r->status, 200, 'rack: bob logs in through the gate');
my $rid = $c->{'rack.session'};
$r = whoami($gate, $c);
is($r->status, 401, 'rack: mandated, not enrolled: stopped');
enrol($t, 'bob', 1);
verify($t, $rid, 'bob', 1);
is(eval { whoami($gate, $c)->json->{user} }, 'bob',
   'rack, verified: the app sees bob');

# Spring: the preset reads Spring Security's user in the hash of JSON
# attributes; the app's default serializer (JDK serialization) is named
# in the log

$t->redis('DEL', 'mfa:user:bob');
$gate = $t->port('spring');
($c, $r) = AppsTest::login($t, $gate, 'bob', 'bob-pw');
is($r->status, 200, 'spring: bob logs in through the gate');
my $sid = AppsTest::session_id('spring', $c) // '';
my $skey = AppsTest::redis_key('spring', $sid);
$r = whoami($gate, $c);
is($r->status, 401, 'spring preset: mandated, not enrolled: stopped');
is(eval { $r->json->{error} }, 'mfa_enrollment_required',
   'spring preset: must enrol');
enrol($t, 'bob', 1);
verify($t, $sid, 'bob', 1);
is(eval { whoami($gate, $c)->json->{user} }, 'bob',
   'spring, verified: the app sees bob');

my $doc = mfactl_json($t, 'session', 'inspect', $skey, '--format', 'hash',
                      '--serializer', 'json', '--user',
                      '[sessionAttr:SPRING_SECURITY_CONTEXT].authentication'
                      . '.principal.username',
                      '--company', '[sessionAttr:company_id]');
is($doc->{paths}{user}{value}, 'bob', 'inspect: Spring, the user');
is($doc->{paths}{company}{value}, 'acme',
   'inspect: Spring, the company: the JSON string read');

# the attribute as JdkSerializationRedisSerializer writes a String
$t->redis('HSET', $skey, 'sessionAttr:company_id', "\xac\xed\x00\x05t\x00\x04acme");
is(whoami($gate, $c)->status, 403, 'spring, JDK serialization: denied');
like($t->error_log, qr/Java serialization/,
     'the log says it is Java serialization');
$t->redis('HSET', $skey, 'sessionAttr:company_id', '"acme"');

$r = AppsTest::call($t, $gate, POST => '/logout', cookie => $c,
                    headers => \%API);
is($r->status, 200, 'spring: logout through the gate');
$r = whoami($gate, $c);
is($r->status, 200, 'spring, logged out: through');
is(eval { $r->json->{user} }, undef, 'spring, logged out: no one');

# Flask's pickle where JSON is configured: denied, and the log names the
# format and the directive, once a second however many requests

$t->redis('DEL', 'mfa:user:bob');
$gate = $t->port('flask_as_json');
($c, $r) = AppsTest::login($t, AppsTest::app_port($t, 'flask'), 'bob',
                           'bob-pw');
my $fid = $c->{session};

# the same session behind "mfa_session_preset flask": read as a pickle

$r = whoami($t->port('flask_preset'), $c);
is($r->status, 401, 'flask preset: the pickle read, bob must enrol');
is(eval { $r->json->{error} }, 'mfa_enrollment_required',
   'flask preset: enrolment required');

my $pickled = qr/it looks like a Python pickle: "mfa_session_format pickle"/;
is(whoami($gate, $c)->status, 403, 'a pickle read as JSON: denied');
like($t->error_log, $pickled, 'the log says it looks like a pickle');

my $before = () = $t->error_log =~ /$pickled/g;
whoami($gate, $c) for 1 .. 20;
my $after = () = $t->error_log =~ /$pickled/g;
cmp_ok($after - $before, '<', 20, 'the same line: not once a request');
sleep 1.1;
whoami($gate, $c);
like($t->error_log, qr/$pickled[^\n]*\(and \d+ more times since the last/,
     'the next line counts those not written');

# PHP's other handlers, with php-fpm itself writing the records

my %LOOKS = (php_serialize => qr/^a:\d+:\{/, php_binary => qr/^\x04user/);

for my $h (qw(php_serialize php_binary)) {
    AppsTest::stop_app($t, 'php');
    AppsTest::start_app($t, 'php', php_handler => $h);
    $t->redis('DEL', 'mfa:user:bob');
    $gate = $t->port($h);

    ($c, $r) = AppsTest::login($t, $gate, 'bob', 'bob-pw');
    is($r->status, 200, "$h: bob logs in through the gate");
    $id = $c->{PHPSESSID} // '';
    like($t->redis('GET', "PHPREDIS_SESSION:$id") // '', $LOOKS{$h},
         "$h: PHP wrote its record with the $h handler");

    $r = whoami($gate, $c);
    is($r->status, 401, "$h: mandated, not enrolled: stopped");

    enrol($t, 'bob', 1);
    verify($t, $id, 'bob', 1);
    is(eval { whoami($gate, $c)->json->{user} }, 'bob',
       "$h, verified: the app sees bob");

    AppsTest::call($t, $gate, POST => '/logout', cookie => $c,
                   headers => \%API);
    $r = whoami($gate, $c);
    is($r->status, 200, "$h, logged out: through");
    is(eval { $r->json->{user} }, undef, "$h, logged out: no one");
}

# mfactl session inspect: what the module reads, and why

$doc = mfactl_json($t, 'session', 'inspect', "session:$fid",
                      '--format', 'pickle', '--user', 'user.id',
                      '--company', 'company_id');
is($doc->{session}, 'user', 'inspect: a pickle, a user\'s session');
is($doc->{paths}{user}{value}, 'bob', 'inspect: the user');
is($doc->{paths}{company}{value}, 'acme', 'inspect: the company');

$doc = mfactl_json($t, 'session', 'inspect', "session:$fid", '--user',
                   'user.id');
is($doc->{session}, 'unreadable', 'inspect: a pickle read as JSON');
like($doc->{looks_like}, qr/pickle/, 'inspect: it looks like a pickle');

$doc = mfactl_json($t, 'session', 'inspect',
                   AppsTest::redis_key('rack', $rid), '--format', 'marshal',
                   '--user', 'user.id');
is($doc->{paths}{user}{value}, 'bob', 'inspect: a Marshal record');

# a Django record of bob's, logged in again, with the app's secret and
# with another
(my $dc) = AppsTest::login($t, $django, 'bob', 'bob-pw');
my $dkey = "session:$dc->{sessionid}";

$doc = mfactl_json($t, 'session', 'inspect', $dkey, '--format', 'django',
                   '--secret-file', $t->path('django.secret'), '--user',
                   'user.id');
is($doc->{paths}{user}{value}, 'bob', 'inspect: Django, the signature checked');

$doc = mfactl_json($t, 'session', 'inspect', $dkey, '--format', 'django',
                   '--secret-file', $t->path('wrong.secret'), '--user',
                   'user.id');
is($doc->{session}, 'unreadable', 'inspect: Django, another secret');
like($doc->{error}, qr/signature/, 'inspect: says the signature');

my ($rc, $out, $err) = mfactl($t, 'session', 'inspect', "session:$fid",
                              '--format', 'pickle', '--user', 'user.id');
is($rc, 0, 'inspect: exit status 0');
like($out, qr/^user\s+user\.id = "bob"$/m, 'inspect: the user, in text');

($rc, $out, $err) = mfactl($t, 'session', 'inspect', 'no:such:key',
                           '--user', 'user.id');
is($rc, 2, 'inspect: no such key: exit status 2');

($rc, $out, $err) = mfactl($t, 'session', 'inspect', "session:$fid",
                           '--format', 'xml', '--user', 'user.id');
is($rc, 1, 'inspect: an unknown format: usage');
like($err, qr/unknown --format "xml"/, 'inspect: says which');

($rc, $out, $err) = mfactl($t, 'session', 'inspect', "session:$fid",
                           '--format', 'pickle', '--salt', 'x', '--user',
                           'user.id');
is($rc, 1, 'inspect: --salt without django: usage');

$t->done_testing();
