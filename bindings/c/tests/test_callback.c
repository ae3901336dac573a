/* The callback verifiers of the C ABI: usersig_im_callback_* and usersig_trtc_callback_*.
 * Signed requests verify and their fields land where documented (IM texts in the caller's
 * buffer, TRTC EventInfo inside the caller's body); each refusal has its code; too-small
 * buffers write only *len; NULL arguments; the signing helpers against known answers. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "usersig.h"

#define LIT(s) (s), (sizeof(s) - 1)
#define SENTINEL 0xAB
#define APP 1400000000ULL
#define T 1669872112ULL

/* Tencent's documented example: token "xxxxyyyy", RequestTime 1669872112. */
#define DOC_SIGN "17773bc39a671d7b9aa835458704d2a6db81360a5940292b587d6d760d484061"

static char query[1024];

static size_t im_query(const char *token, unsigned long long app, const char *command,
                       unsigned long long time) {
    char sign[USERSIG_IM_CALLBACK_SIGN_LEN + 1];
    size_t len = 0;
    CHECK_CODE(usersig_im_callback_sign(token, strlen(token), time, sign, sizeof sign, &len),
               USERSIG_OK);
    return (size_t)snprintf(query, sizeof query,
                            "/im?SdkAppid=%llu&CallbackCommand=%s&contenttype=json"
                            "&ClientIP=10.0.0.1&OptPlatform=Web&Sign=%s&RequestTime=%llu",
                            app, command, sign, time);
}

static int same(const char *p, size_t n, const char *want) {
    return p != NULL && n == strlen(want) && memcmp(p, want, n) == 0;
}

static void test_im(void) {
    usersig_im_callback_verifier *v = NULL;
    usersig_im_callback cb;
    char text[USERSIG_IM_CALLBACK_TEXT_CAP];
    char sign[USERSIG_IM_CALLBACK_SIGN_LEN + 1];
    size_t len = 0, n;

    CHECK_CODE(usersig_im_callback_sign(LIT("xxxxyyyy"), T, sign, sizeof sign, &len), USERSIG_OK);
    CHECK_STR(sign, DOC_SIGN);
    CHECK(len == USERSIG_IM_CALLBACK_SIGN_LEN);
    memset(sign, SENTINEL, sizeof sign);
    CHECK_CODE(usersig_im_callback_sign(LIT("xxxxyyyy"), T, sign, 64, &len),
               USERSIG_ERR_BUFFER_TOO_SMALL);
    CHECK(len == 64 && untouched(sign, sizeof sign, SENTINEL));

    CHECK_CODE(usersig_im_callback_verifier_new(NULL, 0, 60, 0, &v), USERSIG_ERR_EMPTY_KEY);
    CHECK_CODE(usersig_im_callback_verifier_new(LIT("tok"), 60, APP, NULL),
               USERSIG_ERR_NULL_ARGUMENT);
    CHECK_CODE(usersig_im_callback_verifier_new(LIT("tok"), USERSIG_IM_CALLBACK_DEFAULT_WINDOW_SECS,
                                                APP, &v),
               USERSIG_OK);

    n = im_query("tok", APP, "C2C.CallbackBeforeSendMsg", T);
    memset(text, SENTINEL, sizeof text);
    CHECK_CODE(usersig_im_callback_verify_at(v, query, n, T + 60, &cb, text, sizeof text, &len),
               USERSIG_OK);
    CHECK(cb.request_time == T && cb.has_sdkappid && cb.sdkappid == APP);
    CHECK(same(cb.command, cb.command_len, "C2C.CallbackBeforeSendMsg"));
    CHECK(same(cb.client_ip, cb.client_ip_len, "10.0.0.1"));
    CHECK(same(cb.platform, cb.platform_len, "Web"));
    CHECK_STR(cb.command, "C2C.CallbackBeforeSendMsg"); /* NUL-terminated in text */
    CHECK(cb.command >= text && cb.platform + cb.platform_len < text + sizeof text);
    CHECK(len == strlen("C2C.CallbackBeforeSendMsg") + 1 + strlen("10.0.0.1") + 1 + 3);
    CHECK(untouched(text + len + 1, sizeof text - len - 1, SENTINEL));

    /* Too small: only *len. (NULL, 0, &len) asks. */
    memset(&cb, SENTINEL, sizeof cb);
    CHECK_CODE(usersig_im_callback_verify_at(v, query, n, T, &cb, NULL, 0, &len),
               USERSIG_ERR_BUFFER_TOO_SMALL);
    CHECK(len == 38 && untouched(&cb, sizeof cb, SENTINEL));

    /* Each refusal, first failing check first. */
    CHECK_CODE(usersig_im_callback_verify_at(v, query, n, T + 61, &cb, text, sizeof text, &len),
               USERSIG_ERR_STALE);
    CHECK_CODE(usersig_im_callback_verify_at(v, query, n, T - 61, &cb, text, sizeof text, &len),
               USERSIG_ERR_STALE);
    CHECK(untouched(&cb, sizeof cb, SENTINEL));
    CHECK_CODE(usersig_im_callback_verify_at(v, LIT("SdkAppid=1&CallbackCommand=x"), T, &cb, text,
                                             sizeof text, &len),
               USERSIG_ERR_MISSING_SIGNATURE);
    n = im_query("another token", APP, "x", T);
    CHECK_CODE(usersig_im_callback_verify_at(v, query, n, T, &cb, text, sizeof text, &len),
               USERSIG_ERR_BAD_SIGNATURE);
    n = im_query("tok", APP + 1, "x", T);
    CHECK_CODE(usersig_im_callback_verify_at(v, query, n, T, &cb, text, sizeof text, &len),
               USERSIG_ERR_SDKAPPID_MISMATCH);
    CHECK_CODE(usersig_im_callback_verify_at(v, LIT("Sign=a&RequestTime=12x"), T, &cb, text,
                                             sizeof text, &len),
               USERSIG_ERR_MALFORMED);
    CHECK_CODE(usersig_im_callback_verify_at(v, LIT("Sign=a&RequestTime=\xff"), T, &cb, text,
                                             sizeof text, &len),
               USERSIG_ERR_MALFORMED);
    CHECK(untouched(&cb, sizeof cb, SENTINEL));
    CHECK_CODE(usersig_im_callback_verify_at(NULL, query, n, T, &cb, text, sizeof text, &len),
               USERSIG_ERR_NULL_ARGUMENT);
    CHECK_CODE(usersig_im_callback_verify_at(v, query, n, T, NULL, text, sizeof text, &len),
               USERSIG_ERR_NULL_ARGUMENT);
    CHECK_CODE(usersig_im_callback_verify_at(v, query, n, T, &cb, text, sizeof text, NULL),
               USERSIG_ERR_NULL_ARGUMENT);

    /* The console's check request: only Sign and RequestTime; absent texts are NULL. */
    CHECK_CODE(usersig_im_callback_sign(LIT("xxxxyyyy"), T, sign, sizeof sign, &len), USERSIG_OK);
    n = (size_t)snprintf(query, sizeof query, "Sign=%s&RequestTime=%llu", sign, T);
    usersig_im_callback_verifier_free(v);
    CHECK_CODE(usersig_im_callback_verifier_new(LIT("xxxxyyyy"), 10, 0, &v), USERSIG_OK);
    CHECK_CODE(usersig_im_callback_verify_at(v, query, n, T + 10, &cb, text, sizeof text, &len),
               USERSIG_OK);
    CHECK(!cb.has_sdkappid && cb.command == NULL && cb.client_ip == NULL && cb.platform == NULL);
    CHECK(cb.command_len == 0 && len == 2);
    CHECK_CODE(usersig_im_callback_verify_at(v, query, n, T + 11, &cb, text, sizeof text, &len),
               USERSIG_ERR_STALE);
    /* Against the system clock, a 2022 request is stale. */
    CHECK_CODE(usersig_im_callback_verify(v, query, n, &cb, text, sizeof text, &len),
               USERSIG_ERR_STALE);
    usersig_im_callback_verifier_free(v);
    usersig_im_callback_verifier_free(NULL);
}

static const char BODY[] =
    "{\n\t\"EventGroupId\":\t1,\n\t\"EventType\":\t103,\n\t\"CallbackTs\":\t1615554923704,\n"
    "\t\"EventInfo\":\t{\n\t\t\"RoomId\":\t12345,\n\t\t\"UserId\":\t\"test\"\n\t}\n}";

static void test_trtc(void) {
    usersig_trtc_callback_verifier *v = NULL;
    usersig_trtc_event e;
    char sign[USERSIG_TRTC_CALLBACK_SIGN_LEN + 1];
    char body[sizeof BODY];
    size_t len = 0;
    const size_t body_len = sizeof BODY - 1;

    memcpy(body, BODY, sizeof BODY);
    CHECK_CODE(usersig_trtc_callback_sign(LIT("key"), (const uint8_t *)body, body_len, sign,
                                          sizeof sign, &len),
               USERSIG_OK);
    CHECK(len == USERSIG_TRTC_CALLBACK_SIGN_LEN && strlen(sign) == len);
    /* HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog"), in base64. */
    {
        char fox[USERSIG_TRTC_CALLBACK_SIGN_LEN + 1];
        CHECK_CODE(usersig_trtc_callback_sign(
                       LIT("key"),
                       (const uint8_t *)"The quick brown fox jumps over the lazy dog", 43, fox,
                       sizeof fox, &len),
                   USERSIG_OK);
        CHECK_STR(fox, "97yD9DBThCSxMpjmqm+xQ+9NWaFJRhdZl0edvC0aPNg=");
    }

    CHECK_CODE(usersig_trtc_callback_verifier_new(NULL, 0, 0, &v), USERSIG_ERR_EMPTY_KEY);
    CHECK_CODE(usersig_trtc_callback_verifier_new(LIT("key"), APP, &v), USERSIG_OK);

    CHECK_CODE(usersig_trtc_callback_verify(v, sign, strlen(sign), LIT("1400000000"),
                                            (const uint8_t *)body, body_len, &e),
               USERSIG_OK);
    CHECK(e.event_group_id == 1 && e.event_type == 103 && e.callback_ts == 1615554923704ULL);
    CHECK(e.has_sdkappid && e.sdkappid == APP);
    CHECK(e.event_info > body && e.event_info + e.event_info_len <= body + body_len);
    CHECK(e.event_info_len > 2 && e.event_info[0] == '{' &&
          e.event_info[e.event_info_len - 1] == '}');
    /* Without the SdkAppId header. */
    CHECK_CODE(usersig_trtc_callback_verify(v, sign, strlen(sign), NULL, 0, (const uint8_t *)body,
                                            body_len, &e),
               USERSIG_OK);
    CHECK(!e.has_sdkappid && e.sdkappid == 0);

    memset(&e, SENTINEL, sizeof e);
    CHECK_CODE(usersig_trtc_callback_verify(v, NULL, 0, LIT("1400000000"), (const uint8_t *)body,
                                            body_len, &e),
               USERSIG_ERR_MISSING_SIGNATURE);
    CHECK_CODE(usersig_trtc_callback_verify(v, sign, strlen(sign), LIT("1400000001"),
                                            (const uint8_t *)body, body_len, &e),
               USERSIG_ERR_SDKAPPID_MISMATCH);
    CHECK_CODE(usersig_trtc_callback_verify(v, sign, strlen(sign), LIT("abc"),
                                            (const uint8_t *)body, body_len, &e),
               USERSIG_ERR_MALFORMED);
    CHECK_CODE(usersig_trtc_callback_verify(v, LIT("\xff\xfe"), NULL, 0, (const uint8_t *)body,
                                            body_len, &e),
               USERSIG_ERR_BAD_SIGNATURE);
    body[20] ^= 1; /* tampered */
    CHECK_CODE(usersig_trtc_callback_verify(v, sign, strlen(sign), NULL, 0, (const uint8_t *)body,
                                            body_len, &e),
               USERSIG_ERR_BAD_SIGNATURE);
    CHECK(untouched(&e, sizeof e, SENTINEL));
    CHECK_CODE(usersig_trtc_callback_verify(v, sign, strlen(sign), NULL, 0, (const uint8_t *)body,
                                            body_len, NULL),
               USERSIG_ERR_NULL_ARGUMENT);
    usersig_trtc_callback_verifier_free(v);
    usersig_trtc_callback_verifier_free(NULL);
}

static void test_messages(void) {
    CHECK_STR(usersig_error_kind(USERSIG_ERR_MISSING_SIGNATURE), "missing_signature");
    CHECK_STR(usersig_error_kind(USERSIG_ERR_STALE), "stale");
    CHECK(strstr(usersig_callback_error_message(USERSIG_ERR_BAD_SIGNATURE), "callback") != NULL);
    CHECK(strstr(usersig_callback_error_message(USERSIG_ERR_STALE), "window") != NULL);
    CHECK_STR(usersig_callback_error_message(USERSIG_ERR_EMPTY_KEY),
              usersig_error_message(USERSIG_ERR_EMPTY_KEY));
}

int main(void) {
    test_im();
    test_trtc();
    test_messages();
    return finish("test_callback");
}
