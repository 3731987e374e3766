/**
 * The server API: JSON over HTTP for the app's own backend (tokens, messages, group membership,
 * presence, revocation) and signed webhooks delivered from the store's outbox. Built on the
 * access node's {@link fishchat.access.Backend}; only the commands (cli, standalone) start it,
 * through {@link fishchat.api.ServerApi}. docs/API.md is its manual, {@code openapi.json} its
 * contract.
 */
package fishchat.api;
