#ifndef GREETING_H
#define GREETING_H

#include <stddef.h>

#ifndef HELLO_VERSION
#define HELLO_VERSION "unknown"
#endif

/* greeting writes "Hello, WHO!" into buf; -1 if it does not fit. */
int greeting(char *buf, size_t size, const char *who);

#endif
