# The request path in the debug log (nginx built --with-debug, as Debian's
# is; "error_log ... debug"): the handler, the session cookie, the cache,
# the command sent, its answer, the wake-up and the decision, as nginx's
# own modules write theirs.  No session id or cookie value in them.

use strict;
use warnings;

use lib 't/lib';
use MfaTest;
use GateTest;
use Test::More;
use Time::HiRes qw(sleep);

my $t = MfaTest->new();

$t->start_redis();
$t->start_upstream();
$t->allow_log(qr/mfa: /);
$t->run(gate_conf($t));

session($t, 'SecretSessionId42', 'u1', 'globex');
enrol($t, 'u1', 1);
verify($t, 'SecretSessionId42', 'u1', 1);

sub get {
    return $t->http(GET => '/page', headers => { %NAV,
                    Cookie => 'sid="SecretSessionId42"; theme=dark' });
}

is(get()->status, 200, 'through, read in Redis');

# from the cache once the worker's reads are tracked
for (1 .. 100) {
    is(get()->status, 200, 'through') if $_ == 1;
    last if $t->error_log =~ /2 from the cache, 0 commands sent/;
    get();
    select(undef, undef, undef, 0.02);
}

my $log = $t->error_log;

for my $line ('mfa: access handler, "/page", mfa on',
              'mfa: session cookie "sid": read',
              'mfa: lookup round: 2 facts, 0 from the cache, 4 commands sent',
              'mfa: waiting for Redis',
              'mfa: lookup round answered',
              'mfa: lookup round: 2 facts, 0 from the cache, 2 commands sent',
              'mfa: lookup round: 2 facts, 2 from the cache, 0 commands sent',
              'mfa: waking the request up',
              'mfa: decided: action 0, status "verified"',
              'mfa: Cookie header rewritten for the upstream, with the '
              . 'session cookie')
{
    like($log, qr/\[debug\] .*\Q$line\E/, "debug: $line");
}

# a visitor's cookie withheld ("mfa_visitor_cookie off", the default)
$t->redis('SET', 'sess:VisitorSession7', '{"visits":1}');
my $v = $t->http(GET => '/page', headers => { %NAV,
                 Cookie => 'sid=VisitorSession7; theme=dark' });
is($v->status, 200, 'a visitor: through');
like($t->error_log, qr/\[debug\] .*mfa: a visitor's session cookie withheld from the upstream \("mfa_visitor_cookie off"\)/,
     'debug: the visitor\'s cookie withheld, said');
$log = $t->error_log;

# nginx's own debug lines show headers; the module's never show the id
my @ours = grep { /\bmfa: / } split /\n/, $log;
ok(@ours > 10, 'the module\'s lines: ' . scalar @ours);
is(scalar(grep { /SecretSessionId42|VisitorSession7/ } @ours), 0,
   'none of them holds the session id');

# the same request woken up after Redis answered is not checked again
my ($first) = $log =~ /\*(\d+) mfa: lookup round: .* [1-9]\d* commands sent/;
is(scalar(() = $log =~ /\*$first mfa: session cookie "sid": read/g), 1,
   'the cookie is read once a request');

$t->done_testing();
