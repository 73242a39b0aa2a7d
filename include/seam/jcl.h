/*
 * The seam load file (.jcl), format 1.0: one Java Card package as the Load File Data Block that
 * GP LOAD carries (without the C4 tag). Written by the converter (src/host/jc), read and
 * verified by the card (src/se/jcvm). docs/load-file.md is the full description; this header is
 * the contract both sides compile against, so they cannot drift apart.
 *
 * Layout (all integers big-endian):
 *   u4 magic JCL_MAGIC, u1 major JCL_MAJOR, u1 minor JCL_MINOR
 *   sections in this order, each present exactly once: u1 tag, u4 length, body of that length
 *     PACKAGE, IMPORTS, CONSTANTS, CLASSES, APPLETS
 *   nothing after the last section.
 *
 * Strings ("str" below) are u1 length + that many bytes of modified UTF-8 (JVMS §4.4.7), never
 * empty; names are in internal form ("com/example/echo/Echo").
 *   AID         u1 length (5..16) + bytes
 *   PACKAGE     AID, str name, u1 version major, u1 version minor
 *   IMPORTS     u1 n (0..JCL_MAX_IMPORTS); n x { AID, str name, u1 major, u1 minor }
 *   CONSTANTS   u2 n (0..JCL_MAX_CONSTANTS); entries numbered 1..n, each u1 kind then:
 *                 JCL_CONST_INT      u4 value
 *                 JCL_CONST_CLASS    u1 package (JCL_PKG_SELF or 1..n_imports), str class name
 *                                    (a class of that package, "<package>/<Simple>"); an array
 *                                    class ("[B", "[Ljavacard/framework/AID;") has package 0 for
 *                                    primitive elements, else its element class's package
 *                 JCL_CONST_FIELD    u2 class (a CLASS entry), str name, str descriptor
 *                 JCL_CONST_METHOD   u2 class, str name, str descriptor
 *                 JCL_CONST_IMETHOD  u2 class (an interface), str name, str descriptor
 *               INT entries come first, so `ldc` keeps its one-byte operand.
 *   CLASSES     u1 n (1..JCL_MAX_CLASSES); n x class:
 *                 str name (this package's classes only), u2 access flags (JVMS Table 4.1-A),
 *                 u2 super (CLASS entry; 0 only for java/lang/Object),
 *                 u1 ni, ni x u2 (CLASS entries, interfaces),
 *                 u2 nf, nf x { u2 flags, str name, str descriptor },
 *                 u2 nm, nm x method:
 *                   u2 flags, str name, str descriptor, u2 max_stack, u2 max_locals,
 *                   u4 code_length (0 for abstract and native methods), code bytes,
 *                   u2 nh, nh x { u2 start_pc, u2 end_pc, u2 handler_pc, u2 catch (CLASS or 0) },
 *                   u2 nframes, nframes x frame
 *               frame: u2 pc, u2 nlocals, nlocals x type, u2 nstack, nstack x type
 *               type:  u1 tag JCL_TYPE_*; OBJECT is followed by u2 (a CLASS entry),
 *                      UNINIT by u2 (the pc of its `new`)
 *   APPLETS     u1 n (0..JCL_MAX_APPLETS); n x { AID, u1 class index (into CLASSES) }
 *
 * Code is the class file's JVM bytecode with every constant pool operand rewritten, in place and
 * with the same width, to an index of this CONSTANTS table, so every pc, branch offset, handler
 * and frame of the class file stays valid. Frames are the StackMapTable's, expanded to full
 * frames (JVMS §4.7.4), with the implicit initial frame left out. long, float, double and char
 * never appear (the converter refuses them and the reader too); int does. Format 1.0 carries no
 * ConstantValue: javac inlines static final constants within a package, and the converter's
 * --import stubs leave them out, so a constant of another package cannot be read as 0.
 */
#ifndef SEAM_JCL_H
#define SEAM_JCL_H

#define JCL_MAGIC 0x534A434Cu /* "SJCL" */
#define JCL_MAJOR 1
#define JCL_MINOR 0

/* section tags, in their required order */
#define JCL_SEC_PACKAGE 0x01
#define JCL_SEC_IMPORTS 0x02
#define JCL_SEC_CONSTANTS 0x03
#define JCL_SEC_CLASSES 0x04
#define JCL_SEC_APPLETS 0x05

/* constant kinds */
#define JCL_CONST_INT 0x01
#define JCL_CONST_CLASS 0x02
#define JCL_CONST_FIELD 0x03
#define JCL_CONST_METHOD 0x04
#define JCL_CONST_IMETHOD 0x05

#define JCL_PKG_SELF 0x00 /* a CLASS constant's package: this package; 1..n = import n */

/* verification types of frames (the JVMS §4.7.4 tags, without float/long/double) */
#define JCL_TYPE_TOP 0
#define JCL_TYPE_INT 1
#define JCL_TYPE_NULL 5
#define JCL_TYPE_UNINIT_THIS 6
#define JCL_TYPE_OBJECT 7
#define JCL_TYPE_UNINIT 8

/* limits (the card refuses anything larger) */
#define JCL_MAX_IMPORTS 32
#define JCL_MAX_CONSTANTS 65535
#define JCL_MAX_CLASSES 255
#define JCL_MAX_APPLETS 16
#define JCL_MAX_CODE 32767 /* per method: Java Card's own limit on method size */

/* the standard AIDs of the API packages (Java Card 3.0.5 API, package AIDs) */
#define JCL_AID_JAVA_LANG "\xA0\x00\x00\x00\x62\x00\x01"
#define JCL_AID_JAVACARD_FRAMEWORK "\xA0\x00\x00\x00\x62\x01\x01"
#define JCL_AID_JAVACARDX_APDU "\xA0\x00\x00\x00\x62\x02\x09"
#define JCL_AID_JAVACARD_SECURITY "\xA0\x00\x00\x00\x62\x01\x02"
#define JCL_AID_JAVACARDX_CRYPTO "\xA0\x00\x00\x00\x62\x02\x01"
/* seam's own ROM package next to the API (a card vendor's proprietary API): seam.trust, the
 * quorum service for applets (docs/trust.md); "F0" + "seam" + 00 00 */
#define JCL_AID_SEAM_TRUST "\xF0\x73\x65\x61\x6D\x00\x00"
/* org.globalplatform, the GlobalPlatform Card API (GP CS 2.3.1 Appendix A; docs/gp-api.md) */
#define JCL_AID_GP_API "\xA0\x00\x00\x01\x51\x00"

#endif
