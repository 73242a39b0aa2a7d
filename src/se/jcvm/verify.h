/*
 * The card's bytecode verifier: the type-checking verifier of JVMS SE 8 §4.10.1, applied to a
 * load file that jcl_parse has already checked structurally (seam/jclread.h lists what that
 * guarantees). Every method with code is checked against its frames (StackMapTable, expanded to
 * full frames by the converter): operand types, stack depth (never under 0 or over max_stack),
 * locals (never read before written with the right type), branch and handler targets (a frame
 * at each, the incoming state assignable to it), field and method signatures taken from the
 * constant descriptors, object initialisation (uninitialized types, <init> on the right object,
 * a constructor calls super's or this's <init> before returning), return types, athrow of a
 * Throwable, array element types (baload works on byte[] and boolean[] only, and so on).
 * Types are those of the Java Card subset: int (covering boolean, byte, short, int), null,
 * references to classes and arrays, uninitialized and uninitializedThis; long, float, double
 * and returnAddress never occur (the reader refuses them).
 *
 * Class hierarchy: classes of the package itself are known from the load file; classes of other
 * packages (imports) are asked of the environment by their full internal name, which is unique
 * on a card. Assignability to an interface type is always true (JVMS §4.10.1.2: interfaces are
 * treated as Object; invokeinterface receivers are checked at run time by the interpreter).
 *
 * The verifier allocates nothing on the heap and recurses on nothing from the input: its work
 * area is a caller-provided arena (jcv_arena_bound(f) bytes always suffice).
 */
#ifndef SEAM_SE_JCVM_VERIFY_H
#define SEAM_SE_JCVM_VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "seam/base.h"
#include "seam/jclread.h"

/* What the verifier needs to know about a class outside the package. */
typedef struct {
    bool is_interface;
    bool has_super;           /* false only for java/lang/Object */
    const char *super_name;   /* full internal name of the superclass (valid until the next call) */
    size_t super_len;
} jcv_class_info;

typedef struct {
    /* Looks up a class of another package by full internal name ("javacard/framework/APDU").
     * Returns SEAM_OK with *out filled, or SEAM_E_NOT_FOUND. */
    seam_err (*class_info)(void *ctx, const char *name, size_t len, jcv_class_info *out);
    void *ctx;
} jcv_env;

/* Arena bytes that always suffice for verifying f. */
size_t jcv_arena_bound(const jcl_file *f);

/* Verifies every method of f. SEAM_OK, or SEAM_E_FORMAT with msg naming class, method, pc and
 * the rule broken ("com/x/A.process(Ljavacard/framework/APDU;)V pc 12: stack underflow"),
 * SEAM_E_NOT_FOUND when a class of another package is unknown to env (msg names it),
 * SEAM_E_NOMEM when the arena is too small (never with jcv_arena_bound(f) bytes),
 * SEAM_E_ARG for NULL arguments. */
seam_err jcv_verify(const jcl_file *f, const jcv_env *env, void *arena, size_t arena_cap,
                    char *msg, size_t cap);

#endif
