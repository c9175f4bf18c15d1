# The admin page (docs/admin.md, docs/pages.md): an admin of the
# active company flips "require 2FA for every user" in one click, sees
# who changed it last and when, and the members' 2FA status; non-admins
# get 403; admins are subject to the policy like everyone.

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
# "?company=" names the active company (empty: the session's)
$t->run(gate_conf($t, server => 'mfa_session_admin is_admin;
        mfa_company $arg_company;'));

sub admin_session {
    my ($sid, $uid, $cid, $admin) = @_;
    $t->redis('SET', "sess:$sid",
              qq({"user":{"id":"$uid"},"company_id":"$cid","is_admin":$admin}));
}

admin_session('A', 'ann', 'acme', 'true');
admin_session('U', 'ulf', 'acme', 'false');
admin_session('V', 'val', 'acme', 'false');
$t->redis('SADD', 'mfa:company:acme:members', 'ann', 'ulf', 'val');

# a non-admin: 403, whatever the method
my $r = page_get($t, 'U', '/_mfa/admin');
is($r->status, 403, 'a non-admin: 403');
like($r->body, qr{<p id="message">Only an administrator}, 'told why');
my $p = page_get($t, 'U', '/_mfa/enroll');
$r = page_post($t, 'U', '/_mfa/admin', { csrf => csrf_of($p), require_2fa => 1 });
is($r->status, 403, 'a non-admin POST: 403');
is($t->redis('HGET', 'mfa:company:acme', 'require_2fa'), undef, 'nothing changed');

# the admin's page
$r = page_get($t, 'A', '/_mfa/admin');
is($r->status, 200, 'the admin page');
my $body = $r->body;
like($body, qr{<strong id="company">acme</strong>}, 'the active company');
like($body, qr{<p id="policy" data-required="0">Not required}, 'not required yet');
like($body, qr{<input type="hidden" name="require_2fa" value="1"><p>You will see who is affected}, 'the switch asks first');
unlike($body, qr{autofocus}, 'nothing has the focus: one Enter changes nothing');
like($body, qr{<strong id="enrolled-count">0</strong> of <strong id="members-count">3</strong> members use 2FA\.}, 'members counted');
like($body, qr{<tr><td>ann \(you\)</td><td class="off">off</td></tr><tr><td>ulf</td>}, 'members listed, sorted, with their 2FA');
is($r->header('Cache-Control'), 'no-store', 'no-store');

# CSRF
$r = page_post($t, 'A', '/_mfa/admin', { require_2fa => 1 });
is($r->status, 403, 'no CSRF token: 403');
is($t->redis('HGET', 'mfa:company:acme', 'require_2fa'), undef, 'nothing changed');

# the click: a confirmation listing who will be stopped, nothing changed
$r = page_post($t, 'A', '/_mfa/admin', { csrf => csrf_of(page_get($t, 'A', '/_mfa/admin')),
                                         require_2fa => 1 });
is($r->status, 200, 'the click: a confirmation step');
like($r->body, qr{<ul id="affected"><li>ann \(you\)</li><li>ulf</li><li>val</li></ul>},
     'who will be sent to enrolment, the admin included');
like($r->body, qr{name="confirm" value="1"><button type="submit" id="yes">Yes, require 2FA</button>},
     'a "Yes" that confirms');
like($r->body, qr{<a id="cancel" class="button secondary" href="/_mfa/admin">Cancel</a>}, 'and a way back');
is($t->redis('HGET', 'mfa:company:acme', 'require_2fa'), undef, 'nothing changed yet');
is(scalar(audit($t)), 0, 'nothing audited yet');

# "Yes"
$r = page_post($t, 'A', '/_mfa/admin', { csrf => csrf_of($r), require_2fa => 1,
                                         confirm => 1 });
is($r->status, 303, 'confirmed: 303');
like($r->header('Location'), qr{/_mfa/admin\?done=1$}, 'back to the admin page, which says it is done');
my %c = @{$t->redis('HGETALL', 'mfa:company:acme')};
is($c{require_2fa}, 1, 'require_2fa = 1');
is($c{changed_by}, 'admin:ann', 'who');
ok(abs($c{changed_at} - time) < 5, 'when');
my $e = (audit($t))[-1];
is($e->{event}, 'policy', 'audit: policy');
is($e->{value}, 1, 'audit: the value');
is($e->{by}, 'admin:ann', 'audit: by');
is($e->{company}, 'acme', 'audit: the company');

# the users, at their next request
like(page_get($t, 'U', '/reports')->header('Location') // '', qr{/_mfa/enroll},
     'a user without 2FA: enrolment at the next request');

# admins are subject to the policy like everyone
$r = page_get($t, 'A', '/_mfa/admin');
is($r->status, 303, 'the admin without 2FA: sent away from the admin page');
like($r->header('Location'), qr{/_mfa/enroll\?return=%2F_mfa%2Fadmin$}, 'to enrolment, and back');
is(page_get($t, 'A', '/reports')->status, 302, 'and from the dashboard');

# the admin enrols, and comes back
my ($secret) = enrol_via_pages($t, 'A');
$r = page_get($t, 'A', '/_mfa/admin?done=1');
like($r->body, qr{<p id="notice" class="notice" role="status">Done: two-factor authentication is now required},
     'the success notice');
is(page_get($t, 'A', '/_mfa/admin?done=0')->body =~ /id="notice"/ ? 1 : 0, 0,
   'no notice that does not match the policy');
$r = page_get($t, 'A', '/_mfa/admin');
is($r->status, 200, 'enrolled: the admin page again');
unlike($r->body, qr{id="notice"}, 'no notice on a plain visit');
like($r->body, qr{<p id="policy" data-required="1">Required}, 'required');
like($r->body, qr{<span id="changed-by">admin:ann</span>}, 'last changed by');
like($r->body, qr{<tr><td>ann \(you\)</td><td class="on">on since \d{4}-}, 'ann has 2FA now');
like($r->body, qr{<strong id="enrolled-count">1</strong>}, '1 of 3');
$t->redis('HSET', 'mfa:user:val:guard', 'n', 7, 'until', time + 600);
$r = page_get($t, 'A', '/_mfa/admin');
like($r->body, qr{<tr><td>val</td><td class="off">off; locked out until}, 'a locked-out member shows');

# and off again, confirmed too
$r = page_post($t, 'A', '/_mfa/admin', { csrf => csrf_of(page_get($t, 'A', '/_mfa/admin')),
                                         require_2fa => 0 });
like($r->body, qr{Members without 2FA will reach the dashboard with their password only}, 'what turning it off means');
is($t->redis('HGET', 'mfa:company:acme', 'require_2fa'), 1, 'still on before "Yes"');
$r = page_post($t, 'A', '/_mfa/admin', { csrf => csrf_of($r), require_2fa => 0, confirm => 1 });
is($r->status, 303, 'turned off');
is($t->redis('HGET', 'mfa:company:acme', 'require_2fa'), 0, 'require_2fa = 0');
is(page_get($t, 'U', '/reports')->status, 200, 'users pass again');

# too many changes in a minute: said so, nothing changed
$t->redis('SET', 'mfa:rate:policy:user:ann', 20, 'EX', 60);
$r = page_post($t, 'A', '/_mfa/admin', { csrf => csrf_of(page_get($t, 'A', '/_mfa/admin')),
                                         require_2fa => 1, confirm => 1 });
is($r->status, 429, 'rate-limited: 429');
like($r->body, qr{<title>Too many changes</title>}, 'a page that says so');
like($r->body, qr{<a id="back" href="/_mfa/admin">}, 'with the way back to the admin page');
is($t->redis('HGET', 'mfa:company:acme', 'require_2fa'), 0, 'nothing changed');
$r = $t->http(PUT => '/_mfa/api/companies/acme/policy', body => '{"require_2fa":true}',
              headers => { 'Content-Type' => 'application/json', Cookie => 'sid=A' });
is($r->status, 429, 'one limit an admin, the page and the API alike');
$t->redis('DEL', 'mfa:rate:policy:user:ann');

# a bad value
$r = page_post($t, 'A', '/_mfa/admin', { csrf => csrf_of(page_get($t, 'A', '/_mfa/admin')),
                                         require_2fa => 'yes' });
is($r->status, 400, 'require_2fa must be 0 or 1');

# members not known
admin_session('B', 'bea', 'beta', '1');
$r = page_get($t, 'B', '/_mfa/admin');
like($r->body, qr{<p id="members-unknown">}, 'no members set: said so');

# French
$r = page_get($t, 'B', '/_mfa/admin', 'Accept-Language' => 'fr');
like($r->body, qr{Exiger l’A2F pour tous}, 'in French');

# a display name, when the company has one
$t->redis('HSET', 'mfa:company:beta', 'name', 'Beta & Co');
$r = page_get($t, 'B', '/_mfa/admin');
like($r->body, qr{<strong id="company">Beta &amp; Co</strong>}, 'the company\'s name, not its id');

# an admin of one company, a company named by the request: not an admin
# of that one, even enrolled and verified
admin_session('M', 'mallory', 'evil', 'true');
$t->redis('SADD', 'mfa:company:victim:members', 'vic');
$t->redis('HSET', 'mfa:company:victim', 'require_2fa', 1);
enrol_via_pages($t, 'M');
$r = page_get($t, 'M', '/_mfa/admin?company=victim');
is($r->status, 403, "mfa_company naming another company: not that company's admin");
$r = page_post($t, 'M', '/_mfa/admin?company=victim',
               { csrf => csrf_of(page_get($t, 'M', '/_mfa/enroll')),
                 require_2fa => 0 });
is($r->status, 403, 'and cannot switch its mandate off');
is($t->redis('HGET', 'mfa:company:victim', 'require_2fa'), 1, 'still on');
$r = page_get($t, 'M', '/_mfa/admin?company=evil');
is($r->status, 200, 'naming its own company: the admin page');
$r = page_get($t, 'M', '/_mfa/admin');
is($r->status, 200, 'naming none: its own company');

$t->done_testing();
