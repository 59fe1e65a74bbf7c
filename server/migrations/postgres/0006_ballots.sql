-- Ballots cast on members' own devices. For a secret ballot nothing may link a member to a choice, so who voted
-- and what was chosen live in tables that share only the session, and the choices only as running totals.

-- That a member voted in a session: the primary key counts each member once, so a replayed ballot adds nothing.
-- No time and no row order are kept (without rowid: rows sort by the key), so the order of votes cannot be
-- matched against the totals.
-- (PostgreSQL has no `without rowid`: its heap keeps rows in the order written, and each row version carries the
-- transaction that wrote it (xmin), the same for a voter's row and the totals its ballot changed.)
create table ballot_voters (
    session_id text not null references council_sessions (id),
    member_id text not null,
    primary key (session_id, member_id)
);

-- The running totals of each candidate's choices, by channel: at the meeting (written = 0), or in writing from a
-- member who is absent (written = 1).
create table ballot_totals (
    session_id text not null references council_sessions (id),
    nomination_id text not null,
    written bigint not null,
    yes bigint not null default 0,
    no bigint not null default 0,
    blank bigint not null default 0,
    primary key (session_id, nomination_id, written)
);

-- A box the office has closed takes no more ballots, and its totals become the session's tallies.
create table ballot_boxes (
    session_id text primary key references council_sessions (id),
    closed_by text not null references users (id),
    closed_at text not null
);
