//! A generator of realistic policy corpora: the shapes of `tests/fixtures/corpus/` (a few
//! statements, lists of actions, ARNs scoped by region and account, IP, MFA, tag and date
//! conditions), with a share of faulty documents and of RAM API responses. Deterministic: the
//! same seed writes the same files.

use std::path::{Path, PathBuf};

/// xorshift64*: enough randomness for shapes, and reproducible.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed.max(1))
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items.get(self.below(items.len())).copied().unwrap_or("")
    }

    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

pub const KVSTORE: &[&str] = &[
    "DescribeInstances",
    "DescribeInstanceAttribute",
    "DescribeAccounts",
    "DescribeBackups",
    "CreateBackup",
    "ModifySecurityIps",
    "DescribeSecurityIps",
    "RestartInstance",
    "ModifyInstanceSpec",
    "DeleteInstance",
    "FlushInstance",
    "ModifyInstanceAttribute",
    "DescribeSlowLogRecords",
    "Describe*",
    "*",
];
pub const OTHER: &[&str] = &[
    "ecs:DescribeInstances",
    "ecs:StartInstance",
    "ecs:StopInstance",
    "oss:GetObject",
    "oss:PutObject",
    "oss:ListObjects",
    "rds:DescribeDBInstances",
    "vpc:DescribeVpcs",
    "slb:DescribeLoadBalancers",
    "cms:QueryMetricList",
];
const REGIONS: &[&str] = &["cn-hangzhou", "cn-shanghai", "cn-beijing", "ap-southeast-1", "*"];

pub fn statement(rng: &mut Rng) -> String {
    let effect = if rng.chance(20) { "Deny" } else { "Allow" };
    let actions: Vec<String> = (0..1 + rng.below(6))
        .map(|_| {
            if rng.chance(70) {
                format!("\"kvstore:{}\"", rng.pick(KVSTORE))
            } else {
                format!("\"{}\"", rng.pick(OTHER))
            }
        })
        .collect();
    let resource = match rng.below(4) {
        0 => "\"*\"".to_string(),
        1 => format!("\"acs:kvstore:{}:1234567890123456:instance/*\"", rng.pick(REGIONS)),
        2 => format!(
            "[\"acs:kvstore:{}:*:instance/r-bp1zxszhcgatnx{:04}\", \"acs:kvstore:*:*:instance/r-test*\"]",
            rng.pick(REGIONS),
            rng.below(10_000)
        ),
        _ => format!("\"acs:kvstore:*:*:instance/r-bp{:010}\"", rng.below(1_000_000)),
    };
    let condition = match rng.below(6) {
        0 => ",\n      \"Condition\": { \"IpAddress\": { \"acs:SourceIp\": [\"10.0.0.0/8\", \"203.0.113.7\"] } }"
            .to_string(),
        1 => ",\n      \"Condition\": { \"Bool\": { \"acs:MFAPresent\": \"true\" } }".to_string(),
        2 => format!(
            ",\n      \"Condition\": {{ \"StringEquals\": {{ \"acs:ResourceTag/env\": \"{}\" }} }}",
            rng.pick(&["prod", "dev", "test"])
        ),
        3 => ",\n      \"Condition\": { \"DateLessThan\": { \"acs:CurrentTime\": \"2027-01-01T00:00:00+08:00\" } }"
            .to_string(),
        _ => String::new(),
    };
    format!(
        "    {{\n      \"Effect\": \"{effect}\",\n      \"Action\": [{}],\n      \"Resource\": {resource}{condition}\n    }}",
        actions.join(", ")
    )
}

pub fn document(rng: &mut Rng, statements: usize) -> String {
    let body: Vec<String> = (0..statements).map(|_| statement(rng)).collect();
    format!(
        "{{\n  \"Version\": \"1\",\n  \"Statement\": [\n{}\n  ]\n}}\n",
        body.join(",\n")
    )
}

/// One file's text: 90 % clean documents, 5 % with a fault, 5 % `GetPolicyVersion` responses.
pub fn file(rng: &mut Rng) -> String {
    let statements = 1 + rng.below(10);
    let doc = document(rng, statements);
    match rng.below(20) {
        0 => doc
            .replacen("\"Effect\": \"Allow\"", "\"Effect\": \"allow\"", 1)
            .replacen("\"Version\": \"1\"", "\"Version\": \"2012-10-17\"", 1),
        1 => {
            let encoded = serde_json::to_string(&doc).unwrap_or_default();
            format!(
                "{{\n  \"RequestId\": \"9B34724D\",\n  \"PolicyVersion\": {{\n    \"VersionId\": \"v1\",\n    \"PolicyDocument\": {encoded}\n  }}\n}}\n"
            )
        }
        _ => doc,
    }
}

/// Write `count` files under `dir` (in subfolders of 100), and return their paths.
/// The benchmarks' corpus: how many files, from which seed (the lint, rules, terraform and ros
/// benches read the same documents).
pub const FILES: usize = 5_000;
const SEED: u64 = 42;

/// The corpus written afresh in the temporary folder `name`: the folder and the files' paths.
pub fn fresh(name: &str) -> std::io::Result<(PathBuf, Vec<PathBuf>)> {
    let dir = std::env::temp_dir().join(name);
    let _ = std::fs::remove_dir_all(&dir);
    let paths = write(&dir, FILES, SEED)?;
    Ok((dir, paths))
}

pub fn write(dir: &Path, count: usize, seed: u64) -> std::io::Result<Vec<PathBuf>> {
    let mut rng = Rng::new(seed);
    let mut paths = Vec::with_capacity(count);
    for i in 0..count {
        let folder = dir.join(format!("team-{:02}", i / 100));
        std::fs::create_dir_all(&folder)?;
        let path = folder.join(format!("policy-{i:05}.json"));
        std::fs::write(&path, file(&mut rng))?;
        paths.push(path);
    }
    Ok(paths)
}
