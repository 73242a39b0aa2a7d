/*
 * The GlobalPlatform registry (GP CS 2.3.1 §5.3): one store object per entry (ISD, SSDs,
 * applications, load files), in store id order.
 *
 * Entries are read straight from the store's RAM image and checked on every read, so a damaged
 * record is never used (the card refuses to start on one, see check_image in src/se/os/card.c).
 *
 * The store also holds the Java Card heap (thousands of objects), so lookups do not walk the
 * store: a RAM index (s->reg_ids, ascending ids, at most REG_INDEX_MAX) lists the registry
 * entries. It is filled by the power-up scan and changed only after the store transaction that
 * created or freed entries has committed; an aborted transaction restores the store to the state
 * the index still describes. Invariant: outside a content management transaction, the index
 * holds exactly the ids of the store's SE_OBJ_REGISTRY objects.
 */
#include <stdlib.h>
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

seam_err reg_index_reset(se *s)
{
    if (!s->reg_ids) {
        s->reg_ids = calloc(REG_INDEX_MAX, sizeof *s->reg_ids);
        if (!s->reg_ids) return SEAM_E_NOMEM;
    }
    s->reg_n = 0;
    return SEAM_OK;
}

void reg_index_free(se *s)
{
    free(s->reg_ids);
    s->reg_ids = NULL;
    s->reg_n = 0;
}

/* Position of the first indexed id greater than `after`. */
static size_t upper_bound(const se *s, store_id after)
{
    size_t lo = 0, hi = s->reg_n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->reg_ids[mid] <= after)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

seam_err reg_index_add(se *s, store_id id)
{
    if (!s->reg_ids) return SEAM_E_STATE;
    size_t i = upper_bound(s, id);
    if (i > 0 && s->reg_ids[i - 1] == id) return SEAM_OK;
    if (s->reg_n >= REG_INDEX_MAX) return SEAM_E_FULL;
    memmove(s->reg_ids + i + 1, s->reg_ids + i, (s->reg_n - i) * sizeof *s->reg_ids);
    s->reg_ids[i] = id;
    s->reg_n++;
    return SEAM_OK;
}

void reg_index_prune(se *s)
{
    size_t k = 0;
    for (size_t i = 0; i < s->reg_n; i++)
        if (reg_get(s, s->reg_ids[i])) s->reg_ids[k++] = s->reg_ids[i];
    s->reg_n = k;
}

bool reg_index_room(se *s, size_t n)
{
    return s->reg_n <= REG_INDEX_MAX && n <= REG_INDEX_MAX - s->reg_n;
}

store_id reg_next(se *s, store_id after)
{
    if (!s->reg_ids) return 0;
    size_t i = upper_bound(s, after);
    return i < s->reg_n ? s->reg_ids[i] : 0;
}

store_id reg_find(se *s, const uint8_t *aid, size_t aid_len, bool partial, store_id after,
                  bool selectable_only)
{
    (void)selectable_only; /* selectability is the OS's rule, see is_selectable() */
    for (store_id id = reg_next(s, after); id; id = reg_next(s, id)) {
        const se_reg_rec *r = reg_get(s, id);
        if (!r) continue;
        if (partial ? (aid_len <= r->aid_len && memcmp(r->aid, aid, aid_len) == 0)
                    : (aid_len == r->aid_len && memcmp(r->aid, aid, aid_len) == 0))
            return id;
    }
    return 0;
}
