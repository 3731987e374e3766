-- fishchat's inboxes, per-user sequence numbers, dedup keys and group membership.
-- Same shape as the embedded SQLite store (store/sqlite/SqliteStore.migrate).

CREATE TABLE inbox (
    uid        bigint NOT NULL,
    seq        bigint NOT NULL,
    source_uid bigint NOT NULL,
    target_uid bigint NOT NULL,
    group_id   bigint NOT NULL,
    msg_id     text   NOT NULL,
    body       text   NOT NULL,
    sent_at    bigint NOT NULL,
    PRIMARY KEY (uid, seq)
);
CREATE INDEX inbox_sent_at ON inbox (sent_at);

-- The newest seq of each inbox. Its row lock serialises two nodes sending to one user at
-- once, so numbers are never reused or skipped.
CREATE TABLE user_seq (
    uid      bigint PRIMARY KEY,
    last_seq bigint NOT NULL
);

-- (sender, non-empty msgID): a resend through any node is not stored twice.
CREATE TABLE dedup (
    sender     bigint NOT NULL,
    msg_id     text   NOT NULL,
    created_at bigint NOT NULL,
    PRIMARY KEY (sender, msg_id)
);
CREATE INDEX dedup_created_at ON dedup (created_at);

CREATE TABLE group_members (
    group_id bigint NOT NULL,
    uid      bigint NOT NULL,
    PRIMARY KEY (group_id, uid)
);

-- Stores a whole group-commit batch in one statement: element i of the arrays is one
-- message; result row idx = i says 'stored' (uids/seqs: where), 'duplicate' (its
-- (sender, msgID) was stored before, or earlier in this batch) or 'not_a_member'.
-- Each recipient's seq row is bumped once per batch by the number of messages it gets,
-- in uid order (so two nodes' batches never deadlock on each other), and the messages
-- take those numbers in batch order.
CREATE FUNCTION fishchat_append_many(p_senders bigint[], p_targets bigint[], p_groups bigint[],
                                     p_msg_ids text[], p_bodies text[], p_sent_at bigint[])
RETURNS TABLE (idx int, status text, uids bigint[], seqs bigint[])
LANGUAGE sql AS $$
    WITH msg AS (
        SELECT i AS idx, p_senders[i] AS sender, p_targets[i] AS target, p_groups[i] AS grp,
               p_msg_ids[i] AS msg_id, p_bodies[i] AS body, p_sent_at[i] AS sent_at
        FROM generate_subscripts(p_senders, 1) AS i
    ), allowed AS (
        SELECT m.* FROM msg m
        WHERE m.grp = 0
           OR EXISTS (SELECT 1 FROM group_members g WHERE g.group_id = m.grp AND g.uid = m.sender)
    ), claimed AS (
        INSERT INTO dedup (sender, msg_id, created_at)
        SELECT a.sender, a.msg_id, a.sent_at FROM allowed a WHERE a.msg_id <> '' ORDER BY a.idx
        ON CONFLICT DO NOTHING
        RETURNING sender, msg_id
    ), accepted AS (
        SELECT a.* FROM allowed a
        WHERE a.msg_id = ''
           OR (EXISTS (SELECT 1 FROM claimed c WHERE c.sender = a.sender AND c.msg_id = a.msg_id)
               AND a.idx = (SELECT min(b.idx) FROM allowed b WHERE b.sender = a.sender AND b.msg_id = a.msg_id))
    ), delivery AS (
        SELECT a.idx, a.target AS uid FROM accepted a WHERE a.grp = 0
        UNION ALL
        SELECT a.idx, g.uid FROM accepted a JOIN group_members g ON g.group_id = a.grp WHERE a.grp <> 0
    ), per_user AS (
        SELECT d.uid, count(*) AS n FROM delivery d GROUP BY d.uid
    ), numbered AS (
        INSERT INTO user_seq AS s (uid, last_seq)
        SELECT p.uid, p.n FROM per_user p ORDER BY p.uid
        ON CONFLICT (uid) DO UPDATE SET last_seq = s.last_seq + excluded.last_seq
        RETURNING s.uid, s.last_seq
    ), placed AS (
        SELECT d.idx, d.uid,
               nb.last_seq - p.n + row_number() OVER (PARTITION BY d.uid ORDER BY d.idx) AS seq
        FROM delivery d JOIN per_user p ON p.uid = d.uid JOIN numbered nb ON nb.uid = d.uid
    ), stored AS (
        INSERT INTO inbox (uid, seq, source_uid, target_uid, group_id, msg_id, body, sent_at)
        SELECT pl.uid, pl.seq, m.sender, pl.uid, m.grp, m.msg_id, m.body, m.sent_at
        FROM placed pl JOIN msg m ON m.idx = pl.idx
        RETURNING 1
    )
    SELECT m.idx,
           CASE WHEN NOT EXISTS (SELECT 1 FROM allowed a WHERE a.idx = m.idx) THEN 'not_a_member'
                WHEN EXISTS (SELECT 1 FROM accepted a WHERE a.idx = m.idx) THEN 'stored'
                ELSE 'duplicate' END,
           (SELECT array_agg(pl.uid ORDER BY pl.uid) FROM placed pl WHERE pl.idx = m.idx),
           (SELECT array_agg(pl.seq ORDER BY pl.uid) FROM placed pl WHERE pl.idx = m.idx)
    FROM msg m  -- every data-modifying CTE above runs to completion whether or not it is read
    ORDER BY m.idx
$$;
