/*
 * The natives of seam.trust (jc/api/seam/trust, src/se/jcapi/trust_natives.c), as one table
 * macro for jv_natives (src/se/jcapi/framework.c). Not a contract with the rest of the card.
 */
#ifndef SEAM_SE_JCAPI_TRUST_NATIVES_H
#define SEAM_SE_JCAPI_TRUST_NATIVES_H

#include "se/jcvm/jv_int.h"

#define TRUST_NATIVE_LIST(X)                                                                       \
    X("seam/trust/Trust", "getService", "()Lseam/trust/QuorumService;", jv_trust_get_service)      \
    X("seam/trust/Service", "attest", "([BSS[BSS)S", jv_trust_attest)

#define TRUST_DECL_ROW(c, n, d, fn) int fn(jv_vm *vm, jv_method *m, jv_slot *a, jv_slot *ret);
TRUST_NATIVE_LIST(TRUST_DECL_ROW)
#undef TRUST_DECL_ROW
#define TRUST_ROW(c, n, d, fn) {c, n, d, fn},
/* The rows of jv_natives for seam.trust. */
#define TRUST_NATIVES TRUST_NATIVE_LIST(TRUST_ROW)

#endif
