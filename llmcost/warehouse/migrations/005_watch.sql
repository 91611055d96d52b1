-- `llmcost watch`: the alerts it has notified, so a restart never posts one twice, and how far the
-- loaded rows have been checked by the minute-scale rules, so a pass killed between loading and
-- checking is checked by the next one.

-- One row per alert found: (rule, subject, window) is its identity. A row with sent_at NULL is
-- still to be delivered: every pass tries again until the webhook takes it.
CREATE TABLE notifications (
    rule        VARCHAR NOT NULL,
    subject     VARCHAR NOT NULL,      -- kind=id, as the alert's key writes it
    window_key  VARCHAR NOT NULL,      -- the alert's window: a UTC day, a day range, a time span
    severity    VARCHAR NOT NULL,
    alert       JSON NOT NULL,         -- the alert's JSON form, posted as stored (after a restart too)
    ingest_id   INTEGER NOT NULL,      -- the last run whose rows were checked when it was found
    found_at    TIMESTAMPTZ NOT NULL,
    channel     VARCHAR NOT NULL,      -- webhook | stderr (no webhook configured: shown, not posted)
    sent_at     TIMESTAMPTZ,
    attempts    INTEGER NOT NULL,
    last_error  VARCHAR
);

-- One row: every ingest run with an id up to checked_through has had its rows checked.
CREATE TABLE watch_checked (
    checked_through INTEGER NOT NULL,
    checked_at      TIMESTAMPTZ NOT NULL
);
