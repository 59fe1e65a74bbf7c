//! Attached files through the real router and a real SQLite file and folder: resumable uploads (tus), chunks
//! replayed, checksums and types refused, a record that refers only to files the server holds, who may read a
//! file, chunks that arrive at once, and the cleanup of files no record keeps.

mod common;

use axum::http::{header, HeaderMap, Method, StatusCode};
use chrono::{Duration, Utc};
use common::tus_wire;
use common::*;
use domain::attachment::{field_name, tus, CHUNK_BYTES};
use domain::{Mutation, Op, Outcome, RecordKind, RecordRef};
use serde_json::{json, Value};
use uuid::Uuid;

const JPEG: &str = "image/jpeg";

/// A JPEG's first bytes, then `size` bytes of a pattern: enough for the server, which checks the type by its
/// first bytes and the whole by its hash.
fn photo(size: usize, seed: u8) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0, 1];
    bytes.extend((0..size).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed)));
    bytes
}

fn sha(bytes: &[u8]) -> String {
    tus_wire::sha256_hex(bytes)
}

fn offset_in(headers: &HeaderMap) -> u64 {
    tus_wire::offset(headers).expect("an Upload-Offset")
}

async fn create(server: &TestServer, token: &str, bytes: &[u8], mime: &str) -> (StatusCode, HeaderMap, Value) {
    let metadata = tus::file_metadata(&sha(bytes), "Ảnh lễ hội.jpg", mime);
    let headers = [(tus::UPLOAD_LENGTH, bytes.len().to_string()), (tus::UPLOAD_METADATA, metadata)];
    tus_wire::call(&server.router, Method::POST, "/api/uploads", token, &headers, Vec::new()).await
}

async fn patch(server: &TestServer, token: &str, file: &str, at: u64, chunk: &[u8]) -> (StatusCode, HeaderMap, Value) {
    patch_with(server, token, file, at, chunk, tus_wire::checksum(chunk)).await
}

async fn patch_with(
    server: &TestServer,
    token: &str,
    file: &str,
    at: u64,
    chunk: &[u8],
    checksum: String,
) -> (StatusCode, HeaderMap, Value) {
    let headers = [
        ("content-type", tus::CHUNK_TYPE.to_owned()),
        (tus::UPLOAD_OFFSET, at.to_string()),
        (tus::UPLOAD_CHECKSUM, checksum),
    ];
    tus_wire::call(&server.router, Method::PATCH, &format!("/api/uploads/{file}"), token, &headers, chunk.to_vec())
        .await
}

/// Uploads the whole file in chunks, as a tablet does.
async fn upload(server: &TestServer, token: &str, bytes: &[u8], mime: &str) -> String {
    let file = sha(bytes);
    let (status, headers, body) = create(server, token, bytes, mime).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let mut at = offset_in(&headers);
    while at < bytes.len() as u64 {
        let end = (at + CHUNK_BYTES).min(bytes.len() as u64);
        let (status, headers, body) = patch(server, token, &file, at, &bytes[at as usize..end as usize]).await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
        at = offset_in(&headers);
    }
    file
}

fn attach(record: Uuid, file: &str, size: usize, caption: &str) -> Mutation {
    let reference = json!({"name": "le-hoi.jpg", "media_type": JPEG, "size": size, "caption": caption});
    Mutation::new(
        Uuid::new_v4(),
        &RecordRef::new(record, RecordKind::SelfAssessment, TAM_DUONG),
        0,
        Op::Set { fields: [(field_name(file), reference)].into_iter().collect() },
        Utc::now(),
    )
}

async fn head(server: &TestServer, token: &str, file: &str) -> (StatusCode, HeaderMap) {
    let (status, headers, _) =
        tus_wire::call(&server.router, Method::HEAD, &format!("/api/uploads/{file}"), token, &[], Vec::new()).await;
    (status, headers)
}

#[tokio::test]
async fn an_upload_in_chunks_is_stored_once_and_read_only_within_scope() {
    let server = server().await;
    let lan = server.login("tamduong.lan").await;
    let bytes = photo(CHUNK_BYTES as usize * 2 + 1000, 7);
    let file = sha(&bytes);

    let (status, headers, _) = create(&server, &lan, &bytes, JPEG).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(headers[header::LOCATION], format!("/api/uploads/{file}").as_str());
    assert_eq!(offset_in(&headers), 0);
    let first = &bytes[..CHUNK_BYTES as usize];
    let (status, headers, _) = patch(&server, &lan, &file, 0, first).await;
    assert_eq!((status, offset_in(&headers)), (StatusCode::NO_CONTENT, CHUNK_BYTES));

    // The answer was lost and the tablet sends the chunk again: it changes nothing, and the server says where it is.
    let (status, headers, body) = patch(&server, &lan, &file, 0, first).await;
    assert_eq!((status, offset_in(&headers)), (StatusCode::CONFLICT, CHUNK_BYTES), "{body}");
    assert_eq!(body["code"], "upload_offset");
    // A reload: the tablet asks, and goes on from there.
    let (status, headers) = head(&server, &lan, &file).await;
    assert_eq!((status, offset_in(&headers)), (StatusCode::OK, CHUNK_BYTES));
    upload(&server, &lan, &bytes, JPEG).await;

    let stored = server.db.files().join("files").join(&file[..2]).join(&file);
    assert_eq!(std::fs::read(&stored).unwrap(), bytes, "byte-identical on disk");
    // The same photo again, from a colleague's tablet: it is already whole, nothing is sent twice.
    let minh = server.login("tamduong.minh").await;
    let (status, headers, _) = create(&server, &minh, &bytes, JPEG).await;
    assert_eq!((status, offset_in(&headers)), (StatusCode::CREATED, bytes.len() as u64));
    assert_eq!(server.count("attachments").await, 1);
    // A name that is no SHA-256 leads nowhere: no folder or file is made for it, inside the folder or out.
    let (status, _, body) = patch(&server, &lan, "..%2F..%2Fescaped%2Fx", 0, b"x").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert!(!server.db.files().join("../escaped").exists(), "a folder was made outside the files folder");
    let locks = std::fs::read_dir(server.db.files().join("locks")).map_or(0, |held| held.count());
    assert_eq!(locks, 0, "a lock file outlived its turn");

    // No record refers to it yet: no one reads it.
    let uri = format!("/api/attachments/{file}");
    assert_eq!(server.download(&uri, &minh).await.0, StatusCode::NOT_FOUND);
    let record = Uuid::new_v4();
    let results = server.push(&lan, &[attach(record, &file, bytes.len(), "Lễ hội đình làng")]).await.results;
    assert!(matches!(results[0].outcome, Outcome::Applied { .. }), "{results:?}");

    let (status, headers, body) = server.download(&uri, &minh).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, bytes);
    assert_eq!(headers[header::CONTENT_TYPE], JPEG);
    assert!(headers[header::CONTENT_DISPOSITION].to_str().unwrap().starts_with("inline"));
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(server.download(&uri, &server.login("vanphong").await).await.0, StatusCode::OK, "the office's scope");
    let other_unit = server.login("lapthach.hoa").await;
    assert_eq!(server.download(&uri, &other_unit).await.0, StatusCode::NOT_FOUND, "another unit's file");
    assert_eq!(server.download("/api/attachments/..%2F..%2Fetc%2Fpasswd", &minh).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_change_refers_only_to_files_the_server_holds_whole_and_as_described() {
    let server = server().await;
    let lan = server.login("tamduong.lan").await;
    let bytes = photo(CHUNK_BYTES as usize + 10, 3);
    let file = sha(&bytes);
    let record = Uuid::new_v4();
    let refused = |outcome: &Outcome| matches!(outcome, Outcome::Rejected { .. });

    let early = server.push(&lan, &[attach(record, &file, bytes.len(), "sớm")]).await.results;
    assert!(refused(&early[0].outcome), "not uploaded yet: {early:?}");
    create(&server, &lan, &bytes, JPEG).await;
    patch(&server, &lan, &file, 0, &bytes[..CHUNK_BYTES as usize]).await;
    let half = server.push(&lan, &[attach(record, &file, bytes.len(), "nửa chừng")]).await.results;
    assert!(refused(&half[0].outcome), "half uploaded: {half:?}");
    upload(&server, &lan, &bytes, JPEG).await;
    let lying = server.push(&lan, &[attach(record, &file, 12, "kích thước sai")]).await.results;
    assert!(refused(&lying[0].outcome), "a reference must describe the file: {lying:?}");
    let good = server.push(&lan, &[attach(record, &file, bytes.len(), "đủ")]).await.results;
    assert!(matches!(good[0].outcome, Outcome::Applied { .. }), "{good:?}");
    let pulled = server.pull(&server.login("tamduong.minh").await, 0, 100).await;
    let record = pulled.records.iter().find(|r| r.id == record).expect("pulled");
    assert_eq!(record.fields[&field_name(&file)]["caption"], "đủ");
}

#[tokio::test]
async fn checksums_types_and_sizes_are_checked_by_content() {
    let server = server().await;
    let lan = server.login("tamduong.lan").await;

    let bytes = photo(5000, 1);
    let file = sha(&bytes);
    create(&server, &lan, &bytes, JPEG).await;
    let wrong = tus_wire::checksum(b"something else");
    let (status, _, body) = patch_with(&server, &lan, &file, 0, &bytes, wrong).await;
    assert_eq!(status.as_u16(), 460, "{body}");
    assert_eq!(offset_in(&head(&server, &lan, &file).await.1), 0, "a refused chunk stores nothing");

    // A program renamed .jpg: refused at its first chunk, nothing kept.
    let exe: Vec<u8> = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00 this program".to_vec();
    let exe_file = sha(&exe);
    assert_eq!(create(&server, &lan, &exe, JPEG).await.0, StatusCode::CREATED);
    let (status, _, body) = patch(&server, &lan, &exe_file, 0, &exe).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{body}");
    assert!(body["message"].as_str().unwrap().contains("không phải ảnh JPEG"), "{body}");
    assert_eq!(head(&server, &lan, &exe_file).await.0, StatusCode::NOT_FOUND);

    let (status, _, body) = create(&server, &lan, b"<svg onload=alert(1)>", "image/svg+xml").await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{body}");
    let (status, _, body) = create(&server, &lan, b"<html>", "text/html").await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{body}");

    let metadata = tus::file_metadata(&file, "ho-so.pdf", "application/pdf");
    let huge = [(tus::UPLOAD_LENGTH, (21 * 1024 * 1024).to_string()), (tus::UPLOAD_METADATA, metadata)];
    let (status, _, body) = tus_wire::call(&server.router, Method::POST, "/api/uploads", &lan, &huge, Vec::new()).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert!(body["message"].as_str().unwrap().contains("20 MB"), "{body}");

    // A ZIP named .docx that holds no Word document: refused once whole.
    let zip = b"PK\x03\x04\x14\x00\x00\x00 not a word document at all".to_vec();
    let docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    let zip_file = sha(&zip);
    create(&server, &lan, &zip, docx).await;
    let (status, _, body) = patch(&server, &lan, &zip_file, 0, &zip).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{body}");
    assert_eq!(head(&server, &lan, &zip_file).await.0, StatusCode::NOT_FOUND, "the upload can begin again");
    assert_eq!(server.count("attachments").await, 1, "only the photo's upload remains");
}

#[tokio::test]
async fn a_file_whose_bytes_do_not_match_its_name_is_refused_whole_and_begins_again() {
    let server = server().await;
    let lan = server.login("tamduong.lan").await;
    let bytes = photo(3000, 9);
    let claimed = sha(&photo(3000, 10));
    let metadata = tus::file_metadata(&claimed, "anh.jpg", JPEG);
    let headers = [(tus::UPLOAD_LENGTH, bytes.len().to_string()), (tus::UPLOAD_METADATA, metadata)];
    tus_wire::call(&server.router, Method::POST, "/api/uploads", &lan, &headers, Vec::new()).await;
    let (status, _, body) = patch(&server, &lan, &claimed, 0, &bytes).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(head(&server, &lan, &claimed).await.0, StatusCode::NOT_FOUND);
    let parts = server.db.files().join("parts");
    assert_eq!(std::fs::read_dir(parts).map(|d| d.count()).unwrap_or(0), 0, "nothing of it stays on disk");
}

#[tokio::test]
async fn the_same_chunk_arriving_at_once_is_written_once() {
    let server = server().await;
    let lan = server.login("tamduong.lan").await;
    let bytes = photo(CHUNK_BYTES as usize * 2, 5);
    let file = sha(&bytes);
    create(&server, &lan, &bytes, JPEG).await;
    let chunk = bytes[..CHUNK_BYTES as usize].to_vec();
    let attempts = (0..8).map(|_| {
        let (server, lan, file, chunk) = (&server, &lan, &file, &chunk);
        async move { patch(server, lan, file, 0, chunk).await.0 }
    });
    let statuses = futures_join_all(attempts).await;
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::NO_CONTENT).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == StatusCode::NO_CONTENT || *s == StatusCode::CONFLICT), "{statuses:?}");
    assert_eq!(offset_in(&head(&server, &lan, &file).await.1), CHUNK_BYTES);
    upload(&server, &lan, &bytes, JPEG).await;
    let stored = server.db.files().join("files").join(&file[..2]).join(&file);
    assert_eq!(std::fs::read(stored).unwrap(), bytes);
    let locks = std::fs::read_dir(server.db.files().join("locks")).map_or(0, |held| held.count());
    assert_eq!(locks, 0, "a lock file outlived its turn");
}

/// Runs the futures at once on this task, like requests that arrive together.
async fn futures_join_all<F: std::future::Future>(futures: impl IntoIterator<Item = F>) -> Vec<F::Output> {
    let handles: Vec<_> = futures.into_iter().map(Box::pin).collect();
    let mut outputs: Vec<Option<F::Output>> = handles.iter().map(|_| None).collect();
    let mut handles: Vec<Option<_>> = handles.into_iter().map(Some).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (slot, output) in handles.iter_mut().zip(outputs.iter_mut()) {
            if let Some(future) = slot {
                match future.as_mut().poll(cx) {
                    std::task::Poll::Ready(value) => {
                        *output = Some(value);
                        *slot = None;
                    }
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    outputs.into_iter().map(|o| o.expect("ready")).collect()
}

#[tokio::test]
async fn a_file_stays_while_a_record_refers_to_it_and_goes_after_the_grace_period() {
    let server = server().await;
    let lan = server.login("tamduong.lan").await;
    let bytes = photo(2000, 2);
    let file = upload(&server, &lan, &bytes, JPEG).await;
    let (first, second) = (Uuid::new_v4(), Uuid::new_v4());
    let results =
        server.push(&lan, &[attach(first, &file, bytes.len(), "một"), attach(second, &file, bytes.len(), "hai")]).await;
    assert!(results.results.iter().all(|r| matches!(r.outcome, Outcome::Applied { .. })), "{results:?}");
    let files = server::files::Files::at(server.db.files());
    let later = Utc::now() + Duration::days(8);

    let delete = |record: Uuid| {
        Mutation::new(
            Uuid::new_v4(),
            &RecordRef::new(record, RecordKind::SelfAssessment, TAM_DUONG),
            1,
            Op::Delete,
            Utc::now(),
        )
    };
    server.push(&lan, &[delete(first)]).await;
    assert_eq!(server::uploads::clean(&server.db, &files, later).await.unwrap(), 0, "the second record keeps it");
    assert!(files.is_finished(&file).await);

    // The second record lets go of it by removing the attachment: kept through the grace period, then removed.
    let removal = Mutation::new(
        Uuid::new_v4(),
        &RecordRef::new(second, RecordKind::SelfAssessment, TAM_DUONG),
        1,
        Op::Set { fields: [(field_name(&file), Value::Null)].into_iter().collect() },
        Utc::now(),
    );
    server.push(&lan, &[removal]).await;
    assert_eq!(server::uploads::clean(&server.db, &files, Utc::now()).await.unwrap(), 0, "within the grace period");
    assert!(files.is_finished(&file).await);
    assert_eq!(server::uploads::clean(&server.db, &files, later).await.unwrap(), 1);
    assert!(!files.is_finished(&file).await);
    assert_eq!(server.count("attachments").await, 0);
    // A tablet that had it attached offline sends it again, whole, and may refer to it afterwards.
    upload(&server, &lan, &bytes, JPEG).await;
    assert!(files.is_finished(&file).await);
}
