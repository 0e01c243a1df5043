/* frontier_foldn.c again, adding 128-bit integers: the instance for exact tables that do
 * not fit 2^53 (see frontier_common.h). */
#define FR_INT 1
#include "frontier_foldn.c"
