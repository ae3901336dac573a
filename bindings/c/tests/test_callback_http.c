/* End to end over HTTP on 127.0.0.1: a C server verifies the callbacks a client process
 * sends as Tencent would (an IM callback with Sign and RequestTime in the query string, a TRTC
 * event with the Sign header over the raw body), answers 200 or 403 with the kind, and the
 * client checks the answers. A tampered request of each kind is refused. */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "usersig.h"

#define LIT(s) (s), (sizeof(s) - 1)
#define APP 1400000000ULL
#define REQUESTS 4

static const char BODY[] = "{\n\t\"EventGroupId\":\t1,\n\t\"EventType\":\t103,\n\t\"CallbackTs\":\t1,"
                           "\n\t\"EventInfo\":\t{\"RoomId\": 12345}\n}";

/* Reads one request: the target (path and query) and the Sign header into the given buffers,
 * the body into `body`. Returns the body's length, or -1. */
static long read_request(int fd, char *target, size_t target_cap, char *sign, size_t sign_cap,
                         char *body, size_t body_cap) {
    char buf[8192];
    size_t have = 0;
    char *end = NULL;
    while (end == NULL) {
        ssize_t got = read(fd, buf + have, sizeof buf - 1 - have);
        if (got <= 0) return -1;
        have += (size_t)got;
        buf[have] = '\0';
        end = strstr(buf, "\r\n\r\n");
        if (end == NULL && have == sizeof buf - 1) return -1;
    }
    *end = '\0';
    char *sp1 = strchr(buf, ' ');
    char *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
    if (sp2 == NULL || (size_t)(sp2 - sp1 - 1) >= target_cap) return -1;
    memcpy(target, sp1 + 1, (size_t)(sp2 - sp1 - 1));
    target[sp2 - sp1 - 1] = '\0';
    sign[0] = '\0';
    long length = 0;
    for (char *line = strstr(buf, "\r\n"); line != NULL; line = strstr(line + 2, "\r\n")) {
        char *name = line + 2;
        if (strncmp(name, "Sign: ", 6) == 0) {
            size_t n = strcspn(name + 6, "\r");
            if (n >= sign_cap) return -1;
            memcpy(sign, name + 6, n);
            sign[n] = '\0';
        } else if (strncmp(name, "Content-Length: ", 16) == 0) {
            length = strtol(name + 16, NULL, 10);
        }
    }
    if (length < 0 || (size_t)length > body_cap) return -1;
    size_t in_buf = have - (size_t)(end + 4 - buf);
    memcpy(body, end + 4, in_buf);
    while (in_buf < (size_t)length) {
        ssize_t got = read(fd, body + in_buf, (size_t)length - in_buf);
        if (got <= 0) return -1;
        in_buf += (size_t)got;
    }
    return length;
}

/* The server: verifies REQUESTS requests and answers each. */
static void serve(int listener) {
    usersig_im_callback_verifier *im = NULL;
    usersig_trtc_callback_verifier *trtc = NULL;
    CHECK_CODE(usersig_im_callback_verifier_new(LIT("console-token"),
                                                USERSIG_IM_CALLBACK_DEFAULT_WINDOW_SECS, APP, &im),
               USERSIG_OK);
    CHECK_CODE(usersig_trtc_callback_verifier_new(LIT("console-key"), APP, &trtc), USERSIG_OK);
    for (int i = 0; i < REQUESTS; i++) {
        int fd = accept(listener, NULL, NULL);
        CHECK(fd >= 0);
        if (fd < 0) break;
        char target[2048], sign[128], body[4096], text[USERSIG_IM_CALLBACK_TEXT_CAP];
        long body_len = read_request(fd, target, sizeof target, sign, sizeof sign, body,
                                     sizeof body);
        CHECK(body_len >= 0);
        int rc = USERSIG_ERR_MALFORMED;
        if (body_len >= 0 && strncmp(target, "/im?", 4) == 0) {
            usersig_im_callback cb;
            size_t text_len = 0;
            rc = usersig_im_callback_verify(im, target, strlen(target), &cb, text, sizeof text,
                                            &text_len);
        } else if (body_len >= 0) {
            usersig_trtc_event event;
            rc = usersig_trtc_callback_verify(trtc, sign, strlen(sign), NULL, 0,
                                              (const uint8_t *)body, (size_t)body_len, &event);
        }
        char answer[256];
        int n = snprintf(answer, sizeof answer,
                         "HTTP/1.1 %s\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n%s",
                         rc == USERSIG_OK ? "200 OK" : "403 Forbidden",
                         strlen(usersig_error_kind(rc)), usersig_error_kind(rc));
        CHECK(write(fd, answer, (size_t)n) == n);
        close(fd);
    }
    usersig_im_callback_verifier_free(im);
    usersig_trtc_callback_verifier_free(trtc);
}

/* The client: one request, the answer's status line and body back in `answer`. */
static int post(int port, const char *target, const char *sign, const char *body, char *answer,
                size_t cap) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) return -1;
    char head[2048];
    int n = snprintf(head, sizeof head,
                     "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\n%s%s%sContent-Length: %zu\r\n\r\n",
                     target, sign ? "Sign: " : "", sign ? sign : "", sign ? "\r\n" : "",
                     strlen(body));
    if (write(fd, head, (size_t)n) != n) return -1;
    if (write(fd, body, strlen(body)) != (ssize_t)strlen(body)) return -1;
    size_t have = 0;
    ssize_t got;
    while (have + 1 < cap && (got = read(fd, answer + have, cap - 1 - have)) > 0) have += (size_t)got;
    answer[have] = '\0';
    close(fd);
    return 0;
}

static int ends_with(const char *s, const char *tail) {
    size_t a = strlen(s), b = strlen(tail);
    return a >= b && strcmp(s + a - b, tail) == 0;
}

/* The client process's checks; its exit status is its number of failures. */
static int client(int port) {
    int failures = 0;
    char sign[USERSIG_IM_CALLBACK_SIGN_LEN + 1], trtc_sign[USERSIG_TRTC_CALLBACK_SIGN_LEN + 1];
    char target[1024], answer[1024];
    size_t len = 0;
    unsigned long long now = (unsigned long long)time(NULL);
    if (usersig_im_callback_sign(LIT("console-token"), now, sign, sizeof sign, &len) != USERSIG_OK)
        return 99;
    snprintf(target, sizeof target,
             "/im?SdkAppid=%llu&CallbackCommand=C2C.CallbackBeforeSendMsg&contenttype=json"
             "&ClientIP=127.0.0.1&OptPlatform=RESTAPI&Sign=%s&RequestTime=%llu",
             APP, sign, now);
    failures += post(port, target, NULL, "{}", answer, sizeof answer) != 0 ||
                strncmp(answer, "HTTP/1.1 200", 12) != 0;
    target[strlen(target) - 1] ^= 1; /* RequestTime changed by one: not what was signed */
    failures += post(port, target, NULL, "{}", answer, sizeof answer) != 0 ||
                !ends_with(answer, "bad_signature");
    if (usersig_trtc_callback_sign(LIT("console-key"), (const uint8_t *)BODY, strlen(BODY),
                                   trtc_sign, sizeof trtc_sign, &len) != USERSIG_OK)
        return 99;
    failures += post(port, "/trtc", trtc_sign, BODY, answer, sizeof answer) != 0 ||
                strncmp(answer, "HTTP/1.1 200", 12) != 0;
    failures += post(port, "/trtc", trtc_sign, "{\"EventGroupId\":2}", answer, sizeof answer) != 0 ||
                !ends_with(answer, "bad_signature");
    return failures;
}

int main(void) {
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr;
    socklen_t addr_len = sizeof addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CHECK(listener >= 0);
    CHECK(bind(listener, (struct sockaddr *)&addr, sizeof addr) == 0);
    CHECK(listen(listener, REQUESTS) == 0);
    CHECK(getsockname(listener, (struct sockaddr *)&addr, &addr_len) == 0);
    int port = ntohs(addr.sin_port);

    fflush(NULL);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        close(listener);
        _exit(client(port));
    }
    serve(listener);
    close(listener);
    int status = 0;
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    return finish("test_callback_http");
}
