<?php
// The application, as Laravel's skeleton makes it, with everything it
// writes at run time in LARAVEL_STORAGE (the test directory): its storage
// and the manifests of service providers and packages that it would write
// in bootstrap/cache.  No console kernel: no artisan.

$storage = getenv('LARAVEL_STORAGE');

if ($storage === false || $storage === '') {
    throw new RuntimeException('LARAVEL_STORAGE is not set');
}

foreach (['APP_SERVICES_CACHE' => 'services.php',
          'APP_PACKAGES_CACHE' => 'packages.php',
          'APP_CONFIG_CACHE' => 'config.php',
          'APP_ROUTES_CACHE' => 'routes-v7.php',
          'APP_EVENTS_CACHE' => 'events.php'] as $name => $file) {
    $_SERVER[$name] = "$storage/bootstrap-cache/$file";
}

$app = new Illuminate\Foundation\Application(dirname(__DIR__));

$app->useStoragePath($storage);

$app->singleton(
    Illuminate\Contracts\Http\Kernel::class,
    App\Http\Kernel::class
);

$app->singleton(
    Illuminate\Contracts\Debug\ExceptionHandler::class,
    App\Exceptions\Handler::class
);

return $app;
