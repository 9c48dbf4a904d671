/* hello: greets someone; the example package of gonix's embedded stdenv. */
#include <stdio.h>
#include <string.h>

#include "greeting.h"

int main(int argc, char **argv) {
    const char *who = "world";
    if (argc > 2) {
        fprintf(stderr, "usage: %s [NAME]\n", argv[0]);
        return 2;
    }
    if (argc == 2) {
        if (strcmp(argv[1], "--version") == 0) {
            printf("hello %s\n", HELLO_VERSION);
            return 0;
        }
        who = argv[1];
    }
    char buf[256];
    if (greeting(buf, sizeof buf, who) != 0) {
        fprintf(stderr, "%s: name too long\n", argv[0]);
        return 1;
    }
    puts(buf);
    return 0;
}
