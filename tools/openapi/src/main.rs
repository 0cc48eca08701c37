//! `openapi-document`: writes the merged document to `functions/api-docs/openapi.json`
//! (`--check`: exits 1 when the file differs instead).

fn main() -> anyhow::Result<()> {
    let path = co2_openapi::document_file();
    let fresh = co2_openapi::document_json();
    if std::env::args().any(|a| a == "--check") {
        let shipped = std::fs::read_to_string(&path).unwrap_or_default();
        anyhow::ensure!(shipped == fresh, "{} is out of date: run `make openapi`", path.display());
        return Ok(());
    }
    std::fs::write(&path, fresh)?;
    println!("wrote {}", path.display());
    Ok(())
}
