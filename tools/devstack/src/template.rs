//! Reads the parts of `infra/template.yaml` the local stack and the drift checks need: tables,
//! buckets, SES identities, function routes and the functions' environment.

use crate::DevError;
use serde_yaml::Value;
use std::collections::BTreeMap;
use std::path::Path;

pub struct Template {
    doc: Value,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyElement {
    pub name: String,
    /// `HASH` or `RANGE`.
    pub key_type: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexDef {
    pub name: String,
    pub key_schema: Vec<KeyElement>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableDef {
    pub logical_id: String,
    /// Attribute name → `S`, `N` or `B`.
    pub attributes: BTreeMap<String, String>,
    pub key_schema: Vec<KeyElement>,
    pub global_indexes: Vec<IndexDef>,
    pub ttl_attribute: Option<String>,
}

impl TableDef {
    pub fn key(&self, key_type: &str) -> Option<&str> {
        self.key_schema
            .iter()
            .find(|k| k.key_type == key_type)
            .map(|k| k.name.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct RouteDef {
    /// The function's binary (`Metadata.BuildProperties.Binary`).
    pub function: String,
    pub method: String,
    pub path: String,
}

/// A value of the functions' environment: a literal, or a reference to a resource or parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvValue {
    Literal(String),
    Ref(String),
    /// Anything else (`!If`, `!Sub` …): resolved by the local stack's own defaults.
    Other,
}

impl Template {
    pub fn load(path: &Path) -> Result<Template, DevError> {
        let text = std::fs::read_to_string(path)
            .map_err(DevError::io(format!("reading {}", path.display())))?;
        Template::parse(&text)
    }

    pub fn parse(text: &str) -> Result<Template, DevError> {
        let doc: Value = serde_yaml::from_str(text)
            .map_err(|e| DevError::msg(format!("infra/template.yaml is not valid YAML: {e}")))?;
        Ok(Template { doc })
    }

    fn resources(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.doc["Resources"]
            .as_mapping()
            .into_iter()
            .flatten()
            .filter_map(|(k, v)| Some((k.as_str()?, v)))
    }

    fn resources_of(&self, kind: &'static str) -> impl Iterator<Item = (&str, &Value)> {
        self.resources()
            .filter(move |(_, r)| r["Type"].as_str() == Some(kind))
    }

    /// A parameter's default value.
    pub fn parameter_default(&self, name: &str) -> Option<String> {
        scalar(&self.doc["Parameters"][name]["Default"])
    }

    /// A plain string, or `!Ref Parameter` resolved to the parameter's default.
    fn resolve(&self, value: &Value) -> Option<String> {
        match value {
            Value::Tagged(tagged) if tagged.tag == "!Ref" => {
                self.parameter_default(tagged.value.as_str()?)
            }
            other => scalar(other),
        }
    }

    pub fn tables(&self) -> Vec<TableDef> {
        self.resources_of("AWS::DynamoDB::Table")
            .map(|(id, resource)| {
                let props = &resource["Properties"];
                let attributes = seq(&props["AttributeDefinitions"])
                    .filter_map(|a| {
                        Some((scalar(&a["AttributeName"])?, scalar(&a["AttributeType"])?))
                    })
                    .collect();
                let ttl = &props["TimeToLiveSpecification"];
                TableDef {
                    logical_id: id.to_string(),
                    attributes,
                    key_schema: key_schema(&props["KeySchema"]),
                    global_indexes: seq(&props["GlobalSecondaryIndexes"])
                        .filter_map(|index| {
                            Some(IndexDef {
                                name: scalar(&index["IndexName"])?,
                                key_schema: key_schema(&index["KeySchema"]),
                            })
                        })
                        .collect(),
                    ttl_attribute: (ttl["Enabled"].as_bool() == Some(true))
                        .then(|| scalar(&ttl["AttributeName"]))
                        .flatten(),
                }
            })
            .collect()
    }

    pub fn buckets(&self) -> Vec<String> {
        self.resources_of("AWS::S3::Bucket")
            .map(|(id, _)| id.to_string())
            .collect()
    }

    pub fn event_buses(&self) -> Vec<String> {
        self.resources_of("AWS::Events::EventBus")
            .map(|(id, _)| id.to_string())
            .collect()
    }

    /// Every Secrets Manager secret with the length its `GenerateSecretString` asks for.
    pub fn secrets(&self) -> Vec<(String, i64)> {
        self.resources_of("AWS::SecretsManager::Secret")
            .map(|(id, r)| {
                let length = r["Properties"]["GenerateSecretString"]["PasswordLength"]
                    .as_i64()
                    .unwrap_or(32);
                (id.to_string(), length)
            })
            .collect()
    }

    pub fn email_identities(&self) -> Vec<String> {
        self.resources_of("AWS::SES::EmailIdentity")
            .filter_map(|(_, r)| self.resolve(&r["Properties"]["EmailIdentity"]))
            .collect()
    }

    /// Every `HttpApi` event of every function, sorted.
    pub fn routes(&self) -> Vec<RouteDef> {
        let mut routes: Vec<RouteDef> = self
            .resources_of("AWS::Serverless::Function")
            .flat_map(|(_, function)| {
                let binary =
                    scalar(&function["Metadata"]["BuildProperties"]["Binary"]).unwrap_or_default();
                function["Properties"]["Events"]
                    .as_mapping()
                    .into_iter()
                    .flatten()
                    .filter(|(_, event)| event["Type"].as_str() == Some("HttpApi"))
                    .filter_map(move |(_, event)| {
                        let props = &event["Properties"];
                        Some(RouteDef {
                            function: binary.clone(),
                            method: scalar(&props["Method"])?.to_ascii_uppercase(),
                            path: scalar(&props["Path"])?,
                        })
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
        routes.sort();
        routes
    }

    /// The environment every function gets from `Globals.Function.Environment`.
    /// The functions' environment: `Globals` and every function's own variables (the secrets
    /// a route declares), merged, as one process that serves every route needs them.
    pub fn function_environment(&self) -> BTreeMap<String, EnvValue> {
        let own = self
            .resources_of("AWS::Serverless::Function")
            .map(|(_, f)| &f["Properties"]["Environment"]["Variables"]);
        std::iter::once(&self.doc["Globals"]["Function"]["Environment"]["Variables"])
            .chain(own)
            .filter_map(Value::as_mapping)
            .flatten()
            .filter_map(|(k, v)| {
                let value = match v {
                    Value::Tagged(t) if t.tag == "!Ref" => {
                        EnvValue::Ref(t.value.as_str()?.to_string())
                    }
                    Value::Tagged(_) => EnvValue::Other,
                    other => scalar(other)
                        .map(EnvValue::Literal)
                        .unwrap_or(EnvValue::Other),
                };
                Some((k.as_str()?.to_string(), value))
            })
            .collect()
    }
}

fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn seq(value: &Value) -> impl Iterator<Item = &Value> {
    value.as_sequence().into_iter().flatten()
}

fn key_schema(value: &Value) -> Vec<KeyElement> {
    seq(value)
        .filter_map(|k| {
            Some(KeyElement {
                name: scalar(&k["AttributeName"])?,
                key_type: scalar(&k["KeyType"])?,
            })
        })
        .collect()
}
