//! The merged OpenAPI 3.1 document of every HTTP function, from each function's own
//! `openapi()`. The `api-docs` function serves it as a file written by `openapi-document`
//! (`make openapi`), so that function links none of the others; a test fails when the file
//! is not what the functions document.

use utoipa::openapi::OpenApi;

/// Where `api-docs` reads the document from at build time.
pub fn document_file() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../functions/api-docs/openapi.json")
}

/// The merged document.
pub fn document() -> OpenApi {
    let mut doc = utoipa::openapi::OpenApiBuilder::new()
        .info(
            utoipa::openapi::InfoBuilder::new()
                .title("CO₂ Calculator API")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some(
                    "Carbon footprint of university units (GHG Protocol, scopes 1–3). Every call accepts \
                     `Authorization: Bearer <token>` or the `co2_session` cookie. Errors use the envelope \
                     `{\"error\":{\"code\",\"message\",\"details\"}}`.",
                ))
                .build(),
        )
        .build();
    for part in [
        api_session::openapi(),
        api_workspace::openapi(),
        api_results::openapi(),
        api_backoffice::openapi(),
        api_access::openapi(),
        api_entries::openapi(),
        api_uploads::openapi(),
        api_reference::openapi(),
    ] {
        doc.merge(part);
    }
    doc
}

/// The document as `api-docs` ships it: pretty JSON with a final newline.
pub fn document_json() -> String {
    let mut text = serde_json::to_string_pretty(&document()).expect("the document serialises");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_document_lists_the_scriptable_surface() {
        let json = serde_json::to_value(super::document()).unwrap();
        let paths = json["paths"].as_object().unwrap();
        for p in [
            "/api/v1/auth/dev-login",
            "/api/v1/session",
            "/api/v1/uploads",
            "/api/v1/jobs/{job_id}",
            "/api/v1/entries/units/{unit}/years/{year}/modules/{module}",
            "/api/v1/results/units/{unit}/years/{year}",
        ] {
            assert!(paths.contains_key(p), "{p} missing from the OpenAPI document");
        }
        assert!(json["components"]["schemas"]["JobView"].is_object());
    }

    #[test]
    fn the_shipped_file_is_the_functions_document() {
        let shipped = std::fs::read_to_string(super::document_file()).unwrap_or_default();
        assert!(
            shipped == super::document_json(),
            "functions/api-docs/openapi.json is not what the functions document: run `make openapi`"
        );
    }
}
