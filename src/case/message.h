/* Sealed messages and deposits on a case of any kind (message.c): nk_case_act's
 * entries for sending, depositing and withdrawing. */
#ifndef NAKODO_CASE_MESSAGE_H
#define NAKODO_CASE_MESSAGE_H

#include "case/request.h"

NK_MUST_USE case_request_fn case_send, case_deposit, case_withdraw;

#endif
