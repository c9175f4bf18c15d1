
/*
 * Fuzz target for the worker's reply objects (src/ngx_http_mfa_reply.c),
 * against hiredis's own functions.
 *
 * The input, after its first byte, is what Redis could send: it is fed
 * to two hiredis readers, one building hiredis's objects and one ours, in
 * two parts (the first byte says where the input is cut), so that replies
 * arrive cut in the middle as they do from a socket.  Both readers must
 * give the same replies, object by object (type, integer, bytes,
 * elements), and fail at the same point; ASan sees any byte written past
 * a block and any object left unfreed, a reply cut short included.
 */


#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "fuzz.h"

/* the file itself: it needs only hiredis */
#include "ngx_http_mfa_reply.c"


#define FUZZ_REPLIES_MAX  64


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fuzz_reply_huge(const uint8_t *data, size_t len);
static void fuzz_reply_same(const redisReply *a, const redisReply *b);


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int           i, ra, rb;
    void         *a, *b;
    size_t        cut, len;
    redisReader  *ours, *theirs;

    if (size < 1) {
        return 0;
    }

    len = size - 1;
    cut = (len == 0) ? 0 : data[0] % (len + 1);
    data++;

    if (fuzz_reply_huge(data, len)) {
        return 0;
    }

    theirs = redisReaderCreate();
    ours = redisReaderCreate();
    FUZZ_CHECK(theirs != NULL && ours != NULL);

    ours->fn = &ngx_http_mfa_reply_functions;

    FUZZ_CHECK(redisReaderFeed(theirs, (const char *) data, cut) == REDIS_OK);
    FUZZ_CHECK(redisReaderFeed(ours, (const char *) data, cut) == REDIS_OK);

    for (i = 0; i < 2 * FUZZ_REPLIES_MAX; i++) {

        if (i == FUZZ_REPLIES_MAX) {
            /* the rest of the input */
            FUZZ_CHECK(redisReaderFeed(theirs, (const char *) data + cut,
                                       len - cut) == REDIS_OK);
            FUZZ_CHECK(redisReaderFeed(ours, (const char *) data + cut,
                                       len - cut) == REDIS_OK);
        }

        a = NULL;
        b = NULL;

        ra = redisReaderGetReply(theirs, &a);
        rb = redisReaderGetReply(ours, &b);

        FUZZ_CHECK(ra == rb);
        FUZZ_CHECK((a == NULL) == (b == NULL));

        if (a != NULL) {
            fuzz_reply_same(a, b);
            freeReplyObject(a);
            ngx_http_mfa_reply_functions.freeObject(b);
        }

        if (ra != REDIS_OK) {
            break;
        }

        if (a == NULL && i < FUZZ_REPLIES_MAX) {
            i = FUZZ_REPLIES_MAX - 1;
        }
    }

    /* frees a reply cut short with each reader's own functions */
    redisReaderFree(theirs);
    redisReaderFree(ours);

    return 0;
}


/*
 * An array of more than 99,999 elements: both readers would allocate its
 * vector at once, and libFuzzer would stop at the allocation's size.
 */

static int
fuzz_reply_huge(const uint8_t *data, size_t len)
{
    size_t  i, digits;

    for (i = 0; i < len; i++) {
        if (data[i] != '*') {
            continue;
        }

        if (i + 1 < len && (data[i + 1] == '+' || data[i + 1] == '-')) {
            i++;
        }

        for (digits = 0; i + 1 < len && data[i + 1] >= '0'
                         && data[i + 1] <= '9'; i++)
        {
            if (++digits > 5) {
                return 1;
            }
        }
    }

    return 0;
}


static void
fuzz_reply_same(const redisReply *a, const redisReply *b)
{
    size_t  i;

    FUZZ_CHECK(a->type == b->type);

    switch (a->type) {

    case REDIS_REPLY_INTEGER:
        FUZZ_CHECK(a->integer == b->integer);
        break;

    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
    case REDIS_REPLY_ERROR:
        FUZZ_CHECK(a->len == b->len);
        FUZZ_CHECK(memcmp(a->str, b->str, a->len + 1) == 0);
        break;

    case REDIS_REPLY_ARRAY:
        FUZZ_CHECK(a->elements == b->elements);

        for (i = 0; i < a->elements; i++) {
            fuzz_reply_same(a->element[i], b->element[i]);
        }

        break;

    default:
        break;
    }
}
