/*
 * SCP03 key sets of a security domain: one store object per key set, owned by the security
 * domain's registry entry. Key bytes never leave this module except into a secure channel
 * session (src/gp/scp03.c) or a key check value.
 */
#include "se/se_int.h"

const se_keyset_rec *keys_get(se *s, store_id id)
{
    uint32_t owner;
    uint16_t type;
    size_t size;
    if (!id || store_info(s->st, id, &owner, &type, &size) != SEAM_OK) return NULL;
    if (type != SE_OBJ_KEYSET || size != sizeof(se_keyset_rec)) return NULL;
    const se_keyset_rec *k = (const se_keyset_rec *)store_view(s->st, id, &size);
    if (!k || k->type != KEY_TYPE_AES) return NULL;
    if (k->keylen != 16 && k->keylen != 24 && k->keylen != 32) return NULL;
    if (k->kvn == 0) return NULL;
    return k;
}

store_id keys_next(se *s, store_id sd, store_id after)
{
    for (store_id id = store_next(s->st, after); id; id = store_next(s->st, id)) {
        uint32_t owner;
        uint16_t type;
        size_t size;
        if (store_info(s->st, id, &owner, &type, &size) == SEAM_OK && type == SE_OBJ_KEYSET &&
            owner == sd && keys_get(s, id))
            return id;
    }
    return 0;
}

store_id keys_find(se *s, store_id sd, uint8_t kvn)
{
    for (store_id id = keys_next(s, sd, 0); id; id = keys_next(s, sd, id))
        if (kvn == 0 || keys_get(s, id)->kvn == kvn) return id;
    return 0;
}
