/*
 * Internals of the Java Card runtime shared by the C files of src/se/jcvm and the natives in
 * src/se/jcapi. jcvm.h is the contract with the rest of the card; this header is not.
 * docs/design-jcvm.md describes the model; the short version:
 *
 *  - References (jv_ref, u32): 0 is null; below JV_REF_RAM they are store ids of persistent
 *    objects (store ids are slot indices, far below 2^28); JV_REF_TMP | i is the i-th
 *    JCRE-owned RAM object (APDU object, APDU buffer, exception instances, install parameters);
 *    JV_REF_AID | reg is the JCRE-owned AID object of registry entry reg, JV_REF_AIDB | reg its
 *    byte array (both computed from the registry, so they stay valid across power cycles).
 *  - Store objects (type JV_OBJ_*, owner = context): instances are a u32 class code then one
 *    4-byte slot per instance field (inherited first); arrays are an 8-byte header (u32 element
 *    class code or 0, u16 length, u8 transient event, u8 0) then the elements (1, 2 or 4 bytes),
 *    or nothing more for a transient array, whose elements live in RAM (jv_trans).
 *    Multi-byte values are little-endian.
 *  - A context is the store id of the package object (JV_CTX_JCRE = 0 for the JCRE and the ROM).
 *  - Class codes: a package key (the package object id, or JV_ROM_KEY + ROM index) << 8 | class
 *    index in the load file.
 *  - Every constant pool entry is resolved at link time into jv_cref (class, field slot, method,
 *    selector), so the interpreter never looks a name up.
 */
#ifndef SEAM_SE_JCVM_JV_INT_H
#define SEAM_SE_JCVM_JV_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "se/jcvm/apduio.h"
#include "se/jcvm/jcvm.h"
#include "se/jcvm/rom.h"
#include "seam/jclread.h"

typedef uint32_t jv_ref;
typedef int32_t jv_slot;

#define JV_REF_RAM 0x80000000u
#define JV_REF_TMP 0x80000000u
#define JV_REF_AID 0x90000000u
#define JV_REF_AIDB 0xA0000000u
#define JV_REF_TAG 0xF0000000u
#define JV_CTX_JCRE 0u
#define JV_ROM_KEY 0x00F00000u

/* store object types (SE_OBJ_* 1..4 are the OS's) */
#define JV_OBJ_PKG 16
#define JV_OBJ_STATICS 17
#define JV_OBJ_INST 18
#define JV_OBJ_ARR_BOOL 19
#define JV_OBJ_ARR_BYTE 20
#define JV_OBJ_ARR_SHORT 21
#define JV_OBJ_ARR_INT 22
#define JV_OBJ_ARR_REF 23

/* object kinds (jv_obj.kind) */
enum { JV_K_INST = 1, JV_K_BOOL, JV_K_BYTE, JV_K_SHORT, JV_K_INT, JV_K_REF };

#define JV_ARR_HDR 8u
#define JV_ARR_SECRET 0x5Au /* array header byte 7: key material, wiped before it is freed */
#define JV_RAMBLK 0x40000000u /* jv_trans ids of the natives' RAM blocks (| object reference) */
#define JV_INST_HDR 4u

/* jv_obj.flags */
#define JV_F_NOSEL 0x20  /* CLEAR_ON_DESELECT array whose context is not the selected applet's */
#define JV_F_GLOBAL 0x01 /* global array: any context may access it */
#define JV_F_ENTRY 0x02  /* JCRE entry point: any context may invoke its methods */
#define JV_F_TEMP 0x04   /* temporary JCRE object: may not be stored in a field or array */
#define JV_F_RAM 0x08    /* data lives in RAM (data != NULL) */
#define JV_F_RO 0x10     /* writes refused (AID bytes) */

/* transient events */
#define JV_CLEAR_ON_RESET 1
#define JV_CLEAR_ON_DESELECT 2

/* interpreter limits */
#define JV_STACK_SLOTS 8192
#define JV_MAX_FRAMES 160
#define JV_MAX_TMP 64

/* VM exception classes the interpreter throws itself */
enum {
    JV_EX_NPE,
    JV_EX_AIOOBE,
    JV_EX_NASE,
    JV_EX_ASE,
    JV_EX_CCE,
    JV_EX_ARITH,
    JV_EX_SECURITY,
    JV_EX_SYSTEM,      /* javacard/framework/SystemException */
    JV_EX_TRANSACTION, /* javacard/framework/TransactionException */
    JV_EX_APDU,        /* javacard/framework/APDUException */
    JV_EX_ISO,         /* javacard/framework/ISOException */
    JV_EX_PIN,
    JV_EX_COUNT
};

/* One pre-decoded instruction (interp.c): op is an internal opcode, a/c local or constant pool
 * indices, b a constant, a branch target (instruction index) or an offset into jv_method.xaux. */
typedef struct {
    uint16_t op, a, c, d;
    int32_t b;
} jv_xi;

typedef struct jcvm jv_vm;
typedef struct jv_pkg jv_pkg;
typedef struct jv_class jv_class;
typedef struct jv_method jv_method;

/* A native: args[0..] are the arguments (this first for instance methods); on success returns
 * 0 and writes *ret for non-void methods; on a throw returns -1 with vm->exc set. */
typedef int (*jv_native_fn)(jv_vm *vm, jv_method *m, jv_slot *args, jv_slot *ret);

typedef struct {
    const char *cls, *name, *desc;
    jv_native_fn fn;
} jv_native_def;

struct jv_method {
    jv_class *cls;
    const jcl_method *jm;
    uint16_t flags;
    uint16_t nargs; /* argument slots including this */
    uint16_t max_locals, max_stack;
    uint32_t sel; /* selector: interned name + descriptor */
    int32_t vindex; /* vtable index, -1 for static/private/<init> */
    uint8_t ret;    /* 'V', 'I' (int-like) or 'L' (reference) */
    jv_native_fn native;
    const uint8_t *code;
    uint32_t code_len;
    /* pre-decoded form, made on first invocation (interp.c), freed with the package */
    jv_xi *xc;
    uint16_t *xpc;  /* bytecode pc of each instruction (exception handler ranges) */
    int32_t *xaux;  /* switch tables */
    uint32_t nx;
    uint8_t rnarrow; /* return type narrowing: 'B', 'S', 'Z' or 0 */
};

struct jv_class {
    jv_pkg *pkg;
    uint8_t idx;
    const jcl_class *jc;
    uint16_t flags;
    bool linked;
    jv_class *super;
    uint32_t code; /* persistent class code */
    uint16_t ninst; /* instance slots incl. inherited */
    uint16_t inst_base; /* first slot of this class's own fields */
    uint16_t *field_slot; /* per declared field: instance slot or static slot */
    uint16_t nvt;
    jv_method **vt;
    jv_method *methods;
    uint16_t nifaces;
    jv_class **ifaces; /* every interface implemented, transitively (interfaces: super-ifaces) */
    bool is_iface, shareable, ext_length, multisel, applet_event;
    jv_ref jcre_inst; /* the JCRE-owned instance thrown by throwIt / the interpreter */
};

/* A resolved constant. */
typedef struct {
    uint8_t kind;      /* JCL_CONST_* */
    uint8_t arr;       /* CLASS: 0, or the JV_K_* of an array class */
    bool is_static;    /* FIELD */
    jv_class *cls;     /* CLASS: the class (or array element class); FIELD: declaring class */
    jv_pkg *spkg;      /* static FIELD: the package holding the static */
    uint16_t slot;     /* FIELD: instance or static slot */
    uint8_t ftype;     /* FIELD: descriptor's first char */
    jv_method *m;      /* METHOD/IMETHOD: resolved method */
    uint32_t sel;      /* IMETHOD/METHOD: selector */
    int32_t value;     /* INT */
} jv_cref;

struct jv_pkg {
    jv_pkg *next;
    uint32_t key;       /* package key (class codes) */
    uint32_t ctx;       /* context: package object id, JV_CTX_JCRE for ROM */
    store_id obj;       /* package object, 0 for ROM */
    store_id statics;   /* statics object, 0 when none (or ROM) */
    uint32_t seq;       /* load order */
    bool rom;
    uint8_t *bytes;     /* the load file (owned copy, or ROM) */
    size_t len;
    void *arena;
    const jcl_file *f;
    jv_pkg **imports;   /* imports[k-1] */
    jv_class *classes;
    jv_cref *cref;      /* nconsts + 1 */
    uint16_t nstatics;
    jv_slot *rom_statics; /* ROM: statics in RAM */
    size_t used;        /* bytes of store objects owned by the context (quota) */
};

typedef struct {
    jv_method *m;
    jv_cref *cref;
    uint32_t pc;  /* instruction being executed (the call, in a caller) */
    uint32_t npc; /* where a caller resumes (instruction index) */
    jv_slot *locals;
    jv_slot *sp0; /* operand stack base */
    jv_slot *sp;  /* operand stack top while calling out */
    uint32_t ctx;
} jv_frame;

/* A JCRE-owned RAM object. */
typedef struct {
    bool used;
    uint8_t kind, flags;
    jv_class *cls;
    uint32_t len;
    uint8_t *data; /* JV_K_INST: len 4-byte slots */
} jv_tmp;

/* RAM elements of a transient array. */
typedef struct {
    store_id id;
    uint32_t owner;
    uint8_t event, kind;
    uint32_t bytes;
    uint8_t *data;
} jv_trans;

/* A decoded reference. */
typedef struct {
    jv_ref ref;
    uint8_t kind, flags;
    uint32_t owner;
    jv_class *cls; /* INST: class; REF array: element class (NULL: Object) */
    uint32_t len;  /* array length, or instance slots */
    uint8_t *ram;  /* RAM data (JV_F_RAM) */
    const uint8_t *view; /* store data (not RAM) */
    store_id id;
    uint32_t off;  /* offset of the data in the store object */
    uint8_t event; /* transient event or 0 */
    uint8_t inl[4]; /* inline data of computed objects (AID) */
} jv_obj;

typedef struct {
    store_id app_reg; /* 0: none */
    jv_ref applet;
    uint32_t ctx;
} jv_chan;

struct jcvm {
    se *s;
    jv_pkg *pkgs, *pkgs_tail;
    uint32_t next_seq;
    /* selectors */
    struct jv_sel { const char *name, *desc; uint8_t nlen, dlen; } *sels;
    uint32_t nsels, sels_cap;
    /* well-known classes */
    jv_class *c_object, *c_throwable, *c_applet, *c_aid, *c_apdu, *c_shareable, *c_multisel,
        *c_appevent, *c_extlen, *c_cre, *c_ce, *c_ownerpin;
    jv_class *ex[JV_EX_COUNT];
    uint16_t slot_cre_reason, slot_ce_reason, slot_aid_bytes;
    uint16_t slot_pin_try_limit, slot_pin_tries, slot_pin_len, slot_pin_pin;
    jv_method *m_install_sel; /* unused */
    uint32_t sel_process, sel_select, sel_deselect, sel_select_z, sel_deselect_z, sel_uninstall,
        sel_getsio;
    /* interpreter */
    jv_slot *stack;
    jv_slot *sp_top; /* first free stack slot while C code runs (natives, entry points) */
    jv_frame frames[JV_MAX_FRAMES];
    int nframes;
    uint64_t steps;
    bool budget_out;
    jv_ref exc; /* exception being thrown */
    /* RAM objects */
    jv_tmp tmp[JV_MAX_TMP];
    jv_trans *trans;
    size_t ntrans, trans_cap;
    /* JCRE objects */
    jv_ref apdu_obj, apdu_buf, install_arr;
    apduio *io;
    /* dispatch state */
    jv_chan chan[SE_MAX_CHANNELS];
    uint8_t cur_ch;
    bool selecting;
    store_id installing; /* registry entry being installed, 0 otherwise */
    const uint8_t *inst_aid;
    size_t inst_aid_len;
    bool registered;
    jv_ref new_applet;
    uint32_t prev_ctx; /* context before the last context switch (getPreviousContextAID) */
    store_id cur_app;  /* registry entry of the applet whose context is current */
    bool outer_tx;     /* a store transaction was open when the runtime was entered (GP's) */
    int tx_depth;      /* JCSystem transaction depth (0/1) */
    bool fatal; /* the store died (power cut): stop everything */
    uint32_t last_code;
    jv_class *last_cls;
    size_t trans_hit;
    size_t trans_bytes;
    bool gc_requested;
    uint32_t gc_ctx;
    size_t quota;
    /* interpreter: decoded objects of the running code (interp.c); emptied on entry to the
     * interpreter and after anything that may allocate, free or abort (store views move) */
    struct jv_ocache { jv_obj o; uint8_t *base; } ocache[16];
};
void jv_ocache_flush(jv_vm *vm);
/* Frees the pre-decoded code of a method (link.c on package free). */
void jv_xcode_free(jv_method *m);

/* ---- link.c ---- */
extern const jv_native_def jv_natives[];
uint32_t jv_sel_intern(jv_vm *vm, const char *name, size_t nlen, const char *desc, size_t dlen);
uint32_t jv_sel_c(jv_vm *vm, const char *name, const char *desc);
/* Links a parsed package; pkg->f and pkg->imports set. 0 or an SW with msg. */
uint16_t jv_link(jv_vm *vm, jv_pkg *p, char *msg, size_t cap);
jv_pkg *jv_pkg_by_aid(jv_vm *vm, const uint8_t *aid, size_t len);
jv_pkg *jv_pkg_by_name(jv_vm *vm, const char *name, size_t len);
jv_class *jv_class_by_name(jv_vm *vm, const char *name); /* full internal name */
jv_class *jv_class_of_code(jv_vm *vm, uint32_t code);
jv_method *jv_find_method(jv_class *c, uint32_t sel); /* in c and its supers */
jv_method *jv_vt_lookup(jv_class *c, uint32_t sel);  /* virtual/interface dispatch */
bool jv_subclass(const jv_class *c, const jv_class *of);
void jv_pkg_free(jv_pkg *p);
void jv_set_msg(char *msg, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* ---- heap.c ---- */
/* Decodes a reference: 0 ok, -1 (null or dangling: NullPointerException). */
int jv_decode(jv_vm *vm, jv_ref ref, jv_obj *o);
int32_t jv_elem_get(const jv_obj *o, uint32_t i);
/* Writes element i (array) or slot i (instance); 0 or -1 with vm->exc set. */
int jv_elem_set(jv_vm *vm, const jv_obj *o, uint32_t i, int32_t v);
const uint8_t *jv_bytes(const jv_obj *o); /* data of a byte/boolean array */
/* Writes n bytes into a byte array at off (checked by the caller). */
int jv_bytes_set(jv_vm *vm, const jv_obj *o, uint32_t off, const uint8_t *src, uint32_t n);
int jv_new_inst(jv_vm *vm, uint32_t ctx, jv_class *c, jv_ref *out);
int jv_new_array(jv_vm *vm, uint32_t ctx, uint8_t kind, jv_class *elem, int32_t len,
                 uint8_t event, jv_ref *out);
jv_ref jv_tmp_new(jv_vm *vm, uint8_t kind, uint8_t flags, jv_class *cls, uint32_t len);
void jv_trans_clear(jv_vm *vm, uint8_t event, uint32_t ctx, bool all_ctx);
void jv_recount(jv_vm *vm);
/* A RAM block of the natives attached to object obj (created zeroed when create, grown to at
 * least bytes): zeroed at card reset, freed at power-down. NULL if none / out of memory. */
uint8_t *jv_ram_block(jv_vm *vm, jv_ref obj, uint32_t bytes, bool create);
void jv_ram_block_free(jv_vm *vm, jv_ref obj);
/* Overwrites a secret byte array (JV_ARR_SECRET) with zeros; call before store_free. */
void jv_wipe_secret(jv_vm *vm, store_id id);
jv_pkg *jv_pkg_of_ctx(jv_vm *vm, uint32_t ctx);
/* Mark and sweep of the objects of ctx (all contexts when all). Returns objects freed. */
size_t jv_gc(jv_vm *vm, uint32_t ctx, bool all, jv_ref exclude_root);
bool jv_instanceof(jv_vm *vm, const jv_obj *o, const jv_cref *t);
bool jv_is_a(jv_class *c, jv_class *t);

/* ---- interp.c ---- */
/* Throws a JCRE-owned instance of a VM exception (reason for CardRuntimeExceptions). Returns -1. */
int jv_throw(jv_vm *vm, int ex, int reason);
int jv_throw_class(jv_vm *vm, jv_class *c, int reason);
/* Runs m with args in context ctx until it returns: 0 (ret set), or -1 with vm->exc set to an
 * uncaught exception, or -2 when the step budget ran out. */
int jv_invoke(jv_vm *vm, jv_method *m, const jv_slot *args, uint32_t ctx, jv_slot *ret);
/* The current context (of the innermost frame) and the caller's. */
uint32_t jv_cur_ctx(jv_vm *vm);
/* Firewall: may context ctx access the object? */
bool jv_fw_access(const jv_obj *o, uint32_t ctx);
/* The context of the applet selected on the current channel (or whose select() runs), or
 * JV_SEL_NONE: CLEAR_ON_DESELECT arrays of other contexts are off limits (JV_F_NOSEL). */
#define JV_SEL_NONE 0xFFFFFFFFu
uint32_t jv_sel_ctx(jv_vm *vm);
jv_method *jv_virtual(jv_vm *vm, jv_ref obj, uint32_t sel);

/* ---- jcvm.c ---- */
jv_vm *jv_vm_of(se *s);
/* The reason of an exception object (CardRuntimeException/CardException), or 0. */
int32_t jv_exc_reason(jv_vm *vm, jv_ref exc);
/* Test hook: use these ROM packages instead of the linked ROM (NULL restores). */
void jcvm_set_rom(const jcvm_rom_pkg *pkgs, size_t n);
/* The registry entry whose applet object is ref, or 0. */
store_id jv_app_of_ctx(jv_vm *vm, uint32_t ctx);

#endif
