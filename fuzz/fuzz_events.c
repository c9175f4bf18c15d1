
/*
 * Fuzz target for the keyspace events' channels and the probe's
 * bookkeeping (src/mfa_events.c), against a model written apart.
 *
 * The first byte splits the input: a channel name (its event must be -1
 * or the one whose name ends "__keyevent@<digits>__:"; the same bytes,
 * read as INFO's text, must not trip the stamp's reader),
 * and the rest as a
 * stream of events heard, two bytes each: an event (one of those the probe
 * writes, or another) and a key (a round near the latest, another
 * worker's key, or garbage).  A round the core says is proven must be one
 * the model proves: its "set" heard after its "new", "hset" and "del"
 * since its first event, and the previous round's "expired" (unless it is
 * the first on its connection).
 */


#define _GNU_SOURCE    /* memmem() */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mfa_events.h"
#include "fuzz.h"


#define BASE  "mfa:probe:0123456789abcdef:"


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static void fuzz_channel(const char *channel, size_t len);
static void fuzz_stamp(const char *text, size_t len);


static void
fuzz_channel(const char *channel, size_t len)
{
    int     e;
    char    name[MFA_EVENTS_CHANNEL_MAX];
    size_t  i, n;

    e = mfa_events_event(channel, len);

    if (e < 0) {
        return;
    }

    FUZZ_CHECK(e < MFA_EVENTS);
    FUZZ_CHECK(len > 11 && memcmp(channel, "__keyevent@", 11) == 0);

    for (i = 11; i < len && channel[i] >= '0' && channel[i] <= '9'; i++) {
        /* void */
    }

    FUZZ_CHECK(i > 11 && len - i >= 3 && memcmp(channel + i, "__:", 3) == 0);

    /* the name is the event's: as database 0's channel names it */
    n = mfa_events_channel(name, 0, (mfa_event_t) e);
    FUZZ_CHECK(n > 15);
    FUZZ_CHECK(len - i - 3 == n - 15);
    FUZZ_CHECK(memcmp(channel + i + 3, name + 15, n - 15) == 0);
}


/* as INFO's text: read within its bytes; a count is what its line says */
static void
fuzz_stamp(const char *text, size_t len)
{
    char                *copy;
    const char          *p;
    unsigned long long   calls;
    mfa_events_stamp_t   st;

    /* an exact-size copy: ASan sees a read past it */
    copy = malloc(len ? len : 1);
    FUZZ_CHECK(copy != NULL);
    memcpy(copy, text, len);

    if (mfa_events_stamp(copy, len, &st) == MFA_OK) {
        FUZZ_CHECK(memmem(copy, len, "# Stats", 7) != NULL);
        FUZZ_CHECK(memmem(copy, len, "# Commandstats", 14) != NULL);

        /* a count read is one of the text's lines (NUL-free text only) */
        if (st.swapdb != 0 && memchr(copy, '\0', len) == NULL) {
            char  *z = malloc(len + 1);

            FUZZ_CHECK(z != NULL);
            memcpy(z, copy, len);
            z[len] = '\0';
            /* the first line that starts so (the header is the first) */
            p = strstr(z, "\ncmdstat_swapdb:calls=");
            FUZZ_CHECK(p != NULL);
            FUZZ_CHECK(sscanf(p + 22, "%llu", &calls) == 1);
            FUZZ_CHECK(calls == st.swapdb);
            free(z);
        }
    }

    free(copy);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int          event;
    char         key[sizeof(BASE) + 20];
    size_t       cut, i, len;
    uint64_t     round, proven, latest, first, m_round, m_expired;
    unsigned     m_heard;
    mfa_str_t    base, k;
    mfa_probe_t  p;

    if (size == 0) {
        return 0;
    }

    cut = data[0] < size - 1 ? data[0] : size - 1;
    fuzz_channel((const char *) data + 1, cut);
    fuzz_stamp((const char *) data + 1, cut);

    data += 1 + cut;
    size -= 1 + cut;

    memset(&p, 0, sizeof(p));
    base.data = BASE;
    base.len = sizeof(BASE) - 1;
    latest = 1;
    first = 1;
    m_round = 0;
    m_heard = 0;
    m_expired = 0;

    for (i = 0; i + 1 < size; i += 2) {
        event = (data[i] % (MFA_EVENTS + 1)) - 1;

        /* a new write connection now and then: its first round */
        if (data[i] == 0xff) {
            first = latest;
        }

        round = 0;

        switch (data[i + 1] >> 6) {

        case 0:
        case 1:
            /* the latest round, the one before, or a new one */
            round = latest - (latest > 1 ? (data[i + 1] & 1) : 0)
                    + ((data[i + 1] & 0x3e) == 0x3e);
            latest = round > latest ? round : latest;
            len = mfa_probe_key(key, base, round);
            break;

        case 2:
            len = (size_t) snprintf(key, sizeof(key),
                                    "mfa:probe:fedcba9876543210:%u",
                                    data[i + 1] & 0x3f);
            break;

        default:
            len = (size_t) snprintf(key, sizeof(key), BASE "%c%u",
                                    "0x- "[data[i + 1] & 3],
                                    data[i + 1] & 0x3f);
            break;
        }

        k.data = key;
        k.len = len;

        proven = mfa_probe_heard(&p, base, event, k, first);

        /* the model: only a key of this worker with a round counts */

        if (round == 0 || event < 0) {
            FUZZ_CHECK(proven == 0);
            continue;
        }

        if (event == MFA_EVENT_EXPIRED) {
            m_expired = round > m_expired ? round : m_expired;
            FUZZ_CHECK(proven == 0);
            continue;
        }

        if (round != m_round) {
            m_round = round;
            m_heard = 0;
        }

        if (event != MFA_EVENT_SET) {
            m_heard |= 1u << event;
            FUZZ_CHECK(proven == 0);
            continue;
        }

        if ((m_heard & (1u << MFA_EVENT_NEW)) && (m_heard & (1u << MFA_EVENT_HSET))
            && (m_heard & (1u << MFA_EVENT_DEL))
            && (round == first || m_expired == round - 1))
        {
            FUZZ_CHECK(proven == round);
            m_heard = 0;

        } else {
            FUZZ_CHECK(proven == 0);
        }
    }

    return 0;
}
