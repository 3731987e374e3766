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

-- Stores one message in every recipient's inbox in one round trip. status is 'stored'
-- (uids/seqs say where), 'duplicate' or 'not_a_member' (nothing written).
-- Sequence rows are locked in uid order, so two group sends never deadlock each other.
CREATE FUNCTION fishchat_append(p_sender bigint, p_target bigint, p_group bigint, p_msg_id text,
                                p_body text, p_sent_at bigint,
                                OUT status text, OUT uids bigint[], OUT seqs bigint[])
LANGUAGE plpgsql AS $$
DECLARE
    recipients bigint[];
BEGIN
    IF p_group <> 0 THEN
        SELECT array_agg(m.uid ORDER BY m.uid) INTO recipients
        FROM group_members m WHERE m.group_id = p_group;
        IF recipients IS NULL OR NOT (p_sender = ANY (recipients)) THEN
            status := 'not_a_member';
            RETURN;
        END IF;
    ELSE
        recipients := ARRAY[p_target];
    END IF;
    IF p_msg_id <> '' THEN
        INSERT INTO dedup (sender, msg_id, created_at) VALUES (p_sender, p_msg_id, p_sent_at)
        ON CONFLICT DO NOTHING;
        IF NOT FOUND THEN
            status := 'duplicate';
            RETURN;
        END IF;
    END IF;
    WITH numbered AS (
        INSERT INTO user_seq AS s (uid, last_seq)
        SELECT r, 1 FROM unnest(recipients) AS r ORDER BY r
        ON CONFLICT (uid) DO UPDATE SET last_seq = s.last_seq + 1
        RETURNING s.uid, s.last_seq
    ), stored AS (
        INSERT INTO inbox (uid, seq, source_uid, target_uid, group_id, msg_id, body, sent_at)
        SELECT n.uid, n.last_seq, p_sender, n.uid, p_group, p_msg_id, p_body, p_sent_at FROM numbered n
        RETURNING inbox.uid, inbox.seq
    )
    SELECT array_agg(st.uid ORDER BY st.uid), array_agg(st.seq ORDER BY st.uid) INTO uids, seqs FROM stored st;
    status := 'stored';
END
$$;
