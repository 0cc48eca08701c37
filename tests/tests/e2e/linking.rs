//! Each function links only what it needs: the static `web` function and `api-docs` have no
//! database driver, no AWS SDK and no other function's crate — as `cargo tree` resolves them
//! alone, which is how their images are built (`cargo build -p <function>`).

fn normal_dependencies(package: &str) -> Vec<String> {
    let out = std::process::Command::new(env!("CARGO"))
        .args(["tree", "--offline", "-e", "normal", "--prefix", "none", "-p", package])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo tree");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut names: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
        .collect();
    names.sort();
    names.dedup();
    names
}

#[test]
fn web_and_api_docs_link_neither_a_database_nor_the_aws_sdk_nor_another_function() {
    let functions = [
        "api-session",
        "api-workspace",
        "api-results",
        "api-backoffice",
        "api-access",
        "api-entries",
        "api-uploads",
        "api-reference",
    ];
    for package in ["web", "api-docs"] {
        let deps = normal_dependencies(package);
        assert!(deps.iter().any(|d| d == "co2-http"), "{package} serves through co2-http: {deps:?}");
        let heavy: Vec<&String> = deps
            .iter()
            .filter(|d| {
                d.starts_with("sqlx")
                    || d.starts_with("aws-sdk")
                    || d.starts_with("aws-config")
                    || ["co2-db", "co2-platform", "tokio-postgres"].contains(&d.as_str())
                    || functions.contains(&d.as_str())
            })
            .collect();
        assert!(heavy.is_empty(), "{package} links {heavy:?}");
    }
    // The check sees what a function with data links.
    let reference = normal_dependencies("api-reference");
    assert!(reference.iter().any(|d| d == "sqlx") && reference.iter().any(|d| d == "co2-platform"));
}
