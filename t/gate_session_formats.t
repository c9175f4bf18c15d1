# Session records kept as a Redis hash ("mfa_session_format hash", with a
# JSON path inside a field), in PHP's session formats (records as PHP 8.2
# writes them under each serialize handler), user ids given as JSON
# integers, paths with names in brackets, and Redis reached over a unix
# socket.

use strict;
use warnings;

use lib 't/lib';
use MfaTest;
use GateTest;
use Test::More;

my $t = MfaTest->new();
my $sock = $t->path('redis.sock');

$t->start_redis(args => ['--unixsocket', $sock, '--unixsocketperm', '700']);
$t->start_upstream();
$t->allow_log(qr/mfa: /);
$t->run(gate_conf($t, redis => "unix:$sock", locations => <<'CONF'));
        location /h/ {
            mfa on;
            mfa_session_format hash;
            mfa_session_key hsess:$mfa_session_id;
            mfa_session_user uid;
            mfa_session_company profile.company;
            proxy_pass http://dashboard;
        }
        location /dot/ {
            mfa on;
            mfa_session_user "[warden.user.user.key][0][0]";
            mfa_session_company [org.id];
            proxy_pass http://dashboard;
        }
        location /php/ {
            mfa on;
            mfa_session_format php;
            mfa_session_key php:$mfa_session_id;
            proxy_pass http://dashboard;
        }
        location /phps/ {
            mfa on;
            mfa_session_format php_serialize;
            mfa_session_key php:$mfa_session_id;
            proxy_pass http://dashboard;
        }
        location /phpb/ {
            mfa on;
            mfa_session_format php_binary;
            mfa_session_key php:$mfa_session_id;
            proxy_pass http://dashboard;
        }
CONF

sub get {
    my ($uri, $sid) = @_;
    return $t->http(GET => $uri, headers => { %NAV, Cookie => "sid=$sid" });
}

# JSON: an integer user id, over the unix socket
$t->redis('SET', 'sess:int', '{"user":{"id":1234567},"company_id":7}');
my $r = get('/x', 'int');
is($r->status, 200, 'unix socket: through');
is(saw($r, 'X-MFA-User'), '1234567', 'an integer user id, in decimal');

$t->redis('HSET', 'mfa:company:7', 'require_2fa', '1');
is(get('/x', 'int')->status, 302, 'an integer company id names the policy');

# names with dots, and indexes, in brackets (Devise's key)
$t->redis('SET', 'sess:dev', '{"warden":{"user":{"user":{"key":[[1]]}}},'
          . '"warden.user.user.key":[[42],"$2a$12$salt"],"org.id":"dc",'
          . '"org":{"id":"wrong"}}');
$r = get('/dot/page', 'dev');
is($r->status, 200, 'a name with dots: through');
is(saw($r, 'X-MFA-User'), '42', 'the user at [warden.user.user.key][0][0]');
$t->redis('HSET', 'mfa:company:dc', 'require_2fa', '1');
is(get('/dot/page', 'dev')->status, 302, 'the company at [org.id]');

# hash: a plain field and a JSON path inside a field
$t->redis('HSET', 'hsess:h1', 'uid', 'u-hash', 'profile',
          '{"company":"hc","theme":"dark"}');
$r = get('/h/page', 'h1');
is($r->status, 200, 'hash session: through');
is(saw($r, 'X-MFA-User'), 'u-hash', 'user from the field');

$t->redis('HSET', 'mfa:company:hc', 'require_2fa', '1');
is(get('/h/page', 'h1')->status, 302, 'company from the JSON in a field');

enrol($t, 'u-hash', 2);
verify($t, 'h1', 'u-hash', 2);
is(get('/h/page', 'h1')->status, 200, 'hash session, verified: through');

# hash: absent, wrong type, no user field, bad JSON in the field
is(get('/h/page', 'nosuch')->status, 200, 'no such hash: anonymous');

$t->redis('SET', 'hsess:str', 'x');
is(get('/h/page', 'str')->status, 403, 'a string where a hash is expected');

$t->redis('HSET', 'hsess:nouser', 'profile', '{"company":"hc"}');
$r = get('/h/page', 'nouser');
is($r->status, 200, 'a hash without the user field: a visitor, through');
is(saw($r, 'X-MFA-Status'), 'anonymous', 'as anonymous');

$t->redis('HSET', 'hsess:baduser', 'uid', 'a b');
is(get('/h/page', 'baduser')->status, 403, 'a user id with a space: deny');
like($t->error_log, qr/user id is not a valid id/, 'logged');

$t->redis('HSET', 'hsess:badjson', 'uid', 'u9', 'profile', '{broken');
is(get('/h/page', 'badjson')->status, 403, 'bad JSON in a field');

# PHP: the same session under each serialize handler, as PHP 8.2's
# session_encode() writes it ($_SESSION = ['user' => ['id' => 'pia'],
# 'company_id' => 'pc', 'visits' => 3])
my %PHP = (
    php     => 'user|a:1:{s:2:"id";s:3:"pia";}company_id|s:2:"pc";'
               . 'visits|i:3;',
    phps    => 'a:3:{s:4:"user";a:1:{s:2:"id";s:3:"pia";}s:10:"company_id";'
               . 's:2:"pc";s:6:"visits";i:3;}',
    phpb    => "\x04user" . 'a:1:{s:2:"id";s:3:"pia";}' . "\x0acompany_id"
               . 's:2:"pc";' . "\x06visits" . 'i:3;',
);

for my $f (sort keys %PHP) {
    $t->redis('SET', "php:$f", $PHP{$f});
    $r = get("/$f/page", $f);
    is($r->status, 200, "$f: through");
    is(saw($r, 'X-MFA-User'), 'pia', "$f: the user from PHP's record");
}

$t->redis('HSET', 'mfa:company:pc', 'require_2fa', '1');
is(get("/$_/page", $_)->status, 302, "$_: the company's policy applies")
    for sort keys %PHP;

# a visitor: PHP's empty record, or one without a user
$t->redis('SET', 'php:empty', '');
$t->redis('SET', 'php:visitor', 'visits|i:1;');
is(get('/php/page', $_)->status, 200, "php, a visitor's record ($_): through")
    for qw(empty visitor);

# what PHP would read differently, or not at all: deny, and say why
$t->redis('SET', 'php:twice', 'user|a:1:{s:2:"id";s:3:"pia";}'
                              . 'user|a:1:{s:2:"id";s:3:"bob";}');
is(get('/php/page', 'twice')->status, 403, 'php: a user given twice: deny');
like($t->error_log, qr/meets the name "user" twice/, 'php: logged');

$t->redis('SET', 'php:json', '{"user":{"id":"pia"}}');
is(get('/php/page', 'json')->status, 403, 'php: a JSON record: deny');
like($t->error_log, qr/not PHP's "php" session format/,
     'php: logged, naming the format');

is(get('/phps/page', 'php')->status, 403,
   'php_serialize: a record of the "php" handler: deny');

$t->done_testing();
