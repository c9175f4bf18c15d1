
/*
 * ngx_http_mfa_module: hiredis's reply objects, from the worker's own
 * free list.
 */


#ifndef _NGX_HTTP_MFA_REPLY_H_INCLUDED_
#define _NGX_HTTP_MFA_REPLY_H_INCLUDED_


#include <hiredis/hiredis.h>


/* given to each connection's reader (redisReader.fn) */
extern redisReplyObjectFunctions  ngx_http_mfa_reply_functions;

/* the free blocks go back to the system (the worker exits) */
void ngx_http_mfa_reply_exit(void);


#endif /* _NGX_HTTP_MFA_REPLY_H_INCLUDED_ */
