
/*
 * The module's pages.  Every dynamic value goes through mfa_buf_html();
 * texts come from one table with a column per language.  The pages work
 * without script: the code field has the focus (autofocus), the recovery
 * codes can be selected in a text area or downloaded as a data: link.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "mfa_html.h"
#include "mfa_qr.h"
#include "mfa_url.h"


typedef enum {
    T_TITLE_ENROLL = 0,
    T_ENROLL_INTRO,
    T_ENROLL_SCAN,
    T_ENROLL_LINK,
    T_ENROLL_SECRET,
    T_ENROLL_CODE,
    T_ENROLL_SUBMIT,
    T_TITLE_CODES,
    T_CODES_INTRO,
    T_CODES_COPY,
    T_CODES_DOWNLOAD,
    T_CONTINUE,
    T_TITLE_CHALLENGE,
    T_CHALLENGE_INTRO,
    T_CHALLENGE_CODE,
    T_CHALLENGE_SUBMIT,
    T_CHALLENGE_RECOVERY,
    T_RECOVERY_CODE,
    T_TITLE_SETTINGS,
    T_SETTINGS_ON,
    T_SETTINGS_OFF,
    T_SETTINGS_LEFT,
    T_SETTINGS_ENABLE,
    T_SETTINGS_REGENERATE,
    T_SETTINGS_REGENERATE_HELP,
    T_SETTINGS_DISABLE,
    T_SETTINGS_DISABLE_HELP,
    T_SETTINGS_REQUIRED,
    T_SETTINGS_CODE,
    T_BACK,
    T_LOGOUT,
    T_MSG_WRONG_CODE,
    T_MSG_LOCKED,
    T_MSG_EXPIRED,
    T_MSG_DISABLED,
    T_MSG_REGENERATED,
    T_MSG_ENROLLED,
    T_TITLE_LOGIN,
    T_MSG_LOGIN,
    T_TITLE_FORBIDDEN,
    T_MSG_FORBIDDEN,
    T_TITLE_UNAVAILABLE,
    T_MSG_UNAVAILABLE,
    T_TITLE_ERROR,
    T_MSG_ERROR,
    T_TITLE_ADMIN,
    T_ADMIN_COMPANY,
    T_ADMIN_POLICY,
    T_ADMIN_REQUIRED,
    T_ADMIN_NOT_REQUIRED,
    T_ADMIN_CHANGED,
    T_ADMIN_BY,
    T_ADMIN_TURN_ON,
    T_ADMIN_TURN_OFF,
    T_ADMIN_ON_HELP,
    T_ADMIN_MEMBERS,
    T_ADMIN_MEMBERS_UNKNOWN,
    T_ADMIN_ENROLLED_OF,
    T_ADMIN_USER,
    T_ADMIN_STATUS,
    T_ADMIN_ON_SINCE,
    T_ADMIN_OFF,
    T_ADMIN_LOCKED,
    T_ADMIN_FIRST,
    T_TITLE_NOT_ADMIN,
    T_MSG_NOT_ADMIN,
    T_SECONDS,
    T_MINUTES,
    T_DATE_UTC,
    T_COUNT
} mfa_text_e;


static const char  *mfa_texts[T_COUNT][MFA_LANGS] = {

    [T_TITLE_ENROLL] = {
        "Set up two-factor authentication",
        "Activer l’authentification à deux facteurs" },
    [T_ENROLL_INTRO] = {
        "Your account needs a second factor: an authenticator app on your "
        "phone (Google Authenticator, Microsoft Authenticator, FreeOTP, "
        "1Password…) that shows a new 6-digit code every 30 seconds.",
        "Votre compte demande un second facteur : une application "
        "d’authentification sur votre téléphone (Google Authenticator, "
        "Microsoft Authenticator, FreeOTP, 1Password…) qui affiche un "
        "nouveau code toutes les 30 secondes." },
    [T_ENROLL_SCAN] = {
        "1. Scan this QR code with the app.",
        "1. Scannez ce QR code avec l’application." },
    [T_ENROLL_LINK] = {
        "On this phone? Open the link in your authenticator app",
        "Sur ce téléphone ? Ouvrez le lien dans l’application" },
    [T_ENROLL_SECRET] = {
        "Or type this key into the app:",
        "Ou saisissez cette clé dans l’application :" },
    [T_ENROLL_CODE] = {
        "2. Code shown by the app",
        "2. Code affiché par l’application" },
    [T_ENROLL_SUBMIT] = {
        "Turn on", "Activer" },
    [T_TITLE_CODES] = {
        "Save your recovery codes",
        "Conservez vos codes de secours" },
    [T_CODES_INTRO] = {
        "Two-factor authentication is on. If you lose your phone, each of "
        "these codes lets you in once. Keep them somewhere safe: they are "
        "shown only now.",
        "L’authentification à deux facteurs est activée. Si vous perdez "
        "votre téléphone, chacun de ces codes vous permet d’entrer une "
        "fois. Gardez-les en lieu sûr : ils ne sont affichés qu’une fois." },
    [T_CODES_COPY] = {
        "The same codes, to copy", "Les mêmes codes, à copier" },
    [T_CODES_DOWNLOAD] = {
        "Download the codes", "Télécharger les codes" },
    [T_CONTINUE] = {
        "I have saved them, continue", "Je les ai conservés, continuer" },
    [T_TITLE_CHALLENGE] = {
        "Two-factor authentication",
        "Authentification à deux facteurs" },
    [T_CHALLENGE_INTRO] = {
        "Enter the code shown by your authenticator app.",
        "Saisissez le code affiché par votre application "
        "d’authentification." },
    [T_CHALLENGE_CODE] = {
        "Authentication code", "Code d’authentification" },
    [T_CHALLENGE_SUBMIT] = {
        "Verify", "Vérifier" },
    [T_CHALLENGE_RECOVERY] = {
        "Lost your phone? Use a recovery code",
        "Téléphone perdu ? Utilisez un code de secours" },
    [T_RECOVERY_CODE] = {
        "Recovery code", "Code de secours" },
    [T_TITLE_SETTINGS] = {
        "Two-factor authentication",
        "Authentification à deux facteurs" },
    [T_SETTINGS_ON] = {
        "Two-factor authentication is on since",
        "L’authentification à deux facteurs est activée depuis le" },
    [T_SETTINGS_OFF] = {
        "Two-factor authentication is off.",
        "L’authentification à deux facteurs est désactivée." },
    [T_SETTINGS_LEFT] = {
        "Recovery codes left:", "Codes de secours restants :" },
    [T_SETTINGS_ENABLE] = {
        "Turn on two-factor authentication",
        "Activer l’authentification à deux facteurs" },
    [T_SETTINGS_REGENERATE] = {
        "New recovery codes", "Nouveaux codes de secours" },
    [T_SETTINGS_REGENERATE_HELP] = {
        "Your current recovery codes stop working at once.",
        "Vos codes de secours actuels cessent aussitôt de fonctionner." },
    [T_SETTINGS_DISABLE] = {
        "Turn off two-factor authentication",
        "Désactiver l’authentification à deux facteurs" },
    [T_SETTINGS_DISABLE_HELP] = {
        "Your sessions will need a password only.",
        "Vos sessions ne demanderont plus que le mot de passe." },
    [T_SETTINGS_REQUIRED] = {
        "Your company requires two-factor authentication: after turning it "
        "off you will be asked to set it up again.",
        "Votre entreprise exige l’authentification à deux facteurs : après "
        "l’avoir désactivée, il vous sera demandé de l’activer à nouveau." },
    [T_SETTINGS_CODE] = {
        "Current code (app or recovery code)",
        "Code actuel (application ou code de secours)" },
    [T_BACK] = {
        "Back to the dashboard", "Retour au tableau de bord" },
    [T_LOGOUT] = {
        "Log out", "Se déconnecter" },
    [T_MSG_WRONG_CODE] = {
        "That code is not valid. Check it and try again with a new code.",
        "Ce code n’est pas valide. Vérifiez-le et réessayez avec un "
        "nouveau code." },
    [T_MSG_LOCKED] = {
        "Too many wrong codes. Try again in",
        "Trop de codes erronés. Réessayez dans" },
    [T_MSG_EXPIRED] = {
        "That key expired: here is a new one. Remove the old entry from "
        "your app and scan this one.",
        "Cette clé a expiré : en voici une nouvelle. Supprimez l’ancienne "
        "entrée de l’application et scannez celle-ci." },
    [T_MSG_DISABLED] = {
        "Two-factor authentication was turned off.",
        "L’authentification à deux facteurs a été désactivée." },
    [T_MSG_REGENERATED] = {
        "Here are your new recovery codes; the old ones no longer work.",
        "Voici vos nouveaux codes de secours ; les anciens ne fonctionnent "
        "plus." },
    [T_MSG_ENROLLED] = {
        "Two-factor authentication is already on.",
        "L’authentification à deux facteurs est déjà activée." },
    [T_TITLE_LOGIN] = {
        "Please log in", "Veuillez vous connecter" },
    [T_MSG_LOGIN] = {
        "Log in to the dashboard first.",
        "Connectez-vous d’abord au tableau de bord." },
    [T_TITLE_FORBIDDEN] = {
        "Request refused", "Requête refusée" },
    [T_MSG_FORBIDDEN] = {
        "This form has expired or did not come from this site. Go back, "
        "reload the page and try again.",
        "Ce formulaire a expiré ou ne provient pas de ce site. Revenez en "
        "arrière, rechargez la page et réessayez." },
    [T_TITLE_UNAVAILABLE] = {
        "Temporarily unavailable", "Momentanément indisponible" },
    [T_MSG_UNAVAILABLE] = {
        "Two-factor authentication is unavailable for a moment. Please try "
        "again.",
        "L’authentification à deux facteurs est momentanément "
        "indisponible. Veuillez réessayer." },
    [T_TITLE_ERROR] = {
        "Something went wrong", "Une erreur est survenue" },
    [T_MSG_ERROR] = {
        "Your account cannot use two-factor authentication right now. "
        "Contact your administrator.",
        "Votre compte ne peut pas utiliser l’authentification à deux "
        "facteurs pour le moment. Contactez votre administrateur." },
    [T_TITLE_ADMIN] = {
        "Company settings", "Paramètres de l’entreprise" },
    [T_ADMIN_COMPANY] = {
        "Company:", "Entreprise :" },
    [T_ADMIN_POLICY] = {
        "Two-factor authentication for every user",
        "Authentification à deux facteurs pour tous les utilisateurs" },
    [T_ADMIN_REQUIRED] = {
        "Required: no user reaches the dashboard without it, administrators "
        "included.",
        "Exigée : aucun utilisateur n’accède au tableau de bord sans elle, "
        "administrateurs compris." },
    [T_ADMIN_NOT_REQUIRED] = {
        "Not required: each user decides.",
        "Non exigée : chaque utilisateur décide." },
    [T_ADMIN_CHANGED] = {
        "Last changed", "Dernière modification le" },
    [T_ADMIN_BY] = {
        "by", "par" },
    [T_ADMIN_TURN_ON] = {
        "Require 2FA for every user", "Exiger la 2FA pour tous" },
    [T_ADMIN_TURN_OFF] = {
        "Stop requiring 2FA", "Ne plus exiger la 2FA" },
    [T_ADMIN_ON_HELP] = {
        "Users without 2FA will be asked to set it up at their next click.",
        "Les utilisateurs sans 2FA devront l’activer à leur prochain clic." },
    [T_ADMIN_MEMBERS] = {
        "Members", "Membres" },
    [T_ADMIN_MEMBERS_UNKNOWN] = {
        "The members of this company are not known here.",
        "Les membres de cette entreprise ne sont pas connus ici." },
    [T_ADMIN_ENROLLED_OF] = {
        "with 2FA:", "avec la 2FA :" },
    [T_ADMIN_USER] = {
        "User", "Utilisateur" },
    [T_ADMIN_STATUS] = {
        "Two-factor authentication", "Authentification à deux facteurs" },
    [T_ADMIN_ON_SINCE] = {
        "on since", "activée depuis le" },
    [T_ADMIN_OFF] = {
        "off", "désactivée" },
    [T_ADMIN_LOCKED] = {
        "locked out until", "bloqué jusqu’au" },
    [T_ADMIN_FIRST] = {
        "Only the first ones are listed.",
        "Seuls les premiers sont affichés." },
    [T_TITLE_NOT_ADMIN] = {
        "Administrators only", "Réservé aux administrateurs" },
    [T_MSG_NOT_ADMIN] = {
        "Only an administrator of the active company can see this page.",
        "Seul un administrateur de l’entreprise active peut voir cette "
        "page." },
    [T_SECONDS] = {
        "seconds.", "secondes." },
    [T_MINUTES] = {
        "minutes.", "minutes." },
    [T_DATE_UTC] = {
        "%Y-%m-%d %H:%M UTC", "%d/%m/%Y à %H:%M UTC" }
};


static const char  mfa_css[] =
    "body{margin:0;font:16px/1.5 system-ui,sans-serif;color:#1a1a1a;"
    "background:#f4f5f7}"
    "main{max-width:34em;margin:2em auto;padding:1.5em 2em;background:#fff;"
    "border-radius:8px;box-shadow:0 1px 4px rgba(0,0,0,.15)}"
    "h1{font-size:1.4em;margin-top:0}h2{font-size:1.1em}"
    "label{display:block;font-weight:600;margin:1em 0 .3em}"
    "input[type=text]{font-size:1.3em;padding:.3em .5em;width:12em;"
    "letter-spacing:.1em;border:2px solid #666;border-radius:4px}"
    "input:focus,button:focus,a:focus{outline:3px solid #1a5fb4;"
    "outline-offset:2px}"
    "button,.button{display:inline-block;margin-top:1em;padding:.5em 1.2em;"
    "font-size:1em;color:#fff;background:#1a5fb4;border:0;border-radius:4px;"
    "text-decoration:none;cursor:pointer}"
    "button.danger{background:#a51d2d}"
    ".error{color:#a51d2d;font-weight:600;border-left:4px solid #a51d2d;"
    "padding-left:.6em}"
    ".notice{border-left:4px solid #26a269;padding-left:.6em}"
    ".qr svg{display:block;max-width:100%;height:auto}"
    "code,.secret{font-family:ui-monospace,monospace;font-size:1.1em}"
    ".secret{letter-spacing:.1em;word-spacing:.3em}"
    "ol.codes{columns:2;font-size:1.1em}"
    "table{border-collapse:collapse;width:100%}"
    "th,td{text-align:left;padding:.3em .5em;border-bottom:1px solid #ddd}"
    "td.off{color:#a51d2d}"
    "textarea{width:100%;font-family:ui-monospace,monospace}"
    "details{margin-top:1.5em}section{border-top:1px solid #ddd;"
    "margin-top:1.5em}"
    ".alt{margin-top:2em;font-size:.9em}";


static void mfa_html_head(const mfa_page_t *p, mfa_buf_t *b, mfa_text_e title);
static void mfa_html_tail(const mfa_page_t *p, mfa_buf_t *b);
static void mfa_html_msg(const mfa_page_t *p, mfa_buf_t *b);
static void mfa_html_form(const mfa_page_t *p, mfa_buf_t *b,
    const char *page, const char *id);
static void mfa_html_code(const mfa_page_t *p, mfa_buf_t *b, const char *id,
    mfa_text_e label, int numeric);
static void mfa_html_link(mfa_buf_t *b, const char *id, const char *cls,
    const char *href, const char *text);
static int mfa_html_enroll(const mfa_page_t *p, mfa_buf_t *b,
    mfa_err_t *err);
static void mfa_html_codes(const mfa_page_t *p, mfa_buf_t *b);
static void mfa_html_challenge(const mfa_page_t *p, mfa_buf_t *b);
static void mfa_html_settings(const mfa_page_t *p, mfa_buf_t *b);
static void mfa_html_admin(const mfa_page_t *p, mfa_buf_t *b);
static void mfa_html_back(const mfa_page_t *p, mfa_buf_t *b);
static void mfa_html_date(const mfa_page_t *p, mfa_buf_t *b, int64_t when);
static void mfa_html_message(const mfa_page_t *p, mfa_buf_t *b);
static double mfa_lang_q(const char *s, size_t len);


#define T(p, id)  mfa_texts[id][(p)->lang]

#define mfa_buf_text(b, p, id)  mfa_buf_html(b, T(p, id), strlen(T(p, id)))


const char *
mfa_lang_name(mfa_lang_e lang)
{
    return lang == MFA_LANG_FR ? "fr" : "en";
}


mfa_lang_e
mfa_lang_pick(const char *value, size_t len)
{
    size_t       i, n, start, tag, item, first[MFA_LANGS];
    double       q, best[MFA_LANGS];
    mfa_lang_e   lang;
    const char  *s;

    best[MFA_LANG_EN] = -1;
    best[MFA_LANG_FR] = -1;
    first[MFA_LANG_EN] = (size_t) -1;
    first[MFA_LANG_FR] = (size_t) -1;
    item = 0;

    if (value == NULL) {
        return MFA_LANG_EN;
    }

    start = 0;

    for (i = 0; i <= len; i++) {

        if (i < len && value[i] != ',') {
            continue;
        }

        /* one "tag;q=0.8" item: the primary subtag, then its weight */

        s = value + start;
        n = i - start;

        while (n > 0 && (*s == ' ' || *s == '\t')) {
            s++;
            n--;
        }

        tag = 0;

        while (tag < n && s[tag] != '-' && s[tag] != ';' && s[tag] != ' '
               && s[tag] != '\t')
        {
            tag++;
        }

        q = mfa_lang_q(s + tag, n - tag);
        start = i + 1;
        item++;

        if (tag != 2) {
            continue;
        }

        if (strncasecmp(s, "fr", 2) == 0) {
            lang = MFA_LANG_FR;

        } else if (strncasecmp(s, "en", 2) == 0) {
            lang = MFA_LANG_EN;

        } else {
            continue;
        }

        if (q > best[lang]) {
            best[lang] = q;
            first[lang] = item;
        }
    }

    /* French when asked for more, or as much but listed first */

    return (best[MFA_LANG_FR] > 0
            && (best[MFA_LANG_FR] > best[MFA_LANG_EN]
                || (best[MFA_LANG_FR] == best[MFA_LANG_EN]
                    && first[MFA_LANG_FR] < first[MFA_LANG_EN])))
           ? MFA_LANG_FR : MFA_LANG_EN;
}


/* the q of ";q=0.8" parameters, 1 without one, 0 when malformed */

static double
mfa_lang_q(const char *s, size_t len)
{
    char    buf[16], *end;
    size_t  i;
    double  q;

    for (i = 0; i + 2 < len; i++) {
        if (s[i] == ';') {
            while (i + 1 < len && s[i + 1] == ' ') {
                i++;
            }

            if (i + 2 < len && (s[i + 1] == 'q' || s[i + 1] == 'Q')
                && s[i + 2] == '=')
            {
                len -= i + 3;
                s += i + 3;

                if (len == 0 || len >= sizeof(buf)) {
                    return 0;
                }

                memcpy(buf, s, len);
                buf[len] = '\0';
                q = strtod(buf, &end);

                while (*end == ' ') {
                    end++;
                }

                return (*end == '\0' && q >= 0 && q <= 1) ? q : 0;
            }
        }
    }

    return 1;
}


int
mfa_html_render(const mfa_page_t *p, mfa_buf_t *b, mfa_err_t *err)
{
    switch (p->page) {

    case MFA_PAGE_ENROLL:
        mfa_html_head(p, b, T_TITLE_ENROLL);

        if (mfa_html_enroll(p, b, err) != MFA_OK) {
            /* the QR code's own failure, with its reason */
            return MFA_ERROR;
        }

        break;

    case MFA_PAGE_CODES:
        mfa_html_head(p, b, T_TITLE_CODES);
        mfa_html_codes(p, b);
        break;

    case MFA_PAGE_CHALLENGE:
        mfa_html_head(p, b, T_TITLE_CHALLENGE);
        mfa_html_challenge(p, b);
        break;

    case MFA_PAGE_SETTINGS:
        mfa_html_head(p, b, T_TITLE_SETTINGS);
        mfa_html_settings(p, b);
        break;

    case MFA_PAGE_ADMIN:
        mfa_html_head(p, b, T_TITLE_ADMIN);
        mfa_html_admin(p, b);
        break;

    default: /* MFA_PAGE_MESSAGE */
        mfa_html_message(p, b);
        break;
    }

    mfa_html_tail(p, b);

    if (mfa_buf_status(b) != MFA_OK) {
        mfa_err_set(err, "the page does not fit in %zu bytes", b->size);
        return MFA_TOO_LARGE;
    }

    return MFA_OK;
}


static void
mfa_html_head(const mfa_page_t *p, mfa_buf_t *b, mfa_text_e title)
{
    mfa_buf_str(b, "<!DOCTYPE html>\n<html lang=\"");
    mfa_buf_str(b, mfa_lang_name(p->lang));
    mfa_buf_str(b, "\"><head><meta charset=\"utf-8\">"
                "<meta name=\"viewport\" "
                "content=\"width=device-width, initial-scale=1\">"
                "<meta name=\"referrer\" content=\"no-referrer\"><title>");
    mfa_buf_text(b, p, title);
    mfa_buf_str(b, "</title><style nonce=\"");
    mfa_buf_html(b, p->nonce, strlen(p->nonce));
    mfa_buf_str(b, "\">");
    mfa_buf_add(b, mfa_css, sizeof(mfa_css) - 1);
    mfa_buf_str(b, "</style></head>\n<body><main><h1>");
    mfa_buf_text(b, p, title);
    mfa_buf_str(b, "</h1>\n");
}


static void
mfa_html_tail(const mfa_page_t *p, mfa_buf_t *b)
{
    if (p->logout_url != NULL
        && (p->page == MFA_PAGE_ENROLL || p->page == MFA_PAGE_CHALLENGE))
    {
        mfa_buf_str(b, "<p class=\"alt\">");
        mfa_html_link(b, "logout", NULL, p->logout_url, T(p, T_LOGOUT));
        mfa_buf_str(b, "</p>\n");
    }

    mfa_buf_str(b, "</main></body></html>\n");
}


/* the page's message: an error (role alert) or a notice (role status) */

static void
mfa_html_msg(const mfa_page_t *p, mfa_buf_t *b)
{
    int64_t     wait;
    mfa_text_e  t;

    switch (p->msg) {
    case MFA_MSG_WRONG_CODE:  t = T_MSG_WRONG_CODE;  break;
    case MFA_MSG_LOCKED:      t = T_MSG_LOCKED;      break;
    case MFA_MSG_EXPIRED:     t = T_MSG_EXPIRED;     break;
    case MFA_MSG_DISABLED:    t = T_MSG_DISABLED;    break;
    case MFA_MSG_REGENERATED: t = T_MSG_REGENERATED; break;
    case MFA_MSG_ENROLLED:    t = T_MSG_ENROLLED;    break;
    default:                  return;
    }

    if (t == T_MSG_DISABLED || t == T_MSG_REGENERATED || t == T_MSG_ENROLLED)
    {
        mfa_buf_str(b, "<p id=\"notice\" class=\"notice\" role=\"status\">");

    } else {
        mfa_buf_str(b, "<p id=\"error\" class=\"error\" role=\"alert\">");
    }

    mfa_buf_text(b, p, t);

    if (t == T_MSG_LOCKED) {
        wait = p->wait > 0 ? p->wait : 1;

        if (wait < 120) {
            mfa_buf_printf(b, " %lld ", (long long) wait);
            mfa_buf_text(b, p, T_SECONDS);

        } else {
            mfa_buf_printf(b, " %lld ",
                           (long long) (wait / 60 + (wait % 60 != 0)));
            mfa_buf_text(b, p, T_MINUTES);
        }
    }

    mfa_buf_str(b, "</p>\n");
}


/* <form> with the CSRF token and the return URL */

static void
mfa_html_form(const mfa_page_t *p, mfa_buf_t *b, const char *page,
    const char *id)
{
    mfa_buf_str(b, "<form method=\"post\" action=\"");
    mfa_buf_html(b, p->pages, strlen(p->pages));
    mfa_buf_str(b, page);
    mfa_buf_str(b, "\" id=\"");
    mfa_buf_str(b, id);
    mfa_buf_str(b, "\"><input type=\"hidden\" name=\"csrf\" value=\"");
    mfa_buf_html(b, p->csrf, strlen(p->csrf));
    mfa_buf_str(b, "\"><input type=\"hidden\" name=\"return\" value=\"");
    mfa_buf_html(b, p->return_url, strlen(p->return_url));
    mfa_buf_str(b, "\">");
}


static void
mfa_html_code(const mfa_page_t *p, mfa_buf_t *b, const char *id,
    mfa_text_e label, int numeric)
{
    mfa_buf_printf(b, "<label for=\"%s\">", id);
    mfa_buf_text(b, p, label);
    mfa_buf_printf(b, "</label><input type=\"text\" id=\"%s\" name=\"code\" "
                   "autocomplete=\"one-time-code\" required "
                   "spellcheck=\"false\" autocapitalize=\"none\" "
                   "maxlength=\"32\"", id);

    if (numeric) {
        mfa_buf_str(b, " inputmode=\"numeric\" autofocus");
    }

    if (p->msg == MFA_MSG_WRONG_CODE || p->msg == MFA_MSG_LOCKED) {
        mfa_buf_str(b, " aria-invalid=\"true\" aria-describedby=\"error\"");
    }

    mfa_buf_str(b, ">");
}


static void
mfa_html_link(mfa_buf_t *b, const char *id, const char *cls,
    const char *href, const char *text)
{
    mfa_buf_printf(b, "<a id=\"%s\"", id);

    if (cls != NULL) {
        mfa_buf_printf(b, " class=\"%s\"", cls);
    }

    mfa_buf_str(b, " href=\"");
    mfa_buf_html(b, href, strlen(href));
    mfa_buf_str(b, "\">");
    mfa_buf_html(b, text, strlen(text));
    mfa_buf_str(b, "</a>");
}


static int
mfa_html_enroll(const mfa_page_t *p, mfa_buf_t *b, mfa_err_t *err)
{
    size_t  i, n;

    mfa_html_msg(p, b);

    mfa_buf_str(b, "<p>");
    mfa_buf_text(b, p, T_ENROLL_INTRO);
    mfa_buf_str(b, "</p>\n<p>");
    mfa_buf_text(b, p, T_ENROLL_SCAN);
    mfa_buf_str(b, "</p>\n<div id=\"qr\" class=\"qr\">");

    if (mfa_qr_svg(p->qr_text, b, err) == MFA_ERROR) {
        return MFA_ERROR;
    }

    mfa_buf_str(b, "</div>\n<p>");
    mfa_html_link(b, "otpauth", NULL, p->otpauth, T(p, T_ENROLL_LINK));
    mfa_buf_str(b, "</p>\n<p>");
    mfa_buf_text(b, p, T_ENROLL_SECRET);
    mfa_buf_str(b, "<br><code id=\"secret\" class=\"secret\">");

    /* groups of four characters, easier to read and type */

    n = strlen(p->secret);

    for (i = 0; i < n; i += 4) {
        if (i > 0) {
            mfa_buf_str(b, " ");
        }

        mfa_buf_html(b, p->secret + i, n - i < 4 ? n - i : 4);
    }

    mfa_buf_str(b, "</code></p>\n");

    mfa_html_form(p, b, "enroll", "enroll-form");
    mfa_html_code(p, b, "code", T_ENROLL_CODE, 1);
    mfa_buf_str(b, "<br><button type=\"submit\">");
    mfa_buf_text(b, p, T_ENROLL_SUBMIT);
    mfa_buf_str(b, "</button></form>\n");

    return MFA_OK;
}


static void
mfa_html_codes(const mfa_page_t *p, mfa_buf_t *b)
{
    size_t  i;
    char    text[MFA_RECOVERY_COUNT * (MFA_RECOVERY_LEN + 1) + 1];
    char    uri[sizeof(text) * 3];
    size_t  n;

    mfa_html_msg(p, b);

    mfa_buf_str(b, "<p>");
    mfa_buf_text(b, p, T_CODES_INTRO);
    mfa_buf_str(b, "</p>\n<ol id=\"recovery-codes\" class=\"codes\">");

    n = 0;

    for (i = 0; i < p->ncodes && i < MFA_RECOVERY_COUNT; i++) {
        mfa_buf_str(b, "<li><code>");
        mfa_buf_html(b, p->codes[i], strlen(p->codes[i]));
        mfa_buf_str(b, "</code></li>");

        memcpy(text + n, p->codes[i], MFA_RECOVERY_LEN);
        n += MFA_RECOVERY_LEN;
        text[n++] = '\n';
    }

    mfa_buf_str(b, "</ol>\n<label for=\"recovery-text\">");
    mfa_buf_text(b, p, T_CODES_COPY);
    mfa_buf_printf(b, "</label><textarea id=\"recovery-text\" readonly "
                   "rows=\"%zu\">", i);
    mfa_buf_html(b, text, n);
    mfa_buf_str(b, "</textarea>\n<p><a id=\"download\" "
                "download=\"recovery-codes.txt\" "
                "href=\"data:text/plain;charset=utf-8,");
    n = mfa_percent_encode(text, n, uri);
    mfa_buf_add(b, uri, n);
    mfa_buf_str(b, "\">");
    mfa_buf_text(b, p, T_CODES_DOWNLOAD);
    mfa_buf_str(b, "</a></p>\n<p>");
    mfa_html_link(b, "continue", "button", p->return_url, T(p, T_CONTINUE));
    mfa_buf_str(b, "</p>\n");
}


static void
mfa_html_challenge(const mfa_page_t *p, mfa_buf_t *b)
{
    mfa_html_msg(p, b);

    mfa_buf_str(b, "<p>");
    mfa_buf_text(b, p, T_CHALLENGE_INTRO);
    mfa_buf_str(b, "</p>\n");

    mfa_html_form(p, b, "challenge", "challenge-form");
    mfa_html_code(p, b, "code", T_CHALLENGE_CODE, 1);
    mfa_buf_str(b, "<br><button type=\"submit\">");
    mfa_buf_text(b, p, T_CHALLENGE_SUBMIT);
    mfa_buf_str(b, "</button></form>\n<details><summary>");
    mfa_buf_text(b, p, T_CHALLENGE_RECOVERY);
    mfa_buf_str(b, "</summary>");
    mfa_html_form(p, b, "challenge", "recovery-form");
    mfa_html_code(p, b, "recovery-code", T_RECOVERY_CODE, 0);
    mfa_buf_str(b, "<br><button type=\"submit\">");
    mfa_buf_text(b, p, T_CHALLENGE_SUBMIT);
    mfa_buf_str(b, "</button></form></details>\n");
}


static void
mfa_html_settings(const mfa_page_t *p, mfa_buf_t *b)
{
    mfa_html_msg(p, b);

    if (!p->enrolled) {
        mfa_buf_str(b, "<p id=\"status\">");
        mfa_buf_text(b, p, T_SETTINGS_OFF);
        mfa_buf_str(b, "</p>\n<p>");

        /* enrolment comes back here */

        mfa_buf_str(b, "<a id=\"enable\" class=\"button\" href=\"");
        mfa_buf_html(b, p->pages, strlen(p->pages));
        mfa_buf_str(b, "enroll?return=");
        mfa_buf_html(b, p->pages, strlen(p->pages));
        mfa_buf_str(b, "settings\">");
        mfa_buf_text(b, p, T_SETTINGS_ENABLE);
        mfa_buf_str(b, "</a>");
        mfa_buf_str(b, "</p>\n");
        mfa_html_back(p, b);
        return;
    }

    mfa_buf_str(b, "<p id=\"status\">");
    mfa_buf_text(b, p, T_SETTINGS_ON);
    mfa_buf_str(b, " <time id=\"since\">");
    mfa_html_date(p, b, p->since);
    mfa_buf_str(b, "</time>.</p>\n<p>");
    mfa_buf_text(b, p, T_SETTINGS_LEFT);
    mfa_buf_printf(b, " <strong id=\"codes-left\">%ld</strong></p>\n",
                   p->codes_left);

    mfa_buf_str(b, "<section><h2>");
    mfa_buf_text(b, p, T_SETTINGS_REGENERATE);
    mfa_buf_str(b, "</h2><p>");
    mfa_buf_text(b, p, T_SETTINGS_REGENERATE_HELP);
    mfa_buf_str(b, "</p>");
    mfa_html_form(p, b, "settings", "regenerate-form");
    mfa_buf_str(b, "<input type=\"hidden\" name=\"action\" "
                "value=\"regenerate\">");
    mfa_html_code(p, b, "regenerate-code", T_SETTINGS_CODE, 0);
    mfa_buf_str(b, "<br><button type=\"submit\">");
    mfa_buf_text(b, p, T_SETTINGS_REGENERATE);
    mfa_buf_str(b, "</button></form></section>\n");

    mfa_buf_str(b, "<section><h2>");
    mfa_buf_text(b, p, T_SETTINGS_DISABLE);
    mfa_buf_str(b, "</h2><p>");
    mfa_buf_text(b, p, p->required ? T_SETTINGS_REQUIRED
                                   : T_SETTINGS_DISABLE_HELP);
    mfa_buf_str(b, "</p>");
    mfa_html_form(p, b, "settings", "disable-form");
    mfa_buf_str(b, "<input type=\"hidden\" name=\"action\" "
                "value=\"disable\">");
    mfa_html_code(p, b, "disable-code", T_SETTINGS_CODE, 0);
    mfa_buf_str(b, "<br><button type=\"submit\" class=\"danger\">");
    mfa_buf_text(b, p, T_SETTINGS_DISABLE);
    mfa_buf_str(b, "</button></form></section>\n");
    mfa_html_back(p, b);
}


/* the link back to the dashboard, at the foot of a page */

static void
mfa_html_back(const mfa_page_t *p, mfa_buf_t *b)
{
    mfa_buf_str(b, "<p class=\"alt\">");
    mfa_html_link(b, "back", NULL, p->return_url, T(p, T_BACK));
    mfa_buf_str(b, "</p>\n");
}


/* a Unix time as a UTC date, in the page's language */

static void
mfa_html_date(const mfa_page_t *p, mfa_buf_t *b, int64_t when)
{
    char       date[64];
    time_t     t;
    struct tm  tm;

    t = (time_t) when;

    if (gmtime_r(&t, &tm) == NULL
        || strftime(date, sizeof(date), T(p, T_DATE_UTC), &tm) == 0)
    {
        strcpy(date, "?");
    }

    mfa_buf_html(b, date, strlen(date));
}


static void
mfa_html_admin(const mfa_page_t *p, mfa_buf_t *b)
{
    size_t               i, enrolled;
    const mfa_member_t  *m;

    mfa_buf_str(b, "<p>");
    mfa_buf_text(b, p, T_ADMIN_COMPANY);
    mfa_buf_str(b, " <strong id=\"company\">");
    mfa_buf_html(b, p->company, strlen(p->company));
    mfa_buf_str(b, "</strong></p>\n<section><h2>");
    mfa_buf_text(b, p, T_ADMIN_POLICY);
    mfa_buf_printf(b, "</h2><p id=\"policy\" data-required=\"%d\">",
                   p->required ? 1 : 0);
    mfa_buf_text(b, p, p->required ? T_ADMIN_REQUIRED : T_ADMIN_NOT_REQUIRED);
    mfa_buf_str(b, "</p>");

    if (p->changed_by != NULL) {
        mfa_buf_str(b, "<p id=\"changed\">");
        mfa_buf_text(b, p, T_ADMIN_CHANGED);
        mfa_buf_str(b, " <time>");
        mfa_html_date(p, b, p->changed_at);
        mfa_buf_str(b, "</time> ");
        mfa_buf_text(b, p, T_ADMIN_BY);
        mfa_buf_str(b, " <span id=\"changed-by\">");
        mfa_buf_html(b, p->changed_by, strlen(p->changed_by));
        mfa_buf_str(b, "</span>.</p>");
    }

    mfa_html_form(p, b, "admin", "policy-form");
    mfa_buf_printf(b, "<input type=\"hidden\" name=\"require_2fa\" "
                   "value=\"%d\">", p->required ? 0 : 1);

    if (!p->required) {
        mfa_buf_str(b, "<p>");
        mfa_buf_text(b, p, T_ADMIN_ON_HELP);
        mfa_buf_str(b, "</p><button type=\"submit\" autofocus>");
        mfa_buf_text(b, p, T_ADMIN_TURN_ON);

    } else {
        mfa_buf_str(b, "<button type=\"submit\" class=\"danger\">");
        mfa_buf_text(b, p, T_ADMIN_TURN_OFF);
    }

    mfa_buf_str(b, "</button></form></section>\n<section><h2>");
    mfa_buf_text(b, p, T_ADMIN_MEMBERS);
    mfa_buf_str(b, "</h2>");

    if (!p->members_known) {
        mfa_buf_str(b, "<p id=\"members-unknown\">");
        mfa_buf_text(b, p, T_ADMIN_MEMBERS_UNKNOWN);
        mfa_buf_str(b, "</p></section>\n");
        mfa_html_back(p, b);
        return;
    }

    enrolled = 0;

    for (i = 0; i < p->nmembers; i++) {
        enrolled += (p->members[i].since > 0);
    }

    mfa_buf_str(b, "<p>");
    mfa_buf_text(b, p, T_ADMIN_ENROLLED_OF);
    mfa_buf_printf(b, " <strong id=\"enrolled-count\">%zu</strong> / "
                   "<strong id=\"members-count\">%zu</strong></p>",
                   enrolled, p->members_total);

    if (p->nmembers < p->members_total) {
        mfa_buf_str(b, "<p>");
        mfa_buf_text(b, p, T_ADMIN_FIRST);
        mfa_buf_str(b, "</p>");
    }

    mfa_buf_str(b, "<table id=\"members\"><thead><tr><th scope=\"col\">");
    mfa_buf_text(b, p, T_ADMIN_USER);
    mfa_buf_str(b, "</th><th scope=\"col\">");
    mfa_buf_text(b, p, T_ADMIN_STATUS);
    mfa_buf_str(b, "</th></tr></thead><tbody>");

    for (i = 0; i < p->nmembers; i++) {
        m = &p->members[i];

        mfa_buf_str(b, "<tr><td>");
        mfa_buf_html(b, m->id, strlen(m->id));
        mfa_buf_printf(b, "</td><td class=\"%s\">",
                       m->since > 0 ? "on" : "off");

        if (m->since > 0) {
            mfa_buf_text(b, p, T_ADMIN_ON_SINCE);
            mfa_buf_str(b, " ");
            mfa_html_date(p, b, m->since);

        } else {
            mfa_buf_text(b, p, T_ADMIN_OFF);
        }

        if (m->locked_until > p->now) {
            mfa_buf_str(b, "; ");
            mfa_buf_text(b, p, T_ADMIN_LOCKED);
            mfa_buf_str(b, " ");
            mfa_html_date(p, b, m->locked_until);
        }

        mfa_buf_str(b, "</td></tr>");
    }

    mfa_buf_str(b, "</tbody></table></section>\n");
    mfa_html_back(p, b);
}


static void
mfa_html_message(const mfa_page_t *p, mfa_buf_t *b)
{
    mfa_text_e  title, text;

    switch (p->msg) {
    case MFA_MSG_LOGIN:
        title = T_TITLE_LOGIN;
        text = T_MSG_LOGIN;
        break;
    case MFA_MSG_FORBIDDEN:
        title = T_TITLE_FORBIDDEN;
        text = T_MSG_FORBIDDEN;
        break;
    case MFA_MSG_UNAVAILABLE:
        title = T_TITLE_UNAVAILABLE;
        text = T_MSG_UNAVAILABLE;
        break;
    case MFA_MSG_NOT_ADMIN:
        title = T_TITLE_NOT_ADMIN;
        text = T_MSG_NOT_ADMIN;
        break;
    default:
        title = T_TITLE_ERROR;
        text = T_MSG_ERROR;
        break;
    }

    mfa_html_head(p, b, title);
    mfa_buf_str(b, "<p id=\"message\">");
    mfa_buf_text(b, p, text);
    mfa_buf_str(b, "</p>\n<p>");
    mfa_html_link(b, "back", NULL, p->return_url, T(p, T_BACK));
    mfa_buf_str(b, "</p>\n");
}
