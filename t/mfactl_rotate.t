# Key rotation with the real module (docs/mfactl.1, "KEY ROTATION"):
# users enrolled under the old key; nginx reloaded with
# "mfa_secret_key_file new old"; "mfactl key rotate" while logins and an
# enrolment go on; every secret then under the new key id; nginx reloaded
# with the new key alone; logins still work; a secret sealed under a key
# no longer listed fails to open (403, logged) until rotated again.

use strict;
use warnings;

use lib 't/lib';
use MfaTest;
use GateTest;
use PagesTest;
use MfactlTest;
use Digest::SHA qw(sha256);
use MIME::Base64 qw(decode_base64url);
use POSIX ();
use Test::More;
use Time::HiRes qw(sleep time);

my $t = MfaTest->new();
$t->start_redis();
$t->start_upstream();

# mfa.key is the old key (gate_conf's), new.key the next one
$t->write_key_file('mfa.key');
my ($rc, $out, $err) = mfactl_raw({}, 'genkey', $t->path('new.key'));
is($rc, 0, 'mfactl genkey new.key');

my $old_id = ord sha256($t->read_file('mfa.key'));
my $new_id = ord sha256($t->read_file('new.key'));
isnt($old_id, $new_id, 'two key ids') or BAIL_OUT('key id collision, rerun');

sub conf_with {
    my (@files) = @_;
    my $conf = gate_conf($t);
    my $list = join ' ', map { "%%TESTDIR%%/$_" } @files;
    $conf =~ s{mfa_secret_key_file\s+[^;]+;}{mfa_secret_key_file  $list;}
        or die "no mfa_secret_key_file in gate_conf\n";
    return $conf;
}

# the key id of a stored sealed secret: version 2 (sealed under the
# key's HKDF sealing key, bound to prefix, field and owner), then the id
sub key_id_of {
    my ($b64) = @_;
    my $raw = decode_base64url($b64 // '');
    return undef unless length $raw > 2 && ord($raw) == 2;
    return ord substr($raw, 1, 1);
}

sub user_key_id { key_id_of($t->redis('HGET', "mfa:user:$_[0]", 'secret')) }

sub settle { sleep 2 if time % 30 >= 28 }

# one login through the challenge page with a TOTP code, in a new session:
# 'ok' when the code verifies the session, else what went wrong
my $nsid = 0;
sub login {
    my ($uid, $secret, $code) = @_;

    my $sid = 'L' . ++$nsid;
    session($t, $sid, $uid, 'acme');

    my $page = page_get($t, $sid, '/_mfa/challenge');
    return 'challenge page ' . ($page->status // $page->error)
        unless ($page->status // 0) == 200;

    $t->redis('HDEL', "mfa:user:$uid", 'step');
    settle();

    my $r = page_post($t, $sid, '/_mfa/challenge',
                      { csrf => csrf_of($page), return => '/',
                        code => $code // totp($secret) });
    return 'POST ' . ($r->status // $r->error) unless ($r->status // 0) == 303;

    my $through = page_get($t, $sid, '/x');
    return 'then ' . $through->status unless $through->status == 200;

    return 'ok';
}

# reload (which waits until the old worker is gone, so that every
# request after it meets the new configuration)
sub reload_keys { $t->reload(conf_with(@_)) }

sub all_login {
    my ($users) = @_;
    my @bad = map { my $res = login($_, $users->{$_});
                    $res eq 'ok' ? () : "$_: $res" } sort keys %$users;
    return @bad;
}

###########################################################################
# before: users enrolled under the old key alone

$t->run(conf_with('mfa.key'));

my (%users, %codes);
for my $i (1 .. 12) {
    session($t, "E$i", "u$i", 'acme');
    my ($secret, @codes) = enrol_via_pages($t, "E$i");
    $users{"u$i"} = $secret;
    $codes{"u$i"} = \@codes;
}

# an enrolment left half-way: a pending secret, sealed too
session($t, 'P', 'pat', 'acme');
my $pending_page = page_get($t, 'P', '/_mfa/enroll?return=%2F');
my $pat_secret = secret_of($pending_page) or die "no pending secret\n";
my $pkey = 'mfa:pending:' . digest($t, 'P');
like($t->redis('GET', $pkey), qr/^pat \S+$/, 'a pending enrolment: "<uid> <sealed>"');

is(scalar(grep { user_key_id($_) == $old_id } keys %users), 12,
   '12 users enrolled, their secrets under the old key id');
my $u1_old_sealed = $t->redis('HGET', 'mfa:user:u1', 'secret');

is_deeply([ all_login(\%users) ], [], 'before: every user logs in');

###########################################################################
# nginx seals with the new key, opens with both

# a challenge page loaded before the reload, posted after it
session($t, 'OPEN', 'u4', 'acme');
my $open_page = page_get($t, 'OPEN', '/_mfa/challenge');

ok(reload_keys('new.key', 'mfa.key'), 'reload: new key first, old second');

$t->redis('HDEL', 'mfa:user:u4', 'step');
settle();
my $open_r = page_post($t, 'OPEN', '/_mfa/challenge',
                       { csrf => csrf_of($open_page), return => '/',
                         code => totp($users{u4}) });
is($open_r->status, 303, 'a challenge form loaded before the reload, posted after');
is_deeply([ all_login(\%users) ], [], 'after the reload: every user logs in');

session($t, 'E13', 'u13', 'acme');
($users{u13}, @{$codes{u13}}) = enrol_via_pages($t, 'E13');
is(user_key_id('u13'), $new_id, 'a new enrolment is sealed under the new key');

$t->redis('SET', 'mfa:pending:junk', 'nobody notbase64!');

###########################################################################
# mfactl key rotate, while logins and an enrolment go on

my $rot_out = $t->path('rotate.out');
my $pid = fork() // die "fork: $!";
if ($pid == 0) {
    open STDOUT, '>', $rot_out;
    open STDERR, '>', "$rot_out.err";
    # a little later, so that logins are under way
    sleep 0.3;
    exec(mfactl_bin(), '-p', $t->redis_port, '--json', 'key', 'rotate',
         '--key', $t->path('new.key'), '--old', $t->path('mfa.key'))
        or POSIX::_exit(127);
}

my (@during, $late_done, $status);
my $deadline = time + 60;
my @order = sort keys %users;
my $i = 0;
while (time < $deadline) {
    my $uid = $order[$i++ % @order];
    push @during, [ $uid, login($uid, $users{$uid}) ];

    if (!$late_done && $i == 3) {
        session($t, 'E14', 'late', 'acme');
        ($users{late}) = enrol_via_pages($t, 'E14');
        $late_done = 1;
    }

    if (waitpid($pid, POSIX::WNOHANG()) == $pid) {
        $status = $? >> 8;
        last if $i >= 6;
    }
}
$status //= do { kill 'KILL', $pid; waitpid($pid, 0); -1 };

my @failed = grep { $_->[1] ne 'ok' } @during;
ok(@during >= 6, scalar(@during) . ' logins while the rotation ran');
is_deeply(\@failed, [], '... every one succeeded');

is($status, 2, 'key rotate: exit 2, one value could not be opened');
my $res = eval { JSON::PP->new->decode($t->read_file('rotate.out')) } // {};
is($res->{resealed}, 13, '... 12 users and 1 pending enrolment re-sealed');
ok($res->{current} == 1 || $res->{current} == 2,
   '... u13 (and perhaps the late enrolment) already current');
is($res->{changed}, 0, '... none changed meanwhile');
is($res->{failed}, 1, '... 1 failed (the junk pending value)');
is($res->{key_id}, $new_id, '... the new key id');
like($t->read_file('rotate.out.err'), qr/^mfactl: the pending secret of user "nobody" is not base64url$/m,
     '... naming the value it could not open');

my ($rot) = grep { $_->{event} eq 'key_rotated' } audit($t);
like(join(' ', map { $rot->{$_} // '-' } qw(event resealed failed addr by)),
   qr/^key_rotated 13 1 mfactl mfactl:\S+$/,
   '... audit entry: key_rotated with the counts');

my @not_new = grep { (user_key_id($_) // -1) != $new_id } sort keys %users;
is_deeply(\@not_new, [], 'every user\'s secret now carries the new key id');
my ($puid, $psealed) = split / /, $t->redis('GET', $pkey);
ok($puid eq 'pat' && key_id_of($psealed) == $new_id,
   'the pending secret too, still "<uid> <sealed>"');
my $pttl = $t->redis('TTL', $pkey);
ok($pttl > 0 && $pttl <= 600, "... with its TTL kept ($pttl s)");

is_deeply([ all_login(\%users) ], [], 'after the rotation: every user logs in');
is(login('u2', undef, $codes{u2}[0]), 'ok',
   'a recovery code made under the old key works while it is listed');

# nothing left to do: a second run finds everything current
$t->redis('DEL', 'mfa:pending:junk');
($rc, $out, $err) = mfactl($t, 'key', 'rotate', '--key', $t->path('new.key'),
                           '--old', $t->path('mfa.key'));
is($rc, 0, 'key rotate again: exit 0');
like($out, qr/^key id $new_id: re-sealed 0, already current 15, changed meanwhile 0, failed to open 0$/,
     '... all 15 current');

###########################################################################
# mfactl key check: what each key is still needed for

my ($new_f, $old_f) = ($t->path('new.key'), $t->path('mfa.key'));
($rc, $out, $err) = mfactl($t, 'key', 'check', '--key', $new_f, '--old', $old_f);
is($rc, 0, 'key check with both keys: exit 0');
is($out, "key id $new_id ($new_f): 14 secrets, 1 pending enrolments, 2 recovery-code sets\n"
       . "key id $old_id ($old_f): 0 secrets, 0 pending enrolments, 12 recovery-code sets\n",
   '... the secrets all under the new key, 12 users\' recovery codes still under the old');
is($err, '', '... nothing it cannot serve');

($rc, $out, $err) = mfactl($t, 'key', 'check', '--key', $new_f);
is($rc, 2, 'key check without the old key: exit 2');
like($err, qr/^mfactl: the recovery codes of user "u7" were made under key id $old_id, which no key given has$/m,
     '... naming each user whose codes need it');
like($err, qr/^mfactl: 12 values need a key that was not given/m, '... counted');

my $doc = mfactl_json($t, 'key', 'check', '--key', $new_f, '--old', $old_f);
is_deeply($doc->{keys}[1], { key_id => $old_id, file => $old_f, secrets => 0,
                             pending => 0, recovery_sets => 12 },
          '--json: the same counts');

# once no set needs the old key (here: their descriptions moved over),
# it is said so; a set made before key ids were stored keeps it unknown
my %sets = map { ("u$_" => $t->redis('HGET', "mfa:user:u$_", 'recovery')) } 1 .. 12;
$t->redis('HSET', "mfa:user:$_", 'recovery', $sets{$_} =~ s/^\d+/$new_id/r)
    for keys %sets;
($rc, $out) = mfactl($t, 'key', 'check', '--key', $new_f, '--old', $old_f);
like($out, qr/^key id $old_id \(\Q$old_f\E\): nothing needs it any more$/m,
     'an old key nothing needs: said so');
$t->redis('HDEL', 'mfa:user:u5', 'recovery');
($rc, $out) = mfactl($t, 'key', 'check', '--key', $new_f, '--old', $old_f);
like($out, qr/^1 recovery-code sets made before key ids were stored/m,
     'codes made before key ids were stored: counted apart');
unlike($out, qr/nothing needs it/, '... and the old key not said unneeded');
$t->redis('HSET', "mfa:user:$_", 'recovery', $sets{$_}) for keys %sets;

###########################################################################
# nginx with the new key alone

ok(reload_keys('new.key'), 'reload: the new key alone');
is_deeply([ all_login(\%users) ], [], 'every user still logs in');

# the session digest is keyed with the last key listed: with the old key
# dropped, session digests change, so a half-way enrolment starts over
# with a new secret (documented), which enrols under the new key
my $again = page_get($t, 'P', '/_mfa/enroll?return=%2F');
my $pat_new = secret_of($again);
ok($pat_new && $pat_new ne $pat_secret,
   'the old key dropped: a half-way enrolment starts over');
settle();
my $r = page_post($t, 'P', '/_mfa/enroll',
                  { csrf => csrf_of($again), return => '/',
                    code => totp($pat_new) });
my @pat_codes = codes_of($r);
is(scalar(@pat_codes), 10, '... and completes');
is(user_key_id('pat'), $new_id, '... under the new key');
is($t->redis('EXISTS', 'mfa:pending:' . digest($t, 'P', 'new.key')), 0,
   '... its pending key, named with the new key, gone');

# a code made under the old key is gone with it (documented)
session($t, 'RC', 'u3', 'acme');
my $page = page_get($t, 'RC', '/_mfa/challenge');
$r = page_post($t, 'RC', '/_mfa/challenge',
               { csrf => csrf_of($page), return => '/', code => $codes{u3}[0] });
is($r->status, 403, 'a recovery code made under the dropped key: refused');
like($t->error_log, qr/\[error\].*the recovery codes of user "u3" were made under key id $old_id, which no key of "mfa_secret_key_file" has/,
     '... the error log names the set\'s key');
is($t->redis('EXISTS', 'mfa:user:u3:guard'), 0,
   '... and the user is not counted a failure for it');
is($t->redis('SCARD', 'mfa:user:u3:recovery'), 10, '... no code used');

# a secret sealed under a key nginx no longer lists
$t->redis('HSET', 'mfa:user:u1', 'secret', $u1_old_sealed);
session($t, 'X1', 'u1', 'acme');
$page = page_get($t, 'X1', '/_mfa/challenge');
$t->redis('HDEL', 'mfa:user:u1', 'step');
$r = page_post($t, 'X1', '/_mfa/challenge',
               { csrf => csrf_of($page), return => '/', code => totp($users{u1}) });
is($r->status, 403, 'a secret under a key not listed any more: 403');
like($t->error_log, qr/\[error\].*the secret of user "u1" cannot be opened/,
     '... and the error log says so');

($rc, $out, $err) = mfactl($t, 'key', 'rotate', '--key', $t->path('new.key'));
is($rc, 2, 'key rotate without the old key: exit 2');
like($err, qr/^mfactl: the secret of user "u1" cannot be opened: /m, '... naming the user');
like($out, qr/re-sealed 0, .* failed to open 1$/, '... counted');

($rc, $out) = mfactl($t, 'key', 'rotate', '--key', $t->path('new.key'), '--old',
                     $t->path('mfa.key'));
ok($rc == 0 && $out =~ /re-sealed 1,/, 'with the old key given again: re-sealed');
is(login('u1', $users{u1}), 'ok', '... and u1 logs in');

# key files mfactl refuses
$t->write_key_file('open.key', mode => 0644);
($rc, $out, $err) = mfactl($t, 'key', 'rotate', '--key', $t->path('open.key'));
ok($rc == 1 && $err =~ /accessible by group or others/, 'a key file readable by others: exit 1');
($rc, $out, $err) = mfactl($t, 'key', 'rotate', '--key', $t->path('new.key'),
                           '--old', $t->path('new.key'));
ok($rc == 1 && $err =~ /given twice/, 'the same key twice: exit 1');

$t->done_testing();
