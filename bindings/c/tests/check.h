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

/* Mint parameters, one builder per kind; the fields a kind does not name stay zero. */
static inline usersig_mint_params p_plain(const char *id, size_t id_len, uint64_t expire) {
    usersig_mint_params p;
    memset(&p, 0, sizeof p);
    p.kind = USERSIG_MINT_PLAIN;
    p.identifier = id;
    p.identifier_len = id_len;
    p.expire = expire;
    return p;
}

static inline usersig_mint_params p_userbuf(const char *id, size_t id_len, uint64_t expire,
                                            const uint8_t *userbuf, size_t userbuf_len) {
    usersig_mint_params p = p_plain(id, id_len, expire);
    p.kind = USERSIG_MINT_USERBUF;
    p.userbuf = userbuf;
    p.userbuf_len = userbuf_len;
    return p;
}

static inline usersig_mint_params p_room(const char *id, size_t id_len, uint64_t expire,
                                         uint32_t room_id, uint32_t privileges) {
    usersig_mint_params p = p_plain(id, id_len, expire);
    p.kind = USERSIG_MINT_ROOM;
    p.room_id = room_id;
    p.privileges = privileges;
    return p;
}

static inline usersig_mint_params p_string_room(const char *id, size_t id_len, uint64_t expire,
                                                const char *room, size_t room_len,
                                                uint32_t privileges) {
    usersig_mint_params p = p_plain(id, id_len, expire);
    p.kind = USERSIG_MINT_STRING_ROOM;
    p.string_room = room;
    p.string_room_len = room_len;
    p.privileges = privileges;
    return p;
}

/* usersig_mint_at and usersig_mint with the parameters by value, for one-line calls. */
static inline int mint_at(const usersig_signer *s, usersig_mint_params p, uint64_t now,
                          char *out, size_t cap, size_t *len) {
    return usersig_mint_at(s, &p, now, out, cap, len);
}

static inline int mint_now(const usersig_signer *s, usersig_mint_params p, char *out, size_t cap,
                           size_t *len) {
    return usersig_mint(s, &p, out, cap, len);
}

static inline int finish(const char *name) {
    printf("%s: %d checks, %d failed\n", name, checks_run, checks_failed);
    return checks_failed == 0 && checks_run > 0 ? 0 : 1;
}

#endif
