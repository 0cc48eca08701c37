//! `cloud-resources`: provisions and describes the cloud resources of
//! `knative/cloud-resources.yaml` (or `--file PATH`).
//!
//!   cloud-resources provision --origin URL [--origin URL…] [--bucket NAME] [--queue-suffix S]
//!                                    queues, DLQs, bucket, its CORS rule for the app's origin
//!                                    (PUBLIC_BASE_URL), notifications
//!   cloud-resources iam-policy IDENTITY --account ID [--bucket NAME]   a function's (or `sources`') policy
//!   cloud-resources dead-letter-queues                                 the sweeper's QUEUE_DEAD_LETTERS
//!
//! Credentials, region and endpoint come from the standard AWS environment.

use anyhow::{Context, bail};
use cloud_resources::{Resources, Target, clients, provision};

fn flag(args: &[String], name: &str) -> Option<String> {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned()
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let file = flag(&args, "--file").map_or_else(Resources::repository_file, Into::into);
    let res = Resources::load(&file)?;
    let bucket = flag(&args, "--bucket").unwrap_or_else(|| res.bucket.name.clone());
    match args.first().map(String::as_str) {
        Some("provision") => {
            let path_style = std::env::var_os("AWS_ENDPOINT_URL").is_some();
            let (s3, sqs) = clients(None, path_style).await;
            let origins = args.windows(2).filter(|w| w[0] == "--origin").map(|w| w[1].clone()).collect();
            let target = Target { bucket, queue_suffix: flag(&args, "--queue-suffix").unwrap_or_default(), origins };
            let done = provision(&res, &s3, &sqs, &target).await?;
            let mut names: Vec<_> = done.queue_arns.into_iter().collect();
            names.sort();
            for (name, arn) in names {
                println!("{name}\t{arn}");
            }
            println!("bucket\t{}", target.bucket);
        }
        Some("iam-policy") => {
            let who = args.get(1).context("iam-policy needs a function name or `sources`")?;
            let account = flag(&args, "--account").context("iam-policy needs --account")?;
            println!("{}", serde_json::to_string_pretty(&res.iam_policy(who, &account, &bucket)?)?);
        }
        Some("dead-letter-queues") => println!("{}", res.dead_letter_queues().join(",")),
        _ => bail!("usage: cloud-resources provision|iam-policy|dead-letter-queues (see the file's header)"),
    }
    Ok(())
}
