# $mfa_status, $mfa_user and $mfa_company: what the gate decided, for
# log_format (written at the end of the request), map and if; empty where
# the gate did not decide (mfa off, the module's pages), which the access
# log writes as "-".

use strict;
use warnings;

use lib 't/lib';
use MfaTest;
use GateTest;
use Test::More;

my $t = MfaTest->new();

$t->start_redis();
$t->start_upstream();
$t->allow_log(qr/mfa: /);
$t->run(gate_conf($t,
    http => 'log_format mfa "$uri s=$mfa_status u=$mfa_user '
            . 'c=$mfa_company";'
            . ' map $mfa_status $mfa_class { verified ok; default other; }',
    server => 'access_log %%TESTDIR%%/mfa.log mfa;',
    location => 'proxy_set_header X-Class $mfa_class;'));

$t->redis('HSET', 'mfa:company:acme', 'require_2fa', '1');
session($t, 'bob-s', 'bob', 'acme');
session($t, 'carol-s', 'carol', 'globex');
session($t, 'dave-s', 'dave', 'acme');
enrol($t, 'dave', 1);
verify($t, 'dave-s', 'dave', 1);
$t->redis('SET', 'sess:bad-s', '{"user":"x"}');

sub get {
    my ($uri, $sid) = @_;
    return $t->http(GET => $uri, headers => { %NAV,
                    $sid ? (Cookie => "sid=$sid") : () });
}

get('/a');
get('/b', 'bob-s');
get('/c', 'carol-s');
my $r = get('/d', 'dave-s');
get('/e', 'bad-s');
get('/static/f', 'dave-s');
get('/_mfa/enroll', 'bob-s');

is(saw($r, 'X-Class'), 'ok', 'map $mfa_status: for the upstream');

# access log lines are written once a request is done
my %line;
for (1 .. 50) {
    %line = map { /^(\S+) (.*)$/ ? ($1 => $2) : () }
            split /\n/, $t->read_file('mfa.log') // '';
    last if keys %line >= 7;
    select undef, undef, undef, 0.1;
}

is($line{'/a'}, 's=anonymous u=- c=-', 'no session: anonymous');
is($line{'/b'}, 's=enroll u=bob c=acme', 'bob must enrol');
is($line{'/c'}, 's=not_required u=carol c=globex', 'carol: not required');
is($line{'/d'}, 's=verified u=dave c=acme', 'dave: verified');
is($line{'/e'}, 's=deny u=- c=-', 'an unreadable record: deny');
is($line{'/static/f'}, 's=- u=- c=-', 'mfa off: nothing decided');
is($line{'/_mfa/enroll'}, 's=- u=- c=-', 'the module\'s pages: no decision');

$t->done_testing();
