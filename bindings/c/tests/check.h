/* A few checking macros shared by the C tests: every failed check is reported with its line,
 * and finish() prints "<name>: N checks, M failed" and gives the exit status. */
#ifndef USERSIG_TEST_CHECK_H
#define USERSIG_TEST_CHECK_H

#include <stdio.h>
#include <string.h>

#include "usersig.h"

static int checks_run;
static int checks_failed;
/* Result codes returned at least once through CHECK_CODE, so a test can prove coverage. */
static unsigned char codes_seen[128];

#define CHECK(cond)                                                                   \
    do {                                                                              \
        checks_run++;                                                                 \
        if (!(cond)) {                                                                \
            checks_failed++;                                                          \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);  \
        }                                                                             \
    } while (0)

#define CHECK_CODE(expr, want)                                                        \
    do {                                                                              \
        int got_ = (expr);                                                            \
        int want_ = (want);                                                           \
        checks_run++;                                                                 \
        if (got_ >= 0 && got_ < 128) codes_seen[got_] = 1;                            \
        if (got_ != want_) {                                                          \
            checks_failed++;                                                          \
            fprintf(stderr, "%s:%d: %s\n    returned %d (%s: %s), want %d (%s)\n",    \
                    __FILE__, __LINE__, #expr, got_, usersig_error_kind(got_),        \
                    usersig_error_message(got_), want_, usersig_error_kind(want_));   \
        }                                                                             \
    } while (0)

#define CHECK_STR(got, want)                                                          \
    do {                                                                              \
        const char *got_s_ = (got);                                                   \
        const char *want_s_ = (want);                                                 \
        checks_run++;                                                                 \
        if (got_s_ == NULL || strcmp(got_s_, want_s_) != 0) {                         \
            checks_failed++;                                                          \
            fprintf(stderr, "%s:%d: %s is \"%s\", want \"%s\"\n", __FILE__, __LINE__, \
                    #got, got_s_ ? got_s_ : "(null)", want_s_);                       \
        }                                                                             \
    } while (0)

/* Every byte of buf[0..n) still holds the sentinel. */
static inline int untouched(const void *buf, size_t n, unsigned char sentinel) {
    const unsigned char *p = (const unsigned char *)buf;
    size_t i;
    for (i = 0; i < n; i++) {
        if (p[i] != sentinel) return 0;
    }
    return 1;
}

static inline int finish(const char *name) {
    printf("%s: %d checks, %d failed\n", name, checks_run, checks_failed);
    return checks_failed == 0 && checks_run > 0 ? 0 : 1;
}

#endif
