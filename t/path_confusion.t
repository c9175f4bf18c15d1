# Path confusion through "mfa off" locations, and the configurations
# docs/security.md gives to close it: a back end such as Tomcat reads
# "/static/..;/reports" as "/reports", which nginx matches to "/static/".

use strict;
use warnings;

use lib 't/lib';
use MfaTest;
use GateTest;
use Test::More;

my $t = MfaTest->new();

$t->start_redis();
$t->start_upstream();
$t->write_file('html/public/app.css', "body {}\n");

$t->run(gate_conf($t, locations => <<'CONF'));
        location /public/ {
            mfa off;
            root %%TESTDIR%%/html;
        }

        location = /logout {
            mfa off;
            proxy_pass http://dashboard/logout;
        }

        location /assets/ {
            mfa off;
            if ($uri ~ "[;\\\\]") { return 400; }
            proxy_pass http://dashboard;
        }
CONF

$t->redis('HSET', 'mfa:company:acme', 'require_2fa', '1');
session($t, 'bob-s', 'bob', 'acme');

sub get {
    my ($uri) = @_;
    return $t->http(GET => $uri, headers => { %NAV, Cookie => 'sid=bob-s' });
}

# the gate itself: bob must enrol
is(get('/reports')->status, 302, 'bob must enrol for /reports');

# 1. served by nginx: a path that escapes the prefix is no file there
my $r = get('/public/app.css');
is($r->status, 200, 'a static file, from nginx');
ok(!MfaTest::echoed($r), 'not from the dashboard');
$r = get('/public/..;/reports');
isnt($r->status, 200, '/public/..;/reports: no page');
ok(!MfaTest::echoed($r), 'and nothing reaches the dashboard');

# 2. an exact path: the dashboard gets the path nginx matched
$r = get('/x/../logout?next=/');
is(MfaTest::echoed($r) && MfaTest::echoed($r)->{uri}, '/logout?next=/',
   '/x/../logout reaches the dashboard as /logout');

# 3. a proxied prefix: what another back end reads as another path is
# refused, encoded or not
for my $uri ('/assets/..;/reports', '/assets/%2e%2e%3b/reports',
             '/assets/..%3B/reports', '/assets/..\\reports',
             '/assets/..%5creports', '/assets/a;jsessionid=1/x.js')
{
    $r = get($uri);
    is($r->status, 400, "$uri: refused");
    ok(!MfaTest::echoed($r), "$uri: the dashboard saw nothing");
}

$r = get('/assets/app.js?v=1');
is($r->status, 200, 'a plain asset path: through');
is(MfaTest::echoed($r) && MfaTest::echoed($r)->{uri}, '/assets/app.js?v=1',
   'as written');

$t->done_testing();
