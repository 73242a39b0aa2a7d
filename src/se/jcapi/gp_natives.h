/*
 * The natives of org.globalplatform, the GlobalPlatform Card API (jc/api/org/globalplatform,
 * src/se/jcapi/gp_natives.c), as one table macro for jv_natives (src/se/jcapi/framework.c).
 * Not a contract with the rest of the card.
 */
#ifndef SEAM_SE_JCAPI_GP_NATIVES_H
#define SEAM_SE_JCAPI_GP_NATIVES_H

#include "se/jcvm/jv_int.h"

#define GPAPI_NATIVE_LIST(X)                                                                       \
    X("org/globalplatform/GPSystem", "getCardContentState", "()B", jv_gp_content_state)            \
    X("org/globalplatform/GPSystem", "getCardState", "()B", jv_gp_card_state)                      \
    X("org/globalplatform/GPSystem", "getSecureChannel", "()Lorg/globalplatform/SecureChannel;",   \
      jv_gp_get_channel)                                                                           \
    X("org/globalplatform/GPSystem", "lockCard", "()Z", jv_gp_lock_card)                           \
    X("org/globalplatform/GPSystem", "terminateCard", "()Z", jv_gp_terminate_card)                 \
    X("org/globalplatform/GPSystem", "setCardContentState", "(B)Z", jv_gp_set_content_state)       \
    X("org/globalplatform/GPSystem", "setATRHistBytes", "([BSB)Z", jv_gp_set_atr_hist)             \
    X("org/globalplatform/GPSystem", "getRegistryEntry",                                           \
      "(Ljavacard/framework/AID;)Lorg/globalplatform/GPRegistryEntry;", jv_gp_get_entry)           \
    X("org/globalplatform/Channel", "processSecurity", "(Ljavacard/framework/APDU;)S",             \
      jv_gp_process_security)                                                                      \
    X("org/globalplatform/Channel", "wrap", "([BSS)S", jv_gp_wrap)                                 \
    X("org/globalplatform/Channel", "unwrap", "([BSS)S", jv_gp_unwrap)                             \
    X("org/globalplatform/Channel", "decryptData", "([BSS)S", jv_gp_decrypt_data)                  \
    X("org/globalplatform/Channel", "encryptData", "([BSS)S", jv_gp_encrypt_data)                  \
    X("org/globalplatform/Channel", "resetSecurity", "()V", jv_gp_reset_security)                  \
    X("org/globalplatform/Channel", "getSecurityLevel", "()B", jv_gp_security_level)               \
    X("org/globalplatform/Entry", "getAID", "()Ljavacard/framework/AID;", jv_gp_entry_aid)         \
    X("org/globalplatform/Entry", "getPrivileges", "([BS)S", jv_gp_entry_privileges)               \
    X("org/globalplatform/Entry", "getState", "()B", jv_gp_entry_state)                            \
    X("org/globalplatform/Entry", "isAssociated", "(Ljavacard/framework/AID;)Z",                   \
      jv_gp_entry_associated)                                                                      \
    X("org/globalplatform/Entry", "isPrivileged", "(B)Z", jv_gp_entry_privileged)                  \
    X("org/globalplatform/Entry", "setState", "(B)Z", jv_gp_entry_set_state)

#define GPAPI_DECL_ROW(c, n, d, fn) int fn(jv_vm *vm, jv_method *m, jv_slot *a, jv_slot *ret);
GPAPI_NATIVE_LIST(GPAPI_DECL_ROW)
#undef GPAPI_DECL_ROW
#define GPAPI_ROW(c, n, d, fn) {c, n, d, fn},
/* The rows of jv_natives for org.globalplatform. */
#define GPAPI_NATIVES GPAPI_NATIVE_LIST(GPAPI_ROW)

#endif
