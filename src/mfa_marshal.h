
/*
 * Ruby's session records: one Marshal.dump(session) in Marshal format
 * 4.8, as Rack's and Rails' Redis session stores write it (redis-rack,
 * redis-store, redis-session-store).
 *
 * Read: hashes ('{'), arrays ('['), strings ('"', bare or with instance
 * variables, 'I': an encoding's :E or :encoding), symbols (':', 'I:',
 * the symbol links ';'), integers ('i'; the bignums 'l' that fit a long
 * long), nil, true, false, floats (read past) and object links ('@', into
 * the objects read before, numbered as Ruby numbers them: strings,
 * arrays, hashes, floats, bignums).  A hash with a default value ('}') is
 * read past; a path into it is refused, since Ruby answers its default
 * for a missing key (Ruby dumps no hash with a default proc).  Anything
 * else (an object, a Struct, a Regexp, a class or a module, a subclass's
 * instance, _dump or marshal_dump data, an extended object; instance
 * variables on anything but a string or a symbol) makes the record
 * unreadable: nothing is ever instantiated.
 *
 * As Marshal.load: what follows the top value is not read; a link to an
 * object or a symbol not read yet, a truncated value, a negative length,
 * an encoding's name that is not a string without a NUL, a string
 * flagged as keywords (:K) or a symbol invalid in UTF-8 (:E true) or
 * US-ASCII (:E false) makes the record unreadable.  Refused where Ruby
 * might read them, as Ruby never writes them: a header other than 4.8, a
 * negative count of instance variables, 'I' twice.  Not checked: a
 * symbol's bytes in an encoding it names (:encoding).
 *
 * A path names keys of hashes, or indexes of arrays (decimal, no sign, no
 * leading zero).  A key matches a path's name by its bytes, whatever its
 * encoding, when it is a string or a symbol, or by its decimal text when
 * it is an integer; no other key (nil, true, false, a float, an array, a
 * hash) ever matches.  Keys of one hash that match one name are read as
 * Ruby's Hash reads them, the last one winning, when they are the same
 * key to Ruby: two symbols or two strings of ASCII bytes, or two
 * integers; otherwise ("id" and :id, "5" and 5, strings or symbols of
 * other bytes that their encodings may keep apart) the path is refused,
 * and so is a name of digits in a hash with an integer key beyond a long
 * long (a bignum of more than 4 words is taken as beyond: Ruby writes
 * none that fits).
 *
 * Bounds: values nested MFA_MARSHAL_DEPTH_MAX deep, MFA_MARSHAL_OBJECTS_MAX
 * objects and as many symbols, every length and count within the bytes
 * left, records under 4 GB.  A walk reads each name's hash or array once,
 * a link costing its own bytes: a path costs the record's length times
 * its names, at most.
 */


#ifndef MFA_MARSHAL_H
#define MFA_MARSHAL_H


#include "mfa_session.h"


/* values nested deeper are refused */
#define MFA_MARSHAL_DEPTH_MAX    64
/* a record with more objects, or more symbols, is refused */
#define MFA_MARSHAL_OBJECTS_MAX  65536
/* paths read at once */
#define MFA_MARSHAL_PATHS_MAX    4


/*
 * Looks up each path in the record, as mfa_session_json_get() does: a
 * string or a symbol as its bytes, an integer in decimal, true/false as
 * "true"/"false" (boolean set); a missing key, an index beyond an array
 * or nil is "not found".  MFA_ERROR, naming the problem and the byte, for
 * a record Ruby would not read or that holds a type not read, and for a
 * path that meets a scalar where it needs a hash or an array, a float, a
 * hash or an array where it ends, an integer out of range, a value too
 * long, or keys it cannot tell apart.
 */
int mfa_marshal_read(const char *rec, size_t len, const mfa_str_t *paths,
    size_t n, mfa_session_value_t *values, mfa_err_t *err);


#endif /* MFA_MARSHAL_H */
