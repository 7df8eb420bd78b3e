-- The inbox: events as received, one delivery per (event, subscription), an attempt log, subscription state.
-- Times are epoch milliseconds. Event ids start with their receive time, so they sort and page by time.
-- Applied by Flyway at start-up (table hb_schema_history); never edit a released migration, add a new one.
CREATE TABLE hb_event (
    id              VARCHAR(40)   NOT NULL PRIMARY KEY,
    inbox           VARCHAR(200)  NOT NULL,
    idempotency_key VARCHAR(300),
    event_type      VARCHAR(200),
    source          VARCHAR(200),
    content_type    VARCHAR(8192),
    headers         LONGVARCHAR,
    body            VARBINARY(67108864),
    received_at     BIGINT        NOT NULL
);
CREATE UNIQUE INDEX hb_event_idempotency ON hb_event (inbox, idempotency_key);
CREATE INDEX hb_event_source ON hb_event (source, id);

CREATE TABLE hb_subscription (
    id            VARCHAR(200)  NOT NULL PRIMARY KEY,
    inbox         VARCHAR(200)  NOT NULL,
    created_at    BIGINT        NOT NULL,
    paused_at     BIGINT,
    paused_reason VARCHAR(2000),
    -- the latest delivered and failed attempts, written at most about once a second
    last_success_at BIGINT,
    last_failure_at BIGINT,
    last_failure    VARCHAR(2000)
);

CREATE TABLE hb_delivery (
    event_id        VARCHAR(40)   NOT NULL,
    subscription    VARCHAR(200)  NOT NULL,
    status          VARCHAR(16)   NOT NULL,
    attempts        INT           NOT NULL,
    -- attempts made before the last replay: the retry schedule starts over from there
    schedule_offset INT           DEFAULT 0 NOT NULL,
    next_attempt_at BIGINT        NOT NULL,
    lease_until     BIGINT,
    updated_at      BIGINT        NOT NULL,
    last_error      VARCHAR(2000),
    PRIMARY KEY (event_id, subscription)
);
-- also serves the per-subscription counts by status; lookups by event use the primary key
CREATE INDEX hb_delivery_due ON hb_delivery (subscription, status, next_attempt_at);

CREATE TABLE hb_attempt (
    event_id     VARCHAR(40)   NOT NULL,
    subscription VARCHAR(200)  NOT NULL,
    attempt      INT           NOT NULL,
    started_at   BIGINT        NOT NULL,
    duration_ms  BIGINT        NOT NULL,
    verdict      VARCHAR(16)   NOT NULL,
    http_status  INT,
    error        VARCHAR(2000),
    response     VARCHAR(2000),
    PRIMARY KEY (event_id, subscription, attempt)
);
