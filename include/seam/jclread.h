/*
 * seam load file reader: the strict, shared parser of the .jcl format (include/seam/jcl.h,
 * docs/load-file.md). The card runs it on every load file before anything else looks at it; the
 * converter runs it on the files given to --import. It is the STRUCTURAL check only: the
 * type-checking verifier (stack maps against bytecode, JVMS §4.10.1) and the linking of
 * references against other packages come after it.
 *
 * The input is hostile. Every read goes through seam_rd; nothing recurses on the input; every
 * count is checked against the bytes left before anything is allocated for it. On success the
 * description guarantees:
 *  - magic and major version are right; the five sections are present once each, in order, and
 *    each is consumed exactly; nothing follows the last;
 *  - every count is within jcl.h's limits; AIDs are 5..16 bytes; import AIDs are distinct from
 *    each other and from the package's; applet AIDs are distinct;
 *  - every string is non-empty, valid modified UTF-8 (JVMS §4.4.7) and, where it is a name or a
 *    descriptor, well formed (JVMS §4.2, §4.3) in the Java Card subset (no J, F or D anywhere);
 *  - constants: INT entries come before all others; a CLASS entry's package is JCL_PKG_SELF or an
 *    import; a non-array CLASS name lies in that package (and, for JCL_PKG_SELF, names a class
 *    of CLASSES); an array CLASS name is a field descriptor "[..." whose package byte is the
 *    element class's package (JCL_PKG_SELF for primitive elements); FIELD, METHOD and IMETHOD
 *    entries point at a non-array CLASS entry and carry a field or method descriptor;
 *  - classes: names unique and inside the package; super is a CLASS entry (0 only for
 *    java/lang/Object); interfaces are CLASS entries; an interface is abstract;
 *  - methods: code_len is 0 exactly for abstract and native methods, else 1..JCL_MAX_CODE; the
 *    code walks cleanly with bc_walk_next; every opcode is in the Java Card subset (no
 *    long/float/double opcodes, no monitors, jsr/ret, invokedynamic or multianewarray); every
 *    branch target is an instruction start; every constant operand is in range and of the right
 *    kind (ldc/ldc_w: INT; field access: FIELD; invokevirtual/special/static: METHOD;
 *    invokeinterface: IMETHOD with the right count byte; new/anewarray/checkcast/instanceof:
 *    CLASS, not an array for new); <init> is invoked only by invokespecial, <clinit> never;
 *    local variable indices are below max_locals; max_locals holds the arguments;
 *  - handlers: start_pc < end_pc <= code_len, start, end (unless code_len) and handler on
 *    instruction starts, catch 0 or a CLASS entry;
 *  - frames: pcs strictly increasing, on instruction starts; nlocals <= max_locals, nstack <=
 *    max_stack; type tags known; OBJECT names a CLASS entry; UNINIT names the pc of a `new`;
 *  - applets: class index inside CLASSES.
 *
 * Memory: the caller owns everything. jcl_parse builds the description in a caller-provided
 * arena (jcl_arena_bound(len) bytes are always enough; the description uses fewer, reported in
 * jcl_file.arena_used) and allocates nothing else. Strings, AIDs and code point INTO THE INPUT
 * BUFFER (no copies): the buffer and the arena must both outlive the description, and neither
 * may be changed while it is in use. Strings are not NUL-terminated (print with "%.*s").
 */
#ifndef SEAM_JCLREAD_H
#define SEAM_JCLREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "seam/base.h"
#include "seam/jcl.h"

/* A string of the input: len (1..255) bytes of modified UTF-8, not NUL-terminated. */
typedef struct {
    const char *p;
    uint8_t len;
} jcl_str;

/* An AID of the input: len (5..16) bytes. */
typedef struct {
    const uint8_t *p;
    uint8_t len;
} jcl_aid;

/* The package itself or one import. */
typedef struct {
    jcl_aid aid;
    jcl_str name; /* internal form: "javacard/framework" */
    uint8_t major, minor;
} jcl_pkgref;

/* One constant pool entry. Which fields mean something depends on kind:
 *   INT:     value
 *   CLASS:   package (JCL_PKG_SELF or import 1..nimports), name (class name or array descriptor)
 *   FIELD, METHOD, IMETHOD: class_index (a CLASS entry), name, desc */
typedef struct {
    uint8_t kind; /* JCL_CONST_*; 0 only for the unused entry 0 */
    uint8_t package;
    uint16_t class_index;
    int32_t value;
    jcl_str name;
    jcl_str desc;
} jcl_const;

/* A verification type: value is the CLASS entry for JCL_TYPE_OBJECT, the pc of the `new` for
 * JCL_TYPE_UNINIT, 0 otherwise. */
typedef struct {
    uint8_t tag;
    uint16_t value;
} jcl_type;

/* A full frame at pc (the implicit initial frame is not listed). */
typedef struct {
    uint16_t pc;
    uint16_t nlocals, nstack;
    const jcl_type *locals; /* NULL when nlocals is 0 */
    const jcl_type *stack;  /* NULL when nstack is 0 */
} jcl_frame;

/* [start_pc, end_pc) is protected; catch_type is a CLASS entry or 0 (any: finally). */
typedef struct {
    uint16_t start_pc, end_pc, handler_pc, catch_type;
} jcl_handler;

typedef struct {
    uint16_t flags; /* JVMS Table 4.5-A */
    jcl_str name, desc;
} jcl_field;

typedef struct {
    uint16_t flags; /* JVMS Table 4.6-A */
    jcl_str name, desc;
    uint16_t arg_slots; /* parameter slots from the descriptor, without `this` */
    uint16_t max_stack, max_locals;
    uint32_t code_len;   /* 0 exactly when abstract or native */
    const uint8_t *code; /* into the input; NULL when code_len is 0 */
    uint16_t nhandlers;
    const jcl_handler *handlers;
    uint16_t nframes;
    const jcl_frame *frames;
} jcl_method;

typedef struct {
    jcl_str name;   /* "com/example/echo/Echo" */
    uint16_t flags; /* JVMS Table 4.1-A */
    uint16_t super; /* CLASS entry; 0 only for java/lang/Object */
    uint8_t ninterfaces;
    const uint16_t *interfaces; /* CLASS entries */
    uint16_t nfields;
    const jcl_field *fields;
    uint16_t nmethods;
    const jcl_method *methods;
} jcl_class;

typedef struct {
    jcl_aid aid;
    uint8_t class_index; /* into jcl_file.classes */
} jcl_applet;

typedef struct {
    uint8_t major, minor; /* format version */
    jcl_pkgref package;
    uint8_t nimports;
    const jcl_pkgref *imports; /* import k (as in a CLASS entry's package) is imports[k - 1] */
    uint16_t nconsts;
    const jcl_const *consts; /* nconsts + 1 entries: entry i is consts[i]; consts[0] is unused */
    uint8_t nclasses;
    const jcl_class *classes;
    uint8_t napplets;
    const jcl_applet *applets;
    size_t arena_used; /* bytes of the arena the description occupies */
} jcl_file;

/* Arena bytes that always suffice for jcl_parse of a len-byte input. */
size_t jcl_arena_bound(size_t len);

/* Parses and structurally checks a whole load file data[0..len). On success *out points into
 * arena (which must stay alive and untouched while *out is used, like data). On failure *out is
 * NULL and msg (when not NULL) receives a NUL-terminated message of at most cap bytes naming the
 * section and the byte offset in data ("CLASSES @0x4a: class 0 method 1: pc 3: ...").
 * Errors: SEAM_E_FORMAT (malformed, or outside the format or the Java Card subset),
 * SEAM_E_UNSUPPORTED (a major version newer than JCL_MAJOR), SEAM_E_NOMEM (the arena is smaller
 * than the description needs; never with jcl_arena_bound(len) bytes), SEAM_E_ARG (NULL data with
 * len > 0, NULL arena with cap > 0, NULL out). Any minor version of JCL_MAJOR is accepted. */
seam_err jcl_parse(const uint8_t *data, size_t len, void *arena, size_t arena_cap,
                   const jcl_file **out, char *msg, size_t cap);

/* True when s is exactly the C string c. */
bool jcl_str_eq(jcl_str s, const char *c);

/* Checks used by the parser, for the converter and the verifier. All return SEAM_OK or
 * SEAM_E_FORMAT. Modified UTF-8 (JVMS §4.4.7): no NUL byte, no 0xf0..0xff, every multi-byte
 * sequence complete and not overlong except the two-byte NUL. Field descriptor (JVMS §4.3.2)
 * exactly len bytes, at most 255 array dimensions, only B C I S Z, L<class name>; and arrays of
 * them. Method descriptor (JVMS §4.3.3): parameters of those types, return one of them or V, at
 * most 255 parameter slots, written to *arg_slots (may be NULL). */
seam_err jcl_check_utf8(const char *s, size_t len);
seam_err jcl_check_field_desc(const char *d, size_t len);
seam_err jcl_check_method_desc(const char *d, size_t len, uint16_t *arg_slots);

#endif
