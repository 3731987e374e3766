-- A join counts the user's groups against its cap (--max-groups-per-user).
CREATE INDEX IF NOT EXISTS group_members_uid ON group_members (uid);
