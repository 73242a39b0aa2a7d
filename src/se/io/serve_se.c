/*
 * The secure element behind the serve loops (include/seam/serve.h): se_serve_vpcd and
 * se_serve_listen glue se.h to the callback loops of serve.c.
 *
 * Kept apart from serve.c so that a program (or a test) that serves a card of its own through
 * the callback loops does not need the SE linked in.
 */
#include "seam/serve.h"

#include <string.h>
#include <unistd.h>

#include "seam/frame.h"

static seam_err se_cb_reset(void *ctx, uint8_t *atr, size_t cap, size_t *atr_len)
{
    return se_reset(ctx, atr, cap, atr_len);
}

static seam_err se_cb_transmit(void *ctx, const uint8_t *cmd, size_t len, uint8_t *resp, size_t cap,
                               size_t *resp_len)
{
    return se_transmit(ctx, cmd, len, resp, cap, resp_len);
}

seam_err se_serve_vpcd(se *s, const char *host, uint16_t port, volatile int *stop)
{
    if (!s) return SEAM_E_ARG;
    se_serve_card card = {se_cb_reset, se_cb_transmit, s};
    return se_serve_vpcd_card(&card, host, port, stop);
}

seam_err se_serve_listen(se *s, const char *spec, volatile int *stop)
{
    if (!s || !spec) return SEAM_E_ARG;
    int fd = -1;
    seam_err e = frame_listen(spec, &fd);
    if (e != SEAM_OK) {
        seam_log(SEAM_LOG_ERROR, "serve: cannot listen on %s: %s", spec, seam_strerror(e));
        return e;
    }
    se_serve_card card = {se_cb_reset, se_cb_transmit, s};
    e = se_serve_fd_card(&card, fd, stop);
    close(fd);
    if (!strncmp(spec, "unix:", 5)) unlink(spec + 5);
    return e;
}
