/**
 * What every package of fishchat may use, needing nothing but the JDK: the process's policy for
 * failures nobody expected ({@link fishchat.common.Fatal}) and private files
 * ({@link fishchat.common.PrivateFiles}).
 */
package fishchat.common;
