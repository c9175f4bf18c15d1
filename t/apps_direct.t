# The test apps of t/apps/, talked to directly (no gate): each reads its
# session cookie and its Redis record the way its framework does, and the
# facts the gate relies on about each framework's cookie parsing hold.
# php and laravel need a FastCGI front: a plain nginx location, no mfa
# directive.

use strict;
use warnings;

use lib 't/lib';
use MfaTest;
use AppsTest;
use Digest::SHA qw(hmac_sha1_hex);
use JSON::PP ();
use MIME::Base64 qw(decode_base64 encode_base64);
use Test::More;

my $t = MfaTest->new();
$t->start_redis();

# 40 characters (fastify wants 32 or more), written with a trailing "\n"
# that the apps (like the module) leave out
my $NEW = 'new-secret-' . ('n' x 29);
my $OLD = 'old-secret-' . ('o' x 29);
my $new = $t->write_file('app-new.secret', "$NEW\n", 0600);
my $old = $t->write_file('app-old.secret', "$OLD\n", 0600);

# the user /whoami names (undef: none); a string that is no user name when
# the app gave no JSON answer, so that is(..., undef) fails then
sub user {
    my ($port, $cookie) = @_;
    my ($j, $r) = AppsTest::whoami($t, $port, $cookie);
    return $j->{user} if ref $j eq 'HASH' && $r->status == 200;
    return 'NO ANSWER: ' . ($r->status // $r->error);
}

# one character in the middle of a signature changed
sub tamper {
    my ($signed) = @_;
    my $dot = rindex($signed, '.');
    my $i = $dot + 1 + int((length($signed) - $dot - 1) / 2);
    substr($signed, $i, 1) = substr($signed, $i, 1) eq 'A' ? 'B' : 'A';
    return $signed;
}

# "%XX" for the first character of a value
sub pct_first {
    my ($v) = @_;
    return sprintf('%%%02X', ord $v) . substr($v, 1);
}

my $UUID4 = qr/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-
    [0-9a-f]{12}$/x;

# what every stack does the same way: the passwords, the cookie /whoami
# reads, the record at its key, no cookie, a second user.  Returns
# (bob's cookies, bob's session id).
sub basics {
    my ($stack, $port, $label) = @_;

    $label //= $stack;
    my $name = AppsTest::cookie_name($stack);

    my (undef, $r) = AppsTest::login($t, $port, 'bob', 'wrong');
    is($r->status, 403, "$label: wrong password: 403");
    is_deeply($r->json, { error => 'bad password' },
              "$label: wrong password: the error");

    (my $c, $r) = AppsTest::login($t, $port, 'bob', 'bob-pw');
    is($r->status, 200, "$label: login: 200");
    is_deeply($r->json, { user => 'bob' }, "$label: login: the user");

    my $id = AppsTest::session_id($stack, $c);
    ok(defined $id, "$label: login set the $name cookie")
        or diag($r->head);
    $id //= 'none';

    my $j = AppsTest::whoami($t, $port, $c);
    is($j->{user}, 'bob', "$label: whoami with that cookie: bob");
    is($j->{cookie}, MfaTest::cookie_header(%$c),
       "$label: whoami shows the Cookie header it got");

    my $key = AppsTest::redis_key($stack, $id);
    my $rec = AppsTest::record($t, $stack, $id);
    is(ref $rec && $rec->{user}{id}, 'bob', "$label: record at $key: user.id");
    is(ref $rec && $rec->{company_id}, 'acme',
       "$label: record at $key: company_id");

    my $ttl = $t->redis('TTL', $key);
    ok(!ref $ttl && $ttl > 0, "$label: the record expires (TTL $ttl)");

    is_deeply(scalar AppsTest::whoami($t, $port, undef),
              { user => undef, cookie => undef },
              "$label: whoami without a cookie: null, no cookie");

    my $cc = AppsTest::login($t, $port, 'carol', 'carol-pw');
    my $cid = AppsTest::session_id($stack, $cc) // 'none';
    isnt($cid, $id, "$label: carol gets her own session");
    is(user($port, $cc), 'carol', "$label: whoami with carol's cookie");
    is(AppsTest::record($t, $stack, $cid)->{company_id}, 'globex',
       "$label: carol's record: company globex");

    return ($c, $id);
}

# a visitor's session from /anon, then logout destroys bob's session
sub anon_and_logout {
    my ($stack, $port, $c, $id, $label) = @_;

    $label //= $stack;

    my $r = AppsTest::call($t, $port, GET => '/anon');
    is_deeply($r->json, { user => undef }, "$label: /anon: no user");

    my $aid = AppsTest::session_id($stack, $r->cookies);
    ok(defined $aid, "$label: /anon set a visitor's session cookie")
        or diag($r->head);
    $aid //= 'none';

    my $rec = AppsTest::record($t, $stack, $aid);
    ok(ref $rec && $rec->{visits} == 1 && !exists $rec->{user},
       "$label: the visitor's record: visits 1, no user")
        or diag(explain $rec);

    $r = AppsTest::call($t, $port, POST => '/logout', cookie => $c);
    is($r->status, 200, "$label: logout: 200");
    is($t->redis('EXISTS', AppsTest::redis_key($stack, $id)), 0,
       "$label: logout deleted the record");
    is(user($port, $c), undef, "$label: whoami after logout: null");
}

###########################################################################

subtest express => sub {
    my $port = AppsTest::start_app($t, 'express', secret => $new);
    my ($c, $id) = basics('express', $port);
    my $v = $c->{sid};

    like($v, qr/^s%3A[A-Za-z0-9_-]{32}\.[A-Za-z0-9%]+$/,
         'canonical: sid=s%3A<32-char id>.<signature>, percent-encoded');
    is_deeply($c, AppsTest::sign('express', $id, $NEW),
              's:<id>.base64(HMAC-SHA256(id, secret)) less "="');

    my $bad = AppsTest::uri_escape_component(
        tamper(AppsTest::uri_unescape($v)));
    is(user($port, "sid=$bad"), undef, 'a tampered signature: null');
    is(user($port, "sid=$id"), undef, 'the bare id (unsigned): null');

    is(user($port, 'sid=' . AppsTest::uri_unescape($v)), 'bob',
       'fact: sid=s:<id>.<sig> unencoded is read');
    is(user($port, qq{sid="$v"}), 'bob', 'fact: a quoted value is read');
    is(user($port, "sid=$v; sid=bogus"), 'bob',
       'fact: of two sid cookies the first is read');
    is(user($port, "sid=bogus; sid=$v"), undef,
       'fact: ... and the second is not');

    anon_and_logout('express', $port, $c, $id);
    AppsTest::stop_app($t, 'express');
};

subtest fastify => sub {
    my $port = AppsTest::start_app($t, 'fastify', secret => $new);
    my ($c, $id) = basics('fastify', $port);
    my $v = $c->{sessionId};

    like($v, qr{^[A-Za-z0-9_-]{32}\.[A-Za-z0-9+/]{43}$},
         'canonical: sessionId=<32-char id>.<43-char base64 signature>');
    is_deeply($c, AppsTest::sign('fastify', $id, $NEW),
              '<id>.base64(HMAC-SHA256(id, secret)) less "="');
    is(user($port, 'sessionId=' . tamper($v)), undef,
       'a tampered signature: null');

    is(user($port, qq{sessionId="$v"}), undef,
       'fact: quotes are NOT stripped (a quoted value is not read)');
    is(user($port, 'sessionId=' . pct_first($v)), 'bob',
       'fact: the value is percent-decoded');
    is(user($port, "sessionId=$v; sessionId=bogus"), 'bob',
       'fact: of two cookies the first is read');
    is(user($port, "sessionId=bogus; sessionId=$v"), undef,
       'fact: ... and the second is not');

    anon_and_logout('fastify', $port, $c, $id);
    AppsTest::stop_app($t, 'fastify');
};

subtest koa => sub {
    my $port = AppsTest::start_app($t, 'koa', secret => $new);
    my ($c, $id) = basics('koa', $port);
    my $sig = $c->{'koa.sess.sig'};

    like($id, $UUID4, 'canonical: koa.sess=<uuid v4>');
    is_deeply($c, AppsTest::sign('koa', $id, $NEW),
              'koa.sess.sig=base64url(HMAC-SHA1("koa.sess=<uuid>", key))');
    is(AppsTest::redis_key('koa', $id), $id, 'the record is at the bare uuid');

    is(user($port, "koa.sess=$id; koa.sess.sig=" . tamper($sig)), undef,
       'a tampered koa.sess.sig: null');
    is(user($port, "koa.sess=$id"), undef, 'no koa.sess.sig: null');

    is(user($port, 'koa.sess=' . pct_first($id) . "; koa.sess.sig=$sig"),
       undef, 'fact: the value is NOT percent-decoded');
    is(user($port, qq{koa.sess="$id"; koa.sess.sig=$sig}), 'bob',
       'fact: quotes are stripped (the signature is of the unquoted value)');
    is(user($port, "koa.sess=$id; koa.sess=bogus; koa.sess.sig=$sig"), 'bob',
       'fact: of two koa.sess cookies the first is read');
    is(user($port, "koa.sess=bogus; koa.sess=$id; koa.sess.sig=$sig"), undef,
       'fact: ... and the second is not');

    anon_and_logout('koa', $port, $c, $id);
    AppsTest::stop_app($t, 'koa');
};

# rotation: a cookie signed with the old secret, read by the app started
# again with the new secret and SECRET_FILE_OLD; not without the latter
for my $stack (qw(express fastify koa)) {
    subtest "$stack: secret rotation" => sub {
        my $port = AppsTest::start_app($t, $stack, secret => $old);
        my $c = AppsTest::login($t, $port, 'bob', 'bob-pw');
        my $id = AppsTest::session_id($stack, $c) // 'none';
        is_deeply($c, AppsTest::sign($stack, $id, $OLD),
                  'the cookie is signed with the old secret');
        AppsTest::stop_app($t, $stack);

        AppsTest::start_app($t, $stack, secret => $new, secret_old => $old);
        my ($j, $r) = AppsTest::whoami($t, $port, $c);
        is($j->{user}, 'bob', 'with SECRET_FILE_OLD the old cookie is read');

        if ($stack eq 'koa') {
            is($r->cookies->{'koa.sess.sig'},
               AppsTest::sign('koa', $id, $NEW)->{'koa.sess.sig'},
               'koa signs it again with the new key');
        }

        my $c2 = AppsTest::login($t, $port, 'carol', 'carol-pw');
        my $id2 = AppsTest::session_id($stack, $c2) // 'none';
        is_deeply($c2, AppsTest::sign($stack, $id2, $NEW),
                  'a new login is signed with the new secret');
        AppsTest::stop_app($t, $stack);

        AppsTest::start_app($t, $stack, secret => $new);
        is(user($port, $c), undef, 'without SECRET_FILE_OLD: null');
        is(user($port, $c2), 'carol', 'the new cookie: carol');
        AppsTest::stop_app($t, $stack);
    };
}

subtest 'flask, bare uuid' => sub {
    my $port = AppsTest::start_app($t, 'flask', secret => $new);
    my ($c, $id) = basics('flask', $port, 'flask');

    like($c->{session}, $UUID4, 'canonical: session=<uuid v4>, unsigned');
    is(user($port, 'session=00000000-0000-4000-8000-000000000000'), undef,
       'an unknown uuid: null');

    is(user($port, qq{session="$id"}), 'bob', 'fact: quotes are stripped');
    is(user($port, 'session=' . pct_first($id)), undef,
       'fact: the value is NOT percent-decoded');
    is(user($port, "session=$id; session=bogus"), 'bob',
       'fact: of two cookies the first is read');
    is(user($port, "session=bogus; session=$id"), undef,
       'fact: ... and the second is not');

    anon_and_logout('flask', $port, $c, $id);
    AppsTest::stop_app($t, 'flask');
};

subtest 'flask, FLASK_SIGNER=1' => sub {
    my $port = AppsTest::start_app($t, 'flask', secret => $new, signer => 1);
    my ($c, $id) = basics('flask', $port, 'flask signed');

    like($c->{session}, qr/^[0-9a-f-]{36}\.[A-Za-z0-9_-]{27}$/,
         'canonical: session=<uuid>.<27-char base64url signature>');
    is_deeply($c, AppsTest::sign('flask', $id, $NEW),
              'itsdangerous: salt flask-session, hmac key derivation, SHA-1');
    is(user($port, 'session=' . tamper($c->{session})), undef,
       'a tampered signature: null');
    is(user($port, "session=$id"), undef, 'the bare uuid (unsigned): null');

    anon_and_logout('flask', $port, $c, $id, 'flask signed');
    AppsTest::stop_app($t, 'flask');
};

subtest django => sub {
    my $port = AppsTest::start_app($t, 'django', secret => $new);
    my ($c, $id) = basics('django', $port);

    like($id, qr/^[a-z0-9]{32}$/, 'canonical: sessionid=<32 chars a-z0-9>');
    is(user($port, 'sessionid=' . ('0' x 32)), undef, 'an unknown id: null');

    is(user($port, "sessionid=bogus; sessionid=$id"), 'bob',
       'fact: of two sessionid cookies the LAST is read');
    is(user($port, "sessionid=$id; sessionid=bogus"), undef,
       'fact: ... and the first is not');
    is(user($port, qq{sessionid="$id"}), 'bob', 'fact: quotes are stripped');
    is(user($port, 'sessionid=' . pct_first($id)), undef,
       'fact: the value is NOT percent-decoded');

    anon_and_logout('django', $port, $c, $id);
    AppsTest::stop_app($t, 'django');
};

subtest php => sub {
    AppsTest::start_app($t, 'php');
    $t->run(<<"EOF");
http {
    server {
        listen 127.0.0.1:%%PORT_HTTP%%;
        location / {
@{[ AppsTest::php_fastcgi($t) ]}
        }
    }
}
EOF

    my $port = $t->port('http');
    my ($c, $id) = basics('php', $port);

    like($id, qr/^[0-9a-f]{32}$/, 'canonical: PHPSESSID=<32 hex digits>');
    like($t->redis('GET', AppsTest::redis_key('php', $id)) // '',
         qr/^user\|a:1:\{s:2:"id";s:3:"bob";\}company_id\|s:4:"acme";$/,
         "PHP's own record, in PHP's serialization");

    # session.use_strict_mode: an id the server did not make is replaced
    my $forged = 'f' x 32;
    my $r = AppsTest::call($t, $port, GET => '/whoami',
                           cookie => "PHPSESSID=$forged");
    is($r->json->{user}, undef, 'strict mode: an unknown id: null');
    my $given = $r->cookies->{PHPSESSID} // '';
    ok($given =~ /^[0-9a-f]{32}$/ && $given ne $forged,
       'strict mode: a new id is given instead');

    is(user($port, 'PHPSESSID=' . pct_first($id)), 'bob',
       'fact: the value is percent-decoded');
    is(user($port, "PHPSESSID=$id; PHPSESSID=bogus"), 'bob',
       'fact: of two cookies the first is read');
    is(user($port, "PHPSESSID=bogus; PHPSESSID=$id"), undef,
       'fact: ... and the second is not');
    is(user($port, qq{PHPSESSID="$id"}), undef,
       'fact: quotes are NOT stripped');

    anon_and_logout('php', $port, $c, $id);
    AppsTest::stop_app($t, 'php');
};

subtest spring => sub {
    my $port = AppsTest::start_app($t, 'spring');
    my ($c, $id) = basics('spring', $port);

    like($id, $UUID4, 'canonical: SESSION=<base64 of a uuid v4>');
    is($c->{SESSION}, encode_base64($id, ''), '... with padding, if any');

    my $key = AppsTest::redis_key('spring', $id);
    is($t->redis('TYPE', $key), 'hash', 'the record is a hash');
    is($t->redis('HGET', $key, 'sessionAttr:company_id'), '"acme"',
       'every attribute is JSON: a string in quotes');
    like($t->redis('HGET', $key, 'sessionAttr:SPRING_SECURITY_CONTEXT'),
         qr/^\{"\@class":"org\.springframework\.security\.core\.context\./,
         "Spring Security's context, with Jackson's type ids");

    my $v = $c->{SESSION};
    is(user($port, qq{SESSION="$v"}), 'bob', 'fact: quotes are stripped');
    is(user($port, ' SESSION = ' . $v . ' '), 'bob',
       'fact: white space around the name and the value is trimmed');
    is(user($port, 'session=' . $v), undef, 'fact: the name is case-sensitive');
    is(user($port, 'SESSION=' . pct_first($v)), undef,
       'fact: the value is NOT percent-decoded');
    is(user($port, "SESSION=${v}="), undef,
       'fact: base64 with a "=" too many names no session');
    my $other = encode_base64('f' x 36, '');
    is(user($port, "SESSION=$v; SESSION=$other"), 'bob',
       'fact: of two cookies the first whose session exists is read');
    is(user($port, "SESSION=$other; SESSION=$v"), 'bob',
       '... be it the second');

    anon_and_logout('spring', $port, $c, $id);
    AppsTest::stop_app($t, 'spring');
};

# Laravel's cookie is encrypted, with a fresh IV on every response: the
# gate cannot read it and asks GET /mfa/introspect who the session is
subtest laravel => sub {
    AppsTest::start_app($t, 'laravel');
    $t->stop();     # the php subtest's nginx
    $t->run(<<"EOF");
http {
    server {
        listen 127.0.0.1:%%PORT_HTTP%%;
        location / {
@{[ AppsTest::laravel_fastcgi($t) ]}
        }
        # a POST that asks the app first, by a subrequest
        location = /guarded {
            auth_request /mfa/introspect;
            proxy_pass http://127.0.0.1:%%PORT_HTTP%%/ok;
        }
        location = /ok {
            return 200 "ok\\n";
        }
        location = /mfa/introspect {
@{[ AppsTest::laravel_fastcgi($t, method => 'GET') ]}
        }
    }
}
EOF

    my $port = $t->port('http');
    my $key = AppsTest::laravel_key(undef);
    my ($c, $id) = basics('laravel', $port);
    my $v = $c->{laravel_session};

    # the cookie
    like($id, qr/^[A-Za-z0-9]{40}$/, 'the session id: 40 letters and digits');
    my $p = eval {
        JSON::PP->new->decode(decode_base64(AppsTest::uri_unescape($v)))
    };
    is_deeply([sort keys %{$p // {}}], [qw(iv mac tag value)],
              'canonical: laravel_session=base64 of JSON {iv, value, mac, '
              . 'tag}, percent-encoded');
    is(AppsTest::laravel_decrypt($v, $key),
       hmac_sha1_hex('laravel_sessionv2', $key) . "|$id",
       'AES-256-CBC of HMAC-SHA1("laravel_sessionv2", key) "|" <id>');

    my (undef, $r1) = AppsTest::whoami($t, $port, $c);
    my (undef, $r2) = AppsTest::whoami($t, $port, $c);
    my @v = map { $_->cookies->{laravel_session} // '' } $r1, $r2;
    ok($v[0] ne $v[1] && $v[0] ne $v && $v[1] ne $v,
       'every response sets the cookie again, another value each time');
    is_deeply([map { AppsTest::session_id('laravel', { laravel_session => $_ })
                   } @v], [$id, $id], '... for the same session');
    is(user($port, $c), 'bob', 'an earlier value still reads the session');

    # introspection
    my $r = AppsTest::call($t, $port, GET => '/mfa/introspect', cookie => $c);
    is($r->status, 200, 'introspect: bob: 200');
    like($r->header('content-type') // '', qr{^application/json},
         'introspect: JSON');
    is_deeply($r->json, { session => $id, user => 'bob', company => 'acme',
                          admin => JSON::PP::false },
              'introspect: the session, bob, acme, not an admin');
    ok(JSON::PP::is_bool($r->json->{admin}), 'introspect: admin a boolean');
    is($r->header('set-cookie'), undef, 'introspect sets no cookie');

    is(AppsTest::call($t, $port, POST => '/guarded', cookie => $c)->status,
       200, 'a subrequest from a POST reaches introspect (method GET, its '
       . 'own URI): bob');
    is(AppsTest::call($t, $port, POST => '/guarded')->status, 401,
       '... and no cookie: 401');

    my $keys = $t->redis('DBSIZE');
    $r = AppsTest::call($t, $port, GET => '/mfa/introspect');
    is($r->status, 401, 'introspect without a cookie: 401');
    for my $path ('/mfa/introspect/', '/index.php/mfa/introspect') {
        is(AppsTest::call($t, $port, GET => $path, cookie => $c)->status,
           404, "$path through the app's own location (no "
           . 'MFA_INTROSPECTION): 404');
    }
    is_deeply($r->json, { user => undef }, '... {"user":null}');
    is($r->header('set-cookie'), undef, '... no cookie');
    is($t->redis('DBSIZE'), $keys, '... and no record');
    is(AppsTest::call($t, $port, GET => '/mfa/introspect',
                      cookie => 'laravel_session=' . tamper($v))->status,
       401, 'introspect, a tampered cookie: 401');

    # login regenerates the id
    $r = AppsTest::call($t, $port, GET => '/anon');
    my $vc = $r->cookies;
    my $vid = AppsTest::session_id('laravel', $vc) // 'none';
    is(AppsTest::call($t, $port, GET => '/mfa/introspect', cookie => $vc)
       ->status, 401, 'introspect: a visitor: 401');
    $r = AppsTest::call($t, $port, POST => '/login', cookie => $vc,
                        form => [user => 'bob', password => 'bob-pw']);
    my $lc = $r->cookies;
    my $lid = AppsTest::session_id('laravel', $lc) // 'none';
    isnt($lid, $vid, "login from a visitor's session: a new id");
    is(AppsTest::call($t, $port, GET => '/mfa/introspect', cookie => $lc)
       ->json->{session}, $lid, '... which introspect names');
    is(user($port, $vc), undef, "the visitor's cookie: no user");
    is(AppsTest::record($t, 'laravel', $vid)->{visits}, 1,
       "the visitor's record stays (regenerate(), not regenerate(true))");

    $r = AppsTest::call($t, $port, POST => '/login', cookie => $lc,
                        form => [user => 'bob', password => 'bob-pw']);
    my $again = AppsTest::call($t, $port, GET => '/mfa/introspect',
                               cookie => $r->cookies)->json;
    ok($again->{session} && $again->{session} ne $lid,
       "bob's login again: introspect's session changes");
    is(user($port, $lc), 'bob', "... and the earlier one is still bob's");

    is(user($port, 'laravel_session=' . pct_first($v)), 'bob',
       'fact: the value is percent-decoded');
    is(user($port, "laravel_session=$v; laravel_session=bogus"), 'bob',
       'fact: of two cookies the first is read');
    is(user($port, "laravel_session=bogus; laravel_session=$v"), undef,
       'fact: ... and the second is not');

    anon_and_logout('laravel', $port, $c, $id);
    is(AppsTest::call($t, $port, GET => '/mfa/introspect', cookie => $c)
       ->status, 401, 'introspect after logout: 401');
    AppsTest::stop_app($t, 'laravel');

    # APP_KEY from SECRET_FILE
    AppsTest::start_app($t, 'laravel', secret => $new);
    is(user($port, $lc), undef, 'with SECRET_FILE: the old key does not read');
    my $sc = AppsTest::login($t, $port, 'carol', 'carol-pw');
    my $sid = AppsTest::session_id('laravel', $sc, $NEW);
    ok(defined $sid, 'the cookie is encrypted with SHA-256(secret)');
    is(AppsTest::call($t, $port, GET => '/mfa/introspect', cookie => $sc)
       ->json->{company}, 'globex', 'introspect: carol, globex');
    AppsTest::stop_app($t, 'laravel');
};

AppsTest::stop_all($t);
$t->done_testing();
