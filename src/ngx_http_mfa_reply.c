
/*
 * ngx_http_mfa_module: hiredis's reply objects, from the worker's own
 * free list.
 *
 * hiredis builds each reply from several allocations (the object, its
 * string, an array's vector), and the gate reads one or two replies a
 * request, plus an invalidation message of six objects for each key it
 * read that changed.  Here an object and its bytes are one block: the
 * redisReply, then its string or its vector.  Blocks with room for a
 * short string or vector are kept in a free list once freed (replies are
 * freed right after their callback, so only a few are alive at once);
 * longer ones come from malloc().  The objects are hiredis's redisReply,
 * so hiredis and the module read them as before.
 *
 * Nothing here needs nginx: fuzz/fuzz_reply.c builds this file alone and
 * holds it to hiredis's own functions.
 */


#include <stdlib.h>
#include <string.h>

#include "ngx_http_mfa_reply.h"


/* the bytes after the object in a block of the free list */
#define NGX_HTTP_MFA_REPLY_ROOM   240
/* free blocks kept at most */
#define NGX_HTTP_MFA_REPLY_KEEP   64


typedef union ngx_http_mfa_reply_block_u  ngx_http_mfa_reply_block_t;

union ngx_http_mfa_reply_block_u {
    ngx_http_mfa_reply_block_t  *next;
    redisReply                   reply;
};


static void *ngx_http_mfa_reply_string(const redisReadTask *task, char *str,
    size_t len);
static void *ngx_http_mfa_reply_array(const redisReadTask *task,
    int elements);
static void *ngx_http_mfa_reply_integer(const redisReadTask *task,
    long long value);
static void *ngx_http_mfa_reply_nil(const redisReadTask *task);
static void ngx_http_mfa_reply_free(void *reply);
static redisReply *ngx_http_mfa_reply_alloc(const redisReadTask *task,
    int type, size_t room);
static size_t ngx_http_mfa_reply_room(const redisReply *r);


redisReplyObjectFunctions  ngx_http_mfa_reply_functions = {
    ngx_http_mfa_reply_string,
    ngx_http_mfa_reply_array,
    ngx_http_mfa_reply_integer,
    ngx_http_mfa_reply_nil,
    ngx_http_mfa_reply_free
};


/* per worker */
static ngx_http_mfa_reply_block_t  *ngx_http_mfa_reply_free_list;
static unsigned                     ngx_http_mfa_reply_free_count;


static void *
ngx_http_mfa_reply_string(const redisReadTask *task, char *str, size_t len)
{
    redisReply  *r;

    r = ngx_http_mfa_reply_alloc(task, task->type, len + 1);
    if (r == NULL) {
        return NULL;
    }

    r->str = (char *) (r + 1);
    r->len = len;
    memcpy(r->str, str, len);
    r->str[len] = '\0';

    return r;
}


static void *
ngx_http_mfa_reply_array(const redisReadTask *task, int elements)
{
    size_t       room;
    redisReply  *r;

    room = (elements > 0) ? (size_t) elements * sizeof(redisReply *) : 0;

    r = ngx_http_mfa_reply_alloc(task, REDIS_REPLY_ARRAY, room);
    if (r == NULL) {
        return NULL;
    }

    if (elements > 0) {
        r->element = (redisReply **) (r + 1);
        r->elements = (size_t) elements;
    }

    return r;
}


static void *
ngx_http_mfa_reply_integer(const redisReadTask *task, long long value)
{
    redisReply  *r;

    r = ngx_http_mfa_reply_alloc(task, REDIS_REPLY_INTEGER, 0);
    if (r == NULL) {
        return NULL;
    }

    r->integer = value;

    return r;
}


static void *
ngx_http_mfa_reply_nil(const redisReadTask *task)
{
    /* the task's type is the bulk's or the array's that was nil */
    return ngx_http_mfa_reply_alloc(task, REDIS_REPLY_NIL, 0);
}


/*
 * An object of this type with room bytes after it, linked to the task's
 * parent array (as hiredis's own functions do).
 */

static redisReply *
ngx_http_mfa_reply_alloc(const redisReadTask *task, int type, size_t room)
{
    redisReply                  *r, *parent;
    ngx_http_mfa_reply_block_t  *b;

    if (room <= NGX_HTTP_MFA_REPLY_ROOM
        && ngx_http_mfa_reply_free_list != NULL)
    {
        b = ngx_http_mfa_reply_free_list;
        ngx_http_mfa_reply_free_list = b->next;
        ngx_http_mfa_reply_free_count--;
        r = &b->reply;

        /* an array's elements not read yet are NULL: a reply cut short
           is freed whole */
        memset(r, 0, sizeof(redisReply)
                     + (type == REDIS_REPLY_ARRAY ? room : 0));

    } else {
        /* zeroed, lazily for a large vector (an array's count comes
           before its elements); any block with room for the list can go
           to it once freed */
        r = calloc(1, sizeof(redisReply)
                      + (room > NGX_HTTP_MFA_REPLY_ROOM
                         ? room : NGX_HTTP_MFA_REPLY_ROOM));
        if (r == NULL) {
            return NULL;
        }
    }

    r->type = type;

    if (task->parent != NULL) {
        parent = task->parent->obj;
        parent->element[task->idx] = r;
    }

    return r;
}


static void
ngx_http_mfa_reply_free(void *reply)
{
    size_t                       i;
    redisReply                  *r = reply;
    ngx_http_mfa_reply_block_t  *b;

    if (r == NULL) {
        return;
    }

    if (r->type == REDIS_REPLY_ARRAY) {
        for (i = 0; i < r->elements; i++) {
            ngx_http_mfa_reply_free(r->element[i]);
        }
    }

    if (ngx_http_mfa_reply_room(r) > NGX_HTTP_MFA_REPLY_ROOM
        || ngx_http_mfa_reply_free_count >= NGX_HTTP_MFA_REPLY_KEEP)
    {
        free(r);
        return;
    }

    b = (ngx_http_mfa_reply_block_t *) r;
    b->next = ngx_http_mfa_reply_free_list;
    ngx_http_mfa_reply_free_list = b;
    ngx_http_mfa_reply_free_count++;
}


/* the bytes the object took after it, as ngx_http_mfa_reply_alloc() was
   asked for them */

static size_t
ngx_http_mfa_reply_room(const redisReply *r)
{
    switch (r->type) {

    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
    case REDIS_REPLY_ERROR:
        return r->len + 1;

    case REDIS_REPLY_ARRAY:
        return r->elements * sizeof(redisReply *);

    default:
        return 0;
    }
}


void
ngx_http_mfa_reply_exit(void)
{
    ngx_http_mfa_reply_block_t  *b;

    while (ngx_http_mfa_reply_free_list != NULL) {
        b = ngx_http_mfa_reply_free_list;
        ngx_http_mfa_reply_free_list = b->next;
        free(b);
    }

    ngx_http_mfa_reply_free_count = 0;
}
