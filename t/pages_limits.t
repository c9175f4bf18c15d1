# The pages at their limits: the longest issuer with the longest user id
# still enrols (the otpauth URI and its QR code fit), and the admin page of
# a company with more members than it lists still renders, whatever the
# members' ids.

use strict;
use warnings;

use lib 't/lib';
use MfaTest;
use GateTest;
use PagesTest;
use Test::More;

my $issuer = 'Acme Dashboard - Europe Production & Staging (' . ('x' x 17) . ')';
my $uid = "\xc3\xa9" x 64;                       # 128 bytes of UTF-8

my $t = MfaTest->new();
$t->start_redis();
$t->start_upstream();
$t->run(gate_conf($t, http => qq(mfa_issuer "$issuer";),
                  server => 'mfa_session_admin is_admin;'));

is(length $issuer, 64, 'an issuer of 64 bytes');
$t->redis('SET', 'sess:L', qq({"user":{"id":"$uid"},"company_id":"big","is_admin":true}));
my $page = page_get($t, 'L', '/_mfa/enroll');
is($page->status, 200, 'the longest issuer and user id: the enrolment page');
my ($uri) = $page->body =~ m{<a id="otpauth" href="([^"]+)"};
ok(length($uri) > 512, 'an otpauth URI of ' . length($uri) . ' bytes');
like($page->body, qr{<div id="qr" class="qr"><svg }, 'and its QR code');
my $secret = secret_of($page);
my $r = page_post($t, 'L', '/_mfa/enroll',
                  { csrf => csrf_of($page), return => '/', code => totp($secret) });
my @codes = codes_of($r);
is(scalar @codes, 10, 'enrolled');

# 1,200 members with long ids that need escaping: the first 1,000 listed
my @ids = map { sprintf('m%04d<&>', $_) . ('"' x 100) } 1 .. 1200;
$t->redis('SADD', 'mfa:company:big:members', @ids);
$r = page_get($t, 'L', '/_mfa/admin');
is($r->status, 200, 'the admin page of a company of 1,200 members');
my $rows = () = $r->body =~ m{<tr><td>m\d{4}&lt;&amp;&gt;(?:&quot;){100}</td>}g;
is($rows, 1000, '1,000 rows, every id escaped');
like($r->body, qr{<strong id="members-count">1200</strong>}, 'out of 1,200');
like($r->body, qr{Only the first ones are listed}, 'said so');

$t->done_testing();
