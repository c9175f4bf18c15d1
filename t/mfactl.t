# mfactl, the admin CLI (docs/mfactl.1): every verb against a real
# redis-server, with its text and --json output, its audit entries and its
# exit statuses (1 bad usage, 2 not found, 3 Redis unreachable); the
# connection flags (-h -p -s -n, --prefix, MFA_REDIS_PASSWORD and
# MFA_REDIS_USER); genkey's file, mode and refusals.

use strict;
use warnings;

use lib 't/lib';
use MfaTest;
use MfactlTest;
use IO::Socket::INET;
use MIME::Base64 qw(encode_base64url);
use POSIX ();
use Test::More;
use Time::HiRes qw(sleep time);

my $t = MfaTest->new();
$t->start_redis(args => ['--unixsocket', $t->testdir . '/redis.sock',
                         '--unixsocketperm', '700']);

my ($rc, $out, $err, $doc);
my %ADMIN = (SUDO_USER => 'ops-ann', USER => 'root');

sub audit_entries {
    my ($key) = @_;
    my $e = $t->redis('XRANGE', $key // 'mfa:audit', '-', '+');
    return map { +{ @{$_->[1]} } } @$e;
}

sub last_audit { (audit_entries(@_))[-1] }

sub hash_of {
    my ($key) = @_;
    return { @{$t->redis('HGETALL', $key)} };
}

sub set_of {
    my ($key) = @_;
    return join ',', sort @{$t->redis('SMEMBERS', $key)};
}

# runs with the admin's login in the environment
sub admin {
    my (@argv) = @_;
    return mfactl_raw({ %ADMIN, MFA_REDIS_PASSWORD => undef },
                      '-p', $t->redis_port, @argv);
}

# a sealed secret's shape: version 1, key id, 12 + 20 + 16 bytes
sub fake_sealed {
    my ($id) = @_;
    return encode_base64url(chr(1) . chr($id) . ('x' x 48));
}

###########################################################################
# help and bad usage

my $version = MfaTest::version();
($rc, $out, $err) = mfactl_raw({}, '--version');
is($rc, 0, '--version: exit 0');
is($out, "mfactl (ngx_http_mfa_module) $version\n",
   '--version: the version of src/mfa_version.h');

($rc, $out, $err) = mfactl_raw({}, '--help');
is($rc, 0, '--help: exit 0');
like($out, qr/^  --version /m, '--help lists --version');
for my $verb ('company require', 'company show', 'company report',
              'user show', 'user reset', 'user unlock', 'member add',
              'member remove', 'audit', 'genkey', 'key rotate')
{
    like($out, qr/^  mfactl \Q$verb\E/m, "--help lists $verb");

    my ($vrc, $vout, $verr) = mfactl_raw({}, split(/ /, $verb), '--help');
    ok($vrc == 0 && $vout =~ /^Usage: mfactl \[options\] \Q$verb\E/
       && $verr eq '', "mfactl $verb --help");
}
like($out, qr/MFA_REDIS_PASSWORD/, '--help names the environment');

($rc, $out) = mfactl_raw({}, 'user', '--help');
ok($rc == 0 && $out =~ /user show.*user reset.*user unlock/s,
   'a group\'s --help lists its verbs');

my @bad = (
    [[], qr/Usage: mfactl/, 'no verb'],
    [['frobnicate'], qr/^mfactl: unknown verb "frobnicate"/, 'unknown verb'],
    [['user', 'frob', 'x'], qr/^mfactl: unknown verb "user frob"/,
     'unknown verb of a group'],
    [['user'], qr/^mfactl: "user" needs a verb/, 'a group alone'],
    [['--frob', 'audit'], qr/^mfactl: unknown option "--frob"/,
     'unknown global option'],
    [['user', 'show', 'bob', '--frob'],
     qr/^mfactl: unknown option "--frob" for "show"/, 'unknown verb option'],
    [['user', 'show', 'bob', '--dry-run'],
     qr/^mfactl: unknown option "--dry-run"/, 'another verb\'s option'],
    [['user', 'show'], qr/^mfactl: missing arguments \(usage: mfactl user show <uid>\)/,
     'missing argument'],
    [['user', 'show', 'a', 'b'], qr/^mfactl: too many arguments/,
     'too many arguments'],
    [['user', 'reset', 'a:b'], qr/^mfactl: invalid user id "a:b"/,
     'a colon in an id'],
    [['user', 'unlock', 'a b'], qr/^mfactl: invalid user id/,
     'a space in an id'],
    [['user', 'show', 'x' x 129], qr/^mfactl: invalid user id/,
     '129 bytes'],
    [['company', 'show', "a\tb"], qr/^mfactl: invalid company id/,
     'a control character in a company id'],
    [['member', 'add', 'acme', 'a:b'], qr/^mfactl: invalid user id/,
     'member add, bad user id'],
    [['company', 'require', 'acme', 'yes'],
     qr/^mfactl: company require needs "on" or "off", not "yes"/,
     'require: neither on nor off'],
    [['audit', '-n', 'ten'], qr/^mfactl: option "-n" needs a number/,
     'audit -n: not a number'],
    [['audit', '-n'], qr/^mfactl: option "-n" needs a value/,
     'audit -n: no value'],
    [['-p', '0', 'audit'], qr/^mfactl: option "-p" needs a port number/,
     'port 0'],
    [['-p', '70000', 'audit'], qr/^mfactl: option "-p" needs a number/,
     'port too large'],
    [['-h'], qr/^mfactl: option "-h" needs a value/, '-h without a host'],
    [['--prefix', 'a b', 'audit'], qr/^mfactl: invalid --prefix/,
     'prefix with a space'],
    [['--prefix', 'x' x 33, 'audit'], qr/^mfactl: invalid --prefix/,
     'prefix too long'],
    [['key', 'rotate'], qr/^mfactl: missing --key NEW/, 'rotate without --key'],
    [['key', 'rotate', '--key'], qr/^mfactl: option "--key" needs a value/,
     'rotate --key without a file'],
    [['genkey', 'a', 'b'], qr/^mfactl: too many arguments/,
     'genkey, two paths'],
);

for my $b (@bad) {
    my ($argv, $re, $name) = @$b;
    # a port where nothing listens: usage is checked before connecting
    ($rc, $out, $err) = mfactl_raw({}, '-p', $t->port('nothing'), @$argv);
    ok($rc == 1 && $err =~ $re && $out eq '', "bad usage, $name: exit 1")
        or diag("exit $rc, stdout \"$out\", stderr \"$err\"");
}

###########################################################################
# Redis cannot be reached

my $dead = $t->port('nothing');
for my $argv (['company', 'require', 'acme', 'on'], ['company', 'show', 'acme'],
              ['company', 'report', 'acme'], ['user', 'show', 'bob'],
              ['user', 'reset', 'bob'], ['user', 'unlock', 'bob'],
              ['member', 'add', 'acme', 'bob'],
              ['member', 'remove', 'acme', 'bob'], ['audit'],
              ['key', 'rotate', '--key', $t->write_key_file('dead.key')])
{
    ($rc, $out, $err) = mfactl_raw({}, '-p', $dead, @$argv);
    is($rc, 3, "$argv->[0] " . ($argv->[1] // '') . ", nothing listening: exit 3");
    is($err, "mfactl: cannot reach Redis at 127.0.0.1:$dead: "
             . "Connection refused\n", '... naming the address and why');
}

($rc, $out, $err) = mfactl_raw({}, '-s', $t->testdir . '/none.sock', 'audit');
is($rc, 3, 'a unix socket that does not exist: exit 3');
like($err, qr{^mfactl: cannot reach Redis at unix:\S+/none\.sock: No such file or directory$},
     '... naming it');

my $start = time;
($rc, $out, $err) = mfactl_raw({}, '-h', '192.0.2.1', '-p', '6379', 'audit');
my $took = time - $start;
is($rc, 3, 'an address that does not answer: exit 3');
ok($took < 4, sprintf('... within the connect timeout (%.1f s)', $took));
like($err, qr/^mfactl: cannot reach Redis at 192\.0\.2\.1:6379: /,
     '... naming it');

# a server that accepts connections and never answers
my $mute = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0,
                                 Listen => 5, Proto => 'tcp')
    or die "listen: $!\n";
$start = time;
($rc, $out, $err) = mfactl_raw({}, '-p', $mute->sockport, 'user', 'show', 'bob');
$took = time - $start;
is($rc, 3, 'a server that never answers: exit 3');
ok($took >= 1.5 && $took < 4, sprintf('... after about 2 s (%.1f s)', $took));
is($err, 'mfactl: cannot reach Redis at 127.0.0.1:' . $mute->sockport
         . ": no answer within 2 s\n", '... says so');
close $mute;

###########################################################################
# company require: --dry-run, on, off

$t->redis('SADD', 'mfa:company:acme:members', qw(alice bob carol dave));
$t->redis('HSET', 'mfa:user:alice', 'gen', 2, 'since', int(time) - 86400,
          'secret', fake_sealed(0x5a));
$t->redis('HSET', 'mfa:user:carol', 'gen', 1, 'since', int(time) - 3600);
$t->redis('HSET', 'mfa:user:dave', 'gen', 3);     # was enrolled, disabled
$t->redis('HSET', 'mfa:user:carol:guard', 'n', 7, 'until', int(time) + 600);

my $audit_len = $t->redis('XLEN', 'mfa:audit');
my @cmds = monitored($t, sub {
    ($rc, $out, $err) = admin('company', 'require', 'acme', 'on', '--dry-run');
});
is($rc, 0, 'require --dry-run: exit 0');
is($out, "company acme: 2FA would be required (it was: not required)\n"
         . "2 of 4 known members have no 2FA and would be sent to enrolment "
         . "at their next request\n"
         . "  bob                  not enrolled\n"
         . "  dave                 not enrolled\n",
   '... lists exactly the members without 2FA');
is($t->redis('EXISTS', 'mfa:company:acme'), 0, '... sets no policy');
is($t->redis('XLEN', 'mfa:audit'), $audit_len, '... writes no audit entry');
my @writes = grep { $_->[0] !~ /^(PING|SMEMBERS|HGET|HMGET|EXISTS|SELECT)$/ } @cmds;
is(scalar(@writes), 0, '... sends Redis no write command')
    or diag(explain(\@writes));

$doc = mfactl_json($t, 'company', 'require', 'acme', 'on', '--dry-run');
is_deeply($doc->{without_2fa}, ['bob', 'dave'], '--json --dry-run: without_2fa');
ok($doc->{dry_run} && $doc->{require_2fa}, '... dry_run and require_2fa true');
is($doc->{members}, 4, '... 4 members');
ok(!$doc->{was}{required}, '... was: not required');

my $before = int(time);
@cmds = monitored($t, sub {
    ($rc, $out, $err) = admin('company', 'require', 'acme', 'on');
});
is($rc, 0, 'require on: exit 0');
like($out, qr/^company acme: 2FA required \(it was: not required\)\n2 of 4 known members have no 2FA: they enrol at their next request\n  bob .*\n  dave /,
     '... says who must enrol');
my $policy = hash_of('mfa:company:acme');
is($policy->{require_2fa}, '1', '... require_2fa 1');
is($policy->{changed_by}, 'mfactl:ops-ann', '... changed_by: the login behind sudo');
ok($policy->{changed_at} >= $before && $policy->{changed_at} <= time + 1,
   '... changed_at: now');
my @seq = map { $_->[0] } grep { $_->[0] =~ /^(MULTI|HSET|XADD|EXEC)$/ } @cmds;
is("@seq", 'MULTI HSET XADD EXEC', '... the policy and its audit entry in one transaction');
my $a = last_audit();
is_deeply($a, { event => 'policy', user => '', company => 'acme',
                addr => 'mfactl', time => $a->{time}, by => 'mfactl:ops-ann',
                value => '1' },
          '... audit entry: policy, value 1, by the admin');
ok(abs($a->{time} - time) <= 2, '... with the time');
my ($maxlen) = grep { $_->[0] eq 'XADD' } @cmds;
is("@{$maxlen}[1 .. 4]", 'mfa:audit MAXLEN ~ 100000', '... a bounded stream');

($rc, $out) = mfactl_raw({ SUDO_USER => undef, USER => 'ben',
                           MFA_REDIS_PASSWORD => undef },
                         '-p', $t->redis_port, 'company', 'require', 'acme',
                         'off');
is($rc, 0, 'require off: exit 0');
is($out, "company acme: 2FA not required (it was: required)\n", '... says so');
is($t->redis('HGET', 'mfa:company:acme', 'require_2fa'), '0', '... require_2fa 0');
is($t->redis('HGET', 'mfa:company:acme', 'changed_by'), 'mfactl:ben',
   '... changed_by: $USER without sudo');
is(last_audit()->{value}, '0', '... audit value 0');

$doc = mfactl_json($t, 'company', 'require', 'acme', 'on');
ok(!$doc->{dry_run} && $doc->{was}{require_2fa} eq '0',
   '--json require: not a dry run, was "0"');
is($t->redis('HGET', 'mfa:company:acme', 'require_2fa'), '1', '... on again');

###########################################################################
# company show and report

($rc, $out) = admin('company', 'show', 'acme');
is($rc, 0, 'company show: exit 0');
like($out, qr/^company acme\n  2FA: required\n  changed: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ by mfactl:\S+\n  members: 4 \(2 enrolled\)\n/,
     '... policy, when and by whom, members');
like($out, qr/^    alice +enrolled since \d{4}-\d\d-\d\dT[\d:]+Z$/m, '... alice enrolled');
like($out, qr/^    bob +not enrolled$/m, '... bob not');
like($out, qr/^    carol +enrolled since \S+, locked out until \S+Z$/m,
     '... carol locked out');

$doc = mfactl_json($t, 'company', 'show', 'acme');
is($doc->{company}, 'acme', '--json show: company');
is($doc->{policy}{require_2fa}, '1', '... policy.require_2fa');
ok($doc->{policy}{required}, '... policy.required');
like($doc->{policy}{changed_by}, qr/^mfactl:/, '... policy.changed_by');
is_deeply([map { $_->{user} } @{$doc->{members}}], [qw(alice bob carol dave)],
          '... members, sorted');
my %m = map { $_->{user} => $_ } @{$doc->{members}};
ok($m{alice}{enrolled} && $m{alice}{since} > 0 && !$m{alice}{locked_until},
   '... alice: enrolled, since, not locked');
ok(!$m{bob}{enrolled} && $m{bob}{since} == 0, '... bob: not enrolled');
ok($m{carol}{locked_until} > time, '... carol: locked_until');

($rc, $out) = admin('company', 'report', 'acme');
is($rc, 0, 'company report: exit 0');
like($out, qr/^company acme: 2FA required; 4 members, 50% enrolled\nenrolled: 2\n  alice .*\n  carol .*\nnot enrolled: 2\n  bob .*\n  dave .*\nlocked out: 1\n  carol /,
     '... counts and names');

$doc = mfactl_json($t, 'company', 'report', 'acme');
is_deeply([ @$doc{qw(company members)}, $doc->{enrolled}, $doc->{not_enrolled},
            $doc->{locked_out} ],
          [ 'acme', 4, { count => 2, users => [qw(alice carol)] },
            { count => 2, users => [qw(bob dave)] },
            { count => 1, users => ['carol'] } ],
          '--json report: counts and names');

for my $verb (qw(show report)) {
    ($rc, $out, $err) = admin('company', $verb, 'nope');
    is($rc, 2, "company $verb of an unknown company: exit 2");
    is($err, "mfactl: unknown company \"nope\": no mfa:company:nope hash "
             . "and no members\n", '... naming it');
}

$t->redis('HSET', 'mfa:company:solo', 'require_2fa', 'maybe');
($rc, $out) = admin('company', 'show', 'solo');
ok($rc == 0 && $out =~ /2FA: UNREADABLE require_2fa/ && $out =~ /members: 0/,
   'a company with a policy (unreadable) and no members: shown');
$t->redis('SADD', 'mfa:company:crowd:members', 'bob');
($rc, $out) = admin('company', 'report', 'crowd');
ok($rc == 0 && $out =~ /2FA not required; 1 members, 0% enrolled/,
   'a company with members and no policy: reported');

###########################################################################
# user show

($rc, $out) = admin('user', 'show', 'alice');
is($rc, 0, 'user show: exit 0');
like($out, qr/^user alice\n  2FA: enrolled since \S+Z\n  generation: 2\n  secret: sealed under key id 90\n  TOTP: the configured parameters \(enrolled before they were stored\)\n  recovery codes left: 0\n  locked out: no \(0 failures in a row\)\n  companies: none known\n$/,
     '... enrolment, generation, key id, parameters, codes, lockout, companies');

# what the pages store with a credential since: its TOTP parameters and
# its recovery codes' set
$t->redis('HSET', 'mfa:user:alice', 'totp', 'SHA256 8 60',
          'recovery', '90 ' . ('ab' x 16));
$t->redis('SADD', 'mfa:user:alice:recovery', 'f' x 64);
($rc, $out) = admin('user', 'show', 'alice');
like($out, qr/^  TOTP: SHA256, 8 digits, 60 s\n  recovery codes left: 1 \(made under key id 90\)\n/m,
     'user show: the credential\'s parameters, the key of its recovery codes');
$doc = mfactl_json($t, 'user', 'show', 'alice');
is_deeply([ $doc->{totp}, $doc->{recovery_key_id} ],
          [ { algorithm => 'SHA256', digits => 8, period => 60 }, 90 ],
          '--json: totp, recovery_key_id');
$t->redis('HSET', 'mfa:user:alice', 'totp', 'SHA256 8');
($rc, $out) = admin('user', 'show', 'alice');
like($out, qr/2FA: UNREADABLE record.*\n(?s:.*)  TOTP: UNREADABLE parameters \(field "totp"\)\n/,
     'unreadable parameters: an unreadable record, named');
$t->redis('HDEL', 'mfa:user:alice', 'totp', 'recovery');
$t->redis('DEL', 'mfa:user:alice:recovery');

$t->redis('SADD', 'mfa:user:carol:recovery', map { sprintf '%064x', $_ } 1 .. 7);
$t->redis('SADD', 'mfa:user:carol:companies', 'acme', 'beta');
($rc, $out) = admin('user', 'show', 'carol');
like($out, qr/recovery codes left: 7 \(made before key ids were stored\)\n  locked out until \S+Z \(7 failures in a row\)\n  companies: acme \(2FA required\), beta\n/,
     'user show: codes left, locked out until, companies and their policy');

$doc = mfactl_json($t, 'user', 'show', 'carol');
is_deeply([ @$doc{qw(user enrolled gen recovery_codes_left failures)} ],
          [ 'carol', JSON::PP::true, 1, 7, 7 ], '--json user show: fields');
ok($doc->{since} > 0 && $doc->{locked_until} > time, '... since, locked_until');
is_deeply($doc->{companies}, [ { company => 'acme', require_2fa => JSON::PP::true },
                               { company => 'beta', require_2fa => JSON::PP::false } ],
          '... companies');
ok(!defined $doc->{key_id}, '... no secret, no key id');
is(mfactl_json($t, 'user', 'show', 'alice')->{key_id}, 0x5a, '... key_id');

$t->redis('SADD', 'mfa:user:erin:companies', 'acme');
($rc, $out) = admin('user', 'show', 'erin');
ok($rc == 0 && $out =~ /2FA: not enrolled/ && $out =~ /companies: acme/,
   'a user known only by companies: shown');

$audit_len = $t->redis('XLEN', 'mfa:audit');
for my $verb (qw(show reset unlock)) {
    ($rc, $out, $err) = admin('user', $verb, 'zed');
    is($rc, 2, "user $verb of an unknown user: exit 2");
    is($err, "mfactl: unknown user \"zed\": no mfa:user:zed record and no "
             . "companies\n", '... naming it');
}
is($t->redis('XLEN', 'mfa:audit'), $audit_len,
   'no audit entry for an unknown user');

###########################################################################
# user reset: ends verified sessions

# a verified session of carol's (which session does not matter here)
my $digest = 'a1' x 16;
$t->redis('SET', "mfa:verified:$digest", 'carol 1');
$t->redis('HSET', 'mfa:user:carol', 'secret', fake_sealed(1), 'step', 99,
          'totp', 'SHA1 6 30', 'recovery', '90 ' . ('cd' x 16));

@cmds = monitored($t, sub { ($rc, $out) = admin('user', 'reset', 'carol') });
is($rc, 0, 'user reset: exit 0');
like($out, qr/^user carol: 2FA reset; generation 2, every verified session ended/,
     '... says so');
is_deeply(hash_of('mfa:user:carol'), { gen => 2 },
          '... secret, since, step, parameters and set gone; gen bumped');
is($t->redis('EXISTS', 'mfa:user:carol:recovery', 'mfa:user:carol:guard'), 0,
   '... recovery codes and lockout deleted');
my ($vuid, $vgen) = split / /, $t->redis('GET', "mfa:verified:$digest");
isnt($vgen, $t->redis('HGET', 'mfa:user:carol', 'gen'),
     '... the verified session\'s generation no longer matches');
@seq = map { $_->[0] } grep { $_->[0] =~ /^(EVAL|HDEL|HINCRBY|DEL|XADD)$/ } @cmds;
is("@seq", 'EVAL HDEL HINCRBY DEL XADD', '... in one script run');
is(set_of('mfa:user:carol:companies'), 'acme,beta', '... memberships kept');
$a = last_audit();
is("$a->{event} $a->{user} $a->{addr} $a->{by}", 'reset carol mfactl mfactl:ops-ann',
   '... audit entry: reset');

$doc = mfactl_json($t, 'user', 'reset', 'carol');
is_deeply($doc, { user => 'carol', reset => JSON::PP::true,
                  was_enrolled => JSON::PP::false,
                  repaired => JSON::PP::false, gen => 3 },
          '--json reset: not enrolled any more, gen 3');

# records the module cannot read: shown as such, repaired by a reset
$t->redis('SET', 'mfa:user:kim', 'garbage');
$t->redis('SADD', 'mfa:company:acme:members', 'kim');
$t->redis('HSET', 'mfa:user:lee', 'gen', 'x7', 'since', int(time),
          'secret', fake_sealed(3));
($rc, $out) = admin('user', 'show', 'kim');
ok($rc == 0 && $out =~ /2FA: UNREADABLE record, the user is denied; "mfactl user reset kim" repairs it/,
   'user show, a record of another type: unreadable');
ok(mfactl_json($t, 'user', 'show', 'lee')->{unreadable},
   '--json user show, a gen that is not a number: unreadable');
($rc, $out) = admin('company', 'show', 'acme');
like($out, qr/^    kim +UNREADABLE record, denied/m, 'company show: unreadable');
($rc, $out) = admin('company', 'report', 'acme');
like($out, qr/^not enrolled: 4\n  bob .*\n  carol .*\n  dave .*\n  kim /m,
     'company report: counted as not enrolled');
$before = int(time);
($rc, $out) = admin('user', 'reset', 'kim');
like($out, qr/^user kim: 2FA reset \(the unreadable record was replaced\)/,
     'user reset of a record of another type: replaced');
my $kim = hash_of('mfa:user:kim');
ok(keys %$kim == 1 && $kim->{gen} >= $before,
   '... a hash again, its generation the time (above any before)');
$doc = mfactl_json($t, 'user', 'reset', 'lee');
ok($doc->{repaired} && $doc->{gen} >= $before && $doc->{was_enrolled},
   'user reset of a non-integer gen: repaired');
is_deeply(hash_of('mfa:user:lee'), { gen => $doc->{gen} }, '... secret gone');
$t->redis('SREM', 'mfa:company:acme:members', 'kim');

###########################################################################
# user unlock

$t->redis('HSET', 'mfa:user:alice:guard', 'n', 9, 'until', int(time) + 900);
($rc, $out) = admin('user', 'unlock', 'alice');
is($rc, 0, 'user unlock: exit 0');
is($out, "user alice: unlocked; the failure count starts again at 0\n", '... says so');
is($t->redis('EXISTS', 'mfa:user:alice:guard'), 0, '... guard deleted');
is(hash_of('mfa:user:alice')->{since} > 0, 1, '... 2FA kept');
$a = last_audit();
is("$a->{event} $a->{user} $a->{by}", 'unlocked alice mfactl:ops-ann',
   '... audit entry: unlocked');
$doc = mfactl_json($t, 'user', 'unlock', 'alice');
is_deeply($doc, { user => 'alice', unlocked => JSON::PP::true,
                  had_failures => JSON::PP::false }, '--json unlock');

###########################################################################
# member add and remove: both sets, one transaction

@cmds = monitored($t, sub { ($rc, $out) = admin('member', 'add', 'beta', 'frank') });
is($rc, 0, 'member add: exit 0');
is($out, "frank is now a member of beta\n", '... says so');
is(set_of('mfa:company:beta:members'), 'frank', '... the company\'s members');
is(set_of('mfa:user:frank:companies'), 'beta', '... the user\'s companies');
@seq = map { "$_->[0] " . ($_->[1] // "") } grep { $_->[0] =~ /^(MULTI|SADD|XADD|EXEC)$/ } @cmds;
is(join(', ', @seq), 'MULTI , SADD mfa:company:beta:members, '
   . 'SADD mfa:user:frank:companies, XADD mfa:audit, EXEC ',
   '... both sets and the audit entry in one transaction');
$a = last_audit();
is("$a->{event} $a->{user} $a->{company} $a->{addr}", 'member_added frank beta mfactl',
   '... audit entry: member_added');

($rc, $out) = admin('member', 'add', 'beta', 'frank');
is($out, "frank is already a member of beta\n", 'member add again: already');

$doc = mfactl_json($t, 'member', 'remove', 'beta', 'frank');
is_deeply($doc, { company => 'beta', user => 'frank', event => 'member_removed',
                  changed => JSON::PP::true }, '--json member remove');
is($t->redis('EXISTS', 'mfa:company:beta:members', 'mfa:user:frank:companies'), 0,
   '... both sets emptied');
is(last_audit()->{event}, 'member_removed', '... audit entry: member_removed');
($rc, $out) = admin('member', 'remove', 'beta', 'frank');
is($out, "frank is not a member of beta\n", 'member remove again: not a member');

###########################################################################
# audit

$t->redis('DEL', 'mfa:audit');
for my $i (1 .. 25) {
    $t->redis('XADD', 'mfa:audit', '*', 'event', 'verified', 'user', "u$i",
              'company', 'acme', 'addr', '10.0.0.1', 'time', 1764337000 + $i);
}
$t->redis('XADD', 'mfa:audit', '*', 'event', 'lockout', 'user', 'odd one',
          'company', '', 'addr', "x\ty", 'time', 1, 'seconds', 30);

($rc, $out) = admin('audit');
my @lines = split /\n/, $out;
is($rc, 0, 'audit: exit 0');
is(scalar(@lines), 20, '... the last 20 by default');
like($lines[0], qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ verified user=u7 company=acme addr=10\.0\.0\.1$/,
     '... oldest first: time, event, fields (no time field)');
is($lines[-1] =~ s/^\S+ //r, 'lockout user="odd one" company="" addr="x\x09y" seconds=30',
   '... newest last; odd values quoted and escaped');

($rc, $out) = admin('audit', '-n', '3');
@lines = split /\n/, $out;
is(scalar(@lines), 3, 'audit -n 3: 3 lines');
like($lines[0], qr/ user=u24 /, '... the last 3');
($rc, $out) = admin('audit', '-n', '0');
ok($rc == 0 && $out eq '', 'audit -n 0: nothing');

# one company's stream (the module writes it beside the global one)
$t->redis('XADD', 'mfa:audit:globex', '*', 'event', 'enrolled', 'user',
          'gil', 'company', 'globex', 'addr', '10.0.0.9', 'time', 1);
($rc, $out) = admin('audit', 'globex');
is($rc, 0, 'audit <cid>: exit 0');
like($out, qr/^\S+ enrolled user=gil company=globex addr=10\.0\.0\.9$/,
     '... that company\'s stream only');
($rc, $out, $err) = admin('audit', 'a:b');
is($rc, 1, 'audit with a bad company id: usage');
like($err, qr/invalid company id "a:b"/, '... says which');

$doc = mfactl_json($t, 'audit', '-n', '2');
is(scalar(@$doc), 2, 'audit --json: an array of 2');
is_deeply([ map { $_->{user} } @$doc ], [ 'u25', 'odd one' ], '... oldest first');
is($doc->[0]{event}, 'verified', '... fields');
like($doc->[0]{id}, qr/^\d+-\d+$/, '... id');
like($doc->[0]{at}, qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/, '... at');
is($doc->[1]{addr}, "x\ty", '... values as they are');

# --follow: new entries as they come, until SIGINT
my $follow_out = $t->testdir . '/follow.out';
my $pid = fork() // die "fork: $!";
if ($pid == 0) {
    open STDOUT, '>', $follow_out;
    open STDERR, '>', "$follow_out.err";
    delete $ENV{MFA_REDIS_PASSWORD};
    exec(mfactl_bin(), '-p', $t->redis_port, 'audit', '-n', '1', '--follow')
        or POSIX::_exit(127);
}
sleep 0.5;
admin('user', 'unlock', 'alice');
$t->redis('XADD', 'mfa:audit', '*', 'event', 'verified', 'user', 'late',
          'company', 'acme', 'addr', '::1', 'time', time);
my $deadline = time + 5;
sleep 0.1 while time < $deadline && ($t->read_file('follow.out') // '') !~ /late/;
kill 'INT', $pid;
my $stopped = 0;
$deadline = time + 5;
while (time < $deadline) {
    if (waitpid($pid, POSIX::WNOHANG()) == $pid) { $stopped = 1; last }
    sleep 0.05;
}
kill 'KILL', $pid unless $stopped;
ok($stopped && $? == 0, 'audit --follow: exits 0 on SIGINT');
@lines = split /\n/, $t->read_file('follow.out');
is(scalar(@lines), 3, '... the last entry, then the 2 new ones');
like($lines[0], qr/ lockout user="odd one"/, '... first the last one');
like($lines[1], qr/ unlocked user=alice company="" addr=mfactl by=mfactl:ops-ann$/,
     '... then mfactl\'s own entry');
like($lines[2], qr/ verified user=late company=acme addr=::1$/, '... then the next');

# --json --follow: one JSON object a line
$pid = fork() // die "fork: $!";
if ($pid == 0) {
    open STDOUT, '>', "$follow_out.json";
    open STDERR, '>', "$follow_out.err";
    delete $ENV{MFA_REDIS_PASSWORD};
    exec(mfactl_bin(), '-p', $t->redis_port, '--json', 'audit', '-n', '2',
         '--follow') or POSIX::_exit(127);
}
sleep 0.5;
$t->redis('XADD', 'mfa:audit', '*', 'event', 'enrolled', 'user', 'newbie',
          'company', 'acme', 'addr', '::1', 'time', int(time));
$deadline = time + 5;
sleep 0.1 while time < $deadline
    && ($t->read_file('follow.out.json') // '') !~ /newbie/;
kill 'INT', $pid;
waitpid($pid, 0);
is($? >> 8, 0, 'audit --json --follow: exit 0 on SIGINT');
@lines = split /\n/, $t->read_file('follow.out.json');
my @docs = map { eval { JSON::PP->new->decode($_) } } @lines;
is(scalar(@docs), 3, '... 3 lines, each a JSON object');
is_deeply([ map { $_->{user} } @docs ], [ 'alice', 'late', 'newbie' ],
          '... the last 2, then the new one');
is($docs[2]{event}, 'enrolled', '... with its fields');

###########################################################################
# genkey

my $key = $t->testdir . '/new.key';
my $old_umask = umask 0;
($rc, $out, $err) = mfactl_raw({}, 'genkey', $key);
umask $old_umask;
is($rc, 0, 'genkey path: exit 0');
is(-s $key, 32, '... 32 bytes');
is((stat $key)[2] & 07777, 0600, '... mode 0600 (even with umask 0)');
like($out, qr/^wrote a new key, id \d+, to \Q$key\E\n$/, '... says so');
my $content = $t->read_file('new.key');
($rc, $out, $err) = mfactl_raw({}, 'genkey', $key);
is($rc, 1, 'genkey onto an existing file: exit 1');
like($err, qr/^mfactl: "\Q$key\E" exists: refusing to overwrite/, '... says so');
is($t->read_file('new.key'), $content, '... the file is unchanged');
symlink $t->testdir . '/target.key', $t->testdir . '/link.key';
($rc, $out, $err) = mfactl_raw({}, 'genkey', $t->testdir . '/link.key');
ok($rc == 1 && !-e $t->testdir . '/target.key',
   'genkey through a symbolic link: refused, nothing written');
($rc, $out, $err) = mfactl_raw({}, 'genkey', $t->testdir . '/no/such/dir.key');
ok($rc == 1 && $err =~ /^mfactl: cannot create .*: No such file or directory/,
   'genkey in a missing directory: exit 1');

($rc, $out) = mfactl_raw({}, 'genkey');
ok($rc == 0 && length($out) == 32, 'genkey to stdout (not a tty): 32 bytes');
isnt($out, $content, '... another key');
my $k1 = $t->read_file('new.key');
ok($k1 ne "\0" x 32, '... not zeros');

SKIP: {
    my $script = `command -v script 2>/dev/null`;
    skip 'no script(1) to give mfactl a terminal', 2 unless $script;
    my $tty_out = `script -qec '${\mfactl_bin()} genkey' /dev/null 2>&1`;
    is($? >> 8, 1, 'genkey to a terminal: exit 1');
    like($tty_out, qr/mfactl: refusing to write a key to a terminal/,
         '... says why');
}

###########################################################################
# connection: password, user, unix socket, db, prefix

($rc, $out) = mfactl_raw({ MFA_REDIS_PASSWORD => undef },
                         '-s', $t->testdir . '/redis.sock', 'user', 'show', 'alice');
ok($rc == 0 && $out =~ /^user alice\n/, '-s: over the unix socket');

($rc, $out) = mfactl($t, '-n', '3', 'member', 'add', 'acme', 'gina');
is($rc, 0, '-n 3: exit 0');
$t->redis('SELECT', 3);
is(set_of('mfa:company:acme:members'), 'gina', '... written in database 3');
is($t->redis('XLEN', 'mfa:audit'), 1, '... with its audit entry there');
$t->redis('SELECT', 0);
unlike(set_of('mfa:company:acme:members'), qr/gina/, '... not in database 0');
($rc, $out, $err) = mfactl($t, '-n', '3', 'user', 'show', 'alice');
is($rc, 2, '-n 3: alice of database 0 unknown there');

($rc, $out) = mfactl($t, '--prefix', 'app1:', 'member', 'add', 'acme', 'hal');
is($rc, 0, '--prefix app1: exit 0');
is(set_of('app1:company:acme:members'), 'hal', '... app1:company:acme:members');
is(set_of('app1:user:hal:companies'), 'acme', '... app1:user:hal:companies');
is(last_audit('app1:audit')->{event}, 'member_added', '... audit in app1:audit');
($rc, $out) = mfactl($t, '--prefix', 'app1:', 'company', 'show', 'acme');
ok($rc == 0 && $out =~ /members: 1 \(0 enrolled\)\n    hal /,
   '--prefix: show reads the prefixed keys');

# a Redis with a password (and an ACL user)
my $p = MfaTest->new();
$p->start_redis(password => 's3cret');
$p->redis('SADD', 'mfa:user:ivy:companies', 'acme');

($rc, $out, $err) = mfactl_raw({ MFA_REDIS_PASSWORD => undef },
                               '-p', $p->redis_port, 'user', 'show', 'ivy');
is($rc, 3, 'a password is needed, none given: exit 3');
like($err, qr/^mfactl: Redis at 127\.0\.0\.1:\d+ needs a password: set MFA_REDIS_PASSWORD \(NOAUTH/,
     '... says so');
($rc, $out, $err) = mfactl_raw({ MFA_REDIS_PASSWORD => 'wrong' },
                               '-p', $p->redis_port, 'user', 'show', 'ivy');
is($rc, 3, 'a wrong password: exit 3');
like($err, qr/^mfactl: Redis at 127\.0\.0\.1:\d+ refused the password from MFA_REDIS_PASSWORD: WRONGPASS/,
     '... says so');
unlike($err, qr/wrong/, '... without the password itself');
($rc, $out) = mfactl_raw({ MFA_REDIS_PASSWORD => 's3cret' },
                         '-p', $p->redis_port, 'user', 'show', 'ivy');
ok($rc == 0 && $out =~ /^user ivy/, 'MFA_REDIS_PASSWORD: exit 0');

$p->redis('ACL', 'SETUSER', 'ops', 'on', '>opspass', '~mfa:*', '+@all');
($rc, $out) = mfactl_raw({ MFA_REDIS_PASSWORD => 'opspass', MFA_REDIS_USER => 'ops' },
                         '-p', $p->redis_port, 'user', 'show', 'ivy');
ok($rc == 0 && $out =~ /^user ivy/, 'MFA_REDIS_USER and MFA_REDIS_PASSWORD: ACL user');
($rc, $out, $err) = mfactl_raw({ MFA_REDIS_PASSWORD => 's3cret', MFA_REDIS_USER => 'ops' },
                               '-p', $p->redis_port, 'user', 'show', 'ivy');
is($rc, 3, 'the ACL user with another\'s password: exit 3');
$p->finish();

# an id in Redis too long for any key (the dashboard writes the sets): read
# as absent, said, never cut to another user's key nor a crash
$t->redis('SADD', 'mfa:company:longco:members', 'u' x 300, 'amy');
$t->redis('SADD', 'mfa:user:amy:companies', 'longco', 'c' x 300);
($rc, $out, $err) = mfactl($t, 'company', 'report', 'longco');
is($rc, 0, 'company report with a 300-byte member id: exit 0');
like($err, qr/^mfactl: an id of 300 bytes in Redis is longer than any key may be \(mfa:user:\.\.\.\): read as absent$/m,
     '... the id named as unusable');
like($out, qr/^not enrolled: 2\n/m, '... counted as not enrolled, amy too');
($rc, $out, $err) = mfactl($t, 'user', 'show', 'amy');
is($rc, 0, 'user show of a user in a 300-byte company id: exit 0');
like($err, qr/an id of 300 bytes in Redis/, '... said');

# Redis goes away
$t->kill_redis();
($rc, $out, $err) = mfactl($t, 'user', 'show', 'alice');
is($rc, 3, 'after kill_redis: exit 3');
is($err, 'mfactl: cannot reach Redis at 127.0.0.1:' . $t->redis_port
         . ": Connection refused\n", '... with the message');

$t->done_testing();
