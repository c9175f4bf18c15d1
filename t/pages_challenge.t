# The challenge (docs/pages.md, docs/security.md): a TOTP code or a recovery code
# verifies the session and sends back with 303; the +-1 step window;
# replay of a step, or of an earlier one, fails; 20 parallel submissions
# of one code give exactly one success; recovery codes are single use,
# also under concurrency.

use strict;
use warnings;

use lib 't/lib';
use MfaTest;
use GateTest;
use PagesTest;
use Test::More;

my $t = MfaTest->new();
$t->start_redis();
$t->start_upstream();
$t->run(gate_conf($t));

session($t, 'E', 'bob', 'acme');
my ($secret, @codes) = enrol_via_pages($t, 'E');

# steps used so far are forgotten where a test needs a fresh window
sub forget_steps { $t->redis('HDEL', 'mfa:user:bob', 'step') }

# not within a second of a step boundary, so that client and server agree
sub settle { sleep 2 if time % 30 >= 28 }

session($t, 'C1', 'bob', 'acme');
my $r = page_get($t, 'C1', '/reports?tab=2');
like($r->header('Location'), qr{/_mfa/challenge\?return=%2Freports%3Ftab%3D2$},
     'an enrolled user, new session: challenge');

my $page = page_get($t, 'C1', '/_mfa/challenge?return=%2Freports%3Ftab%3D2');
is($page->status, 200, 'the challenge page');
like($page->body, qr{<form method="post" action="/_mfa/challenge" id="challenge-form">},
     'posts to itself');
like($page->body, qr{<input type="text" id="code" name="code" autocomplete="one-time-code"[^>]*inputmode="numeric" autofocus},
     'one code field, numeric, focused');
like($page->body, qr{id="recovery-form".*id="recovery-code" name="code"}s,
     'a recovery code goes in a field named code too');
my $csrf = csrf_of($page);

forget_steps();
settle();
$r = page_post($t, 'C1', '/_mfa/challenge',
               { csrf => $csrf, return => '/reports?tab=2',
                 code => totp($secret) });
is($r->status, 303, 'right code: 303');
like($r->header('Location'), qr{^(http://[^/]+)?/reports\?tab=2$},
     'to the page the user asked for');
$r = page_get($t, 'C1', '/reports?tab=2');
is($r->status, 200, 'then through');
is(saw($r, 'X-MFA-Status'), 'verified', 'verified');
is((audit($t))[-1]{event}, 'verified', 'audit: verified');

$r = page_get($t, 'C1', '/_mfa/challenge?return=%2Fz');
is($r->status, 303, 'a verified session skips the challenge');

# the window: one step either side, not two
my %res;
for my $off (-60, -30, 30, 60) {
    session($t, "W$off", 'bob', 'acme');
    $page = page_get($t, "W$off", '/_mfa/challenge');
    forget_steps();
    $t->redis('DEL', 'mfa:user:bob:guard');
    settle();
    $r = page_post($t, "W$off", '/_mfa/challenge',
                   { csrf => csrf_of($page), return => '/',
                     code => totp_at($secret, time + $off) });
    $res{$off} = $r->status;
}
is($res{-30}, 303, 'the previous step is accepted');
is($res{30}, 303, 'the next step is accepted');
is($res{-60}, 200, 'two steps back is refused');
is($res{60}, 200, 'two steps ahead is refused');
$t->redis('DEL', 'mfa:user:bob:guard');

# replay: the same code in another session, and an earlier step
forget_steps();
settle();
my $now = time;
session($t, 'R1', 'bob', 'acme');
session($t, 'R2', 'bob', 'acme');
session($t, 'R3', 'bob', 'acme');
my $p1 = page_get($t, 'R1', '/_mfa/challenge');
my $p2 = page_get($t, 'R2', '/_mfa/challenge');
my $p3 = page_get($t, 'R3', '/_mfa/challenge');
$r = page_post($t, 'R1', '/_mfa/challenge',
               { csrf => csrf_of($p1), return => '/',
                 code => totp_at($secret, $now) });
is($r->status, 303, 'a code is accepted once');
my $replayed = page_post($t, 'R2', '/_mfa/challenge',
                         { csrf => csrf_of($p2), return => '/',
                           code => totp_at($secret, $now) });
is($replayed->status, 200, 'the same code again, in another session: refused');
my $earlier = page_post($t, 'R3', '/_mfa/challenge',
                        { csrf => csrf_of($p3), return => '/',
                          code => totp_at($secret, $now - 30) });
is($earlier->status, 200, 'an earlier step after a later one: refused');
is(error_of($replayed), error_of($earlier), 'told alike');
is(page_get($t, 'R2', '/x')->status, 302, 'the replaying session is not verified');
$t->redis('DEL', 'mfa:user:bob:guard');

# 20 sessions submit the same code at the same time: one success
forget_steps();
settle();
my @race;
for my $i (1 .. 20) {
    session($t, "P$i", 'bob', 'acme');
    push @race, [ "P$i", csrf_of(page_get($t, "P$i", '/_mfa/challenge')) ];
}
my $code = totp($secret);
my @status = parallel(map {
    my ($sid, $token) = @$_;
    sub { page_post($t, $sid, '/_mfa/challenge',
                    { csrf => $token, return => '/', code => $code })->status }
} @race);
is(scalar(grep { $_ == 303 } @status), 1, '20 parallel POSTs of one code: one success');
is(scalar(grep { $_ == 200 || $_ == 429 } @status), 19,
   'and 19 refusals (wrong code, then locked out)');
is(scalar(grep { page_get($t, $_->[0], '/x')->status == 200 } @race), 1,
   'exactly one session verified');
$t->redis('DEL', 'mfa:user:bob:guard');

# recovery codes: any case, spaces, no hyphen; single use
session($t, 'K1', 'bob', 'acme');
session($t, 'K2', 'bob', 'acme');
$p1 = page_get($t, 'K1', '/_mfa/challenge');
$p2 = page_get($t, 'K2', '/_mfa/challenge');
(my $sloppy = uc $codes[0]) =~ s/-/ /;
$r = page_post($t, 'K1', '/_mfa/challenge',
               { csrf => csrf_of($p1), return => '/r', code => " $sloppy " });
is($r->status, 303, 'a recovery code, upper case, space for hyphen: accepted');
is($t->redis('SCARD', 'mfa:user:bob:recovery'), 9, '9 left');
my @events = map { $_->{event} } audit($t);
ok((grep { $_ eq 'recovery_used' } @events), 'audit: recovery_used');
$r = page_post($t, 'K2', '/_mfa/challenge',
               { csrf => csrf_of($p2), return => '/', code => $codes[0] });
is($r->status, 200, 'the same recovery code again: refused');

# one recovery code, 10 sessions at once: one success
my @sids = map { "Q$_" } 1 .. 10;
my @tokens;
for my $sid (@sids) {
    session($t, $sid, 'bob', 'acme');
    push @tokens, csrf_of(page_get($t, $sid, '/_mfa/challenge'));
}
@status = parallel(map {
    my $i = $_;
    sub { page_post($t, $sids[$i], '/_mfa/challenge',
                    { csrf => $tokens[$i], return => '/',
                      code => $codes[1] })->status }
} 0 .. $#sids);
is(scalar(grep { $_ == 303 } @status), 1, 'one recovery code in 10 parallel POSTs: one success');
is($t->redis('SCARD', 'mfa:user:bob:recovery'), 8, '8 left');

# the module's own lines (nginx's debug log prints request headers itself)
my $log = join '', grep { /mfa/ } split /^/, $t->error_log;
unlike($log, qr/\Q$secret\E|\Q$codes[0]\E|\Q$codes[1]\E|\Q$code\E/i,
       'no secret or code in the log');
unlike($log, qr/\b(C1|R1|P1|K1)\b/, 'no session id in the log');

$t->done_testing();

# runs the subs in parallel processes; returns their results in order
sub parallel {
    my @subs = @_;
    my @pipes;
    for my $s (@subs) {
        pipe(my $rd, my $wr) or die "pipe: $!";
        my $pid = fork // die "fork: $!";
        if ($pid == 0) {
            close $rd;
            my $v = eval { $s->() } // 'error';
            print $wr $v;
            close $wr;
            POSIX::_exit(0);
        }
        close $wr;
        push @pipes, [ $pid, $rd ];
    }
    my @out;
    for my $p (@pipes) {
        my $fh = $p->[1];
        local $/;
        push @out, scalar <$fh>;
        waitpid $p->[0], 0;
    }
    return @out;
}
