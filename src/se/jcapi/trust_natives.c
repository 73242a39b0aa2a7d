/*
 * Natives of seam.trust (jc/api/seam/trust; docs/trust.md, "Applets: the seam.trust package"):
 * the card's quorum check (k of n trust anchors, src/se/gp/trust.c) offered to applets through
 * a Shareable interface, so that an applet (the supply switch) can ask "is this command signed
 * by k roots, fresh, for this card and for exactly this action?" without holding the roots.
 *
 *  - Trust.getService() returns the one service object: a persistent instance of the
 *    package-private class seam.trust.Service owned by the JCRE (context 0), created on first
 *    use and found again by its class code afterwards (the JCRE's objects are never collected:
 *    jv_gc skips owner 0). It is not an entry point: from an applet, the firewall lets through
 *    only invokeinterface on QuorumService (which extends Shareable, JCRE §6.2.4.2); a virtual
 *    call or a field access on it throws SecurityException. Being persistent, it may be kept in
 *    an applet's field and survives power cycles. Created inside an open transaction (the
 *    first call ever made inside one), it shares that transaction's fate like any allocation:
 *    after an abort the next call creates it again.
 *  - QuorumService.attest is native: the call enters the JCRE's code, but every array argument
 *    is checked with the CALLER's context (jv_cur_ctx: a native runs in its caller's frame), so
 *    an applet cannot make the JCRE read another applet's arrays for it (a global array such as
 *    the APDU buffer is fine). Order as in the Util natives: NullPointerException for a null
 *    array, SecurityException for an array of another context, ArrayIndexOutOfBoundsException
 *    for a negative offset or length or a range beyond its array, all before anything is read.
 *  - The counter is consumed by trust_attest in one store_write_nontx: durable when attest
 *    returns, even while the applet has a JCSystem transaction open, and never given back by
 *    abortTransaction or a power cut (as OwnerPIN's try counter, API OwnerPIN). So a command
 *    is never accepted twice, whatever the applet does afterwards.
 */
#include <string.h>

#include "se/jcapi/trust_natives.h"

#define SYS_NO_RESOURCE 5 /* SystemException.NO_RESOURCE */

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The JCRE's service object, or 0. */
static jv_ref find_service(jv_vm *vm, const jv_class *c)
{
    store *st = vm->s->st;
    for (store_id id = store_next(st, 0); id; id = store_next(st, id)) {
        uint32_t owner;
        uint16_t type;
        size_t size;
        if (store_info(st, id, &owner, &type, &size) || owner != JV_CTX_JCRE ||
            type != JV_OBJ_INST || size != JV_INST_HDR + 4u * c->ninst)
            continue;
        const uint8_t *v = store_view(st, id, NULL);
        if (v && le32(v) == c->code) return id;
    }
    return 0;
}

int jv_trust_get_service(jv_vm *vm, jv_method *m, jv_slot *a, jv_slot *ret)
{
    (void)m, (void)a;
    jv_class *c = jv_class_by_name(vm, "seam/trust/Service");
    if (!c) return jv_throw(vm, JV_EX_SYSTEM, SYS_NO_RESOURCE);
    jv_ref r = find_service(vm, c);
    if (!r && jv_new_inst(vm, JV_CTX_JCRE, c, &r)) return -1;
    *ret = (jv_slot)r;
    return 0;
}

/* A byte array argument: decoded, then checked against the caller's context. */
static int arg_array(jv_vm *vm, jv_ref r, jv_obj *o)
{
    if (jv_decode(vm, r, o)) return jv_throw(vm, JV_EX_NPE, 0);
    if (!jv_fw_access(o, jv_cur_ctx(vm))) return jv_throw(vm, JV_EX_SECURITY, 0);
    if (o->kind != JV_K_BYTE) return jv_throw(vm, JV_EX_SECURITY, 0);
    return 0;
}

static bool range_ok(const jv_obj *o, int32_t off, int32_t len)
{
    return off >= 0 && len >= 0 && (int64_t)off + len <= (int64_t)o->len;
}

/* short attest(byte[] cms, short cmsOff, short cmsLen, byte[] payload, short payOff,
 * short payLen): a[0] is the service object. */
int jv_trust_attest(jv_vm *vm, jv_method *m, jv_slot *a, jv_slot *ret)
{
    (void)m;
    jv_obj cms, pay;
    if (jv_decode(vm, (jv_ref)a[1], &cms) || jv_decode(vm, (jv_ref)a[4], &pay))
        return jv_throw(vm, JV_EX_NPE, 0);
    if (arg_array(vm, (jv_ref)a[1], &cms) || arg_array(vm, (jv_ref)a[4], &pay)) return -1;
    int32_t coff = (int16_t)a[2], clen = (int16_t)a[3];
    int32_t poff = (int16_t)a[5], plen = (int16_t)a[6];
    if (!range_ok(&cms, coff, clen) || !range_ok(&pay, poff, plen))
        return jv_throw(vm, JV_EX_AIOOBE, 0);
    /* the views stay valid: trust_attest allocates and frees nothing */
    uint16_t sw = trust_attest(vm->s, jv_bytes(&cms) + coff, (size_t)clen, jv_bytes(&pay) + poff,
                               (size_t)plen);
    if (!store_alive(vm->s->st)) {
        vm->fatal = true; /* the power went during the write */
        return jv_throw(vm, JV_EX_SYSTEM, SYS_NO_RESOURCE);
    }
    *ret = (int16_t)sw;
    return 0;
}
