/* Internal to case/: the summary of each case kept for the operator's list (summary.c),
 * written in the transaction of the events that change it. */
#ifndef NAKODO_CASE_SUMMARY_H
#define NAKODO_CASE_SUMMARY_H
#include "case/case_impl.h"

/* A write transaction loaded st (case_load). */
void case_summary_loaded(const struct case_state *st);
/* It appended an event to case id (case_append). */
void case_summary_appended(const char *id);
/* Before its commit (case_finish): keeps the case's summary when the appended events
 * changed its state or round, or made the case. */
NK_MUST_USE enum nk_status case_summary_keep(const struct nk_case_env *env,
					     struct nk_error *err);
/* The transaction ended, committed or not. */
void case_summary_end(void);
#endif
