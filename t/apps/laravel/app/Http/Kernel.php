<?php

namespace App\Http;

use Illuminate\Foundation\Http\Kernel as HttpKernel;

// The skeleton's kernel less what the test app does not use: no global
// middleware; the "web" group as Laravel ships it, without
// VerifyCsrfToken (no CSRF token: the tests post forms without one) and
// ShareErrorsFromSession (no views).  The skeleton's EncryptCookies is a
// subclass of the framework's with nothing excepted: the framework's here.
class Kernel extends HttpKernel
{
    protected $middleware = [];

    protected $middlewareGroups = [
        'web' => [
            \Illuminate\Cookie\Middleware\EncryptCookies::class,
            \Illuminate\Cookie\Middleware\AddQueuedCookiesToResponse::class,
            \Illuminate\Session\Middleware\StartSession::class,
            \Illuminate\Routing\Middleware\SubstituteBindings::class,
        ],
    ];

    protected $routeMiddleware = [];
}
