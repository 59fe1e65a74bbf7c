//! Evidence attached to a record: what a reference to a file says, the limits, what a file is by its first
//! bytes (never by its name), and which files a change needs on the server before it may be applied.
//!
//! A file is named by the SHA-256 of its bytes, computed on the tablet and checked by the server, so the same
//! photo attached twice, or sent twice after a lost answer, is stored once. A record refers to a file through a
//! field of its own, `att:<sha256>`, holding an `AttachmentRef`: fields merge one by one, so two tablets that
//! attach different files to one record offline both keep theirs, and removing one sets its field to null.

use serde::{Deserialize, Serialize};

use crate::model::Fields;

/// The largest file accepted, in bytes.
pub const MAX_FILE_BYTES: u64 = 20 * 1024 * 1024;
/// At most this many files on one record.
pub const MAX_FILES_PER_RECORD: usize = 30;
/// At most this many bytes of files on one record.
pub const MAX_RECORD_BYTES: u64 = 150 * 1024 * 1024;
/// The size of one uploaded chunk: about 5 s at 400 kbit/s, so a cut connection loses little, and well under
/// the server's body limit.
pub const CHUNK_BYTES: u64 = 256 * 1024;
/// A caption is a sentence or two.
pub const MAX_CAPTION_CHARS: usize = 500;
const MAX_NAME_CHARS: usize = 255;

/// The field of a record that refers to a file is this prefix and the file's SHA-256 in lowercase hex.
pub const FIELD_PREFIX: &str = "att:";

/// The kinds of file a dossier may hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum MediaType {
    #[serde(rename = "image/jpeg")]
    Jpeg,
    #[serde(rename = "image/png")]
    Png,
    #[serde(rename = "image/webp")]
    Webp,
    #[serde(rename = "image/heic")]
    Heic,
    #[serde(rename = "application/pdf")]
    Pdf,
    #[serde(rename = "application/vnd.openxmlformats-officedocument.wordprocessingml.document")]
    Docx,
    #[serde(rename = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")]
    Xlsx,
}

impl MediaType {
    pub const ALL: [MediaType; 7] = [
        MediaType::Jpeg,
        MediaType::Png,
        MediaType::Webp,
        MediaType::Heic,
        MediaType::Pdf,
        MediaType::Docx,
        MediaType::Xlsx,
    ];

    pub fn mime(self) -> &'static str {
        match self {
            MediaType::Jpeg => "image/jpeg",
            MediaType::Png => "image/png",
            MediaType::Webp => "image/webp",
            MediaType::Heic => "image/heic",
            MediaType::Pdf => "application/pdf",
            MediaType::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            MediaType::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    pub fn from_mime(mime: &str) -> Option<Self> {
        let mime = mime.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
        MediaType::ALL.into_iter().find(|t| t.mime() == mime).or(match mime.as_str() {
            "image/heif" => Some(MediaType::Heic),
            _ => None,
        })
    }

    /// The type a file name suggests, for browsers that give a picked file no type (HEIC, often).
    pub fn from_name(name: &str) -> Option<Self> {
        let extension = name.rsplit_once('.')?.1.to_ascii_lowercase();
        Some(match extension.as_str() {
            "jpg" | "jpeg" => MediaType::Jpeg,
            "png" => MediaType::Png,
            "webp" => MediaType::Webp,
            "heic" | "heif" => MediaType::Heic,
            "pdf" => MediaType::Pdf,
            "docx" => MediaType::Docx,
            "xlsx" => MediaType::Xlsx,
            _ => return None,
        })
    }

    /// The extension a downloaded file gets.
    pub fn extension(self) -> &'static str {
        match self {
            MediaType::Jpeg => "jpg",
            MediaType::Png => "png",
            MediaType::Webp => "webp",
            MediaType::Heic => "heic",
            MediaType::Pdf => "pdf",
            MediaType::Docx => "docx",
            MediaType::Xlsx => "xlsx",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            MediaType::Jpeg => "ảnh JPEG",
            MediaType::Png => "ảnh PNG",
            MediaType::Webp => "ảnh WebP",
            MediaType::Heic => "ảnh HEIC",
            MediaType::Pdf => "tài liệu PDF",
            MediaType::Docx => "văn bản Word (DOCX)",
            MediaType::Xlsx => "bảng tính Excel (XLSX)",
        }
    }

    pub fn is_image(self) -> bool {
        matches!(self, MediaType::Jpeg | MediaType::Png | MediaType::Webp | MediaType::Heic)
    }

    /// Whether a browser may show it in the page: only the raster images every browser decodes. Anything else
    /// is served as a download, so no document can run in the app's origin.
    pub fn shows_inline(self) -> bool {
        matches!(self, MediaType::Jpeg | MediaType::Png | MediaType::Webp)
    }

    /// Whether `head`, the first bytes of a file (at least 16), begin as this type does.
    pub fn begins(self, head: &[u8]) -> bool {
        match self {
            MediaType::Jpeg => head.starts_with(&[0xFF, 0xD8, 0xFF]),
            MediaType::Png => head.starts_with(b"\x89PNG\r\n\x1a\n"),
            MediaType::Webp => head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP",
            MediaType::Heic => {
                head.len() >= 12
                    && &head[4..8] == b"ftyp"
                    && matches!(&head[8..12], b"heic" | b"heix" | b"hevc" | b"heim" | b"heis" | b"mif1" | b"msf1")
            }
            MediaType::Pdf => head.starts_with(b"%PDF-"),
            MediaType::Docx | MediaType::Xlsx => head.starts_with(b"PK\x03\x04"),
        }
    }

    /// Whether the whole file is what it claims. An Office file is a ZIP like any other, told apart by the
    /// part it must hold, whose name sits in clear in the archive.
    pub fn confirms(self, whole: &[u8]) -> bool {
        let holds = |needle: &[u8]| whole.windows(needle.len()).any(|w| w == needle);
        self.begins(whole)
            && match self {
                MediaType::Docx => holds(b"word/document.xml"),
                MediaType::Xlsx => holds(b"xl/workbook.xml"),
                _ => true,
            }
    }
}

/// Why a file is not accepted, worded for the person who attached it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FileRefusal {
    #[error("Tệp lớn {:.1} MB, vượt giới hạn {} MB mỗi tệp", *.0 as f64 / 1048576.0, MAX_FILE_BYTES / 1048576)]
    TooLarge(u64),
    #[error("Không nhận loại tệp \"{0}\": chỉ nhận ảnh (JPEG, PNG, WebP, HEIC), PDF, DOCX và XLSX")]
    TypeNotAllowed(String),
    #[error("Nội dung tệp không phải {} như tên và loại tệp cho biết, nên tệp bị từ chối", .0.label())]
    ContentMismatch(MediaType),
    #[error("Phần tệp nhận được không khớp mã kiểm tra; phần này sẽ được gửi lại")]
    ChunkChecksum,
    #[error("Tệp đã nhận đủ nhưng mã SHA-256 không khớp với mã máy tính bảng đã tính")]
    Hash,
    #[error("Hồ sơ đã có {0} tệp đính kèm, vượt giới hạn {MAX_FILES_PER_RECORD} tệp")]
    TooManyFiles(usize),
    #[error("Các tệp đính kèm của hồ sơ cộng lại {} MB, vượt giới hạn {} MB", .0 / 1048576, MAX_RECORD_BYTES / 1048576)]
    RecordTooLarge(u64),
}

/// A record's reference to one file, the value of its `att:<sha256>` field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttachmentRef {
    /// The file's name, as shown and as downloaded.
    pub name: String,
    pub media_type: MediaType,
    pub size: u64,
    #[serde(default)]
    pub caption: String,
    /// A small JPEG of an image, made on the tablet, shown first to colleagues and the office: its SHA-256.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thumb: Option<String>,
    /// What in the record it proves, when the record holds several things (an initiative, an award).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub about: Option<String>,
}

impl AttachmentRef {
    /// Whether the reference is one the server may store.
    pub fn well_formed(&self) -> bool {
        let chars = |s: &str| s.chars().count();
        (1..=MAX_NAME_CHARS).contains(&chars(&self.name))
            && self.size <= MAX_FILE_BYTES
            && chars(&self.caption) <= MAX_CAPTION_CHARS
            && self.about.as_deref().is_none_or(|a| chars(a) <= MAX_CAPTION_CHARS)
            && self.thumb.as_deref().is_none_or(is_sha256)
    }
}

/// Whether `text` is a SHA-256 as files are named: 64 lowercase hex digits.
pub fn is_sha256(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The record field that refers to the file `sha256`.
pub fn field_name(sha256: &str) -> String {
    format!("{FIELD_PREFIX}{sha256}")
}

/// The file a field refers to, if it is an attachment field.
pub fn file_of_field(field: &str) -> Option<&str> {
    field.strip_prefix(FIELD_PREFIX).filter(|sha| is_sha256(sha))
}

/// Whether a field name is an attachment's (well-formed or not).
pub fn is_attachment_field(field: &str) -> bool {
    field.starts_with(FIELD_PREFIX)
}

/// The files a record refers to, with their references, in field order.
pub fn attachments(fields: &Fields) -> Vec<(String, AttachmentRef)> {
    fields
        .iter()
        .filter_map(|(name, value)| {
            let sha = file_of_field(name)?;
            let reference = serde_json::from_value(value.clone()).ok()?;
            Some((sha.to_owned(), reference))
        })
        .collect()
}

/// Every file a record refers to, thumbnails included: what must stay stored while the record lives.
pub fn referenced_files(fields: &Fields) -> Vec<String> {
    let mut files: Vec<String> =
        attachments(fields).into_iter().flat_map(|(sha, r)| std::iter::once(sha).chain(r.thumb)).collect();
    files.sort();
    files.dedup();
    files
}

/// Whether a record's files, all together, are within the limits.
pub fn record_problem(fields: &Fields) -> Option<FileRefusal> {
    let files = attachments(fields);
    let total: u64 = files.iter().map(|(_, r)| r.size).sum();
    if files.len() > MAX_FILES_PER_RECORD {
        Some(FileRefusal::TooManyFiles(files.len()))
    } else if total > MAX_RECORD_BYTES {
        Some(FileRefusal::RecordTooLarge(total))
    } else {
        None
    }
}

/// The tus 1.0 resumable-upload protocol (core, creation, checksum) as this server speaks it: the upload of a
/// file is named by the file's SHA-256, so a tablet that lost everything but the file finds its upload again.
pub mod tus {
    pub const VERSION: &str = "1.0.0";
    pub const RESUMABLE: &str = "tus-resumable";
    pub const UPLOAD_OFFSET: &str = "upload-offset";
    pub const UPLOAD_LENGTH: &str = "upload-length";
    pub const UPLOAD_METADATA: &str = "upload-metadata";
    pub const UPLOAD_CHECKSUM: &str = "upload-checksum";
    pub const CHUNK_TYPE: &str = "application/offset+octet-stream";
    /// The status tus gives a chunk whose checksum does not match.
    pub const CHECKSUM_MISMATCH: u16 = 460;
    /// The checksum algorithm of a chunk: the same hash that names files.
    pub const CHECKSUM_ALGORITHM: &str = "sha256";

    /// `Upload-Metadata` for a file: its SHA-256, name and type.
    pub fn file_metadata(sha256: &str, name: &str, mime: &str) -> String {
        encode_metadata(&[("sha256", sha256), ("filename", name), ("filetype", mime)])
    }

    /// `Upload-Metadata`: `key base64(value)` pairs separated by commas.
    pub fn encode_metadata(pairs: &[(&str, &str)]) -> String {
        let pairs: Vec<String> =
            pairs.iter().map(|(key, value)| format!("{key} {}", super::base64::encode(value.as_bytes()))).collect();
        pairs.join(",")
    }

    /// The pairs of an `Upload-Metadata` header, as the server reads them: a value that is not base64 of UTF-8
    /// text leaves its pair out, a key without a value has the empty text, a key ends at its last character that
    /// is not white space, and an empty pair is none.
    pub fn parse_metadata(text: &str) -> Vec<(String, String)> {
        text.split(',')
            .map(str::trim)
            .filter(|pair| !pair.is_empty())
            .filter_map(|pair| {
                let (key, value) = pair.split_once(' ').unwrap_or((pair, ""));
                let value = String::from_utf8(super::base64::decode(value.trim())?).ok()?;
                Some((key.trim_end().to_owned(), value))
            })
            .collect()
    }
}

/// Base64 (standard, padded), as tus carries metadata and checksums.
pub mod base64 {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    pub fn encode(bytes: &[u8]) -> String {
        let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
        for chunk in bytes.chunks(3) {
            let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
                } else {
                    out.push('=');
                }
            }
        }
        out
    }

    pub fn decode(text: &str) -> Option<Vec<u8>> {
        let text = text.trim_end_matches('=');
        let mut out = Vec::with_capacity(text.len() * 3 / 4);
        let (mut n, mut bits) = (0u32, 0);
        for c in text.bytes() {
            let value = ALPHABET.iter().position(|a| *a == c)? as u32;
            n = n << 6 | value;
            bits += 6;
            if bits >= 8 {
                bits -= 8;
                out.push((n >> bits & 0xFF) as u8);
            }
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn types_are_told_by_content_not_name() {
        assert!(MediaType::Jpeg.begins(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F', 0, 0]));
        assert!(!MediaType::Jpeg.begins(b"MZ\x90\x00 an exe named .jpg"));
        assert!(MediaType::Webp.begins(b"RIFF\x10\x00\x00\x00WEBPVP8 "));
        assert!(!MediaType::Webp.begins(b"RIFF\x10\x00\x00\x00WAVEfmt "));
        assert!(MediaType::Heic.begins(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00"));
        assert!(MediaType::Pdf.begins(b"%PDF-1.7\n"));
        assert!(!MediaType::Png.begins(b"<svg xmlns="));
        let docx = b"PK\x03\x04....[Content_Types].xml....word/document.xml";
        assert!(MediaType::Docx.confirms(docx));
        assert!(!MediaType::Xlsx.confirms(docx), "a Word file is not a spreadsheet");
        assert!(!MediaType::Docx.confirms(b"PK\x03\x04 any zip"));
    }

    #[test]
    fn upload_metadata_reads_back_what_the_tablet_wrote() {
        let sha = "ab".repeat(32);
        let written = tus::file_metadata(&sha, "Biên bản họp, quý 4.pdf", "application/pdf");
        assert!(!written.contains("Biên"), "values travel in base64: {written}");
        let read = tus::parse_metadata(&written);
        let pairs: Vec<(&str, &str)> = read.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(
            pairs,
            [("sha256", sha.as_str()), ("filename", "Biên bản họp, quý 4.pdf"), ("filetype", "application/pdf")]
        );
        assert_eq!(tus::parse_metadata(""), [], "an empty header has no pairs");
        assert_eq!(tus::parse_metadata("filename\u{c} "), [("filename".to_owned(), String::new())], "read as written");
        let odd = tus::parse_metadata(" is_confidential ,, filename !!notbase64, filetype /w==");
        assert_eq!(
            odd,
            [("is_confidential".to_owned(), String::new())],
            "no value is empty; bad base64 and non-UTF-8 left out"
        );
    }

    #[test]
    fn mime_names_round_trip() {
        for t in MediaType::ALL {
            assert_eq!(MediaType::from_mime(t.mime()), Some(t));
            assert_eq!(serde_json::to_value(t).unwrap(), json!(t.mime()));
        }
        assert_eq!(MediaType::from_mime("image/svg+xml"), None);
        assert_eq!(MediaType::from_mime("text/html"), None);
        assert_eq!(MediaType::from_name("IMG_0042.HEIC"), Some(MediaType::Heic));
    }

    #[test]
    fn limits_per_record() {
        let file = |i: usize, size: u64| {
            (field_name(&format!("{i:064x}")), json!({"name": "a.pdf", "media_type": "application/pdf", "size": size}))
        };
        let many: Fields = (0..=MAX_FILES_PER_RECORD).map(|i| file(i, 1)).collect();
        assert_eq!(record_problem(&many), Some(FileRefusal::TooManyFiles(MAX_FILES_PER_RECORD + 1)));
        let big: Fields = (0..8).map(|i| file(i, MAX_FILE_BYTES)).collect();
        assert!(matches!(record_problem(&big), Some(FileRefusal::RecordTooLarge(_))));
        assert_eq!(record_problem(&(0..3).map(|i| file(i, 1000)).collect()), None);
    }

    #[test]
    fn base64_round_trips() {
        for text in ["", "f", "fo", "foo", "foob", "fooba", "foobar", "Ảnh lễ hội.jpg"] {
            let encoded = base64::encode(text.as_bytes());
            assert_eq!(base64::decode(&encoded).as_deref(), Some(text.as_bytes()));
        }
        assert_eq!(base64::encode(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64::encode(b"fo"), "Zm8=");
        assert_eq!(base64::decode("!!"), None);
    }
}
