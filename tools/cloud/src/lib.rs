//! The cloud resources of `knative/cloud-resources.yaml` — the one source of truth for the
//! queues, their dead-letter queues and redrive policies, the bucket's notifications and what
//! each function's identity may do — read into a model, checked for consistency, provisioned on
//! S3/SQS (AWS, or any compatible server such as the tests' moto), and turned into IAM policies.
//!
//! Operators run it through the `cloud-resources` binary; the tests provision their local
//! server with the same [`provision`]. It knows resources, not the product's code.

use anyhow::{Context, bail, ensure};
use aws_sdk_sqs::types::QueueAttributeName;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// The whole file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resources {
    pub region: String,
    pub bucket: Bucket,
    pub queue_defaults: QueueDefaults,
    pub queues: Vec<QueueSpec>,
    pub functions: BTreeMap<String, Grants>,
    pub sources: Grants,
}

/// The bucket and what it notifies.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bucket {
    pub name: String,
    pub notifications: Vec<Notification>,
    pub cors: Cors,
}

/// What the app's origin may do on the bucket from a browser (presigned uploads, downloads).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cors {
    pub methods: Vec<String>,
    pub headers: Vec<String>,
    pub expose: Vec<String>,
    pub max_age_secs: i32,
}

/// ObjectCreated events of keys under `prefix` go to `queue`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Notification {
    pub id: String,
    pub queue: String,
    pub prefix: String,
}

/// Settings every queue shares.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueueDefaults {
    pub visibility_timeout_secs: u32,
    pub receive_wait_secs: u32,
    pub retention_secs: u32,
    pub max_receives: u32,
    pub dead_letter_retention_secs: u32,
}

/// A step queue with its dead-letter queue.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueueSpec {
    pub name: String,
    /// The variable that names it to the functions (`QUEUE_INGEST`).
    pub env: String,
    /// The step its IntegrationSource delivers to.
    pub consumer: String,
    pub dead_letter: String,
}

/// What an identity may do.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grants {
    #[serde(default)]
    pub s3: Vec<ObjectGrant>,
    #[serde(default)]
    pub send: Vec<String>,
    #[serde(default)]
    pub consume: Vec<String>,
}

/// Object actions on keys under prefixes.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObjectGrant {
    pub actions: Vec<String>,
    pub prefixes: Vec<String>,
}

impl Resources {
    /// Reads and checks a file.
    pub fn load(path: &Path) -> anyhow::Result<Resources> {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let res: Resources = serde_yaml_ng::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
        res.check()?;
        Ok(res)
    }

    /// The repository's `knative/cloud-resources.yaml`.
    pub fn repository_file() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../knative/cloud-resources.yaml")
    }

    /// Every queue, main and dead-letter, by name.
    pub fn queue_names(&self) -> BTreeSet<&str> {
        self.queues.iter().flat_map(|q| [q.name.as_str(), q.dead_letter.as_str()]).collect()
    }

    /// The dead-letter queues, in the order of their queues.
    pub fn dead_letter_queues(&self) -> Vec<&str> {
        self.queues.iter().map(|q| q.dead_letter.as_str()).collect()
    }

    /// Refuses a file whose parts do not fit together: a notification, grant or source naming a
    /// queue that is not declared, two queues of one name, a step consuming two queues.
    pub fn check(&self) -> anyhow::Result<()> {
        let names = self.queue_names();
        ensure!(names.len() == self.queues.len() * 2, "a queue name is used twice");
        let consumers: BTreeSet<&str> = self.queues.iter().map(|q| q.consumer.as_str()).collect();
        ensure!(consumers.len() == self.queues.len(), "a step consumes two queues");
        for n in &self.bucket.notifications {
            ensure!(names.contains(n.queue.as_str()), "notification {} names unknown queue {}", n.id, n.queue);
            ensure!(n.prefix.ends_with('/'), "notification {}: prefix {} must end with /", n.id, n.prefix);
        }
        for (who, g) in self.functions.iter().map(|(f, g)| (f.as_str(), g)).chain([("sources", &self.sources)]) {
            for q in g.send.iter().chain(&g.consume) {
                ensure!(names.contains(q.as_str()), "{who} names unknown queue {q}");
            }
            for o in &g.s3 {
                for a in &o.actions {
                    ensure!(a.starts_with("s3:"), "{who}: {a} is not an S3 action");
                }
            }
        }
        for q in &self.queues {
            ensure!(self.sources.consume.contains(&q.name), "no source consumes {}", q.name);
        }
        Ok(())
    }

    /// The IAM policy of `identity` (a function, or `sources`) in `account`, for `bucket`.
    pub fn iam_policy(&self, identity: &str, account: &str, bucket: &str) -> anyhow::Result<serde_json::Value> {
        let grants = match identity {
            "sources" => &self.sources,
            f => match self.functions.get(f) {
                Some(g) => g,
                None => bail!("{f} has no cloud permissions in the file (it needs none)"),
            },
        };
        let arn = |q: &str| format!("arn:aws:sqs:{}:{account}:{q}", self.region);
        let mut statements = Vec::new();
        for (i, o) in grants.s3.iter().enumerate() {
            statements.push(serde_json::json!({
                "Sid": format!("Objects{i}"),
                "Effect": "Allow",
                "Action": o.actions,
                "Resource": o.prefixes.iter().map(|p| format!("arn:aws:s3:::{bucket}/{p}*")).collect::<Vec<_>>(),
            }));
        }
        if !grants.send.is_empty() {
            statements.push(serde_json::json!({
                "Sid": "Send",
                "Effect": "Allow",
                "Action": ["sqs:SendMessage", "sqs:GetQueueUrl"],
                "Resource": grants.send.iter().map(|q| arn(q)).collect::<Vec<_>>(),
            }));
        }
        if !grants.consume.is_empty() {
            statements.push(serde_json::json!({
                "Sid": "Consume",
                "Effect": "Allow",
                "Action": ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility",
                    "sqs:GetQueueUrl", "sqs:GetQueueAttributes"],
                "Resource": grants.consume.iter().map(|q| arn(q)).collect::<Vec<_>>(),
            }));
        }
        Ok(serde_json::json!({"Version": "2012-10-17", "Statement": statements}))
    }
}

/// Where to provision: the bucket's name and a suffix appended to every queue name (the tests
/// give each test its own; an environment sharing an account gives its own).
#[derive(Debug, Clone)]
pub struct Target {
    pub bucket: String,
    pub queue_suffix: String,
    /// The app's origins (`PUBLIC_BASE_URL`), the only ones whose pages may use the bucket.
    pub origins: Vec<String>,
}

/// What was provisioned: each queue's URL and ARN by its declared name.
#[derive(Debug, Clone, Default)]
pub struct Provisioned {
    pub queue_urls: HashMap<String, String>,
    pub queue_arns: HashMap<String, String>,
}

async fn queue_arn(sqs: &aws_sdk_sqs::Client, url: &str) -> anyhow::Result<String> {
    let attrs = sqs.get_queue_attributes().queue_url(url).attribute_names(QueueAttributeName::QueueArn).send().await?;
    attrs.attributes().and_then(|a| a.get(&QueueAttributeName::QueueArn)).cloned().context("the queue has no ARN")
}

/// Creates `name` with `attributes`, or sets them when it exists: running it again converges.
async fn ensure_queue(
    sqs: &aws_sdk_sqs::Client,
    name: &str,
    attributes: HashMap<QueueAttributeName, String>,
) -> anyhow::Result<(String, String)> {
    let url = match sqs.get_queue_url().queue_name(name).send().await {
        Ok(found) => {
            let url = found.queue_url().context("no queue URL")?.to_owned();
            sqs.set_queue_attributes().queue_url(&url).set_attributes(Some(attributes)).send().await?;
            url
        }
        Err(_) => sqs
            .create_queue()
            .queue_name(name)
            .set_attributes(Some(attributes))
            .send()
            .await
            .with_context(|| format!("creating queue {name}"))?
            .queue_url()
            .context("no queue URL")?
            .to_owned(),
    };
    let arn = queue_arn(sqs, &url).await?;
    Ok((url, arn))
}

/// Provisions every resource of `res` at `target`: each dead-letter queue, then its queue with
/// the redrive policy, the bucket (created when missing), its CORS rule for the app's origins
/// and its notifications. Idempotent.
pub async fn provision(
    res: &Resources,
    s3: &aws_sdk_s3::Client,
    sqs: &aws_sdk_sqs::Client,
    target: &Target,
) -> anyhow::Result<Provisioned> {
    use aws_sdk_s3::types::{
        Event, FilterRule, FilterRuleName, NotificationConfiguration, NotificationConfigurationFilter,
        QueueConfiguration, S3KeyFilter,
    };
    let d = &res.queue_defaults;
    let mut out = Provisioned::default();
    let named = |q: &str| format!("{q}{}", target.queue_suffix);
    for q in &res.queues {
        let dlq_attrs =
            HashMap::from([(QueueAttributeName::MessageRetentionPeriod, d.dead_letter_retention_secs.to_string())]);
        let (dlq_url, dlq_arn) = ensure_queue(sqs, &named(&q.dead_letter), dlq_attrs).await?;
        let redrive =
            serde_json::json!({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": d.max_receives.to_string()});
        let attrs = HashMap::from([
            (QueueAttributeName::VisibilityTimeout, d.visibility_timeout_secs.to_string()),
            (QueueAttributeName::ReceiveMessageWaitTimeSeconds, d.receive_wait_secs.to_string()),
            (QueueAttributeName::MessageRetentionPeriod, d.retention_secs.to_string()),
            (QueueAttributeName::RedrivePolicy, redrive.to_string()),
        ]);
        let (url, arn) = ensure_queue(sqs, &named(&q.name), attrs).await?;
        // Only its own queue may send its dead letters there.
        let allow = serde_json::json!({"redrivePermission": "byQueue", "sourceQueueArns": [arn]});
        sqs.set_queue_attributes()
            .queue_url(&dlq_url)
            .attributes(QueueAttributeName::RedriveAllowPolicy, allow.to_string())
            .send()
            .await?;
        out.queue_urls.insert(q.dead_letter.clone(), dlq_url);
        out.queue_arns.insert(q.dead_letter.clone(), dlq_arn);
        out.queue_urls.insert(q.name.clone(), url);
        out.queue_arns.insert(q.name.clone(), arn);
    }
    if s3.head_bucket().bucket(&target.bucket).send().await.is_err() {
        s3.create_bucket()
            .bucket(&target.bucket)
            .send()
            .await
            .with_context(|| format!("creating {}", target.bucket))?;
    }
    let cors = &res.bucket.cors;
    ensure!(!target.origins.is_empty(), "the app's origin is needed for the bucket's CORS rule (--origin)");
    let rule = aws_sdk_s3::types::CorsRule::builder()
        .id("app-origin")
        .set_allowed_origins(Some(target.origins.clone()))
        .set_allowed_methods(Some(cors.methods.clone()))
        .set_allowed_headers(Some(cors.headers.clone()))
        .set_expose_headers(Some(cors.expose.clone()))
        .max_age_seconds(cors.max_age_secs)
        .build()?;
    s3.put_bucket_cors()
        .bucket(&target.bucket)
        .cors_configuration(aws_sdk_s3::types::CorsConfiguration::builder().cors_rules(rule).build()?)
        .send()
        .await
        .context("the bucket's CORS rule")?;
    let mut configs = Vec::new();
    for n in &res.bucket.notifications {
        // S3 may only send to a queue whose policy lets it: the notified queues get one.
        let arn = out.queue_arns[&n.queue].clone();
        let policy = serde_json::json!({"Version": "2012-10-17", "Statement": [{
            "Sid": "S3ObjectCreated", "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"},
            "Action": "sqs:SendMessage", "Resource": arn,
            "Condition": {"ArnEquals": {"aws:SourceArn": format!("arn:aws:s3:::{}", target.bucket)}}}]});
        sqs.set_queue_attributes()
            .queue_url(&out.queue_urls[&n.queue])
            .attributes(QueueAttributeName::Policy, policy.to_string())
            .send()
            .await?;
        let filter = NotificationConfigurationFilter::builder()
            .key(
                S3KeyFilter::builder()
                    .filter_rules(FilterRule::builder().name(FilterRuleName::Prefix).value(&n.prefix).build())
                    .build(),
            )
            .build();
        configs.push(
            QueueConfiguration::builder()
                .id(&n.id)
                .queue_arn(arn)
                .events(Event::from("s3:ObjectCreated:*"))
                .filter(filter)
                .build()?,
        );
    }
    s3.put_bucket_notification_configuration()
        .bucket(&target.bucket)
        .notification_configuration(
            NotificationConfiguration::builder().set_queue_configurations(Some(configs)).build(),
        )
        .send()
        .await
        .context("bucket notifications")?;
    Ok(out)
}

/// S3 and SQS clients from the standard AWS environment (`AWS_ENDPOINT_URL` for a compatible
/// server), or through `endpoint`; path-style addressing for compatible servers.
pub async fn clients(endpoint: Option<&str>, path_style: bool) -> (aws_sdk_s3::Client, aws_sdk_sqs::Client) {
    let loader = aws_config::defaults(aws_config::BehaviorVersion::latest());
    let shared = match endpoint {
        Some(e) => loader.endpoint_url(e).load().await,
        None => loader.load().await,
    };
    let s3 =
        aws_sdk_s3::Client::from_conf(aws_sdk_s3::config::Builder::from(&shared).force_path_style(path_style).build());
    (s3, aws_sdk_sqs::Client::new(&shared))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_repository_file_is_consistent_and_gives_least_privilege_policies() {
        let res = Resources::load(&Resources::repository_file()).unwrap();
        assert_eq!(
            res.dead_letter_queues(),
            ["co2-ingest-dlq", "co2-compute-dlq", "co2-aggregate-dlq", "co2-export-dlq"]
        );
        let policy = res.iam_policy("step-aggregate", "111111111111", "co2-calculator").unwrap();
        let consume = policy["Statement"].as_array().unwrap().iter().find(|s| s["Sid"] == "Consume").unwrap();
        assert_eq!(consume["Resource"].as_array().unwrap().len(), 4, "the sweeper reads every dead-letter queue");
        let uploads = res.iam_policy("api-uploads", "1", "b").unwrap().to_string();
        assert!(uploads.contains("arn:aws:s3:::b/uploads/*") && !uploads.contains("sqs:"), "{uploads}");
        assert!(res.iam_policy("web", "1", "b").is_err(), "the static site needs no cloud access");
    }

    #[test]
    fn a_file_naming_an_undeclared_queue_is_refused() {
        let text = std::fs::read_to_string(Resources::repository_file()).unwrap();
        let broken: Resources =
            serde_yaml_ng::from_str(&text.replace("send: [co2-aggregate]", "send: [co2-nope]")).unwrap();
        assert!(broken.check().is_err());
        let typo = text.replace("consumer: step-ingest", "consumer: step-ingest\n    retries: 3");
        assert!(serde_yaml_ng::from_str::<Resources>(&typo).is_err(), "unknown fields are refused");
    }
}
