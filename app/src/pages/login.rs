//! Signing in: against the server when it answers, otherwise against the verifier kept at this person's last
//! online sign-in on this tablet.

use domain::api::{LoginRequest, LoginResponse};
use domain::replica::TransportError;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::{api, local_auth, store};

/// Signs in without the server, against the verifier kept at this person's last online sign-in here. Returns
/// the message to show if that is not possible.
async fn sign_in_offline(request: &LoginRequest, session: RwSignal<Option<LoginResponse>>) -> Option<String> {
    let Some(account) = store::saved_account(request.login.trim()) else {
        return Some(
            "Không kết nối được máy chủ. Tài khoản này chưa từng đăng nhập trên máy này, nên lần đầu cần có mạng."
                .into(),
        );
    };
    let Some(verifier) = &account.verifier else {
        return Some("Không kết nối được máy chủ. Hãy đăng nhập lại khi có mạng.".into());
    };
    if !local_auth::check(&request.password, verifier).await {
        return Some("Mật khẩu không đúng.".into());
    }
    if let Err(e) = store::set_current(&account.session.user.login) {
        return Some(e.user_message());
    }
    session.set(Some(account.session));
    None
}

#[component]
pub fn LoginPage(session: RwSignal<Option<LoginResponse>>) -> impl IntoView {
    let login = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let request = LoginRequest {
                login: login.get_untracked(),
                password: password.get_untracked(),
                device_id: store::device_id(),
            };
            match api::login(&request).await {
                Ok(response) => {
                    // Kept for offline sign-in on this tablet later.
                    let verifier = local_auth::make_verifier(&request.password).await;
                    match store::save_account(store::SavedAccount { session: response.clone(), verifier }) {
                        Ok(()) => session.set(Some(response)),
                        Err(e) => error.set(Some(e.user_message())),
                    }
                }
                Err(TransportError::Network) => error.set(sign_in_offline(&request, session).await),
                // A locked account no longer signs in on this tablet offline either.
                Err(TransportError::Refused(body)) if body.code == "account_disabled" => {
                    store::forget_account(&request.login);
                    error.set(Some(body.message));
                }
                Err(e) => error.set(Some(e.to_string())),
            }
            busy.set(false);
        });
    };
    let known = store::saved_accounts();
    view! {
        <form class="login card" on:submit=submit>
            <h1>"Thi đua – Khen thưởng"</h1>
            <p class="muted">"Đăng nhập để soạn báo cáo, tự đánh giá và đề nghị khen thưởng, kể cả khi mất mạng."</p>
            <label for="login">"Tên đăng nhập"</label>
            <input id="login" name="login" autocomplete="username" autocapitalize="none" required
                prop:value=move || login.get() on:input=move |ev| login.set(event_target_value(&ev)) />
            <label for="password">"Mật khẩu"</label>
            <input id="password" name="password" type="password" autocomplete="current-password" required
                prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev)) />
            <button type="submit" class="primary" disabled=move || busy.get()>
                {move || if busy.get() { "Đang đăng nhập…" } else { "Đăng nhập" }}
            </button>
            <p class="error" role="alert">{move || error.get()}</p>
            <Show when={
                let any = !known.is_empty();
                move || any
            }>
                <p class="muted">"Tài khoản đã đăng nhập trên máy này (đăng nhập được cả khi mất mạng):"</p>
                <ul class="accounts">
                    {known.iter().map(|account| {
                        let user = account.session.user.clone();
                        let name = user.login.clone();
                        view! {
                            <li><button type="button" class="secondary" on:click=move |_| login.set(name.clone())>
                                {user.full_name.clone()} " (" {user.login.clone()} ")"
                            </button></li>
                        }
                    }).collect_view()}
                </ul>
            </Show>
        </form>
    }
}
