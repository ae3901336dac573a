/* Every official vector (and a few crafted ones) through the C ABI: a "valid" vector verifies
 * at its issue time with its userbuf or room expectation and exact claims, and is expired one
 * second after; any other vector fails with exactly the kind it names. */
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "usersig.h"

struct vector {
    const char *name;
    const char *token;
    size_t token_len;
    const char *identifier;
    size_t identifier_len;
    uint64_t sdkappid;
    const char *key;
    size_t key_len;
    uint64_t time;
    uint64_t expire;
    const char *expect; /* "valid" or a kind name */
    const char *sig;    /* NULL when the vector gives none */
    int has_userbuf;
    const char *userbuf;
    size_t userbuf_len;
    int room_kind; /* 0 none, 1 numeric, 2 string */
    const char *room;
    size_t room_len;
    uint32_t room_id;
    uint32_t privileges;
};

#include "vectors.h"

static void check_vector(const struct vector *t) {
    usersig_verifier *v = NULL;
    usersig_expect e;
    usersig_claims c;
    uint8_t ub[USERSIG_MAX_USERBUF_LEN];
    static char json[64 * 1024];
    size_t n;
    int rc;

    CHECK_CODE(usersig_verifier_new(t->sdkappid, t->key, t->key_len,
                                    USERSIG_DEFAULT_MAX_FUTURE_SKEW_SECS, 0,
                                    USERSIG_MAX_TOKEN_LEN, USERSIG_MAX_INFLATED_LEN, &v),
               USERSIG_OK);
    memset(&e, 0, sizeof e);
    if (t->room_kind == 1) {
        e.kind = USERSIG_EXPECT_ROOM;
        e.room_id = t->room_id;
        e.privileges = t->privileges;
    } else if (t->room_kind == 2) {
        e.kind = USERSIG_EXPECT_STRING_ROOM;
        e.string_room = t->room;
        e.string_room_len = t->room_len;
        e.privileges = t->privileges;
    } else if (t->has_userbuf) {
        e.kind = USERSIG_EXPECT_USERBUF;
        e.userbuf = (const uint8_t *)t->userbuf;
        e.userbuf_len = t->userbuf_len;
    } else {
        e.kind = USERSIG_EXPECT_NO_USERBUF;
    }

    rc = usersig_verify_at(v, t->token, t->token_len, t->identifier, t->identifier_len, t->time,
                           &e, &c, ub, sizeof ub);
    if (strcmp(t->expect, "valid") == 0) {
        CHECK_CODE(rc, USERSIG_OK);
        if (rc == USERSIG_OK) {
            CHECK(c.sdkappid == t->sdkappid && c.time == t->time && c.expire == t->expire);
            CHECK(c.expires_at == t->time + t->expire);
            CHECK(c.has_userbuf == (t->has_userbuf != 0));
            CHECK(c.userbuf_len == t->userbuf_len);
            CHECK(t->userbuf_len == 0 || memcmp(ub, t->userbuf, t->userbuf_len) == 0);
            CHECK(c.has_private_map_key == (t->room_kind != 0));
            if (t->room_kind != 0) {
                CHECK(c.pmk_has_string_room == (t->room_kind == 2));
                CHECK(c.pmk_room_id == t->room_id && c.pmk_privileges == t->privileges);
                CHECK(c.pmk_expires_at == t->time + t->expire);
            }
        }
        CHECK_CODE(usersig_verify_at(v, t->token, t->token_len, t->identifier, t->identifier_len,
                                     t->time + t->expire + 1, &e, &c, NULL, 0),
                   USERSIG_ERR_EXPIRED);
        /* The same token is for no one else. */
        CHECK_CODE(usersig_verify_at(v, t->token, t->token_len, "someone", 7, t->time, NULL, &c,
                                     NULL, 0),
                   USERSIG_ERR_IDENTIFIER_MISMATCH);
    } else {
        CHECK_STR(usersig_error_kind(rc), t->expect);
        if (rc >= 0 && rc < 128) codes_seen[rc] = 1;
    }

    /* Inspection decodes every vector that is at least a JSON object, and shows its sig. */
    rc = usersig_inspect_at(t->token, t->token_len, t->time, json, sizeof json, &n);
    if (t->sig != NULL) {
        char needle[128];
        CHECK_CODE(rc, USERSIG_OK);
        snprintf(needle, sizeof needle, "\"sig\":\"%s\"", t->sig);
        CHECK(rc == USERSIG_OK && strstr(json, needle) != NULL);
    } else {
        CHECK(rc == USERSIG_OK || rc == USERSIG_ERR_MALFORMED);
    }
    usersig_verifier_free(v);
}

int main(void) {
    size_t i;
    for (i = 0; i < VECTOR_COUNT; i++) {
        int before = checks_failed;
        check_vector(&VECTORS[i]);
        if (checks_failed != before) fprintf(stderr, "  in vector %s\n", VECTORS[i].name);
    }
    CHECK(VECTOR_COUNT >= 25);
    CHECK(codes_seen[USERSIG_ERR_UNSUPPORTED_VERSION]);
    CHECK(codes_seen[USERSIG_ERR_MALFORMED] && codes_seen[USERSIG_ERR_BAD_SIGNATURE]);
    printf("test_vectors: %d vectors\n", VECTOR_COUNT);
    return finish("test_vectors");
}
