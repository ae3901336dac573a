/* The REST functions of the C ABI (FORMAT.md §8): usersig_rest_url, every result code it returns,
 * NULL arguments, too-small buffers (nothing but *len written), percent-encoding, pinned and
 * fresh random; and what an ErrorCode means (usersig_rest_code_*, usersig_rest_retry_class_*). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "usersig.h"

#define KEY "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e"
#define SDKAPPID 1400000000ULL
#define T0 1569910200ULL
#define SENTINEL 0xAB
/* A string literal as a (pointer, length) pair. */
#define LIT(s) (s), (sizeof(s) - 1)

static char admin_sig[USERSIG_MAX_TOKEN_LEN + 1];
static size_t admin_sig_len;
static char url[USERSIG_MAX_TOKEN_LEN + 512];
static char want[USERSIG_MAX_TOKEN_LEN + 512];

/* usersig_rest_url for `openim/sendmsg` as the administrator, with the admin token. */
static int build(const char *endpoint, size_t endpoint_len, const uint32_t *fixed_random,
                 char *out, size_t cap, size_t *len) {
    return usersig_rest_url(endpoint, endpoint_len, LIT("openim"), LIT("sendmsg"), SDKAPPID,
                            LIT("administrator"), admin_sig, admin_sig_len, fixed_random, out,
                            cap, len);
}

/* The `random=` value of a URL, or -1. */
static long long random_of(const char *u) {
    const char *p = strstr(u, "&random=");
    char *end = NULL;
    unsigned long long v;
    if (p == NULL) return -1;
    v = strtoull(p + 8, &end, 10);
    if (end == p + 8 || strncmp(end, "&contenttype=json", 18) != 0) return -1;
    return v <= 4294967295ULL ? (long long)v : -1;
}

static void mint_admin_token(void) {
    usersig_signer *s = NULL;
    CHECK_CODE(usersig_signer_new(SDKAPPID, LIT(KEY), USERSIG_COMPRESSION_STORED, &s),
               USERSIG_OK);
    /* The default settings (stored blocks, the largest tokens), one day, as a server would. */
    CHECK_CODE(mint_at(s, p_plain(LIT("administrator"), 86400), T0, admin_sig, sizeof admin_sig, &admin_sig_len),
               USERSIG_OK);
    usersig_signer_free(s);
    /* The UserSig alphabet needs no escaping (FORMAT.md §4.2). */
    CHECK(strspn(admin_sig, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789*-_") ==
          admin_sig_len);
}

static void test_urls(void) {
    const uint32_t seven = 7, zero = 0, max = 4294967295U;
    size_t n = 0;

    /* A region code: Singapore. */
    CHECK_CODE(build(LIT("sgp"), &seven, url, sizeof url, &n), USERSIG_OK);
    snprintf(want, sizeof want,
             "https://adminapisgp.im.qcloud.com/v4/openim/sendmsg?sdkappid=1400000000"
             "&identifier=administrator&usersig=%s&random=7&contenttype=json",
             admin_sig);
    CHECK_STR(url, want);
    CHECK(n == strlen(want));
    /* The documented buffer size holds it. */
    CHECK(n + 1 <= 1024);
    /* Region names, any case. */
    CHECK_CODE(build(LIT("Singapore"), &seven, url, sizeof url, &n), USERSIG_OK);
    CHECK_STR(url, want);
    CHECK_CODE(build(LIT("SGP"), &seven, url, sizeof url, &n), USERSIG_OK);
    CHECK_STR(url, want);

    CHECK_CODE(build(LIT("usa"), &seven, url, sizeof url, &n), USERSIG_OK);
    CHECK(strncmp(url, "https://adminapiusa.im.qcloud.com/v4/openim/sendmsg?", 52) == 0);

    /* Empty endpoint, (NULL, 0) or ("", 0): China, the default; the same as "cn". */
    snprintf(want, sizeof want,
             "https://console.tim.qq.com/v4/openim/sendmsg?sdkappid=1400000000"
             "&identifier=administrator&usersig=%s&random=0&contenttype=json",
             admin_sig);
    CHECK_CODE(build(NULL, 0, &zero, url, sizeof url, &n), USERSIG_OK);
    CHECK_STR(url, want);
    CHECK_CODE(build("", 0, &zero, url, sizeof url, &n), USERSIG_OK);
    CHECK_STR(url, want);
    CHECK_CODE(build(LIT("cn"), &zero, url, sizeof url, &n), USERSIG_OK);
    CHECK_STR(url, want);

    /* A custom base URL: a trailing slash is dropped, the prefix kept. */
    CHECK_CODE(build(LIT("http://127.0.0.1:8080/tim/"), &max, url, sizeof url, &n), USERSIG_OK);
    snprintf(want, sizeof want,
             "http://127.0.0.1:8080/tim/v4/openim/sendmsg?sdkappid=1400000000"
             "&identifier=administrator&usersig=%s&random=4294967295&contenttype=json",
             admin_sig);
    CHECK_STR(url, want);

    /* Percent-encoding: identifier and a plain-base64 usersig with + / = (and a space, a
     * UTF-8 letter); the UserSig alphabet's * - _ pass unchanged. */
    CHECK_CODE(usersig_rest_url(LIT("https://proxy.internal"), LIT("im_open_login_svc"),
                                LIT("account_check"), 1, LIT("a+b/c= d\xc3\xa9"),
                                LIT("x+y/z==*-_.~"), &seven, url, sizeof url, &n),
               USERSIG_OK);
    CHECK_STR(url, "https://proxy.internal/v4/im_open_login_svc/account_check?sdkappid=1"
                   "&identifier=a%2Bb%2Fc%3D%20d%C3%A9&usersig=x%2By%2Fz%3D%3D*-_.~"
                   "&random=7&contenttype=json");
    CHECK(n == strlen(url));
    /* Input lengths are honoured: no NUL needed, bytes past the length ignored. */
    CHECK_CODE(usersig_rest_url("sgpXX", 3, "openimXX", 6, "sendmsgXX", 7, SDKAPPID,
                                "administratorXX", 13, admin_sig, admin_sig_len, &seven, url,
                                sizeof url, &n),
               USERSIG_OK);
    CHECK(strncmp(url, "https://adminapisgp.im.qcloud.com/v4/openim/sendmsg?sdkappid=", 61) == 0);
}

static void test_fresh_random(void) {
    long long seen[3];
    size_t n = 0, i;
    int all_same;

    for (i = 0; i < 3; i++) {
        CHECK_CODE(build(LIT("cn"), NULL, url, sizeof url, &n), USERSIG_OK);
        CHECK(n == strlen(url));
        seen[i] = random_of(url);
        CHECK(seen[i] >= 0);
    }
    /* Three equal draws from the OS generator: 1 in 2^64. */
    all_same = seen[0] == seen[1] && seen[1] == seen[2];
    CHECK(!all_same);
    /* A pinned random is used as is, every time. */
    {
        const uint32_t r = 123456789U;
        CHECK_CODE(build(LIT("cn"), &r, url, sizeof url, &n), USERSIG_OK);
        CHECK(random_of(url) == 123456789LL);
        CHECK_CODE(build(LIT("cn"), &r, url, sizeof url, &n), USERSIG_OK);
        CHECK(random_of(url) == 123456789LL);
    }
}

/* Every failure: its own code, nothing written (not even *len). */
static void expect_failure(int rc, int want_code, const char *buf, size_t n, int line) {
    checks_run++;
    if (rc >= 0 && rc < 128) codes_seen[rc] = 1;
    if (rc != want_code || !untouched(buf, sizeof url, SENTINEL) || n != (size_t)-1) {
        checks_failed++;
        fprintf(stderr, "test_rest.c:%d: returned %d (%s), want %d (%s); buffer %s, len %s\n",
                line, rc, usersig_error_kind(rc), want_code, usersig_error_kind(want_code),
                untouched(buf, sizeof url, SENTINEL) ? "untouched" : "WRITTEN",
                n == (size_t)-1 ? "untouched" : "WRITTEN");
    }
}

/* Runs `call`, which may use `len` (a size_t * holding a sentinel), into `url`. */
#define FAILS(call, code)                                                             \
    do {                                                                              \
        size_t n_ = (size_t)-1;                                                       \
        size_t *len = &n_;                                                            \
        int rc_;                                                                      \
        memset(url, SENTINEL, sizeof url);                                            \
        rc_ = (call);                                                                 \
        expect_failure(rc_, (code), url, n_, __LINE__);                               \
        (void)len;                                                                    \
    } while (0)

static void test_errors(void) {
    const uint32_t r = 1;
    const char *sig = admin_sig;
    size_t sl = admin_sig_len;

    /* The endpoint. */
    FAILS(build(LIT("mars"), &r, url, sizeof url, len), USERSIG_ERR_UNKNOWN_REGION);
    FAILS(build(LIT(" "), &r, url, sizeof url, len), USERSIG_ERR_UNKNOWN_REGION);
    FAILS(build(LIT("console.tim.qq.com"), &r, url, sizeof url, len), USERSIG_ERR_UNKNOWN_REGION);
    FAILS(build(LIT("ftp://example.com"), &r, url, sizeof url, len), USERSIG_ERR_BAD_BASE_URL);
    FAILS(build(LIT("https://"), &r, url, sizeof url, len), USERSIG_ERR_BAD_BASE_URL);
    FAILS(build(LIT("https://x/?a=1"), &r, url, sizeof url, len), USERSIG_ERR_BAD_BASE_URL);
    FAILS(build(LIT("https://x/#f"), &r, url, sizeof url, len), USERSIG_ERR_BAD_BASE_URL);
    FAILS(build(LIT("https://a b"), &r, url, sizeof url, len), USERSIG_ERR_BAD_BASE_URL);

    /* The service and the command: path segments, [A-Za-z0-9_] only, not empty. */
    FAILS(usersig_rest_url(LIT("cn"), LIT("../x"), LIT("sendmsg"), SDKAPPID, LIT("admin"), sig,
                           sl, &r, url, sizeof url, len),
          USERSIG_ERR_BAD_PATH_SEGMENT);
    FAILS(usersig_rest_url(LIT("cn"), NULL, 0, LIT("sendmsg"), SDKAPPID, LIT("admin"), sig, sl,
                           &r, url, sizeof url, len),
          USERSIG_ERR_BAD_PATH_SEGMENT);
    FAILS(usersig_rest_url(LIT("cn"), LIT("openim"), LIT("send?msg"), SDKAPPID, LIT("admin"),
                           sig, sl, &r, url, sizeof url, len),
          USERSIG_ERR_BAD_PATH_SEGMENT);
    FAILS(usersig_rest_url(LIT("cn"), LIT("openim"), "", 0, SDKAPPID, LIT("admin"), sig, sl, &r,
                           url, sizeof url, len),
          USERSIG_ERR_BAD_PATH_SEGMENT);

    /* The SDKAppID, the identifier, the UserSig. */
    FAILS(usersig_rest_url(LIT("cn"), LIT("openim"), LIT("sendmsg"), 0, LIT("admin"), sig, sl,
                           &r, url, sizeof url, len),
          USERSIG_ERR_MISSING_SDKAPPID);
    FAILS(usersig_rest_url(LIT("cn"), LIT("openim"), LIT("sendmsg"), SDKAPPID, NULL, 0, sig, sl,
                           &r, url, sizeof url, len),
          USERSIG_ERR_EMPTY_IDENTIFIER);
    FAILS(usersig_rest_url(LIT("cn"), LIT("openim"), LIT("sendmsg"), SDKAPPID, LIT("admin"),
                           NULL, 0, &r, url, sizeof url, len),
          USERSIG_ERR_EMPTY_USERSIG);
    FAILS(usersig_rest_url(LIT("cn"), LIT("openim"), LIT("sendmsg"), SDKAPPID, LIT("admin"), "",
                           0, NULL, url, sizeof url, len),
          USERSIG_ERR_EMPTY_USERSIG);

    /* Text that is not UTF-8, in each text argument. */
    FAILS(build(LIT("sg\xff"), &r, url, sizeof url, len), USERSIG_ERR_INVALID_UTF8);
    FAILS(usersig_rest_url(LIT("cn"), LIT("open\xff"), LIT("sendmsg"), SDKAPPID, LIT("admin"),
                           sig, sl, &r, url, sizeof url, len),
          USERSIG_ERR_INVALID_UTF8);
    FAILS(usersig_rest_url(LIT("cn"), LIT("openim"), LIT("send\xc3"), SDKAPPID, LIT("admin"),
                           sig, sl, &r, url, sizeof url, len),
          USERSIG_ERR_INVALID_UTF8);
    FAILS(usersig_rest_url(LIT("cn"), LIT("openim"), LIT("sendmsg"), SDKAPPID, LIT("ad\x80"), sig,
                           sl, &r, url, sizeof url, len),
          USERSIG_ERR_INVALID_UTF8);
    FAILS(usersig_rest_url(LIT("cn"), LIT("openim"), LIT("sendmsg"), SDKAPPID, LIT("admin"),
                           LIT("tok\xfe"), &r, url, sizeof url, len),
          USERSIG_ERR_INVALID_UTF8);

    /* NULL with a non-zero length, in each (pointer, length) argument; NULL len; NULL out
     * with a non-zero cap. */
    FAILS(build(NULL, 3, &r, url, sizeof url, len), USERSIG_ERR_NULL_ARGUMENT);
    FAILS(usersig_rest_url(LIT("cn"), NULL, 6, LIT("sendmsg"), SDKAPPID, LIT("admin"), sig, sl,
                           &r, url, sizeof url, len),
          USERSIG_ERR_NULL_ARGUMENT);
    FAILS(usersig_rest_url(LIT("cn"), LIT("openim"), NULL, 7, SDKAPPID, LIT("admin"), sig, sl,
                           &r, url, sizeof url, len),
          USERSIG_ERR_NULL_ARGUMENT);
    FAILS(usersig_rest_url(LIT("cn"), LIT("openim"), LIT("sendmsg"), SDKAPPID, NULL, 5, sig, sl,
                           &r, url, sizeof url, len),
          USERSIG_ERR_NULL_ARGUMENT);
    FAILS(usersig_rest_url(LIT("cn"), LIT("openim"), LIT("sendmsg"), SDKAPPID, LIT("admin"),
                           NULL, sl, &r, url, sizeof url, len),
          USERSIG_ERR_NULL_ARGUMENT);
    FAILS(build(LIT("cn"), &r, url, sizeof url, NULL), USERSIG_ERR_NULL_ARGUMENT);
    FAILS(build(LIT("cn"), &r, NULL, 16, len), USERSIG_ERR_NULL_ARGUMENT);
    /* A length above PTRDIFF_MAX. */
    FAILS(build(LIT("cn"), &r, url, (size_t)-1, len), USERSIG_ERR_INVALID_ARGUMENT);
    /* Argument errors come before buffer errors: nothing but the error, even with no room. */
    FAILS(build(LIT("mars"), &r, NULL, 0, len), USERSIG_ERR_UNKNOWN_REGION);
}

static void test_small_buffers(void) {
    const uint32_t r = 42;
    size_t need = 0, n = 0, cap, fresh_need = 0;

    /* Pinned random: the exact length, for every too-small cap; nothing but *len written. */
    CHECK_CODE(build(LIT("sgp"), &r, NULL, 0, &need), USERSIG_ERR_BUFFER_TOO_SMALL);
    CHECK(need > 100 && need < sizeof url);
    for (cap = 1; cap <= need; cap += (cap < 8 || cap + 8 > need) ? 1 : 29) {
        memset(url, SENTINEL, sizeof url);
        n = 0;
        CHECK_CODE(build(LIT("sgp"), &r, url, cap, &n), USERSIG_ERR_BUFFER_TOO_SMALL);
        CHECK(n == need);
        CHECK(untouched(url, sizeof url, SENTINEL));
    }
    memset(url, SENTINEL, sizeof url);
    CHECK_CODE(build(LIT("sgp"), &r, url, need + 1, &n), USERSIG_OK);
    CHECK(n == need && url[need] == '\0' && strlen(url) == need);
    CHECK(untouched(url + need + 1, sizeof url - need - 1, SENTINEL));

    /* Fresh random: the length reported is the one with a 10-digit random (the pinned URL
     * has "42", 2 digits), so a buffer of *len + 1 always holds the next URL. */
    CHECK_CODE(build(LIT("sgp"), NULL, NULL, 0, &fresh_need), USERSIG_ERR_BUFFER_TOO_SMALL);
    CHECK(fresh_need == need + 8);
    {
        int i;
        for (i = 0; i < 20; i++) {
            memset(url, SENTINEL, sizeof url);
            CHECK_CODE(build(LIT("sgp"), NULL, url, fresh_need + 1, &n), USERSIG_OK);
            CHECK(n <= fresh_need && strlen(url) == n);
            CHECK(untouched(url + fresh_need + 1, sizeof url - fresh_need - 1, SENTINEL));
        }
    }
}

static void test_code_info(void) {
    static const struct {
        int64_t code;
        int retry;
        const char *name;
        const char *retry_name;
    } known[] = {
        {70001, USERSIG_RETRY_RENEW_TOKEN, "usersig_expired", "renew_token"},
        {70003, USERSIG_RETRY_RENEW_TOKEN, "usersig_invalid", "renew_token"},
        {60007, USERSIG_RETRY_BACKOFF, "rest_rate_limited", "backoff"},
        {60019, USERSIG_RETRY_BACKOFF, "too_frequent", "backoff"},
        {70050, USERSIG_RETRY_AFTER_60S, "usersig_lockout", "after_60s"},
        {70009, USERSIG_RETRY_NEVER, "usersig_bad_signature", "never"},
        {60002, USERSIG_RETRY_NEVER, "http_parse", "never"},
    };
    static const int64_t unknown[] = {0, -1, 1, 60001, 60022, 70000, 91000, INT64_MAX,
                                      INT64_MIN};
    static const int bad_classes[] = {USERSIG_RETRY_UNKNOWN, 4, 255, -2147483647 - 1};
    size_t i;

    CHECK(USERSIG_RETRY_UNKNOWN == -1 && USERSIG_RETRY_NEVER == 0 && USERSIG_RETRY_BACKOFF == 1 &&
          USERSIG_RETRY_AFTER_60S == 2 && USERSIG_RETRY_RENEW_TOKEN == 3);
    /* The macro is parenthesized: safe in any expression. */
    CHECK(1 - USERSIG_RETRY_UNKNOWN == 2);

    for (i = 0; i < sizeof known / sizeof known[0]; i++) {
        const char *meaning = usersig_rest_code_meaning(known[i].code);
        const char *action = usersig_rest_code_action(known[i].code);
        CHECK(usersig_rest_code_retry(known[i].code) == known[i].retry);
        CHECK_STR(usersig_rest_code_name(known[i].code), known[i].name);
        CHECK(meaning != NULL && strlen(meaning) > 5);
        CHECK(action != NULL && strlen(action) > 5);
        CHECK_STR(usersig_rest_retry_class_name(usersig_rest_code_retry(known[i].code)),
                  known[i].retry_name);
    }
    CHECK(strstr(usersig_rest_code_meaning(70001), "expired") != NULL);
    CHECK(strstr(usersig_rest_code_action(70001), "mint a new") != NULL);
    /* Codes sharing a condition share its name, not necessarily its meaning. */
    CHECK_STR(usersig_rest_code_name(60004), usersig_rest_code_name(60005));

    for (i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        CHECK(usersig_rest_code_retry(unknown[i]) == USERSIG_RETRY_UNKNOWN);
        CHECK_STR(usersig_rest_code_name(unknown[i]), "");
        CHECK_STR(usersig_rest_code_meaning(unknown[i]), "");
        CHECK_STR(usersig_rest_code_action(unknown[i]), "");
        CHECK_STR(usersig_rest_retry_class_name(usersig_rest_code_retry(unknown[i])), "");
    }

    CHECK_STR(usersig_rest_retry_class_name(USERSIG_RETRY_NEVER), "never");
    CHECK_STR(usersig_rest_retry_class_name(USERSIG_RETRY_BACKOFF), "backoff");
    CHECK_STR(usersig_rest_retry_class_name(USERSIG_RETRY_AFTER_60S), "after_60s");
    CHECK_STR(usersig_rest_retry_class_name(USERSIG_RETRY_RENEW_TOKEN), "renew_token");
    CHECK(strstr(usersig_rest_retry_class_advice(USERSIG_RETRY_NEVER), "do not retry") != NULL);
    CHECK(strstr(usersig_rest_retry_class_advice(USERSIG_RETRY_BACKOFF), "backoff") != NULL);
    CHECK(strstr(usersig_rest_retry_class_advice(USERSIG_RETRY_AFTER_60S), "60 seconds") != NULL);
    CHECK(strstr(usersig_rest_retry_class_advice(USERSIG_RETRY_RENEW_TOKEN), "mint a new") !=
          NULL);
    for (i = 0; i < sizeof bad_classes / sizeof bad_classes[0]; i++) {
        CHECK_STR(usersig_rest_retry_class_name(bad_classes[i]), "");
        CHECK_STR(usersig_rest_retry_class_advice(bad_classes[i]), "");
    }
    /* Static storage: the same pointer every time. */
    CHECK(usersig_rest_code_meaning(70050) == usersig_rest_code_meaning(70050));
}

static void test_result_codes(void) {
    static const struct { int code; const char *kind; } codes[] = {
        {USERSIG_ERR_UNKNOWN_REGION, "unknown_region"},
        {USERSIG_ERR_BAD_BASE_URL, "bad_base_url"},
        {USERSIG_ERR_BAD_PATH_SEGMENT, "bad_path_segment"},
        {USERSIG_ERR_MISSING_SDKAPPID, "missing_sdkappid"},
        {USERSIG_ERR_EMPTY_USERSIG, "empty_usersig"},
    };
    size_t i;
    /* Stable values. */
    CHECK(USERSIG_ERR_UNKNOWN_REGION == 44 && USERSIG_ERR_BAD_BASE_URL == 45 &&
          USERSIG_ERR_BAD_PATH_SEGMENT == 46 && USERSIG_ERR_MISSING_SDKAPPID == 47 &&
          USERSIG_ERR_EMPTY_USERSIG == 48);
    for (i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        const char *msg = usersig_error_message(codes[i].code);
        CHECK_STR(usersig_error_kind(codes[i].code), codes[i].kind);
        CHECK(msg != NULL && strlen(msg) > 5 && strcmp(msg, "unknown result code") != 0);
    }
}

int main(void) {
    static const int must_see[] = {
        USERSIG_OK,
        USERSIG_ERR_UNKNOWN_REGION,
        USERSIG_ERR_BAD_BASE_URL,
        USERSIG_ERR_BAD_PATH_SEGMENT,
        USERSIG_ERR_MISSING_SDKAPPID,
        USERSIG_ERR_EMPTY_IDENTIFIER,
        USERSIG_ERR_EMPTY_USERSIG,
        USERSIG_ERR_INVALID_UTF8,
        USERSIG_ERR_NULL_ARGUMENT,
        USERSIG_ERR_INVALID_ARGUMENT,
        USERSIG_ERR_BUFFER_TOO_SMALL,
    };
    size_t i;

    mint_admin_token();
    test_urls();
    test_fresh_random();
    test_errors();
    test_small_buffers();
    test_code_info();
    test_result_codes();

    for (i = 0; i < sizeof must_see / sizeof must_see[0]; i++) {
        if (!codes_seen[must_see[i]]) {
            checks_failed++;
            fprintf(stderr, "result code %d (%s) was never returned\n", must_see[i],
                    usersig_error_kind(must_see[i]));
        }
    }
    return finish("test_rest");
}
