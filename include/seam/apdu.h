/*
 * ISO/IEC 7816-4 command and response APDUs (§5.1–5.3), CLA coding of logical channels and
 * command chaining (§5.4.1, §5.1.1.1).
 *
 * apdu_parse() is strict: a buffer is a case 1, 2S, 3S, 4S, 2E, 3E or 4E command exactly as
 * §5.1 defines, or SEAM_E_FORMAT (the card answers SW_WRONG_LENGTH). Lc = 0 in the short form
 * is not a case 3 command (it reads as case 2 with Le = 256 when the buffer is 5 bytes).
 */
#ifndef SEAM_APDU_H
#define SEAM_APDU_H

#include "seam/base.h"

#define APDU_MAX_DATA 65535
#define APDU_MAX_COMMAND (7 + 65535 + 3)
#define APDU_MAX_RESPONSE (65536 + 2)

typedef struct {
    uint8_t cla, ins, p1, p2;
    const uint8_t *data; /* points into the parsed buffer, NULL when lc == 0 */
    size_t lc;           /* Nc */
    size_t le;           /* Ne: 0 when absent; 256 or 65536 for "00"/"0000" */
    bool has_le;
    bool extended;     /* the command used the extended length form */
    uint8_t apdu_case; /* 1..4 */
} apdu_cmd;

seam_err apdu_parse(const uint8_t *buf, size_t len, apdu_cmd *out);

/* Encodes a command, choosing the short form when lc <= 255 and le <= 256, else extended
 * (force_extended chooses it always). le == 0 with has_le false means no Le field. */
seam_err apdu_encode(const apdu_cmd *cmd, bool force_extended, uint8_t *out, size_t cap,
                     size_t *out_len);

/* CLA byte (ISO 7816-4 §5.4.1). First interindustry values (b8..b6 = 000): channels 0–3 in
 * b2b1, secure messaging in b4b3, chaining in b5. Further interindustry (b7 = 1): channels
 * 4–19 as 4 + b4..b1, SM in b6, chaining in b5. b8 = 1 marks a proprietary class (GP uses
 * 80/84 with the same channel and chaining bits as the interindustry forms). CLA 'FF' is
 * invalid. */
typedef struct {
    bool proprietary;      /* b8 set: GlobalPlatform '8x'/'Cx'/'Ex' */
    uint8_t channel;       /* 0..19 */
    bool chaining;         /* b5: more commands of this chain follow */
    bool secure_messaging; /* any SM indication ('84', '04', b6 in further classes) */
} apdu_cla;

seam_err apdu_cla_decode(uint8_t cla, apdu_cla *out);
/* Builds a CLA for a channel, keeping the class family (proprietary or not) and SM bit. SM in
 * the first interindustry form is coded b4b3 = 01 (as GP's '84'). Returns the invalid 'FF' when
 * channel > 19 (and for proprietary channel 19 with SM and chaining, which would be 'FF'). */
uint8_t apdu_cla_encode(bool proprietary, uint8_t channel, bool secure_messaging, bool chaining);

#endif
