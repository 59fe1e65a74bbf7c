//! Entry point of the office bundle: the screens of the emulation office, the council and the admin, served
//! under `/office/` so the field tablets never download them.

fn main() {
    // The release build aborts on panic; say why in the console first, so a report has a cause.
    std::panic::set_hook(Box::new(|info| web_sys::console::error_1(&info.to_string().into())));
    leptos::mount::mount_to_body(|| leptos::prelude::view! { <app::App bundle=&app::shell::OFFICE_BUNDLE /> });
}
