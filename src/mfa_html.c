
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
    T_TITLE_REENROLL,
    T_ERROR_PREFIX,
    T_ENROLL_INTRO,
    T_REENROLL_INTRO,
    T_ENROLL_REQUIRED_BY,
    T_ENROLL_REQUIRED,
    T_ENROLL_SCAN,
    T_ENROLL_LINK,
    T_ENROLL_SECRET,
    T_ENROLL_COPY,
    T_ENROLL_LIMIT,
    T_ENROLL_CODE,
    T_ENROLL_SUBMIT,
    T_REENROLL_SUBMIT,
    T_CANCEL,
    T_COPIED,
    T_TITLE_CODES,
    T_CODES_INTRO,
    T_CODES_COPY,
    T_CODES_COPY_BUTTON,
    T_CODES_PRINT,
    T_CODES_DOWNLOAD,
    T_CODES_FILE_TITLE,
    T_CODES_FILE_ACCOUNT,
    T_CODES_FILE_SITE,
    T_CODES_FILE_DATE,
    T_CODES_FILE_ONCE,
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
    T_SETTINGS_LOW,
    T_SETTINGS_ENABLE,
    T_SETTINGS_REGENERATE,
    T_SETTINGS_REGENERATE_HELP,
    T_SETTINGS_REENROLL,
    T_SETTINGS_REENROLL_HELP,
    T_SETTINGS_DISABLE,
    T_SETTINGS_DISABLE_HELP,
    T_SETTINGS_DISABLE_CONFIRM,
    T_SETTINGS_REQUIRED,
    T_SETTINGS_CODE,
    T_BACK,
    T_RETRY,
    T_LOGOUT,
    T_MSG_WRONG_CODE,
    T_MSG_WRONG_RECOVERY,
    T_MSG_LOCKED,
    T_MSG_LOCKED_IN,
    T_MSG_LOCKED_OVER,
    T_MSG_EXPIRED,
    T_MSG_DISABLED,
    T_MSG_REGENERATED,
    T_MSG_REENROLLED,
    T_MSG_ENROLLED,
    T_MSG_CONFIRM,
    T_MSG_POLICY_ON,
    T_MSG_POLICY_OFF,
    T_TITLE_LOGIN,
    T_MSG_LOGIN,
    T_TITLE_FORBIDDEN,
    T_MSG_FORBIDDEN,
    T_TITLE_UNAVAILABLE,
    T_MSG_UNAVAILABLE,
    T_TITLE_NOT_SAVED,
    T_MSG_NOT_SAVED,
    T_TITLE_RATE,
    T_MSG_RATE,
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
    T_ADMIN_CONFIRM_ON,
    T_ADMIN_CONFIRM_OFF,
    T_ADMIN_CONFIRM_LIST,
    T_ADMIN_CONFIRM_NONE,
    T_ADMIN_CONFIRM_UNKNOWN,
    T_ADMIN_CONFIRM_OFF_HELP,
    T_ADMIN_YES_ON,
    T_ADMIN_YES_OFF,
    T_ADMIN_YOU,
    T_ADMIN_MEMBERS,
    T_ADMIN_MEMBERS_UNKNOWN,
    T_ADMIN_OF,
    T_ADMIN_USE,
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
    T_TIME_UTC,
    T_COUNT
} mfa_text_e;


static const char  *mfa_texts[T_COUNT][MFA_LANGS] = {

    [T_TITLE_ENROLL] = {
        "Set up two-factor authentication",
        "Activer la double authentification" },
    [T_TITLE_REENROLL] = {
        "Set up a new phone",
        "Configurer un nouveau téléphone" },
    [T_ERROR_PREFIX] = {
        "Error – ", "Erreur – " },
    [T_ENROLL_INTRO] = {
        "The second factor is an authenticator app on your phone (Google "
        "Authenticator, Microsoft Authenticator, FreeOTP, 1Password…) that "
        "shows a new 6-digit code every 30 seconds.",
        "Le second facteur est une application d’authentification sur "
        "votre téléphone (Google Authenticator, Microsoft Authenticator, "
        "FreeOTP, 1Password…) qui affiche un nouveau code à 6 chiffres "
        "toutes les 30 secondes." },
    [T_REENROLL_INTRO] = {
        "Set up the authenticator app of your new phone. Your old phone "
        "and your recovery codes keep working until you enter a code from "
        "the new one.",
        "Configurez l’application d’authentification de votre nouveau "
        "téléphone. L’ancien téléphone et vos codes de secours restent "
        "valables jusqu’à ce que vous saisissiez un code du nouveau." },
    [T_ENROLL_REQUIRED_BY] = {
        "requires two-factor authentication for every user: set it up to "
        "continue.",
        "exige la double authentification pour tous les utilisateurs : "
        "activez-la pour continuer." },
    [T_ENROLL_REQUIRED] = {
        "Your company requires two-factor authentication for every user: "
        "set it up to continue.",
        "Votre entreprise exige la double authentification pour tous les "
        "utilisateurs : activez-la pour continuer." },
    [T_ENROLL_SCAN] = {
        "1. Scan this QR code with the app.",
        "1. Scannez ce QR code avec l’application." },
    [T_ENROLL_LINK] = {
        "On this phone? Open the link in your authenticator app",
        "Sur ce téléphone ? Ouvrez le lien dans l’application" },
    [T_ENROLL_SECRET] = {
        "Or type this key into the app:",
        "Ou saisissez cette clé dans l’application :" },
    [T_ENROLL_COPY] = {
        "Copy the key", "Copier la clé" },
    [T_ENROLL_LIMIT] = {
        "This key is yours for 10 minutes; after that, this page shows a "
        "new one.",
        "Cette clé vous est réservée 10 minutes ; ensuite, cette page en "
        "affiche une nouvelle." },
    [T_ENROLL_CODE] = {
        "2. The 6-digit code shown by the app",
        "2. Le code à 6 chiffres affiché par l’application" },
    [T_ENROLL_SUBMIT] = {
        "Turn on", "Activer" },
    [T_REENROLL_SUBMIT] = {
        "Use this phone", "Utiliser ce téléphone" },
    [T_CANCEL] = {
        "Cancel", "Annuler" },
    [T_COPIED] = {
        "Copied", "Copié" },
    [T_TITLE_CODES] = {
        "Save your recovery codes",
        "Conservez vos codes de secours" },
    [T_CODES_INTRO] = {
        "Two-factor authentication is on. If you lose your phone, each of "
        "these codes lets you in once. Keep them somewhere safe: they are "
        "shown only now.",
        "La double authentification est activée. Si vous perdez votre "
        "téléphone, chacun de ces codes vous permet d’entrer une fois. "
        "Gardez-les en lieu sûr : ils ne sont affichés qu’une fois." },
    [T_CODES_COPY] = {
        "The same codes, to copy", "Les mêmes codes, à copier" },
    [T_CODES_COPY_BUTTON] = {
        "Copy the codes", "Copier les codes" },
    [T_CODES_PRINT] = {
        "Print", "Imprimer" },
    [T_CODES_DOWNLOAD] = {
        "Download the codes", "Télécharger les codes" },
    [T_CODES_FILE_TITLE] = {
        "Recovery codes for", "Codes de secours pour" },
    [T_CODES_FILE_ACCOUNT] = {
        "Account:", "Compte :" },
    [T_CODES_FILE_SITE] = {
        "Site:", "Site :" },
    [T_CODES_FILE_DATE] = {
        "Created:", "Créés le :" },
    [T_CODES_FILE_ONCE] = {
        "Each code works once.", "Chaque code ne sert qu’une fois." },
    [T_CONTINUE] = {
        "I have saved them, continue", "Je les ai conservés, continuer" },
    [T_TITLE_CHALLENGE] = {
        "Two-factor authentication",
        "Double authentification" },
    [T_CHALLENGE_INTRO] = {
        "Enter the 6-digit code shown by your authenticator app.",
        "Saisissez le code à 6 chiffres affiché par votre application "
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
        "Double authentification" },
    [T_SETTINGS_ON] = {
        "Two-factor authentication is on since",
        "La double authentification est activée depuis le" },
    [T_SETTINGS_OFF] = {
        "Two-factor authentication is off.",
        "La double authentification est désactivée." },
    [T_SETTINGS_LEFT] = {
        "Recovery codes left:", "Codes de secours restants :" },
    [T_SETTINGS_LOW] = {
        "Few recovery codes are left: make new ones before you run out.",
        "Il reste peu de codes de secours : créez-en de nouveaux avant "
        "d’en manquer." },
    [T_SETTINGS_ENABLE] = {
        "Turn on two-factor authentication",
        "Activer la double authentification" },
    [T_SETTINGS_REGENERATE] = {
        "New recovery codes", "Nouveaux codes de secours" },
    [T_SETTINGS_REGENERATE_HELP] = {
        "Your current recovery codes stop working at once.",
        "Vos codes de secours actuels cessent aussitôt de fonctionner." },
    [T_SETTINGS_REENROLL] = {
        "Set up a new phone", "Configurer un nouveau téléphone" },
    [T_SETTINGS_REENROLL_HELP] = {
        "Moving to a new phone? Confirm with a current code, then scan a "
        "new key with the new phone. The old phone stops working once the "
        "new one is set up.",
        "Vous changez de téléphone ? Confirmez avec un code actuel, puis "
        "scannez une nouvelle clé avec le nouveau téléphone. L’ancien "
        "cesse de fonctionner dès que le nouveau est configuré." },
    [T_SETTINGS_DISABLE] = {
        "Turn off two-factor authentication",
        "Désactiver la double authentification" },
    [T_SETTINGS_DISABLE_HELP] = {
        "Your sessions will need a password only.",
        "Vos sessions ne demanderont plus que le mot de passe." },
    [T_SETTINGS_DISABLE_CONFIRM] = {
        "Yes, turn off two-factor authentication for my account",
        "Oui, désactiver la double authentification de mon compte" },
    [T_SETTINGS_REQUIRED] = {
        "Your company requires two-factor authentication: after turning it "
        "off you will be asked to set it up again at once. Changing phones? "
        "Set up the new one above instead.",
        "Votre entreprise exige la double authentification : après l’avoir "
        "désactivée, il vous sera aussitôt demandé de l’activer à nouveau. "
        "Vous changez de téléphone ? Configurez plutôt le nouveau "
        "ci-dessus." },
    [T_SETTINGS_CODE] = {
        "Current code (app or recovery code)",
        "Code actuel (application ou code de secours)" },
    [T_BACK] = {
        "Back to the dashboard", "Retour au tableau de bord" },
    [T_RETRY] = {
        "Try again", "Réessayer" },
    [T_LOGOUT] = {
        "Log out", "Se déconnecter" },
    [T_MSG_WRONG_CODE] = {
        "That code is not valid. Check it and try again with a new code. "
        "If codes keep failing, check that your phone sets its clock "
        "automatically.",
        "Ce code n’est pas valide. Vérifiez-le et réessayez avec un "
        "nouveau code. Si les codes échouent encore, vérifiez que votre "
        "téléphone règle son heure automatiquement." },
    [T_MSG_WRONG_RECOVERY] = {
        "That recovery code is not valid or was already used: each code "
        "works once. Check it and try another one from your list.",
        "Ce code de secours n’est pas valide ou a déjà servi : chaque code "
        "ne sert qu’une fois. Vérifiez-le et essayez-en un autre de votre "
        "liste." },
    [T_MSG_LOCKED] = {
        "Too many wrong codes. For your safety, no code is checked until",
        "Trop de codes erronés. Par sécurité, aucun code n’est vérifié "
        "avant" },
    [T_MSG_LOCKED_IN] = {
        "in", "dans" },
    [T_MSG_LOCKED_OVER] = {
        "You can try again now.", "Vous pouvez réessayer maintenant." },
    [T_MSG_EXPIRED] = {
        "That key expired: here is a new one. Remove the old entry from "
        "your app and scan this one.",
        "Cette clé a expiré : en voici une nouvelle. Supprimez l’ancienne "
        "entrée de l’application et scannez celle-ci." },
    [T_MSG_DISABLED] = {
        "Two-factor authentication was turned off.",
        "La double authentification a été désactivée." },
    [T_MSG_REGENERATED] = {
        "Here are your new recovery codes; the old ones no longer work.",
        "Voici vos nouveaux codes de secours ; les anciens ne fonctionnent "
        "plus." },
    [T_MSG_REENROLLED] = {
        "Your new phone is set up; codes from the old one no longer work. "
        "Here are new recovery codes; the old ones no longer work either.",
        "Votre nouveau téléphone est configuré ; les codes de l’ancien ne "
        "fonctionnent plus. Voici de nouveaux codes de secours ; les "
        "anciens ne fonctionnent plus non plus." },
    [T_MSG_ENROLLED] = {
        "Two-factor authentication is already on.",
        "La double authentification est déjà activée." },
    [T_MSG_CONFIRM] = {
        "Tick the box to confirm.", "Cochez la case pour confirmer." },
    [T_MSG_POLICY_ON] = {
        "Done: two-factor authentication is now required for every user of "
        "this company.",
        "C’est fait : la double authentification est désormais exigée pour "
        "tous les utilisateurs de cette entreprise." },
    [T_MSG_POLICY_OFF] = {
        "Done: two-factor authentication is no longer required.",
        "C’est fait : la double authentification n’est plus exigée." },
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
        "Two-factor authentication cannot be checked for a moment, so the "
        "dashboard cannot open. Please try again in a few seconds.",
        "La double authentification ne peut pas être vérifiée pour le "
        "moment : le tableau de bord ne peut pas s’ouvrir. Réessayez dans "
        "quelques secondes." },
    [T_TITLE_NOT_SAVED] = {
        "Not confirmed as saved", "Enregistrement non confirmé" },
    [T_MSG_NOT_SAVED] = {
        "Your change could not be confirmed as saved, and it may be lost. "
        "Try again to see where things stand, and make the change again "
        "if it is not there.",
        "Votre modification n’a pas pu être confirmée comme enregistrée et "
        "pourrait être perdue. Réessayez pour voir où en sont les choses, "
        "et refaites la modification si elle n’y est pas." },
    [T_TITLE_RATE] = {
        "Too many changes", "Trop de modifications" },
    [T_MSG_RATE] = {
        "The policy was changed too many times in the last minute. Nothing "
        "was changed now; try again in a minute.",
        "La règle a été modifiée trop de fois dans la dernière minute. "
        "Rien n’a été modifié ; réessayez dans une minute." },
    [T_TITLE_ERROR] = {
        "Something went wrong", "Une erreur est survenue" },
    [T_MSG_ERROR] = {
        "Your account cannot use two-factor authentication right now. "
        "Contact your administrator.",
        "Votre compte ne peut pas utiliser la double authentification pour "
        "le moment. Contactez votre administrateur." },
    [T_TITLE_ADMIN] = {
        "Company settings", "Paramètres de l’entreprise" },
    [T_ADMIN_COMPANY] = {
        "Company:", "Entreprise :" },
    [T_ADMIN_POLICY] = {
        "Two-factor authentication for every user",
        "Double authentification pour tous les utilisateurs" },
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
        "Require 2FA for every user…", "Exiger l’A2F pour tous…" },
    [T_ADMIN_TURN_OFF] = {
        "Stop requiring 2FA…", "Ne plus exiger l’A2F…" },
    [T_ADMIN_ON_HELP] = {
        "You will see who is affected before anything changes.",
        "Vous verrez qui est concerné avant que rien ne change." },
    [T_ADMIN_CONFIRM_ON] = {
        "Require two-factor authentication for every user of",
        "Exiger la double authentification pour tous les utilisateurs de" },
    [T_ADMIN_CONFIRM_OFF] = {
        "Stop requiring two-factor authentication for",
        "Ne plus exiger la double authentification pour" },
    [T_ADMIN_CONFIRM_LIST] = {
        "These members do not use 2FA yet. At their next click they will "
        "be sent to set it up, and will not reach the dashboard until they "
        "do:",
        "Ces membres n’utilisent pas encore l’A2F. À leur prochain clic, "
        "ils devront l’activer et n’accéderont pas au tableau de bord "
        "avant de l’avoir fait :" },
    [T_ADMIN_CONFIRM_NONE] = {
        "Every member already uses 2FA: no one is interrupted.",
        "Tous les membres utilisent déjà l’A2F : personne n’est "
        "interrompu." },
    [T_ADMIN_CONFIRM_UNKNOWN] = {
        "The members of this company are not known here: every user "
        "without 2FA will be sent to set it up at their next click.",
        "Les membres de cette entreprise ne sont pas connus ici : tout "
        "utilisateur sans A2F devra l’activer à son prochain clic." },
    [T_ADMIN_CONFIRM_OFF_HELP] = {
        "Members without 2FA will reach the dashboard with their password "
        "only. Members who use 2FA keep it.",
        "Les membres sans A2F accéderont au tableau de bord avec leur seul "
        "mot de passe. Ceux qui utilisent l’A2F la conservent." },
    [T_ADMIN_YES_ON] = {
        "Yes, require 2FA", "Oui, exiger l’A2F" },
    [T_ADMIN_YES_OFF] = {
        "Yes, stop requiring 2FA", "Oui, ne plus exiger l’A2F" },
    [T_ADMIN_YOU] = {
        "(you)", "(vous)" },
    [T_ADMIN_MEMBERS] = {
        "Members", "Membres" },
    [T_ADMIN_MEMBERS_UNKNOWN] = {
        "The members of this company are not known here.",
        "Les membres de cette entreprise ne sont pas connus ici." },
    [T_ADMIN_OF] = {
        "of", "sur" },
    [T_ADMIN_USE] = {
        "members use 2FA.", "membres utilisent l’A2F." },
    [T_ADMIN_USER] = {
        "User", "Utilisateur" },
    [T_ADMIN_STATUS] = {
        "Two-factor authentication", "Double authentification" },
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
        "seconds", "secondes" },
    [T_MINUTES] = {
        "minutes", "minutes" },
    [T_DATE_UTC] = {
        "%Y-%m-%d %H:%M UTC", "%d/%m/%Y à %H:%M UTC" },
    [T_TIME_UTC] = {
        "%H:%M:%S UTC", "%H:%M:%S UTC" }
};


static const char  mfa_css[] =
    "body{margin:0;font:16px/1.5 system-ui,sans-serif;color:#1a1a1a;"
    "background:#f4f5f7}"
    "main{max-width:34em;margin:2em auto;padding:1.5em 2em;background:#fff;"
    "border-radius:8px;box-shadow:0 1px 4px rgba(0,0,0,.15)}"
    "@media (max-width:30em){main{margin:0;padding:1em;border-radius:0}}"
    "h1{font-size:1.4em;margin-top:0}h2{font-size:1.1em}"
    "label{display:block;font-weight:600;margin:1em 0 .3em}"
    "label.check{display:flex;gap:.5em;align-items:flex-start;"
    "font-weight:400}"
    "input[type=text]{font-size:1.3em;padding:.3em .5em;width:12em;"
    "max-width:100%;box-sizing:border-box;letter-spacing:.1em;"
    "border:2px solid #666;border-radius:4px}"
    "input[aria-invalid=true]{border-color:#a51d2d;border-width:3px}"
    "input:focus,button:focus,a:focus,summary:focus,textarea:focus{"
    "outline:3px solid #1a5fb4;outline-offset:2px}"
    "button,.button{display:inline-block;margin:1em .5em 0 0;"
    "padding:.5em 1.2em;font-size:1em;color:#fff;background:#1a5fb4;"
    "border:0;border-radius:4px;text-decoration:none;cursor:pointer}"
    "button.secondary,.button.secondary{color:#1a5fb4;background:#fff;"
    "border:2px solid #1a5fb4;padding:.4em 1em}"
    "button:disabled{background:#6b6b6b;cursor:not-allowed}"
    "button.danger{background:#a51d2d}"
    ".error{color:#a51d2d;font-weight:600;border-left:4px solid #a51d2d;"
    "padding-left:.6em}"
    ".notice{border-left:4px solid #26a269;padding-left:.6em}"
    ".warning{border-left:4px solid #9c6500;padding-left:.6em}"
    ".qr svg{display:block;max-width:100%;height:auto}"
    "code,.secret{font-family:ui-monospace,monospace;font-size:1.1em}"
    ".secret{letter-spacing:.1em;word-spacing:.3em}"
    "ol.codes{columns:2 10em;font-size:1.1em}"
    "ol.codes code{white-space:nowrap}"
    "table{border-collapse:collapse;width:100%}"
    "th,td{text-align:left;padding:.3em .5em;border-bottom:1px solid #ddd}"
    "td.off{color:#a51d2d}"
    "textarea{width:100%;box-sizing:border-box;"
    "font-family:ui-monospace,monospace}"
    "details{margin-top:1.5em}summary{cursor:pointer}"
    "section{border-top:1px solid #ddd;margin-top:1.5em}"
    ".alt{margin-top:2em;font-size:.9em}.print{display:none}"
    ".offscreen{position:fixed;left:-100em}"
    "@media print{main>*{display:none}main>h1,main>ol.codes,"
    "main>.print{display:block}main{box-shadow:none}}";


/*
 * The pages' one script, under the CSP nonce: copy buttons (data-copy),
 * the print button, and buttons disabled during a lockout (data-wait
 * seconds) enabled again at its end.  Without it, nothing is lost: the
 * buttons it needs stay hidden, the text says when to try again.
 */

static const char  mfa_js[] =
    "(function(){'use strict';"
    "function q(s){return document.querySelectorAll(s);}"
    "function copied(b){var o=b.textContent;"
    "b.textContent=b.getAttribute('data-done');"
    "setTimeout(function(){b.textContent=o;},2000);}"
    "function copy(b){var t=b.getAttribute('data-copy');"
    "if(navigator.clipboard&&window.isSecureContext){"
    "navigator.clipboard.writeText(t).then(function(){copied(b);});return;}"
    "var a=document.createElement('textarea');a.value=t;"
    "a.className='offscreen';a.setAttribute('readonly','');"
    "document.body.appendChild(a);a.select();"
    "try{if(document.execCommand('copy')){copied(b);}}catch(e){}"
    "document.body.removeChild(a);b.focus();}"
    "q('[data-copy]').forEach(function(b){b.hidden=false;"
    "b.addEventListener('click',function(){copy(b);});});"
    "q('[data-print]').forEach(function(b){b.hidden=false;"
    "b.addEventListener('click',function(){window.print();});});"
    "q('[data-wait]').forEach(function(b){"
    "var s=parseInt(b.getAttribute('data-wait'),10);"
    "setTimeout(function(){b.disabled=false;"
    "var m=document.getElementById('lock');"
    "if(m){m.textContent=m.getAttribute('data-over');"
    "m.className='notice';}},s*1000);});"
    "})();";

static void mfa_html_head(const mfa_page_t *p, mfa_buf_t *b,
    mfa_text_e title);
static void mfa_html_tail(const mfa_page_t *p, mfa_buf_t *b);
static int mfa_html_is_error(mfa_msg_e msg);
static mfa_text_e mfa_html_msg_text(mfa_msg_e msg);
static void mfa_html_notice(const mfa_page_t *p, mfa_buf_t *b);
static void mfa_html_error(const mfa_page_t *p, mfa_buf_t *b,
    mfa_form_e form);
static int64_t mfa_html_wait(const mfa_page_t *p);
static void mfa_html_lock(const mfa_page_t *p, mfa_buf_t *b);
static void mfa_html_form(const mfa_page_t *p, mfa_buf_t *b,
    const char *page, const char *id);
static void mfa_html_code(const mfa_page_t *p, mfa_buf_t *b, const char *id,
    mfa_text_e label, int numeric, mfa_form_e form);
static void mfa_html_submit(const mfa_page_t *p, mfa_buf_t *b,
    const char *cls, mfa_text_e text);
static void mfa_html_link(mfa_buf_t *b, const char *id, const char *cls,
    const char *href, const char *text);
static void mfa_html_copy(const mfa_page_t *p, mfa_buf_t *b, const char *id,
    mfa_text_e label, const char *text, size_t len);
static int mfa_html_enroll(const mfa_page_t *p, mfa_buf_t *b,
    mfa_err_t *err);
static void mfa_html_codes(const mfa_page_t *p, mfa_buf_t *b);
static void mfa_html_challenge(const mfa_page_t *p, mfa_buf_t *b);
static void mfa_html_settings(const mfa_page_t *p, mfa_buf_t *b);
static void mfa_html_admin(const mfa_page_t *p, mfa_buf_t *b);
static void mfa_html_confirm(const mfa_page_t *p, mfa_buf_t *b);
static void mfa_html_company(const mfa_page_t *p, mfa_buf_t *b);
static void mfa_html_back(const mfa_page_t *p, mfa_buf_t *b);
static void mfa_html_date(const mfa_page_t *p, mfa_buf_t *b, int64_t when,
    mfa_text_e format);
static void mfa_html_message(const mfa_page_t *p, mfa_buf_t *b);
static void mfa_html_file_name(const mfa_page_t *p, mfa_buf_t *b);
static void mfa_html_file_line(const mfa_page_t *p, mfa_buf_t *t,
    mfa_text_e name, const char *value);
static void mfa_html_action(const mfa_page_t *p, mfa_buf_t *b,
    const char *action, mfa_form_e form, mfa_text_e title, mfa_text_e help);
static void mfa_html_member(const mfa_page_t *p, mfa_buf_t *b,
    const mfa_member_t *m);
static void mfa_html_wipe(void *p, size_t len);
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
        mfa_html_head(p, b, p->replace ? T_TITLE_REENROLL : T_TITLE_ENROLL);

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


/* the head; the title says "Error" first when the page reports one */

static void
mfa_html_head(const mfa_page_t *p, mfa_buf_t *b, mfa_text_e title)
{
    mfa_buf_str(b, "<!DOCTYPE html>\n<html lang=\"");
    mfa_buf_str(b, mfa_lang_name(p->lang));
    mfa_buf_str(b, "\"><head><meta charset=\"utf-8\">"
                "<meta name=\"viewport\" "
                "content=\"width=device-width, initial-scale=1\">"
                "<meta name=\"referrer\" content=\"no-referrer\"><title>");

    if (p->page != MFA_PAGE_MESSAGE && mfa_html_is_error(p->msg)) {
        mfa_buf_text(b, p, T_ERROR_PREFIX);
    }

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

    mfa_buf_str(b, "</main><script nonce=\"");
    mfa_buf_html(b, p->nonce, strlen(p->nonce));
    mfa_buf_str(b, "\">");
    mfa_buf_add(b, mfa_js, sizeof(mfa_js) - 1);
    mfa_buf_str(b, "</script></body></html>\n");
}


static int
mfa_html_is_error(mfa_msg_e msg)
{
    return msg == MFA_MSG_WRONG_CODE || msg == MFA_MSG_LOCKED
           || msg == MFA_MSG_EXPIRED || msg == MFA_MSG_CONFIRM;
}


/* the text of a message of a form page, T_COUNT for none */

static mfa_text_e
mfa_html_msg_text(mfa_msg_e msg)
{
    switch (msg) {
    case MFA_MSG_WRONG_CODE:  return T_MSG_WRONG_CODE;
    case MFA_MSG_EXPIRED:     return T_MSG_EXPIRED;
    case MFA_MSG_CONFIRM:     return T_MSG_CONFIRM;
    case MFA_MSG_DISABLED:    return T_MSG_DISABLED;
    case MFA_MSG_REGENERATED: return T_MSG_REGENERATED;
    case MFA_MSG_REENROLLED:  return T_MSG_REENROLLED;
    case MFA_MSG_ENROLLED:    return T_MSG_ENROLLED;
    case MFA_MSG_POLICY_ON:   return T_MSG_POLICY_ON;
    case MFA_MSG_POLICY_OFF:  return T_MSG_POLICY_OFF;
    default:                  return T_COUNT;
    }
}


/* a notice (role status), at the top of the page */

static void
mfa_html_notice(const mfa_page_t *p, mfa_buf_t *b)
{
    mfa_text_e  t;

    t = mfa_html_msg_text(p->msg);

    if (t == T_COUNT || mfa_html_is_error(p->msg)) {
        return;
    }

    mfa_buf_str(b, "<p id=\"notice\" class=\"notice\" role=\"status\">");
    mfa_buf_text(b, p, t);
    mfa_buf_str(b, "</p>\n");
}


/*
 * An error (role alert, id "error") where it belongs: in the form it is
 * about, above the field it describes.  A lockout is about no field:
 * mfa_html_lock() shows it at the top.
 */

static void
mfa_html_error(const mfa_page_t *p, mfa_buf_t *b, mfa_form_e form)
{
    mfa_text_e  t;

    t = mfa_html_msg_text(p->msg);

    if (t == T_COUNT || !mfa_html_is_error(p->msg) || form != p->form) {
        return;
    }

    if (p->msg == MFA_MSG_WRONG_CODE && form == MFA_FORM_RECOVERY) {
        t = T_MSG_WRONG_RECOVERY;
    }

    mfa_buf_str(b, "<p id=\"error\" class=\"error\" role=\"alert\">");
    mfa_buf_text(b, p, t);
    mfa_buf_str(b, "</p>\n");
}


/* the seconds of lockout shown: a refusal for one shows at least 1 */

static int64_t
mfa_html_wait(const mfa_page_t *p)
{
    if (p->wait > 0) {
        return p->wait;
    }

    return (p->msg == MFA_MSG_LOCKED) ? 1 : 0;
}


/* a lockout and its end: no code is checked until then */

static void
mfa_html_lock(const mfa_page_t *p, mfa_buf_t *b)
{
    int64_t  wait;

    wait = mfa_html_wait(p);

    if (wait == 0) {
        return;
    }

    mfa_buf_str(b, "<p id=\"lock\" class=\"error\" role=\"alert\" "
                "data-over=\"");
    mfa_buf_text(b, p, T_MSG_LOCKED_OVER);
    mfa_buf_str(b, "\">");
    mfa_buf_text(b, p, T_MSG_LOCKED);
    mfa_buf_str(b, " <time id=\"lock-end\">");
    mfa_html_date(p, b, p->now + wait, T_TIME_UTC);
    mfa_buf_str(b, "</time> (");
    mfa_buf_text(b, p, T_MSG_LOCKED_IN);

    if (wait < 120) {
        mfa_buf_printf(b, " %lld ", (long long) wait);
        mfa_buf_text(b, p, T_SECONDS);

    } else {
        mfa_buf_printf(b, " %lld ",
                       (long long) (wait / 60 + (wait % 60 != 0)));
        mfa_buf_text(b, p, T_MINUTES);
    }

    mfa_buf_str(b, ").</p>\n");
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


/*
 * A code field of form "form": flagged and focused when the page's error
 * is about that form; without an error, the page's first field (numeric)
 * has the focus.
 */

static void
mfa_html_code(const mfa_page_t *p, mfa_buf_t *b, const char *id,
    mfa_text_e label, int numeric, mfa_form_e form)
{
    int  error;

    error = (mfa_html_is_error(p->msg) && p->msg != MFA_MSG_LOCKED
             && p->msg != MFA_MSG_CONFIRM && p->form == form);

    mfa_buf_printf(b, "<label for=\"%s\">", id);
    mfa_buf_text(b, p, label);
    mfa_buf_printf(b, "</label><input type=\"text\" id=\"%s\" name=\"code\" "
                   "autocomplete=\"one-time-code\" required "
                   "spellcheck=\"false\" autocapitalize=\"none\" "
                   "maxlength=\"32\"", id);

    if (numeric) {
        mfa_buf_str(b, " inputmode=\"numeric\"");
    }

    if (error) {
        mfa_buf_str(b, " aria-invalid=\"true\" aria-describedby=\"error\" "
                    "autofocus");

    } else if (numeric && p->form == form && !mfa_html_is_error(p->msg)) {
        mfa_buf_str(b, " autofocus");
    }

    mfa_buf_str(b, ">");
}


/* a submit button; disabled until the end of a lockout */

static void
mfa_html_submit(const mfa_page_t *p, mfa_buf_t *b, const char *cls,
    mfa_text_e text)
{
    mfa_buf_str(b, "<br><button type=\"submit\"");

    if (cls != NULL) {
        mfa_buf_printf(b, " class=\"%s\"", cls);
    }

    if (mfa_html_wait(p) > 0) {
        mfa_buf_printf(b, " disabled data-wait=\"%lld\"",
                       (long long) mfa_html_wait(p));
    }

    mfa_buf_str(b, ">");
    mfa_buf_text(b, p, text);
    mfa_buf_str(b, "</button>");
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


/* a button that copies text; hidden, the script shows it */

static void
mfa_html_copy(const mfa_page_t *p, mfa_buf_t *b, const char *id,
    mfa_text_e label, const char *text, size_t len)
{
    mfa_buf_printf(b, "<button type=\"button\" id=\"%s\" class=\"secondary\" "
                   "hidden data-done=\"", id);
    mfa_buf_text(b, p, T_COPIED);
    mfa_buf_str(b, "\" data-copy=\"");
    mfa_buf_html(b, text, len);
    mfa_buf_str(b, "\">");
    mfa_buf_text(b, p, label);
    mfa_buf_str(b, "</button>");
}


/* the active company's name, or its id */

static void
mfa_html_company(const mfa_page_t *p, mfa_buf_t *b)
{
    const char  *name;

    name = (p->company_name != NULL && p->company_name[0] != '\0')
           ? p->company_name : p->company;

    mfa_buf_html(b, name, strlen(name));
}


static int
mfa_html_enroll(const mfa_page_t *p, mfa_buf_t *b, mfa_err_t *err)
{
    size_t  i, n;

    mfa_html_notice(p, b);

    if (p->replace) {
        mfa_buf_str(b, "<p>");
        mfa_buf_text(b, p, T_REENROLL_INTRO);
        mfa_buf_str(b, "</p>\n");

    } else {
        if (p->required) {
            /* why there is no way round it */
            mfa_buf_str(b, "<p id=\"required\" class=\"warning\">");

            if (p->company != NULL) {
                mfa_buf_str(b, "<strong>");
                mfa_html_company(p, b);
                mfa_buf_str(b, "</strong> ");
                mfa_buf_text(b, p, T_ENROLL_REQUIRED_BY);

            } else {
                mfa_buf_text(b, p, T_ENROLL_REQUIRED);
            }

            mfa_buf_str(b, "</p>\n");
        }

        mfa_buf_str(b, "<p>");
        mfa_buf_text(b, p, T_ENROLL_INTRO);
        mfa_buf_str(b, "</p>\n");
    }

    /* on a phone, the link first: there is nothing to scan with */

    mfa_buf_str(b, "<p>");
    mfa_html_link(b, "otpauth", NULL, p->otpauth, T(p, T_ENROLL_LINK));
    mfa_buf_str(b, "</p>\n<p>");
    mfa_buf_text(b, p, T_ENROLL_SCAN);
    mfa_buf_str(b, "</p>\n<div id=\"qr\" class=\"qr\">");

    if (mfa_qr_svg(p->qr_text, b, err) == MFA_ERROR) {
        return MFA_ERROR;
    }

    mfa_buf_str(b, "</div>\n<p>");
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

    mfa_buf_str(b, "</code><br>");
    mfa_html_copy(p, b, "copy-key", T_ENROLL_COPY, p->secret, n);
    mfa_buf_str(b, "</p>\n<p id=\"limit\">");
    mfa_buf_text(b, p, T_ENROLL_LIMIT);
    mfa_buf_str(b, "</p>\n");

    mfa_html_form(p, b, "enroll", "enroll-form");

    if (p->replace) {
        mfa_buf_str(b, "<input type=\"hidden\" name=\"replace\" "
                    "value=\"1\">");
    }

    mfa_html_error(p, b, MFA_FORM_CODE);
    mfa_html_code(p, b, "code", T_ENROLL_CODE, 1, MFA_FORM_CODE);
    mfa_html_submit(p, b, NULL,
                    p->replace ? T_REENROLL_SUBMIT : T_ENROLL_SUBMIT);

    if (p->replace || !p->required) {
        /* 2FA is optional here, or the old phone still works */
        mfa_buf_str(b, " ");
        mfa_html_link(b, "cancel", "button secondary", p->return_url,
                      T(p, T_CANCEL));
    }

    mfa_buf_str(b, "</form>\n");

    return MFA_OK;
}


/* the codes file's name: "<issuer>-recovery-codes.txt", safe characters */

static void
mfa_html_file_name(const mfa_page_t *p, mfa_buf_t *b)
{
    size_t       i, n;
    const char  *s;

    s = (p->issuer != NULL) ? p->issuer : "";
    n = 0;

    for (i = 0; s[i] != '\0' && n < 40; i++, n++) {
        if ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')
            || (s[i] >= '0' && s[i] <= '9') || s[i] == '.' || s[i] == '_')
        {
            mfa_buf_add(b, s + i, 1);

        } else {
            mfa_buf_str(b, "-");
        }
    }

    mfa_buf_str(b, n ? "-recovery-codes.txt" : "recovery-codes.txt");
}


/* a "Name: value" line of the codes file */

static void
mfa_html_file_line(const mfa_page_t *p, mfa_buf_t *t, mfa_text_e name,
    const char *value)
{
    if (value == NULL || value[0] == '\0') {
        return;
    }

    mfa_buf_str(t, T(p, name));
    mfa_buf_str(t, " ");
    mfa_buf_add(t, value, strnlen(value, 255));
    mfa_buf_str(t, "\n");
}


static void
mfa_html_codes(const mfa_page_t *p, mfa_buf_t *b)
{
    char       codes[MFA_RECOVERY_COUNT * (MFA_RECOVERY_LEN + 1) + 1];
    char       file[2048];
    char       uri[sizeof(file) * 3];
    char       date[64];
    size_t     i, n;
    time_t     now;
    mfa_buf_t  t;
    struct tm  tm;

    mfa_html_notice(p, b);

    mfa_buf_str(b, "<p>");
    mfa_buf_text(b, p, T_CODES_INTRO);
    mfa_buf_str(b, "</p>\n<ol id=\"recovery-codes\" class=\"codes\">");

    n = 0;

    for (i = 0; i < p->ncodes && i < MFA_RECOVERY_COUNT; i++) {
        mfa_buf_str(b, "<li><code>");
        mfa_buf_html(b, p->codes[i], strlen(p->codes[i]));
        mfa_buf_str(b, "</code></li>");

        memcpy(codes + n, p->codes[i], MFA_RECOVERY_LEN);
        n += MFA_RECOVERY_LEN;
        codes[n++] = '\n';
    }

    codes[n] = '\0';

    /* the file: who and where the codes are for, then the codes */

    now = (time_t) p->now;
    date[0] = '\0';

    if (gmtime_r(&now, &tm) != NULL) {
        (void) strftime(date, sizeof(date), T(p, T_DATE_UTC), &tm);
    }

    mfa_buf_init(&t, file, sizeof(file));
    mfa_html_file_line(p, &t, T_CODES_FILE_TITLE, p->issuer);
    mfa_html_file_line(p, &t, T_CODES_FILE_ACCOUNT, p->user);
    mfa_html_file_line(p, &t, T_CODES_FILE_SITE, p->site);
    mfa_html_file_line(p, &t, T_CODES_FILE_DATE, date);
    mfa_buf_str(&t, T(p, T_CODES_FILE_ONCE));
    mfa_buf_str(&t, "\n\n");
    mfa_buf_add(&t, codes, n);

    mfa_buf_str(b, "</ol>\n<p class=\"print\">");
    mfa_buf_html(b, file, t.len > n ? t.len - n : 0);
    mfa_buf_str(b, "</p>\n<p>");
    mfa_html_copy(p, b, "copy-codes", T_CODES_COPY_BUTTON, codes, n);
    mfa_buf_str(b, " <button type=\"button\" id=\"print\" class=\"secondary\" "
                "hidden data-print>");
    mfa_buf_text(b, p, T_CODES_PRINT);
    mfa_buf_str(b, "</button> <a id=\"download\" class=\"button secondary\" "
                "download=\"");
    mfa_html_file_name(p, b);
    mfa_buf_str(b, "\" href=\"data:text/plain;charset=utf-8,");

    if (mfa_buf_status(&t) == MFA_OK) {
        mfa_buf_add(b, uri, mfa_percent_encode(file, t.len, uri));
    }

    mfa_buf_str(b, "\">");
    mfa_buf_text(b, p, T_CODES_DOWNLOAD);
    mfa_buf_str(b, "</a></p>\n<label for=\"recovery-text\">");
    mfa_buf_text(b, p, T_CODES_COPY);
    mfa_buf_printf(b, "</label><textarea id=\"recovery-text\" readonly "
                   "rows=\"%zu\">", i);
    mfa_buf_html(b, codes, n);
    mfa_buf_str(b, "</textarea>\n<p>");
    mfa_html_link(b, "continue", "button", p->return_url, T(p, T_CONTINUE));
    mfa_buf_str(b, "</p>\n");

    mfa_html_wipe(file, sizeof(file));
    mfa_html_wipe(uri, sizeof(uri));
    mfa_html_wipe(codes, sizeof(codes));
}


static void
mfa_html_challenge(const mfa_page_t *p, mfa_buf_t *b)
{
    mfa_html_lock(p, b);

    mfa_buf_str(b, "<p>");
    mfa_buf_text(b, p, T_CHALLENGE_INTRO);
    mfa_buf_str(b, "</p>\n");

    mfa_html_form(p, b, "challenge", "challenge-form");
    mfa_html_error(p, b, MFA_FORM_CODE);
    mfa_html_code(p, b, "code", T_CHALLENGE_CODE, 1, MFA_FORM_CODE);
    mfa_html_submit(p, b, NULL, T_CHALLENGE_SUBMIT);
    mfa_buf_str(b, "</form>\n<details");

    if (p->form == MFA_FORM_RECOVERY) {
        mfa_buf_str(b, " open");
    }

    mfa_buf_str(b, "><summary>");
    mfa_buf_text(b, p, T_CHALLENGE_RECOVERY);
    mfa_buf_str(b, "</summary>");
    mfa_html_form(p, b, "challenge", "recovery-form");
    mfa_buf_str(b, "<input type=\"hidden\" name=\"form\" value=\"recovery\">");
    mfa_html_error(p, b, MFA_FORM_RECOVERY);
    mfa_html_code(p, b, "recovery-code", T_RECOVERY_CODE, 0,
                  MFA_FORM_RECOVERY);
    mfa_html_submit(p, b, NULL, T_CHALLENGE_SUBMIT);
    mfa_buf_str(b, "</form></details>\n");
}


/* a settings section: a title, a help text, a form with a code field */

static void
mfa_html_action(const mfa_page_t *p, mfa_buf_t *b, const char *action,
    mfa_form_e form, mfa_text_e title, mfa_text_e help)
{
    char  id[32];

    mfa_buf_printf(b, "<section id=\"%s\"><h2>", action);
    mfa_buf_text(b, p, title);
    mfa_buf_str(b, "</h2><p>");
    mfa_buf_text(b, p, help);
    mfa_buf_str(b, "</p>");
    snprintf(id, sizeof(id), "%s-form", action);
    mfa_html_form(p, b, "settings", id);
    mfa_buf_printf(b, "<input type=\"hidden\" name=\"action\" value=\"%s\">",
                   action);
    mfa_html_error(p, b, form);
    snprintf(id, sizeof(id), "%s-code", action);
    mfa_html_code(p, b, id, T_SETTINGS_CODE, 0, form);

    if (form == MFA_FORM_DISABLE) {
        mfa_buf_str(b, "<label class=\"check\"><input type=\"checkbox\" "
                    "name=\"confirm\" value=\"1\" id=\"disable-confirm\" "
                    "required");

        if (p->msg == MFA_MSG_CONFIRM && p->form == form) {
            mfa_buf_str(b, " aria-invalid=\"true\" aria-describedby=\"error\" "
                        "autofocus");
        }

        mfa_buf_str(b, "><span>");
        mfa_buf_text(b, p, T_SETTINGS_DISABLE_CONFIRM);
        mfa_buf_str(b, "</span></label>");
    }

    mfa_html_submit(p, b, form == MFA_FORM_DISABLE ? "danger" : NULL, title);
    mfa_buf_str(b, "</form></section>\n");
}


static void
mfa_html_settings(const mfa_page_t *p, mfa_buf_t *b)
{
    mfa_html_notice(p, b);

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
    mfa_html_date(p, b, p->since, T_DATE_UTC);
    mfa_buf_str(b, "</time>.</p>\n<p>");
    mfa_buf_text(b, p, T_SETTINGS_LEFT);
    mfa_buf_printf(b, " <strong id=\"codes-left\">%ld</strong></p>\n",
                   p->codes_left);

    if (p->codes_left <= MFA_CODES_LOW) {
        mfa_buf_str(b, "<p id=\"codes-low\" class=\"warning\">");
        mfa_buf_text(b, p, T_SETTINGS_LOW);
        mfa_buf_str(b, "</p>\n");
    }

    mfa_html_lock(p, b);

    mfa_html_action(p, b, "regenerate", MFA_FORM_REGENERATE,
                    T_SETTINGS_REGENERATE, T_SETTINGS_REGENERATE_HELP);
    mfa_html_action(p, b, "reenroll", MFA_FORM_REENROLL,
                    T_SETTINGS_REENROLL, T_SETTINGS_REENROLL_HELP);

    /* under a mandate, turning it off stays possible; the help says
       what follows, and points to the new phone instead */

    mfa_html_action(p, b, "disable", MFA_FORM_DISABLE, T_SETTINGS_DISABLE,
                    p->required ? T_SETTINGS_REQUIRED
                                : T_SETTINGS_DISABLE_HELP);

    mfa_html_back(p, b);
}


/* the link back to where the user was, at the foot of a page */

static void
mfa_html_back(const mfa_page_t *p, mfa_buf_t *b)
{
    mfa_buf_str(b, "<p class=\"alt\">");
    mfa_html_link(b, "back", NULL, p->return_url, T(p, T_BACK));
    mfa_buf_str(b, "</p>\n");
}


/* a Unix time as a UTC date (or time), in the page's language */

static void
mfa_html_date(const mfa_page_t *p, mfa_buf_t *b, int64_t when,
    mfa_text_e format)
{
    char       date[64];
    time_t     t;
    struct tm  tm;

    t = (time_t) when;

    if (gmtime_r(&t, &tm) == NULL
        || strftime(date, sizeof(date), T(p, format), &tm) == 0)
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

    if (p->confirm) {
        mfa_html_confirm(p, b);
        return;
    }

    mfa_html_notice(p, b);

    mfa_buf_str(b, "<p>");
    mfa_buf_text(b, p, T_ADMIN_COMPANY);
    mfa_buf_str(b, " <strong id=\"company\">");
    mfa_html_company(p, b);
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
        mfa_html_date(p, b, p->changed_at, T_DATE_UTC);
        mfa_buf_str(b, "</time> ");
        mfa_buf_text(b, p, T_ADMIN_BY);
        mfa_buf_str(b, " <span id=\"changed-by\">");
        mfa_buf_html(b, p->changed_by, strlen(p->changed_by));
        mfa_buf_str(b, "</span>.</p>");
    }

    /* the switch only asks: the confirmation step changes the policy */

    mfa_html_form(p, b, "admin", "policy-form");
    mfa_buf_printf(b, "<input type=\"hidden\" name=\"require_2fa\" "
                   "value=\"%d\">", p->required ? 0 : 1);

    if (!p->required) {
        mfa_buf_str(b, "<p>");
        mfa_buf_text(b, p, T_ADMIN_ON_HELP);
        mfa_buf_str(b, "</p><button type=\"submit\">");
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

    mfa_buf_printf(b, "<p id=\"members-use\"><strong id=\"enrolled-count\">"
                   "%zu</strong> ", enrolled);
    mfa_buf_text(b, p, T_ADMIN_OF);
    mfa_buf_printf(b, " <strong id=\"members-count\">%zu</strong> ",
                   p->members_total);
    mfa_buf_text(b, p, T_ADMIN_USE);
    mfa_buf_str(b, "</p>");

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
        mfa_html_member(p, b, m);
        mfa_buf_printf(b, "</td><td class=\"%s\">",
                       m->since > 0 ? "on" : "off");

        if (m->since > 0) {
            mfa_buf_text(b, p, T_ADMIN_ON_SINCE);
            mfa_buf_str(b, " ");
            mfa_html_date(p, b, m->since, T_DATE_UTC);

        } else {
            mfa_buf_text(b, p, T_ADMIN_OFF);
        }

        if (m->locked_until > p->now) {
            mfa_buf_str(b, "; ");
            mfa_buf_text(b, p, T_ADMIN_LOCKED);
            mfa_buf_str(b, " ");
            mfa_html_date(p, b, m->locked_until, T_DATE_UTC);
        }

        mfa_buf_str(b, "</td></tr>");
    }

    mfa_buf_str(b, "</tbody></table></section>\n");
    mfa_html_back(p, b);
}


/* a member's id, "(you)" after the admin's own */

static void
mfa_html_member(const mfa_page_t *p, mfa_buf_t *b, const mfa_member_t *m)
{
    mfa_buf_html(b, m->id, strlen(m->id));

    if (p->user != NULL && strcmp(m->id, p->user) == 0) {
        mfa_buf_str(b, " ");
        mfa_buf_text(b, p, T_ADMIN_YOU);
    }
}


/*
 * The confirmation step of a policy change: who will be stopped at their
 * next click (members without 2FA, the admin included), or what turning
 * it off means; "Yes" sends the change with confirm=1, "Cancel" goes
 * back.  Nothing has the focus: one Enter changes nothing.
 */

static void
mfa_html_confirm(const mfa_page_t *p, mfa_buf_t *b)
{
    size_t  i, affected;

    mfa_buf_str(b, "<section id=\"confirm\"><h2>");
    mfa_buf_text(b, p, p->required ? T_ADMIN_CONFIRM_OFF
                                   : T_ADMIN_CONFIRM_ON);
    mfa_buf_str(b, " <span id=\"company\">");
    mfa_html_company(p, b);
    mfa_buf_str(b, "</span>?</h2>");

    if (p->required) {
        mfa_buf_str(b, "<p>");
        mfa_buf_text(b, p, T_ADMIN_CONFIRM_OFF_HELP);
        mfa_buf_str(b, "</p>");

    } else if (!p->members_known) {
        mfa_buf_str(b, "<p id=\"members-unknown\">");
        mfa_buf_text(b, p, T_ADMIN_CONFIRM_UNKNOWN);
        mfa_buf_str(b, "</p>");

    } else {
        affected = 0;

        for (i = 0; i < p->nmembers; i++) {
            affected += (p->members[i].since <= 0);
        }

        if (affected == 0 && p->nmembers == p->members_total) {
            mfa_buf_str(b, "<p id=\"affected-none\">");
            mfa_buf_text(b, p, T_ADMIN_CONFIRM_NONE);
            mfa_buf_str(b, "</p>");

        } else {
            mfa_buf_str(b, "<p>");
            mfa_buf_text(b, p, T_ADMIN_CONFIRM_LIST);
            mfa_buf_str(b, "</p><ul id=\"affected\">");

            for (i = 0; i < p->nmembers; i++) {
                if (p->members[i].since <= 0) {
                    mfa_buf_str(b, "<li>");
                    mfa_html_member(p, b, &p->members[i]);
                    mfa_buf_str(b, "</li>");
                }
            }

            mfa_buf_str(b, "</ul>");

            if (p->nmembers < p->members_total) {
                mfa_buf_str(b, "<p>");
                mfa_buf_text(b, p, T_ADMIN_FIRST);
                mfa_buf_str(b, "</p>");
            }
        }
    }

    mfa_html_form(p, b, "admin", "confirm-form");
    mfa_buf_printf(b, "<input type=\"hidden\" name=\"require_2fa\" "
                   "value=\"%d\"><input type=\"hidden\" name=\"confirm\" "
                   "value=\"1\"><button type=\"submit\" id=\"yes\"%s>",
                   p->required ? 0 : 1,
                   p->required ? " class=\"danger\"" : "");
    mfa_buf_text(b, p, p->required ? T_ADMIN_YES_OFF : T_ADMIN_YES_ON);
    mfa_buf_str(b, "</button> <a id=\"cancel\" class=\"button secondary\" "
                "href=\"");
    mfa_buf_html(b, p->pages, strlen(p->pages));
    mfa_buf_str(b, "admin\">");
    mfa_buf_text(b, p, T_CANCEL);
    mfa_buf_str(b, "</a></form></section>\n");
}


static void
mfa_html_message(const mfa_page_t *p, mfa_buf_t *b)
{
    int         retry;
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
    case MFA_MSG_NOT_SAVED:
        title = T_TITLE_NOT_SAVED;
        text = T_MSG_NOT_SAVED;
        break;
    case MFA_MSG_NOT_ADMIN:
        title = T_TITLE_NOT_ADMIN;
        text = T_MSG_NOT_ADMIN;
        break;
    case MFA_MSG_RATE:
        title = T_TITLE_RATE;
        text = T_MSG_RATE;
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

    /* unavailable or not saved: the same page again is the way on */

    retry = (p->msg == MFA_MSG_UNAVAILABLE || p->msg == MFA_MSG_NOT_SAVED);

    mfa_html_link(b, "back", retry ? "button" : NULL, p->return_url,
                  T(p, retry ? T_RETRY : T_BACK));
    mfa_buf_str(b, "</p>\n");
}


/* what held codes in the clear, wiped in a way the compiler keeps */

static void
mfa_html_wipe(void *p, size_t len)
{
    volatile unsigned char  *v = p;

    while (len--) {
        *v++ = 0;
    }
}
