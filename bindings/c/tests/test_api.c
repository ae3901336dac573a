/* Every function of the C ABI, every result code it can return on demand, NULL arguments,
 * too-small buffers (nothing but *len written), and the known answers of FORMAT.md §2. The REST
 * functions (usersig_rest_*) are tested in test_rest.c. */
#define _DEFAULT_SOURCE /* mmap, MAP_ANONYMOUS, sysconf */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check.h"
#include "usersig.h"

#define KEY "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e"
#define SDKAPPID 1400000000ULL
#define T0 1569910200ULL
#define EXPIRE 15552000ULL
#define SENTINEL 0xAB
/* A string literal as a (pointer, length) pair. */
#define LIT(s) (s), (sizeof(s) - 1)

static char token[USERSIG_MAX_TOKEN_LEN + 1];
static size_t token_len;
static char json[64 * 1024];

static usersig_signer *new_signer(uint64_t sdkappid, int compression) {
    usersig_signer *s = NULL;
    CHECK_CODE(usersig_signer_new(sdkappid, LIT(KEY), compression, &s), USERSIG_OK);
    CHECK(s != NULL);
    return s;
}

static usersig_verifier *new_verifier(uint64_t sdkappid, const char *key, uint64_t leeway) {
    usersig_verifier *v = NULL;
    CHECK_CODE(usersig_verifier_new(sdkappid, key, strlen(key),
                                    USERSIG_DEFAULT_MAX_FUTURE_SKEW_SECS, leeway,
                                    USERSIG_MAX_TOKEN_LEN, USERSIG_MAX_INFLATED_LEN, &v),
               USERSIG_OK);
    CHECK(v != NULL);
    return v;
}

/* The inspect JSON of the current token contains `needle`. */
static int json_has(const char *needle) {
    size_t n = 0;
    int rc = usersig_inspect_at(token, token_len, T0, json, sizeof json, &n);
    return rc == USERSIG_OK && strlen(json) == n && strstr(json, needle) != NULL;
}

static void test_version_and_codes(void) {
    static const struct { int code; const char *kind; } codes[] = {
        {USERSIG_OK, "ok"},
        {USERSIG_ERR_MALFORMED, "malformed"},
        {USERSIG_ERR_UNSUPPORTED_VERSION, "unsupported_version"},
        {USERSIG_ERR_SDKAPPID_MISMATCH, "sdkappid_mismatch"},
        {USERSIG_ERR_IDENTIFIER_MISMATCH, "identifier_mismatch"},
        {USERSIG_ERR_BAD_SIGNATURE, "bad_signature"},
        {USERSIG_ERR_NOT_YET_VALID, "not_yet_valid"},
        {USERSIG_ERR_EXPIRED, "expired"},
        {USERSIG_ERR_USERBUF_MISMATCH, "userbuf_mismatch"},
        {USERSIG_ERR_EMPTY_KEY, "empty_key"},
        {USERSIG_ERR_EMPTY_IDENTIFIER, "empty_identifier"},
        {USERSIG_ERR_IDENTIFIER_CONTAINS_NUL, "identifier_contains_nul"},
        {USERSIG_ERR_TOO_LONG, "too_long"},
        {USERSIG_ERR_EXPIRY_OUT_OF_RANGE, "expiry_out_of_range"},
        {USERSIG_ERR_SDKAPPID_OUT_OF_RANGE, "sdkappid_out_of_range"},
        {USERSIG_ERR_CLOCK_BEFORE_EPOCH, "clock_before_epoch"},
        {USERSIG_ERR_NULL_ARGUMENT, "null_argument"},
        {USERSIG_ERR_INVALID_UTF8, "invalid_utf8"},
        {USERSIG_ERR_INVALID_ARGUMENT, "invalid_argument"},
        {USERSIG_ERR_BUFFER_TOO_SMALL, "buffer_too_small"},
        {USERSIG_ERR_UNKNOWN_REGION, "unknown_region"},
        {USERSIG_ERR_BAD_BASE_URL, "bad_base_url"},
        {USERSIG_ERR_BAD_PATH_SEGMENT, "bad_path_segment"},
        {USERSIG_ERR_MISSING_SDKAPPID, "missing_sdkappid"},
        {USERSIG_ERR_EMPTY_USERSIG, "empty_usersig"},
        {USERSIG_ERR_PANIC, "panic"},
    };
    static const int unknown[] = {-1, 11, 19, 27, 49, 59, 61, 1000, -2147483647 - 1};
    size_t i;
    char expected_version[32];

    CHECK_STR(usersig_version(), USERSIG_VERSION_STRING);
    snprintf(expected_version, sizeof expected_version, "%d.%d.%d", USERSIG_VERSION_MAJOR,
             USERSIG_VERSION_MINOR, USERSIG_VERSION_PATCH);
    CHECK_STR(USERSIG_VERSION_STRING, expected_version);

    for (i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        const char *msg = usersig_error_message(codes[i].code);
        CHECK_STR(usersig_error_kind(codes[i].code), codes[i].kind);
        CHECK(msg != NULL && strlen(msg) > 5 && strcmp(msg, "unknown result code") != 0);
    }
    for (i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        CHECK_STR(usersig_error_kind(unknown[i]), "unknown");
        CHECK_STR(usersig_error_message(unknown[i]), "unknown result code");
    }
}

static void test_handles(void) {
    usersig_signer *s = (usersig_signer *)&token; /* a sentinel: must stay as it is */
    usersig_signer *const before = s;
    usersig_verifier *v = (usersig_verifier *)&token;
    usersig_verifier *const vbefore = v;

    CHECK_CODE(usersig_signer_new(SDKAPPID, NULL, 0, USERSIG_COMPRESSION_STORED, &s),
               USERSIG_ERR_EMPTY_KEY);
    CHECK_CODE(usersig_signer_new(SDKAPPID, "", 0, USERSIG_COMPRESSION_STORED, &s),
               USERSIG_ERR_EMPTY_KEY);
    CHECK_CODE(usersig_signer_new(SDKAPPID, NULL, 64, USERSIG_COMPRESSION_STORED, &s),
               USERSIG_ERR_NULL_ARGUMENT);
    CHECK_CODE(usersig_signer_new(SDKAPPID, LIT(KEY), USERSIG_COMPRESSION_STORED, NULL),
               USERSIG_ERR_NULL_ARGUMENT);
    CHECK_CODE(usersig_signer_new(SDKAPPID, LIT(KEY), 3, &s), USERSIG_ERR_INVALID_ARGUMENT);
    CHECK_CODE(usersig_signer_new(SDKAPPID, LIT(KEY), -1, &s), USERSIG_ERR_INVALID_ARGUMENT);
    CHECK(s == before);

    CHECK_CODE(usersig_verifier_new(SDKAPPID, NULL, 0, 300, 0, 16384, 65536, &v),
               USERSIG_ERR_EMPTY_KEY);
    CHECK_CODE(usersig_verifier_new(SDKAPPID, NULL, 3, 300, 0, 16384, 65536, &v),
               USERSIG_ERR_NULL_ARGUMENT);
    CHECK_CODE(usersig_verifier_new(SDKAPPID, LIT(KEY), 300, 0, 16384, 65536, NULL),
               USERSIG_ERR_NULL_ARGUMENT);
    CHECK(v == vbefore);

    usersig_signer_free(NULL);
    usersig_verifier_free(NULL);
}

/* FORMAT.md §2 and §6 known answers, minted with the clock pinned. */
static void test_known_answers(usersig_signer *s) {
    CHECK_CODE(mint_at(s, p_plain(LIT("xiaojun"), EXPIRE), T0, token, sizeof token, &token_len),
               USERSIG_OK);
    CHECK(strlen(token) == token_len);
    CHECK(json_has("\"sig\":\"gOoeW13s19Fgyn8RwlEt/rLkw3wzLq9M+SqBbXTIfnQ=\""));
    CHECK(json_has("\"producer\":\"usersig (this library)\""));

    CHECK_CODE(mint_at(s, p_userbuf(LIT("xiaojun"), EXPIRE, (const uint8_t *)"abc", 3), T0, token, sizeof token, &token_len),
               USERSIG_OK);
    CHECK(json_has("\"sig\":\"3TxjjQy6zPPaA/ym48DhPp0nXv+HlvvewKWOX4u3upg=\""));

    CHECK_CODE(mint_at(s, p_plain(LIT("0"), EXPIRE), T0, token, sizeof token, &token_len),
               USERSIG_OK);
    CHECK(json_has("\"sig\":\"CpjuBdQs9ZwnuGAJR8onoOeI9fweX2vIMMY94iOJWJY=\""));

    CHECK_CODE(mint_at(s, p_userbuf(LIT("0"), EXPIRE, (const uint8_t *)"abc", 3), T0, token, sizeof token, &token_len),
               USERSIG_OK);
    CHECK(json_has("\"sig\":\"bC3u5cuslSg8Ds7KY58mhSkTrxunrFu50dkdkCYH4i8=\""));

    CHECK_CODE(mint_at(s, p_room(LIT("xiaojun"), EXPIRE, 10000, USERSIG_PRIV_ALL), T0, token, sizeof token, &token_len),
               USERSIG_OK);
    CHECK(json_has("\"userbuf_b64\":\"AAAHeGlhb2p1blNyTgAAACcQXoA7uAAAAP8AAAAA\""));

    CHECK_CODE(mint_at(s, p_string_room(LIT("xiaojun"), EXPIRE, LIT("1000000040"), USERSIG_PRIV_ALL), T0, token, sizeof token, &token_len),
               USERSIG_OK);
    CHECK(json_has("\"userbuf_b64\":\"AQAHeGlhb2p1blNyTgAAAAAAXoA7uAAAAP8AAAAAAAoxMDAwMDAwMDQw\""));
}

static void test_compressions_verify(usersig_verifier *v) {
    static const int levels[] = {USERSIG_COMPRESSION_STORED, USERSIG_COMPRESSION_FAST,
                                 USERSIG_COMPRESSION_STANDARD};
    static const char *const names[] = {"stored (level 0)", "fastest (level 1)",
                                        "default (level 6)"};
    size_t i;
    for (i = 0; i < 3; i++) {
        usersig_signer *s = new_signer(SDKAPPID, levels[i]);
        usersig_claims c;
        char needle[64];
        CHECK_CODE(mint_at(s, p_plain(LIT("alice"), 600), T0, token, sizeof token, &token_len),
                   USERSIG_OK);
        CHECK_CODE(usersig_verify_at(v, token, token_len, LIT("alice"), T0, NULL, &c, NULL, 0),
                   USERSIG_OK);
        snprintf(needle, sizeof needle, "\"compression\":\"%s\"", names[i]);
        CHECK(json_has(needle));
        usersig_signer_free(s);
    }
}

static void test_sign_errors(usersig_signer *s) {
    char *big = malloc(70000);
    size_t n = 12345;
    usersig_signer *wide = new_signer(1ULL << 32, USERSIG_COMPRESSION_STORED);
    memset(big, 'a', 70000);
    memset(token, SENTINEL, sizeof token);

    CHECK_CODE(mint_at(s, p_plain(NULL, 0, 60), T0, token, sizeof token, &n),
               USERSIG_ERR_EMPTY_IDENTIFIER);
    CHECK_CODE(mint_at(s, p_plain("", 0, 60), T0, token, sizeof token, &n),
               USERSIG_ERR_EMPTY_IDENTIFIER);
    CHECK_CODE(mint_at(s, p_plain("a\0b", 3, 60), T0, token, sizeof token, &n),
               USERSIG_ERR_IDENTIFIER_CONTAINS_NUL);
    CHECK_CODE(mint_at(s, p_plain(big, 70000, 60), T0, token, sizeof token, &n),
               USERSIG_ERR_TOO_LONG);
    CHECK_CODE(mint_at(s, p_userbuf(LIT("a"), 60, (const uint8_t *)big, 65536), T0, token, sizeof token, &n),
               USERSIG_ERR_TOO_LONG);
    CHECK_CODE(mint_at(s, p_string_room(LIT("a"), 60, big, 65536, 2), T0, token, sizeof token, &n),
               USERSIG_ERR_TOO_LONG);
    CHECK_CODE(mint_at(s, p_plain(LIT("a"), 2), UINT64_MAX, token, sizeof token, &n),
               USERSIG_ERR_EXPIRY_OUT_OF_RANGE);
    /* A PrivateMapKey's absolute expiry is 32 bits (FORMAT.md §6). */
    CHECK_CODE(mint_at(s, p_room(LIT("a"), 1, 1, 2), 0xFFFFFFFFULL, token, sizeof token, &n),
               USERSIG_ERR_EXPIRY_OUT_OF_RANGE);
    CHECK_CODE(mint_at(wide, p_room(LIT("a"), 60, 1, 2), T0, token, sizeof token, &n),
               USERSIG_ERR_SDKAPPID_OUT_OF_RANGE);
    CHECK_CODE(mint_now(wide, p_string_room(LIT("a"), 60, LIT("r"), 2), token, sizeof token, &n),
               USERSIG_ERR_SDKAPPID_OUT_OF_RANGE);
    /* Not UTF-8. */
    CHECK_CODE(mint_at(s, p_plain(LIT("\xff"), 60), T0, token, sizeof token, &n),
               USERSIG_ERR_INVALID_UTF8);
    CHECK_CODE(mint_at(s, p_string_room(LIT("a"), 60, LIT("\xc3"), 2), T0, token, sizeof token, &n),
               USERSIG_ERR_INVALID_UTF8);
    /* Privilege bits above 255. */
    CHECK_CODE(mint_at(s, p_room(LIT("a"), 60, 1, 256), T0, token, sizeof token, &n),
               USERSIG_ERR_INVALID_ARGUMENT);
    CHECK_CODE(mint_now(s, p_room(LIT("a"), 60, 1, 0x80000000u), token, sizeof token, &n),
               USERSIG_ERR_INVALID_ARGUMENT);
    CHECK_CODE(mint_now(s, p_string_room(LIT("a"), 60, LIT("r"), 512), token, sizeof token, &n),
               USERSIG_ERR_INVALID_ARGUMENT);
    /* Nothing written on failure. */
    CHECK(n == 12345);
    CHECK(untouched(token, sizeof token, SENTINEL));

    /* An identifier the format can carry, but whose token no default verifier would accept
       (FORMAT.md §7): refused, so USERSIG_MAX_TOKEN_LEN + 1 bytes always hold a minted token. */
    n = 777;
    CHECK_CODE(mint_at(s, p_plain(big, 65535, 60), T0, token, sizeof token, &n),
               USERSIG_ERR_TOO_LONG);
    CHECK(n == 777);
    CHECK(untouched(token, sizeof token, SENTINEL));

    usersig_signer_free(wide);
    free(big);
}

static void test_null_arguments(usersig_signer *s, usersig_verifier *v) {
    size_t n = 777;
    usersig_claims c;
    usersig_expect e;
    memset(token, SENTINEL, sizeof token);
    memset(&c, SENTINEL, sizeof c);
    memset(&e, 0, sizeof e);

    CHECK_CODE(mint_now(NULL, p_plain(LIT("a"), 60), token, sizeof token, &n),
               USERSIG_ERR_NULL_ARGUMENT);
    CHECK_CODE(mint_at(NULL, p_plain(LIT("a"), 60), T0, token, sizeof token, &n),
               USERSIG_ERR_NULL_ARGUMENT);
    CHECK_CODE(mint_at(s, p_plain(NULL, 3, 60), T0, token, sizeof token, &n),
               USERSIG_ERR_NULL_ARGUMENT);
    CHECK_CODE(mint_at(s, p_plain(LIT("a"), 60), T0, NULL, 10, &n), USERSIG_ERR_NULL_ARGUMENT);
    CHECK_CODE(mint_at(s, p_plain(LIT("a"), 60), T0, token, sizeof token, NULL),
               USERSIG_ERR_NULL_ARGUMENT);
    CHECK_CODE(mint_now(NULL, p_userbuf(LIT("a"), 60, NULL, 0), token, sizeof token, &n),
               USERSIG_ERR_NULL_ARGUMENT);
    CHECK_CODE(mint_at(s, p_userbuf(LIT("a"), 60, NULL, 2), T0, token, sizeof token, &n),
               USERSIG_ERR_NULL_ARGUMENT);
    CHECK_CODE(mint_now(NULL, p_room(LIT("a"), 60, 1, 2), token, sizeof token, &n),
               USERSIG_ERR_NULL_ARGUMENT);
    CHECK_CODE(mint_at(s, p_room(LIT("a"), 60, 1, 2), T0, token, sizeof token, NULL),
               USERSIG_ERR_NULL_ARGUMENT);
    CHECK_CODE(mint_now(s, p_string_room(LIT("a"), 60, NULL, 4, 2), token, sizeof token, &n),
               USERSIG_ERR_NULL_ARGUMENT);
    CHECK_CODE(mint_at(NULL, p_string_room(LIT("a"), 60, LIT("r"), 2), T0, token, sizeof token, &n),
               USERSIG_ERR_NULL_ARGUMENT);
    CHECK(n == 777);
    CHECK(untouched(token, sizeof token, SENTINEL));

    CHECK_CODE(mint_at(s, p_plain(LIT("a"), 60), T0, token, sizeof token, &token_len), USERSIG_OK);
    CHECK_CODE(usersig_verify(NULL, token, token_len, LIT("a"), NULL, &c, NULL, 0),
               USERSIG_ERR_NULL_ARGUMENT);
    CHECK_CODE(usersig_verify_at(v, NULL, 5, LIT("a"), T0, NULL, &c, NULL, 0),
               USERSIG_ERR_NULL_ARGUMENT);
    CHECK_CODE(usersig_verify_at(v, token, token_len, NULL, 1, T0, NULL, &c, NULL, 0),
               USERSIG_ERR_NULL_ARGUMENT);
    CHECK_CODE(usersig_verify_at(v, token, token_len, LIT("a"), T0, NULL, NULL, NULL, 0),
               USERSIG_ERR_NULL_ARGUMENT);
    e.kind = USERSIG_EXPECT_USERBUF;
    e.userbuf_len = 1;
    CHECK_CODE(usersig_verify_at(v, token, token_len, LIT("a"), T0, &e, &c, NULL, 0),
               USERSIG_ERR_NULL_ARGUMENT);
    e.kind = USERSIG_EXPECT_STRING_ROOM;
    e.string_room_len = 1;
    CHECK_CODE(usersig_verify_at(v, token, token_len, LIT("a"), T0, &e, &c, NULL, 0),
               USERSIG_ERR_NULL_ARGUMENT);
    CHECK(untouched(&c, sizeof c, SENTINEL));

    CHECK_CODE(usersig_inspect(NULL, 3, json, sizeof json, &n), USERSIG_ERR_NULL_ARGUMENT);
    CHECK_CODE(usersig_inspect_at(token, token_len, T0, json, sizeof json, NULL),
               USERSIG_ERR_NULL_ARGUMENT);
    CHECK_CODE(usersig_inspect_at(token, token_len, T0, NULL, 1, &n), USERSIG_ERR_NULL_ARGUMENT);
    CHECK(n == 777);
}

/* (out, cap, *len): too small -> BUFFER_TOO_SMALL, *len = needed, not one byte written. */
static void test_small_buffers(usersig_signer *s, usersig_verifier *v) {
    char small[USERSIG_MAX_TOKEN_LEN + 1];
    size_t need = 0, n = 0, cap;
    usersig_claims c;
    uint8_t ub[64];

    CHECK_CODE(mint_at(s, p_plain(LIT("xiaojun"), EXPIRE), T0, NULL, 0, &need),
               USERSIG_ERR_BUFFER_TOO_SMALL);
    CHECK(need > 100 && need <= USERSIG_MAX_TOKEN_LEN);
    for (cap = 1; cap <= need; cap += (cap < 8 || cap + 8 > need) ? 1 : 37) {
        memset(small, SENTINEL, sizeof small);
        n = 0;
        CHECK_CODE(mint_at(s, p_plain(LIT("xiaojun"), EXPIRE), T0, small, cap, &n),
                   USERSIG_ERR_BUFFER_TOO_SMALL);
        CHECK(n == need);
        CHECK(untouched(small, sizeof small, SENTINEL));
    }
    memset(small, SENTINEL, sizeof small);
    CHECK_CODE(mint_at(s, p_plain(LIT("xiaojun"), EXPIRE), T0, small, need + 1, &n), USERSIG_OK);
    CHECK(n == need && small[need] == '\0' && strlen(small) == need);
    CHECK(untouched(small + need + 1, sizeof small - need - 1, SENTINEL));

    /* The same for every other text output. */
    CHECK_CODE(mint_now(s, p_plain(LIT("xiaojun"), 60), small, 10, &n), USERSIG_ERR_BUFFER_TOO_SMALL);
    CHECK_CODE(mint_now(s, p_userbuf(LIT("x"), 60, (const uint8_t *)"abc", 3), small, 10, &n),
               USERSIG_ERR_BUFFER_TOO_SMALL);
    CHECK_CODE(mint_now(s, p_room(LIT("x"), 60, 1, 2), small, 10, &n),
               USERSIG_ERR_BUFFER_TOO_SMALL);
    CHECK_CODE(mint_now(s, p_string_room(LIT("x"), 60, LIT("r"), 2), small, 10, &n),
               USERSIG_ERR_BUFFER_TOO_SMALL);

    CHECK_CODE(mint_at(s, p_plain(LIT("xiaojun"), EXPIRE), T0, token, sizeof token, &token_len),
               USERSIG_OK);
    CHECK_CODE(usersig_inspect_at(token, token_len, T0, NULL, 0, &need),
               USERSIG_ERR_BUFFER_TOO_SMALL);
    memset(json, SENTINEL, sizeof json);
    CHECK_CODE(usersig_inspect_at(token, token_len, T0, json, need, &n),
               USERSIG_ERR_BUFFER_TOO_SMALL);
    CHECK(n == need && untouched(json, sizeof json, SENTINEL));
    CHECK_CODE(usersig_inspect_at(token, token_len, T0, json, need + 1, &n), USERSIG_OK);
    CHECK(n == need && strlen(json) == need);
    CHECK_CODE(usersig_inspect(token, token_len, json, 16, &n), USERSIG_ERR_BUFFER_TOO_SMALL);

    /* The userbuf output of verify: only claims->userbuf_len is written. */
    CHECK_CODE(mint_at(s, p_userbuf(LIT("bob"), 600, (const uint8_t *)"\x00\xff\x01", 3), T0, token, sizeof token, &token_len),
               USERSIG_OK);
    memset(&c, SENTINEL, sizeof c);
    memset(ub, SENTINEL, sizeof ub);
    CHECK_CODE(usersig_verify_at(v, token, token_len, LIT("bob"), T0, NULL, &c, ub, 2),
               USERSIG_ERR_BUFFER_TOO_SMALL);
    CHECK(c.userbuf_len == 3);
    c.userbuf_len = 0;
    memset(&c.userbuf_len, SENTINEL, sizeof c.userbuf_len);
    CHECK(untouched(&c, sizeof c, SENTINEL));
    CHECK(untouched(ub, sizeof ub, SENTINEL));
    CHECK_CODE(usersig_verify_at(v, token, token_len, LIT("bob"), T0, NULL, &c, ub, 0),
               USERSIG_ERR_BUFFER_TOO_SMALL);
    CHECK_CODE(usersig_verify_at(v, token, token_len, LIT("bob"), T0, NULL, &c, ub, 3),
               USERSIG_OK);
    CHECK(c.has_userbuf && c.userbuf_len == 3 && memcmp(ub, "\x00\xff\x01", 3) == 0);
    CHECK(untouched(ub + 3, sizeof ub - 3, SENTINEL));
    /* NULL: the bytes are not wanted, their length is still told. */
    memset(&c, 0, sizeof c);
    CHECK_CODE(usersig_verify_at(v, token, token_len, LIT("bob"), T0, NULL, &c, NULL, 0),
               USERSIG_OK);
    CHECK(c.has_userbuf && c.userbuf_len == 3 && !c.has_private_map_key);
}

static void test_verify(usersig_signer *s, usersig_verifier *v) {
    usersig_claims c;
    usersig_expect e;
    uint8_t ub[USERSIG_MAX_USERBUF_LEN];
    usersig_verifier *other_app = new_verifier(SDKAPPID + 1, KEY, 0);
    usersig_verifier *other_key = new_verifier(SDKAPPID, "another key", 0);
    usersig_verifier *lenient = new_verifier(SDKAPPID, KEY, 10);
    usersig_verifier *tiny = NULL;
    CHECK_CODE(usersig_verifier_new(SDKAPPID, LIT(KEY), 0, 0, 100, 1000, &tiny), USERSIG_OK);

    CHECK_CODE(mint_at(s, p_plain(LIT("xiaojun"), EXPIRE), T0, token, sizeof token, &token_len),
               USERSIG_OK);
    memset(&c, SENTINEL, sizeof c);
    CHECK_CODE(usersig_verify_at(v, token, token_len, LIT("xiaojun"), T0, NULL, &c, ub, sizeof ub),
               USERSIG_OK);
    CHECK(c.sdkappid == SDKAPPID && c.time == T0 && c.expire == EXPIRE);
    CHECK(c.expires_at == T0 + EXPIRE);
    CHECK(!c.has_userbuf && c.userbuf_len == 0 && !c.has_private_map_key);
    CHECK(!c.pmk_has_string_room && c.pmk_room_id == 0 && c.pmk_privileges == 0);

    /* FORMAT.md §5, one failure each. */
    memset(&c, SENTINEL, sizeof c);
    CHECK_CODE(usersig_verify_at(v, LIT("not a token!"), LIT("xiaojun"), T0, NULL, &c, NULL, 0),
               USERSIG_ERR_MALFORMED);
    CHECK_CODE(usersig_verify_at(v, LIT("eJ\xff\xfe"), LIT("xiaojun"), T0, NULL, &c, NULL, 0),
               USERSIG_ERR_MALFORMED);
    CHECK_CODE(usersig_verify_at(v, NULL, 0, LIT("xiaojun"), T0, NULL, &c, NULL, 0),
               USERSIG_ERR_MALFORMED);
    CHECK_CODE(usersig_verify_at(tiny, token, token_len, LIT("xiaojun"), T0, NULL, &c, NULL, 0),
               USERSIG_ERR_MALFORMED);
    CHECK_CODE(usersig_verify_at(other_app, token, token_len, LIT("xiaojun"), T0, NULL, &c, NULL,
                                 0),
               USERSIG_ERR_SDKAPPID_MISMATCH);
    CHECK_CODE(usersig_verify_at(v, token, token_len, LIT("xiaojun2"), T0, NULL, &c, NULL, 0),
               USERSIG_ERR_IDENTIFIER_MISMATCH);
    CHECK_CODE(usersig_verify_at(v, token, token_len, NULL, 0, T0, NULL, &c, NULL, 0),
               USERSIG_ERR_IDENTIFIER_MISMATCH);
    CHECK_CODE(usersig_verify_at(other_key, token, token_len, LIT("xiaojun"), T0, NULL, &c, NULL,
                                 0),
               USERSIG_ERR_BAD_SIGNATURE);
    CHECK_CODE(usersig_verify_at(v, token, token_len, LIT("xiaojun"), T0 - 301, NULL, &c, NULL, 0),
               USERSIG_ERR_NOT_YET_VALID);
    CHECK_CODE(usersig_verify_at(v, token, token_len, LIT("xiaojun"), T0 + EXPIRE + 1, NULL, &c,
                                 NULL, 0),
               USERSIG_ERR_EXPIRED);
    CHECK_CODE(usersig_verify_at(v, token, token_len, LIT("\xff"), T0, NULL, &c, NULL, 0),
               USERSIG_ERR_INVALID_UTF8);
    CHECK(untouched(&c, sizeof c, SENTINEL));
    /* The boundaries: skew, the last valid second, leeway. */
    CHECK_CODE(usersig_verify_at(v, token, token_len, LIT("xiaojun"), T0 - 300, NULL, &c, NULL, 0),
               USERSIG_OK);
    CHECK_CODE(usersig_verify_at(v, token, token_len, LIT("xiaojun"), T0 + EXPIRE, NULL, &c, NULL,
                                 0),
               USERSIG_OK);
    CHECK_CODE(usersig_verify_at(lenient, token, token_len, LIT("xiaojun"), T0 + EXPIRE + 10, NULL,
                                 &c, NULL, 0),
               USERSIG_OK);
    CHECK_CODE(usersig_verify_at(lenient, token, token_len, LIT("xiaojun"), T0 + EXPIRE + 11, NULL,
                                 &c, NULL, 0),
               USERSIG_ERR_EXPIRED);

    /* Expectations on a plain token. */
    memset(&e, 0, sizeof e);
    e.kind = USERSIG_EXPECT_ANYTHING;
    CHECK_CODE(usersig_verify_at(v, token, token_len, LIT("xiaojun"), T0, &e, &c, NULL, 0),
               USERSIG_OK);
    e.kind = USERSIG_EXPECT_NO_USERBUF;
    CHECK_CODE(usersig_verify_at(v, token, token_len, LIT("xiaojun"), T0, &e, &c, NULL, 0),
               USERSIG_OK);
    e.kind = USERSIG_EXPECT_USERBUF;
    CHECK_CODE(usersig_verify_at(v, token, token_len, LIT("xiaojun"), T0, &e, &c, NULL, 0),
               USERSIG_ERR_USERBUF_MISMATCH);
    e.kind = 99;
    CHECK_CODE(usersig_verify_at(v, token, token_len, LIT("xiaojun"), T0, &e, &c, NULL, 0),
               USERSIG_ERR_INVALID_ARGUMENT);
    e.kind = -1;
    CHECK_CODE(usersig_verify_at(v, token, token_len, LIT("xiaojun"), T0, &e, &c, NULL, 0),
               USERSIG_ERR_INVALID_ARGUMENT);

    /* A userbuf token, including an empty userbuf given as (NULL, 0). */
    CHECK_CODE(mint_at(s, p_userbuf(LIT("xiaojun"), EXPIRE, NULL, 0), T0, token, sizeof token, &token_len),
               USERSIG_OK);
    CHECK_CODE(usersig_verify_at(v, token, token_len, LIT("xiaojun"), T0, NULL, &c, ub, sizeof ub),
               USERSIG_OK);
    CHECK(c.has_userbuf && c.userbuf_len == 0);
    e.kind = USERSIG_EXPECT_USERBUF;
    e.userbuf = NULL;
    e.userbuf_len = 0;
    CHECK_CODE(usersig_verify_at(v, token, token_len, LIT("xiaojun"), T0, &e, &c, NULL, 0),
               USERSIG_OK);
    e.kind = USERSIG_EXPECT_NO_USERBUF;
    CHECK_CODE(usersig_verify_at(v, token, token_len, LIT("xiaojun"), T0, &e, &c, NULL, 0),
               USERSIG_ERR_USERBUF_MISMATCH);

    CHECK_CODE(mint_at(s, p_userbuf(LIT("xiaojun"), EXPIRE, (const uint8_t *)"abc", 3), T0, token, sizeof token, &token_len),
               USERSIG_OK);
    e.kind = USERSIG_EXPECT_USERBUF;
    e.userbuf = (const uint8_t *)"abc";
    e.userbuf_len = 3;
    CHECK_CODE(usersig_verify_at(v, token, token_len, LIT("xiaojun"), T0, &e, &c, ub, sizeof ub),
               USERSIG_OK);
    CHECK(c.has_userbuf && c.userbuf_len == 3 && memcmp(ub, "abc", 3) == 0);
    e.userbuf = (const uint8_t *)"abd";
    CHECK_CODE(usersig_verify_at(v, token, token_len, LIT("xiaojun"), T0, &e, &c, NULL, 0),
               USERSIG_ERR_USERBUF_MISMATCH);
    e.kind = USERSIG_EXPECT_ROOM;
    CHECK_CODE(usersig_verify_at(v, token, token_len, LIT("xiaojun"), T0, &e, &c, NULL, 0),
               USERSIG_ERR_USERBUF_MISMATCH);

    /* A PrivateMapKey for a numeric room. */
    CHECK_CODE(mint_at(s, p_room(LIT("ann"), 3600, 7, USERSIG_PRIV_ENTER_ROOM | USERSIG_PRIV_RECV_AUDIO), T0, token, sizeof token, &token_len),
               USERSIG_OK);
    memset(&e, 0, sizeof e);
    e.kind = USERSIG_EXPECT_ROOM;
    e.room_id = 7;
    e.privileges = USERSIG_PRIV_ENTER_ROOM;
    CHECK_CODE(usersig_verify_at(v, token, token_len, LIT("ann"), T0, &e, &c, ub, sizeof ub),
               USERSIG_OK);
    CHECK(c.has_private_map_key && !c.pmk_has_string_room && c.pmk_room_id == 7);
    CHECK(c.pmk_privileges == (USERSIG_PRIV_ENTER_ROOM | USERSIG_PRIV_RECV_AUDIO));
    CHECK(c.pmk_expires_at == T0 + 3600 && c.userbuf_len == 3 + 3 + 20 && ub[0] == 0);
    /* The account is located in the userbuf; a numeric room has no string room. */
    CHECK(c.pmk_account_len == 3 && c.pmk_account_offset + 3 <= c.userbuf_len &&
          memcmp(ub + c.pmk_account_offset, "ann", 3) == 0);
    CHECK(c.pmk_string_room_offset == 0 && c.pmk_string_room_len == 0);
    e.privileges = USERSIG_PRIV_SEND_AUDIO;
    CHECK_CODE(usersig_verify_at(v, token, token_len, LIT("ann"), T0, &e, &c, NULL, 0),
               USERSIG_ERR_USERBUF_MISMATCH);
    e.privileges = USERSIG_PRIV_ENTER_ROOM;
    e.room_id = 8;
    CHECK_CODE(usersig_verify_at(v, token, token_len, LIT("ann"), T0, &e, &c, NULL, 0),
               USERSIG_ERR_USERBUF_MISMATCH);
    e.room_id = 7;
    e.privileges = 256;
    CHECK_CODE(usersig_verify_at(v, token, token_len, LIT("ann"), T0, &e, &c, NULL, 0),
               USERSIG_ERR_INVALID_ARGUMENT);
    e.kind = USERSIG_EXPECT_STRING_ROOM;
    e.privileges = USERSIG_PRIV_ENTER_ROOM;
    e.string_room = "7";
    e.string_room_len = 1;
    CHECK_CODE(usersig_verify_at(v, token, token_len, LIT("ann"), T0, &e, &c, NULL, 0),
               USERSIG_ERR_USERBUF_MISMATCH);

    /* A PrivateMapKey for a string room. */
    CHECK_CODE(mint_at(s, p_string_room(LIT("ann"), 3600, LIT("lobby"), USERSIG_PRIV_ALL), T0, token, sizeof token, &token_len),
               USERSIG_OK);
    e.string_room = "lobby";
    e.string_room_len = 5;
    e.privileges = USERSIG_PRIV_ALL;
    CHECK_CODE(usersig_verify_at(v, token, token_len, LIT("ann"), T0, &e, &c, NULL, 0),
               USERSIG_OK);
    CHECK(c.has_private_map_key && c.pmk_has_string_room && c.pmk_room_id == 0);
    CHECK(c.pmk_privileges == 255 && c.userbuf_len == 3 + 3 + 20 + 2 + 5);
    /* The string room and the account are located in the userbuf copy; without a room
     * expectation they are still reported (what the signed bytes say), unchecked. */
    CHECK_CODE(usersig_verify_at(v, token, token_len, LIT("ann"), T0, NULL, &c, ub, sizeof ub),
               USERSIG_OK);
    CHECK(c.pmk_has_string_room && c.pmk_string_room_len == 5 &&
          c.pmk_string_room_offset + 5 <= c.userbuf_len &&
          memcmp(ub + c.pmk_string_room_offset, "lobby", 5) == 0);
    CHECK(c.pmk_account_len == 3 && memcmp(ub + c.pmk_account_offset, "ann", 3) == 0);
    e.string_room = "lobby2";
    e.string_room_len = 6;
    CHECK_CODE(usersig_verify_at(v, token, token_len, LIT("ann"), T0, &e, &c, NULL, 0),
               USERSIG_ERR_USERBUF_MISMATCH);
    e.string_room = "\xc3";
    e.string_room_len = 1;
    CHECK_CODE(usersig_verify_at(v, token, token_len, LIT("ann"), T0, &e, &c, NULL, 0),
               USERSIG_ERR_INVALID_UTF8);
    /* ... which expires with the token: past it, the token is expired first (FORMAT.md §5.7). */
    e.string_room = "lobby";
    e.string_room_len = 5;
    CHECK_CODE(usersig_verify_at(v, token, token_len, LIT("ann"), T0 + 3601, &e, &c, NULL, 0),
               USERSIG_ERR_EXPIRED);

    /* An empty string room is numeric room 0 (FORMAT.md §6). */
    CHECK_CODE(mint_at(s, p_string_room(LIT("ann"), 3600, NULL, 0, USERSIG_PRIV_ALL), T0, token, sizeof token, &token_len),
               USERSIG_OK);
    e.kind = USERSIG_EXPECT_ROOM;
    e.room_id = 0;
    CHECK_CODE(usersig_verify_at(v, token, token_len, LIT("ann"), T0, &e, &c, NULL, 0),
               USERSIG_OK);
    CHECK(c.has_private_map_key && !c.pmk_has_string_room && c.pmk_room_id == 0);

    usersig_verifier_free(other_app);
    usersig_verifier_free(other_key);
    usersig_verifier_free(lenient);
    usersig_verifier_free(tiny);
}

/* usersig_mint_params used directly: each kind, the fields a kind does not name, NULL. */
static void test_mint_params(usersig_signer *s) {
    usersig_mint_params p;
    size_t n = 777;
    char other[USERSIG_MAX_TOKEN_LEN + 1];
    size_t other_len = 0;

    memset(&p, 0, sizeof p); /* a zeroed struct is a plain token */
    p.identifier = "xiaojun";
    p.identifier_len = 7;
    p.expire = EXPIRE;
    CHECK_CODE(usersig_mint_at(s, &p, T0, token, sizeof token, &token_len), USERSIG_OK);
    CHECK(json_has("\"sig\":\"gOoeW13s19Fgyn8RwlEt/rLkw3wzLq9M+SqBbXTIfnQ=\""));

    /* Fields the kind does not name: INVALID_ARGUMENT, nothing written. */
    memset(token, SENTINEL, sizeof token);
    p.room_id = 7;
    CHECK_CODE(usersig_mint_at(s, &p, T0, token, sizeof token, &n), USERSIG_ERR_INVALID_ARGUMENT);
    p.room_id = 0;
    p.privileges = USERSIG_PRIV_ALL;
    CHECK_CODE(usersig_mint_at(s, &p, T0, token, sizeof token, &n), USERSIG_ERR_INVALID_ARGUMENT);
    p.privileges = 0;
    p.userbuf = (const uint8_t *)"abc";
    p.userbuf_len = 3;
    CHECK_CODE(usersig_mint_at(s, &p, T0, token, sizeof token, &n), USERSIG_ERR_INVALID_ARGUMENT);
    p.kind = USERSIG_MINT_ROOM; /* a room with a userbuf */
    p.room_id = 7;
    p.privileges = 2;
    CHECK_CODE(usersig_mint_at(s, &p, T0, token, sizeof token, &n), USERSIG_ERR_INVALID_ARGUMENT);
    p.userbuf = NULL;
    p.userbuf_len = 0;
    p.string_room = "r";
    p.string_room_len = 1; /* a numeric room with a string room */
    CHECK_CODE(usersig_mint_at(s, &p, T0, token, sizeof token, &n), USERSIG_ERR_INVALID_ARGUMENT);
    p.kind = USERSIG_MINT_STRING_ROOM; /* a string room with a room id */
    CHECK_CODE(usersig_mint_at(s, &p, T0, token, sizeof token, &n), USERSIG_ERR_INVALID_ARGUMENT);
    p.kind = USERSIG_MINT_USERBUF; /* a userbuf with a room */
    p.string_room = NULL;
    p.string_room_len = 0;
    CHECK_CODE(usersig_mint_at(s, &p, T0, token, sizeof token, &n), USERSIG_ERR_INVALID_ARGUMENT);
    p.kind = 4;
    CHECK_CODE(usersig_mint_at(s, &p, T0, token, sizeof token, &n), USERSIG_ERR_INVALID_ARGUMENT);
    p.kind = -1;
    CHECK_CODE(usersig_mint(s, &p, token, sizeof token, &n), USERSIG_ERR_INVALID_ARGUMENT);
    CHECK_CODE(usersig_mint_at(s, NULL, T0, token, sizeof token, &n), USERSIG_ERR_NULL_ARGUMENT);
    CHECK_CODE(usersig_mint(s, NULL, token, sizeof token, &n), USERSIG_ERR_NULL_ARGUMENT);
    CHECK(n == 777);
    CHECK(untouched(token, sizeof token, SENTINEL));

    /* Each kind, set field by field, gives what the builders give. */
    memset(&p, 0, sizeof p);
    p.kind = USERSIG_MINT_STRING_ROOM;
    p.identifier = "xiaojun";
    p.identifier_len = 7;
    p.expire = EXPIRE;
    p.string_room = "1000000040";
    p.string_room_len = 10;
    p.privileges = USERSIG_PRIV_ALL;
    CHECK_CODE(usersig_mint_at(s, &p, T0, token, sizeof token, &token_len), USERSIG_OK);
    CHECK(json_has("\"userbuf_b64\":\"AQAHeGlhb2p1blNyTgAAAAAAXoA7uAAAAP8AAAAAAAoxMDAwMDAwMDQw\""));
    CHECK_CODE(mint_at(s, p_string_room(LIT("xiaojun"), EXPIRE, LIT("1000000040"), USERSIG_PRIV_ALL),
                       T0, other, sizeof other, &other_len),
               USERSIG_OK);
    CHECK(other_len == token_len && memcmp(other, token, token_len) == 0);
}

/* The mint writes out[0..=len] and nothing past the NUL, not even for a moment: the page after
 * the token's NUL is read-only, inside cap, so any write there (even one put back at once, as
 * the encoder once did with its SIMD slack) is a SIGSEGV. Every token length over a range of
 * identifiers, each token ending exactly at the page boundary. */
static void test_nothing_past_the_nul(usersig_signer *s) {
    long page = sysconf(_SC_PAGESIZE);
    unsigned char *map = mmap(NULL, (size_t)page * 3, PROT_READ | PROT_WRITE,
                              MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char id[200];
    size_t id_len, need, n;
    CHECK(map != MAP_FAILED);
    if (map == MAP_FAILED) return;
    memset(map, SENTINEL, (size_t)page * 3);
    CHECK(mprotect(map + 2 * page, (size_t)page, PROT_READ) == 0);
    memset(id, 'a', sizeof id);
    for (id_len = 1; id_len <= sizeof id; id_len++) {
        char *out;
        CHECK_CODE(mint_at(s, p_plain(id, id_len, EXPIRE), T0, NULL, 0, &need),
                   USERSIG_ERR_BUFFER_TOO_SMALL);
        if (need + 1 > (size_t)page * 2) break;
        out = (char *)map + 2 * page - (need + 1);
        CHECK_CODE(mint_at(s, p_plain(id, id_len, EXPIRE), T0, out, need + 1 + (size_t)page, &n),
                   USERSIG_OK);
        CHECK(n == need && out[n] == '\0' && strlen(out) == n);
        CHECK(untouched(map + 2 * page, (size_t)page, SENTINEL));
        CHECK_CODE(mint_at(s, p_userbuf(id, id_len, EXPIRE, (const uint8_t *)id, id_len % 50), T0,
                           NULL, 0, &need),
                   USERSIG_ERR_BUFFER_TOO_SMALL);
        out = (char *)map + 2 * page - (need + 1);
        CHECK_CODE(mint_at(s, p_userbuf(id, id_len, EXPIRE, (const uint8_t *)id, id_len % 50), T0,
                           out, need + 1 + (size_t)page, &n),
                   USERSIG_OK);
        CHECK(n == need && out[n] == '\0');
    }
    munmap(map, (size_t)page * 3);
}

/* The functions that read the system clock: minted now, verified now. */
static void test_system_clock(usersig_signer *s, usersig_verifier *v) {
    usersig_claims c;
    usersig_expect e;
    size_t n;
    memset(&e, 0, sizeof e);

    CHECK_CODE(mint_now(s, p_plain(LIT("now"), 600), token, sizeof token, &token_len), USERSIG_OK);
    CHECK_CODE(usersig_verify(v, token, token_len, LIT("now"), NULL, &c, NULL, 0), USERSIG_OK);
    CHECK(c.expire == 600 && c.time > T0 && c.expires_at == c.time + 600);
    CHECK_CODE(usersig_inspect(token, token_len, json, sizeof json, &n), USERSIG_OK);
    CHECK(strstr(json, "\"identifier\":\"now\"") != NULL);
    CHECK_CODE(usersig_verify(v, token, token_len, LIT("later"), NULL, &c, NULL, 0),
               USERSIG_ERR_IDENTIFIER_MISMATCH);

    CHECK_CODE(mint_now(s, p_userbuf(LIT("now"), 600, (const uint8_t *)"xyz", 3), token, sizeof token, &token_len),
               USERSIG_OK);
    e.kind = USERSIG_EXPECT_USERBUF;
    e.userbuf = (const uint8_t *)"xyz";
    e.userbuf_len = 3;
    CHECK_CODE(usersig_verify(v, token, token_len, LIT("now"), &e, &c, NULL, 0), USERSIG_OK);

    CHECK_CODE(mint_now(s, p_room(LIT("now"), 600, 42, USERSIG_PRIV_ENTER_ROOM), token, sizeof token, &token_len),
               USERSIG_OK);
    e.kind = USERSIG_EXPECT_ROOM;
    e.room_id = 42;
    e.privileges = USERSIG_PRIV_ENTER_ROOM;
    CHECK_CODE(usersig_verify(v, token, token_len, LIT("now"), &e, &c, NULL, 0), USERSIG_OK);

    CHECK_CODE(mint_now(s, p_string_room(LIT("now"), 600, LIT("room-42"), USERSIG_PRIV_ALL), token, sizeof token, &token_len),
               USERSIG_OK);
    e.kind = USERSIG_EXPECT_STRING_ROOM;
    e.string_room = "room-42";
    e.string_room_len = 7;
    CHECK_CODE(usersig_verify(v, token, token_len, LIT("now"), &e, &c, NULL, 0), USERSIG_OK);

    /* A token from 2019 that lived 180 days is long expired today. */
    CHECK_CODE(mint_at(s, p_plain(LIT("old"), EXPIRE), T0, token, sizeof token, &token_len),
               USERSIG_OK);
    CHECK_CODE(usersig_verify(v, token, token_len, LIT("old"), NULL, &c, NULL, 0),
               USERSIG_ERR_EXPIRED);
}

static void test_inspect(void) {
    size_t n = 99;
    memset(json, SENTINEL, sizeof json);
    CHECK_CODE(usersig_inspect_at(LIT("!!"), T0, json, sizeof json, &n), USERSIG_ERR_MALFORMED);
    CHECK_CODE(usersig_inspect_at(LIT("\xff"), T0, json, sizeof json, &n), USERSIG_ERR_MALFORMED);
    CHECK_CODE(usersig_inspect(NULL, 0, json, sizeof json, &n), USERSIG_ERR_MALFORMED);
    CHECK(n == 99 && untouched(json, sizeof json, SENTINEL));
}

int main(void) {
    usersig_signer *s;
    usersig_verifier *v;
    /* Codes this program must see returned; the rest come from the other programs:
     * UNSUPPORTED_VERSION from test_vectors, CLOCK_BEFORE_EPOCH from test_clock, the REST URL
     * codes (44-48) from test_rest, and PANIC, which no input can cause, from the Rust unit
     * test of the panic boundary. */
    static const int must_see[] = {
        USERSIG_OK, USERSIG_ERR_MALFORMED, USERSIG_ERR_SDKAPPID_MISMATCH,
        USERSIG_ERR_IDENTIFIER_MISMATCH, USERSIG_ERR_BAD_SIGNATURE, USERSIG_ERR_NOT_YET_VALID,
        USERSIG_ERR_EXPIRED, USERSIG_ERR_USERBUF_MISMATCH, USERSIG_ERR_EMPTY_KEY,
        USERSIG_ERR_EMPTY_IDENTIFIER, USERSIG_ERR_IDENTIFIER_CONTAINS_NUL, USERSIG_ERR_TOO_LONG,
        USERSIG_ERR_EXPIRY_OUT_OF_RANGE, USERSIG_ERR_SDKAPPID_OUT_OF_RANGE,
        USERSIG_ERR_NULL_ARGUMENT, USERSIG_ERR_INVALID_UTF8, USERSIG_ERR_INVALID_ARGUMENT,
        USERSIG_ERR_BUFFER_TOO_SMALL,
    };
    size_t i;

    test_version_and_codes();
    test_handles();
    s = new_signer(SDKAPPID, USERSIG_COMPRESSION_STORED);
    v = new_verifier(SDKAPPID, KEY, 0);
    test_known_answers(s);
    test_compressions_verify(v);
    test_sign_errors(s);
    test_mint_params(s);
    test_nothing_past_the_nul(s);
    test_null_arguments(s, v);
    test_small_buffers(s, v);
    test_verify(s, v);
    test_system_clock(s, v);
    test_inspect();
    usersig_signer_free(s);
    usersig_verifier_free(v);

    for (i = 0; i < sizeof must_see / sizeof must_see[0]; i++) {
        if (!codes_seen[must_see[i]]) {
            checks_failed++;
            fprintf(stderr, "result code %d (%s) was never returned\n", must_see[i],
                    usersig_error_kind(must_see[i]));
        }
    }
    return finish("test_api");
}
