#include <stdio.h>
#include <greet.h>

int main(void) {
    printf("greeter says: %s\n", greet_message());
    return 0;
}
