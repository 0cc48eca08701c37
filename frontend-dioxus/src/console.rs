//! Warnings for developers, in the browser console. A log subscriber (tracing) would add ~100 KB
//! of wasm for the two lines this app writes; the browser console is enough.

/// `console.warn(message)`.
pub fn warn(message: &str) {
    web_sys::console::warn_1(&message.into());
}
