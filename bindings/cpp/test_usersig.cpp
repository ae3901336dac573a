// Tests of the C++17 wrapper usersig.hpp: RAII, strings in and out, exceptions with kinds.
#include <cstdio>
#include <string>
#include <thread>
#include <utility>
#include <vector>

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

// `expr` throws usersig::error of `want_kind` (and the matching code).
#define CHECK_THROWS(expr, want_kind, want_code)                                       \
    do {                                                                               \
        ++checks_run;                                                                  \
        try {                                                                          \
            (void)(expr);                                                              \
            ++checks_failed;                                                           \
            std::fprintf(stderr, "%s:%d: no exception from %s\n", __FILE__, __LINE__, #expr); \
        } catch (const usersig::error& e) {                                            \
            if (e.kind() != (want_kind) || e.code() != (want_code)) {                  \
                ++checks_failed;                                                       \
                std::fprintf(stderr, "%s:%d: %s threw %.*s, want %s\n", __FILE__, __LINE__, \
                             #expr, static_cast<int>(e.kind().size()), e.kind().data(), want_kind); \
            }                                                                          \
        }                                                                              \
    } while (0)

namespace {

constexpr std::string_view key = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
constexpr std::uint64_t app = 1400000000;
constexpr std::uint64_t t0 = 1569910200;
constexpr std::uint64_t expire = 15552000;

bool contains(const std::string& haystack, std::string_view needle) {
    return haystack.find(needle) != std::string::npos;
}

void test_mint_and_verify() {
    const usersig::signer signer(app, key);
    const usersig::verifier verifier(app, key);

    std::string token = signer.sign_at("xiaojun", expire, t0);
    CHECK(token.size() > 100 && token.size() <= USERSIG_MAX_TOKEN_LEN);
    CHECK(contains(usersig::inspect_at(token, t0),
                   "\"sig\":\"gOoeW13s19Fgyn8RwlEt/rLkw3wzLq9M+SqBbXTIfnQ=\""));
    usersig::claims c = verifier.verify_at(token, "xiaojun", t0);
    CHECK(c.sdkappid == app && c.time == t0 && c.expire == expire);
    CHECK(c.expires_at == t0 + expire && !c.userbuf && !c.pmk);

    CHECK_THROWS(verifier.verify_at(token, "xiaojun", t0 + expire + 1), "expired",
                 USERSIG_ERR_EXPIRED);
    CHECK_THROWS(verifier.verify_at(token, "bob", t0), "identifier_mismatch",
                 USERSIG_ERR_IDENTIFIER_MISMATCH);
    CHECK_THROWS(verifier.verify_at(token, "xiaojun", t0 - 301), "not_yet_valid",
                 USERSIG_ERR_NOT_YET_VALID);
    CHECK_THROWS(verifier.verify_at("garbage", "xiaojun", t0), "malformed",
                 USERSIG_ERR_MALFORMED);
    CHECK_THROWS(usersig::verifier(app + 1, key).verify_at(token, "xiaojun", t0),
                 "sdkappid_mismatch", USERSIG_ERR_SDKAPPID_MISMATCH);
    CHECK_THROWS(usersig::verifier(app, "other").verify_at(token, "xiaojun", t0),
                 "bad_signature", USERSIG_ERR_BAD_SIGNATURE);
    CHECK_THROWS(verifier.verify_at(token, "xiaojun", t0, usersig::expect::userbuf("x")),
                 "userbuf_mismatch", USERSIG_ERR_USERBUF_MISMATCH);

    // Now, by the system clock.
    token = signer.sign("carol", 600);
    CHECK(verifier.verify(token, "carol", usersig::expect::no_userbuf()).expire == 600);
    CHECK(contains(usersig::inspect(token), "\"identifier\":\"carol\""));

    // Leeway.
    usersig::verifier_options lenient;
    lenient.leeway_secs = 10;
    token = signer.sign_at("dave", 60, t0);
    CHECK(usersig::verifier(app, key, lenient).verify_at(token, "dave", t0 + 70).time == t0);
}

void test_userbufs() {
    const usersig::signer signer(app, key, usersig::compression::standard);
    const usersig::verifier verifier(app, key);
    const std::string small("\0\x01\xff", 3);
    std::string token = signer.sign_userbuf_at("eve", 600, t0, small);
    usersig::claims c = verifier.verify_at(token, "eve", t0, usersig::expect::userbuf(small));
    CHECK(c.userbuf && *c.userbuf == small);

    // Longer than the wrapper's first buffer: it grows it.
    const std::string big(5000, 'z');
    token = signer.sign_userbuf("eve", 600, big);
    c = verifier.verify(token, "eve");
    CHECK(c.userbuf && *c.userbuf == big);

    token = signer.sign_userbuf_at("eve", 600, t0, "");
    c = verifier.verify_at(token, "eve", t0);
    CHECK(c.userbuf && c.userbuf->empty());
}

void test_private_map_keys() {
    const usersig::signer signer(app, key, usersig::compression::fast);
    const usersig::verifier verifier(app, key);
    std::string token = signer.sign_pmk_at("xiaojun", expire, t0, 10000, USERSIG_PRIV_ALL);
    CHECK(contains(usersig::inspect_at(token, t0), "AAAHeGlhb2p1blNyTgAAACcQXoA7uAAAAP8AAAAA"));
    usersig::claims c = verifier.verify_at(
        token, "xiaojun", t0, usersig::expect::room(10000, USERSIG_PRIV_ENTER_ROOM));
    CHECK(c.pmk && !c.pmk->has_string_room && c.pmk->room_id == 10000);
    CHECK(c.pmk->privileges == 255 && c.pmk->expires_at == t0 + expire);
    CHECK_THROWS(verifier.verify_at(token, "xiaojun", t0, usersig::expect::room(10001, 2)),
                 "userbuf_mismatch", USERSIG_ERR_USERBUF_MISMATCH);

    token = signer.sign_pmk_string_room_at("xiaojun", expire, t0, "1000000040", USERSIG_PRIV_ALL);
    c = verifier.verify_at(token, "xiaojun", t0,
                           usersig::expect::string_room("1000000040", USERSIG_PRIV_SEND_VIDEO));
    CHECK(c.pmk && c.pmk->has_string_room && c.pmk->room_id == 0);
    CHECK(c.pmk->string_room == "1000000040" && c.pmk->account == "xiaojun");
    CHECK(signer.mint_at(usersig::mint_params::string_room("xiaojun", expire, "1000000040",
                                                           USERSIG_PRIV_ALL),
                         t0) == token);
    CHECK(signer.mint_at(usersig::mint_params::plain("xiaojun", expire), t0) ==
          signer.sign_at("xiaojun", expire, t0));

    token = signer.sign_pmk("frank", 600, 7, USERSIG_PRIV_ENTER_ROOM);
    CHECK(verifier.verify(token, "frank", usersig::expect::room(7, USERSIG_PRIV_ENTER_ROOM)).pmk);
    token = signer.sign_pmk_string_room("frank", 600, "lobby", USERSIG_PRIV_ENTER_ROOM);
    CHECK(verifier.verify(token, "frank", usersig::expect::string_room("lobby", 2)).pmk);

    CHECK_THROWS(signer.sign_pmk("frank", 600, 7, 256), "invalid_argument",
                 USERSIG_ERR_INVALID_ARGUMENT);
}

void test_errors_and_raii() {
    CHECK_THROWS(usersig::signer(app, ""), "empty_key", USERSIG_ERR_EMPTY_KEY);
    CHECK_THROWS(usersig::verifier(app, ""), "empty_key", USERSIG_ERR_EMPTY_KEY);
    const usersig::signer signer(app, key);
    CHECK_THROWS(signer.sign(""), "empty_identifier", USERSIG_ERR_EMPTY_IDENTIFIER);
    CHECK_THROWS(signer.sign(std::string_view("a\0b", 3)), "identifier_contains_nul",
                 USERSIG_ERR_IDENTIFIER_CONTAINS_NUL);
    CHECK_THROWS(signer.sign("\xff"), "invalid_utf8", USERSIG_ERR_INVALID_UTF8);
    CHECK_THROWS(usersig::inspect("!"), "malformed", USERSIG_ERR_MALFORMED);
    try {
        signer.sign("");
    } catch (const std::exception& e) {
        CHECK(std::string(e.what()) == "the identifier is empty");
    }

    // Moves transfer the handle; the moved-from object frees nothing twice.
    usersig::signer a(app, key);
    usersig::signer b(std::move(a));
    CHECK(a.get() == nullptr && b.get() != nullptr);
    usersig::signer c(app + 1, key);
    c = std::move(b);
    CHECK(b.get() == nullptr && c.get() != nullptr);
    usersig::verifier v(app, key);
    usersig::verifier w(std::move(v));
    CHECK(v.get() == nullptr && w.get() != nullptr);
    CHECK(w.verify_at(c.sign_at("g", 60, t0), "g", t0).time == t0);

    CHECK(usersig::version() == USERSIG_VERSION_STRING);
}

void test_threads() {
    const usersig::signer signer(app, key);
    const usersig::verifier verifier(app, key);
    std::vector<std::thread> threads;
    std::vector<int> failures(4, 0);
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 500; ++i) {
                const std::string id = "user-" + std::to_string(t) + "-" + std::to_string(i);
                try {
                    const std::string token = signer.sign_at(id, 60, t0 + i);
                    if (verifier.verify_at(token, id, t0 + i).time != t0 + i) ++failures[t];
                } catch (const usersig::error&) {
                    ++failures[t];
                }
            }
        });
    }
    for (auto& th : threads) th.join();
    for (int f : failures) CHECK(f == 0);
}

}  // namespace

void test_rest() {
    const usersig::signer signer(app, key);
    const std::string sig = signer.sign_at("administrator", 86400, t0);
    CHECK(usersig::rest_url("sgp", "openim", "sendmsg", app, "administrator", sig, 7) ==
          "https://adminapisgp.im.qcloud.com/v4/openim/sendmsg?sdkappid=1400000000"
          "&identifier=administrator&usersig=" + sig + "&random=7&contenttype=json");
    CHECK(usersig::rest_url("", "openim", "sendmsg", app, "a+b", "t=", 0) ==
          "https://console.tim.qq.com/v4/openim/sendmsg?sdkappid=1400000000"
          "&identifier=a%2Bb&usersig=t%3D&random=0&contenttype=json");
    // A fresh random, and a token longer than the first guess of the buffer.
    const std::string long_sig(3000, 'x');
    const std::string fresh = usersig::rest_url("http://127.0.0.1:9", "s", "c", 1, "a", long_sig);
    CHECK(fresh.rfind("http://127.0.0.1:9/v4/s/c?sdkappid=1&identifier=a&usersig=xxx", 0) == 0);
    CHECK(contains(fresh, "&contenttype=json") && fresh.size() > 3000);
    CHECK_THROWS(usersig::rest_url("mars", "s", "c", 1, "a", "t"), "unknown_region",
                 USERSIG_ERR_UNKNOWN_REGION);
    CHECK_THROWS(usersig::rest_url("cn", "s", "c", 0, "a", "t"), "missing_sdkappid",
                 USERSIG_ERR_MISSING_SDKAPPID);

    const usersig::rest_code_info expired = usersig::describe_rest_code(70001);
    CHECK(expired.known() && expired.retry == usersig::retry_class::renew_token);
    CHECK(expired.name == "usersig_expired" && contains(std::string(expired.meaning), "expired"));
    CHECK(usersig::describe_rest_code(70050).retry == usersig::retry_class::after_60s);
    CHECK(usersig::describe_rest_code(60007).retry == usersig::retry_class::backoff);
    CHECK(usersig::describe_rest_code(70009).retry == usersig::retry_class::never);
    const usersig::rest_code_info unknown = usersig::describe_rest_code(12345);
    CHECK(!unknown.known() && unknown.name.empty() && unknown.meaning.empty());
}

int main() {
    test_mint_and_verify();
    test_rest();
    test_userbufs();
    test_private_map_keys();
    test_errors_and_raii();
    test_threads();
    std::printf("test_usersig_cpp: %d checks, %d failed\n", checks_run, checks_failed);
    return checks_failed == 0 ? 0 : 1;
}
