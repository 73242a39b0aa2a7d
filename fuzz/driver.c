/*
 * Stand-in for libFuzzer's main in ordinary (gcc, sanitizer) builds: runs every file of the
 * corpus directory given as argv[1], then random and mutated inputs for SEAM_FUZZ_SECONDS
 * seconds (default 5), so ctest exercises every fuzz target briefly. `make fuzz` builds the real
 * libFuzzer binaries with clang instead.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t *corpus[4096];
static size_t corpus_len[4096];
static size_t ncorpus;

static void load_corpus(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d)) && ncorpus < 4096) {
        if (e->d_name[0] == '.') continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        FILE *f = fopen(path, "rb");
        if (!f) continue;
        uint8_t *buf = malloc(1 << 20);
        size_t n = buf ? fread(buf, 1, 1 << 20, f) : 0;
        fclose(f);
        if (!buf) continue;
        corpus[ncorpus] = buf;
        corpus_len[ncorpus++] = n;
        LLVMFuzzerTestOneInput(buf, n);
    }
    closedir(d);
}

int main(int argc, char **argv)
{
    if (argc > 1) load_corpus(argv[1]);
    const char *s = getenv("SEAM_FUZZ_SECONDS");
    double seconds = s ? atof(s) : 5;
    srand(12345);
    time_t start = time(NULL);
    unsigned long runs = 0;
    static uint8_t buf[8192];
    while (difftime(time(NULL), start) < seconds) {
        size_t n;
        if (ncorpus && rand() % 4) {
            size_t k = (size_t)rand() % ncorpus;
            n = corpus_len[k] < sizeof buf ? corpus_len[k] : sizeof buf;
            memcpy(buf, corpus[k], n);
            int flips = 1 + rand() % 4;
            for (int i = 0; i < flips && n; i++)
                buf[(size_t)rand() % n] = (uint8_t)rand();
            if (rand() % 4 == 0) n = (size_t)rand() % (n + 1);
        } else {
            n = (size_t)rand() % 300;
            for (size_t i = 0; i < n; i++)
                buf[i] = (uint8_t)rand();
        }
        LLVMFuzzerTestOneInput(buf, n);
        runs++;
    }
    printf("%lu runs, %zu corpus files: 1 passed, 0 failed\n", runs, ncorpus);
    for (size_t i = 0; i < ncorpus; i++)
        free(corpus[i]);
    return 0;
}
