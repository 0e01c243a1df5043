#include <stdio.h>
int main(void) { puts("nakodo"); return 0; }
