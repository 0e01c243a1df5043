/* The one check of a case id, shared by every layer that takes one from outside. */
#ifndef NAKODO_BASE_IDS_H
#define NAKODO_BASE_IDS_H

#include <nakodo/types.h>

#include <stdbool.h>

/* Whether id is a case id: 1 to NK_CASE_ID_MAX - 1 of [A-Za-z0-9_-]. NULL is not. */
bool nk_case_id_valid(const char *id);

#endif
