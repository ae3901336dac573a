/* Times the C ABI in the same shape as `usersig bench`: median ns/op over ~2 ms batches,
 * the operations taking turns.
 * Prints one JSON object; benches/compare.py runs it beside `usersig bench --json` and
 * reports the C ABI's overhead over the Rust API. Build: see benches/compare.sh. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "usersig.h"

#define KEY "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e"
#define LIT(s) (s), (sizeof(s) - 1)
static const uint64_t T0 = 1569910200;

static usersig_signer *stored, *level1, *level6;
static usersig_verifier *verifier;
static char out[USERSIG_MAX_TOKEN_LEN + 1], stored_token[USERSIG_MAX_TOKEN_LEN + 1],
    level6_token[USERSIG_MAX_TOKEN_LEN + 1];
static size_t stored_len, level6_len;
/* Tokens minted by the official SDKs (benches/fixtures/sdk_tokens.json), by fixture name. */
static char npm_token[USERSIG_MAX_TOKEN_LEN + 1], npm_pmk_token[USERSIG_MAX_TOKEN_LEN + 1],
    python_token[USERSIG_MAX_TOKEN_LEN + 1];
static volatile int sink;

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The parameters are built per call, as a caller would. */
static int mint(const usersig_signer *s, int kind, uint32_t room_id, const char *string_room,
                size_t string_room_len, uint32_t privileges, char *dst, size_t cap, size_t *n) {
    const usersig_mint_params p = {
        .kind = kind,
        .identifier = "xiaojun",
        .identifier_len = 7,
        .expire = USERSIG_DEFAULT_EXPIRE_SECS,
        .room_id = room_id,
        .string_room = string_room,
        .string_room_len = string_room_len,
        .privileges = privileges,
    };
    return usersig_mint_at(s, &p, T0, dst, cap, n);
}
static void op_sign(void) {
    size_t n;
    sink = mint(stored, USERSIG_MINT_PLAIN, 0, NULL, 0, 0, out, sizeof out, &n);
}
static void op_sign1(void) {
    size_t n;
    sink = mint(level1, USERSIG_MINT_PLAIN, 0, NULL, 0, 0, out, sizeof out, &n);
}
static void op_sign6(void) {
    size_t n;
    sink = mint(level6, USERSIG_MINT_PLAIN, 0, NULL, 0, 0, out, sizeof out, &n);
}
static void op_pmk(void) {
    size_t n;
    sink = mint(stored, USERSIG_MINT_ROOM, 10000, NULL, 0, USERSIG_PRIV_ALL, out, sizeof out, &n);
}
static void op_pmk_str(void) {
    size_t n;
    sink = mint(stored, USERSIG_MINT_STRING_ROOM, 0, LIT("1000000040"), USERSIG_PRIV_ALL, out,
                sizeof out, &n);
}
static void verify_token(const char *token) {
    usersig_claims c;
    sink = usersig_verify_at(verifier, token, strlen(token), LIT("xiaojun"), T0, NULL, &c, NULL, 0);
}
static void op_verify_npm(void) { verify_token(npm_token); }
static void op_verify_npm_pmk(void) { verify_token(npm_pmk_token); }
static void op_verify_python(void) { verify_token(python_token); }
static void op_inspect(void) {
    size_t n;
    sink = usersig_inspect_at(level6_token, level6_len, T0, out, sizeof out, &n);
}
static void op_verify(void) {
    usersig_claims c;
    sink = usersig_verify_at(verifier, stored_token, stored_len, LIT("xiaojun"), T0, NULL, &c, NULL, 0);
}
static void op_verify6(void) {
    usersig_claims c;
    sink = usersig_verify_at(verifier, level6_token, level6_len, LIT("xiaojun"), T0, NULL, &c, NULL, 0);
}

/* How many calls of `op` take about 2 ms. */
static long batch_size(void (*op)(void)) {
    long batch = 1;
    for (;;) {
        double t = now_ns();
        for (long i = 0; i < batch; i++) op();
        if (now_ns() - t > 2e6 || batch > (1L << 24)) return batch;
        batch *= 2;
    }
}

#define NOPS 11
#define MAX_SAMPLES 20000

/* Each operation's median ns/op over ~2 ms batches, the operations taking turns batch by
 * batch for `seconds` in all (at least 5 batches each), as `usersig bench` does: a noisy
 * spell on a shared machine then slows them all alike. */
static void interleaved_medians(void (*const ops[NOPS])(void), double seconds, double medians[NOPS]) {
    static double samples[NOPS][MAX_SAMPLES];
    long batches[NOPS];
    size_t n = 0;
    for (int k = 0; k < NOPS; k++) batches[k] = batch_size(ops[k]);
    double end = now_ns() + seconds * 1e9;
    while ((now_ns() < end || n < 5) && n < MAX_SAMPLES) {
        for (int k = 0; k < NOPS; k++) {
            double t = now_ns();
            for (long i = 0; i < batches[k]; i++) ops[k]();
            samples[k][n] = (now_ns() - t) / (double)batches[k];
        }
        n++;
    }
    for (int k = 0; k < NOPS; k++) {
        qsort(samples[k], n, sizeof samples[k][0], cmp);
        medians[k] = samples[k][n / 2];
    }
}

/* Copies the token of fixture `name` from the JSON text `doc` into `dst` (capacity `cap`);
 * 0 on success. The file is ours and regular: `"name": "...",` then `"token": "..."`. */
static int fixture(const char *doc, const char *name, char *dst, size_t cap) {
    char key[64];
    snprintf(key, sizeof key, "\"name\": \"%s\"", name);
    const char *at = strstr(doc, key);
    if (!at) return 1;
    at = strstr(at, "\"token\": \"");
    if (!at) return 1;
    at += strlen("\"token\": \"");
    const char *end = strchr(at, '"');
    if (!end || (size_t)(end - at) >= cap) return 1;
    memcpy(dst, at, (size_t)(end - at));
    dst[end - at] = 0;
    return 0;
}

static int load_fixtures(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return 1;
    static char doc[1 << 16];
    size_t n = fread(doc, 1, sizeof doc - 1, f);
    fclose(f);
    doc[n] = 0;
    return fixture(doc, "npm_plain", npm_token, sizeof npm_token) ||
           fixture(doc, "npm_pmk_room", npm_pmk_token, sizeof npm_pmk_token) ||
           fixture(doc, "python_plain", python_token, sizeof python_token);
}

/* `bench_capi OP N` runs one operation N times without timing, for instruction counts under
 * `valgrind --tool=callgrind` (repeatable where wall-clock time on a shared VM is not). */
static int count_mode(const char *name, long n) {
    static const struct { const char *name; void (*op)(void); } ops[] = {
        {"sign", op_sign}, {"sign1", op_sign1}, {"sign6", op_sign6}, {"pmk", op_pmk},
        {"pmkstr", op_pmk_str}, {"verify", op_verify}, {"verify6", op_verify6},
        {"verifynpm", op_verify_npm}, {"verifynpmpmk", op_verify_npm_pmk},
        {"verifypy", op_verify_python}, {"inspect", op_inspect},
    };
    for (size_t i = 0; i < sizeof ops / sizeof *ops; i++) {
        if (strcmp(ops[i].name, name) == 0) {
            for (long k = 0; k < n; k++) ops[i].op();
            return sink == USERSIG_OK ? 0 : 1;
        }
    }
    fprintf(stderr, "bench_capi: unknown operation %s\n", name);
    return 2;
}

int main(int argc, char **argv) {
    double seconds = argc == 2 ? atof(argv[1]) : 0.5;
    if (usersig_signer_new(1400000000, KEY, strlen(KEY), USERSIG_COMPRESSION_STORED, &stored) ||
        usersig_signer_new(1400000000, KEY, strlen(KEY), USERSIG_COMPRESSION_FAST, &level1) ||
        usersig_signer_new(1400000000, KEY, strlen(KEY), USERSIG_COMPRESSION_STANDARD, &level6) ||
        usersig_verifier_new(1400000000, KEY, strlen(KEY), USERSIG_DEFAULT_MAX_FUTURE_SKEW_SECS, 0,
                             USERSIG_MAX_TOKEN_LEN, USERSIG_MAX_INFLATED_LEN, &verifier) ||
        mint(stored, USERSIG_MINT_PLAIN, 0, NULL, 0, 0, stored_token, sizeof stored_token, &stored_len) ||
        mint(level6, USERSIG_MINT_PLAIN, 0, NULL, 0, 0, level6_token, sizeof level6_token, &level6_len)) {
        fprintf(stderr, "bench_capi: set-up failed\n");
        return 1;
    }
    /* Run from the repository's root, as benches/compare.sh and instructions.sh do. */
    const char *fixtures = getenv("USERSIG_BENCH_FIXTURES");
    if (load_fixtures(fixtures ? fixtures : "benches/fixtures/sdk_tokens.json")) {
        fprintf(stderr, "bench_capi: cannot read the SDK fixtures (benches/fixtures/sdk_tokens.json)\n");
        return 1;
    }
    void (*const checks[])(void) = {op_verify, op_verify_npm, op_verify_npm_pmk, op_verify_python,
                                    op_inspect, op_pmk_str};
    for (size_t i = 0; i < sizeof checks / sizeof *checks; i++) {
        checks[i]();
        if (sink != USERSIG_OK) {
            fprintf(stderr, "bench_capi: check %zu failed with %d\n", i, sink);
            return 1;
        }
    }
    if (argc == 3) return count_mode(argv[1], atol(argv[2]));
    /* `seconds` per operation, as before, now spent in turns. */
    void (*const ops[NOPS])(void) = {op_sign, op_sign1, op_sign6, op_pmk, op_pmk_str, op_verify,
                                     op_verify6, op_verify_npm, op_verify_npm_pmk,
                                     op_verify_python, op_inspect};
    double m[NOPS];
    interleaved_medians(ops, seconds * NOPS, m);
    printf("{\"gen_ns\":%.1f,\"gen_compressed_ns\":%.1f,\"gen_level6_ns\":%.1f,\"gen_pmk_ns\":%.1f,"
           "\"gen_pmk_str_ns\":%.1f,\"verify_ns\":%.1f,\"verify_compressed_ns\":%.1f,"
           "\"verify_npm_ns\":%.1f,\"verify_npm_pmk_ns\":%.1f,\"verify_python_ns\":%.1f,"
           "\"inspect_ns\":%.1f}\n",
           m[0], m[1], m[2], m[3], m[4], m[5], m[6], m[7], m[8], m[9], m[10]);
    usersig_signer_free(stored);
    usersig_signer_free(level1);
    usersig_signer_free(level6);
    usersig_verifier_free(verifier);
    return 0;
}
