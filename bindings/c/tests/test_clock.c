/* The functions that read the system clock, with the clock set before 1970: minting reports
 * USERSIG_ERR_CLOCK_BEFORE_EPOCH (the one code no ordinary input produces). This program
 * defines clock_gettime itself; the library's calls resolve to it, statically and dynamically
 * (a symbol defined by the executable interposes on libc's). */
#define _GNU_SOURCE
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "usersig.h"

#define KEY "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e"
#define T0 1569910200ULL

static int realtime_calls;

int clock_gettime(clockid_t clock, struct timespec *ts) {
    if (clock == CLOCK_REALTIME) {
        realtime_calls++;
        ts->tv_sec = -86400; /* 1969-12-31 */
        ts->tv_nsec = 0;
        return 0;
    }
    return (int)syscall(SYS_clock_gettime, clock, ts);
}

int main(void) {
    usersig_signer *s = NULL;
    usersig_verifier *v = NULL;
    usersig_claims c;
    char token[USERSIG_MAX_TOKEN_LEN + 1];
    static char json[64 * 1024];
    size_t n = 5, token_len;

    CHECK_CODE(usersig_signer_new(1400000000, KEY, strlen(KEY), USERSIG_COMPRESSION_STORED, &s),
               USERSIG_OK);
    CHECK_CODE(usersig_verifier_new(1400000000, KEY, strlen(KEY), 300, 0, USERSIG_MAX_TOKEN_LEN,
                                    USERSIG_MAX_INFLATED_LEN, &v),
               USERSIG_OK);
    memset(token, 0xAB, sizeof token);
    CHECK_CODE(mint_now(s, p_plain("a", 1, 60), token, sizeof token, &n),
               USERSIG_ERR_CLOCK_BEFORE_EPOCH);
    CHECK_CODE(mint_now(s, p_userbuf("a", 1, 60, NULL, 0), token, sizeof token, &n),
               USERSIG_ERR_CLOCK_BEFORE_EPOCH);
    CHECK_CODE(mint_now(s, p_room("a", 1, 60, 1, 2), token, sizeof token, &n),
               USERSIG_ERR_CLOCK_BEFORE_EPOCH);
    CHECK_CODE(mint_now(s, p_string_room("a", 1, 60, "r", 1, 2), token, sizeof token, &n),
               USERSIG_ERR_CLOCK_BEFORE_EPOCH);
    CHECK(n == 5 && untouched(token, sizeof token, 0xAB));
    CHECK(realtime_calls >= 4);

    /* Verification and inspection take such a clock as the epoch: a 2019 token is then
     * from the future. */
    CHECK_CODE(mint_at(s, p_plain("a", 1, 60), T0, token, sizeof token, &token_len), USERSIG_OK);
    CHECK_CODE(usersig_verify(v, token, token_len, "a", 1, NULL, &c, NULL, 0),
               USERSIG_ERR_NOT_YET_VALID);
    CHECK_CODE(usersig_inspect(token, token_len, json, sizeof json, &n), USERSIG_OK);
    CHECK(strstr(json, "issued_in_future") != NULL);

    usersig_signer_free(s);
    usersig_verifier_free(v);
    return finish("test_clock");
}
