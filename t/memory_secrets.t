# Secrets in nginx's memory, read the way a core dump would be: from
# /proc/<pid>/mem, area by area, with the areas' flags from smaps.
# - The master key, the API token and the framework's cookie secret are
#   found in the master and the worker only in areas core dumps leave out
#   (VmFlags "dd": MADV_DONTDUMP).
# - Once the requests that showed and took them are over, no recovery
#   code is left anywhere in the worker: the body read, the form parsed,
#   the codes made and the page sent were wiped with the request.

use strict;
use warnings;

use lib 't/lib';
use MfaTest;
use GateTest;
use PagesTest;
use Test::More;

plan skip_all => 'reading another process\'s memory needs root'
    unless $> == 0;

my $token = 'a1b2' x 12;
my $cookie_secret = 'the framework cookie secret ' . ('z' x 20);

my $t = MfaTest->new();
$t->start_redis();
$t->start_upstream();
$t->write_file('api.token', "$token\n");
chmod 0600, $t->path('api.token');
$t->write_file('cookie.secret', "$cookie_secret\n");
chmod 0600, $t->path('cookie.secret');
# a second server reads an express-session cookie with its secret
$t->run(gate_conf($t, http => <<'HTTP'));
    mfa_api_token_file %%TESTDIR%%/api.token;

    server {
        listen 127.0.0.1:%%PORT_EXPRESS%%;
        mfa_session_cookie   connect.sid express
                             secret_file=%%TESTDIR%%/cookie.secret;
        mfa_session_key      sess:$mfa_session_id;
        mfa_session_user     user.id;
        mfa_session_company  company_id;
        location / { mfa on; proxy_pass http://127.0.0.1:%%PORT_UPSTREAM%%; }
    }
HTTP

my $key = $t->read_file('mfa.key');

# the readable areas of a process: [start, end, dontdump]
sub areas {
    my ($pid) = @_;
    no warnings 'portable';     # 64-bit addresses
    open my $fh, '<', "/proc/$pid/smaps" or die "smaps of $pid: $!\n";
    my (@areas, $cur);
    while (my $line = <$fh>) {
        if ($line =~ /^([0-9a-f]+)-([0-9a-f]+) (\S+)/) {
            $cur = { start => hex $1, end => hex $2, perms => $3 };
            push @areas, $cur;
        } elsif ($line =~ /^VmFlags:(.*)/) {
            $cur->{dd} = ($1 =~ /\bdd\b/) ? 1 : 0;
        }
    }
    return grep { $_->{perms} =~ /^r/ } @areas;
}

# where the bytes occur in the process: a list of [address, dontdump]
sub find_in {
    my ($pid, $needle) = @_;
    my @found;
    open my $mem, '<:raw', "/proc/$pid/mem" or die "mem of $pid: $!\n";
    for my $a (areas($pid)) {
        my $len = $a->{end} - $a->{start};
        next if $len > 256 * 1024 * 1024;
        sysseek($mem, $a->{start}, 0) or next;
        my $buf = '';
        my $n = sysread($mem, $buf, $len);
        next unless $n;
        my $at = 0;
        while (($at = index($buf, $needle, $at)) >= 0) {
            push @found, [ $a->{start} + $at, $a->{dd} ];
            $at++;
        }
    }
    return @found;
}

my ($worker) = $t->worker_pids();
my %procs = (master => $t->nginx_pid, worker => $worker);

for my $secret ([ 'the master key', $key ],
                [ 'the API token', $token ],
                [ 'the cookie secret', $cookie_secret ])
{
    my ($what, $bytes) = @$secret;
    for my $p (sort keys %procs) {
        my @at = find_in($procs{$p}, $bytes);
        ok(@at > 0, "$p: $what is in memory (so the check means something)");
        is(scalar(grep { !$_->[1] } @at), 0,
           "$p: ... only in areas left out of core dumps");
    }
}

# codes shown, one of them typed, then nowhere
session($t, 'E', 'bob', 'acme');
my (undef, @codes) = enrol_via_pages($t, 'E');
is(scalar @codes, 10, 'recovery codes shown');
session($t, 'C', 'bob', 'acme');
my $page = page_get($t, 'C', '/_mfa/challenge');
my $r = page_post($t, 'C', '/_mfa/challenge',
                  { csrf => csrf_of($page), return => '/', code => $codes[0] });
is($r->status, 303, 'one of them typed at the challenge');

# a few more requests, so that nothing is still being sent
page_get($t, 'C', '/x') for 1 .. 3;

my @left = grep { find_in($worker, $_) } @codes;
is_deeply(\@left, [], 'no recovery code left in the worker\'s memory');

$t->done_testing();
