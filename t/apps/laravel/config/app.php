<?php
// APP_KEY: SHA-256 of the secret (SECRET_FILE's bytes less one trailing
// "\n"), or the fixed test key "laravel-test-keylaravel-test-key"
// without SECRET_FILE; AES-256-CBC, the skeleton's cipher.

$secret = getenv('SECRET_FILE');

if ($secret !== false && $secret !== '') {
    $bytes = file_get_contents($secret);
    if ($bytes === false) {
        throw new RuntimeException("cannot read $secret");
    }
    $key = hash('sha256', preg_replace('/\n\z/', '', $bytes, 1), true);
} else {
    $key = str_repeat('laravel-test-key', 2);
}

return [
    'name' => 'Laravel',
    'env' => 'production',
    'debug' => false,
    'url' => 'http://localhost',
    'timezone' => 'UTC',
    'locale' => 'en',
    'fallback_locale' => 'en',
    'key' => 'base64:'.base64_encode($key),
    'cipher' => 'AES-256-CBC',

    'providers' => [
        Illuminate\Cache\CacheServiceProvider::class,
        Illuminate\Cookie\CookieServiceProvider::class,
        Illuminate\Encryption\EncryptionServiceProvider::class,
        Illuminate\Filesystem\FilesystemServiceProvider::class,
        Illuminate\Redis\RedisServiceProvider::class,
        Illuminate\Session\SessionServiceProvider::class,
        App\Providers\RouteServiceProvider::class,
    ],

    'aliases' => [],
];
