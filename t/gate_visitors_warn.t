# A wrong "mfa_session_user" finds no user in any session, and every
# request goes through as anonymous: a worker that has read 1,000
# visitors' records and never a user's says so, once, at warn; a worker
# that has seen a user does not.

use strict;
use warnings;

use lib 't/lib';
use MfaTest;
use GateTest;
use Test::More;

my $t = MfaTest->new();
$t->start_redis();
$t->allow_log(qr/session records read by this worker/);
$t->write_file('html/v/x', "a static page\n");
$t->run(gate_conf($t, locations => <<'CONF'));
        location /v/ {
            mfa on;
            mfa_session_user uid;
            add_header X-Decision $mfa_status;
        }
CONF

# the dashboard keeps its user at user.id: "uid" finds none
$t->redis('SET', 'sess:a', '{"user":{"id":"ann"},"company_id":"acme"}');

my $warn = qr/mfa: (\d+) session records read by this worker, and none has a user at "uid" \("mfa_session_user"\)/;

# n requests of the visitor, on one connection (curl's URL ranges)
sub visits {
    my ($n) = @_;
    my $url = 'http://127.0.0.1:' . $t->port('http') . "/v/x?[1-$n]";
    system('curl', '-sf', '-o', '/dev/null', '-H', 'Cookie: sid=a', $url) == 0
        or die "curl: $?\n";
}

visits(999);

unlike($t->error_log, $warn, '999 visitors: nothing said yet');

my $r = $t->http(GET => '/v/x', headers => { %NAV, Cookie => 'sid=a' });
is($r->status, 200, 'a visitor, as far as the gate can tell: through');
is($r->header('X-Decision'), 'anonymous', 'as anonymous');

my @lines = $t->error_log =~ /$warn/g;
is_deeply(\@lines, [1000], 'the 1,000th: said once, at warn');
like($t->error_log, qr/\[warn\].*$warn/, 'at the warn level');

visits(50);
@lines = $t->error_log =~ /$warn/g;
is(scalar @lines, 1, 'and never again');

$t->done_testing();
