//! Files the page makes itself (a scenario's CSV, a chart's PNG), saved through a link the
//! browser follows once.

use wasm_bindgen::JsCast;

/// Has the browser save `url` (a data URL) as `file_name`.
pub fn save_url(url: &str, file_name: &str) -> Option<()> {
    let document = web_sys::window()?.document()?;
    let link: web_sys::HtmlAnchorElement = document.create_element("a").ok()?.dyn_into().ok()?;
    link.set_href(url);
    link.set_download(file_name);
    link.click();
    Some(())
}

/// Saves `text` as a file named `file_name` of type `mime`.
pub fn download_text(file_name: &str, mime: &str, text: &str) -> Result<(), String> {
    let url = format!("data:{mime};charset=utf-8,{}", js_sys::encode_uri_component(text));
    save_url(&url, file_name).ok_or_else(|| format!("{file_name} could not be saved"))
}
