-- Clusters and blocks (cụm, khối thi đua). A cluster is one JSON document (domain::cluster::Cluster): its
-- members over time and its years (covenant, the leader's reviews, the standing body's part, the published
-- ranking) change together and are read together. `version` is raised by every change; a change made on an
-- older one is refused, so the leader's and the office's edits never overwrite each other.
create table clusters (
    id text primary key,
    body text not null,
    version bigint not null,
    -- never set: a cluster's years close one by one, inside the body
    closed bigint not null default 0
);
