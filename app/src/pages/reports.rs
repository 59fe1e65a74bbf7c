//! The office's lists and statistical returns (online): each list of the cycle as XLSX, and the returns of
//! Thông tư 02/2023/TT-BNV for a year, shown as tables and downloaded as one workbook.

use chrono::Datelike;
use domain::statistics::StatisticalReturn;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::format::today;
use crate::pages::PageContext;
use crate::widgets::download_button;

pub fn page(context: PageContext) -> AnyView {
    view! { <ReportsPage token=context.token /> }.into_any()
}

const LISTS: [(&str, &str); 5] = [
    ("dang-ky", "Đăng ký thi đua"),
    ("bao-cao-quy", "Kết quả báo cáo quý"),
    ("de-nghi", "Đề nghị khen thưởng và kết quả kiểm tra"),
    ("hoi-dong", "Kết quả bỏ phiếu của Hội đồng"),
    ("quyet-dinh", "Quyết định và tiền thưởng"),
];

#[component]
fn ReportsPage(token: String) -> impl IntoView {
    let token = StoredValue::new(token);
    let message = RwSignal::new(None::<String>);
    // The returns are sent by 15 December of the year they count.
    let year = RwSignal::new(today().year());
    let returns = RwSignal::new(Vec::<StatisticalReturn>::new());
    let load = move || {
        spawn_local(async move {
            let asked = year.get_untracked();
            let answer =
                api::get::<Vec<StatisticalReturn>>(&token.get_value(), &format!("/api/statistics/{asked}")).await;
            // The answer for a year no longer chosen (overtaken by a newer choice) is dropped.
            if year.get_untracked() != asked {
                return;
            }
            match answer {
                Ok(found) => returns.set(found),
                Err(e) => message.set(Some(api::offline_message(e, "tính biểu thống kê"))),
            }
        });
    };
    load();
    view! {
        <section class="card">
            <h1>"Danh sách, biểu thống kê"</h1>
            <p id="reports-message" role="status">{move || message.get()}</p>
            <h2>"Danh sách (Excel)"</h2>
            <div class="row" id="lists">
                {LISTS.map(|(list, label)| download_button(token, format!("/api/exports/{list}"), label, message))}
            </div>
            <h2>"Biểu thống kê theo Thông tư 02/2023/TT-BNV"</h2>
            <div class="row">
                <div class="field"><label for="report-year">"Năm báo cáo"</label>
                    <input id="report-year" type="number" prop:value=move || year.get().to_string()
                        on:change=move |ev| if let Ok(y) = event_target_value(&ev).parse() { year.set(y); load(); } /></div>
            </div>
            {move || download_button(token, format!("/api/statistics/{}/xlsx", year.get()), "Tải các biểu (Excel)", message)}
            {move || returns.get().into_iter().map(|r| view! {
                <h3>{format!("Biểu {} — {} năm {}", r.code, r.title, r.year)}</h3>
                    <div class="table-box" tabindex="0"><table class="grid statistics" data-code=r.code.clone()>
                        <thead><tr>
                            <th>"Chỉ tiêu"</th><th>"Mã số"</th>
                            {r.columns.iter().map(|c| view! { <th>{format!("{}. {}", c.code, c.label)}</th> }).collect_view()}
                        </tr></thead>
                        <tbody>
                            {r.rows.iter().map(|row| view! {
                                <tr>
                                    <td>{row.label.clone()}</td><td>{row.code.clone()}</td>
                                    {row.values.iter().map(|v| view! { <td class="number">{*v}</td> }).collect_view()}
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table></div>
            }).collect_view()}
        </section>
    }
}
