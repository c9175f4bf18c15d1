
/*
 * Python's pickles of a session (src/mfa_pickle.h), in two passes over
 * the opcodes up to STOP.  The first checks that each is one of plain
 * data's, with its argument within the record, and counts the objects;
 * the second runs them as Python 3.11's _pickle.c does (the stack, its
 * MARKs, the memo) into a tree of one malloc()'d block sized by that
 * count: a value the memo shares is one node, changed for every place
 * it appears.  The paths are then looked up in the tree, walked only
 * where they go (a path's length bounds the walk, even in a list that
 * holds itself).
 */


#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "mfa_pickle.h"


#define MFA_PICKLE_NIL          UINT32_MAX
/* pickle.HIGHEST_PROTOCOL of Python 3.11 */
#define MFA_PICKLE_PROTOCOL     5


/* the opcodes read */
enum {
    MFA_PICKLE_OP_MARK = 0x28,
    MFA_PICKLE_OP_EMPTY_TUPLE = 0x29,
    MFA_PICKLE_OP_STOP = 0x2e,
    MFA_PICKLE_OP_BINBYTES = 0x42,
    MFA_PICKLE_OP_SHORT_BINBYTES = 0x43,
    MFA_PICKLE_OP_BINFLOAT = 0x47,
    MFA_PICKLE_OP_BININT = 0x4a,
    MFA_PICKLE_OP_BININT1 = 0x4b,
    MFA_PICKLE_OP_BININT2 = 0x4d,
    MFA_PICKLE_OP_NONE = 0x4e,
    MFA_PICKLE_OP_BINUNICODE = 0x58,
    MFA_PICKLE_OP_EMPTY_LIST = 0x5d,
    MFA_PICKLE_OP_APPEND = 0x61,
    MFA_PICKLE_OP_APPENDS = 0x65,
    MFA_PICKLE_OP_BINGET = 0x68,
    MFA_PICKLE_OP_LONG_BINGET = 0x6a,
    MFA_PICKLE_OP_BINPUT = 0x71,
    MFA_PICKLE_OP_LONG_BINPUT = 0x72,
    MFA_PICKLE_OP_SETITEM = 0x73,
    MFA_PICKLE_OP_TUPLE = 0x74,
    MFA_PICKLE_OP_SETITEMS = 0x75,
    MFA_PICKLE_OP_EMPTY_DICT = 0x7d,
    MFA_PICKLE_OP_PROTO = 0x80,
    MFA_PICKLE_OP_TUPLE1 = 0x85,
    MFA_PICKLE_OP_TUPLE2 = 0x86,
    MFA_PICKLE_OP_TUPLE3 = 0x87,
    MFA_PICKLE_OP_NEWTRUE = 0x88,
    MFA_PICKLE_OP_NEWFALSE = 0x89,
    MFA_PICKLE_OP_LONG1 = 0x8a,
    MFA_PICKLE_OP_LONG4 = 0x8b,
    MFA_PICKLE_OP_SHORT_BINUNICODE = 0x8c,
    MFA_PICKLE_OP_BINUNICODE8 = 0x8d,
    MFA_PICKLE_OP_BINBYTES8 = 0x8e,
    MFA_PICKLE_OP_EMPTY_SET = 0x8f,
    MFA_PICKLE_OP_ADDITEMS = 0x90,
    MFA_PICKLE_OP_FROZENSET = 0x91,
    MFA_PICKLE_OP_MEMOIZE = 0x94,
    MFA_PICKLE_OP_FRAME = 0x95
};

/* the types of the tree's nodes */
enum {
    MFA_PICKLE_NONE = 0,
    MFA_PICKLE_BOOL,
    MFA_PICKLE_INT,
    MFA_PICKLE_BIGINT,
    MFA_PICKLE_FLOAT,
    MFA_PICKLE_STR,
    MFA_PICKLE_BYTES,
    MFA_PICKLE_DICT,
    MFA_PICKLE_LIST,
    MFA_PICKLE_TUPLE,
    MFA_PICKLE_SET,
    MFA_PICKLE_FROZENSET
};


typedef struct {
    const char            *name;
    unsigned char          arg;         /* bytes of the argument */
    unsigned char          counted;     /* the argument is a length, and
                                           that many bytes follow */
    unsigned char          read;        /* plain data */
    unsigned char          pushes;      /* an object onto the stack */
} mfa_pickle_op_t;

typedef struct {
    unsigned char          type;
    unsigned char          height;      /* containers nested, itself
                                           included, when last grown */
    unsigned char          hashable;    /* as hash() would take it */
    uint32_t               first;       /* a str's or bytes' offset; a
                                           dict's, a list's or a tuple's
                                           first entry */
    uint32_t               last;        /* a str's or bytes' length; the
                                           last entry */
    union {
        long long          integer;     /* an int, a bool */
        double             real;
    } v;
} mfa_pickle_node_t;

/* a member of a dict, a list or a tuple: a node may be in several */
typedef struct {
    uint32_t               key;         /* a dict's; NIL in a list */
    uint32_t               value;
    uint32_t               next;
} mfa_pickle_entry_t;

typedef struct {
    const unsigned char   *start;
    const unsigned char   *p;
    const unsigned char   *end;
    const unsigned char   *data;        /* the opcode's argument */
    uint64_t               arg;         /* ... as a little-endian number */
    size_t                 at;          /* the opcode's byte */
    int                    op;
    int                    refused;
    const char            *why;

    uint32_t               objects;     /* pushes counted by the first
                                           pass: bounds every array */
    uint32_t               puts;
    mfa_pickle_node_t     *nodes;
    mfa_pickle_entry_t    *entries;
    uint32_t              *stack;
    uint32_t              *memo;
    uint32_t               nnodes;
    uint32_t               nentries;
    uint32_t               top;
    uint32_t               memo_len;
    uint32_t               marks[MFA_PICKLE_DEPTH_MAX];
    unsigned               nmarks;
} mfa_pickle_t;


static int mfa_pickle_scan(mfa_pickle_t *r);
static int mfa_pickle_run(mfa_pickle_t *r, uint32_t *root);
static int mfa_pickle_next(mfa_pickle_t *r);
static int mfa_pickle_op(mfa_pickle_t *r);
static int mfa_pickle_scalar(mfa_pickle_t *r);
static uint32_t mfa_pickle_node(mfa_pickle_t *r, int type);
static int mfa_pickle_mark(mfa_pickle_t *r, uint32_t *mark);
static uint32_t mfa_pickle_fence(mfa_pickle_t *r);
static int mfa_pickle_tuple(mfa_pickle_t *r, uint32_t from);
static int mfa_pickle_append(mfa_pickle_t *r, uint32_t x);
static int mfa_pickle_setitems(mfa_pickle_t *r, uint32_t x);
static int mfa_pickle_set(mfa_pickle_t *r, uint32_t x, int op);
static int mfa_pickle_adopt(mfa_pickle_t *r, uint32_t parent,
    uint32_t key, uint32_t value);
static long long mfa_pickle_long(const unsigned char *data, size_t len,
    int *big);
static int mfa_pickle_utf8(const unsigned char *s, size_t len);
static int mfa_pickle_fail(mfa_pickle_t *r, const char *why);
static int mfa_pickle_path(mfa_pickle_t *r, uint32_t node,
    const mfa_str_t *path, mfa_session_value_t *v, mfa_err_t *err);
static int mfa_pickle_key(mfa_pickle_t *r, const mfa_pickle_node_t *dict,
    const mfa_str_t *path, const char *name, size_t k, uint32_t *value,
    mfa_err_t *err);
static int mfa_pickle_key_reads_as(const mfa_pickle_t *r,
    const mfa_pickle_node_t *key, const char *name, size_t k);
static int mfa_pickle_decimal(const char *s, size_t k, int sign,
    long long *v);
static int mfa_pickle_leaf(mfa_pickle_t *r, const mfa_pickle_node_t *node,
    const mfa_str_t *path, mfa_session_value_t *v, mfa_err_t *err);
static const char *mfa_pickle_type(int type);


/* the opcodes of pickletools.opcodes: the ones plain data needs read, the
   others named to be refused */
static const mfa_pickle_op_t  mfa_pickle_ops[256] = {
    [0x28] = { "MARK", 0, 0, 1, 0 },
    [0x29] = { "EMPTY_TUPLE", 0, 0, 1, 1 },
    [0x2e] = { "STOP", 0, 0, 1, 0 },
    [0x30] = { "POP", 0, 0, 0, 0 },
    [0x31] = { "POP_MARK", 0, 0, 0, 0 },
    [0x32] = { "DUP", 0, 0, 0, 0 },
    [0x42] = { "BINBYTES", 4, 1, 1, 1 },
    [0x43] = { "SHORT_BINBYTES", 1, 1, 1, 1 },
    [0x46] = { "FLOAT", 0, 0, 0, 0 },
    [0x47] = { "BINFLOAT", 8, 0, 1, 1 },
    [0x49] = { "INT", 0, 0, 0, 0 },
    [0x4a] = { "BININT", 4, 0, 1, 1 },
    [0x4b] = { "BININT1", 1, 0, 1, 1 },
    [0x4c] = { "LONG", 0, 0, 0, 0 },
    [0x4d] = { "BININT2", 2, 0, 1, 1 },
    [0x4e] = { "NONE", 0, 0, 1, 1 },
    [0x50] = { "PERSID", 0, 0, 0, 0 },
    [0x51] = { "BINPERSID", 0, 0, 0, 0 },
    [0x52] = { "REDUCE", 0, 0, 0, 0 },
    [0x53] = { "STRING", 0, 0, 0, 0 },
    [0x54] = { "BINSTRING", 0, 0, 0, 0 },
    [0x55] = { "SHORT_BINSTRING", 0, 0, 0, 0 },
    [0x56] = { "UNICODE", 0, 0, 0, 0 },
    [0x58] = { "BINUNICODE", 4, 1, 1, 1 },
    [0x5d] = { "EMPTY_LIST", 0, 0, 1, 1 },
    [0x61] = { "APPEND", 0, 0, 1, 0 },
    [0x62] = { "BUILD", 0, 0, 0, 0 },
    [0x63] = { "GLOBAL", 0, 0, 0, 0 },
    [0x64] = { "DICT", 0, 0, 0, 0 },
    [0x65] = { "APPENDS", 0, 0, 1, 0 },
    [0x67] = { "GET", 0, 0, 0, 0 },
    [0x68] = { "BINGET", 1, 0, 1, 1 },
    [0x69] = { "INST", 0, 0, 0, 0 },
    [0x6a] = { "LONG_BINGET", 4, 0, 1, 1 },
    [0x6c] = { "LIST", 0, 0, 0, 0 },
    [0x6f] = { "OBJ", 0, 0, 0, 0 },
    [0x70] = { "PUT", 0, 0, 0, 0 },
    [0x71] = { "BINPUT", 1, 0, 1, 0 },
    [0x72] = { "LONG_BINPUT", 4, 0, 1, 0 },
    [0x73] = { "SETITEM", 0, 0, 1, 0 },
    [0x74] = { "TUPLE", 0, 0, 1, 1 },
    [0x75] = { "SETITEMS", 0, 0, 1, 0 },
    [0x7d] = { "EMPTY_DICT", 0, 0, 1, 1 },
    [0x80] = { "PROTO", 1, 0, 1, 0 },
    [0x81] = { "NEWOBJ", 0, 0, 0, 0 },
    [0x82] = { "EXT1", 0, 0, 0, 0 },
    [0x83] = { "EXT2", 0, 0, 0, 0 },
    [0x84] = { "EXT4", 0, 0, 0, 0 },
    [0x85] = { "TUPLE1", 0, 0, 1, 1 },
    [0x86] = { "TUPLE2", 0, 0, 1, 1 },
    [0x87] = { "TUPLE3", 0, 0, 1, 1 },
    [0x88] = { "NEWTRUE", 0, 0, 1, 1 },
    [0x89] = { "NEWFALSE", 0, 0, 1, 1 },
    [0x8a] = { "LONG1", 1, 1, 1, 1 },
    [0x8b] = { "LONG4", 4, 1, 1, 1 },
    [0x8c] = { "SHORT_BINUNICODE", 1, 1, 1, 1 },
    [0x8d] = { "BINUNICODE8", 8, 1, 1, 1 },
    [0x8e] = { "BINBYTES8", 8, 1, 1, 1 },
    [0x8f] = { "EMPTY_SET", 0, 0, 1, 1 },
    [0x90] = { "ADDITEMS", 0, 0, 1, 0 },
    [0x91] = { "FROZENSET", 0, 0, 1, 1 },
    [0x92] = { "NEWOBJ_EX", 0, 0, 0, 0 },
    [0x93] = { "STACK_GLOBAL", 0, 0, 0, 0 },
    [0x94] = { "MEMOIZE", 0, 0, 1, 0 },
    [0x95] = { "FRAME", 8, 1, 1, 0 },
    [0x96] = { "BYTEARRAY8", 0, 0, 0, 0 },
    [0x97] = { "NEXT_BUFFER", 0, 0, 0, 0 },
    [0x98] = { "READONLY_BUFFER", 0, 0, 0, 0 },
};


int
mfa_pickle_read(const char *rec, size_t len, const mfa_str_t *paths,
    size_t n, mfa_session_value_t *values, mfa_err_t *err)
{
    int           rc, prc[MFA_PICKLE_PATHS_MAX];
    void         *block;
    size_t        i, size;
    uint32_t      root;
    mfa_err_t     errs[MFA_PICKLE_PATHS_MAX];
    mfa_pickle_t  r;

    if (n > MFA_PICKLE_PATHS_MAX) {
        mfa_err_set(err, "more than %d session paths", MFA_PICKLE_PATHS_MAX);
        return MFA_ERROR;
    }

    mfa_session_values_reset(values, n);

    memset(&r, 0, sizeof(mfa_pickle_t));
    r.start = (const unsigned char *) rec;
    r.p = r.start;
    r.end = r.start + len;

    block = NULL;

    /* offsets and lengths are kept in 32 bits */

    rc = (len >= UINT32_MAX) ? mfa_pickle_fail(&r, "longer than 4 GB")
                             : mfa_pickle_scan(&r);

    if (rc == MFA_OK) {
        size = (size_t) r.objects * (sizeof(mfa_pickle_node_t)
                                     + sizeof(mfa_pickle_entry_t)
                                     + sizeof(uint32_t))
               + (size_t) r.puts * sizeof(uint32_t);

        block = malloc(size ? size : 1);

        if (block == NULL) {
            mfa_err_set(err, "session record: no memory for %zu bytes",
                        size);
            return MFA_ERROR;
        }

        r.nodes = block;
        r.entries = (mfa_pickle_entry_t *) (r.nodes + r.objects);
        r.stack = (uint32_t *) (r.entries + r.objects);
        r.memo = r.stack + r.objects;

        /* every byte 0xff: MFA_PICKLE_NIL, a memo entry never put */
        memset(r.memo, 0xff, (size_t) r.puts * sizeof(uint32_t));

        r.p = r.start;
        rc = mfa_pickle_run(&r, &root);
    }

    if (rc != MFA_OK) {
        if (r.refused) {
            mfa_err_set(err, "pickle opcode %s (0x%02x) at byte %zu is not "
                        "read: only plain data", mfa_pickle_ops[r.op].name,
                        (unsigned) r.op, r.at);

        } else {
            mfa_err_set(err, "session record is not a readable pickle: %s "
                        "at byte %zu", r.why, r.at);
        }

        free(block);
        return MFA_ERROR;
    }

    for (i = 0; i < n; i++) {
        prc[i] = mfa_pickle_path(&r, root, &paths[i], &values[i], &errs[i]);
    }

    free(block);

    return mfa_session_path_errors(prc, errs, n, err);
}


/* the first pass: the opcodes up to STOP, their arguments, the count of
   objects and memo puts */

static int
mfa_pickle_scan(mfa_pickle_t *r)
{
    do {
        if (mfa_pickle_next(r) != MFA_OK) {
            return MFA_ERROR;
        }

        if (mfa_pickle_ops[r->op].pushes
            && ++r->objects > MFA_PICKLE_OBJECTS_MAX)
        {
            return mfa_pickle_fail(r, "more objects than the reader takes");
        }

        if (r->op == MFA_PICKLE_OP_MEMOIZE || r->op == MFA_PICKLE_OP_BINPUT
            || r->op == MFA_PICKLE_OP_LONG_BINPUT)
        {
            r->puts++;
        }

    } while (r->op != MFA_PICKLE_OP_STOP);

    /* what follows STOP, pickle.loads() does not read either */

    return MFA_OK;
}


/* the second pass: each opcode run, as Python's unpickler does */

static int
mfa_pickle_run(mfa_pickle_t *r, uint32_t *root)
{
    for ( ;; ) {
        if (mfa_pickle_next(r) != MFA_OK) {
            return MFA_ERROR;
        }

        if (r->op != MFA_PICKLE_OP_STOP) {
            if (mfa_pickle_op(r) != MFA_OK) {
                return MFA_ERROR;
            }

            continue;
        }

        if (r->top <= mfa_pickle_fence(r)) {
            return mfa_pickle_fail(r, "STOP with nothing to return");
        }

        *root = r->stack[r->top - 1];

        return MFA_OK;
    }
}


/* an opcode and its argument, within the record */

static int
mfa_pickle_next(mfa_pickle_t *r)
{
    size_t                  i, left;
    const mfa_pickle_op_t  *op;

    r->at = (size_t) (r->p - r->start);

    if (r->p == r->end) {
        return mfa_pickle_fail(r, "the record ends before STOP");
    }

    r->op = *r->p++;
    op = &mfa_pickle_ops[r->op];

    if (op->name == NULL) {
        return mfa_pickle_fail(r, "a byte that is no pickle opcode");
    }

    if (!op->read) {
        r->refused = 1;
        return MFA_ERROR;
    }

    left = (size_t) (r->end - r->p);

    if (left < op->arg) {
        return mfa_pickle_fail(r, "an opcode's argument truncated");
    }

    r->arg = 0;

    for (i = op->arg; i > 0; i--) {
        r->arg = (r->arg << 8) | r->p[i - 1];
    }

    r->p += op->arg;
    left -= op->arg;

    if (!op->counted) {
        return MFA_OK;
    }

    if (r->op == MFA_PICKLE_OP_LONG4 && r->arg > INT32_MAX) {
        return mfa_pickle_fail(r, "LONG4 with a negative length");
    }

    if (r->arg > left) {
        return mfa_pickle_fail(r, "a length beyond the record");
    }

    r->data = r->p;

    /* a FRAME's length is checked, not skipped: its opcodes follow */

    if (r->op != MFA_PICKLE_OP_FRAME) {
        r->p += r->arg;
    }

    return MFA_OK;
}


static int
mfa_pickle_op(mfa_pickle_t *r)
{
    uint32_t  mark, fence, count;

    fence = mfa_pickle_fence(r);

    switch (r->op) {

    case MFA_PICKLE_OP_PROTO:
        return (r->arg > MFA_PICKLE_PROTOCOL)
               ? mfa_pickle_fail(r, "a protocol above 5") : MFA_OK;

    case MFA_PICKLE_OP_FRAME:
        return MFA_OK;

    case MFA_PICKLE_OP_MARK:
        if (r->nmarks == MFA_PICKLE_DEPTH_MAX) {
            return mfa_pickle_fail(r, "MARKs nested too deep");
        }

        r->marks[r->nmarks++] = r->top;
        return MFA_OK;

    case MFA_PICKLE_OP_TUPLE1:
    case MFA_PICKLE_OP_TUPLE2:
    case MFA_PICKLE_OP_TUPLE3:
        count = (uint32_t) (r->op - MFA_PICKLE_OP_TUPLE1 + 1);

        if (r->top - fence < count) {
            return mfa_pickle_fail(r, "a tuple of more than the stack");
        }

        return mfa_pickle_tuple(r, r->top - count);

    case MFA_PICKLE_OP_TUPLE:
        if (mfa_pickle_mark(r, &mark) != MFA_OK) {
            return MFA_ERROR;
        }

        return mfa_pickle_tuple(r, mark);

    case MFA_PICKLE_OP_APPEND:
        return mfa_pickle_append(r, r->top - 1);

    case MFA_PICKLE_OP_SETITEM:
        return mfa_pickle_setitems(r, r->top - 2);

    case MFA_PICKLE_OP_APPENDS:
    case MFA_PICKLE_OP_SETITEMS:
    case MFA_PICKLE_OP_ADDITEMS:
    case MFA_PICKLE_OP_FROZENSET:
        if (mfa_pickle_mark(r, &mark) != MFA_OK) {
            return MFA_ERROR;
        }

        if (r->op == MFA_PICKLE_OP_APPENDS) {
            return mfa_pickle_append(r, mark);
        }

        if (r->op == MFA_PICKLE_OP_SETITEMS) {
            return mfa_pickle_setitems(r, mark);
        }

        return mfa_pickle_set(r, mark, r->op);

    case MFA_PICKLE_OP_MEMOIZE:
    case MFA_PICKLE_OP_BINPUT:
    case MFA_PICKLE_OP_LONG_BINPUT:
        if (r->top <= fence) {
            return mfa_pickle_fail(r, "a memo put with nothing to put");
        }

        /* MEMOIZE: at the count of entries put, as Python's memo_len */

        if (r->op == MFA_PICKLE_OP_MEMOIZE) {
            r->arg = r->memo_len;
        }

        if (r->arg >= r->puts) {
            return mfa_pickle_fail(r, "a memo index beyond the record's "
                                   "count of puts");
        }

        if (r->memo[r->arg] == MFA_PICKLE_NIL) {
            r->memo_len++;
        }

        r->memo[r->arg] = r->stack[r->top - 1];
        return MFA_OK;

    case MFA_PICKLE_OP_BINGET:
    case MFA_PICKLE_OP_LONG_BINGET:
        if (r->arg >= r->puts || r->memo[r->arg] == MFA_PICKLE_NIL) {
            return mfa_pickle_fail(r, "a memo index never put");
        }

        r->stack[r->top++] = r->memo[r->arg];
        return MFA_OK;

    default:
        return mfa_pickle_scalar(r);
    }
}


/* the opcodes that push a new value of their own */

static int
mfa_pickle_scalar(mfa_pickle_t *r)
{
    int                 big;
    uint32_t            node;
    uint64_t            bits;
    mfa_pickle_node_t  *nd;

    static const unsigned char  types[] = {
        [MFA_PICKLE_OP_NONE] = MFA_PICKLE_NONE,
        [MFA_PICKLE_OP_NEWTRUE] = MFA_PICKLE_BOOL,
        [MFA_PICKLE_OP_NEWFALSE] = MFA_PICKLE_BOOL,
        [MFA_PICKLE_OP_BININT] = MFA_PICKLE_INT,
        [MFA_PICKLE_OP_BININT1] = MFA_PICKLE_INT,
        [MFA_PICKLE_OP_BININT2] = MFA_PICKLE_INT,
        [MFA_PICKLE_OP_LONG1] = MFA_PICKLE_INT,
        [MFA_PICKLE_OP_LONG4] = MFA_PICKLE_INT,
        [MFA_PICKLE_OP_BINFLOAT] = MFA_PICKLE_FLOAT,
        [MFA_PICKLE_OP_SHORT_BINUNICODE] = MFA_PICKLE_STR,
        [MFA_PICKLE_OP_BINUNICODE] = MFA_PICKLE_STR,
        [MFA_PICKLE_OP_BINUNICODE8] = MFA_PICKLE_STR,
        [MFA_PICKLE_OP_SHORT_BINBYTES] = MFA_PICKLE_BYTES,
        [MFA_PICKLE_OP_BINBYTES] = MFA_PICKLE_BYTES,
        [MFA_PICKLE_OP_BINBYTES8] = MFA_PICKLE_BYTES,
        [MFA_PICKLE_OP_EMPTY_DICT] = MFA_PICKLE_DICT,
        [MFA_PICKLE_OP_EMPTY_LIST] = MFA_PICKLE_LIST,
        [MFA_PICKLE_OP_EMPTY_TUPLE] = MFA_PICKLE_TUPLE,
        [MFA_PICKLE_OP_EMPTY_SET] = MFA_PICKLE_SET
    };

    /* the first pass let through only the opcodes of this table */

    node = mfa_pickle_node(r, types[r->op]);
    nd = &r->nodes[node];

    switch (r->op) {

    case MFA_PICKLE_OP_NEWTRUE:
        nd->v.integer = 1;
        break;

    case MFA_PICKLE_OP_BININT:
        nd->v.integer = (int32_t) (uint32_t) r->arg;
        break;

    case MFA_PICKLE_OP_BININT1:
    case MFA_PICKLE_OP_BININT2:
        nd->v.integer = (long long) r->arg;
        break;

    case MFA_PICKLE_OP_LONG1:
    case MFA_PICKLE_OP_LONG4:
        nd->v.integer = mfa_pickle_long(r->data, (size_t) r->arg, &big);

        if (big) {
            nd->type = MFA_PICKLE_BIGINT;
        }

        break;

    case MFA_PICKLE_OP_BINFLOAT:
        /* 8 bytes big-endian, as PyFloat_Unpack8() on IEEE 754 */
        bits = __builtin_bswap64(r->arg);
        memcpy(&nd->v.real, &bits, sizeof(double));
        break;

    case MFA_PICKLE_OP_SHORT_BINUNICODE:
    case MFA_PICKLE_OP_BINUNICODE:
    case MFA_PICKLE_OP_BINUNICODE8:
        /* decoded as UTF-8 with "surrogatepass": one text has one
           encoding, so that two keys are equal when their bytes are */
        if (!mfa_pickle_utf8(r->data, (size_t) r->arg)) {
            return mfa_pickle_fail(r, "a str that is not UTF-8");
        }

        /* fall through */

    case MFA_PICKLE_OP_SHORT_BINBYTES:
    case MFA_PICKLE_OP_BINBYTES:
    case MFA_PICKLE_OP_BINBYTES8:
        nd->first = (uint32_t) (r->data - r->start);
        nd->last = (uint32_t) r->arg;
        break;

    case MFA_PICKLE_OP_EMPTY_DICT:
    case MFA_PICKLE_OP_EMPTY_LIST:
    case MFA_PICKLE_OP_EMPTY_TUPLE:
    case MFA_PICKLE_OP_EMPTY_SET:
        nd->height = 1;
        break;

    default:
        break;
    }

    r->stack[r->top++] = node;

    return MFA_OK;
}


/* a new node: the first pass counted one object for each */

static uint32_t
mfa_pickle_node(mfa_pickle_t *r, int type)
{
    mfa_pickle_node_t  *nd;

    nd = &r->nodes[r->nnodes];
    nd->type = (unsigned char) type;
    nd->height = 0;

    /* a tuple's, once its items are known (mfa_pickle_tuple()): kept,
       never computed again, so that no key is hashed twice */
    nd->hashable = (type != MFA_PICKLE_DICT && type != MFA_PICKLE_LIST
                    && type != MFA_PICKLE_SET);
    nd->first = MFA_PICKLE_NIL;
    nd->last = MFA_PICKLE_NIL;
    nd->v.integer = 0;

    return r->nnodes++;
}


/* the last MARK's stack height, taken off */

static int
mfa_pickle_mark(mfa_pickle_t *r, uint32_t *mark)
{
    if (r->nmarks == 0) {
        return mfa_pickle_fail(r, "no MARK to end");
    }

    *mark = r->marks[--r->nmarks];

    return MFA_OK;
}


/* the stack's height at the last MARK: what lies under it only the
   opcode that ends the MARK takes */

static uint32_t
mfa_pickle_fence(mfa_pickle_t *r)
{
    return r->nmarks ? r->marks[r->nmarks - 1] : 0;
}


/* the stack from "from" up made a tuple */

static int
mfa_pickle_tuple(mfa_pickle_t *r, uint32_t from)
{
    uint32_t  i, node;

    node = mfa_pickle_node(r, MFA_PICKLE_TUPLE);
    r->nodes[node].height = 1;

    for (i = from; i < r->top; i++) {
        if (mfa_pickle_adopt(r, node, MFA_PICKLE_NIL, r->stack[i])
            != MFA_OK)
        {
            return MFA_ERROR;
        }

        if (!r->nodes[r->stack[i]].hashable) {
            r->nodes[node].hashable = 0;
        }
    }

    r->top = from;
    r->stack[r->top++] = node;

    return MFA_OK;
}


/*
 * APPEND(S): the stack above x into the list below it.  As Python's
 * do_append(): x at or under the fence (the last MARK) is an underflow,
 * nothing above x is nothing to do, whatever is below; only a list has
 * append() among plain data.
 */

static int
mfa_pickle_append(mfa_pickle_t *r, uint32_t x)
{
    uint32_t  i, list;

    if (x > r->top || x <= mfa_pickle_fence(r)) {
        return mfa_pickle_fail(r, "APPEND with no list on the stack");
    }

    if (x == r->top) {
        return MFA_OK;
    }

    list = r->stack[x - 1];

    if (r->nodes[list].type != MFA_PICKLE_LIST) {
        return mfa_pickle_fail(r, "APPEND into something not a list");
    }

    for (i = x; i < r->top; i++) {
        if (mfa_pickle_adopt(r, list, MFA_PICKLE_NIL, r->stack[i])
            != MFA_OK)
        {
            return MFA_ERROR;
        }
    }

    r->top = x;

    return MFA_OK;
}


/*
 * SETITEM(S): key and value pairs above x into the dict below it, as
 * do_setitems(); a key must be hashable.  Python would also assign a
 * list's element (list[0] = v): refused.
 */

static int
mfa_pickle_setitems(mfa_pickle_t *r, uint32_t x)
{
    uint32_t  i, dict;

    if (x > r->top || x <= mfa_pickle_fence(r)) {
        return mfa_pickle_fail(r, "SETITEM with no dict on the stack");
    }

    if (x == r->top) {
        return MFA_OK;
    }

    if ((r->top - x) % 2 != 0) {
        return mfa_pickle_fail(r, "SETITEMS with an odd number of items");
    }

    dict = r->stack[x - 1];

    if (r->nodes[dict].type != MFA_PICKLE_DICT) {
        return mfa_pickle_fail(r, "SETITEM into something not a dict");
    }

    for (i = x; i < r->top; i += 2) {
        if (!r->nodes[r->stack[i]].hashable) {
            return mfa_pickle_fail(r, "a dict key not hashable");
        }

        if (mfa_pickle_adopt(r, dict, r->stack[i], r->stack[i + 1])
            != MFA_OK)
        {
            return MFA_ERROR;
        }
    }

    r->top = x;

    return MFA_OK;
}


/*
 * ADDITEMS into a set, as load_additems(), or a FROZENSET of the stack
 * above the mark: hashable items, not kept (a path never goes into a
 * set), their nesting counted.
 */

static int
mfa_pickle_set(mfa_pickle_t *r, uint32_t x, int op)
{
    uint32_t  i, set;

    if (op == MFA_PICKLE_OP_FROZENSET) {
        set = mfa_pickle_node(r, MFA_PICKLE_FROZENSET);
        r->nodes[set].height = 1;

    } else {
        if (x <= mfa_pickle_fence(r)) {
            return mfa_pickle_fail(r, "ADDITEMS with no set on the stack");
        }

        if (x == r->top) {
            return MFA_OK;
        }

        set = r->stack[x - 1];

        if (r->nodes[set].type != MFA_PICKLE_SET) {
            return mfa_pickle_fail(r, "ADDITEMS into something not a set");
        }
    }

    for (i = x; i < r->top; i++) {
        if (!r->nodes[r->stack[i]].hashable) {
            return mfa_pickle_fail(r, "a set item not hashable");
        }

        if (r->nodes[r->stack[i]].height >= r->nodes[set].height) {
            r->nodes[set].height = r->nodes[r->stack[i]].height + 1;
        }
    }

    if (r->nodes[set].height > MFA_PICKLE_DEPTH_MAX) {
        return mfa_pickle_fail(r, "containers nested too deep");
    }

    r->top = x;

    if (op == MFA_PICKLE_OP_FROZENSET) {
        r->stack[r->top++] = set;
    }

    return MFA_OK;
}


/* an entry of a dict, a list or a tuple; the nesting counted */

static int
mfa_pickle_adopt(mfa_pickle_t *r, uint32_t parent, uint32_t key,
    uint32_t value)
{
    uint32_t             e;
    mfa_pickle_node_t   *p;
    mfa_pickle_entry_t  *entry;

    /* each entry takes one or two objects off the stack: at most as many
       entries as objects */

    e = r->nentries++;
    entry = &r->entries[e];
    entry->key = key;
    entry->value = value;
    entry->next = MFA_PICKLE_NIL;

    p = &r->nodes[parent];

    if (p->first == MFA_PICKLE_NIL) {
        p->first = e;

    } else {
        r->entries[p->last].next = e;
    }

    p->last = e;

    if (r->nodes[value].height >= p->height) {
        if (r->nodes[value].height >= MFA_PICKLE_DEPTH_MAX) {
            return mfa_pickle_fail(r, "containers nested too deep");
        }

        p->height = r->nodes[value].height + 1;
    }

    return MFA_OK;
}


/* LONG1's and LONG4's little-endian two's complement; big when beyond a
   long long */

static long long
mfa_pickle_long(const unsigned char *data, size_t len, int *big)
{
    size_t              i, n;
    unsigned            fill;
    unsigned long long  v;

    *big = 0;

    if (len == 0) {
        return 0;
    }

    fill = (data[len - 1] & 0x80) ? 0xff : 0;
    n = (len < 8) ? len : 8;

    /* beyond 8 bytes, only the sign repeated, and the same sign at the
       eighth */

    for (i = 8; i < len; i++) {
        if (data[i] != fill) {
            *big = 1;
            return 0;
        }
    }

    if (len > 8 && (data[7] & 0x80) != (fill & 0x80)) {
        *big = 1;
        return 0;
    }

    v = fill ? ~0ULL : 0;

    for (i = n; i > 0; i--) {
        v = (v << 8) | data[i - 1];
    }

    return (v > (unsigned long long) LLONG_MAX)
           ? -(long long) (~v) - 1 : (long long) v;
}


/* UTF-8 as Python decodes it with "surrogatepass": no overlong form, no
   code point beyond U+10FFFF, surrogates let through */

static int
mfa_pickle_utf8(const unsigned char *s, size_t len)
{
    size_t         i, k, need;
    unsigned char  lo, hi;

    for (i = 0; i < len; i += need + 1) {
        lo = 0x80;
        hi = 0xbf;

        if (s[i] < 0x80) {
            need = 0;

        } else if (s[i] >= 0xc2 && s[i] <= 0xdf) {
            need = 1;

        } else if (s[i] >= 0xe0 && s[i] <= 0xef) {
            need = 2;
            lo = (s[i] == 0xe0) ? 0xa0 : 0x80;

        } else if (s[i] >= 0xf0 && s[i] <= 0xf4) {
            need = 3;
            lo = (s[i] == 0xf0) ? 0x90 : 0x80;
            hi = (s[i] == 0xf4) ? 0x8f : 0xbf;

        } else {
            return 0;
        }

        if (len - i - 1 < need) {
            return 0;
        }

        for (k = 1; k <= need; k++) {
            if (s[i + k] < lo || s[i + k] > hi) {
                return 0;
            }

            lo = 0x80;
            hi = 0xbf;
        }
    }

    return 1;
}


static int
mfa_pickle_fail(mfa_pickle_t *r, const char *why)
{
    r->why = why;
    return MFA_ERROR;
}


/* a path looked up in the tree: MFA_OK, MFA_NOT_FOUND or MFA_ERROR */

static int
mfa_pickle_path(mfa_pickle_t *r, uint32_t node, const mfa_str_t *path,
    mfa_session_value_t *v, mfa_err_t *err)
{
    int                        rc;
    size_t                     at;
    uint32_t                   e;
    mfa_str_t                  name;
    long long                  index;
    const mfa_pickle_node_t   *nd;

    for (at = 0; at < path->len; /* void */) {
        at = mfa_session_path_next(path, at, &name);
        nd = &r->nodes[node];

        switch (nd->type) {

        case MFA_PICKLE_NONE:
            return MFA_NOT_FOUND;

        case MFA_PICKLE_DICT:
            rc = mfa_pickle_key(r, nd, path, name.data, name.len, &node,
                                err);

            if (rc != MFA_OK) {
                return rc;
            }

            continue;

        case MFA_PICKLE_LIST:
        case MFA_PICKLE_TUPLE:
            rc = mfa_pickle_decimal(name.data, name.len, 0, &index);

            if (rc == 0) {
                mfa_err_set(err, "session path \"%.*s\" meets %s where "
                            "\"%.*s\" is no index", (int) path->len,
                            path->data, mfa_pickle_type(nd->type),
                            (int) name.len, name.data);
                return MFA_ERROR;
            }

            if (rc == 2) {
                /* beyond a long long: beyond any list */
                return MFA_NOT_FOUND;
            }

            for (e = nd->first; e != MFA_PICKLE_NIL && index > 0;
                 e = r->entries[e].next)
            {
                index--;
            }

            if (e == MFA_PICKLE_NIL) {
                return MFA_NOT_FOUND;
            }

            node = r->entries[e].value;
            continue;

        default:
            mfa_err_set(err, "session path \"%.*s\" meets %s where it "
                        "expects a dict or a list with \"%.*s\"",
                        (int) path->len, path->data,
                        mfa_pickle_type(nd->type), (int) name.len, name.data);
            return MFA_ERROR;
        }
    }

    return mfa_pickle_leaf(r, &r->nodes[node], path, v, err);
}


/*
 * The value of the str key the path's name spells: the last one, as the
 * dict keeps it.  A key of another type that reads as the name makes the
 * path ambiguous: refused.
 */

static int
mfa_pickle_key(mfa_pickle_t *r, const mfa_pickle_node_t *dict,
    const mfa_str_t *path, const char *name, size_t k, uint32_t *value,
    mfa_err_t *err)
{
    uint32_t                  e, found;
    const mfa_pickle_node_t  *key;

    found = MFA_PICKLE_NIL;

    for (e = dict->first; e != MFA_PICKLE_NIL; e = r->entries[e].next) {
        key = &r->nodes[r->entries[e].key];

        if (key->type == MFA_PICKLE_STR) {
            if (key->last == k
                && memcmp(r->start + key->first, name, k) == 0)
            {
                found = r->entries[e].value;
            }

            continue;
        }

        if (mfa_pickle_key_reads_as(r, key, name, k)) {
            mfa_err_set(err, "session path \"%.*s\" meets a dict with a "
                        "key \"%.*s\" that is %s, not a str",
                        (int) path->len, path->data, (int) k, name,
                        mfa_pickle_type(key->type));
            return MFA_ERROR;
        }
    }

    if (found == MFA_PICKLE_NIL) {
        return MFA_NOT_FOUND;
    }

    *value = found;

    return MFA_OK;
}


/* bytes of the name's bytes; an int, a bool or a float equal to the
   integer the name spells (a huge one: any int beyond 64 bits, any
   float as large) */

static int
mfa_pickle_key_reads_as(const mfa_pickle_t *r, const mfa_pickle_node_t *key,
    const char *name, size_t k)
{
    int        spelt;
    double     f;
    long long  integer;

    if (key->type == MFA_PICKLE_BYTES) {
        return key->last == k && memcmp(r->start + key->first, name, k) == 0;
    }

    spelt = mfa_pickle_decimal(name, k, 1, &integer);

    if (spelt == 0) {
        return 0;
    }

    switch (key->type) {

    case MFA_PICKLE_INT:
    case MFA_PICKLE_BOOL:
        return spelt == 1 && key->v.integer == integer;

    case MFA_PICKLE_BIGINT:
        return spelt == 2;

    case MFA_PICKLE_FLOAT:
        f = key->v.real;

        /* 2^63 */
        if (f >= -9223372036854775808.0 && f < 9223372036854775808.0) {
            return spelt == 1 && (double) (long long) f == f
                   && (long long) f == integer;
        }

        return spelt == 2 && f - f == 0;

    default:
        return 0;
    }
}


/*
 * A decimal as Python writes an int: "0" or no leading zero, a '-' only
 * when sign.  1 and the value in a long long, 2 for one beyond it, 0 for
 * no such decimal.
 */

static int
mfa_pickle_decimal(const char *s, size_t k, int sign, long long *v)
{
    int                 neg;
    size_t              i;
    unsigned long long  n, max;

    neg = (sign && k > 1 && s[0] == '-');
    i = neg ? 1 : 0;

    if (i == k || s[i] < '0' || s[i] > '9'
        || (s[i] == '0' && (k - i > 1 || neg)))
    {
        return 0;
    }

    max = neg ? (unsigned long long) LLONG_MAX + 1 : LLONG_MAX;
    n = 0;

    for ( /* void */ ; i < k; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return 0;
        }

        if (n > (max - (unsigned long long) (s[i] - '0')) / 10) {
            n = max + 1;
            continue;
        }

        n = n * 10 + (unsigned long long) (s[i] - '0');
    }

    if (n > max) {
        return 2;
    }

    *v = neg ? (long long) (0 - n) : (long long) n;

    return 1;
}


/* where a path ends: a str, an int, a bool; None is not found */

static int
mfa_pickle_leaf(mfa_pickle_t *r, const mfa_pickle_node_t *node,
    const mfa_str_t *path, mfa_session_value_t *v, mfa_err_t *err)
{
    switch (node->type) {

    case MFA_PICKLE_NONE:
        return MFA_NOT_FOUND;

    case MFA_PICKLE_BOOL:
        mfa_session_value_boolean(v, node->v.integer != 0);
        return MFA_OK;

    case MFA_PICKLE_INT:
        mfa_session_value_integer(v, node->v.integer);
        return MFA_OK;

    case MFA_PICKLE_STR:
        if (node->last >= sizeof(v->data)) {
            mfa_err_set(err, "session value at \"%.*s\" is longer than %d "
                        "bytes", (int) path->len, path->data,
                        MFA_SESSION_VALUE_MAX - 1);
            return MFA_ERROR;
        }

        memcpy(v->data, r->start + node->first, node->last);
        v->len = node->last;
        v->data[v->len] = '\0';
        v->found = 1;
        return MFA_OK;

    case MFA_PICKLE_BIGINT:
        mfa_err_set(err, "session value at \"%.*s\" is an int beyond 64 "
                    "bits", (int) path->len, path->data);
        return MFA_ERROR;

    default:
        mfa_err_set(err, "session value at \"%.*s\" is %s, not a str, an "
                    "int or a bool", (int) path->len, path->data,
                    mfa_pickle_type(node->type));
        return MFA_ERROR;
    }
}


static const char *
mfa_pickle_type(int type)
{
    static const char  *names[] = {
        "None", "a bool", "an int", "an int", "a float", "a str", "bytes",
        "a dict", "a list", "a tuple", "a set", "a frozenset"
    };

    return names[type];
}
