# "mfa off" is per location and leaves requests untouched: in a location
# with "mfa off", in one where mfa is not mentioned, under a server-level
# "mfa on" overridden by a location's "mfa off", and in a server without any
# mfa directive, every request reaches the upstream exactly as the client
# sent it (method, URI with its query string, body), with nothing added,
# and the upstream's status, headers and body come back as they are.  The
# one exception: in a server where some location has "mfa on", client
# copies of X-MFA-User / X-MFA-Status never reach the upstream
# (docs/security.md), so that an "mfa off" location cannot pass forged
# ones; a server without the gate passes them as sent.  This holds
# for a user whom the gate would stop (a real session in the real Redis,
# in a company that requires 2FA) while "mfa on" is active next door.
#
# What "mfa on" answers is not checked here (see the gate_*.t tests); only
# that a forged X-MFA-User never reaches the upstream through it.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use MfaTest;
use Test::More;

my $t = MfaTest->new();

$t->start_redis();
$t->start_upstream();
$t->write_key_file('mfa.key');

# a dashboard session of user 42 in company 7, which requires 2FA: the gate
# would not let it through unchecked
$t->redis('SET', 'sess:abc', '{"user":{"id":"42"},"company_id":"7"}');
$t->redis('HSET', 'mfa:company:7', 'require_2fa', '1');

is($t->redis('GET', 'sess:abc'), '{"user":{"id":"42"},"company_id":"7"}',
   'redis: the session is stored');
is($t->redis('HGET', 'mfa:company:7', 'require_2fa'), '1',
   'redis: the policy is stored');

$t->run(<<'EOF');
http {
    mfa_redis            127.0.0.1:%%PORT_REDIS%%;
    mfa_redis_timeout    500ms;
    mfa_secret_key_file  %%TESTDIR%%/mfa.key;

    upstream backend {
        server 127.0.0.1:%%PORT_UPSTREAM%%;
    }

    # the request line's version is asserted below: pinned, since nginx
    # 1.29.7 and later send 1.1 by default, earlier versions 1.0
    proxy_http_version   1.0;

    # mfa on at "/", off or not mentioned elsewhere
    server {
        listen 127.0.0.1:%%PORT_HTTP%%;
        server_name localhost;

        mfa_session_cookie   sid;
        mfa_session_key      sess:$mfa_session_id;
        mfa_session_user     user.id;
        mfa_session_company  company_id;

        location / {
            mfa on;
            proxy_pass http://backend;
        }

        location /static/ {
            mfa off;
            proxy_pass http://backend;
        }

        location /plain/ {
            proxy_pass http://backend;
        }
    }

    # mfa on for the whole server, off in one location
    server {
        listen 127.0.0.1:%%PORT_HTTP_ON%%;
        server_name localhost;

        mfa on;
        mfa_session_cookie   sid;
        mfa_session_key      sess:$mfa_session_id;
        mfa_session_user     user.id;
        mfa_session_company  company_id;

        location / {
            proxy_pass http://backend;
        }

        location /static/ {
            mfa off;
            proxy_pass http://backend;
        }
    }

    # no mfa directive at all
    server {
        listen 127.0.0.1:%%PORT_HTTP_BARE%%;
        server_name localhost;

        location / {
            proxy_pass http://backend;
        }
    }
}
EOF

# [what, port name, prefix, a server with the gate]
my @places = (
    ['"mfa off" beside "mfa on"',          'http',      '/static/', 1],
    ['mfa not mentioned, beside "mfa on"', 'http',      '/plain/',  1],
    ['"mfa off" under server "mfa on"',    'http_on',   '/static/', 1],
    ['server without mfa directives',      'http_bare', '/free/',   0],
);

# what a client may send, MFA headers included
my @client_headers = (
    'Accept'       => 'text/html,application/xhtml+xml',
    'Cookie'       => 'sid=abc; theme=dark',
    'X-MFA-User'   => 'mallory',
    'X-MFA-Status' => 'verified',
    'X-Custom'     => 'kept as is',
);

my $nrequests = 0;

sub request {
    my ($where, $method, $uri, %o) = @_;
    $nrequests++;
    return $t->http($method => $uri, port => $t->port($where->[1]),
                    headers => $o{headers} // [@client_headers], %o);
}

sub check_headers {
    my ($what, $seen, $gated, $r) = @_;

    my @mfa = grep { $_->[0] =~ /^x[-_]mfa[-_]/i } @{$seen->{header_list}};

    if ($gated) {
        is_deeply(\@mfa, [], "$what: no client X-MFA-* in a gated server");

    } else {
        # HTTP/2 sends the names in lower case
        my @want = ('X-MFA-User: mallory', 'X-MFA-Status: verified');
        @want = map { s/^([^:]+)/lc $1/er } @want
            if $r->{protocol} eq 'HTTP/2';
        is_deeply([map { "$_->[0]: $_->[1]" } @mfa], \@want,
                  "$what: the client's X-MFA-* reach the upstream as sent");
    }

    is($seen->header('Cookie'), 'sid=abc; theme=dark',
       "$what: Cookie passed");
    is($seen->header('X-Custom'), 'kept as is', "$what: other headers passed");
}

for my $where (@places) {
    my ($name, undef, $prefix, $gated) = @$where;

    # GET, with an encoded path and a query string
    my $uri = "${prefix}a%20b/file.css?x=1&y=%2F..%2F&z";
    my $r = request($where, GET => $uri);

    is($r->status, 200, "$name: GET: 200") or diag($r->error // $r->head);
    is($r->header('X-Upstream'), 'upstream', "$name: GET: answered by the upstream");
    is($r->header('Cache-Control'), undef, "$name: GET: no header added");

    my $seen = MfaTest::echoed($r);
    ok($seen, "$name: GET: the upstream echoed the request") or next;
    is($seen->{method}, 'GET', "$name: GET: method");
    is($seen->{uri}, $uri, "$name: GET: URI and query string as sent");
    check_headers("$name: GET", $seen, $gated, $r);

    # POST with a body, a plain one and a chunked one
    my $body = "code=123456&return=%2Fa%3Fb\n" . ('x' x 3000);

    for my $chunked (0, 500) {
        my $how = $chunked ? 'chunked POST' : 'POST';

        $r = request($where, POST => "${prefix}form?step=2",
                     headers => [@client_headers, 'Content-Type' =>
                                 'application/x-www-form-urlencoded'],
                     body => $body, chunked => $chunked);

        is($r->status, 200, "$name: $how: 200");
        $seen = MfaTest::echoed($r);
        is($seen && $seen->{method}, 'POST', "$name: $how: method");
        is($seen && $seen->{uri}, "${prefix}form?step=2", "$name: $how: URI");
        is($seen && $seen->{body}, $body, "$name: $how: body as sent");
        is($seen && $seen->header('Content-Type'),
           'application/x-www-form-urlencoded', "$name: $how: content type");
        check_headers("$name: $how", $seen, $gated, $r) if $seen;
    }

    # other methods
    for my $m (qw(PUT DELETE PATCH OPTIONS)) {
        $r = request($where, $m => "${prefix}api/items/7?v=1",
                     body => $m eq 'OPTIONS' ? undef : '{"a":1}');

        is($r->status, 200, "$name: $m: 200");
        $seen = MfaTest::echoed($r);
        is($seen && $seen->{request_line}, "$m ${prefix}api/items/7?v=1 HTTP/1.0",
           "$name: $m: method and URI as sent");
        is($seen && $seen->{body}, $m eq 'OPTIONS' ? '' : '{"a":1}',
           "$name: $m: body as sent");
    }

    # HEAD: no body, the upstream's headers say what it received
    $r = request($where, HEAD => "${prefix}page?q=1");

    is($r->status, 200, "$name: HEAD: 200");
    is($r->body, '', "$name: HEAD: no body");
    is($r->header('X-Echo-Request'), "HEAD ${prefix}page?q=1 HTTP/1.0",
       "$name: HEAD: reached the upstream as a HEAD, same URI");
    is(scalar(grep { /^(?i:X-MFA-User): mallory\z/ }
              $r->header_all('X-Echo-Header')), $gated ? 0 : 1,
       "$name: HEAD: the client's X-MFA-User "
       . ($gated ? 'removed' : 'reached the upstream'));

    # the upstream's status and body come back as they are
    $r = request($where, GET => "${prefix}teapot",
                 headers => [@client_headers, 'X-Upstream-Status' => 418]);

    is($r->status, 418, "$name: the upstream's status comes back");
    like($r->body, qr{^UPSTREAM upstream\nGET ${prefix}teapot HTTP/1\.0\n},
         "$name: the upstream's body comes back");

    # nothing is added when the client sends no MFA header
    $r = request($where, GET => "${prefix}bare",
                 headers => [Cookie => 'sid=abc']);
    $seen = MfaTest::echoed($r);

    is($r->status, 200, "$name: without MFA headers: 200");
    is_deeply([$seen ? $seen->header_all('X-MFA-User') : 'no echo'], [],
              "$name: no X-MFA-User added");
    is_deeply([$seen ? $seen->header_all('X-MFA-Status') : 'no echo'], [],
              "$name: no X-MFA-Status added");
}

# every one of those requests reached the upstream, once
my @mfa_off_seen = grep { $_->{path} !~ m{^/protected} }
                   $t->upstream_requests();
is(scalar @mfa_off_seen, $nrequests,
   'each request to an mfa-off location reached the upstream exactly once');

# "mfa on" next door, whatever it answers, never passes a forged X-MFA-User
for my $where (['"mfa on" location', 'http'],
               ['server-level "mfa on"', 'http_on'])
{
    my $r = request($where, GET => '/protected/page?x=1');
    ok(defined $r->status, "$where->[0]: answers")
        or diag($r->error);

    my $seen = MfaTest::echoed($r);
    isnt($seen && $seen->header('X-MFA-User'), 'mallory',
         "$where->[0]: a forged X-MFA-User is not passed on");
}

ok(!(grep { $_->{path} =~ m{^/protected}
            && grep { $_ eq 'mallory' } $_->header_all('X-MFA-User') }
     $t->upstream_requests()),
   '"mfa on": the upstream never saw the forged X-MFA-User');

# the harness's Redis is still there and unchanged by mfa-off traffic
is($t->redis('EXISTS', 'sess:abc'), 1, 'redis: the session is untouched');

$t->done_testing();
