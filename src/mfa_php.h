
/*
 * PHP's session records, read as PHP reads them: the session extension's
 * serialize handlers "php" (the default: name|value name|value ...),
 * "php_serialize" (one serialize()d array) and "php_binary" (a byte with
 * the name's length, the name, the value ...), each value in PHP's
 * serialize() format (ext/standard/var.c).
 *
 * The whole record is checked, one pass, no tree.  A path "user.id" names
 * a variable, then keys of arrays or public properties of stdClass
 * objects; a key matches by its bytes, an integer key by its decimal text
 * (PHP takes "5" and 5 as one key of an array).  Where a path goes, what
 * PHP would read differently from the bytes is refused: a name given
 * twice (PHP keeps the last), a protected or private property, an object
 * of any other class (its defaults, __wakeup() or __unserialize() make
 * what PHP reads: an entity's private $id, ArrayObject's storage), a
 * reference.  Nothing is ever instantiated; elsewhere objects, custom-
 * serialized objects (C:), references and enums are read past.
 */


#ifndef MFA_PHP_H
#define MFA_PHP_H


#include "mfa_session.h"


/* values nested deeper are refused */
#define MFA_PHP_DEPTH_MAX  64
/* paths read in one pass */
#define MFA_PHP_PATHS_MAX  4


typedef enum {
    MFA_PHP_HANDLER_PHP = 0,
    MFA_PHP_HANDLER_SERIALIZE,
    MFA_PHP_HANDLER_BINARY
} mfa_php_handler_e;


/*
 * Looks up each dot path in the record, as mfa_session_json_get() does:
 * a string as it is, an integer in decimal, a boolean as "true"/"false"
 * (boolean set); a missing name or null is "not found".  MFA_ERROR,
 * naming the problem and the byte, for a record PHP would not read, and
 * for a path that meets a scalar where it needs an array, a float, a
 * reference, an enum or a custom-serialized object, or a value too long.
 */
int mfa_php_read(const char *rec, size_t len, mfa_php_handler_e handler,
    const mfa_str_t *paths, size_t n, mfa_session_value_t *values,
    mfa_err_t *err);


#endif /* MFA_PHP_H */
