/*
 * `seam pki`: a small certificate authority for seam's PKI (DESIGN.md §6), modelled on GB's
 * Smart Metering Key Infrastructure: root CAs, issuing CAs, organisation certificates (one per
 * key usage) and device certificates for keys generated on a secure element. Certificates are
 * made by include/seam/pki.h (OpenSSL); `show` and `verify` read them with seam's own X.509
 * parser and chain checker (include/seam/x509.h), the code the card runs, so a certificate this
 * tool accepts is one the card accepts. docs/pki.md describes the profiles and commands.
 *
 * Output files are PEM, written atomically and never overwritten without --force; key.pem is
 * mode 0600. Exit status: 0 done, 1 failure (including a chain that does not verify),
 * 2 usage error.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "seam/pki.h"
#include "seam/x509.h"

#define MAX_DAYS 36500
#define MAX_FILE (16 * PKI_MAX_CERT)
#define MAX_CERTS 16 /* certificates read from the files of one command */

static void usage(FILE *f)
{
    fprintf(f,
            "usage: seam pki root    -o DIR --name CN [--days N] [--pathlen N] [--force]\n"
            "       seam pki issuing --ca DIR -o DIR --name CN [--pathlen N] [--days N] [--force]\n"
            "       seam pki org     --ca DIR -o DIR --name CN --role ROLE --usage USAGE\n"
            "                        [--days N] [--force]\n"
            "       seam pki device  --ca DIR (--csr FILE | --pubkey FILE) -o CERTFILE --id HEX\n"
            "                        --usage USAGE [--days N] [--force]\n"
            "       seam pki show    FILE...\n"
            "       seam pki verify  --ca ROOT.pem [--ca ROOT.pem]... [--usage USAGE] [--no-time]\n"
            "                        CERT [CHAIN]...\n"
            "\n"
            "A CA directory holds cert.pem and key.pem (P-256, mode 0600). All certificates are\n"
            "X.509 v3, ECDSA P-256 with SHA-256, as GB's SMKI; docs/pki.md gives the profiles.\n"
            "\n"
            "  root       a self-signed root CA (basicConstraints cA, keyCertSign + cRLSign)\n"
            "  issuing    an issuing CA signed by --ca (pathLenConstraint --pathlen, default 0)\n"
            "  org        an organisation certificate with ONE key usage; ROLE is supplier,\n"
            "             network-operator, dcc or telehealth (subject OU and policy OID)\n"
            "  device     a device certificate for a key generated on the card: --pubkey takes\n"
            "             a PEM/DER SubjectPublicKeyInfo or a 65-byte point (binary or hex),\n"
            "             --csr a PKCS#10 request (its signature is checked); the subject is\n"
            "             CN=ID, the device identifier (EUI-64, card image number) in hex\n"
            "  show       print certificates as the card's parser reads them\n"
            "  verify     check CERT (the leaf) up to one of the roots through the CHAIN\n"
            "             certificates with the card's chain checker; --usage demands exactly\n"
            "             that key usage of the leaf; --no-time skips validity periods\n"
            "\n"
            "  USAGE      sign (digitalSignature) or keyagree (keyAgreement)\n"
            "  --days N   validity from now (default: root 7300, issuing 3650, org 1825,\n"
            "             device 7300); never beyond the issuer's notAfter\n"
            "  --force    replace existing output files\n"
            "\n"
            "Exit status: 0 done, 1 failure (or a chain that does not verify), 2 usage error.\n");
}

typedef struct {
    const char *out, *name, *ca_dir, *role, *usage, *csr, *pubkey, *id;
    long days;
    long pathlen;
    bool has_pathlen, force, no_time;
    const char *cas[MAX_CERTS];
    size_t n_cas;
    const char *files[MAX_CERTS];
    size_t n_files;
} opts;

/* Option flags each subcommand accepts. */
enum {
    O_OUT = 1 << 0,
    O_NAME = 1 << 1,
    O_CA = 1 << 2,
    O_ROLE = 1 << 3,
    O_USAGE = 1 << 4,
    O_CSR = 1 << 5,
    O_PUBKEY = 1 << 6,
    O_ID = 1 << 7,
    O_DAYS = 1 << 8,
    O_PATHLEN = 1 << 9,
    O_FORCE = 1 << 10,
    O_CAS = 1 << 11, /* --ca repeatable, a root certificate file */
    O_NOTIME = 1 << 12,
    O_FILES = 1 << 13,
};

static bool parse_long(const char *s, long lo, long hi, long *v)
{
    char *end;
    errno = 0;
    long x = strtol(s, &end, 10);
    if (errno || end == s || *end || x < lo || x > hi) return false;
    *v = x;
    return true;
}

/* Parses argv[2..] for subcommand sub. Returns 0, or 2 after a message. */
static int parse(int argc, char **argv, const char *sub, unsigned allowed, opts *o)
{
    memset(o, 0, sizeof *o);
    o->days = -1;
    o->pathlen = -1;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        bool val = i + 1 < argc;
        unsigned need = 0;
        if (!strcmp(a, "-o") || !strcmp(a, "--out")) {
            need = O_OUT;
            if (val) o->out = argv[++i];
        } else if (!strcmp(a, "--name")) {
            need = O_NAME;
            if (val) o->name = argv[++i];
        } else if (!strcmp(a, "--ca")) {
            need = allowed & O_CAS ? O_CAS : O_CA;
            if (val && need == O_CA)
                o->ca_dir = argv[++i];
            else if (val && o->n_cas < MAX_CERTS)
                o->cas[o->n_cas++] = argv[++i];
            else if (val) {
                fprintf(stderr, "seam pki %s: at most %d --ca\n", sub, MAX_CERTS);
                return 2;
            }
        } else if (!strcmp(a, "--role")) {
            need = O_ROLE;
            if (val) o->role = argv[++i];
        } else if (!strcmp(a, "--usage")) {
            need = O_USAGE;
            if (val) o->usage = argv[++i];
        } else if (!strcmp(a, "--csr")) {
            need = O_CSR;
            if (val) o->csr = argv[++i];
        } else if (!strcmp(a, "--pubkey")) {
            need = O_PUBKEY;
            if (val) o->pubkey = argv[++i];
        } else if (!strcmp(a, "--id")) {
            need = O_ID;
            if (val) o->id = argv[++i];
        } else if (!strcmp(a, "--days")) {
            need = O_DAYS;
            if (val && !parse_long(argv[++i], 1, MAX_DAYS, &o->days)) {
                fprintf(stderr, "seam pki %s: --days takes 1..%d\n", sub, MAX_DAYS);
                return 2;
            }
        } else if (!strcmp(a, "--pathlen")) {
            need = O_PATHLEN;
            if (val && !parse_long(argv[++i], 0, 16, &o->pathlen)) {
                fprintf(stderr, "seam pki %s: --pathlen takes 0..16\n", sub);
                return 2;
            }
            o->has_pathlen = true;
        } else if (!strcmp(a, "--force")) {
            need = O_FORCE;
            val = true;
            o->force = true;
        } else if (!strcmp(a, "--no-time")) {
            need = O_NOTIME;
            val = true;
            o->no_time = true;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "seam pki %s: unknown option %s\n", sub, a);
            return 2;
        } else {
            need = O_FILES;
            val = true;
            if (o->n_files == MAX_CERTS) {
                fprintf(stderr, "seam pki %s: at most %d files\n", sub, MAX_CERTS);
                return 2;
            }
            o->files[o->n_files++] = a;
        }
        if (!(allowed & need)) {
            fprintf(stderr, "seam pki %s: %s does not apply here (see seam pki --help)\n", sub,
                    need == O_FILES ? "an argument" : a);
            return 2;
        }
        if (!val) {
            fprintf(stderr, "seam pki %s: %s needs a value\n", sub, a);
            return 2;
        }
    }
    return 0;
}

static int missing(const char *sub, const char *what)
{
    fprintf(stderr, "seam pki %s: %s is required (see seam pki --help)\n", sub, what);
    return 2;
}

static bool usage_of(const char *s, pki_usage *u)
{
    if (!strcmp(s, "sign"))
        *u = PKI_USAGE_SIGN;
    else if (!strcmp(s, "keyagree"))
        *u = PKI_USAGE_KEYAGREE;
    else
        return false;
    return true;
}

static int64_t now_seconds(void)
{
    return (int64_t)time(NULL);
}

/* ---- root, issuing, org: a new key pair in a directory ---- */

static int make_keyed(const char *sub, pki_profile *p, const opts *o)
{
    pki_ca ca;
    char err[256] = "";
    bool have_ca = p->kind != PKI_ROOT;
    if (have_ca && pki_ca_load(&ca, o->ca_dir, err, sizeof err) != SEAM_OK) {
        fprintf(stderr, "seam pki %s: CA %s: %s\n", sub, o->ca_dir, err);
        return 1;
    }
    uint8_t priv[32], pub[65], cert[PKI_MAX_CERT];
    size_t clen = 0;
    pki_signer self = {0};
    seam_err e = pki_keygen(priv, pub);
    if (e == SEAM_OK && !have_ca) e = pki_signer_raw(&self, priv);
    if (e == SEAM_OK) {
        p->subject_pub = pub;
        e = pki_issue(p, have_ca ? ca.cert : NULL, have_ca ? ca.cert_len : 0,
                      have_ca ? &ca.signer : &self, cert, sizeof cert, &clen, err, sizeof err);
    } else {
        snprintf(err, sizeof err, "key generation failed: %s", seam_strerror(e));
    }
    pki_signer_release(&self);
    if (have_ca) pki_ca_release(&ca);
    if (e == SEAM_OK) e = pki_ca_save(o->out, cert, clen, priv, o->force, err, sizeof err);
    seam_wipe(priv, sizeof priv);
    if (e != SEAM_OK) {
        fprintf(stderr, "seam pki %s: %s\n", sub, err);
        return e == SEAM_E_ARG ? 2 : 1;
    }
    printf("%s/cert.pem and %s/key.pem written\n", o->out, o->out);
    return 0;
}

static int cmd_root(int argc, char **argv)
{
    opts o;
    int rc = parse(argc, argv, "root", O_OUT | O_NAME | O_DAYS | O_PATHLEN | O_FORCE, &o);
    if (rc) return rc;
    if (!o.out) return missing("root", "-o DIR");
    if (!o.name) return missing("root", "--name CN");
    int64_t now = now_seconds();
    pki_profile p = {.kind = PKI_ROOT,
                     .name = o.name,
                     .path_len = (int32_t)o.pathlen,
                     .not_before = now,
                     .not_after = now + 86400LL * (o.days > 0 ? o.days : 7300)};
    return make_keyed("root", &p, &o);
}

static int cmd_issuing(int argc, char **argv)
{
    opts o;
    int rc = parse(argc, argv, "issuing", O_CA | O_OUT | O_NAME | O_DAYS | O_PATHLEN | O_FORCE, &o);
    if (rc) return rc;
    if (!o.ca_dir) return missing("issuing", "--ca DIR");
    if (!o.out) return missing("issuing", "-o DIR");
    if (!o.name) return missing("issuing", "--name CN");
    int64_t now = now_seconds();
    pki_profile p = {.kind = PKI_ISSUING,
                     .name = o.name,
                     .path_len = o.has_pathlen ? (int32_t)o.pathlen : 0,
                     .not_before = now,
                     .not_after = now + 86400LL * (o.days > 0 ? o.days : 3650)};
    return make_keyed("issuing", &p, &o);
}

static int cmd_org(int argc, char **argv)
{
    opts o;
    int rc =
        parse(argc, argv, "org", O_CA | O_OUT | O_NAME | O_ROLE | O_USAGE | O_DAYS | O_FORCE, &o);
    if (rc) return rc;
    if (!o.ca_dir) return missing("org", "--ca DIR");
    if (!o.out) return missing("org", "-o DIR");
    if (!o.name) return missing("org", "--name CN");
    if (!o.role) return missing("org", "--role supplier|network-operator|dcc|telehealth");
    if (!o.usage) return missing("org", "--usage sign|keyagree");
    pki_role role = pki_role_from_name(o.role);
    if (role == PKI_ROLE_NONE || role == PKI_ROLE_DEVICE) {
        fprintf(stderr,
                "seam pki org: unknown role '%s' (supplier, network-operator, dcc, telehealth)\n",
                o.role);
        return 2;
    }
    pki_usage u;
    if (!usage_of(o.usage, &u)) {
        fprintf(stderr, "seam pki org: --usage is sign or keyagree (one per certificate)\n");
        return 2;
    }
    int64_t now = now_seconds();
    pki_profile p = {.kind = PKI_ORG,
                     .name = o.name,
                     .role = role,
                     .usage = u,
                     .path_len = -1,
                     .not_before = now,
                     .not_after = now + 86400LL * (o.days > 0 ? o.days : 1825)};
    return make_keyed("org", &p, &o);
}

/* ---- device ---- */

static int cmd_device(int argc, char **argv)
{
    opts o;
    int rc = parse(argc, argv, "device",
                   O_CA | O_OUT | O_CSR | O_PUBKEY | O_ID | O_USAGE | O_DAYS | O_FORCE, &o);
    if (rc) return rc;
    if (!o.ca_dir) return missing("device", "--ca DIR");
    if (!o.out) return missing("device", "-o CERTFILE");
    if (!o.csr == !o.pubkey) {
        fprintf(stderr, "seam pki device: give one of --csr FILE and --pubkey FILE\n");
        return 2;
    }
    if (!o.id) return missing("device", "--id HEX");
    if (!o.usage) return missing("device", "--usage sign|keyagree");
    pki_usage u;
    if (!usage_of(o.usage, &u)) {
        fprintf(stderr, "seam pki device: --usage is sign or keyagree (one per certificate)\n");
        return 2;
    }
    uint8_t id[PKI_MAX_DEVICE_ID];
    size_t idlen = 0;
    if (seam_hex_decode(o.id, id, sizeof id, &idlen) != SEAM_OK || idlen == 0) {
        fprintf(stderr, "seam pki device: --id is 1..%d bytes in hex (e.g. an EUI-64)\n",
                PKI_MAX_DEVICE_ID);
        return 2;
    }
    const char *in = o.csr ? o.csr : o.pubkey;
    uint8_t *data = malloc(MAX_FILE);
    size_t dlen = 0;
    char err[256] = "";
    if (!data) return 1;
    seam_err e = pki_read_file(in, data, MAX_FILE, &dlen);
    uint8_t pub[65];
    if (e != SEAM_OK) {
        fprintf(stderr, "seam pki device: cannot read %s: %s\n", in,
                e == SEAM_E_LENGTH ? "too large" : strerror(errno));
        free(data);
        return 1;
    }
    e = o.csr ? pki_csr_parse(data, dlen, pub, err, sizeof err)
              : pki_pubkey_parse(data, dlen, pub, err, sizeof err);
    free(data);
    if (e != SEAM_OK) {
        fprintf(stderr, "seam pki device: %s: %s\n", in, err);
        return 1;
    }
    pki_ca ca;
    if (pki_ca_load(&ca, o.ca_dir, err, sizeof err) != SEAM_OK) {
        fprintf(stderr, "seam pki device: CA %s: %s\n", o.ca_dir, err);
        return 1;
    }
    int64_t now = now_seconds();
    pki_profile p = {.kind = PKI_DEVICE,
                     .usage = u,
                     .device_id = id,
                     .device_id_len = idlen,
                     .path_len = -1,
                     .subject_pub = pub,
                     .not_before = now,
                     .not_after = now + 86400LL * (o.days > 0 ? o.days : 7300)};
    uint8_t cert[PKI_MAX_CERT];
    size_t clen = 0;
    e = pki_issue(&p, ca.cert, ca.cert_len, &ca.signer, cert, sizeof cert, &clen, err, sizeof err);
    pki_ca_release(&ca);
    if (e == SEAM_OK) {
        char pem[3 * PKI_MAX_CERT];
        size_t plen = 0;
        e = pki_pem_encode("CERTIFICATE", cert, clen, pem, sizeof pem, &plen);
        if (e == SEAM_OK) e = pki_write_file(o.out, pem, plen, 0644, o.force);
        if (e != SEAM_OK)
            snprintf(err, sizeof err, "cannot write %s: %s", o.out,
                     e == SEAM_E_EXISTS ? "it exists (use --force to replace it)"
                                        : seam_strerror(e));
    }
    if (e != SEAM_OK) {
        fprintf(stderr, "seam pki device: %s\n", err);
        return 1;
    }
    printf("%s written\n", o.out);
    return 0;
}

/* ---- reading certificates for show and verify ---- */

typedef struct {
    uint8_t buf[MAX_CERTS * PKI_MAX_CERT];
    size_t used;
    size_t n;
    x509_cert certs[MAX_CERTS];
    const char *file[MAX_CERTS];
} certset;

/* Reads every certificate of path into s and parses each with the card's parser. */
static int read_certs(const char *sub, const char *path, certset *s)
{
    uint8_t *data = malloc(MAX_FILE);
    size_t dlen = 0, offs[MAX_CERTS], lens[MAX_CERTS], n = 0;
    if (!data) return 1;
    seam_err e = pki_read_file(path, data, MAX_FILE, &dlen);
    if (e != SEAM_OK) {
        fprintf(stderr, "seam pki %s: cannot read %s: %s\n", sub, path,
                e == SEAM_E_LENGTH ? "too large" : strerror(errno));
        free(data);
        return 1;
    }
    e = pki_certs_decode(data, dlen, s->buf + s->used, sizeof s->buf - s->used, offs, lens,
                         MAX_CERTS - s->n, &n);
    free(data);
    if (e != SEAM_OK) {
        fprintf(stderr, "seam pki %s: %s: %s\n", sub, path,
                e == SEAM_E_FORMAT ? "no certificate (PEM or DER) in it" : "too many certificates");
        return 1;
    }
    for (size_t i = 0; i < n; i++) {
        char err[128] = "";
        x509_cert *c = &s->certs[s->n];
        e = x509_parse(s->buf + s->used + offs[i], lens[i], c, err, sizeof err);
        if (e != SEAM_OK) {
            fprintf(stderr, "seam pki %s: %s: certificate %zu refused: %s (%s)\n", sub, path, i + 1,
                    err, seam_strerror(e));
            return 1;
        }
        s->file[s->n++] = path;
    }
    size_t end = n ? offs[n - 1] + lens[n - 1] : 0;
    s->used += end;
    return 0;
}

static void print_hex(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        printf("%02X", p[i]);
}

static void print_time(int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    char buf[64];
    if (gmtime_r(&tt, &tm) && strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm))
        fputs(buf, stdout);
    else
        printf("%lld", (long long)t);
}

static void print_name(const x509_span *n)
{
    char txt[512];
    if (pki_name_text(n->p, n->len, txt, sizeof txt) == SEAM_OK)
        fputs(txt, stdout);
    else
        print_hex(n->p, n->len);
}

static void print_usage_bits(uint16_t ku)
{
    static const char *names[] = {"digitalSignature", "nonRepudiation", "keyEncipherment",
                                  "dataEncipherment", "keyAgreement",   "keyCertSign",
                                  "cRLSign",          "encipherOnly",   "decipherOnly"};
    bool first = true;
    for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++)
        if (ku & (1u << i)) {
            printf("%s%s", first ? "" : ", ", names[i]);
            first = false;
        }
    if (first) printf("(none)");
}

static void show_one(const x509_cert *c)
{
    printf("  Subject:      ");
    print_name(&c->subject);
    printf("\n  Issuer:       ");
    print_name(&c->issuer);
    bool self = c->issuer.len == c->subject.len &&
                !memcmp(c->issuer.p, c->subject.p, c->subject.len) &&
                x509_verify_signature(c, c->pub, 65) == SEAM_OK;
    printf("%s\n  Serial:       ", self ? " (self-signed)" : "");
    print_hex(c->serial.p, c->serial.len);
    printf("\n  Not before:   ");
    print_time(c->not_before);
    printf("\n  Not after:    ");
    print_time(c->not_after);
    printf("\n  Key usage:    ");
    print_usage_bits(c->key_usage);
    if (c->ext_critical & X509_EXT_KEY_USAGE) printf(" (critical)");
    printf("\n  CA:           ");
    if (!c->ca)
        printf("no");
    else if (c->path_len >= 0)
        printf("yes, path length %d", (int)c->path_len);
    else
        printf("yes, path length unlimited");
    printf("\n  Key id:       ");
    if (c->ski.len)
        print_hex(c->ski.p, c->ski.len);
    else
        printf("(none)");
    printf("\n  Authority id: ");
    if (c->aki.len)
        print_hex(c->aki.p, c->aki.len);
    else
        printf("(none)");
    for (size_t i = 0; i < c->n_policies; i++) {
        char txt[128];
        if (pki_oid_text(c->policies[i].p, c->policies[i].len, txt, sizeof txt) != SEAM_OK)
            snprintf(txt, sizeof txt, "(unprintable)");
        pki_role r = pki_role_from_policy(c->policies[i].p, c->policies[i].len);
        printf("\n  Policy:       %s%s%s%s", txt, r ? " (seam " : "", r ? pki_role_name(r) : "",
               r ? ")" : "");
    }
    printf("\n  Public key:   ");
    print_hex(c->pub, 65);
    printf("\n");
}

static int cmd_show(int argc, char **argv)
{
    opts o;
    int rc = parse(argc, argv, "show", O_FILES, &o);
    if (rc) return rc;
    if (!o.n_files) return missing("show", "a certificate FILE");
    certset *s = calloc(1, sizeof *s);
    if (!s) return 1;
    for (size_t f = 0; f < o.n_files && rc == 0; f++) {
        size_t first = s->n;
        rc = read_certs("show", o.files[f], s);
        for (size_t i = first; rc == 0 && i < s->n; i++) {
            printf("%s: certificate %zu\n", o.files[f], i - first + 1);
            show_one(&s->certs[i]);
        }
    }
    free(s);
    return rc;
}

/* ---- verify ---- */

static bool span_eq(const x509_span *a, const x509_span *b)
{
    return a->len == b->len && !memcmp(a->p, b->p, a->len);
}

/* Does issuer plausibly issue c: its subject is c's issuer, and the key ids agree when both
 * are present. The chain checker decides; this only builds the path. */
static bool issues(const x509_cert *issuer, const x509_cert *c)
{
    if (!span_eq(&issuer->subject, &c->issuer)) return false;
    return !(issuer->ski.len && c->aki.len) || span_eq(&issuer->ski, &c->aki);
}

static int cmd_verify(int argc, char **argv)
{
    opts o;
    int rc = parse(argc, argv, "verify", O_CAS | O_USAGE | O_NOTIME | O_FILES, &o);
    if (rc) return rc;
    if (!o.n_cas) return missing("verify", "--ca ROOT.pem");
    if (!o.n_files) return missing("verify", "CERT");
    pki_usage u = PKI_USAGE_NONE;
    if (o.usage && !usage_of(o.usage, &u)) {
        fprintf(stderr, "seam pki verify: --usage is sign or keyagree\n");
        return 2;
    }
    certset *roots = calloc(1, sizeof *roots), *pool = calloc(1, sizeof *pool);
    if (!roots || !pool) {
        free(roots);
        free(pool);
        return 1;
    }
    for (size_t i = 0; i < o.n_cas && rc == 0; i++)
        rc = read_certs("verify", o.cas[i], roots);
    for (size_t i = 0; i < o.n_files && rc == 0; i++)
        rc = read_certs("verify", o.files[i], pool);
    int64_t now = now_seconds();
    /* A trust anchor is a self-signed CA certificate; its own validity counts too. */
    for (size_t i = 0; i < roots->n && rc == 0; i++) {
        const x509_cert *r = &roots->certs[i];
        const char *why = NULL;
        if (!span_eq(&r->subject, &r->issuer) || x509_verify_signature(r, r->pub, 65) != SEAM_OK)
            why = "not self-signed";
        else if (!r->ca || !(r->key_usage & X509_KU_KEY_CERT_SIGN))
            why = "not a CA with keyCertSign";
        else if (!o.no_time && (now < r->not_before || now > r->not_after))
            why = "outside its validity period";
        if (why) {
            fprintf(stderr, "seam pki verify: %s: root refused: %s\n", roots->file[i], why);
            rc = 1;
        }
    }
    if (rc) {
        free(roots);
        free(pool);
        return rc;
    }

    /* Path building: from the leaf (the first certificate) upwards through the pool until a
     * root issues the top one; the chain is then checked from the root down. */
    size_t path[X509_MAX_CHAIN], depth = 1;
    bool used[MAX_CERTS] = {true};
    path[0] = 0;
    char err[160] = "no root issued the chain";
    seam_err last = SEAM_E_AUTH;
    bool ok = false;
    for (;;) {
        const x509_cert *top = &pool->certs[path[depth - 1]];
        for (size_t r = 0; r < roots->n && !ok; r++) {
            const x509_cert *root = &roots->certs[r];
            if (!issues(root, top)) continue;
            x509_cert chain[X509_MAX_CHAIN];
            for (size_t k = 0; k < depth; k++)
                chain[k] = pool->certs[path[depth - 1 - k]];
            x509_chain_params prm = {
                .anchor_pub = root->pub,
                .anchor_ski = root->ski.len ? root->ski.p : NULL,
                .anchor_ski_len = root->ski.len,
                .anchor_name = root->subject.p,
                .anchor_name_len = root->subject.len,
                .anchor_path_len = root->path_len,
                .has_time = !o.no_time,
                .now = now,
                .leaf_usage = u == PKI_USAGE_SIGN       ? X509_KU_DIGITAL_SIGNATURE
                              : u == PKI_USAGE_KEYAGREE ? X509_KU_KEY_AGREEMENT
                                                        : 0,
                .leaf_usage_exact = u != PKI_USAGE_NONE,
            };
            last = x509_chain_check(&prm, chain, depth, err, sizeof err);
            if (last == SEAM_OK) {
                printf("%s: OK, %zu certificate%s below root ", o.files[0], depth,
                       depth == 1 ? "" : "s");
                print_name(&root->subject);
                printf(" (%s)\n", roots->file[r]);
                ok = true;
            }
        }
        if (ok || depth == X509_MAX_CHAIN) break;
        size_t next = MAX_CERTS;
        for (size_t i = 0; i < pool->n && next == MAX_CERTS; i++)
            if (!used[i] && issues(&pool->certs[i], top)) next = i;
        if (next == MAX_CERTS) break;
        used[next] = true;
        path[depth++] = next;
    }
    if (!ok)
        fprintf(stderr, "seam pki verify: %s: FAILED: %s (%s)\n", o.files[0], err,
                seam_strerror(last));
    free(roots);
    free(pool);
    return ok ? 0 : 1;
}

int cmd_pki(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*fn)(int, char **);
    } subs[] = {
        {"root", cmd_root},     {"issuing", cmd_issuing}, {"org", cmd_org},
        {"device", cmd_device}, {"show", cmd_show},       {"verify", cmd_verify},
    };
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    for (int i = 2; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return 0;
        }
    for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++)
        if (!strcmp(argv[1], subs[i].name)) return subs[i].fn(argc, argv);
    fprintf(stderr, "seam pki: unknown subcommand '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
