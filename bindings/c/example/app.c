/* The smallest program using usersig: mint a token, verify it, print the result. It is what
 * the link commands in README-section.md build. */
#include <stdio.h>
#include <string.h>

#include <usersig.h>

int main(void) {
    static const char key[] = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
    char token[USERSIG_MAX_TOKEN_LEN + 1];
    size_t len;
    usersig_signer *signer = NULL;
    usersig_verifier *verifier = NULL;
    usersig_claims claims;
    usersig_mint_params params = {0}; /* kind USERSIG_MINT_PLAIN; unused fields stay zero */
    int rc;

    params.identifier = "alice";
    params.identifier_len = 5;
    params.expire = 86400;

    rc = usersig_signer_new(1400000000, key, strlen(key), USERSIG_COMPRESSION_STORED, &signer);
    if (rc == USERSIG_OK) rc = usersig_mint(signer, &params, token, sizeof token, &len);
    if (rc == USERSIG_OK)
        rc = usersig_verifier_new(1400000000, key, strlen(key),
                                  USERSIG_DEFAULT_MAX_FUTURE_SKEW_SECS, 0, USERSIG_MAX_TOKEN_LEN,
                                  USERSIG_MAX_INFLATED_LEN, &verifier);
    if (rc == USERSIG_OK)
        rc = usersig_verify(verifier, token, len, "alice", 5, NULL, &claims, NULL, 0);
    if (rc == USERSIG_OK) {
        printf("usersig %s: token for alice valid until %llu\n", usersig_version(),
               (unsigned long long)claims.expires_at);
    } else {
        fprintf(stderr, "usersig: %s (%s)\n", usersig_error_message(rc), usersig_error_kind(rc));
    }
    usersig_verifier_free(verifier);
    usersig_signer_free(signer);
    return rc == USERSIG_OK ? 0 : 1;
}
