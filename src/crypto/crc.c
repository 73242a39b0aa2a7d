/*
 * The ISO/IEC 3309 / ISO/IEC 13239 frame check sequences behind Java Card's Checksum
 * (ALG_ISO3309_CRC16, ALG_ISO3309_CRC32). A CRC is error detection, not cryptography, so it is
 * computed here in plain C rather than through OpenSSL (which has no CRC).
 *
 * Both CRCs are the reflected (LSB-first) forms the standard transmits: each input byte is
 * XORed into the low end of the register and shifted out bit by bit against the reflected
 * polynomial. Bitwise rather than table-driven: the inputs are APDU-sized and the code stays
 * obviously correct. The update functions carry no initial value and no final XOR, so that a
 * caller can choose both (see seam/crypto_ext.h).
 */
#include "crypto/crypto_int.h"

#define CRC16_POLY_REFLECTED 0x8408u     /* x^16 + x^12 + x^5 + 1 */
#define CRC32_POLY_REFLECTED 0xEDB88320u /* 0x04C11DB7 reflected */

uint16_t cr_crc16_update(uint16_t reg, const uint8_t *p, size_t len)
{
    if (!p) return reg;
    for (size_t i = 0; i < len; i++) {
        reg ^= p[i];
        for (int b = 0; b < 8; b++)
            reg = (uint16_t)((reg & 1) ? (reg >> 1) ^ CRC16_POLY_REFLECTED : reg >> 1);
    }
    return reg;
}

uint32_t cr_crc32_update(uint32_t reg, const uint8_t *p, size_t len)
{
    if (!p) return reg;
    for (size_t i = 0; i < len; i++) {
        reg ^= p[i];
        for (int b = 0; b < 8; b++)
            reg = (reg & 1) ? (reg >> 1) ^ CRC32_POLY_REFLECTED : reg >> 1;
    }
    return reg;
}

uint16_t cr_crc16_x25(const uint8_t *p, size_t len)
{
    return (uint16_t)(cr_crc16_update(0xFFFF, p, len) ^ 0xFFFF);
}

uint32_t cr_crc32(const uint8_t *p, size_t len)
{
    return cr_crc32_update(0xFFFFFFFFu, p, len) ^ 0xFFFFFFFFu;
}
