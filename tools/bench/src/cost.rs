//! What a month of use costs: the measured scenario of one customer login (its API requests,
//! their billed durations and memory, DynamoDB request units, S3 requests, mails, page views)
//! priced with AWS's public list prices. Pure arithmetic, so it is unit-tested.

/// Public list prices (USD, us-east-1; eu-central-1 is up to ~20 % higher for some services),
/// as published by AWS on their pricing pages. `PRICES_AS_OF` says when they were taken; check
/// them before relying on the figures.
pub const PRICES_AS_OF: &str = "2026-11-23 (AWS pricing pages, us-east-1, without free tiers)";
pub const LAMBDA_ARM_GB_SECOND: f64 = 0.000_013_333_4;
pub const LAMBDA_PER_REQUEST: f64 = 0.20 / 1e6;
pub const HTTP_API_PER_REQUEST: f64 = 1.00 / 1e6;
pub const DYNAMODB_PER_WRU: f64 = 0.625 / 1e6;
pub const DYNAMODB_PER_RRU: f64 = 0.125 / 1e6;
pub const S3_PER_GET: f64 = 0.0004 / 1e3;
pub const S3_TRANSFER_PER_GB: f64 = 0.09;
pub const SES_PER_MAIL: f64 = 0.10 / 1e3;
pub const CLOUDFRONT_PER_REQUEST: f64 = 0.0100 / 1e4;
pub const CLOUDFRONT_TRANSFER_PER_GB: f64 = 0.085;
pub const LOGS_INGEST_PER_GB: f64 = 0.50;

/// One function's share of a login: how often it runs and what one run costs.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Invocation {
    pub function: String,
    pub count: u32,
    /// Billed milliseconds of one warm run (rounded up to whole ms, as Lambda bills).
    pub billed_ms: f64,
    pub memory_mb: u16,
    pub read_units: f64,
    pub write_units: f64,
    pub s3_gets: u32,
    pub mails: u32,
}

/// Everything one login does.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Scenario {
    pub invocations: Vec<Invocation>,
    /// Pages viewed (HTML + CSS + JS requests through CloudFront) and their gzipped bytes.
    pub page_requests: u32,
    pub page_bytes: u64,
    /// Bytes of downloaded PDFs (presigned, straight from S3).
    pub download_bytes: u64,
    /// Bytes of log lines (one JSON line per request).
    pub log_bytes: u64,
}

#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct Cost {
    pub lambda: f64,
    pub api: f64,
    pub dynamodb: f64,
    pub s3: f64,
    pub ses: f64,
    pub cloudfront: f64,
    pub logs: f64,
}

impl Cost {
    pub fn total(&self) -> f64 {
        self.lambda + self.api + self.dynamodb + self.s3 + self.ses + self.cloudfront + self.logs
    }
}

const GB: f64 = 1024.0 * 1024.0 * 1024.0;

/// The cost of `logins` logins.
pub fn price(scenario: &Scenario, logins: u64) -> Cost {
    let n = logins as f64;
    let mut cost = Cost::default();
    let mut api_requests = 0.0;
    for inv in &scenario.invocations {
        let runs = n * inv.count as f64;
        api_requests += runs;
        let gb_seconds = runs * (inv.billed_ms / 1000.0) * (inv.memory_mb as f64 / 1024.0);
        cost.lambda += gb_seconds * LAMBDA_ARM_GB_SECOND + runs * LAMBDA_PER_REQUEST;
        cost.dynamodb +=
            runs * (inv.read_units * DYNAMODB_PER_RRU + inv.write_units * DYNAMODB_PER_WRU);
        cost.s3 += runs * inv.s3_gets as f64 * S3_PER_GET;
        cost.ses += runs * inv.mails as f64 * SES_PER_MAIL;
    }
    cost.api = api_requests * HTTP_API_PER_REQUEST;
    cost.s3 += n * scenario.download_bytes as f64 / GB * S3_TRANSFER_PER_GB;
    cost.cloudfront = (api_requests + n * scenario.page_requests as f64) * CLOUDFRONT_PER_REQUEST
        + n * scenario.page_bytes as f64 / GB * CLOUDFRONT_TRANSFER_PER_GB;
    cost.logs = n * scenario.log_bytes as f64 / GB * LOGS_INGEST_PER_GB;
    cost
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_million_one_millisecond_runs_at_1_gb_cost_what_aws_lists() {
        let scenario = Scenario {
            invocations: vec![Invocation {
                function: "x".into(),
                count: 1,
                billed_ms: 1.0,
                memory_mb: 1024,
                read_units: 1.0,
                write_units: 1.0,
                s3_gets: 0,
                mails: 1,
            }],
            page_requests: 0,
            page_bytes: 0,
            download_bytes: 0,
            log_bytes: 0,
        };
        let cost = price(&scenario, 1_000_000);
        // 1,000 GB-s + 1 M requests.
        assert!((cost.lambda - (1000.0 * LAMBDA_ARM_GB_SECOND + 0.20)).abs() < 1e-9);
        assert!((cost.api - 1.0).abs() < 1e-9);
        assert!((cost.dynamodb - 0.75).abs() < 1e-9);
        assert!((cost.ses - 100.0).abs() < 1e-9);
        assert!((cost.cloudfront - 1.0).abs() < 1e-9);
    }
}
