<?php

namespace App\Exceptions;

use Illuminate\Foundation\Exceptions\Handler as ExceptionHandler;
use Throwable;

// The skeleton's handler; every error answered in JSON (the app has no
// views for HTML error pages).
class Handler extends ExceptionHandler
{
    protected $dontFlash = ['password'];

    protected function shouldReturnJson($request, Throwable $e)
    {
        return true;
    }
}
