#include <stdio.h>

#include "greeting.h"

int greeting(char *buf, size_t size, const char *who) {
    int n = snprintf(buf, size, "Hello, %s!", who);
    return (n < 0 || (size_t)n >= size) ? -1 : 0;
}
