/*
 * The GlobalPlatform registry (GP CS 2.3.1 §5.3): one store object per entry (ISD, SSDs,
 * applications, load files), in store id order, which is creation order.
 *
 * Entries are read straight from the store's RAM image and checked on every read, so a damaged
 * record is never used (the card refuses to start on one, see check_image in src/se/os/card.c).
 */
#include <string.h>

#include "se/se_int.h"

const se_reg_rec *reg_get(se *s, store_id id)
{
    uint32_t owner;
    uint16_t type;
    size_t size;
    if (!id || store_info(s->st, id, &owner, &type, &size) != SEAM_OK) return NULL;
    if (type != SE_OBJ_REGISTRY || size != sizeof(se_reg_rec)) return NULL;
    const se_reg_rec *r = (const se_reg_rec *)store_view(s->st, id, &size);
    if (!r || r->aid_len < 5 || r->aid_len > 16) return NULL;
    if (r->kind < REG_KIND_ISD || r->kind > REG_KIND_LOAD_FILE) return NULL;
    return r;
}

store_id reg_find(se *s, const uint8_t *aid, size_t aid_len, bool partial, store_id after,
                  bool selectable_only)
{
    (void)selectable_only; /* selectability is the OS's rule, see is_selectable() */
    for (store_id id = store_next(s->st, after); id; id = store_next(s->st, id)) {
        uint32_t owner;
        uint16_t type;
        size_t size;
        if (store_info(s->st, id, &owner, &type, &size) != SEAM_OK || type != SE_OBJ_REGISTRY)
            continue;
        const se_reg_rec *r = reg_get(s, id);
        if (!r) continue;
        if (partial ? (aid_len <= r->aid_len && memcmp(r->aid, aid, aid_len) == 0)
                    : (aid_len == r->aid_len && memcmp(r->aid, aid, aid_len) == 0))
            return id;
    }
    return 0;
}
