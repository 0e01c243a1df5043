/* group.c: the writer's turn and the commit ticket of a grouped store (several
 * connections to one database in one process, committed together; nk_store_group_new in
 * nakodo/store.h), for the generic layer (store.c, secret.c). Internal to store/. */
#ifndef NAKODO_STORE_GROUP_H
#define NAKODO_STORE_GROUP_H

#include <nakodo/store.h>

#include <stdbool.h>
#include <stdint.h>

/* Opens the group's shared writer connection, once, when its backend has batches
 * (batch_open); every store of the group calls it when it opens. */
NK_MUST_USE enum nk_status store_group_attach(struct nk_store_group *group,
					      struct nk_error *err);
/* The shared writer's backend state, or NULL when the group has none. */
void *store_group_writer(struct nk_store_group *group);
void store_group_take_turn(struct nk_store_group *group);
void store_group_give_turn(struct nk_store_group *group);
/* In the turn: commits the writer's open batch, if any (before the WAL is truncated). */
void store_group_settle(struct nk_store_group *group);
uint64_t store_group_issue(struct nk_store_group *group);
/* The newest ticket issued: what a reader may have seen. */
uint64_t store_group_current(struct nk_store_group *group);
/* Marks ticket written and waits for the flush that covers it. */
NK_MUST_USE enum nk_status store_group_wait(struct nk_store_group *group, uint64_t ticket,
					    bool written, struct nk_error *err);
/* Marks ticket written and returns at once (fails if a flush already failed). */
NK_MUST_USE enum nk_status store_group_mark(struct nk_store_group *group, uint64_t ticket,
					    struct nk_error *err);
/* Returns once the batch holding ticket is committed, committing it if need be, so that
 * a connection's own reads see what it wrote through the shared writer. */
void store_group_see(struct nk_store_group *group, uint64_t ticket);

#endif
