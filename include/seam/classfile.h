/*
 * seam class file parser: the front end of the Java Card converter (`seam jc convert`). It reads
 * Java class files of versions 45.0 to 52.0 (JVMS SE 8 chapter 4; javac -target 8 output) into
 * a caller-visible structure, and walks a method's bytecode instruction by instruction (JVMS §6.5).
 *
 * The input is hostile. The parser checks every length and index, reads only through seam_rd,
 * never recurses on the input's nesting, and refuses anything the JVMS forbids with SEAM_E_FORMAT
 * and a message that names the byte offset and what is wrong. What it guarantees on success:
 *  - every constant pool index in the structure (not the operands inside bytecode, nor local
 *    variable indices: the converter checks those) is in range and names an entry of the
 *    tag the JVMS requires (JVMS §4.4); Utf8 entries are valid modified UTF-8 (§4.4.7);
 *  - every class name, field and method name and descriptor is well formed (§4.2, §4.3);
 *  - every non-abstract, non-native method has exactly one Code attribute whose bytecode walks
 *    cleanly with bc_walk_next (known opcodes, no instruction past the end, switch tables in
 *    bounds and lookupswitch keys sorted), whose branch targets, exception handler pcs and stack
 *    map frame offsets fall on instruction starts;
 *  - StackMapTable frames (class files >= 50.0) are decoded into explicit frames: each frame's
 *    absolute offset and its full locals and stack lists (§4.7.4), offsets strictly increasing.
 *
 * Ownership: cf_parse allocates one cf_class that owns everything reachable from it (it copies
 * the input bytes it needs, so the caller's buffer may be freed after cf_parse returns); one call
 * to cf_free releases it all. The structure is read-only for the caller.
 */
#ifndef SEAM_CLASSFILE_H
#define SEAM_CLASSFILE_H

#include <stddef.h>
#include <stdint.h>

#include "seam/base.h"
#include "seam/bytecode.h"

/* Constant pool tags up to class file version 52.0 (JVMS §4.4, Table 4.4-A). */
enum {
    CF_CONST_UTF8 = 1,
    CF_CONST_INTEGER = 3,
    CF_CONST_FLOAT = 4,
    CF_CONST_LONG = 5,
    CF_CONST_DOUBLE = 6,
    CF_CONST_CLASS = 7,
    CF_CONST_STRING = 8,
    CF_CONST_FIELDREF = 9,
    CF_CONST_METHODREF = 10,
    CF_CONST_INTERFACE_METHODREF = 11,
    CF_CONST_NAME_AND_TYPE = 12,
    CF_CONST_METHOD_HANDLE = 15,
    CF_CONST_METHOD_TYPE = 16,
    CF_CONST_INVOKE_DYNAMIC = 18,
};

/* Access flags (JVMS §4.1, §4.5, §4.6). */
enum {
    CF_ACC_PUBLIC = 0x0001,
    CF_ACC_PRIVATE = 0x0002,
    CF_ACC_PROTECTED = 0x0004,
    CF_ACC_STATIC = 0x0008,
    CF_ACC_FINAL = 0x0010,
    CF_ACC_SUPER = 0x0020,        /* class */
    CF_ACC_SYNCHRONIZED = 0x0020, /* method */
    CF_ACC_VOLATILE = 0x0040,     /* field */
    CF_ACC_BRIDGE = 0x0040,       /* method */
    CF_ACC_TRANSIENT = 0x0080,    /* field */
    CF_ACC_VARARGS = 0x0080,      /* method */
    CF_ACC_NATIVE = 0x0100,
    CF_ACC_INTERFACE = 0x0200,
    CF_ACC_ABSTRACT = 0x0400,
    CF_ACC_STRICT = 0x0800,
    CF_ACC_SYNTHETIC = 0x1000,
    CF_ACC_ANNOTATION = 0x2000,
    CF_ACC_ENUM = 0x4000,
};

/* One constant pool entry. Slot 0 and the slot after a Long or Double have tag 0. The meaning
 * of a and b depends on the tag:
 *   Class: a = name (Utf8)            String: a = string (Utf8)        MethodType: a = descriptor
 *   Fieldref/Methodref/InterfaceMethodref: a = class (Class), b = name_and_type (NameAndType)
 *   NameAndType: a = name (Utf8), b = descriptor (Utf8)
 *   MethodHandle: ref_kind (1..9), a = reference (Fieldref/Methodref/InterfaceMethodref)
 *   InvokeDynamic: a = bootstrap method attribute index, b = name_and_type
 * Integer, Float, Long, Double: bits holds the value's raw bits (Integer/Float in the low 32).
 * Utf8: utf8 points to the modified UTF-8 bytes followed by a NUL (which cannot occur inside a
 * valid modified UTF-8 string, so it is an ordinary C string), utf8_len bytes long. */
typedef struct {
    uint8_t tag;
    uint8_t ref_kind;
    uint16_t a, b;
    uint16_t utf8_len;
    uint64_t bits;
    const char *utf8;
} cf_const;

/* A verification type (JVMS §4.10.1.2 / §4.7.4 verification_type_info); tag values are the
 * class file's. For OBJECT, name/name_len is the class name in internal form ("java/lang/String",
 * or an array descriptor "[I"), and cpool is its Class entry, or 0 when the type came from the
 * method descriptor (the implicit initial frame). For UNINITIALIZED, offset is the pc of the
 * `new` instruction that created the object. Long and Double are one entry that takes two slots.
 */
enum {
    CF_VT_TOP = 0,
    CF_VT_INTEGER = 1,
    CF_VT_FLOAT = 2,
    CF_VT_DOUBLE = 3,
    CF_VT_LONG = 4,
    CF_VT_NULL = 5,
    CF_VT_UNINITIALIZED_THIS = 6,
    CF_VT_OBJECT = 7,
    CF_VT_UNINITIALIZED = 8,
};
typedef struct {
    uint8_t tag;
    uint16_t cpool;
    uint16_t offset;
    uint16_t name_len;
    const char *name;
} cf_vtype;

/* Stack map frame kinds (JVMS §4.7.4). */
typedef enum {
    CF_FRAME_SAME,
    CF_FRAME_SAME_LOCALS_1_STACK_ITEM,
    CF_FRAME_SAME_LOCALS_1_STACK_ITEM_EXTENDED,
    CF_FRAME_CHOP,
    CF_FRAME_SAME_EXTENDED,
    CF_FRAME_APPEND,
    CF_FRAME_FULL,
} cf_frame_kind;

/* A decoded frame: the state at pc `offset`, with the complete locals and stack lists (one entry
 * per verification type, as a full_frame lists them). locals_slots/stack_slots count Long and
 * Double twice and are at most max_locals/max_stack. */
typedef struct {
    cf_frame_kind kind;
    uint8_t frame_type; /* the encoded frame_type byte */
    uint16_t offset;
    uint16_t nlocals, nstack;
    uint16_t locals_slots, stack_slots;
    const cf_vtype *locals;
    const cf_vtype *stack;
} cf_frame;

/* One exception table entry (JVMS §4.7.3): [start_pc, end_pc) is protected, catch_type is a
 * Class entry or 0 (any exception: finally). */
typedef struct {
    uint16_t start_pc, end_pc, handler_pc, catch_type;
} cf_handler;

typedef struct {
    uint16_t max_stack, max_locals;
    uint32_t code_len; /* 1..65535 (JVMS §4.7.3) */
    const uint8_t *code;
    uint16_t nhandlers;
    const cf_handler *handlers;
    /* Decoded StackMapTable (class files >= 50.0; older files have none and nframes is 0). */
    uint16_t nframes;
    const cf_frame *frames;
} cf_code;

typedef struct {
    uint16_t access;
    uint16_t name_index, desc_index;
    const char *name, *desc;
    uint16_t constant_value; /* ConstantValue attribute's entry, or 0 (JVMS §4.7.2) */
} cf_field;

typedef struct {
    uint16_t access;
    uint16_t name_index, desc_index;
    const char *name, *desc;
    uint16_t arg_slots;  /* parameter slots, without `this` (Long and Double count twice) */
    const cf_code *code; /* NULL exactly when the method is abstract or native */
    uint16_t nexceptions;
    const uint16_t *exceptions; /* Exceptions attribute: Class entries (JVMS §4.7.5) */
} cf_method;

typedef struct cf_class {
    uint16_t minor, major;
    uint16_t cp_count; /* constant_pool_count: entries 1..cp_count-1 */
    const cf_const *cp;
    uint16_t access;
    uint16_t this_class, super_class; /* super_class is 0 only for java/lang/Object */
    const char *name, *super_name;    /* super_name is NULL when super_class is 0 */
    uint16_t ninterfaces;
    const uint16_t *interfaces;
    uint16_t nfields;
    const cf_field *fields;
    uint16_t nmethods;
    const cf_method *methods;
    uint16_t nbootstrap; /* BootstrapMethods entries (only counted, JVMS §4.7.23) */
    void *arena_;        /* private: the allocation everything above lives in */
} cf_class;

/* Parses a class file. On success *out is the new class (free it with cf_free). On failure *out
 * is NULL and, when msg is not NULL, msg receives a NUL-terminated message of at most cap bytes
 * ("offset 0x1a: constant pool entry 3: Class name 9 is not a Utf8 entry").
 * Errors: SEAM_E_FORMAT (malformed or forbidden by the JVMS), SEAM_E_UNSUPPORTED (a version
 * outside 45.0..52.0), SEAM_E_NOMEM (allocation failed or the decoded class would exceed a
 * bound proportional to the input size), SEAM_E_ARG (NULL data with a nonzero length, NULL out).
 */
seam_err cf_parse(const uint8_t *data, size_t len, cf_class **out, char *msg, size_t cap);

/* Frees a class and everything it owns. NULL is allowed. */
void cf_free(cf_class *c);

/* The string of Utf8 entry i, or NULL if i is out of range or not a Utf8 entry. */
const char *cf_utf8(const cf_class *c, uint16_t i);
/* The name of Class entry i ("java/lang/Object"), or NULL if i is not a Class entry. */
const char *cf_class_name(const cf_class *c, uint16_t i);

/* Descriptor checks (JVMS §4.3). Field: one FieldType taking exactly len bytes. Method:
 * ( {ParameterDescriptor} ) ReturnDescriptor; *arg_slots (may be NULL) receives the parameter
 * slots without `this`. Both refuse more than 255 array dimensions; the method check refuses
 * more than 255 parameter slots (JVMS §4.3.3; a caller adds 1 for `this` and checks again). */
seam_err cf_check_field_desc(const char *d, size_t len);
seam_err cf_check_method_desc(const char *d, size_t len, uint16_t *arg_slots);

/* The bytecode walker moved to the shared layer (seam/bytecode.h, src/gp/bytecode.c) so the card
 * can use it too. The old cf_ names stay as aliases so existing converter code keeps compiling;
 * new code uses the bc_ names. */
typedef bc_walker cf_walker;
typedef bc_insn cf_insn;
#define cf_walk_init bc_walk_init
#define cf_walk_next bc_walk_next
#define cf_opcode_name bc_opcode_name

#endif
