# The JSON API (docs/admin.md): <pages>api/status for the session's own
# state; <pages>api/companies/<cid>/policy, GET and PUT, for that
# company's admins by session or with the bearer token of
# mfa_api_token_file, compared in constant time.  Wrong method 405, bad
# JSON 400 with a JSON error, unknown company 404.

use strict;
use warnings;

use lib 't/lib';
use JSON::PP;
use MfaTest;
use GateTest;
use PagesTest;
use Test::More;

my $token = 'f' x 20 . '0123456789abcdef0123456789abcdef';

my $t = MfaTest->new();
$t->start_redis();
$t->start_upstream();
$t->write_file('api.token', "$token\n");
chmod 0600, $t->path('api.token');
$t->run(gate_conf($t, http => 'mfa_api_token_file %%TESTDIR%%/api.token;',
                  server => 'mfa_session_admin is_admin;
        mfa_company $arg_company;'));

my %JSON = (Accept => 'application/json');

sub api {
    my ($method, $path, %o) = @_;
    my %h = (%JSON, %{$o{headers} // {}});
    $h{Cookie} = "sid=$o{sid}" if $o{sid};
    $h{Authorization} = "Bearer $o{token}" if $o{token};
    $h{'Content-Type'} = $o{type} // 'application/json' if defined $o{body};
    return $t->http($method => $path, headers => \%h,
                    defined $o{body} ? (body => $o{body}) : ());
}

sub json_of {
    my ($r) = @_;
    return eval { decode_json($r->body) } // { not_json => $r->body };
}

$t->redis('SET', 'sess:A', '{"user":{"id":"ann"},"company_id":"acme","is_admin":true}');
$t->redis('SET', 'sess:U', '{"user":{"id":"ulf"},"company_id":"acme"}');
$t->redis('SET', 'sess:O', '{"user":{"id":"oz"},"company_id":"other","is_admin":true}');
$t->redis('SADD', 'mfa:company:acme:members', 'ann', 'ulf');

# status
my $r = api(GET => '/_mfa/api/status', sid => 'U');
is($r->status, 200, 'status: 200');
like($r->header('Content-Type'), qr{^application/json}, 'JSON');
is_deeply(json_of($r), { user => 'ulf', company => 'acme', enrolled => JSON::PP::false,
                         verified => JSON::PP::false, required => JSON::PP::false },
          'the session\'s state');
$r = api(GET => '/_mfa/api/status');
is($r->status, 401, 'status without a session: 401');
is(json_of($r)->{error}, 'login_required', 'a JSON error');
$r = api(POST => '/_mfa/api/status', sid => 'U', body => '{}');
is($r->status, 405, 'status: POST is 405');
is($r->header('Allow'), 'GET, HEAD', 'with Allow');
is(json_of($r)->{error}, 'bad_request', 'and a JSON body');

# policy by token
$r = api(GET => '/_mfa/api/companies/acme/policy', token => $token);
is($r->status, 200, 'GET with the token');
is_deeply(json_of($r), { company => 'acme', require_2fa => JSON::PP::false,
                         changed_by => undef, changed_at => undef }, 'the policy');
$r = api(PUT => '/_mfa/api/companies/acme/policy', token => $token,
         body => '{"require_2fa":true}');
is($r->status, 200, 'PUT with the token');
my $j = json_of($r);
is($j->{require_2fa}, JSON::PP::true, 'answers the new state');
is($j->{changed_by}, 'api:token', 'by the token');
ok(abs($j->{changed_at} - time) < 5, 'now');
is($t->redis('HGET', 'mfa:company:acme', 'require_2fa'), 1, 'in Redis');
my $e = (audit($t))[-1];
is_deeply([ @$e{qw(event company value by)} ], [ 'policy', 'acme', 1, 'api:token' ], 'audited');
like(page_get($t, 'U', '/x')->header('Location') // '', qr{/_mfa/enroll}, 'applies at the next request');

# the same value again: nothing written, nothing audited
my $entries = () = audit($t);
for (1 .. 5) {
    $r = api(PUT => '/_mfa/api/companies/acme/policy', token => $token,
             body => '{"require_2fa":true}');
}
is($r->status, 200, 'the same value again: 200');
is(json_of($r)->{changed_at}, $j->{changed_at}, 'changed_at is the change\'s');
is(scalar(() = audit($t)), $entries, 'no audit entry for a write that changes nothing');
$r = api(GET => '/_mfa/api/status', sid => 'U');
is(json_of($r)->{required}, JSON::PP::true, 'status: required');

# wrong tokens
for my $bad ('x', substr($token, 0, -1), $token . 'x', uc $token) {
    $r = api(GET => '/_mfa/api/companies/acme/policy', token => $bad);
    is($r->status, 401, 'a wrong token (' . length($bad) . ' chars): 401');
}
is(json_of($r)->{error}, 'invalid_token', 'a JSON error');
$r = api(PUT => '/_mfa/api/companies/acme/policy', token => 'nope',
         body => '{"require_2fa":false}');
is($r->status, 401, 'a wrong token cannot PUT');
is($t->redis('HGET', 'mfa:company:acme', 'require_2fa'), 1, 'nothing changed');

# bad requests
for my $case ([ '{"require_2fa":"yes"}', qr/must be true or false/ ],
              [ '{"require_2fa":true,"x":1}', qr/only "require_2fa"/ ],
              [ '[true]', qr/expected an object/ ],
              [ '{"require_2fa":tru', qr/not JSON/ ],
              [ '{"require_2fa":true,"require_2fa":false}', qr/not JSON/ ]) {
    $r = api(PUT => '/_mfa/api/companies/acme/policy', token => $token,
             body => $case->[0]);
    is($r->status, 400, "bad JSON $case->[0]: 400");
    like(json_of($r)->{message}, $case->[1], 'saying what is wrong');
}
$r = api(PUT => '/_mfa/api/companies/acme/policy', token => $token,
         body => 'require_2fa=1', type => 'application/x-www-form-urlencoded');
is($r->status, 415, 'not JSON: 415');
$r = api(DELETE => '/_mfa/api/companies/acme/policy', token => $token);
is($r->status, 405, 'DELETE: 405');
is($r->header('Allow'), 'GET, HEAD, PUT', 'with Allow');
$r = api(GET => '/_mfa/api/companies/nobody/policy', token => $token);
is($r->status, 404, 'unknown company: 404');
is(json_of($r)->{error}, 'unknown_company', 'a JSON error');
$r = api(PUT => '/_mfa/api/companies/nobody/policy', token => $token,
         body => '{"require_2fa":true}');
is($r->status, 404, 'PUT to an unknown company: 404');
is($t->redis('EXISTS', 'mfa:company:nobody'), 0, 'not created');
is(api(GET => '/_mfa/api/companies/a%20b/policy', token => $token)->status, 404,
   'an invalid company id: 404');
is(api(GET => '/_mfa/api/companies/acme/x/policy', token => $token)->status, 404,
   'a path below: 404');

# by session: only that company's admins, subject to the policy
$r = api(GET => '/_mfa/api/companies/acme/policy', sid => 'U');
is($r->status, 401, 'a user without 2FA under the mandate: 401');
is(json_of($r)->{error}, 'mfa_enrollment_required', 'told to enrol');
$t->redis('HSET', 'mfa:company:acme', 'require_2fa', 0);
$r = api(GET => '/_mfa/api/companies/acme/policy', sid => 'U');
is($r->status, 403, 'not an admin: 403');
$r = api(GET => '/_mfa/api/companies/acme/policy', sid => 'O');
is($r->status, 403, "another company's admin: 403");
$r = api(GET => '/_mfa/api/companies/acme/policy', sid => 'A');
is($r->status, 200, "the company's admin: 200");
$r = api(PUT => '/_mfa/api/companies/acme/policy', sid => 'A',
         body => '{"require_2fa":true}');
is($r->status, 200, 'the admin turns it on');
is(json_of($r)->{changed_by}, 'api:ann', 'by the admin');
$r = api(GET => '/_mfa/api/companies/acme/policy', sid => 'A');
is($r->status, 401, 'and is then subject to it');
$r = api(PUT => '/_mfa/api/companies/acme/policy', sid => 'A',
         body => '{"require_2fa":false}');
is($r->status, 401, 'even to turn it off');
my ($secret) = enrol_via_pages($t, 'A');
$r = api(PUT => '/_mfa/api/companies/acme/policy', sid => 'A',
         body => '{"require_2fa":false}', headers => { 'Sec-Fetch-Site' => 'cross-site' });
is($r->status, 403, 'a cross-site PUT: 403');
$r = api(PUT => '/_mfa/api/companies/acme/policy', sid => 'A',
         body => '{"require_2fa":false}', headers => { 'Sec-Fetch-Site' => 'same-origin' });
is($r->status, 200, 'enrolled, same-origin: 200');
is(json_of($r)->{require_2fa}, JSON::PP::false, 'off');

# a browser that sends no Sec-Fetch-Site: its Origin must be the Host
for my $origin ('http://evil.example', 'null', 'http://localhost.evil.example') {
    $r = api(PUT => '/_mfa/api/companies/acme/policy', sid => 'A',
             body => '{"require_2fa":true}', headers => { Origin => $origin });
    is($r->status, 403, "no Sec-Fetch-Site, Origin $origin: 403");
}
is($t->redis('HGET', 'mfa:company:acme', 'require_2fa'), 0, 'nothing changed');
$r = api(PUT => '/_mfa/api/companies/acme/policy', sid => 'A',
         body => '{"require_2fa":false}', headers => { Origin => 'https://LOCALHOST' });
is($r->status, 200, 'no Sec-Fetch-Site, Origin of the Host: 200');

# an admin of another company, naming this one as the active company
$t->redis('SET', 'sess:M', '{"user":{"id":"mal"},"company_id":"evil","is_admin":true}');
$t->redis('HSET', 'mfa:company:acme', 'require_2fa', 1);
enrol_via_pages($t, 'M');
$r = api(PUT => '/_mfa/api/companies/acme/policy?company=acme', sid => 'M',
         body => '{"require_2fa":false}');
is($r->status, 403, "mfa_company naming another company: not that company's admin");
is($t->redis('HGET', 'mfa:company:acme', 'require_2fa'), 1, 'nothing changed');

# every entry about a company also goes to that company's own stream
my @acme = map { +{ @{$_->[1]} } }
           @{$t->redis('XRANGE', 'mfa:audit:acme', '-', '+')};
ok(@acme >= 3, 'acme\'s own audit stream');
is(scalar(grep { $_->{company} ne 'acme' } @acme), 0, 'with acme\'s entries only');
is(scalar(grep { $_->{event} eq 'policy' } @acme),
   scalar(grep { $_->{event} eq 'policy' && $_->{company} eq 'acme' } audit($t)),
   'every acme policy change of the global stream');

# an actor changes a policy at most 20 times a minute
$t->redis('DEL', 'mfa:rate:policy:token');
$t->redis('HSET', 'mfa:company:acme', 'require_2fa', 0);
my $before = $t->redis('XLEN', 'mfa:audit:acme');
my @codes;
for my $i (1 .. 22) {
    # on, off, ... off, then on twice: each a change
    push @codes, api(PUT => '/_mfa/api/companies/acme/policy', token => $token,
                     body => ($i % 2 || $i > 20) ? '{"require_2fa":true}'
                                                 : '{"require_2fa":false}');
}
is(scalar(grep { $_->status == 200 } @codes), 20,
   '20 changes in a minute: done');
is_deeply([ map { $_->status } @codes[20, 21] ], [ 429, 429 ], 'then 429');
is(json_of($codes[21])->{error}, 'too_many_changes', 'a JSON error');
is($t->redis('XLEN', 'mfa:audit:acme'), $before + 20, 'and not audited');
is($t->redis('HGET', 'mfa:company:acme', 'require_2fa'), 0, 'nor written');
like($t->error_log, qr/policy change refused: more than 20 a minute/, 'logged');
$t->redis('DEL', 'mfa:rate:policy:token');

# the token never reaches the log (nginx's own debug lines print headers)
unlike(join('', grep { !/\[debug\]/ } split /^/, $t->error_log),
       qr/\Q$token\E/, 'the token is not logged');

# Redis down: 503, in JSON
$t->kill_redis();
$r = api(GET => '/_mfa/api/status', sid => 'A');
is($r->status, 503, 'Redis down, by session: 503');
is(json_of($r)->{error}, 'unavailable', 'a JSON error');
$r = api(GET => '/_mfa/api/companies/acme/policy', token => $token);
is($r->status, 503, 'Redis down, by token: 503');
is(json_of($r)->{error}, 'unavailable', 'a JSON error');
$r = page_get($t, 'A', '/_mfa/admin');
is($r->status, 503, 'the admin page: 503');
like($r->body, qr{cannot be checked for a moment}, 'a page that says so');
$t->allow_log(qr/mfa: .*(Redis|redis)/);

$t->done_testing();
