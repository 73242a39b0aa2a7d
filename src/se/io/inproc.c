/*
 * The in-process transport: an SE in the same program, as the host library's seam_card_fns
 * (include/seam/transport.h) wants it. Host code never includes se.h, so the program that owns
 * both (the CLI, tests, benchmarks) joins them with se_card_fns(); this is the one copy of
 * that glue.
 */
#include "seam/se.h"

static seam_err inproc_transmit(void *ctx, const uint8_t *cmd, size_t len, uint8_t *resp,
                                size_t cap, size_t *resp_len)
{
    return se_transmit(ctx, cmd, len, resp, cap, resp_len);
}

static seam_err inproc_reset(void *ctx, uint8_t *atr, size_t cap, size_t *atr_len)
{
    return se_reset(ctx, atr, cap, atr_len);
}

seam_card_fns se_card_fns(se *s)
{
    seam_card_fns f = {inproc_transmit, inproc_reset, s};
    return f;
}
