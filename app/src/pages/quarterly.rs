//! The unit's quarterly self-assessment: its texts, and its results against the year's registered targets.

use domain::api::{Role, UserProfile};
use domain::calendar::{format_date, Quarter};
use domain::dossier::{Target, TargetResult};
use domain::model::{registration_id, self_assessment_id};
use domain::workflow::Action;
use domain::{Fields, RecordKind};
use leptos::prelude::*;
use serde_json::{json, Value};

use crate::draft::Draft;
use crate::format::{format_time, today};
use crate::local::LocalData;
use crate::pages::PageContext;
use crate::sync::SyncState;
use crate::widgets::{
    attachment_conflicts, attachments_panel, draft_conflicts, empty_sections, record_state, rejection, ConfirmStep,
    MovementCard,
};

pub fn page(context: PageContext) -> AnyView {
    let PageContext { user, state, local, .. } = context;
    view! { <SelfAssessmentPage user state local /> }.into_any()
}

#[component]
fn SelfAssessmentPage(user: UserProfile, state: SyncState, local: LocalData) -> impl IntoView {
    let today = today();
    let quarter = Quarter::of(today);
    let period = quarter.key();
    let kind = RecordKind::SelfAssessment;
    let draft = Draft::new(kind, &user.unit_id, &user.id, state);
    // The period is set once, when the record is made: sent with every save it would pin every edit's base
    // revision to the oldest unacknowledged one.
    let period_field: Fields = [("period".to_owned(), Value::String(period.clone()))].into_iter().collect();
    draft.set_on_create(period_field);
    draft.open(self_assessment_id(&user.unit_id, &period));
    let registration = Draft::new(RecordKind::Registration, &user.unit_id, &user.id, state);
    registration.open(registration_id(&user.unit_id, quarter.year));
    let is_unit_head = user.role == Role::UnitHead;
    let editable = move || draft.editable();
    let deadline = quarter.report_deadline();
    let days_left = quarter.days_to_deadline(today);
    let deadline_text = if days_left >= 0 {
        format!("Hạn gửi báo cáo quý: trước ngày {} (còn {days_left} ngày)", format_date(deadline))
    } else {
        format!("Đã quá hạn gửi báo cáo quý ({}) {} ngày", format_date(deadline), -days_left)
    };
    // A photo or a document may prove one registered target's result.
    let target_choices = Signal::derive(move || {
        registration.list::<Target>("targets").into_iter().map(|t| format!("Chỉ tiêu: {}", t.text)).collect()
    });
    view! {
        <section class="card">
            <div class="title-row">
                <h1>"Tự đánh giá " {quarter.label()}</h1>
                {record_state(draft, "workflow-state", "record-status")}
            </div>
            <p class="muted">{user.unit_name.clone()}</p>
            <p class:late=days_left < 0 class="deadline">{deadline_text}</p>
            {move || local.reference.with(|r| r.movements.first().cloned()).map(|m| view! { <MovementCard movement=m /> })}
            {rejection(draft)}
            <Show when=move || !editable()>
                <p class="banner warn">"Báo cáo đã gửi Văn phòng nên tạm khoá; nếu bị trả lại, bạn sửa tiếp được."</p>
            </Show>
            {kind.text_fields().iter().map(|spec| {
                let id = format!("field-{}", spec.name);
                let name = spec.name;
                view! {
                    <div class="field">
                        <label for=id.clone()>{spec.label}</label>
                        <textarea id=id rows="6" placeholder=spec.hint readonly=move || !editable()
                            prop:value=move || draft.text(name)
                            on:input=move |ev| draft.set(name, json!(event_target_value(&ev)))
                            on:blur=move |_| draft.save()></textarea>
                        {draft_conflicts(draft, local, Some(name))}
                    </div>
                }
            }).collect_view()}
            <TargetResults draft registration local year=quarter.year />
            {attachments_panel(draft.fields.into(), Some(draft), state, target_choices)}
            {attachment_conflicts(draft, local)}
            <p id="save-state" class="muted" aria-live="polite">
                {move || match (draft.error.get(), draft.saved_at()) {
                    (Some(error), _) => error,
                    (None, Some(at)) => format!("Đã lưu trên máy lúc {}", format_time(at)),
                    (None, None) => "Nội dung được tự động lưu trên máy khi bạn gõ.".to_string(),
                }}
            </p>
            <Show when=move || is_unit_head && editable() && draft.record.with(Option::is_some)>
                <ConfirmStep id="submit-report" label="Gửi báo cáo cho Văn phòng Sở"
                    question="Gửi báo cáo quý này cho Văn phòng Sở? Sau khi gửi, báo cáo bị khoá cho đến khi bị trả lại."
                    problems=Signal::derive(move || {
                        let mut problems = draft.fields.with(|f| empty_sections(kind.text_fields(), f));
                        let targets = registration.list::<Target>("targets");
                        let results: std::collections::BTreeMap<String, TargetResult> =
                            serde_json::from_value(draft.get("results")).unwrap_or_default();
                        let unrated = targets.iter().filter(|t| results.get(&t.id).is_none_or(|r| r.result.is_empty())).count();
                        if unrated > 0 {
                            problems.push(format!("{unrated} chỉ tiêu chưa ghi kết quả"));
                        }
                        problems
                    })
                    on_confirm=Callback::new(move |_| draft.transition(Action::Submit)) />
            </Show>
        </section>
    }
}

/// The quarter's results against the targets registered for its year, kept in the self-assessment record.
#[component]
fn TargetResults(draft: Draft, registration: Draft, local: LocalData, year: i32) -> impl IntoView {
    let targets = move || registration.list::<Target>("targets");
    let results = move || -> std::collections::BTreeMap<String, TargetResult> {
        serde_json::from_value(draft.get("results")).unwrap_or_default()
    };
    let update = move |target: String, change: &dyn Fn(&mut TargetResult)| {
        let mut all = results();
        change(all.entry(target).or_default());
        draft.set("results", json!(all));
    };
    view! {
        <h2>"Kết quả theo chỉ tiêu đã đăng ký"</h2>
        {draft_conflicts(draft, local, Some("results"))}
        <Show when=move || targets().is_empty()>
            <p class="muted">"Đơn vị chưa có chỉ tiêu đăng ký cho năm " {year} "."</p>
        </Show>
        <div class="table-box" tabindex="0"><table class="grid results">
            <thead><tr><th>"Chỉ tiêu"</th><th>"Kết quả"</th><th>"Số liệu"</th><th>"Minh chứng"</th><th>"Tự chấm (0–100)"</th></tr></thead>
            <tbody>
                {move || targets().into_iter().map(|t| {
                    let current = results().get(&t.id).cloned().unwrap_or_default();
                    let (a, b, c, d) = (t.id.clone(), t.id.clone(), t.id.clone(), t.id.clone());
                    view! {
                        <tr class="result-row" data-target=t.id.clone()>
                            <td><span class="muted">{t.field.clone()}</span><br/>{t.text.clone()}</td>
                            <td>
                                <select class="result" disabled=move || !draft.editable()
                                    on:change=move |ev| { let v = event_target_value(&ev); update(a.clone(), &|r: &mut TargetResult| r.result = v.clone()) }>
                                    {["", "Vượt", "Đạt", "Chưa đạt"].into_iter().map(|o| view! {
                                        <option value=o selected=current.result == o>{if o.is_empty() { "—" } else { o }}</option>
                                    }).collect_view()}
                                </select>
                            </td>
                            <td><input class="figure" prop:value=current.figure.clone() readonly=move || !draft.editable()
                                on:input=move |ev| { let v = event_target_value(&ev); update(b.clone(), &|r: &mut TargetResult| r.figure = v.clone()) } /></td>
                            <td><input class="evidence" prop:value=current.evidence.clone() readonly=move || !draft.editable()
                                on:input=move |ev| { let v = event_target_value(&ev); update(c.clone(), &|r: &mut TargetResult| r.evidence = v.clone()) } /></td>
                            <td><input class="score" type="number" min="0" max="100" readonly=move || !draft.editable()
                                prop:value=current.score.map(|s| s.to_string()).unwrap_or_default()
                                on:input=move |ev| {
                                    let score = event_target_value(&ev).parse::<u8>().ok().map(|s| s.min(100));
                                    update(d.clone(), &|r: &mut TargetResult| r.score = score)
                                } /></td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table></div>
    }
}
