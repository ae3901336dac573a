// usersig.hpp: a header-only C++17 wrapper over the usersig C ABI (usersig.h).
// SPDX-License-Identifier: MIT OR Apache-2.0
//
// - RAII handles: usersig::signer and usersig::verifier free (and wipe) their C handle on
//   destruction; they are move-only, and const methods may be called from many threads at once.
// - std::string_view in, std::string out (tokens, userbufs and JSON are plain byte strings).
// - Failures throw usersig::error, which carries the result code and its stable kind
//   ("expired", "bad_signature", ...; see usersig_error_kind in usersig.h).
//
// Link as for the C library (see bindings/c/README-section.md).
#ifndef USERSIG_HPP
#define USERSIG_HPP

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "usersig.h"

namespace usersig {

/// A failed call: the result code, its stable kind and its message.
class error : public std::runtime_error {
public:
    explicit error(int code) : std::runtime_error(usersig_error_message(code)), code_(code) {}
    /// The USERSIG_ERR_* code.
    int code() const noexcept { return code_; }
    /// The stable kind, e.g. "expired" (static storage).
    std::string_view kind() const noexcept { return usersig_error_kind(code_); }

private:
    int code_;
};

/// How minted tokens are compressed.
enum class compression : int {
    stored = USERSIG_COMPRESSION_STORED,     ///< zlib level 0: the fastest (default)
    fast = USERSIG_COMPRESSION_FAST,         ///< zlib level 1
    standard = USERSIG_COMPRESSION_STANDARD  ///< zlib level 6: the shortest tokens
};

/// A PrivateMapKey found in a valid token's userbuf (FORMAT.md §6): whatever the token's
/// signed userbuf says, checked against a room only when verify() was given
/// expect::room() or expect::string_room().
struct private_map_key {
    std::string account;           ///< the account the key is for
    bool has_string_room = false;  ///< a string room (string_room), not a numeric one
    std::string string_room;       ///< the string room, "" for a numeric room
    std::uint32_t room_id = 0;     ///< the numeric room, 0 for a string room
    std::uint32_t privileges = 0;  ///< USERSIG_PRIV_* bits
    std::uint32_t expires_at = 0;  ///< absolute expiry, Unix seconds
};

/// What a valid token says. The identifier is the one passed to verify().
struct claims {
    std::uint64_t sdkappid = 0;
    std::uint64_t time = 0;        ///< issue time, Unix seconds
    std::uint64_t expire = 0;      ///< lifetime, seconds
    std::uint64_t expires_at = 0;  ///< time + expire: the last valid second
    std::optional<std::string> userbuf;  ///< the decoded userbuf bytes, when there is one
    std::optional<private_map_key> pmk;  ///< the userbuf read as a PrivateMapKey, when it is one
};

/// A requirement on the token's userbuf. It views the bytes it is given (std::string_view
/// semantics): keep them alive while the expectation is in use.
class expect {
public:
    /// No requirement.
    static expect anything() noexcept { return expect(USERSIG_EXPECT_ANYTHING); }
    /// The token must carry no userbuf.
    static expect no_userbuf() noexcept { return expect(USERSIG_EXPECT_NO_USERBUF); }
    /// The token must carry exactly these bytes.
    static expect userbuf(std::string_view bytes) noexcept {
        expect e(USERSIG_EXPECT_USERBUF);
        e.raw_.userbuf = reinterpret_cast<const std::uint8_t*>(bytes.data());
        e.raw_.userbuf_len = bytes.size();
        return e;
    }
    /// A PrivateMapKey for numeric room `room_id` granting at least `privileges`.
    static expect room(std::uint32_t room_id, std::uint32_t privileges) noexcept {
        expect e(USERSIG_EXPECT_ROOM);
        e.raw_.room_id = room_id;
        e.raw_.privileges = privileges;
        return e;
    }
    /// A PrivateMapKey for string room `string_room` granting at least `privileges`.
    static expect string_room(std::string_view string_room, std::uint32_t privileges) noexcept {
        expect e(USERSIG_EXPECT_STRING_ROOM);
        e.raw_.string_room = string_room.data();
        e.raw_.string_room_len = string_room.size();
        e.raw_.privileges = privileges;
        return e;
    }
    /// The C struct, for usersig_verify*.
    const usersig_expect* get() const noexcept { return &raw_; }

private:
    explicit expect(std::int32_t kind) noexcept : raw_() { raw_.kind = kind; }
    usersig_expect raw_;
};

/// What to mint (usersig_mint_params): one factory per kind. It views the text and bytes it
/// is given (std::string_view semantics): keep them alive while the parameters are in use.
class mint_params {
public:
    /// A plain UserSig for `identifier`, valid for `expire` seconds.
    static mint_params plain(std::string_view identifier,
                             std::uint64_t expire = USERSIG_DEFAULT_EXPIRE_SECS) noexcept {
        return mint_params(USERSIG_MINT_PLAIN, identifier, expire);
    }
    /// A UserSig carrying `userbuf` (an empty one is still carried).
    static mint_params userbuf(std::string_view identifier, std::uint64_t expire,
                               std::string_view userbuf) noexcept {
        mint_params p(USERSIG_MINT_USERBUF, identifier, expire);
        p.raw_.userbuf = reinterpret_cast<const std::uint8_t*>(userbuf.data());
        p.raw_.userbuf_len = userbuf.size();
        return p;
    }
    /// A TRTC PrivateMapKey for numeric room `room_id` granting `privileges`.
    static mint_params room(std::string_view identifier, std::uint64_t expire,
                            std::uint32_t room_id, std::uint32_t privileges) noexcept {
        mint_params p(USERSIG_MINT_ROOM, identifier, expire);
        p.raw_.room_id = room_id;
        p.raw_.privileges = privileges;
        return p;
    }
    /// A TRTC PrivateMapKey for string room `string_room` granting `privileges`.
    static mint_params string_room(std::string_view identifier, std::uint64_t expire,
                                   std::string_view string_room,
                                   std::uint32_t privileges) noexcept {
        mint_params p(USERSIG_MINT_STRING_ROOM, identifier, expire);
        p.raw_.string_room = string_room.data();
        p.raw_.string_room_len = string_room.size();
        p.raw_.privileges = privileges;
        return p;
    }
    /// The C struct, for usersig_mint*.
    const usersig_mint_params* get() const noexcept { return &raw_; }

private:
    mint_params(std::int32_t kind, std::string_view identifier, std::uint64_t expire) noexcept
        : raw_() {
        raw_.kind = kind;
        raw_.identifier = identifier.data();
        raw_.identifier_len = identifier.size();
        raw_.expire = expire;
    }
    usersig_mint_params raw_;
};

namespace detail {

inline void check(int rc) {
    if (rc != USERSIG_OK) throw error(rc);
}

// Calls `f(out, cap, &len)` into a std::string, growing it once if the first guess is short.
template <class F>
std::string text(std::size_t guess, F&& f) {
    std::string out(guess, '\0');
    std::size_t len = 0;
    // std::string keeps one writable byte past size() for the NUL.
    int rc = f(out.data(), out.size() + 1, &len);
    if (rc == USERSIG_ERR_BUFFER_TOO_SMALL) {
        out.assign(len, '\0');
        rc = f(out.data(), out.size() + 1, &len);
    }
    check(rc);
    out.resize(len);
    return out;
}

inline const std::uint8_t* bytes(std::string_view s) noexcept {
    return reinterpret_cast<const std::uint8_t*>(s.data());
}

constexpr std::size_t token_guess = 512;

}  // namespace detail

/// Mints tokens for one app. Immutable: share one across threads.
class signer {
public:
    signer(std::uint64_t sdkappid, std::string_view key, compression c = compression::stored) {
        detail::check(usersig_signer_new(sdkappid, key.data(), key.size(), static_cast<int>(c),
                                         &handle_));
    }
    ~signer() { usersig_signer_free(handle_); }
    signer(signer&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}
    signer& operator=(signer&& other) noexcept {
        if (this != &other) {
            usersig_signer_free(handle_);
            handle_ = std::exchange(other.handle_, nullptr);
        }
        return *this;
    }
    signer(const signer&) = delete;
    signer& operator=(const signer&) = delete;

    /// Mints what `params` describe, issued now; throws usersig::error.
    std::string mint(const mint_params& params) const {
        return detail::text(detail::token_guess, [&](char* out, std::size_t cap, std::size_t* len) {
            return usersig_mint(handle_, params.get(), out, cap, len);
        });
    }
    /// As mint(), issued at `now` (Unix seconds): the same arguments give the same token.
    std::string mint_at(const mint_params& params, std::uint64_t now) const {
        return detail::text(detail::token_guess, [&](char* out, std::size_t cap, std::size_t* len) {
            return usersig_mint_at(handle_, params.get(), now, out, cap, len);
        });
    }
    /// A plain UserSig issued now, valid for `expire` seconds.
    std::string sign(std::string_view identifier,
                     std::uint64_t expire = USERSIG_DEFAULT_EXPIRE_SECS) const {
        return mint(mint_params::plain(identifier, expire));
    }
    /// As sign(), issued at `time` (Unix seconds).
    std::string sign_at(std::string_view identifier, std::uint64_t expire,
                        std::uint64_t time) const {
        return mint_at(mint_params::plain(identifier, expire), time);
    }
    /// A UserSig issued now carrying `userbuf`.
    std::string sign_userbuf(std::string_view identifier, std::uint64_t expire,
                             std::string_view userbuf) const {
        return mint(mint_params::userbuf(identifier, expire, userbuf));
    }
    /// As sign_userbuf(), issued at `time`.
    std::string sign_userbuf_at(std::string_view identifier, std::uint64_t expire,
                                std::uint64_t time, std::string_view userbuf) const {
        return mint_at(mint_params::userbuf(identifier, expire, userbuf), time);
    }
    /// A TRTC PrivateMapKey issued now for numeric room `room_id`.
    std::string sign_pmk(std::string_view identifier, std::uint64_t expire, std::uint32_t room_id,
                         std::uint32_t privileges) const {
        return mint(mint_params::room(identifier, expire, room_id, privileges));
    }
    /// As sign_pmk(), issued at `time`.
    std::string sign_pmk_at(std::string_view identifier, std::uint64_t expire, std::uint64_t time,
                            std::uint32_t room_id, std::uint32_t privileges) const {
        return mint_at(mint_params::room(identifier, expire, room_id, privileges), time);
    }
    /// A TRTC PrivateMapKey issued now for string room `string_room`.
    std::string sign_pmk_string_room(std::string_view identifier, std::uint64_t expire,
                                     std::string_view string_room,
                                     std::uint32_t privileges) const {
        return mint(mint_params::string_room(identifier, expire, string_room, privileges));
    }
    /// As sign_pmk_string_room(), issued at `time`.
    std::string sign_pmk_string_room_at(std::string_view identifier, std::uint64_t expire,
                                        std::uint64_t time, std::string_view string_room,
                                        std::uint32_t privileges) const {
        return mint_at(mint_params::string_room(identifier, expire, string_room, privileges),
                       time);
    }
    /// The C handle, borrowed.
    const usersig_signer* get() const noexcept { return handle_; }

private:
    usersig_signer* handle_ = nullptr;
};

/// A verifier's settings; the defaults are FORMAT.md §5's.
struct verifier_options {
    std::uint64_t max_future_skew_secs = USERSIG_DEFAULT_MAX_FUTURE_SKEW_SECS;
    std::uint64_t leeway_secs = 0;
    std::size_t max_token_len = USERSIG_MAX_TOKEN_LEN;
    std::size_t max_inflated_len = USERSIG_MAX_INFLATED_LEN;
};

/// Verifies tokens for one app. Immutable: share one across threads.
class verifier {
public:
    verifier(std::uint64_t sdkappid, std::string_view key,
             const verifier_options& options = verifier_options()) {
        detail::check(usersig_verifier_new(sdkappid, key.data(), key.size(),
                                           options.max_future_skew_secs, options.leeway_secs,
                                           options.max_token_len, options.max_inflated_len,
                                           &handle_));
    }
    ~verifier() { usersig_verifier_free(handle_); }
    verifier(verifier&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}
    verifier& operator=(verifier&& other) noexcept {
        if (this != &other) {
            usersig_verifier_free(handle_);
            handle_ = std::exchange(other.handle_, nullptr);
        }
        return *this;
    }
    verifier(const verifier&) = delete;
    verifier& operator=(const verifier&) = delete;

    /// Verifies `token` for `identifier` against the system clock; throws usersig::error.
    claims verify(std::string_view token, std::string_view identifier,
                  const expect& e = expect::anything()) const {
        return run([&](usersig_claims* c, std::uint8_t* out, std::size_t cap) {
            return usersig_verify(handle_, token.data(), token.size(), identifier.data(),
                                  identifier.size(), e.get(), c, out, cap);
        });
    }
    /// Verifies `token` for `identifier` at `now` (Unix seconds); throws usersig::error.
    claims verify_at(std::string_view token, std::string_view identifier, std::uint64_t now,
                     const expect& e = expect::anything()) const {
        return run([&](usersig_claims* c, std::uint8_t* out, std::size_t cap) {
            return usersig_verify_at(handle_, token.data(), token.size(), identifier.data(),
                                     identifier.size(), now, e.get(), c, out, cap);
        });
    }
    /// The C handle, borrowed.
    const usersig_verifier* get() const noexcept { return handle_; }

private:
    template <class F>
    static claims run(F&& f) {
        usersig_claims c{};
        std::uint8_t small[256];
        std::string userbuf;
        int rc = f(&c, small, sizeof small);
        if (rc == USERSIG_ERR_BUFFER_TOO_SMALL) {
            // A userbuf longer than 256 bytes: verify again into a buffer of its size.
            userbuf.assign(c.userbuf_len, '\0');
            rc = f(&c, reinterpret_cast<std::uint8_t*>(userbuf.data()), userbuf.size());
        } else if (rc == USERSIG_OK) {
            userbuf.assign(reinterpret_cast<const char*>(small), c.userbuf_len);
        }
        detail::check(rc);
        claims out;
        out.sdkappid = c.sdkappid;
        out.time = c.time;
        out.expire = c.expire;
        out.expires_at = c.expires_at;
        if (c.has_userbuf) out.userbuf = std::move(userbuf);
        if (c.has_private_map_key) {
            // The account and the string room are located in the userbuf copy.
            const std::string& ub = *out.userbuf;
            private_map_key pmk;
            pmk.account = ub.substr(c.pmk_account_offset, c.pmk_account_len);
            pmk.has_string_room = c.pmk_has_string_room;
            pmk.string_room = ub.substr(c.pmk_string_room_offset, c.pmk_string_room_len);
            pmk.room_id = c.pmk_room_id;
            pmk.privileges = c.pmk_privileges;
            pmk.expires_at = c.pmk_expires_at;
            out.pmk = std::move(pmk);
        }
        return out;
    }

    usersig_verifier* handle_ = nullptr;
};

/// Decodes `token` without a key (nothing verified) and describes it as JSON, as of now.
inline std::string inspect(std::string_view token) {
    return detail::text(4096, [&](char* out, std::size_t cap, std::size_t* len) {
        return usersig_inspect(token.data(), token.size(), out, cap, len);
    });
}

/// As inspect(), as of `now` (Unix seconds).
inline std::string inspect_at(std::string_view token, std::uint64_t now) {
    return detail::text(4096, [&](char* out, std::size_t cap, std::size_t* len) {
        return usersig_inspect_at(token.data(), token.size(), now, out, cap, len);
    });
}

/// The library's version, e.g. "0.1.0".
inline std::string_view version() noexcept { return usersig_version(); }

/// The URL of one REST API request (FORMAT.md §8; see usersig_rest_url): `endpoint` is a region code
/// ("sgp", "usa", ...; empty for China) or a base URL. A fresh `random` is drawn unless
/// `fixed_random` is given. Throws usersig::error ("unknown_region", "bad_base_url", ...).
inline std::string rest_url(std::string_view endpoint, std::string_view service,
                            std::string_view command, std::uint64_t sdkappid,
                            std::string_view identifier, std::string_view usersig,
                            std::optional<std::uint32_t> fixed_random = std::nullopt) {
    const std::uint32_t* pinned = fixed_random ? &*fixed_random : nullptr;
    // When the first guess is short, the length reported suffices for any `random`.
    return detail::text(usersig.size() + 256, [&](char* out, std::size_t cap, std::size_t* len) {
        return usersig_rest_url(endpoint.data(), endpoint.size(), service.data(), service.size(),
                                command.data(), command.size(), sdkappid, identifier.data(),
                                identifier.size(), usersig.data(), usersig.size(), pinned, out,
                                cap, len);
    });
}

/// How to react to a REST error code (the USERSIG_RETRY_* values).
enum class retry_class : int {
    unknown = USERSIG_RETRY_UNKNOWN,  ///< not in FORMAT.md §8's table: do not retry
    never = USERSIG_RETRY_NEVER,
    backoff = USERSIG_RETRY_BACKOFF,
    after_60s = USERSIG_RETRY_AFTER_60S,
    renew_token = USERSIG_RETRY_RENEW_TOKEN  ///< mint a new admin UserSig, retry once
};

/// What a REST `ErrorCode` means; the strings are static (empty for an unknown code).
struct rest_code_info {
    retry_class retry = retry_class::unknown;
    std::string_view name;     ///< e.g. "usersig_expired"
    std::string_view meaning;  ///< what it means
    std::string_view action;   ///< what to do about it
    bool known() const noexcept { return retry != retry_class::unknown; }
};

/// Describes a REST `ErrorCode` (see usersig_rest_code_retry and friends).
inline rest_code_info describe_rest_code(std::int64_t code) noexcept {
    rest_code_info info;
    info.retry = static_cast<retry_class>(usersig_rest_code_retry(code));
    info.name = usersig_rest_code_name(code);
    info.meaning = usersig_rest_code_meaning(code);
    info.action = usersig_rest_code_action(code);
    return info;
}

}  // namespace usersig

// ---------------------------------------------------------------------------------------------
// Tencent's callbacks to your server (docs/callbacks.md): usersig::im_callback_verifier and
// usersig::trtc_callback_verifier. A refused request throws usersig::callback_error, a
// usersig::error whose kind() is "malformed", "missing_signature", "bad_signature", "stale"
// or "sdkappid_mismatch" and whose what() says it in a callback's words.
// ---------------------------------------------------------------------------------------------

namespace usersig {

/// A refused callback request (or a bad token or key given to a callback verifier).
class callback_error : public error {
public:
    explicit callback_error(int code) : error(code) {}
    const char* what() const noexcept override { return usersig_callback_error_message(code()); }
};

namespace detail {
inline void check_callback(int rc) {
    if (rc != USERSIG_OK) throw callback_error(rc);
}
inline std::optional<std::string> opt_text(const char* p, std::size_t n) {
    if (p == nullptr) return std::nullopt;
    return std::string(p, n);
}
}  // namespace detail

/// An IM callback request that verified. Only request_time is signed; the rest is as the query
/// string carried it (absent: std::nullopt, as in the console's check request).
struct im_callback {
    std::uint64_t request_time = 0;          ///< RequestTime, Unix seconds
    std::optional<std::uint64_t> sdkappid;   ///< SdkAppid
    std::optional<std::string> command;      ///< CallbackCommand, e.g. C2C.CallbackBeforeSendMsg
    std::optional<std::string> client_ip;    ///< ClientIP
    std::optional<std::string> platform;     ///< OptPlatform
};

/// Verifies IM callback requests for one app's callback token (wiped on destruction).
/// Move-only; const methods may be called from many threads at once.
class im_callback_verifier {
public:
    /// `sdkappid` 0: no SDKAppID check. `window_secs` is capped at
    /// USERSIG_IM_CALLBACK_MAX_WINDOW_SECS. Throws callback_error (empty or too long token).
    explicit im_callback_verifier(std::string_view token,
                                  std::uint64_t window_secs = USERSIG_IM_CALLBACK_DEFAULT_WINDOW_SECS,
                                  std::uint64_t sdkappid = 0) {
        detail::check_callback(usersig_im_callback_verifier_new(token.data(), token.size(),
                                                                window_secs, sdkappid, &handle_));
    }
    ~im_callback_verifier() { usersig_im_callback_verifier_free(handle_); }
    im_callback_verifier(im_callback_verifier&& other) noexcept
        : handle_(std::exchange(other.handle_, nullptr)) {}
    im_callback_verifier& operator=(im_callback_verifier&& other) noexcept {
        if (this != &other) {
            usersig_im_callback_verifier_free(handle_);
            handle_ = std::exchange(other.handle_, nullptr);
        }
        return *this;
    }
    im_callback_verifier(const im_callback_verifier&) = delete;
    im_callback_verifier& operator=(const im_callback_verifier&) = delete;

    /// Verifies the query string or the request target against the system clock.
    im_callback verify(std::string_view query_or_url) const {
        return run(query_or_url, false, 0);
    }
    /// Verifies at `now`, Unix seconds.
    im_callback verify_at(std::string_view query_or_url, std::uint64_t now) const {
        return run(query_or_url, true, now);
    }
    /// The C handle, borrowed.
    const usersig_im_callback_verifier* get() const noexcept { return handle_; }

private:
    im_callback run(std::string_view q, bool at, std::uint64_t now) const {
        std::string text(USERSIG_IM_CALLBACK_TEXT_CAP, '\0');
        usersig_im_callback c{};
        std::size_t len = 0;
        auto call = [&] {
            return at ? usersig_im_callback_verify_at(handle_, q.data(), q.size(), now, &c,
                                                      text.data(), text.size(), &len)
                      : usersig_im_callback_verify(handle_, q.data(), q.size(), &c, text.data(),
                                                   text.size(), &len);
        };
        int rc = call();
        if (rc == USERSIG_ERR_BUFFER_TOO_SMALL) {
            text.assign(len + 1, '\0');
            rc = call();
        }
        detail::check_callback(rc);
        im_callback out;
        out.request_time = c.request_time;
        if (c.has_sdkappid) out.sdkappid = c.sdkappid;
        out.command = detail::opt_text(c.command, c.command_len);
        out.client_ip = detail::opt_text(c.client_ip, c.client_ip_len);
        out.platform = detail::opt_text(c.platform, c.platform_len);
        return out;
    }
    usersig_im_callback_verifier* handle_ = nullptr;
};

/// A TRTC event that verified. event_info views the body passed to verify(): keep the body
/// alive while it is used.
struct trtc_event {
    std::uint64_t event_group_id = 0;       ///< EventGroupId: 1 room, 2 media, ...
    std::uint64_t event_type = 0;           ///< EventType: 101 create room, 103 enter room, ...
    std::uint64_t callback_ts = 0;          ///< CallbackTs, Unix milliseconds
    std::string_view event_info;            ///< EventInfo, the raw JSON object
    std::optional<std::uint64_t> sdkappid;  ///< the SdkAppId header
};

/// Verifies TRTC event callbacks for one app's callback key (wiped on destruction).
/// Move-only; const methods may be called from many threads at once.
class trtc_callback_verifier {
public:
    /// `sdkappid` 0: no SDKAppID check. Throws callback_error (empty or too long key).
    explicit trtc_callback_verifier(std::string_view key, std::uint64_t sdkappid = 0) {
        detail::check_callback(
            usersig_trtc_callback_verifier_new(key.data(), key.size(), sdkappid, &handle_));
    }
    ~trtc_callback_verifier() { usersig_trtc_callback_verifier_free(handle_); }
    trtc_callback_verifier(trtc_callback_verifier&& other) noexcept
        : handle_(std::exchange(other.handle_, nullptr)) {}
    trtc_callback_verifier& operator=(trtc_callback_verifier&& other) noexcept {
        if (this != &other) {
            usersig_trtc_callback_verifier_free(handle_);
            handle_ = std::exchange(other.handle_, nullptr);
        }
        return *this;
    }
    trtc_callback_verifier(const trtc_callback_verifier&) = delete;
    trtc_callback_verifier& operator=(const trtc_callback_verifier&) = delete;

    /// Verifies the raw `body` against the Sign header (empty: absent) and, when given, the
    /// SdkAppId header (empty: absent).
    trtc_event verify(std::string_view sign, std::string_view body,
                      std::string_view sdkappid_header = {}) const {
        usersig_trtc_event e{};
        detail::check_callback(usersig_trtc_callback_verify(
            handle_, sign.data(), sign.size(), sdkappid_header.data(), sdkappid_header.size(),
            reinterpret_cast<const std::uint8_t*>(body.data()), body.size(), &e));
        trtc_event out;
        out.event_group_id = e.event_group_id;
        out.event_type = e.event_type;
        out.callback_ts = e.callback_ts;
        out.event_info = std::string_view(e.event_info, e.event_info_len);
        if (e.has_sdkappid) out.sdkappid = e.sdkappid;
        return out;
    }
    /// The C handle, borrowed.
    const usersig_trtc_callback_verifier* get() const noexcept { return handle_; }

private:
    usersig_trtc_callback_verifier* handle_ = nullptr;
};

/// The Sign Tencent sends for an IM callback at `request_time` (for testing a handler).
inline std::string im_callback_sign(std::string_view token, std::uint64_t request_time) {
    return detail::text(USERSIG_IM_CALLBACK_SIGN_LEN, [&](char* out, std::size_t cap,
                                                          std::size_t* len) {
        return usersig_im_callback_sign(token.data(), token.size(), request_time, out, cap, len);
    });
}

/// The Sign header Tencent sends for a TRTC `body` under `key` (for testing a handler).
inline std::string trtc_callback_sign(std::string_view key, std::string_view body) {
    return detail::text(USERSIG_TRTC_CALLBACK_SIGN_LEN, [&](char* out, std::size_t cap,
                                                            std::size_t* len) {
        return usersig_trtc_callback_sign(key.data(), key.size(),
                                          reinterpret_cast<const std::uint8_t*>(body.data()),
                                          body.size(), out, cap, len);
    });
}

}  // namespace usersig

#endif  // USERSIG_HPP
