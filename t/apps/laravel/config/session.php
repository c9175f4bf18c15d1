<?php
// The skeleton's session settings, driver redis: Laravel keeps a session
// in its cache store "redis" (config/cache.php) on the connection
// "default" (session.connection null; config/database.php).

return [
    'driver' => 'redis',
    'lifetime' => 120,
    'expire_on_close' => false,
    'encrypt' => false,
    'connection' => null,
    'store' => null,
    'lottery' => [2, 100],
    'cookie' => 'laravel_session',
    'path' => '/',
    'domain' => null,
    'secure' => null,
    'http_only' => true,
    'same_site' => 'lax',
];
