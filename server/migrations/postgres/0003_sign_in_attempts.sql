-- Password checks per account and per address in the current window, replacing login_failures. A check is
-- counted as running before it starts and as a failure when it fails, so parallel guesses cannot all be checked.
-- Keys are SHA-256 hashes: a login of any length takes 64 characters. Rows of past windows are removed as new
-- attempts come (the index finds them).
drop table login_failures;

create table sign_in_attempts (
    key_hash text primary key,
    window_start text not null,
    failures bigint not null,
    checking bigint not null
);

create index sign_in_attempts_by_window on sign_in_attempts (window_start);
