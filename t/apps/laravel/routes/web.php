<?php
// The routes, in the "web" middleware group (RouteServiceProvider).  The
// session is Laravel's: login regenerates its id, as Laravel Breeze does,
// logout invalidates it.  GET /mfa/introspect answers who a session is,
// for the gate, which cannot read the encrypted cookie.

use Illuminate\Http\JsonResponse;
use Illuminate\Http\Request;
use Illuminate\Session\Middleware\StartSession;
use Illuminate\Support\Facades\Route;

$users = [
    'bob' => ['password' => 'bob-pw', 'company' => 'acme', 'admin' => false],
    'carol' => ['password' => 'carol-pw', 'company' => 'globex',
                'admin' => false],
];

Route::post('/login', function (Request $request) use ($users) {
    $user = (string) $request->input('user');

    if (! isset($users[$user])
        || ! hash_equals($users[$user]['password'],
                         (string) $request->input('password'))) {
        return new JsonResponse(['error' => 'bad password'], 403);
    }

    $request->session()->regenerate();
    $request->session()->put('user', ['id' => $user]);
    $request->session()->put('company_id', $users[$user]['company']);

    return ['user' => $user];
});

Route::get('/whoami', function (Request $request) {
    return [
        'user' => $request->session()->get('user.id'),
        'cookie' => $request->header('Cookie'),
    ];
});

Route::get('/anon', function (Request $request) {
    $request->session()->increment('visits');

    return ['user' => null];
});

Route::post('/logout', function (Request $request) {
    $request->session()->invalidate();
    $request->session()->regenerateToken();

    return ['user' => null];
});

// Without StartSession: the session is read as StartSession reads it (the
// id from the decrypted cookie, a new random one if there is none or it
// is not valid) and never saved, so a request without a session leaves no
// record in Redis and no cookie; a user's session is not touched (no TTL
// renewed).
Route::get('/mfa/introspect', function (Request $request) use ($users) {
    // nginx's internal location alone sets this FastCGI parameter (no
    // request header becomes one without "HTTP_"): a client that reaches
    // the route otherwise (/mfa/introspect/, /index.php/mfa/introspect
    // through the dashboard's location) is not told its session id
    if ($request->server('MFA_INTROSPECTION') !== '1') {
        return new JsonResponse(['error' => 'not found'], 404);
    }

    $session = app('session')->driver();
    $session->setId($request->cookies->get($session->getName()));
    $session->start();

    $user = $session->get('user.id');

    if ($user === null) {
        return new JsonResponse(['user' => null], 401);
    }

    return [
        'session' => $session->getId(),
        'user' => $user,
        'company' => $session->get('company_id'),
        'admin' => $users[$user]['admin'] ?? false,
    ];
})->withoutMiddleware(StartSession::class);

Route::fallback(function () {
    return new JsonResponse(['error' => 'not found'], 404);
});
