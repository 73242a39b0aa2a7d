/*
 * The Java Card runtime (JCRE) of the secure element, as the card OS (src/se/os) and the
 * GlobalPlatform content management (src/se/gp) see it. Java Card 3.0.5 Classic: JCRE spec
 * (runtime environment), JCVM spec (the machine), docs/design-jcvm.md (seam's design).
 *
 * Ownership of state:
 *  - the GP registry (src/se/gp) owns registry entries (se_reg_rec in se_int.h): one
 *    REG_KIND_LOAD_FILE per package, one REG_KIND_APP per applet instance; they point at the
 *    runtime's objects through obj_id;
 *  - the runtime owns everything else of Java Card in the store: package objects (the load file
 *    bytes, the statics, whatever linking needs to keep), Java objects and arrays, and their
 *    contexts; and all RAM state (linked classes, transient arrays, frames, the APDU state).
 *
 * Transactions: every entry point that changes the store is called by GP inside a store
 * transaction that GP opened (store_tx_begin) and that GP commits or aborts depending on the
 * returned SW: on any SW other than 9000 GP aborts, so the card is exactly as before. The runtime
 * never commits or aborts the caller's transaction itself; it only checks store_in_tx. Applet code
 * (process) runs outside any GP transaction and uses the store's transaction for
 * JCSystem.beginTransaction.
 *
 * Status words returned are final ISO/GP status words (seam/sw.h). msg, where present, receives a
 * NUL-terminated human-readable reason (at most cap bytes) for logs and tests; it never reaches
 * the card's outside.
 */
#ifndef SEAM_SE_JCVM_H
#define SEAM_SE_JCVM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "se/se_int.h"

typedef struct jcvm jcvm;

/* ---- power ---- */

/* Power-up: builds s->vm: links the ROM packages (the API, src/se/jcvm/rom) and every package in
 * the store, in load order. A package that no longer links is an image error: SEAM_E_CORRUPT
 * with msg. Called by se_open after the store is open and the card record checked. */
seam_err jcvm_power_up(se *s, char *msg, size_t cap);
/* Power-down: frees RAM (wiping transient arrays and the APDU buffer). s->vm becomes NULL. */
void jcvm_power_down(se *s);
/* Card reset (se_reset): every applet is deselected without its deselect() running (JCRE §3.3:
 * a reset is not a deselection), CLEAR_ON_RESET and CLEAR_ON_DESELECT transient arrays are
 * zeroed, an open Java Card transaction is aborted. */
void jcvm_reset(se *s);

/* ---- content management (GP CS 2.3.1 §11.5, §11.6, §11.2), inside GP's store transaction ---- */

/* LOAD complete: the whole Load File Data Block (the .jcl bytes, C4 wrapper removed) arrived.
 * Parses (jcl_parse), verifies (type-checking verifier), links against the ROM and the loaded
 * packages (every import must be present with the same major version and a minor version at
 * least the one imported: else 6A88), stores the package and runs the static initialisers
 * (<clinit>) of its classes. On success *pkg_obj is the package object for the registry entry.
 * SWs: 9000; 6A80 (malformed or unverifiable load file; msg names the check); 6A88 (an import
 * is missing or of an incompatible version); 6985 (a package with this AID or name is already
 * loaded); 6A84 (not enough memory); 6F00 (a <clinit> threw). */
uint16_t jcvm_load(se *s, const uint8_t *jcl, size_t len, store_id *pkg_obj, char *msg,
                   size_t cap);

/* The load file bytes of a package object (for GET STATUS: AID, version, modules), or NULL. */
const uint8_t *jcvm_pkg_bytes(se *s, store_id pkg_obj, size_t *len);

/* True when another loaded package imports this one (DELETE must refuse it: 6985). */
bool jcvm_pkg_imported(se *s, store_id pkg_obj);

/* INSTALL [for install]: creates an instance of applet `module` (index into the load file's
 * APPLETS) of the package by calling its static install(byte[] bArray, short bOffset,
 * byte bLength), with bArray laid out as GP CS 2.3.1 §11.5.2.3.7 and JCRE §6.2 say:
 *   [len][instance AID] [len][privileges] [len][application specific parameters (C9 value)]
 * and bOffset/bLength covering the whole. app_reg is the registry entry GP created for the
 * instance (kind APP, AID = instance AID, elf_id and module set, obj_id still 0); the applet's
 * register() / register(byte[],short,byte) call binds the new applet object to it and writes
 * obj_id. If install returns without having registered, or throws, the SW is 6A80 (ISOException:
 * its SW) and GP aborts its transaction. The new applet's context is the package's.
 * SWs: 9000, 6A80, 6A84, an ISOException's SW, 6F00. */
uint16_t jcvm_install(se *s, store_id pkg_obj, uint8_t module, store_id app_reg,
                      const uint8_t *inst_aid, size_t inst_aid_len, const uint8_t *priv,
                      size_t priv_len, const uint8_t *params, size_t params_len, char *msg,
                      size_t cap);

/* DELETE of one applet instance: runs its AppletEvent.uninstall() if it implements AppletEvent
 * (exceptions are ignored, JCRE §11.3.4.1), then deletes the applet object and every object of
 * the context no longer reachable. The registry entry itself is GP's to free. 9000, or 6985 when
 * the applet is selected on a channel or another context holds one of its objects. */
uint16_t jcvm_delete_app(se *s, store_id app_reg);

/* DELETE of a package (after its applets): frees the package object, its statics and every
 * remaining object of its context. 6985 when another package imports it. */
uint16_t jcvm_delete_pkg(se *s, store_id pkg_obj);

/* ---- dispatch (JCRE §4, §3.2, §3.3) ---- */

/* SELECT of applet app_reg on channel ch (the OS found it by AID): deselects the applet
 * previously selected on ch (its deselect() runs), then calls select() and, when it returns
 * true, process() with the SELECT command, whose response data go to r. The OS then records
 * the selection. Returns 9000 or the SW of process(); 6999 when select() returns false or
 * throws (the channel then has no applet selected); 6985 if the applet is already active on
 * another channel and is not MultiSelectable (or another applet of its package is active and
 * the package is not multiselectable). */
uint16_t jcvm_select(se *s, uint8_t ch, store_id app_reg, const apdu_cmd *c, se_resp *r);

/* The OS deselects whatever applet is selected on channel ch (MANAGE CHANNEL close, selection
 * of another application, including a security domain): its deselect() runs, CLEAR_ON_DESELECT
 * arrays of its context are zeroed when no applet of the context stays selected. */
void jcvm_deselect(se *s, uint8_t ch);

/* One command for the applet selected on ch (chaining already reassembled by the OS; secure
 * messaging is the applet's own business). Runs process(apdu). Uncaught ISOException -> its SW;
 * any other uncaught exception -> 6F00; both abort an open transaction; returning with a
 * transaction open -> abort + 6F00; the step budget (s->max_steps per APDU) spent -> 6F00 with
 * the transaction aborted. Response data go to r (at most r->cap bytes). */
uint16_t jcvm_process(se *s, uint8_t ch, const apdu_cmd *c, se_resp *r);

/* True when an applet (not a security domain) is selected on ch. */
bool jcvm_selected(se *s, uint8_t ch);

#endif
