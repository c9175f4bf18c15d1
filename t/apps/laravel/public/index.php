<?php
// Laravel 8 (Debian's php-laravel-framework 8.83.26) under php-fpm: the
// front controller of Laravel's skeleton, with Debian's autoloader
// (Illuminate/autoload.php on the include path /usr/share/php) where
// Composer's would be, and one for App\ (app/).  See bootstrap/app.php.

use Illuminate\Contracts\Http\Kernel;
use Illuminate\Http\Request;

define('LARAVEL_START', microtime(true));

require_once 'Illuminate/autoload.php';

spl_autoload_register(function ($class) {
    if (strncmp($class, 'App\\', 4) === 0) {
        require __DIR__.'/../app/'.strtr(substr($class, 4), '\\', '/').'.php';
    }
});

$app = require_once __DIR__.'/../bootstrap/app.php';

$kernel = $app->make(Kernel::class);

$response = $kernel->handle(
    $request = Request::capture()
)->send();

$kernel->terminate($request, $response);
