//! A record's evidence: its attached files, each with its thumbnail, caption, state on the tablet and on the
//! server (with the upload's progress), and the buttons to take a photo, pick a file, open one, keep it for
//! offline use, or remove it. Colleagues and the office see thumbnails first; a full file comes down when opened.

use std::collections::BTreeMap;

use domain::attachment::{attachments, field_name, AttachmentRef, MediaType};
use domain::Fields;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use super::ConfirmStep;
use crate::api;
use crate::draft::Draft;
use crate::format::format_megabytes;
use crate::media::{prepare, PhotoSettings};
use crate::store::{current_store, load_session, LocalFile};
use crate::sync::SyncState;

/// What the tablet holds of the files on show: their state here, and the object URLs drawn from their bytes.
#[derive(Clone, Default)]
struct Shown {
    files: BTreeMap<String, LocalFile>,
    /// Thumbnail (or small image) URLs, by the attached file's SHA-256.
    thumbs: BTreeMap<String, String>,
}

/// The attached files of the record `fields` belong to. With a draft whose record the unit holds, files can be
/// added, captioned and removed; otherwise (a reviewer's view, a submitted record) they are shown only. `about`
/// lists what in the record a file may prove (a target, an initiative, an award), for a record holding several.
pub fn attachments_panel(
    fields: Signal<Fields>,
    draft: Option<Draft>,
    state: SyncState,
    about: Signal<Vec<String>>,
) -> impl IntoView {
    let shown = RwSignal::new(Shown::default());
    let urls = StoredValue::new(Vec::<String>::new());
    let message = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let keep_original = RwSignal::new(false);
    let large = RwSignal::new(None::<(String, String)>);
    let editable = move || draft.is_some_and(|d| d.editable());
    let list = move || fields.with(attachments);

    Effect::new(move |_| {
        let list = list();
        state.files_version.track();
        spawn_local(async move {
            let Some(store) = current_store() else { return };
            let mut next = Shown::default();
            let before = shown.get_untracked();
            for (sha, reference) in &list {
                if let Ok(Some(file)) = store.file(sha).await {
                    next.files.insert(sha.clone(), file);
                }
                if let Some(url) = before.thumbs.get(sha) {
                    next.thumbs.insert(sha.clone(), url.clone());
                    continue;
                }
                let small =
                    reference.thumb.clone().or_else(|| reference.media_type.shows_inline().then(|| sha.clone()));
                let Some(small) = small else { continue };
                let blob = match store.blob(&small).await {
                    Ok(Some(blob)) => Some(blob),
                    _ => fetch_and_keep(&small, "thu-nho.jpg", MediaType::Jpeg, false).await.ok(),
                };
                if let Some(url) = blob.and_then(|b| web_sys::Url::create_object_url_with_blob(&b).ok()) {
                    urls.update_value(|u| u.push(url.clone()));
                    next.thumbs.insert(sha.clone(), url);
                }
            }
            shown.try_set(next);
        });
    });
    on_cleanup(move || {
        for url in urls.try_get_value().unwrap_or_default() {
            let _ = web_sys::Url::revoke_object_url(&url);
        }
    });

    let picked = move |ev: leptos::ev::Event| {
        let Some(draft) = draft else { return };
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        let picked: Vec<web_sys::File> =
            input.files().map(|list| (0..list.length()).filter_map(|i| list.get(i)).collect()).unwrap_or_default();
        input.set_value("");
        let settings = PhotoSettings { keep_original: keep_original.get_untracked(), ..PhotoSettings::default() };
        spawn_local(async move {
            busy.set(true);
            message.set(None);
            for file in picked {
                let name = file.name();
                let outcome = match prepare(&file, settings).await {
                    Ok(prepared) => match room_for(prepared.size).await {
                        Some(refusal) => Err(refusal),
                        None => draft.attach(prepared, String::new()).await,
                    },
                    Err(e) => Err(e.to_string()),
                };
                if let Err(reason) = outcome {
                    message.set(Some(format!("Không đính kèm được \"{name}\": {reason}")));
                }
            }
            busy.set(false);
            crate::uploads::refresh_storage(state).await;
        });
    };

    let item = move |(sha, reference): (String, AttachmentRef)| {
        let field = field_name(&sha);
        let short = sha[..12].to_owned();
        let current = {
            let (field, reference) = (field.clone(), reference.clone());
            move || {
                fields
                    .with(|f| f.get(&field).and_then(|v| serde_json::from_value::<AttachmentRef>(v.clone()).ok()))
                    .unwrap_or_else(|| reference.clone())
            }
        };
        let caption_input = {
            let (field, current) = (field.clone(), current.clone());
            move |ev: leptos::ev::Event| {
                let Some(draft) = draft else { return };
                let mut reference = current();
                reference.caption = event_target_value(&ev);
                if let Ok(value) = serde_json::to_value(&reference) {
                    draft.set(&field, value);
                }
            }
        };
        let about_change = {
            let (field, current) = (field.clone(), current.clone());
            move |ev: leptos::ev::Event| {
                let Some(draft) = draft else { return };
                let mut reference = current();
                let chosen = event_target_value(&ev);
                reference.about = (!chosen.is_empty()).then_some(chosen);
                if let Ok(value) = serde_json::to_value(&reference) {
                    draft.set(&field, value);
                }
            }
        };
        let remove = {
            let field = field.clone();
            Callback::new(move |()| {
                if let Some(draft) = draft {
                    draft.set(&field, serde_json::Value::Null);
                }
            })
        };
        let state_text = {
            let sha = sha.clone();
            move || file_state(&sha, shown, state)
        };
        let progress = {
            let sha = sha.clone();
            move || state.uploads.with(|u| u.get(&sha).copied())
        };
        let thumb = {
            let sha = sha.clone();
            move || shown.with(|s| s.thumbs.get(&sha).cloned())
        };
        let local = {
            let sha = sha.clone();
            Signal::derive(move || shown.with(|s| s.files.get(&sha).cloned()))
        };
        let open = {
            let (sha, reference) = (sha.clone(), reference.clone());
            move |_| {
                let (sha, reference) = (sha.clone(), reference.clone());
                spawn_local(async move {
                    match file_blob(&sha, &reference, false).await {
                        Ok(blob) if reference.media_type.shows_inline() => {
                            if let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) {
                                urls.update_value(|u| u.push(url.clone()));
                                large.set(Some((sha, url)));
                            }
                        }
                        Ok(blob) => {
                            api::save_as(&blob, &reference.name);
                        }
                        Err(reason) => message.set(Some(reason)),
                    }
                });
            }
        };
        let keep = {
            let (sha, reference) = (sha.clone(), reference.clone());
            move |_| {
                let (sha, reference) = (sha.clone(), reference.clone());
                let pinned = shown.with_untracked(|s| s.files.get(&sha).is_some_and(|f| f.pinned));
                spawn_local(async move {
                    let Some(store) = current_store() else { return };
                    let outcome = if pinned {
                        store.unpin(&sha).await.map_err(|e| e.user_message())
                    } else {
                        file_blob(&sha, &reference, true).await.map(|_| ())
                    };
                    if let Err(reason) = outcome {
                        message.set(Some(reason));
                    }
                    state.files_version.update(|v| *v += 1);
                });
            }
        };
        let alt = {
            let current = current.clone();
            move || {
                let reference = current();
                format!(
                    "Ảnh thu nhỏ: {}",
                    if reference.caption.is_empty() { reference.name } else { reference.caption }
                )
            }
        };
        let is_large = {
            let sha = sha.clone();
            move || large.with(|l| l.as_ref().filter(|(s, _)| *s == sha).map(|(_, url)| url.clone()))
        };
        let meta = format!(
            "{} · {} · {}",
            reference.name,
            format_megabytes(reference.size as f64),
            reference.media_type.label()
        );
        view! {
            <li class="attachment" data-sha=sha.clone()>
                <div class="attachment-thumb">
                    {move || match thumb() {
                        Some(url) => view! { <img src=url alt=alt.clone() width="96" height="96"/> }.into_any(),
                        None => view! {
                            <span class="file-icon" aria-hidden="true">{reference.media_type.extension().to_uppercase()}</span>
                        }.into_any(),
                    }}
                </div>
                <div class="attachment-body">
                    {
                        let current = current.clone();
                        move || if editable() {
                            view! {
                                <label class="attachment-caption">"Chú thích"
                                    <input type="text" prop:value=current().caption maxlength="500"
                                        placeholder="Ảnh, văn bản này chứng minh điều gì" on:input=caption_input.clone()/>
                                </label>
                            }.into_any()
                        } else {
                            let caption = current().caption;
                            view! { <p class="attachment-caption">{if caption.is_empty() { "(Không có chú thích)".to_owned() } else { caption }}</p> }.into_any()
                        }
                    }
                    {
                        let current = current.clone();
                        move || {
                            let chosen = current().about.unwrap_or_default();
                            let choices = about.get();
                            if editable() && !choices.is_empty() {
                                let selected = chosen.clone();
                                view! {
                                    <label class="attachment-about">"Minh chứng cho"
                                        <select on:change=about_change.clone()>
                                            <option value="" selected=chosen.is_empty()>"Cả hồ sơ"</option>
                                            {choices.into_iter().map(|choice| {
                                                let selected = choice == selected;
                                                view! { <option value=choice.clone() selected=selected>{choice.clone()}</option> }
                                            }).collect_view()}
                                        </select>
                                    </label>
                                }.into_any()
                            } else if !chosen.is_empty() {
                                view! { <p class="attachment-about">"Minh chứng cho: " {chosen}</p> }.into_any()
                            } else {
                                ().into_any()
                            }
                        }
                    }
                    <p class="muted attachment-meta">{meta.clone()}</p>
                    <p class="attachment-state">{state_text}
                        {move || progress().map(|(sent, size)| view! {
                            " " <progress max=size.max(1).to_string() value=sent.to_string()
                                aria-label=format!("Tiến độ tải lên {short}")></progress>
                        })}
                    </p>
                    <div class="row actions">
                        <button type="button" class="secondary attachment-open" on:click=open>
                            {if reference.media_type.shows_inline() { "Xem ảnh lớn" } else { "Mở tệp" }}
                        </button>
                        <button type="button" class="secondary attachment-keep" on:click=keep
                            hidden=move || local.with(|f| f.as_ref().is_some_and(|f| f.pending.is_some()))>
                            {move || if local.with(|f| f.as_ref().is_some_and(|f| f.pinned)) { "Bỏ giữ trên máy" } else { "Giữ trên máy để xem khi mất mạng" }}
                        </button>
                        {move || editable().then(|| view! {
                            <ConfirmStep id=format!("remove-{}", &field[4..16]) label="Gỡ tệp" class="secondary"
                                question="Gỡ tệp này khỏi hồ sơ? Tệp vẫn còn trong lịch sử của hồ sơ."
                                problems=Signal::derive(Vec::new) on_confirm=remove/>
                        })}
                    </div>
                    {move || is_large().map(|url| view! {
                        <figure class="attachment-large">
                            <img src=url alt=format!("Ảnh: {}", current().caption)/>
                            <figcaption><button type="button" class="secondary" on:click=move |_| large.set(None)>"Thu nhỏ lại"</button></figcaption>
                        </figure>
                    })}
                </div>
            </li>
        }
    };

    view! {
        <section class="attachments" aria-labelledby="attachments-heading">
            <h3 id="attachments-heading">{move || format!("Minh chứng đính kèm ({})", list().len())}</h3>
            {move || list().is_empty().then(|| view! { <p class="muted">"Chưa có tệp đính kèm."</p> })}
            <ul class="attachment-list">
                <For each=list key=|(sha, _)| sha.clone() children=item/>
            </ul>
            {move || editable().then(|| view! {
                <div class="attach-controls row">
                    <label class="button secondary">"📷 Chụp ảnh"
                        <input id="attach-photo" class="visually-hidden" type="file" accept="image/*" capture="environment"
                            on:change=picked disabled=move || busy.get()/>
                    </label>
                    <label class="button secondary">"📎 Chọn tệp"
                        <input id="attach-file" class="visually-hidden" type="file" multiple
                            accept="image/jpeg,image/png,image/webp,image/heic,.heic,application/pdf,.pdf,.docx,.xlsx"
                            on:change=picked disabled=move || busy.get()/>
                    </label>
                    <label class="check"><input type="checkbox" prop:checked=move || keep_original.get()
                        on:change=move |ev| keep_original.set(event_target_checked(&ev))/>" Giữ nguyên ảnh gốc (không thu nhỏ)"</label>
                    <p class="muted hint">"Ảnh được thu nhỏ còn khoảng 1.600 px trước khi lưu; mỗi tệp tối đa 20 MB (ảnh, PDF, DOCX, XLSX). Tệp lưu ngay trên máy và tự tải lên khi có mạng."</p>
                </div>
            })}
            <p class="muted" role="status">{move || busy.get().then_some("Đang xử lý và lưu tệp trên máy…")}</p>
            <p class="error" role="alert">{move || message.get()}</p>
        </section>
    }
}

/// A file's state, in words: on this tablet only, uploading, uploaded, refused.
fn file_state(sha: &str, shown: RwSignal<Shown>, state: SyncState) -> String {
    if let Some((sent, size)) = state.uploads.with(|u| u.get(sha).copied()) {
        return format!("↑ Đang tải lên: {}%", (sent * 100).checked_div(size).unwrap_or(100));
    }
    shown.with(|s| match s.files.get(sha) {
        Some(file) if file.refused.is_some() => {
            format!("! Máy chủ từ chối tệp: {}", file.refused.as_deref().unwrap_or_default())
        }
        Some(file) if file.pending.is_some() => "▢ Trên máy này, chờ tải lên khi có mạng".to_owned(),
        Some(file) if file.pinned => "☁ Đã tải lên · giữ trên máy".to_owned(),
        _ => "☁ Trên máy chủ".to_owned(),
    })
}

/// A file's bytes: from the tablet, or from the server (kept on the tablet if `keep`).
async fn file_blob(sha: &str, reference: &AttachmentRef, keep: bool) -> Result<web_sys::Blob, String> {
    let store = current_store().ok_or("Chưa mở cơ sở dữ liệu trên máy")?;
    if let Ok(Some(blob)) = store.blob(sha).await {
        return Ok(blob);
    }
    fetch_and_keep(sha, &reference.name, reference.media_type, keep).await
}

/// Downloads a file; a thumbnail is always kept, a full file only when asked (pinned).
async fn fetch_and_keep(sha: &str, name: &str, media_type: MediaType, pin: bool) -> Result<web_sys::Blob, String> {
    let session = load_session().ok_or("Phiên đăng nhập đã hết")?;
    let blob =
        api::fetch_file(&session.token, sha).await.map_err(|e| api::offline_message(e, "tải tệp này về lần đầu"))?;
    if let Some(store) = current_store() {
        let file = LocalFile { pinned: pin, ..LocalFile::new(sha, name, media_type, blob.size() as u64) };
        store.keep_fetched(&file, &blob).await.map_err(|e| e.user_message())?;
    }
    Ok(blob)
}

/// Whether the browser's storage has room for a file of `size` bytes; the refusal if not.
async fn room_for(size: u64) -> Option<String> {
    let (used, quota) = crate::media::storage_estimate().await?;
    crate::media::no_room_for(size, used, quota)
}
