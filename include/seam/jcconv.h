/*
 * seam Java Card converter (host side): the load file writer and the class file -> load file
 * converter behind `seam jc convert` and `seam jc build`.
 *
 * The writer (jcw_*) serialises an in-memory model of one package into exactly the format of
 * seam/jcl.h; it checks every limit of that format (string and AID lengths, counts, code size,
 * INT constants first, every CLASS/FIELD/METHOD/IMETHOD index in range and of the right kind)
 * and refuses a model that breaks one, so it never emits a file the card's reader would refuse
 * for its structure.
 *
 * The converter (jcc_*) reads the class files of ONE package, checks the Java Card subset
 * (JCVM 3.0.5 §2.2: no long, float, double, char, String, threads or monitors, multi-dimensional
 * arrays, reflection, finalizers, invokedynamic, jsr/ret), resolves every class and member it
 * references against the package itself, the Java Card API class files and imported load files,
 * and builds the model the writer writes. Errors name the class, the member and the reason.
 *
 * Ownership: jcw_write and jcc_convert allocate the output with malloc; the caller frees it.
 */
#ifndef SEAM_JCCONV_H
#define SEAM_JCCONV_H

#include <stddef.h>
#include <stdint.h>

#include "seam/base.h"
#include "seam/jcl.h"

/* ---- writer model (field names follow seam/jcl.h) ---- */

typedef struct {
    uint8_t len; /* 5..16 */
    uint8_t b[16];
} jcw_aid;

typedef struct {
    jcw_aid aid;
    const char *name; /* internal form, "javacard/framework" */
    uint8_t major, minor;
} jcw_package;

typedef struct {
    uint8_t kind;     /* JCL_CONST_* */
    uint8_t pkg;      /* CLASS: JCL_PKG_SELF or 1..n_imports */
    uint16_t cls;     /* FIELD/METHOD/IMETHOD: a CLASS entry */
    uint32_t value;   /* INT */
    const char *name; /* CLASS: class name; members: member name */
    const char *desc; /* members: descriptor */
} jcw_const;

typedef struct {
    uint8_t tag;  /* JCL_TYPE_* */
    uint16_t arg; /* OBJECT: CLASS entry; UNINIT: pc of the `new` */
} jcw_type;

typedef struct {
    uint16_t pc;
    uint16_t nlocals, nstack;
    const jcw_type *locals, *stack;
} jcw_frame;

typedef struct {
    uint16_t start_pc, end_pc, handler_pc, catch_class; /* catch_class: CLASS entry or 0 */
} jcw_handler;

typedef struct {
    uint16_t flags;
    const char *name, *desc;
    uint16_t max_stack, max_locals;
    uint32_t code_len; /* 0 for abstract and native methods */
    const uint8_t *code;
    uint16_t nhandlers;
    const jcw_handler *handlers;
    uint16_t nframes;
    const jcw_frame *frames;
} jcw_method;

typedef struct {
    uint16_t flags;
    const char *name, *desc;
} jcw_field;

typedef struct {
    const char *name;
    uint16_t flags;
    uint16_t super; /* CLASS entry; 0 only for java/lang/Object */
    uint8_t ninterfaces;
    const uint16_t *interfaces;
    uint16_t nfields;
    const jcw_field *fields;
    uint16_t nmethods;
    const jcw_method *methods;
} jcw_class;

typedef struct {
    jcw_aid aid;
    uint8_t cls; /* index into classes */
} jcw_applet;

typedef struct {
    jcw_package package;
    uint8_t nimports;
    const jcw_package *imports;
    uint16_t nconsts;
    const jcw_const *consts; /* consts[i] is entry i+1 */
    uint8_t nclasses;
    const jcw_class *classes;
    uint8_t napplets;
    const jcw_applet *applets;
} jcw_file;

/* Serialises f. On success *out (malloc'd, caller frees) holds *out_len bytes. Errors:
 * SEAM_E_ARG (NULL arguments), SEAM_E_FORMAT (the model breaks a rule of jcl.h: msg says which),
 * SEAM_E_NOMEM. msg (may be NULL) receives a NUL-terminated message of at most cap bytes. */
seam_err jcw_write(const jcw_file *f, uint8_t **out, size_t *out_len, char *msg, size_t cap);

/* ---- converter ---- */

typedef struct {
    const char *cls; /* "com.example.Echo", "com/example/Echo" or "Echo" (this package) */
    jcw_aid aid;
} jcc_applet;

/* One class file of the package, as bytes. */
typedef struct {
    const char *path; /* for messages only */
    const uint8_t *data;
    size_t len;
} jcc_input;

typedef struct {
    jcw_aid package_aid;
    uint8_t major, minor; /* package version, default 1.0 */
    const jcc_applet *applets;
    size_t napplets;
    const char *api_dir; /* root of the API class files ("build/jc/api-classes") */
    /* Imported load files (their bytes), resolved with the shared reader. */
    const uint8_t *const *import_data;
    const size_t *import_len;
    const char *const *import_names; /* for messages */
    size_t nimports;
} jcc_options;

/* Converts the class files in[0..n) (one package) into a load file. On success *out
 * (malloc'd, caller frees) holds *out_len bytes. On failure msg receives every problem found,
 * one per line ("com/example/Echo.process(Ljavacard/framework/APDU;)V: uses long (opcode ladd at
 * pc 12)"), truncated to cap bytes. Errors: SEAM_E_FORMAT (a class file is malformed),
 * SEAM_E_UNSUPPORTED (outside the Java Card subset), SEAM_E_NOT_FOUND (an unresolved reference),
 * SEAM_E_ARG (bad options: no classes, several packages, a bad --applet), SEAM_E_IO (the API
 * class files cannot be read), SEAM_E_NOMEM. The output depends only on the inputs' contents
 * (classes are ordered by name), so converting twice gives identical bytes. */
seam_err jcc_convert(const jcc_input *in, size_t n, const jcc_options *o, uint8_t **out,
                     size_t *out_len, char *msg, size_t cap);

/* Reads every *.class file below dir (recursively) and converts them with jcc_convert. */
seam_err jcc_convert_dir(const char *dir, const jcc_options *o, uint8_t **out, size_t *out_len,
                         char *msg, size_t cap);

/* For `seam jc build --import`: reads the load file data[0..len) with the shared reader and
 * writes below dir one class file per public class or interface (dir/com/example/A.class) with
 * its public and protected members and no code, for javac's classpath. Static final fields of
 * primitive type are left out: the load file does not carry their values, and a client must not
 * compile against a constant it would read as 0. Errors: SEAM_E_FORMAT (not a valid load file),
 * SEAM_E_IO, SEAM_E_NOMEM, SEAM_E_ARG. */
seam_err jcc_write_stubs(const uint8_t *data, size_t len, const char *dir, char *msg, size_t cap);

#endif
