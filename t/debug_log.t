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
$t->run(gate_conf($t, server => 'mfa_verified_cache 1s;'));

session($t, 'SecretSessionId42', 'u1', 'globex');
enrol($t, 'u1', 1);
verify($t, 'SecretSessionId42', 'u1', 1);

sub get {
    return $t->http(GET => '/page', headers => { %NAV,
                    Cookie => 'sid="SecretSessionId42"; theme=dark' });
}

is(get()->status, 200, 'through, by the script');
sleep 1.1;
is(get()->status, 200, 'through, by the fast path');
is(get()->status, 200, 'through, from the cache');

my $log = $t->error_log;

for my $line ('mfa: access handler, "/page", mfa on',
              'mfa: session cookie "sid": read',
              'mfa: verified cache miss',
              'mfa: verified cache hit',
              'mfa: lookup script sent',
              'mfa: waiting for Redis',
              'mfa: lookup script answered: a reply',
              'mfa: fast path sent (GETRANGE, GET, HMGET)',
              'mfa: fast path answered: a reply',
              'mfa: waking the request up',
              'mfa: decided: action 0, status "verified"',
              'mfa: Cookie header rewritten for the upstream, with the '
              . 'session cookie')
{
    like($log, qr/\[debug\] .*\Q$line\E/, "debug: $line");
}

# nginx's own debug lines show headers; the module's never show the id
my @ours = grep { /\bmfa: / } split /\n/, $log;
ok(@ours > 20, 'the module\'s lines');
is(scalar(grep { /SecretSessionId42/ } @ours), 0,
   'none of them holds the session id');

# the same request woken up after Redis answered is not checked again
my ($first) = $log =~ /\*(\d+) mfa: lookup script sent/;
is(scalar(() = $log =~ /\*$first mfa: session cookie "sid": read/g), 1,
   'the cookie is read once a request');

$t->done_testing();
