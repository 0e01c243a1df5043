/* frontier_foldn.c again, adding doubles: the fast instance for tables that fit 2^53
 * (fr_table.fits53; see frontier_common.h). */
#define FR_FAST 1
#include "frontier_foldn.c"
