// What a case's page keeps in this tab's sessionStorage, by case and role: a tab may open
// the links of two roles of one case in turn (a person testing, a mediator who is also
// asked to act for a party), and each role keeps its own token, key file and join. The
// role the tab last opened a link of is noted per case, so a reload opens that one.

/** The role whose link this tab opened last for the case. */
export function roleKey(caseId) {
  return `nakodo:role:${caseId}`;
}

/** The role's token on the case (fresh: the link's was traded for it). */
export function tokenKey(caseId, role) {
  return `nakodo:token:${caseId}:${role}`;
}

/** Where a link's token waits until the server has traded it for a fresh one. */
export function linkKey(caseId) {
  return `nakodo:link:${caseId}`;
}

/** The role's sealed key file (the secrets under its passphrase), so a reload asks only it. */
export function keyFileKey(caseId, role) {
  return `nakodo:keyfile:${caseId}:${role}`;
}

/** That the role joined in this tab with the key file kept beside (not a secret). */
export function joinedKey(caseId, role) {
  return `nakodo:joined:${caseId}:${role}`;
}

/**
 * Which link the role's token was traded for, by the link token's first 16 hex digits:
 * that token is dead, so this is no secret. A link opened again in the tab (used up)
 * then opens its own role again, not the one the tab opened last.
 */
export function tradedKey(caseId, role) {
  return `nakodo:traded:${caseId}:${role}`;
}
