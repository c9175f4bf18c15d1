
/*
 * The one version number of ngx_http_mfa_module and mfactl (CHANGES says
 * what each brought).
 */


#ifndef MFA_VERSION_H
#define MFA_VERSION_H


#define MFA_VERSION  "0.15.2"


#endif /* MFA_VERSION_H */
