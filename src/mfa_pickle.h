
/*
 * Python's pickles of a session: Flask-Session's (pickle.dumps(dict(
 * session)), protocol 4 under Python 3.11) and django-redis's
 * (pickle.dumps(value, -1), protocol 5), read as Python 3.11's
 * pickle.loads() reads them, but only plain data: dict, list, tuple,
 * str, bytes, int, float, bool, None, and sets read past.  The opcodes
 * of protocols 2 to 5 that make these, the memo and FRAME are read; any
 * other opcode (GLOBAL, STACK_GLOBAL, REDUCE, BUILD, INST, OBJ, NEWOBJ,
 * PERSID, EXT*, the text opcodes of protocols 0 and 1, ...) makes the
 * whole record unreadable: nothing is ever imported, called or built
 * beyond a tree of the record's plain values.
 *
 * As Python: the bytes after STOP are not read; a str is valid UTF-8
 * (surrogates let through, as "surrogatepass"); a dict key is hashable;
 * a stack emptied below a MARK, a MARK not found, a memo entry never
 * put, a protocol above 5 make the record unreadable.  Refused where
 * Python would read: SETITEM(S) into anything but a dict (Python would
 * assign a list's element), a memo index beyond the record's count of
 * memo puts (pickle.dumps() numbers them from 0), more than
 * MFA_PICKLE_OBJECTS_MAX objects, containers or MARKs nested deeper
 * than MFA_PICKLE_DEPTH_MAX, a record of 4 GB or more.
 *
 * A path "user.id" names a str key of a dict, then keys of dicts or
 * indexes of lists and tuples ("0", "1": no sign, no leading zero).  A
 * key matches by its UTF-8 bytes; given twice, the last one is the
 * dict's, as in Python.  A dict with a key of another type that reads
 * as the name (the int 1, True or 1.0 for "1", the bytes b"id" for
 * "id") is refused where a path goes: Python tells them apart, a path
 * cannot.
 */


#ifndef MFA_PICKLE_H
#define MFA_PICKLE_H


#include "mfa_session.h"


/* paths read in one pass */
#define MFA_PICKLE_PATHS_MAX    4
/* containers nested deeper are refused */
#define MFA_PICKLE_DEPTH_MAX    64
/* objects a record makes or fetches from the memo, at most */
#define MFA_PICKLE_OBJECTS_MAX  65536


/*
 * Looks up each path in the record, as mfa_session_json_get() does: a
 * str as its bytes, an int in decimal, a bool as "true"/"false" (boolean
 * set); a missing key, an index beyond a list or None is "not found".
 * MFA_ERROR, naming the problem and the byte, for a record that is not
 * such a pickle, and for a path that meets a scalar or a set where it
 * needs a dict or a list, a name where it needs an index, an ambiguous
 * key, or ends at a float, bytes, a container, an int beyond 64 bits or
 * a value too long.  Memory: one malloc() of 40 bytes for each object
 * the record pushes and 4 for each memo put, freed before return.
 */
int mfa_pickle_read(const char *rec, size_t len, const mfa_str_t *paths,
    size_t n, mfa_session_value_t *values, mfa_err_t *err);


#endif /* MFA_PICKLE_H */
