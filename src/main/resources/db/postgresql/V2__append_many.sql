-- A whole group-commit batch in one round trip: row i of the result is what
-- fishchat_append answered for element i of the arrays.
CREATE FUNCTION fishchat_append_many(p_senders bigint[], p_targets bigint[], p_groups bigint[],
                                     p_msg_ids text[], p_bodies text[], p_sent_at bigint[])
RETURNS TABLE (idx int, status text, uids bigint[], seqs bigint[])
LANGUAGE plpgsql AS $$
BEGIN
    FOR i IN 1 .. coalesce(array_length(p_senders, 1), 0) LOOP
        idx := i;
        SELECT a.status, a.uids, a.seqs INTO status, uids, seqs
        FROM fishchat_append(p_senders[i], p_targets[i], p_groups[i], p_msg_ids[i], p_bodies[i], p_sent_at[i]) AS a;
        RETURN NEXT;
    END LOOP;
END
$$;
