//! What the stores expect of each table. `infra/template.yaml` is the one definition of the
//! tables; tests check that it and this list agree, and local set-up creates tables from it.

pub struct TableSpec {
    /// Logical id of the `AWS::DynamoDB::Table` resource in the template.
    pub logical_id: &'static str,
    /// Environment variable that carries the table's name to the functions.
    pub env: &'static str,
    pub partition_key: &'static str,
    pub sort_key: Option<&'static str>,
    pub ttl_attribute: Option<&'static str>,
    /// Global secondary indexes: (name, partition key, sort key).
    pub indexes: &'static [(&'static str, &'static str, &'static str)],
}

pub const TABLES: &[TableSpec] = &[
    TableSpec {
        logical_id: "AuthTable",
        env: "AUTH_TABLE",
        partition_key: "pk",
        sort_key: None,
        ttl_attribute: Some("expires_at"),
        indexes: &[],
    },
    TableSpec {
        logical_id: "PortalTable",
        env: "PORTAL_TABLE",
        partition_key: "pk",
        sort_key: Some("sk"),
        // Notifications and known devices expire; nothing else carries the attribute.
        ttl_attribute: Some("expires_at"),
        indexes: &[
            ("ByKind", "kind_pk", "sk"),
            ("ByStatus", "status_pk", "sk"),
            ("ByNumber", "num_pk", "number_lc"),
        ],
    },
];
