package PagesTest;

# Helpers for the pages' tests, on top of MfaTest and GateTest: reading a
# page's form (CSRF token, secret, recovery codes), codes from oathtool,
# and the user's records in Redis.

use strict;
use warnings;

use Exporter qw(import);

use MfaTest;
use GateTest;

our @EXPORT = qw(page_get page_post csrf_of secret_of codes_of totp
                 totp_at enrol_via_pages error_of lock_of wait_next_step
                 audit);

# GET a page as session sid; %h: more headers
sub page_get {
    my ($t, $sid, $path, %h) = @_;
    return $t->http(GET => $path,
                    headers => { %NAV, Cookie => "sid=$sid", %h });
}

# POST a form as session sid
sub page_post {
    my ($t, $sid, $path, $fields, %h) = @_;
    return $t->http_post_form($path, $fields,
                              headers => { Cookie => "sid=$sid", %h });
}

# the CSRF token of the page's first form
sub csrf_of {
    my ($res) = @_;
    my ($v) = $res->body =~ /name="csrf" value="([^"]*)"/;
    return $v;
}

# the base32 secret shown on the enrolment page, without the spaces
sub secret_of {
    my ($res) = @_;
    my ($v) = $res->body =~ m{<code id="secret"[^>]*>([^<]*)</code>};
    return undef unless defined $v;
    $v =~ s/ //g;
    return $v;
}

sub codes_of {
    my ($res) = @_;
    my ($list) = $res->body =~ m{<ol id="recovery-codes"[^>]*>(.*?)</ol>}s;
    return () unless defined $list;
    return $list =~ m{<li><code>([^<]+)</code></li>}g;
}

sub error_of {
    my ($res) = @_;
    my ($v) = $res->body =~ m{<p id="error"[^>]*>([^<]*)</p>};
    return $v;
}

# the text of the lockout notice (markup removed), undef without one
sub lock_of {
    my ($res) = @_;
    my ($v) = $res->body =~ m{<p id="lock"[^>]*>(.*?)</p>}s;
    return undef unless defined $v;
    $v =~ s/<[^>]*>//g;
    return $v;
}

# the code of a base32 secret at a time (default now), from oathtool
sub totp_at {
    my ($secret, $time, @opt) = @_;
    my @now = defined $time ? ('-N', '@' . $time) : ();
    my $code = `oathtool --totp -b @opt @now $secret`;
    die "oathtool failed\n" if $?;
    chomp $code;
    return $code;
}

sub totp { totp_at($_[0], undef, @_[1 .. $#_]) }

# waits for the next 30-second step, so that a new code exists
sub wait_next_step {
    my $left = 30 - time % 30;
    select(undef, undef, undef, $left + 0.2);
}

# the whole enrolment through the pages; returns (secret, codes)
sub enrol_via_pages {
    my ($t, $sid) = @_;

    my $page = page_get($t, $sid, '/_mfa/enroll?return=%2F');
    my $secret = secret_of($page) or die "no secret on the enrolment page\n";
    my $res = page_post($t, $sid, '/_mfa/enroll',
                        { csrf => csrf_of($page), return => '/',
                          code => totp($secret) });
    my @codes = codes_of($res);
    die "enrolment failed: " . $res->status . "\n" unless @codes == 10;

    return ($secret, @codes);
}

# the audit stream's entries, oldest first, as hashes
sub audit {
    my ($t) = @_;
    my $entries = $t->redis('XRANGE', 'mfa:audit', '-', '+');
    return map { +{ @{$_->[1]} } } @$entries;
}

1;
