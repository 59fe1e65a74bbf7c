//! Entry point of the field bundle: the screens of the centres' staff and unit heads.

fn main() {
    // The release build aborts on panic; say why in the console first, so a report from the field has a cause.
    std::panic::set_hook(Box::new(|info| web_sys::console::error_1(&info.to_string().into())));
    leptos::mount::mount_to_body(|| leptos::prelude::view! { <app::App bundle=&app::shell::FIELD_BUNDLE /> });
}
