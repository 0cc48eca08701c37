//! The installation's cloud resources on the local S3+SQS server (moto, `MOTO_ENDPOINT`):
//! provisioned from `knative/cloud-resources.yaml` with the operators' tool, under names of
//! their own so tests on one server never mix.

pub struct Cloud {
    pub s3: aws_sdk_s3::Client,
    pub sqs: aws_sdk_sqs::Client,
    pub bucket: String,
    pub suffix: String,
}

/// The S3+SQS server the tests use.
pub fn endpoint() -> String {
    std::env::var("MOTO_ENDPOINT").expect("MOTO_ENDPOINT must point at the S3+SQS test server (make test starts it)")
}

impl Cloud {
    /// The resources of `knative/cloud-resources.yaml` — queues with their dead-letter queues
    /// and redrive policies, a bucket notifying `co2-ingest` of uploads and drops — provisioned
    /// with the operators' tool, under this test's own names, for the test kit's app origin.
    pub async fn new() -> Cloud {
        Cloud::with_endpoint(&endpoint()).await
    }

    /// The same for pages served at `origin` (the bucket's CORS rule).
    pub async fn for_origin(origin: &str) -> Cloud {
        Cloud::provision(&endpoint(), origin).await
    }

    /// The same through `endpoint` (a proxy to the server, for the outage test).
    pub async fn with_endpoint(endpoint: &str) -> Cloud {
        Cloud::provision(endpoint, co2_testkit::BASE_URL).await
    }

    async fn provision(endpoint: &str, origin: &str) -> Cloud {
        let (s3, sqs) = cloud_resources::clients(Some(endpoint), true).await;
        let suffix = format!("-{}", &uuid::Uuid::new_v4().simple().to_string()[..12]);
        let bucket = format!("co2-test{suffix}");
        let resources = cloud_resources::Resources::load(&cloud_resources::Resources::repository_file())
            .expect("the cloud resources file");
        let target = cloud_resources::Target {
            bucket: bucket.clone(),
            queue_suffix: suffix.clone(),
            origins: vec![origin.to_owned()],
        };
        cloud_resources::provision(&resources, &s3, &sqs, &target).await.expect("provisioning");
        Cloud { s3, sqs, bucket, suffix }
    }

    pub async fn queue_len(&self, name: &str) -> usize {
        let url = self.sqs.get_queue_url().queue_name(format!("{name}{}", self.suffix)).send().await.unwrap();
        let attrs = self
            .sqs
            .get_queue_attributes()
            .queue_url(url.queue_url().unwrap())
            .attribute_names(aws_sdk_sqs::types::QueueAttributeName::ApproximateNumberOfMessages)
            .send()
            .await
            .unwrap();
        attrs.attributes().unwrap()[&aws_sdk_sqs::types::QueueAttributeName::ApproximateNumberOfMessages]
            .parse()
            .unwrap()
    }
}
