/**
 * Attacks on a running fishchat, to replay what docs/SECURITY.md says a node withstands: each a
 * bounded load (a number of connections, a duration) that reports what the server did on one
 * RESULT line. The tests drive the same classes; {@code fishchat bench attack} runs them by hand.
 */
package fishchat.bench.attack;
