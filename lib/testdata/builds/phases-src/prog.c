#include <stdio.h>

int main(void) {
    printf("%s from an unpatched program\n", GREETING);
    return 0;
}
