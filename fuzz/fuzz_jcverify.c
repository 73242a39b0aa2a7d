/*
 * Fuzz target for the card's bytecode verifier (src/se/jcvm/verify.c): parses the input with the
 * shared reader (jcl_parse) and, when it parses, verifies it (jcv_verify) with an environment that
 * knows the classes of the Java Card API packages (java/lang, javacard/framework,
 * javacardx/apdu: the table below mirrors jc/api). Invariants checked: the verifier answers
 * SEAM_OK, SEAM_E_FORMAT or SEAM_E_NOT_FOUND only (SEAM_E_NOMEM with jcv_arena_bound bytes is a
 * bug), its message is NUL-terminated inside its buffer, and a second run gives the same answer.
 * The sanitizers catch overruns. Seeds (fuzz/corpus/fuzz_jcverify): the API packages and the echo
 * test package, converted.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "se/jcvm/verify.h"
#include "seam/jclread.h"

typedef struct {
    const char *name, *super;
    int iface;
} api_class;

#define L "java/lang/"
#define F "javacard/framework/"
static const api_class api[] = {
    {L "Object", NULL, 0},
    {L "Throwable", L "Object", 0},
    {L "Exception", L "Throwable", 0},
    {L "Error", L "Throwable", 0},
    {L "RuntimeException", L "Exception", 0},
    {L "ArithmeticException", L "RuntimeException", 0},
    {L "ArrayStoreException", L "RuntimeException", 0},
    {L "ClassCastException", L "RuntimeException", 0},
    {L "IndexOutOfBoundsException", L "RuntimeException", 0},
    {L "ArrayIndexOutOfBoundsException", L "IndexOutOfBoundsException", 0},
    {L "NegativeArraySizeException", L "RuntimeException", 0},
    {L "NullPointerException", L "RuntimeException", 0},
    {L "SecurityException", L "RuntimeException", 0},
    {F "AID", L "Object", 0},
    {F "APDU", L "Object", 0},
    {F "Applet", L "Object", 0},
    {F "JCSystem", L "Object", 0},
    {F "Util", L "Object", 0},
    {F "OwnerPIN", L "Object", 0},
    {F "CardException", L "Exception", 0},
    {F "UserException", F "CardException", 0},
    {F "CardRuntimeException", L "RuntimeException", 0},
    {F "APDUException", F "CardRuntimeException", 0},
    {F "ISOException", F "CardRuntimeException", 0},
    {F "PINException", F "CardRuntimeException", 0},
    {F "SystemException", F "CardRuntimeException", 0},
    {F "TransactionException", F "CardRuntimeException", 0},
    {F "AppletEvent", L "Object", 1},
    {F "ISO7816", L "Object", 1},
    {F "MultiSelectable", L "Object", 1},
    {F "PIN", L "Object", 1},
    {F "Shareable", L "Object", 1},
    {"javacardx/apdu/ExtendedLength", L "Object", 1},
};

static seam_err class_info(void *ctx, const char *name, size_t len, jcv_class_info *out)
{
    (void)ctx;
    for (size_t i = 0; i < sizeof api / sizeof api[0]; i++) {
        if (strlen(api[i].name) != len || memcmp(api[i].name, name, len)) continue;
        out->is_interface = api[i].iface != 0;
        out->has_super = api[i].super != NULL;
        out->super_name = api[i].super;
        out->super_len = api[i].super ? strlen(api[i].super) : 0;
        return SEAM_OK;
    }
    return SEAM_E_NOT_FOUND;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t cap = jcl_arena_bound(size);
    void *arena = malloc(cap ? cap : 1);
    if (!arena) return 0;
    const jcl_file *f = NULL;
    if (jcl_parse(data, size, arena, cap, &f, NULL, 0) == SEAM_OK) {
        static const jcv_env env = {class_info, NULL};
        size_t vc = jcv_arena_bound(f);
        void *va = malloc(vc ? vc : 1);
        if (va) {
            char msg[128];
            memset(msg, 'x', sizeof msg);
            seam_err e = jcv_verify(f, &env, va, vc, msg, sizeof msg);
            if (e != SEAM_OK && e != SEAM_E_FORMAT && e != SEAM_E_NOT_FOUND) abort();
            if (!memchr(msg, 0, sizeof msg)) abort();
            if (jcv_verify(f, &env, va, vc, NULL, 0) != e) abort();
            free(va);
        }
    }
    free(arena);
    return 0;
}
