/* group.c: the writer's turn and the commit ticket of a grouped store (several
 * connections to one database in one process, committed together; nk_store_group_new in
 * nakodo/store.h), for the generic layer (store.c, secret.c). Internal to store/. */
#ifndef NAKODO_STORE_GROUP_H
#define NAKODO_STORE_GROUP_H

#include <nakodo/store.h>

#include <stdbool.h>
#include <stdint.h>

/* group.c: the writer's turn and the commit ticket of a grouped store. */
void store_group_take_turn(struct nk_store_group *group);
void store_group_give_turn(struct nk_store_group *group);
uint64_t store_group_issue(struct nk_store_group *group);
/* The newest ticket issued: what a reader may have seen. */
uint64_t store_group_current(struct nk_store_group *group);
/* Marks ticket written and waits for the flush that covers it. */
NK_MUST_USE enum nk_status store_group_wait(struct nk_store_group *group, uint64_t ticket,
					    bool written, struct nk_error *err);
/* Marks ticket written and returns at once (fails if a flush already failed). */
NK_MUST_USE enum nk_status store_group_mark(struct nk_store_group *group, uint64_t ticket,
					    struct nk_error *err);

#endif
