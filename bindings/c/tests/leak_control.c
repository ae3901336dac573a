/* A negative control: this program leaks a signer on purpose. run-tests.sh requires that
 * both AddressSanitizer and valgrind fail it, proving their leak checks are live and reach
 * memory the library allocates. */
#include <string.h>

#include "usersig.h"

int main(void) {
    usersig_signer *s = NULL;
    return usersig_signer_new(1, "k", 1, USERSIG_COMPRESSION_STORED, &s) == USERSIG_OK ? 0 : 2;
}
