-- The server API (docs/API.md): token revocations, presence across nodes, the webhook outbox,
-- own copies of one-to-one messages and system notices. Same shape as the embedded SQLite
-- store's schema version 2 (store/sqlite/SqliteStore.migrate).

-- Tokens of a user issued before revoked_at (epoch ms) are refused; read with last_seq at login.
ALTER TABLE user_seq ADD COLUMN revoked_at bigint NOT NULL DEFAULT 0;

-- Each node's device count per user; only that node writes its rows, under its lease.
CREATE TABLE node_presence (
    node_id text   NOT NULL,
    uid     bigint NOT NULL,
    devices int    NOT NULL,
    since   bigint NOT NULL,
    PRIMARY KEY (node_id, uid)
);
CREATE INDEX node_presence_uid ON node_presence (uid);

-- A user's total over all nodes and since when (online since, or last seen); its row lock
-- serialises two nodes changing one user's presence at once.
CREATE TABLE user_presence (
    uid     bigint PRIMARY KEY,
    devices int    NOT NULL,
    since   bigint NOT NULL
);

-- Until when each node vouches for its node_presence rows (renewed every 2 s); a node whose
-- lease ran out is swept by another: its users go offline.
CREATE TABLE node_leases (
    node_id    text   PRIMARY KEY,
    expires_at bigint NOT NULL
);

-- One row per webhook event and receiver, written in the transaction of what it describes,
-- deleted once the receiver acknowledged it.
CREATE TABLE webhook_outbox (
    id         bigserial PRIMARY KEY,
    target     text   NOT NULL,
    type       text   NOT NULL,
    uid        bigint NOT NULL,
    seq        bigint NOT NULL,
    source_uid bigint NOT NULL,
    group_id   bigint NOT NULL,
    devices    int    NOT NULL,
    at         bigint NOT NULL
);
CREATE INDEX webhook_outbox_target ON webhook_outbox (target, id);
CREATE INDEX webhook_outbox_at ON webhook_outbox (at);

-- Per receiver: the node that delivers its events and until when; when a node last named it
-- (its events are written while one did within a day).
CREATE TABLE webhook_leases (
    target     text   PRIMARY KEY,
    holder     text   NOT NULL,
    expires_at bigint NOT NULL,
    seen_at    bigint NOT NULL
);

-- fishchat_append_many of V1, plus: a one-to-one message from a user to another is also stored
-- in the sender's inbox (its own copy: target_uid stays the recipient); a group message from
-- the system (sender 0) needs no membership; and for each webhook receiver in p_webhooks, every
-- recipient's copy but the sender's is a message.stored event, with the recipient's device
-- count at that moment. (V1's six-argument function stays for nodes of the previous version
-- during a rolling upgrade.)
CREATE FUNCTION fishchat_append_many(p_senders bigint[], p_targets bigint[], p_groups bigint[],
                                     p_msg_ids text[], p_bodies text[], p_sent_at bigint[],
                                     p_webhooks text[])
RETURNS TABLE (idx int, status text, uids bigint[], seqs bigint[])
LANGUAGE sql AS $$
    WITH msg AS (
        SELECT i AS idx, p_senders[i] AS sender, p_targets[i] AS target, p_groups[i] AS grp,
               p_msg_ids[i] AS msg_id, p_bodies[i] AS body, p_sent_at[i] AS sent_at
        FROM generate_subscripts(p_senders, 1) AS i
    ), allowed AS (
        SELECT m.* FROM msg m
        WHERE m.grp = 0 OR m.sender = 0
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
        SELECT a.idx, a.target AS uid, false AS own FROM accepted a WHERE a.grp = 0
        UNION ALL
        SELECT a.idx, a.sender, true FROM accepted a WHERE a.grp = 0 AND a.sender <> 0 AND a.sender <> a.target
        UNION ALL
        SELECT a.idx, g.uid, false FROM accepted a JOIN group_members g ON g.group_id = a.grp WHERE a.grp <> 0
    ), per_user AS (
        SELECT d.uid, count(*) AS n FROM delivery d GROUP BY d.uid
    ), numbered AS (
        INSERT INTO user_seq AS s (uid, last_seq)
        SELECT p.uid, p.n FROM per_user p ORDER BY p.uid
        ON CONFLICT (uid) DO UPDATE SET last_seq = s.last_seq + excluded.last_seq
        RETURNING s.uid, s.last_seq
    ), placed AS (
        SELECT d.idx, d.uid, d.own,
               nb.last_seq - p.n + row_number() OVER (PARTITION BY d.uid ORDER BY d.idx) AS seq
        FROM delivery d JOIN per_user p ON p.uid = d.uid JOIN numbered nb ON nb.uid = d.uid
    ), stored AS (
        INSERT INTO inbox (uid, seq, source_uid, target_uid, group_id, msg_id, body, sent_at)
        SELECT pl.uid, pl.seq, m.sender, CASE WHEN pl.own THEN m.target ELSE pl.uid END, m.grp, m.msg_id, m.body,
               m.sent_at
        FROM placed pl JOIN msg m ON m.idx = pl.idx
        RETURNING 1
    ), events AS (
        -- Ids in (uid, seq) order: a user's events are numbered in the order of its inbox.
        INSERT INTO webhook_outbox (target, type, uid, seq, source_uid, group_id, devices, at)
        SELECT w.target, 'message.stored', pl.uid, pl.seq, m.sender, m.grp, coalesce(up.devices, 0), m.sent_at
        FROM placed pl JOIN msg m ON m.idx = pl.idx
             CROSS JOIN unnest(p_webhooks) AS w(target)
             LEFT JOIN user_presence up ON up.uid = pl.uid
        WHERE NOT pl.own AND pl.uid <> m.sender
        ORDER BY pl.uid, pl.seq, w.target
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
