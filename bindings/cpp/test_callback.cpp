// Tests of usersig.hpp's callback section: RAII verifiers, fields out, callback_error with kinds.
#include <cstdio>
#include <cstring>
#include <string>
#include <utility>

#include "usersig.hpp"

static int checks_run = 0;
static int checks_failed = 0;

#define CHECK(cond)                                                                    \
    do {                                                                               \
        ++checks_run;                                                                  \
        if (!(cond)) {                                                                 \
            ++checks_failed;                                                           \
            std::fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                              \
    } while (0)

// `expr` throws usersig::callback_error of `want_kind`, whose what() speaks of a callback.
#define CHECK_REFUSED(expr, want_kind)                                                 \
    do {                                                                               \
        ++checks_run;                                                                  \
        try {                                                                          \
            (void)(expr);                                                              \
            ++checks_failed;                                                           \
            std::fprintf(stderr, "%s:%d: no exception from %s\n", __FILE__, __LINE__, #expr); \
        } catch (const usersig::callback_error& e) {                                   \
            if (e.kind() != (want_kind) || std::strstr(e.what(), "callback") == nullptr) { \
                ++checks_failed;                                                       \
                std::fprintf(stderr, "%s:%d: %s threw %.*s (%s), want %s\n", __FILE__,  \
                             __LINE__, #expr, static_cast<int>(e.kind().size()),       \
                             e.kind().data(), e.what(), want_kind);                    \
            }                                                                          \
        }                                                                              \
    } while (0)

namespace {

const std::uint64_t APP = 1400000000;
const std::uint64_t T = 1700000000;

std::string im_query(const std::string& token, std::uint64_t app, std::uint64_t time) {
    return "https://example.com/im?SdkAppid=" + std::to_string(app) +
           "&CallbackCommand=State.StateChange&ClientIP=%3A%3A1&OptPlatform=iOS&Sign=" +
           usersig::im_callback_sign(token, time) + "&RequestTime=" + std::to_string(time);
}

void test_im() {
    CHECK(usersig::im_callback_sign("xxxxyyyy", 1669872112) ==
          "17773bc39a671d7b9aa835458704d2a6db81360a5940292b587d6d760d484061");
    usersig::im_callback_verifier v("tok", 30, APP);
    auto c = v.verify_at(im_query("tok", APP, T), T + 30);
    CHECK(c.request_time == T && c.sdkappid == APP);
    CHECK(c.command == std::string("State.StateChange"));
    CHECK(c.client_ip == std::string("::1"));
    CHECK(c.platform == std::string("iOS"));
    CHECK_REFUSED(v.verify_at(im_query("tok", APP, T), T + 31), "stale");
    CHECK_REFUSED(v.verify(im_query("tok", APP, T)), "stale");
    CHECK_REFUSED(v.verify_at(im_query("other", APP, T), T), "bad_signature");
    CHECK_REFUSED(v.verify_at(im_query("tok", APP + 1, T), T), "sdkappid_mismatch");
    CHECK_REFUSED(v.verify_at("SdkAppid=1400000000", T), "missing_signature");
    CHECK_REFUSED(v.verify_at("Sign=a&Sign=b&RequestTime=1", T), "malformed");
    // A long unsigned field still comes out whole (the buffer is grown once).
    std::string long_ip(1000, '1');
    auto q = "ClientIP=" + long_ip + "&Sign=" + usersig::im_callback_sign("tok", T) +
             "&RequestTime=" + std::to_string(T);
    auto l = v.verify_at(q, T);
    CHECK(l.client_ip == long_ip && !l.command && !l.sdkappid);
    // Moved-from verifiers are empty and destroyable; the moved-to one works.
    usersig::im_callback_verifier w = std::move(v);
    CHECK(w.get() != nullptr && v.get() == nullptr);
    CHECK(w.verify_at(q, T).request_time == T);
    bool empty_refused = false;
    try {
        usersig::im_callback_verifier empty("");
    } catch (const usersig::error& e) {
        empty_refused = e.kind() == "empty_key" && e.code() == USERSIG_ERR_EMPTY_KEY;
    }
    CHECK(empty_refused);
}

void test_trtc() {
    const std::string body =
        "{\n\t\"EventGroupId\":\t2,\n\t\"EventType\":\t201,\n\t\"CallbackTs\":\t1700000000123,"
        "\n\t\"EventInfo\":\t{\"RoomId\":\"r1\",\"UserId\":\"alice\"}\n}";
    const std::string sign = usersig::trtc_callback_sign("key", body);
    CHECK(sign.size() == USERSIG_TRTC_CALLBACK_SIGN_LEN);
    usersig::trtc_callback_verifier v("key", APP);
    auto e = v.verify(sign, body, "1400000000");
    CHECK(e.event_group_id == 2 && e.event_type == 201 && e.callback_ts == 1700000000123ULL);
    CHECK(e.event_info == "{\"RoomId\":\"r1\",\"UserId\":\"alice\"}");
    CHECK(e.event_info.data() > body.data() && e.sdkappid == APP);
    CHECK(!v.verify(sign, body).sdkappid);
    std::string tampered = body;
    tampered[tampered.size() - 3] = 'X';
    CHECK_REFUSED(v.verify(sign, tampered), "bad_signature");
    CHECK_REFUSED(v.verify("", body), "missing_signature");
    CHECK_REFUSED(v.verify(sign, body, "1400000001"), "sdkappid_mismatch");
    const std::string not_event = "[1]";
    CHECK_REFUSED(v.verify(usersig::trtc_callback_sign("key", not_event), not_event), "malformed");
    usersig::trtc_callback_verifier w("other", 0);
    w = std::move(v);
    CHECK(w.verify(sign, body).event_type == 201);
}

}  // namespace

int main() {
    test_im();
    test_trtc();
    std::printf("test_cpp_callback: %d checks, %d failed\n", checks_run, checks_failed);
    return checks_failed == 0 ? 0 : 1;
}
