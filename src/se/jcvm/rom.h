/*
 * The card's ROM mask: the Java Card API packages (jc/api, converted to load files at build
 * time by tools/romgen.c) linked into the seam binary as read-only bytes. The runtime links them
 * at every power-up before the packages of the store; they cannot be deleted.
 *
 * jcvm_rom_pkgs lists them in dependency order (a package's imports come before it:
 * java/lang first). Their AIDs are the standard ones of seam/jcl.h (JCL_AID_*). The definition
 * is generated into the build directory (rom_api.c).
 */
#ifndef SEAM_SE_JCVM_ROM_H
#define SEAM_SE_JCVM_ROM_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    const char *name; /* internal form, "javacard/framework" */
    const uint8_t *data;
    size_t len;
} jcvm_rom_pkg;

extern const jcvm_rom_pkg jcvm_rom_pkgs[];
extern const size_t jcvm_rom_npkgs;

#endif
