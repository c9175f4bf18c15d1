# The module loads into Debian's nginx: "nginx -t" accepts its directives
# only when the module is loaded, nginx starts with a minimal configuration
# that uses them (mfa off), answers requests, reloads on HUP (old worker
# gone, new one answering) and exits cleanly on QUIT.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use MfaTest;
use Test::More;

my $t = MfaTest->new();

my $conf = <<'EOF';
http {
    mfa_issuer "Module Test";
    mfa_redis_prefix "mfa:";

    server {
        listen 127.0.0.1:%%PORT_HTTP%%;
        server_name localhost;

        mfa off;
        mfa_pages /_mfa/;
        mfa_totp_digits 6;

        location / {
            mfa off;
        }

        location = /hello {
            return 200 "hello from nginx\n";
        }
    }
}
EOF

# the directives exist only when the module is loaded

my ($status, $out) = $t->nginx_t($conf);
is($status, 0, 'nginx -t with the module loaded: exit 0')
    or diag($out);
like($out, qr/syntax is ok/, 'nginx -t: syntax is ok');
like($out, qr/test is successful/, 'nginx -t: test is successful');

($status, $out) = $t->nginx_t($conf, no_module => 1);
isnt($status, 0, 'nginx -t without load_module: refused');
like($out, qr/unknown directive "mfa_\w+"/,
     'without the module the mfa directives are unknown');

# nginx runs with it

$t->write_file('html/index.html', "index page\n");

$t->run($conf);

# the version it runs, once, in the log (src/mfa_version.h has the one)

my $version = MfaTest::version();
like($version // '', qr/^\d+\.\d+\.\d+$/, 'src/mfa_version.h: a version');
like($t->error_log, qr/\[notice\] .*mfa: ngx_http_mfa_module \Q$version\E \(hiredis \d+\.\d+\.\d+, OpenSSL /,
     'the version is logged at start, with hiredis\'s and OpenSSL\'s');

my $r = $t->http(GET => '/hello');
is($r->status, 200, 'GET /hello: 200') or diag($r->error // $r->head);
is($r->body, "hello from nginx\n", 'GET /hello: body');

$r = $t->http(GET => '/index.html');
is($r->status, 200, 'static file: 200');
is($r->body, "index page\n", 'static file: body');

$r = $t->http(GET => '/nothing-here');
is($r->status, 404, 'missing file: 404');

# keep-alive: two requests on one connection
my $sock = $t->connect_http();
$r = $t->http(GET => '/hello', sock => $sock, keep => 1);
is($r->status, 200, 'keep-alive: first request');
is($r->header('connection'), 'keep-alive', 'keep-alive: connection kept');
$r = $t->http(GET => '/index.html', sock => $sock);
is($r->body, "index page\n", 'keep-alive: second request on the same socket');

# reload: new worker, old one exits

my @old = $t->worker_pids();
is(scalar @old, 1, 'one worker running');

ok($t->reload(), 'HUP: new worker started');

my $gone = 0;
for (1 .. 100) {
    $gone = !grep { kill 0, $_ } @old;
    last if $gone;
    select undef, undef, undef, 0.05;
}
ok($gone, 'HUP: old worker exited');

my @new = $t->worker_pids();
is(scalar @new, 1, 'one worker after reload');
isnt($new[0] // 0, $old[0], 'the worker is a new process');

$r = $t->http(GET => '/hello');
is($r->status, 200, 'after reload: still answering');

$t->done_testing();
