/* 8 threads share one signer and one verifier; each does 10,000 operations (mint, verify,
 * and a failing verify now and then) and checks every result. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "usersig.h"

#define KEY "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e"
#define SDKAPPID 1400000000ULL
#define T0 1569910200ULL
#define THREADS 8
#define OPS 10000

struct worker {
    const usersig_signer *signer;
    const usersig_verifier *verifier;
    int id;
    long ops;
    long failures;
};

static void *work(void *arg) {
    struct worker *w = (struct worker *)arg;
    char token[USERSIG_MAX_TOKEN_LEN + 1];
    char identifier[32];
    usersig_claims c;
    usersig_expect e;
    size_t token_len, id_len;
    int i;
    memset(&e, 0, sizeof e);

    /* Each round is two operations: a mint, then a verify (every tenth round, one that must
     * fail: a failure in one thread never leaks into another, there is no "last error"). */
    for (i = 0; i < OPS / 2; i++) {
        uint64_t time = T0 + (uint64_t)i;
        int expect_expired = i % 10 == 0;
        int rc;
        id_len = (size_t)snprintf(identifier, sizeof identifier, "user-%d-%d", w->id, i);
        if (i % 4 == 3) {
            rc = mint_at(w->signer, p_room(identifier, id_len, 3600, (uint32_t)i, USERSIG_PRIV_ENTER_ROOM), time, token, sizeof token, &token_len);
            e.kind = USERSIG_EXPECT_ROOM;
            e.room_id = (uint32_t)i;
            e.privileges = USERSIG_PRIV_ENTER_ROOM;
        } else {
            rc = mint_at(w->signer, p_plain(identifier, id_len, 3600), time, token, sizeof token, &token_len);
            e.kind = USERSIG_EXPECT_NO_USERBUF;
        }
        w->ops++;
        if (rc != USERSIG_OK || strlen(token) != token_len) {
            w->failures++;
            continue;
        }
        memset(&c, 0, sizeof c);
        rc = usersig_verify_at(w->verifier, token, token_len, identifier, id_len,
                               expect_expired ? time + 3601 : time + 1, &e, &c, NULL, 0);
        w->ops++;
        if (expect_expired) {
            if (rc != USERSIG_ERR_EXPIRED || c.time != 0) w->failures++;
        } else if (rc != USERSIG_OK || c.time != time || c.expires_at != time + 3600 ||
                   c.has_private_map_key != (i % 4 == 3)) {
            w->failures++;
        }
    }
    return NULL;
}

int main(void) {
    usersig_signer *s = NULL;
    usersig_verifier *v = NULL;
    pthread_t threads[THREADS];
    struct worker workers[THREADS];
    long total = 0;
    int i;

    CHECK_CODE(usersig_signer_new(SDKAPPID, KEY, strlen(KEY), USERSIG_COMPRESSION_STORED, &s),
               USERSIG_OK);
    CHECK_CODE(usersig_verifier_new(SDKAPPID, KEY, strlen(KEY), 300, 0, USERSIG_MAX_TOKEN_LEN,
                                    USERSIG_MAX_INFLATED_LEN, &v),
               USERSIG_OK);
    for (i = 0; i < THREADS; i++) {
        workers[i].signer = s;
        workers[i].verifier = v;
        workers[i].id = i;
        workers[i].ops = 0;
        workers[i].failures = 0;
        CHECK(pthread_create(&threads[i], NULL, work, &workers[i]) == 0);
    }
    for (i = 0; i < THREADS; i++) {
        CHECK(pthread_join(threads[i], NULL) == 0);
        CHECK(workers[i].ops == OPS);
        CHECK(workers[i].failures == 0);
        if (workers[i].failures) fprintf(stderr, "thread %d: %ld failures\n", i, workers[i].failures);
        total += workers[i].ops;
    }
    usersig_signer_free(s);
    usersig_verifier_free(v);
    printf("test_threads: %d threads, %ld operations\n", THREADS, total);
    CHECK(total == (long)THREADS * OPS);
    return finish("test_threads");
}
